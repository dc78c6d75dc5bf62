//! The referrals table: who introduced whom, how far it came, the thank-you.

use std::rc::Rc;

use rusqlite::types::Value;
use rusqlite::vtab::array::Array;
use rusqlite::{Connection, OptionalExtension, params};

use super::Tx;
use super::customers::customer_ref_from_row;
use crate::domain::customer::CustomerRef;
use crate::domain::referral::{ReferralLink, ReferralNode, ReferralStatus};
use crate::domain::timeline::ReferralRole;
use crate::error::Result;

/// The referral that brought a customer, if any: `(id, referrer)`.
pub(crate) fn of_referred(conn: &Connection, referred_id: i64) -> Result<Option<(i64, i64)>> {
    Ok(conn
        .prepare_cached("SELECT id, referrer_id FROM referrals WHERE referred_id = ?1")?
        .query_row([referred_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// The referral with this id: `(referrer, referred)`.
pub(crate) fn parties(conn: &Connection, id: i64) -> Result<Option<(i64, i64)>> {
    Ok(conn
        .prepare_cached("SELECT referrer_id, referred_id FROM referrals WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// The referrer of `customer_id`, if they have not been thanked yet.
pub(crate) fn unthanked_referrer(
    conn: &Connection,
    customer_id: i64,
) -> Result<Option<CustomerRef>> {
    Ok(conn
        .prepare_cached(
            "SELECT c.id, c.family_name, c.given_name, c.company, c.archived
               FROM referrals r JOIN customers c ON c.id = r.referrer_id
              WHERE r.referred_id = ?1 AND r.thanked_at IS NULL",
        )?
        .query_row([customer_id], customer_ref_from_row)
        .optional()?)
}

pub(crate) fn link(conn: &Connection, referred_id: i64) -> Result<Option<ReferralLink>> {
    Ok(conn
        .prepare_cached(
            "SELECT c.id, c.family_name, c.given_name, c.company, c.archived,
                    r.status, r.introduced_at, r.thanked_at
               FROM referrals r JOIN customers c ON c.id = r.referrer_id
              WHERE r.referred_id = ?1",
        )?
        .query_row([referred_id], |r| {
            Ok(ReferralLink {
                referrer: customer_ref_from_row(r)?,
                status: r.get(5)?,
                introduced_at: r.get(6)?,
                thanked_at: r.get(7)?,
            })
        })
        .optional()?)
}

/// Whom `customer_id` introduced, and whom those introduced, `depth`
/// levels down: `(their referrer, node)` pairs in introduction order.
pub(crate) fn descendants(
    conn: &Connection,
    customer_id: i64,
    depth: u32,
) -> Result<Vec<(i64, ReferralNode)>> {
    let mut stmt = conn.prepare_cached(
        "WITH RECURSIVE down (referrer_id, referred_id, depth) AS (
             SELECT referrer_id, referred_id, 1 FROM referrals WHERE referrer_id = ?1
             UNION ALL
             SELECT r.referrer_id, r.referred_id, d.depth + 1
               FROM referrals r JOIN down d ON r.referrer_id = d.referred_id
              WHERE d.depth < ?2
         )
         SELECT c.id, c.family_name, c.given_name, c.company, c.archived,
                d.referrer_id, c.stage, r.status, r.introduced_at, r.thanked_at,
                (SELECT coalesce(sum(amount_minor), 0) FROM purchases p WHERE p.customer_id = c.id)
           FROM down d
           JOIN referrals r ON r.referred_id = d.referred_id
           JOIN customers c ON c.id = d.referred_id
          ORDER BY r.introduced_at, c.id",
    )?;
    let rows = stmt
        .query_map(params![customer_id, depth], |r| {
            Ok((
                r.get::<_, i64>(5)?,
                ReferralNode {
                    customer: customer_ref_from_row(r)?,
                    stage: r.get(6)?,
                    status: r.get(7)?,
                    introduced_at: r.get(8)?,
                    thanked_at: r.get(9)?,
                    sales_minor: r.get(10)?,
                    children: Vec::new(),
                },
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The first customer `customer_id` introduced: `(family, given, company)`.
pub(crate) fn first_referred(
    conn: &Connection,
    customer_id: i64,
) -> Result<Option<(String, String, String)>> {
    Ok(conn
        .prepare_cached(
            "SELECT c.family_name, c.given_name, c.company FROM referrals r
               JOIN customers c ON c.id = r.referred_id
              WHERE r.referrer_id = ?1 ORDER BY r.introduced_at, r.id LIMIT 1",
        )?
        .query_row([customer_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?)
}

/// The salesperson's own word on how far an introduction came (the status
/// shown is settled from it by the owner of derived data).
pub(crate) fn set_status(tx: &mut Tx<'_>, referred_id: i64, status: ReferralStatus) -> Result<()> {
    tx.prepare_cached("UPDATE referrals SET status_set = ?2 WHERE referred_id = ?1")?
        .execute(params![referred_id, status])?;
    let referrer = of_referred(tx, referred_id)?.map(|(_, referrer)| referrer);
    tx.changed.referral(referred_id, referrer);
    Ok(())
}

/// Records (or clears) the thank-you for referral `id`.
pub(crate) fn set_thanked(tx: &mut Tx<'_>, id: i64, at: Option<i64>) -> Result<()> {
    tx.prepare_cached("UPDATE referrals SET thanked_at = ?2 WHERE id = ?1")?
        .execute(params![id, at])?;
    if let Some((referrer, referred)) = parties(tx, id)? {
        tx.changed.referral(referred, Some(referrer));
    }
    Ok(())
}

/// An introduction as its status is settled from: `(referral, status
/// shown, status the salesperson set, the introduced customer's touch and
/// purchase counts)`.
pub(crate) type StatusRow = (i64, ReferralStatus, ReferralStatus, u32, u32);

const STATUS_ROWS: &str = "SELECT r.id, r.status, r.status_set, c.touch_count, c.purchase_count
                             FROM referrals r JOIN customers c ON c.id = r.referred_id";

/// The introductions of these customers (every one with `None`).
pub(crate) fn status_rows(conn: &Connection, referred: Option<&[i64]>) -> Result<Vec<StatusRow>> {
    let from_row =
        |r: &rusqlite::Row<'_>| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?));
    Ok(match referred {
        None => conn
            .prepare_cached(STATUS_ROWS)?
            .query_map([], from_row)?
            .collect::<rusqlite::Result<_>>()?,
        Some(ids) => {
            let ids: Array = Rc::new(ids.iter().copied().map(Value::from).collect());
            conn.prepare_cached(&format!("{STATUS_ROWS} WHERE r.referred_id IN rarray(?1)"))?
                .query_map([ids], from_row)?
                .collect::<rusqlite::Result<_>>()?
        }
    })
}

/// Stores a settled status (the owner of derived data does this).
pub(crate) fn settle_status(conn: &Connection, id: i64, status: ReferralStatus) -> Result<()> {
    conn.prepare_cached("UPDATE referrals SET status = ?2 WHERE id = ?1")?
        .execute(params![id, status])?;
    Ok(())
}

/// The referrers of these customers.
pub(crate) fn referrers_of(conn: &Connection, referred: &[i64]) -> Result<Vec<i64>> {
    let ids: Array = Rc::new(referred.iter().copied().map(Value::from).collect());
    Ok(conn
        .prepare_cached("SELECT referrer_id FROM referrals WHERE referred_id IN rarray(?1)")?
        .query_map([ids], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// The introductions a customer was part of, either way: `(when, their
/// role, the other customer, status)`.
pub(crate) fn involving(
    conn: &Connection,
    customer_id: i64,
) -> Result<Vec<(i64, ReferralRole, CustomerRef, ReferralStatus)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.family_name, c.given_name, c.company, c.archived,
                r.introduced_at, r.status, r.referred_id = ?1
           FROM referrals r
           JOIN customers c ON c.id = CASE WHEN r.referred_id = ?1 THEN r.referrer_id ELSE r.referred_id END
          WHERE r.referred_id = ?1 OR r.referrer_id = ?1",
    )?;
    let rows = stmt
        .query_map([customer_id], |r| {
            let role = if r.get::<_, bool>(7)? {
                ReferralRole::IntroducedBy
            } else {
                ReferralRole::Introduced
            };
            Ok((r.get(5)?, role, customer_ref_from_row(r)?, r.get(6)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Introductions that led to a purchase: `(referral, referred, introduced at)`.
pub(crate) fn bought(conn: &Connection) -> Result<Vec<(i64, i64, i64)>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, referred_id, introduced_at FROM referrals WHERE status = 'bought'",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?)
}
