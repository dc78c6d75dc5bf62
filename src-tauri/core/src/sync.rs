//! Syncing with the salesperson's own server, on the core's side: which
//! customers' cards to write (those that differ from what the sync last
//! left there), remembering what was written, and the sync log. The
//! network is `kizuna-sync`'s; the store is never held while it talks.

use crate::domain::clock::Clock;
use crate::domain::customer::CustomerProfile;
use crate::domain::customer::validated;
use crate::domain::reminder::DraftLanguage;
use crate::domain::sync::{
    CalendarPlan, CalendarSummary, ContactDetails, FetchedCard, ListedCard, OutgoingCard,
    OutgoingEvent, PhoneField, PullPlan, PullSummary, PushOutcome, RemoveOutcome, Replaced,
    ServerListing, SyncAccount, SyncEvent, SyncLogEntry, SyncSummary, field_text, for_phone,
    three_way,
};
use crate::domain::touchpoint::{Direction, TouchpointInput, TouchpointKind};
use crate::error::Result;
use crate::interchange::text::TextEncoding;
use crate::interchange::vcard::{self, Card, VcardVersion};
use crate::store::sync_items::Seen;
use crate::store::{Store, customers, sync_items, touchpoints};

/// Where a customer's card lives in `collection`: their UID, made safe for
/// a path.
pub fn card_href(collection: &str, uid: &str) -> String {
    // Every other byte as `_` and its hex digits (`_` itself too), so that
    // two UIDs never share a name and no server re-encodes it.
    let name: String = uid
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' {
                char::from(b).to_string()
            } else {
                format!("_{b:02X}")
            }
        })
        .collect();
    let slash = if collection.ends_with('/') { "" } else { "/" };
    format!("{collection}{slash}{name}.vcf")
}

/// A customer's card as the phone gets it: vCard 3.0 (Apple's clients drop
/// 4.0), readings as `X-PHONETIC-*`, a yearless birthday in Apple's form,
/// and `extra`, the server card's own properties (see
/// [`unknown_properties`]), as they were.
pub fn phone_card(
    uid: &str,
    profile: &CustomerProfile,
    account: &SyncAccount,
    extra: &str,
) -> String {
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
    let mut card = without_working_fields(&out);
    if !extra.is_empty()
        && let Some(end) = card.rfind("END:VCARD")
    {
        card.insert_str(end, extra);
    }
    card
}

/// The properties of a server's card that Kizuna's card does not carry at
/// this level of detail (a photo, a URL, a note when notes are not
/// synced, the phone's own fields), as they are written, folded lines
/// included: kept when Kizuna writes the card back. A label grouped with a
/// property Kizuna writes goes with it; the groups kept are renamed where
/// Kizuna's own (`item1`…) could clash.
pub fn unknown_properties(card: &str, details: ContactDetails) -> String {
    let carried = |name: &str| -> bool {
        // What Kizuna's card writes itself; everything else on the
        // server's card is kept as it is.
        let always = matches!(
            name,
            "BEGIN"
                | "END"
                | "VERSION"
                | "PRODID"
                | "REV"
                | "UID"
                | "FN"
                | "N"
                | "ORG"
                | "TITLE"
                | "TEL"
                | "EMAIL"
                | "ADR"
                | "LABEL"
                | "BDAY"
                | "X-PHONETIC-FIRST-NAME"
                | "X-PHONETIC-LAST-NAME"
        ) || name.starts_with("X-KIZUNA-");
        // Dates are written as Kizuna's own (a reader of Kizuna's card
        // would otherwise count them twice); related names are kept, as a
        // card Kizuna wrote is read for its family alone.
        let profile = matches!(
            name,
            "CATEGORIES" | "X-ABDATE" | "ANNIVERSARY" | "X-ANNIVERSARY"
        ) || name.ends_with("-ANNIVERSARY");
        always
            || (profile && details != ContactDetails::Contact)
            || (name == "NOTE" && details == ContactDetails::Everything)
    };
    // Each property with its folded continuation lines, its group and name.
    let mut properties: Vec<(Option<String>, String, String)> = Vec::new();
    for line in card.split_inclusive('\n') {
        if line.starts_with([' ', '\t']) {
            if let Some((_, _, text)) = properties.last_mut() {
                text.push_str(line);
            }
            continue;
        }
        let head = line.split([':', ';']).next().unwrap_or_default();
        let (group, name) = match head.split_once('.') {
            Some((g, n)) => (Some(g.to_ascii_lowercase()), n.to_ascii_uppercase()),
            None => (None, head.trim().to_ascii_uppercase()),
        };
        properties.push((group, name, line.to_owned()));
    }
    let carried_groups: std::collections::HashSet<&str> = properties
        .iter()
        .filter(|(_, name, _)| carried(name))
        .filter_map(|(group, _, _)| group.as_deref())
        .collect();
    let mut out = String::new();
    for (group, name, text) in &properties {
        if name.is_empty()
            || carried(name)
            || group.as_deref().is_some_and(|g| carried_groups.contains(g))
        {
            continue;
        }
        let text = if text.ends_with('\n') {
            text.clone()
        } else {
            format!("{text}\r\n")
        };
        match group.as_deref().and_then(|g| g.strip_prefix("item")) {
            Some(n) if n.bytes().all(|b| b.is_ascii_digit()) => {
                let at = text.find('.').map_or(0, |i| i + 1);
                out.push_str(&format!("kept{n}.{}", &text[at..]));
            }
            _ => out.push_str(&text),
        }
    }
    out
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
    /// not archived nor kept off the phone whose card differs from what the
    /// sync last left there, with the server card's own properties (a
    /// photo, a URL…) kept.
    pub fn contacts_to_push(&self, account: &SyncAccount) -> Result<Vec<OutgoingCard>> {
        let collection = &account.address_book.href;
        let remembered = sync_items::of_collection(self.conn(), collection)?;
        // A customer's card is where the sync last found it (a card the
        // phone made has an address of the phone's choosing), else under
        // their UID.
        let mut by_customer: std::collections::HashMap<i64, &str> =
            std::collections::HashMap::new();
        for (href, item) in &remembered {
            // A card to be deleted (a merged-away record's) is not written.
            if let Some(customer) = item.customer.filter(|_| !item.doomed) {
                let known = by_customer.entry(customer).or_insert(href.as_str());
                if href.as_str() < *known {
                    *known = href.as_str();
                }
            }
        }
        let active = sync_items::active_customers(self.conn())?;
        let mut out = Vec::new();
        for customer in self.export_profiles(Some(&active))? {
            let href = by_customer
                .get(&customer.id)
                .map_or_else(|| card_href(collection, &customer.uid), |h| (*h).to_owned());
            let known = remembered.get(&href);
            // A card keeps the UID it has on the server (a card the phone
            // made has the phone's; servers refuse a changed one).
            let uid = known
                .and_then(|item| card_uid(&item.card))
                .unwrap_or_else(|| customer.uid.clone());
            let extra = known.map_or("", |item| item.extra.as_str());
            let card = phone_card(&uid, &customer.profile, account, extra);
            match known {
                Some(item) if item.card == card => {}
                // The card on the server cannot be read (too large, broken):
                // left as it is rather than written over.
                Some(item) if item.card.is_empty() => {}
                Some(item) => out.push(OutgoingCard {
                    customer_id: customer.id,
                    href,
                    card,
                    etag: Some(item.etag.clone()),
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

    /// The cards to delete from the server (`href`, `etag`): those of
    /// customers deleted with their card, and of customers kept off the
    /// phone.
    pub fn contacts_to_remove(&self, account: &SyncAccount) -> Result<Vec<(String, String)>> {
        let remembered = sync_items::of_collection(self.conn(), &account.address_book.href)?;
        let off = sync_items::kept_off_phone(self.conn())?;
        let mut out: Vec<(String, String)> = remembered
            .into_iter()
            .filter(|(_, item)| item.doomed || item.customer.is_some_and(|c| off.contains(&c)))
            .map(|(href, item)| (href, item.etag))
            .collect();
        out.sort();
        Ok(out)
    }

    /// Forgets the cards deleted from the server; those changed on the
    /// phone since are kept apart, as the phone's own contacts.
    pub fn record_removed(
        &mut self,
        account: &SyncAccount,
        removed: &[(String, RemoveOutcome)],
        clock: &Clock,
    ) -> Result<SyncSummary> {
        let collection = &account.address_book.href;
        let at = clock.timestamp();
        let mut summary = SyncSummary::default();
        let tx = self.begin()?;
        for (href, outcome) in removed {
            match outcome {
                RemoveOutcome::Gone => {
                    summary.removed += 1;
                    sync_items::forget(&tx, collection, href)?;
                }
                RemoveOutcome::ChangedOnServer => {
                    sync_items::set_apart(&tx, collection, href)?;
                    let event = SyncEvent::KeptChangedCard.as_str();
                    sync_items::log(&tx, at, event, href, None)?;
                }
                RemoveOutcome::Failed { detail } => {
                    summary.failed += 1;
                    sync_items::log(&tx, at, SyncEvent::Failed.as_str(), detail, None)?;
                }
            }
        }
        self.commit(tx)?;
        Ok(summary)
    }

    /// Whether the customer has a card on the phone's server, as far as
    /// the last sync knows: deleting them then asks about the card.
    pub fn has_phone_card(&self, customer: i64) -> Result<bool> {
        sync_items::has_card(self.conn(), customer)
    }

    /// Remembers what a push did, card by card, and logs what the user
    /// should know of (cards left alone, failures).
    pub fn record_push(
        &mut self,
        account: &SyncAccount,
        pushed: &[(OutgoingCard, PushOutcome)],
        clock: &Clock,
    ) -> Result<SyncSummary> {
        let collection = &account.address_book.href;
        let at = clock.timestamp();
        let mut summary = SyncSummary::default();
        let tx = self.begin()?;
        for (card, outcome) in pushed {
            let customer = Some(card.customer_id);
            match outcome {
                PushOutcome::Written { etag } => {
                    summary.written += 1;
                    // Deleted while the card was on its way: the card is
                    // kept apart, the phone's own contact.
                    let customer = if customers::exists(&tx, card.customer_id)? {
                        customer
                    } else {
                        None
                    };
                    let seen = Seen {
                        customer,
                        etag,
                        card: &card.card,
                        extra: None,
                    };
                    sync_items::remember(&tx, collection, &card.href, &seen, at)?;
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
        self.commit(tx)?;
        Ok(summary)
    }

    /// Notes in the sync log what a sync met (the server unusable, a sync
    /// token refused).
    pub fn log_sync(&mut self, event: SyncEvent, detail: &str, clock: &Clock) -> Result<()> {
        let tx = self.begin()?;
        sync_items::log(&tx, clock.timestamp(), event.as_str(), detail, None)?;
        self.commit(tx)?;
        Ok(())
    }

    /// Where the last sync stopped in `collection` (its sync token), if the
    /// server keeps one.
    pub fn sync_token(&self, collection: &str) -> Result<Option<String>> {
        sync_items::token(self.conn(), collection)
    }

    /// The sync log, newest first.
    pub fn sync_log(&self, limit: u32) -> Result<Vec<SyncLogEntry>> {
        sync_items::recent(self.conn(), limit)
    }
}

/// Up to this many cards missing from the server are always taken as
/// deleted on the phone; more, only if they are under half the book.
const MOST_DELETED_AT_ONCE: usize = 5;

/// A card larger than this (a photo of several megabytes, or something
/// that is not a contact) is left alone on the server.
pub const LARGEST_CARD: usize = 1024 * 1024;

/// A card's one contact, or `None` when Kizuna cannot read it.
fn read_card(card: &str) -> Option<CustomerProfile> {
    let (file, _) = vcard::read(
        card.as_bytes(),
        TextEncoding::Utf8,
        DraftLanguage::Ja,
        &mut |_, _| true,
    )
    .ok()?;
    file.contacts.into_iter().next().map(|c| c.profile)
}

/// A card's UID: its `UID` line (unfolded), else as a vCard reader reads it.
fn card_uid(card: &str) -> Option<String> {
    let mut lines = card.lines().peekable();
    while let Some(line) = lines.next() {
        let name = line.split([':', ';']).next().unwrap_or_default();
        if name.eq_ignore_ascii_case("UID") {
            let mut value = line.split_once(':')?.1.to_owned();
            while let Some(more) = lines.next_if(|l| l.starts_with([' ', '\t'])) {
                value.push_str(&more[1..]);
            }
            let value = value.trim().to_owned();
            return (!value.is_empty()).then_some(value);
        }
    }
    None
}

/// Cards kept apart whose customer is back (a deletion undone): linked to
/// them again, by the card's UID, and no longer to be deleted. Whether any
/// was.
fn relink_brought_back(
    conn: &rusqlite::Connection,
    collection: &str,
    remembered: &sync_items::Remembered,
) -> Result<bool> {
    let apart: Vec<(&String, String)> = remembered
        .iter()
        .filter(|(_, item)| item.customer.is_none() && !item.card.is_empty())
        .filter_map(|(href, item)| Some((href, card_uid(&item.card)?)))
        .collect();
    if apart.is_empty() {
        return Ok(false);
    }
    let uids: Vec<String> = apart.iter().map(|(_, uid)| uid.clone()).collect();
    let back: std::collections::HashMap<String, i64> = crate::store::contacts::by_uid(conn, &uids)?
        .into_iter()
        .collect();
    let mut relinked = false;
    for (href, uid) in apart {
        if let Some(customer) = back.get(&uid) {
            sync_items::relink(conn, collection, href, *customer)?;
            relinked = true;
        }
    }
    Ok(relinked)
}

/// When the card was last changed, if it says (`REV`).
fn revised_at(card: &str) -> Option<i64> {
    let value = card
        .lines()
        .find(|l| l.to_ascii_uppercase().starts_with("REV"))?
        .split_once(':')?
        .1
        .trim();
    ["%Y%m%dT%H%M%SZ", "%Y-%m-%dT%H:%M:%SZ"]
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(value, f).ok())
        .map(|t| t.and_utc().timestamp())
}

/// Whether two profiles agree on every part a card carries.
fn same_on_card(a: &CustomerProfile, b: &CustomerProfile, account: &SyncAccount) -> bool {
    PhoneField::carried(account.contact_details)
        .into_iter()
        .all(|f| field_text(a, f) == field_text(b, f))
}

/// A part's name in the customer's language, for their history.
fn field_name(field: PhoneField, language: DraftLanguage) -> &'static str {
    let ja = language == DraftLanguage::Ja;
    match field {
        PhoneField::Name => {
            if ja {
                "名前"
            } else {
                "name"
            }
        }
        PhoneField::Reading => {
            if ja {
                "よみ"
            } else {
                "reading"
            }
        }
        PhoneField::Company => {
            if ja {
                "会社・店名"
            } else {
                "company"
            }
        }
        PhoneField::Title => {
            if ja {
                "役職"
            } else {
                "title"
            }
        }
        PhoneField::Phones => {
            if ja {
                "電話番号"
            } else {
                "phones"
            }
        }
        PhoneField::Emails => {
            if ja {
                "メールアドレス"
            } else {
                "e-mails"
            }
        }
        PhoneField::Addresses => {
            if ja {
                "住所"
            } else {
                "addresses"
            }
        }
        PhoneField::Birthday => {
            if ja {
                "誕生日"
            } else {
                "birthday"
            }
        }
        PhoneField::Likes => {
            if ja {
                "好きなもの"
            } else {
                "likes"
            }
        }
        PhoneField::MetHow => {
            if ja {
                "出会い"
            } else {
                "how you met"
            }
        }
        PhoneField::MetOn => {
            if ja {
                "出会った日"
            } else {
                "met on"
            }
        }
        PhoneField::Family => {
            if ja {
                "家族"
            } else {
                "family"
            }
        }
        PhoneField::Dates => {
            if ja {
                "記念日"
            } else {
                "important dates"
            }
        }
        PhoneField::Tags => {
            if ja {
                "タグ"
            } else {
                "tags"
            }
        }
        PhoneField::Notes => {
            if ja {
                "メモ"
            } else {
                "notes"
            }
        }
    }
}

/// The value that lost, as a touchpoint of the customer's: nothing a sync
/// replaces is lost.
fn keep_replaced(
    tx: &mut crate::store::Tx<'_>,
    customer: i64,
    language: DraftLanguage,
    replaced: &Replaced,
    clock: &Clock,
) -> Result<()> {
    let name = field_name(replaced.field, language);
    let summary = match (language, replaced.was_kizunas) {
        (DraftLanguage::Ja, true) => format!("スマートフォンの変更で置き換えた{name}"),
        (DraftLanguage::Ja, false) => format!("スマートフォンで変更されたが採らなかった{name}"),
        (_, true) => format!("Kizuna's {name}, replaced by the phone's newer change"),
        (_, false) => format!("The phone's {name}, not taken (Kizuna's change was newer)"),
    };
    let input = TouchpointInput {
        customer_id: customer,
        kind: TouchpointKind::Other,
        occurred_at: clock.timestamp(),
        summary,
        notes: replaced.value.clone(),
        direction: Direction::Neutral,
        satisfaction: None,
        promise: None,
    };
    touchpoints::insert(tx, &input, clock)?;
    Ok(())
}

impl Store {
    /// Which cards to fetch (new or changed on the server since the last
    /// sync, by ETag) and which were deleted there.
    pub fn pull_plan(&self, account: &SyncAccount, listing: &ServerListing) -> Result<PullPlan> {
        let remembered = sync_items::of_collection(self.conn(), &account.address_book.href)?;
        let changed_since = |listed: &[ListedCard]| -> Vec<String> {
            listed
                .iter()
                .filter(|l| {
                    remembered
                        .get(&l.href)
                        .is_none_or(|item| item.etag != l.etag)
                })
                .map(|l| l.href.clone())
                .collect()
        };
        let (fetch, mut deleted): (Vec<String>, Vec<String>) = match listing {
            ServerListing::Full { cards, .. } => {
                let on_server: std::collections::HashSet<&str> =
                    cards.iter().map(|l| l.href.as_str()).collect();
                let gone = remembered
                    .keys()
                    .filter(|href| !on_server.contains(href.as_str()))
                    .cloned()
                    .collect();
                (changed_since(cards), gone)
            }
            ServerListing::Changes {
                changed, deleted, ..
            } => {
                let gone = deleted
                    .iter()
                    .filter(|href| remembered.contains_key(*href))
                    .cloned()
                    .collect();
                (changed_since(changed), gone)
            }
        };
        deleted.sort();
        let mut token = listing.token().map(str::to_owned);
        // Most of the address book gone at once is an emptied or replaced
        // address book, not the salesperson deleting contacts one by one:
        // nobody is archived for it, and the next sync looks at every card
        // again (no token kept past it).
        if deleted.len() > MOST_DELETED_AT_ONCE && deleted.len() * 2 > remembered.len() {
            tracing::warn!(
                missing = deleted.len(),
                known = remembered.len(),
                "most cards missing from the server: none taken as deleted"
            );
            deleted.clear();
            token = None;
        }
        Ok(PullPlan {
            fetch,
            deleted,
            token,
        })
    }

    /// Brings the phone's changes in: a changed card merged part by part
    /// into its customer (against the card as last synced), a new card
    /// matched like an import (UID, then e-mail or phone; unsure ones left
    /// to the Duplicates view) or added, a deleted card's customer archived
    /// (never deleted). What the merge makes differs from the server's card
    /// is written back by the push that follows.
    ///
    /// The plan's sync token is kept only once everything it lists is in,
    /// and only if every card it asked for came: else the next sync asks
    /// again from the token before.
    pub fn apply_pulled(
        &mut self,
        account: &SyncAccount,
        fetched: &[FetchedCard],
        plan: &PullPlan,
        clock: &Clock,
    ) -> Result<PullSummary> {
        let deleted = &plan.deleted;
        let collection = &account.address_book.href;
        let remembered = sync_items::of_collection(self.conn(), collection)?;
        let at = clock.timestamp();
        let mut summary = PullSummary::default();
        let mut new_cards: Vec<&FetchedCard> = Vec::new();
        let mut tx = self.begin()?;
        // Read again only when a card was linked anew.
        let remembered = if relink_brought_back(&tx, collection, &remembered)? {
            sync_items::of_collection(&tx, collection)?
        } else {
            remembered
        };
        for href in deleted {
            if let Some(customer) = remembered.get(href).and_then(|item| item.customer)
                && customers::set_archived(&mut tx, customer, true, at)?
            {
                summary.archived += 1;
                let event = SyncEvent::DeletedOnPhone.as_str();
                sync_items::log(&tx, at, event, href, Some(customer))?;
            }
            sync_items::forget(&tx, collection, href)?;
        }
        for card in fetched {
            let phone = if card.card.len() > LARGEST_CARD {
                None
            } else {
                read_card(&card.card)
            };
            let Some(phone) = phone else {
                // Left alone, and remembered as it is so that it is not
                // fetched (and logged) again until it changes; the empty
                // base keeps its customer's card from being written over
                // (see `contacts_to_push`).
                summary.unreadable += 1;
                let customer = remembered.get(&card.href).and_then(|item| item.customer);
                sync_items::log(
                    &tx,
                    at,
                    SyncEvent::Unreadable.as_str(),
                    &card.href,
                    customer,
                )?;
                let seen = Seen {
                    customer,
                    etag: &card.etag,
                    card: "",
                    extra: Some(""),
                };
                sync_items::remember(&tx, collection, &card.href, &seen, at)?;
                continue;
            };
            let extra = unknown_properties(&card.card, account.contact_details);
            let known = remembered.get(&card.href);
            let customer = match known {
                Some(item) if item.customer.is_some() => item.customer,
                // Kept apart (its customer deleted, the card kept): the
                // phone's own contact now, never taken in again. One to be
                // deleted but changed on the phone since is kept too.
                Some(item) if !item.card.is_empty() => {
                    let seen = Seen {
                        customer: None,
                        etag: &card.etag,
                        card: &card.card,
                        extra: Some(&extra),
                    };
                    sync_items::remember(&tx, collection, &card.href, &seen, at)?;
                    if item.doomed {
                        sync_items::set_apart(&tx, collection, &card.href)?;
                        let event = SyncEvent::KeptChangedCard.as_str();
                        sync_items::log(&tx, at, event, &card.href, None)?;
                    }
                    continue;
                }
                _ => None,
            };
            let (Some(customer), Some(known)) = (customer, known) else {
                new_cards.push(card);
                continue;
            };
            let customer = &customer;
            let local = customers::load(&tx, *customer)?;
            let base = read_card(&known.card).unwrap_or_default();
            let phone_newer = revised_at(&card.card).is_some_and(|rev| rev > local.updated_at);
            let (merged, replaced) = three_way(
                &local.profile,
                &base,
                &phone,
                account.contact_details,
                phone_newer,
            );
            if merged != local.profile {
                match validated(merged.clone(), clock.today()) {
                    Ok(valid) => {
                        customers::update(&mut tx, *customer, &valid, clock)?;
                        summary.updated += 1;
                    }
                    // The merge cannot be kept (the phone gave more numbers
                    // than a customer may have…): the card is left alone
                    // until it changes, as an unreadable one is.
                    Err(e) => {
                        summary.unreadable += 1;
                        let event = SyncEvent::Unreadable.as_str();
                        sync_items::log(&tx, at, event, &e.to_string(), Some(*customer))?;
                        let seen = Seen {
                            customer: Some(*customer),
                            etag: &card.etag,
                            card: "",
                            extra: Some(""),
                        };
                        sync_items::remember(&tx, collection, &card.href, &seen, at)?;
                        continue;
                    }
                }
            }
            let language = local.profile.language();
            for lost in &replaced {
                summary.conflicts += 1;
                keep_replaced(&mut tx, *customer, language, lost, clock)?;
                let event = SyncEvent::Conflict.as_str();
                sync_items::log(&tx, at, event, lost.field.as_str(), Some(*customer))?;
            }
            let uid = card_uid(&card.card).unwrap_or_else(|| local.uid.clone());
            let ours = phone_card(&uid, &merged, account, &extra);
            // The server's card, unless it already says what Kizuna would
            // write: then Kizuna's text, so nothing is written back.
            let base = if same_on_card(&merged, &phone, account) {
                ours
            } else {
                card.card.clone()
            };
            let seen = Seen {
                customer: Some(*customer),
                etag: &card.etag,
                card: &base,
                extra: Some(&extra),
            };
            sync_items::remember(&tx, collection, &card.href, &seen, at)?;
        }
        self.commit(tx)?;
        if !new_cards.is_empty() {
            summary.added += self.add_new_cards(account, &new_cards, clock)?;
        }
        let came: std::collections::HashSet<&str> =
            fetched.iter().map(|c| c.href.as_str()).collect();
        let all_came = plan.fetch.iter().all(|href| came.contains(href.as_str()));
        let token = plan.token.as_deref().filter(|_| all_came);
        let tx = self.begin()?;
        sync_items::keep_token(&tx, collection, token)?;
        self.commit(tx)?;
        Ok(summary)
    }

    /// Cards new on the phone, taken in as an import would take them, then
    /// remembered against the customer each became.
    fn add_new_cards(
        &mut self,
        account: &SyncAccount,
        cards: &[&FetchedCard],
        clock: &Clock,
    ) -> Result<u32> {
        let text: String = cards
            .iter()
            .map(|c| c.card.as_str())
            .collect::<Vec<_>>()
            .join("\r\n");
        let (file, encoding) = vcard::read(
            text.as_bytes(),
            TextEncoding::Utf8,
            DraftLanguage::Ja,
            &mut |_, _| true,
        )?;
        let plan = self.plan_import(file, encoding, clock, &mut |_, _| true)?;
        let (written, became) = self.write_import(plan, None, clock, &mut |_, _| true)?;
        let tx = self.begin()?;
        let at = clock.timestamp();
        let collection = &account.address_book.href;
        // A card the import could not take (no name at all) is remembered
        // unlinked, so it is not fetched again until it changes.
        for (i, card) in cards.iter().enumerate() {
            let record = u32::try_from(i + 1).unwrap_or(u32::MAX);
            if !became.iter().any(|(r, _)| *r == record) {
                let seen = Seen {
                    customer: None,
                    etag: &card.etag,
                    card: "",
                    extra: Some(""),
                };
                sync_items::remember(&tx, collection, &card.href, &seen, at)?;
            }
        }
        for (record, customer) in became {
            // Records count the cards from 1, in the order they were joined.
            let Some(card) = usize::try_from(record)
                .ok()
                .and_then(|r| r.checked_sub(1))
                .and_then(|i| cards.get(i))
            else {
                continue;
            };
            let Some(phone) = read_card(&card.card) else {
                continue;
            };
            let now = customers::load(&tx, customer)?;
            let extra = unknown_properties(&card.card, account.contact_details);
            // The phone's own contact, matched to a customer kept off the
            // phone: brought in, but left apart (never deleted there).
            if now.profile.keep_off_phone {
                let seen = Seen {
                    customer: None,
                    etag: &card.etag,
                    card: &card.card,
                    extra: Some(&extra),
                };
                sync_items::remember(&tx, collection, &card.href, &seen, at)?;
                continue;
            }
            let uid = card_uid(&card.card).unwrap_or_else(|| now.uid.clone());
            // The card's UID now leads to the customer it was matched with,
            // as a merged record's does.
            if uid != now.uid {
                sync_items::alias(&tx, &uid, customer, at)?;
            }
            let ours = phone_card(&uid, &now.profile, account, &extra);
            let base = if same_on_card(&now.profile, &phone, account) {
                ours
            } else {
                card.card.clone()
            };
            let seen = Seen {
                customer: Some(customer),
                etag: &card.etag,
                card: &base,
                extra: Some(&extra),
            };
            sync_items::remember(&tx, collection, &card.href, &seen, at)?;
        }
        self.commit(tx)?;
        Ok(written.created)
    }
}

/// Where an event lives in `collection`.
pub fn event_href(collection: &str, uid: &str) -> String {
    card_href(collection, uid).replace(".vcf", ".ics")
}

impl Store {
    /// What the account's calendar needs: the events that are new or
    /// changed since the last sync, and those Kizuna wrote that are no
    /// longer wanted (a touch done, a date removed, a customer archived).
    pub fn calendar_to_push(&self, account: &SyncAccount, clock: &Clock) -> Result<CalendarPlan> {
        let Some(calendar) = &account.calendar else {
            return Ok(CalendarPlan::default());
        };
        let remembered = sync_items::of_collection(self.conn(), &calendar.href)?;
        let mut plan = CalendarPlan::default();
        let mut wanted = std::collections::HashSet::new();
        for event in self.calendar_events(clock)? {
            let href = event_href(&calendar.href, &event.uid);
            match remembered.get(&href) {
                Some(item) if item.card == event.ics => {}
                found => plan.write.push(OutgoingEvent {
                    href: href.clone(),
                    ics: event.ics,
                    etag: found.map(|item| item.etag.clone()),
                }),
            }
            wanted.insert(href);
        }
        let mut remove: Vec<(String, String)> = remembered
            .into_iter()
            .filter(|(href, _)| !wanted.contains(href))
            .map(|(href, item)| (href, item.etag))
            .collect();
        remove.sort();
        plan.remove = remove;
        Ok(plan)
    }

    /// Remembers what a calendar push did.
    pub fn record_calendar(
        &mut self,
        account: &SyncAccount,
        written: &[(OutgoingEvent, Option<String>)],
        removed: &[String],
        clock: &Clock,
    ) -> Result<CalendarSummary> {
        let Some(calendar) = &account.calendar else {
            return Ok(CalendarSummary::default());
        };
        let at = clock.timestamp();
        let mut summary = CalendarSummary::default();
        let tx = self.begin()?;
        for (event, etag) in written {
            match etag {
                Some(etag) => {
                    summary.written += 1;
                    let seen = Seen {
                        customer: None,
                        etag,
                        card: &event.ics,
                        extra: None,
                    };
                    sync_items::remember(&tx, &calendar.href, &event.href, &seen, at)?;
                }
                None => {
                    summary.failed += 1;
                    sync_items::log(&tx, at, SyncEvent::Failed.as_str(), &event.href, None)?;
                }
            }
        }
        for href in removed {
            summary.removed += 1;
            sync_items::forget(&tx, &calendar.href, href)?;
        }
        self.commit(tx)?;
        Ok(summary)
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
    fn the_phones_own_properties_are_kept_with_their_folded_lines_and_labels() {
        let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:x\r\nFN:森\r\nN:森;;;;\r\n\
                    item1.TEL:090\r\nitem1.X-ABLabel:仕事\r\n\
                    PHOTO;ENCODING=b:AAAA\r\n BBBB\r\n\
                    item1x.URL:https://a.jp/\r\nitem2.URL:https://b.jp/\r\nitem2.X-ABLabel:店\r\n\
                    NOTE:裏口\r\nCATEGORIES:年賀状\r\nX-KIZUNA-LIKES:酒\r\n\r\nEND:VCARD\r\n";
        assert_eq!(
            unknown_properties(card, ContactDetails::Contact),
            "PHOTO;ENCODING=b:AAAA\r\n BBBB\r\nitem1x.URL:https://a.jp/\r\n\
             kept2.URL:https://b.jp/\r\nkept2.X-ABLabel:店\r\nNOTE:裏口\r\nCATEGORIES:年賀状\r\n",
            "a label goes with the number Kizuna writes; a group named like Kizuna's is renamed"
        );
        let profile = unknown_properties(card, ContactDetails::Profile);
        assert!(profile.contains("NOTE") && !profile.contains("CATEGORIES"));
        assert!(!unknown_properties(card, ContactDetails::Everything).contains("NOTE"));
    }

    #[test]
    fn a_card_lives_under_its_uid_made_safe_for_a_path() {
        assert_eq!(card_href("/u/book/", "ab-12"), "/u/book/ab-12.vcf");
        assert_eq!(card_href("/u/book", "a/b c"), "/u/book/a_2Fb_20c.vcf");
        assert_ne!(card_href("/u/", "a@b"), card_href("/u/", "a.b"));
    }
}
