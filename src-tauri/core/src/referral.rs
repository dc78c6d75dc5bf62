//! Introductions: the tree of whom a customer brought, the status the
//! salesperson sets, and the thank-you.

pub use crate::domain::referral::*;

use crate::domain::clock::Clock;
use crate::error::{Error, Result};
use crate::store::{Store, referrals};

impl Store {
    pub fn referrals(&self, customer_id: i64) -> Result<ReferralSummary> {
        let conn = self.conn();
        let nodes = referrals::descendants(conn, customer_id, TREE_DEPTH)?;
        let total_count = u32::try_from(nodes.len()).unwrap_or(u32::MAX);
        let tree = assemble(customer_id, nodes);
        Ok(ReferralSummary {
            referred_by: referrals::link(conn, customer_id)?,
            direct_count: u32::try_from(tree.len()).unwrap_or(u32::MAX),
            total_count,
            referral_sales_minor: tree.iter().map(|n| n.sales_minor).sum(),
            tree,
        })
    }

    /// How far an introduction came, in the salesperson's word; it never
    /// stays below what the facts show (a purchase means they bought).
    pub fn set_referral_status(&mut self, referred_id: i64, status: ReferralStatus) -> Result<()> {
        let mut tx = self.begin()?;
        if referrals::of_referred(&tx, referred_id)?.is_none() {
            return Err(Error::not_found("referral", referred_id));
        }
        referrals::set_status(&mut tx, referred_id, status)?;
        self.commit(tx)?;
        Ok(())
    }

    /// Records (or, with `thanked = false`, clears) the thank-you to whoever
    /// introduced `referred_id`.
    pub fn set_referral_thanked(
        &mut self,
        referred_id: i64,
        thanked: bool,
        clock: &Clock,
    ) -> Result<()> {
        let mut tx = self.begin()?;
        let (id, _) = referrals::of_referred(&tx, referred_id)?
            .ok_or_else(|| Error::not_found("referral", referred_id))?;
        referrals::set_thanked(&mut tx, id, thanked.then(|| clock.timestamp()))?;
        self.commit(tx)?;
        Ok(())
    }
}
