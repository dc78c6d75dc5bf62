//! The personal-touch engine. Each reminder is derived from the data (a
//! birthday, a purchase and its follow-up plan, the last contact and the
//! stage's cadence, a referral, a promise) for a window of days around
//! today, with an explicit clock and time zone. What the user did to an
//! occurrence (done, snoozed, skipped) and which occurrences were announced
//! are stored, keyed by an occurrence key that names the occasion — so a
//! changed birthday or a deleted purchase simply changes what is derived,
//! and a recurring reminder's next occurrence has a new key.
//!
//! The day's derived reminders are kept in an agenda (see `agenda.rs`) that
//! is brought up to date before every read, so reading costs an index range.

mod agenda;
mod derive;
mod draft;

use std::rc::Rc;

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::vtab::array::Array;
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::Clock;
use crate::error::{Error, FieldError, FieldErrorCode, Result};
use crate::ladder::Stage;
use crate::settings::{Settings, minutes_of};
use crate::sql::text_enum;
use crate::store::Store;
use crate::touchpoint::{Direction, TouchpointInput, TouchpointKind};
use crate::validation::{Checker, LIMIT_NAME};

use agenda::Section;
pub(crate) use derive::plan_exists;
use derive::{Scope, add_days};
use draft::{DIGEST_NAMES, announce_key, digest, notice};
pub use draft::{TEMPLATE_KEYS, default_template, headline, render};

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
text_enum!(ReminderKind {
    Birthday => "birthday",
    FamilyBirthday => "family_birthday",
    ImportantDate => "important_date",
    PurchaseAnniversary => "purchase_anniversary",
    FollowUp => "follow_up",
    KeepInTouch => "keep_in_touch",
    ReferralIntroduced => "referral_introduced",
    ReferralBought => "referral_bought",
    Custom => "custom",
});

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

impl Store {
    /// The Today view: overdue, today and the next seven days. Every
    /// reminder is counted; only the first of each section are built.
    pub fn today_view(&self, language: DraftLanguage, clock: &Clock) -> Result<TodayView> {
        let settings = self.settings()?;
        self.refresh_agenda(&settings, clock)?;
        let (overdue, today_items, upcoming) = self.section_totals(clock)?;
        let section = |which: Section, total: u32| -> Result<ReminderSection> {
            let items = self.section(which, SECTION_LIMIT, clock)?;
            Ok(ReminderSection {
                total,
                items: self.build(items, &settings, language)?,
            })
        };
        Ok(TodayView {
            today: clock.today(),
            overdue: section(Section::Overdue, overdue)?,
            today_items: section(Section::Today, today_items)?,
            upcoming: section(Section::Upcoming, upcoming)?,
        })
    }

    /// How many reminders are overdue or due today (the tray's and the
    /// sidebar's count).
    pub fn due_count(&self, clock: &Clock) -> Result<u32> {
        let settings = self.settings()?;
        self.refresh_agenda(&settings, clock)?;
        let (overdue, today, _) = self.section_totals(clock)?;
        Ok(overdue.saturating_add(today))
    }

    /// The follow-up steps and promises planned from today through `days`
    /// ahead and not yet done, for a calendar.
    pub fn planned_touches(
        &self,
        days: u32,
        language: DraftLanguage,
        clock: &Clock,
    ) -> Result<Vec<Reminder>> {
        let settings = self.settings()?;
        let w = derive::Window::ahead(&settings, clock, i64::from(days));
        let due: Vec<_> = self
            .derive(&settings, clock, &w, Scope::Everyone)?
            .into_iter()
            .filter(|d| {
                matches!(
                    d.candidate.kind,
                    ReminderKind::FollowUp | ReminderKind::Custom
                ) && d.candidate.due_on >= w.today
                    && d.hidden_until.is_none()
            })
            .collect();
        self.build(due, &settings, language)
    }

    /// Every reminder in the window, built in full (the demo settles them).
    pub(crate) fn reminders(
        &self,
        settings: &Settings,
        language: DraftLanguage,
        clock: &Clock,
    ) -> Result<Vec<Reminder>> {
        let w = self.window(settings, clock)?;
        let due = self.derive(settings, clock, &w, Scope::Everyone)?;
        self.build(due, settings, language)
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

    /// What the scheduler needs on each wake-up: the notices to show now
    /// (see [`Store::due_notices`]), when to wake next (see
    /// [`Store::next_due_at`]) and the tray's count.
    pub fn scheduler_tick(&self, language: DraftLanguage, clock: &Clock) -> Result<SchedulerTick> {
        let settings = self.settings()?;
        self.refresh_agenda(&settings, clock)?;
        let next_due_at = self.next_after(&settings, clock)?;
        let (overdue, today, _) = self.section_totals(clock)?;
        let tick = |notices| SchedulerTick {
            notices,
            next_due_at,
            due_count: overdue.saturating_add(today),
        };
        if !settings.notifications {
            return Ok(tick(Vec::new()));
        }
        let mut announced = self
            .conn
            .prepare_cached("SELECT 1 FROM notification_deliveries WHERE occurrence_key = ?1")?;
        let mut fresh = Vec::new();
        for d in self.due_by_now(clock)? {
            // A reminder back from a snooze is announced again.
            if !announced.exists([&announce_key(&d.candidate.key, d.snoozed, d.at)])? {
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
        self.refresh_agenda(&settings, clock)?;
        self.next_after(&settings, clock)
    }

    fn next_after(&self, settings: &Settings, clock: &Clock) -> Result<i64> {
        let now = clock.timestamp();
        let minutes = minutes_of(&settings.reminder_time).unwrap_or(9 * 60);
        let mut next = clock.instant_on(add_days(clock.today(), 1), minutes);
        if let Some(at) = self.next_in_agenda(clock)? {
            next = next.min(at);
        }
        // A snooze that ends on a later day, before that day's reminder time.
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
