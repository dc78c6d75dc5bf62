//! The per-customer activity columns (purchase and touch counts, first and
//! last dates), derived from touchpoints and purchases and refreshed in the
//! same transaction as every write to them.

use rusqlite::Connection;

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

/// Recomputes one customer's activity columns.
pub(crate) fn refresh(conn: &Connection, customer_id: i64) -> Result<()> {
    conn.prepare_cached(&format!("{REFRESH} WHERE id = ?1"))?
        .execute([customer_id])?;
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
             OR c.last_purchase_at IS NOT (SELECT max(purchased_at) FROM purchases p
                                            WHERE p.customer_id = c.id AND p.amount_minor > 0)
             OR c.touch_count IS NOT (SELECT count(*) FROM touchpoints t WHERE t.customer_id = c.id)
             OR c.last_touch_at IS NOT (SELECT max(occurred_at) FROM touchpoints t
                                         WHERE t.customer_id = c.id)",
    )?;
    let ids = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}
