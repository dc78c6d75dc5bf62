//! The sync's memory (what the last sync left on the server, card by card)
//! and its log.

use std::collections::HashMap;

use rusqlite::{Connection, params};

use crate::domain::sync::SyncLogEntry;
use crate::error::Result;

/// A card (or event) as the last sync left it on the server.
#[derive(Debug, Clone, Default)]
pub(crate) struct Item {
    /// The customer it is; `None` for a card kept apart (its customer
    /// deleted, or a card Kizuna could not take in) and for events.
    pub customer: Option<i64>,
    pub etag: String,
    /// The card as last written or read: what a later change on either
    /// side is told by; empty for a card Kizuna cannot read.
    pub card: String,
    /// The server card's properties Kizuna does not carry, written back
    /// with it.
    pub extra: String,
    /// To be deleted from the server at the next sync.
    pub doomed: bool,
}

/// What the last sync left in a collection, by href.
pub(crate) type Remembered = HashMap<String, Item>;

pub(crate) fn of_collection(conn: &Connection, collection: &str) -> Result<Remembered> {
    let mut stmt = conn.prepare_cached(
        "SELECT href, customer_id, etag, card, extra, doomed FROM sync_items
          WHERE collection = ?1",
    )?;
    let rows = stmt.query_map([collection], |r| {
        Ok((
            r.get::<_, String>(0)?,
            Item {
                customer: r.get(1)?,
                etag: r.get(2)?,
                card: r.get(3)?,
                extra: r.get(4)?,
                doomed: r.get(5)?,
            },
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What is now on the server at an href, to remember.
pub(crate) struct Seen<'a> {
    pub customer: Option<i64>,
    pub etag: &'a str,
    pub card: &'a str,
    /// The server card's own properties; `None` keeps those remembered.
    pub extra: Option<&'a str>,
}

/// Remembers what is now on the server at `href` (a card to be deleted
/// stays so).
pub(crate) fn remember(
    conn: &Connection,
    collection: &str,
    href: &str,
    seen: &Seen<'_>,
    at: i64,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO sync_items (collection, href, customer_id, etag, card, extra, synced_at)
         VALUES (?1, ?2, ?3, ?4, ?5, coalesce(?6, ''), ?7)
         ON CONFLICT (collection, href) DO UPDATE SET
             customer_id = excluded.customer_id, etag = excluded.etag,
             card = excluded.card, extra = coalesce(?6, extra),
             synced_at = excluded.synced_at",
    )?
    .execute(params![
        collection,
        href,
        seen.customer,
        seen.etag,
        seen.card,
        seen.extra,
        at
    ])?;
    Ok(())
}

/// Marks the cards of `customer` to be deleted from the server at the
/// next sync (before the customer is deleted).
pub(crate) fn doom(conn: &Connection, customer: i64) -> Result<usize> {
    Ok(conn
        .prepare_cached("UPDATE sync_items SET doomed = 1 WHERE customer_id = ?1")?
        .execute([customer])?)
}

/// Whether a card of `customer` is on the server, as far as the last sync
/// knows.
pub(crate) fn has_card(conn: &Connection, customer: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM sync_items WHERE customer_id = ?1)")?
        .query_row([customer], |r| r.get(0))?)
}

/// The customers kept off the phone.
pub(crate) fn kept_off_phone(conn: &Connection) -> Result<std::collections::HashSet<i64>> {
    let mut stmt = conn.prepare_cached("SELECT id FROM customers WHERE keep_off_phone = 1")?;
    let ids = stmt.query_map([], |r| r.get(0))?;
    Ok(ids.collect::<rusqlite::Result<_>>()?)
}

/// Links a card to its customer again (brought back by undo), no longer to
/// be deleted.
pub(crate) fn relink(conn: &Connection, collection: &str, href: &str, customer: i64) -> Result<()> {
    conn.prepare_cached(
        "UPDATE sync_items SET customer_id = ?3, doomed = 0 WHERE collection = ?1 AND href = ?2",
    )?
    .execute(params![collection, href, customer])?;
    Ok(())
}

/// A merged-away customer's cards go to the customer who stays, to be
/// deleted from the server at the next sync (after their changes there are
/// brought in): the staying customer's card carries both.
pub(crate) fn merged(conn: &Connection, from: i64, into: i64) -> Result<()> {
    conn.prepare_cached(
        "UPDATE sync_items SET customer_id = ?2, doomed = 1 WHERE customer_id = ?1",
    )?
    .execute(params![from, into])?;
    Ok(())
}

/// Keeps a card on the server apart from its customer: the sync no longer
/// writes, deletes or takes it in (it stays the phone's own contact).
pub(crate) fn set_apart(conn: &Connection, collection: &str, href: &str) -> Result<()> {
    conn.prepare_cached(
        "UPDATE sync_items SET customer_id = NULL, doomed = 0
          WHERE collection = ?1 AND href = ?2",
    )?
    .execute(params![collection, href])?;
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

/// The ids of the customers a sync writes: everyone not archived nor kept
/// off the phone.
pub(crate) fn active_customers(conn: &Connection) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM customers WHERE archived = 0 AND keep_off_phone = 0 ORDER BY id",
    )?;
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
