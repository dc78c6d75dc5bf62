//! The touchpoints table.

use rusqlite::{Connection, OptionalExtension, Row, ToSql, params};

use super::Tx;
use crate::domain::clock::Clock;
use crate::domain::touchpoint::{Direction, Touchpoint, TouchpointInput};
use crate::error::{Error, Result};

pub(crate) const COLUMNS: &str = "id, customer_id, kind, occurred_at, summary, notes, direction, \
                                  satisfaction, created_at, updated_at";

pub(crate) fn from_row(r: &Row<'_>) -> rusqlite::Result<Touchpoint> {
    Ok(Touchpoint {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        kind: r.get(2)?,
        occurred_at: r.get(3)?,
        summary: r.get(4)?,
        notes: r.get(5)?,
        direction: r.get(6)?,
        satisfaction: r.get(7)?,
        created_at: r.get(8)?,
        updated_at: r.get(9)?,
    })
}

/// A touchpoint's recorded values, in the order the statements below bind
/// them (`?1`…`?8`; `?8` is when it is written).
fn values<'a>(input: &'a TouchpointInput, now: &'a i64) -> [&'a dyn ToSql; 8] {
    [
        &input.customer_id,
        &input.kind,
        &input.occurred_at,
        &input.summary,
        &input.notes,
        &input.direction,
        &input.satisfaction,
        now,
    ]
}

/// Inserts a validated touchpoint.
pub(crate) fn insert(tx: &mut Tx<'_>, input: &TouchpointInput, clock: &Clock) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO touchpoints (customer_id, kind, occurred_at, summary, notes, direction,
                                  satisfaction, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
    )?
    .execute(&values(input, &clock.timestamp())[..])?;
    tx.changed.touch(input.customer_id, input.occurred_at);
    Ok(tx.last_insert_rowid())
}

/// Replaces a touchpoint with a validated one.
pub(crate) fn update(
    tx: &mut Tx<'_>,
    before: &Touchpoint,
    input: &TouchpointInput,
    clock: &Clock,
) -> Result<()> {
    let now = clock.timestamp();
    let mut bound = values(input, &now).to_vec();
    bound.push(&before.id);
    tx.prepare_cached(
        "UPDATE touchpoints SET customer_id = ?1, kind = ?2, occurred_at = ?3, summary = ?4,
                notes = ?5, direction = ?6, satisfaction = ?7, updated_at = ?8
          WHERE id = ?9",
    )?
    .execute(&bound[..])?;
    tx.changed.touch(before.customer_id, before.occurred_at);
    tx.changed.touch(input.customer_id, input.occurred_at);
    Ok(())
}

pub(crate) fn delete(tx: &mut Tx<'_>, touchpoint: &Touchpoint) -> Result<()> {
    tx.execute("DELETE FROM touchpoints WHERE id = ?1", [touchpoint.id])?;
    tx.changed
        .touch(touchpoint.customer_id, touchpoint.occurred_at);
    Ok(())
}

pub(crate) fn load(conn: &Connection, id: i64) -> Result<Touchpoint> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM touchpoints WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("touchpoint", id))
}

/// A customer's most recent touchpoints, newest first.
pub(crate) fn recent(conn: &Connection, customer_id: i64, limit: u32) -> Result<Vec<Touchpoint>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM touchpoints WHERE customer_id = ?1
          ORDER BY occurred_at DESC, id DESC LIMIT ?2"
    ))?;
    let rows = stmt
        .query_map(params![customer_id, limit], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Every touchpoint of a customer.
pub(crate) fn of_customer(conn: &Connection, customer_id: i64) -> Result<Vec<Touchpoint>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM touchpoints WHERE customer_id = ?1"
    ))?;
    let rows = stmt
        .query_map([customer_id], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// How many of a customer's touchpoints in `(since, until]` went each way.
pub(crate) fn directions(
    conn: &Connection,
    customer_id: i64,
    since: i64,
    until: i64,
) -> Result<Vec<(Direction, u32)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT direction, count(*) FROM touchpoints
          WHERE customer_id = ?1 AND occurred_at > ?2 AND occurred_at <= ?3 GROUP BY direction",
    )?;
    let rows = stmt
        .query_map(params![customer_id, since, until], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
