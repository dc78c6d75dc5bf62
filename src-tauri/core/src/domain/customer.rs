//! Customers: who they are, how to reach them, what the salesperson knows
//! about them. The rules a profile must meet are in `customer/validation.rs`;
//! storage is in `store/customers.rs`.

mod validation;
pub(crate) use validation::is_japan;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub(crate) use validation::over_caps;
pub use validation::{
    LIMIT_HONORIFIC, LIMIT_NAME, LIMIT_NOTES, LIMIT_SHORT, LIMIT_TAG, LIMIT_TOPIC, MAX_ADDRESSES,
    MAX_EMAILS, MAX_FAMILY_MEMBERS, MAX_IMPORTANT_DATES, MAX_PHONES, MAX_TAGS,
};

use crate::domain::calendar::PartialDate;
use crate::domain::kana;
use crate::domain::ladder::Stage;
use crate::domain::reminder::DraftLanguage;
use crate::domain::text_enum;
use crate::error::{Error, Result};

/// How the customer first came to the salesperson.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    WalkIn,
    Referral,
    Event,
    Other,
}
text_enum!(Source { WalkIn => "walk_in", Referral => "referral", Event => "event", Other => "other" });

/// The channel the customer prefers to be reached by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ContactChannel {
    Any,
    Phone,
    Email,
    Message,
    Letter,
    Visit,
}
text_enum!(ContactChannel {
    Any => "any",
    Phone => "phone",
    Email => "email",
    Message => "message",
    Letter => "letter",
    Visit => "visit",
});

/// Anniversaries and other dates worth a personal touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ImportantDateKind {
    Anniversary,
    Custom,
}
text_enum!(ImportantDateKind { Anniversary => "anniversary", Custom => "custom" });

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Phone {
    /// "携帯", "会社", "mobile"… free text.
    pub label: String,
    /// Kept exactly as typed; matched by its digits.
    pub number: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Email {
    pub label: String,
    pub address: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Address {
    pub label: String,
    /// 〒 postal code; Japanese codes are stored as `123-4567`.
    pub postal_code: String,
    /// 都道府県 / state or province.
    pub region: String,
    /// 市区町村 / city.
    pub locality: String,
    /// 町名・番地 / street.
    pub street: String,
    /// 建物名・部屋番号 / building, flat.
    pub extended: String,
    pub country: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportantDate {
    pub kind: ImportantDateKind,
    pub label: String,
    pub date: PartialDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FamilyMember {
    pub name: String,
    pub reading: String,
    /// "妻", "長男", "daughter"… free text.
    pub relation: String,
    pub birthday: Option<PartialDate>,
    pub notes: String,
}

/// A value from another program that Kizuna has no field for (a vCard
/// property, a CSV column), kept with the customer instead of being dropped
/// and written back out on export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Extra {
    /// The vCard property (`NICKNAME`, `X-ICQ`…) or the CSV column's header.
    pub name: String,
    pub value: String,
}

/// Everything the salesperson edits about a customer. The same shape is sent
/// by the form to create or update, and read back to fill it again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CustomerProfile {
    pub family_name: String,
    pub given_name: String,
    /// Furigana of the family name, in kana.
    pub family_name_reading: String,
    pub given_name_reading: String,
    pub company: String,
    pub title: String,
    pub phones: Vec<Phone>,
    pub emails: Vec<Email>,
    pub addresses: Vec<Address>,
    pub birthday: Option<PartialDate>,
    pub important_dates: Vec<ImportantDate>,
    pub family_members: Vec<FamilyMember>,
    pub likes: String,
    pub notes: String,
    /// How and where we met.
    pub met_how: String,
    #[ts(type = "string | null")]
    pub met_on: Option<NaiveDate>,
    pub source: Source,
    /// The customer who introduced this one.
    pub referred_by: Option<i64>,
    pub preferred_channel: ContactChannel,
    pub do_not_contact: bool,
    /// No touch reminders before this day.
    #[ts(type = "string | null")]
    pub quiet_until: Option<NaiveDate>,
    /// Keep-in-touch cadence in days; `null` follows the stage's default.
    pub cadence_days: Option<u32>,
    /// Honorific for drafts: 様, さん, 先生…, or Mr, Ms, Mx, Dr…; empty
    /// means the language's default (様 in Japanese, the given name alone in
    /// English) and [`NO_HONORIFIC`] none at all.
    pub honorific: String,
    /// The language messages to this customer are written in. Left out
    /// (`null`), it is proposed from the name: Latin letters only → English.
    #[serde(default)]
    pub message_language: Option<DraftLanguage>,
    /// Something to ask about next time (話題), which keep-in-touch drafts
    /// use: "the new shop", 「お嬢さんの受験」.
    #[serde(default)]
    pub topic: String,
    /// Never written to the phone's address book (and the card there
    /// removed at the next sync).
    #[serde(default)]
    pub keep_off_phone: bool,
    pub tags: Vec<String>,
    pub stage: Stage,
    /// What an import brought that has no field here.
    pub extras: Vec<Extra>,
}

impl Default for CustomerProfile {
    fn default() -> Self {
        CustomerProfile {
            family_name: String::new(),
            given_name: String::new(),
            family_name_reading: String::new(),
            given_name_reading: String::new(),
            company: String::new(),
            title: String::new(),
            phones: Vec::new(),
            emails: Vec::new(),
            addresses: Vec::new(),
            birthday: None,
            important_dates: Vec::new(),
            family_members: Vec::new(),
            likes: String::new(),
            notes: String::new(),
            met_how: String::new(),
            met_on: None,
            source: Source::Other,
            referred_by: None,
            preferred_channel: ContactChannel::Any,
            do_not_contact: false,
            keep_off_phone: false,
            quiet_until: None,
            cadence_days: None,
            honorific: String::new(),
            message_language: None,
            topic: String::new(),
            tags: Vec::new(),
            stage: Stage::Prospect,
            extras: Vec::new(),
        }
    }
}

/// The honorific that means "none": 山田 太郎 with nothing after it.
pub const NO_HONORIFIC: &str = "-";

impl CustomerProfile {
    /// The language messages to this customer are written in: the chosen
    /// one, or else the one the name proposes.
    pub fn language(&self) -> DraftLanguage {
        self.message_language
            .unwrap_or_else(|| proposed_language(&self.family_name, &self.given_name))
    }
}

/// A language as files name it: `ja`, `ja-JP`, `日本語`, `English`…;
/// `None` for one Kizuna does not write messages in.
pub fn language_from_text(text: &str) -> Option<DraftLanguage> {
    let t = text.trim().to_lowercase();
    let primary = t.split(['-', '_']).next().unwrap_or_default();
    match primary {
        "ja" | "jpn" | "japanese" | "日本語" => Some(DraftLanguage::Ja),
        "en" | "eng" | "english" | "英語" => Some(DraftLanguage::En),
        _ => None,
    }
}

/// Where an imported language Kizuna does not know is kept (and reported).
pub const UNKNOWN_LANGUAGE_EXTRA: &str = "X-KIZUNA-LANGUAGE";

/// The message language a name proposes: English when the name is written
/// in Latin letters only (Michael White, Claire Müller), Japanese otherwise
/// and when there is no name.
pub fn proposed_language(family: &str, given: &str) -> DraftLanguage {
    let mut letters = family
        .chars()
        .chain(given.chars())
        .filter(|c| c.is_alphabetic() || kana::is_japanese_script(*c))
        .peekable();
    if letters.peek().is_some()
        && letters.all(|c| c.is_alphabetic() && !kana::is_japanese_script(c) && (c as u32) < 0x0250)
    {
        DraftLanguage::En
    } else {
        DraftLanguage::Ja
    }
}

/// A short reference to another customer, e.g. the referrer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CustomerRef {
    pub id: i64,
    pub display_name: String,
    pub archived: bool,
}

/// A stored customer with everything the customer page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Customer {
    pub id: i64,
    pub uid: String,
    pub display_name: String,
    pub display_reading: String,
    pub profile: CustomerProfile,
    pub referrer: Option<CustomerRef>,
    pub archived: bool,
    /// Unix seconds.
    pub archived_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One row of the customer list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CustomerRow {
    pub id: i64,
    pub display_name: String,
    pub display_reading: String,
    pub company: String,
    pub stage: Stage,
    pub tags: Vec<String>,
    pub phone: String,
    pub email: String,
    pub archived: bool,
}

/// What the list asks for: a search text, filters, and a window of rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CustomerQuery {
    pub text: String,
    pub stage: Option<Stage>,
    pub tag: Option<String>,
    /// Show archived customers instead of active ones.
    pub archived: bool,
    pub offset: u32,
    pub limit: u32,
}

impl Default for CustomerQuery {
    fn default() -> Self {
        CustomerQuery {
            text: String::new(),
            stage: None,
            tag: None,
            archived: false,
            offset: 0,
            limit: 100,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CustomerPage {
    /// How many customers match, for the list's scroll height.
    pub total: u32,
    pub offset: u32,
    pub rows: Vec<CustomerRow>,
}

/// What the new-customer form has typed so far, to warn of someone who may
/// already be in the book.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SimilarQuery {
    pub family_name_reading: String,
    pub given_name_reading: String,
    pub phones: Vec<String>,
    pub emails: Vec<String>,
    /// The customer being edited, who is not their own duplicate.
    pub exclude: Option<i64>,
}

/// Why a customer may be the same person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SimilarReason {
    Reading,
    Phone,
    Email,
}

/// A customer who may be the one being entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SimilarCustomer {
    pub id: i64,
    pub display_name: String,
    pub display_reading: String,
    pub archived: bool,
    pub reasons: Vec<SimilarReason>,
}

/// How many possible duplicates the form lists.
pub const SIMILAR_LIMIT: usize = 5;

/// A tag with how many active customers carry it, for the filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TagCount {
    pub name: String,
    pub customers: u32,
}

/// Checks and normalises a profile (see `validation.rs`).
pub(crate) fn validated(profile: CustomerProfile, today: NaiveDate) -> Result<CustomerProfile> {
    validation::validate(profile, today).map_err(Error::Validation)
}

/// [`validated`], with every problem rather than an error.
pub(crate) fn check(
    profile: CustomerProfile,
    today: NaiveDate,
) -> std::result::Result<CustomerProfile, Vec<crate::error::FieldError>> {
    validation::validate(profile, today)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text stored in SQL and the JSON the UI sees must be the same word.
    #[test]
    fn stored_and_serialized_names_agree() -> serde_json::Result<()> {
        for v in Source::ALL {
            assert_eq!(serde_json::to_string(v)?, format!("\"{}\"", v.as_str()));
        }
        for v in ContactChannel::ALL {
            assert_eq!(serde_json::to_string(v)?, format!("\"{}\"", v.as_str()));
        }
        for v in ImportantDateKind::ALL {
            assert_eq!(serde_json::to_string(v)?, format!("\"{}\"", v.as_str()));
        }
        Ok(())
    }
}
