//! Campaigns of the season's greetings, their recipients, and mourning.

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::Tx;
use crate::domain::customer::Address;
use crate::domain::greeting::{
    Campaign, CampaignRow, GreetingKind, Mourning, address_problems, is_japanese, printed_honorific,
};
use crate::domain::kana;
use crate::error::{Error, Result};

fn campaign_from_row(r: &Row<'_>) -> rusqlite::Result<Campaign> {
    let kind: String = r.get(1)?;
    Ok(Campaign {
        id: r.get(0)?,
        kind: GreetingKind::parse(&kind).unwrap_or(GreetingKind::Nengajo),
        year: r.get(2)?,
        created_at: r.get(3)?,
    })
}

pub(crate) fn find(conn: &Connection, kind: GreetingKind, year: i32) -> Result<Option<Campaign>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, kind, year, created_at FROM campaigns WHERE kind = ?1 AND year = ?2",
        )?
        .query_row(params![kind.as_str(), year], campaign_from_row)
        .optional()?)
}

pub(crate) fn load(conn: &Connection, id: i64) -> Result<Campaign> {
    conn.prepare_cached("SELECT id, kind, year, created_at FROM campaigns WHERE id = ?1")?
        .query_row([id], campaign_from_row)
        .optional()?
        .ok_or(Error::NotFound {
            entity: "campaign",
            id,
        })
}

/// Every campaign, the newest year first.
pub(crate) fn all(conn: &Connection) -> Result<Vec<Campaign>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, kind, year, created_at FROM campaigns ORDER BY year DESC, kind",
    )?;
    let rows = stmt.query_map([], campaign_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn insert(tx: &Tx<'_>, kind: GreetingKind, year: i32, at: i64) -> Result<i64> {
    tx.prepare_cached("INSERT INTO campaigns (kind, year, created_at) VALUES (?1, ?2, ?3)")?
        .execute(params![kind.as_str(), year, at])?;
    Ok(tx.last_insert_rowid())
}

/// The customers a rule chooses (see `RecipientRule`): not archived, not
/// "do not contact", fitting any of the conditions given. `bought_since`
/// is the first moment a purchase counts; `last_year` the campaign whose
/// list is taken, and `mourned_in` the year whose mourners are taken with
/// it (left off last year's New Year list, they are written to again).
pub(crate) fn chosen(
    conn: &Connection,
    stages: &[i64],
    tags: &[String],
    bought_since: Option<i64>,
    last_year: Option<(i64, Option<i32>)>,
) -> Result<Vec<i64>> {
    let (last_year, mourned_in) = match last_year {
        Some((campaign, mourned_in)) => (Some(campaign), mourned_in),
        None => (None, None),
    };
    let stages: Vec<Value> = stages.iter().copied().map(Value::Integer).collect();
    let tags: Vec<Value> = tags.iter().cloned().map(Value::Text).collect();
    let mut stmt = conn.prepare_cached(
        "SELECT c.id FROM customers c
          WHERE c.archived = 0 AND c.do_not_contact = 0 AND (
                c.stage IN rarray(?1)
             OR EXISTS (SELECT 1 FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id
                         WHERE ct.customer_id = c.id AND t.name IN rarray(?2))
             OR (?3 IS NOT NULL AND EXISTS (SELECT 1 FROM purchases p
                         WHERE p.customer_id = c.id AND p.purchased_at >= ?3))
             OR (?4 IS NOT NULL AND EXISTS (SELECT 1 FROM campaign_recipients r
                         WHERE r.customer_id = c.id AND r.campaign_id = ?4 AND r.listed = 1))
             OR (?5 IS NOT NULL AND EXISTS (SELECT 1 FROM mourning m
                         WHERE m.customer_id = c.id AND m.year = ?5)))
          ORDER BY c.id",
    )?;
    let ids = stmt.query_map(
        params![
            std::rc::Rc::new(stages),
            std::rc::Rc::new(tags),
            bought_since,
            last_year,
            mourned_in
        ],
        |r| r.get(0),
    )?;
    Ok(ids.collect::<rusqlite::Result<_>>()?)
}

/// Puts customers on the list (one whose card came is put on it too).
pub(crate) fn list(tx: &Tx<'_>, campaign: i64, customers: &[i64]) -> Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO campaign_recipients (campaign_id, customer_id, listed) VALUES (?1, ?2, 1)
         ON CONFLICT (campaign_id, customer_id) DO UPDATE SET listed = 1",
    )?;
    for customer in customers {
        stmt.execute(params![campaign, customer])?;
    }
    Ok(())
}

/// Takes a customer off the list; one whose card came stays known as such.
pub(crate) fn unlist(tx: &Tx<'_>, campaign: i64, customer: i64) -> Result<()> {
    tx.prepare_cached(
        "DELETE FROM campaign_recipients
          WHERE campaign_id = ?1 AND customer_id = ?2 AND received_on IS NULL AND sent_at IS NULL",
    )?
    .execute(params![campaign, customer])?;
    tx.prepare_cached(
        "UPDATE campaign_recipients SET listed = 0 WHERE campaign_id = ?1 AND customer_id = ?2",
    )?
    .execute(params![campaign, customer])?;
    Ok(())
}

/// Notes the day a customer's card came (`None`: it did not after all).
pub(crate) fn received(
    tx: &Tx<'_>,
    campaign: i64,
    customer: i64,
    on: Option<NaiveDate>,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO campaign_recipients (campaign_id, customer_id, listed, received_on)
         VALUES (?1, ?2, 0, ?3)
         ON CONFLICT (campaign_id, customer_id) DO UPDATE SET received_on = excluded.received_on",
    )?
    .execute(params![campaign, customer, on])?;
    // Someone not on the list whose card is untold is no one's business.
    tx.prepare_cached(
        "DELETE FROM campaign_recipients
          WHERE campaign_id = ?1 AND customer_id = ?2 AND listed = 0
            AND received_on IS NULL AND sent_at IS NULL",
    )?
    .execute(params![campaign, customer])?;
    Ok(())
}

/// The listed recipients not yet sent to (not archived nor "do not
/// contact" since), with their language for the history line: `(row id,
/// customer, message language)`.
pub(crate) fn unsent(conn: &Connection, campaign: i64) -> Result<Vec<(i64, i64, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.id, r.customer_id, c.message_language
           FROM campaign_recipients r JOIN customers c ON c.id = r.customer_id
          WHERE r.campaign_id = ?1 AND r.listed = 1 AND r.sent_at IS NULL
            AND c.archived = 0 AND c.do_not_contact = 0
          ORDER BY r.id",
    )?;
    let rows = stmt.query_map([campaign], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn sent(tx: &Tx<'_>, row: i64, at: i64, touchpoint: i64) -> Result<()> {
    tx.prepare_cached(
        "UPDATE campaign_recipients SET sent_at = ?2, touchpoint_id = ?3 WHERE id = ?1",
    )?
    .execute(params![row, at, touchpoint])?;
    Ok(())
}

/// Everyone in a campaign, in reading order, with their first address.
pub(crate) fn rows(conn: &Connection, campaign: i64) -> Result<Vec<CampaignRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.customer_id, c.family_name, c.given_name, c.company,
                c.family_name_reading, c.given_name_reading,
                r.listed, r.sent_at, r.received_on,
                a.label, a.postal_code, a.region, a.locality, a.street, a.extended, a.country,
                c.honorific
           FROM campaign_recipients r
           JOIN customers c ON c.id = r.customer_id
           LEFT JOIN customer_addresses a ON a.id = (
                SELECT id FROM customer_addresses WHERE customer_id = c.id
                 ORDER BY position LIMIT 1)
          WHERE r.campaign_id = ?1
          ORDER BY c.sort_key, c.id",
    )?;
    let rows = stmt.query_map([campaign], |r| {
        let address = match r.get::<_, Option<String>>(10)? {
            Some(postal_code) => Some(Address {
                label: r.get(9)?,
                postal_code,
                region: r.get(11)?,
                locality: r.get(12)?,
                street: r.get(13)?,
                extended: r.get(14)?,
                country: r.get(15)?,
            }),
            None => None,
        };
        let reading: String = format!("{} {}", r.get::<_, String>(4)?, r.get::<_, String>(5)?);
        Ok(CampaignRow {
            customer_id: r.get(0)?,
            display_name: kana::display_name(
                &r.get::<_, String>(1)?,
                &r.get::<_, String>(2)?,
                &r.get::<_, String>(3)?,
            ),
            reading: reading.trim().to_owned(),
            honorific: printed_honorific(
                &r.get::<_, String>(16)?,
                r.get::<_, String>(1)?.is_empty() && r.get::<_, String>(2)?.is_empty(),
            ),
            problems: address_problems(address.as_ref()),
            vertical: address.as_ref().is_some_and(is_japanese),
            address,
            listed: r.get(6)?,
            sent_at: r.get(7)?,
            received_on: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Notes a 喪中はがき: no New Year card for `year`.
pub(crate) fn mourn(
    tx: &Tx<'_>,
    customer: i64,
    year: i32,
    noted_on: NaiveDate,
    who: &str,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO mourning (customer_id, year, noted_on, who) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (customer_id, year) DO UPDATE SET noted_on = excluded.noted_on,
                                                       who = excluded.who",
    )?
    .execute(params![customer, year, noted_on, who])?;
    Ok(())
}

pub(crate) fn unmourn(tx: &Tx<'_>, customer: i64, year: i32) -> Result<()> {
    tx.prepare_cached("DELETE FROM mourning WHERE customer_id = ?1 AND year = ?2")?
        .execute(params![customer, year])?;
    Ok(())
}

/// Who is in mourning for the New Year `year` (customers not archived).
pub(crate) fn mourning(conn: &Connection, year: i32) -> Result<Vec<Mourning>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.customer_id, c.family_name, c.given_name, c.company, m.year, m.noted_on, m.who
           FROM mourning m JOIN customers c ON c.id = m.customer_id
          WHERE m.year = ?1 AND c.archived = 0
          ORDER BY c.sort_key, c.id",
    )?;
    let rows = stmt.query_map([year], |r| {
        Ok(Mourning {
            customer_id: r.get(0)?,
            display_name: kana::display_name(
                &r.get::<_, String>(1)?,
                &r.get::<_, String>(2)?,
                &r.get::<_, String>(3)?,
            ),
            year: r.get(4)?,
            noted_on: r.get(5)?,
            who: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
