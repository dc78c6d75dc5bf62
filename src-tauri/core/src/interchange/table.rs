//! CSV in and out. A sheet is inspected first: its encoding, where the
//! header row is (LinkedIn writes notes above it), which known layout it
//! follows — Google Contacts (both header styles), Outlook, LinkedIn, or a
//! Japanese address book with よみ columns — and what each column holds.
//! The user may change any column's meaning before the preview; a column
//! nobody recognises is kept in the customers' extras, never dropped.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use unicode_normalization::UnicodeNormalization;

use super::text::{TextEncoding, decode};
use super::{ImportProblem, ImportProblemCode, Incoming, Progress, ReadFile, excerpt, step};
use crate::calendar::PartialDate;
use crate::customer::{
    Address, CustomerProfile, Email, Extra, ImportantDate, ImportantDateKind, Phone,
};
use crate::domain::kana;
use crate::error::{Error, Result};
use crate::reminder::DraftLanguage;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ColumnTarget {
    /// Not imported (the user chose so).
    Skip,
    /// Kept in the customer's extras under the column's header.
    Keep,
    FamilyName,
    GivenName,
    MiddleName,
    /// A whole name in one cell ("山田 太郎", "Ada Lovelace").
    FullName,
    FamilyNameReading,
    GivenNameReading,
    FullNameReading,
    Company,
    Department,
    Title,
    Phone,
    /// The label of the phone in the same group (Google's "Phone 1 - Label").
    PhoneLabel,
    Email,
    EmailLabel,
    PostalCode,
    Region,
    Locality,
    Street,
    Extended,
    Country,
    /// A whole address in one cell.
    FullAddress,
    AddressLabel,
    Birthday,
    Anniversary,
    Notes,
    /// Tags, separated by commas, semicolons or Google's " ::: ".
    Tags,
    Uid,
}

/// One column's meaning. Columns of one phone, e-mail or address share a
/// `group` (Google's "Phone 1 - Label" and "Phone 1 - Value"); group 0 puts
/// each column in a group of its own. `label` is what a phone, e-mail or
/// address from this column is labelled when the sheet does not say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ColumnMapping {
    pub target: ColumnTarget,
    pub group: u32,
    pub label: String,
}

impl ColumnMapping {
    fn new(target: ColumnTarget) -> Self {
        ColumnMapping {
            target,
            group: 0,
            label: String::new(),
        }
    }

    fn grouped(target: ColumnTarget, group: u32) -> Self {
        ColumnMapping {
            target,
            group,
            label: String::new(),
        }
    }

    fn labelled(target: ColumnTarget, group: u32, label: &str) -> Self {
        ColumnMapping {
            target,
            group,
            label: label.to_owned(),
        }
    }
}

/// The layouts Kizuna knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CsvPreset {
    /// Google Contacts, current export ("First Name", "Phone 1 - Label").
    Google,
    /// Google Contacts, the older export ("Given Name", "Phone 1 - Type").
    GoogleLegacy,
    Outlook,
    /// LinkedIn's connections export.
    Linkedin,
    /// A Japanese address book from Excel: 姓, 名, よみ, 〒, 住所…
    Japanese,
    /// Nothing recognised: every column kept as an extra until mapped.
    Custom,
}

/// What inspecting a CSV file found, for the mapping screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CsvSheet {
    pub encoding: TextEncoding,
    /// Where the header row is (1-based); rows above it are not data.
    pub header_line: u32,
    pub headers: Vec<String>,
    /// The first data rows, cut to the headers' width.
    pub samples: Vec<Vec<String>>,
    /// Data rows in the file.
    pub rows: u32,
    pub preset: CsvPreset,
    pub mapping: Vec<ColumnMapping>,
}

/// How the user asked to read a sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CsvOptions {
    pub encoding: TextEncoding,
    /// One per header column; missing ones are kept as extras.
    pub mapping: Vec<ColumnMapping>,
}

const SAMPLE_ROWS: usize = 5;

/// The widest header row a sheet may have. The mapping screen shows a row
/// with a choice for every column, so a sheet a million columns wide would
/// freeze the window. Address books have up to ninety or so (Outlook);
/// Kizuna's own export, at the caps, has 560.
pub const MAX_COLUMNS: usize = 600;

// Kizuna's own export must always read back.
const _: () = assert!(
    FIXED_COLUMNS.len()
        + 2 * crate::customer::MAX_EMAILS
        + 2 * crate::customer::MAX_PHONES
        + ADDRESS_PARTS.len() * crate::customer::MAX_ADDRESSES
        <= MAX_COLUMNS
);

/// Header words folded so "E-mail Address", "e-mail address" and
/// "Ｅ－ｍａｉｌ　Address" compare equal.
fn fold(header: &str) -> String {
    // NFKC leaves ASCII as it is, and most headers are ASCII.
    let normalized: std::borrow::Cow<'_, str> = if header.is_ascii() {
        header.into()
    } else {
        header.nfkc().collect::<String>().into()
    };
    normalized
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// "phone 2 - value" → ("phone", 2, "value").
fn numbered(header: &str) -> Option<(&str, u32, &str)> {
    let (left, part) = header.split_once(" - ")?;
    let (kind, n) = left.rsplit_once(' ')?;
    Some((kind, n.parse().ok()?, part))
}

fn google_mapping(h: &str, legacy: bool) -> Option<ColumnMapping> {
    use ColumnTarget as T;
    let simple = match h {
        "first name" | "given name" => Some(T::GivenName),
        "last name" | "family name" => Some(T::FamilyName),
        "middle name" | "additional name" => Some(T::MiddleName),
        "name" if legacy => Some(T::FullName),
        "phonetic first name" | "given name yomi" => Some(T::GivenNameReading),
        "phonetic last name" | "family name yomi" => Some(T::FamilyNameReading),
        "phonetic middle name" | "additional name yomi" => Some(T::Keep),
        "organization name" | "organization 1 - name" => Some(T::Company),
        "organization title" | "organization 1 - title" => Some(T::Title),
        "organization department" | "organization 1 - department" => Some(T::Department),
        "birthday" => Some(T::Birthday),
        "notes" => Some(T::Notes),
        "labels" | "group membership" => Some(T::Tags),
        _ => None,
    };
    if let Some(target) = simple {
        return Some(ColumnMapping::new(target));
    }
    let (kind, n, part) = numbered(h)?;
    // Groups: phones 100+, e-mails 200+, addresses 300+, events 400+.
    let target = match (kind, part) {
        ("phone", "value") => (T::Phone, 100),
        ("phone", "label" | "type") => (T::PhoneLabel, 100),
        ("e-mail", "value") => (T::Email, 200),
        ("e-mail", "label" | "type") => (T::EmailLabel, 200),
        ("address", "formatted") => (T::FullAddress, 300),
        ("address", "street") => (T::Street, 300),
        ("address", "city") => (T::Locality, 300),
        ("address", "region") => (T::Region, 300),
        ("address", "postal code") => (T::PostalCode, 300),
        ("address", "country") => (T::Country, 300),
        ("address", "extended address" | "po box") => (T::Extended, 300),
        ("address", "label" | "type") => (T::AddressLabel, 300),
        ("event", "value") => (T::Anniversary, 400),
        ("organization", "name") => (T::Company, 0),
        ("organization", "title") => (T::Title, 0),
        _ => return None,
    };
    Some(ColumnMapping::grouped(target.0, target.1 + n))
}

fn outlook_mapping(h: &str, ja: bool) -> Option<ColumnMapping> {
    use ColumnTarget as T;
    let l = |ja_label: &str, en_label: &str| if ja { ja_label } else { en_label }.to_owned();
    let m = match h {
        "first name" => ColumnMapping::new(T::GivenName),
        "last name" => ColumnMapping::new(T::FamilyName),
        "middle name" => ColumnMapping::new(T::MiddleName),
        "company" => ColumnMapping::new(T::Company),
        "department" => ColumnMapping::new(T::Department),
        "job title" => ColumnMapping::new(T::Title),
        "e-mail address" => ColumnMapping::new(T::Email),
        "e-mail 2 address" => ColumnMapping::new(T::Email),
        "e-mail 3 address" => ColumnMapping::new(T::Email),
        "mobile phone" => ColumnMapping::labelled(T::Phone, 0, &l("携帯", "mobile")),
        "home phone" | "home phone 2" => ColumnMapping::labelled(T::Phone, 0, &l("自宅", "home")),
        "business phone" | "business phone 2" | "company main phone" => {
            ColumnMapping::labelled(T::Phone, 0, &l("会社", "work"))
        }
        "business fax" => ColumnMapping::labelled(T::Phone, 0, &l("会社FAX", "work fax")),
        "home fax" => ColumnMapping::labelled(T::Phone, 0, &l("自宅FAX", "home fax")),
        "other phone" | "primary phone" => ColumnMapping::new(T::Phone),
        "business street" => ColumnMapping::labelled(T::Street, 1, &l("会社", "work")),
        "business street 2" | "business street 3" => ColumnMapping::grouped(T::Extended, 1),
        "business city" => ColumnMapping::grouped(T::Locality, 1),
        "business state" => ColumnMapping::grouped(T::Region, 1),
        "business postal code" => ColumnMapping::grouped(T::PostalCode, 1),
        "business country/region" | "business country" => ColumnMapping::grouped(T::Country, 1),
        "home street" => ColumnMapping::labelled(T::Street, 2, &l("自宅", "home")),
        "home street 2" | "home street 3" => ColumnMapping::grouped(T::Extended, 2),
        "home city" => ColumnMapping::grouped(T::Locality, 2),
        "home state" => ColumnMapping::grouped(T::Region, 2),
        "home postal code" => ColumnMapping::grouped(T::PostalCode, 2),
        "home country/region" | "home country" => ColumnMapping::grouped(T::Country, 2),
        "other street" => ColumnMapping::grouped(T::Street, 3),
        "other city" => ColumnMapping::grouped(T::Locality, 3),
        "other state" => ColumnMapping::grouped(T::Region, 3),
        "other postal code" => ColumnMapping::grouped(T::PostalCode, 3),
        "other country/region" => ColumnMapping::grouped(T::Country, 3),
        "birthday" => ColumnMapping::new(T::Birthday),
        "anniversary" => ColumnMapping::new(T::Anniversary),
        "notes" => ColumnMapping::new(T::Notes),
        "categories" => ColumnMapping::new(T::Tags),
        // Bookkeeping every Outlook export writes, with nothing about the person.
        "sensitivity" | "priority" | "private" | "gender" => ColumnMapping::new(T::Skip),
        "yomi first name" | "furigana first name" => ColumnMapping::new(T::GivenNameReading),
        "yomi last name" | "furigana last name" => ColumnMapping::new(T::FamilyNameReading),
        _ => return None,
    };
    Some(m)
}

fn linkedin_mapping(h: &str) -> Option<ColumnMapping> {
    use ColumnTarget as T;
    Some(ColumnMapping::new(match h {
        "first name" => T::GivenName,
        "last name" => T::FamilyName,
        "email address" => T::Email,
        "company" => T::Company,
        "position" => T::Title,
        // "URL" and "Connected On" are kept as extras.
        _ => return None,
    }))
}

fn japanese_mapping(h: &str, ja: bool) -> Option<ColumnMapping> {
    use ColumnTarget as T;
    // Readings come as よみ, ふりがな, フリガナ, カナ, with or without brackets.
    let h: String = h
        .chars()
        .filter(|c| {
            !matches!(
                c,
                '(' | ')' | '（' | '）' | '[' | ']' | '「' | '」' | ' ' | '・'
            )
        })
        .collect();
    let is_reading = [
        "よみ",
        "ふりがな",
        "フリガナ",
        "よみがな",
        "ヨミ",
        "カナ",
        "かな",
        "読み",
    ]
    .iter()
    .any(|w| h.contains(w));
    let l = |ja_label: &str, en_label: &str| if ja { ja_label } else { en_label }.to_owned();
    let m = match h.as_str() {
        "姓" | "苗字" | "名字" => ColumnMapping::new(T::FamilyName),
        "名" | "名前名" => ColumnMapping::new(T::GivenName),
        "氏名" | "名前" | "お名前" | "宛名" => ColumnMapping::new(T::FullName),
        "せい" | "セイ" => ColumnMapping::new(T::FamilyNameReading),
        "めい" | "メイ" => ColumnMapping::new(T::GivenNameReading),
        s if is_reading && (s.contains('姓') || s.contains("せい") || s.contains("セイ")) => {
            ColumnMapping::new(T::FamilyNameReading)
        }
        s if is_reading
            && (s.contains('名') || s.contains("めい") || s.contains("メイ"))
            && !s.contains("氏名") =>
        {
            ColumnMapping::new(T::GivenNameReading)
        }
        _ if is_reading => ColumnMapping::new(T::FullNameReading),
        "会社名" | "会社" | "勤務先" | "所属" | "店名" | "屋号" => {
            ColumnMapping::new(T::Company)
        }
        "部署" | "部署名" => ColumnMapping::new(T::Department),
        "役職" | "肩書" | "肩書き" => ColumnMapping::new(T::Title),
        "郵便番号" | "〒" => ColumnMapping::grouped(T::PostalCode, 1),
        "都道府県" => ColumnMapping::grouped(T::Region, 1),
        "市区町村" => ColumnMapping::grouped(T::Locality, 1),
        "住所" | "住所1" | "番地" | "町名番地" | "町域番地" => {
            ColumnMapping::grouped(T::Street, 1)
        }
        "住所2" | "建物名" | "建物" | "マンション名" => {
            ColumnMapping::grouped(T::Extended, 1)
        }
        "電話番号" | "電話" | "tel" | "自宅電話" => {
            ColumnMapping::labelled(T::Phone, 0, &l("自宅", "home"))
        }
        "携帯電話" | "携帯" | "携帯番号" => {
            ColumnMapping::labelled(T::Phone, 0, &l("携帯", "mobile"))
        }
        "会社電話" | "勤務先電話" => {
            ColumnMapping::labelled(T::Phone, 0, &l("会社", "work"))
        }
        "fax" | "ファックス" | "fax番号" => {
            ColumnMapping::labelled(T::Phone, 0, &l("FAX", "fax"))
        }
        "メールアドレス" | "メール" | "eメール" | "e-mail" | "email" | "pcメール" => {
            ColumnMapping::new(T::Email)
        }
        "携帯メール" => ColumnMapping::labelled(T::Email, 0, &l("携帯", "mobile")),
        "生年月日" | "誕生日" => ColumnMapping::new(T::Birthday),
        "記念日" | "結婚記念日" => ColumnMapping::new(T::Anniversary),
        "メモ" | "備考" | "メモ欄" | "コメント" => ColumnMapping::new(T::Notes),
        "グループ" | "分類" | "タグ" | "区分" => ColumnMapping::new(T::Tags),
        _ => return None,
    };
    Some(m)
}

/// A header's meaning under a preset; `h` is folded.
fn mapping_of(preset: CsvPreset, h: &str, language: DraftLanguage) -> Option<ColumnMapping> {
    let ja = language == DraftLanguage::Ja;
    match preset {
        CsvPreset::Google => google_mapping(h, false),
        CsvPreset::GoogleLegacy => google_mapping(h, true),
        CsvPreset::Outlook => outlook_mapping(h, ja),
        CsvPreset::Linkedin => linkedin_mapping(h),
        CsvPreset::Japanese => japanese_mapping(h, ja),
        CsvPreset::Custom => None,
    }
}

/// Each column's meaning under a preset; what it does not know is kept.
pub fn mapping_for(
    preset: CsvPreset,
    headers: &[String],
    language: DraftLanguage,
) -> Vec<ColumnMapping> {
    headers
        .iter()
        .map(|h| {
            if h.trim().is_empty() {
                ColumnMapping::new(ColumnTarget::Skip)
            } else {
                mapping_of(preset, &fold(h), language)
                    .unwrap_or_else(|| ColumnMapping::new(ColumnTarget::Keep))
            }
        })
        .collect()
}

/// How well a preset knows a header row (folded): the number of columns
/// it maps, with marks for headers only that layout writes.
fn score(preset: CsvPreset, folded: &[String]) -> usize {
    // An empty header means nothing under any preset.
    let known = folded
        .iter()
        .filter(|h| !h.is_empty() && mapping_of(preset, h, DraftLanguage::Ja).is_some())
        .count();
    let has = |name: &str| folded.iter().any(|h| h == name);
    let bonus = match preset {
        CsvPreset::Google => {
            usize::from(has("first name") && folded.iter().any(|h| h.ends_with("- label"))) * 5
        }
        CsvPreset::GoogleLegacy => usize::from(has("given name")) * 5,
        CsvPreset::Outlook => usize::from(has("business street") || has("mobile phone")) * 5,
        CsvPreset::Linkedin => usize::from(has("connected on")) * 10,
        CsvPreset::Japanese | CsvPreset::Custom => 0,
    };
    known * 2 + bonus
}

/// The layouts a file's header row can be recognised by.
const RECOGNISED: [CsvPreset; 5] = [
    CsvPreset::Google,
    CsvPreset::GoogleLegacy,
    CsvPreset::Outlook,
    CsvPreset::Linkedin,
    CsvPreset::Japanese,
];

/// Each cell of a row folded once, for every preset to score.
fn folded(cells: &[String]) -> Vec<String> {
    cells.iter().map(|c| fold(c)).collect()
}

fn guess_preset(headers: &[String]) -> CsvPreset {
    let headers = folded(headers);
    RECOGNISED
        .into_iter()
        .map(|p| (score(p, &headers), p))
        .filter(|(s, _)| *s >= 4)
        .max_by_key(|(s, _)| *s)
        .map_or(CsvPreset::Custom, |(_, p)| p)
}

/// The delimiter the first lines use most: comma, tab or semicolon.
fn delimiter(text: &str) -> u8 {
    let head: String = text.lines().take(20).collect::<Vec<_>>().join("\n");
    [b',', b'\t', b';']
        .into_iter()
        .max_by_key(|d| head.bytes().filter(|b| b == d).count())
        .unwrap_or(b',')
}

/// Every record of the file, each with the line it starts on.
fn records(text: &str) -> Result<Vec<(u32, Vec<String>)>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(text))
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    // Line numbers counted here: the reader's count starts a record at
    // the blank lines it skipped before it.
    let mut line = 1u32;
    let mut counted = 0usize;
    for record in reader.records() {
        let record = record.map_err(|e| Error::UnreadableFile(format!("CSV: {e}")))?;
        let mut start = record
            .position()
            .map_or(0, |p| usize::try_from(p.byte()).unwrap_or(0));
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        let start = start.min(bytes.len());
        line += u32::try_from(
            bytes[counted.min(start)..start]
                .iter()
                .filter(|b| **b == b'\n')
                .count(),
        )
        .unwrap_or(0);
        counted = start;
        out.push((
            line,
            record
                .iter()
                .map(|cell| without_formula_guard(cell).to_owned())
                .collect(),
        ));
    }
    Ok(out)
}

/// The header row: the first of the first twenty rows a layout knows best
/// (LinkedIn writes a few lines of notes above it), else the first row.
/// It may be no wider than [`MAX_COLUMNS`]; a wider row is not even scored.
fn header_index(rows: &[(u32, Vec<String>)]) -> Result<usize> {
    let at = rows
        .iter()
        .take(20)
        .enumerate()
        .filter(|(_, (_, cells))| cells.len() <= MAX_COLUMNS)
        .map(|(i, (_, cells))| {
            let cells = folded(cells);
            let best = RECOGNISED
                .into_iter()
                .map(|p| score(p, &cells))
                .max()
                .unwrap_or(0);
            (best, std::cmp::Reverse(i))
        })
        .max()
        .filter(|(best, _)| *best >= 4)
        .map_or(0, |(_, std::cmp::Reverse(i))| i);
    let found = rows.get(at).map_or(0, |(_, cells)| cells.len());
    if found > MAX_COLUMNS {
        return Err(Error::TooManyColumns {
            found,
            limit: MAX_COLUMNS,
        });
    }
    Ok(at)
}

fn is_blank(cells: &[String]) -> bool {
    cells.iter().all(|c| c.trim().is_empty())
}

/// A sheet's rows as read from its bytes, with the one that looks like
/// the header row: what inspecting a sheet and reading its contacts share.
pub(crate) struct Rows {
    pub encoding: TextEncoding,
    /// Each record with the line it starts on.
    rows: Vec<(u32, Vec<String>)>,
    header: usize,
}

/// Decodes a sheet and splits it into records.
pub(crate) fn rows_of(bytes: &[u8], encoding: TextEncoding) -> Result<Rows> {
    let decoded = decode(bytes, encoding);
    let rows = records(&decoded.text)?;
    let header = header_index(&rows)?;
    Ok(Rows {
        encoding: decoded.encoding,
        rows,
        header,
    })
}

/// Reads a sheet's layout for the mapping screen.
pub fn inspect(bytes: &[u8], encoding: TextEncoding, language: DraftLanguage) -> Result<CsvSheet> {
    layout(&rows_of(bytes, encoding)?, language)
}

/// A sheet's layout: its header row, a few samples, the preset it looks
/// like and the column meanings that preset gives.
pub(crate) fn layout(sheet: &Rows, language: DraftLanguage) -> Result<CsvSheet> {
    let rows = &sheet.rows;
    if rows.is_empty() {
        return Err(Error::UnreadableFile("the file is empty".to_owned()));
    }
    let at = sheet.header;
    let (header_line, headers) = rows[at].clone();
    let data: Vec<&Vec<String>> = rows[at + 1..]
        .iter()
        .map(|(_, cells)| cells)
        .filter(|c| !is_blank(c))
        .collect();
    let preset = guess_preset(&headers);
    Ok(CsvSheet {
        encoding: sheet.encoding,
        header_line,
        mapping: mapping_for(preset, &headers, language),
        samples: data
            .iter()
            .take(SAMPLE_ROWS)
            .map(|cells| {
                (0..headers.len())
                    .map(|i| cells.get(i).cloned().unwrap_or_default())
                    .collect()
            })
            .collect(),
        rows: u32::try_from(data.len()).unwrap_or(u32::MAX),
        headers,
        preset,
    })
}

/// Dates as sheets write them: 1985-04-12, 1985/4/12, 1985年4月12日,
/// 昭和60年4月12日, 19850412, --04-12, 4/12 (no year).
pub(crate) fn parse_date(text: &str) -> Option<PartialDate> {
    let t: String = text.nfkc().collect::<String>().trim().to_owned();
    if t.is_empty() {
        return None;
    }
    let eras = [
        ("令和", 2018),
        ("平成", 1988),
        ("昭和", 1925),
        ("大正", 1911),
        ("明治", 1867),
    ];
    let (offset, rest) = eras
        .iter()
        .find_map(|(name, base)| t.strip_prefix(name).map(|r| (Some(*base), r)))
        .unwrap_or((None, t.as_str()));
    let rest = rest.replace('元', "1");
    let numbers: Vec<u32> = rest
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    let date = match (offset, numbers.as_slice()) {
        (Some(base), [y, m, d]) => PartialDate::new(Some(base + i32::try_from(*y).ok()?), *m, *d),
        (None, [ymd]) if rest.len() == 8 => PartialDate::new(
            Some(i32::try_from(ymd / 10_000).ok()?),
            ymd / 100 % 100,
            ymd % 100,
        ),
        (None, [md]) if rest.starts_with("--") && rest.len() == 6 => {
            PartialDate::new(None, md / 100, md % 100)
        }
        (None, [y, m, d]) if *y > 31 => PartialDate::new(Some(i32::try_from(*y).ok()?), *m, *d),
        // US order, as Outlook writes in English: 4/12/1985.
        (None, [m, d, y]) if *y > 31 => PartialDate::new(Some(i32::try_from(*y).ok()?), *m, *d),
        (None, [m, d]) => PartialDate::new(None, *m, *d),
        _ => return None,
    };
    date.is_valid().then_some(date)
}

fn split_tags(cell: &str) -> Vec<String> {
    cell.split(" ::: ")
        .flat_map(|part| part.split([',', ';', '、', '，']))
        .map(|t| t.trim().trim_start_matches('*').trim().to_owned())
        .filter(|t| !t.is_empty() && t != "myContacts")
        .collect()
}

/// Builds one contact from a row, column by column.
fn contact(
    headers: &[String],
    mapping: &[ColumnMapping],
    cells: &[String],
    p: &mut CustomerProfile,
    uid: &mut Option<String>,
) {
    use ColumnTarget as T;
    // Grouped parts of one phone, e-mail or address, by group number.
    #[derive(Default)]
    struct Parts {
        phone: Option<String>,
        phone_label: String,
        email: Option<String>,
        email_label: String,
        address: Address,
        address_label: String,
        has_address: bool,
        label: String,
    }
    let mut groups: BTreeMap<(u32, usize), Parts> = BTreeMap::new();
    let mut middle = String::new();
    let mut department = String::new();
    let mut full_name = String::new();
    let mut full_reading = String::new();
    let mut notes: Vec<String> = Vec::new();
    // However many tags a row lists, each is looked up once.
    let mut tags_seen: HashSet<String> = HashSet::new();
    let join = |target: &mut String, value: &str, sep: &str| {
        if target.is_empty() {
            value.clone_into(target);
        } else {
            target.push_str(sep);
            target.push_str(value);
        }
    };
    for (i, cell) in cells.iter().enumerate() {
        let value = cell.trim();
        if value.is_empty() {
            continue;
        }
        let m = mapping
            .get(i)
            .cloned()
            .unwrap_or(ColumnMapping::new(T::Keep));
        // Group 0 is one group per column.
        let key = if m.group == 0 { (0, i) } else { (m.group, 0) };
        match m.target {
            T::Skip => {}
            T::Keep => p.extras.push(Extra {
                name: headers
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| format!("#{}", i + 1)),
                value: value.to_owned(),
            }),
            T::FamilyName => join(&mut p.family_name, value, " "),
            T::GivenName => join(&mut p.given_name, value, " "),
            T::MiddleName => join(&mut middle, value, " "),
            T::FullName => full_name = value.to_owned(),
            T::FamilyNameReading => p.family_name_reading = value.nfkc().collect(),
            T::GivenNameReading => p.given_name_reading = value.nfkc().collect(),
            T::FullNameReading => full_reading = value.nfkc().collect(),
            T::Company => join(&mut p.company, value, " "),
            T::Department => join(&mut department, value, " "),
            T::Title => join(&mut p.title, value, " "),
            T::Phone | T::PhoneLabel | T::Email | T::EmailLabel => {
                let parts = groups.entry(key).or_default();
                if parts.label.is_empty() {
                    parts.label.clone_from(&m.label);
                }
                match m.target {
                    T::Phone => parts.phone = Some(value.to_owned()),
                    T::PhoneLabel => value
                        .trim_start_matches("* ")
                        .clone_into(&mut parts.phone_label),
                    T::Email => parts.email = Some(value.to_owned()),
                    _ => value
                        .trim_start_matches("* ")
                        .clone_into(&mut parts.email_label),
                }
            }
            T::PostalCode
            | T::Region
            | T::Locality
            | T::Street
            | T::Extended
            | T::Country
            | T::FullAddress
            | T::AddressLabel => {
                let parts = groups.entry(key).or_default();
                if parts.label.is_empty() {
                    parts.label.clone_from(&m.label);
                }
                let a = &mut parts.address;
                match m.target {
                    T::PostalCode => a.postal_code = value.to_owned(),
                    T::Region => a.region = value.to_owned(),
                    T::Locality => a.locality = value.to_owned(),
                    T::Street | T::FullAddress if a.street.is_empty() => {
                        a.street = value.to_owned()
                    }
                    T::Street | T::FullAddress => {}
                    T::Extended => join(&mut a.extended, value, " "),
                    T::Country => a.country = value.to_owned(),
                    _ => value.clone_into(&mut parts.address_label),
                }
                if m.target != T::AddressLabel {
                    parts.has_address = true;
                }
            }
            T::Birthday => match parse_date(value) {
                Some(date) => p.birthday = Some(date),
                None => p.extras.push(Extra {
                    name: headers.get(i).cloned().unwrap_or_default(),
                    value: value.to_owned(),
                }),
            },
            T::Anniversary => match parse_date(value) {
                Some(date) => p.important_dates.push(ImportantDate {
                    kind: ImportantDateKind::Anniversary,
                    label: String::new(),
                    date,
                }),
                None => p.extras.push(Extra {
                    name: headers.get(i).cloned().unwrap_or_default(),
                    value: value.to_owned(),
                }),
            },
            T::Notes => notes.push(value.to_owned()),
            T::Tags => {
                for tag in split_tags(value) {
                    if tags_seen.insert(tag.clone()) {
                        p.tags.push(tag);
                    }
                }
            }
            T::Uid => *uid = Some(value.to_owned()),
        }
    }
    for parts in groups.into_values() {
        let pick = |own: String, fallback: &str| {
            if own.is_empty() {
                fallback.to_owned()
            } else {
                own
            }
        };
        if let Some(phone) = parts.phone {
            let label = pick(parts.phone_label, &parts.label);
            for number in several(&phone) {
                p.phones.push(Phone {
                    label: kana::phone_label(&label, number),
                    number: number.to_owned(),
                });
            }
        }
        if let Some(email) = parts.email {
            let label = pick(parts.email_label, &parts.label);
            for address in several(&email) {
                p.emails.push(Email {
                    label: label.clone(),
                    address: address.to_owned(),
                });
            }
        }
        if parts.has_address {
            let mut address = parts.address;
            address.label = pick(parts.address_label, &parts.label);
            p.addresses.push(address);
        }
    }
    if !middle.is_empty() {
        p.given_name = format!("{} {middle}", p.given_name).trim().to_owned();
    }
    if !department.is_empty() {
        p.company = format!("{} {department}", p.company).trim().to_owned();
    }
    if p.family_name.is_empty() && p.given_name.is_empty() && !full_name.is_empty() {
        let japanese = full_name.chars().any(crate::kana::is_japanese_script);
        let parts: Vec<&str> = full_name.split_whitespace().collect();
        match parts.as_slice() {
            [only] => (*only).clone_into(&mut p.family_name),
            [first, rest @ ..] if japanese => {
                (*first).clone_into(&mut p.family_name);
                p.given_name = rest.join(" ");
            }
            [init @ .., last] => {
                (*last).clone_into(&mut p.family_name);
                p.given_name = init.join(" ");
            }
            [] => {}
        }
    }
    if p.family_name_reading.is_empty() && !full_reading.is_empty() {
        let mut parts = full_reading.split_whitespace();
        p.family_name_reading = parts.next().unwrap_or_default().to_owned();
        if p.given_name_reading.is_empty() {
            p.given_name_reading = parts.collect::<Vec<_>>().join(" ");
        }
    }
    p.notes = notes.join("\n\n");
}

/// Reads every data row with the given column meanings.
pub fn read(
    bytes: &[u8],
    options: &CsvOptions,
    progress: Progress<'_>,
) -> Result<(ReadFile, TextEncoding)> {
    let sheet = rows_of(bytes, options.encoding)?;
    let file = contacts(&sheet, &options.mapping, progress)?;
    Ok((file, sheet.encoding))
}

/// [`read`], handing the rows to `take` as contacts a batch at a time.
pub fn read_in_batches(
    bytes: &[u8],
    options: &CsvOptions,
    progress: Progress<'_>,
    take: &mut dyn FnMut(ReadFile) -> Result<()>,
) -> Result<TextEncoding> {
    let sheet = rows_of(bytes, options.encoding)?;
    contacts_in_batches(&sheet, &options.mapping, progress, take)?;
    Ok(sheet.encoding)
}

/// Each data row below the header row as a contact, the columns meaning
/// what `mapping` says.
pub(crate) fn contacts(
    sheet: &Rows,
    mapping: &[ColumnMapping],
    progress: Progress<'_>,
) -> Result<ReadFile> {
    let (file, ()) =
        ReadFile::gathered(|take| contacts_in_batches(sheet, mapping, progress, take))?;
    Ok(file)
}

/// [`contacts`], a batch of [`super::READ_BATCH`] rows at a time.
fn contacts_in_batches(
    sheet: &Rows,
    mapping: &[ColumnMapping],
    progress: Progress<'_>,
    take: &mut dyn FnMut(ReadFile) -> Result<()>,
) -> Result<()> {
    let mut progress = progress;
    let rows = &sheet.rows;
    let mut file = ReadFile::default();
    if rows.is_empty() {
        return take(file);
    }
    let at = sheet.header;
    let headers = &rows[at].1;
    let data = &rows[at + 1..];
    let total = data.len() as u64;
    let mut record = 0u32;
    for (n, (line, cells)) in data.iter().enumerate() {
        if n % 512 == 0 {
            step(&mut progress, n as u64, total)?;
        }
        if file.contacts.len() == super::READ_BATCH {
            take(std::mem::take(&mut file))?;
        }
        if is_blank(cells) {
            continue;
        }
        record += 1;
        let mut incoming = Incoming {
            record,
            line: *line,
            excerpt: excerpt(&cells.join(",")),
            uid: None,
            referred_by_uid: None,
            from_kizuna: false,
            profile: CustomerProfile::default(),
        };
        let mut uid = None;
        contact(headers, mapping, cells, &mut incoming.profile, &mut uid);
        incoming.uid = uid;
        if cells.len() > headers.len()
            && cells[headers.len()..].iter().any(|c| !c.trim().is_empty())
        {
            // Cells beyond the header have no column name; keep them anyway.
            for (i, cell) in cells.iter().enumerate().skip(headers.len()) {
                if !cell.trim().is_empty() {
                    incoming.profile.extras.push(Extra {
                        name: format!("#{}", i + 1),
                        value: cell.trim().to_owned(),
                    });
                }
            }
            file.problems.push(ImportProblem::of(
                &incoming,
                ImportProblemCode::KeptAside,
                "columns",
            ));
        }
        file.contacts.push(incoming);
    }
    take(file)?;
    step(&mut progress, total, total)
}

/// The columns every row of an export starts with.
const FIXED_COLUMNS: [&str; 10] = [
    "First Name",
    "Middle Name",
    "Last Name",
    "Phonetic First Name",
    "Phonetic Last Name",
    "Organization Name",
    "Organization Title",
    "Birthday",
    "Notes",
    "Labels",
];

/// The columns of each address.
const ADDRESS_PARTS: [&str; 7] = [
    "Label",
    "Street",
    "Extended Address",
    "City",
    "Region",
    "Postal Code",
    "Country",
];

/// How many phones, e-mails and addresses an export has columns for: as
/// many as the customer with the most has, decided before any row is
/// written so that rows can be written as they are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvWidths {
    pub phones: usize,
    pub emails: usize,
    pub addresses: usize,
}

impl CsvWidths {
    /// At least one of each, as Google's layout has; at most a customer's
    /// cap. Only a customer stored before the caps can have more, and a
    /// CSV sheet is not where everything is kept anyway (family, dates and
    /// other details travel in vCard and JSON): one such customer must not
    /// make every row of every export thousands of cells wide.
    pub fn new(phones: usize, emails: usize, addresses: usize) -> Self {
        use crate::customer::{MAX_ADDRESSES, MAX_EMAILS, MAX_PHONES};
        CsvWidths {
            phones: phones.clamp(1, MAX_PHONES),
            emails: emails.clamp(1, MAX_EMAILS),
            addresses: addresses.clamp(1, MAX_ADDRESSES),
        }
    }
}

/// The header row of an export in Google Contacts' current layout, which
/// Google, Outlook and Excel read, and which reads back here.
pub fn header(widths: CsvWidths) -> Vec<String> {
    let mut headers: Vec<String> = FIXED_COLUMNS.iter().map(|s| (*s).to_owned()).collect();
    for n in 1..=widths.emails {
        headers.push(format!("E-mail {n} - Label"));
        headers.push(format!("E-mail {n} - Value"));
    }
    for n in 1..=widths.phones {
        headers.push(format!("Phone {n} - Label"));
        headers.push(format!("Phone {n} - Value"));
    }
    for n in 1..=widths.addresses {
        for part in ADDRESS_PARTS {
            headers.push(format!("Address {n} - {part}"));
        }
    }
    headers
}

/// One customer's row under [`header`], each cell guarded against being
/// run as a formula.
pub fn row(p: &CustomerProfile, widths: CsvWidths) -> Vec<String> {
    let birthday = p.birthday.map(|d| match d.year {
        Some(y) => format!("{y:04}-{:02}-{:02}", d.month, d.day),
        None => format!("--{:02}-{:02}", d.month, d.day),
    });
    let mut row = vec![
        p.given_name.clone(),
        String::new(),
        p.family_name.clone(),
        p.given_name_reading.clone(),
        p.family_name_reading.clone(),
        p.company.clone(),
        p.title.clone(),
        birthday.unwrap_or_default(),
        p.notes.clone(),
        p.tags.join(" ::: "),
    ];
    for n in 0..widths.emails {
        let e = p.emails.get(n);
        row.push(e.map(|e| e.label.clone()).unwrap_or_default());
        row.push(e.map(|e| e.address.clone()).unwrap_or_default());
    }
    for n in 0..widths.phones {
        let ph = p.phones.get(n);
        row.push(ph.map(|e| e.label.clone()).unwrap_or_default());
        row.push(ph.map(|e| e.number.clone()).unwrap_or_default());
    }
    for n in 0..widths.addresses {
        let a = p.addresses.get(n).cloned().unwrap_or_default();
        row.extend([
            a.label,
            a.street,
            a.extended,
            a.locality,
            a.region,
            a.postal_code,
            a.country,
        ]);
    }
    row.into_iter().map(with_formula_guard).collect()
}

/// What a spreadsheet takes for the start of a formula: Excel, LibreOffice
/// and Google Sheets run a cell that begins with `=`, `+`, `-` or `@` (a
/// tab or carriage return first does not stop them), so a customer's note
/// `=HYPERLINK(…)` would become a live link, or worse, on opening the file.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The rule, both ways (OWASP's advice for CSV injection): on export, a
/// cell that starts with a formula character — after any apostrophes — gets
/// one more apostrophe in front, which spreadsheets take as "this is text";
/// on import, one apostrophe is taken off such a cell again. Nothing else
/// changes, so `+81 90-1234-5678` becomes `'+81 90-1234-5678` and comes
/// back as it was, and a value that itself began with `'=` travels as
/// `''=` and comes back as `'=`: a round trip loses nothing. A sheet from
/// elsewhere with `'=…` in a cell means the text `=…`, as it would in the
/// spreadsheet that wrote it.
fn needs_formula_guard(cell: &str) -> bool {
    cell.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

fn with_formula_guard(cell: String) -> String {
    if needs_formula_guard(&cell) {
        format!("'{cell}")
    } else {
        cell
    }
}

fn without_formula_guard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_formula_guard(rest) => rest,
        _ => cell,
    }
}

/// The values in one cell: Google writes several numbers or addresses as
/// "a ::: b".
fn several(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(" ::: ").map(str::trim).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_forms_sheets_use() {
        let d = |y, m, d| Some(PartialDate::new(y, m, d));
        assert_eq!(parse_date("1985-04-12"), d(Some(1985), 4, 12));
        assert_eq!(parse_date("1985/4/12"), d(Some(1985), 4, 12));
        assert_eq!(parse_date("1985年4月12日"), d(Some(1985), 4, 12));
        assert_eq!(parse_date("昭和60年4月12日"), d(Some(1985), 4, 12));
        assert_eq!(parse_date("平成元年1月8日"), d(Some(1989), 1, 8));
        assert_eq!(parse_date("19850412"), d(Some(1985), 4, 12));
        assert_eq!(parse_date("--04-12"), d(None, 4, 12));
        assert_eq!(parse_date("4/12/1985"), d(Some(1985), 4, 12));
        assert_eq!(parse_date("4月12日"), d(None, 4, 12));
        assert_eq!(parse_date("いつか"), None);
        assert_eq!(parse_date("1985-02-30"), None);
    }

    #[test]
    fn formula_cells_are_guarded_and_the_guard_comes_off_again() {
        for (value, written) in [
            ("=1+2", "'=1+2"),
            ("+81 90-1234-5678", "'+81 90-1234-5678"),
            ("-5", "'-5"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=cmd", "'\t=cmd"),
            ("\r=cmd", "'\r=cmd"),
            ("'=kept", "''=kept"),
            ("''+two", "'''+two"),
            ("'plain", "'plain"),
            ("'", "'"),
            ("03-1234-5678", "03-1234-5678"),
            ("山田 = 先生", "山田 = 先生"),
            ("", ""),
        ] {
            assert_eq!(with_formula_guard(value.to_owned()), written, "{value:?}");
            assert_eq!(without_formula_guard(written), value, "{written:?}");
        }
    }

    #[test]
    fn an_export_is_never_wider_than_a_customer_may_be() {
        use crate::customer::{MAX_ADDRESSES, MAX_PHONES};
        // A customer stored before the caps, with 50,000 numbers.
        let widths = CsvWidths::new(50_000, 0, MAX_ADDRESSES + 1);
        assert_eq!(
            widths,
            CsvWidths {
                phones: MAX_PHONES,
                emails: 1,
                addresses: MAX_ADDRESSES
            }
        );
        let p = CustomerProfile {
            phones: (0..50_000)
                .map(|n| Phone {
                    label: String::new(),
                    number: n.to_string(),
                })
                .collect(),
            ..CustomerProfile::default()
        };
        assert_eq!(row(&p, widths).len(), header(widths).len());
    }

    #[test]
    fn layouts_are_recognised_by_their_headers() {
        let h = |s: &str| s.split(',').map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(
            guess_preset(&h(
                "First Name,Middle Name,Last Name,Phonetic First Name,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value"
            )),
            CsvPreset::Google
        );
        assert_eq!(
            guess_preset(&h(
                "Name,Given Name,Additional Name,Family Name,Yomi Name,E-mail 1 - Type,E-mail 1 - Value"
            )),
            CsvPreset::GoogleLegacy
        );
        assert_eq!(
            guess_preset(&h(
                "First Name,Middle Name,Last Name,Company,Business Street,Mobile Phone,E-mail Address"
            )),
            CsvPreset::Outlook
        );
        assert_eq!(
            guess_preset(&h(
                "First Name,Last Name,URL,Email Address,Company,Position,Connected On"
            )),
            CsvPreset::Linkedin
        );
        assert_eq!(
            guess_preset(&h(
                "姓,名,姓(よみ),名(よみ),郵便番号,都道府県,住所1,電話番号"
            )),
            CsvPreset::Japanese
        );
        assert_eq!(guess_preset(&h("foo,bar")), CsvPreset::Custom);
    }
}
