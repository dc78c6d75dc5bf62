//! What the user did to each reminder occurrence (`reminder_states`) and
//! which occurrences were announced (`notification_deliveries`), both under
//! the occurrence's text key.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use rusqlite::types::Value;
use rusqlite::vtab::array::Array;
use rusqlite::{Connection, params};

use super::Tx;
use crate::domain::reminder::OccurrenceKey;
use crate::domain::reminder::state::UserState;
use crate::error::Result;

fn state_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, UserState)> {
    Ok((
        r.get(0)?,
        UserState {
            status: r.get(1)?,
            snoozed_until: r.get(2)?,
            acted_at: r.get(3)?,
        },
    ))
}

/// The states of these occurrences, looked up key by key along the
/// table's key (counting the stored states first cost more than a
/// customer's whole lookup).
pub(crate) fn of_keys(conn: &Connection, keys: &[String]) -> Result<HashMap<String, UserState>> {
    let keys: Array = Rc::new(keys.iter().map(|k| Value::from(k.clone())).collect());
    let mut stmt = conn.prepare_cached(
        "SELECT s.occurrence_key, s.status, s.snoozed_until, s.acted_at
           FROM rarray(?1) k JOIN reminder_states s ON s.occurrence_key = k.value",
    )?;
    let rows = stmt.query_map([keys], state_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The follow-up steps done or skipped, as `(purchase, step)`: every one,
/// read along the key's index (the keys that start with `followup:`), or
/// these customers'.
pub(crate) fn closed_follow_ups(
    conn: &Connection,
    customers: Option<&[i64]>,
) -> Result<HashSet<(i64, i64)>> {
    const RANGE: &str = "occurrence_key >= 'followup:' AND occurrence_key < 'followup;'
                         AND status IN ('done', 'skipped')";
    let mut closed = HashSet::new();
    let mut take = |r: &rusqlite::Row<'_>| -> Result<()> {
        if let Some(Ok(OccurrenceKey::FollowUp { purchase, step })) =
            r.get_ref(0)?.as_str().ok().map(str::parse)
        {
            closed.insert((purchase, step));
        }
        Ok(())
    };
    match customers {
        None => {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT occurrence_key FROM reminder_states WHERE {RANGE}"
            ))?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                take(r)?;
            }
        }
        Some(ids) => {
            let ids: Array = Rc::new(ids.iter().copied().map(Value::from).collect());
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT occurrence_key FROM reminder_states
                  WHERE customer_id IN rarray(?1) AND {RANGE}"
            ))?;
            let mut rows = stmt.query([ids])?;
            while let Some(r) = rows.next()? {
                take(r)?;
            }
        }
    }
    Ok(closed)
}

/// Records what the user did to an occurrence of `customer`'s.
pub(crate) fn set(
    tx: &mut Tx<'_>,
    key: &str,
    customer: Option<i64>,
    state: &UserState,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO reminder_states (occurrence_key, customer_id, status, snoozed_until, acted_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (occurrence_key) DO UPDATE SET status = excluded.status,
             snoozed_until = excluded.snoozed_until, acted_at = excluded.acted_at",
    )?
    .execute(params![
        key,
        customer,
        state.status,
        state.snoozed_until,
        state.acted_at
    ])?;
    tx.changed.reminder(customer);
    Ok(())
}

pub(crate) fn clear(tx: &mut Tx<'_>, key: &str, customer: Option<i64>) -> Result<()> {
    tx.prepare_cached("DELETE FROM reminder_states WHERE occurrence_key = ?1")?
        .execute([key])?;
    tx.changed.reminder(customer);
    Ok(())
}

/// The earliest end of a snooze after `now`.
pub(crate) fn next_snooze_end(conn: &Connection, now: i64) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached(
            // A literal, so the partial index on snoozes serves.
            "SELECT min(snoozed_until) FROM reminder_states
              WHERE status = 'snoozed' AND snoozed_until > ?1",
        )?
        .query_row([now], |r| r.get(0))?)
}

pub(crate) fn announced(conn: &Connection, announcement: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM notification_deliveries WHERE occurrence_key = ?1")?
        .exists([announcement])?)
}

/// Records deliveries; announcing changes no reminder, so nothing is derived.
pub(crate) fn mark_announced(conn: &Connection, announcements: &[String], at: i64) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT OR IGNORE INTO notification_deliveries (occurrence_key, delivered_at)
         VALUES (?1, ?2)",
    )?;
    for announcement in announcements {
        stmt.execute(params![announcement, at])?;
    }
    Ok(())
}

/// Forgets what was done about, and announced of, every occurrence whose
/// key starts with `prefix` (the steps of a deleted purchase), so that a
/// later row given the same id starts afresh.
pub(crate) fn forget_prefix(tx: &mut Tx<'_>, prefix: &str, customer: Option<i64>) -> Result<()> {
    let (from, to) = OccurrenceKey::prefix_range(prefix);
    tx.prepare_cached(
        "DELETE FROM reminder_states WHERE occurrence_key >= ?1 AND occurrence_key < ?2",
    )?
    .execute([&from, &to])?;
    tx.prepare_cached(
        "DELETE FROM notification_deliveries WHERE occurrence_key >= ?1 AND occurrence_key < ?2",
    )?
    .execute([&from, &to])?;
    tx.changed.reminder(customer);
    Ok(())
}

/// What was done about the occurrences whose keys start with `prefix` now
/// belongs to `customer` (a purchase moved to another customer), so that
/// deriving that customer's reminders finds it.
pub(crate) fn move_prefix(tx: &mut Tx<'_>, prefix: &str, customer: i64) -> Result<()> {
    let (from, to) = OccurrenceKey::prefix_range(prefix);
    tx.prepare_cached(
        "UPDATE reminder_states SET customer_id = ?3
          WHERE occurrence_key >= ?1 AND occurrence_key < ?2",
    )?
    .execute(params![from, to, customer])?;
    tx.changed.reminder(Some(customer));
    Ok(())
}

/// The condition (`?1` the step id) that finds the states and
/// announcements of a follow-up step, whichever purchase they are of.
const OF_FOLLOW_UP_STEP: &str = "occurrence_key >= 'followup:' AND occurrence_key < 'followup;'
     AND (occurrence_key LIKE '%:' || ?1 OR occurrence_key LIKE '%:' || ?1 || '@%')";

/// Forgets what was done about, and announced of, these follow-up steps
/// for every purchase (the steps were removed from their plan), so that a
/// step later given the same id starts afresh.
pub(crate) fn forget_follow_up_steps(tx: &mut Tx<'_>, steps: &[i64]) -> Result<()> {
    for step in steps {
        for table in ["reminder_states", "notification_deliveries"] {
            tx.prepare_cached(&format!("DELETE FROM {table} WHERE {OF_FOLLOW_UP_STEP}"))?
                .execute([step])?;
        }
    }
    if !steps.is_empty() {
        tx.changed.reminders_everywhere();
    }
    Ok(())
}

/// The occurrences that name a customer, by prefix (their dates, their
/// keep-in-touch, their purchases' follow-ups) and by key (their
/// promises, the thank-yous for introductions they were part of).
pub(crate) struct CustomerOccurrences {
    pub prefixes: Vec<String>,
    pub keys: Vec<String>,
}

pub(crate) fn of_customer(conn: &Connection, customer: i64) -> Result<CustomerOccurrences> {
    let ids = |sql: &str| -> Result<Vec<i64>> {
        Ok(conn
            .prepare_cached(sql)?
            .query_map([customer], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    };
    let mut prefixes: Vec<String> = OccurrenceKey::customer_prefixes(customer).into();
    prefixes.extend(
        ids("SELECT id FROM purchases WHERE customer_id = ?1")?
            .into_iter()
            .map(OccurrenceKey::follow_up_prefix),
    );
    let mut keys: Vec<String> = ids("SELECT id FROM custom_reminders WHERE customer_id = ?1")?
        .into_iter()
        .map(|id| OccurrenceKey::Promise { id }.to_string())
        .collect();
    for referral in ids("SELECT id FROM referrals WHERE referrer_id = ?1 OR referred_id = ?1")? {
        keys.push(OccurrenceKey::ThanksIntroduced { referral }.to_string());
        keys.push(OccurrenceKey::ThanksBought { referral }.to_string());
    }
    Ok(CustomerOccurrences { prefixes, keys })
}

/// [`forget_prefix`] for one occurrence and its returns from snoozes.
pub(crate) fn forget(tx: &mut Tx<'_>, key: &str, customer: Option<i64>) -> Result<()> {
    tx.prepare_cached("DELETE FROM reminder_states WHERE occurrence_key = ?1")?
        .execute([key])?;
    tx.prepare_cached(
        "DELETE FROM notification_deliveries WHERE occurrence_key = ?1 OR occurrence_key LIKE ?2",
    )?
    .execute(params![key, format!("{key}@%")])?;
    tx.changed.reminder(customer);
    Ok(())
}
