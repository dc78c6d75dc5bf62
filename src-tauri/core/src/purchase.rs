//! Recording purchases, editing and deleting them (undoably). Channels,
//! activity, referral status and tallies follow through `crate::derived`.

pub use crate::domain::purchase::*;

use crate::domain::clock::Clock;
use crate::domain::reminder::OccurrenceKey;
use crate::error::Result;
use crate::store::{Store, Tx, customers, plans, purchases, referrals, reminder_states, settings};
use crate::undo::{Capture, Undo};

fn checked(tx: &Tx<'_>, input: &mut PurchaseInput, clock: &Clock) -> Result<()> {
    let currency = settings::read(tx)?.currency;
    let refs = PurchaseRefs {
        customer_exists: customers::exists(tx, input.customer_id)?,
        plan_exists: input
            .follow_up_plan_id
            .map(|plan| plans::exists(tx, plan))
            .transpose()?,
    };
    validate(input, &currency, clock.timestamp(), &refs)
}

impl Store {
    pub fn record_purchase(
        &mut self,
        mut input: PurchaseInput,
        clock: &Clock,
    ) -> Result<RecordedPurchase> {
        let mut tx = self.begin()?;
        checked(&tx, &mut input, clock)?;
        let id = purchases::insert(&mut tx, &input, clock)?;
        self.commit(tx)?;
        let purchase = purchases::load(self.conn(), id)?;
        let suggestion = self.promotion_suggestion(purchase.customer_id, clock)?;
        let thank_referrer = if purchase.channel == Channel::Referral {
            referrals::unthanked_referrer(self.conn(), purchase.customer_id)?
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
        let mut tx = self.begin()?;
        let before = purchases::load(&tx, id)?;
        checked(&tx, &mut input, clock)?;
        purchases::update(&mut tx, &before, &input, clock)?;
        self.commit(tx)?;
        purchases::load(self.conn(), id)
    }

    /// Deletes a purchase, with what was done about its follow-ups and
    /// their announcements (a later purchase that happens to get the same
    /// id starts afresh). Undo brings all of it back.
    pub fn delete_purchase(&mut self, id: i64, clock: &Clock) -> Result<Undo> {
        let mut tx = self.begin()?;
        let purchase = purchases::load(&tx, id)?;
        let mut capture = Capture::new("delete_purchase");
        capture.rows(&tx, "purchases", "id = ?1", &[&id])?;
        let steps = OccurrenceKey::follow_up_prefix(id);
        capture.occurrences(&tx, &steps)?;
        reminder_states::forget_prefix(&mut tx, &steps, Some(purchase.customer_id))?;
        purchases::delete(&mut tx, &purchase)?;
        let undo = capture.record(&mut tx, clock)?;
        self.commit(tx)?;
        Ok(undo)
    }

    pub fn purchase(&self, id: i64) -> Result<Purchase> {
        purchases::load(self.conn(), id)
    }

    /// A customer's purchases, newest first.
    pub fn purchases_of(&self, customer_id: i64) -> Result<Vec<Purchase>> {
        purchases::of_customer(self.conn(), customer_id)
    }
}
