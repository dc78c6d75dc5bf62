//! Customers: adding, editing, archiving and deleting them (undoably).
//! The types and rules are the domain's (`domain/customer.rs`); searching
//! and listing are the store's (`store/search.rs`).

pub use crate::domain::customer::*;

use crate::domain::clock::Clock;
use crate::error::{Error, Result};
use crate::store::{Store, customers, reminder_states};
use crate::undo::{Capture, Undo};

impl Store {
    pub fn create_customer(&mut self, profile: CustomerProfile, clock: &Clock) -> Result<Customer> {
        let profile = validated(profile, clock.today())?;
        let mut tx = self.begin()?;
        let id = customers::insert(&mut tx, &profile, None, clock)?;
        self.commit(tx)?;
        tracing::info!(customer = id, "customer added");
        self.customer(id)
    }

    pub fn update_customer(
        &mut self,
        id: i64,
        profile: CustomerProfile,
        clock: &Clock,
    ) -> Result<Customer> {
        let profile = validated(profile, clock.today())?;
        let mut tx = self.begin()?;
        customers::update(&mut tx, id, &profile, clock)?;
        customers::remove_unused_tags(&tx)?;
        self.commit(tx)?;
        self.customer(id)
    }

    /// Hides a customer from the list and from reminders; nothing is lost.
    pub fn archive_customer(&mut self, id: i64, clock: &Clock) -> Result<Customer> {
        self.set_archived(id, true, clock)
    }

    pub fn restore_customer(&mut self, id: i64, clock: &Clock) -> Result<Customer> {
        self.set_archived(id, false, clock)
    }

    fn set_archived(&mut self, id: i64, archived: bool, clock: &Clock) -> Result<Customer> {
        let mut tx = self.begin()?;
        if !customers::set_archived(&mut tx, id, archived, clock.timestamp())? {
            return Err(Error::not_found("customer", id));
        }
        self.commit(tx)?;
        self.customer(id)
    }

    /// Deletes a customer and everything recorded about them. Undo puts it
    /// all back, with the same ids.
    pub fn delete_customer(&mut self, id: i64, clock: &Clock) -> Result<Undo> {
        self.delete_customer_and_card(id, false, clock)
    }

    /// Deletes a customer, and with `phone_card` their card on the phone's
    /// server too (at the next sync; else the card stays there as the
    /// phone's own contact).
    pub fn delete_customer_and_card(
        &mut self,
        id: i64,
        phone_card: bool,
        clock: &Clock,
    ) -> Result<Undo> {
        let mut tx = self.begin()?;
        customers::require(&tx, id)?;
        if phone_card {
            crate::store::sync_items::doom(&tx, id)?;
        }
        let mut capture = Capture::new("delete_customer");
        capture.customer(&tx, id)?;
        // What was done about and announced of the customer's reminders
        // goes with them (undo brings it back): a customer, purchase or
        // promise that later gets the same id starts afresh.
        let occurrences = reminder_states::of_customer(&tx, id)?;
        for prefix in &occurrences.prefixes {
            capture.occurrences(&tx, prefix)?;
            reminder_states::forget_prefix(&mut tx, prefix, Some(id))?;
        }
        for key in &occurrences.keys {
            capture.occurrence(&tx, key)?;
            reminder_states::forget(&mut tx, key, Some(id))?;
        }
        customers::delete(&mut tx, id)?;
        let undo = capture.record(&mut tx, clock)?;
        self.commit(tx)?;
        tracing::info!(customer = id, "customer deleted");
        Ok(undo)
    }

    /// One customer with every detail the customer page shows.
    pub fn customer(&self, id: i64) -> Result<Customer> {
        customers::load(self.conn(), id)
    }

    /// Every tag in use by active customers, with counts, by name.
    pub fn tags(&self) -> Result<Vec<TagCount>> {
        customers::tags(self.conn())
    }

    /// Customers who may be the one being entered: the same reading, phone
    /// digits or e-mail address (see `store/customers.rs`).
    pub fn similar_customers(&self, query: &SimilarQuery) -> Result<Vec<SimilarCustomer>> {
        let found = customers::similar(self.conn(), query)?;
        let ids: Vec<i64> = found.iter().map(|(id, _)| *id).collect();
        // Named as the list names them, in the order found.
        let mut rows = self.rows_by_id(&ids)?.into_iter();
        Ok(found
            .into_iter()
            .filter_map(|(id, reasons)| {
                let row = rows.find(|row| row.id == id)?;
                Some(SimilarCustomer {
                    id,
                    display_name: row.display_name,
                    display_reading: row.display_reading,
                    archived: row.archived,
                    reasons,
                })
            })
            .collect())
    }

    /// How many customers are stored (active and archived).
    pub fn customer_count(&self) -> Result<i64> {
        customers::count(self.conn())
    }
}
