//! The undo log: for each undoable action, the rows it changed as they were
//! before and after, so that undo can put back the very same rows (same
//! ids) and can tell when one of them was changed since.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::rows::Row;
use crate::error::Result;

/// How long an action can be undone.
pub const KEPT_SECONDS: i64 = 7 * 86_400;
/// How many actions are kept at most.
pub const KEPT_ENTRIES: i64 = 200;

/// One row an action changed: absent before (it created it), absent after
/// (it deleted it), or both (it changed it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowChange {
    pub table: String,
    /// The primary key's columns and values.
    pub key: Row,
    pub before: Option<Row>,
    pub after: Option<Row>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UndoEntry {
    pub id: i64,
    pub action: String,
    pub created_at: i64,
    pub changes: Vec<RowChange>,
}

/// Keeps an action's changes; returns the entry's id. Old entries go.
///
/// Ids are drawn at random (below 2^53, so they survive a trip through
/// JavaScript): an id the interface still holds must never come to name
/// another action — not after its entry was undone and a new one recorded,
/// nor after a backup brought back an older log.
pub fn record(conn: &Connection, action: &str, at: i64, changes: &[RowChange]) -> Result<i64> {
    conn.prepare_cached(
        "DELETE FROM undo_log WHERE created_at < ?1
            OR seq <= (SELECT max(seq) FROM undo_log) - (?2 - 1)",
    )?
    .execute(params![at - KEPT_SECONDS, KEPT_ENTRIES])?;
    let changes = serde_json::to_string(changes)?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO undo_log (id, action, created_at, changes) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT DO NOTHING",
    )?;
    loop {
        let id = fastrand::i64(1..1 << 53);
        if insert.execute(params![id, action, at, changes])? == 1 {
            return Ok(id);
        }
    }
}

/// Forgets every action (the store's content was replaced).
pub fn clear(conn: &Connection) -> Result<()> {
    conn.prepare_cached("DELETE FROM undo_log")?.execute([])?;
    Ok(())
}

pub fn find(conn: &Connection, id: i64) -> Result<Option<UndoEntry>> {
    let row: Option<(String, i64, String)> = conn
        .prepare_cached("SELECT action, created_at, changes FROM undo_log WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    row.map(|(action, created_at, changes)| {
        Ok(UndoEntry {
            id,
            action,
            created_at,
            changes: serde_json::from_str(&changes)?,
        })
    })
    .transpose()
}

pub fn remove(conn: &Connection, id: i64) -> Result<()> {
    conn.prepare_cached("DELETE FROM undo_log WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}
