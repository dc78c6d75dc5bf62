//! Who introduced whom: the highest trust a customer can show. A referral
//! moves introduced → met (first contact) → bought (first purchase) on its
//! own; the salesperson can also set it, and records the thank-you.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::customer::CustomerRef;
use crate::domain::ladder::Stage;
use crate::domain::text_enum;

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
pub const TREE_DEPTH: u32 = 5;

/// How far an introduction has come on the facts alone: a contact means
/// they have met, a purchase that they bought. The status shown never
/// falls below this; the salesperson may set it higher (a meeting that was
/// not logged).
pub fn implied_status(touches: u32, purchases: u32) -> ReferralStatus {
    if purchases > 0 {
        ReferralStatus::Bought
    } else if touches > 0 {
        ReferralStatus::Met
    } else {
        ReferralStatus::Introduced
    }
}

/// The status shown: what the salesperson set, raised to what the facts
/// imply — so it falls back when the facts that raised it are removed.
pub fn settled_status(set: ReferralStatus, touches: u32, purchases: u32) -> ReferralStatus {
    set.max(implied_status(touches, purchases))
}

/// Builds the tree under `root` from `(referrer, node)` pairs.
pub fn assemble(root: i64, nodes: Vec<(i64, ReferralNode)>) -> Vec<ReferralNode> {
    let mut by_referrer: HashMap<i64, Vec<ReferralNode>> = HashMap::new();
    for (referrer, node) in nodes {
        by_referrer.entry(referrer).or_default().push(node);
    }
    attach(root, &mut by_referrer)
}

fn attach(parent: i64, by_referrer: &mut HashMap<i64, Vec<ReferralNode>>) -> Vec<ReferralNode> {
    let mut nodes = by_referrer.remove(&parent).unwrap_or_default();
    for node in &mut nodes {
        node.children = attach(node.customer.id, by_referrer);
    }
    nodes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_follows_the_facts_but_never_falls_below_what_was_set() {
        use ReferralStatus::*;
        assert_eq!(implied_status(0, 0), Introduced);
        assert_eq!(implied_status(3, 0), Met);
        assert_eq!(implied_status(0, 1), Bought);
        assert_eq!(settled_status(Introduced, 1, 0), Met);
        assert_eq!(
            settled_status(Met, 0, 0),
            Met,
            "a meeting set by hand stays"
        );
        assert_eq!(settled_status(Bought, 1, 0), Bought);
        assert_eq!(
            settled_status(Introduced, 1, 0),
            Met,
            "without the purchase that raised it, bought falls back"
        );
    }
}
