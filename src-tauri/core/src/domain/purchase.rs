//! Purchases, in integer minor units, with their channel derived from the
//! customer's history: the first purchase is `new` (or `referral` when the
//! customer was introduced), every later one `repeat`. A refund (negative
//! amount) is not a purchase of its own: it takes the channel of the purchase
//! before it, so it reduces the revenue it gave back.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::customer::CustomerRef;
use crate::domain::ladder::PromotionSuggestion;
use crate::domain::text_enum;
use crate::domain::validation::{Checker, LIMIT_NAME, LIMIT_NOTES};
use crate::error::{FieldError, FieldErrorCode, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The customer's first purchase.
    New,
    /// Any later purchase.
    Repeat,
    /// The first purchase of a customer someone introduced.
    Referral,
}
text_enum!(Channel { New => "new", Repeat => "repeat", Referral => "referral" });

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PurchaseInput {
    pub customer_id: i64,
    pub item: String,
    pub quantity: u32,
    /// Integer minor units of the currency (yen have none); negative for a refund.
    pub amount_minor: i64,
    /// ISO 4217 code; empty takes the currency setting.
    pub currency: String,
    /// Unix seconds.
    pub purchased_at: i64,
    pub satisfaction: Option<u8>,
    pub notes: String,
    /// The follow-up plan whose steps become reminders; `null` for none.
    pub follow_up_plan_id: Option<i64>,
    /// Days after which this item usually runs out: the plan's re-order
    /// step then falls due after this many days instead of its own offset.
    pub reorder_after_days: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Purchase {
    pub id: i64,
    pub customer_id: i64,
    pub item: String,
    pub quantity: u32,
    pub amount_minor: i64,
    pub currency: String,
    pub purchased_at: i64,
    pub satisfaction: Option<u8>,
    pub channel: Channel,
    pub notes: String,
    pub follow_up_plan_id: Option<i64>,
    pub reorder_after_days: Option<u32>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What recording a purchase led to, for the UI to offer at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RecordedPurchase {
    pub purchase: Purchase,
    /// A promotion the purchase makes due (first purchase → Customer…).
    pub suggestion: Option<PromotionSuggestion>,
    /// The customer who introduced this one, when this was their first
    /// purchase: time to thank them.
    pub thank_referrer: Option<CustomerRef>,
}

/// A purchase a day ahead is allowed (time zones); beyond that it is a typo.
const FUTURE_SLACK_SECONDS: i64 = 24 * 3600;

/// What the store knows of the names a purchase refers to.
pub struct PurchaseRefs {
    pub customer_exists: bool,
    /// `None` when no plan is chosen.
    pub plan_exists: Option<bool>,
}

/// Checks and normalises a purchase; an empty currency takes the setting's.
pub fn validate(
    input: &mut PurchaseInput,
    default_currency: &str,
    now: i64,
    refs: &PurchaseRefs,
) -> Result<()> {
    let mut c = Checker::default();
    c.text("item", &mut input.item, LIMIT_NAME * 2);
    if input.item.is_empty() {
        c.fail("item", FieldErrorCode::Required);
    }
    if input.quantity == 0 || input.quantity > 1_000_000 {
        c.errors.push(FieldError::with_limit(
            "quantity",
            FieldErrorCode::OutOfRange,
            1_000_000,
        ));
    }
    // Ten trillion minor units: far beyond any sale, far inside i64.
    if input.amount_minor.unsigned_abs() > 10_000_000_000_000 {
        c.errors.push(FieldError::with_limit(
            "amount_minor",
            FieldErrorCode::OutOfRange,
            10_000_000_000_000,
        ));
    }
    input.currency = input.currency.trim().to_ascii_uppercase();
    if input.currency.is_empty() {
        default_currency.clone_into(&mut input.currency);
    }
    if input.currency.len() != 3 || !input.currency.chars().all(|ch| ch.is_ascii_uppercase()) {
        c.fail("currency", FieldErrorCode::OutOfRange);
    }
    c.satisfaction("satisfaction", input.satisfaction);
    c.text("notes", &mut input.notes, LIMIT_NOTES);
    if input.purchased_at > now + FUTURE_SLACK_SECONDS {
        c.fail("purchased_at", FieldErrorCode::DateInFuture);
    }
    if !refs.customer_exists {
        c.fail("customer_id", FieldErrorCode::UnknownCustomer);
    }
    if let Some(days) = input.reorder_after_days
        && !(1..=3650).contains(&days)
    {
        c.errors.push(FieldError::with_limit(
            "reorder_after_days",
            FieldErrorCode::OutOfRange,
            3650,
        ));
    }
    if refs.plan_exists == Some(false) {
        c.fail("follow_up_plan_id", FieldErrorCode::OutOfRange);
    }
    c.finish()
}

/// The channel of each of one customer's purchases, given in time order as
/// `(amount_minor)`: see the module documentation for the rule.
pub fn derive_channels(amounts: &[i64], introduced: bool) -> Vec<Channel> {
    let mut channels = Vec::with_capacity(amounts.len());
    let mut last_positive: Option<Channel> = None;
    for &amount in amounts {
        let channel = if amount > 0 {
            match last_positive {
                None if introduced => Channel::Referral,
                None => Channel::New,
                Some(_) => Channel::Repeat,
            }
        } else {
            // A refund is never a repeat purchase of its own: it takes the
            // channel of the sale it follows, or the one the customer's
            // first sale has.
            last_positive.unwrap_or(if introduced {
                Channel::Referral
            } else {
                Channel::New
            })
        };
        if amount > 0 {
            last_positive = Some(channel);
        }
        channels.push(channel);
    }
    channels
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_purchase_is_new_or_referral_and_the_rest_repeat() {
        use Channel::*;
        assert_eq!(
            derive_channels(&[100, 200, 300], false),
            [New, Repeat, Repeat]
        );
        assert_eq!(derive_channels(&[100, 200], true), [Referral, Repeat]);
        assert_eq!(derive_channels(&[], true), Vec::<Channel>::new());
    }

    #[test]
    fn a_refund_takes_the_channel_of_the_purchase_it_follows() {
        use Channel::*;
        // Bought, refunded in full, bought again: the refund undoes the new
        // sale, and the next purchase is a repeat.
        assert_eq!(
            derive_channels(&[500, -500, 300], false),
            [New, New, Repeat]
        );
        assert_eq!(
            derive_channels(&[500, 300, -100], true),
            [Referral, Repeat, Repeat]
        );
        // A refund with nothing before it is not a repeat purchase.
        assert_eq!(derive_channels(&[-100, 200], false), [New, New]);
        assert_eq!(derive_channels(&[-5000], true), [Referral]);
    }
}
