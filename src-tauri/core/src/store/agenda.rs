//! The reminder agenda: the day's derived reminders, stored
//! (`reminder_agenda`) so that reading them costs an index range, not a
//! derivation of every occurrence in the window. `crate::reminder::agenda`
//! keeps it up to date; this is its SQL.

use std::rc::Rc;

use chrono::{Datelike, NaiveDate};
use rusqlite::types::Value;
use rusqlite::vtab::array::Array;
use rusqlite::{Connection, OptionalExtension, ToSql, params};

use super::changes::NO_CUSTOMER;
use crate::domain::clock::Clock;
use crate::domain::reminder::{Candidate, Due, FollowUpKind, OccurrenceKey};
use crate::error::Result;

/// Days are stored as days since 1 January of year 1.
pub(crate) fn day_number(day: NaiveDate) -> i64 {
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
pub(crate) enum Section {
    Overdue,
    Today,
    Upcoming,
}

const COLUMNS: &str = "occurrence_key, customer_id, kind, follow_up, due_on, occasion_on, due_at,
                       years, subject, purchase_id, snoozed, expires_on";

/// Shown now: not still hidden by a snooze that ends later today.
const SHOWN: &str = "(hidden_until IS NULL OR hidden_until <= ?2)";

/// Of an agenda built for an earlier day (shown while today's is derived):
/// what is still offered today, and nothing of a customer changed since.
const STILL_GOOD: &str = "(expires_on IS NULL OR expires_on >= ?4)
     AND coalesce(customer_id, 0) NOT IN (SELECT customer_id FROM reminder_agenda_dirty)";

/// Which rows a section reads: all the agenda holds, or, from an earlier
/// day's agenda, those still good today.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Built {
    Today,
    Earlier,
}

impl Built {
    /// The rows' filter; an earlier day's reads today's day number as `?4`.
    fn filter(self) -> &'static str {
        match self {
            Built::Today => "true",
            Built::Earlier => STILL_GOOD,
        }
    }

    /// `first` (`?1` to `?3`), and today's day number after them when the
    /// filter reads it.
    fn params<'a>(self, first: [&'a dyn ToSql; 3], today: &'a i64) -> Vec<&'a dyn ToSql> {
        let mut all = first.to_vec();
        if self == Built::Earlier {
            all.push(today);
        }
        all
    }
}

fn due_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Due> {
    let at: i64 = r.get(6)?;
    let key: String = r.get(0)?;
    let key: OccurrenceKey = key.parse().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })?;
    Ok(Due {
        candidate: Candidate {
            key,
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
            expires_on: r.get::<_, Option<i64>>(11)?.map(from_day_number),
        },
        snoozed: r.get(10)?,
        at,
        hidden_until: None,
    })
}

/// What the agenda was built for (the day, the zone, the rules' version);
/// `None` asks for a rebuild.
pub(crate) fn built_for(conn: &Connection) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT built_for FROM reminder_agenda_meta WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()?
        .flatten())
}

pub(crate) fn any_dirty(conn: &Connection) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM reminder_agenda_dirty)")?
        .query_row([], |r| r.get(0))?)
}

/// Customers whose reminders must be derived again.
pub(crate) fn dirty(conn: &Connection) -> Result<Vec<i64>> {
    Ok(conn
        .prepare_cached("SELECT DISTINCT customer_id FROM reminder_agenda_dirty")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Asks for these customers' reminders to be derived again (they are kept
/// in a table, so another process's next read sees it too).
pub(crate) fn mark_dirty(conn: &Connection, customers: &[i64]) -> Result<()> {
    if customers.is_empty() {
        return Ok(());
    }
    let ids: Array = Rc::new(customers.iter().copied().map(Value::from).collect());
    conn.prepare_cached(
        "INSERT INTO reminder_agenda_dirty (customer_id) SELECT value FROM rarray(?1)",
    )?
    .execute([ids])?;
    Ok(())
}

/// Asks for the whole agenda to be built again.
pub(crate) fn reset(conn: &Connection) -> Result<()> {
    conn.prepare_cached("UPDATE reminder_agenda_meta SET built_for = NULL")?
        .execute([])?;
    Ok(())
}

/// Replaces the whole agenda.
pub(crate) fn replace_all(conn: &Connection, due: &[Due], built_for: &str) -> Result<()> {
    conn.execute_batch("DELETE FROM reminder_agenda; DELETE FROM reminder_agenda_dirty;")?;
    insert(conn, due)?;
    conn.prepare_cached("UPDATE reminder_agenda_meta SET built_for = ?1 WHERE id = 1")?
        .execute([built_for])?;
    Ok(())
}

/// Replaces these customers' part of the agenda.
pub(crate) fn replace_customers(conn: &Connection, customers: &[i64], due: &[Due]) -> Result<()> {
    let values: Array = Rc::new(customers.iter().copied().map(Value::from).collect());
    conn.prepare_cached("DELETE FROM reminder_agenda WHERE customer_id IN rarray(?1)")?
        .execute([values])?;
    if customers.contains(&NO_CUSTOMER) {
        conn.prepare_cached("DELETE FROM reminder_agenda WHERE customer_id IS NULL")?
            .execute([])?;
    }
    insert(conn, due)?;
    conn.prepare_cached("DELETE FROM reminder_agenda_dirty")?
        .execute([])?;
    Ok(())
}

fn insert(conn: &Connection, due: &[Due]) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO reminder_agenda (occurrence_key, customer_id, kind, follow_up, due_on,
                                      occasion_on, due_at, years, subject, purchase_id,
                                      snoozed, hidden_until, expires_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?;
    for d in due {
        let c = &d.candidate;
        stmt.execute(params![
            c.key.to_string(),
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
            c.expires_on.map(day_number),
        ])?;
    }
    Ok(())
}

/// How many reminders each section holds now: (overdue, today, upcoming).
pub(crate) fn section_totals(
    conn: &Connection,
    clock: &Clock,
    built: Built,
) -> Result<(u32, u32, u32)> {
    let today = day_number(clock.today());
    let mut count = conn.prepare_cached(&format!(
        "SELECT count(*) FROM reminder_agenda
          WHERE due_on BETWEEN ?1 AND ?3 AND {SHOWN} AND {}",
        built.filter()
    ))?;
    let now = clock.timestamp();
    let mut between = |from: i64, to: i64| -> Result<u32> {
        let n: i64 = count.query_row(&*built.params([&from, &now, &to], &today), |r| r.get(0))?;
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
/// A reminder's day is the local day of its moment, so ordering by day and
/// then moment follows the index and equals ordering by moment.
pub(crate) fn section(
    conn: &Connection,
    section: Section,
    limit: usize,
    clock: &Clock,
    built: Built,
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
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM reminder_agenda
          WHERE {range} AND {SHOWN} AND {} ORDER BY {order} LIMIT ?3",
        built.filter()
    ))?;
    let today = day_number(clock.today());
    let (now, limit) = (clock.timestamp(), i64::try_from(limit).unwrap_or(i64::MAX));
    let rows = stmt.query_map(&*built.params([&today, &now, &limit], &today), due_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every reminder shown now that fell due by now.
pub(crate) fn due_by_now(conn: &Connection, clock: &Clock) -> Result<Vec<Due>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM reminder_agenda
          WHERE due_on <= ?1 AND due_at <= ?2 AND {SHOWN}"
    ))?;
    let rows = stmt.query_map(
        params![day_number(clock.today()), clock.timestamp()],
        due_from_row,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The reminder with this key, if the agenda shows it now.
pub(crate) fn shown(conn: &Connection, key: &str, clock: &Clock) -> Result<Option<Due>> {
    let due = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM reminder_agenda WHERE occurrence_key = ?1 AND {SHOWN}"
        ))?
        .query_row(params![key, clock.timestamp()], due_from_row)
        .optional()?;
    Ok(due)
}

/// The next moment a reminder in the agenda falls due or comes back from a
/// snooze, after now.
pub(crate) fn next_due(conn: &Connection, clock: &Clock) -> Result<Option<i64>> {
    let (due, back): (Option<i64>, Option<i64>) = conn
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
