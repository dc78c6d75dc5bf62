//! Touchpoints: every visit, call, card or gift, and whether it gave
//! something to the customer or asked something of them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::promise::{self, Promise};
use crate::domain::text_enum;
use crate::domain::validation::{Checker, LIMIT_NOTES};
use crate::error::{FieldErrorCode, Result};

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

/// Checks and normalises a touchpoint; `customer_exists` is what the store
/// knows of the customer it names.
pub fn validate(input: &mut TouchpointInput, now: i64, customer_exists: bool) -> Result<()> {
    let mut c = Checker::default();
    c.text("summary", &mut input.summary, LIMIT_NOTES);
    c.text("notes", &mut input.notes, LIMIT_NOTES);
    c.satisfaction("satisfaction", input.satisfaction);
    if input.occurred_at > now + FUTURE_SLACK_SECONDS {
        c.fail("occurred_at", FieldErrorCode::DateInFuture);
    }
    if let Some(p) = &mut input.promise {
        promise::check(&mut c, "promise.", &mut p.title, &p.due_time);
    }
    if !customer_exists {
        c.fail("customer_id", FieldErrorCode::UnknownCustomer);
    }
    c.finish()
}
