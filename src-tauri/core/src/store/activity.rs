//! The per-customer activity columns (purchase and touch counts, first and
//! last dates), derived from touchpoints and purchases. `crate::derived`
//! refreshes them in the same transaction as every write to those.

use std::rc::Rc;

use rusqlite::Connection;
use rusqlite::types::Value;
use rusqlite::vtab::array::Array;

use crate::error::Result;

const REFRESH: &str = "
UPDATE customers SET
    purchase_count    = (SELECT count(*) FROM purchases p
                          WHERE p.customer_id = customers.id AND p.amount_minor > 0),
    first_purchase_at = (SELECT min(purchased_at) FROM purchases p
                          WHERE p.customer_id = customers.id AND p.amount_minor > 0),
    last_purchase_at  = (SELECT max(purchased_at) FROM purchases p
                          WHERE p.customer_id = customers.id AND p.amount_minor > 0),
    touch_count       = (SELECT count(*) FROM touchpoints t WHERE t.customer_id = customers.id),
    first_touch_at    = (SELECT min(occurred_at) FROM touchpoints t WHERE t.customer_id = customers.id),
    last_touch_at     = (SELECT max(occurred_at) FROM touchpoints t WHERE t.customer_id = customers.id)";

/// Recomputes these customers' activity columns.
pub(crate) fn refresh(conn: &Connection, customers: &[i64]) -> Result<()> {
    if let [one] = customers {
        conn.prepare_cached(&format!("{REFRESH} WHERE id = ?1"))?
            .execute([one])?;
    } else if !customers.is_empty() {
        let ids: Array = Rc::new(customers.iter().copied().map(Value::from).collect());
        conn.prepare_cached(&format!("{REFRESH} WHERE id IN rarray(?1)"))?
            .execute([ids])?;
    }
    Ok(())
}

/// Recomputes every customer's activity columns (after bulk writes).
pub(crate) fn refresh_all(conn: &Connection) -> Result<()> {
    conn.execute(REFRESH, [])?;
    Ok(())
}

/// Customers whose stored activity disagrees with their records.
pub(crate) fn stale_customers(conn: &Connection) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare(
        "SELECT c.id FROM customers c
          WHERE c.purchase_count IS NOT (SELECT count(*) FROM purchases p
                                          WHERE p.customer_id = c.id AND p.amount_minor > 0)
             OR c.first_purchase_at IS NOT (SELECT min(purchased_at) FROM purchases p
                                             WHERE p.customer_id = c.id AND p.amount_minor > 0)
             OR c.last_purchase_at IS NOT (SELECT max(purchased_at) FROM purchases p
                                            WHERE p.customer_id = c.id AND p.amount_minor > 0)
             OR c.touch_count IS NOT (SELECT count(*) FROM touchpoints t WHERE t.customer_id = c.id)
             OR c.first_touch_at IS NOT (SELECT min(occurred_at) FROM touchpoints t
                                          WHERE t.customer_id = c.id)
             OR c.last_touch_at IS NOT (SELECT max(occurred_at) FROM touchpoints t
                                         WHERE t.customer_id = c.id)",
    )?;
    let ids = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}

/// A customer's first contact and first purchase (Unix seconds).
pub(crate) fn firsts(conn: &Connection, customer_id: i64) -> Result<(Option<i64>, Option<i64>)> {
    Ok(conn
        .prepare_cached("SELECT first_touch_at, first_purchase_at FROM customers WHERE id = ?1")?
        .query_row([customer_id], |r| Ok((r.get(0)?, r.get(1)?)))?)
}
