//! The season's greetings and gifts as pure rules: the kinds there are and
//! when each goes out, what sending one is in a customer's history, and
//! whether an address can be written on a postcard.
//!
//! In Japan the season's greeting is the oldest personal touch: New Year
//! cards (年賀状), the winter card for those in mourning (寒中見舞い), summer
//! greetings (暑中見舞い, then 残暑見舞い), and the mid-year and year-end gifts
//! (お中元, お歳暮). For customers written to in English, a holiday card.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::customer::Address;
use super::ladder::Stage;
use super::reminder::DraftLanguage;
use super::reminder::season::Season;
use super::text_enum;
use super::touchpoint::TouchpointKind;

/// A season's greeting or gift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum GreetingKind {
    /// 年賀状 — the New Year card, delivered on 1 January.
    Nengajo,
    /// 寒中見舞い — the winter card, after 松の内 (from 8 January) until 立春;
    /// what those in mourning receive instead of a New Year card.
    KanchuMimai,
    /// 暑中見舞い — the summer greeting, until 立秋.
    ShochuMimai,
    /// 残暑見舞い — the late-summer greeting, after 立秋.
    ZanshoMimai,
    /// お中元 — the mid-year gift.
    Ochugen,
    /// お歳暮 — the year-end gift.
    Oseibo,
    /// A holiday card, for customers written to in English.
    HolidayCard,
}

text_enum!(GreetingKind {
    Nengajo => "nengajo",
    KanchuMimai => "kanchu_mimai",
    ShochuMimai => "shochu_mimai",
    ZanshoMimai => "zansho_mimai",
    Ochugen => "ochugen",
    Oseibo => "oseibo",
    HolidayCard => "holiday_card",
});

impl GreetingKind {
    /// A gift rather than a card.
    pub fn is_gift(self) -> bool {
        matches!(self, GreetingKind::Ochugen | GreetingKind::Oseibo)
    }

    /// What sending it is in a customer's history.
    pub fn touchpoint_kind(self) -> TouchpointKind {
        if self.is_gift() {
            TouchpointKind::Gift
        } else {
            TouchpointKind::Letter
        }
    }

    /// The season reminder its sending closes (see `reminder/season.rs`).
    pub fn prepared_in(self) -> Option<Season> {
        match self {
            GreetingKind::Nengajo => Some(Season::NewYear),
            GreetingKind::ShochuMimai | GreetingKind::Ochugen => Some(Season::Summer),
            _ => None,
        }
    }

    /// The days it arrives in `year` (the Kantō customs; a New Year card
    /// is for 1 January of `year`, so it is written in December before).
    pub fn season(self, year: i32) -> Option<(NaiveDate, NaiveDate)> {
        let day = |m, d| NaiveDate::from_ymd_opt(year, m, d);
        Some(match self {
            GreetingKind::Nengajo => (day(1, 1)?, day(1, 7)?),
            GreetingKind::KanchuMimai => (day(1, 8)?, day(2, 3)?),
            GreetingKind::ShochuMimai => (day(7, 7)?, day(8, 7)?),
            GreetingKind::ZanshoMimai => (day(8, 8)?, day(8, 31)?),
            GreetingKind::Ochugen => (day(7, 1)?, day(7, 15)?),
            GreetingKind::Oseibo => (day(12, 1)?, day(12, 20)?),
            GreetingKind::HolidayCard => (day(12, 1)?, day(12, 24)?),
        })
    }

    /// The line logged in the customer's history when it was sent.
    pub fn sent_summary(self, year: i32, language: DraftLanguage) -> String {
        let ja = language == DraftLanguage::Ja;
        match (self, ja) {
            (GreetingKind::Nengajo, true) => format!("{year}年の年賀状を送りました"),
            (GreetingKind::Nengajo, false) => format!("Sent a New Year card for {year}"),
            (GreetingKind::KanchuMimai, true) => format!("{year}年の寒中見舞いを送りました"),
            (GreetingKind::KanchuMimai, false) => format!("Sent a winter greeting card ({year})"),
            (GreetingKind::ShochuMimai, true) => format!("{year}年の暑中見舞いを送りました"),
            (GreetingKind::ShochuMimai, false) => format!("Sent a summer greeting card ({year})"),
            (GreetingKind::ZanshoMimai, true) => format!("{year}年の残暑見舞いを送りました"),
            (GreetingKind::ZanshoMimai, false) => {
                format!("Sent a late-summer greeting card ({year})")
            }
            (GreetingKind::Ochugen, true) => format!("{year}年のお中元を贈りました"),
            (GreetingKind::Ochugen, false) => format!("Sent a mid-year gift ({year})"),
            (GreetingKind::Oseibo, true) => format!("{year}年のお歳暮を贈りました"),
            (GreetingKind::Oseibo, false) => format!("Sent a year-end gift ({year})"),
            (GreetingKind::HolidayCard, true) => format!("{year}年のホリデーカードを送りました"),
            (GreetingKind::HolidayCard, false) => format!("Sent a holiday card ({year})"),
        }
    }
}

/// How a campaign's addresses are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PrintLayout {
    /// One Japanese postcard (はがき, 100×148 mm) each.
    Postcard,
    /// A4 label sheets of 12 (2 × 6 labels of 86.4×42.3 mm, the common
    /// エーワン layout), to stick on envelopes or gift slips.
    Labels,
}

impl PrintLayout {
    /// The paper it prints on, width and height in millimetres.
    pub fn paper_mm(self) -> (f64, f64) {
        match self {
            PrintLayout::Postcard => (100.0, 148.0),
            PrintLayout::Labels => (210.0, 297.0),
        }
    }
}

/// The earliest years a campaign is kept for, and the latest.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// Who a new campaign is for: every customer (not archived, not "do not
/// contact") that any of the chosen conditions fits; more are added or
/// taken off by hand afterwards.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RecipientRule {
    /// At one of these stages.
    pub stages: Vec<Stage>,
    /// With one of these tags (the demo book tags 年賀状 and お中元).
    pub tags: Vec<String>,
    /// Who bought something in the last this many months.
    pub purchased_within_months: Option<u32>,
    /// Who was on last year's list of the same kind.
    pub last_year: bool,
}

impl RecipientRule {
    /// Whether nothing is chosen (the list starts empty, to fill by hand).
    pub fn is_empty(&self) -> bool {
        self.stages.is_empty()
            && self.tags.is_empty()
            && self.purchased_within_months.is_none()
            && !self.last_year
    }
}

/// Why an address cannot be printed on a postcard as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AddressProblem {
    /// No address at all.
    Missing,
    /// A Japanese postal code that is not seven digits.
    PostalCode,
    /// Longer than the postcard's address lines hold.
    TooLong,
}

/// Characters in one vertical address line of a postcard (縦書き, the
/// 100×148 mm card at the size addresses are written).
pub const POSTCARD_LINE: usize = 20;

/// Whether an address is Japanese (written vertically, with 〒): as the
/// customer's address is validated.
pub fn is_japanese(address: &Address) -> bool {
    super::customer::is_japan(&address.country)
}

/// What keeps an address from going on a postcard as it is; empty when it
/// can be printed.
pub fn address_problems(address: Option<&Address>) -> Vec<AddressProblem> {
    let Some(a) = address else {
        return vec![AddressProblem::Missing];
    };
    let lines = [&a.region, &a.locality, &a.street, &a.extended];
    if lines.iter().all(|l| l.trim().is_empty()) {
        return vec![AddressProblem::Missing];
    }
    let mut problems = Vec::new();
    let chars = |s: &str| s.trim().chars().count();
    if is_japanese(a) {
        let digits = a.postal_code.chars().filter(char::is_ascii_digit).count();
        let others = a
            .postal_code
            .chars()
            .filter(|c| !c.is_ascii_digit() && !matches!(c, '-' | '‐' | '－' | ' ' | '〒'))
            .count();
        if digits != 7 || others > 0 {
            problems.push(AddressProblem::PostalCode);
        }
        // The first line carries 都道府県, 市区町村 and 番地 (two lines of
        // the card at most), the second the building.
        let first = chars(&a.region) + chars(&a.locality) + chars(&a.street);
        if first > POSTCARD_LINE * 2 || chars(&a.extended) > POSTCARD_LINE {
            problems.push(AddressProblem::TooLong);
        }
    } else if lines.iter().any(|l| chars(l) > POSTCARD_LINE * 2) {
        problems.push(AddressProblem::TooLong);
    }
    problems
}

/// A campaign: one kind of greeting or gift, for one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Campaign {
    pub id: i64,
    pub kind: GreetingKind,
    pub year: i32,
    /// Unix seconds.
    pub created_at: i64,
}

/// A customer in a campaign: on the list, or not on it but their card came.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CampaignRow {
    pub customer_id: i64,
    pub display_name: String,
    pub reading: String,
    /// The honorific printed after the name: the customer's own, else 様
    /// (empty when they want none).
    pub honorific: String,
    /// The address printed (the customer's first).
    pub address: Option<Address>,
    /// A Japanese address: written vertically with 〒 boxes on a postcard
    /// (a foreign one is written across).
    pub vertical: bool,
    pub listed: bool,
    /// Unix seconds; `None` while not sent.
    pub sent_at: Option<i64>,
    #[ts(type = "string | null")]
    pub received_on: Option<NaiveDate>,
    /// Why the address cannot go on a postcard as it is.
    pub problems: Vec<AddressProblem>,
}

/// A customer in mourning for a New Year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Mourning {
    pub customer_id: i64,
    pub display_name: String,
    /// The New Year they receive no card for.
    pub year: i32,
    /// The day the 喪中はがき came.
    #[ts(type = "string")]
    pub noted_on: NaiveDate,
    /// Who died, as the card says.
    pub who: String,
}

/// How a campaign stands.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CampaignCounts {
    pub listed: u32,
    pub sent: u32,
    /// Cards received from customers (on the list or not).
    pub received: u32,
    /// On the list, not yet sent.
    pub pending: u32,
    /// On the list with an address that cannot be printed as it is.
    pub unprintable: u32,
}

/// A campaign as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CampaignView {
    pub campaign: Campaign,
    /// Who is on the list, in reading order.
    pub recipients: Vec<CampaignRow>,
    /// Who sent a card but is not on the list: a card can be sent back.
    pub received_unlisted: Vec<CampaignRow>,
    /// For a New Year campaign: who is left out for mourning (proposed a
    /// 寒中見舞い after 松の内).
    pub in_mourning: Vec<Mourning>,
    pub counts: CampaignCounts,
}

/// A campaign in the list of campaigns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CampaignSummary {
    pub campaign: Campaign,
    pub counts: CampaignCounts,
}

/// The honorific written after a customer's name on a card: their own,
/// else 様 — 御中 for a company with no one's name.
pub fn printed_honorific(own: &str, company_only: bool) -> String {
    match own.trim() {
        "" if company_only => "御中".to_owned(),
        "" => "様".to_owned(),
        super::customer::NO_HONORIFIC => String::new(),
        other => other.to_owned(),
    }
}

/// What the counts of a campaign are, from its rows.
pub fn counts(recipients: &[CampaignRow], received_unlisted: usize) -> CampaignCounts {
    let n = |it: usize| u32::try_from(it).unwrap_or(u32::MAX);
    let sent = recipients.iter().filter(|r| r.sent_at.is_some()).count();
    CampaignCounts {
        listed: n(recipients.len()),
        sent: n(sent),
        received: n(recipients
            .iter()
            .filter(|r| r.received_on.is_some())
            .count()
            + received_unlisted),
        pending: n(recipients.len() - sent),
        unprintable: n(recipients.iter().filter(|r| !r.problems.is_empty()).count()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(postal: &str, region: &str, locality: &str, street: &str) -> Address {
        Address {
            postal_code: postal.to_owned(),
            region: region.to_owned(),
            locality: locality.to_owned(),
            street: street.to_owned(),
            ..Address::default()
        }
    }

    #[test]
    fn a_postcard_address_needs_seven_digits_and_lines_that_fit() {
        let ok = address("150-0001", "東京都", "渋谷区", "神宮前一丁目2-3");
        assert!(address_problems(Some(&ok)).is_empty());
        assert_eq!(address_problems(None), [AddressProblem::Missing]);
        assert_eq!(
            address_problems(Some(&Address::default())),
            [AddressProblem::Missing]
        );
        let short_code = address("150-001", "東京都", "渋谷区", "神宮前1-2-3");
        assert_eq!(
            address_problems(Some(&short_code)),
            [AddressProblem::PostalCode]
        );
        let letters = address("150-00O1", "東京都", "渋谷区", "神宮前1-2-3");
        assert_eq!(
            address_problems(Some(&letters)),
            [AddressProblem::PostalCode]
        );
        let long = address("150-0001", "東京都", "渋谷区", &"神宮前".repeat(12));
        assert_eq!(address_problems(Some(&long)), [AddressProblem::TooLong]);
        let abroad = Address {
            street: "1 Main Street".to_owned(),
            locality: "Springfield".to_owned(),
            country: "USA".to_owned(),
            ..Address::default()
        };
        assert!(
            address_problems(Some(&abroad)).is_empty(),
            "a foreign address has no 〒"
        );
    }

    #[test]
    fn each_kind_has_its_season_and_gifts_are_gifts() {
        assert_eq!(
            GreetingKind::KanchuMimai.season(2027),
            Some((
                NaiveDate::from_ymd_opt(2027, 1, 8).expect("day"),
                NaiveDate::from_ymd_opt(2027, 2, 3).expect("day")
            )),
            "after 松の内, until 立春"
        );
        assert_eq!(GreetingKind::Oseibo.touchpoint_kind(), TouchpointKind::Gift);
        assert_eq!(
            GreetingKind::Nengajo.touchpoint_kind(),
            TouchpointKind::Letter
        );
        assert_eq!(
            GreetingKind::Nengajo.sent_summary(2027, DraftLanguage::Ja),
            "2027年の年賀状を送りました"
        );
    }
}
