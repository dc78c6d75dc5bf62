//! The measures behind the dashboard, each defined once, here.
//!
//! A month is a calendar month in the user's time zone: a purchase at
//! 00:30 on 1 February in Tokyo belongs to February, although it is still
//! January in UTC. Revenue includes refunds (negative amounts), each in the
//! channel of the purchase it follows; a refund is never "a purchase" when
//! counting customers who bought.

use chrono::{Datelike, NaiveDate, TimeZone};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::customer::CustomerRef;
use crate::domain::ladder::Stage;
use crate::domain::purchase::Channel;
use crate::domain::settings::CustomerizationGoal;
use crate::error::{FieldError, FieldErrorCode, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
pub struct YearMonth {
    pub year: i32,
    /// 1–12.
    pub month: u32,
}

impl YearMonth {
    pub fn new(year: i32, month: u32) -> Self {
        YearMonth { year, month }
    }

    pub fn of_date(date: NaiveDate) -> Self {
        YearMonth::new(date.year(), date.month())
    }

    /// The month `n` months later (earlier when negative).
    pub fn plus(self, n: i32) -> Self {
        let index = self.year * 12 + self.month as i32 - 1 + n;
        YearMonth::new(index.div_euclid(12), index.rem_euclid(12) as u32 + 1)
    }

    /// The instant the month begins in `tz` (Unix seconds). Where midnight
    /// does not exist that day (a DST jump), the first instant that does.
    pub fn start(self, tz: chrono_tz::Tz) -> i64 {
        let first = NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or_default();
        (0..24)
            .find_map(|hour| {
                first
                    .and_hms_opt(hour, 0, 0)
                    .and_then(|local| tz.from_local_datetime(&local).earliest())
            })
            .map_or(0, |at| at.timestamp())
    }
}

/// A share, kept as counts so that nothing is lost to rounding; the UI
/// divides. An empty denominator means "no data", not 0 %.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Ratio {
    pub numerator: u32,
    pub denominator: u32,
}

impl Ratio {
    pub fn value(self) -> Option<f64> {
        (self.denominator > 0).then(|| f64::from(self.numerator) / f64::from(self.denominator))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DashboardQuery {
    /// How many months the charts cover (1–120), ending with `end`.
    pub months: u32,
    /// The last month shown; `None` is the current month.
    pub end: Option<YearMonth>,
}

/// Revenue of one month by channel, minor units (refunds deducted).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MonthRevenue {
    /// Repeat purchases by customers who had bought before.
    pub existing_minor: i64,
    /// First purchases by customers who came on their own.
    pub new_minor: i64,
    /// First purchases by customers someone introduced.
    pub referral_minor: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MonthTouches {
    pub give: u32,
    pub ask: u32,
    pub neutral: u32,
}

/// Satisfaction scores (1–5) given in a month, on touchpoints and purchases.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MonthSatisfaction {
    pub total: u32,
    pub responses: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FunnelStep {
    pub stage: Stage,
    /// Active customers at this stage now.
    pub customers: u32,
    /// Promotions into this stage during the period.
    pub promotions: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
pub struct ReferralScore {
    pub walk_in_new_minor: i64,
    pub referral_minor: i64,
    pub weight: f64,
    /// walk-in new + weight × referral, rounded to a minor unit.
    pub score_minor: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WalkInCap {
    pub month: YearMonth,
    /// Customers whose first purchase this month came without an introduction.
    pub count: u32,
    pub cap: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AtRiskBasis {
    /// They usually buy every N days and it has been much longer.
    Purchase,
    /// You are usually in touch every N days and it has been much longer.
    Contact,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AtRiskCustomer {
    pub customer: CustomerRef,
    pub stage: Stage,
    pub basis: AtRiskBasis,
    pub usual_interval_days: u32,
    pub days_since: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Headline {
    pub goal: CustomerizationGoal,
    /// The 12 months ending with the last month shown.
    pub current: Ratio,
    /// The 12 months before those.
    pub previous: Ratio,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Dashboard {
    pub months: Vec<YearMonth>,
    pub currency: String,
    pub revenue: Vec<MonthRevenue>,
    /// Existing customers who bought again, per month.
    pub active_existing: Vec<u32>,
    /// Of the customers who bought in the previous 12 months, those who
    /// bought again in these 12 (ending with the last month shown).
    pub retention: Ratio,
    pub funnel: Vec<FunnelStep>,
    pub referral_score: ReferralScore,
    pub walk_in: WalkInCap,
    pub satisfaction: Vec<MonthSatisfaction>,
    pub touches: Vec<MonthTouches>,
    /// The most overdue customers first.
    pub at_risk: Vec<AtRiskCustomer>,
    pub at_risk_total: u32,
    pub headline: Headline,
    /// When the last month shown is the current one, the day of the month
    /// its figures run to: that month is partial, drawn so and left out of
    /// statements about the trend. `null` when every month is complete.
    pub partial_through_day: Option<u32>,
}

/// Overdue means more than this many times the usual interval…
const OVERDUE_FACTOR: f64 = 1.5;
/// …and at least this long, so weekly regulars are not flagged after ten days.
pub const OVERDUE_MIN_DAYS: i64 = 30;
/// Two purchases on one shopping trip are not a rhythm: the usual interval
/// is taken as at least a week.
pub const MIN_USUAL_DAYS: i64 = 7;
/// How many at-risk customers the dashboard lists.
pub const AT_RISK_SHOWN: usize = 20;
pub const DAY: i64 = 86_400;

/// Tallies are kept per quarter hour.
pub const TALLY_SECONDS: i64 = 900;

/// The longest period the dashboard shows, in months.
pub const MAX_MONTHS: u32 = 120;

/// Refuses a dashboard period outside 1–120 months.
pub fn check_query(query: &DashboardQuery) -> Result<()> {
    if (1..=MAX_MONTHS).contains(&query.months) {
        Ok(())
    } else {
        Err(crate::Error::Validation(vec![FieldError::with_limit(
            "months",
            FieldErrorCode::OutOfRange,
            i64::from(MAX_MONTHS),
        )]))
    }
}

/// What a period adds up to.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sums {
    pub revenue: MonthRevenue,
    /// Positive purchases by channel (indexed by `Channel as usize`).
    pub purchases: [u32; 3],
    pub satisfaction: MonthSatisfaction,
    pub touches: MonthTouches,
}

impl Sums {
    /// Adds one channel's revenue, purchase count and satisfaction.
    pub fn add_purchases(
        &mut self,
        channel: Channel,
        amount: i64,
        purchases: u32,
        total: u32,
        responses: u32,
    ) {
        match channel {
            Channel::Repeat => self.revenue.existing_minor += amount,
            Channel::New => self.revenue.new_minor += amount,
            Channel::Referral => self.revenue.referral_minor += amount,
        }
        self.purchases[channel as usize] += purchases;
        self.satisfaction.total += total;
        self.satisfaction.responses += responses;
    }

    /// Adds the touchpoints of the period and their satisfaction.
    pub fn add_touches(&mut self, touches: MonthTouches, total: u32, responses: u32) {
        self.touches = touches;
        self.satisfaction.total += total;
        self.satisfaction.responses += responses;
    }

    /// Of the new customers (first purchases), those someone introduced.
    pub fn referral_rate(&self) -> Ratio {
        let referred = self.purchases[Channel::Referral as usize];
        Ratio {
            numerator: referred,
            denominator: referred + self.purchases[Channel::New as usize],
        }
    }

    /// New walk-in customers in the period.
    pub fn walk_ins(&self) -> u32 {
        self.purchases[Channel::New as usize]
    }
}

/// Measures over the two 12-month windows ending with the range.
#[derive(Debug, Clone, Copy)]
pub struct Windows {
    /// Bought in the earlier window, and again in the later one.
    pub retention: Ratio,
    /// Of the buyers in a window, those who bought at least twice.
    pub repeat_current: Ratio,
    pub repeat_before: Ratio,
}

/// The two 12-month windows ending with a month, as instants in a zone:
/// the earlier window from `before_from` to `months[0]`, the later one
/// month by month from `months[0]` to `months[12]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthWindows {
    pub before_from: i64,
    pub months: [i64; 13],
}

impl MonthWindows {
    pub fn ending(end: YearMonth, tz: chrono_tz::Tz) -> Self {
        MonthWindows {
            before_from: end.plus(-23).start(tz),
            months: std::array::from_fn(|i| end.plus(i as i32 - 11).start(tz)),
        }
    }
}

/// Start instants of `months` consecutive months from `first`, plus the
/// start of the month after the last: `months + 1` boundaries.
pub fn boundaries(first: YearMonth, months: u32, tz: chrono_tz::Tz) -> Vec<i64> {
    (0..=months as i32)
        .map(|i| first.plus(i).start(tz))
        .collect()
}

/// Whether every instant falls on a quarter hour, so the tallies can serve.
pub fn aligned(instants: &[i64]) -> bool {
    instants.iter().all(|b| b % TALLY_SECONDS == 0)
}

/// A customer's activity, as the at-risk rule reads it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Activity {
    pub purchase_count: i64,
    pub first_purchase_at: Option<i64>,
    pub last_purchase_at: Option<i64>,
    pub touch_count: i64,
    pub first_touch_at: Option<i64>,
    pub last_touch_at: Option<i64>,
}

/// How late a customer is against their own rhythm: `(lateness, usual gap,
/// time since)` in seconds, when overdue.
fn rhythm(
    count: i64,
    first: Option<i64>,
    last: Option<i64>,
    needed: i64,
    now: i64,
) -> Option<(f64, i64, i64)> {
    let (first, last) = (first?, last?);
    if count < needed {
        return None;
    }
    let gap = ((last - first) / (count - 1)).max(MIN_USUAL_DAYS * DAY);
    let since = now - last;
    let overdue = since >= OVERDUE_MIN_DAYS * DAY && since as f64 > OVERDUE_FACTOR * gap as f64;
    overdue.then(|| (since as f64 / gap as f64, gap, since))
}

/// Whether an existing customer is at risk, and on which basis: their
/// usual interval between purchases (2+) or contacts (3+), at least a week,
/// is overdue by more than 1.5 times and at least 30 days. Returns how late
/// (relative to their rhythm) with the usual interval and the days since.
pub fn at_risk(a: &Activity, now: i64) -> Option<(f64, AtRiskBasis, u32, u32)> {
    let by_purchase = rhythm(
        a.purchase_count,
        a.first_purchase_at,
        a.last_purchase_at,
        2,
        now,
    );
    let by_contact = rhythm(a.touch_count, a.first_touch_at, a.last_touch_at, 3, now);
    let (basis, (lateness, gap, since)) = match (by_purchase, by_contact) {
        (Some(p), Some(c)) if c.0 > p.0 => (AtRiskBasis::Contact, c),
        (Some(p), _) => (AtRiskBasis::Purchase, p),
        (None, Some(c)) => (AtRiskBasis::Contact, c),
        (None, None) => return None,
    };
    Some((lateness, basis, days(gap), days(since)))
}

fn days(seconds: i64) -> u32 {
    u32::try_from((seconds / DAY).max(0)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regular_buyer_long_overdue_is_at_risk_and_a_new_one_is_not() {
        let now = 1_800_000_000;
        // Bought every 30 days, four times; last 100 days ago.
        let regular = Activity {
            purchase_count: 4,
            first_purchase_at: Some(now - 190 * DAY),
            last_purchase_at: Some(now - 100 * DAY),
            ..Activity::default()
        };
        let (_, basis, usual, since) = at_risk(&regular, now).expect("at risk");
        assert_eq!((basis, usual, since), (AtRiskBasis::Purchase, 30, 100));
        // Once only: no rhythm to be late against.
        let once = Activity {
            purchase_count: 1,
            first_purchase_at: Some(now - 400 * DAY),
            last_purchase_at: Some(now - 400 * DAY),
            ..Activity::default()
        };
        assert_eq!(at_risk(&once, now), None);
        // Weekly, ten days late: under the 30-day floor.
        let weekly = Activity {
            purchase_count: 10,
            first_purchase_at: Some(now - 73 * DAY),
            last_purchase_at: Some(now - 10 * DAY),
            ..Activity::default()
        };
        assert_eq!(at_risk(&weekly, now), None);
    }

    #[test]
    fn months_wrap_around_the_year() {
        assert_eq!(YearMonth::new(2026, 1).plus(-1), YearMonth::new(2025, 12));
        assert_eq!(YearMonth::new(2026, 11).plus(14), YearMonth::new(2028, 1));
        assert_eq!(YearMonth::new(2026, 3).plus(-26), YearMonth::new(2024, 1));
    }

    #[test]
    fn a_month_starts_at_local_midnight() {
        // 1 February 2026, 00:00 in Tokyo is 31 January 15:00 UTC.
        let start = YearMonth::new(2026, 2).start(chrono_tz::Asia::Tokyo);
        assert_eq!(start, 1_769_871_600);
        // Havana skipped from 00:00 to 01:00 on 1 April 2012: April began at
        // 01:00 local time, 05:00 UTC.
        let havana = YearMonth::new(2012, 4).start(chrono_tz::America::Havana);
        assert_eq!(havana, 1_333_256_400);
    }
}
