//! The visit brief: one page to read in the car before walking into a
//! customer's shop (the types are in `domain/brief.rs`).

pub use crate::domain::brief::*;

use crate::domain::clock::Clock;
use crate::domain::dates;
use crate::error::Result;
use crate::store::{Store, activity, purchases};

impl Store {
    pub fn visit_brief(&self, customer_id: i64, clock: &Clock) -> Result<VisitBrief> {
        let conn = self.conn();
        let customer = self.customer(customer_id)?;
        let (first_touch, first_purchase) = activity::firsts(conn, customer_id)?;
        let relationship_since = relationship_since(&customer, first_touch, first_purchase, clock);
        let (count, total_minor, currency) = purchases::totals(conn, customer_id)?;
        let currency = match currency {
            Some(c) => c,
            None => self.settings()?.currency,
        };
        Ok(VisitBrief {
            relationship_since,
            relationship_days: ((clock.timestamp() - relationship_since) / 86_400).max(0),
            recent_touchpoints: self.recent_touchpoints(customer_id, 5)?,
            purchases: PurchaseSummary {
                count,
                total_minor,
                currency,
                first_at: first_purchase,
                last: purchases::last(conn, customer_id)?,
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
