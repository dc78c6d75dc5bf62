//! Finding customers who may be one person twice (see
//! `domain::duplicates` for the evidence and how it is weighed).

use crate::Store;
use crate::domain::clock::Clock;
use crate::domain::duplicates::{self, DuplicatePair};
use crate::error::{Error, Result};
use crate::interchange::{Progress, step};
use crate::store::identities;

impl Store {
    /// Every pair of active customers who may be one person, most certain
    /// first. Reports progress as it reads (`progress` may stop it).
    pub fn duplicate_candidates(&self, progress: Progress<'_>) -> Result<Vec<DuplicatePair>> {
        let mut progress = progress;
        step(&mut progress, 0, 2)?;
        let people = identities::active(self.conn())?;
        let dismissed = identities::dismissed(self.conn())?;
        step(&mut progress, 1, 2)?;
        let pairs = duplicates::candidates(&people, &dismissed);
        step(&mut progress, 2, 2)?;
        Ok(pairs)
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
