//! The personal touches, as the window and the scheduler use them: the
//! Today view, acting on a reminder (one transaction, undoable), what to
//! announce and when to wake, and the follow-up plans. The rules are the
//! domain's (`domain/reminder/*`); the day's result is kept in the agenda.

mod agenda;
mod build;
mod derive;

pub use crate::domain::reminder::*;

use chrono::Timelike;

use crate::domain::clock::Clock;
use crate::domain::reminder::delivery::{Announcement, DIGEST_NAMES};
use crate::domain::reminder::follow_up::{PurchaseFact, made_due_by_edit, validate_plan};
use crate::domain::reminder::state::{Status, UserState, check_snooze};
use crate::domain::reminder::window::Window;
use crate::domain::settings::{Settings, minutes_of};
use crate::domain::touchpoint::{Direction, TouchpointInput};
use crate::domain::validation::LIMIT_NAME;
use crate::error::{Error, FieldError, FieldErrorCode, Result};
use crate::store::agenda::{self as kept, Built, Section};
use crate::store::reminder_facts::{self, Scope};
use crate::store::rows::Row;
use crate::store::{Store, plans, referrals, reminder_states};
use crate::undo::{Capture, Undo};
use build::build;

impl Store {
    /// The Today view: overdue, today and the next seven days. Every
    /// reminder is counted; only the first [`SECTION_LIMIT`] of each
    /// section are built.
    pub fn today_view(&self, language: DraftLanguage, clock: &Clock) -> Result<TodayView> {
        self.today_view_listing(language, clock, SECTION_LIMIT)
    }

    /// [`Store::today_view`] with the first `listed` reminders of each
    /// section built (at least one, at most [`SECTION_LIMIT`]): the window
    /// asks for what it draws and a little more, and for more as it is
    /// scrolled, so a day of thousands of reminders costs it little.
    pub fn today_view_listing(
        &self,
        language: DraftLanguage,
        clock: &Clock,
        listed: usize,
    ) -> Result<TodayView> {
        let settings = self.settings()?;
        self.refresh_agenda(&settings, clock)?;
        self.view_of_agenda(&settings, language, clock, Built::Today, listed)
    }

    /// The Today view at once, for a window that has just opened, never
    /// waiting for an agenda to be derived whole (the app derives it apart,
    /// see [`Store::agenda_needs_rebuild`]): when the one kept is of the day
    /// or two before, what it holds that is still good today — not
    /// expired, no customer changed since — marked `preparing`; when there
    /// is none to go by (never derived, a week old, a setting changed), an
    /// empty view marked `preparing`; otherwise as
    /// [`Store::today_view_listing`].
    pub fn today_view_at_once(
        &self,
        language: DraftLanguage,
        clock: &Clock,
        listed: usize,
    ) -> Result<TodayView> {
        if self.agenda_is_of_day_before(clock)? {
            let settings = self.settings()?;
            self.view_of_agenda(&settings, language, clock, Built::Earlier, listed)
        } else if self.agenda_needs_rebuild(clock)? {
            let none = || ReminderSection {
                total: 0,
                items: Vec::new(),
            };
            Ok(TodayView {
                today: clock.today(),
                overdue: none(),
                today_items: none(),
                upcoming: none(),
                preparing: true,
                most_listed: SECTION_LIMIT as u32,
            })
        } else {
            self.today_view_listing(language, clock, listed)
        }
    }

    fn view_of_agenda(
        &self,
        settings: &Settings,
        language: DraftLanguage,
        clock: &Clock,
        built: Built,
        listed: usize,
    ) -> Result<TodayView> {
        let conn = self.conn();
        let listed = listed.clamp(1, SECTION_LIMIT);
        let (overdue, today_items, upcoming) = kept::section_totals(conn, clock, built)?;
        let section = |which: Section, total: u32| -> Result<ReminderSection> {
            let items = kept::section(conn, which, listed, clock, built)?;
            Ok(ReminderSection {
                total,
                items: build(conn, items, settings, language, clock)?,
            })
        };
        Ok(TodayView {
            today: clock.today(),
            overdue: section(Section::Overdue, overdue)?,
            today_items: section(Section::Today, today_items)?,
            upcoming: section(Section::Upcoming, upcoming)?,
            preparing: built == Built::Earlier,
            most_listed: SECTION_LIMIT as u32,
        })
    }

    /// How many reminders are overdue or due today (the tray's and the
    /// sidebar's count).
    pub fn due_count(&self, clock: &Clock) -> Result<u32> {
        let settings = self.settings()?;
        self.refresh_agenda(&settings, clock)?;
        let (overdue, today, _) = kept::section_totals(self.conn(), clock, Built::Today)?;
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
        let w = Window::ahead(&settings, clock, i64::from(days));
        let due: Vec<Due> = derive::derive(self.conn(), &settings, clock, &w, Scope::Everyone)?
            .into_iter()
            .filter(|d| {
                matches!(
                    d.candidate.kind,
                    ReminderKind::FollowUp | ReminderKind::Custom
                ) && d.candidate.due_on >= w.today
                    && d.hidden_until.is_none()
            })
            .collect();
        build(self.conn(), due, &settings, language, clock)
    }

    /// Every open reminder due by today, as derived (the demo settles them).
    pub(crate) fn open_reminders(&self, clock: &Clock) -> Result<Vec<Due>> {
        let settings = self.settings()?;
        let w = Window::today(&settings, clock);
        Ok(
            derive::derive(self.conn(), &settings, clock, &w, Scope::Everyone)?
                .into_iter()
                .filter(|d| d.candidate.due_on <= w.today)
                .collect(),
        )
    }

    /// Records what the user did with a reminder the Today view shows, in
    /// one transaction: the touchpoint a "done" logs, the reminder's state,
    /// and for a thank-you, the thanks on the introduction. A reminder no
    /// longer open (a second click on Done) is refused and nothing changes.
    pub fn act_on_reminder(
        &mut self,
        key: &str,
        action: &ReminderAction,
        clock: &Clock,
    ) -> Result<Undo> {
        let occurrence: OccurrenceKey = key
            .parse()
            .map_err(|_| Error::field("key", FieldErrorCode::OutOfRange))?;
        let now = clock.timestamp();
        let (status, until, action_name) = match action {
            ReminderAction::Done { .. } => (Status::Done, None, "reminder_done"),
            ReminderAction::Skip => (Status::Skipped, None, "reminder_skipped"),
            ReminderAction::Snooze { until } => (Status::Snoozed, Some(*until), "reminder_snoozed"),
        };
        let settings = self.settings()?;
        self.refresh_agenda(&settings, clock)?;
        let mut tx = self.begin()?;
        let due = kept::shown(&tx, key, clock)?.ok_or(Error::ReminderGone)?;
        if let Some(until) = until {
            check_snooze(until, due.candidate.expires_on, clock)
                .map_err(|e| Error::Validation(vec![e]))?;
        }
        let customer = due.candidate.customer_id;
        let mut capture = Capture::new(action_name);
        let mut state_key = Row::new();
        state_key.insert("occurrence_key".to_owned(), key.into());
        capture.row(&tx, "reminder_states", state_key)?;
        let thanked = occurrence
            .thanked_referral()
            .filter(|_| status == Status::Done);
        if let Some(referral) = thanked {
            capture.rows(&tx, "referrals", "id = ?1", &[&referral])?;
        }
        if let (ReminderAction::Done { log: Some(touch) }, Some(customer)) = (action, customer) {
            let logged = crate::touchpoint::log(
                &mut tx,
                &TouchpointInput {
                    customer_id: customer,
                    kind: touch.kind,
                    occurred_at: now,
                    summary: touch.summary.trim().chars().take(LIMIT_NAME * 2).collect(),
                    notes: String::new(),
                    direction: Direction::Give,
                    satisfaction: None,
                    promise: None,
                },
                clock,
            )?;
            capture.created("touchpoints", logged.touchpoint.id);
        }
        let state = UserState {
            status,
            snoozed_until: until,
            acted_at: now,
        };
        reminder_states::set(&mut tx, key, customer, &state)?;
        if let Some(referral) = thanked {
            referrals::set_thanked(&mut tx, referral, Some(now))?;
        }
        let undo = capture.record(&mut tx, clock)?;
        self.commit(tx)?;
        tracing::info!(undo = undo.id, action = action_name, "reminder acted on");
        Ok(undo)
    }

    /// What the scheduler needs on each wake-up: the notices to show now
    /// (reminders due by now not announced before, one each or, above the
    /// threshold, one digest; none in the quiet hours), when to wake next,
    /// and the tray's count.
    pub fn scheduler_tick(&self, language: DraftLanguage, clock: &Clock) -> Result<SchedulerTick> {
        let settings = self.settings()?;
        self.refresh_agenda(&settings, clock)?;
        let conn = self.conn();
        let (overdue, today, _) = kept::section_totals(conn, clock, Built::Today)?;
        let next_due = self.next_after(&settings, clock)?;
        let tick = |notices, next_wake_at, quiet| SchedulerTick {
            notices,
            next_wake_at,
            due_count: overdue.saturating_add(today),
            quiet,
        };
        let local = clock.now.with_timezone(&clock.tz);
        let minutes = local.hour() * 60 + local.minute();
        if let Some(left) = delivery::quiet_minutes_left(&settings, minutes) {
            // Wake when they end, or at midnight to count the new day's.
            let end = clock.timestamp() + i64::from(left.max(1)) * 60;
            let midnight = Window::start_of(add_days(clock.today(), 1), clock);
            return Ok(tick(Vec::new(), end.min(midnight), true));
        }
        if !settings.notifications {
            return Ok(tick(Vec::new(), next_due, false));
        }
        let mut fresh = Vec::new();
        for d in kept::due_by_now(conn, clock)? {
            let announcement = Announcement {
                key: d.candidate.key.clone(),
                back_from_snooze_at: d.snoozed.then_some(d.at),
            }
            .to_string();
            if !reminder_states::announced(conn, &announcement)? {
                fresh.push((announcement, d));
            }
        }
        fresh.sort_by(|a, b| a.1.at.cmp(&b.1.at).then_with(|| a.0.cmp(&b.0)));
        let notices = if delivery::is_digest(fresh.len(), &settings) {
            let total = fresh.len();
            let (keys, due): (Vec<String>, Vec<Due>) = fresh.into_iter().unzip();
            let named = build(
                conn,
                due.into_iter().take(DIGEST_NAMES).collect(),
                &settings,
                language,
                clock,
            )?;
            let digest = delivery::digest(&named, total, keys, language);
            vec![if settings.private_notifications {
                delivery::private(digest, total, language)
            } else {
                digest
            }]
        } else {
            let mut notices = Vec::with_capacity(fresh.len());
            for (announcement, d) in fresh {
                for r in build(conn, vec![d], &settings, language, clock)? {
                    let notice = delivery::notice(&r, announcement.clone());
                    notices.push(if settings.private_notifications {
                        delivery::private(notice, 1, language)
                    } else {
                        notice
                    });
                }
            }
            notices
        };
        Ok(tick(notices, next_due, false))
    }

    /// Records that these were announced, so they never are twice.
    pub fn mark_announced(&mut self, keys: &[String], clock: &Clock) -> Result<()> {
        let tx = self.begin()?;
        reminder_states::mark_announced(&tx, keys, clock.timestamp())?;
        self.commit(tx)?;
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
        let minutes = minutes_of(&settings.reminder_time).unwrap_or(9 * 60);
        let mut next = clock.instant_on(add_days(clock.today(), 1), minutes);
        if let Some(at) = kept::next_due(self.conn(), clock)? {
            next = next.min(at);
        }
        // A snooze that ends on a later day, before that day's reminder time.
        if let Some(at) = reminder_states::next_snooze_end(self.conn(), clock.timestamp())? {
            next = next.min(at);
        }
        Ok(next)
    }

    /// Every template in `language` as the customer would receive it, with
    /// the templates being edited (not yet saved) in place of the saved
    /// ones; made-up occasions, the customer's real name and topic.
    pub fn template_previews(
        &self,
        customer: i64,
        language: DraftLanguage,
        templates: std::collections::BTreeMap<String, String>,
        clock: &Clock,
    ) -> Result<Vec<TemplatePreview>> {
        let people = reminder_facts::addressees(self.conn(), &[customer])?;
        let (_, addressee, _) = people
            .get(&customer)
            .ok_or_else(|| Error::not_found("customer", customer))?;
        let settings = Settings {
            templates,
            ..self.settings()?
        };
        let today = clock.today();
        Ok(draft::samples(today, language)
            .into_iter()
            .map(|(key, c, item)| TemplatePreview {
                key: key.to_owned(),
                text: draft::draft(&c, &item, today, Some(addressee), &settings, language),
            })
            .collect())
    }

    pub fn follow_up_plans(&self) -> Result<Vec<FollowUpPlan>> {
        plans::all(self.conn())
    }

    /// Creates or replaces a plan. Steps keep their ids (and so the state of
    /// their reminders) when they come back with one. An edit applies to
    /// the steps still ahead: what it would make due at once for an older
    /// purchase is recorded as skipped.
    pub fn save_follow_up_plan(
        &mut self,
        mut plan: FollowUpPlan,
        clock: &Clock,
    ) -> Result<FollowUpPlan> {
        validate_plan(&mut plan)?;
        let settings = self.settings()?;
        let w = Window::today(&settings, clock);
        let mut tx = self.begin()?;
        let before = match plan.id {
            Some(id) => plans::all(&tx)?.into_iter().find(|p| p.id == Some(id)),
            None => None,
        };
        let following: Vec<PurchaseFact> = match plan.id.filter(|_| before.is_some()) {
            Some(id) => reminder_facts::purchases(&tx, Scope::Everyone)?
                .into_iter()
                .filter(|(plan_id, _)| *plan_id == id)
                .map(|(_, fact)| fact)
                .collect(),
            None => Vec::new(),
        };
        let closed_before = reminder_states::closed_follow_ups(&tx, None)?;
        let id = plans::save(&mut tx, &plan)?;
        if let Some(before) = before {
            let after = plans::all(&tx)?
                .into_iter()
                .find(|p| p.id == Some(id))
                .ok_or_else(|| Error::not_found("follow_up_plan", id))?;
            let closed_after = reminder_states::closed_follow_ups(&tx, None)?;
            let skipped = UserState {
                status: Status::Skipped,
                snoozed_until: None,
                acted_at: clock.timestamp(),
            };
            for fact in &following {
                let was = |step: i64| closed_before.contains(&(fact.purchase_id, step));
                let is = |step: i64| closed_after.contains(&(fact.purchase_id, step));
                for c in made_due_by_edit(fact, (&before, &was), (&after, &is), &w, clock) {
                    reminder_states::set(&mut tx, &c.key.to_string(), c.customer_id, &skipped)?;
                }
            }
        }
        self.commit(tx)?;
        self.follow_up_plans()?
            .into_iter()
            .find(|p| p.id == Some(id))
            .ok_or_else(|| Error::not_found("follow_up_plan", id))
    }

    /// Deletes a plan; purchases that followed it keep no follow-ups. The
    /// default plan cannot be deleted (make another the default first).
    pub fn delete_follow_up_plan(&mut self, id: i64) -> Result<()> {
        let mut tx = self.begin()?;
        match plans::is_default(&tx, id)? {
            None => return Err(Error::not_found("follow_up_plan", id)),
            Some(true) => {
                return Err(Error::Validation(vec![FieldError::new(
                    "is_default",
                    FieldErrorCode::NotAllowed,
                )]));
            }
            Some(false) => plans::delete(&mut tx, id)?,
        }
        self.commit(tx)?;
        Ok(())
    }
}
