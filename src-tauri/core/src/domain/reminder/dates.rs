//! Birthdays, family members' birthdays, other important dates and the
//! yearly anniversary of a customer's first purchase.
//!
//! Each occasion is offered once at a time:
//! - a **lead card** `lead_days` before it (to prepare a card), shown until
//!   the day before the occasion;
//! - the **day card** on the day, which becomes a belated greeting for
//!   `belated_days` after it and then expires (it says until when);
//! - while the lead card is open, the day card is not also shown.
//!
//! Nothing is dated before it could have been known: a card whose day came
//! before the date was entered falls due on the day it was entered instead,
//! and a lead card's countdown is counted from today by its headline. An
//! anniversary has no lead card.

use chrono::{Datelike, NaiveDate};

use super::window::Window;
use super::{Candidate, OccurrenceKey, ReminderKind, add_days};
use crate::domain::calendar::PartialDate;

/// One recurring date of a customer's, as the store holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatedFact {
    /// Birthday, FamilyBirthday, ImportantDate or PurchaseAnniversary.
    pub kind: ReminderKind,
    pub customer_id: i64,
    /// The family member ("娘 花子") or the date's label; empty otherwise.
    pub subject: String,
    pub date: PartialDate,
    /// The local day the date was entered.
    pub known_on: NaiveDate,
}

/// Where a recurring date falls within `[from, to]` (zero, one, or — for a
/// window over a year long — more occurrences).
pub fn occurrences(date: PartialDate, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    (from.year()..=to.year())
        .filter_map(|year| date.in_year(year))
        .filter(|day| *day >= from && *day <= to)
        .collect()
}

/// `(month, first day, last day)` ranges covering `[from, to]`, so a
/// month-and-day index answers a window that may cross a year end. In a
/// common year a range reaching 28 February also takes the 29th, which falls
/// on the 28th then.
pub fn month_day_ranges(from: NaiveDate, to: NaiveDate) -> Vec<(u32, u32, u32)> {
    let mut ranges: Vec<(u32, u32, u32)> = Vec::new();
    let mut day = from;
    while day <= to {
        match ranges.last_mut() {
            Some(last) if last.0 == day.month() && last.2 + 1 == day.day() => last.2 = day.day(),
            _ => ranges.push((day.month(), day.day(), day.day())),
        }
        if day.month() == 2
            && day.day() == 28
            && !day.leap_year()
            && let Some(last) = ranges.last_mut()
        {
            last.2 = 29;
        }
        let Some(next) = day.succ_opt() else { break };
        day = next;
        if ranges.len() > 400 {
            break;
        }
    }
    ranges
}

fn key(fact: &DatedFact, on: NaiveDate, lead: bool) -> OccurrenceKey {
    let customer = fact.customer_id;
    match fact.kind {
        ReminderKind::Birthday => OccurrenceKey::Birthday { customer, on, lead },
        ReminderKind::FamilyBirthday => OccurrenceKey::FamilyBirthday {
            customer,
            member: fact.subject.clone(),
            on,
            lead,
        },
        ReminderKind::PurchaseAnniversary => OccurrenceKey::PurchaseAnniversary { customer, on },
        _ => OccurrenceKey::ImportantDate {
            customer,
            label: fact.subject.clone(),
            on,
            lead,
        },
    }
}

/// The cards a dated fact offers in the window.
pub fn candidates(fact: &DatedFact, w: &Window, out: &mut Vec<Candidate>) {
    let anniversary = fact.kind == ReminderKind::PurchaseAnniversary;
    for occasion in occurrences(fact.date, w.from, w.occasions_until()) {
        let years = fact.date.years_on(occasion);
        if anniversary && years.is_none_or(|y| y < 1) {
            continue;
        }
        let expires_on = add_days(occasion, i64::from(w.belated_days));
        let card = |key: OccurrenceKey, due_on: NaiveDate, expires_on: NaiveDate| Candidate {
            occasion_on: occasion,
            expires_on: Some(expires_on),
            years,
            subject: fact.subject.clone(),
            ..Candidate::new(key, fact.kind, Some(fact.customer_id), due_on)
        };
        if !anniversary && w.lead_days > 0 && occasion > w.today {
            let lead_on = add_days(occasion, -i64::from(w.lead_days)).max(fact.known_on);
            if lead_on < occasion && lead_on <= w.to {
                out.push(card(
                    key(fact, occasion, true),
                    lead_on,
                    add_days(occasion, -1),
                ));
            }
        }
        let due_on = occasion.max(fact.known_on);
        if due_on <= expires_on && due_on <= w.to {
            out.push(card(key(fact, occasion, false), due_on, expires_on));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::reminder::test_support::{clock, day};
    use crate::domain::settings::Settings;

    fn window(y: i32, m: u32, d: u32) -> Window {
        Window::today(&Settings::default(), &clock(y, m, d))
    }

    fn birthday(month: u32, d: u32, known_on: NaiveDate) -> DatedFact {
        DatedFact {
            kind: ReminderKind::Birthday,
            customer_id: 1,
            subject: String::new(),
            date: PartialDate::new(Some(1980), month, d),
            known_on,
        }
    }

    fn cards(fact: &DatedFact, w: &Window) -> Vec<(bool, NaiveDate, Option<NaiveDate>)> {
        let mut out = Vec::new();
        candidates(fact, w, &mut out);
        out.iter()
            .map(|c| (c.key.is_lead(), c.due_on, c.expires_on))
            .collect()
    }

    #[test]
    fn a_long_known_birthday_has_a_lead_card_a_week_ahead_and_its_day() {
        let fact = birthday(12, 3, day(2020, 1, 1));
        // 27 November: the lead card is due, the day is within the week.
        assert_eq!(
            cards(&fact, &window(2026, 11, 27)),
            [
                (true, day(2026, 11, 26), Some(day(2026, 12, 2))),
                (false, day(2026, 12, 3), Some(day(2026, 12, 6)))
            ]
        );
        // On the day, only the day card.
        assert_eq!(
            cards(&fact, &window(2026, 12, 3)),
            [(false, day(2026, 12, 3), Some(day(2026, 12, 6)))]
        );
    }

    #[test]
    fn a_birthday_entered_three_days_before_it_is_due_from_the_day_it_was_entered() {
        let fact = birthday(11, 26, day(2026, 11, 23));
        let found = cards(&fact, &window(2026, 11, 23));
        assert_eq!(found[0], (true, day(2026, 11, 23), Some(day(2026, 11, 25))));
        assert!(found.iter().all(|(_, due, _)| *due >= day(2026, 11, 23)));
    }

    #[test]
    fn a_birthday_that_passed_before_it_was_entered_is_belated_at_most_and_then_expires() {
        // Entered two days after: a belated greeting, due the day it was entered.
        let fact = birthday(11, 21, day(2026, 11, 23));
        assert_eq!(
            cards(&fact, &window(2026, 11, 23)),
            [(false, day(2026, 11, 23), Some(day(2026, 11, 24)))]
        );
        // Entered ten days after: too late for a greeting.
        let fact = birthday(11, 13, day(2026, 11, 23));
        assert_eq!(cards(&fact, &window(2026, 11, 23)), []);
    }

    #[test]
    fn a_missed_birthday_is_offered_for_the_belated_days_only() {
        let fact = birthday(11, 20, day(2020, 1, 1));
        assert_eq!(
            cards(&fact, &window(2026, 11, 23)),
            [(false, day(2026, 11, 20), Some(day(2026, 11, 23)))]
        );
        assert_eq!(cards(&fact, &window(2026, 11, 24)), []);
    }

    #[test]
    fn the_window_crosses_the_year_end_and_29_february_falls_on_the_28th() {
        let fact = birthday(1, 3, day(2020, 1, 1));
        let found = cards(&fact, &window(2026, 12, 30));
        assert!(found.contains(&(false, day(2027, 1, 3), Some(day(2027, 1, 6)))));
        let leap = DatedFact {
            date: PartialDate::new(None, 2, 29),
            ..birthday(2, 29, day(2020, 1, 1))
        };
        let found = cards(&leap, &window(2027, 2, 28));
        assert_eq!(found, [(false, day(2027, 2, 28), Some(day(2027, 3, 3)))]);
    }

    #[test]
    fn anniversaries_count_years_from_the_first_purchase_and_have_no_lead_card() {
        let fact = DatedFact {
            kind: ReminderKind::PurchaseAnniversary,
            customer_id: 4,
            subject: String::new(),
            date: PartialDate::new(Some(2024), 11, 25),
            known_on: day(2024, 11, 25),
        };
        let mut out = Vec::new();
        candidates(&fact, &window(2026, 11, 23), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].due_on, day(2026, 11, 25));
        assert_eq!(out[0].years, Some(2));
        // The purchase's own day is not an anniversary.
        let mut out = Vec::new();
        candidates(&fact, &window(2024, 11, 23), &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn month_day_ranges_cross_the_year_end_and_take_29_february_in_common_years() {
        assert_eq!(
            month_day_ranges(day(2026, 12, 30), day(2027, 1, 2)),
            [(12, 30, 31), (1, 1, 2)]
        );
        assert_eq!(
            month_day_ranges(day(2027, 2, 27), day(2027, 3, 1)),
            [(2, 27, 29), (3, 1, 1)]
        );
        assert_eq!(
            month_day_ranges(day(2028, 2, 27), day(2028, 3, 1)),
            [(2, 27, 29), (3, 1, 1)]
        );
    }
}
