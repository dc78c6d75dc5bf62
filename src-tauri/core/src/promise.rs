//! Promises and follow-ups the salesperson set themselves ("bring the new
//! catalogue next week"): dated reminders of their own, kept in
//! `custom_reminders`; done or not is kept in `reminder_states`.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::Clock;
use crate::error::{Error, FieldErrorCode, Result};
use crate::store::Store;
use crate::validation::{Checker, LIMIT_NAME};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Promise {
    pub id: i64,
    pub customer_id: Option<i64>,
    /// The touchpoint during which it was made.
    pub touchpoint_id: Option<i64>,
    pub title: String,
    pub notes: String,
    /// Unix seconds.
    pub due_at: i64,
    pub done: bool,
}

/// The reminder-state key of a promise (shared with the reminder engine).
pub(crate) fn state_key(id: i64) -> String {
    format!("custom:{id}")
}

/// Promises fall due at their time, or at 9:00 on their day, the usual
/// start of a working day.
fn due_at(due_on: NaiveDate, minutes: Option<u32>, clock: &Clock) -> i64 {
    clock.instant_on(due_on, minutes.unwrap_or(9 * 60))
}

pub(crate) fn insert(
    conn: &Connection,
    customer_id: i64,
    touchpoint_id: Option<i64>,
    title: &str,
    due_on: NaiveDate,
    minutes: Option<u32>,
    clock: &Clock,
) -> Result<Promise> {
    conn.prepare_cached(
        "INSERT INTO custom_reminders (customer_id, touchpoint_id, title, due_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        customer_id,
        touchpoint_id,
        title,
        due_at(due_on, minutes, clock),
        clock.timestamp()
    ])?;
    load(conn, conn.last_insert_rowid())
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

fn load(conn: &Connection, id: i64) -> Result<Promise> {
    conn.prepare_cached(&format!("{SELECT} WHERE r.id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("promise", id))
}

impl Store {
    /// A reminder of the user's own for a customer: a promise to keep on
    /// `due_on`, at `due_time` (`HH:MM`, or empty for 9:00).
    pub fn add_promise(
        &mut self,
        customer_id: i64,
        title: &str,
        due_on: NaiveDate,
        due_time: &str,
        clock: &Clock,
    ) -> Result<Promise> {
        let mut title = title.to_owned();
        let mut c = Checker::default();
        c.text("title", &mut title, LIMIT_NAME * 2);
        if title.is_empty() {
            c.fail("title", FieldErrorCode::Required);
        }
        if !crate::touchpoint::customer_exists(&self.conn, customer_id)? {
            c.fail("customer_id", FieldErrorCode::UnknownCustomer);
        }
        let minutes = crate::settings::minutes_of(due_time);
        if !due_time.trim().is_empty() && minutes.is_none() {
            c.fail("due_time", FieldErrorCode::InvalidTime);
        }
        c.finish()?;
        insert(
            &self.conn,
            customer_id,
            None,
            &title,
            due_on,
            minutes,
            clock,
        )
    }

    /// Marks a promise kept (or, with `done = false`, open again).
    pub fn set_promise_done(&mut self, id: i64, done: bool, clock: &Clock) -> Result<Promise> {
        let promise = load(&self.conn, id)?;
        if done {
            self.conn.execute(
                "INSERT INTO reminder_states (occurrence_key, customer_id, status, acted_at)
                 VALUES (?1, ?2, 'done', ?3)
                 ON CONFLICT (occurrence_key) DO UPDATE SET status = 'done', acted_at = excluded.acted_at",
                params![state_key(id), promise.customer_id, clock.timestamp()],
            )?;
        } else {
            self.conn.execute(
                "DELETE FROM reminder_states WHERE occurrence_key = ?1",
                [state_key(id)],
            )?;
        }
        load(&self.conn, id)
    }

    /// A customer's promises not yet kept, soonest first.
    pub fn open_promises(&self, customer_id: i64) -> Result<Vec<Promise>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{SELECT} WHERE r.customer_id = ?1 AND s.status IS NOT 'done' ORDER BY r.due_at, r.id"
        ))?;
        let rows = stmt
            .query_map([customer_id], from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}
