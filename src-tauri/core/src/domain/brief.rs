//! The visit brief: one page to read in the car before walking into a
//! customer's shop.

use chrono::TimeZone;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::clock::Clock;
use crate::domain::customer::Customer;
use crate::domain::dates::UpcomingDate;
use crate::domain::ladder::PromotionSuggestion;
use crate::domain::promise::Promise;
use crate::domain::purchase::Purchase;
use crate::domain::referral::ReferralNode;
use crate::domain::timeline::GiveAskBalance;
use crate::domain::touchpoint::Touchpoint;

/// How far ahead the brief looks for birthdays and anniversaries.
pub const UPCOMING_DAYS: i64 = 60;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PurchaseSummary {
    /// Purchases (refunds not counted).
    pub count: u32,
    /// Everything bought, refunds deducted, minor units.
    pub total_minor: i64,
    pub currency: String,
    pub first_at: Option<i64>,
    pub last: Option<Purchase>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct VisitBrief {
    pub customer: Customer,
    /// When the relationship began: the earliest of the day you met, the
    /// first contact, the first purchase and when the customer was added.
    pub relationship_since: i64,
    pub relationship_days: i64,
    /// The last five touchpoints, newest first.
    pub recent_touchpoints: Vec<Touchpoint>,
    pub purchases: PurchaseSummary,
    pub open_promises: Vec<Promise>,
    pub upcoming_dates: Vec<UpcomingDate>,
    pub balance: GiveAskBalance,
    /// Whom they introduced (direct), with what came of it.
    pub referred: Vec<ReferralNode>,
    pub suggestion: Option<PromotionSuggestion>,
}

/// When the relationship began: the earliest of the day they met, the
/// first contact, the first purchase and when the customer was added.
pub fn relationship_since(
    customer: &Customer,
    first_touch: Option<i64>,
    first_purchase: Option<i64>,
    clock: &Clock,
) -> i64 {
    let met_on = customer.profile.met_on.and_then(|day| {
        day.and_hms_opt(0, 0, 0)
            .and_then(|local| clock.tz.from_local_datetime(&local).earliest())
            .map(|at| at.timestamp())
    });
    [
        met_on,
        first_touch,
        first_purchase,
        Some(customer.created_at),
    ]
    .into_iter()
    .flatten()
    .min()
    .unwrap_or(customer.created_at)
}
