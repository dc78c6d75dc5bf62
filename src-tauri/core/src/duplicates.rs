//! Finding customers who may be one person twice (see
//! `domain::duplicates` for the evidence and how it is weighed).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::Store;
use crate::domain::clock::Clock;
use crate::domain::customer::CustomerRow;
use crate::domain::duplicates::{self, DuplicatePair};
use crate::error::{Error, Result};
use crate::interchange::{Progress, step};
use crate::store::identities;

/// The possible duplicates as the Duplicates view shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DuplicateList {
    /// The most certain pairs, at most [`LISTED_PAIRS`].
    pub pairs: Vec<DuplicatePair>,
    /// How many pairs were found in all.
    pub total: u32,
    /// Everyone named in `pairs`, as the list shows them.
    pub people: Vec<CustomerRow>,
}

/// More pairs than this are not shown at once: the most certain come first,
/// and each one settled makes room.
pub const LISTED_PAIRS: usize = 500;

impl Store {
    /// Every pair of active customers who may be one person, most certain
    /// first. Reports progress as it reads (`progress` may stop it).
    pub fn duplicate_candidates(&self, progress: Progress<'_>) -> Result<Vec<DuplicatePair>> {
        let mut progress = progress;
        step(&mut progress, 0, 2)?;
        let people = identities::active(self.conn())?;
        let dismissed = identities::dismissed(self.conn())?;
        let leads = identities::leads(self.conn())?;
        step(&mut progress, 1, 2)?;
        let pairs = duplicates::candidates(&people, &dismissed, &leads);
        step(&mut progress, 2, 2)?;
        Ok(pairs)
    }

    /// The most certain pairs with the people they name.
    pub fn duplicate_list(&self, progress: Progress<'_>) -> Result<DuplicateList> {
        let mut pairs = self.duplicate_candidates(progress)?;
        let total = pairs.len() as u32;
        pairs.truncate(LISTED_PAIRS);
        let mut ids: Vec<i64> = pairs.iter().flat_map(|p| [p.first, p.second]).collect();
        ids.sort_unstable();
        ids.dedup();
        let people = self.rows_by_id(&ids)?;
        Ok(DuplicateList {
            pairs,
            total,
            people,
        })
    }

    /// Remembers that two customers are two people: the pair is never
    /// offered again.
    pub fn dismiss_duplicate(&mut self, first: i64, second: i64, clock: &Clock) -> Result<()> {
        if first == second {
            return Err(Error::Internal(
                "a customer is not their own duplicate".to_owned(),
            ));
        }
        let tx = self.begin()?;
        for id in [first, second] {
            crate::store::customers::require(&tx, id)?;
        }
        identities::dismiss(&tx, first, second, clock.timestamp())?;
        self.commit(tx)?;
        Ok(())
    }
}
