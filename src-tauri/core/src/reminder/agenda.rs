//! The agenda: the day's derived reminders, stored (`reminder_agenda`) so
//! that reading them costs an index range, not a derivation of every
//! occurrence in the window. It is rebuilt whole when the day, the time zone,
//! a setting or a follow-up plan changes, and otherwise derived again only
//! for the customers whose data changed since — triggers on every table a
//! reminder is derived from list them in `reminder_agenda_dirty`, so a
//! write anywhere in the core (or in another process) is never missed.

use std::rc::Rc;

use chrono::{Datelike, NaiveDate};
use rusqlite::types::Value;
use rusqlite::vtab::array::Array;
use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::FollowUpKind;
use super::derive::{Candidate, Due, NO_CUSTOMER, Scope};
use crate::clock::Clock;
use crate::error::Result;
use crate::settings::Settings;
use crate::store::Store;

/// Bumped whenever the derivation rules change, so that agendas stored by
/// an earlier build are rebuilt rather than trusted.
const RULES_VERSION: u32 = 1;

/// Days are stored as days since 1 January of year 1.
pub(super) fn day_number(day: NaiveDate) -> i64 {
    i64::from(day.num_days_from_ce())
}

fn from_day_number(n: i64) -> NaiveDate {
    i32::try_from(n)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .unwrap_or_default()
}

/// Which section of the Today view.
#[derive(Clone, Copy)]
pub(super) enum Section {
    Overdue,
    Today,
    Upcoming,
}

const COLUMNS: &str = "occurrence_key, customer_id, kind, follow_up, due_on, occasion_on, due_at,
                       years, subject, purchase_id, snoozed";

/// Shown now: not still hidden by a snooze that ends later today.
const SHOWN: &str = "(hidden_until IS NULL OR hidden_until <= ?2)";

fn due_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Due> {
    let at: i64 = r.get(6)?;
    Ok(Due {
        candidate: Candidate {
            key: r.get(0)?,
            customer_id: r.get(1)?,
            kind: r.get(2)?,
            follow_up: r.get::<_, Option<FollowUpKind>>(3)?,
            due_on: from_day_number(r.get(4)?),
            occasion_on: from_day_number(r.get(5)?),
            due_at: Some(at),
            years: r.get(7)?,
            subject: r.get(8)?,
            purchase_id: r.get(9)?,
            cadence: None,
            item: String::new(),
        },
        snoozed: r.get(10)?,
        at,
        hidden_until: None,
    })
}

impl Store {
    /// Brings the agenda up to date for `clock`'s day. Cheap when nothing
    /// changed: one row and one emptiness test.
    pub(super) fn refresh_agenda(&self, settings: &Settings, clock: &Clock) -> Result<()> {
        let built_for = format!("{}|{}|{RULES_VERSION}", clock.today(), clock.tz.name());
        let current = |store: &Store| -> Result<(bool, bool)> {
            let stored: Option<String> = store
                .conn
                .prepare_cached("SELECT built_for FROM reminder_agenda_meta WHERE id = 1")?
                .query_row([], |r| r.get(0))
                .optional()?
                .flatten();
            let dirty: bool = store
                .conn
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM reminder_agenda_dirty)")?
                .query_row([], |r| r.get(0))?;
            Ok((stored.as_deref() == Some(built_for.as_str()), dirty))
        };
        if let (true, false) = current(self)? {
            return Ok(());
        }
        // Take the write lock before looking again, so two processes do not
        // both rebuild, and what is read is what is replaced.
        let tx = rusqlite::Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        let (fresh, dirty) = current(self)?;
        let w = self.window(settings, clock)?;
        if !fresh {
            let due = self.derive(settings, clock, &w, Scope::Everyone)?;
            self.conn
                .execute_batch("DELETE FROM reminder_agenda; DELETE FROM reminder_agenda_dirty;")?;
            self.insert_agenda(&due)?;
            self.conn.execute(
                "UPDATE reminder_agenda_meta SET built_for = ?1 WHERE id = 1",
                [&built_for],
            )?;
        } else if dirty {
            let ids: Vec<i64> = self
                .conn
                .prepare_cached("SELECT DISTINCT customer_id FROM reminder_agenda_dirty")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let due = self.derive(settings, clock, &w, Scope::Customers(&ids))?;
            let values: Array = Rc::new(ids.iter().copied().map(Value::from).collect());
            self.conn
                .prepare_cached("DELETE FROM reminder_agenda WHERE customer_id IN rarray(?1)")?
                .execute([values])?;
            if ids.contains(&NO_CUSTOMER) {
                self.conn
                    .execute("DELETE FROM reminder_agenda WHERE customer_id IS NULL", [])?;
            }
            self.insert_agenda(&due)?;
            self.conn.execute("DELETE FROM reminder_agenda_dirty", [])?;
        }
        tx.commit()?;
        Ok(())
    }

    fn insert_agenda(&self, due: &[Due]) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO reminder_agenda (occurrence_key, customer_id, kind, follow_up, due_on,
                                          occasion_on, due_at, years, subject, purchase_id,
                                          snoozed, hidden_until)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?;
        for d in due {
            let c = &d.candidate;
            stmt.execute(params![
                c.key,
                c.customer_id,
                c.kind,
                c.follow_up,
                day_number(c.due_on),
                day_number(c.occasion_on),
                d.at,
                c.years,
                c.subject,
                c.purchase_id,
                d.snoozed,
                d.hidden_until,
            ])?;
        }
        Ok(())
    }

    /// How many reminders each section holds now: (overdue, today, upcoming).
    pub(super) fn section_totals(&self, clock: &Clock) -> Result<(u32, u32, u32)> {
        let today = day_number(clock.today());
        let mut count = self.conn.prepare_cached(&format!(
            "SELECT count(*) FROM reminder_agenda WHERE due_on BETWEEN ?1 AND ?3 AND {SHOWN}"
        ))?;
        let now = clock.timestamp();
        let mut between = |from: i64, to: i64| -> Result<u32> {
            let n: i64 = count.query_row(params![from, now, to], |r| r.get(0))?;
            Ok(u32::try_from(n).unwrap_or(u32::MAX))
        };
        Ok((
            between(i64::MIN, today - 1)?,
            between(today, today)?,
            between(today + 1, i64::MAX)?,
        ))
    }

    /// The first `limit` reminders of a section, in the order it shows them:
    /// the most recently due first for overdue ones, soonest first otherwise.
    /// A reminder's day is the local day of its moment, so ordering by day
    /// and then moment follows the index and equals ordering by moment.
    pub(super) fn section(
        &self,
        section: Section,
        limit: usize,
        clock: &Clock,
    ) -> Result<Vec<Due>> {
        let (range, order) = match section {
            // Read backwards along the index; ties fall in reverse key order.
            Section::Overdue => (
                "due_on < ?1",
                "due_on DESC, due_at DESC, occurrence_key DESC",
            ),
            Section::Today => ("due_on = ?1", "due_on, due_at, occurrence_key"),
            Section::Upcoming => ("due_on > ?1", "due_on, due_at, occurrence_key"),
        };
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM reminder_agenda
              WHERE {range} AND {SHOWN} ORDER BY {order} LIMIT ?3"
        ))?;
        let rows = stmt.query_map(
            params![
                day_number(clock.today()),
                clock.timestamp(),
                i64::try_from(limit).unwrap_or(i64::MAX)
            ],
            due_from_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every reminder shown now that fell due by now.
    pub(super) fn due_by_now(&self, clock: &Clock) -> Result<Vec<Due>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM reminder_agenda
              WHERE due_on <= ?1 AND due_at <= ?2 AND {SHOWN}"
        ))?;
        let rows = stmt.query_map(
            params![day_number(clock.today()), clock.timestamp()],
            due_from_row,
        )?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The next moment a reminder in the agenda falls due or comes back from
    /// a snooze, after now.
    pub(super) fn next_in_agenda(&self, clock: &Clock) -> Result<Option<i64>> {
        let (due, back): (Option<i64>, Option<i64>) = self
            .conn
            .prepare_cached(
                "SELECT (SELECT min(due_at) FROM reminder_agenda
                          WHERE due_on >= ?1 AND due_at > ?2 AND hidden_until IS NULL),
                        (SELECT min(hidden_until) FROM reminder_agenda WHERE hidden_until > ?2)",
            )?
            .query_row(params![day_number(clock.today()), clock.timestamp()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        Ok(match (due, back) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        })
    }
}
