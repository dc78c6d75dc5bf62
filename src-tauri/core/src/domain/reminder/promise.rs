//! The promises the salesperson made ("bring the catalogue next week"):
//! due at their moment, and kept on the list until done or skipped. A
//! promise entered with a moment already past falls due when it was entered.

use super::window::Window;
use super::{Candidate, OccurrenceKey, ReminderKind};
use crate::domain::clock::Clock;

/// A promise, as the store holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromiseFact {
    pub id: i64,
    pub customer_id: Option<i64>,
    pub title: String,
    pub due_at: i64,
    pub created_at: i64,
}

/// The promise's reminder, once it falls due within the window.
pub fn candidate(fact: &PromiseFact, w: &Window, clock: &Clock) -> Option<Candidate> {
    let at = fact.due_at.max(fact.created_at);
    let due_on = clock.local_day(at);
    if due_on > w.to {
        return None;
    }
    let mut c = Candidate::new(
        OccurrenceKey::Promise { id: fact.id },
        ReminderKind::Custom,
        fact.customer_id,
        due_on,
    );
    c.due_at = Some(at);
    c.occasion_on = clock.local_day(fact.due_at);
    c.subject.clone_from(&fact.title);
    Some(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::reminder::test_support::{clock, day};
    use crate::domain::settings::Settings;

    #[test]
    fn a_promise_falls_due_at_its_moment_but_never_before_it_was_made() {
        let now = clock(2026, 11, 23);
        let w = Window::today(&Settings::default(), &now);
        let fact = PromiseFact {
            id: 1,
            customer_id: Some(2),
            title: "カタログを届ける".to_owned(),
            due_at: now.timestamp() + 60,
            created_at: now.timestamp(),
        };
        let c = candidate(&fact, &w, &now).expect("due today");
        assert_eq!(c.due_at, Some(now.timestamp() + 60));
        let late = PromiseFact {
            due_at: now.timestamp() - 3 * 86_400,
            ..fact.clone()
        };
        let c = candidate(&late, &w, &now).expect("due");
        assert_eq!(c.due_on, day(2026, 11, 23));
        assert_eq!(c.due_at, Some(now.timestamp()));
        let far = PromiseFact {
            due_at: now.timestamp() + 30 * 86_400,
            ..fact
        };
        assert_eq!(candidate(&far, &w, &now), None);
    }
}
