//! Turning derived reminders into what the user reads: the customer beside
//! each, the headline and a draft in the customer's own language.

use rusqlite::Connection;

use crate::domain::clock::Clock;
use crate::domain::reminder::draft::draft;
use crate::domain::reminder::headline::headline;
use crate::domain::reminder::window::Window;
use crate::domain::reminder::{DraftLanguage, Due, Reminder, add_days};
use crate::domain::settings::Settings;
use crate::error::Result;
use crate::store::{purchases, reminder_facts};

/// Full reminders for the given few; those whose customer is gone are left out.
pub(crate) fn build(
    conn: &Connection,
    due: Vec<Due>,
    settings: &Settings,
    language: DraftLanguage,
    clock: &Clock,
) -> Result<Vec<Reminder>> {
    let today = clock.today();
    let ids: Vec<i64> = due.iter().filter_map(|d| d.candidate.customer_id).collect();
    let people = reminder_facts::addressees(conn, &ids)?;
    let mut reminders = Vec::with_capacity(due.len());
    for Due {
        candidate: c,
        snoozed,
        at,
        ..
    } in due
    {
        let item = match c.purchase_id {
            Some(purchase) => purchases::item(conn, purchase)?.unwrap_or_default(),
            None => String::new(),
        };
        let person = c.customer_id.and_then(|id| people.get(&id));
        if c.customer_id.is_some() && person.is_none() {
            continue;
        }
        // Written in the customer's language, whatever the interface's.
        let language = person.map_or(language, |(_, _, own)| *own);
        let addressee = person.map(|(_, a, _)| a);
        let headline = headline(&c, &item, today, language);
        let draft = draft(&c, &item, today, addressee, settings, language);
        // A follow-up is about its step's own label, or else the item.
        let subject = if c.follow_up.is_some() && c.subject.is_empty() {
            item
        } else {
            c.subject
        };
        reminders.push(Reminder {
            key: c.key.to_string(),
            kind: c.kind,
            customer: person.map(|(customer, _, _)| customer.clone()),
            due_on: c.due_on,
            due_at: at,
            occasion_on: c.occasion_on,
            expires_on: c.expires_on,
            offered_until: c
                .expires_on
                .map(|last| Window::start_of(add_days(last, 1), clock)),
            years: c.years,
            follow_up: c.follow_up,
            snoozed,
            headline,
            draft,
            subject,
            language,
        });
    }
    Ok(reminders)
}
