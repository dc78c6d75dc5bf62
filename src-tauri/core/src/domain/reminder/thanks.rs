//! Thanking whoever introduced a customer: when the introduction is made,
//! and again when the one introduced first buys — unless thanked since. Once
//! they have bought, one thank-you covers both. A thank-you stays until it
//! is sent.

use super::window::Window;
use super::{Candidate, OccurrenceKey, ReminderKind};
use crate::domain::clock::Clock;

/// An introduction, as the store holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralFact {
    pub referral_id: i64,
    pub referrer_id: i64,
    /// The display name of the customer introduced.
    pub referred_name: String,
    /// When the introduction was recorded (Unix seconds).
    pub introduced_at: i64,
    /// The introduced customer's first purchase.
    pub first_purchase_at: Option<i64>,
    pub thanked_at: Option<i64>,
}

/// The thank-you due for an introduction, if any.
pub fn candidate(fact: &ReferralFact, w: &Window, clock: &Clock) -> Option<Candidate> {
    let bought = fact
        .first_purchase_at
        .filter(|bought| fact.thanked_at.is_none_or(|thanked| thanked < *bought));
    let (key, kind, at) = match (bought, fact.thanked_at) {
        (Some(bought), _) => (
            OccurrenceKey::ThanksBought {
                referral: fact.referral_id,
            },
            ReminderKind::ReferralBought,
            // A purchase recorded before the introduction was is thanked
            // from when the introduction became known.
            bought.max(fact.introduced_at),
        ),
        (None, None) => (
            OccurrenceKey::ThanksIntroduced {
                referral: fact.referral_id,
            },
            ReminderKind::ReferralIntroduced,
            fact.introduced_at,
        ),
        (None, Some(_)) => return None,
    };
    let due_on = clock.local_day(at);
    if due_on > w.to {
        return None;
    }
    let mut c = Candidate::new(key, kind, Some(fact.referrer_id), due_on);
    c.subject.clone_from(&fact.referred_name);
    Some(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::reminder::test_support::{clock, day};
    use crate::domain::settings::Settings;

    #[test]
    fn one_thank_you_at_a_time_until_thanked_since_the_purchase() {
        let now = clock(2026, 11, 23);
        let w = Window::today(&Settings::default(), &now);
        let introduced = ReferralFact {
            referral_id: 3,
            referrer_id: 1,
            referred_name: "友人 太郎".to_owned(),
            introduced_at: now.timestamp() - 40 * 86_400,
            first_purchase_at: None,
            thanked_at: None,
        };
        let c = candidate(&introduced, &w, &now).expect("thank the introduction");
        assert_eq!(c.kind, ReminderKind::ReferralIntroduced);
        assert_eq!(c.due_on, day(2026, 10, 14));
        assert_eq!(c.customer_id, Some(1));

        let bought = ReferralFact {
            first_purchase_at: Some(now.timestamp() - 86_400),
            ..introduced.clone()
        };
        let c = candidate(&bought, &w, &now).expect("thank the purchase");
        assert_eq!(c.kind, ReminderKind::ReferralBought);
        assert_eq!(c.subject, "友人 太郎");

        let thanked_before_buying = ReferralFact {
            thanked_at: Some(now.timestamp() - 30 * 86_400),
            ..bought.clone()
        };
        assert_eq!(
            candidate(&thanked_before_buying, &w, &now).map(|c| c.kind),
            Some(ReminderKind::ReferralBought)
        );
        let thanked_after = ReferralFact {
            thanked_at: Some(now.timestamp()),
            ..bought
        };
        assert_eq!(candidate(&thanked_after, &w, &now), None);
    }
}
