//! One customer's whole story in time order: touchpoints, purchases,
//! referrals and moves on the ladder, with the give/ask balance of the year.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::customer::CustomerRef;
use crate::domain::ladder::StageChange;
use crate::domain::purchase::Purchase;
use crate::domain::referral::ReferralStatus;
use crate::domain::touchpoint::{Direction, Touchpoint};

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

/// The give/ask balance looks back a year.
pub const BALANCE_SECONDS: i64 = 365 * 24 * 3600;

impl GiveAskBalance {
    /// The balance from the counts of each direction since `since`.
    pub fn of(counts: &[(Direction, u32)], since: i64) -> Self {
        let count = |d: Direction| {
            counts
                .iter()
                .filter(|(direction, _)| *direction == d)
                .map(|(_, n)| n)
                .sum::<u32>()
        };
        let (gives, asks) = (count(Direction::Give), count(Direction::Ask));
        GiveAskBalance {
            gives,
            asks,
            neutral: count(Direction::Neutral),
            since,
            only_asks: asks > 0 && gives == 0,
        }
    }
}

/// Newest first; within one instant, a stage change follows what caused it.
pub fn sort(items: &mut [TimelineItem]) {
    items.sort_by(|a, b| {
        b.at.cmp(&a.at)
            .then_with(|| order(&b.entry).cmp(&order(&a.entry)))
    });
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
