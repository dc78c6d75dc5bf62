//! The dashboard's per-customer windows (`customer_months`): each
//! customer's positive purchases in the two 12-month windows ending with a
//! month, and the months of the later window in which they bought again.
//! `crate::measures` keeps it for the current month; this is its SQL.

use std::rc::Rc;

use rusqlite::types::Value;
use rusqlite::vtab::array::Array;
use rusqlite::{Connection, OptionalExtension, ToSql};

use crate::domain::measures::{MonthWindows, Ratio, Windows};
use crate::error::Result;

pub(crate) fn built_for(conn: &Connection) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT built_for FROM customer_months_meta WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()?
        .flatten())
}

/// Asks for a rebuild (settings, a restore).
pub(crate) fn reset(conn: &Connection) -> Result<()> {
    conn.prepare_cached("UPDATE customer_months_meta SET built_for = NULL")?
        .execute([])?;
    Ok(())
}

/// These customers' purchases changed.
pub(crate) fn mark_dirty(conn: &Connection, customers: &[i64]) -> Result<()> {
    if customers.is_empty() {
        return Ok(());
    }
    // Nothing to mark while a rebuild of everyone is pending.
    let ids: Array = Rc::new(customers.iter().copied().map(Value::from).collect());
    conn.prepare_cached(
        "INSERT OR IGNORE INTO customer_months_dirty (customer_id)
         SELECT value FROM rarray(?1)
          WHERE (SELECT built_for FROM customer_months_meta WHERE id = 1) IS NOT NULL",
    )?
    .execute([ids])?;
    Ok(())
}

pub(crate) fn dirty(conn: &Connection) -> Result<Vec<i64>> {
    Ok(conn
        .prepare_cached("SELECT customer_id FROM customer_months_dirty")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Each customer's row, worked out from the purchases: `?1` and `?14` are
/// the windows' outer bounds, `?2`…`?13` the starts of the later window's
/// twelve months (`?2` is also where the earlier window ends). The months'
/// bits are summed once each, which is an OR.
const COMPUTED: &str = "
    SELECT customer_id,
           sum(purchased_at < ?2),
           sum(purchased_at >= ?2),
           coalesce(sum(DISTINCT CASE WHEN channel = 'repeat' AND purchased_at >= ?2 THEN
               1 << ((purchased_at >= ?3) + (purchased_at >= ?4) + (purchased_at >= ?5)
                   + (purchased_at >= ?6) + (purchased_at >= ?7) + (purchased_at >= ?8)
                   + (purchased_at >= ?9) + (purchased_at >= ?10) + (purchased_at >= ?11)
                   + (purchased_at >= ?12) + (purchased_at >= ?13)) END), 0)
      FROM purchases
     WHERE amount_minor > 0 AND purchased_at >= ?1 AND purchased_at < ?14";

fn bounds(w: &MonthWindows) -> Vec<&dyn ToSql> {
    let mut bound: Vec<&dyn ToSql> = vec![&w.before_from];
    bound.extend(w.months.iter().map(|m| m as &dyn ToSql));
    bound
}

/// Rebuilds every row for `w`, recorded as built for `built_for`.
pub(crate) fn rebuild(conn: &Connection, w: &MonthWindows, built_for: &str) -> Result<()> {
    conn.execute_batch("DELETE FROM customer_months; DELETE FROM customer_months_dirty;")?;
    conn.prepare_cached(&format!(
        "INSERT INTO customer_months (customer_id, bought_before, bought_current, repeat_months)
         {COMPUTED} GROUP BY customer_id"
    ))?
    .execute(&bounds(w)[..])?;
    conn.prepare_cached("UPDATE customer_months_meta SET built_for = ?1 WHERE id = 1")?
        .execute([built_for])?;
    Ok(())
}

/// Works out the dirty customers' rows again.
pub(crate) fn refresh(conn: &Connection, customers: &[i64], w: &MonthWindows) -> Result<()> {
    let ids: Array = Rc::new(customers.iter().copied().map(Value::from).collect());
    conn.prepare_cached("DELETE FROM customer_months WHERE customer_id IN rarray(?1)")?
        .execute([&ids])?;
    let mut bound = bounds(w);
    bound.push(&ids);
    conn.prepare_cached(&format!(
        "INSERT INTO customer_months (customer_id, bought_before, bought_current, repeat_months)
         {COMPUTED} AND customer_id IN rarray(?15) GROUP BY customer_id"
    ))?
    .execute(&bound[..])?;
    conn.prepare_cached("DELETE FROM customer_months_dirty")?
        .execute([])?;
    Ok(())
}

/// Retention, the repeat rates and the customers who bought again in each
/// of the later window's months, over the kept rows: read as plain
/// integers and summed here, which costs a fraction of SQL aggregates.
pub(crate) fn totals(conn: &Connection) -> Result<(Windows, Vec<u32>)> {
    let mut stmt = conn.prepare_cached(
        "SELECT bought_before, bought_current, repeat_months FROM customer_months",
    )?;
    let mut rows = stmt.query([])?;
    // (bought before, both, bought now, twice now, twice before)
    let mut n = [0u32; 5];
    let mut active = vec![0u32; 12];
    while let Some(r) = rows.next()? {
        let (before, current, months): (i64, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
        n[0] += u32::from(before > 0);
        n[1] += u32::from(before > 0 && current > 0);
        n[2] += u32::from(current > 0);
        n[3] += u32::from(current >= 2);
        n[4] += u32::from(before >= 2);
        for (bit, count) in active.iter_mut().enumerate() {
            *count += u32::from((months >> bit) & 1 == 1);
        }
    }
    let ratio = |numerator: u32, denominator: u32| Ratio {
        numerator,
        denominator,
    };
    Ok((
        Windows {
            retention: ratio(n[1], n[0]),
            repeat_current: ratio(n[3], n[2]),
            repeat_before: ratio(n[4], n[0]),
        },
        active,
    ))
}

/// Kept rows that disagree with the purchases (dirty customers, who are
/// worked out again at the next read, aside).
pub(crate) fn mismatches(conn: &Connection, w: &MonthWindows) -> Result<u32> {
    let sql = format!(
        "SELECT count(*) FROM (
             SELECT * FROM (SELECT customer_id, bought_before, bought_current, repeat_months
                              FROM customer_months
                            EXCEPT {COMPUTED} GROUP BY customer_id)
             UNION ALL
             SELECT * FROM ({COMPUTED} GROUP BY customer_id
                            EXCEPT SELECT customer_id, bought_before, bought_current, repeat_months
                                     FROM customer_months))
          WHERE customer_id NOT IN (SELECT customer_id FROM customer_months_dirty)"
    );
    Ok(conn
        .prepare(&sql)?
        .query_row(&bounds(w)[..], |r| r.get(0))?)
}

/// Reads the kept rows' month, zone and version back from `built_for`.
pub(crate) fn parse_built_for(text: &str) -> Option<(i32, u32, chrono_tz::Tz)> {
    let mut parts = text.split('|');
    let (year, month) = parts.next()?.split_once('-')?;
    let tz = parts.next()?.parse().ok()?;
    Some((year.parse().ok()?, month.parse().ok()?, tz))
}
