//! The steps of a purchase's follow-up plan: thank-you +1 day, check-in +7,
//! satisfaction +30, re-order +90 (or after the item's own interval).
//!
//! A step stays until it is done or skipped, or until a later step of the
//! same purchase falls due or is dealt with: once the satisfaction check is
//! due, the thank-you has had its moment. Steps coming up within the window are
//! shown ahead. A purchase entered after some of its steps fell due (a
//! purchase recorded late) offers the latest of those from the day it was
//! entered, not as an overdue item.

use super::window::Window;
use super::{
    Candidate, FollowUpKind, FollowUpPlan, FollowUpStep, OccurrenceKey, ReminderKind, add_days,
};
use crate::domain::clock::Clock;
use crate::domain::validation::{Checker, LIMIT_NAME};
use crate::error::{FieldError, FieldErrorCode, Result};

/// The most steps a plan may have.
pub const MAX_STEPS: usize = 20;
/// The furthest a step may lie after the purchase, in days.
pub const MAX_OFFSET_DAYS: u32 = 3650;

/// Checks and normalises a plan the user edited.
pub fn validate_plan(plan: &mut FollowUpPlan) -> Result<()> {
    let mut c = Checker::default();
    c.text("name", &mut plan.name, LIMIT_NAME);
    if plan.steps.is_empty() || plan.steps.len() > MAX_STEPS {
        c.errors.push(FieldError::with_limit(
            "steps",
            FieldErrorCode::OutOfRange,
            MAX_STEPS as i64,
        ));
    }
    for (i, step) in plan.steps.iter_mut().enumerate() {
        c.text(&format!("steps.{i}.label"), &mut step.label, LIMIT_NAME);
        if step.offset_days > MAX_OFFSET_DAYS {
            c.errors.push(FieldError::with_limit(
                format!("steps.{i}.offset_days"),
                FieldErrorCode::OutOfRange,
                i64::from(MAX_OFFSET_DAYS),
            ));
        }
    }
    c.finish()
}

/// A purchase that follows a plan, as the store holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PurchaseFact {
    pub purchase_id: i64,
    pub customer_id: i64,
    /// When it was bought (Unix seconds).
    pub bought_at: i64,
    /// When it was recorded.
    pub known_at: i64,
    /// Days after which the item usually runs out (the re-order step's offset).
    pub reorder_after_days: Option<u32>,
}

/// The candidates of one purchase under its plan. `closed` says which of
/// its steps were done or skipped: a step dealt with supersedes every step
/// before it, and is not proposed itself (the user's state would take it
/// away again). A long history's purchases are mostly finished, so they
/// are passed over before any date is worked out.
pub fn candidates(
    fact: &PurchaseFact,
    plan: &FollowUpPlan,
    w: &Window,
    clock: &Clock,
    closed: &dyn Fn(i64) -> bool,
    out: &mut Vec<Candidate>,
) {
    let offset = |step: &FollowUpStep| match (step.kind, fact.reorder_after_days) {
        (FollowUpKind::Reorder, Some(days)) => days,
        _ => step.offset_days,
    };
    // Most purchases of a long history are finished: their last step was
    // dealt with. Told apart first, without allocating anything.
    let last = plan
        .steps
        .iter()
        .filter(|step| step.id.is_some())
        .max_by_key(|step| offset(step))
        .and_then(|step| step.id);
    if last.is_none_or(closed) {
        return;
    }
    // The steps in the order they fall due (a tie keeps the plan's order).
    let mut steps: Vec<(i64, &FollowUpStep, u32)> = plan
        .steps
        .iter()
        .filter_map(|step| Some((step.id?, step, offset(step))))
        .collect();
    steps.sort_by_key(|(_, _, offset)| *offset);
    let open_from = steps
        .iter()
        .rposition(|(id, _, _)| closed(*id))
        .map_or(0, |last| last + 1);
    let open = &steps[open_from..];
    let bought_on = clock.local_day(fact.bought_at);
    let known_on = clock.local_day(fact.known_at);
    // The latest step due by today.
    let mut latest_due: Option<Candidate> = None;
    for (id, step, offset) in open {
        let natural = add_days(bought_on, i64::from(*offset));
        if natural > w.to {
            break;
        }
        let mut c = Candidate::new(
            OccurrenceKey::FollowUp {
                purchase: fact.purchase_id,
                step: *id,
            },
            ReminderKind::FollowUp,
            Some(fact.customer_id),
            natural,
        );
        c.occasion_on = bought_on;
        c.follow_up = Some(step.kind);
        c.subject.clone_from(&step.label);
        c.purchase_id = Some(fact.purchase_id);
        if natural <= w.today {
            c.due_on = natural.max(known_on);
            latest_due = Some(c);
        } else {
            out.push(c);
        }
    }
    out.extend(latest_due);
}

/// The steps of one purchase that an edit of its plan would make due at
/// once: due by today under the plan as edited, but not as it was (a step
/// added or moved into the past, or the one before a removed last step).
/// An edit applies to what still lies ahead; these are recorded as
/// skipped, so that editing a plan never floods Today with old purchases.
pub fn made_due_by_edit(
    fact: &PurchaseFact,
    before: (&FollowUpPlan, &dyn Fn(i64) -> bool),
    after: (&FollowUpPlan, &dyn Fn(i64) -> bool),
    w: &Window,
    clock: &Clock,
) -> Vec<Candidate> {
    let due = |(plan, closed): (&FollowUpPlan, &dyn Fn(i64) -> bool)| {
        let mut out = Vec::new();
        candidates(fact, plan, w, clock, closed, &mut out);
        out.retain(|c| c.due_on <= w.today);
        out
    };
    let was_due = due(before);
    let mut now_due = due(after);
    now_due.retain(|c| !was_due.iter().any(|was| was.key == c.key));
    now_due
}

#[cfg(test)]
mod tests {
    use chrono::{Datelike, NaiveDate};

    use super::*;
    use crate::domain::reminder::test_support::{clock, day};
    use crate::domain::settings::Settings;

    fn standard_plan() -> FollowUpPlan {
        let step = |id, kind, offset_days| FollowUpStep {
            id: Some(id),
            kind,
            label: String::new(),
            offset_days,
        };
        FollowUpPlan {
            id: Some(1),
            name: String::new(),
            is_default: true,
            steps: vec![
                step(1, FollowUpKind::ThankYou, 1),
                step(2, FollowUpKind::CheckIn, 7),
                step(3, FollowUpKind::Satisfaction, 30),
                step(4, FollowUpKind::Reorder, 90),
            ],
        }
    }

    fn steps(
        fact: &PurchaseFact,
        today: (i32, u32, u32),
    ) -> Vec<(Option<FollowUpKind>, NaiveDate)> {
        let now = clock(today.0, today.1, today.2);
        let w = Window::today(&Settings::default(), &now);
        let mut out = Vec::new();
        candidates(fact, &standard_plan(), &w, &now, &|_| false, &mut out);
        out.sort_by_key(|c| c.due_on);
        out.iter().map(|c| (c.follow_up, c.due_on)).collect()
    }

    fn bought(on: NaiveDate) -> PurchaseFact {
        let at = clock(on.year(), on.month(), on.day()).timestamp();
        PurchaseFact {
            purchase_id: 10,
            customer_id: 2,
            bought_at: at,
            known_at: at,
            reorder_after_days: None,
        }
    }

    #[test]
    fn only_the_latest_step_due_is_offered_and_the_next_shows_ahead() {
        let fact = bought(day(2026, 11, 1));
        // Day 8: the check-in is due (the thank-you is superseded).
        assert_eq!(
            steps(&fact, (2026, 11, 8)),
            [(Some(FollowUpKind::CheckIn), day(2026, 11, 8))]
        );
        // Day 25: the check-in is still open, the satisfaction check is ahead.
        assert_eq!(
            steps(&fact, (2026, 11, 25)),
            [
                (Some(FollowUpKind::CheckIn), day(2026, 11, 8)),
                (Some(FollowUpKind::Satisfaction), day(2026, 12, 1))
            ]
        );
    }

    #[test]
    fn a_step_never_vanishes_by_age_alone() {
        let fact = bought(day(2024, 1, 10));
        assert_eq!(
            steps(&fact, (2026, 11, 23)),
            [(Some(FollowUpKind::Reorder), day(2024, 4, 9))]
        );
    }

    #[test]
    fn a_step_dealt_with_supersedes_those_before_it_and_is_not_proposed() {
        let fact = bought(day(2026, 11, 1));
        let now = clock(2026, 11, 8);
        let w = Window::today(&Settings::default(), &now);
        let mut out = Vec::new();
        // The check-in (step 2) is done: neither it nor the thank-you shows.
        candidates(
            &fact,
            &standard_plan(),
            &w,
            &now,
            &|step| step == 2,
            &mut out,
        );
        assert!(out.is_empty(), "{out:?}");
        // The satisfaction check done early, while ahead: the check-in due
        // today has been superseded by it.
        candidates(
            &fact,
            &standard_plan(),
            &w,
            &now,
            &|step| step == 3,
            &mut out,
        );
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn editing_a_plan_makes_nothing_due_at_once() {
        let fact = bought(day(2026, 8, 1));
        let now = clock(2026, 11, 23);
        let w = Window::today(&Settings::default(), &now);
        let plan = standard_plan();
        // The re-order step (the last) was skipped: the purchase is done.
        let skipped_last = |step: i64| step == 4;
        let mut without_reorder = plan.clone();
        without_reorder.steps.pop();
        let made = made_due_by_edit(
            &fact,
            (&plan, &skipped_last),
            (&without_reorder, &|_| false),
            &w,
            &now,
        );
        assert_eq!(
            made.iter().map(|c| c.follow_up).collect::<Vec<_>>(),
            [Some(FollowUpKind::Satisfaction)],
            "the step before the removed one would come back"
        );
        // A step due under both stays as it was: nothing to record.
        let open_reorder =
            made_due_by_edit(&fact, (&plan, &|_| false), (&plan, &|_| false), &w, &now);
        assert!(open_reorder.is_empty());
    }

    #[test]
    fn the_items_own_interval_moves_the_reorder_step() {
        let fact = PurchaseFact {
            reorder_after_days: Some(20),
            ..bought(day(2026, 11, 1))
        };
        assert_eq!(
            steps(&fact, (2026, 11, 21)),
            [(Some(FollowUpKind::Reorder), day(2026, 11, 21))]
        );
    }

    #[test]
    fn a_purchase_recorded_late_starts_with_its_latest_step_due_today() {
        let fact = PurchaseFact {
            known_at: clock(2026, 11, 23).timestamp(),
            ..bought(day(2026, 10, 14))
        };
        assert_eq!(
            steps(&fact, (2026, 11, 23)),
            [(Some(FollowUpKind::Satisfaction), day(2026, 11, 23))]
        );
    }
}
