//! The one owner of derived data. Every write goes through a [`Tx`] whose
//! writers record what they changed; [`Store::commit`] — the only way a
//! write is committed — first brings everything derived from it up to date
//! in the same transaction, then announces the change. Derived here:
//!
//! - each purchase's channel (new / repeat / referral), from the customer's
//!   purchases in time order and whether they were introduced;
//! - each customer's activity columns (counts, first and last purchase and
//!   contact), which the at-risk list and keep-in-touch read;
//! - how far each introduction has come (introduced → met → bought): what
//!   the salesperson set, raised to what the facts show;
//! - the dashboard's quarter-hour tallies and which customers' windows
//!   (`customer_months`) must be worked out again;
//! - which customers' reminders the agenda must derive again.
//!
//! [`Store::derived_problems`] recomputes all of it from the raw tables and
//! reports any disagreement; the tests drive every write path through it.

use crate::domain::measures::{MonthWindows, YearMonth};
use crate::domain::purchase::derive_channels;
use crate::domain::referral::settled_status;
use crate::error::Result;
use crate::store::changes::Changed;
use crate::store::purchases::{self, ChannelRow};
use crate::store::{Store, Tx, activity, agenda, customer_months, referrals, tallies};

impl Store {
    /// Commits a write after settling what is derived from it, and tells
    /// the store's listeners what changed.
    pub(crate) fn commit(&self, mut tx: Tx<'_>) -> Result<Changed> {
        settle(&mut tx)?;
        let changed = tx.commit_settled()?;
        self.publish(&changed);
        Ok(changed)
    }

    /// Whatever derived data disagrees with a recomputation from the raw
    /// tables; empty when everything is in step.
    pub fn derived_problems(&self) -> Result<Vec<String>> {
        let conn = self.conn();
        let mut problems = Vec::new();
        let stale = activity::stale_customers(conn)?;
        if !stale.is_empty() {
            problems.push(format!(
                "activity out of date for {} customer(s)",
                stale.len()
            ));
        }
        let channels = channel_fixes(&purchases::channel_rows(conn, None)?).len();
        if channels > 0 {
            problems.push(format!("channel out of date for {channels} purchase(s)"));
        }
        let statuses = referrals::status_rows(conn, None)?
            .into_iter()
            .filter(|(_, status, set, touches, bought)| {
                settled_status(*set, *touches, *bought) != *status
            })
            .count();
        if statuses > 0 {
            problems.push(format!("status out of date for {statuses} introduction(s)"));
        }
        if let Some((year, month, tz)) =
            customer_months::built_for(conn)?.and_then(|b| customer_months::parse_built_for(&b))
        {
            let windows = MonthWindows::ending(YearMonth::new(year, month), tz);
            let rows = customer_months::mismatches(conn, &windows)?;
            if rows > 0 {
                problems.push(format!(
                    "dashboard windows out of date for {rows} customer(s)"
                ));
            }
        }
        let tallies = tallies::mismatches(conn)?;
        if tallies > 0 {
            problems.push(format!(
                "dashboard tallies out of date in {tallies} quarter hour(s)"
            ));
        }
        Ok(problems)
    }

    /// The file's own soundness and derived data in step with the rows;
    /// an empty list means the store is sound.
    pub fn integrity_problems(&self) -> Result<Vec<String>> {
        let mut problems = self.sqlite_problems()?;
        problems.extend(self.derived_problems()?);
        Ok(problems)
    }
}

/// The purchases whose stored channel differs from the derived one, with
/// the channel they should have. `rows` are grouped by customer in time order.
fn channel_fixes(rows: &[ChannelRow]) -> Vec<(&ChannelRow, crate::domain::purchase::Channel)> {
    let mut fixes = Vec::new();
    for group in rows.chunk_by(|a, b| a.customer_id == b.customer_id) {
        let amounts: Vec<i64> = group.iter().map(|r| r.amount_minor).collect();
        let introduced = group.first().is_some_and(|r| r.introduced);
        for (row, channel) in group.iter().zip(derive_channels(&amounts, introduced)) {
            if row.channel != channel {
                fixes.push((row, channel));
            }
        }
    }
    fixes
}

/// Brings everything derived from the transaction's changes up to date.
fn settle(tx: &mut Tx<'_>) -> Result<()> {
    let mut changed = std::mem::take(&mut tx.changed);
    if changed.everything {
        rederive_channels(tx, None)?;
        activity::refresh_all(tx)?;
        settle_statuses(tx, None)?;
        tallies::recount_all(tx)?;
        agenda::reset(tx)?;
        customer_months::reset(tx)?;
    } else {
        if !changed.channels.is_empty() {
            let customers: Vec<i64> = changed.channels.iter().copied().collect();
            rederive_channels(tx, Some(&customers))?;
        }
        if !changed.activity.is_empty() {
            let customers: Vec<i64> = changed.activity.iter().copied().collect();
            activity::refresh(tx, &customers)?;
        }
        // Whose contacts or purchases moved: their introductions' status;
        // whose purchases moved: the dashboard's windows.
        let moved: Vec<i64> = changed.activity.union(&changed.channels).copied().collect();
        if !moved.is_empty() {
            settle_statuses(tx, Some(&moved))?;
        }
        let bought: Vec<i64> = changed.channels.iter().copied().collect();
        customer_months::mark_dirty(tx, &bought)?;
        // Channels rewritten above moved their purchases' tallies too.
        changed.merge(std::mem::take(&mut tx.changed));
        tallies::recount(tx, &changed.touch_buckets, &changed.purchase_buckets)?;
        if changed.agenda_reset {
            agenda::reset(tx)?;
        } else if !changed.agenda.is_empty() {
            // A thank-you is the referrer's reminder about the one they
            // introduced: it follows that customer's name and purchases.
            let customers: Vec<i64> = changed.agenda.iter().copied().collect();
            let referrers = referrals::referrers_of(tx, &customers)?;
            changed.agenda.extend(referrers);
            let dirty: Vec<i64> = changed.agenda.iter().copied().collect();
            agenda::mark_dirty(tx, &dirty)?;
        }
    }
    changed.merge(std::mem::take(&mut tx.changed));
    tx.changed = changed;
    Ok(())
}

/// Re-derives these customers' channels (everyone's with `None`) and
/// writes those that changed.
fn rederive_channels(tx: &mut Tx<'_>, customers: Option<&[i64]>) -> Result<()> {
    let rows = purchases::channel_rows(tx, customers)?;
    for (row, channel) in channel_fixes(&rows) {
        purchases::set_channel(tx, row, channel)?;
    }
    Ok(())
}

/// Works out each introduction's status from what the salesperson set
/// and what the facts imply.
fn settle_statuses(tx: &mut Tx<'_>, referred: Option<&[i64]>) -> Result<()> {
    for (id, status, set, touches, bought) in referrals::status_rows(tx, referred)? {
        let settled = settled_status(set, touches, bought);
        if settled != status {
            referrals::settle_status(tx, id, settled)?;
        }
    }
    Ok(())
}
