//! What a write changed. The store's writers record it as they go, in the
//! transaction's [`Changed`]; before the transaction commits, the owner of
//! derived data (`crate::derived`) brings everything derived from it up to
//! date, and after it commits the change is published on the store's
//! [`ChangeFeed`], which wakes whatever depends on it (the scheduler, the
//! window). Nobody has to remember to call them by hand.

use std::collections::BTreeSet;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};

use crate::domain::measures::TALLY_SECONDS;

/// The stand-in customer for reminders of the user's own that name nobody.
pub const NO_CUSTOMER: i64 = 0;

/// The quarter hour an instant falls in (the tallies' bucket).
pub fn bucket(at: i64) -> i64 {
    at.div_euclid(TALLY_SECONDS)
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changed {
    /// Customers whose reminders must be derived again.
    pub agenda: BTreeSet<i64>,
    /// Customers whose touchpoints or purchases changed: their activity
    /// columns and how far their introduction has come.
    pub activity: BTreeSet<i64>,
    /// Customers whose purchases or introduction changed: their channels.
    pub channels: BTreeSet<i64>,
    /// Quarter hours whose touchpoint tallies must be counted again.
    pub touch_buckets: BTreeSet<i64>,
    /// Quarter hours whose purchase tallies must be counted again.
    pub purchase_buckets: BTreeSet<i64>,
    /// Settings or follow-up plans changed what everyone is reminded of.
    pub agenda_reset: bool,
    /// Written in bulk (a restore, demo data): everything is derived again.
    pub everything: bool,
}

impl Changed {
    pub fn is_empty(&self) -> bool {
        *self == Changed::default()
    }

    /// A customer's own details (names, dates, wishes, stage).
    pub fn profile(&mut self, customer: i64) {
        if self.everything {
            return;
        }
        self.agenda.insert(customer);
    }

    /// A touchpoint of the customer at `at` was added, moved or removed.
    pub fn touch(&mut self, customer: i64, at: i64) {
        if self.everything {
            return;
        }
        self.agenda.insert(customer);
        self.activity.insert(customer);
        self.touch_buckets.insert(bucket(at));
    }

    /// A purchase of the customer at `at` was added, moved or removed.
    pub fn purchase(&mut self, customer: i64, at: i64) {
        if self.everything {
            return;
        }
        self.agenda.insert(customer);
        self.activity.insert(customer);
        self.channels.insert(customer);
        self.purchase_buckets.insert(bucket(at));
    }

    /// A purchase's channel was rewritten (the tallies count by channel).
    pub fn channel(&mut self, at: i64) {
        if self.everything {
            return;
        }
        self.purchase_buckets.insert(bucket(at));
    }

    /// Who introduced `referred` changed, or how far it has come.
    pub fn referral(&mut self, referred: i64, referrer: Option<i64>) {
        if self.everything {
            return;
        }
        self.agenda.insert(referred);
        self.agenda.extend(referrer);
        self.activity.insert(referred);
        self.channels.insert(referred);
    }

    /// What the user did to a reminder of the customer (or of nobody).
    pub fn reminder(&mut self, customer: Option<i64>) {
        if self.everything {
            return;
        }
        self.agenda.insert(customer.unwrap_or(NO_CUSTOMER));
    }

    /// Settings or plans: every reminder may move.
    pub fn reminders_everywhere(&mut self) {
        self.agenda_reset = true;
    }

    pub fn everything(&mut self) {
        self.everything = true;
    }

    pub fn merge(&mut self, other: Changed) {
        self.agenda.extend(other.agenda);
        self.activity.extend(other.activity);
        self.channels.extend(other.channels);
        self.touch_buckets.extend(other.touch_buckets);
        self.purchase_buckets.extend(other.purchase_buckets);
        self.agenda_reset |= other.agenda_reset;
        self.everything |= other.everything;
    }
}

/// What listeners hear after a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeEvent {
    /// The customers whose data changed (empty with `everything`).
    pub customers: Vec<i64>,
    /// Settings, plans or the whole store changed.
    pub everything: bool,
}

impl From<&Changed> for ChangeEvent {
    fn from(c: &Changed) -> Self {
        ChangeEvent {
            customers: c
                .agenda
                .iter()
                .copied()
                .filter(|id| *id != NO_CUSTOMER)
                .collect(),
            everything: c.everything || c.agenda_reset,
        }
    }
}

/// The one change signal: every store given the same feed (the window's
/// and those of its background jobs) publishes each commit on it.
#[derive(Debug, Clone, Default)]
pub struct ChangeFeed(Arc<Mutex<Vec<Sender<ChangeEvent>>>>);

impl ChangeFeed {
    pub fn subscribe(&self) -> Receiver<ChangeEvent> {
        let (sender, receiver) = mpsc::channel();
        if let Ok(mut senders) = self.0.lock() {
            senders.push(sender);
        }
        receiver
    }

    pub fn publish(&self, event: &ChangeEvent) {
        if let Ok(mut senders) = self.0.lock() {
            // A listener that has gone away is forgotten.
            senders.retain(|s| s.send(event.clone()).is_ok());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listener_hears_each_change_and_departed_ones_are_dropped() {
        let feed = ChangeFeed::default();
        let first = feed.subscribe();
        let second = feed.subscribe();
        drop(second);
        let mut changed = Changed::default();
        changed.touch(7, 1_800_000_000);
        feed.publish(&ChangeEvent::from(&changed));
        assert_eq!(
            first.try_recv(),
            Ok(ChangeEvent {
                customers: vec![7],
                everything: false
            })
        );
        assert_eq!(feed.0.lock().map(|s| s.len()).unwrap_or_default(), 1);
    }

    #[test]
    fn buckets_are_quarter_hours_also_before_1970() {
        assert_eq!(bucket(0), 0);
        assert_eq!(bucket(899), 0);
        assert_eq!(bucket(900), 1);
        assert_eq!(bucket(-1), -1);
    }
}
