//! Promises the salesperson made: added on their own or with a touchpoint,
//! kept (or reopened), deleted (undoably).

pub use crate::domain::promise::*;

use chrono::NaiveDate;

use crate::domain::clock::Clock;
use crate::domain::reminder::OccurrenceKey;
use crate::domain::reminder::state::{Status, UserState};
use crate::error::Result;
use crate::store::{Store, customers, promises, reminder_states};
use crate::undo::{Capture, Undo};

impl Store {
    /// A reminder of the user's own for a customer: a promise to keep on
    /// `due_on`, at `due_time` (`HH:MM`, or empty for 9:00).
    pub fn add_promise(
        &mut self,
        customer_id: i64,
        title: &str,
        due_on: NaiveDate,
        due_time: &str,
        clock: &Clock,
    ) -> Result<Promise> {
        let mut title = title.to_owned();
        let mut tx = self.begin()?;
        let minutes = validate(&mut title, due_time, customers::exists(&tx, customer_id)?)?;
        let promise = promises::insert(
            &mut tx,
            &NewPromise {
                customer_id,
                touchpoint_id: None,
                title,
                due_at: due_at(due_on, minutes, clock),
            },
            clock,
        )?;
        self.commit(tx)?;
        Ok(promise)
    }

    /// Marks a promise kept (or, with `done = false`, open again).
    pub fn set_promise_done(&mut self, id: i64, done: bool, clock: &Clock) -> Result<Promise> {
        let mut tx = self.begin()?;
        let promise = promises::load(&tx, id)?;
        let key = OccurrenceKey::Promise { id }.to_string();
        if done {
            let state = UserState {
                status: Status::Done,
                snoozed_until: None,
                acted_at: clock.timestamp(),
            };
            reminder_states::set(&mut tx, &key, promise.customer_id, &state)?;
        } else {
            reminder_states::clear(&mut tx, &key, promise.customer_id)?;
        }
        self.commit(tx)?;
        promises::load(self.conn(), id)
    }

    /// Deletes a promise; undo brings it back, kept or not as it was.
    pub fn delete_promise(&mut self, id: i64, clock: &Clock) -> Result<Undo> {
        let mut tx = self.begin()?;
        let promise = promises::load(&tx, id)?;
        let key = OccurrenceKey::Promise { id }.to_string();
        let mut capture = Capture::new("delete_promise");
        capture.rows(&tx, "custom_reminders", "id = ?1", &[&id])?;
        capture.occurrence(&tx, &key)?;
        reminder_states::forget(&mut tx, &key, promise.customer_id)?;
        promises::delete(&mut tx, &promise)?;
        let undo = capture.record(&mut tx, clock)?;
        self.commit(tx)?;
        Ok(undo)
    }

    /// A customer's promises not yet kept, soonest first.
    pub fn open_promises(&self, customer_id: i64) -> Result<Vec<Promise>> {
        promises::open_of_customer(self.conn(), customer_id)
    }
}
