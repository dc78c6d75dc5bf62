//! The measures behind the dashboard, each defined once, here.
//!
//! A month is a calendar month in the user's time zone: a purchase at
//! 00:30 on 1 February in Tokyo belongs to February, although it is still
//! January in UTC. Revenue includes refunds (negative amounts), each in the
//! channel of the purchase it follows; a refund is never "a purchase" when
//! counting customers who bought.

use std::collections::HashMap;
use std::rc::Rc;

use chrono::{Datelike, NaiveDate, TimeZone};
use rusqlite::params;
use rusqlite::types::Value;
use rusqlite::vtab::array::Array;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::Clock;
use crate::customer::CustomerRef;
use crate::error::{FieldErrorCode, Result};
use crate::ladder::Stage;
use crate::purchase::Channel;
use crate::settings::CustomerizationGoal;
use crate::store::Store;

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
}

/// Overdue means more than this many times the usual interval…
const OVERDUE_FACTOR: f64 = 1.5;
/// …and at least this long, so weekly regulars are not flagged after ten days.
const OVERDUE_MIN_DAYS: i64 = 30;
/// Two purchases on one shopping trip are not a rhythm: the usual interval
/// is taken as at least a week.
const MIN_USUAL_DAYS: i64 = 7;
/// How many at-risk customers the dashboard lists.
const AT_RISK_SHOWN: u32 = 20;
const DAY: i64 = 86_400;

/// Tallies are kept per quarter hour.
const TALLY_SECONDS: i64 = 900;

/// What a period adds up to.
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    revenue: MonthRevenue,
    /// Positive purchases by channel (indexed by `Channel as usize`).
    purchases: [u32; 3],
    satisfaction: MonthSatisfaction,
    touches: MonthTouches,
}

impl Sums {
    /// Of the new customers (first purchases), those someone introduced.
    fn referral_rate(&self) -> Ratio {
        let referred = self.purchases[Channel::Referral as usize];
        Ratio {
            numerator: referred,
            denominator: referred + self.purchases[Channel::New as usize],
        }
    }
}

/// Measures over the two 12-month windows ending with the range.
struct Windows {
    /// Bought in the earlier window, and again in the later one.
    retention: Ratio,
    /// Of the buyers in a window, those who bought at least twice.
    repeat_current: Ratio,
    repeat_before: Ratio,
}

/// Start instants of `months` consecutive months from `first`, plus the
/// start of the month after the last: `months + 1` boundaries.
fn boundaries(first: YearMonth, months: u32, tz: chrono_tz::Tz) -> Vec<i64> {
    (0..=months as i32)
        .map(|i| first.plus(i).start(tz))
        .collect()
}

impl Store {
    pub fn dashboard(&self, query: &DashboardQuery, clock: &Clock) -> Result<Dashboard> {
        if !(1..=120).contains(&query.months) {
            return Err(crate::Error::Validation(vec![
                crate::FieldError::with_limit("months", FieldErrorCode::OutOfRange, 120),
            ]));
        }
        let settings = self.settings()?;
        let tz = clock.tz;
        let end = query
            .end
            .unwrap_or_else(|| YearMonth::of_date(clock.today()));
        let first = end.plus(1 - query.months as i32);
        let months: Vec<YearMonth> = (0..query.months as i32).map(|i| first.plus(i)).collect();
        let bounds = boundaries(first, query.months, tz);
        let period = (bounds[0], bounds[bounds.len() - 1]);
        // "These 12 months" and "the previous 12", ending with the last month shown.
        let year = (end.plus(-11).start(tz), end.plus(1).start(tz));
        let year_before = (end.plus(-23).start(tz), year.0);

        // Tallies serve when every boundary falls on a quarter hour.
        let aligned = bounds
            .iter()
            .chain([&year_before.0, &year.0])
            .all(|b| b % TALLY_SECONDS == 0);
        let mut revenue = Vec::with_capacity(months.len());
        let mut satisfaction = Vec::with_capacity(months.len());
        let mut touches = Vec::with_capacity(months.len());
        for window in bounds.windows(2) {
            let sums = self.sums((window[0], window[1]), aligned)?;
            revenue.push(sums.revenue);
            satisfaction.push(sums.satisfaction);
            touches.push(sums.touches);
        }
        let this_month = YearMonth::of_date(clock.today());
        let this_month_bounds = (this_month.start(tz), this_month.plus(1).start(tz));
        let this_month_aligned =
            this_month_bounds.0 % TALLY_SECONDS == 0 && this_month_bounds.1 % TALLY_SECONDS == 0;
        let walk_ins =
            self.sums(this_month_bounds, this_month_aligned)?.purchases[Channel::New as usize];
        let windows = self.windows(year_before, year)?;
        let headline = Headline {
            goal: settings.goal,
            current: match settings.goal {
                CustomerizationGoal::Repeat => windows.repeat_current,
                CustomerizationGoal::NewProduct => self.new_product_adoption(year)?,
                CustomerizationGoal::Referral => self.sums(year, aligned)?.referral_rate(),
            },
            previous: match settings.goal {
                CustomerizationGoal::Repeat => windows.repeat_before,
                CustomerizationGoal::NewProduct => self.new_product_adoption(year_before)?,
                CustomerizationGoal::Referral => self.sums(year_before, aligned)?.referral_rate(),
            },
        };
        let walk_in_new_minor: i64 = revenue.iter().map(|m| m.new_minor).sum();
        let referral_minor: i64 = revenue.iter().map(|m| m.referral_minor).sum();
        let (at_risk, at_risk_total) = self.at_risk(clock)?;
        Ok(Dashboard {
            active_existing: self.active_existing(&bounds)?,
            retention: windows.retention,
            funnel: self.funnel(period)?,
            referral_score: ReferralScore {
                walk_in_new_minor,
                referral_minor,
                weight: settings.referral_weight,
                score_minor: walk_in_new_minor
                    + (settings.referral_weight * referral_minor as f64).round() as i64,
            },
            walk_in: WalkInCap {
                month: this_month,
                count: walk_ins,
                cap: settings.walk_in_cap,
            },
            headline,
            at_risk,
            at_risk_total,
            months,
            currency: settings.currency,
            revenue,
            satisfaction,
            touches,
        })
    }

    /// Revenue, purchases, satisfaction and touches over `[from, to)`: from
    /// the quarter-hour tallies when `aligned`, else from the raw tables.
    fn sums(&self, (from, to): (i64, i64), aligned: bool) -> Result<Sums> {
        let mut sums = Sums::default();
        let (purchase_sql, touch_sql, range) = if aligned {
            (
                "SELECT channel, sum(amount_minor), sum(purchases), sum(satisfaction_total), sum(satisfaction_count)
                   FROM purchase_tallies WHERE bucket >= ?1 AND bucket < ?2 GROUP BY channel",
                "SELECT coalesce(sum(give), 0), coalesce(sum(ask), 0), coalesce(sum(neutral), 0),
                        coalesce(sum(satisfaction_total), 0), coalesce(sum(satisfaction_count), 0)
                   FROM touch_tallies WHERE bucket >= ?1 AND bucket < ?2",
                (from / TALLY_SECONDS, to / TALLY_SECONDS),
            )
        } else {
            (
                "SELECT channel, sum(amount_minor), count(*) FILTER (WHERE amount_minor > 0),
                        coalesce(sum(satisfaction), 0), count(satisfaction)
                   FROM purchases WHERE purchased_at >= ?1 AND purchased_at < ?2 GROUP BY channel",
                "SELECT count(*) FILTER (WHERE direction = 'give'), count(*) FILTER (WHERE direction = 'ask'),
                        count(*) FILTER (WHERE direction = 'neutral'),
                        coalesce(sum(satisfaction), 0), count(satisfaction)
                   FROM touchpoints WHERE occurred_at >= ?1 AND occurred_at < ?2",
                (from, to),
            )
        };
        let mut stmt = self.conn.prepare_cached(purchase_sql)?;
        let rows = stmt.query_map(params![range.0, range.1], |r| {
            Ok((
                r.get::<_, Channel>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, u32>(2)?,
                r.get::<_, u32>(3)?,
                r.get::<_, u32>(4)?,
            ))
        })?;
        for row in rows {
            let (channel, amount, purchases, total, responses) = row?;
            match channel {
                Channel::Repeat => sums.revenue.existing_minor += amount,
                Channel::New => sums.revenue.new_minor += amount,
                Channel::Referral => sums.revenue.referral_minor += amount,
            }
            sums.purchases[channel as usize] += purchases;
            sums.satisfaction.total += total;
            sums.satisfaction.responses += responses;
        }
        let (touches, total, responses) =
            self.conn
                .prepare_cached(touch_sql)?
                .query_row(params![range.0, range.1], |r| {
                    Ok((
                        MonthTouches {
                            give: r.get(0)?,
                            ask: r.get(1)?,
                            neutral: r.get(2)?,
                        },
                        r.get::<_, u32>(3)?,
                        r.get::<_, u32>(4)?,
                    ))
                })?;
        sums.touches = touches;
        sums.satisfaction.total += total;
        sums.satisfaction.responses += responses;
        Ok(sums)
    }

    /// Existing customers who bought again, per month: one pass in time
    /// order over the range's repeat purchases, counting each customer once
    /// a month by remembering the last month they were counted in.
    fn active_existing(&self, bounds: &[i64]) -> Result<Vec<u32>> {
        let months = bounds.len() - 1;
        let mut counts = vec![0; months];
        let mut counted: HashMap<i64, usize> = HashMap::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT purchased_at, customer_id FROM purchases
              WHERE purchased_at >= ?1 AND purchased_at < ?2 AND channel = 'repeat' AND amount_minor > 0
              ORDER BY purchased_at",
        )?;
        let mut rows = stmt.query(params![bounds[0], bounds[months]])?;
        let mut month = 0;
        while let Some(r) = rows.next()? {
            let at: i64 = r.get(0)?;
            while month + 1 < months && at >= bounds[month + 1] {
                month += 1;
            }
            if counted.insert(r.get(1)?, month) != Some(month) {
                counts[month] += 1;
            }
        }
        Ok(counts)
    }

    /// Retention and the repeat rate of both 12-month windows, from one walk
    /// of the purchases in customer order (no sorting needed).
    fn windows(&self, before: (i64, i64), current: (i64, i64)) -> Result<Windows> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT count(*) FILTER (WHERE b > 0), count(*) FILTER (WHERE b > 0 AND c > 0),
                        count(*) FILTER (WHERE c > 0), count(*) FILTER (WHERE c >= 2),
                        count(*) FILTER (WHERE b >= 2)
                   FROM (SELECT sum(purchased_at < ?2) AS b, sum(purchased_at >= ?2) AS c
                           FROM purchases INDEXED BY purchases_customer_time
                          WHERE amount_minor > 0 AND purchased_at >= ?1 AND purchased_at < ?3
                          GROUP BY customer_id)",
            )?
            .query_row(params![before.0, current.0, current.1], |r| {
                let ratio = |numerator: u32, denominator: u32| Ratio {
                    numerator,
                    denominator,
                };
                Ok(Windows {
                    retention: ratio(r.get(1)?, r.get(0)?),
                    repeat_current: ratio(r.get(3)?, r.get(2)?),
                    repeat_before: ratio(r.get(4)?, r.get(0)?),
                })
            })?)
    }

    fn funnel(&self, period: (i64, i64)) -> Result<Vec<FunnelStep>> {
        let mut steps: Vec<FunnelStep> = Stage::ALL
            .iter()
            .map(|&stage| FunnelStep {
                stage,
                customers: 0,
                promotions: 0,
            })
            .collect();
        let mut stmt = self.conn.prepare_cached(
            "SELECT stage, count(*) FROM customers WHERE archived = 0 GROUP BY stage",
        )?;
        for row in stmt.query_map([], |r| Ok((r.get::<_, Stage>(0)?, r.get::<_, u32>(1)?)))? {
            let (stage, count) = row?;
            steps[stage.rung() as usize].customers = count;
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT to_stage, count(*) FROM stage_changes
              WHERE changed_at >= ?1 AND changed_at < ?2 AND from_stage IS NOT NULL AND to_stage > from_stage
              GROUP BY to_stage",
        )?;
        for row in stmt.query_map(params![period.0, period.1], |r| {
            Ok((r.get::<_, Stage>(0)?, r.get::<_, u32>(1)?))
        })? {
            let (stage, count) = row?;
            steps[stage.rung() as usize].promotions = count;
        }
        Ok(steps)
    }

    /// Of the existing customers (they bought before the window) who bought
    /// in it, those who bought something they had never bought before.
    fn new_product_adoption(&self, window: (i64, i64)) -> Result<Ratio> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT count(DISTINCT p.customer_id) FILTER (WHERE NOT EXISTS (
                            SELECT 1 FROM purchases q
                             WHERE q.customer_id = p.customer_id AND q.purchased_at < ?1
                               AND q.amount_minor > 0 AND q.item = p.item)),
                        count(DISTINCT p.customer_id)
                   FROM purchases p
                  WHERE p.purchased_at >= ?1 AND p.purchased_at < ?2 AND p.amount_minor > 0
                    AND EXISTS (SELECT 1 FROM purchases q
                                 WHERE q.customer_id = p.customer_id AND q.purchased_at < ?1
                                   AND q.amount_minor > 0)",
            )?
            .query_row(params![window.0, window.1], |r| {
                Ok(Ratio {
                    numerator: r.get(0)?,
                    denominator: r.get(1)?,
                })
            })?)
    }

    /// Existing customers (they have bought) whose usual purchase or contact
    /// interval is well overdue: more than 1.5 times the usual gap and at
    /// least 30 days. The usual gap is the average between their first and
    /// last purchase (2+ purchases) or contact (3+ touchpoints), at least a
    /// week. Archived and do-not-contact customers are left alone. The most
    /// overdue (relative to their own rhythm) come first.
    pub fn at_risk(&self, clock: &Clock) -> Result<(Vec<AtRiskCustomer>, u32)> {
        let now = clock.timestamp();
        // Integer arithmetic only, so SQLite filters the covering index fast:
        // since > 1.5 × max(span / (n − 1), floor)
        //   ⟺ 2 × since × (n − 1) > 3 × max(span, floor × (n − 1)).
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, stage, purchase_count, first_purchase_at, last_purchase_at,
                    touch_count, first_touch_at, last_touch_at
               FROM customers
              WHERE archived = 0 AND do_not_contact = 0 AND purchase_count >= 1
                AND ((purchase_count >= 2 AND ?1 - last_purchase_at >= ?2
                      AND 2 * (?1 - last_purchase_at) * (purchase_count - 1)
                          > 3 * max(last_purchase_at - first_purchase_at, ?3 * (purchase_count - 1)))
                  OR (touch_count >= 3 AND ?1 - last_touch_at >= ?2
                      AND 2 * (?1 - last_touch_at) * (touch_count - 1)
                          > 3 * max(last_touch_at - first_touch_at, ?3 * (touch_count - 1))))",
        )?;
        let rhythm = |count: i64,
                      first: Option<i64>,
                      last: Option<i64>,
                      needed: i64|
         -> Option<(f64, i64, i64)> {
            let (first, last) = (first?, last?);
            if count < needed {
                return None;
            }
            let gap = ((last - first) / (count - 1)).max(MIN_USUAL_DAYS * DAY);
            let since = now - last;
            let overdue =
                since >= OVERDUE_MIN_DAYS * DAY && since as f64 > OVERDUE_FACTOR * gap as f64;
            overdue.then(|| (since as f64 / gap as f64, gap, since))
        };
        let mut late: Vec<(f64, i64, AtRiskCustomer)> = Vec::new();
        let rows = stmt.query_map(
            params![now, OVERDUE_MIN_DAYS * DAY, MIN_USUAL_DAYS * DAY],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, Stage>(1)?,
                    rhythm(r.get(2)?, r.get(3)?, r.get(4)?, 2),
                    rhythm(r.get(5)?, r.get(6)?, r.get(7)?, 3),
                ))
            },
        )?;
        for row in rows {
            let (id, stage, by_purchase, by_contact) = row?;
            let chosen = match (by_purchase, by_contact) {
                (Some(p), Some(c)) if c.0 > p.0 => Some((AtRiskBasis::Contact, c)),
                (Some(p), _) => Some((AtRiskBasis::Purchase, p)),
                (None, Some(c)) => Some((AtRiskBasis::Contact, c)),
                (None, None) => None,
            };
            if let Some((basis, (lateness, gap, since))) = chosen {
                let placeholder = CustomerRef {
                    id,
                    display_name: String::new(),
                    archived: false,
                };
                late.push((
                    lateness,
                    id,
                    AtRiskCustomer {
                        customer: placeholder,
                        stage,
                        basis,
                        usual_interval_days: days(gap),
                        days_since: days(since),
                    },
                ));
            }
        }
        let total = u32::try_from(late.len()).unwrap_or(u32::MAX);
        late.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        late.truncate(AT_RISK_SHOWN as usize);
        let ids: Array = Rc::new(late.iter().map(|l| Value::from(l.1)).collect());
        let mut names: HashMap<i64, CustomerRef> = self
            .conn
            .prepare_cached(
                "SELECT c.id, c.family_name, c.given_name, c.company, c.archived
                   FROM rarray(?1) a CROSS JOIN customers c ON c.id = a.value",
            )?
            .query_map([ids], crate::customer::customer_ref_from_row)?
            .map(|r| r.map(|c| (c.id, c)))
            .collect::<rusqlite::Result<_>>()?;
        let list = late
            .into_iter()
            .filter_map(|(_, id, mut risk)| {
                risk.customer = names.remove(&id)?;
                Some(risk)
            })
            .collect();
        Ok((list, total))
    }
}

/// Quarter hours whose tallies disagree with the touchpoints and purchases
/// they count (all-zero buckets count as absent on both sides).
pub(crate) fn tally_mismatches(conn: &rusqlite::Connection) -> Result<u32> {
    const BUCKET: &str = "(at - ((at % 900) + 900) % 900) / 900";
    let touches = format!(
        "SELECT {BUCKET}, sum(direction = 'give'), sum(direction = 'ask'), sum(direction = 'neutral'),
                coalesce(sum(satisfaction), 0), count(satisfaction)
           FROM (SELECT occurred_at AS at, direction, satisfaction FROM touchpoints) GROUP BY 1"
    );
    let purchases = format!(
        "SELECT * FROM (
             SELECT {BUCKET} AS b, channel, sum(amount_minor) AS amount, sum(amount_minor > 0) AS bought,
                    coalesce(sum(satisfaction), 0) AS total, count(satisfaction) AS responses
               FROM (SELECT purchased_at AS at, channel, amount_minor, satisfaction FROM purchases)
              GROUP BY 1, 2)
          WHERE amount <> 0 OR bought <> 0 OR responses <> 0"
    );
    let kept_touches = "SELECT bucket, give, ask, neutral, satisfaction_total, satisfaction_count
                          FROM touch_tallies WHERE give + ask + neutral + satisfaction_count > 0";
    let kept_purchases =
        "SELECT bucket, channel, amount_minor, purchases, satisfaction_total, satisfaction_count
                            FROM purchase_tallies
                           WHERE amount_minor <> 0 OR purchases <> 0 OR satisfaction_count <> 0";
    let sql = format!(
        "SELECT (SELECT count(*) FROM ({kept_touches} EXCEPT {touches}))
              + (SELECT count(*) FROM ({touches} EXCEPT {kept_touches}))
              + (SELECT count(*) FROM ({kept_purchases} EXCEPT {purchases}))
              + (SELECT count(*) FROM ({purchases} EXCEPT {kept_purchases}))"
    );
    Ok(conn.query_row(&sql, [], |r| r.get(0))?)
}

fn days(seconds: i64) -> u32 {
    u32::try_from((seconds / DAY).max(0)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

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
