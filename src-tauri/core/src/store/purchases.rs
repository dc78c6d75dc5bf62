//! The purchases table.

use std::rc::Rc;

use rusqlite::types::Value;
use rusqlite::vtab::array::Array;
use rusqlite::{Connection, OptionalExtension, Row, ToSql, params};

use super::{Tx, reminder_states};
use crate::domain::clock::Clock;
use crate::domain::purchase::{Channel, Purchase, PurchaseInput};
use crate::domain::reminder::OccurrenceKey;
use crate::error::{Error, Result};

pub(crate) const COLUMNS: &str = "id, customer_id, item, quantity, amount_minor, currency, purchased_at, \
                                  satisfaction, channel, notes, created_at, updated_at, \
                                  follow_up_plan_id, reorder_after_days";

pub(crate) fn from_row(r: &Row<'_>) -> rusqlite::Result<Purchase> {
    Ok(Purchase {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        item: r.get(2)?,
        quantity: r.get(3)?,
        amount_minor: r.get(4)?,
        currency: r.get(5)?,
        purchased_at: r.get(6)?,
        satisfaction: r.get(7)?,
        channel: r.get(8)?,
        notes: r.get(9)?,
        created_at: r.get(10)?,
        updated_at: r.get(11)?,
        follow_up_plan_id: r.get(12)?,
        reorder_after_days: r.get(13)?,
    })
}

/// A purchase's recorded values, in the order the statements below bind
/// them (`?1`…`?11`; `?9` is when it is written).
fn values<'a>(input: &'a PurchaseInput, now: &'a i64) -> [&'a dyn ToSql; 11] {
    [
        &input.customer_id,
        &input.item,
        &input.quantity,
        &input.amount_minor,
        &input.currency,
        &input.purchased_at,
        &input.satisfaction,
        &input.notes,
        now,
        &input.follow_up_plan_id,
        &input.reorder_after_days,
    ]
}

/// Inserts a validated purchase; its channel is derived before the commit.
pub(crate) fn insert(tx: &mut Tx<'_>, input: &PurchaseInput, clock: &Clock) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO purchases (customer_id, item, quantity, amount_minor, currency, purchased_at,
                                satisfaction, notes, created_at, updated_at,
                                follow_up_plan_id, reorder_after_days)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11)",
    )?
    .execute(&values(input, &clock.timestamp())[..])?;
    tx.changed.purchase(input.customer_id, input.purchased_at);
    Ok(tx.last_insert_rowid())
}

/// Replaces a purchase with a validated one.
pub(crate) fn update(
    tx: &mut Tx<'_>,
    before: &Purchase,
    input: &PurchaseInput,
    clock: &Clock,
) -> Result<()> {
    let now = clock.timestamp();
    let mut bound = values(input, &now).to_vec();
    bound.push(&before.id);
    tx.prepare_cached(
        "UPDATE purchases SET customer_id = ?1, item = ?2, quantity = ?3, amount_minor = ?4,
                currency = ?5, purchased_at = ?6, satisfaction = ?7, notes = ?8, updated_at = ?9,
                follow_up_plan_id = ?10, reorder_after_days = ?11
          WHERE id = ?12",
    )?
    .execute(&bound[..])?;
    tx.changed.purchase(before.customer_id, before.purchased_at);
    tx.changed.purchase(input.customer_id, input.purchased_at);
    if input.customer_id != before.customer_id {
        let steps = OccurrenceKey::follow_up_prefix(before.id);
        reminder_states::move_prefix(tx, &steps, input.customer_id)?;
    }
    Ok(())
}

pub(crate) fn delete(tx: &mut Tx<'_>, purchase: &Purchase) -> Result<()> {
    tx.execute("DELETE FROM purchases WHERE id = ?1", [purchase.id])?;
    tx.changed
        .purchase(purchase.customer_id, purchase.purchased_at);
    Ok(())
}

pub(crate) fn load(conn: &Connection, id: i64) -> Result<Purchase> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM purchases WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("purchase", id))
}

/// A customer's purchases, newest first.
pub(crate) fn of_customer(conn: &Connection, customer_id: i64) -> Result<Vec<Purchase>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM purchases WHERE customer_id = ?1 ORDER BY purchased_at DESC, id DESC"
    ))?;
    let rows = stmt
        .query_map([customer_id], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// One purchase as its channel is derived from: in each customer's time
/// order, with whether the customer was introduced.
pub(crate) struct ChannelRow {
    pub id: i64,
    pub customer_id: i64,
    pub amount_minor: i64,
    pub channel: Channel,
    pub purchased_at: i64,
    pub introduced: bool,
}

const CHANNEL_ROWS: &str = "SELECT p.id, p.customer_id, p.amount_minor, p.channel, p.purchased_at,
        EXISTS (SELECT 1 FROM referrals r WHERE r.referred_id = p.customer_id)
   FROM purchases p";

fn channel_row(r: &Row<'_>) -> rusqlite::Result<ChannelRow> {
    Ok(ChannelRow {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        amount_minor: r.get(2)?,
        channel: r.get(3)?,
        purchased_at: r.get(4)?,
        introduced: r.get(5)?,
    })
}

/// These customers' purchases (every customer's with `None`), grouped by
/// customer, in time order.
pub(crate) fn channel_rows(
    conn: &Connection,
    customers: Option<&[i64]>,
) -> Result<Vec<ChannelRow>> {
    Ok(match customers {
        None => conn
            .prepare_cached(&format!(
                "{CHANNEL_ROWS} ORDER BY p.customer_id, p.purchased_at, p.id"
            ))?
            .query_map([], channel_row)?
            .collect::<rusqlite::Result<_>>()?,
        Some(ids) => {
            let ids: Array = Rc::new(ids.iter().copied().map(Value::from).collect());
            conn.prepare_cached(&format!(
                "{CHANNEL_ROWS} WHERE p.customer_id IN rarray(?1)
                  ORDER BY p.customer_id, p.purchased_at, p.id"
            ))?
            .query_map([ids], channel_row)?
            .collect::<rusqlite::Result<_>>()?
        }
    })
}

/// Stores a purchase's derived channel.
pub(crate) fn set_channel(tx: &mut Tx<'_>, row: &ChannelRow, channel: Channel) -> Result<()> {
    tx.prepare_cached("UPDATE purchases SET channel = ?2 WHERE id = ?1")?
        .execute(params![row.id, channel])?;
    tx.changed.channel(row.purchased_at);
    Ok(())
}

/// What a customer has bought: `(purchases, total with refunds, the last
/// purchase's currency)`.
pub(crate) fn totals(conn: &Connection, customer_id: i64) -> Result<(u32, i64, Option<String>)> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FILTER (WHERE amount_minor > 0), coalesce(sum(amount_minor), 0),
                    (SELECT currency FROM purchases WHERE customer_id = ?1
                      ORDER BY purchased_at DESC LIMIT 1)
               FROM purchases WHERE customer_id = ?1",
        )?
        .query_row([customer_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?)
}

/// A customer's latest purchase (not a refund).
pub(crate) fn last(conn: &Connection, customer_id: i64) -> Result<Option<Purchase>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM purchases WHERE customer_id = ?1 AND amount_minor > 0
              ORDER BY purchased_at DESC, id DESC LIMIT 1"
        ))?
        .query_row([customer_id], from_row)
        .optional()?)
}

/// What was bought, by purchase.
pub(crate) fn item(conn: &Connection, id: i64) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT item FROM purchases WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?)
}
