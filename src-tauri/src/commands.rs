//! Commands the UI invokes: thin adapters that parse, call the core and map
//! the error. One file per domain area.

pub mod app;
pub mod backups;
pub mod customers;
pub mod interchange;
pub mod purchases;
pub mod relationship;
pub mod reminders;
pub mod settings;
pub mod touchpoints;
