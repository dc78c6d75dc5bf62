//! The six-stage loyalty ladder.

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

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

impl rusqlite::ToSql for Stage {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(self.rung().into())
    }
}

impl rusqlite::types::FromSql for Stage {
    fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        let rung = value.as_i64()?;
        Stage::from_rung(rung).ok_or(rusqlite::types::FromSqlError::OutOfRange(rung))
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
crate::sql::text_enum!(PromotionRule {
    FirstPurchase => "first_purchase",
    RepeatPurchases => "repeat_purchases",
    FirstReferral => "first_referral",
});

impl PromotionRule {
    pub fn target(self) -> Stage {
        match self {
            PromotionRule::FirstPurchase => Stage::Customer,
            PromotionRule::RepeatPurchases => Stage::Client,
            PromotionRule::FirstReferral => Stage::Advocate,
        }
    }
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

const YEAR_SECONDS: i64 = 365 * 24 * 3600;

impl crate::store::Store {
    /// A customer's moves on the ladder, oldest first.
    pub fn stage_history(&self, customer_id: i64) -> crate::Result<Vec<StageChange>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, from_stage, to_stage, changed_at, reason, rule FROM stage_changes
              WHERE customer_id = ?1 ORDER BY changed_at, id",
        )?;
        let rows = stmt
            .query_map([customer_id], |r| {
                Ok(StageChange {
                    id: r.get(0)?,
                    from: r.get(1)?,
                    to: r.get(2)?,
                    changed_at: r.get(3)?,
                    reason: r.get(4)?,
                    rule: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The promotion the rules suggest for a customer now, if any: the
    /// highest rung among the rules that apply and were not dismissed.
    pub fn promotion_suggestion(
        &self,
        customer_id: i64,
        clock: &crate::Clock,
    ) -> crate::Result<Option<PromotionSuggestion>> {
        let threshold = self.settings()?.client_purchase_threshold;
        let Some((stage, archived, purchase_count, name)) = self
            .conn
            .prepare_cached(
                "SELECT stage, archived, purchase_count, family_name, given_name, company
                   FROM customers WHERE id = ?1",
            )?
            .query_row([customer_id], |r| {
                Ok((
                    r.get::<_, Stage>(0)?,
                    r.get::<_, bool>(1)?,
                    r.get::<_, u32>(2)?,
                    crate::kana::display_name(
                        &r.get::<_, String>(3)?,
                        &r.get::<_, String>(4)?,
                        &r.get::<_, String>(5)?,
                    ),
                ))
            })
            .optional()?
        else {
            return Err(crate::Error::not_found("customer", customer_id));
        };
        if archived {
            return Ok(None);
        }
        let dismissed: Vec<PromotionRule> = self
            .conn
            .prepare_cached("SELECT rule FROM dismissed_suggestions WHERE customer_id = ?1")?
            .query_map([customer_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let open = |rule: PromotionRule| stage < rule.target() && !dismissed.contains(&rule);

        if open(PromotionRule::FirstReferral) {
            let referred: Option<String> = self
                .conn
                .prepare_cached(
                    "SELECT c.family_name, c.given_name, c.company FROM referrals r
                       JOIN customers c ON c.id = r.referred_id
                      WHERE r.referrer_id = ?1 ORDER BY r.introduced_at, r.id LIMIT 1",
                )?
                .query_row([customer_id], |r| {
                    Ok(crate::kana::display_name(
                        &r.get::<_, String>(0)?,
                        &r.get::<_, String>(1)?,
                        &r.get::<_, String>(2)?,
                    ))
                })
                .optional()?;
            if let Some(referred) = referred {
                return Ok(Some(suggest(
                    customer_id,
                    name,
                    stage,
                    PromotionRule::FirstReferral,
                    PromotionEvidence {
                        referred: Some(referred),
                        ..PromotionEvidence::default()
                    },
                )));
            }
        }
        if open(PromotionRule::RepeatPurchases) && purchase_count >= threshold {
            let in_year: u32 = self
                .conn
                .prepare_cached(
                    "SELECT count(*) FROM purchases
                      WHERE customer_id = ?1 AND amount_minor > 0 AND purchased_at > ?2 AND purchased_at <= ?3",
                )?
                .query_row(
                    rusqlite::params![customer_id, clock.timestamp() - YEAR_SECONDS, clock.timestamp()],
                    |r| r.get(0),
                )?;
            if in_year >= threshold {
                return Ok(Some(suggest(
                    customer_id,
                    name,
                    stage,
                    PromotionRule::RepeatPurchases,
                    PromotionEvidence {
                        purchases_in_year: Some(in_year),
                        threshold: Some(threshold),
                        ..PromotionEvidence::default()
                    },
                )));
            }
        }
        if open(PromotionRule::FirstPurchase) && purchase_count >= 1 {
            let item: Option<String> = self
                .conn
                .prepare_cached(
                    "SELECT item FROM purchases WHERE customer_id = ?1 AND amount_minor > 0
                      ORDER BY purchased_at, id LIMIT 1",
                )?
                .query_row([customer_id], |r| r.get(0))
                .optional()?;
            return Ok(Some(suggest(
                customer_id,
                name,
                stage,
                PromotionRule::FirstPurchase,
                PromotionEvidence {
                    item,
                    ..PromotionEvidence::default()
                },
            )));
        }
        Ok(None)
    }

    /// Suggestions across the whole book, most recent activity first.
    pub fn promotion_suggestions(
        &self,
        clock: &crate::Clock,
        limit: u32,
    ) -> crate::Result<Vec<PromotionSuggestion>> {
        let threshold = self.settings()?.client_purchase_threshold;
        let candidates: Vec<i64> = self
            .conn
            .prepare_cached(
                "SELECT c.id FROM customers c
                  WHERE c.archived = 0
                    AND ((c.stage < 1 AND c.purchase_count >= 1)
                      OR (c.stage < 2 AND c.purchase_count >= ?1)
                      OR (c.stage < 4 AND EXISTS (SELECT 1 FROM referrals r WHERE r.referrer_id = c.id)))
                  ORDER BY max(coalesce(c.last_purchase_at, 0), c.updated_at) DESC",
            )?
            .query_map([threshold], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut suggestions = Vec::new();
        for id in candidates {
            if let Some(s) = self.promotion_suggestion(id, clock)? {
                suggestions.push(s);
                if suggestions.len() >= limit as usize {
                    break;
                }
            }
        }
        Ok(suggestions)
    }

    /// Accepts a suggestion: the customer moves to the rule's stage, and the
    /// history records the rule as the reason.
    pub fn accept_promotion(
        &mut self,
        customer_id: i64,
        rule: PromotionRule,
        clock: &crate::Clock,
    ) -> crate::Result<StageChange> {
        let current = self.promotion_suggestion(customer_id, clock)?;
        if current.as_ref().map(|s| s.rule) != Some(rule) {
            return Err(crate::Error::field(
                "rule",
                crate::FieldErrorCode::OutOfRange,
            ));
        }
        self.move_stage(customer_id, rule.target(), "", Some(rule), clock)
    }

    /// Dismisses a suggestion; it does not come back for the same rule.
    pub fn dismiss_promotion(
        &mut self,
        customer_id: i64,
        rule: PromotionRule,
        clock: &crate::Clock,
    ) -> crate::Result<()> {
        if !crate::touchpoint::customer_exists(&self.conn, customer_id)? {
            return Err(crate::Error::not_found("customer", customer_id));
        }
        self.conn.execute(
            "INSERT OR IGNORE INTO dismissed_suggestions (customer_id, rule, dismissed_at) VALUES (?1, ?2, ?3)",
            rusqlite::params![customer_id, rule, clock.timestamp()],
        )?;
        Ok(())
    }

    /// A change the salesperson makes by hand, up or down, with their reason.
    pub fn change_stage(
        &mut self,
        customer_id: i64,
        to: Stage,
        reason: &str,
        clock: &crate::Clock,
    ) -> crate::Result<StageChange> {
        let mut reason = reason.to_owned();
        let mut c = crate::validation::Checker::default();
        c.text("reason", &mut reason, crate::validation::LIMIT_NOTES);
        c.finish()?;
        self.move_stage(customer_id, to, &reason, None, clock)
    }

    fn move_stage(
        &mut self,
        customer_id: i64,
        to: Stage,
        reason: &str,
        rule: Option<PromotionRule>,
        clock: &crate::Clock,
    ) -> crate::Result<StageChange> {
        let tx = self.conn.transaction()?;
        let from: Stage = tx
            .query_row(
                "SELECT stage FROM customers WHERE id = ?1",
                [customer_id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| crate::Error::not_found("customer", customer_id))?;
        if from == to {
            return Err(crate::Error::field(
                "stage",
                crate::FieldErrorCode::Duplicate,
            ));
        }
        tx.execute(
            "UPDATE customers SET stage = ?2, updated_at = ?3 WHERE id = ?1",
            rusqlite::params![customer_id, to, clock.timestamp()],
        )?;
        crate::customer::record_stage_change(
            &tx,
            customer_id,
            Some(from),
            to,
            reason,
            rule.map(PromotionRule::as_str),
            clock,
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(StageChange {
            id,
            from: Some(from),
            to,
            changed_at: clock.timestamp(),
            reason: reason.to_owned(),
            rule,
        })
    }
}

fn suggest(
    customer_id: i64,
    display_name: String,
    from: Stage,
    rule: PromotionRule,
    evidence: PromotionEvidence,
) -> PromotionSuggestion {
    PromotionSuggestion {
        customer_id,
        display_name,
        from,
        to: rule.target(),
        rule,
        evidence,
    }
}
