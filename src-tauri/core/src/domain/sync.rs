//! Syncing customers with the phone's address book, as pure rules: what a
//! card carries at each level of detail, and how a change on the phone and
//! one in Kizuna to the same customer are merged, part by part, against
//! the card as last synced. The account and the server's answers are in
//! `domain::dav`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use super::dav::{
    COLLECTION_NAME, CollectionChoice, ConnectRequest, ContactDetails, DavCollection, DavDiscovery,
    DavProblem, LIMIT_ACCOUNT_TEXT, SyncAccount,
};

/// What became of a card Kizuna deleted from the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemoveOutcome {
    /// Deleted (or already gone).
    Gone,
    /// Changed on the phone since the last sync: left there.
    ChangedOnServer,
    /// The server could not be asked; the next sync tries again.
    Failed { detail: String },
}

/// What syncing did or met, as the sync log says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SyncEvent {
    /// A sync ran to its end; `detail` is how many cards it wrote.
    Synced,
    /// The card was changed on the phone since Kizuna last wrote it: it
    /// was left as it is, not overwritten.
    ChangedOnServer,
    /// A card of this customer is on the server, but not one Kizuna wrote
    /// from this book (written before a restore, or by another computer):
    /// left as it is.
    AlreadyOnServer,
    /// Writing the card failed; the next sync tries again.
    Failed,
    /// The server could not be used; `detail` says why.
    ServerProblem,
    /// The card was deleted on the phone: the customer was archived.
    DeletedOnPhone,
    /// A part changed on both sides; `detail` names it. The newer was
    /// kept, the other is in the customer's history.
    Conflict,
    /// A card on the server Kizuna cannot read; it was left alone.
    Unreadable,
    /// The server no longer knew where the last sync stopped (its sync
    /// token): every card was compared instead.
    TokenRefused,
    /// A card to delete from the server (its customer deleted, or kept off
    /// the phone) was changed on the phone since: kept there as the
    /// phone's own contact.
    KeptChangedCard,
}

crate::domain::text_enum!(SyncEvent {
    Synced => "synced",
    ChangedOnServer => "changed_on_server",
    AlreadyOnServer => "already_on_server",
    Failed => "failed",
    ServerProblem => "server_problem",
    DeletedOnPhone => "deleted_on_phone",
    Conflict => "conflict",
    Unreadable => "unreadable",
    TokenRefused => "token_refused",
    KeptChangedCard => "kept_changed_card",
});

/// One line of the sync log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncLogEntry {
    /// Unix seconds.
    pub at: i64,
    /// A [`SyncEvent`] (kept as text, so an older log reads in a newer build).
    pub event: String,
    pub detail: String,
    pub customer_id: Option<i64>,
    /// The customer's name, if the entry is about one still in the book.
    pub customer: String,
}

/// A customer's card to write to the address book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingCard {
    pub customer_id: i64,
    /// Where it goes: the address book and the customer's UID.
    pub href: String,
    /// vCard 3.0 text.
    pub card: String,
    /// The ETag it had when Kizuna last wrote it; `None` for a new card.
    pub etag: Option<String>,
}

/// What became of one card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushOutcome {
    /// Written; the server's new ETag.
    Written {
        etag: String,
    },
    /// Changed on the server since Kizuna wrote it: left alone.
    ChangedOnServer,
    /// A new card whose address is taken on the server: left alone.
    AlreadyOnServer,
    Failed {
        detail: String,
    },
}

/// What a sync did, for the window.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct SyncSummary {
    pub written: u32,
    /// Cards left as they are on the server (changed there, or not Kizuna's).
    pub left: u32,
    pub failed: u32,
    /// Cards deleted from the server (their customer deleted with them, or
    /// kept off the phone).
    pub removed: u32,
}

impl SyncSummary {
    /// Adds what another part of the same sync did.
    pub fn add(&mut self, other: &SyncSummary) {
        self.written += other.written;
        self.left += other.left;
        self.failed += other.failed;
        self.removed += other.removed;
    }
}

/// The profile as it goes to the phone: only what the user chose.
pub fn for_phone(
    profile: &crate::domain::customer::CustomerProfile,
    details: ContactDetails,
) -> crate::domain::customer::CustomerProfile {
    use crate::domain::customer::CustomerProfile;
    let mut out = profile.clone();
    // Kizuna's own working fields are no contact's business.
    let blank = CustomerProfile::default();
    out.source = blank.source;
    out.preferred_channel = blank.preferred_channel;
    out.do_not_contact = false;
    out.quiet_until = None;
    out.cadence_days = None;
    out.honorific.clear();
    out.topic.clear();
    out.stage = blank.stage;
    out.referred_by = None;
    // What an import kept without a field (a web address, a nickname) is
    // the server card's own: written back from what the sync keeps of it
    // (`sync_items.extra`), never twice.
    out.extras.clear();
    if details != ContactDetails::Everything {
        out.notes.clear();
    }
    if details == ContactDetails::Contact {
        out.likes.clear();
        out.met_how.clear();
        out.met_on = None;
        out.family_members.clear();
        out.important_dates.clear();
        out.tags.clear();
    }
    out
}

/// A part of a contact the phone and Kizuna both edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PhoneField {
    Name,
    Reading,
    Company,
    Title,
    Phones,
    Emails,
    Addresses,
    Birthday,
    Likes,
    MetHow,
    MetOn,
    Family,
    Dates,
    Tags,
    Notes,
}

crate::domain::text_enum!(PhoneField {
    Name => "name",
    Reading => "reading",
    Company => "company",
    Title => "title",
    Phones => "phones",
    Emails => "emails",
    Addresses => "addresses",
    Birthday => "birthday",
    Likes => "likes",
    MetHow => "met_how",
    MetOn => "met_on",
    Family => "family",
    Dates => "dates",
    Tags => "tags",
    Notes => "notes",
});

impl PhoneField {
    /// The parts a card carries at this level of detail.
    pub fn carried(details: ContactDetails) -> Vec<PhoneField> {
        use PhoneField::*;
        let mut fields = vec![
            Name, Reading, Company, Title, Phones, Emails, Addresses, Birthday,
        ];
        if details != ContactDetails::Contact {
            fields.extend([Likes, MetHow, MetOn, Family, Dates, Tags]);
        }
        if details == ContactDetails::Everything {
            fields.push(Notes);
        }
        fields
    }
}

/// A part's value, as compared and as kept in the customer's history when
/// it lost to the other side's.
pub fn field_text(p: &crate::domain::customer::CustomerProfile, field: PhoneField) -> String {
    use crate::domain::kana;
    let list = |items: Vec<String>| {
        let mut items: Vec<String> = items
            .into_iter()
            .map(|i| i.trim().to_owned())
            .filter(|i| !i.is_empty())
            .collect();
        items.sort();
        items.join(" / ")
    };
    match field {
        PhoneField::Name => format!("{} {}", p.family_name.trim(), p.given_name.trim())
            .trim()
            .to_owned(),
        PhoneField::Reading => format!(
            "{} {}",
            p.family_name_reading.trim(),
            p.given_name_reading.trim()
        )
        .trim()
        .to_owned(),
        PhoneField::Company => p.company.trim().to_owned(),
        PhoneField::Title => p.title.trim().to_owned(),
        PhoneField::Phones => list(p.phones.iter().map(|x| kana::digits(&x.number)).collect()),
        PhoneField::Emails => list(p.emails.iter().map(|x| x.address.to_lowercase()).collect()),
        PhoneField::Addresses => list(
            p.addresses
                .iter()
                .map(|a| {
                    format!(
                        "{} {}{}{} {} {}",
                        a.postal_code, a.region, a.locality, a.street, a.extended, a.country
                    )
                })
                .collect(),
        ),
        PhoneField::Birthday => p
            .birthday
            .map(|b| match b.year {
                Some(y) => format!("{y:04}-{:02}-{:02}", b.month, b.day),
                None => format!("--{:02}-{:02}", b.month, b.day),
            })
            .unwrap_or_default(),
        PhoneField::Likes => p.likes.trim().to_owned(),
        PhoneField::MetHow => p.met_how.trim().to_owned(),
        PhoneField::MetOn => p.met_on.map(|d| d.to_string()).unwrap_or_default(),
        PhoneField::Family => list(
            p.family_members
                .iter()
                .map(|m| format!("{} {}", m.relation, m.name))
                .collect(),
        ),
        PhoneField::Dates => list(
            p.important_dates
                .iter()
                .map(|d| format!("{} {}-{}", d.label, d.date.month, d.date.day))
                .collect(),
        ),
        PhoneField::Tags => list(p.tags.clone()),
        PhoneField::Notes => p.notes.trim().to_owned(),
    }
}

fn take(
    to: &mut crate::domain::customer::CustomerProfile,
    from: &crate::domain::customer::CustomerProfile,
    field: PhoneField,
) {
    match field {
        PhoneField::Name => {
            to.family_name.clone_from(&from.family_name);
            to.given_name.clone_from(&from.given_name);
        }
        PhoneField::Reading => {
            to.family_name_reading.clone_from(&from.family_name_reading);
            to.given_name_reading.clone_from(&from.given_name_reading);
        }
        PhoneField::Company => to.company.clone_from(&from.company),
        PhoneField::Title => to.title.clone_from(&from.title),
        PhoneField::Phones => to.phones.clone_from(&from.phones),
        PhoneField::Emails => to.emails.clone_from(&from.emails),
        PhoneField::Addresses => to.addresses.clone_from(&from.addresses),
        PhoneField::Birthday => to.birthday = from.birthday,
        PhoneField::Likes => to.likes.clone_from(&from.likes),
        PhoneField::MetHow => to.met_how.clone_from(&from.met_how),
        PhoneField::MetOn => to.met_on = from.met_on,
        PhoneField::Family => to.family_members.clone_from(&from.family_members),
        PhoneField::Dates => to.important_dates.clone_from(&from.important_dates),
        PhoneField::Tags => to.tags.clone_from(&from.tags),
        PhoneField::Notes => to.notes.clone_from(&from.notes),
    }
}

/// A value that lost: the same part changed on both sides since the last
/// sync, and the other side's change was newer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replaced {
    pub field: PhoneField,
    /// The value that was replaced.
    pub value: String,
    /// Whether it was Kizuna's (else the phone's).
    pub was_kizunas: bool,
}

/// Kizuna's profile after a change on the phone, part by part against the
/// card as last synced (`base`): a part changed on one side only takes
/// that side's value; a part changed on both takes the newer (`phone_newer`)
/// and the other value is returned, to be kept in the customer's history.
/// Parts the card does not carry stay Kizuna's.
pub fn three_way(
    local: &crate::domain::customer::CustomerProfile,
    base: &crate::domain::customer::CustomerProfile,
    phone: &crate::domain::customer::CustomerProfile,
    details: ContactDetails,
    phone_newer: bool,
) -> (crate::domain::customer::CustomerProfile, Vec<Replaced>) {
    let mut merged = local.clone();
    let mut replaced = Vec::new();
    for field in PhoneField::carried(details) {
        let (l, b, r) = (
            field_text(local, field),
            field_text(base, field),
            field_text(phone, field),
        );
        if l == r || r == b {
            continue;
        }
        if l == b {
            take(&mut merged, phone, field);
        } else if phone_newer {
            take(&mut merged, phone, field);
            replaced.push(Replaced {
                field,
                value: l,
                was_kizunas: true,
            });
        } else {
            replaced.push(Replaced {
                field,
                value: r,
                was_kizunas: false,
            });
        }
    }
    (merged, replaced)
}

/// A card as a listing of the address book shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedCard {
    pub href: String,
    pub etag: String,
}

/// What the server says of its address book: every card, or, when it
/// keeps a sync token (RFC 6578), only what changed since the last sync.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerListing {
    /// Every card, by ETag; `token` starts the next sync's changes when
    /// the server gave one.
    Full {
        cards: Vec<ListedCard>,
        token: Option<String>,
    },
    /// What changed since the token Kizuna kept: cards new or changed,
    /// hrefs deleted, and the token to ask from next time.
    Changes {
        changed: Vec<ListedCard>,
        deleted: Vec<String>,
        token: String,
    },
}

impl ServerListing {
    /// The token to keep for the next sync.
    pub fn token(&self) -> Option<&str> {
        match self {
            ServerListing::Full { token, .. } => token.as_deref(),
            ServerListing::Changes { token, .. } => Some(token),
        }
    }
}

/// A card fetched from the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedCard {
    pub href: String,
    pub etag: String,
    pub card: String,
}

/// What the phone changed since the last sync: the cards to fetch (new or
/// changed there) and those deleted there.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PullPlan {
    pub fetch: Vec<String>,
    pub deleted: Vec<String>,
    /// Where this sync leaves the collection (the server's sync token), to
    /// be kept once the cards are in.
    pub token: Option<String>,
}

/// What bringing the phone's changes in did.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct PullSummary {
    /// Customers changed from the phone.
    pub updated: u32,
    /// Customers added from cards new on the phone.
    pub added: u32,
    /// Customers archived because their card was deleted on the phone.
    pub archived: u32,
    /// Parts changed on both sides: the newer kept, the other in the
    /// customer's history.
    pub conflicts: u32,
    /// Cards Kizuna could not read (in the sync log).
    pub unreadable: u32,
}

/// Where a sync is, for the window while it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SyncPhase {
    /// Asking the server what changed.
    Listing,
    /// Bringing the phone's changes in.
    Pulling,
    /// Writing customers' cards.
    Writing,
    /// Deleting cards that are to go.
    Removing,
    /// Bringing the calendar up to date.
    Calendar,
}

/// A sync's progress: its phase, and how far into it (cards or events).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncProgress {
    pub phase: SyncPhase,
    pub done: u32,
    pub total: u32,
}

/// What a sync did, both ways and to the calendar, for the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncReport {
    pub pulled: PullSummary,
    pub pushed: SyncSummary,
    pub calendar: CalendarSummary,
}

/// What a sync did to the phone's calendar.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct CalendarSummary {
    /// Events written (new or changed).
    pub written: u32,
    /// Events removed (the touch done, the date gone).
    pub removed: u32,
    pub failed: u32,
}

/// An event to write to the calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingEvent {
    pub href: String,
    pub ics: String,
    /// The ETag it had when Kizuna last wrote it; `None` for a new event.
    pub etag: Option<String>,
}

/// What the calendar needs: events to write and events to remove
/// (`href`, `etag`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CalendarPlan {
    pub write: Vec<OutgoingEvent>,
    pub remove: Vec<(String, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::customer::CustomerProfile;

    #[test]
    fn the_phone_gets_what_the_user_chose_and_none_of_kizunas_working_fields() {
        let p = CustomerProfile {
            family_name: "高橋".to_owned(),
            likes: "日本酒".to_owned(),
            notes: "娘さんが春に結婚".to_owned(),
            honorific: "先生".to_owned(),
            do_not_contact: true,
            tags: vec!["VIP".to_owned()],
            ..CustomerProfile::default()
        };
        let contact = for_phone(&p, ContactDetails::Contact);
        assert_eq!(contact.family_name, "高橋");
        assert!(contact.likes.is_empty() && contact.notes.is_empty() && contact.tags.is_empty());
        assert!(contact.honorific.is_empty() && !contact.do_not_contact);
        let profile = for_phone(&p, ContactDetails::Profile);
        assert_eq!(profile.likes, "日本酒");
        assert!(profile.notes.is_empty(), "notes only with everything");
        assert_eq!(for_phone(&p, ContactDetails::Everything).notes, p.notes);
    }

    fn with_phone(mut p: CustomerProfile, number: &str) -> CustomerProfile {
        p.phones.push(crate::domain::customer::Phone {
            label: "携帯".to_owned(),
            number: number.to_owned(),
        });
        p
    }

    #[test]
    fn a_part_changed_on_one_side_takes_that_sides_value() {
        let base = with_phone(
            CustomerProfile {
                family_name: "高橋".to_owned(),
                title: "店長".to_owned(),
                ..CustomerProfile::default()
            },
            "090-1111-2222",
        );
        let mut local = base.clone();
        local.title = "店主".to_owned();
        local.likes = "日本酒".to_owned();
        let mut phone = base.clone();
        phone.phones[0].number = "080-3333-4444".to_owned();
        let (merged, replaced) = three_way(&local, &base, &phone, ContactDetails::Contact, false);
        assert_eq!(merged.title, "店主", "changed in Kizuna");
        assert_eq!(
            merged.phones[0].number, "080-3333-4444",
            "changed on the phone"
        );
        assert_eq!(
            merged.likes, "日本酒",
            "not on the card at this level: Kizuna's"
        );
        assert!(replaced.is_empty());
        // The same number written differently is no change.
        let mut reformatted = base.clone();
        reformatted.phones[0].number = "09011112222".to_owned();
        let (merged, _) = three_way(&local, &base, &reformatted, ContactDetails::Contact, true);
        assert_eq!(merged.phones[0].number, "090-1111-2222");
    }

    #[test]
    fn a_part_changed_on_both_sides_takes_the_newer_and_keeps_the_other() {
        let base = CustomerProfile {
            family_name: "高橋".to_owned(),
            company: "みやび".to_owned(),
            ..CustomerProfile::default()
        };
        let mut local = base.clone();
        local.company = "割烹みやび".to_owned();
        let mut phone = base.clone();
        phone.company = "みやび本店".to_owned();
        let (merged, replaced) = three_way(&local, &base, &phone, ContactDetails::Contact, true);
        assert_eq!(merged.company, "みやび本店");
        assert_eq!(
            replaced,
            vec![Replaced {
                field: PhoneField::Company,
                value: "割烹みやび".to_owned(),
                was_kizunas: true
            }]
        );
        let (merged, replaced) = three_way(&local, &base, &phone, ContactDetails::Contact, false);
        assert_eq!(merged.company, "割烹みやび");
        assert_eq!(replaced[0].value, "みやび本店");
        assert!(!replaced[0].was_kizunas);
    }
}
