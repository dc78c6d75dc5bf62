//! The ladder: a customer's history, the suggestions the rules make
//! (`domain/ladder.rs`), and the moves the salesperson confirms or makes.

pub use crate::domain::ladder::*;

use crate::domain::clock::Clock;
use crate::domain::validation::{Checker, LIMIT_NOTES};
use crate::error::{Error, FieldErrorCode, Result};
use crate::store::{Store, customers, settings, stages};

const YEAR_SECONDS: i64 = 365 * 24 * 3600;

impl Store {
    /// A customer's moves on the ladder, oldest first.
    pub fn stage_history(&self, customer_id: i64) -> Result<Vec<StageChange>> {
        stages::history(self.conn(), customer_id)
    }

    /// The promotion the rules suggest for a customer now, if any.
    pub fn promotion_suggestion(
        &self,
        customer_id: i64,
        clock: &Clock,
    ) -> Result<Option<PromotionSuggestion>> {
        let threshold = settings::read(self.conn())?.client_purchase_threshold;
        let (name, facts) = stages::promotion_facts(
            self.conn(),
            customer_id,
            clock.timestamp() - YEAR_SECONDS,
            clock.timestamp(),
        )?
        .ok_or_else(|| Error::not_found("customer", customer_id))?;
        Ok(
            suggestion(&facts, threshold).map(|(rule, evidence)| PromotionSuggestion {
                customer_id,
                display_name: name,
                from: facts.stage.unwrap_or(Stage::Prospect),
                to: rule.target(),
                rule,
                evidence,
            }),
        )
    }

    /// Suggestions across the whole book, most recent activity first.
    pub fn promotion_suggestions(
        &self,
        clock: &Clock,
        limit: u32,
    ) -> Result<Vec<PromotionSuggestion>> {
        let threshold = settings::read(self.conn())?.client_purchase_threshold;
        let mut suggestions = Vec::new();
        for id in stages::promotion_candidates(self.conn(), threshold)? {
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
        clock: &Clock,
    ) -> Result<StageChange> {
        let current = self.promotion_suggestion(customer_id, clock)?;
        if current.as_ref().map(|s| s.rule) != Some(rule) {
            return Err(Error::field("rule", FieldErrorCode::OutOfRange));
        }
        self.move_stage(customer_id, rule.target(), "", Some(rule), clock)
    }

    /// Dismisses a suggestion; it does not come back for the same rule.
    pub fn dismiss_promotion(
        &mut self,
        customer_id: i64,
        rule: PromotionRule,
        clock: &Clock,
    ) -> Result<()> {
        let mut tx = self.begin()?;
        customers::require(&tx, customer_id)?;
        stages::dismiss(&mut tx, customer_id, rule, clock.timestamp())?;
        self.commit(tx)?;
        Ok(())
    }

    /// A change the salesperson makes by hand, up or down, with their reason.
    pub fn change_stage(
        &mut self,
        customer_id: i64,
        to: Stage,
        reason: &str,
        clock: &Clock,
    ) -> Result<StageChange> {
        let mut reason = reason.to_owned();
        let mut c = Checker::default();
        c.text("reason", &mut reason, LIMIT_NOTES);
        c.finish()?;
        self.move_stage(customer_id, to, &reason, None, clock)
    }

    fn move_stage(
        &mut self,
        customer_id: i64,
        to: Stage,
        reason: &str,
        rule: Option<PromotionRule>,
        clock: &Clock,
    ) -> Result<StageChange> {
        let mut tx = self.begin()?;
        let from = stages::stage_of(&tx, customer_id)?;
        if from == to {
            return Err(Error::field("stage", FieldErrorCode::Duplicate));
        }
        let id = stages::move_to(&mut tx, customer_id, from, to, reason, rule, clock)?;
        self.commit(tx)?;
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
