//! One customer's whole story in time order: touchpoints, purchases,
//! referrals and moves on the ladder, with the give/ask balance of the year.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::Clock;
use crate::customer::CustomerRef;
use crate::error::Result;
use crate::ladder::StageChange;
use crate::purchase::{self, Purchase};
use crate::referral::ReferralStatus;
use crate::store::Store;
use crate::touchpoint::{self, Direction, Touchpoint};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TimelineKind {
    Touchpoint,
    Purchase,
    Referral,
    StageChange,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReferralRole {
    /// This customer was introduced by the other.
    IntroducedBy,
    /// This customer introduced the other.
    Introduced,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TimelineEntry {
    Touchpoint {
        touchpoint: Touchpoint,
    },
    Purchase {
        purchase: Purchase,
    },
    Referral {
        role: ReferralRole,
        other: CustomerRef,
        status: ReferralStatus,
    },
    StageChange {
        change: StageChange,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TimelineItem {
    /// Unix seconds.
    pub at: i64,
    pub entry: TimelineEntry,
}

/// What the salesperson gave and asked over a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GiveAskBalance {
    pub gives: u32,
    pub asks: u32,
    pub neutral: u32,
    /// Start of the period (Unix seconds).
    pub since: i64,
    /// Only asks and no gives: the warning sign of a one-sided relationship.
    pub only_asks: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Timeline {
    /// Newest first.
    pub items: Vec<TimelineItem>,
    pub balance: GiveAskBalance,
}

const YEAR_SECONDS: i64 = 365 * 24 * 3600;

impl Store {
    /// A customer's timeline, newest first, limited to `kinds` (all when empty).
    pub fn timeline(
        &self,
        customer_id: i64,
        kinds: &[TimelineKind],
        clock: &Clock,
    ) -> Result<Timeline> {
        crate::customer::load_customer_exists(&self.conn, customer_id)?;
        let wants = |kind| kinds.is_empty() || kinds.contains(&kind);
        let mut items = Vec::new();
        if wants(TimelineKind::Touchpoint) {
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT {} FROM touchpoints WHERE customer_id = ?1",
                touchpoint::COLUMNS
            ))?;
            for t in stmt.query_map([customer_id], touchpoint::from_row)? {
                let touchpoint = t?;
                items.push(TimelineItem {
                    at: touchpoint.occurred_at,
                    entry: TimelineEntry::Touchpoint { touchpoint },
                });
            }
        }
        if wants(TimelineKind::Purchase) {
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT {} FROM purchases WHERE customer_id = ?1",
                purchase::COLUMNS
            ))?;
            for p in stmt.query_map([customer_id], purchase::from_row)? {
                let purchase = p?;
                items.push(TimelineItem {
                    at: purchase.purchased_at,
                    entry: TimelineEntry::Purchase { purchase },
                });
            }
        }
        if wants(TimelineKind::Referral) {
            let mut stmt = self.conn.prepare_cached(
                "SELECT c.id, c.family_name, c.given_name, c.company, c.archived,
                        r.introduced_at, r.status, r.referred_id = ?1
                   FROM referrals r
                   JOIN customers c ON c.id = CASE WHEN r.referred_id = ?1 THEN r.referrer_id ELSE r.referred_id END
                  WHERE r.referred_id = ?1 OR r.referrer_id = ?1",
            )?;
            for row in stmt.query_map([customer_id], |r| {
                Ok(TimelineItem {
                    at: r.get(5)?,
                    entry: TimelineEntry::Referral {
                        role: if r.get::<_, bool>(7)? {
                            ReferralRole::IntroducedBy
                        } else {
                            ReferralRole::Introduced
                        },
                        other: crate::customer::customer_ref_from_row(r)?,
                        status: r.get(6)?,
                    },
                })
            })? {
                items.push(row?);
            }
        }
        if wants(TimelineKind::StageChange) {
            for change in self.stage_history(customer_id)? {
                items.push(TimelineItem {
                    at: change.changed_at,
                    entry: TimelineEntry::StageChange { change },
                });
            }
        }
        // Newest first; within one instant, keep a stable, meaningful order.
        items.sort_by(|a, b| {
            b.at.cmp(&a.at)
                .then_with(|| order(&b.entry).cmp(&order(&a.entry)))
        });
        Ok(Timeline {
            items,
            balance: self.give_ask_balance(customer_id, clock)?,
        })
    }

    /// Gives and asks over the last 12 months.
    pub fn give_ask_balance(&self, customer_id: i64, clock: &Clock) -> Result<GiveAskBalance> {
        let since = clock.timestamp() - YEAR_SECONDS;
        let mut balance = GiveAskBalance {
            gives: 0,
            asks: 0,
            neutral: 0,
            since,
            only_asks: false,
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT direction, count(*) FROM touchpoints
              WHERE customer_id = ?1 AND occurred_at > ?2 AND occurred_at <= ?3 GROUP BY direction",
        )?;
        let rows = stmt.query_map(
            rusqlite::params![customer_id, since, clock.timestamp()],
            |r| Ok((r.get::<_, Direction>(0)?, r.get::<_, u32>(1)?)),
        )?;
        for row in rows {
            match row? {
                (Direction::Give, n) => balance.gives = n,
                (Direction::Ask, n) => balance.asks = n,
                (Direction::Neutral, n) => balance.neutral = n,
            }
        }
        balance.only_asks = balance.asks > 0 && balance.gives == 0;
        Ok(balance)
    }
}

/// Within the same second: a stage change follows what caused it.
fn order(entry: &TimelineEntry) -> u8 {
    match entry {
        TimelineEntry::Referral { .. } => 0,
        TimelineEntry::Touchpoint { .. } => 1,
        TimelineEntry::Purchase { .. } => 2,
        TimelineEntry::StageChange { .. } => 3,
    }
}
