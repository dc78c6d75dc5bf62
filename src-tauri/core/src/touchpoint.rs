//! Logging touchpoints, editing and deleting them (undoably). A promise
//! made during a visit is recorded with it, in the same transaction.

pub use crate::domain::touchpoint::*;

use crate::domain::clock::Clock;
use crate::domain::promise::{self, NewPromise};
use crate::error::Result;
use crate::store::{Store, Tx, customers, promises, touchpoints};
use crate::undo::{Capture, Undo};

/// Logs a validated touchpoint and the promise made during it.
pub(crate) fn log(
    tx: &mut Tx<'_>,
    input: &TouchpointInput,
    clock: &Clock,
) -> Result<LoggedTouchpoint> {
    let id = touchpoints::insert(tx, input, clock)?;
    let promise = match &input.promise {
        Some(p) => Some(promises::insert(
            tx,
            &NewPromise {
                customer_id: input.customer_id,
                touchpoint_id: Some(id),
                title: p.title.clone(),
                due_at: promise::due_at(
                    p.due_on,
                    crate::domain::settings::minutes_of(&p.due_time),
                    clock,
                ),
            },
            clock,
        )?),
        None => None,
    };
    Ok(LoggedTouchpoint {
        touchpoint: touchpoints::load(tx, id)?,
        promise,
    })
}

impl Store {
    /// Logs a touchpoint (and the promise made during it, if any).
    pub fn log_touchpoint(
        &mut self,
        mut input: TouchpointInput,
        clock: &Clock,
    ) -> Result<LoggedTouchpoint> {
        let mut tx = self.begin()?;
        let known = customers::exists(&tx, input.customer_id)?;
        validate(&mut input, clock.timestamp(), known)?;
        let logged = log(&mut tx, &input, clock)?;
        self.commit(tx)?;
        Ok(logged)
    }

    pub fn update_touchpoint(
        &mut self,
        id: i64,
        mut input: TouchpointInput,
        clock: &Clock,
    ) -> Result<Touchpoint> {
        input.promise = None;
        let mut tx = self.begin()?;
        let before = touchpoints::load(&tx, id)?;
        let known = customers::exists(&tx, input.customer_id)?;
        validate(&mut input, clock.timestamp(), known)?;
        touchpoints::update(&mut tx, &before, &input, clock)?;
        let touchpoint = touchpoints::load(&tx, id)?;
        self.commit(tx)?;
        Ok(touchpoint)
    }

    /// Deletes a touchpoint. Undo brings back the same touchpoint, linked
    /// again to the promises made during it.
    pub fn delete_touchpoint(&mut self, id: i64, clock: &Clock) -> Result<Undo> {
        let mut tx = self.begin()?;
        let touchpoint = touchpoints::load(&tx, id)?;
        let mut capture = Capture::new("delete_touchpoint");
        capture.rows(&tx, "touchpoints", "id = ?1", &[&id])?;
        capture.rows(&tx, "custom_reminders", "touchpoint_id = ?1", &[&id])?;
        touchpoints::delete(&mut tx, &touchpoint)?;
        let undo = capture.record(&mut tx, clock)?;
        self.commit(tx)?;
        Ok(undo)
    }

    pub fn touchpoint(&self, id: i64) -> Result<Touchpoint> {
        touchpoints::load(self.conn(), id)
    }

    /// A customer's most recent touchpoints, newest first.
    pub fn recent_touchpoints(&self, customer_id: i64, limit: u32) -> Result<Vec<Touchpoint>> {
        touchpoints::recent(self.conn(), customer_id, limit)
    }
}
