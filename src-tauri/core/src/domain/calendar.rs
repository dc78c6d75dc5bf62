//! Recurring calendar dates (birthdays, anniversaries) whose year may be
//! unknown, and the rules for where they fall in a given year.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A month and day with an optional year: yearless birthdays are normal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
pub struct PartialDate {
    pub year: Option<i32>,
    pub month: u32,
    pub day: u32,
}

impl PartialDate {
    pub fn new(year: Option<i32>, month: u32, day: u32) -> Self {
        PartialDate { year, month, day }
    }

    /// Whether the date can exist: 29 February needs a leap year when the year
    /// is known, and is always allowed when it is not.
    pub fn is_valid(&self) -> bool {
        let year = self.year.unwrap_or(2000); // 2000 is a leap year
        NaiveDate::from_ymd_opt(year, self.month, self.day).is_some()
    }

    /// Where the date falls in `year`; 29 February falls on 28 February in
    /// years without one.
    pub fn in_year(&self, year: i32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(year, self.month, self.day).or_else(|| {
            (self.month == 2 && self.day == 29)
                .then(|| NaiveDate::from_ymd_opt(year, 2, 28))
                .flatten()
        })
    }

    /// The first occurrence on or after `from`.
    pub fn next_on_or_after(&self, from: NaiveDate) -> Option<NaiveDate> {
        let this_year = self.in_year(from.year())?;
        if this_year >= from {
            Some(this_year)
        } else {
            self.in_year(from.year() + 1)
        }
    }

    /// Age or years since, on `on`, when the year is known.
    pub fn years_on(&self, on: NaiveDate) -> Option<i32> {
        let year = self.year?;
        let this_year = self.in_year(on.year())?;
        let years = on.year() - year - i32::from(on < this_year);
        (years >= 0).then_some(years)
    }
}

/// Builds a [`PartialDate`] from three nullable columns, as stored.
pub(crate) fn from_columns(
    year: Option<i32>,
    month: Option<u32>,
    day: Option<u32>,
) -> Option<PartialDate> {
    match (month, day) {
        (Some(month), Some(day)) => Some(PartialDate { year, month, day }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    #[test]
    fn leap_day_falls_on_28_february_in_common_years() {
        let leap = PartialDate::new(None, 2, 29);
        assert!(leap.is_valid());
        assert_eq!(leap.in_year(2027), Some(day(2027, 2, 28)));
        assert_eq!(leap.in_year(2028), Some(day(2028, 2, 29)));
        assert!(!PartialDate::new(Some(2027), 2, 29).is_valid());
        assert!(!PartialDate::new(None, 4, 31).is_valid());
    }

    #[test]
    fn next_occurrence_crosses_the_year_end() {
        let birthday = PartialDate::new(Some(1980), 1, 5);
        assert_eq!(
            birthday.next_on_or_after(day(2026, 12, 30)),
            Some(day(2027, 1, 5))
        );
        assert_eq!(
            birthday.next_on_or_after(day(2026, 1, 5)),
            Some(day(2026, 1, 5))
        );
        assert_eq!(birthday.years_on(day(2026, 1, 4)), Some(45));
        assert_eq!(birthday.years_on(day(2026, 1, 5)), Some(46));
    }
}
