//! The salesperson's own CardDAV/CalDAV server, as the core knows it: the
//! account, the collections a connection test finds, and why a server
//! cannot be used. A leaf of the domain (settings and errors name it); the
//! network is the `kizuna-sync` crate's, the core stays offline.

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
    /// The server contacts are asked of (`https://host[:port]/`), which the
    /// address given may have led to (iCloud sends each user to a server
    /// of its own).
    pub contacts_at: String,
    /// The server calendars are asked of, when there are calendars.
    pub calendars_at: Option<String>,
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
    /// The server the address book is on, when discovery was led away
    /// from `server`; `None`: `server` itself.
    #[serde(default)]
    pub contacts_at: Option<String>,
    /// The server the calendar is on, likewise.
    #[serde(default)]
    pub calendar_at: Option<String>,
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
