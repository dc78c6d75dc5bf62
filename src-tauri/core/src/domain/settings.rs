//! The user's settings, typed here and stored one JSON value per key, so a
//! setting added later simply takes its default in existing stores.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::validation::{Checker, LIMIT_NOTES};
use crate::error::{FieldError, FieldErrorCode, Result};

/// The interface language; `system` follows the operating system's locale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    System,
    Ja,
    En,
}

/// What "a customer for life" means in this business (顧客化のゴール): the
/// dashboard's headline follows it, and where referrals are not the goal,
/// nothing pushes for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CustomerizationGoal {
    /// Customers keep buying.
    Repeat,
    /// Customers take up new products when offered.
    NewProduct,
    /// Customers bring new customers.
    Referral,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Settings {
    pub language: Language,
    /// An IANA zone such as `Asia/Tokyo`; empty follows the system.
    pub time_zone: String,
    /// Show dates in the Japanese era (令和8年) instead of the Western year.
    pub japanese_era: bool,
    /// ISO 4217 code for new purchases; amounts are integer minor units.
    pub currency: String,
    pub goal: CustomerizationGoal,
    /// Purchases within 12 months that suggest promoting to Client.
    pub client_purchase_threshold: u32,
    /// How much more a referral sale counts than a walk-in sale.
    pub referral_weight: f64,
    /// Walk-in new customers a month the business aims to stay under.
    pub walk_in_cap: u32,
    /// Desktop notifications for reminders as they fall due.
    pub notifications: bool,
    /// `HH:MM`: when the day's reminders fall due and are announced.
    pub reminder_time: String,
    /// `HH:MM`–`HH:MM` without notifications (may cross midnight); equal
    /// times mean no quiet hours.
    pub quiet_start: String,
    pub quiet_end: String,
    /// Above this many reminders at once, one digest notification instead.
    pub digest_threshold: u32,
    /// Days ahead of a birthday or other date to remind (0: only on the day).
    pub date_lead_days: u32,
    /// Days after a birthday or other date that a missed greeting is still
    /// offered, as a belated one; then it goes.
    pub belated_days: u32,
    /// Keep-in-touch cadence in days per ladder stage, prospect first;
    /// 0 turns it off for that stage.
    pub cadence_days: [u32; 6],
    /// Message templates the user edited, keyed `ja.birthday`, `en.keep_in_touch`…;
    /// a missing key uses the built-in text.
    pub templates: std::collections::BTreeMap<String, String>,
    /// Start Kizuna (in the tray) when the user logs in.
    pub start_at_login: bool,
    /// Notifications name no customer and quote no draft: what a lock
    /// screen or a shared screen shows tells nothing about anyone.
    #[serde(default)]
    pub private_notifications: bool,
    /// Ask the release server once a day whether a newer signed version
    /// exists (installed only on the user's word).
    pub check_for_updates: bool,
    /// Take a backup every day (and every week), kept 7 and 4 deep.
    pub automatic_backups: bool,
    /// Where backups go; empty is `backups/` in the data folder.
    pub backup_folder: String,
    /// The salesperson's own CardDAV/CalDAV server, if connected.
    #[serde(default)]
    pub sync_account: Option<crate::domain::dav::SyncAccount>,
    /// Who the season's cards are from, printed on each postcard.
    #[serde(default)]
    pub sender: Sender,
    /// Remind in early December of the New Year cards and in early July of
    /// the summer greetings (`reminder/season.rs`).
    pub season_reminders: bool,
}

/// The sender printed on postcards (差出人): the salesperson or their shop.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Sender {
    pub name: String,
    pub postal_code: String,
    /// 都道府県・市区町村・番地, on one line.
    pub address: String,
    /// The building, on a line of its own.
    pub building: String,
}

/// The longest sender field kept.
pub const LIMIT_SENDER_TEXT: usize = 100;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            language: Language::System,
            time_zone: String::new(),
            japanese_era: false,
            currency: "JPY".to_owned(),
            goal: CustomerizationGoal::Repeat,
            client_purchase_threshold: 2,
            referral_weight: 2.0,
            walk_in_cap: 20,
            notifications: true,
            reminder_time: "09:00".to_owned(),
            quiet_start: "21:00".to_owned(),
            quiet_end: "08:00".to_owned(),
            digest_threshold: 5,
            date_lead_days: 7,
            belated_days: 3,
            // Closer relationships get more attention; a prospect is not a
            // relationship yet, so nothing nags about them.
            cadence_days: [0, 90, 60, 45, 30, 30],
            templates: std::collections::BTreeMap::new(),
            start_at_login: false,
            private_notifications: false,
            check_for_updates: true,
            automatic_backups: true,
            backup_folder: String::new(),
            sync_account: None,
            sender: Sender::default(),
            season_reminders: true,
        }
    }
}

/// The longest a belated greeting may stay on offer.
pub const MAX_BELATED_DAYS: u32 = 30;

/// Minutes after midnight of an `HH:MM` time, or `None` when malformed.
pub fn minutes_of(time: &str) -> Option<u32> {
    let (h, m) = time.trim().split_once(':')?;
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60 && time.trim().len() <= 5).then_some(h * 60 + m)
}

impl Settings {
    /// The zone rules use: the chosen one, else the system's.
    pub fn tz(&self) -> chrono_tz::Tz {
        self.time_zone
            .parse()
            .unwrap_or_else(|_| crate::domain::clock::system_time_zone())
    }

    fn validate(&self) -> Result<()> {
        let mut c = Checker::default();
        if !self.time_zone.is_empty() && self.time_zone.parse::<chrono_tz::Tz>().is_err() {
            c.fail("time_zone", FieldErrorCode::OutOfRange);
        }
        if self.currency.len() != 3 || !self.currency.chars().all(|ch| ch.is_ascii_uppercase()) {
            c.fail("currency", FieldErrorCode::OutOfRange);
        }
        if let Some(account) = &self.sync_account {
            use crate::domain::dav::LIMIT_ACCOUNT_TEXT;
            for (field, text) in [
                ("sync_account.server", &account.server),
                ("sync_account.user", &account.user),
                ("sync_account.address_book", &account.address_book.href),
            ] {
                if text.trim().is_empty() {
                    c.fail(field, FieldErrorCode::Required);
                } else if text.chars().count() > LIMIT_ACCOUNT_TEXT {
                    c.errors.push(FieldError::with_limit(
                        field,
                        FieldErrorCode::TooLong,
                        LIMIT_ACCOUNT_TEXT as i64,
                    ));
                }
            }
        }
        for (field, text) in [
            ("sender.name", &self.sender.name),
            ("sender.postal_code", &self.sender.postal_code),
            ("sender.address", &self.sender.address),
            ("sender.building", &self.sender.building),
        ] {
            if text.chars().count() > LIMIT_SENDER_TEXT {
                c.errors.push(FieldError::with_limit(
                    field,
                    FieldErrorCode::TooLong,
                    LIMIT_SENDER_TEXT as i64,
                ));
            }
        }
        let code = self.sender.postal_code.trim();
        if !code.is_empty() && code.chars().filter(char::is_ascii_digit).count() != 7 {
            c.fail("sender.postal_code", FieldErrorCode::InvalidPostalCode);
        }
        let folder = self.backup_folder.trim();
        if !folder.is_empty() && !std::path::Path::new(folder).is_absolute() {
            c.fail("backup_folder", FieldErrorCode::OutOfRange);
        }
        if !(1..=100).contains(&self.client_purchase_threshold) {
            c.errors.push(FieldError::with_limit(
                "client_purchase_threshold",
                FieldErrorCode::OutOfRange,
                100,
            ));
        }
        if !self.referral_weight.is_finite() {
            c.fail("referral_weight", FieldErrorCode::InvalidNumber);
        } else if !(0.0..=100.0).contains(&self.referral_weight) {
            c.errors.push(FieldError::with_limit(
                "referral_weight",
                FieldErrorCode::OutOfRange,
                100,
            ));
        }
        for (field, time) in [
            ("reminder_time", &self.reminder_time),
            ("quiet_start", &self.quiet_start),
            ("quiet_end", &self.quiet_end),
        ] {
            if minutes_of(time).is_none() {
                c.fail(field, FieldErrorCode::InvalidTime);
            }
        }
        if self.digest_threshold == 0 || self.digest_threshold > 1000 {
            c.errors.push(FieldError::with_limit(
                "digest_threshold",
                FieldErrorCode::OutOfRange,
                1000,
            ));
        }
        if self.date_lead_days > 60 {
            c.errors.push(FieldError::with_limit(
                "date_lead_days",
                FieldErrorCode::OutOfRange,
                60,
            ));
        }
        if self.belated_days > MAX_BELATED_DAYS {
            c.errors.push(FieldError::with_limit(
                "belated_days",
                FieldErrorCode::OutOfRange,
                i64::from(MAX_BELATED_DAYS),
            ));
        }
        for (stage, days) in self.cadence_days.iter().enumerate() {
            if *days > 3650 {
                c.errors.push(FieldError::with_limit(
                    format!("cadence_days.{stage}"),
                    FieldErrorCode::OutOfRange,
                    3650,
                ));
            }
        }
        for (key, text) in &self.templates {
            if text.chars().count() > LIMIT_NOTES {
                c.errors.push(FieldError::with_limit(
                    format!("templates.{key}"),
                    FieldErrorCode::TooLong,
                    LIMIT_NOTES as i64,
                ));
            }
        }
        if self.walk_in_cap > 100_000 {
            c.errors.push(FieldError::with_limit(
                "walk_in_cap",
                FieldErrorCode::OutOfRange,
                100_000,
            ));
        }
        c.finish()
    }
}

impl Settings {
    /// Settings from stored `(key, JSON text)` pairs over the defaults. Each
    /// stored value is taken only if it still reads as this version's type;
    /// one unreadable value falls back to its default instead of making
    /// every setting unreadable.
    pub fn from_stored(stored: Vec<(String, String)>) -> Result<Settings> {
        let mut merged = match serde_json::to_value(Settings::default())? {
            serde_json::Value::Object(object) => object,
            _ => serde_json::Map::new(),
        };
        for (key, text) in stored {
            let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
                continue;
            };
            let mut candidate = merged.clone();
            candidate.insert(key, value);
            if serde_json::from_value::<Settings>(serde_json::Value::Object(candidate.clone()))
                .is_ok()
            {
                merged = candidate;
            }
        }
        Ok(serde_json::from_value(serde_json::Value::Object(merged))?)
    }

    /// These settings with the named fields back at their defaults.
    pub fn with_defaults_for<'a>(&self, fields: impl Iterator<Item = &'a str>) -> Result<Settings> {
        let defaults = serde_json::to_value(Settings::default())?;
        let mut value = serde_json::to_value(self)?;
        for field in fields {
            let name = field.split('.').next().unwrap_or(field);
            if let (Some(object), Some(default)) = (value.as_object_mut(), defaults.get(name)) {
                object.insert(name.to_owned(), default.clone());
            }
        }
        Ok(serde_json::from_value(value)?)
    }

    /// The `(key, JSON text)` pairs to store, after checking every value.
    pub fn to_stored(&self) -> Result<Vec<(String, String)>> {
        self.validate()?;
        Ok(match serde_json::to_value(self)? {
            serde_json::Value::Object(object) => object
                .into_iter()
                .map(|(key, value)| (key, value.to_string()))
                .collect(),
            _ => Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_values_round_trip_and_unreadable_ones_fall_back_to_defaults() -> Result<()> {
        let chosen = Settings {
            language: Language::En,
            time_zone: "Europe/London".to_owned(),
            japanese_era: true,
            goal: CustomerizationGoal::Referral,
            referral_weight: 1.5,
            ..Settings::default()
        };
        assert_eq!(Settings::from_stored(chosen.to_stored()?)?, chosen);
        let mut stored = chosen.to_stored()?;
        for (key, value) in &mut stored {
            if key == "language" {
                *value = "\"klingon\"".to_owned();
            }
        }
        let read = Settings::from_stored(stored)?;
        assert_eq!(read.language, Language::System);
        assert_eq!(read.time_zone, "Europe/London");
        Ok(())
    }

    #[test]
    fn an_unknown_time_zone_is_refused() {
        let bad = Settings {
            time_zone: "Mars/Olympus_Mons".to_owned(),
            ..Settings::default()
        };
        let Err(crate::Error::Validation(fields)) = bad.to_stored() else {
            panic!("an unknown zone was accepted");
        };
        assert_eq!(fields[0].field, "time_zone");
    }
}
