//! Finding customers who may be one person twice (see
//! `domain::duplicates` for the evidence and how it is weighed).

use std::collections::HashSet;

use crate::Store;
use crate::domain::duplicates::{self, DuplicatePair};
use crate::error::Result;
use crate::interchange::{Progress, step};
use crate::store::identities;

impl Store {
    /// Every pair of active customers who may be one person, most certain
    /// first. Reports progress as it reads (`progress` may stop it).
    pub fn duplicate_candidates(&self, progress: Progress<'_>) -> Result<Vec<DuplicatePair>> {
        let mut progress = progress;
        step(&mut progress, 0, 2)?;
        let people = identities::active(self.conn())?;
        step(&mut progress, 1, 2)?;
        let pairs = duplicates::candidates(&people, &HashSet::new());
        step(&mut progress, 2, 2)?;
        Ok(pairs)
    }
}
