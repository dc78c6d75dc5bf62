//! The salesperson's own CardDAV/CalDAV server, as the core knows it: the
//! collections a connection test finds, and why a server cannot be used.
//! The network is the `kizuna-sync` crate's; the core stays offline.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An address book or calendar on the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DavCollection {
    /// Its path on the server, as the server writes it.
    pub href: String,
    /// Its display name, or the last part of its path.
    pub name: String,
}

/// What a connection test found on the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DavDiscovery {
    /// Where the user's address books are (and a new one is made).
    pub address_book_home: String,
    pub address_books: Vec<DavCollection>,
    /// Where the user's calendars are; `None` when the server has no CalDAV.
    pub calendar_home: Option<String>,
    pub calendars: Vec<DavCollection>,
}

/// Why a server cannot be used, as the user is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DavProblem {
    /// Not a web address Kizuna can use (no `https://`, spaces…).
    BadAddress,
    /// No computer of that name (a typo, or offline DNS).
    NoSuchServer,
    /// The computer did not answer (offline, a firewall, the wrong port).
    Unreachable,
    /// The server refused the user name or password.
    WrongPassword,
    /// The server's certificate is not trusted (expired, self-signed,
    /// another name).
    Certificate,
    /// The server answers, but not as a CardDAV server (a web page, an
    /// error, a redirect that never ends).
    NotDavServer,
}

impl DavProblem {
    pub fn describe(self) -> &'static str {
        match self {
            DavProblem::BadAddress => "not a usable server address",
            DavProblem::NoSuchServer => "no server of that name",
            DavProblem::Unreachable => "the server did not answer",
            DavProblem::WrongPassword => "the server refused the user name or password",
            DavProblem::Certificate => "the server's certificate is not trusted",
            DavProblem::NotDavServer => "not a CardDAV server",
        }
    }
}

/// How much of a customer goes to the phone's contacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ContactDetails {
    /// Name, reading, phones, e-mails, addresses, company and birthday.
    Contact,
    /// Also what the customer page's profile says (likes, how you met,
    /// family, important dates).
    Profile,
    /// Also the notes.
    Everything,
}

/// The salesperson's own server, as connected in settings. The password is
/// kept in the OS keychain, never here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncAccount {
    /// The address the user gave (`https://…`).
    pub server: String,
    pub user: String,
    /// Where customers are written as contacts.
    pub address_book: DavCollection,
    /// Where personal touches are written as events; `None`: not at all.
    pub calendar: Option<DavCollection>,
    pub contact_details: ContactDetails,
}

/// The longest server address and user name kept.
pub const LIMIT_ACCOUNT_TEXT: usize = 500;

/// Which address book or calendar to use, as the user chose after a
/// connection test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CollectionChoice {
    /// One the server already has.
    Existing { collection: DavCollection },
    /// A new one named 「絆」, made in the home set the test found.
    New,
    /// None (calendars only: personal touches stay off the phone).
    Off,
}

/// Connecting the server as the user set it up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ConnectRequest {
    pub server: String,
    pub user: String,
    /// Kept in the OS keychain once the connection is made.
    pub password: String,
    pub address_book: CollectionChoice,
    pub calendar: CollectionChoice,
    pub contact_details: ContactDetails,
}

/// The name of the address book and calendar Kizuna makes.
pub const COLLECTION_NAME: &str = "絆";

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
}

crate::domain::text_enum!(SyncEvent {
    Synced => "synced",
    ChangedOnServer => "changed_on_server",
    AlreadyOnServer => "already_on_server",
    Failed => "failed",
    ServerProblem => "server_problem",
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncSummary {
    pub written: u32,
    /// Cards left as they are on the server (changed there, or not Kizuna's).
    pub left: u32,
    pub failed: u32,
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
}
