//! Keep in touch: a customer not contacted for their cadence — the stage's,
//! or their own — is due a touch. It stays until there is contact (a
//! touchpoint or a purchase), however long that takes; the headline says
//! how long it has been. Being added counts as the first contact, so a new
//! customer starts with nothing overdue.

use super::window::Window;
use super::{Candidate, OccurrenceKey, ReminderKind, add_days};
use crate::domain::clock::Clock;
use crate::domain::ladder::Stage;
use crate::domain::settings::Settings;

/// A customer's last contact and cadence, as the store holds them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContactFact {
    pub customer_id: i64,
    /// The last touchpoint, purchase or the day they were added (Unix seconds).
    pub last_contact_at: i64,
    pub stage: Stage,
    /// Their own cadence in days, overriding the stage's.
    pub own_cadence: Option<u32>,
}

/// The cadence in days that applies; 0 means no keep-in-touch reminders.
pub fn cadence(settings: &Settings, stage: Stage, own: Option<u32>) -> u32 {
    own.unwrap_or(settings.cadence_days[stage.rung() as usize])
}

/// The keep-in-touch reminder a customer is due by the window's end, if any.
pub fn candidate(
    fact: &ContactFact,
    settings: &Settings,
    w: &Window,
    clock: &Clock,
) -> Option<Candidate> {
    let cadence = cadence(settings, fact.stage, fact.own_cadence);
    if cadence == 0 {
        return None;
    }
    let contact_on = clock.local_day(fact.last_contact_at);
    let due_on = add_days(contact_on, i64::from(cadence));
    if due_on > w.to {
        return None;
    }
    let mut c = Candidate::new(
        OccurrenceKey::KeepInTouch {
            customer: fact.customer_id,
            since: fact.last_contact_at,
        },
        ReminderKind::KeepInTouch,
        Some(fact.customer_id),
        due_on,
    );
    c.occasion_on = contact_on;
    c.cadence = Some(cadence);
    Some(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::reminder::test_support::{clock, day};

    #[test]
    fn a_customer_out_of_touch_for_most_of_a_year_is_still_due() {
        let now = clock(2026, 11, 23);
        let settings = Settings::default();
        let w = Window::today(&settings, &now);
        let fact = ContactFact {
            customer_id: 5,
            last_contact_at: now.timestamp() - 326 * 86_400,
            stage: Stage::Client,
            own_cadence: None,
        };
        let c = candidate(&fact, &settings, &w, &now).expect("due");
        assert_eq!(c.occasion_on, day(2026, 1, 1));
        assert_eq!(c.due_on, day(2026, 3, 2), "60 days after the last contact");
        assert_eq!(c.cadence, Some(60));
    }

    #[test]
    fn the_customers_own_cadence_wins_and_zero_turns_it_off() {
        let now = clock(2026, 11, 23);
        let settings = Settings::default();
        let w = Window::today(&settings, &now);
        let recent = ContactFact {
            customer_id: 5,
            last_contact_at: now.timestamp() - 20 * 86_400,
            stage: Stage::Client,
            own_cadence: Some(14),
        };
        assert_eq!(
            candidate(&recent, &settings, &w, &now).map(|c| c.due_on),
            Some(day(2026, 11, 17))
        );
        let prospect = ContactFact {
            own_cadence: None,
            stage: Stage::Prospect,
            ..recent
        };
        assert_eq!(candidate(&prospect, &settings, &w, &now), None);
        assert_eq!(cadence(&settings, Stage::Prospect, Some(30)), 30);
    }
}
