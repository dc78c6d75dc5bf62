//! The visit brief: one page to read in the car before walking into a
//! customer's shop.

use chrono::TimeZone;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::Clock;
use crate::customer::Customer;
use crate::dates::{self, UpcomingDate};
use crate::error::Result;
use crate::ladder::PromotionSuggestion;
use crate::promise::Promise;
use crate::purchase::{self, Purchase};
use crate::referral::ReferralNode;
use crate::store::Store;
use crate::timeline::GiveAskBalance;
use crate::touchpoint::Touchpoint;

/// How far ahead the brief looks for birthdays and anniversaries.
const UPCOMING_DAYS: i64 = 60;

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

impl Store {
    pub fn visit_brief(&self, customer_id: i64, clock: &Clock) -> Result<VisitBrief> {
        let customer = self.customer(customer_id)?;
        let (first_touch, first_purchase): (Option<i64>, Option<i64>) = self
            .conn
            .prepare_cached(
                "SELECT first_touch_at, first_purchase_at FROM customers WHERE id = ?1",
            )?
            .query_row([customer_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let met_on = customer.profile.met_on.and_then(|day| {
            day.and_hms_opt(0, 0, 0)
                .and_then(|local| clock.tz.from_local_datetime(&local).earliest())
                .map(|at| at.timestamp())
        });
        let relationship_since = [
            met_on,
            first_touch,
            first_purchase,
            Some(customer.created_at),
        ]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(customer.created_at);
        let relationship_days = ((clock.timestamp() - relationship_since) / 86_400).max(0);

        let (count, total_minor, currency): (u32, i64, Option<String>) = self
            .conn
            .prepare_cached(
                "SELECT count(*) FILTER (WHERE amount_minor > 0), coalesce(sum(amount_minor), 0),
                        (SELECT currency FROM purchases WHERE customer_id = ?1
                          ORDER BY purchased_at DESC LIMIT 1)
                   FROM purchases WHERE customer_id = ?1",
            )?
            .query_row([customer_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        let last = self
            .conn
            .prepare_cached(&format!(
                "SELECT {} FROM purchases WHERE customer_id = ?1 AND amount_minor > 0
                  ORDER BY purchased_at DESC, id DESC LIMIT 1",
                purchase::COLUMNS
            ))?
            .query_map([customer_id], purchase::from_row)?
            .next()
            .transpose()?;
        let currency = match currency {
            Some(c) => c,
            None => self.settings()?.currency,
        };

        Ok(VisitBrief {
            relationship_since,
            relationship_days,
            recent_touchpoints: self.recent_touchpoints(customer_id, 5)?,
            purchases: PurchaseSummary {
                count,
                total_minor,
                currency,
                first_at: first_purchase,
                last,
            },
            open_promises: self.open_promises(customer_id)?,
            upcoming_dates: dates::upcoming(&customer.profile, clock.today(), UPCOMING_DAYS),
            balance: self.give_ask_balance(customer_id, clock)?,
            referred: self
                .referrals(customer_id)?
                .tree
                .into_iter()
                .map(|mut node| {
                    node.children.clear();
                    node
                })
                .collect(),
            suggestion: self.promotion_suggestion(customer_id, clock)?,
            customer,
        })
    }
}
