//! The dashboard, from the measures defined in `domain/measures.rs` and
//! the store's sums (`store/measures.rs`).

pub use crate::domain::measures::*;

use crate::domain::clock::Clock;
use crate::domain::ladder::Stage;
use crate::domain::settings::CustomerizationGoal;
use crate::error::Result;
use crate::store::{Store, customer_months, measures};

/// Bumped when what `customer_months` holds changes meaning.
const WINDOWS_VERSION: u32 = 1;

impl Store {
    pub fn dashboard(&self, query: &DashboardQuery, clock: &Clock) -> Result<Dashboard> {
        check_query(query)?;
        let settings = self.settings()?;
        let conn = self.conn();
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
        let mut instants = bounds.clone();
        instants.extend([year_before.0, year.0]);
        let tallied = aligned(&instants);
        let mut revenue = Vec::with_capacity(months.len());
        let mut satisfaction = Vec::with_capacity(months.len());
        let mut touches = Vec::with_capacity(months.len());
        for window in bounds.windows(2) {
            let sums = measures::sums(conn, (window[0], window[1]), tallied)?;
            revenue.push(sums.revenue);
            satisfaction.push(sums.satisfaction);
            touches.push(sums.touches);
        }
        let this_month = YearMonth::of_date(clock.today());
        let this_month_bounds = (this_month.start(tz), this_month.plus(1).start(tz));
        let this_month_aligned = aligned(&[this_month_bounds.0, this_month_bounds.1]);
        let walk_ins = measures::sums(conn, this_month_bounds, this_month_aligned)?.walk_ins();
        // For the current month, the kept windows; for another, a walk of
        // the purchases.
        let this_month_windows = end == YearMonth::of_date(clock.today());
        let (windows, kept_active) = if this_month_windows {
            self.refresh_customer_months(clock)?;
            customer_months::totals(conn)?
        } else {
            (measures::windows(conn, year_before, year)?, Vec::new())
        };
        let headline = Headline {
            goal: settings.goal,
            current: match settings.goal {
                CustomerizationGoal::Repeat => windows.repeat_current,
                CustomerizationGoal::NewProduct => measures::new_product_adoption(conn, year)?,
                CustomerizationGoal::Referral => {
                    measures::sums(conn, year, tallied)?.referral_rate()
                }
            },
            previous: match settings.goal {
                CustomerizationGoal::Repeat => windows.repeat_before,
                CustomerizationGoal::NewProduct => {
                    measures::new_product_adoption(conn, year_before)?
                }
                CustomerizationGoal::Referral => {
                    measures::sums(conn, year_before, tallied)?.referral_rate()
                }
            },
        };
        let walk_in_new_minor: i64 = revenue.iter().map(|m| m.new_minor).sum();
        let referral_minor: i64 = revenue.iter().map(|m| m.referral_minor).sum();
        let (at_risk, at_risk_total) = self.at_risk(clock)?;
        Ok(Dashboard {
            partial_through_day: this_month_windows.then(|| chrono::Datelike::day(&clock.today())),
            active_existing: if this_month_windows && query.months == 12 {
                kept_active
            } else {
                measures::active_existing(conn, &bounds)?
            },
            retention: windows.retention,
            funnel: measures::funnel(conn, period)?,
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

    /// Existing customers whose usual purchase or contact interval is well
    /// overdue (see `domain::measures::at_risk`), the most overdue relative
    /// to their own rhythm first; and how many there are.
    pub fn at_risk(&self, clock: &Clock) -> Result<(Vec<AtRiskCustomer>, u32)> {
        let now = clock.timestamp();
        let mut late: Vec<(f64, i64, Stage, AtRiskBasis, u32, u32)> =
            measures::rhythm_candidates(self.conn(), now)?
                .into_iter()
                .filter_map(|(id, stage, activity)| {
                    at_risk(&activity, now).map(|(lateness, basis, usual, since)| {
                        (lateness, id, stage, basis, usual, since)
                    })
                })
                .collect();
        let total = u32::try_from(late.len()).unwrap_or(u32::MAX);
        late.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        late.truncate(AT_RISK_SHOWN);
        let ids: Vec<i64> = late.iter().map(|l| l.1).collect();
        let mut names = measures::refs(self.conn(), &ids)?;
        let list = late
            .into_iter()
            .filter_map(|(_, id, stage, basis, usual_interval_days, days_since)| {
                Some(AtRiskCustomer {
                    customer: names.remove(&id)?,
                    stage,
                    basis,
                    usual_interval_days,
                    days_since,
                })
            })
            .collect();
        Ok((list, total))
    }

    /// Brings the dashboard's per-customer windows up to date for the
    /// current month: rebuilt when the month or the zone changes, otherwise
    /// worked out again only for the customers whose purchases changed.
    fn refresh_customer_months(&self, clock: &Clock) -> Result<()> {
        let month = YearMonth::of_date(clock.today());
        let wanted = format!(
            "{:04}-{:02}|{}|{WINDOWS_VERSION}",
            month.year,
            month.month,
            clock.tz.name()
        );
        let fresh = |conn: &rusqlite::Connection| -> Result<(bool, Vec<i64>)> {
            Ok((
                customer_months::built_for(conn)?.as_deref() == Some(wanted.as_str()),
                customer_months::dirty(conn)?,
            ))
        };
        if let (true, dirty) = fresh(self.conn())?
            && dirty.is_empty()
        {
            return Ok(());
        }
        let tx = self.begin()?;
        let windows = MonthWindows::ending(month, clock.tz);
        match fresh(&tx)? {
            (false, _) => {
                let started = std::time::Instant::now();
                customer_months::rebuild(&tx, &windows, &wanted)?;
                tracing::info!(
                    ms = started.elapsed().as_millis() as u64,
                    "dashboard windows rebuilt"
                );
            }
            (true, dirty) if !dirty.is_empty() => customer_months::refresh(&tx, &dirty, &windows)?,
            (true, _) => {}
        }
        self.commit(tx)?;
        Ok(())
    }
}
