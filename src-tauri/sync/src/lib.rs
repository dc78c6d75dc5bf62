//! Kizuna on the salesperson's own CardDAV and CalDAV server (iCloud,
//! Google, Nextcloud, Fastmail, Radicale…), so that customers are the
//! phone's contacts and personal touches are in its calendar.
//!
//! The protocol is `libdav`'s; this crate adds the connection (TLS with the
//! system's trust store, Basic authentication, time limits), discovery of
//! the user's address books and calendars, and tells why a server cannot be
//! used in the core's words (`DavProblem`), which the window translates.
//! The core stays offline: this crate is the only one that talks to the
//! network for customers' data.

mod connection;
mod contacts;
mod discovery;
mod push;

pub use connection::Connection;
pub use contacts::{Book, fetch_cards, list_cards, sync_contacts};
pub use discovery::{create_address_book, create_calendar, discover};
pub use push::push_contacts;
