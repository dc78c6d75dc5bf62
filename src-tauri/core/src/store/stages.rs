//! The ladder in the store: each customer's stage history, dismissed
//! suggestions, and the facts the promotion rules read.

use rusqlite::{Connection, OptionalExtension, params};

use super::Tx;
use super::customers::record_stage_change;
use crate::domain::clock::Clock;
use crate::domain::kana;
use crate::domain::ladder::{PromotionFacts, PromotionRule, Stage, StageChange};
use crate::error::{Error, Result};

/// A customer's moves on the ladder, oldest first.
pub(crate) fn history(conn: &Connection, customer_id: i64) -> Result<Vec<StageChange>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, from_stage, to_stage, changed_at, reason, rule FROM stage_changes
          WHERE customer_id = ?1 ORDER BY changed_at, id",
    )?;
    let rows = stmt
        .query_map([customer_id], |r| {
            Ok(StageChange {
                id: r.get(0)?,
                from: r.get(1)?,
                to: r.get(2)?,
                changed_at: r.get(3)?,
                reason: r.get(4)?,
                rule: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub(crate) fn stage_of(conn: &Connection, customer_id: i64) -> Result<Stage> {
    conn.prepare_cached("SELECT stage FROM customers WHERE id = ?1")?
        .query_row([customer_id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::not_found("customer", customer_id))
}

/// Moves a customer on the ladder and records it; returns the entry's id.
pub(crate) fn move_to(
    tx: &mut Tx<'_>,
    customer_id: i64,
    from: Stage,
    to: Stage,
    reason: &str,
    rule: Option<PromotionRule>,
    clock: &Clock,
) -> Result<i64> {
    tx.prepare_cached("UPDATE customers SET stage = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(params![customer_id, to, clock.timestamp()])?;
    record_stage_change(
        tx,
        customer_id,
        Some(from),
        to,
        reason,
        rule.map(PromotionRule::as_str),
        clock,
    )?;
    let id = tx.last_insert_rowid();
    tx.changed.profile(customer_id);
    Ok(id)
}

pub(crate) fn dismiss(
    tx: &mut Tx<'_>,
    customer_id: i64,
    rule: PromotionRule,
    at: i64,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT OR IGNORE INTO dismissed_suggestions (customer_id, rule, dismissed_at)
         VALUES (?1, ?2, ?3)",
    )?
    .execute(params![customer_id, rule, at])?;
    Ok(())
}

/// What the promotion rules read of one customer, with their display name;
/// `None` when there is no such customer.
pub(crate) fn promotion_facts(
    conn: &Connection,
    customer_id: i64,
    year_since: i64,
    now: i64,
) -> Result<Option<(String, PromotionFacts)>> {
    let Some((stage, archived, purchases, name)) = conn
        .prepare_cached(
            "SELECT stage, archived, purchase_count, family_name, given_name, company
               FROM customers WHERE id = ?1",
        )?
        .query_row([customer_id], |r| {
            Ok((
                r.get::<_, Stage>(0)?,
                r.get::<_, bool>(1)?,
                r.get::<_, u32>(2)?,
                kana::display_name(
                    &r.get::<_, String>(3)?,
                    &r.get::<_, String>(4)?,
                    &r.get::<_, String>(5)?,
                ),
            ))
        })
        .optional()?
    else {
        return Ok(None);
    };
    let dismissed: Vec<PromotionRule> = conn
        .prepare_cached("SELECT rule FROM dismissed_suggestions WHERE customer_id = ?1")?
        .query_map([customer_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let purchases_in_year: u32 = conn
        .prepare_cached(
            "SELECT count(*) FROM purchases
              WHERE customer_id = ?1 AND amount_minor > 0 AND purchased_at > ?2 AND purchased_at <= ?3",
        )?
        .query_row(params![customer_id, year_since, now], |r| r.get(0))?;
    let first_item: Option<String> = conn
        .prepare_cached(
            "SELECT item FROM purchases WHERE customer_id = ?1 AND amount_minor > 0
              ORDER BY purchased_at, id LIMIT 1",
        )?
        .query_row([customer_id], |r| r.get(0))
        .optional()?;
    let first_referred = super::referrals::first_referred(conn, customer_id)?
        .map(|(family, given, company)| kana::display_name(&family, &given, &company));
    Ok(Some((
        name,
        PromotionFacts {
            stage: Some(stage),
            archived,
            purchases,
            purchases_in_year,
            first_item,
            first_referred,
            dismissed,
        },
    )))
}

/// Active customers a rule might apply to, most recent activity first: the
/// cheap test on stored counts that narrows the book before each customer's
/// facts are read. Each rule's target stage is bound, not written here.
pub(crate) fn promotion_candidates(conn: &Connection, client_threshold: u32) -> Result<Vec<i64>> {
    let target = |rule: PromotionRule| rule.target().rung();
    Ok(conn
        .prepare_cached(
            "SELECT c.id FROM customers c
              WHERE c.archived = 0
                AND ((c.stage < ?2 AND c.purchase_count >= 1)
                  OR (c.stage < ?3 AND c.purchase_count >= ?1)
                  OR (c.stage < ?4 AND EXISTS (SELECT 1 FROM referrals r WHERE r.referrer_id = c.id)))
              ORDER BY max(coalesce(c.last_purchase_at, 0), c.updated_at) DESC",
        )?
        .query_map(
            params![
                client_threshold,
                target(PromotionRule::FirstPurchase),
                target(PromotionRule::RepeatPurchases),
                target(PromotionRule::FirstReferral)
            ],
            |r| r.get(0),
        )?
        .collect::<rusqlite::Result<_>>()?)
}
