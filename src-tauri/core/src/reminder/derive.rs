//! Deriving reminders from the data: for every customer (a whole window's
//! worth, read through each kind's date index) or for a few customers whose
//! data changed (read through their id). Both read the same rows and go
//! through the same rules, so the agenda built either way is the same.

use std::collections::HashMap;
use std::rc::Rc;

use chrono::{Datelike, Days, Months, NaiveDate};
use rusqlite::types::Value;
use rusqlite::vtab::array::Array;
use rusqlite::{Connection, OptionalExtension, params};

use super::{AHEAD_DAYS, FollowUpKind, FollowUpStep, OVERDUE_DAYS, ReminderKind};
use crate::calendar::PartialDate;
use crate::clock::Clock;
use crate::error::Result;
use crate::ladder::Stage;
use crate::settings::{Settings, minutes_of};
use crate::store::Store;

/// A reminder before the user's state and the customer's details are added.
#[derive(Debug, Clone)]
pub(super) struct Candidate {
    pub key: String,
    pub kind: ReminderKind,
    pub customer_id: Option<i64>,
    pub due_on: NaiveDate,
    /// A promise's own time; others fall due at the reminder time.
    pub due_at: Option<i64>,
    pub occasion_on: NaiveDate,
    pub years: Option<i32>,
    pub subject: String,
    pub follow_up: Option<FollowUpKind>,
    /// The purchase a follow-up belongs to (later steps supersede earlier).
    pub purchase_id: Option<i64>,
    /// Cadence of a keep-in-touch reminder, in days.
    pub cadence: Option<u32>,
    pub item: String,
}

impl Candidate {
    fn new(key: String, kind: ReminderKind, customer_id: i64, due_on: NaiveDate) -> Self {
        Candidate {
            key,
            kind,
            customer_id: Some(customer_id),
            due_on,
            due_at: None,
            occasion_on: due_on,
            years: None,
            subject: String::new(),
            follow_up: None,
            purchase_id: None,
            cadence: None,
            item: String::new(),
        }
    }
}

/// A candidate that survived the user's state, with when it falls due.
pub(super) struct Due {
    pub candidate: Candidate,
    /// Back from a snooze.
    pub snoozed: bool,
    pub at: i64,
    /// Still snoozed until this instant (later today): not shown before.
    pub hidden_until: Option<i64>,
}

/// Whose reminders to derive.
#[derive(Clone, Copy)]
pub(super) enum Scope<'a> {
    Everyone,
    /// These customers; [`NO_CUSTOMER`] stands for reminders naming nobody.
    /// Their queries prefix other columns with `+`, which keeps SQLite from
    /// scanning a (partial) index on those instead of looking the few up by id.
    Customers(&'a [i64]),
}

/// The stand-in id for reminders of the user's own that name no customer.
pub(super) const NO_CUSTOMER: i64 = 0;

impl Scope<'_> {
    fn ids(self) -> Option<Array> {
        match self {
            Scope::Everyone => None,
            Scope::Customers(ids) => Some(Rc::new(ids.iter().copied().map(Value::from).collect())),
        }
    }
}

/// A customer's wish that rules reminders out.
struct Wish {
    archived: bool,
    do_not_contact: bool,
    quiet_until: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
struct State {
    status: String,
    snoozed_until: Option<i64>,
    acted_at: i64,
}

pub(super) fn start_of(day: NaiveDate, clock: &Clock) -> i64 {
    clock.instant_on(day, 0)
}

pub(super) fn add_days(day: NaiveDate, days: i64) -> NaiveDate {
    if days >= 0 {
        day.checked_add_days(Days::new(days.unsigned_abs()))
    } else {
        day.checked_sub_days(Days::new(days.unsigned_abs()))
    }
    .unwrap_or(day)
}

/// `(month, first day, last day)` ranges covering `[from, to]`, so a
/// month-and-day index answers a window that may cross a year end. In a
/// common year a range reaching 28 February also takes the 29th, which falls
/// on the 28th then.
fn month_day_ranges(from: NaiveDate, to: NaiveDate) -> Vec<(u32, u32, u32)> {
    let mut ranges: Vec<(u32, u32, u32)> = Vec::new();
    let mut day = from;
    while day <= to {
        match ranges.last_mut() {
            Some(last) if last.0 == day.month() && last.2 + 1 == day.day() => last.2 = day.day(),
            _ => ranges.push((day.month(), day.day(), day.day())),
        }
        if day.month() == 2
            && day.day() == 28
            && !day.leap_year()
            && let Some(last) = ranges.last_mut()
        {
            last.2 = 29;
        }
        let Some(next) = day.succ_opt() else { break };
        day = next;
        if ranges.len() > 400 {
            break;
        }
    }
    ranges
}

/// Where a recurring date falls within `[from, to]` (zero, one, or — for a
/// window over a year long — more occurrences).
fn occurrences(date: PartialDate, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    (from.year()..=to.year())
        .filter_map(|year| date.in_year(year))
        .filter(|day| *day >= from && *day <= to)
        .collect()
}

pub(crate) fn plan_exists(conn: &Connection, id: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM follow_up_plans WHERE id = ?1")?
        .query_row([id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// The window the engine derives: what is due up to a week ahead and what
/// is overdue by up to [`OVERDUE_DAYS`] — further back only when a snooze
/// that ends by tonight began then, so the snoozed reminder comes back.
pub(super) struct Window {
    pub today: NaiveDate,
    pub from: NaiveDate,
    pub to: NaiveDate,
    lead: u32,
    pub reminder_minutes: u32,
}

impl Window {
    /// From today to `days` ahead, for a calendar of what is planned.
    pub(super) fn ahead(settings: &Settings, clock: &Clock, days: i64) -> Self {
        let today = clock.today();
        Window {
            today,
            from: today,
            to: add_days(today, days),
            lead: 0,
            reminder_minutes: minutes_of(&settings.reminder_time).unwrap_or(9 * 60),
        }
    }

    fn new(settings: &Settings, clock: &Clock, earliest_snooze: Option<NaiveDate>) -> Self {
        let today = clock.today();
        let from = add_days(today, -OVERDUE_DAYS);
        Window {
            today,
            // A reminder could be snoozed while overdue by up to
            // OVERDUE_DAYS, so its occasion may lie that far before the snooze.
            from: earliest_snooze.map_or(from, |day| from.min(add_days(day, -OVERDUE_DAYS))),
            to: add_days(today, AHEAD_DAYS),
            lead: settings.date_lead_days,
            reminder_minutes: minutes_of(&settings.reminder_time).unwrap_or(9 * 60),
        }
    }
}

impl Store {
    /// The window the reminders of `clock`'s day are derived for.
    pub(super) fn window(&self, settings: &Settings, clock: &Clock) -> Result<Window> {
        // When the earliest snooze that ends by tonight (so its reminder
        // shows again today, for up to OVERDUE_DAYS) began.
        let tonight = start_of(add_days(clock.today(), 1), clock);
        let snoozed_since: Option<i64> = self
            .conn
            .prepare_cached(
                "SELECT min(acted_at) FROM reminder_states
                  WHERE status = 'snoozed' AND snoozed_until < ?1 AND snoozed_until > ?2",
            )?
            .query_row(
                params![tonight, clock.timestamp() - (OVERDUE_DAYS + 1) * 86_400],
                |r| r.get(0),
            )?;
        Ok(Window::new(
            settings,
            clock,
            snoozed_since.map(|at| clock.local_day(at)),
        ))
    }

    /// The reminders in the window for `scope`, as light candidates with the
    /// user's state applied and those the customer's wishes rule out
    /// removed; `at` is when each falls due. A snooze that ends later today
    /// keeps its reminder, hidden until then; one that ends on a later day
    /// leaves it out (that day's agenda brings it back).
    pub(super) fn derive(
        &self,
        settings: &Settings,
        clock: &Clock,
        w: &Window,
        scope: Scope<'_>,
    ) -> Result<Vec<Due>> {
        let ids = scope.ids();
        let mut candidates = Vec::new();
        self.date_candidates(w, ids.as_ref(), &mut candidates)?;
        self.anniversary_candidates(w, clock, ids.as_ref(), &mut candidates)?;
        self.follow_up_candidates(w, clock, ids.as_ref(), &mut candidates)?;
        self.keep_in_touch_candidates(w, settings, clock, ids.as_ref(), &mut candidates)?;
        self.referral_candidates(w, clock, ids.as_ref(), &mut candidates)?;
        self.custom_candidates(w, clock, scope, &mut candidates)?;

        // Before the user's state: a done satisfaction check must not bring
        // back the thank-you it superseded.
        supersede_follow_ups(&mut candidates, w.today);
        let states = self.states(&candidates)?;
        let blocked = self.blocked_customers(ids.as_ref())?;
        let now = clock.timestamp();
        let tonight = start_of(add_days(w.today, 1), clock);
        let oldest = add_days(w.today, -OVERDUE_DAYS);
        let mut kept = Vec::with_capacity(candidates.len());
        for mut c in candidates {
            let mut snoozed = false;
            let mut hidden_until = None;
            if let Some(state) = states.get(&c.key) {
                match (state.status.as_str(), c.cadence) {
                    // Keep in touch done or skipped: due again one cadence on.
                    ("done" | "skipped", Some(cadence)) => {
                        c.due_on = add_days(clock.local_day(state.acted_at), i64::from(cadence));
                        c.due_at = None;
                        if c.due_on > w.to {
                            continue;
                        }
                    }
                    ("done" | "skipped", None) => continue,
                    ("snoozed", _) => match state.snoozed_until {
                        Some(until) if until >= tonight => continue,
                        Some(until) => {
                            snoozed = true;
                            hidden_until = (until > now).then_some(until);
                            c.due_on = clock.local_day(until);
                            c.due_at = Some(until);
                        }
                        None => {}
                    },
                    _ => {}
                }
            }
            if c.due_on < oldest
                && !matches!(c.kind, ReminderKind::Custom | ReminderKind::KeepInTouch)
            {
                continue;
            }
            if let Some(wish) = c.customer_id.and_then(|id| blocked.get(&id)) {
                // Someone who asked not to be contacted gets no touch; the
                // user's own promises stay unless the customer is archived.
                let touch = c.kind != ReminderKind::Custom;
                let quiet = wish.quiet_until.is_some_and(|q| c.due_on < q);
                if wish.archived || (touch && (wish.do_not_contact || quiet)) {
                    continue;
                }
            }
            let at = c
                .due_at
                .unwrap_or_else(|| clock.instant_on(c.due_on, w.reminder_minutes));
            kept.push(Due {
                candidate: c,
                snoozed,
                at,
                hidden_until,
            });
        }
        Ok(kept)
    }

    /// Customers with a wish that rules reminders out: archived, do not
    /// contact, or a quiet period. Few, and read through a partial index.
    fn blocked_customers(&self, ids: Option<&Array>) -> Result<HashMap<i64, Wish>> {
        const SQL: &str = "SELECT id, archived, do_not_contact, quiet_until FROM customers
                            WHERE archived = 1 OR do_not_contact = 1 OR quiet_until IS NOT NULL";
        let from_row = |r: &rusqlite::Row<'_>| {
            Ok((
                r.get::<_, i64>(0)?,
                Wish {
                    archived: r.get(1)?,
                    do_not_contact: r.get(2)?,
                    quiet_until: r
                        .get::<_, Option<String>>(3)?
                        .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
                },
            ))
        };
        Ok(match ids {
            None => self
                .conn
                .prepare_cached(SQL)?
                .query_map([], from_row)?
                .collect::<rusqlite::Result<_>>()?,
            Some(ids) => self
                .conn
                .prepare_cached(
                    "SELECT id, archived, do_not_contact, quiet_until FROM customers
                      WHERE id IN rarray(?1)
                        AND (+archived = 1 OR +do_not_contact = 1 OR +quiet_until IS NOT NULL)",
                )?
                .query_map([ids], from_row)?
                .collect::<rusqlite::Result<_>>()?,
        })
    }

    /// Birthdays, family members' birthdays and other important dates: a
    /// lead-time reminder before the day (until the day comes) and one on it.
    fn date_candidates(
        &self,
        w: &Window,
        ids: Option<&Array>,
        out: &mut Vec<Candidate>,
    ) -> Result<()> {
        let until = add_days(w.to, i64::from(w.lead));
        // (kind, columns and table, the month-and-day condition, the id column)
        let sources: [(ReminderKind, &str, &str, &str); 3] = [
            (
                ReminderKind::Birthday,
                "SELECT id, '', birthday_year, birthday_month, birthday_day FROM customers",
                "birthday_month = ?1 AND birthday_day BETWEEN ?2 AND ?3",
                "id IN rarray(?1) AND +birthday_month IS NOT NULL",
            ),
            (
                ReminderKind::FamilyBirthday,
                "SELECT customer_id, trim(relation || ' ' || name), birthday_year,
                        birthday_month, birthday_day FROM family_members",
                "birthday_month = ?1 AND birthday_day BETWEEN ?2 AND ?3",
                "customer_id IN rarray(?1) AND +birthday_month IS NOT NULL",
            ),
            (
                ReminderKind::ImportantDate,
                "SELECT customer_id, label, year, month, day FROM important_dates",
                "month = ?1 AND day BETWEEN ?2 AND ?3",
                "customer_id IN rarray(?1)",
            ),
        ];
        let from_row = |r: &rusqlite::Row<'_>| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                PartialDate::new(r.get(2)?, r.get(3)?, r.get(4)?),
            ))
        };
        let mut rows = Vec::new();
        for (kind, select, by_day, by_customer) in sources {
            rows.clear();
            match ids {
                None => {
                    let mut stmt = self
                        .conn
                        .prepare_cached(&format!("{select} WHERE {by_day}"))?;
                    for (month, first, last) in month_day_ranges(w.from, until) {
                        for row in stmt.query_map(params![month, first, last], from_row)? {
                            rows.push(row?);
                        }
                    }
                }
                Some(ids) => {
                    let mut stmt = self
                        .conn
                        .prepare_cached(&format!("{select} WHERE {by_customer}"))?;
                    for row in stmt.query_map([ids], from_row)? {
                        rows.push(row?);
                    }
                }
            }
            for (customer_id, subject, date) in rows.drain(..) {
                push_dates(kind, customer_id, subject, date, w, until, out);
            }
        }
        Ok(())
    }

    /// The yearly anniversary of each customer's first purchase: for each
    /// year back, the first purchases whose date falls in the window then.
    fn anniversary_candidates(
        &self,
        w: &Window,
        clock: &Clock,
        ids: Option<&Array>,
        out: &mut Vec<Candidate>,
    ) -> Result<()> {
        let mut push = |customer_id: i64, at: i64, years: Option<u32>| {
            let first = clock.local_day(at);
            let date = PartialDate::new(Some(first.year()), first.month(), first.day());
            for occasion in occurrences(date, w.from, w.to) {
                let Some(on) = date.years_on(occasion) else {
                    continue;
                };
                // The range query for each year back reads a day of slack
                // each side, so it takes only its own year's.
                if on >= 1 && years.is_none_or(|years| on == years as i32) {
                    let mut c = Candidate::new(
                        format!("anniversary:{customer_id}:{occasion}"),
                        ReminderKind::PurchaseAnniversary,
                        customer_id,
                        occasion,
                    );
                    c.years = Some(on);
                    out.push(c);
                }
            }
        };
        if let Some(ids) = ids {
            let mut stmt = self.conn.prepare_cached(
                "SELECT id, first_purchase_at FROM customers
                  WHERE id IN rarray(?1) AND +first_purchase_at IS NOT NULL",
            )?;
            for row in stmt.query_map([ids], |r| Ok((r.get(0)?, r.get(1)?)))? {
                let (customer_id, at) = row?;
                push(customer_id, at, None);
            }
            return Ok(());
        }
        let earliest: Option<i64> = self
            .conn
            .prepare_cached("SELECT min(first_purchase_at) FROM customers")?
            .query_row([], |r| r.get(0))?;
        let Some(earliest) = earliest else {
            return Ok(());
        };
        let earliest = clock.local_day(earliest);
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, first_purchase_at FROM customers
              WHERE first_purchase_at >= ?1 AND first_purchase_at < ?2",
        )?;
        for years in 1..=200u32 {
            let back = Months::new(12 * years);
            let (Some(from), Some(to)) = (
                w.from.checked_sub_months(back),
                w.to.checked_sub_months(back),
            ) else {
                break;
            };
            if to < earliest {
                break;
            }
            // A day of slack each side for 29 February; exact in `push`.
            let rows = stmt.query_map(
                params![
                    start_of(add_days(from, -1), clock),
                    start_of(add_days(to, 2), clock)
                ],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            for row in rows {
                let (customer_id, at) = row?;
                push(customer_id, at, Some(years));
            }
        }
        Ok(())
    }

    /// Each step of each purchase's follow-up plan.
    fn follow_up_candidates(
        &self,
        w: &Window,
        clock: &Clock,
        ids: Option<&Array>,
        out: &mut Vec<Candidate>,
    ) -> Result<()> {
        // Only integers here, from a covering index: the item is read when
        // a reminder is built for showing.
        let mut push = |purchase: i64,
                        customer: i64,
                        at: i64,
                        offset: i64,
                        step: &FollowUpStep,
                        step_id: i64| {
            let bought = clock.local_day(at);
            let due = add_days(bought, offset);
            if due < w.from || due > w.to {
                return;
            }
            let mut c = Candidate::new(
                format!("followup:{purchase}:{step_id}"),
                ReminderKind::FollowUp,
                customer,
                due,
            );
            c.occasion_on = bought;
            c.follow_up = Some(step.kind);
            c.subject.clone_from(&step.label);
            c.purchase_id = Some(purchase);
            out.push(c);
        };
        let plans = self.follow_up_plans()?;
        if let Some(ids) = ids {
            let mut stmt = self.conn.prepare_cached(
                "SELECT id, customer_id, purchased_at, follow_up_plan_id, reorder_after_days
                   FROM purchases
                  WHERE customer_id IN rarray(?1) AND +follow_up_plan_id IS NOT NULL
                    AND +amount_minor > 0",
            )?;
            let rows = stmt.query_map([ids], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, Option<i64>>(4)?,
                ))
            })?;
            for row in rows {
                let (purchase, customer, at, plan_id, reorder_after) = row?;
                let Some(plan) = plans.iter().find(|p| p.id == Some(plan_id)) else {
                    continue;
                };
                for step in &plan.steps {
                    let Some(step_id) = step.id else { continue };
                    let offset = match (step.kind, reorder_after) {
                        (FollowUpKind::Reorder, Some(days)) => days,
                        _ => i64::from(step.offset_days),
                    };
                    push(purchase, customer, at, offset, step, step_id);
                }
            }
            return Ok(());
        }
        let mut by_offset = self.conn.prepare_cached(
            "SELECT id, customer_id, purchased_at FROM purchases
              WHERE follow_up_plan_id = ?1 AND amount_minor > 0
                AND purchased_at >= ?2 AND purchased_at < ?3
                AND (?4 = 0 OR reorder_after_days IS NULL)",
        )?;
        let mut by_interval = self.conn.prepare_cached(
            "SELECT id, customer_id, purchased_at, reorder_after_days FROM purchases
              WHERE purchased_at + reorder_after_days * 86400 >= ?2
                AND purchased_at + reorder_after_days * 86400 < ?3
                AND reorder_after_days IS NOT NULL AND amount_minor > 0
                AND follow_up_plan_id = ?1",
        )?;
        for plan in &plans {
            let Some(plan_id) = plan.id else { continue };
            for step in &plan.steps {
                let Some(step_id) = step.id else { continue };
                let offset = i64::from(step.offset_days);
                let reorder = step.kind == FollowUpKind::Reorder;
                // A day of slack each side for zone changes; exact in `push`.
                let rows = by_offset.query_map(
                    params![
                        plan_id,
                        start_of(add_days(w.from, -offset - 1), clock),
                        start_of(add_days(w.to, -offset + 2), clock),
                        reorder
                    ],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )?;
                for row in rows {
                    let (purchase, customer, at) = row?;
                    push(purchase, customer, at, offset, step, step_id);
                }
                if reorder {
                    let rows = by_interval.query_map(
                        params![
                            plan_id,
                            start_of(add_days(w.from, -1), clock),
                            start_of(add_days(w.to, 2), clock)
                        ],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                    )?;
                    for row in rows {
                        let (purchase, customer, at, days): (i64, i64, i64, i64) = row?;
                        push(purchase, customer, at, days, step, step_id);
                    }
                }
            }
        }
        Ok(())
    }

    /// Customers not contacted for their cadence: the stage's, or their own.
    fn keep_in_touch_candidates(
        &self,
        w: &Window,
        settings: &Settings,
        clock: &Clock,
        ids: Option<&Array>,
        out: &mut Vec<Candidate>,
    ) -> Result<()> {
        let horizon = start_of(add_days(w.to, 1), clock);
        let mut push = |customer: i64, contact: i64, cadence: u32| {
            let due = add_days(clock.local_day(contact), i64::from(cadence));
            // The first test is the one the index answers for everyone.
            if contact + i64::from(cadence) * 86_400 >= horizon || due > w.to {
                return;
            }
            let mut c = Candidate::new(
                format!("touch:{customer}:{contact}"),
                ReminderKind::KeepInTouch,
                customer,
                due,
            );
            c.occasion_on = clock.local_day(contact);
            c.cadence = Some(cadence);
            out.push(c);
        };
        if let Some(ids) = ids {
            let mut stmt = self.conn.prepare_cached(
                "SELECT id, last_contact_at, cadence_days, stage FROM customers
                  WHERE id IN rarray(?1) AND +archived = 0 AND +do_not_contact = 0",
            )?;
            let rows = stmt.query_map([ids], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Option<u32>>(2)?,
                    r.get::<_, Stage>(3)?,
                ))
            })?;
            for row in rows {
                let (customer, contact, own, stage) = row?;
                let cadence = own.unwrap_or(settings.cadence_days[stage as usize]);
                if cadence > 0 {
                    push(customer, contact, cadence);
                }
            }
            return Ok(());
        }
        let mut by_stage = self.conn.prepare_cached(
            "SELECT id, last_contact_at FROM customers
              WHERE archived = 0 AND do_not_contact = 0 AND cadence_days IS NULL
                AND stage = ?1 AND last_contact_at < ?2",
        )?;
        for (stage, cadence) in Stage::ALL.iter().zip(settings.cadence_days) {
            if cadence == 0 {
                continue;
            }
            let rows = by_stage
                .query_map(params![stage, horizon - i64::from(cadence) * 86_400], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
            for row in rows {
                let (customer, contact) = row?;
                push(customer, contact, cadence);
            }
        }
        let mut own = self.conn.prepare_cached(
            // Named, because the planner does not match the expression index
            // on its own and would compute every customer's last contact.
            "SELECT id, last_contact_at, cadence_days FROM customers INDEXED BY customers_own_cadence
              WHERE archived = 0 AND do_not_contact = 0 AND cadence_days IS NOT NULL
                AND last_contact_at + cadence_days * 86400 < ?1",
        )?;
        for row in own.query_map([horizon], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))? {
            let (customer, contact, cadence) = row?;
            push(customer, contact, cadence);
        }
        Ok(())
    }

    /// A thank-you to whoever introduced someone: when introduced, and when
    /// the one introduced first buys — unless already thanked since.
    fn referral_candidates(
        &self,
        w: &Window,
        clock: &Clock,
        ids: Option<&Array>,
        out: &mut Vec<Candidate>,
    ) -> Result<()> {
        const INTRODUCED: &str = "SELECT r.id, r.referrer_id, r.introduced_at,
                                         c.family_name, c.given_name, c.company
                                    FROM referrals r JOIN customers c ON c.id = r.referred_id
                                   WHERE r.introduced_at >= ?1 AND r.introduced_at < ?2
                                     AND r.thanked_at IS NULL";
        const BOUGHT: &str = "SELECT r.id, r.referrer_id, c.first_purchase_at,
                                     c.family_name, c.given_name, c.company
                                FROM customers c JOIN referrals r ON r.referred_id = c.id
                               WHERE c.first_purchase_at >= ?1 AND c.first_purchase_at < ?2
                                 AND (r.thanked_at IS NULL OR r.thanked_at < c.first_purchase_at)";
        const BOUGHT_OF_REFERRERS: &str = "SELECT r.id, r.referrer_id, c.first_purchase_at,
                    c.family_name, c.given_name, c.company
               FROM referrals r JOIN customers c ON c.id = r.referred_id
              WHERE r.referrer_id IN rarray(?3)
                AND +c.first_purchase_at >= ?1 AND +c.first_purchase_at < ?2
                AND (r.thanked_at IS NULL OR r.thanked_at < c.first_purchase_at)";
        let (from, to) = (start_of(w.from, clock), start_of(add_days(w.to, 1), clock));
        let introduced_of_referrers = format!("{INTRODUCED} AND r.referrer_id IN rarray(?3)");
        for (kind, sql, of_referrers, prefix) in [
            (
                ReminderKind::ReferralIntroduced,
                INTRODUCED,
                introduced_of_referrers.as_str(),
                "thanks-introduced",
            ),
            (
                ReminderKind::ReferralBought,
                BOUGHT,
                BOUGHT_OF_REFERRERS,
                "thanks-bought",
            ),
        ] {
            let from_row = |r: &rusqlite::Row<'_>| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                    crate::kana::display_name(
                        &r.get::<_, String>(3)?,
                        &r.get::<_, String>(4)?,
                        &r.get::<_, String>(5)?,
                    ),
                ))
            };
            let rows: Vec<(i64, i64, i64, String)> = match ids {
                None => self
                    .conn
                    .prepare_cached(sql)?
                    .query_map(params![from, to], from_row)?
                    .collect::<rusqlite::Result<_>>()?,
                Some(ids) => self
                    .conn
                    .prepare_cached(of_referrers)?
                    .query_map(params![from, to, ids], from_row)?
                    .collect::<rusqlite::Result<_>>()?,
            };
            for (referral, referrer, at, other) in rows {
                let day = clock.local_day(at);
                let mut c = Candidate::new(format!("{prefix}:{referral}"), kind, referrer, day);
                c.subject = other;
                out.push(c);
            }
        }
        Ok(())
    }

    /// Promises and reminders the user set, until kept.
    fn custom_candidates(
        &self,
        w: &Window,
        clock: &Clock,
        scope: Scope<'_>,
        out: &mut Vec<Candidate>,
    ) -> Result<()> {
        const SQL: &str =
            "SELECT id, customer_id, title, due_at FROM custom_reminders WHERE due_at < ?1";
        let end = start_of(add_days(w.to, 1), clock);
        let from_row = |r: &rusqlite::Row<'_>| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
            ))
        };
        let mut rows: Vec<(i64, Option<i64>, String, i64)> = Vec::new();
        match scope {
            Scope::Everyone => {
                for row in self.conn.prepare_cached(SQL)?.query_map([end], from_row)? {
                    rows.push(row?);
                }
            }
            Scope::Customers(ids) => {
                let values: Array = Rc::new(ids.iter().copied().map(Value::from).collect());
                let mut stmt = self.conn.prepare_cached(
                    "SELECT id, customer_id, title, due_at FROM custom_reminders
                          WHERE customer_id IN rarray(?2) AND +due_at < ?1",
                )?;
                for row in stmt.query_map(params![end, values], from_row)? {
                    rows.push(row?);
                }
                if ids.contains(&NO_CUSTOMER) {
                    let mut stmt = self
                        .conn
                        .prepare_cached(&format!("{SQL} AND customer_id IS NULL"))?;
                    for row in stmt.query_map([end], from_row)? {
                        rows.push(row?);
                    }
                }
            }
        }
        for (id, customer_id, title, at) in rows {
            let day = clock.local_day(at);
            out.push(Candidate {
                key: crate::promise::state_key(id),
                kind: ReminderKind::Custom,
                customer_id,
                due_on: day,
                due_at: Some(at),
                occasion_on: day,
                years: None,
                subject: title,
                follow_up: None,
                purchase_id: None,
                cadence: None,
                item: String::new(),
            });
        }
        Ok(())
    }

    /// What the user did to these occurrences. When the stored states are
    /// fewer than the candidates, reading them all is cheaper than looking
    /// each candidate up.
    fn states(&self, candidates: &[Candidate]) -> Result<HashMap<String, State>> {
        let stored: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM reminder_states")?
            .query_row([], |r| r.get(0))?;
        let from_row = |r: &rusqlite::Row<'_>| {
            Ok((
                r.get::<_, String>(0)?,
                State {
                    status: r.get(1)?,
                    snoozed_until: r.get(2)?,
                    acted_at: r.get(3)?,
                },
            ))
        };
        if usize::try_from(stored).unwrap_or(usize::MAX) <= candidates.len() {
            let mut stmt = self.conn.prepare_cached(
                "SELECT occurrence_key, status, snoozed_until, acted_at FROM reminder_states",
            )?;
            let rows = stmt.query_map([], from_row)?;
            return Ok(rows.collect::<rusqlite::Result<_>>()?);
        }
        let keys: Array = Rc::new(
            candidates
                .iter()
                .map(|c| Value::from(c.key.clone()))
                .collect(),
        );
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.occurrence_key, s.status, s.snoozed_until, s.acted_at
               FROM rarray(?1) k JOIN reminder_states s ON s.occurrence_key = k.value",
        )?;
        let rows = stmt.query_map([keys], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// A date's reminders in the window: on the day, and `lead` days before it
/// until the day comes.
fn push_dates(
    kind: ReminderKind,
    customer_id: i64,
    subject: String,
    date: PartialDate,
    w: &Window,
    until: NaiveDate,
    out: &mut Vec<Candidate>,
) {
    let prefix = match kind {
        ReminderKind::Birthday => format!("birthday:{customer_id}"),
        // Family members and dates are rewritten when the customer is saved,
        // so their keys use what they are.
        ReminderKind::FamilyBirthday => format!("family:{customer_id}:{subject}"),
        _ => format!("date:{customer_id}:{subject}"),
    };
    for occasion in occurrences(date, w.from, until) {
        let mut c = Candidate::new(format!("{prefix}:{occasion}"), kind, customer_id, occasion);
        c.years = date.years_on(occasion);
        c.subject.clone_from(&subject);
        if occasion <= w.to {
            out.push(c.clone());
        }
        let lead_on = add_days(occasion, -i64::from(w.lead));
        // The lead reminder gives way to the day itself.
        if w.lead > 0 && occasion > w.today && lead_on <= w.to && lead_on >= w.from {
            c.key.push_str(":lead");
            c.due_on = lead_on;
            out.push(c);
        }
    }
}

/// Of one purchase's follow-ups already due, only the latest counts: once
/// the satisfaction check is due, the thank-you has had its moment.
fn supersede_follow_ups(candidates: &mut Vec<Candidate>, today: NaiveDate) {
    let mut latest: HashMap<i64, NaiveDate> = HashMap::new();
    for c in candidates.iter() {
        if let Some(purchase) = c.purchase_id
            && c.due_on <= today
        {
            let entry = latest.entry(purchase).or_insert(c.due_on);
            *entry = (*entry).max(c.due_on);
        }
    }
    candidates.retain(|c| match c.purchase_id {
        Some(purchase) if c.due_on <= today => latest.get(&purchase) == Some(&c.due_on),
        _ => true,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    #[test]
    fn month_day_ranges_cross_the_year_end_and_take_29_february_in_common_years() {
        assert_eq!(
            month_day_ranges(day(2026, 12, 30), day(2027, 1, 2)),
            [(12, 30, 31), (1, 1, 2)]
        );
        assert_eq!(
            month_day_ranges(day(2027, 2, 27), day(2027, 3, 1)),
            [(2, 27, 29), (3, 1, 1)]
        );
        assert_eq!(
            month_day_ranges(day(2028, 2, 27), day(2028, 3, 1)),
            [(2, 27, 29), (3, 1, 1)]
        );
    }
}
