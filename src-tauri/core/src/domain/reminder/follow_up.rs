//! The steps of a purchase's follow-up plan: thank-you +1 day, check-in +7,
//! satisfaction +30, re-order +90 (or after the item's own interval).
//!
//! A step stays until it is done or skipped, or until a later step of the
//! same purchase falls due: once the satisfaction check is due, the
//! thank-you has had its moment. Steps coming up within the window are
//! shown ahead. A purchase entered after some of its steps fell due (a
//! purchase recorded late) offers the latest of those from the day it was
//! entered, not as an overdue item.

use chrono::NaiveDate;

use super::window::Window;
use super::{Candidate, FollowUpKind, FollowUpPlan, OccurrenceKey, ReminderKind, add_days};
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
    /// The local day of the purchase.
    pub bought_on: NaiveDate,
    /// The local day it was recorded.
    pub known_on: NaiveDate,
    /// Days after which the item usually runs out (the re-order step's offset).
    pub reorder_after_days: Option<u32>,
}

/// The candidates of one purchase under its plan. `closed` says which of
/// its steps were already done or skipped: those are not proposed at all
/// (the user's state would take them away again), which spares building
/// the thousands of finished steps a long history holds.
pub fn candidates(
    fact: &PurchaseFact,
    plan: &FollowUpPlan,
    w: &Window,
    closed: &dyn Fn(i64) -> bool,
    out: &mut Vec<Candidate>,
) {
    let steps = plan.steps.iter().filter_map(|step| {
        let id = step.id?;
        let offset = match (step.kind, fact.reorder_after_days) {
            (FollowUpKind::Reorder, Some(days)) => days,
            _ => step.offset_days,
        };
        Some((id, step, add_days(fact.bought_on, i64::from(offset))))
    });
    // The latest step due by today, with its own day.
    let mut latest_due: Option<(NaiveDate, Candidate)> = None;
    for (id, step, natural) in steps {
        let mut c = Candidate::new(
            OccurrenceKey::FollowUp {
                purchase: fact.purchase_id,
                step: id,
            },
            ReminderKind::FollowUp,
            Some(fact.customer_id),
            natural,
        );
        c.occasion_on = fact.bought_on;
        c.follow_up = Some(step.kind);
        c.subject.clone_from(&step.label);
        c.purchase_id = Some(fact.purchase_id);
        if natural <= w.today {
            // Later steps win; of two on the same day, the later in the plan.
            if latest_due.as_ref().is_none_or(|(day, _)| *day <= natural) {
                c.due_on = natural.max(fact.known_on);
                latest_due = Some((natural, c));
            }
        } else if natural <= w.to && !closed(id) {
            out.push(c);
        }
    }
    out.extend(
        latest_due
            .map(|(_, c)| c)
            .filter(|c| !matches!(c.key, OccurrenceKey::FollowUp { step, .. } if closed(step))),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::reminder::FollowUpStep;
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
        let w = Window::today(&Settings::default(), &clock(today.0, today.1, today.2));
        let mut out = Vec::new();
        candidates(fact, &standard_plan(), &w, &|_| false, &mut out);
        out.sort_by_key(|c| c.due_on);
        out.iter().map(|c| (c.follow_up, c.due_on)).collect()
    }

    fn bought(on: NaiveDate) -> PurchaseFact {
        PurchaseFact {
            purchase_id: 10,
            customer_id: 2,
            bought_on: on,
            known_on: on,
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
    fn a_finished_step_is_not_proposed_and_does_not_bring_back_the_one_it_superseded() {
        let fact = bought(day(2026, 11, 1));
        let w = Window::today(&Settings::default(), &clock(2026, 11, 8));
        let mut out = Vec::new();
        // The check-in (step 2) is done: neither it nor the thank-you shows.
        candidates(&fact, &standard_plan(), &w, &|step| step == 2, &mut out);
        assert!(out.is_empty(), "{out:?}");
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
            known_on: day(2026, 11, 23),
            ..bought(day(2026, 10, 14))
        };
        assert_eq!(
            steps(&fact, (2026, 11, 23)),
            [(Some(FollowUpKind::Satisfaction), day(2026, 11, 23))]
        );
    }
}
