//! Merging two records of one person: the record that stays takes the
//! other's history — touchpoints, purchases, introductions both ways, stage
//! history, promises, what was done about reminders — and a profile made of
//! both (`domain::merge`); the other record goes, leaving its UID and
//! e-mail addresses behind as aliases. One transaction, after a backup,
//! undoable like a delete.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::customer::{Customer, CustomerProfile, validated};
use crate::domain::clock::Clock;
use crate::domain::merge::{self, MergeField};
use crate::domain::reminder::OccurrenceKey;
use crate::error::{Error, Result};
use crate::store::rows;
use crate::store::{Store, customers, merging, reminder_states};
use crate::undo::{Capture, Undo};

/// Two records side by side, before merging.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MergePreview {
    pub kept: Customer,
    pub other: Customer,
    /// The fields both fill differently, for the user to choose.
    pub conflicts: Vec<MergeField>,
    /// The profile that results if every conflict keeps the staying
    /// record's value.
    pub merged: CustomerProfile,
    /// What moves from the other record.
    pub touchpoints: u32,
    pub purchases: u32,
    pub introductions: u32,
}

/// A merge as the user confirmed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MergeRequest {
    /// The record that stays.
    pub kept: i64,
    /// The record merged into it, which goes.
    pub other: i64,
    /// The conflicting fields whose value is taken from `other`.
    pub take_other: Vec<MergeField>,
    /// When each was last changed as the side-by-side showed them: a record
    /// changed since (in another window) is not merged.
    pub kept_updated_at: i64,
    pub other_updated_at: i64,
}

/// What a merge did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MergeOutcome {
    /// The record that stayed, as it is now.
    pub customer: Customer,
    pub undo: Undo,
    /// The copy of the store taken before merging, if one was taken now.
    pub backup: Option<String>,
}

/// Loads the two records, refusing a pair that cannot be merged.
fn pair(conn: &rusqlite::Connection, kept: i64, other: i64) -> Result<(Customer, Customer)> {
    if kept == other {
        return Err(Error::MergeIntoSelf);
    }
    let kept = customers::load(conn, kept)?;
    let other = customers::load(conn, other)?;
    if kept.archived || other.archived {
        return Err(Error::MergeArchived);
    }
    Ok((kept, other))
}

fn unchanged(request: &MergeRequest, kept: &Customer, other: &Customer) -> Result<()> {
    if kept.updated_at != request.kept_updated_at || other.updated_at != request.other_updated_at {
        return Err(Error::ChangedSinceShown);
    }
    Ok(())
}

/// The merged profile: the user's choices, then the introduction settled
/// so the referral tree stays a tree. An introduction between the two
/// records is dropped (no one introduces themself).
fn merged_profile(kept: &Customer, other: &Customer, take_other: &[MergeField]) -> CustomerProfile {
    let mut profile = merge::merged(&kept.profile, &other.profile, take_other);
    if matches!(profile.referred_by, Some(r) if r == kept.id || r == other.id) {
        profile.referred_by = [kept.profile.referred_by, other.profile.referred_by]
            .into_iter()
            .flatten()
            .find(|r| *r != kept.id && *r != other.id);
    }
    profile
}

impl Store {
    /// The two records side by side, with what merging would move.
    pub fn merge_preview(&self, kept: i64, other: i64) -> Result<MergePreview> {
        let (kept, other) = pair(self.conn(), kept, other)?;
        let conflicts = merge::conflicts(&kept.profile, &other.profile);
        let merged = merged_profile(&kept, &other, &[]);
        let (touchpoints, purchases, introductions) =
            merging::history_counts(self.conn(), other.id, kept.id)?;
        Ok(MergePreview {
            kept,
            other,
            conflicts,
            merged,
            touchpoints,
            purchases,
            introductions,
        })
    }

    /// Merges `request.other` into `request.kept`. Refused, changing
    /// nothing, for a customer and themself, an archived or deleted one, a
    /// pair changed since it was shown, or a merged profile that is not
    /// valid (too many phones…).
    pub fn merge_customers(
        &mut self,
        request: &MergeRequest,
        clock: &Clock,
    ) -> Result<MergeOutcome> {
        // Checked before the backup, so a refusal costs nothing.
        {
            let (kept, other) = pair(self.conn(), request.kept, request.other)?;
            unchanged(request, &kept, &other)?;
            validated(
                merged_profile(&kept, &other, &request.take_other),
                clock.today(),
            )?;
        }
        let backup = self.backup_before_merge(clock)?;
        let mut tx = self.begin()?;
        let (kept, other) = pair(&tx, request.kept, request.other)?;
        unchanged(request, &kept, &other)?;
        let mut profile = merged_profile(&kept, &other, &request.take_other);
        let (kept, other) = (kept.id, other.id);

        let mut capture = Capture::new("merge_customers");
        for id in [kept, other] {
            capture.customer(&tx, id)?;
            let occurrences = reminder_states::of_customer(&tx, id)?;
            for prefix in &occurrences.prefixes {
                capture.occurrences(&tx, prefix)?;
            }
            for key in &occurrences.keys {
                capture.occurrence(&tx, key)?;
            }
        }

        merging::drop_between(&mut tx, kept, other)?;
        merging::move_introductions(&mut tx, other, kept)?;
        if let Some(referrer) = profile.referred_by
            && customers::would_circle(&tx, kept, referrer)?
        {
            profile.referred_by = None;
        }
        merging::settle_incoming(&mut tx, kept, other, profile.referred_by)?;
        let profile = validated(profile, clock.today())?;
        customers::update(&mut tx, kept, &profile, clock)?;
        merging::join_greetings(&tx, other, kept)?;
        merging::move_history(&mut tx, other, kept)?;
        merging::rekey_occurrences(&mut tx, other, kept)?;
        merging::move_duplicate_notes(&tx, other, kept)?;
        merging::keep_aliases(&tx, other, kept, clock.timestamp())?;
        crate::store::sync_items::merged(&tx, other, kept)?;
        customers::delete(&mut tx, other)?;

        // What the merge created for the record that stays: its rewritten
        // lists, a stage change, the aliases, states re-keyed to it.
        for table in rows::TABLES {
            if rows::columns(&tx, table)?
                .iter()
                .any(|c| c == "customer_id")
            {
                capture.appeared(&tx, table, "customer_id = ?1", &[&kept])?;
            }
        }
        capture.appeared(
            &tx,
            "referrals",
            "referrer_id = ?1 OR referred_id = ?1",
            &[&kept],
        )?;
        for table in ["duplicate_dismissals", "duplicate_leads"] {
            capture.appeared(&tx, table, "first_id = ?1 OR second_id = ?1", &[&kept])?;
        }
        // The thanks for the introduction that brought them, which may have
        // taken over what was done about the other record's.
        if let Some((referral, _)) = merging::incoming(&tx, kept)? {
            for key in [
                OccurrenceKey::ThanksIntroduced { referral },
                OccurrenceKey::ThanksBought { referral },
            ] {
                let key = key.to_string();
                let snoozed = format!("{key}@%");
                capture.appeared(&tx, "reminder_states", "occurrence_key = ?1", &[&key])?;
                capture.appeared(
                    &tx,
                    "notification_deliveries",
                    "occurrence_key = ?1 OR occurrence_key LIKE ?2",
                    &[&key, &snoozed],
                )?;
            }
        }
        for prefix in OccurrenceKey::customer_prefixes(kept) {
            let (from, to) = OccurrenceKey::prefix_range(&prefix);
            capture.appeared(
                &tx,
                "notification_deliveries",
                "occurrence_key >= ?1 AND occurrence_key < ?2",
                &[&from, &to],
            )?;
        }
        let undo = capture.record(&mut tx, clock)?;
        self.commit(tx)?;
        tracing::info!(kept, merged = other, "customers merged");
        Ok(MergeOutcome {
            customer: self.customer(kept)?,
            undo,
            backup: backup.map(|p| p.display().to_string()),
        })
    }
}
