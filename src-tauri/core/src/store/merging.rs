//! Moving what is recorded about one customer onto another, when two
//! records of one person are merged (`crate::merge` runs these in one
//! transaction, around rewriting the profile of the record that stays).

use rusqlite::{Connection, OptionalExtension, params};

use super::rows;
use super::{Tx, customers, reminder_states};
use crate::domain::reminder::OccurrenceKey;
use crate::error::Result;

/// Whether `table` is part of the profile: rewritten from the merged
/// profile (or, for aliases, kept by [`keep_aliases`]), not moved.
fn part_of_profile(table: &str) -> bool {
    matches!(table, "customers" | "customer_aliases") || customers::PROFILE_LISTS.contains(&table)
}

/// How much of `other`'s history a merge into `kept` moves, for the
/// side-by-side (an introduction of one by the other does not move).
pub(crate) fn history_counts(conn: &Connection, other: i64, kept: i64) -> Result<(u32, u32, u32)> {
    let count = |sql: &str, params: &[&dyn rusqlite::ToSql]| -> Result<u32> {
        Ok(conn
            .prepare_cached(sql)?
            .query_row(params, |r| r.get::<_, u32>(0))?)
    };
    Ok((
        count(
            "SELECT count(*) FROM touchpoints WHERE customer_id = ?1",
            &[&other],
        )?,
        count(
            "SELECT count(*) FROM purchases WHERE customer_id = ?1",
            &[&other],
        )?,
        count(
            "SELECT count(*) FROM referrals WHERE referrer_id = ?1 AND referred_id <> ?2",
            &[&other, &kept],
        )?,
    ))
}

/// Every recorded row that names `other` and is not part of the profile —
/// touchpoints, purchases, stage history, promises, dismissed suggestions,
/// reminder states — now names `kept`. A row that would repeat one `kept`
/// already has (a suggestion dismissed by both) stays behind and goes with
/// `other`.
pub(crate) fn move_history(tx: &mut Tx<'_>, other: i64, kept: i64) -> Result<()> {
    let (touches, purchases) = customers::history_times(tx, other)?;
    for table in rows::TABLES {
        if part_of_profile(table) || !rows::columns(tx, table)?.iter().any(|c| c == "customer_id") {
            continue;
        }
        // Table names come from the fixed list, never from input.
        tx.prepare_cached(&format!(
            "UPDATE OR IGNORE {table} SET customer_id = ?2 WHERE customer_id = ?1"
        ))?
        .execute(params![other, kept])?;
    }
    for at in touches {
        tx.changed.touch(kept, at);
    }
    for at in purchases {
        tx.changed.purchase(kept, at);
    }
    tx.changed.reminder(Some(kept));
    Ok(())
}

/// What was done about, and announced of, `other`'s own occurrences (their
/// birthday, their keep-in-touch) now counts for `kept` where `kept` has
/// nothing of its own for the same occurrence — so a birthday greeted on
/// one record is not offered again on the merged one. The old keys go
/// with `other`.
pub(crate) fn rekey_occurrences(tx: &mut Tx<'_>, other: i64, kept: i64) -> Result<()> {
    let ours = OccurrenceKey::customer_prefixes(other);
    let theirs = OccurrenceKey::customer_prefixes(kept);
    for (from_prefix, to_prefix) in ours.iter().zip(theirs.iter()) {
        let (from, to) = OccurrenceKey::prefix_range(from_prefix);
        let start = from_prefix.chars().count() as i64 + 1;
        tx.prepare_cached(
            "INSERT OR IGNORE INTO reminder_states
                 (occurrence_key, customer_id, status, snoozed_until, acted_at)
             SELECT ?3 || substr(occurrence_key, ?4), ?5, status, snoozed_until, acted_at
               FROM reminder_states WHERE occurrence_key >= ?1 AND occurrence_key < ?2",
        )?
        .execute(params![from, to, to_prefix, start, kept])?;
        tx.prepare_cached(
            "INSERT OR IGNORE INTO notification_deliveries (occurrence_key, delivered_at)
             SELECT ?3 || substr(occurrence_key, ?4), delivered_at
               FROM notification_deliveries WHERE occurrence_key >= ?1 AND occurrence_key < ?2",
        )?
        .execute(params![from, to, to_prefix, start])?;
        reminder_states::forget_prefix(tx, from_prefix, Some(kept))?;
    }
    Ok(())
}

/// An introduction between the two records (one person introducing
/// themself) goes, with what was done about thanking for it.
pub(crate) fn drop_between(tx: &mut Tx<'_>, kept: i64, other: i64) -> Result<()> {
    let between: Vec<i64> = tx
        .prepare_cached(
            "SELECT id FROM referrals
              WHERE (referrer_id = ?1 AND referred_id = ?2) OR (referrer_id = ?2 AND referred_id = ?1)",
        )?
        .query_map(params![kept, other], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for referral in between {
        forget_thanks(tx, referral, kept)?;
        tx.prepare_cached("DELETE FROM referrals WHERE id = ?1")?
            .execute([referral])?;
        tx.changed.referral(kept, Some(other));
        tx.changed.referral(other, Some(kept));
    }
    Ok(())
}

fn forget_thanks(tx: &mut Tx<'_>, referral: i64, customer: i64) -> Result<()> {
    for key in [
        OccurrenceKey::ThanksIntroduced { referral },
        OccurrenceKey::ThanksBought { referral },
    ] {
        reminder_states::forget(tx, &key.to_string(), Some(customer))?;
    }
    Ok(())
}

/// The introduction that brought `id`: `(referral id, referrer)`.
pub(crate) fn incoming(conn: &Connection, id: i64) -> Result<Option<(i64, i64)>> {
    Ok(conn
        .prepare_cached("SELECT id, referrer_id FROM referrals WHERE referred_id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Settles who introduced the merged person: `referrer`, the one the merge
/// chose. The introduction row that already names them is kept (with its
/// date, status and thanks) and now brings `kept`; the other record's is
/// removed.
pub(crate) fn settle_incoming(
    tx: &mut Tx<'_>,
    kept: i64,
    other: i64,
    referrer: Option<i64>,
) -> Result<()> {
    let kept_link = incoming(tx, kept)?;
    let other_link = incoming(tx, other)?;
    let take_others = match (kept_link, other_link) {
        (Some((_, k)), _) if Some(k) == referrer => false,
        (_, Some((_, o))) => Some(o) == referrer,
        _ => false,
    };
    if let Some((referral, from)) = kept_link
        && take_others
    {
        forget_thanks(tx, referral, kept)?;
        tx.prepare_cached("DELETE FROM referrals WHERE id = ?1")?
            .execute([referral])?;
        tx.changed.referral(kept, Some(from));
    }
    if let Some((referral, from)) = other_link {
        if take_others {
            tx.prepare_cached("UPDATE referrals SET referred_id = ?2 WHERE id = ?1")?
                .execute(params![referral, kept])?;
            tx.changed.referral(kept, Some(from));
        } else {
            if let Some((staying, same)) = kept_link
                && same == from
            {
                // One introduction recorded twice: what either says of it
                // (the earlier date, the thanks, the notes) is kept.
                join_introductions(tx, referral, staying)?;
            }
            forget_thanks(tx, referral, other)?;
            tx.prepare_cached("DELETE FROM referrals WHERE id = ?1")?
                .execute([referral])?;
            tx.changed.referral(other, Some(from));
        }
    }
    Ok(())
}

/// Folds the introduction `gone` into `staying` (the same referrer bringing
/// the same person): the earlier date, a thanks given on either, notes
/// from both, and what was done about and announced of thanking for it.
fn join_introductions(tx: &mut Tx<'_>, gone: i64, staying: i64) -> Result<()> {
    tx.prepare_cached(
        "UPDATE referrals SET
             introduced_at = min(introduced_at, (SELECT introduced_at FROM referrals WHERE id = ?1)),
             thanked_at = coalesce(thanked_at, (SELECT thanked_at FROM referrals WHERE id = ?1)),
             notes = CASE
                 WHEN (SELECT notes FROM referrals WHERE id = ?1) IN ('', notes) THEN notes
                 WHEN notes = '' THEN (SELECT notes FROM referrals WHERE id = ?1)
                 ELSE notes || char(10) || (SELECT notes FROM referrals WHERE id = ?1)
             END
          WHERE id = ?2",
    )?
    .execute(params![gone, staying])?;
    for (from, to) in [
        (
            OccurrenceKey::ThanksIntroduced { referral: gone },
            OccurrenceKey::ThanksIntroduced { referral: staying },
        ),
        (
            OccurrenceKey::ThanksBought { referral: gone },
            OccurrenceKey::ThanksBought { referral: staying },
        ),
    ] {
        let (from, to) = (from.to_string(), to.to_string());
        tx.prepare_cached(
            "INSERT OR IGNORE INTO reminder_states
                 (occurrence_key, customer_id, status, snoozed_until, acted_at)
             SELECT ?2, customer_id, status, snoozed_until, acted_at
               FROM reminder_states WHERE occurrence_key = ?1",
        )?
        .execute(params![from, to])?;
        tx.prepare_cached(
            "INSERT OR IGNORE INTO notification_deliveries (occurrence_key, delivered_at)
             SELECT ?2 || substr(occurrence_key, length(?1) + 1), delivered_at
               FROM notification_deliveries
              WHERE occurrence_key = ?1 OR occurrence_key LIKE ?1 || '@%'",
        )?
        .execute(params![from, to])?;
    }
    Ok(())
}

/// Those `other` introduced were introduced by `kept`.
pub(crate) fn move_introductions(tx: &mut Tx<'_>, other: i64, kept: i64) -> Result<()> {
    let introduced: Vec<i64> = tx
        .prepare_cached("SELECT referred_id FROM referrals WHERE referrer_id = ?1")?
        .query_map([other], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    tx.prepare_cached("UPDATE referrals SET referrer_id = ?2 WHERE referrer_id = ?1")?
        .execute(params![other, kept])?;
    for referred in introduced {
        tx.changed.referral(referred, Some(kept));
    }
    Ok(())
}

/// What was said about `other` as a possible duplicate now holds for
/// `kept`: told apart from someone, or found with someone at an import.
/// A pair of the two themselves goes with `other`.
pub(crate) fn move_duplicate_notes(tx: &Tx<'_>, other: i64, kept: i64) -> Result<()> {
    for (table, at) in [
        ("duplicate_dismissals", "dismissed_at"),
        ("duplicate_leads", "found_at"),
    ] {
        // Table and column names come from the fixed list above.
        tx.prepare_cached(&format!(
            "INSERT OR IGNORE INTO {table} (first_id, second_id, {at})
             SELECT min(?2, partner), max(?2, partner), {at} FROM (
                 SELECT CASE WHEN first_id = ?1 THEN second_id ELSE first_id END AS partner, {at}
                   FROM {table} WHERE first_id = ?1 OR second_id = ?1)
              WHERE partner <> ?2"
        ))?
        .execute(params![other, kept])?;
    }
    Ok(())
}

/// `other`'s vCard UID and e-mail addresses (and the aliases it had from
/// earlier merges) now lead to `kept`.
pub(crate) fn keep_aliases(tx: &Tx<'_>, other: i64, kept: i64, at: i64) -> Result<()> {
    tx.prepare_cached("UPDATE customer_aliases SET customer_id = ?2 WHERE customer_id = ?1")?
        .execute(params![other, kept])?;
    tx.prepare_cached(
        "INSERT OR IGNORE INTO customer_aliases (kind, value, customer_id, merged_at)
         SELECT 'uid', uid, ?2, ?3 FROM customers WHERE id = ?1
         UNION ALL
         SELECT 'email', lower(trim(address)), ?2, ?3 FROM customer_emails
          WHERE customer_id = ?1 AND trim(address) <> ''",
    )?
    .execute(params![other, kept, at])?;
    Ok(())
}

/// Where both records are in the same campaign of the season's greetings,
/// the staying record's row takes what the other's knew (on the list, the
/// card sent with its touch, the card received) before the other's goes:
/// no card is sent twice, no card received forgotten.
pub(crate) fn join_greetings(tx: &Tx<'_>, other: i64, kept: i64) -> Result<()> {
    tx.prepare_cached(
        "UPDATE campaign_recipients AS k
            SET listed = max(k.listed, o.listed),
                sent_at = coalesce(k.sent_at, o.sent_at),
                touchpoint_id = coalesce(k.touchpoint_id, o.touchpoint_id),
                received_on = coalesce(k.received_on, o.received_on)
           FROM campaign_recipients AS o
          WHERE k.customer_id = ?2 AND o.customer_id = ?1 AND o.campaign_id = k.campaign_id",
    )?
    .execute(params![other, kept])?;
    Ok(())
}
