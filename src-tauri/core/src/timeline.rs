//! One customer's whole story in time order, with the give/ask balance of
//! the year (the types are in `domain/timeline.rs`).

pub use crate::domain::timeline::*;

use crate::domain::clock::Clock;
use crate::error::Result;
use crate::store::{Store, customers, purchases, referrals, stages, touchpoints};

impl Store {
    /// A customer's timeline, newest first, limited to `kinds` (all when empty).
    pub fn timeline(
        &self,
        customer_id: i64,
        kinds: &[TimelineKind],
        clock: &Clock,
    ) -> Result<Timeline> {
        let conn = self.conn();
        customers::require(conn, customer_id)?;
        let wants = |kind| kinds.is_empty() || kinds.contains(&kind);
        let mut items = Vec::new();
        if wants(TimelineKind::Touchpoint) {
            for touchpoint in touchpoints::of_customer(conn, customer_id)? {
                items.push(TimelineItem {
                    at: touchpoint.occurred_at,
                    entry: TimelineEntry::Touchpoint { touchpoint },
                });
            }
        }
        if wants(TimelineKind::Purchase) {
            for purchase in purchases::of_customer(conn, customer_id)? {
                items.push(TimelineItem {
                    at: purchase.purchased_at,
                    entry: TimelineEntry::Purchase { purchase },
                });
            }
        }
        if wants(TimelineKind::Referral) {
            for (at, role, other, status) in referrals::involving(conn, customer_id)? {
                items.push(TimelineItem {
                    at,
                    entry: TimelineEntry::Referral {
                        role,
                        other,
                        status,
                    },
                });
            }
        }
        if wants(TimelineKind::StageChange) {
            for change in stages::history(conn, customer_id)? {
                items.push(TimelineItem {
                    at: change.changed_at,
                    entry: TimelineEntry::StageChange { change },
                });
            }
        }
        sort(&mut items);
        Ok(Timeline {
            items,
            balance: self.give_ask_balance(customer_id, clock)?,
        })
    }

    /// Gives and asks over the last 12 months.
    pub fn give_ask_balance(&self, customer_id: i64, clock: &Clock) -> Result<GiveAskBalance> {
        let since = clock.timestamp() - BALANCE_SECONDS;
        let counts = touchpoints::directions(self.conn(), customer_id, since, clock.timestamp())?;
        Ok(GiveAskBalance::of(&counts, since))
    }
}
