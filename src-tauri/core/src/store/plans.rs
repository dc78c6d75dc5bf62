//! Follow-up plans and their steps.

use std::rc::Rc;

use rusqlite::types::Value;
use rusqlite::vtab::array::Array;
use rusqlite::{Connection, OptionalExtension, params};

use super::{Tx, reminder_states};
use crate::domain::reminder::{FollowUpPlan, FollowUpStep};
use crate::error::{Error, Result};

pub(crate) fn all(conn: &Connection) -> Result<Vec<FollowUpPlan>> {
    let mut plans: Vec<FollowUpPlan> = conn
        .prepare_cached("SELECT id, name, is_default FROM follow_up_plans ORDER BY position, id")?
        .query_map([], |r| {
            Ok(FollowUpPlan {
                id: Some(r.get(0)?),
                name: r.get(1)?,
                is_default: r.get(2)?,
                steps: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut steps = conn.prepare_cached(
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

pub(crate) fn exists(conn: &Connection, id: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM follow_up_plans WHERE id = ?1")?
        .query_row([id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Whether plan `id` is the default; `None` when there is no such plan.
pub(crate) fn is_default(conn: &Connection, id: i64) -> Result<Option<bool>> {
    Ok(conn
        .prepare_cached("SELECT is_default FROM follow_up_plans WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

/// Creates or replaces a validated plan; returns its id. Steps keep their
/// ids (and so the state of their reminders) when they come back with one.
pub(crate) fn save(tx: &mut Tx<'_>, plan: &FollowUpPlan) -> Result<i64> {
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
    let removed: Vec<i64> = tx
        .prepare(
            "DELETE FROM follow_up_steps WHERE plan_id = ?1
               AND id NOT IN (SELECT value FROM rarray(?2))
             RETURNING id",
        )?
        .query_map(params![id, Rc::new(kept) as Array], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    reminder_states::forget_follow_up_steps(tx, &removed)?;
    for (position, step) in (0_i64..).zip(plan.steps.iter()) {
        let updated = match step.id {
            Some(step_id) => tx.execute(
                "UPDATE follow_up_steps SET position = ?3, kind = ?4, label = ?5, offset_days = ?6
                  WHERE id = ?1 AND plan_id = ?2",
                params![
                    step_id,
                    id,
                    position,
                    step.kind,
                    step.label,
                    step.offset_days
                ],
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
    tx.changed.reminders_everywhere();
    Ok(id)
}

pub(crate) fn delete(tx: &mut Tx<'_>, id: i64) -> Result<()> {
    let steps: Vec<i64> = tx
        .prepare("DELETE FROM follow_up_steps WHERE plan_id = ?1 RETURNING id")?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    reminder_states::forget_follow_up_steps(tx, &steps)?;
    tx.execute("DELETE FROM follow_up_plans WHERE id = ?1", [id])?;
    tx.changed.reminders_everywhere();
    Ok(())
}
