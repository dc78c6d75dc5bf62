//! The sync's memory (what the last sync left on the server, card by card)
//! and its log.

use std::collections::HashMap;

use rusqlite::{Connection, params};

use crate::domain::sync::SyncLogEntry;
use crate::error::Result;

/// A card as the last sync left it: `href` → `(customer, etag, card)`.
pub(crate) type Remembered = HashMap<String, (Option<i64>, String, String)>;

pub(crate) fn of_collection(conn: &Connection, collection: &str) -> Result<Remembered> {
    let mut stmt = conn.prepare_cached(
        "SELECT href, customer_id, etag, card FROM sync_items WHERE collection = ?1",
    )?;
    let rows = stmt.query_map([collection], |r| {
        Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?, r.get(3)?)))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Remembers what is now on the server at `href`.
pub(crate) fn remember(
    conn: &Connection,
    collection: &str,
    href: &str,
    customer: Option<i64>,
    etag: &str,
    card: &str,
    at: i64,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO sync_items (collection, href, customer_id, etag, card, synced_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (collection, href) DO UPDATE SET
             customer_id = excluded.customer_id, etag = excluded.etag,
             card = excluded.card, synced_at = excluded.synced_at",
    )?
    .execute(params![collection, href, customer, etag, card, at])?;
    Ok(())
}

/// A card's UID made an alias of the customer it was matched with, so the
/// next import or sync finds them by it.
pub(crate) fn alias(conn: &Connection, uid: &str, customer: i64, at: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO customer_aliases (kind, value, customer_id, merged_at)
         VALUES ('uid', ?1, ?2, ?3)",
    )?
    .execute(params![uid, customer, at])?;
    Ok(())
}

/// Forgets everything the sync knew of the server (another account, or
/// none).
pub(crate) fn clear(conn: &Connection) -> Result<()> {
    conn.execute_batch("DELETE FROM sync_items; DELETE FROM sync_tokens;")?;
    Ok(())
}

/// The server's sync token for `collection`, as the last sync left it.
pub(crate) fn token(conn: &Connection, collection: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached("SELECT token FROM sync_tokens WHERE collection = ?1")?
        .query_row([collection], |r| r.get(0))
        .optional()?)
}

/// Keeps `token` for the next sync of `collection`; `None` forgets it (the
/// next sync compares every card).
pub(crate) fn keep_token(conn: &Connection, collection: &str, token: Option<&str>) -> Result<()> {
    match token {
        Some(token) => conn
            .prepare_cached(
                "INSERT INTO sync_tokens (collection, token) VALUES (?1, ?2)
                 ON CONFLICT (collection) DO UPDATE SET token = excluded.token",
            )?
            .execute(params![collection, token])?,
        None => conn
            .prepare_cached("DELETE FROM sync_tokens WHERE collection = ?1")?
            .execute([collection])?,
    };
    Ok(())
}

/// Forgets a card that is gone from the server.
pub(crate) fn forget(conn: &Connection, collection: &str, href: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM sync_items WHERE collection = ?1 AND href = ?2")?
        .execute(params![collection, href])?;
    Ok(())
}

/// The ids of the customers a sync writes: everyone not archived.
pub(crate) fn active_customers(conn: &Connection) -> Result<Vec<i64>> {
    let mut stmt =
        conn.prepare_cached("SELECT id FROM customers WHERE archived = 0 ORDER BY id")?;
    let ids = stmt.query_map([], |r| r.get(0))?;
    Ok(ids.collect::<rusqlite::Result<_>>()?)
}

/// How many log entries are kept.
const LOG_KEPT: i64 = 500;

pub(crate) fn log(
    conn: &Connection,
    at: i64,
    event: &str,
    detail: &str,
    customer: Option<i64>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO sync_log (at, event, detail, customer_id) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![at, event, detail, customer])?;
    conn.prepare_cached("DELETE FROM sync_log WHERE id <= (SELECT max(id) FROM sync_log) - ?1")?
        .execute([LOG_KEPT])?;
    Ok(())
}

/// The newest entries first, with the customer's name where there is one.
pub(crate) fn recent(conn: &Connection, limit: u32) -> Result<Vec<SyncLogEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.at, l.event, l.detail, l.customer_id,
                coalesce(trim(c.family_name || ' ' || c.given_name), '')
           FROM sync_log l LEFT JOIN customers c ON c.id = l.customer_id
          ORDER BY l.id DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit], |r| {
        Ok(SyncLogEntry {
            at: r.get(0)?,
            event: r.get(1)?,
            detail: r.get(2)?,
            customer_id: r.get(3)?,
            customer: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
