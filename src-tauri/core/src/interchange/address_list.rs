//! A campaign's list for address-printing programs (筆まめ, 筆王 and the
//! like): a CSV sheet in Windows' Japanese encoding (CP932, which both
//! read), one row per recipient, with a header naming each column so that
//! the program's import can map it.
//!
//! A character CP932 cannot hold (𠮷, some rare kanji) is written as 〓,
//! the printer's mark for a character to write by hand, and counted, so
//! the user is told before anything is printed.

use crate::domain::customer::{Address, CustomerProfile};
use crate::domain::greeting::{is_japanese, printed_honorific};
use crate::error::{Error, Result};

/// The columns, in order.
pub const HEADER: [&str; 10] = [
    "姓",
    "名",
    "姓ふりがな",
    "名ふりがな",
    "敬称",
    "郵便番号",
    "住所1",
    "住所2",
    "会社名",
    "役職",
];

/// What an address-list export wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, ts_rs::TS)]
pub struct AddressListSummary {
    pub rows: u32,
    /// Rows with a character CP932 cannot hold, written as 〓.
    pub substituted: u32,
}

/// One recipient's row.
pub fn row(profile: &CustomerProfile, address: Option<&Address>) -> [String; 10] {
    let company_only = profile.family_name.is_empty() && profile.given_name.is_empty();
    let honorific = printed_honorific(&profile.honorific, company_only);
    let (postal, first, second) = match address {
        Some(a) if is_japanese(a) => (
            a.postal_code.clone(),
            format!("{}{}{}", a.region, a.locality, a.street),
            a.extended.clone(),
        ),
        // Written as a foreign address reads: the street first, words apart.
        Some(a) => (
            a.postal_code.clone(),
            [a.street.as_str(), a.extended.as_str()]
                .into_iter()
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join(", "),
            [a.locality.as_str(), a.region.as_str(), a.country.as_str()]
                .into_iter()
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        None => Default::default(),
    };
    [
        profile.family_name.clone(),
        profile.given_name.clone(),
        profile.family_name_reading.clone(),
        profile.given_name_reading.clone(),
        honorific,
        postal,
        first,
        second,
        profile.company.clone(),
        profile.title.clone(),
    ]
}

/// The sheet as CP932 bytes (CRLF line ends, as Windows programs expect).
pub fn write(rows: &[[String; 10]]) -> Result<(Vec<u8>, AddressListSummary)> {
    let mut summary = AddressListSummary::default();
    let mut out = Vec::new();
    for (i, fields) in std::iter::once(HEADER.map(str::to_owned))
        .chain(rows.iter().cloned())
        .enumerate()
    {
        let mut sheet = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        sheet
            .write_record(&fields)
            .map_err(|e| Error::Internal(format!("CSV: {e}")))?;
        let line = sheet
            .into_inner()
            .map_err(|e| Error::Internal(format!("CSV: {e}")))?;
        let line = String::from_utf8(line).map_err(|e| Error::Internal(e.to_string()))?;
        let (bytes, substituted) = cp932(&line);
        if substituted && i > 0 {
            summary.substituted += 1;
        }
        out.extend_from_slice(&bytes);
    }
    summary.rows = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    Ok((out, summary))
}

/// The character Windows means where a Mac or Unicode text has another:
/// CP932 holds 〜 only as ～ (U+FF5E), ‖ as ∥, and so on; without this a
/// wave dash typed on a Mac would print as 〓.
fn windows_form(c: char) -> char {
    match c {
        '\u{301C}' => '\u{FF5E}', // 〜 → ～
        '\u{2016}' => '\u{2225}', // ‖ → ∥
        '\u{2014}' => '\u{2015}', // — → ―
        '\u{00A2}' => '\u{FFE0}', // ¢ → ￠
        '\u{00A3}' => '\u{FFE1}', // £ → ￡
        '\u{00AC}' => '\u{FFE2}', // ¬ → ￢
        other => other,
    }
}

/// `text` in CP932, each character it cannot hold as 〓; whether any was.
fn cp932(text: &str) -> (Vec<u8>, bool) {
    let mut out = Vec::with_capacity(text.len());
    let mut substituted = false;
    let mut buffer = [0u8; 4];
    for c in text.chars().map(windows_form) {
        let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(c.encode_utf8(&mut buffer));
        if unmappable {
            substituted = true;
            out.extend_from_slice(&encoding_rs::SHIFT_JIS.encode("〓").0);
        } else {
            out.extend_from_slice(&bytes);
        }
    }
    (out, substituted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sheet_is_cp932_and_a_character_it_cannot_hold_is_marked() {
        let profile = CustomerProfile {
            family_name: "髙橋".to_owned(),
            given_name: "𠮷男".to_owned(),
            family_name_reading: "たかはし".to_owned(),
            given_name_reading: "よしお".to_owned(),
            company: "みやび, 株式会社".to_owned(),
            ..CustomerProfile::default()
        };
        let address = Address {
            postal_code: "150-0001".to_owned(),
            region: "東京都".to_owned(),
            locality: "渋谷区".to_owned(),
            street: "神宮前1-2-3".to_owned(),
            extended: "みやびビル3階".to_owned(),
            ..Address::default()
        };
        let (bytes, summary) = write(&[row(&profile, Some(&address))]).expect("written");
        assert_eq!(
            summary,
            AddressListSummary {
                rows: 1,
                substituted: 1
            }
        );
        let (text, _, errors) = encoding_rs::SHIFT_JIS.decode(&bytes);
        assert!(!errors);
        assert_eq!(
            text,
            "姓,名,姓ふりがな,名ふりがな,敬称,郵便番号,住所1,住所2,会社名,役職\r\n\
             髙橋,〓男,たかはし,よしお,様,150-0001,東京都渋谷区神宮前1-2-3,みやびビル3階,\"みやび, 株式会社\",\r\n",
            "髙 is in CP932 (an NEC/IBM extension); 𠮷 is not"
        );
    }

    #[test]
    fn what_a_mac_types_is_written_as_windows_means_it() {
        let (bytes, substituted) = cp932("〜‖—¢£¬");
        assert!(!substituted);
        let (text, _, errors) = encoding_rs::SHIFT_JIS.decode(&bytes);
        assert!(!errors);
        assert_eq!(text, "～∥―￠￡￢");
    }
}
