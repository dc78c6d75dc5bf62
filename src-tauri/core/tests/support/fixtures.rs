//! Shared test fixtures: a fixed clock, a quiet store and profile builders.

use chrono::NaiveDate;
use kizuna_core::customer::{CustomerProfile, CustomerQuery, Email, Phone};
use kizuna_core::settings::Settings;
use kizuna_core::{Clock, Store};

/// 2026-11-23 10:00 in Tokyo.
pub fn clock() -> Clock {
    clock_on(2026, 11, 23)
}

pub fn clock_on(year: i32, month: u32, day: u32) -> Clock {
    let date = NaiveDate::from_ymd_opt(year, month, day).expect("valid date");
    Clock::at_local(chrono_tz::Asia::Tokyo, date, 10, 0).expect("valid local time")
}

/// Settings under which only the reminders a test sets up exist:
/// keep-in-touch is off.
pub fn quiet_settings() -> Settings {
    Settings {
        cadence_days: [0; 6],
        ..Settings::default()
    }
}

/// An in-memory store with [`quiet_settings`].
pub fn quiet_store() -> Store {
    let mut store = Store::open_in_memory().expect("store");
    store.save_settings(&quiet_settings()).expect("settings");
    store
}

/// A Japanese customer with readings.
pub fn person(
    family: &str,
    given: &str,
    family_reading: &str,
    given_reading: &str,
) -> CustomerProfile {
    CustomerProfile {
        family_name: family.to_owned(),
        given_name: given.to_owned(),
        family_name_reading: family_reading.to_owned(),
        given_name_reading: given_reading.to_owned(),
        ..CustomerProfile::default()
    }
}

pub fn with_phone(mut p: CustomerProfile, number: &str) -> CustomerProfile {
    p.phones.push(Phone {
        label: "携帯".to_owned(),
        number: number.to_owned(),
    });
    p
}

pub fn with_email(mut p: CustomerProfile, address: &str) -> CustomerProfile {
    p.emails.push(Email {
        label: String::new(),
        address: address.to_owned(),
    });
    p
}

/// The key test stores are encrypted with.
#[allow(dead_code)]
pub fn key() -> kizuna_core::keys::StoreKey {
    kizuna_core::keys::StoreKey::from_bytes([7; 32])
}

/// A plain SQLite connection to a test store's file, keyed like the store.
#[allow(dead_code)]
pub fn raw(path: &std::path::Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(path).expect("open the file");
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\"", "07".repeat(32)))
        .expect("key");
    conn
}

/// The names a search for `text` lists, in the list's order.
pub fn found(store: &Store, text: &str) -> Vec<String> {
    store
        .list_customers(&CustomerQuery {
            text: text.to_owned(),
            ..CustomerQuery::default()
        })
        .unwrap_or_else(|e| panic!("search {text:?} failed: {e}"))
        .rows
        .into_iter()
        .map(|r| r.display_name)
        .collect()
}
