//! Touchpoints: every visit, call, card or gift, and whether it gave
//! something to the customer or asked something of them.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::Clock;
use crate::error::{Error, FieldErrorCode, Result};
use crate::promise::{self, Promise};
use crate::sql::text_enum;
use crate::store::Store;
use crate::validation::{Checker, LIMIT_NAME, LIMIT_NOTES};
use crate::{activity, referral};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TouchpointKind {
    Visit,
    Call,
    Email,
    Message,
    /// A letter or a card.
    Letter,
    Gift,
    Event,
    Other,
}
text_enum!(TouchpointKind {
    Visit => "visit",
    Call => "call",
    Email => "email",
    Message => "message",
    Letter => "letter",
    Gift => "gift",
    Event => "event",
    Other => "other",
});

/// Whether the salesperson gave (help, information, a card, a gift, an
/// introduction) or asked (a pitch, a request, a quote).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Give,
    Ask,
    Neutral,
}
text_enum!(Direction { Give => "give", Ask => "ask", Neutral => "neutral" });

impl TouchpointKind {
    /// The direction a touchpoint of this kind usually has; editable.
    /// Cards, gifts and invitations are given; conversations could be
    /// either, so they start neutral.
    pub fn default_direction(self) -> Direction {
        match self {
            TouchpointKind::Letter | TouchpointKind::Gift | TouchpointKind::Event => {
                Direction::Give
            }
            TouchpointKind::Visit
            | TouchpointKind::Call
            | TouchpointKind::Email
            | TouchpointKind::Message
            | TouchpointKind::Other => Direction::Neutral,
        }
    }
}

/// A promise made during the touchpoint, to be kept by a date (and, if
/// given, a time: it is reminded then).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PromiseInput {
    pub title: String,
    #[ts(type = "string")]
    pub due_on: NaiveDate,
    /// `HH:MM`; empty for the start of the working day (9:00).
    #[serde(default)]
    pub due_time: String,
}

/// What the quick log and the touchpoint editor send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TouchpointInput {
    pub customer_id: i64,
    pub kind: TouchpointKind,
    /// Unix seconds.
    pub occurred_at: i64,
    pub summary: String,
    pub notes: String,
    pub direction: Direction,
    pub satisfaction: Option<u8>,
    /// Only when logging a new touchpoint.
    pub promise: Option<PromiseInput>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Touchpoint {
    pub id: i64,
    pub customer_id: i64,
    pub kind: TouchpointKind,
    pub occurred_at: i64,
    pub summary: String,
    pub notes: String,
    pub direction: Direction,
    pub satisfaction: Option<u8>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What logging a touchpoint did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LoggedTouchpoint {
    pub touchpoint: Touchpoint,
    pub promise: Option<Promise>,
}

/// A touchpoint may be logged up to a day ahead (time zones, a visit about to
/// happen), not further: the log is of what happened.
const FUTURE_SLACK_SECONDS: i64 = 24 * 3600;

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

fn validate(conn: &Connection, input: &mut TouchpointInput, clock: &Clock) -> Result<()> {
    let mut c = Checker::default();
    c.text("summary", &mut input.summary, LIMIT_NOTES);
    c.text("notes", &mut input.notes, LIMIT_NOTES);
    c.satisfaction("satisfaction", input.satisfaction);
    if input.occurred_at > clock.timestamp() + FUTURE_SLACK_SECONDS {
        c.fail("occurred_at", FieldErrorCode::DateInFuture);
    }
    if let Some(promise) = &mut input.promise {
        c.text("promise.title", &mut promise.title, LIMIT_NAME * 2);
        if promise.title.is_empty() {
            c.fail("promise.title", FieldErrorCode::Required);
        }
        if !promise.due_time.trim().is_empty()
            && crate::settings::minutes_of(&promise.due_time).is_none()
        {
            c.fail("promise.due_time", FieldErrorCode::InvalidTime);
        }
    }
    if !customer_exists(conn, input.customer_id)? {
        c.fail("customer_id", FieldErrorCode::UnknownCustomer);
    }
    c.finish()
}

pub(crate) fn customer_exists(conn: &Connection, id: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM customers WHERE id = ?1)")?
        .query_row([id], |r| r.get(0))?)
}

/// Inserts a validated touchpoint; shared with demo data and imports.
pub(crate) fn insert(conn: &Connection, input: &TouchpointInput, clock: &Clock) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO touchpoints (customer_id, kind, occurred_at, summary, notes, direction,
                                  satisfaction, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
    )?
    .execute(params![
        input.customer_id,
        input.kind,
        input.occurred_at,
        input.summary,
        input.notes,
        input.direction,
        input.satisfaction,
        clock.timestamp(),
    ])?;
    Ok(conn.last_insert_rowid())
}

fn load(conn: &Connection, id: i64) -> Result<Touchpoint> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM touchpoints WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("touchpoint", id))
}

impl Store {
    /// Logs a touchpoint (and the promise made during it, if any).
    pub fn log_touchpoint(
        &mut self,
        mut input: TouchpointInput,
        clock: &Clock,
    ) -> Result<LoggedTouchpoint> {
        let tx = self.conn.transaction()?;
        validate(&tx, &mut input, clock)?;
        let id = insert(&tx, &input, clock)?;
        let promise = match &input.promise {
            Some(p) => Some(promise::insert(
                &tx,
                input.customer_id,
                Some(id),
                &p.title,
                p.due_on,
                crate::settings::minutes_of(&p.due_time),
                clock,
            )?),
            None => None,
        };
        activity::refresh(&tx, input.customer_id)?;
        referral::advance_after_contact(&tx, input.customer_id)?;
        let touchpoint = load(&tx, id)?;
        tx.commit()?;
        Ok(LoggedTouchpoint {
            touchpoint,
            promise,
        })
    }

    pub fn update_touchpoint(
        &mut self,
        id: i64,
        mut input: TouchpointInput,
        clock: &Clock,
    ) -> Result<Touchpoint> {
        input.promise = None;
        let tx = self.conn.transaction()?;
        let before = load(&tx, id)?;
        validate(&tx, &mut input, clock)?;
        tx.prepare_cached(
            "UPDATE touchpoints SET customer_id = ?2, kind = ?3, occurred_at = ?4, summary = ?5,
                    notes = ?6, direction = ?7, satisfaction = ?8, updated_at = ?9
              WHERE id = ?1",
        )?
        .execute(params![
            id,
            input.customer_id,
            input.kind,
            input.occurred_at,
            input.summary,
            input.notes,
            input.direction,
            input.satisfaction,
            clock.timestamp(),
        ])?;
        activity::refresh(&tx, before.customer_id)?;
        if before.customer_id != input.customer_id {
            activity::refresh(&tx, input.customer_id)?;
            referral::advance_after_contact(&tx, input.customer_id)?;
        }
        let touchpoint = load(&tx, id)?;
        tx.commit()?;
        Ok(touchpoint)
    }

    /// Deletes a touchpoint and returns it, so the UI can offer to undo.
    pub fn delete_touchpoint(&mut self, id: i64) -> Result<Touchpoint> {
        let tx = self.conn.transaction()?;
        let touchpoint = load(&tx, id)?;
        tx.execute("DELETE FROM touchpoints WHERE id = ?1", [id])?;
        activity::refresh(&tx, touchpoint.customer_id)?;
        tx.commit()?;
        Ok(touchpoint)
    }

    pub fn touchpoint(&self, id: i64) -> Result<Touchpoint> {
        load(&self.conn, id)
    }

    /// A customer's most recent touchpoints, newest first.
    pub fn recent_touchpoints(&self, customer_id: i64, limit: u32) -> Result<Vec<Touchpoint>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM touchpoints WHERE customer_id = ?1
              ORDER BY occurred_at DESC, id DESC LIMIT ?2"
        ))?;
        let rows = stmt
            .query_map(params![customer_id, limit], from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}
