//! Checking input before it is stored: the pieces every entity's rules use.

use chrono::{Datelike, NaiveDate};

use crate::domain::calendar::PartialDate;
use crate::domain::kana;
use crate::error::{Error, FieldError, FieldErrorCode, Result};

/// Names, readings, company, title, item names.
pub const LIMIT_NAME: usize = 100;
/// Labels, relations, honorifics, postal codes abroad.
pub const LIMIT_SHORT: usize = 40;
/// A tag's length.
pub const LIMIT_TAG: usize = 40;
/// Free text: notes, likes, how we met, a touchpoint's summary.
pub const LIMIT_NOTES: usize = 20_000;
/// The oldest year a date may name.
const EARLIEST_YEAR: i32 = 1900;

/// Collects every problem with an input, each tied to its field.
#[derive(Default)]
pub(crate) struct Checker {
    pub errors: Vec<FieldError>,
}

impl Checker {
    pub fn fail(&mut self, field: impl Into<String>, code: FieldErrorCode) {
        self.errors.push(FieldError::new(field, code));
    }

    /// Trims `value` in place, drops control characters (keeping line breaks
    /// and tabs in multi-line text) and checks its length in characters.
    pub fn text(&mut self, field: &str, value: &mut String, limit: usize) {
        if value
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            *value = value
                .chars()
                .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
                .collect();
        }
        let trimmed = value.trim();
        if trimmed.len() != value.len() {
            *value = trimmed.to_owned();
        }
        if value.chars().count() > limit {
            self.errors.push(FieldError::with_limit(
                field,
                FieldErrorCode::TooLong,
                limit as i64,
            ));
        }
    }

    /// Also brings the reading to one form: hiragana, whatever was typed
    /// (ヤマダ, ﾔﾏﾀﾞ → やまだ).
    pub fn reading(&mut self, field: &str, value: &mut String) {
        self.text(field, value, LIMIT_NAME);
        *value = kana::reading(value);
        if !kana::is_valid_reading(value) {
            self.fail(field, FieldErrorCode::NotKana);
        }
    }

    pub fn date(&mut self, field: &str, date: &PartialDate, today: NaiveDate, past_only: bool) {
        if !date.is_valid() {
            self.fail(field, FieldErrorCode::InvalidDate);
            return;
        }
        if let Some(year) = date.year {
            let in_future = year > today.year()
                || NaiveDate::from_ymd_opt(year, date.month, date.day).is_some_and(|d| d > today);
            if year < EARLIEST_YEAR {
                self.fail(field, FieldErrorCode::InvalidDate);
            } else if past_only && in_future {
                self.fail(field, FieldErrorCode::DateInFuture);
            }
        }
    }
}

impl Checker {
    /// A 1–5 satisfaction score, when given.
    pub fn satisfaction(&mut self, field: &str, value: Option<u8>) {
        if value.is_some_and(|v| !(1..=5).contains(&v)) {
            self.errors
                .push(FieldError::with_limit(field, FieldErrorCode::OutOfRange, 5));
        }
    }

    /// Everything collected, as the result of the check.
    pub fn finish(self) -> Result<()> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(Error::Validation(self.errors))
        }
    }
}
