//! What each active customer is known by, for the duplicate finder: three
//! reads in id order (names, phones, e-mails), zipped; and the pairs the
//! user said are two people.

use std::collections::HashSet;

use rusqlite::{Connection, params};

use crate::domain::calendar::PartialDate;
use crate::domain::duplicates::Identity;
use crate::error::Result;

/// Every active (not archived) customer's names, phones, e-mails and
/// birthday, in id order.
pub(crate) fn active(conn: &Connection) -> Result<Vec<Identity>> {
    // One snapshot for the three reads, so a customer archived meanwhile
    // is not half in.
    let read = conn.unchecked_transaction()?;
    let conn: &Connection = &read;
    let mut people: Vec<Identity> = Vec::new();
    let mut stmt = conn.prepare(
        "SELECT id, family_name, given_name, family_name_reading, given_name_reading, company,
                birthday_year, birthday_month, birthday_day
         FROM customers WHERE archived = 0 ORDER BY id",
    )?;
    let rows = stmt.query_map([], |r| {
        let year: Option<i32> = r.get(6)?;
        let month: Option<u32> = r.get(7)?;
        let day: Option<u32> = r.get(8)?;
        Ok(Identity {
            id: r.get(0)?,
            family_name: r.get(1)?,
            given_name: r.get(2)?,
            family_name_reading: r.get(3)?,
            given_name_reading: r.get(4)?,
            company: r.get(5)?,
            birthday: month
                .zip(day)
                .map(|(month, day)| PartialDate::new(year, month, day)),
            ..Identity::default()
        })
    })?;
    for row in rows {
        people.push(row?);
    }
    attach(
        conn,
        &mut people,
        "SELECT p.customer_id, p.number FROM customer_phones p
         JOIN customers c ON c.id = p.customer_id AND c.archived = 0
         ORDER BY p.customer_id, p.position",
        |person, number| person.phones.push(number),
    )?;
    attach(
        conn,
        &mut people,
        "SELECT e.customer_id, e.address FROM customer_emails e
         JOIN customers c ON c.id = e.customer_id AND c.archived = 0
         ORDER BY e.customer_id, e.position",
        |person, address| person.emails.push(address),
    )?;
    Ok(people)
}

/// Walks `(customer_id, text)` rows in id order alongside `people`.
fn attach(
    conn: &Connection,
    people: &mut [Identity],
    sql: &str,
    mut add: impl FnMut(&mut Identity, String),
) -> Result<()> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query([])?;
    let mut at = 0;
    while let Some(row) = rows.next()? {
        let id: i64 = row.get(0)?;
        while at < people.len() && people[at].id < id {
            at += 1;
        }
        if let Some(person) = people.get_mut(at).filter(|p| p.id == id) {
            add(person, row.get(1)?);
        }
    }
    Ok(())
}

/// The pairs the user said are two people, lower id first.
pub(crate) fn dismissed(conn: &Connection) -> Result<HashSet<(i64, i64)>> {
    let mut stmt = conn.prepare("SELECT first_id, second_id FROM duplicate_dismissals")?;
    let pairs = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(pairs.collect::<rusqlite::Result<_>>()?)
}

/// Remembers that `first` and `second` are two people.
pub(crate) fn dismiss(conn: &Connection, first: i64, second: i64, at: i64) -> Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO duplicate_dismissals (first_id, second_id, dismissed_at)
         VALUES (?1, ?2, ?3)",
        params![first.min(second), first.max(second), at],
    )?;
    Ok(())
}

/// Pairs an import could not tell apart, lower id first.
pub(crate) fn leads(conn: &Connection) -> Result<HashSet<(i64, i64)>> {
    let mut stmt = conn.prepare("SELECT first_id, second_id FROM duplicate_leads")?;
    let pairs = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(pairs.collect::<rusqlite::Result<_>>()?)
}

/// Remembers that an import could not tell `new` from `existing`.
pub(crate) fn add_lead(conn: &Connection, new: i64, existing: i64, at: i64) -> Result<()> {
    if new == existing {
        return Ok(());
    }
    conn.prepare_cached(
        "INSERT OR IGNORE INTO duplicate_leads (first_id, second_id, found_at) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![new.min(existing), new.max(existing), at])?;
    Ok(())
}
