//! The six-stage loyalty ladder, and the rules that may suggest a promotion.
//! Judgement stays human: a rule only suggests, the salesperson confirms.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::text_enum;

/// Where a customer stands; stored as its rung number (0–5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 潜在顧客 — could buy; has not yet.
    Prospect,
    /// 顧客 — has bought once.
    Customer,
    /// 得意客 — buys regularly.
    Client,
    /// 支持者 — buys this kind of thing only from you.
    Supporter,
    /// 代弁者 — recommends you to others.
    Advocate,
    /// パートナー — brings customers, joins your events.
    Partner,
}

impl Stage {
    pub const ALL: [Stage; 6] = [
        Stage::Prospect,
        Stage::Customer,
        Stage::Client,
        Stage::Supporter,
        Stage::Advocate,
        Stage::Partner,
    ];

    pub fn rung(self) -> i64 {
        self as i64
    }

    pub fn from_rung(rung: i64) -> Option<Stage> {
        usize::try_from(rung)
            .ok()
            .and_then(|i| Stage::ALL.get(i).copied())
    }

    /// The stage's name in files (the same as in JSON): `prospect`…`partner`.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Prospect => "prospect",
            Stage::Customer => "customer",
            Stage::Client => "client",
            Stage::Supporter => "supporter",
            Stage::Advocate => "advocate",
            Stage::Partner => "partner",
        }
    }

    pub fn from_name(name: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// The rules that may suggest a promotion; each suggestion names its rule,
/// and a dismissed rule does not come back for that customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PromotionRule {
    /// First purchase → Customer.
    FirstPurchase,
    /// At least N purchases within 12 months → Client.
    RepeatPurchases,
    /// First customer introduced → Advocate.
    FirstReferral,
}
text_enum!(PromotionRule {
    FirstPurchase => "first_purchase",
    RepeatPurchases => "repeat_purchases",
    FirstReferral => "first_referral",
});

impl PromotionRule {
    /// The stage the rule promotes to.
    pub fn target(self) -> Stage {
        match self {
            PromotionRule::FirstPurchase => Stage::Customer,
            PromotionRule::RepeatPurchases => Stage::Client,
            PromotionRule::FirstReferral => Stage::Advocate,
        }
    }

    /// In the order they are tried: the highest rung first.
    pub const BY_PRIORITY: [PromotionRule; 3] = [
        PromotionRule::FirstReferral,
        PromotionRule::RepeatPurchases,
        PromotionRule::FirstPurchase,
    ];
}

/// One move on the ladder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StageChange {
    pub id: i64,
    /// `None` for the stage a customer was created at.
    pub from: Option<Stage>,
    pub to: Stage,
    /// Unix seconds.
    pub changed_at: i64,
    /// What the salesperson wrote; empty for accepted suggestions.
    pub reason: String,
    /// The suggestion that was accepted, if this came from one.
    pub rule: Option<PromotionRule>,
}

/// Why a promotion is suggested, in facts the UI turns into a sentence.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PromotionEvidence {
    /// The first purchase's item (first purchase rule).
    pub item: Option<String>,
    /// Purchases in the last 12 months and the threshold (repeat rule).
    pub purchases_in_year: Option<u32>,
    pub threshold: Option<u32>,
    /// The customer they introduced (referral rule).
    pub referred: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PromotionSuggestion {
    pub customer_id: i64,
    pub display_name: String,
    pub from: Stage,
    pub to: Stage,
    pub rule: PromotionRule,
    pub evidence: PromotionEvidence,
}

/// What the promotion rules look at for one customer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PromotionFacts {
    pub stage: Option<Stage>,
    pub archived: bool,
    /// Positive purchases ever…
    pub purchases: u32,
    /// …and within the last 12 months.
    pub purchases_in_year: u32,
    /// The first purchase's item.
    pub first_item: Option<String>,
    /// The first customer they introduced.
    pub first_referred: Option<String>,
    pub dismissed: Vec<PromotionRule>,
}

/// Whether a rule could apply to someone at `stage` at all, before looking
/// at their history: the cheap test the book-wide list narrows with.
pub fn may_apply(rule: PromotionRule, stage: Stage) -> bool {
    stage < rule.target()
}

/// The promotion the rules suggest: the highest rung among the rules that
/// apply and were not dismissed. An archived customer gets none.
pub fn suggestion(
    facts: &PromotionFacts,
    client_threshold: u32,
) -> Option<(PromotionRule, PromotionEvidence)> {
    let stage = facts.stage?;
    if facts.archived {
        return None;
    }
    PromotionRule::BY_PRIORITY.into_iter().find_map(|rule| {
        if !may_apply(rule, stage) || facts.dismissed.contains(&rule) {
            return None;
        }
        match rule {
            PromotionRule::FirstReferral => {
                facts
                    .first_referred
                    .as_ref()
                    .map(|referred| PromotionEvidence {
                        referred: Some(referred.clone()),
                        ..PromotionEvidence::default()
                    })
            }
            PromotionRule::RepeatPurchases => {
                (facts.purchases_in_year >= client_threshold).then(|| PromotionEvidence {
                    purchases_in_year: Some(facts.purchases_in_year),
                    threshold: Some(client_threshold),
                    ..PromotionEvidence::default()
                })
            }
            PromotionRule::FirstPurchase => (facts.purchases >= 1).then(|| PromotionEvidence {
                item: facts.first_item.clone(),
                ..PromotionEvidence::default()
            }),
        }
        .map(|evidence| (rule, evidence))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(stage: Stage) -> PromotionFacts {
        PromotionFacts {
            stage: Some(stage),
            ..PromotionFacts::default()
        }
    }

    #[test]
    fn the_highest_rung_that_applies_is_suggested() {
        let mut f = facts(Stage::Prospect);
        assert_eq!(suggestion(&f, 2), None);
        f.purchases = 1;
        f.purchases_in_year = 1;
        f.first_item = Some("本マグロ".to_owned());
        assert_eq!(
            suggestion(&f, 2).map(|s| s.0),
            Some(PromotionRule::FirstPurchase)
        );
        f.purchases = 2;
        f.purchases_in_year = 2;
        assert_eq!(
            suggestion(&f, 2).map(|s| s.0),
            Some(PromotionRule::RepeatPurchases)
        );
        f.first_referred = Some("友人 太郎".to_owned());
        let (rule, evidence) = suggestion(&f, 2).expect("a suggestion");
        assert_eq!(rule, PromotionRule::FirstReferral);
        assert_eq!(evidence.referred.as_deref(), Some("友人 太郎"));
    }

    #[test]
    fn dismissed_rules_and_stages_already_reached_suggest_nothing() {
        let mut f = facts(Stage::Client);
        f.purchases = 5;
        f.purchases_in_year = 5;
        assert_eq!(suggestion(&f, 2), None, "already a client");
        f.first_referred = Some("友人".to_owned());
        f.dismissed = vec![PromotionRule::FirstReferral];
        assert_eq!(suggestion(&f, 2), None);
        f.dismissed.clear();
        f.archived = true;
        assert_eq!(suggestion(&f, 2), None);
    }

    #[test]
    fn twice_in_a_year_is_needed_for_client_not_twice_ever() {
        let mut f = facts(Stage::Customer);
        f.purchases = 4;
        f.purchases_in_year = 1;
        assert_eq!(suggestion(&f, 2), None);
    }
}
