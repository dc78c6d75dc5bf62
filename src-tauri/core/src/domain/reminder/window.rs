//! Which days the engine looks at for a given day. Dated occasions are read
//! from `belated_days` back (older ones have expired) to a week ahead plus
//! the lead time; everything else — promises, follow-ups, keep-in-touch,
//! thank-yous — stays until dealt with, so it has no lower bound.

use chrono::NaiveDate;

use super::{AHEAD_DAYS, add_days};
use crate::domain::clock::Clock;
use crate::domain::settings::{Settings, minutes_of};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub today: NaiveDate,
    /// The earliest occasion of a dated kind still offered.
    pub from: NaiveDate,
    /// The last day a reminder may fall due.
    pub to: NaiveDate,
    pub lead_days: u32,
    pub belated_days: u32,
    /// When the day's reminders fall due, in minutes after midnight.
    pub reminder_minutes: u32,
}

impl Window {
    /// The Today view's window: up to a week ahead.
    pub fn today(settings: &Settings, clock: &Clock) -> Self {
        Window::ahead(settings, clock, AHEAD_DAYS)
    }

    /// From today to `days` ahead (a calendar of what is planned).
    pub fn ahead(settings: &Settings, clock: &Clock, days: i64) -> Self {
        let today = clock.today();
        Window {
            today,
            from: add_days(today, -i64::from(settings.belated_days)),
            to: add_days(today, days),
            lead_days: settings.date_lead_days,
            belated_days: settings.belated_days,
            reminder_minutes: minutes_of(&settings.reminder_time).unwrap_or(9 * 60),
        }
    }

    /// The last occasion whose lead card may fall due in the window.
    pub fn occasions_until(&self) -> NaiveDate {
        add_days(self.to, i64::from(self.lead_days))
    }

    /// The start of `day`, the first instant that exists (Unix seconds).
    pub fn start_of(day: NaiveDate, clock: &Clock) -> i64 {
        clock.instant_on(day, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::reminder::test_support::{clock, day};

    #[test]
    fn dated_occasions_are_read_back_to_the_belated_window_and_ahead_by_the_lead() {
        let settings = Settings {
            belated_days: 3,
            date_lead_days: 7,
            ..Settings::default()
        };
        let w = Window::today(&settings, &clock(2026, 12, 30));
        assert_eq!(w.from, day(2026, 12, 27));
        assert_eq!(w.to, day(2027, 1, 6));
        assert_eq!(w.occasions_until(), day(2027, 1, 13));
        assert_eq!(w.reminder_minutes, 9 * 60);
    }
}
