//! Deriving reminders: the store's facts through the domain's rules.

use rusqlite::Connection;

use crate::domain::clock::Clock;
use crate::domain::reminder::window::Window;
use crate::domain::reminder::{
    Candidate, Due, dates, follow_up, keep_in_touch, promise, season, state, thanks,
};
use crate::domain::settings::Settings;
use crate::error::Result;
use crate::store::changes::NO_CUSTOMER;
use crate::store::reminder_facts::{self, Scope};
use crate::store::{plans, reminder_states};

/// The reminders of `scope` in the window, after the user's states and the
/// customers' wishes.
pub(crate) fn derive(
    conn: &Connection,
    settings: &Settings,
    clock: &Clock,
    w: &Window,
    scope: Scope<'_>,
) -> Result<Vec<Due>> {
    let mut candidates: Vec<Candidate> = Vec::new();
    for fact in reminder_facts::dated(conn, w, scope, clock)? {
        dates::candidates(&fact, w, &mut candidates);
    }
    let plans = plans::all(conn)?;
    // Steps already dealt with, and those they superseded, are not proposed.
    let closed = reminder_states::closed_follow_ups(
        conn,
        match scope {
            Scope::Everyone => None,
            Scope::Customers(ids) => Some(ids),
        },
    )?;
    for (plan_id, fact) in reminder_facts::purchases(conn, scope)? {
        if let Some(plan) = plans.iter().find(|p| p.id == Some(plan_id)) {
            let is_closed = |step: i64| closed.contains(&(fact.purchase_id, step));
            follow_up::candidates(&fact, plan, w, clock, &is_closed, &mut candidates);
        }
    }
    for fact in reminder_facts::contacts(conn, settings, w, scope, clock)? {
        candidates.extend(keep_in_touch::candidate(&fact, settings, w, clock));
    }
    for fact in reminder_facts::referrals(conn, scope)? {
        candidates.extend(thanks::candidate(&fact, w, clock));
    }
    for fact in reminder_facts::promises(conn, w, scope, clock)? {
        candidates.extend(promise::candidate(&fact, w, clock));
    }
    // The season's preparation names no one.
    let nobody_in_scope = match scope {
        Scope::Everyone => true,
        Scope::Customers(ids) => ids.contains(&NO_CUSTOMER),
    };
    if settings.season_reminders && nobody_in_scope {
        season::candidates(w, &mut candidates);
    }
    let keys: Vec<String> = candidates.iter().map(|c| c.key.to_string()).collect();
    let states = reminder_states::of_keys(conn, &keys)?;
    let wishes = reminder_facts::wishes(conn, scope)?;
    Ok(state::apply(candidates, &states, &wishes, w, clock))
}
