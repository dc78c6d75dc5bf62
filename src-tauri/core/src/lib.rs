//! Kizuna's core: the domain (customers, the loyalty ladder, touchpoints,
//! purchases, referrals, reminders, measures) and its SQLite store. It knows
//! nothing of Tauri; the desktop shell and the CLI are thin adapters over it.
//!
//! Its layers depend one way only:
//!
//! - `domain/` — types and rules as pure functions; no SQL, no store;
//! - `store/` — SQL, one module per table or aggregate, over the domain;
//! - the use cases at this level (`customer`, `touchpoint`, `purchase`,
//!   `reminder`, `undo`, `interchange`…) — transactions, through the one
//!   owner of derived data (`derived`), which also announces each change;
//! - the shell and the CLI, over the use cases.
//!
//! `tests/architecture.rs` checks that no module reaches against the grain.

pub mod app;
pub mod backup;
pub mod bindings;
pub mod brief;
pub mod customer;
pub mod demo;
mod derived;
pub mod domain;
pub mod duplicates;
pub mod error;
pub mod fs;
pub mod greeting;
pub mod interchange;
pub mod keys;
pub mod ladder;
pub mod measures;
pub mod merge;
pub mod paths;
pub mod promise;
pub mod purchase;
pub mod referral;
pub mod reminder;
pub mod settings;
pub mod store;
pub mod sync;
pub mod timeline;
pub mod touchpoint;
pub mod undo;
pub mod unlock;

pub use clock::Clock;
pub use domain::{calendar, clock, dates, kana, search};
pub use error::{Error, ErrorCode, ErrorPayload, FieldError, FieldErrorCode, Result};
pub use store::Store;
pub use store::changes::{ChangeEvent, ChangeFeed};
