//! Commands the UI invokes: thin adapters that parse, call the core and map
//! the error. One file per domain area. None of them wakes the scheduler:
//! the store announces every change itself (see `scheduler.rs`).

pub mod app;
pub mod backups;
pub mod customers;
pub mod duplicates;
pub mod greetings;
pub mod interchange;
pub mod printing;
pub mod purchases;
pub mod relationship;
pub mod reminders;
pub mod security;
pub mod settings;
pub mod sync;
pub mod touchpoints;
pub mod undo;
pub mod updates;
