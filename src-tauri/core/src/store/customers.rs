//! Customers and their parts (phones, e-mails, addresses, dates, family,
//! tags), their introduction and their stage history. Writers keep the
//! search documents in step and record what they changed.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{Tx, reminder_states, search};
use crate::domain::calendar::{self, PartialDate};
use crate::domain::clock::Clock;
use crate::domain::customer::{
    Address, ContactChannel, Customer, CustomerProfile, CustomerRef, Email, Extra, FamilyMember,
    ImportantDate, ImportantDateKind, Phone, SIMILAR_LIMIT, SimilarQuery, SimilarReason, Source,
    TagCount,
};
use crate::domain::kana;
use crate::domain::ladder::Stage;
use crate::domain::reminder::OccurrenceKey;
use crate::error::{Error, FieldErrorCode, Result};

/// How many customers are stored (active and archived).
pub(crate) fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM customers", [], |r| r.get(0))?)
}

/// Every tag in use by active customers, with counts, by name.
pub(crate) fn tags(conn: &Connection) -> Result<Vec<TagCount>> {
    let mut stmt = conn.prepare_cached(
        "SELECT t.name, count(c.id)
           FROM tags t
           JOIN customer_tags ct ON ct.tag_id = t.id
           JOIN customers c ON c.id = ct.customer_id AND c.archived = 0
          GROUP BY t.id
          ORDER BY t.name COLLATE NOCASE",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(TagCount {
            name: r.get(0)?,
            customers: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Archives (or brings back) a customer; false when there is none.
pub(crate) fn set_archived(tx: &mut Tx<'_>, id: i64, archived: bool, at: i64) -> Result<bool> {
    let changed = tx
        .prepare_cached(
            "UPDATE customers SET archived = ?2, archived_at = CASE WHEN ?2 THEN ?3 END, updated_at = ?3
              WHERE id = ?1",
        )?
        .execute(params![id, archived, at])?;
    tx.changed.profile(id);
    Ok(changed > 0)
}

/// Deletes a customer and, through the schema's cascades, everything
/// recorded about them; false when there is none.
pub(crate) fn delete(tx: &mut Tx<'_>, id: i64) -> Result<bool> {
    let referrer: Option<i64> = tx
        .prepare_cached("SELECT referrer_id FROM referrals WHERE referred_id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    let introduced: Vec<i64> = tx
        .prepare_cached("SELECT referred_id FROM referrals WHERE referrer_id = ?1")?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    // Their touchpoints and purchases go with them: the quarter hours they
    // were counted in are counted again.
    let (touches, purchases) = history_times(tx, id)?;
    for at in touches {
        tx.changed.touch(id, at);
    }
    for at in purchases {
        tx.changed.purchase(id, at);
    }
    // The search rows go first and explicitly, so their trigger removes the
    // entry from the full-text index.
    tx.execute("DELETE FROM customer_search WHERE customer_id = ?1", [id])?;
    tx.execute("DELETE FROM customer_names WHERE customer_id = ?1", [id])?;
    let deleted = tx.execute("DELETE FROM customers WHERE id = ?1", [id])?;
    remove_unused_tags(tx)?;
    tx.changed.referral(id, referrer);
    // Those they introduced lose their introduction (and its channel).
    for referred in introduced {
        tx.changed.referral(referred, None);
    }
    Ok(deleted > 0)
}

/// When each of a customer's touchpoints and purchases happened: what a
/// change to their history recounts.
pub(crate) fn history_times(conn: &Connection, id: i64) -> Result<(Vec<i64>, Vec<i64>)> {
    let times = |sql: &str| -> Result<Vec<i64>> {
        Ok(conn
            .prepare_cached(sql)?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    };
    Ok((
        times("SELECT occurred_at FROM touchpoints WHERE customer_id = ?1")?,
        times("SELECT purchased_at FROM purchases WHERE customer_id = ?1")?,
    ))
}

/// Replaces a stored customer's profile with a validated one; shared by the
/// form and by imports, which run many of these inside one transaction.
pub(crate) fn update(
    tx: &mut Tx<'_>,
    id: i64,
    profile: &CustomerProfile,
    clock: &Clock,
) -> Result<()> {
    update_unindexed(tx, id, profile, clock)?;
    search::index_customer(tx, id, profile)
}

/// [`update`] without its search documents (see [`insert_row`]). Dates
/// that were already known keep when they became known; a changed one is
/// known from now.
pub(crate) fn update_unindexed(
    tx: &mut Tx<'_>,
    id: i64,
    profile: &CustomerProfile,
    clock: &Clock,
) -> Result<()> {
    let (previous_stage, previous_birthday): (Stage, Option<(u32, u32)>) = tx
        .prepare_cached("SELECT stage, birthday_month, birthday_day FROM customers WHERE id = ?1")?
        .query_row([id], |r| {
            Ok((
                r.get(0)?,
                r.get::<_, Option<u32>>(1)?.zip(r.get::<_, Option<u32>>(2)?),
            ))
        })
        .optional()?
        .ok_or_else(|| Error::not_found("customer", id))?;
    check_referrer(tx, Some(id), profile.referred_by)?;
    let mut values = profile_values(profile)?;
    values.extend([Value::Integer(clock.timestamp()), Value::Integer(id)]);
    tx.prepare_cached(&format!(
        "UPDATE customers SET ({PROFILE_COLUMNS}) = ({}), updated_at = ? WHERE id = ?",
        placeholders(PROFILE_COLUMN_COUNT)
    ))?
    .execute(rusqlite::params_from_iter(values))?;
    if profile.birthday.map(|b| (b.month, b.day)) != previous_birthday {
        tx.prepare_cached("UPDATE customers SET birthday_known_at = ?2 WHERE id = ?1")?
            .execute(params![id, clock.timestamp()])?;
    }
    let known = KnownDates::read(tx, id)?;
    delete_children(tx, id)?;
    insert_children_many(tx, &[(id, profile)])?;
    known.restore(tx, id, clock)?;
    set_referrer(tx, id, profile.referred_by, clock)?;
    if previous_stage != profile.stage {
        record_stage_change(tx, id, Some(previous_stage), profile.stage, "", None, clock)?;
    }
    tx.changed.profile(id);
    Ok(())
}

/// An important date as stored — `(kind, label, year, month, day)` — and
/// when it became known.
type KnownDate = (String, String, Option<i32>, u32, u32, Option<i64>);
/// A family member's `(name, birthday month, day)` and when it became known.
type KnownBirthday = (String, Option<u32>, Option<u32>, Option<i64>);

/// When a customer's other dates and family birthdays became known, kept
/// across a save that rewrites them.
struct KnownDates {
    dates: Vec<KnownDate>,
    family: Vec<KnownBirthday>,
}

impl KnownDates {
    fn read(conn: &Connection, id: i64) -> Result<KnownDates> {
        let dates = conn
            .prepare_cached(
                "SELECT kind, label, year, month, day, known_at FROM important_dates
                  WHERE customer_id = ?1",
            )?
            .query_map([id], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let family = conn
            .prepare_cached(
                "SELECT name, birthday_month, birthday_day, known_at FROM family_members
                  WHERE customer_id = ?1",
            )?
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(KnownDates { dates, family })
    }

    /// New dates are known from now; those that were there keep their time
    /// (NULL: since the customer was added).
    fn restore(&self, conn: &Connection, id: i64, clock: &Clock) -> Result<()> {
        conn.prepare_cached("UPDATE important_dates SET known_at = ?2 WHERE customer_id = ?1")?
            .execute(params![id, clock.timestamp()])?;
        conn.prepare_cached("UPDATE family_members SET known_at = ?2 WHERE customer_id = ?1")?
            .execute(params![id, clock.timestamp()])?;
        let mut date = conn.prepare_cached(
            "UPDATE important_dates SET known_at = ?7
              WHERE customer_id = ?1 AND kind = ?2 AND label = ?3 AND year IS ?4
                AND month = ?5 AND day = ?6",
        )?;
        for (kind, label, year, month, day, known_at) in &self.dates {
            date.execute(params![id, kind, label, year, month, day, known_at])?;
        }
        let mut member = conn.prepare_cached(
            "UPDATE family_members SET known_at = ?5
              WHERE customer_id = ?1 AND name = ?2 AND birthday_month IS ?3 AND birthday_day IS ?4",
        )?;
        for (name, month, day, known_at) in &self.family {
            member.execute(params![id, name, month, day, known_at])?;
        }
        Ok(())
    }
}

/// The customer columns a profile fills, in the order of [`profile_values`].
const PROFILE_COLUMNS: &str = "family_name, given_name, family_name_reading, given_name_reading,
     company, title, birthday_year, birthday_month, birthday_day,
     likes, notes, met_how, met_on, source, preferred_channel,
     do_not_contact, quiet_until, cadence_days, honorific, stage, sort_key, extras,
     message_language, topic, keep_off_phone";
const PROFILE_COLUMN_COUNT: usize = 25;

/// A profile's values for [`PROFILE_COLUMNS`], shared by every statement
/// that writes a customer row.
fn profile_values(p: &CustomerProfile) -> Result<Vec<Value>> {
    let text = |s: &str| Value::Text(s.to_owned());
    let number = |n: Option<i64>| n.map_or(Value::Null, Value::Integer);
    let day = |d: Option<chrono::NaiveDate>| d.map_or(Value::Null, |d| Value::Text(d.to_string()));
    Ok(vec![
        text(&p.family_name),
        text(&p.given_name),
        text(&p.family_name_reading),
        text(&p.given_name_reading),
        text(&p.company),
        text(&p.title),
        number(p.birthday.and_then(|b| b.year).map(i64::from)),
        number(p.birthday.map(|b| i64::from(b.month))),
        number(p.birthday.map(|b| i64::from(b.day))),
        text(&p.likes),
        text(&p.notes),
        text(&p.met_how),
        day(p.met_on),
        text(p.source.as_str()),
        text(p.preferred_channel.as_str()),
        Value::Integer(i64::from(p.do_not_contact)),
        day(p.quiet_until),
        number(p.cadence_days.map(i64::from)),
        text(&p.honorific),
        Value::Integer(p.stage.rung()),
        Value::Text(sort_key_of(p)),
        Value::Text(extras_json(&p.extras)?),
        text(p.language().as_str()),
        text(&p.topic),
        Value::Integer(i64::from(p.keep_off_phone)),
    ])
}

/// `?, ?, …` for `n` parameters.
fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

/// Extras are stored as a JSON array of `{name, value}`.
fn extras_json(extras: &[Extra]) -> Result<String> {
    Ok(serde_json::to_string(extras)?)
}

/// An unreadable or missing column reads as no extras (the first schema's
/// default is an empty object).
fn extras_from_json(text: &str) -> Vec<Extra> {
    serde_json::from_str(text).unwrap_or_default()
}

fn sort_key_of(p: &CustomerProfile) -> String {
    kana::sort_key(
        &p.family_name,
        &p.given_name,
        &p.family_name_reading,
        &p.given_name_reading,
        &p.company,
    )
}

/// Inserts a validated profile with all its parts; shared by the form, the
/// demo and imports.
pub(crate) fn insert(
    tx: &mut Tx<'_>,
    profile: &CustomerProfile,
    uid: Option<&str>,
    clock: &Clock,
) -> Result<i64> {
    let id = insert_row(tx, profile, uid, clock)?;
    record_stage_change(tx, id, None, profile.stage, "", None, clock)?;
    insert_children_many(tx, &[(id, profile)])?;
    search::index_customer(tx, id, profile)?;
    Ok(id)
}

/// Inserts many validated new customers (no referrers: an import links
/// those afterwards) with one statement per 32 rows, which costs half of
/// one statement per row; returns their ids in the order given. Their
/// stage entries, parts and search documents are the caller's to write.
pub(crate) fn insert_rows(
    tx: &mut Tx<'_>,
    customers: &[(&CustomerProfile, String)],
    clock: &Clock,
) -> Result<Vec<i64>> {
    const PER_STATEMENT: usize = 32;
    let now = Value::Integer(clock.timestamp());
    let mut ids: std::collections::HashMap<String, i64> =
        std::collections::HashMap::with_capacity(customers.len());
    for chunk in customers.chunks(PER_STATEMENT) {
        let row = format!("({})", placeholders(PROFILE_COLUMN_COUNT + 3));
        let sql = format!(
            "INSERT INTO customers (uid, {PROFILE_COLUMNS}, created_at, updated_at)
             VALUES {} RETURNING uid, id",
            vec![row; chunk.len()].join(", ")
        );
        let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * (PROFILE_COLUMN_COUNT + 3));
        for (p, uid) in chunk {
            values.push(Value::Text(uid.clone()));
            values.extend(profile_values(p)?);
            values.extend([now.clone(), now.clone()]);
        }
        let mut stmt = tx.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(values), |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?;
        for row in rows {
            let (uid, id) = row?;
            ids.insert(uid, id);
        }
    }
    for id in ids.values() {
        tx.changed.profile(*id);
    }
    customers
        .iter()
        .map(|(_, uid)| {
            ids.get(uid)
                .copied()
                .ok_or_else(|| Error::Internal("a new customer was not written".to_owned()))
        })
        .collect()
}

/// The first entry of many new customers' stage histories, in one statement.
pub(crate) fn record_first_stages(
    conn: &Connection,
    entries: &[(i64, Stage)],
    clock: &Clock,
) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    let rows: Vec<serde_json::Value> = entries
        .iter()
        .map(|(id, stage)| serde_json::json!([id, stage.rung()]))
        .collect();
    conn.prepare_cached(
        "INSERT INTO stage_changes (customer_id, from_stage, to_stage, changed_at, reason)
         SELECT value ->> 0, NULL, value ->> 1, ?2, '' FROM json_each(?1)",
    )?
    .execute(params![
        serde_json::Value::Array(rows).to_string(),
        clock.timestamp()
    ])?;
    Ok(())
}

/// [`insert`] without its first stage entry (`record_first_stages`), its
/// phones, e-mails and other parts (`insert_children_many`) or its search
/// documents (`search::DeferredIndex`), which an import writes for many
/// customers at once.
fn insert_row(
    tx: &mut Tx<'_>,
    profile: &CustomerProfile,
    uid: Option<&str>,
    clock: &Clock,
) -> Result<i64> {
    check_referrer(tx, None, profile.referred_by)?;
    let uid = uid.map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned);
    let mut values = vec![Value::Text(uid)];
    values.extend(profile_values(profile)?);
    values.extend([
        Value::Integer(clock.timestamp()),
        Value::Integer(clock.timestamp()),
    ]);
    tx.prepare_cached(&format!(
        "INSERT INTO customers (uid, {PROFILE_COLUMNS}, created_at, updated_at) VALUES ({})",
        placeholders(PROFILE_COLUMN_COUNT + 3)
    ))?
    .execute(rusqlite::params_from_iter(values))?;
    let id = tx.last_insert_rowid();
    tx.changed.profile(id);
    // A new customer has no referral to remove.
    if profile.referred_by.is_some() {
        set_referrer(tx, id, profile.referred_by, clock)?;
    }
    Ok(id)
}

/// A referrer must exist, must not be the customer, and must not have been
/// introduced (directly or through others) by the customer.
pub(crate) fn check_referrer(
    conn: &Connection,
    id: Option<i64>,
    referrer: Option<i64>,
) -> Result<()> {
    let Some(referrer) = referrer else {
        return Ok(());
    };
    if Some(referrer) == id {
        return Err(Error::field("referred_by", FieldErrorCode::SelfReferral));
    }
    let exists: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM customers WHERE id = ?1)")?
        .query_row([referrer], |r| r.get(0))?;
    if !exists {
        return Err(Error::field("referred_by", FieldErrorCode::UnknownCustomer));
    }
    if let Some(id) = id
        && would_circle(conn, id, referrer)?
    {
        return Err(Error::field("referred_by", FieldErrorCode::ReferralCycle));
    }
    Ok(())
}

/// Whether `referrer` was introduced, directly or through others, by `id`:
/// naming them as `id`'s referrer would close a circle.
pub(crate) fn would_circle(conn: &Connection, id: i64, referrer: i64) -> Result<bool> {
    Ok(conn.query_row(
        "WITH RECURSIVE up(cid) AS (
             SELECT ?1
             UNION
             SELECT r.referrer_id FROM referrals r JOIN up ON r.referred_id = up.cid
         )
         SELECT EXISTS (SELECT 1 FROM up WHERE cid = ?2)",
        params![referrer, id],
        |r| r.get(0),
    )?)
}

/// Records who introduced `id` (or that nobody did). How far the
/// introduction has come follows from the facts (`crate::derived`).
pub(crate) fn set_referrer(
    tx: &mut Tx<'_>,
    id: i64,
    referrer: Option<i64>,
    clock: &Clock,
) -> Result<()> {
    let link: Option<(i64, i64)> = tx
        .prepare_cached("SELECT id, referrer_id FROM referrals WHERE referred_id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let previous = link.map(|(_, referrer)| referrer);
    if previous == referrer {
        return Ok(());
    }
    if let Some((referral, previous)) = link {
        // What was done about thanking the previous referrer is theirs: it
        // must not carry over to whoever is named instead, nor to a later
        // introduction that gets this one's id.
        for key in [
            OccurrenceKey::ThanksIntroduced { referral },
            OccurrenceKey::ThanksBought { referral },
        ] {
            reminder_states::forget(tx, &key.to_string(), Some(previous))?;
        }
    }
    match referrer {
        None => {
            tx.prepare_cached("DELETE FROM referrals WHERE referred_id = ?1")?
                .execute([id])?;
        }
        Some(referrer) => {
            // A changed referrer keeps the referral's history (when, status);
            // only who made it changes.
            tx.prepare_cached(
                "INSERT INTO referrals (referrer_id, referred_id, introduced_at)
                 VALUES (?1, ?2, ?3)
                 ON CONFLICT (referred_id) DO UPDATE SET referrer_id = excluded.referrer_id",
            )?
            .execute(params![referrer, id, clock.timestamp()])?;
        }
    }
    tx.changed.referral(id, previous);
    tx.changed.referral(id, referrer);
    Ok(())
}

pub(crate) fn record_stage_change(
    conn: &Connection,
    id: i64,
    from: Option<Stage>,
    to: Stage,
    reason: &str,
    rule: Option<&str>,
    clock: &Clock,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO stage_changes (customer_id, from_stage, to_stage, changed_at, reason, rule)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![id, from, to, clock.timestamp(), reason, rule])?;
    Ok(())
}

/// The tables a profile's lists are kept in, rewritten with the profile.
pub(crate) const PROFILE_LISTS: &[&str] = &[
    "customer_phones",
    "customer_emails",
    "customer_addresses",
    "important_dates",
    "family_members",
    "customer_tags",
];

fn delete_children(conn: &Connection, id: i64) -> Result<()> {
    for table in PROFILE_LISTS {
        // Table names come from the fixed list above, never from input.
        conn.prepare_cached(&format!("DELETE FROM {table} WHERE customer_id = ?1"))?
            .execute([id])?;
    }
    Ok(())
}

/// Writes the phones, e-mails, addresses, dates, family and tags of many
/// customers in one statement per table (rows travel as one JSON array):
/// for an import of thousands, one statement per row costs more than the
/// rows themselves.
pub(crate) fn insert_children_many(
    tx: &mut Tx<'_>,
    customers: &[(i64, &CustomerProfile)],
) -> Result<()> {
    for (id, _) in customers {
        tx.changed.profile(*id);
    }
    let conn: &Connection = tx;
    use serde_json::{Value as Json, json};
    let mut phones: Vec<Json> = Vec::new();
    let mut emails: Vec<Json> = Vec::new();
    let mut addresses: Vec<Json> = Vec::new();
    let mut dates: Vec<Json> = Vec::new();
    let mut family: Vec<Json> = Vec::new();
    let mut tags: Vec<Json> = Vec::new();
    for (id, p) in customers {
        for (i, phone) in p.phones.iter().enumerate() {
            phones.push(json!([
                id,
                i,
                phone.label,
                phone.number,
                kana::digits(&phone.number)
            ]));
        }
        for (i, email) in p.emails.iter().enumerate() {
            emails.push(json!([id, i, email.label, email.address]));
        }
        for (i, a) in p.addresses.iter().enumerate() {
            addresses.push(json!([
                id,
                i,
                a.label,
                a.postal_code,
                a.region,
                a.locality,
                a.street,
                a.extended,
                a.country
            ]));
        }
        for (i, d) in p.important_dates.iter().enumerate() {
            dates.push(json!([
                id,
                i,
                d.kind.as_str(),
                d.label,
                d.date.year,
                d.date.month,
                d.date.day
            ]));
        }
        for (i, m) in p.family_members.iter().enumerate() {
            family.push(json!([
                id,
                i,
                m.name,
                m.reading,
                m.relation,
                m.birthday.and_then(|b| b.year),
                m.birthday.map(|b| b.month),
                m.birthday.map(|b| b.day),
                m.notes
            ]));
        }
        for tag in &p.tags {
            tags.push(json!([id, tag]));
        }
    }
    // Each statement reads the array's rows as `value ->> n`.
    let batches: [(&str, Vec<Json>); 5] = [
        (
            "INSERT INTO customer_phones (customer_id, position, label, number, digits)
             SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM json_each(?1)",
            phones,
        ),
        (
            "INSERT INTO customer_emails (customer_id, position, label, address)
             SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?1)",
            emails,
        ),
        (
            "INSERT INTO customer_addresses
                (customer_id, position, label, postal_code, region, locality, street, extended, country)
             SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5,
                    value ->> 6, value ->> 7, value ->> 8 FROM json_each(?1)",
            addresses,
        ),
        (
            "INSERT INTO important_dates (customer_id, position, kind, label, year, month, day)
             SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5,
                    value ->> 6 FROM json_each(?1)",
            dates,
        ),
        (
            "INSERT INTO family_members
                (customer_id, position, name, reading, relation,
                 birthday_year, birthday_month, birthday_day, notes)
             SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5,
                    value ->> 6, value ->> 7, value ->> 8 FROM json_each(?1)",
            family,
        ),
    ];
    for (sql, rows) in batches {
        if !rows.is_empty() {
            conn.prepare_cached(sql)?
                .execute([Json::Array(rows).to_string()])?;
        }
    }
    if !tags.is_empty() {
        let tags = Json::Array(tags).to_string();
        // `WHERE true` tells the parser the ON CONFLICT is the upsert's.
        conn.prepare_cached(
            "INSERT INTO tags (name) SELECT DISTINCT value ->> 1 FROM json_each(?1) WHERE true
             ON CONFLICT (name) DO NOTHING",
        )?
        .execute([&tags])?;
        conn.prepare_cached(
            "INSERT OR IGNORE INTO customer_tags (customer_id, tag_id)
             SELECT j.value ->> 0, t.id FROM json_each(?1) j JOIN tags t ON t.name = j.value ->> 1",
        )?
        .execute([&tags])?;
    }
    Ok(())
}

pub(crate) fn remove_unused_tags(conn: &Connection) -> Result<()> {
    conn.prepare_cached(
        "DELETE FROM tags WHERE NOT EXISTS (SELECT 1 FROM customer_tags ct WHERE ct.tag_id = tags.id)",
    )?
    .execute([])?;
    Ok(())
}

/// The columns [`customer_from_row`] reads, in its order.
pub(crate) const CUSTOMER_COLUMNS: &str =
    "id, uid, family_name, given_name, family_name_reading, given_name_reading,
     company, title, birthday_year, birthday_month, birthday_day, likes, notes,
     met_how, met_on, source, preferred_channel, do_not_contact, quiet_until,
     cadence_days, honorific, stage, archived, archived_at, created_at, updated_at,
     extras, message_language, topic, keep_off_phone";

pub(crate) fn load(conn: &Connection, id: i64) -> Result<Customer> {
    let mut customer = conn
        .prepare_cached(&format!(
            "SELECT {CUSTOMER_COLUMNS} FROM customers WHERE id = ?1"
        ))?
        .query_row([id], customer_from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("customer", id))?;
    let p = &mut customer.profile;
    p.phones = conn
        .prepare_cached(
            "SELECT label, number FROM customer_phones WHERE customer_id = ?1 ORDER BY position",
        )?
        .query_map([id], |r| {
            Ok(Phone {
                label: r.get(0)?,
                number: r.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    p.emails = conn
        .prepare_cached(
            "SELECT label, address FROM customer_emails WHERE customer_id = ?1 ORDER BY position",
        )?
        .query_map([id], |r| {
            Ok(Email {
                label: r.get(0)?,
                address: r.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    p.addresses = conn
        .prepare_cached(
            "SELECT label, postal_code, region, locality, street, extended, country
               FROM customer_addresses WHERE customer_id = ?1 ORDER BY position",
        )?
        .query_map([id], |r| {
            Ok(Address {
                label: r.get(0)?,
                postal_code: r.get(1)?,
                region: r.get(2)?,
                locality: r.get(3)?,
                street: r.get(4)?,
                extended: r.get(5)?,
                country: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    p.important_dates = conn
        .prepare_cached(
            "SELECT kind, label, year, month, day FROM important_dates
              WHERE customer_id = ?1 ORDER BY position",
        )?
        .query_map([id], |r| {
            Ok(ImportantDate {
                kind: r.get::<_, ImportantDateKind>(0)?,
                label: r.get(1)?,
                date: PartialDate::new(r.get(2)?, r.get(3)?, r.get(4)?),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    p.family_members = conn
        .prepare_cached(
            "SELECT name, reading, relation, birthday_year, birthday_month, birthday_day, notes
               FROM family_members WHERE customer_id = ?1 ORDER BY position",
        )?
        .query_map([id], |r| {
            Ok(FamilyMember {
                name: r.get(0)?,
                reading: r.get(1)?,
                relation: r.get(2)?,
                birthday: calendar::from_columns(r.get(3)?, r.get(4)?, r.get(5)?),
                notes: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    p.tags = conn
        .prepare_cached(
            "SELECT t.name FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id
              WHERE ct.customer_id = ?1 ORDER BY t.name COLLATE NOCASE",
        )?
        .query_map([id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    customer.referrer = conn
        .prepare_cached(
            "SELECT c.id, c.family_name, c.given_name, c.company, c.archived
               FROM referrals r JOIN customers c ON c.id = r.referrer_id
              WHERE r.referred_id = ?1",
        )?
        .query_row([id], customer_ref_from_row)
        .optional()?;
    customer.profile.referred_by = customer.referrer.as_ref().map(|r| r.id);
    Ok(customer)
}

pub(crate) fn exists(conn: &Connection, id: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM customers WHERE id = ?1)")?
        .query_row([id], |r| r.get(0))?)
}

/// Fails with NotFound unless the customer exists.
pub(crate) fn require(conn: &Connection, id: i64) -> Result<()> {
    if exists(conn, id)? {
        Ok(())
    } else {
        Err(Error::not_found("customer", id))
    }
}

/// Reads `id, family_name, given_name, company, archived` into a reference.
pub(crate) fn customer_ref_from_row(r: &Row<'_>) -> rusqlite::Result<CustomerRef> {
    Ok(CustomerRef {
        id: r.get(0)?,
        display_name: kana::display_name(
            &r.get::<_, String>(1)?,
            &r.get::<_, String>(2)?,
            &r.get::<_, String>(3)?,
        ),
        archived: r.get(4)?,
    })
}

pub(crate) fn customer_from_row(r: &Row<'_>) -> rusqlite::Result<Customer> {
    let profile = CustomerProfile {
        family_name: r.get(2)?,
        given_name: r.get(3)?,
        family_name_reading: r.get(4)?,
        given_name_reading: r.get(5)?,
        company: r.get(6)?,
        title: r.get(7)?,
        birthday: calendar::from_columns(r.get(8)?, r.get(9)?, r.get(10)?),
        likes: r.get(11)?,
        notes: r.get(12)?,
        met_how: r.get(13)?,
        met_on: r.get(14)?,
        source: r.get::<_, Source>(15)?,
        preferred_channel: r.get::<_, ContactChannel>(16)?,
        do_not_contact: r.get(17)?,
        quiet_until: r.get(18)?,
        cadence_days: r.get(19)?,
        honorific: r.get(20)?,
        stage: r.get(21)?,
        extras: extras_from_json(&r.get::<_, String>(26)?),
        message_language: Some(r.get(27)?),
        topic: r.get(28)?,
        keep_off_phone: r.get(29)?,
        ..CustomerProfile::default()
    };
    Ok(Customer {
        id: r.get(0)?,
        uid: r.get(1)?,
        display_name: kana::display_name(
            &profile.family_name,
            &profile.given_name,
            &profile.company,
        ),
        display_reading: kana::display_reading(
            &profile.family_name,
            &profile.given_name,
            &profile.family_name_reading,
            &profile.given_name_reading,
        ),
        profile,
        referrer: None,
        archived: r.get(22)?,
        archived_at: r.get(23)?,
        created_at: r.get(24)?,
        updated_at: r.get(25)?,
    })
}

/// Every customer's id.
pub(crate) fn ids(conn: &Connection) -> Result<Vec<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM customers ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Customers who share the reading (both parts), a phone number's digits or
/// an e-mail address with what is being entered, with why; archived ones
/// too, since restoring beats entering twice. Each lookup uses an index;
/// those with the most in common come first.
pub(crate) fn similar(
    conn: &Connection,
    q: &SimilarQuery,
) -> Result<Vec<(i64, Vec<SimilarReason>)>> {
    let mut reasons: Vec<(i64, SimilarReason)> = Vec::new();
    let family = kana::reading(q.family_name_reading.trim());
    let given = kana::reading(q.given_name_reading.trim());
    if !family.is_empty() && !given.is_empty() {
        let key = kana::sort_key("", "", &family, &given, "");
        // Only a reading in kana makes a key that names one reading.
        if key.starts_with('1') {
            let mut stmt = conn.prepare_cached(
                "SELECT id FROM customers WHERE archived IN (0, 1) AND sort_key = ?1 LIMIT 20",
            )?;
            for id in stmt.query_map([key], |r| r.get::<_, i64>(0))? {
                reasons.push((id?, SimilarReason::Reading));
            }
        }
    }
    let mut by_phone = conn.prepare_cached(
        "SELECT DISTINCT customer_id FROM customer_phones WHERE digits = ?1 LIMIT 20",
    )?;
    for number in &q.phones {
        let digits = kana::digits(number);
        // Fewer digits than a local number match too much to mean anything.
        if digits.len() < 7 {
            continue;
        }
        for id in by_phone.query_map([digits], |r| r.get::<_, i64>(0))? {
            reasons.push((id?, SimilarReason::Phone));
        }
    }
    let mut by_email = conn.prepare_cached(
        "SELECT DISTINCT customer_id FROM customer_emails WHERE address = ?1 COLLATE NOCASE LIMIT 20",
    )?;
    for address in &q.emails {
        let address = address.trim();
        if !address.contains('@') {
            continue;
        }
        for id in by_email.query_map([address], |r| r.get::<_, i64>(0))? {
            reasons.push((id?, SimilarReason::Email));
        }
    }
    let mut out: Vec<(i64, Vec<SimilarReason>)> = Vec::new();
    for (id, reason) in reasons {
        if q.exclude == Some(id) {
            continue;
        }
        if let Some((_, known)) = out.iter_mut().find(|(c, _)| *c == id) {
            if !known.contains(&reason) {
                known.push(reason);
            }
            continue;
        }
        if out.len() < SIMILAR_LIMIT {
            out.push((id, vec![reason]));
        }
    }
    out.sort_by_key(|(_, why)| std::cmp::Reverse(why.len()));
    Ok(out)
}

/// Readings written before they were kept in one form (katakana,
/// half-width kana, full-width letters), brought to it. Sorting and search
/// fold these alike, so nothing derived from them changes.
pub(crate) fn readings_in_hiragana(conn: &Connection) -> Result<()> {
    const NOT_YET: &str = "*[ァ-ヺｦ-ﾟＡ-Ｚａ-ｚ]*";
    let customers: Vec<(i64, String, String)> = conn
        .prepare(
            "SELECT id, family_name_reading, given_name_reading FROM customers
              WHERE family_name_reading GLOB ?1 OR given_name_reading GLOB ?1",
        )?
        .query_map([NOT_YET], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut update = conn.prepare(
        "UPDATE customers SET family_name_reading = ?2, given_name_reading = ?3 WHERE id = ?1",
    )?;
    for (id, family, given) in customers {
        update.execute(params![id, kana::reading(&family), kana::reading(&given)])?;
    }
    let members: Vec<(i64, String)> = conn
        .prepare("SELECT id, reading FROM family_members WHERE reading GLOB ?1")?
        .query_map([NOT_YET], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut update = conn.prepare("UPDATE family_members SET reading = ?2 WHERE id = ?1")?;
    for (id, reading) in members {
        update.execute(params![id, kana::reading(&reading)])?;
    }
    Ok(())
}
