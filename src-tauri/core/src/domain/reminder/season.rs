//! The season's greetings as the salesperson's own task: early December,
//! the New Year cards (and the year-end gifts) to prepare; early July, the
//! summer greetings and the mid-year gifts. Each is a reminder naming no
//! one, offered from the first of the month until the cards should be in
//! the post, and closed when the season's campaign is marked sent
//! (`crate::greeting`).

use chrono::{Datelike, NaiveDate};

use super::window::Window;
use super::{Candidate, OccurrenceKey, ReminderKind};
use crate::domain::text_enum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Season {
    /// 年賀状 for 1 January (and お歳暮 before it), prepared in December.
    NewYear,
    /// 暑中見舞い and お中元, prepared in early July.
    Summer,
}
text_enum!(Season { NewYear => "new_year", Summer => "summer" });

impl Season {
    /// The days its reminder is offered, for the cards of `year`: a New Year
    /// card must be posted by 25 December to arrive on the 1st; お中元
    /// arrives by 15 July (the Kantō custom).
    pub fn offered(self, year: i32) -> Option<(NaiveDate, NaiveDate)> {
        match self {
            Season::NewYear => Some((
                NaiveDate::from_ymd_opt(year - 1, 12, 1)?,
                NaiveDate::from_ymd_opt(year - 1, 12, 25)?,
            )),
            Season::Summer => Some((
                NaiveDate::from_ymd_opt(year, 7, 1)?,
                NaiveDate::from_ymd_opt(year, 7, 15)?,
            )),
        }
    }
}

/// The season reminders offered in the window.
pub fn candidates(w: &Window, out: &mut Vec<Candidate>) {
    let year = w.today.year();
    for (season, cards_year) in [
        (Season::NewYear, year + 1),
        (Season::Summer, year),
        (Season::Summer, year + 1),
    ] {
        let Some((first, last)) = season.offered(cards_year) else {
            continue;
        };
        if first > w.to || last < w.today {
            continue;
        }
        // Due each day of its stretch, not overdue from its first: the
        // agenda is derived daily and the key has no day, so it is still
        // announced once.
        let mut c = Candidate::new(
            OccurrenceKey::Season {
                season,
                year: cards_year,
            },
            ReminderKind::Season,
            None,
            first.max(w.today),
        );
        c.occasion_on = first;
        c.expires_on = Some(last);
        c.years = Some(cards_year);
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::reminder::test_support::{clock, day};
    use crate::domain::settings::Settings;

    fn offered_on(y: i32, m: u32, d: u32) -> Vec<(String, NaiveDate)> {
        let w = Window::today(&Settings::default(), &clock(y, m, d));
        let mut out = Vec::new();
        candidates(&w, &mut out);
        out.into_iter()
            .map(|c| (c.key.to_string(), c.due_on))
            .collect()
    }

    #[test]
    fn new_year_cards_are_prepared_from_the_first_of_december_until_the_25th() {
        assert_eq!(offered_on(2026, 11, 20), vec![]);
        // A week ahead, it is already among the coming days.
        assert_eq!(
            offered_on(2026, 11, 25),
            vec![("season:new_year:2027".to_owned(), day(2026, 12, 1))]
        );
        // Due today through the 25th, never overdue.
        assert_eq!(
            offered_on(2026, 12, 25),
            vec![("season:new_year:2027".to_owned(), day(2026, 12, 25))]
        );
        assert_eq!(offered_on(2026, 12, 26), vec![]);
    }

    #[test]
    fn summer_greetings_and_gifts_are_prepared_in_early_july() {
        assert_eq!(
            offered_on(2027, 7, 3),
            vec![("season:summer:2027".to_owned(), day(2027, 7, 3))]
        );
        assert_eq!(offered_on(2027, 7, 16), vec![]);
        assert_eq!(offered_on(2027, 3, 1), vec![]);
    }

    #[test]
    fn the_offer_ends_on_its_last_day() {
        let w = Window::today(&Settings::default(), &clock(2026, 12, 10));
        let mut out = Vec::new();
        candidates(&w, &mut out);
        assert_eq!(out[0].expires_on, Some(day(2026, 12, 25)));
        assert_eq!(out[0].customer_id, None);
        assert_eq!(out[0].years, Some(2027));
    }
}
