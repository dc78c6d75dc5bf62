//! The dashboard's quarter-hour tallies of touchpoints and purchases (per
//! channel), counted from the raw rows. `crate::derived` counts again the
//! quarter hours a write touched, or every one after a bulk write.

use std::collections::BTreeSet;

use rusqlite::Connection;

use crate::error::Result;

/// `floor(instant / 900)` in SQL, for instants before 1970 too.
macro_rules! bucket_of {
    ($at:literal) => {
        concat!("((", $at, " - ((", $at, " % 900) + 900) % 900) / 900)")
    };
}

const TOUCH_COUNTS: &str = "sum(direction = 'give'), sum(direction = 'ask'),
    sum(direction = 'neutral'), coalesce(sum(satisfaction), 0), count(satisfaction)";
const PURCHASE_COUNTS: &str = "sum(amount_minor), sum(amount_minor > 0),
    coalesce(sum(satisfaction), 0), count(satisfaction)";

/// Counts these quarter hours again.
pub(crate) fn recount(
    conn: &Connection,
    touches: &BTreeSet<i64>,
    purchases: &BTreeSet<i64>,
) -> Result<()> {
    let mut clear_touches = conn.prepare_cached("DELETE FROM touch_tallies WHERE bucket = ?1")?;
    let mut count_touches = conn.prepare_cached(&format!(
        "INSERT INTO touch_tallies (bucket, give, ask, neutral, satisfaction_total, satisfaction_count)
         SELECT ?1, {TOUCH_COUNTS} FROM touchpoints
          WHERE occurred_at >= ?1 * 900 AND occurred_at < ?1 * 900 + 900
         HAVING count(*) > 0"
    ))?;
    for bucket in touches {
        clear_touches.execute([bucket])?;
        count_touches.execute([bucket])?;
    }
    let mut clear_purchases =
        conn.prepare_cached("DELETE FROM purchase_tallies WHERE bucket = ?1")?;
    let mut count_purchases = conn.prepare_cached(&format!(
        "INSERT INTO purchase_tallies (bucket, channel, amount_minor, purchases, satisfaction_total, satisfaction_count)
         SELECT ?1, channel, {PURCHASE_COUNTS} FROM purchases
          WHERE purchased_at >= ?1 * 900 AND purchased_at < ?1 * 900 + 900
          GROUP BY channel"
    ))?;
    for bucket in purchases {
        clear_purchases.execute([bucket])?;
        count_purchases.execute([bucket])?;
    }
    Ok(())
}

/// Counts every quarter hour again (after bulk writes).
pub(crate) fn recount_all(conn: &Connection) -> Result<()> {
    conn.execute_batch(&format!(
        "DELETE FROM touch_tallies;
         DELETE FROM purchase_tallies;
         INSERT INTO touch_tallies (bucket, give, ask, neutral, satisfaction_total, satisfaction_count)
         SELECT {b}, {TOUCH_COUNTS} FROM touchpoints GROUP BY 1;
         INSERT INTO purchase_tallies (bucket, channel, amount_minor, purchases, satisfaction_total, satisfaction_count)
         SELECT {p}, channel, {PURCHASE_COUNTS} FROM purchases GROUP BY 1, 2;",
        b = bucket_of!("occurred_at"),
        p = bucket_of!("purchased_at"),
    ))?;
    Ok(())
}

/// Quarter hours whose tallies disagree with the touchpoints and purchases
/// they count (all-zero buckets count as absent on both sides).
pub(crate) fn mismatches(conn: &Connection) -> Result<u32> {
    let touches = format!(
        "SELECT {b}, {TOUCH_COUNTS} FROM touchpoints GROUP BY 1",
        b = bucket_of!("occurred_at")
    );
    let purchases = format!(
        "SELECT * FROM (
             SELECT {p} AS b, channel, sum(amount_minor) AS amount, sum(amount_minor > 0) AS bought,
                    coalesce(sum(satisfaction), 0) AS total, count(satisfaction) AS responses
               FROM purchases GROUP BY 1, 2)
          WHERE amount <> 0 OR bought <> 0 OR responses <> 0",
        p = bucket_of!("purchased_at")
    );
    let kept_touches = "SELECT bucket, give, ask, neutral, satisfaction_total, satisfaction_count
                          FROM touch_tallies WHERE give + ask + neutral + satisfaction_count > 0";
    let kept_purchases =
        "SELECT bucket, channel, amount_minor, purchases, satisfaction_total, satisfaction_count
           FROM purchase_tallies
          WHERE amount_minor <> 0 OR purchases <> 0 OR satisfaction_count <> 0";
    let sql = format!(
        "SELECT (SELECT count(*) FROM ({kept_touches} EXCEPT {touches}))
              + (SELECT count(*) FROM ({touches} EXCEPT {kept_touches}))
              + (SELECT count(*) FROM ({kept_purchases} EXCEPT {purchases}))
              + (SELECT count(*) FROM ({purchases} EXCEPT {kept_purchases}))"
    );
    Ok(conn.query_row(&sql, [], |r| r.get(0))?)
}
