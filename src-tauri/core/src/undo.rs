//! Undo, as an operation of the core. An undoable action captures the rows
//! it is about to change or remove, and after writing, what they became; the
//! undo log keeps both (`store/undo_log.rs`). Undoing puts back the very
//! same rows — same ids, so a purchase's follow-ups come back with what was
//! already done about them and its announcements, and nothing is notified
//! twice — unless one of those rows was changed since, in which case
//! nothing is undone and the user is told why.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::clock::Clock;
use crate::domain::reminder::OccurrenceKey;
use crate::error::{Error, Result};
use crate::store::changes::Changed;
use crate::store::rows::{self, Row};
use crate::store::undo_log::{self, RowChange};
use crate::store::{Store, Tx, customers, search};

/// What the interface keeps to undo an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Undo {
    /// The undo log entry.
    pub id: i64,
}

/// The rows an action is about to change, collected before it writes.
pub(crate) struct Capture {
    action: &'static str,
    rows: Vec<(&'static str, Row, Option<Row>)>,
}

impl Capture {
    pub fn new(action: &'static str) -> Self {
        Capture {
            action,
            rows: Vec::new(),
        }
    }

    fn push(&mut self, table: &'static str, key: Row, before: Option<Row>) {
        let seen = self.rows.iter().any(|(t, k, _)| *t == table && *k == key);
        if !seen {
            self.rows.push((table, key, before));
        }
    }

    /// The rows of `table` matching `condition` (fixed SQL from the code),
    /// as they are now.
    pub fn rows(
        &mut self,
        tx: &Tx<'_>,
        table: &'static str,
        condition: &str,
        params: &[&dyn rusqlite::ToSql],
    ) -> Result<()> {
        self.select(tx, table, condition, params, true)
    }

    /// Notes the rows matching `condition`, as they are now (`now`) or as
    /// absent before the action.
    fn select(
        &mut self,
        tx: &Tx<'_>,
        table: &'static str,
        condition: &str,
        params: &[&dyn rusqlite::ToSql],
        now: bool,
    ) -> Result<()> {
        for row in rows::select(tx, table, condition, params)? {
            let key = rows::key_of(tx, table, &row)?;
            self.push(table, key, now.then_some(row));
        }
        Ok(())
    }

    /// One row by its key, as it is now (absent is remembered too).
    pub fn row(&mut self, tx: &Tx<'_>, table: &'static str, key: Row) -> Result<()> {
        let before = rows::find(tx, table, &key)?;
        self.push(table, key, before);
        Ok(())
    }

    /// A row the action has just created.
    pub fn created(&mut self, table: &'static str, id: i64) {
        let mut key = Row::new();
        key.insert("id".to_owned(), id.into());
        self.push(table, key, None);
    }

    /// Everything recorded about a customer, before it is deleted.
    pub fn customer(&mut self, tx: &Tx<'_>, id: i64) -> Result<()> {
        self.rows(tx, "customers", "id = ?1", &[&id])?;
        // Tags only this customer used go with them.
        self.rows(
            tx,
            "tags",
            "id IN (SELECT tag_id FROM customer_tags WHERE customer_id = ?1)
               AND NOT EXISTS (SELECT 1 FROM customer_tags ct
                                WHERE ct.tag_id = tags.id AND ct.customer_id <> ?1)",
            &[&id],
        )?;
        // Every recorded table that names its customer.
        for table in rows::TABLES {
            if rows::columns(tx, table)?.iter().any(|c| c == "customer_id") {
                self.rows(tx, table, "customer_id = ?1", &[&id])?;
            }
        }
        self.rows(
            tx,
            "referrals",
            "referrer_id = ?1 OR referred_id = ?1",
            &[&id],
        )?;
        // What was said or found about them as a possible duplicate,
        // whichever side they are on.
        for table in ["duplicate_dismissals", "duplicate_leads"] {
            self.rows(tx, table, "first_id = ?1 OR second_id = ?1", &[&id])?;
        }
        Ok(())
    }

    /// Rows matching `condition` that the action created: those not
    /// captured before it wrote, noted as absent before. Called after the
    /// writes, for rows whose keys are not known in advance (a list
    /// rewritten, a state re-keyed).
    pub fn appeared(
        &mut self,
        tx: &Tx<'_>,
        table: &'static str,
        condition: &str,
        params: &[&dyn rusqlite::ToSql],
    ) -> Result<()> {
        self.select(tx, table, condition, params, false)
    }

    /// What was done about these occurrences, and their announcements: for
    /// the prefix `followup:12:` every step of purchase 12.
    pub fn occurrences(&mut self, tx: &Tx<'_>, prefix: &str) -> Result<()> {
        let (from, to) = OccurrenceKey::prefix_range(prefix);
        for table in ["reminder_states", "notification_deliveries"] {
            self.rows(
                tx,
                table,
                "occurrence_key >= ?1 AND occurrence_key < ?2",
                &[&from, &to],
            )?;
        }
        Ok(())
    }

    /// What was done about one occurrence and its announcements (also those
    /// of its returns from a snooze).
    pub fn occurrence(&mut self, tx: &Tx<'_>, key: &str) -> Result<()> {
        let snoozed = format!("{key}@%");
        self.rows(tx, "reminder_states", "occurrence_key = ?1", &[&key])?;
        self.rows(
            tx,
            "notification_deliveries",
            "occurrence_key = ?1 OR occurrence_key LIKE ?2",
            &[&key, &snoozed],
        )
    }

    /// Notes what the rows became and keeps the whole in the undo log.
    pub fn record(self, tx: &mut Tx<'_>, clock: &Clock) -> Result<Undo> {
        let mut changes = Vec::with_capacity(self.rows.len());
        for (table, key, before) in self.rows {
            let after = rows::find(tx, table, &key)?;
            if before != after {
                changes.push(RowChange {
                    table: table.to_owned(),
                    key,
                    before,
                    after,
                });
            }
        }
        let id = undo_log::record(tx, self.action, clock.timestamp(), &changes)?;
        Ok(Undo { id })
    }
}

fn number(row: &Row, column: &str) -> Option<i64> {
    row.get(column).and_then(serde_json::Value::as_i64)
}

/// What putting a row back (or removing it) changes for derived data.
fn note_row(changed: &mut Changed, table: &str, row: &Row) {
    let customer = number(row, "customer_id");
    match table {
        "touchpoints" => {
            if let (Some(c), Some(at)) = (customer, number(row, "occurred_at")) {
                changed.touch(c, at);
            }
        }
        "purchases" => {
            if let (Some(c), Some(at)) = (customer, number(row, "purchased_at")) {
                changed.purchase(c, at);
            }
        }
        "referrals" => {
            if let Some(referred) = number(row, "referred_id") {
                changed.referral(referred, number(row, "referrer_id"));
            }
        }
        "customers" => {
            if let Some(id) = number(row, "id") {
                changed.profile(id);
                changed.activity.insert(id);
                changed.channels.insert(id);
            }
        }
        "reminder_states" | "custom_reminders" => changed.reminder(customer),
        "settings" | "follow_up_plans" | "follow_up_steps" => changed.reminders_everywhere(),
        _ => {
            if let Some(c) = customer {
                changed.profile(c);
            }
        }
    }
}

/// A row that cannot go back because of what happened since — a parent
/// deleted (a foreign key, checked when the transaction commits), a value
/// now taken (a unique key) — is the same refusal as a row changed since.
fn refused_if_constraint(e: Error) -> Error {
    match &e {
        Error::Storage(rusqlite::Error::SqliteFailure(failure, _))
            if failure.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            Error::ChangedSince
        }
        _ => e,
    }
}

impl Store {
    /// Undoes an action: the rows it changed are put back as they were,
    /// with their ids. Refused, changing nothing, when one of them was
    /// changed since (or something it depends on was removed), or the
    /// action is too old to undo.
    pub fn undo(&mut self, undo: Undo, clock: &Clock) -> Result<()> {
        let mut tx = self.begin()?;
        let entry = undo_log::find(&tx, undo.id)?
            .filter(|entry| entry.created_at >= clock.timestamp() - undo_log::KEPT_SECONDS)
            .ok_or(Error::UndoExpired)?;
        for change in &entry.changes {
            let now = rows::find(&tx, &change.table, &change.key)?;
            let unchanged = match (&now, &change.after) {
                (None, None) => true,
                (Some(now), Some(after)) => rows::same_record(&change.table, now, after),
                _ => false,
            };
            if !unchanged {
                return Err(Error::ChangedSince);
            }
        }
        put_back(&mut tx, &entry.changes).map_err(refused_if_constraint)?;
        undo_log::remove(&tx, undo.id)?;
        // Dropped uncommitted, the transaction leaves everything as it was.
        self.commit(tx).map_err(refused_if_constraint)?;
        tracing::info!(undo = undo.id, action = entry.action, "undone");
        Ok(())
    }
}

/// Puts the rows back as they were before the action.
fn put_back(tx: &mut Tx<'_>, changes: &[RowChange]) -> Result<()> {
    // Foreign keys are checked once all rows are back. Unique keys are
    // checked row by row, so rows the action created go first and rows it
    // removed come back last: a merge that moved an introduction onto the
    // record that stays, after removing that record's own, is undone by
    // moving it back before the removed one returns. Within each pass rows
    // keep the order they were captured in, parents first.
    rows::defer_foreign_keys(tx)?;
    let mut restored_customers = Vec::new();
    for change in changes {
        if let (None, Some(after)) = (&change.before, &change.after) {
            rows::delete(tx, &change.table, &change.key)?;
            note_row(&mut tx.changed, &change.table, after);
        }
    }
    for change in changes {
        if let (Some(before), Some(after)) = (&change.before, &change.after) {
            rows::update(tx, &change.table, before)?;
            note_row(&mut tx.changed, &change.table, before);
            note_row(&mut tx.changed, &change.table, after);
            if change.table == "customers" {
                restored_customers.extend(number(before, "id"));
            }
        }
    }
    for change in changes {
        if let (Some(before), None) = (&change.before, &change.after) {
            rows::insert(tx, &change.table, before)?;
            note_row(&mut tx.changed, &change.table, before);
            if change.table == "customers" {
                restored_customers.extend(number(before, "id"));
            }
        }
    }
    for id in restored_customers {
        let customer = customers::load(tx, id)?;
        search::index_customer(tx, id, &customer.profile)?;
    }
    Ok(())
}
