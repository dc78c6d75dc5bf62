//! Who introduced whom: the highest trust a customer can show. A referral
//! moves introduced → met (first contact) → bought (first purchase) on its
//! own; the salesperson can also set it, and records the thank-you.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::clock::Clock;
use crate::customer::CustomerRef;
use crate::error::{Error, Result};
use crate::ladder::Stage;
use crate::sql::text_enum;
use crate::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReferralStatus {
    Introduced,
    Met,
    Bought,
}
text_enum!(ReferralStatus { Introduced => "introduced", Met => "met", Bought => "bought" });

/// One introduced customer and, below them, whom they introduced in turn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReferralNode {
    pub customer: CustomerRef,
    pub stage: Stage,
    pub status: ReferralStatus,
    pub introduced_at: i64,
    pub thanked_at: Option<i64>,
    /// Everything this customer has bought (refunds deducted), minor units.
    pub sales_minor: i64,
    pub children: Vec<ReferralNode>,
}

/// The referral that brought a customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReferralLink {
    pub referrer: CustomerRef,
    pub status: ReferralStatus,
    pub introduced_at: i64,
    pub thanked_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReferralSummary {
    pub referred_by: Option<ReferralLink>,
    /// Whom this customer introduced, several levels deep.
    pub tree: Vec<ReferralNode>,
    /// Customers this one introduced directly.
    pub direct_count: u32,
    /// Everyone in the tree, all levels.
    pub total_count: u32,
    /// What the directly introduced customers have bought, minor units.
    pub referral_sales_minor: i64,
}

/// How many levels of "whom those brought" are shown.
const TREE_DEPTH: u32 = 5;

pub(crate) fn is_referred(conn: &Connection, customer_id: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM referrals WHERE referred_id = ?1)")?
        .query_row([customer_id], |r| r.get(0))?)
}

/// A first contact with an introduced customer means they have met.
pub(crate) fn advance_after_contact(conn: &Connection, customer_id: i64) -> Result<()> {
    conn.prepare_cached(
        "UPDATE referrals SET status = 'met' WHERE referred_id = ?1 AND status = 'introduced'",
    )?
    .execute([customer_id])?;
    Ok(())
}

/// A first (positive) purchase by an introduced customer means they bought.
pub(crate) fn advance_after_purchase(conn: &Connection, customer_id: i64) -> Result<()> {
    conn.prepare_cached(
        "UPDATE referrals SET status = 'bought'
          WHERE referred_id = ?1 AND status <> 'bought'
            AND EXISTS (SELECT 1 FROM purchases WHERE customer_id = ?1 AND amount_minor > 0)",
    )?
    .execute([customer_id])?;
    Ok(())
}

/// The referrer of `customer_id`, if they have not been thanked yet.
pub(crate) fn unthanked_referrer(
    conn: &Connection,
    customer_id: i64,
) -> Result<Option<CustomerRef>> {
    Ok(conn
        .prepare_cached(
            "SELECT c.id, c.family_name, c.given_name, c.company, c.archived
               FROM referrals r JOIN customers c ON c.id = r.referrer_id
              WHERE r.referred_id = ?1 AND r.thanked_at IS NULL",
        )?
        .query_row([customer_id], crate::customer::customer_ref_from_row)
        .optional()?)
}

fn require_referral(conn: &Connection, referred_id: i64) -> Result<()> {
    if is_referred(conn, referred_id)? {
        Ok(())
    } else {
        Err(Error::not_found("referral", referred_id))
    }
}

impl Store {
    pub fn referrals(&self, customer_id: i64) -> Result<ReferralSummary> {
        let referred_by = self
            .conn
            .prepare_cached(
                "SELECT c.id, c.family_name, c.given_name, c.company, c.archived,
                        r.status, r.introduced_at, r.thanked_at
                   FROM referrals r JOIN customers c ON c.id = r.referrer_id
                  WHERE r.referred_id = ?1",
            )?
            .query_row([customer_id], |r| {
                Ok(ReferralLink {
                    referrer: crate::customer::customer_ref_from_row(r)?,
                    status: r.get(5)?,
                    introduced_at: r.get(6)?,
                    thanked_at: r.get(7)?,
                })
            })
            .optional()?;

        let mut stmt = self.conn.prepare_cached(
            "WITH RECURSIVE down (referrer_id, referred_id, depth) AS (
                 SELECT referrer_id, referred_id, 1 FROM referrals WHERE referrer_id = ?1
                 UNION ALL
                 SELECT r.referrer_id, r.referred_id, d.depth + 1
                   FROM referrals r JOIN down d ON r.referrer_id = d.referred_id
                  WHERE d.depth < ?2
             )
             SELECT c.id, c.family_name, c.given_name, c.company, c.archived,
                    d.referrer_id, c.stage, r.status, r.introduced_at, r.thanked_at,
                    (SELECT coalesce(sum(amount_minor), 0) FROM purchases p WHERE p.customer_id = c.id)
               FROM down d
               JOIN referrals r ON r.referred_id = d.referred_id
               JOIN customers c ON c.id = d.referred_id
              ORDER BY r.introduced_at, c.id",
        )?;
        let rows = stmt
            .query_map(params![customer_id, TREE_DEPTH], |r| {
                Ok((
                    r.get::<_, i64>(5)?,
                    ReferralNode {
                        customer: crate::customer::customer_ref_from_row(r)?,
                        stage: r.get(6)?,
                        status: r.get(7)?,
                        introduced_at: r.get(8)?,
                        thanked_at: r.get(9)?,
                        sales_minor: r.get(10)?,
                        children: Vec::new(),
                    },
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let total_count = u32::try_from(rows.len()).unwrap_or(u32::MAX);
        let mut by_referrer: HashMap<i64, Vec<ReferralNode>> = HashMap::new();
        for (referrer, node) in rows {
            by_referrer.entry(referrer).or_default().push(node);
        }
        let tree = assemble(customer_id, &mut by_referrer);
        Ok(ReferralSummary {
            referred_by,
            direct_count: u32::try_from(tree.len()).unwrap_or(u32::MAX),
            total_count,
            referral_sales_minor: tree.iter().map(|n| n.sales_minor).sum(),
            tree,
        })
    }

    pub fn set_referral_status(&mut self, referred_id: i64, status: ReferralStatus) -> Result<()> {
        require_referral(&self.conn, referred_id)?;
        self.conn.execute(
            "UPDATE referrals SET status = ?2 WHERE referred_id = ?1",
            params![referred_id, status],
        )?;
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
        require_referral(&self.conn, referred_id)?;
        self.conn.execute(
            "UPDATE referrals SET thanked_at = ?2 WHERE referred_id = ?1",
            params![referred_id, thanked.then(|| clock.timestamp())],
        )?;
        Ok(())
    }
}

fn assemble(parent: i64, by_referrer: &mut HashMap<i64, Vec<ReferralNode>>) -> Vec<ReferralNode> {
    let mut nodes = by_referrer.remove(&parent).unwrap_or_default();
    for node in &mut nodes {
        node.children = assemble(node.customer.id, by_referrer);
    }
    nodes
}
