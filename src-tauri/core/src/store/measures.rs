//! The dashboard's queries: sums over the tallies (or the raw rows when a
//! month does not begin on a quarter hour), the purchase walks behind
//! retention and the repeat rate, the funnel, and the customers whose
//! rhythm the at-risk rule judges. The measures themselves are defined in
//! `domain/measures.rs`.

use std::collections::HashMap;
use std::rc::Rc;

use rusqlite::types::Value;
use rusqlite::vtab::array::Array;
use rusqlite::{Connection, params};

use super::customers::customer_ref_from_row;
use crate::domain::customer::CustomerRef;
use crate::domain::ladder::Stage;
use crate::domain::measures::{
    Activity, DAY, FunnelStep, MIN_USUAL_DAYS, MonthTouches, OVERDUE_MIN_DAYS, Ratio, Sums,
    TALLY_SECONDS, Windows,
};
use crate::domain::purchase::Channel;
use crate::error::Result;

/// Revenue, purchases, satisfaction and touches over `[from, to)`: from
/// the quarter-hour tallies when `aligned`, else from the raw tables.
pub(crate) fn sums(conn: &Connection, (from, to): (i64, i64), aligned: bool) -> Result<Sums> {
    let mut sums = Sums::default();
    let (purchase_sql, touch_sql, range) = if aligned {
        (
            "SELECT channel, sum(amount_minor), sum(purchases), sum(satisfaction_total), sum(satisfaction_count)
               FROM purchase_tallies WHERE bucket >= ?1 AND bucket < ?2 GROUP BY channel",
            "SELECT coalesce(sum(give), 0), coalesce(sum(ask), 0), coalesce(sum(neutral), 0),
                    coalesce(sum(satisfaction_total), 0), coalesce(sum(satisfaction_count), 0)
               FROM touch_tallies WHERE bucket >= ?1 AND bucket < ?2",
            (from / TALLY_SECONDS, to / TALLY_SECONDS),
        )
    } else {
        (
            "SELECT channel, sum(amount_minor), count(*) FILTER (WHERE amount_minor > 0),
                    coalesce(sum(satisfaction), 0), count(satisfaction)
               FROM purchases WHERE purchased_at >= ?1 AND purchased_at < ?2 GROUP BY channel",
            "SELECT count(*) FILTER (WHERE direction = 'give'), count(*) FILTER (WHERE direction = 'ask'),
                    count(*) FILTER (WHERE direction = 'neutral'),
                    coalesce(sum(satisfaction), 0), count(satisfaction)
               FROM touchpoints WHERE occurred_at >= ?1 AND occurred_at < ?2",
            (from, to),
        )
    };
    let mut stmt = conn.prepare_cached(purchase_sql)?;
    let rows = stmt.query_map(params![range.0, range.1], |r| {
        Ok((
            r.get::<_, Channel>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, u32>(2)?,
            r.get::<_, u32>(3)?,
            r.get::<_, u32>(4)?,
        ))
    })?;
    for row in rows {
        let (channel, amount, purchases, total, responses) = row?;
        sums.add_purchases(channel, amount, purchases, total, responses);
    }
    let (touches, total, responses) =
        conn.prepare_cached(touch_sql)?
            .query_row(params![range.0, range.1], |r| {
                Ok((
                    MonthTouches {
                        give: r.get(0)?,
                        ask: r.get(1)?,
                        neutral: r.get(2)?,
                    },
                    r.get::<_, u32>(3)?,
                    r.get::<_, u32>(4)?,
                ))
            })?;
    sums.add_touches(touches, total, responses);
    Ok(sums)
}

/// Existing customers who bought again, per month: one pass in time
/// order over the range's repeat purchases, counting each customer once
/// a month by remembering the last month they were counted in.
pub(crate) fn active_existing(conn: &Connection, bounds: &[i64]) -> Result<Vec<u32>> {
    let months = bounds.len() - 1;
    let mut counts = vec![0; months];
    let mut counted: HashMap<i64, usize> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT purchased_at, customer_id FROM purchases
          WHERE purchased_at >= ?1 AND purchased_at < ?2 AND channel = 'repeat' AND amount_minor > 0
          ORDER BY purchased_at",
    )?;
    let mut rows = stmt.query(params![bounds[0], bounds[months]])?;
    let mut month = 0;
    while let Some(r) = rows.next()? {
        let at: i64 = r.get(0)?;
        while month + 1 < months && at >= bounds[month + 1] {
            month += 1;
        }
        if counted.insert(r.get(1)?, month) != Some(month) {
            counts[month] += 1;
        }
    }
    Ok(counts)
}

/// Retention and the repeat rate of both 12-month windows, from one walk
/// of the purchases in customer order (no sorting needed).
pub(crate) fn windows(
    conn: &Connection,
    before: (i64, i64),
    current: (i64, i64),
) -> Result<Windows> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FILTER (WHERE b > 0), count(*) FILTER (WHERE b > 0 AND c > 0),
                    count(*) FILTER (WHERE c > 0), count(*) FILTER (WHERE c >= 2),
                    count(*) FILTER (WHERE b >= 2)
               FROM (SELECT sum(purchased_at < ?2) AS b, sum(purchased_at >= ?2) AS c
                       FROM purchases INDEXED BY purchases_customer_time
                      WHERE amount_minor > 0 AND purchased_at >= ?1 AND purchased_at < ?3
                      GROUP BY customer_id)",
        )?
        .query_row(params![before.0, current.0, current.1], |r| {
            let ratio = |numerator: u32, denominator: u32| Ratio {
                numerator,
                denominator,
            };
            Ok(Windows {
                retention: ratio(r.get(1)?, r.get(0)?),
                repeat_current: ratio(r.get(3)?, r.get(2)?),
                repeat_before: ratio(r.get(4)?, r.get(0)?),
            })
        })?)
}

pub(crate) fn funnel(conn: &Connection, period: (i64, i64)) -> Result<Vec<FunnelStep>> {
    let mut steps: Vec<FunnelStep> = Stage::ALL
        .iter()
        .map(|&stage| FunnelStep {
            stage,
            customers: 0,
            promotions: 0,
        })
        .collect();
    let mut stmt = conn.prepare_cached(
        // Named: the planner prefers the wider list index, five times the size.
        "SELECT stage, count(*) FROM customers INDEXED BY customers_active_stage
          WHERE archived = 0 GROUP BY stage",
    )?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, Stage>(0)?, r.get::<_, u32>(1)?)))? {
        let (stage, count) = row?;
        steps[stage.rung() as usize].customers = count;
    }
    // One pass, a sum per stage: no grouping to sort.
    let per_stage: Vec<String> = Stage::ALL
        .iter()
        .map(|stage| format!("coalesce(sum(to_stage = {}), 0)", stage.rung()))
        .collect();
    let promotions: Vec<u32> = conn
        .prepare_cached(&format!(
            "SELECT {} FROM stage_changes
              WHERE changed_at >= ?1 AND changed_at < ?2 AND from_stage IS NOT NULL
                AND to_stage > from_stage",
            per_stage.join(", ")
        ))?
        .query_row(params![period.0, period.1], |r| {
            (0..Stage::ALL.len()).map(|i| r.get(i)).collect()
        })?;
    for (step, count) in steps.iter_mut().zip(promotions) {
        step.promotions = count;
    }
    Ok(steps)
}

/// Of the existing customers (they bought before the window) who bought
/// in it, those who bought something they had never bought before.
pub(crate) fn new_product_adoption(conn: &Connection, window: (i64, i64)) -> Result<Ratio> {
    Ok(conn
        .prepare_cached(
            "SELECT count(DISTINCT p.customer_id) FILTER (WHERE NOT EXISTS (
                        SELECT 1 FROM purchases q
                         WHERE q.customer_id = p.customer_id AND q.purchased_at < ?1
                           AND q.amount_minor > 0 AND q.item = p.item)),
                    count(DISTINCT p.customer_id)
               FROM purchases p
              WHERE p.purchased_at >= ?1 AND p.purchased_at < ?2 AND p.amount_minor > 0
                AND EXISTS (SELECT 1 FROM purchases q
                             WHERE q.customer_id = p.customer_id AND q.purchased_at < ?1
                               AND q.amount_minor > 0)",
        )?
        .query_row(params![window.0, window.1], |r| {
            Ok(Ratio {
                numerator: r.get(0)?,
                denominator: r.get(1)?,
            })
        })?)
}

/// Existing customers whose rhythm may be overdue, with their activity: the
/// at-risk rule (`domain::measures::at_risk`) decides. The condition is that
/// rule in integer arithmetic, so SQLite filters the covering index fast:
/// since > 1.5 × max(span / (n − 1), floor)
///   ⟺ 2 × since × (n − 1) > 3 × max(span, floor × (n − 1)).
/// Archived and do-not-contact customers are left alone.
pub(crate) fn rhythm_candidates(
    conn: &Connection,
    now: i64,
) -> Result<Vec<(i64, Stage, Activity)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, stage, purchase_count, first_purchase_at, last_purchase_at,
                touch_count, first_touch_at, last_touch_at
           FROM customers
          WHERE archived = 0 AND do_not_contact = 0 AND purchase_count >= 1
            AND ((purchase_count >= 2 AND ?1 - last_purchase_at >= ?2
                  AND 2 * (?1 - last_purchase_at) * (purchase_count - 1)
                      > 3 * max(last_purchase_at - first_purchase_at, ?3 * (purchase_count - 1)))
              OR (touch_count >= 3 AND ?1 - last_touch_at >= ?2
                  AND 2 * (?1 - last_touch_at) * (touch_count - 1)
                      > 3 * max(last_touch_at - first_touch_at, ?3 * (touch_count - 1))))",
    )?;
    let rows = stmt.query_map(
        params![now, OVERDUE_MIN_DAYS * DAY, MIN_USUAL_DAYS * DAY],
        |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                Activity {
                    purchase_count: r.get(2)?,
                    first_purchase_at: r.get(3)?,
                    last_purchase_at: r.get(4)?,
                    touch_count: r.get(5)?,
                    first_touch_at: r.get(6)?,
                    last_touch_at: r.get(7)?,
                },
            ))
        },
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// References to these customers, by id.
pub(crate) fn refs(conn: &Connection, ids: &[i64]) -> Result<HashMap<i64, CustomerRef>> {
    let ids: Array = Rc::new(ids.iter().copied().map(Value::from).collect());
    Ok(conn
        .prepare_cached(
            "SELECT c.id, c.family_name, c.given_name, c.company, c.archived
               FROM rarray(?1) a CROSS JOIN customers c ON c.id = a.value",
        )?
        .query_map([ids], customer_ref_from_row)?
        .map(|r| r.map(|c| (c.id, c)))
        .collect::<rusqlite::Result<_>>()?)
}
