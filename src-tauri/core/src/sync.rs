//! Syncing with the salesperson's own server, on the core's side: which
//! customers' cards to write (those that differ from what the sync last
//! left there), remembering what was written, and the sync log. The
//! network is `kizuna-sync`'s; the store is never held while it talks.

use crate::domain::clock::Clock;
use crate::domain::customer::CustomerProfile;
use crate::domain::reminder::DraftLanguage;
use crate::domain::sync::{
    OutgoingCard, PushOutcome, SyncAccount, SyncEvent, SyncLogEntry, SyncSummary, for_phone,
};
use crate::error::Result;
use crate::interchange::vcard::{self, Card, VcardVersion};
use crate::store::{Store, sync_items};

/// Where a customer's card lives in `collection`: their UID, made safe for
/// a path.
pub fn card_href(collection: &str, uid: &str) -> String {
    let name: String = uid
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let slash = if collection.ends_with('/') { "" } else { "/" };
    format!("{collection}{slash}{name}.vcf")
}

/// A customer's card as the phone gets it: vCard 3.0 (Apple's clients drop
/// 4.0), readings as `X-PHONETIC-*`, a yearless birthday in Apple's form.
pub fn phone_card(uid: &str, profile: &CustomerProfile, account: &SyncAccount) -> String {
    let profile = for_phone(profile, account.contact_details);
    let mut out = String::new();
    vcard::write(
        &Card {
            uid,
            profile: &profile,
            referred_by_uid: None,
        },
        VcardVersion::V3,
        DraftLanguage::Ja,
        &mut out,
    );
    without_working_fields(&out)
}

/// Kizuna's own fields a phone's card carries: the profile's. The working
/// ones (stage, channel, honorific, language…) stay in Kizuna, so that a
/// card read back from the phone never moves them.
const PHONE_OWN_FIELDS: [&str; 5] = [
    "X-KIZUNA-DATE",
    "X-KIZUNA-FAMILY",
    "X-KIZUNA-LIKES",
    "X-KIZUNA-MET-HOW",
    "X-KIZUNA-MET-ON",
];

/// The card without Kizuna's working fields, folded lines included.
fn without_working_fields(card: &str) -> String {
    let mut out = String::with_capacity(card.len());
    let mut keep = true;
    for line in card.split_inclusive("\r\n") {
        if !line.starts_with([' ', '\t']) {
            let name = line
                .split([':', ';'])
                .next()
                .unwrap_or_default()
                .to_ascii_uppercase();
            keep = !name.starts_with("X-KIZUNA-") || PHONE_OWN_FIELDS.contains(&name.as_str());
        }
        if keep {
            out.push_str(line);
        }
    }
    out
}

impl Store {
    /// The cards to write to the account's address book: every customer
    /// not archived whose card differs from what the sync last left there.
    pub fn contacts_to_push(&self, account: &SyncAccount) -> Result<Vec<OutgoingCard>> {
        let collection = &account.address_book.href;
        let remembered = sync_items::of_collection(self.conn(), collection)?;
        let active = sync_items::active_customers(self.conn())?;
        let mut out = Vec::new();
        for customer in self.export_profiles(Some(&active))? {
            let href = card_href(collection, &customer.uid);
            let card = phone_card(&customer.uid, &customer.profile, account);
            match remembered.get(&href) {
                Some((_, _, written)) if *written == card => {}
                Some((_, etag, _)) => out.push(OutgoingCard {
                    customer_id: customer.id,
                    href,
                    card,
                    etag: Some(etag.clone()),
                }),
                None => out.push(OutgoingCard {
                    customer_id: customer.id,
                    href,
                    card,
                    etag: None,
                }),
            }
        }
        Ok(out)
    }

    /// Remembers what a push did, card by card, and logs what the user
    /// should know of (cards left alone, failures) and the sync itself.
    pub fn record_push(
        &mut self,
        account: &SyncAccount,
        pushed: &[(OutgoingCard, PushOutcome)],
        clock: &Clock,
    ) -> Result<SyncSummary> {
        let collection = &account.address_book.href;
        let at = clock.timestamp();
        let mut summary = SyncSummary {
            written: 0,
            left: 0,
            failed: 0,
        };
        let tx = self.begin()?;
        for (card, outcome) in pushed {
            let customer = Some(card.customer_id);
            match outcome {
                PushOutcome::Written { etag } => {
                    summary.written += 1;
                    sync_items::remember(
                        &tx,
                        collection,
                        &card.href,
                        card.customer_id,
                        etag,
                        &card.card,
                        at,
                    )?;
                }
                PushOutcome::ChangedOnServer => {
                    summary.left += 1;
                    let event = SyncEvent::ChangedOnServer.as_str();
                    sync_items::log(&tx, at, event, &card.href, customer)?;
                }
                PushOutcome::AlreadyOnServer => {
                    summary.left += 1;
                    let event = SyncEvent::AlreadyOnServer.as_str();
                    sync_items::log(&tx, at, event, &card.href, customer)?;
                }
                PushOutcome::Failed { detail } => {
                    summary.failed += 1;
                    sync_items::log(&tx, at, SyncEvent::Failed.as_str(), detail, customer)?;
                }
            }
        }
        let event = SyncEvent::Synced.as_str();
        sync_items::log(&tx, at, event, &summary.written.to_string(), None)?;
        self.commit(tx)?;
        Ok(summary)
    }

    /// Notes that the server could not be used at all.
    pub fn log_sync_problem(&mut self, detail: &str, clock: &Clock) -> Result<()> {
        let tx = self.begin()?;
        let event = SyncEvent::ServerProblem.as_str();
        sync_items::log(&tx, clock.timestamp(), event, detail, None)?;
        self.commit(tx)?;
        Ok(())
    }

    /// The sync log, newest first.
    pub fn sync_log(&self, limit: u32) -> Result<Vec<SyncLogEntry>> {
        sync_items::recent(self.conn(), limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kizunas_working_fields_stay_off_the_phone_even_when_folded() {
        let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nX-KIZUNA-STAGE:client\r\nX-KIZUNA-HONORIFIC:先\r\n 生\r\n\
                    X-KIZUNA-LIKES:日本酒\r\nNOTE:メモ\r\n 続き\r\nEND:VCARD\r\n";
        assert_eq!(
            without_working_fields(card),
            "BEGIN:VCARD\r\nVERSION:3.0\r\nX-KIZUNA-LIKES:日本酒\r\nNOTE:メモ\r\n 続き\r\nEND:VCARD\r\n"
        );
    }

    #[test]
    fn a_card_lives_under_its_uid_made_safe_for_a_path() {
        assert_eq!(card_href("/u/book/", "ab-12"), "/u/book/ab-12.vcf");
        assert_eq!(card_href("/u/book", "a/b c"), "/u/book/a_b_c.vcf");
    }
}
