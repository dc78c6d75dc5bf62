//! Purchases, in integer minor units, with their channel derived from the
//! customer's history: the first purchase is `new` (or `referral` when the
//! customer was introduced), every later one `repeat`. A refund (negative
//! amount) is not a purchase of its own: it takes the channel of the purchase
//! before it, so it reduces the revenue it gave back.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::Clock;
use crate::error::{Error, FieldErrorCode, Result};
use crate::ladder::PromotionSuggestion;
use crate::sql::text_enum;
use crate::store::Store;
use crate::validation::{Checker, LIMIT_NAME, LIMIT_NOTES};
use crate::{activity, referral, touchpoint};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The customer's first purchase.
    New,
    /// Any later purchase.
    Repeat,
    /// The first purchase of a customer someone introduced.
    Referral,
}
text_enum!(Channel { New => "new", Repeat => "repeat", Referral => "referral" });

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PurchaseInput {
    pub customer_id: i64,
    pub item: String,
    pub quantity: u32,
    /// Integer minor units of the currency (yen have none); negative for a refund.
    pub amount_minor: i64,
    /// ISO 4217 code; empty takes the currency setting.
    pub currency: String,
    /// Unix seconds.
    pub purchased_at: i64,
    pub satisfaction: Option<u8>,
    pub notes: String,
    /// The follow-up plan whose steps become reminders; `null` for none.
    pub follow_up_plan_id: Option<i64>,
    /// Days after which this item usually runs out: the plan's re-order
    /// step then falls due after this many days instead of its own offset.
    pub reorder_after_days: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Purchase {
    pub id: i64,
    pub customer_id: i64,
    pub item: String,
    pub quantity: u32,
    pub amount_minor: i64,
    pub currency: String,
    pub purchased_at: i64,
    pub satisfaction: Option<u8>,
    pub channel: Channel,
    pub notes: String,
    pub follow_up_plan_id: Option<i64>,
    pub reorder_after_days: Option<u32>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What recording a purchase led to, for the UI to offer at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RecordedPurchase {
    pub purchase: Purchase,
    /// A promotion the purchase makes due (first purchase → Customer…).
    pub suggestion: Option<PromotionSuggestion>,
    /// The customer who introduced this one, when this was their first
    /// purchase: time to thank them.
    pub thank_referrer: Option<crate::customer::CustomerRef>,
}

/// A purchase a day ahead is allowed (time zones); beyond that it is a typo.
const FUTURE_SLACK_SECONDS: i64 = 24 * 3600;

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

fn validate(
    conn: &Connection,
    input: &mut PurchaseInput,
    default_currency: &str,
    clock: &Clock,
) -> Result<()> {
    let mut c = Checker::default();
    c.text("item", &mut input.item, LIMIT_NAME * 2);
    if input.item.is_empty() {
        c.fail("item", FieldErrorCode::Required);
    }
    if input.quantity == 0 || input.quantity > 1_000_000 {
        c.errors.push(crate::error::FieldError::with_limit(
            "quantity",
            FieldErrorCode::OutOfRange,
            1_000_000,
        ));
    }
    // Ten trillion minor units: far beyond any sale, far inside i64.
    if input.amount_minor.unsigned_abs() > 10_000_000_000_000 {
        c.errors.push(crate::error::FieldError::with_limit(
            "amount_minor",
            FieldErrorCode::OutOfRange,
            10_000_000_000_000,
        ));
    }
    input.currency = input.currency.trim().to_ascii_uppercase();
    if input.currency.is_empty() {
        default_currency.clone_into(&mut input.currency);
    }
    if input.currency.len() != 3 || !input.currency.chars().all(|ch| ch.is_ascii_uppercase()) {
        c.fail("currency", FieldErrorCode::OutOfRange);
    }
    c.satisfaction("satisfaction", input.satisfaction);
    c.text("notes", &mut input.notes, LIMIT_NOTES);
    if input.purchased_at > clock.timestamp() + FUTURE_SLACK_SECONDS {
        c.fail("purchased_at", FieldErrorCode::DateInFuture);
    }
    if !touchpoint::customer_exists(conn, input.customer_id)? {
        c.fail("customer_id", FieldErrorCode::UnknownCustomer);
    }
    if let Some(days) = input.reorder_after_days
        && !(1..=3650).contains(&days)
    {
        c.errors.push(crate::error::FieldError::with_limit(
            "reorder_after_days",
            FieldErrorCode::OutOfRange,
            3650,
        ));
    }
    if let Some(plan) = input.follow_up_plan_id
        && !crate::reminder::plan_exists(conn, plan)?
    {
        c.fail("follow_up_plan_id", FieldErrorCode::OutOfRange);
    }
    c.finish()
}

/// Inserts a validated purchase without deriving anything; callers then run
/// [`after_purchases_changed`] for the customer (or in bulk).
pub(crate) fn insert(conn: &Connection, input: &PurchaseInput, clock: &Clock) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO purchases (customer_id, item, quantity, amount_minor, currency, purchased_at,
                                satisfaction, notes, created_at, updated_at,
                                follow_up_plan_id, reorder_after_days)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11)",
    )?
    .execute(params![
        input.customer_id,
        input.item,
        input.quantity,
        input.amount_minor,
        input.currency,
        input.purchased_at,
        input.satisfaction,
        input.notes,
        clock.timestamp(),
        input.follow_up_plan_id,
        input.reorder_after_days,
    ])?;
    Ok(conn.last_insert_rowid())
}

/// The channel of each of one customer's purchases, given in time order as
/// `(amount_minor)`: see the module documentation for the rule.
pub fn derive_channels(amounts: &[i64], introduced: bool) -> Vec<Channel> {
    let mut channels = Vec::with_capacity(amounts.len());
    let mut last_positive: Option<Channel> = None;
    for &amount in amounts {
        let channel = if amount > 0 {
            match last_positive {
                None if introduced => Channel::Referral,
                None => Channel::New,
                Some(_) => Channel::Repeat,
            }
        } else {
            last_positive.unwrap_or(Channel::Repeat)
        };
        if amount > 0 {
            last_positive = Some(channel);
        }
        channels.push(channel);
    }
    channels
}

/// Re-derives one customer's purchase channels and writes the changed ones.
pub(crate) fn rederive_channels(conn: &Connection, customer_id: i64) -> Result<()> {
    let introduced = referral::is_referred(conn, customer_id)?;
    let mut stmt = conn.prepare_cached(
        "SELECT id, amount_minor, channel FROM purchases WHERE customer_id = ?1
          ORDER BY purchased_at, id",
    )?;
    let rows = stmt
        .query_map([customer_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Channel>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let amounts: Vec<i64> = rows.iter().map(|r| r.1).collect();
    let mut update = conn.prepare_cached("UPDATE purchases SET channel = ?2 WHERE id = ?1")?;
    for ((id, _, old), new) in rows.iter().zip(derive_channels(&amounts, introduced)) {
        if *old != new {
            update.execute(params![id, new])?;
        }
    }
    Ok(())
}

/// Every purchase whose stored channel differs from the derived one, with
/// the channel it should have.
pub(crate) fn channel_fixes(conn: &Connection) -> Result<Vec<(i64, Channel)>> {
    let mut stmt = conn.prepare(
        "SELECT p.id, p.customer_id, p.amount_minor, p.channel,
                EXISTS (SELECT 1 FROM referrals r WHERE r.referred_id = p.customer_id)
           FROM purchases p ORDER BY p.customer_id, p.purchased_at, p.id",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Channel>(3)?,
                r.get::<_, bool>(4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut fixes = Vec::new();
    for group in rows.chunk_by(|a, b| a.1 == b.1) {
        let amounts: Vec<i64> = group.iter().map(|r| r.2).collect();
        let introduced = group.first().is_some_and(|r| r.4);
        for (row, channel) in group.iter().zip(derive_channels(&amounts, introduced)) {
            if row.3 != channel {
                fixes.push((row.0, channel));
            }
        }
    }
    Ok(fixes)
}

/// Re-derives every purchase's channel (after bulk writes).
pub(crate) fn rederive_all_channels(conn: &Connection) -> Result<()> {
    let mut update = conn.prepare("UPDATE purchases SET channel = ?2 WHERE id = ?1")?;
    for (id, channel) in channel_fixes(conn)? {
        update.execute(params![id, channel])?;
    }
    Ok(())
}

/// Everything derived from a customer's purchases, brought up to date.
pub(crate) fn after_purchases_changed(conn: &Connection, customer_id: i64) -> Result<()> {
    rederive_channels(conn, customer_id)?;
    activity::refresh(conn, customer_id)?;
    referral::advance_after_purchase(conn, customer_id)?;
    Ok(())
}

fn load(conn: &Connection, id: i64) -> Result<Purchase> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM purchases WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("purchase", id))
}

impl Store {
    pub fn record_purchase(
        &mut self,
        mut input: PurchaseInput,
        clock: &Clock,
    ) -> Result<RecordedPurchase> {
        let currency = self.settings()?.currency;
        let tx = self.conn.transaction()?;
        validate(&tx, &mut input, &currency, clock)?;
        let id = insert(&tx, &input, clock)?;
        after_purchases_changed(&tx, input.customer_id)?;
        let purchase = load(&tx, id)?;
        tx.commit()?;
        let suggestion = self.promotion_suggestion(purchase.customer_id, clock)?;
        let thank_referrer = if purchase.channel == Channel::Referral {
            referral::unthanked_referrer(&self.conn, purchase.customer_id)?
        } else {
            None
        };
        Ok(RecordedPurchase {
            purchase,
            suggestion,
            thank_referrer,
        })
    }

    pub fn update_purchase(
        &mut self,
        id: i64,
        mut input: PurchaseInput,
        clock: &Clock,
    ) -> Result<Purchase> {
        let currency = self.settings()?.currency;
        let tx = self.conn.transaction()?;
        let before = load(&tx, id)?;
        validate(&tx, &mut input, &currency, clock)?;
        tx.prepare_cached(
            "UPDATE purchases SET customer_id = ?2, item = ?3, quantity = ?4, amount_minor = ?5,
                    currency = ?6, purchased_at = ?7, satisfaction = ?8, notes = ?9, updated_at = ?10,
                    follow_up_plan_id = ?11, reorder_after_days = ?12
              WHERE id = ?1",
        )?
        .execute(params![
            id,
            input.customer_id,
            input.item,
            input.quantity,
            input.amount_minor,
            input.currency,
            input.purchased_at,
            input.satisfaction,
            input.notes,
            clock.timestamp(),
            input.follow_up_plan_id,
            input.reorder_after_days,
        ])?;
        after_purchases_changed(&tx, before.customer_id)?;
        if before.customer_id != input.customer_id {
            after_purchases_changed(&tx, input.customer_id)?;
        }
        let purchase = load(&tx, id)?;
        tx.commit()?;
        Ok(purchase)
    }

    /// Deletes a purchase and returns it, so the UI can offer to undo.
    pub fn delete_purchase(&mut self, id: i64) -> Result<Purchase> {
        let tx = self.conn.transaction()?;
        let purchase = load(&tx, id)?;
        tx.execute("DELETE FROM purchases WHERE id = ?1", [id])?;
        after_purchases_changed(&tx, purchase.customer_id)?;
        tx.commit()?;
        Ok(purchase)
    }

    pub fn purchase(&self, id: i64) -> Result<Purchase> {
        load(&self.conn, id)
    }

    /// A customer's purchases, newest first.
    pub fn purchases_of(&self, customer_id: i64) -> Result<Vec<Purchase>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM purchases WHERE customer_id = ?1 ORDER BY purchased_at DESC, id DESC"
        ))?;
        let rows = stmt
            .query_map([customer_id], from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_purchase_is_new_or_referral_and_the_rest_repeat() {
        use Channel::*;
        assert_eq!(
            derive_channels(&[100, 200, 300], false),
            [New, Repeat, Repeat]
        );
        assert_eq!(derive_channels(&[100, 200], true), [Referral, Repeat]);
        assert_eq!(derive_channels(&[], true), Vec::<Channel>::new());
    }

    #[test]
    fn a_refund_takes_the_channel_of_the_purchase_it_follows() {
        use Channel::*;
        // Bought, refunded in full, bought again: the refund undoes the new
        // sale, and the next purchase is a repeat.
        assert_eq!(
            derive_channels(&[500, -500, 300], false),
            [New, New, Repeat]
        );
        assert_eq!(
            derive_channels(&[500, 300, -100], true),
            [Referral, Repeat, Repeat]
        );
        // A refund with nothing before it is counted against existing sales.
        assert_eq!(derive_channels(&[-100, 200], false), [Repeat, New]);
    }
}
