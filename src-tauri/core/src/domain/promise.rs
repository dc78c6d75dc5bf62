//! Promises and follow-ups the salesperson set themselves ("bring the new
//! catalogue next week"): dated reminders of their own.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::clock::Clock;
use crate::domain::settings::minutes_of;
use crate::domain::validation::{Checker, LIMIT_NAME};
use crate::error::{FieldErrorCode, Result};

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

/// A promise's due moment before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPromise {
    pub customer_id: i64,
    pub touchpoint_id: Option<i64>,
    pub title: String,
    pub due_at: i64,
}

/// The start of the working day, when a promise without a time falls due.
pub const DEFAULT_MINUTES: u32 = 9 * 60;

/// When a promise falls due: at its time, or at 9:00 on its day.
pub fn due_at(due_on: NaiveDate, minutes: Option<u32>, clock: &Clock) -> i64 {
    clock.instant_on(due_on, minutes.unwrap_or(DEFAULT_MINUTES))
}

/// Checks a promise typed by the user; `field` prefixes the field names
/// (`promise.` inside a touchpoint). Returns the minutes of its time.
pub(crate) fn check(
    c: &mut Checker,
    field: &str,
    title: &mut String,
    due_time: &str,
) -> Option<u32> {
    c.text(&format!("{field}title"), title, LIMIT_NAME * 2);
    if title.is_empty() {
        c.fail(format!("{field}title"), FieldErrorCode::Required);
    }
    let minutes = minutes_of(due_time);
    if !due_time.trim().is_empty() && minutes.is_none() {
        c.fail(format!("{field}due_time"), FieldErrorCode::InvalidTime);
    }
    minutes
}

/// Checks a promise added on its own.
pub fn validate(title: &mut String, due_time: &str, customer_exists: bool) -> Result<Option<u32>> {
    let mut c = Checker::default();
    let minutes = check(&mut c, "", title, due_time);
    if !customer_exists {
        c.fail("customer_id", FieldErrorCode::UnknownCustomer);
    }
    c.finish()?;
    Ok(minutes)
}
