//! The personal-touch engine. Reminders are not stored: each one is derived
//! from the data (a birthday, a purchase and its follow-up plan, the last
//! contact and the stage's cadence, a referral, a promise) for a window of
//! days around today, with an explicit clock and time zone. Only what the
//! user did to an occurrence (done, snoozed, skipped) and which occurrences
//! were announced are stored, keyed by an occurrence key that names the
//! occasion — so a changed birthday or a deleted purchase simply changes
//! what is derived, and a recurring reminder's next occurrence has a new key.

use std::collections::HashMap;
use std::rc::Rc;

use chrono::{Datelike, Days, Months, NaiveDate};
use rusqlite::types::Value;
use rusqlite::vtab::array::Array;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::calendar::PartialDate;
use crate::clock::Clock;
use crate::error::{Error, FieldError, FieldErrorCode, Result};
use crate::ladder::Stage;
use crate::settings::{Settings, minutes_of};
use crate::sql::text_enum;
use crate::store::Store;
use crate::touchpoint::{Direction, TouchpointInput, TouchpointKind};
use crate::validation::{Checker, LIMIT_NAME};

/// The plan the first migration creates and new purchases follow.
pub const DEFAULT_PLAN_ID: i64 = 1;
/// Reminders overdue by more than this are no longer a timely touch and
/// leave the list; promises stay until kept, keep-in-touch until contact.
pub const OVERDUE_DAYS: i64 = 30;
/// How far ahead the Today view looks.
pub const AHEAD_DAYS: i64 = 7;
/// The longest snooze: a snoozed reminder must come back while its
/// occasion is still within reach of the window.
pub const MAX_SNOOZE_DAYS: i64 = 30;
/// The Today view lists at most this many reminders per section (and counts all).
pub const SECTION_LIMIT: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReminderKind {
    Birthday,
    FamilyBirthday,
    ImportantDate,
    /// The yearly anniversary of the first purchase.
    PurchaseAnniversary,
    /// A step of the purchase's follow-up plan.
    FollowUp,
    KeepInTouch,
    /// Thank whoever introduced a new customer…
    ReferralIntroduced,
    /// …and again when that customer first buys.
    ReferralBought,
    /// A promise or a reminder the user set.
    Custom,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpKind {
    ThankYou,
    CheckIn,
    Satisfaction,
    /// Falls due after the purchase's own re-order interval when it has one.
    Reorder,
    Custom,
}
text_enum!(FollowUpKind {
    ThankYou => "thank_you",
    CheckIn => "check_in",
    Satisfaction => "satisfaction",
    Reorder => "reorder",
    Custom => "custom",
});

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FollowUpStep {
    /// `null` for a step not saved yet.
    pub id: Option<i64>,
    pub kind: FollowUpKind,
    /// Shown instead of the kind's name when not empty.
    pub label: String,
    /// Days after the purchase.
    pub offset_days: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FollowUpPlan {
    /// `null` for a plan not saved yet.
    pub id: Option<i64>,
    /// Empty for the built-in plan, which the interface names in its language.
    pub name: String,
    pub is_default: bool,
    pub steps: Vec<FollowUpStep>,
}

/// Who a reminder is about, with what the Today view shows beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReminderCustomer {
    pub id: i64,
    pub display_name: String,
    pub stage: Stage,
    /// The last touchpoint (Unix seconds), if any.
    pub last_touch_at: Option<i64>,
    pub phone: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Reminder {
    /// Names this occurrence; what the user did to it is stored under it.
    pub key: String,
    pub kind: ReminderKind,
    pub customer: Option<ReminderCustomer>,
    /// The local day it falls due.
    #[ts(type = "string")]
    pub due_on: NaiveDate,
    /// When it falls due (Unix seconds): the reminder time on `due_on`, a
    /// promise's own time, or the end of a snooze.
    pub due_at: i64,
    /// The day of the occasion itself; before it for a lead-time reminder.
    #[ts(type = "string")]
    pub occasion_on: NaiveDate,
    /// Age, or years since, on the occasion.
    pub years: Option<i32>,
    /// What it is about, beyond its kind: the family member, the date's
    /// label, the item bought, the person introduced, the promise's title.
    pub subject: String,
    pub follow_up: Option<FollowUpKind>,
    /// Back from a snooze.
    pub snoozed: bool,
    /// A ready message in the user's language.
    pub draft: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReminderSection {
    /// Every reminder in the section…
    pub total: u32,
    /// …of which the first [`SECTION_LIMIT`] in due order.
    pub items: Vec<Reminder>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TodayView {
    #[ts(type = "string")]
    pub today: NaiveDate,
    /// Most recently due first.
    pub overdue: ReminderSection,
    pub today_items: ReminderSection,
    /// The next seven days, soonest first.
    pub upcoming: ReminderSection,
}

/// The language drafts and notifications are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DraftLanguage {
    Ja,
    En,
}

/// What the user did with a reminder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ReminderAction {
    /// Done; with `log`, a touchpoint (a give) records how it was done.
    Done {
        log: Option<ReminderTouch>,
    },
    /// Back at `until` (Unix seconds).
    Snooze {
        until: i64,
    },
    Skip,
    /// Undo any of the above.
    Reopen,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReminderTouch {
    pub kind: TouchpointKind,
    pub summary: String,
}

/// What the scheduler learns on one wake-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchedulerTick {
    /// To show now.
    pub notices: Vec<Notice>,
    /// When to wake next (Unix seconds).
    pub next_due_at: i64,
    /// Reminders overdue or due today, for the tray.
    pub due_count: u32,
}

/// One notification to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Notice {
    pub title: String,
    pub body: String,
    /// The customer a click opens, for a single reminder.
    pub customer_id: Option<i64>,
    /// The occurrences it announces.
    pub keys: Vec<String>,
}

/// A reminder before the user's state and the customer's details are added.
#[derive(Debug, Clone)]
struct Candidate {
    key: String,
    kind: ReminderKind,
    customer_id: Option<i64>,
    due_on: NaiveDate,
    /// A promise's own time; others fall due at the reminder time.
    due_at: Option<i64>,
    occasion_on: NaiveDate,
    years: Option<i32>,
    subject: String,
    follow_up: Option<FollowUpKind>,
    /// The purchase a follow-up belongs to (later steps supersede earlier).
    purchase_id: Option<i64>,
    /// Cadence of a keep-in-touch reminder, in days.
    cadence: Option<u32>,
    item: String,
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
struct Due {
    candidate: Candidate,
    /// Back from a snooze.
    snoozed: bool,
    at: i64,
}

/// A customer's wish that rules reminders out.
struct Wish {
    archived: bool,
    do_not_contact: bool,
    quiet_until: Option<NaiveDate>,
}

/// How many names a digest notification lists.
const DIGEST_NAMES: usize = 5;

#[derive(Debug, Clone)]
struct State {
    status: String,
    snoozed_until: Option<i64>,
    acted_at: i64,
}

/// Everything about the customer the drafts and filters need.
struct CustomerInfo {
    view: ReminderCustomer,
    given_name: String,
    honorific: String,
    likes: String,
}

fn start_of(day: NaiveDate, clock: &Clock) -> i64 {
    clock.instant_on(day, 0)
}

fn add_days(day: NaiveDate, days: i64) -> NaiveDate {
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
/// that has ended began then, so the snoozed reminder comes back.
struct Window {
    today: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
    lead: u32,
    reminder_minutes: u32,
}

impl Window {
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
    /// Every reminder in the window as a light candidate, with the user's
    /// state applied and those the customer's wishes rule out removed;
    /// `at` is when each falls due.
    fn due_candidates(&self, settings: &Settings, clock: &Clock) -> Result<Vec<Due>> {
        // When the earliest snooze that has ended (so its reminder shows
        // again, for up to OVERDUE_DAYS) began.
        let now = clock.timestamp();
        let snoozed_since: Option<i64> = self
            .conn
            .prepare_cached(
                "SELECT min(acted_at) FROM reminder_states
                  WHERE status = 'snoozed' AND snoozed_until <= ?1 AND snoozed_until > ?2",
            )?
            .query_row(params![now, now - (OVERDUE_DAYS + 1) * 86_400], |r| {
                r.get(0)
            })?;
        let window = Window::new(settings, clock, snoozed_since.map(|at| clock.local_day(at)));
        let mut candidates = Vec::new();
        self.date_candidates(&window, &mut candidates)?;
        self.anniversary_candidates(&window, clock, &mut candidates)?;
        self.follow_up_candidates(&window, clock, &mut candidates)?;
        self.keep_in_touch_candidates(&window, settings, clock, &mut candidates)?;
        self.referral_candidates(&window, clock, &mut candidates)?;
        self.custom_candidates(&window, clock, &mut candidates)?;

        // Before the user's state: a done satisfaction check must not bring
        // back the thank-you it superseded.
        supersede_follow_ups(&mut candidates, window.today);
        let states = self.states(&candidates)?;
        let blocked = self.blocked_customers()?;
        let oldest = add_days(window.today, -OVERDUE_DAYS);
        let mut kept = Vec::with_capacity(candidates.len());
        for mut c in candidates {
            let mut snoozed = false;
            if let Some(state) = states.get(&c.key) {
                match (state.status.as_str(), c.cadence) {
                    // Keep in touch done or skipped: due again one cadence on.
                    ("done" | "skipped", Some(cadence)) => {
                        c.due_on = add_days(clock.local_day(state.acted_at), i64::from(cadence));
                        c.due_at = None;
                        if c.due_on > window.to {
                            continue;
                        }
                    }
                    ("done" | "skipped", None) => continue,
                    ("snoozed", _) => match state.snoozed_until {
                        Some(until) if until > now => continue,
                        Some(until) => {
                            snoozed = true;
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
                .unwrap_or_else(|| clock.instant_on(c.due_on, window.reminder_minutes));
            kept.push(Due {
                candidate: c,
                snoozed,
                at,
            });
        }
        Ok(kept)
    }

    /// Customers with a wish that rules reminders out: archived, do not
    /// contact, or a quiet period. Few, and read through a partial index.
    fn blocked_customers(&self) -> Result<HashMap<i64, Wish>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, archived, do_not_contact, quiet_until FROM customers
              WHERE archived = 1 OR do_not_contact = 1 OR quiet_until IS NOT NULL",
        )?;
        let rows = stmt.query_map([], |r| {
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
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Full reminders, with their customer and draft, for the given few.
    fn build(
        &self,
        due: Vec<Due>,
        settings: &Settings,
        language: DraftLanguage,
    ) -> Result<Vec<Reminder>> {
        let ids: Vec<i64> = due.iter().filter_map(|d| d.candidate.customer_id).collect();
        let customers = self.customer_info(&ids)?;
        let mut item_of = self
            .conn
            .prepare_cached("SELECT item FROM purchases WHERE id = ?1")?;
        let mut reminders = Vec::with_capacity(due.len());
        for Due {
            candidate: mut c,
            snoozed,
            at,
        } in due
        {
            if let Some(purchase) = c.purchase_id {
                c.item = item_of
                    .query_row([purchase], |r| r.get(0))
                    .optional()?
                    .unwrap_or_default();
                if c.subject.is_empty() {
                    c.subject.clone_from(&c.item);
                }
            }
            let info = c.customer_id.and_then(|id| customers.get(&id));
            if c.customer_id.is_some() && info.is_none() {
                continue;
            }
            let draft = draft(&c, info, settings, language);
            reminders.push(Reminder {
                key: c.key,
                kind: c.kind,
                customer: info.map(|i| i.view.clone()),
                due_on: c.due_on,
                due_at: at,
                occasion_on: c.occasion_on,
                years: c.years,
                subject: c.subject,
                follow_up: c.follow_up,
                snoozed,
                draft,
            });
        }
        Ok(reminders)
    }

    /// Every reminder in the window, built in full (the demo settles them).
    pub(crate) fn reminders(
        &self,
        settings: &Settings,
        language: DraftLanguage,
        clock: &Clock,
    ) -> Result<Vec<Reminder>> {
        let due = self.due_candidates(settings, clock)?;
        self.build(due, settings, language)
    }

    /// Birthdays, family members' birthdays and other important dates: a
    /// lead-time reminder before the day (until the day comes) and one on it.
    fn date_candidates(&self, w: &Window, out: &mut Vec<Candidate>) -> Result<()> {
        let until = add_days(w.to, i64::from(w.lead));
        let queries: [(ReminderKind, &str); 3] = [
            (
                ReminderKind::Birthday,
                "SELECT id, id, '', birthday_year, birthday_month, birthday_day FROM customers
                  WHERE birthday_month = ?1 AND birthday_day BETWEEN ?2 AND ?3",
            ),
            (
                ReminderKind::FamilyBirthday,
                "SELECT customer_id, id, trim(relation || ' ' || name), birthday_year,
                        birthday_month, birthday_day FROM family_members
                  WHERE birthday_month = ?1 AND birthday_day BETWEEN ?2 AND ?3",
            ),
            (
                ReminderKind::ImportantDate,
                "SELECT customer_id, id, label, year, month, day FROM important_dates
                  WHERE month = ?1 AND day BETWEEN ?2 AND ?3",
            ),
        ];
        for (kind, sql) in queries {
            let mut stmt = self.conn.prepare_cached(sql)?;
            for (month, first, last) in month_day_ranges(w.from, until) {
                let rows = stmt.query_map(params![month, first, last], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(2)?,
                        PartialDate::new(r.get(3)?, r.get(4)?, r.get(5)?),
                    ))
                })?;
                for row in rows {
                    let (customer_id, _, subject, date) = row?;
                    let prefix = match kind {
                        ReminderKind::Birthday => format!("birthday:{customer_id}"),
                        // Family members and dates are rewritten when the
                        // customer is saved, so their keys use what they are.
                        ReminderKind::FamilyBirthday => format!("family:{customer_id}:{subject}"),
                        _ => format!("date:{customer_id}:{subject}"),
                    };
                    for occasion in occurrences(date, w.from, until) {
                        let mut c = Candidate::new(
                            format!("{prefix}:{occasion}"),
                            kind,
                            customer_id,
                            occasion,
                        );
                        c.years = date.years_on(occasion);
                        c.subject.clone_from(&subject);
                        if occasion <= w.to {
                            out.push(c.clone());
                        }
                        let lead_on = add_days(occasion, -i64::from(w.lead));
                        // The lead reminder gives way to the day itself.
                        if w.lead > 0 && occasion > w.today && lead_on <= w.to && lead_on >= w.from
                        {
                            c.key.push_str(":lead");
                            c.due_on = lead_on;
                            out.push(c);
                        }
                    }
                }
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
        out: &mut Vec<Candidate>,
    ) -> Result<()> {
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
            // A day of slack each side for 29 February; exact below.
            let rows = stmt.query_map(
                params![
                    start_of(add_days(from, -1), clock),
                    start_of(add_days(to, 2), clock)
                ],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
            )?;
            for row in rows {
                let (customer_id, at) = row?;
                let first = clock.local_day(at);
                let date = PartialDate::new(Some(first.year()), first.month(), first.day());
                for occasion in occurrences(date, w.from, w.to) {
                    if date.years_on(occasion) == Some(years as i32) {
                        let mut c = Candidate::new(
                            format!("anniversary:{customer_id}:{occasion}"),
                            ReminderKind::PurchaseAnniversary,
                            customer_id,
                            occasion,
                        );
                        c.years = Some(years as i32);
                        out.push(c);
                    }
                }
            }
        }
        Ok(())
    }

    /// Each step of each purchase's follow-up plan.
    fn follow_up_candidates(
        &self,
        w: &Window,
        clock: &Clock,
        out: &mut Vec<Candidate>,
    ) -> Result<()> {
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
        for plan in self.follow_up_plans()? {
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
        out: &mut Vec<Candidate>,
    ) -> Result<()> {
        let horizon = start_of(add_days(w.to, 1), clock);
        let mut push = |customer: i64, contact: i64, cadence: u32| {
            let due = add_days(clock.local_day(contact), i64::from(cadence));
            if due > w.to {
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
        out: &mut Vec<Candidate>,
    ) -> Result<()> {
        let (from, to) = (start_of(w.from, clock), start_of(add_days(w.to, 1), clock));
        let mut introduced = self.conn.prepare_cached(
            "SELECT r.id, r.referrer_id, r.introduced_at, c.family_name, c.given_name, c.company
               FROM referrals r JOIN customers c ON c.id = r.referred_id
              WHERE r.introduced_at >= ?1 AND r.introduced_at < ?2 AND r.thanked_at IS NULL",
        )?;
        let mut bought = self.conn.prepare_cached(
            "SELECT r.id, r.referrer_id, c.first_purchase_at, c.family_name, c.given_name, c.company
               FROM customers c JOIN referrals r ON r.referred_id = c.id
              WHERE c.first_purchase_at >= ?1 AND c.first_purchase_at < ?2
                AND (r.thanked_at IS NULL OR r.thanked_at < c.first_purchase_at)",
        )?;
        for (kind, stmt, prefix) in [
            (
                ReminderKind::ReferralIntroduced,
                &mut introduced,
                "thanks-introduced",
            ),
            (ReminderKind::ReferralBought, &mut bought, "thanks-bought"),
        ] {
            let rows = stmt.query_map(params![from, to], |r| {
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
            })?;
            for row in rows {
                let (referral, referrer, at, other) = row?;
                let day = clock.local_day(at);
                let mut c = Candidate::new(format!("{prefix}:{referral}"), kind, referrer, day);
                c.subject = other;
                out.push(c);
            }
        }
        Ok(())
    }

    /// Promises and reminders the user set, until kept.
    fn custom_candidates(&self, w: &Window, clock: &Clock, out: &mut Vec<Candidate>) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, customer_id, title, due_at FROM custom_reminders WHERE due_at < ?1",
        )?;
        let rows = stmt.query_map([start_of(add_days(w.to, 1), clock)], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?;
        for row in rows {
            let (id, customer_id, title, at) = row?;
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

    fn customer_info(&self, ids: &[i64]) -> Result<HashMap<i64, CustomerInfo>> {
        let values: Array = Rc::new(ids.iter().copied().map(Value::from).collect());
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.id, c.family_name, c.given_name, c.company, c.stage, c.last_touch_at,
                    (SELECT number FROM customer_phones p WHERE p.customer_id = c.id ORDER BY position LIMIT 1),
                    (SELECT address FROM customer_emails e WHERE e.customer_id = c.id ORDER BY position LIMIT 1),
                    c.honorific, c.likes
               FROM customers c WHERE c.id IN (SELECT DISTINCT value FROM rarray(?1))",
        )?;
        let rows = stmt.query_map([values], |r| {
            let family: String = r.get(1)?;
            let given: String = r.get(2)?;
            let company: String = r.get(3)?;
            Ok(CustomerInfo {
                view: ReminderCustomer {
                    id: r.get(0)?,
                    display_name: crate::kana::display_name(&family, &given, &company),
                    stage: r.get(4)?,
                    last_touch_at: r.get(5)?,
                    phone: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
                    email: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
                },
                given_name: if given.is_empty() { family } else { given },
                honorific: r.get(8)?,
                likes: r.get(9)?,
            })
        })?;
        let mut out = HashMap::with_capacity(ids.len());
        for row in rows {
            let info = row?;
            out.insert(info.view.id, info);
        }
        Ok(out)
    }

    /// The Today view: overdue, today and the next seven days. Every
    /// reminder is counted; only the first of each section are built.
    pub fn today_view(&self, language: DraftLanguage, clock: &Clock) -> Result<TodayView> {
        let settings = self.settings()?;
        let today = clock.today();
        let mut overdue = Vec::new();
        let mut today_items = Vec::new();
        let mut upcoming = Vec::new();
        for d in self.due_candidates(&settings, clock)? {
            match d.candidate.due_on.cmp(&today) {
                std::cmp::Ordering::Less => overdue.push(d),
                std::cmp::Ordering::Equal => today_items.push(d),
                std::cmp::Ordering::Greater => upcoming.push(d),
            }
        }
        let section = |mut items: Vec<Due>, newest_first: bool| -> Result<ReminderSection> {
            let total = u32::try_from(items.len()).unwrap_or(u32::MAX);
            let order = |a: &Due, b: &Due| {
                let by_time = if newest_first {
                    b.at.cmp(&a.at)
                } else {
                    a.at.cmp(&b.at)
                };
                by_time.then_with(|| a.candidate.key.cmp(&b.candidate.key))
            };
            if items.len() > SECTION_LIMIT {
                items.select_nth_unstable_by(SECTION_LIMIT, order);
                items.truncate(SECTION_LIMIT);
            }
            items.sort_by(order);
            Ok(ReminderSection {
                total,
                items: self.build(items, &settings, language)?,
            })
        };
        Ok(TodayView {
            today,
            overdue: section(overdue, true)?,
            today_items: section(today_items, false)?,
            upcoming: section(upcoming, false)?,
        })
    }

    /// How many reminders are overdue or due today (the tray's count).
    pub fn due_count(&self, clock: &Clock) -> Result<u32> {
        let settings = self.settings()?;
        let today = clock.today();
        let count = self
            .due_candidates(&settings, clock)?
            .iter()
            .filter(|d| d.candidate.due_on <= today)
            .count();
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    }

    /// Records what the user did with a reminder. `customer_id` is the
    /// reminder's customer, so the state goes when the customer does.
    pub fn act_on_reminder(
        &mut self,
        key: &str,
        customer_id: Option<i64>,
        action: &ReminderAction,
        clock: &Clock,
    ) -> Result<()> {
        if key.is_empty() || key.len() > 400 {
            return Err(Error::Validation(vec![FieldError::new(
                "key",
                FieldErrorCode::OutOfRange,
            )]));
        }
        let now = clock.timestamp();
        let (status, until) = match action {
            ReminderAction::Done { .. } => ("done", None),
            ReminderAction::Skip => ("skipped", None),
            ReminderAction::Snooze { until } => {
                if *until <= now || *until > now + MAX_SNOOZE_DAYS * 86_400 + 86_400 {
                    return Err(Error::Validation(vec![FieldError::with_limit(
                        "until",
                        FieldErrorCode::OutOfRange,
                        MAX_SNOOZE_DAYS,
                    )]));
                }
                ("snoozed", Some(*until))
            }
            ReminderAction::Reopen => {
                self.conn.execute(
                    "DELETE FROM reminder_states WHERE occurrence_key = ?1",
                    [key],
                )?;
                return Ok(());
            }
        };
        if let ReminderAction::Done { log: Some(touch) } = action
            && let Some(customer) = customer_id
        {
            self.log_touchpoint(
                TouchpointInput {
                    customer_id: customer,
                    kind: touch.kind,
                    occurred_at: now,
                    summary: touch.summary.chars().take(LIMIT_NAME * 2).collect(),
                    notes: String::new(),
                    direction: Direction::Give,
                    satisfaction: None,
                    promise: None,
                },
                clock,
            )?;
        }
        let tx = self.conn.transaction()?;
        tx.prepare_cached(
            "INSERT INTO reminder_states (occurrence_key, customer_id, status, snoozed_until, acted_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (occurrence_key) DO UPDATE SET status = excluded.status,
                 snoozed_until = excluded.snoozed_until, acted_at = excluded.acted_at",
        )?
        .execute(params![key, customer_id, status, until, now])?;
        // Thanking someone for an introduction is what the referral records.
        if status == "done"
            && let Some(id) = key
                .strip_prefix("thanks-introduced:")
                .or_else(|| key.strip_prefix("thanks-bought:"))
                .and_then(|id| id.parse::<i64>().ok())
        {
            tx.execute(
                "UPDATE referrals SET thanked_at = ?2 WHERE id = ?1",
                params![id, now],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// What should be announced now: reminders due by now that were not
    /// announced before, as one notification each or, above the threshold,
    /// one digest. The caller shows them and then calls [`Store::mark_announced`].
    pub fn due_notices(&self, language: DraftLanguage, clock: &Clock) -> Result<Vec<Notice>> {
        Ok(self.scheduler_tick(language, clock)?.notices)
    }

    /// What the scheduler needs on each wake-up, from one derivation: the
    /// notices to show now (see [`Store::due_notices`]) and when to wake
    /// next (see [`Store::next_due_at`]).
    pub fn scheduler_tick(&self, language: DraftLanguage, clock: &Clock) -> Result<SchedulerTick> {
        let settings = self.settings()?;
        let due = self.due_candidates(&settings, clock)?;
        let next_due_at = self.next_after(&due, &settings, clock)?;
        let today = clock.today();
        let due_count = due.iter().filter(|d| d.candidate.due_on <= today).count();
        let due_count = u32::try_from(due_count).unwrap_or(u32::MAX);
        let tick = |notices| SchedulerTick {
            notices,
            next_due_at,
            due_count,
        };
        if !settings.notifications {
            return Ok(tick(Vec::new()));
        }
        let now = clock.timestamp();
        let mut announced = self
            .conn
            .prepare_cached("SELECT 1 FROM notification_deliveries WHERE occurrence_key = ?1")?;
        let mut fresh = Vec::new();
        for d in due {
            // A reminder back from a snooze is announced again.
            if d.at <= now
                && !announced.exists([&announce_key(&d.candidate.key, d.snoozed, d.at)])?
            {
                fresh.push(d);
            }
        }
        fresh.sort_by(|a, b| {
            a.at.cmp(&b.at)
                .then_with(|| a.candidate.key.cmp(&b.candidate.key))
        });
        if fresh.len() > settings.digest_threshold as usize {
            let keys: Vec<String> = fresh
                .iter()
                .map(|d| announce_key(&d.candidate.key, d.snoozed, d.at))
                .collect();
            let total = fresh.len();
            fresh.truncate(DIGEST_NAMES);
            let named = self.build(fresh, &settings, language)?;
            return Ok(tick(vec![digest(&named, total, keys, language)]));
        }
        let notices = self
            .build(fresh, &settings, language)?
            .iter()
            .map(|r| notice(r, language))
            .collect();
        Ok(tick(notices))
    }

    /// Records that these occurrences were announced, so they never are twice.
    pub fn mark_announced(&mut self, keys: &[String], clock: &Clock) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT OR IGNORE INTO notification_deliveries (occurrence_key, delivered_at)
                 VALUES (?1, ?2)",
            )?;
            for key in keys {
                stmt.execute(params![key, clock.timestamp()])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The next moment something falls due after now (a reminder in the
    /// coming week, the end of a snooze), or the start of tomorrow's
    /// reminders — so the scheduler can sleep until then.
    pub fn next_due_at(&self, clock: &Clock) -> Result<i64> {
        let settings = self.settings()?;
        let due = self.due_candidates(&settings, clock)?;
        self.next_after(&due, &settings, clock)
    }

    fn next_after(&self, due: &[Due], settings: &Settings, clock: &Clock) -> Result<i64> {
        let now = clock.timestamp();
        let minutes = minutes_of(&settings.reminder_time).unwrap_or(9 * 60);
        let mut next = clock.instant_on(add_days(clock.today(), 1), minutes);
        for d in due {
            if d.at > now {
                next = next.min(d.at);
            }
        }
        let snooze: Option<i64> = self
            .conn
            .prepare_cached(
                "SELECT min(snoozed_until) FROM reminder_states
                  WHERE status = 'snoozed' AND snoozed_until > ?1",
            )?
            .query_row([now], |r| r.get(0))?;
        Ok(snooze.map_or(next, |s| next.min(s)))
    }

    pub fn follow_up_plans(&self) -> Result<Vec<FollowUpPlan>> {
        let mut plans: Vec<FollowUpPlan> = self
            .conn
            .prepare_cached(
                "SELECT id, name, is_default FROM follow_up_plans ORDER BY position, id",
            )?
            .query_map([], |r| {
                Ok(FollowUpPlan {
                    id: Some(r.get(0)?),
                    name: r.get(1)?,
                    is_default: r.get(2)?,
                    steps: Vec::new(),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut steps = self.conn.prepare_cached(
            "SELECT id, kind, label, offset_days FROM follow_up_steps
              WHERE plan_id = ?1 ORDER BY position, id",
        )?;
        for plan in &mut plans {
            plan.steps = steps
                .query_map([plan.id], |r| {
                    Ok(FollowUpStep {
                        id: Some(r.get(0)?),
                        kind: r.get(1)?,
                        label: r.get(2)?,
                        offset_days: r.get(3)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
        }
        Ok(plans)
    }

    /// Creates or replaces a plan. Steps keep their ids (and so the state of
    /// their reminders) when they come back with one.
    pub fn save_follow_up_plan(&mut self, mut plan: FollowUpPlan) -> Result<FollowUpPlan> {
        let mut c = Checker::default();
        c.text("name", &mut plan.name, LIMIT_NAME);
        if plan.steps.is_empty() || plan.steps.len() > 20 {
            c.errors.push(FieldError::with_limit(
                "steps",
                FieldErrorCode::OutOfRange,
                20,
            ));
        }
        for (i, step) in plan.steps.iter_mut().enumerate() {
            c.text(&format!("steps.{i}.label"), &mut step.label, LIMIT_NAME);
            if step.offset_days > 3650 {
                c.errors.push(FieldError::with_limit(
                    format!("steps.{i}.offset_days"),
                    FieldErrorCode::OutOfRange,
                    3650,
                ));
            }
        }
        c.finish()?;
        let tx = self.conn.transaction()?;
        let id = match plan.id {
            Some(id) => {
                let changed = tx.execute(
                    "UPDATE follow_up_plans SET name = ?2 WHERE id = ?1",
                    params![id, plan.name],
                )?;
                if changed == 0 {
                    return Err(Error::not_found("follow_up_plan", id));
                }
                id
            }
            None => {
                tx.execute(
                    "INSERT INTO follow_up_plans (name, position)
                     VALUES (?1, (SELECT coalesce(max(position), 0) + 1 FROM follow_up_plans))",
                    [&plan.name],
                )?;
                tx.last_insert_rowid()
            }
        };
        let kept: Vec<Value> = plan
            .steps
            .iter()
            .filter_map(|s| s.id.map(Value::from))
            .collect();
        tx.execute(
            "DELETE FROM follow_up_steps WHERE plan_id = ?1
               AND id NOT IN (SELECT value FROM rarray(?2))",
            params![id, Rc::new(kept) as Array],
        )?;
        for (position, step) in (0_i64..).zip(plan.steps.iter()) {
            let updated = match step.id {
                Some(step_id) => tx.execute(
                    "UPDATE follow_up_steps SET position = ?3, kind = ?4, label = ?5, offset_days = ?6
                      WHERE id = ?1 AND plan_id = ?2",
                    params![step_id, id, position, step.kind, step.label, step.offset_days],
                )?,
                None => 0,
            };
            if updated == 0 {
                tx.execute(
                    "INSERT INTO follow_up_steps (plan_id, position, kind, label, offset_days)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![id, position, step.kind, step.label, step.offset_days],
                )?;
            }
        }
        if plan.is_default {
            tx.execute("UPDATE follow_up_plans SET is_default = (id = ?1)", [id])?;
        }
        tx.commit()?;
        self.follow_up_plans()?
            .into_iter()
            .find(|p| p.id == Some(id))
            .ok_or_else(|| Error::not_found("follow_up_plan", id))
    }

    /// Deletes a plan; purchases that followed it keep no follow-ups. The
    /// default plan cannot be deleted (make another the default first).
    pub fn delete_follow_up_plan(&mut self, id: i64) -> Result<()> {
        let is_default: Option<bool> = self
            .conn
            .query_row(
                "SELECT is_default FROM follow_up_plans WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        match is_default {
            None => Err(Error::not_found("follow_up_plan", id)),
            Some(true) => Err(Error::Validation(vec![FieldError::new(
                "is_default",
                FieldErrorCode::NotAllowed,
            )])),
            Some(false) => {
                self.conn
                    .execute("DELETE FROM follow_up_plans WHERE id = ?1", [id])?;
                Ok(())
            }
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

/// The delivery key: a reminder back from a snooze is a new announcement.
fn announce_key(key: &str, snoozed: bool, at: i64) -> String {
    if snoozed {
        format!("{key}@{at}")
    } else {
        key.to_owned()
    }
}

/// The template key of a reminder.
fn template_key(kind: ReminderKind, follow_up: Option<FollowUpKind>) -> &'static str {
    match (kind, follow_up) {
        (ReminderKind::Birthday, _) => "birthday",
        (ReminderKind::FamilyBirthday, _) => "family_birthday",
        (ReminderKind::ImportantDate, _) => "important_date",
        (ReminderKind::PurchaseAnniversary, _) => "purchase_anniversary",
        (ReminderKind::FollowUp, Some(FollowUpKind::ThankYou)) => "thank_you",
        (ReminderKind::FollowUp, Some(FollowUpKind::CheckIn)) => "check_in",
        (ReminderKind::FollowUp, Some(FollowUpKind::Satisfaction)) => "satisfaction",
        (ReminderKind::FollowUp, Some(FollowUpKind::Reorder)) => "reorder",
        (ReminderKind::FollowUp, _) => "follow_up",
        (ReminderKind::KeepInTouch, _) => "keep_in_touch",
        (ReminderKind::ReferralIntroduced, _) => "referral_introduced",
        (ReminderKind::ReferralBought, _) => "referral_bought",
        (ReminderKind::Custom, _) => "custom",
    }
}

/// Every template key, for the settings page.
pub const TEMPLATE_KEYS: [&str; 13] = [
    "birthday",
    "family_birthday",
    "important_date",
    "purchase_anniversary",
    "thank_you",
    "check_in",
    "satisfaction",
    "reorder",
    "follow_up",
    "keep_in_touch",
    "referral_introduced",
    "referral_bought",
    "custom",
];

/// The built-in message drafts. Placeholders: `{name}` (with honorific),
/// `{given}`, `{occasion}`, `{item}`, `{note}` (something they like).
pub fn default_template(language: DraftLanguage, key: &str) -> &'static str {
    match (language, key) {
        (DraftLanguage::Ja, "birthday") => {
            "{name}\nお誕生日おめでとうございます。素敵な一年になりますように。いつもありがとうございます。"
        }
        (DraftLanguage::Ja, "family_birthday") => {
            "{name}\n{occasion}、おめでとうございます。ご家族の皆さまによろしくお伝えください。"
        }
        (DraftLanguage::Ja, "important_date") => {
            "{name}\n{occasion}、おめでとうございます。これからもどうぞよろしくお願いいたします。"
        }
        (DraftLanguage::Ja, "purchase_anniversary") => {
            "{name}\n初めてお取引いただいてから{occasion}になりました。いつも本当にありがとうございます。"
        }
        (DraftLanguage::Ja, "thank_you") => {
            "{name}\nこのたびは{item}をお求めいただき、ありがとうございました。何かあればいつでもご連絡ください。"
        }
        (DraftLanguage::Ja, "check_in") => {
            "{name}\n先日の{item}、その後いかがでしょうか。気になる点があればお気軽にお知らせください。"
        }
        (DraftLanguage::Ja, "satisfaction") => {
            "{name}\n{item}をお使いいただいて1か月ほど経ちました。ご満足いただけているか、ひと言お聞かせいただけると嬉しいです。"
        }
        (DraftLanguage::Ja, "reorder") => {
            "{name}\n{item}はそろそろ少なくなっている頃でしょうか。ご入用でしたらご用意いたします。"
        }
        (DraftLanguage::Ja, "follow_up") => {
            "{name}\n{occasion}のご連絡です。その後いかがでしょうか。"
        }
        (DraftLanguage::Ja, "keep_in_touch") => {
            "{name}\nご無沙汰しております。お変わりありませんか。{note}のお話、またお聞かせください。"
        }
        (DraftLanguage::Ja, "referral_introduced") => {
            "{name}\n{occasion}をご紹介いただき、ありがとうございました。大切にお付き合いさせていただきます。"
        }
        (DraftLanguage::Ja, "referral_bought") => {
            "{name}\nご紹介いただいた{occasion}に、先日お取引いただきました。本当にありがとうございます。"
        }
        (DraftLanguage::Ja, _) => "{name}\n{occasion}の件でご連絡しました。",
        (DraftLanguage::En, "birthday") => {
            "Dear {name},\nHappy birthday! Wishing you a wonderful year ahead, and thank you for everything."
        }
        (DraftLanguage::En, "family_birthday") => {
            "Dear {name},\nCongratulations on {occasion}! Please pass on my best wishes."
        }
        (DraftLanguage::En, "important_date") => {
            "Dear {name},\nCongratulations on {occasion}. I look forward to many more years together."
        }
        (DraftLanguage::En, "purchase_anniversary") => {
            "Dear {name},\nIt is {occasion} since we first did business together. Thank you for your trust."
        }
        (DraftLanguage::En, "thank_you") => {
            "Dear {name},\nThank you for choosing {item}. If anything comes up, I am always happy to help."
        }
        (DraftLanguage::En, "check_in") => {
            "Dear {name},\nHow are you getting on with {item}? Let me know if there is anything I can do."
        }
        (DraftLanguage::En, "satisfaction") => {
            "Dear {name},\nIt has been about a month since you got {item}. Are you happy with it? A word from you would mean a lot."
        }
        (DraftLanguage::En, "reorder") => {
            "Dear {name},\nYou may be running low on {item} about now. Shall I set some aside for you?"
        }
        (DraftLanguage::En, "follow_up") => {
            "Dear {name},\nA quick note about {occasion}: how is everything going?"
        }
        (DraftLanguage::En, "keep_in_touch") => {
            "Dear {name},\nIt has been a while. I hope all is well with you. I would love to hear how {note} is going."
        }
        (DraftLanguage::En, "referral_introduced") => {
            "Dear {name},\nThank you for introducing me to {occasion}. I will take good care of them."
        }
        (DraftLanguage::En, "referral_bought") => {
            "Dear {name},\n{occasion}, whom you introduced, has become a customer. Thank you so much."
        }
        (DraftLanguage::En, _) => "Dear {name},\nI am getting in touch about {occasion}.",
    }
}

/// The occasion in words, for drafts and notifications.
fn occasion(
    r_kind: ReminderKind,
    c_years: Option<i32>,
    subject: &str,
    language: DraftLanguage,
    follow_up: Option<FollowUpKind>,
) -> String {
    use DraftLanguage::{En, Ja};
    match (r_kind, language) {
        (ReminderKind::Birthday, Ja) => {
            c_years.map_or("お誕生日".to_owned(), |y| format!("{y}歳のお誕生日"))
        }
        (ReminderKind::Birthday, En) => "your birthday".to_owned(),
        (ReminderKind::FamilyBirthday, Ja) => format!("{subject}さんのお誕生日"),
        (ReminderKind::FamilyBirthday, En) => format!("{subject}'s birthday"),
        (ReminderKind::ImportantDate, Ja) => {
            if subject.is_empty() {
                "記念日".to_owned()
            } else {
                subject.to_owned()
            }
        }
        (ReminderKind::ImportantDate, En) => {
            if subject.is_empty() {
                "your anniversary".to_owned()
            } else {
                subject.to_owned()
            }
        }
        (ReminderKind::PurchaseAnniversary, Ja) => format!("{}年", c_years.unwrap_or(1)),
        (ReminderKind::PurchaseAnniversary, En) => match c_years.unwrap_or(1) {
            1 => "one year".to_owned(),
            n => format!("{n} years"),
        },
        (ReminderKind::FollowUp, Ja) => match follow_up {
            Some(FollowUpKind::ThankYou) => "お礼".to_owned(),
            Some(FollowUpKind::CheckIn) => "ご様子うかがい".to_owned(),
            Some(FollowUpKind::Satisfaction) => "満足度の確認".to_owned(),
            Some(FollowUpKind::Reorder) => "再注文のご案内".to_owned(),
            _ => subject.to_owned(),
        },
        (ReminderKind::FollowUp, En) => match follow_up {
            Some(FollowUpKind::ThankYou) => "a thank-you".to_owned(),
            Some(FollowUpKind::CheckIn) => "a check-in".to_owned(),
            Some(FollowUpKind::Satisfaction) => "a satisfaction check".to_owned(),
            Some(FollowUpKind::Reorder) => "a re-order".to_owned(),
            _ => subject.to_owned(),
        },
        (ReminderKind::KeepInTouch, Ja) => "ご無沙汰".to_owned(),
        (ReminderKind::KeepInTouch, En) => "keeping in touch".to_owned(),
        (ReminderKind::ReferralIntroduced | ReminderKind::ReferralBought, Ja) => {
            format!("{subject}様")
        }
        (ReminderKind::ReferralIntroduced | ReminderKind::ReferralBought, En) => subject.to_owned(),
        (ReminderKind::Custom, _) => subject.to_owned(),
    }
}

/// The customer's name as a message opens: 山田 太郎 様 / Mr Yamada.
fn addressed(info: &CustomerInfo, language: DraftLanguage) -> String {
    match language {
        DraftLanguage::Ja => {
            let honorific = if info.honorific.is_empty() {
                "様"
            } else {
                info.honorific.as_str()
            };
            format!("{} {honorific}", info.view.display_name)
        }
        DraftLanguage::En if info.honorific.is_empty() => info.view.display_name.clone(),
        DraftLanguage::En => format!("{} {}", info.honorific, info.view.display_name),
    }
}

fn draft(
    c: &Candidate,
    info: Option<&CustomerInfo>,
    settings: &Settings,
    language: DraftLanguage,
) -> String {
    let key = template_key(c.kind, c.follow_up);
    let lang = match language {
        DraftLanguage::Ja => "ja",
        DraftLanguage::En => "en",
    };
    let template = settings
        .templates
        .get(&format!("{lang}.{key}"))
        .filter(|t| !t.trim().is_empty())
        .map_or_else(|| default_template(language, key), String::as_str);
    let note = info
        .map(|i| {
            i.likes
                .split(['、', ',', '，', '\n', '・'])
                .map(str::trim)
                .find(|s| !s.is_empty())
                .unwrap_or_default()
                .to_owned()
        })
        .unwrap_or_default();
    let fallback_note = match language {
        DraftLanguage::Ja => "近況",
        DraftLanguage::En => "things",
    };
    render(
        template,
        &[
            (
                "name",
                info.map(|i| addressed(i, language)).unwrap_or_default(),
            ),
            (
                "given",
                info.map(|i| i.given_name.clone()).unwrap_or_default(),
            ),
            (
                "occasion",
                occasion(c.kind, c.years, &c.subject, language, c.follow_up),
            ),
            ("item", c.item.clone()),
            (
                "note",
                if note.is_empty() {
                    fallback_note.to_owned()
                } else {
                    note
                },
            ),
        ],
    )
}

/// Fills `{placeholder}`s; an unknown one is left as typed, so a typo shows.
pub fn render(template: &str, values: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match values.iter().find(|(k, _)| *k == name) {
                    Some((_, value)) => out.push_str(value),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// "山田 太郎 様 — お誕生日まで7日": who, and what, in one line.
fn notice(r: &Reminder, language: DraftLanguage) -> Notice {
    use DraftLanguage::{En, Ja};
    let who = r
        .customer
        .as_ref()
        .map(|c| c.display_name.clone())
        .unwrap_or_default();
    let what = occasion(r.kind, r.years, &r.subject, language, r.follow_up);
    let days = (r.occasion_on - r.due_on).num_days();
    let headline = match (r.kind, language) {
        (
            ReminderKind::Birthday | ReminderKind::FamilyBirthday | ReminderKind::ImportantDate,
            Ja,
        ) if days > 0 => format!("{what}まで{days}日"),
        (
            ReminderKind::Birthday | ReminderKind::FamilyBirthday | ReminderKind::ImportantDate,
            En,
        ) if days > 0 => format!("{what} in {days} days"),
        (
            ReminderKind::Birthday | ReminderKind::FamilyBirthday | ReminderKind::ImportantDate,
            Ja,
        ) => format!("今日は{what}"),
        (
            ReminderKind::Birthday | ReminderKind::FamilyBirthday | ReminderKind::ImportantDate,
            En,
        ) => format!("{what} is today"),
        (ReminderKind::FollowUp, Ja) => format!(
            "ご購入から{}日、{what}",
            (r.due_on - r.occasion_on).num_days()
        ),
        (ReminderKind::FollowUp, En) => format!(
            "{} days since the purchase: {what}",
            (r.due_on - r.occasion_on).num_days()
        ),
        (ReminderKind::PurchaseAnniversary, Ja) => format!("初取引から{what}"),
        (ReminderKind::PurchaseAnniversary, En) => format!("{what} since the first purchase"),
        (ReminderKind::KeepInTouch, Ja) => "しばらく連絡していません".to_owned(),
        (ReminderKind::KeepInTouch, En) => "Time to get in touch".to_owned(),
        (ReminderKind::ReferralIntroduced, Ja) => format!("{what}のご紹介のお礼"),
        (ReminderKind::ReferralIntroduced, En) => format!("Thank them for introducing {what}"),
        (ReminderKind::ReferralBought, Ja) => format!("{what}がご購入、紹介のお礼"),
        (ReminderKind::ReferralBought, En) => format!("{what} bought: thank them"),
        (ReminderKind::Custom, _) => what,
    };
    let title = match (who.is_empty(), language) {
        (true, _) => headline,
        (false, Ja) => format!("{who} 様 — {headline}"),
        (false, En) => format!("{who} — {headline}"),
    };
    let body = r.draft.lines().skip(1).collect::<Vec<_>>().join(" ");
    Notice {
        title,
        body,
        customer_id: r.customer.as_ref().map(|c| c.id),
        keys: vec![announce_key(&r.key, r.snoozed, r.due_at)],
    }
}

fn digest(named: &[Reminder], total: usize, keys: Vec<String>, language: DraftLanguage) -> Notice {
    let names: Vec<&str> = named
        .iter()
        .filter_map(|r| r.customer.as_ref().map(|c| c.display_name.as_str()))
        .collect();
    let (title, body) = match language {
        DraftLanguage::Ja => (
            format!("今日のリマインダーが{total}件あります"),
            format!("{} ほか", names.join("、")),
        ),
        DraftLanguage::En => (
            format!("{total} reminders for today"),
            format!("{} and more", names.join(", ")),
        ),
    };
    Notice {
        title,
        body,
        customer_id: None,
        keys,
    }
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

    #[test]
    fn placeholders_are_filled_and_unknown_ones_left_visible() {
        let values = [
            ("name", "山田 太郎 様".to_owned()),
            ("item", "中トロ".to_owned()),
        ];
        assert_eq!(
            render("{name}、{item}はいかが？{typo} {", &values),
            "山田 太郎 様、中トロはいかが？{typo} {"
        );
    }
}
