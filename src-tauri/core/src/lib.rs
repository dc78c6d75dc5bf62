//! Kizuna's core: the domain (customers, the loyalty ladder, touchpoints,
//! purchases, referrals, reminders, measures) and its SQLite store. It knows
//! nothing of Tauri; the desktop shell and the CLI are thin adapters over it.

mod activity;
pub mod app;
pub mod backup;
pub mod bindings;
pub mod brief;
pub mod calendar;
pub mod clock;
pub mod customer;
pub mod dates;
pub mod demo;
pub mod error;
pub mod interchange;
pub mod kana;
pub mod ladder;
pub mod measures;
pub mod paths;
pub mod promise;
pub mod purchase;
pub mod referral;
pub mod reminder;
pub mod search;
pub mod settings;
mod sql;
pub mod store;
pub mod timeline;
pub mod touchpoint;
mod validation;

pub use clock::Clock;
pub use error::{Error, ErrorCode, ErrorPayload, FieldError, FieldErrorCode, Result};
pub use store::Store;
