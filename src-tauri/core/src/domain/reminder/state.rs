//! What the user did to an occurrence and what the customer wished, applied
//! to what the rules proposed:
//!
//! - done or skipped: gone — except keep-in-touch, which comes back one
//!   cadence after it was dealt with;
//! - snoozed: gone until the snooze ends, then back (announced again);
//! - a dated card past its last day: expired;
//! - an archived customer: nothing; one who asked not to be contacted, or
//!   is in a quiet period: no touches, but the user's own promises stay;
//! - a lead card still open hides its day card, so one occasion never
//!   shows twice.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::window::Window;
use super::{Candidate, Due, MAX_SNOOZE_DAYS, add_days};
use crate::domain::clock::Clock;
use crate::domain::text_enum;
use crate::error::{FieldError, FieldErrorCode};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Done,
    Snoozed,
    Skipped,
}
text_enum!(Status { Done => "done", Snoozed => "snoozed", Skipped => "skipped" });

/// What the user did to one occurrence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserState {
    pub status: Status,
    pub snoozed_until: Option<i64>,
    pub acted_at: i64,
}

/// A customer's wish that rules reminders out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Wish {
    pub archived: bool,
    pub do_not_contact: bool,
    pub quiet_until: Option<NaiveDate>,
}

/// Whether a reminder may be snoozed until `until`: later than now, within
/// [`MAX_SNOOZE_DAYS`], and — for a dated card — before its last day ends,
/// since a card snoozed past it would silently never come back.
pub fn check_snooze(
    until: i64,
    expires_on: Option<NaiveDate>,
    clock: &Clock,
) -> Result<(), FieldError> {
    let now = clock.timestamp();
    if until <= now || until > now + (MAX_SNOOZE_DAYS + 1) * 86_400 {
        return Err(FieldError::with_limit(
            "until",
            FieldErrorCode::OutOfRange,
            MAX_SNOOZE_DAYS,
        ));
    }
    if let Some(last) = expires_on
        && until >= Window::start_of(add_days(last, 1), clock)
    {
        return Err(FieldError::new("until", FieldErrorCode::AfterLastDay));
    }
    Ok(())
}

/// Applies states and wishes; `states` is keyed by the occurrence's text.
pub fn apply(
    candidates: Vec<Candidate>,
    states: &HashMap<String, UserState>,
    wishes: &HashMap<i64, Wish>,
    w: &Window,
    clock: &Clock,
) -> Vec<Due> {
    let now = clock.timestamp();
    let tonight = Window::start_of(add_days(w.today, 1), clock);
    let mut kept: Vec<Due> = Vec::with_capacity(candidates.len());
    // Day cards whose lead card is still open (also when only snoozed).
    let mut open_leads: HashSet<String> = HashSet::new();
    for mut c in candidates {
        let mut snoozed = false;
        let mut hidden_until = None;
        if let Some(state) = states.get(&c.key.to_string()) {
            match (state.status, c.cadence) {
                (Status::Done | Status::Skipped, Some(cadence)) => {
                    c.due_on = add_days(clock.local_day(state.acted_at), i64::from(cadence));
                    if c.due_on > w.to {
                        continue;
                    }
                }
                (Status::Done | Status::Skipped, None) => continue,
                (Status::Snoozed, _) => match state.snoozed_until {
                    Some(until) if until >= tonight => {
                        open_leads.extend(c.key.without_lead().map(|day| day.to_string()));
                        continue;
                    }
                    Some(until) => {
                        snoozed = true;
                        hidden_until = (until > now).then_some(until);
                        c.due_on = clock.local_day(until);
                        c.due_at = Some(until);
                    }
                    None => {}
                },
            }
        }
        if c.expires_on.is_some_and(|last| last < w.today) {
            continue;
        }
        if let Some(wish) = c.customer_id.and_then(|id| wishes.get(&id)) {
            let quiet = wish.quiet_until.is_some_and(|q| c.due_on < q);
            if wish.archived || (c.kind.is_touch() && (wish.do_not_contact || quiet)) {
                continue;
            }
        }
        let at = c
            .due_at
            .unwrap_or_else(|| clock.instant_on(c.due_on, w.reminder_minutes));
        open_leads.extend(c.key.without_lead().map(|day| day.to_string()));
        kept.push(Due {
            candidate: c,
            snoozed,
            at,
            hidden_until,
        });
    }
    if !open_leads.is_empty() {
        kept.retain(|d| !open_leads.contains(&d.candidate.key.to_string()));
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::PartialDate;
    use crate::domain::ladder::Stage;
    use crate::domain::reminder::dates::{self, DatedFact};
    use crate::domain::reminder::keep_in_touch::{self, ContactFact};
    use crate::domain::reminder::test_support::{clock, day};
    use crate::domain::reminder::{OccurrenceKey, ReminderKind};
    use crate::domain::settings::Settings;

    fn birthday_cards(known_on: NaiveDate, w: &Window) -> Vec<Candidate> {
        let mut out = Vec::new();
        dates::candidates(
            &DatedFact {
                kind: ReminderKind::Birthday,
                customer_id: 1,
                subject: String::new(),
                date: PartialDate::new(None, 11, 26),
                known_on,
            },
            w,
            &mut out,
        );
        out
    }

    #[test]
    fn a_dated_card_cannot_be_snoozed_past_its_last_day() {
        let now = clock(2026, 11, 23);
        let day = 86_400;
        let at = now.timestamp();
        assert_eq!(check_snooze(at + day, None, &now), Ok(()));
        assert_eq!(
            check_snooze(at + 31 * day + 1, None, &now).map_err(|e| e.code),
            Err(FieldErrorCode::OutOfRange)
        );
        assert_eq!(
            check_snooze(at, None, &now).map_err(|e| e.code),
            Err(FieldErrorCode::OutOfRange)
        );
        // A birthday card offered until tomorrow: back tomorrow morning is
        // fine, back in a week is refused.
        let last = add_days(now.today(), 1);
        assert_eq!(check_snooze(at + day, Some(last), &now), Ok(()));
        assert_eq!(
            check_snooze(at + 7 * day, Some(last), &now).map_err(|e| e.code),
            Err(FieldErrorCode::AfterLastDay)
        );
        // The very end of the last day is already too late.
        let midnight = Window::start_of(add_days(last, 1), &now);
        assert!(check_snooze(midnight - 60, Some(last), &now).is_ok());
        assert!(check_snooze(midnight, Some(last), &now).is_err());
    }

    fn state(status: Status, acted_at: i64, snoozed_until: Option<i64>) -> UserState {
        UserState {
            status,
            snoozed_until,
            acted_at,
        }
    }

    #[test]
    fn a_lead_card_and_its_day_card_never_show_together() {
        let now = clock(2026, 11, 23);
        let w = Window::today(&Settings::default(), &now);
        let cards = birthday_cards(day(2026, 11, 23), &w);
        assert_eq!(cards.len(), 2);
        let due = apply(cards.clone(), &HashMap::new(), &HashMap::new(), &w, &now);
        assert_eq!(due.len(), 1);
        assert!(due[0].candidate.key.is_lead());
        // The lead card done: the day card is shown ahead.
        let states = HashMap::from([(
            cards[0].key.to_string(),
            state(Status::Done, now.timestamp(), None),
        )]);
        let due = apply(cards, &states, &HashMap::new(), &w, &now);
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].candidate.due_on, day(2026, 11, 26));
    }

    #[test]
    fn a_snooze_hides_until_it_ends_and_brings_the_reminder_back() {
        let now = clock(2026, 11, 23);
        let w = Window::today(&Settings::default(), &now);
        let cards = birthday_cards(day(2020, 1, 1), &w);
        let lead = cards[0].key.to_string();
        let tomorrow = now.timestamp() + 86_400;
        let states = HashMap::from([(
            lead.clone(),
            state(Status::Snoozed, now.timestamp(), Some(tomorrow)),
        )]);
        let due = apply(cards.clone(), &states, &HashMap::new(), &w, &now);
        assert!(due.iter().all(|d| d.candidate.key.to_string() != lead));
        // Ending in an hour: kept, hidden until then, due at its end.
        let soon = now.timestamp() + 3600;
        let states = HashMap::from([(
            lead.clone(),
            state(Status::Snoozed, now.timestamp(), Some(soon)),
        )]);
        let due = apply(cards, &states, &HashMap::new(), &w, &now);
        let back = due
            .iter()
            .find(|d| d.candidate.key.to_string() == lead)
            .expect("back");
        assert!(back.snoozed);
        assert_eq!((back.at, back.hidden_until), (soon, Some(soon)));
    }

    #[test]
    fn keep_in_touch_done_comes_back_one_cadence_later() {
        let now = clock(2026, 11, 23);
        let settings = Settings::default();
        let w = Window::today(&settings, &now);
        let fact = ContactFact {
            customer_id: 3,
            last_contact_at: now.timestamp() - 300 * 86_400,
            stage: Stage::Customer,
            own_cadence: Some(5),
        };
        let c = keep_in_touch::candidate(&fact, &settings, &w, &now).expect("due");
        let key = c.key.to_string();
        let skipped_today =
            HashMap::from([(key.clone(), state(Status::Skipped, now.timestamp(), None))]);
        let due = apply(vec![c.clone()], &skipped_today, &HashMap::new(), &w, &now);
        assert_eq!(due[0].candidate.due_on, day(2026, 11, 28));
        let skipped_long_ago = HashMap::from([(
            key,
            state(Status::Skipped, now.timestamp() - 90 * 86_400, None),
        )]);
        let due = apply(vec![c], &skipped_long_ago, &HashMap::new(), &w, &now);
        assert_eq!(due[0].candidate.due_on, day(2026, 8, 30));
    }

    #[test]
    fn expired_cards_and_unwanted_touches_are_not_shown_but_promises_stay() {
        let now = clock(2026, 11, 23);
        let w = Window::today(&Settings::default(), &now);
        let mut expired = Candidate::new(
            OccurrenceKey::Birthday {
                customer: 1,
                on: day(2026, 11, 10),
                lead: false,
            },
            ReminderKind::Birthday,
            Some(1),
            day(2026, 11, 10),
        );
        expired.expires_on = Some(day(2026, 11, 13));
        let promise = Candidate::new(
            OccurrenceKey::Promise { id: 4 },
            ReminderKind::Custom,
            Some(2),
            day(2026, 11, 23),
        );
        let touch = Candidate::new(
            OccurrenceKey::KeepInTouch {
                customer: 2,
                since: 0,
            },
            ReminderKind::KeepInTouch,
            Some(2),
            day(2026, 11, 20),
        );
        let wishes = HashMap::from([(
            2,
            Wish {
                do_not_contact: true,
                ..Wish::default()
            },
        )]);
        let due = apply(
            vec![expired, promise, touch],
            &HashMap::new(),
            &wishes,
            &w,
            &now,
        );
        let kinds: Vec<ReminderKind> = due.iter().map(|d| d.candidate.kind).collect();
        assert_eq!(kinds, [ReminderKind::Custom]);
    }
}
