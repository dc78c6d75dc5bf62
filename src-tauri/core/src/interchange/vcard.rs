//! vCard 2.1, 3.0 and 4.0 in, 4.0 and 3.0 out, through calcard. The file
//! is cut into cards first, so each problem names its card and line and a
//! broken card does not take the rest with it.
//!
//! Reading follows what phones and address books actually write: readings
//! in `X-PHONETIC-*`, `SORT-STRING`, `X-FURIGANA-*` or (old Japanese phones)
//! `SOUND;X-IRMC-N`; Apple's `itemN.X-ABLabel` labels, `X-ABDATE` and
//! `X-ABRELATEDNAMES`; anniversaries from Outlook and Evolution; yearless
//! birthdays. Whatever has no field is kept in the customer's extras.
//! Kizuna's own fields travel as `X-KIZUNA-*`, so an export read back gives
//! the same customers.

use std::collections::HashSet;

use base64::Engine;
use calcard::Entry;
use calcard::common::IanaString;
use calcard::common::PartialDateTime;
use calcard::vcard::{
    VCard, VCardEntry, VCardParameter, VCardParameterName, VCardParameterValue, VCardProperty,
    VCardType, VCardValue, VCardVersion,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use super::text::{TextEncoding, decode};
use super::{
    ImportProblem, ImportProblemCode, Incoming, Progress, ReadFile, excerpt, on_two_cores, step,
};
use crate::calendar::PartialDate;
use crate::customer::{
    Address, ContactChannel, CustomerProfile, Email, Extra, FamilyMember, ImportantDate,
    ImportantDateKind, Phone, Source, UNKNOWN_LANGUAGE_EXTRA, language_from_text,
};
use crate::domain::kana;
use crate::error::Result;
use crate::ladder::Stage;
use crate::reminder::DraftLanguage;

/// Which vCard version to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum VcardVersion {
    /// vCard 4.0 (RFC 6350): current address books.
    V4,
    /// vCard 3.0 (RFC 2426): older phones and programs.
    V3,
}

/// A card's text and the line it starts on.
struct Chunk<'a> {
    line: u32,
    text: &'a str,
}

/// Cuts a file into cards at `BEGIN:VCARD` / `END:VCARD` (a 2.1 card may
/// hold another in its AGENT, so nesting is counted). Text outside any card
/// and a card that never ends are reported.
fn cards<'a>(text: &'a str, problems: &mut Vec<ImportProblem>) -> Vec<Chunk<'a>> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start: Option<(usize, u32)> = None;
    let mut stray: Option<(u32, String)> = None;
    let mut offset = 0usize;
    for (n, raw) in text.split_inclusive('\n').enumerate() {
        let line = u32::try_from(n + 1).unwrap_or(u32::MAX);
        let trimmed = raw.trim().trim_start_matches('\u{feff}');
        // A line starting with a space or tab continues the one before
        // (an AGENT's card folded into its value, say).
        if raw.starts_with([' ', '\t']) {
            offset += raw.len();
            continue;
        }
        if trimmed.eq_ignore_ascii_case("BEGIN:VCARD") {
            if depth == 0 {
                start = Some((offset, line));
            }
            depth += 1;
        } else if trimmed.eq_ignore_ascii_case("END:VCARD") && depth > 0 {
            depth -= 1;
            if depth == 0
                && let Some((from, first)) = start.take()
            {
                out.push(Chunk {
                    line: first,
                    text: &text[from..offset + raw.len()],
                });
            }
        } else if depth == 0 && !trimmed.is_empty() && stray.is_none() {
            stray = Some((line, trimmed.to_owned()));
        }
        offset += raw.len();
    }
    if let Some((from, first)) = start {
        problems.push(ImportProblem {
            record: u32::try_from(out.len() + 1).unwrap_or(u32::MAX),
            line: first,
            excerpt: excerpt(&text[from..]),
            code: ImportProblemCode::Unterminated,
            detail: String::new(),
            limit: None,
        });
    }
    if let Some((line, text)) = stray {
        problems.push(ImportProblem {
            record: 0,
            line,
            excerpt: excerpt(&text),
            code: ImportProblemCode::Malformed,
            detail: String::new(),
            limit: None,
        });
    }
    out
}

/// A card with more lines than this is not parsed at all. Kizuna's caps
/// (50 phones, 200 tags, 500 other details…) come to about a thousand
/// lines, even with Apple's label line beside each value; the parser holds
/// every line of a card at once, so a card of millions of lines would
/// take gigabytes before any cap could be checked.
const MAX_CARD_LINES: usize = 5_000;

/// The list a card holds too many of, and its cap, when the card has more
/// lines than [`MAX_CARD_LINES`]; counted on the text, before parsing. A
/// line starting with a space or tab continues the one before, and so
/// does one after a quoted-printable soft break (`=` at the end).
fn overfull(card: &str) -> Option<(&'static str, usize)> {
    use crate::customer::{MAX_ADDRESSES, MAX_EMAILS, MAX_PHONES};
    let mut lists = [
        ("TEL", "phones", MAX_PHONES, 0usize),
        ("EMAIL", "emails", MAX_EMAILS, 0),
        ("ADR", "addresses", MAX_ADDRESSES, 0),
    ];
    let mut lines = 0usize;
    let mut soft_break = false;
    for line in card.lines() {
        let continued = soft_break || line.starts_with([' ', '\t']);
        soft_break = line.trim_end().ends_with('=');
        if continued {
            continue;
        }
        lines += 1;
        let name = line.split([';', ':']).next().unwrap_or_default();
        let name = name.rsplit('.').next().unwrap_or(name);
        if let Some(list) = lists.iter_mut().find(|l| name.eq_ignore_ascii_case(l.0)) {
            list.3 += 1;
        }
    }
    if lines <= MAX_CARD_LINES {
        return None;
    }
    Some(
        lists
            .iter()
            .find(|(_, _, cap, count)| count > cap)
            .map_or(("lines", MAX_CARD_LINES), |(_, field, cap, _)| {
                (*field, *cap)
            }),
    )
}

/// Reads every card in `bytes`. Labels for phones, e-mails and addresses
/// are written in `language` (携帯 / mobile).
pub fn read(
    bytes: &[u8],
    encoding: TextEncoding,
    language: DraftLanguage,
    progress: Progress<'_>,
) -> Result<(ReadFile, TextEncoding)> {
    ReadFile::gathered(|take| read_in_batches(bytes, encoding, language, progress, take))
}

/// [`read`], handing the cards to `take` a batch at a time, in file
/// order: an import then holds one batch of parsed contacts rather than
/// the whole file's (a parsed contact is several times its card's size).
/// The first batch also carries the problems found between the cards.
pub fn read_in_batches(
    bytes: &[u8],
    encoding: TextEncoding,
    language: DraftLanguage,
    progress: Progress<'_>,
    take: &mut dyn FnMut(ReadFile) -> Result<()>,
) -> Result<TextEncoding> {
    let decoded = decode(bytes, encoding);
    let mut between = ReadFile::default();
    let chunks = cards(&decoded.text, &mut between.problems);
    between.unreadable = u32::try_from(
        between
            .problems
            .iter()
            .filter(|p| p.code == ImportProblemCode::Unterminated)
            .count(),
    )
    .unwrap_or(0);
    let total = chunks.len() as u64;
    let mut progress = progress;
    let mut batches = chunks.chunks(super::READ_BATCH).enumerate().peekable();
    if batches.peek().is_none() {
        take(std::mem::take(&mut between))?;
    }
    for (n, batch) in batches {
        let before = n * super::READ_BATCH;
        let mut file = std::mem::take(&mut between);
        let numbered: Vec<(usize, &Chunk<'_>)> = batch
            .iter()
            .enumerate()
            .map(|(i, c)| (before + i, c))
            .collect();
        let parsed = on_two_cores(
            numbered,
            |(i, chunk)| parse(i, chunk, language),
            &mut |done, _| progress(before as u64 + done, total),
        )?;
        for result in parsed {
            match result {
                Ok((incoming, dropped)) => {
                    for name in dropped {
                        file.problems.push(ImportProblem::of(
                            &incoming,
                            ImportProblemCode::Dropped,
                            name,
                        ));
                    }
                    file.contacts.push(incoming);
                }
                Err(problem) => {
                    file.unreadable += 1;
                    file.problems.push(problem);
                }
            }
        }
        take(file)?;
    }
    step(&mut progress, total, total)?;
    Ok(decoded.encoding)
}

/// The `i`th card (from 0) as a contact, with the names of values too
/// large to keep, or the problem that leaves it unread.
fn parse(
    i: usize,
    chunk: &Chunk<'_>,
    language: DraftLanguage,
) -> std::result::Result<(Incoming, Vec<String>), ImportProblem> {
    let mut incoming = Incoming {
        record: u32::try_from(i + 1).unwrap_or(u32::MAX),
        line: chunk.line,
        excerpt: excerpt(chunk.text),
        uid: None,
        referred_by_uid: None,
        from_kizuna: false,
        profile: CustomerProfile::default(),
    };
    if let Some((field, limit)) = overfull(chunk.text) {
        return Err(ImportProblem::too_many(&incoming, field, limit));
    }
    match calcard::Parser::new(chunk.text).entry() {
        Entry::VCard(card) => {
            let dropped = fill(&mut incoming, &card, language);
            Ok((incoming, dropped))
        }
        _ => Err(ImportProblem::of(
            &incoming,
            ImportProblemCode::Malformed,
            "",
        )),
    }
}

/// Apple's custom labels come as `_$!<Mobile>!$_` for its own and as typed
/// text for the user's.
fn apple_label(label: &str) -> String {
    label
        .strip_prefix("_$!<")
        .and_then(|l| l.strip_suffix(">!$_"))
        .unwrap_or(label)
        .to_owned()
}

fn text_values(entry: &VCardEntry) -> Vec<String> {
    entry
        .values
        .iter()
        .map(|v| match v {
            VCardValue::Text(t) => t.clone(),
            VCardValue::Component(parts) => parts.join(","),
            VCardValue::Integer(n) => n.to_string(),
            VCardValue::Float(f) => f.to_string(),
            VCardValue::Boolean(b) => b.to_string(),
            VCardValue::PartialDateTime(d) => partial_text(d),
            VCardValue::Binary(data) => data_url(data.content_type.as_deref(), &data.data),
            VCardValue::Sex(sex) => sex.as_str().to_owned(),
            VCardValue::GramGender(gender) => gender.as_str().to_owned(),
            VCardValue::Kind(kind) => kind.as_str().to_owned(),
        })
        .collect()
}

fn first_text(entry: &VCardEntry) -> String {
    text_values(entry).into_iter().next().unwrap_or_default()
}

fn data_url(content_type: Option<&str>, bytes: &[u8]) -> String {
    format!(
        "data:{};base64,{}",
        content_type.unwrap_or("application/octet-stream"),
        base64::engine::general_purpose::STANDARD.encode(bytes)
    )
}

/// A date as text, however partial (kept aside when it is not a whole day).
fn partial_text(d: &PartialDateTime) -> String {
    let year = d.year.map_or_else(|| "-".to_owned(), |y| format!("{y:04}"));
    let month = d
        .month
        .map_or_else(|| "-".to_owned(), |m| format!("{m:02}"));
    let day = d.day.map_or_else(String::new, |day| format!("-{day:02}"));
    format!("{year}-{month}{day}")
}

/// The `TYPE`s of a property, lower case (`cell`, `home`, `pref`…).
fn types(entry: &VCardEntry) -> Vec<String> {
    let mut out = Vec::new();
    for p in &entry.params {
        let word = match (&p.name, &p.value) {
            (VCardParameterName::Type, VCardParameterValue::Type(t)) => t.as_str().to_owned(),
            (VCardParameterName::Type, VCardParameterValue::Text(t)) => t.clone(),
            // vCard 2.1 writes bare types: `TEL;CELL;VOICE:`.
            (VCardParameterName::Other(name), VCardParameterValue::Null) => name.clone(),
            _ => continue,
        };
        out.extend(word.split(',').map(|w| w.trim().to_ascii_lowercase()));
    }
    out
}

fn param_text(entry: &VCardEntry, name: &str) -> Option<String> {
    entry.params.iter().find_map(|p| match (&p.name, &p.value) {
        (VCardParameterName::Other(n), VCardParameterValue::Text(v))
            if n.eq_ignore_ascii_case(name) =>
        {
            Some(v.clone())
        }
        (VCardParameterName::Other(n), VCardParameterValue::Integer(v))
            if n.eq_ignore_ascii_case(name) =>
        {
            Some(v.to_string())
        }
        _ => None,
    })
}

/// What a phone, e-mail or address is labelled in the user's language.
fn label_for(kinds: &[String], language: DraftLanguage) -> String {
    let has = |k: &str| kinds.iter().any(|t| t == k);
    let (ja, en) = if has("fax") {
        if has("home") {
            ("自宅FAX", "home fax")
        } else if has("work") {
            ("会社FAX", "work fax")
        } else {
            ("FAX", "fax")
        }
    } else if has("cell") || has("mobile") || has("iphone") {
        ("携帯", "mobile")
    } else if has("pager") {
        ("ポケベル", "pager")
    } else if has("main") || has("main-number") {
        ("代表", "main")
    } else if has("home") {
        ("自宅", "home")
    } else if has("work") {
        ("会社", "work")
    } else if has("other") {
        ("その他", "other")
    } else {
        ("", "")
    };
    match language {
        DraftLanguage::Ja => ja.to_owned(),
        DraftLanguage::En => en.to_owned(),
    }
}

/// The `TYPE`s to write for a label, so other programs file it right.
fn types_for(label: &str) -> Vec<VCardType> {
    let l = label.to_lowercase();
    let mut out = Vec::new();
    if l.contains("fax") || l.contains("ファックス") {
        out.push(VCardType::Fax);
    }
    if l.contains("携帯") || l.contains("mobile") || l.contains("cell") {
        out.push(VCardType::Cell);
    }
    if l.contains("自宅") || l.contains("home") || l.contains("private") {
        out.push(VCardType::Home);
    }
    if l.contains("会社") || l.contains("勤務") || l.contains("work") || l.contains("office") {
        out.push(VCardType::Work);
    }
    if l.contains("ポケベル") || l.contains("pager") {
        out.push(VCardType::Pager);
    }
    out
}

/// Splits "山田 太郎" or "Ada Lovelace" into (family, given) when a card
/// has only a formatted name.
fn split_formatted(name: &str) -> (String, String) {
    let name = name.trim();
    let japanese = name.chars().any(crate::kana::is_japanese_script);
    let parts: Vec<&str> = name.split_whitespace().collect();
    match parts.as_slice() {
        [] => (String::new(), String::new()),
        [only] => ((*only).to_owned(), String::new()),
        [first, rest @ ..] if japanese => ((*first).to_owned(), rest.join(" ")),
        [init @ .., last] => ((*last).to_owned(), init.join(" ")),
    }
}

/// Readings are kept as the user would type them: full-width, and a
/// phone's half-width katakana (ﾔﾏﾀﾞ) made whole (ヤマダ).
fn reading(text: &str) -> String {
    text.nfkc().collect::<String>().trim().to_owned()
}

fn date_of(entry: &VCardEntry) -> Option<PartialDate> {
    // Apple marks a birthday without a year with the year 1604.
    let omit_year = param_text(entry, "X-APPLE-OMIT-YEAR").and_then(|y| y.parse::<u16>().ok());
    let (year, month, day) = match entry.values.first()? {
        VCardValue::PartialDateTime(d) => (d.year, d.month?, d.day?),
        VCardValue::Text(t) => parse_date_text(t)?,
        _ => return None,
    };
    let year = year
        .filter(|y| Some(*y) != omit_year && *y >= 1900)
        .map(i32::from);
    let date = PartialDate::new(year, u32::from(month), u32::from(day));
    date.is_valid().then_some(date)
}

/// `1985-04-12`, `19850412`, `--0412`, `--04-12`, `1985-04-12T00:00:00Z`.
fn parse_date_text(text: &str) -> Option<(Option<u16>, u8, u8)> {
    let text = text.trim();
    let date = text.split('T').next().unwrap_or(text);
    if let Some(rest) = date.strip_prefix("--") {
        let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
        if digits.len() != 4 {
            return None;
        }
        return Some((None, digits[..2].parse().ok()?, digits[2..].parse().ok()?));
    }
    let digits: String = date.chars().filter(char::is_ascii_digit).collect();
    if digits.len() != 8 || date.chars().any(|c| !c.is_ascii_digit() && c != '-') {
        return None;
    }
    Some((
        Some(digits[..4].parse().ok()?),
        digits[4..6].parse().ok()?,
        digits[6..].parse().ok()?,
    ))
}

fn date_text(date: &PartialDate) -> String {
    match date.year {
        Some(y) => format!("{y:04}-{:02}-{:02}", date.month, date.day),
        None => format!("--{:02}-{:02}", date.month, date.day),
    }
}

/// Kizuna's own family member and date entries (JSON in an `X-KIZUNA-*`).
#[derive(Serialize, Deserialize)]
struct KizunaFamily {
    name: String,
    #[serde(default)]
    reading: String,
    #[serde(default)]
    relation: String,
    #[serde(default)]
    birthday: Option<String>,
    #[serde(default)]
    notes: String,
}

#[derive(Serialize, Deserialize)]
struct KizunaDate {
    kind: ImportantDateKind,
    #[serde(default)]
    label: String,
    date: String,
}

fn partial_from_text(text: &str) -> Option<PartialDate> {
    let (year, month, day) = parse_date_text(text)?;
    let date = PartialDate::new(year.map(i32::from), u32::from(month), u32::from(day));
    date.is_valid().then_some(date)
}

/// Relations named by Apple's labels and Evolution's properties.
fn relation_of(label: &str, language: DraftLanguage) -> String {
    let l = apple_label(label).to_lowercase();
    let (ja, en) = match l.as_str() {
        "spouse" | "wife" | "husband" | "partner" => ("配偶者", "spouse"),
        "child" | "son" | "daughter" => ("子", "child"),
        "mother" => ("母", "mother"),
        "father" => ("父", "father"),
        "parent" => ("親", "parent"),
        "brother" | "sister" | "sibling" => ("兄弟姉妹", "sibling"),
        _ => return apple_label(label),
    };
    match language {
        DraftLanguage::Ja => ja.to_owned(),
        DraftLanguage::En => en.to_owned(),
    }
}

/// Properties that describe the file rather than the customer.
fn is_file_metadata(name: &VCardProperty) -> bool {
    matches!(
        name,
        VCardProperty::Begin
            | VCardProperty::End
            | VCardProperty::Version
            | VCardProperty::Prodid
            | VCardProperty::Rev
    )
}

/// The year Apple writes for "no year" (it is a leap year, so 29 February fits).
const APPLE_NO_YEAR: i32 = 1604;

/// An extra's value above this is dropped (and reported), not kept.
const EXTRA_LIMIT: usize = 2_000_000;

/// Fills `incoming` from a parsed card; returns the properties too large to keep.
fn fill(incoming: &mut Incoming, card: &VCard, language: DraftLanguage) -> Vec<String> {
    let p = &mut incoming.profile;
    let mut dropped = Vec::new();
    let mut formatted = String::new();
    let mut has_name = false;
    let mut kind_org = false;
    let mut notes: Vec<String> = Vec::new();
    let mut sort_string = String::new();
    // However many categories a card lists, each is looked up once.
    let mut tags_seen: HashSet<String> = HashSet::new();
    let written_by_kizuna = card
        .entries
        .iter()
        .any(|e| matches!(&e.name, VCardProperty::Other(n) if n.to_ascii_uppercase().starts_with("X-KIZUNA-")));
    incoming.from_kizuna = written_by_kizuna;
    let has_adr = card.entries.iter().any(|e| e.name == VCardProperty::Adr);
    // Apple's labels belong to the property in the same group.
    let group_label = |group: &Option<String>| -> Option<String> {
        let group = group.as_deref()?;
        card.entries.iter().find_map(|e| match &e.name {
            VCardProperty::Other(n)
                if n.eq_ignore_ascii_case("X-ABLabel")
                    && e.group
                        .as_deref()
                        .is_some_and(|g| g.eq_ignore_ascii_case(group)) =>
            {
                Some(apple_label(&first_text(e)))
            }
            _ => None,
        })
    };
    let labelled_groups: Vec<String> = card
        .entries
        .iter()
        .filter(|e| {
            matches!(
                &e.name,
                VCardProperty::Tel | VCardProperty::Email | VCardProperty::Adr
            ) || matches!(&e.name, VCardProperty::Other(n)
                if n.eq_ignore_ascii_case("X-ABDATE") || n.eq_ignore_ascii_case("X-ABRELATEDNAMES"))
        })
        .filter_map(|e| e.group.as_ref().map(|g| g.to_ascii_lowercase()))
        .collect();
    let mut keep = |name: &str, value: String, extras: &mut Vec<Extra>| {
        if value.trim().is_empty() {
            return;
        }
        if value.len() > EXTRA_LIMIT {
            dropped.push(name.to_owned());
            return;
        }
        extras.push(Extra {
            name: name.to_owned(),
            value,
        });
    };

    for entry in &card.entries {
        let label = || {
            group_label(&entry.group)
                .filter(|l| !l.is_empty())
                .unwrap_or_else(|| label_for(&types(entry), language))
        };
        match &entry.name {
            name if is_file_metadata(name) => {}
            VCardProperty::N => {
                let parts = text_values(entry);
                let part = |i: usize| parts.get(i).map(|s| s.trim().to_owned()).unwrap_or_default();
                p.family_name = part(0);
                p.given_name = [part(1), part(2).replace(',', " ")]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
                has_name = !p.family_name.is_empty() || !p.given_name.is_empty();
                let honorifics = [part(3), part(4)]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
                if !honorifics.is_empty() {
                    keep("N-PREFIX-SUFFIX", honorifics, &mut p.extras);
                }
            }
            VCardProperty::Fn => formatted = first_text(entry),
            VCardProperty::Kind => {
                kind_org = text_values(entry)
                    .first()
                    .is_some_and(|k| k.eq_ignore_ascii_case("org"))
                    || matches!(entry.values.first(), Some(VCardValue::Kind(calcard::vcard::VCardKind::Org)));
            }
            VCardProperty::Org => {
                p.company = text_values(entry)
                    .into_iter()
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
            }
            VCardProperty::Title => p.title = first_text(entry).trim().to_owned(),
            VCardProperty::Tel => {
                let number = first_text(entry).trim().to_owned();
                let label = match label() {
                    // A number with no type says what it is by its prefix.
                    untyped if untyped.is_empty() && kana::is_mobile(&number) => {
                        label_for(&["cell".to_owned()], language)
                    }
                    typed => kana::phone_label(&typed, &number),
                };
                p.phones.push(Phone { label, number });
            }
            VCardProperty::Email => p.emails.push(Email {
                label: label(),
                address: first_text(entry).trim().to_owned(),
            }),
            VCardProperty::Adr => {
                let parts = text_values(entry);
                let part = |i: usize| parts.get(i).map(|s| s.trim().to_owned()).unwrap_or_default();
                p.addresses.push(Address {
                    label: label(),
                    postal_code: part(5),
                    region: part(4),
                    locality: part(3),
                    street: part(2),
                    extended: [part(0), part(1)]
                        .into_iter()
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                        .join(" "),
                    country: part(6),
                });
            }
            // A formatted address repeats an ADR; alone, it is the address.
            VCardProperty::Other(n) if n.eq_ignore_ascii_case("LABEL") => {
                if !has_adr {
                    p.addresses.push(Address {
                        label: label(),
                        street: first_text(entry).trim().to_owned(),
                        ..Address::default()
                    });
                }
            }
            VCardProperty::Bday => match date_of(entry) {
                Some(date) => p.birthday = Some(date),
                None => keep("BDAY", first_text(entry), &mut p.extras),
            },
            // Kizuna's own export mirrors its first anniversary for other
            // programs; its X-KIZUNA-DATE entries are what it reads back.
            VCardProperty::Anniversary if written_by_kizuna => {}
            VCardProperty::Anniversary => match date_of(entry) {
                Some(date) => p.important_dates.push(ImportantDate {
                    kind: ImportantDateKind::Anniversary,
                    label: String::new(),
                    date,
                }),
                None => keep("ANNIVERSARY", first_text(entry), &mut p.extras),
            },
            VCardProperty::Note => notes.push(first_text(entry)),
            VCardProperty::Categories => {
                for tag in text_values(entry) {
                    for tag in tag.split(',') {
                        let tag = tag.trim();
                        if !tag.is_empty() && tags_seen.insert(tag.to_owned()) {
                            p.tags.push(tag.to_owned());
                        }
                    }
                }
            }
            VCardProperty::Uid => {
                let uid = first_text(entry).trim().to_owned();
                if !uid.is_empty() {
                    incoming.uid = Some(uid);
                }
            }
            // Old Japanese phones keep the name's reading in SOUND;X-IRMC-N.
            VCardProperty::Sound
                if entry.params.iter().any(|p| {
                    matches!(&p.name, VCardParameterName::Other(n) if n.eq_ignore_ascii_case("X-IRMC-N"))
                }) =>
            {
                let joined = text_values(entry).join(";");
                let mut parts = joined.split(';').map(reading);
                let family = parts.next().unwrap_or_default();
                let given = parts.next().unwrap_or_default();
                if p.family_name_reading.is_empty() {
                    p.family_name_reading = family;
                }
                if p.given_name_reading.is_empty() {
                    p.given_name_reading = given;
                }
            }
            VCardProperty::Related if !written_by_kizuna => {
                let kinds = types(entry);
                let name = first_text(entry);
                let relation = kinds
                    .iter()
                    .find(|k| !matches!(k.as_str(), "pref"))
                    .map(|k| relation_of(k, language))
                    .unwrap_or_default();
                if name.starts_with("urn:") || name.contains("://") {
                    keep("RELATED", name, &mut p.extras);
                } else {
                    p.family_members.push(FamilyMember {
                        name,
                        reading: String::new(),
                        relation,
                        birthday: None,
                        notes: String::new(),
                    });
                }
            }
            VCardProperty::Other(name) => {
                let upper = name.to_ascii_uppercase();
                let value = first_text(entry);
                match upper.as_str() {
                    "X-PHONETIC-LAST-NAME" => p.family_name_reading = reading(&value),
                    "X-PHONETIC-FIRST-NAME" => p.given_name_reading = reading(&value),
                    "X-PHONETIC-MIDDLE-NAME" => {
                        let middle = reading(&value);
                        if !middle.is_empty() {
                            p.given_name_reading = format!("{} {middle}", p.given_name_reading)
                                .trim()
                                .to_owned();
                        }
                    }
                    n if n.starts_with("X-FURIGANA") => {
                        if n.contains("LAST") || n.contains("FAMILY") {
                            p.family_name_reading = reading(&value);
                        } else if n.contains("FIRST") || n.contains("GIVEN") {
                            p.given_name_reading = reading(&value);
                        } else {
                            sort_string = value;
                        }
                    }
                    "SORT-STRING" => sort_string = value,
                    "X-ABLABEL"
                        if entry
                            .group
                            .as_ref()
                            .is_some_and(|g| labelled_groups.contains(&g.to_ascii_lowercase())) => {}
                    "X-ABDATE" => {
                        let label = group_label(&entry.group).unwrap_or_default();
                        match date_of(entry) {
                            Some(date) if label.eq_ignore_ascii_case("anniversary") => {
                                p.important_dates.push(ImportantDate {
                                    kind: ImportantDateKind::Anniversary,
                                    label: String::new(),
                                    date,
                                });
                            }
                            Some(date) => p.important_dates.push(ImportantDate {
                                kind: ImportantDateKind::Custom,
                                label,
                                date,
                            }),
                            None => keep("X-ABDATE", value, &mut p.extras),
                        }
                    }
                    "X-ANNIVERSARY" | "X-MS-ANNIVERSARY" | "X-EVOLUTION-ANNIVERSARY"
                        if !written_by_kizuna =>
                    {
                        match date_of(entry) {
                            Some(date) => p.important_dates.push(ImportantDate {
                                kind: ImportantDateKind::Anniversary,
                                label: String::new(),
                                date,
                            }),
                            None => keep(&upper, value, &mut p.extras),
                        }
                    }
                    "X-ABRELATEDNAMES" | "X-SPOUSE" | "X-EVOLUTION-SPOUSE" | "X-MS-SPOUSE"
                        if !written_by_kizuna =>
                    {
                        let relation = match upper.as_str() {
                            "X-ABRELATEDNAMES" => {
                                relation_of(&group_label(&entry.group).unwrap_or_default(), language)
                            }
                            _ => relation_of("spouse", language),
                        };
                        p.family_members.push(FamilyMember {
                            name: value,
                            reading: String::new(),
                            relation,
                            birthday: None,
                            notes: String::new(),
                        });
                    }
                    "X-ANNIVERSARY" | "X-ABRELATEDNAMES" | "X-SPOUSE" => {}
                    "X-KIZUNA-LIKES" => p.likes = value,
                    "X-KIZUNA-MET-HOW" => p.met_how = value,
                    "X-KIZUNA-MET-ON" => {
                        match NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d") {
                            Ok(day) => p.met_on = Some(day),
                            Err(_) => keep(&upper, value, &mut p.extras),
                        }
                    }
                    "X-KIZUNA-SOURCE" => match Source::parse(value.trim()) {
                        Some(source) => p.source = source,
                        None => keep(&upper, value, &mut p.extras),
                    },
                    "X-KIZUNA-CHANNEL" => match ContactChannel::parse(value.trim()) {
                        Some(channel) => p.preferred_channel = channel,
                        None => keep(&upper, value, &mut p.extras),
                    },
                    "X-KIZUNA-DO-NOT-CONTACT" => {
                        p.do_not_contact = value.trim().eq_ignore_ascii_case("true");
                    }
                    "X-KIZUNA-OFF-PHONE" => {
                        p.keep_off_phone = value.trim().eq_ignore_ascii_case("true");
                    }
                    "X-KIZUNA-QUIET-UNTIL" => {
                        match NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d") {
                            Ok(day) => p.quiet_until = Some(day),
                            Err(_) => keep(&upper, value, &mut p.extras),
                        }
                    }
                    "X-KIZUNA-CADENCE" => match value.trim().parse() {
                        Ok(days) => p.cadence_days = Some(days),
                        Err(_) => keep(&upper, value, &mut p.extras),
                    },
                    "X-KIZUNA-HONORIFIC" => p.honorific = value,
                    "X-KIZUNA-TOPIC" => p.topic = value,
                    "X-KIZUNA-LANGUAGE" => match language_from_text(&value) {
                        Some(language) => p.message_language = Some(language),
                        None => keep(UNKNOWN_LANGUAGE_EXTRA, value, &mut p.extras),
                    },
                    "X-KIZUNA-STAGE" => match Stage::from_name(value.trim()) {
                        Some(stage) => p.stage = stage,
                        None => keep(&upper, value, &mut p.extras),
                    },
                    "X-KIZUNA-REFERRED-BY" => {
                        let uid = value.trim();
                        if !uid.is_empty() {
                            incoming.referred_by_uid = Some(uid.to_owned());
                        }
                    }
                    "X-KIZUNA-FAMILY" => match serde_json::from_str::<KizunaFamily>(&value) {
                        Ok(member) => p.family_members.push(FamilyMember {
                            name: member.name,
                            reading: member.reading,
                            relation: member.relation,
                            birthday: member.birthday.as_deref().and_then(partial_from_text),
                            notes: member.notes,
                        }),
                        Err(_) => keep(&upper, value, &mut p.extras),
                    },
                    "X-KIZUNA-DATE" => match serde_json::from_str::<KizunaDate>(&value)
                        .ok()
                        .and_then(|d| Some((d.kind, d.label, partial_from_text(&d.date)?)))
                    {
                        Some((kind, label, date)) => {
                            p.important_dates.push(ImportantDate { kind, label, date });
                        }
                        None => keep(&upper, value, &mut p.extras),
                    },
                    "X-KIZUNA-EXTRA" => {
                        let name = param_text(entry, "NAME").unwrap_or_else(|| upper.clone());
                        keep(&name, value, &mut p.extras);
                    }
                    _ => {
                        for value in text_values(entry) {
                            keep(name, value, &mut p.extras);
                        }
                    }
                }
            }
            // Everything else has no field here: kept as it came.
            other => {
                let name = other.as_str().to_owned();
                for value in text_values(entry) {
                    keep(&name, value, &mut p.extras);
                }
            }
        }
    }
    // A company's card names the company in FN.
    let names_company = formatted.trim() == p.company;
    if !has_name && !formatted.trim().is_empty() && !names_company {
        if kind_org && p.company.is_empty() {
            p.company = formatted.trim().to_owned();
        } else if !kind_org {
            let (family, given) = split_formatted(&formatted);
            p.family_name = family;
            p.given_name = given;
        }
    }
    // SORT-STRING reads the whole name: family and given when spaced.
    if p.family_name_reading.is_empty() && !sort_string.trim().is_empty() {
        let whole = reading(&sort_string);
        let mut parts = whole.splitn(2, char::is_whitespace);
        p.family_name_reading = parts.next().unwrap_or_default().to_owned();
        if p.given_name_reading.is_empty() {
            p.given_name_reading = parts.next().unwrap_or_default().trim().to_owned();
        }
    }
    p.notes = notes
        .into_iter()
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    dropped
}

/// A customer as an export writes it.
pub struct Card<'a> {
    pub uid: &'a str,
    pub profile: &'a CustomerProfile,
    /// The UID of whoever introduced them.
    pub referred_by_uid: Option<&'a str>,
}

fn text_entry(name: VCardProperty, value: impl Into<String>) -> VCardEntry {
    VCardEntry::new(name).with_value(VCardValue::Text(value.into()))
}

fn x_entry(name: &str, value: impl Into<String>) -> VCardEntry {
    text_entry(VCardProperty::Other(name.to_owned()), value)
}

fn date_value(date: &PartialDate) -> VCardValue {
    VCardValue::PartialDateTime(PartialDateTime {
        year: date.year.and_then(|y| u16::try_from(y).ok()),
        month: u8::try_from(date.month).ok(),
        day: u8::try_from(date.day).ok(),
        ..PartialDateTime::default()
    })
}

/// Adds the label's `TYPE`s, and the exact label in Apple's grouped
/// `X-ABLabel` when the types alone would not give it back.
fn labelled(
    mut entry: VCardEntry,
    label: &str,
    group: &mut u32,
    language: DraftLanguage,
    out: &mut Vec<VCardEntry>,
) {
    let kinds = types_for(label);
    for kind in &kinds {
        entry.add_param(VCardParameter::new(
            VCardParameterName::Type,
            VCardParameterValue::Type(kind.clone()),
        ));
    }
    let words: Vec<String> = kinds
        .iter()
        .map(|k| k.as_str().to_ascii_lowercase())
        .collect();
    if !label.is_empty() && label_for(&words, language) != label {
        *group += 1;
        let name = format!("item{group}");
        entry = entry.with_group(Some(name.clone()));
        out.push(entry);
        out.push(x_entry("X-ABLabel", label).with_group(Some(name)));
    } else {
        out.push(entry);
    }
}

/// Writes one customer as a vCard. `language` is the one labels were read
/// in, so that a label comes back exactly as it was.
pub fn write(card: &Card<'_>, version: VcardVersion, language: DraftLanguage, out: &mut String) {
    let p = card.profile;
    let mut entries = Vec::with_capacity(24);
    let mut group = 0u32;
    entries.push(text_entry(VCardProperty::Uid, card.uid));
    let display = crate::kana::display_name(&p.family_name, &p.given_name, &p.company);
    entries.push(text_entry(VCardProperty::Fn, display));
    entries.push(
        VCardEntry::new(VCardProperty::N).with_values(
            [p.family_name.as_str(), p.given_name.as_str(), "", "", ""]
                .iter()
                .map(|s| VCardValue::Text((*s).to_owned()))
                .collect(),
        ),
    );
    if !p.family_name_reading.is_empty() {
        entries.push(x_entry(
            "X-PHONETIC-LAST-NAME",
            p.family_name_reading.clone(),
        ));
    }
    if !p.given_name_reading.is_empty() {
        entries.push(x_entry(
            "X-PHONETIC-FIRST-NAME",
            p.given_name_reading.clone(),
        ));
    }
    if !p.company.is_empty() {
        entries.push(text_entry(VCardProperty::Org, p.company.clone()));
    }
    if !p.title.is_empty() {
        entries.push(text_entry(VCardProperty::Title, p.title.clone()));
    }
    for phone in &p.phones {
        let entry = text_entry(VCardProperty::Tel, phone.number.clone());
        labelled(entry, &phone.label, &mut group, language, &mut entries);
    }
    for email in &p.emails {
        let entry = text_entry(VCardProperty::Email, email.address.clone());
        labelled(entry, &email.label, &mut group, language, &mut entries);
    }
    for a in &p.addresses {
        let entry = VCardEntry::new(VCardProperty::Adr).with_values(
            [
                "",
                a.extended.as_str(),
                &a.street,
                &a.locality,
                &a.region,
                &a.postal_code,
                &a.country,
            ]
            .iter()
            .map(|s| VCardValue::Text((*s).to_owned()))
            .collect(),
        );
        labelled(entry, &a.label, &mut group, language, &mut entries);
    }
    if let Some(birthday) = &p.birthday {
        let entry = match (version, birthday.year) {
            // vCard 3.0 has no yearless date; address books agree on Apple's
            // way of writing one: the year 1604, marked as left out.
            (VcardVersion::V3, None) => VCardEntry::new(VCardProperty::Bday)
                .with_value(date_value(&PartialDate::new(
                    Some(APPLE_NO_YEAR),
                    birthday.month,
                    birthday.day,
                )))
                .with_param(VCardParameter::new(
                    VCardParameterName::Other("X-APPLE-OMIT-YEAR".to_owned()),
                    VCardParameterValue::Text(APPLE_NO_YEAR.to_string()),
                )),
            _ => VCardEntry::new(VCardProperty::Bday).with_value(date_value(birthday)),
        };
        entries.push(entry);
    }
    // Other programs see the first anniversary; Kizuna reads its own list.
    if let Some(first) = p
        .important_dates
        .iter()
        .find(|d| d.kind == ImportantDateKind::Anniversary)
    {
        match version {
            VcardVersion::V4 => entries.push(
                VCardEntry::new(VCardProperty::Anniversary).with_value(date_value(&first.date)),
            ),
            VcardVersion::V3 => entries.push(x_entry("X-ANNIVERSARY", date_text(&first.date))),
        }
    }
    for d in &p.important_dates {
        let json = serde_json::to_string(&KizunaDate {
            kind: d.kind,
            label: d.label.clone(),
            date: date_text(&d.date),
        })
        .unwrap_or_default();
        entries.push(x_entry("X-KIZUNA-DATE", json));
    }
    for m in &p.family_members {
        let json = serde_json::to_string(&KizunaFamily {
            name: m.name.clone(),
            reading: m.reading.clone(),
            relation: m.relation.clone(),
            birthday: m.birthday.as_ref().map(date_text),
            notes: m.notes.clone(),
        })
        .unwrap_or_default();
        entries.push(x_entry("X-KIZUNA-FAMILY", json));
    }
    if !p.tags.is_empty() {
        entries.push(
            VCardEntry::new(VCardProperty::Categories)
                .with_values(p.tags.iter().map(|t| VCardValue::Text(t.clone())).collect()),
        );
    }
    if !p.notes.is_empty() {
        entries.push(text_entry(VCardProperty::Note, p.notes.clone()));
    }
    let own: [(&str, String); 12] = [
        ("X-KIZUNA-LIKES", p.likes.clone()),
        ("X-KIZUNA-MET-HOW", p.met_how.clone()),
        (
            "X-KIZUNA-MET-ON",
            p.met_on.map(|d| d.to_string()).unwrap_or_default(),
        ),
        ("X-KIZUNA-SOURCE", p.source.as_str().to_owned()),
        ("X-KIZUNA-CHANNEL", p.preferred_channel.as_str().to_owned()),
        (
            "X-KIZUNA-DO-NOT-CONTACT",
            if p.do_not_contact { "TRUE" } else { "" }.to_owned(),
        ),
        (
            "X-KIZUNA-OFF-PHONE",
            if p.keep_off_phone { "TRUE" } else { "" }.to_owned(),
        ),
        (
            "X-KIZUNA-QUIET-UNTIL",
            p.quiet_until.map(|d| d.to_string()).unwrap_or_default(),
        ),
        (
            "X-KIZUNA-CADENCE",
            p.cadence_days.map(|d| d.to_string()).unwrap_or_default(),
        ),
        ("X-KIZUNA-HONORIFIC", p.honorific.clone()),
        ("X-KIZUNA-TOPIC", p.topic.clone()),
        ("X-KIZUNA-LANGUAGE", p.language().as_str().to_owned()),
    ];
    for (name, value) in own {
        if !value.is_empty() {
            entries.push(x_entry(name, value));
        }
    }
    entries.push(x_entry("X-KIZUNA-STAGE", p.stage.name()));
    if let Some(uid) = card.referred_by_uid {
        entries.push(x_entry("X-KIZUNA-REFERRED-BY", uid));
    }
    for extra in &p.extras {
        let valid_name = !extra.name.is_empty()
            && extra
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !matches!(
                extra.name.to_ascii_uppercase().as_str(),
                "BEGIN" | "END" | "VERSION"
            );
        if valid_name {
            entries.push(x_entry(&extra.name, extra.value.clone()));
        } else {
            entries.push(x_entry("X-KIZUNA-EXTRA", extra.value.clone()).with_param(
                VCardParameter::new(
                    VCardParameterName::Other("NAME".to_owned()),
                    VCardParameterValue::Text(extra.name.clone()),
                ),
            ));
        }
    }
    let vcard = VCard { entries };
    let version = match version {
        VcardVersion::V4 => VCardVersion::V4_0,
        VcardVersion::V3 => VCardVersion::V3_0,
    };
    // Writing into a String cannot fail.
    let _ = vcard.write_to(out, version);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_in_the_forms_address_books_write() {
        assert_eq!(parse_date_text("1985-04-12"), Some((Some(1985), 4, 12)));
        assert_eq!(parse_date_text("19850412"), Some((Some(1985), 4, 12)));
        assert_eq!(parse_date_text("--0412"), Some((None, 4, 12)));
        assert_eq!(parse_date_text("--04-12"), Some((None, 4, 12)));
        assert_eq!(
            parse_date_text("1985-04-12T00:00:00Z"),
            Some((Some(1985), 4, 12))
        );
        assert_eq!(parse_date_text("circa 1800"), None);
    }

    #[test]
    fn formatted_names_split_by_script() {
        assert_eq!(
            split_formatted("山田 太郎"),
            ("山田".to_owned(), "太郎".to_owned())
        );
        assert_eq!(
            split_formatted("Ada King Lovelace"),
            ("Lovelace".to_owned(), "Ada King".to_owned())
        );
        assert_eq!(split_formatted("林"), ("林".to_owned(), String::new()));
    }
}
