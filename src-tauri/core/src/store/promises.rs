//! Promises, in `custom_reminders`; whether one is kept is in
//! `reminder_states` under its occurrence key.

use rusqlite::{Connection, OptionalExtension, params};

use super::Tx;
use crate::domain::clock::Clock;
use crate::domain::promise::{NewPromise, Promise};
use crate::error::{Error, Result};

pub(crate) fn insert(tx: &mut Tx<'_>, promise: &NewPromise, clock: &Clock) -> Result<Promise> {
    tx.prepare_cached(
        "INSERT INTO custom_reminders (customer_id, touchpoint_id, title, due_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        promise.customer_id,
        promise.touchpoint_id,
        promise.title,
        promise.due_at,
        clock.timestamp()
    ])?;
    tx.changed.reminder(Some(promise.customer_id));
    load(tx, tx.last_insert_rowid())
}

pub(crate) fn delete(tx: &mut Tx<'_>, promise: &Promise) -> Result<()> {
    tx.execute("DELETE FROM custom_reminders WHERE id = ?1", [promise.id])?;
    tx.changed.reminder(promise.customer_id);
    Ok(())
}

const SELECT: &str = "SELECT r.id, r.customer_id, r.touchpoint_id, r.title, r.notes, r.due_at,
                             s.status IS 'done'
                        FROM custom_reminders r
                        LEFT JOIN reminder_states s ON s.occurrence_key = 'custom:' || r.id";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Promise> {
    Ok(Promise {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        touchpoint_id: r.get(2)?,
        title: r.get(3)?,
        notes: r.get(4)?,
        due_at: r.get(5)?,
        done: r.get(6)?,
    })
}

pub(crate) fn load(conn: &Connection, id: i64) -> Result<Promise> {
    conn.prepare_cached(&format!("{SELECT} WHERE r.id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("promise", id))
}

/// A customer's promises not yet kept, soonest first.
pub(crate) fn open_of_customer(conn: &Connection, customer_id: i64) -> Result<Vec<Promise>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE r.customer_id = ?1 AND s.status IS NOT 'done' ORDER BY r.due_at, r.id"
    ))?;
    let rows = stmt
        .query_map([customer_id], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
