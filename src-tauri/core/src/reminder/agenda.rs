//! Keeping the agenda (`store/agenda.rs`) up to date: rebuilt whole when the
//! day, the time zone, a setting or a follow-up plan changes, and otherwise
//! derived again only for the customers whose data changed since — the
//! owner of derived data lists them as part of every write.

use super::derive::derive;
use crate::domain::clock::Clock;
use crate::domain::reminder::window::Window;
use crate::domain::settings::Settings;
use crate::error::Result;
use crate::store::reminder_facts::Scope;
use crate::store::{Store, agenda};

/// Bumped whenever the rules change, so that agendas stored by an earlier
/// build are rebuilt rather than trusted.
const RULES_VERSION: u32 = 3;

/// What an agenda built for `clock`'s day by these rules is labelled.
fn label(clock: &Clock) -> String {
    format!("{}|{}|{RULES_VERSION}", clock.today(), clock.tz.name())
}

/// Whether the agenda in the store was built under `wanted` (a [`label`]).
fn built_as(conn: &rusqlite::Connection, wanted: &str) -> Result<bool> {
    Ok(agenda::built_for(conn)?.as_deref() == Some(wanted))
}

impl Store {
    /// Whether the agenda in the store was built by these rules in this
    /// zone for one of the two days before: what it holds is then still
    /// mostly today's, for a window that wants it at once.
    pub(crate) fn agenda_is_of_day_before(&self, clock: &Clock) -> Result<bool> {
        let Some(built) = agenda::built_for(self.conn())? else {
            return Ok(false);
        };
        let mut parts = built.split('|');
        let day = parts
            .next()
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        let same_rules = parts.next() == Some(clock.tz.name())
            && parts.next() == Some(&RULES_VERSION.to_string());
        let today = clock.today();
        Ok(matches!(day, Some(day) if same_rules && day < today && (today - day).num_days() <= 2))
    }

    /// Whether the agenda must be derived whole for `clock`'s day — a new
    /// day, zone or rules, or a changed setting or follow-up plan — rather
    /// than again for a few changed customers. The whole derivation reads
    /// every customer's history; the app runs it in a process of its own.
    pub fn agenda_needs_rebuild(&self, clock: &Clock) -> Result<bool> {
        Ok(!built_as(self.conn(), &label(clock))?)
    }

    /// Derives the day's agenda if it is not up to date (the window calls
    /// this on a connection of its own, so it waits for no one).
    pub fn prepare_agenda(&self, clock: &Clock) -> Result<()> {
        let settings = self.settings()?;
        self.refresh_agenda(&settings, clock)
    }

    /// Brings the agenda up to date for `clock`'s day. Cheap when nothing
    /// changed: one row and one emptiness test.
    pub(crate) fn refresh_agenda(&self, settings: &Settings, clock: &Clock) -> Result<()> {
        let wanted = label(clock);
        let fresh = |conn: &rusqlite::Connection| -> Result<(bool, bool)> {
            Ok((built_as(conn, &wanted)?, agenda::any_dirty(conn)?))
        };
        if let (true, false) = fresh(self.conn())? {
            return Ok(());
        }
        // Look again under the write lock, so two processes do not both
        // rebuild, and what is read is what is replaced.
        let tx = self.begin()?;
        let (built, dirty) = fresh(&tx)?;
        let w = Window::today(settings, clock);
        if !built {
            let started = std::time::Instant::now();
            let due = derive(&tx, settings, clock, &w, Scope::Everyone)?;
            agenda::replace_all(&tx, &due, &wanted)?;
            tracing::info!(
                reminders = due.len(),
                ms = started.elapsed().as_millis() as u64,
                "agenda rebuilt"
            );
        } else if dirty {
            let customers = agenda::dirty(&tx)?;
            let due = derive(&tx, settings, clock, &w, Scope::Customers(&customers))?;
            agenda::replace_customers(&tx, &customers, &due)?;
        }
        self.commit(tx)?;
        Ok(())
    }
}
