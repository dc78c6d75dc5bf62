//! Planning and writing an import. Each contact read from a file is first
//! admitted (checked like the form checks, with values that cannot be taken
//! as they are kept aside in the customer's extras), then matched with the
//! book — by vCard UID, then e-mail address, then phone number — and merged
//! into what is there without losing anything the salesperson wrote. The
//! plan is what the preview shows; writing it is one transaction, taken
//! after a backup, so an import lands whole or not at all. Importing the
//! same file again finds every contact unchanged.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::text::TextEncoding;
use super::{ImportProblem, ImportProblemCode, Incoming, Progress, ReadFile, on_two_cores, step};
use crate::domain::clock::Clock;
use crate::domain::customer::{self, CustomerProfile, Extra, LIMIT_NAME, LIMIT_TAG};
use crate::domain::kana;
use crate::domain::ladder::Stage;
use crate::domain::search::documents;
use crate::error::{FieldError, FieldErrorCode, Result};
use crate::store::search::DeferredIndex;
use crate::store::{Store, contacts, customers, identities, referrals};

/// What the import will do with a contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ImportAction {
    New,
    Update,
    Unchanged,
}

/// Which parts of a customer an update changes, for the preview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ChangedPart {
    Name,
    Reading,
    Company,
    Phones,
    Emails,
    Addresses,
    Birthday,
    Dates,
    Family,
    Notes,
    Tags,
    Extras,
    /// Kizuna's own fields from one of its exports: stage, source, wishes…
    Relationship,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PreviewRow {
    pub record: u32,
    pub display_name: String,
    pub action: ImportAction,
    pub changes: Vec<ChangedPart>,
    /// The import could not tell who this is: one of several customers it
    /// matches (the first is updated), or a customer it matches only
    /// weakly (it is added as new). The pairs go to the Duplicates view.
    pub to_review: bool,
}

/// What an import will do, before anything is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportPreview {
    /// Cards or rows read.
    pub read: u32,
    pub new: u32,
    pub updated: u32,
    pub unchanged: u32,
    /// Contacts that appear again further down the file, merged into the first.
    pub repeated: u32,
    /// Contacts the import could not tell apart from customers in the
    /// book (see [`PreviewRow::to_review`]).
    pub to_review: u32,
    /// Cards or rows that cannot be imported (see `problems`).
    pub skipped: u32,
    /// Every problem, in file order (values kept aside included).
    pub problems: Vec<ImportProblem>,
    /// New and updated contacts first, then unchanged ones, in file order.
    pub rows: Vec<PreviewRow>,
    /// What the file was read as.
    pub encoding: TextEncoding,
}

/// The preview lists at most this many contacts (and counts all).
const PREVIEW_ROWS: usize = 500;
/// And at most this many problems.
const PREVIEW_PROBLEMS: usize = 2_000;

/// A value kept packed (postcard) while an import waits to be written: a
/// parsed contact takes several times its packed size in memory (some 25
/// strings and lists, each its own allocation), and a big import holds
/// 100,000 of them from its preview to its write.
#[derive(Debug, Clone)]
struct Packed<T> {
    bytes: Box<[u8]>,
    of: std::marker::PhantomData<fn() -> T>,
}

impl<T: Serialize + serde::de::DeserializeOwned> Packed<T> {
    fn pack(value: &T) -> Result<Self> {
        let bytes = postcard::to_stdvec(value)
            .map_err(|e| crate::error::Error::Internal(format!("packing an import: {e}")))?;
        Ok(Packed {
            bytes: bytes.into_boxed_slice(),
            of: std::marker::PhantomData,
        })
    }

    fn unpack(&self) -> Result<T> {
        postcard::from_bytes(&self.bytes)
            .map_err(|e| crate::error::Error::Internal(format!("unpacking an import: {e}")))
    }
}

#[derive(Debug, Clone)]
enum Step {
    New {
        uid: Option<String>,
        profile: Packed<CustomerProfile>,
        referred_by_uid: Option<String>,
        /// Customers it may be, for the Duplicates view.
        leads: Vec<i64>,
        /// The file's records it was made of.
        records: Vec<u32>,
    },
    Update {
        id: i64,
        profile: Packed<CustomerProfile>,
        referred_by_uid: Option<String>,
    },
}

impl Step {
    fn profile(&self) -> &Packed<CustomerProfile> {
        match self {
            Step::New { profile, .. } | Step::Update { profile, .. } => profile,
        }
    }
}

/// An import ready to write: built by [`Store::plan_import`].
#[derive(Debug, Clone)]
pub struct ImportPlan {
    steps: Vec<Step>,
    /// Customers a contact matched together (one person in the book more
    /// than once), for the Duplicates view.
    leads: Vec<(i64, i64)>,
    /// The records matched with customers already in the book: `(record,
    /// customer)`.
    matched: Vec<(u32, i64)>,
    pub preview: ImportPreview,
}

/// What writing an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportSummary {
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub skipped: u32,
    /// Contacts left to the Duplicates view with those they may be.
    pub to_review: u32,
    /// The copy of the store taken just before.
    pub backup: Option<String>,
}

/// Checks a contact as the form would. A value that cannot be taken as it
/// is goes to the customer's extras (and is reported); a contact with no
/// name and no company at all cannot be imported.
fn admit(
    incoming: &mut Incoming,
    today: NaiveDate,
    problems: &mut Vec<ImportProblem>,
) -> std::result::Result<(), ImportProblem> {
    let p = &mut incoming.profile;
    if p.family_name.trim().is_empty()
        && p.given_name.trim().is_empty()
        && p.company.trim().is_empty()
    {
        let stand_in = p
            .emails
            .iter()
            .map(|e| e.address.trim())
            .chain(p.phones.iter().map(|ph| ph.number.trim()))
            .find(|s| !s.is_empty())
            .map(str::to_owned);
        match stand_in {
            Some(name) => {
                p.family_name = name;
                problems.push(ImportProblem::of(
                    incoming,
                    ImportProblemCode::NamedFromContact,
                    "",
                ));
            }
            None => return Err(ImportProblem::of(incoming, ImportProblemCode::NoName, "")),
        }
    }
    // A language Kizuna does not write in was kept aside when read.
    if incoming.profile.message_language.is_none()
        && incoming
            .profile
            .extras
            .iter()
            .any(|e| e.name == customer::UNKNOWN_LANGUAGE_EXTRA)
    {
        problems.push(ImportProblem::of(
            incoming,
            ImportProblemCode::KeptAside,
            "message_language",
        ));
    }
    for _ in 0..4 {
        match customer::check(incoming.profile.clone(), today) {
            Ok(profile) => {
                incoming.profile = profile;
                return Ok(());
            }
            Err(errors) => {
                // Too many phones, tags… to hold: the contact is reported
                // and left out, never imported with some of them cut off.
                let mut over = errors
                    .iter()
                    .filter(|e| e.code == FieldErrorCode::TooMany)
                    .map(|e| too_many(incoming, e));
                if let Some(first) = over.next() {
                    problems.extend(over);
                    return Err(first);
                }
                if errors
                    .iter()
                    .any(|e| e.field == "family_name" && e.code == FieldErrorCode::Required)
                {
                    return Err(ImportProblem::of(incoming, ImportProblemCode::NoName, ""));
                }
                let mut moved = false;
                let mut removals: HashMap<&'static str, Vec<usize>> = HashMap::new();
                for error in &errors {
                    let (root, index) = split_field(&error.field);
                    let kept = set_aside(&mut incoming.profile, root, index, &mut removals);
                    match kept {
                        Aside::Kept(root) => {
                            moved = true;
                            problems.push(ImportProblem::of(
                                incoming,
                                ImportProblemCode::KeptAside,
                                root,
                            ));
                        }
                        Aside::Dropped(root) => {
                            moved = true;
                            problems.push(ImportProblem::of(
                                incoming,
                                ImportProblemCode::Dropped,
                                root,
                            ));
                        }
                        Aside::Nothing => {}
                    }
                }
                remove_marked(&mut incoming.profile, removals);
                if !moved {
                    let field = errors.first().map(|e| e.field.clone()).unwrap_or_default();
                    return Err(ImportProblem::of(
                        incoming,
                        ImportProblemCode::Malformed,
                        field,
                    ));
                }
            }
        }
    }
    Err(ImportProblem::of(
        incoming,
        ImportProblemCode::Malformed,
        "",
    ))
}

fn too_many(incoming: &Incoming, error: &FieldError) -> ImportProblem {
    let limit = error.limit.and_then(|l| usize::try_from(l).ok());
    ImportProblem::too_many(incoming, error.field.clone(), limit.unwrap_or(0))
}

/// `phones.2.number` → (`phones`, Some(2)).
fn split_field(field: &str) -> (&str, Option<usize>) {
    let mut parts = field.split('.');
    let root = parts.next().unwrap_or_default();
    (root, parts.next().and_then(|i| i.parse().ok()))
}

enum Aside {
    Kept(&'static str),
    Dropped(&'static str),
    Nothing,
}

fn extra(p: &mut CustomerProfile, name: &str, value: String) {
    if !value.trim().is_empty() && !p.extras.iter().any(|e| e.name == name && e.value == value) {
        p.extras.push(Extra {
            name: name.to_owned(),
            value,
        });
    }
}

fn truncated(text: &str, limit: usize) -> String {
    text.chars().take(limit).collect()
}

/// Moves the value a field error names into the extras. List items are
/// only marked here and removed together afterwards, so indexes hold.
fn set_aside(
    p: &mut CustomerProfile,
    root: &str,
    index: Option<usize>,
    removals: &mut HashMap<&'static str, Vec<usize>>,
) -> Aside {
    let mut mark = |list: &'static str, i: usize| {
        let marked = removals.entry(list).or_default();
        if marked.contains(&i) {
            false
        } else {
            marked.push(i);
            true
        }
    };
    match (root, index) {
        ("family_name", _) => {
            extra(p, "FAMILY-NAME", p.family_name.clone());
            p.family_name = truncated(&p.family_name, LIMIT_NAME);
            Aside::Kept("family_name")
        }
        ("given_name", _) => {
            extra(p, "GIVEN-NAME", p.given_name.clone());
            p.given_name = truncated(&p.given_name, LIMIT_NAME);
            Aside::Kept("given_name")
        }
        ("company", _) => {
            extra(p, "ORG", p.company.clone());
            p.company = truncated(&p.company, LIMIT_NAME);
            Aside::Kept("company")
        }
        ("title", _) => {
            let value = std::mem::take(&mut p.title);
            extra(p, "TITLE", value);
            Aside::Kept("title")
        }
        ("family_name_reading", _) => {
            let value = std::mem::take(&mut p.family_name_reading);
            extra(p, "X-PHONETIC-LAST-NAME", value);
            Aside::Kept("family_name_reading")
        }
        ("given_name_reading", _) => {
            let value = std::mem::take(&mut p.given_name_reading);
            extra(p, "X-PHONETIC-FIRST-NAME", value);
            Aside::Kept("given_name_reading")
        }
        ("phones", Some(i)) => match p.phones.get(i).cloned() {
            Some(phone) if mark("phones", i) => {
                let value = if phone.label.is_empty() {
                    phone.number
                } else {
                    format!("{}: {}", phone.label, phone.number)
                };
                extra(p, "TEL", value);
                Aside::Kept("phones")
            }
            _ => Aside::Nothing,
        },
        ("emails", Some(i)) => match p.emails.get(i).cloned() {
            Some(email) if mark("emails", i) => {
                extra(p, "EMAIL", email.address);
                Aside::Kept("emails")
            }
            _ => Aside::Nothing,
        },
        ("addresses", Some(i)) => match p.addresses.get(i).cloned() {
            Some(a) if mark("addresses", i) => {
                let parts = [
                    a.postal_code,
                    a.region,
                    a.locality,
                    a.street,
                    a.extended,
                    a.country,
                ];
                let text = parts
                    .iter()
                    .filter(|s| !s.is_empty())
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" ");
                extra(p, "ADR", text);
                Aside::Kept("addresses")
            }
            _ => Aside::Nothing,
        },
        ("birthday", _) => match p.birthday.take() {
            Some(date) => {
                extra(p, "BDAY", partial_text(&date));
                Aside::Kept("birthday")
            }
            None => Aside::Nothing,
        },
        ("important_dates", Some(i)) => match p.important_dates.get(i).cloned() {
            Some(d) if mark("important_dates", i) => {
                extra(
                    p,
                    "ANNIVERSARY",
                    format!("{} {}", d.label, partial_text(&d.date))
                        .trim()
                        .to_owned(),
                );
                Aside::Kept("important_dates")
            }
            _ => Aside::Nothing,
        },
        ("family_members", Some(i)) => match p.family_members.get(i).cloned() {
            Some(m) if mark("family_members", i) => {
                extra(
                    p,
                    "RELATED",
                    format!("{} {}", m.relation, m.name).trim().to_owned(),
                );
                Aside::Kept("family_members")
            }
            _ => Aside::Nothing,
        },
        ("likes", _) => {
            let value = std::mem::take(&mut p.likes);
            extra(p, "X-KIZUNA-LIKES", value);
            Aside::Kept("likes")
        }
        ("notes", _) => {
            let value = std::mem::take(&mut p.notes);
            extra(p, "NOTE", value);
            Aside::Kept("notes")
        }
        ("met_how", _) => {
            let value = std::mem::take(&mut p.met_how);
            extra(p, "X-KIZUNA-MET-HOW", value);
            Aside::Kept("met_how")
        }
        ("met_on", _) => match p.met_on.take() {
            Some(day) => {
                extra(p, "X-KIZUNA-MET-ON", day.to_string());
                Aside::Kept("met_on")
            }
            None => Aside::Nothing,
        },
        ("honorific", _) => {
            let value = std::mem::take(&mut p.honorific);
            extra(p, "X-KIZUNA-HONORIFIC", value);
            Aside::Kept("honorific")
        }
        ("topic", _) => {
            let value = std::mem::take(&mut p.topic);
            extra(p, "X-KIZUNA-TOPIC", value);
            Aside::Kept("topic")
        }
        ("cadence_days", _) => match p.cadence_days.take() {
            Some(days) => {
                extra(p, "X-KIZUNA-CADENCE", days.to_string());
                Aside::Kept("cadence_days")
            }
            None => Aside::Nothing,
        },
        ("tags", _) => {
            let (long, short): (Vec<String>, Vec<String>) = std::mem::take(&mut p.tags)
                .into_iter()
                .partition(|t| t.trim().chars().count() > LIMIT_TAG);
            p.tags = short;
            if long.is_empty() {
                return Aside::Nothing;
            }
            extra(p, "CATEGORIES", long.join(", "));
            Aside::Kept("tags")
        }
        ("extras", Some(i)) if mark("extras", i) => Aside::Dropped("extras"),
        ("extras", None) => {
            p.extras.truncate(500);
            Aside::Dropped("extras")
        }
        _ => Aside::Nothing,
    }
}

fn remove_marked(p: &mut CustomerProfile, removals: HashMap<&'static str, Vec<usize>>) {
    for (list, mut indexes) in removals {
        indexes.sort_unstable_by(|a, b| b.cmp(a));
        for i in indexes {
            match list {
                "phones" if i < p.phones.len() => {
                    p.phones.remove(i);
                }
                "emails" if i < p.emails.len() => {
                    p.emails.remove(i);
                }
                "addresses" if i < p.addresses.len() => {
                    p.addresses.remove(i);
                }
                "important_dates" if i < p.important_dates.len() => {
                    p.important_dates.remove(i);
                }
                "family_members" if i < p.family_members.len() => {
                    p.family_members.remove(i);
                }
                "extras" if i < p.extras.len() => {
                    p.extras.remove(i);
                }
                _ => {}
            }
        }
    }
}

fn partial_text(d: &crate::domain::calendar::PartialDate) -> String {
    match d.year {
        Some(y) => format!("{y:04}-{:02}-{:02}", d.month, d.day),
        None => format!("--{:02}-{:02}", d.month, d.day),
    }
}

fn lower(text: &str) -> String {
    text.trim().to_lowercase()
}

/// Phone numbers this short (an extension, 110) match nothing.
const MATCHING_DIGITS: usize = 6;

fn phone_key(number: &str) -> Option<String> {
    let digits = kana::digits(number);
    (digits.len() >= MATCHING_DIGITS).then_some(digits)
}

/// Merges what a file says into what the book holds, losing nothing the
/// salesperson wrote: names and dates follow the file; phones, e-mails,
/// addresses, dates, family, tags and extras are added to; notes are
/// appended. Kizuna's own fields follow the file only when it is one of
/// Kizuna's exports (`from_kizuna`).
fn merge(
    existing: &CustomerProfile,
    incoming: &CustomerProfile,
    from_kizuna: bool,
) -> CustomerProfile {
    let mut m = existing.clone();
    let take = |target: &mut String, value: &str| {
        if !value.trim().is_empty() {
            value.clone_into(target);
        }
    };
    take(&mut m.family_name, &incoming.family_name);
    take(&mut m.given_name, &incoming.given_name);
    take(&mut m.family_name_reading, &incoming.family_name_reading);
    take(&mut m.given_name_reading, &incoming.given_name_reading);
    take(&mut m.company, &incoming.company);
    take(&mut m.title, &incoming.title);
    for phone in &incoming.phones {
        let digits = kana::digits(&phone.number);
        if !m.phones.iter().any(|p| kana::digits(&p.number) == digits) {
            m.phones.push(phone.clone());
        }
    }
    for email in &incoming.emails {
        if !m
            .emails
            .iter()
            .any(|e| lower(&e.address) == lower(&email.address))
        {
            m.emails.push(email.clone());
        }
    }
    for address in &incoming.addresses {
        if !m.addresses.contains(address) {
            m.addresses.push(address.clone());
        }
    }
    if incoming.birthday.is_some() {
        m.birthday = incoming.birthday;
    }
    for date in &incoming.important_dates {
        if !m.important_dates.contains(date) {
            m.important_dates.push(date.clone());
        }
    }
    for member in &incoming.family_members {
        if !m
            .family_members
            .iter()
            .any(|f| f.name == member.name && f.relation == member.relation)
        {
            m.family_members.push(member.clone());
        }
    }
    let append = |target: &mut String, value: &str| {
        let value = value.trim();
        if value.is_empty() || target.contains(value) {
            return;
        }
        if target.trim().is_empty() {
            value.clone_into(target);
        } else {
            target.push_str("\n\n");
            target.push_str(value);
        }
    };
    append(&mut m.notes, &incoming.notes);
    for tag in &incoming.tags {
        if !m.tags.iter().any(|t| lower(t) == lower(tag)) {
            m.tags.push(tag.clone());
        }
    }
    for extra in &incoming.extras {
        if !m.extras.contains(extra) {
            m.extras.push(extra.clone());
        }
    }
    if from_kizuna {
        m.likes.clone_from(&incoming.likes);
        m.met_how.clone_from(&incoming.met_how);
        m.met_on = incoming.met_on;
        m.source = incoming.source;
        m.preferred_channel = incoming.preferred_channel;
        m.do_not_contact = incoming.do_not_contact;
        m.keep_off_phone = incoming.keep_off_phone;
        m.quiet_until = incoming.quiet_until;
        m.cadence_days = incoming.cadence_days;
        m.honorific.clone_from(&incoming.honorific);
        m.topic.clone_from(&incoming.topic);
        if incoming.message_language.is_some() {
            m.message_language = incoming.message_language;
        }
        m.stage = incoming.stage;
    } else {
        append(&mut m.likes, &incoming.likes);
        append(&mut m.met_how, &incoming.met_how);
    }
    m
}

fn changes(before: &CustomerProfile, after: &CustomerProfile) -> Vec<ChangedPart> {
    let mut out = Vec::new();
    let mut check = |changed: bool, part: ChangedPart| {
        if changed {
            out.push(part);
        }
    };
    check(
        before.family_name != after.family_name || before.given_name != after.given_name,
        ChangedPart::Name,
    );
    check(
        before.family_name_reading != after.family_name_reading
            || before.given_name_reading != after.given_name_reading,
        ChangedPart::Reading,
    );
    check(
        before.company != after.company || before.title != after.title,
        ChangedPart::Company,
    );
    check(before.phones != after.phones, ChangedPart::Phones);
    check(before.emails != after.emails, ChangedPart::Emails);
    check(before.addresses != after.addresses, ChangedPart::Addresses);
    check(before.birthday != after.birthday, ChangedPart::Birthday);
    check(
        before.important_dates != after.important_dates,
        ChangedPart::Dates,
    );
    check(
        before.family_members != after.family_members,
        ChangedPart::Family,
    );
    check(
        before.notes != after.notes
            || before.likes != after.likes
            || before.met_how != after.met_how,
        ChangedPart::Notes,
    );
    check(before.tags != after.tags, ChangedPart::Tags);
    check(before.extras != after.extras, ChangedPart::Extras);
    check(
        before.stage != after.stage
            || before.source != after.source
            || before.preferred_channel != after.preferred_channel
            || before.do_not_contact != after.do_not_contact
            || before.keep_off_phone != after.keep_off_phone
            || before.quiet_until != after.quiet_until
            || before.cadence_days != after.cadence_days
            || before.honorific != after.honorific
            || before.topic != after.topic
            || before.message_language != after.message_language
            || before.met_on != after.met_on,
        ChangedPart::Relationship,
    );
    out
}

/// A person's name and company, folded for comparing.
type NameKey = (String, String);

/// A name folded for comparing: NFKC, lower case, no spaces.
fn name_key(family: &str, given: &str, company: &str) -> NameKey {
    let fold = |s: &str| -> String {
        use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};
        let kept = |c: &char| !c.is_whitespace();
        if is_nfkc_quick(s.chars()) == IsNormalized::Yes {
            s.chars()
                .filter(kept)
                .flat_map(char::to_lowercase)
                .collect()
        } else {
            s.nfkc().filter(kept).flat_map(char::to_lowercase).collect()
        }
    };
    (format!("{}{}", fold(family), fold(given)), fold(company))
}

/// Whether two contacts sharing an e-mail address or a phone number may be
/// the same person: a household shares a landline, a shop an address, and
/// those are different customers. Their names must agree, unless one of
/// them has none.
fn same_person(a: &NameKey, b: &NameKey) -> bool {
    match (a.0.is_empty(), b.0.is_empty()) {
        (false, false) => a.0 == b.0,
        _ => a.1.is_empty() || b.1.is_empty() || a.1 == b.1,
    }
}

fn incoming_key(incoming: &Incoming) -> NameKey {
    let p = &incoming.profile;
    name_key(&p.family_name, &p.given_name, &p.company)
}

/// What the book already holds that the file's contacts could match: read
/// in a few queries for the whole file rather than several per contact.
#[derive(Default)]
struct Known {
    by_uid: HashMap<String, i64>,
    /// E-mail addresses of records merged away, in lower case.
    by_email_alias: HashMap<String, i64>,
    by_email: HashMap<String, Vec<(i64, NameKey)>>,
    by_phone: HashMap<String, Vec<(i64, NameKey)>>,
    by_name: HashMap<String, Vec<i64>>,
}

/// A full name as one key: family, given and company, kept apart.
fn full_name(family: &str, given: &str, company: &str) -> String {
    format!("{family}\u{1f}{given}\u{1f}{company}")
}

fn reachable(p: &CustomerProfile) -> bool {
    p.emails.iter().any(|e| !e.address.trim().is_empty())
        || p.phones.iter().any(|ph| phone_key(&ph.number).is_some())
}

impl Known {
    fn load(conn: &Connection, contacts: &[Incoming], book: &mut BookNames) -> Result<Known> {
        let mut known = Known::default();
        let uids: Vec<String> = contacts.iter().filter_map(|c| c.uid.clone()).collect();
        let mut emails: Vec<String> = Vec::new();
        let mut phones: Vec<String> = Vec::new();
        let mut names: Vec<String> = Vec::new();
        for c in contacts {
            let p = &c.profile;
            emails.extend(
                p.emails
                    .iter()
                    .map(|e| e.address.trim().to_owned())
                    .filter(|e| !e.is_empty()),
            );
            phones.extend(p.phones.iter().filter_map(|ph| phone_key(&ph.number)));
            if !reachable(p) {
                names.push(full_name(&p.family_name, &p.given_name, &p.company));
            }
        }
        known.by_uid.extend(contacts::by_uid(conn, &uids)?);
        known
            .by_email_alias
            .extend(contacts::by_email_alias(conn, &emails)?);
        for (address, id, family, given, company) in contacts::by_email(conn, &emails)? {
            let list = known.by_email.entry(lower(&address)).or_default();
            if !list.iter().any(|(other, _)| *other == id) {
                list.push((id, name_key(&family, &given, &company)));
            }
        }
        for (digits, id, family, given, company) in contacts::by_phone(conn, &phones)? {
            let list = known.by_phone.entry(digits).or_default();
            if !list.iter().any(|(other, _)| *other == id) {
                list.push((id, name_key(&family, &given, &company)));
            }
        }
        known.by_name = book.find(conn, names)?;
        Ok(known)
    }

    /// The customer a contact is already in the book as: the same UID (or
    /// one merged into them); else the same e-mail address or phone number
    /// and a name that agrees; else an e-mail address of a record merged
    /// into them; else, for a contact with neither, the only customer of
    /// the same name. Several such customers leave the import unsure which
    /// (it takes the first); only a shared e-mail address or mobile number
    /// under another name leaves it unsure whether.
    fn find(&self, incoming: &Incoming, key: &NameKey) -> Matched {
        if let Some(id) = incoming.uid.as_ref().and_then(|uid| self.by_uid.get(uid)) {
            return Matched::Customer(*id);
        }
        let p = &incoming.profile;
        let by_email = p
            .emails
            .iter()
            .filter_map(|e| self.by_email.get(&lower(&e.address)));
        let by_phone = p
            .phones
            .iter()
            .filter_map(|ph| phone_key(&ph.number).and_then(|d| self.by_phone.get(&d)));
        let mut agreeing: Vec<i64> = Vec::new();
        for (id, _) in by_email
            .chain(by_phone)
            .flat_map(|list| list.iter())
            .filter(|(_, name)| same_person(key, name))
        {
            if !agreeing.contains(id) {
                agreeing.push(*id);
            }
        }
        if let Some((&first, others)) = agreeing.split_first() {
            return if others.is_empty() {
                Matched::Customer(first)
            } else {
                Matched::Several(first, others.to_vec())
            };
        }
        // An address the user already said is this person's, by merging.
        if let Some(id) = p
            .emails
            .iter()
            .find_map(|e| self.by_email_alias.get(&lower(&e.address)))
        {
            return Matched::Customer(*id);
        }
        if reachable(p) {
            // A landline is shared by a household or a shop; an e-mail
            // address or a mobile number is one person's.
            let mut weak: Vec<i64> = Vec::new();
            let personal = p
                .emails
                .iter()
                .filter_map(|e| self.by_email.get(&lower(&e.address)))
                .chain(p.phones.iter().filter_map(|ph| {
                    kana::mobile_number(&ph.number)
                        .and_then(|_| phone_key(&ph.number))
                        .and_then(|d| self.by_phone.get(&d))
                }));
            for (id, _) in personal.flat_map(|list| list.iter()) {
                if !weak.contains(id) {
                    weak.push(*id);
                }
            }
            return if weak.is_empty() {
                Matched::Nobody
            } else {
                Matched::Weakly(weak)
            };
        }
        match self
            .by_name
            .get(&full_name(&p.family_name, &p.given_name, &p.company))
            .map(Vec::as_slice)
        {
            Some([id]) => Matched::Customer(*id),
            Some([first, others @ ..]) => Matched::Several(*first, others.to_vec()),
            _ => Matched::Nobody,
        }
    }
}

/// The book's customers by full name, read the first time an import has a
/// contact with no e-mail address or phone number to match by (see
/// [`contacts::full_names`]) and kept for its later batches: one read of
/// the book per import rather than one per batch.
#[derive(Default)]
struct BookNames(Option<HashMap<String, Vec<i64>>>);

impl BookNames {
    /// The customers of each of `names` that the book holds.
    fn find(&mut self, conn: &Connection, names: Vec<String>) -> Result<HashMap<String, Vec<i64>>> {
        if names.is_empty() {
            return Ok(HashMap::new());
        }
        let all = match &mut self.0 {
            Some(all) => all,
            None => {
                let mut all: HashMap<String, Vec<i64>> = HashMap::new();
                for (name, id) in contacts::full_names(conn)? {
                    all.entry(name).or_default().push(id);
                }
                self.0.insert(all)
            }
        };
        Ok(names
            .into_iter()
            .filter_map(|name| all.get(&name).map(|ids| (name, ids.clone())))
            .collect())
    }
}

/// What the book says about a contact.
enum Matched {
    /// The customer it is.
    Customer(i64),
    /// Several customers it is, as far as the import can tell (one person
    /// in the book more than once): it updates the first, and each pair of
    /// them is left to the Duplicates view. Importing the file again
    /// finds the same ones and adds nobody.
    Several(i64, Vec<i64>),
    /// Customers it may be, only by a shared e-mail address or mobile
    /// number under another name: it is added as new, and each pair is
    /// left to the Duplicates view.
    Weakly(Vec<i64>),
    Nobody,
}

/// Earlier contacts of the same file — the first of each customer the plan
/// writes, by its place in the plan — by what a later one may repeat. The
/// UIDs, e-mail addresses and phone numbers are kept as hashes and a hit is
/// checked against the earlier contact itself: at 100,000 contacts the
/// strings were a quarter of an import's peak.
#[derive(Default)]
struct SeenInFile {
    by_uid: Places,
    by_email: Places,
    by_phone: Places,
    names: Vec<NameHash>,
    uids: Vec<Option<u64>>,
}

/// A [`NameKey`] as hashes (`None` for an empty part): what
/// [`same_person`] asks, answered first without the contact itself.
#[derive(Clone, Copy)]
struct NameHash(Option<u64>, Option<u64>);

impl NameHash {
    fn of(key: &NameKey) -> Self {
        let hash = |part: &str| (!part.is_empty()).then(|| hash_of(part));
        NameHash(hash(&key.0), hash(&key.1))
    }

    fn may_agree(self, other: NameHash) -> bool {
        match (self.0, other.0) {
            (Some(a), Some(b)) => a == b,
            _ => self.1.is_none() || other.1.is_none() || self.1 == other.1,
        }
    }
}

/// Places in the plan by the hash of a key, in the order they were added.
#[derive(Default)]
struct Places {
    first: HashMap<u64, u32>,
    /// Further places under the same hash (a shared landline, say).
    more: HashMap<u64, Vec<u32>>,
}

impl Places {
    fn add(&mut self, key: &str, at: u32) {
        use std::collections::hash_map::Entry;
        let hash = hash_of(key);
        match self.first.entry(hash) {
            Entry::Vacant(first) => {
                first.insert(at);
            }
            Entry::Occupied(_) => self.more.entry(hash).or_default().push(at),
        }
    }

    fn get(&self, key: &str) -> impl Iterator<Item = usize> + '_ {
        let hash = hash_of(key);
        self.first
            .get(&hash)
            .into_iter()
            .chain(self.more.get(&hash).into_iter().flatten())
            .map(|at| *at as usize)
    }
}

fn hash_of(key: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    key.hash(&mut hasher);
    hasher.finish()
}

impl SeenInFile {
    /// The place of the earlier contact `incoming` repeats: the same UID,
    /// else the same e-mail address or phone number under a name that
    /// agrees (two records the file itself tells apart by UID stay apart).
    fn find(
        &self,
        incoming: &Incoming,
        key: &NameKey,
        pending: &[Pending],
    ) -> Result<Option<usize>> {
        let earlier = |at: usize| -> Result<Option<Incoming>> {
            pending
                .get(at)
                .and_then(|p| p.contacts.first())
                .map(Packed::unpack)
                .transpose()
        };
        if let Some(uid) = &incoming.uid {
            for at in self.by_uid.get(uid) {
                if earlier(at)?.is_some_and(|e| e.uid.as_ref() == Some(uid)) {
                    return Ok(Some(at));
                }
            }
        }
        let uid = incoming.uid.as_deref().map(hash_of);
        let name = NameHash::of(key);
        let agrees = |at: usize| {
            let told_apart = matches!(
                (uid, self.uids.get(at).copied().flatten()),
                (Some(a), Some(b)) if a != b
            );
            !told_apart && self.names.get(at).is_some_and(|n| name.may_agree(*n))
        };
        let same = |e: &Incoming| {
            let told_apart = matches!((&incoming.uid, &e.uid), (Some(a), Some(b)) if a != b);
            !told_apart && same_person(key, &incoming_key(e))
        };
        let p = &incoming.profile;
        for address in p.emails.iter().map(|e| lower(&e.address)) {
            for at in self.by_email.get(&address).filter(|at| agrees(*at)) {
                if earlier(at)?.is_some_and(|e| {
                    same(&e)
                        && e.profile
                            .emails
                            .iter()
                            .any(|x| lower(&x.address) == address)
                }) {
                    return Ok(Some(at));
                }
            }
        }
        for digits in p.phones.iter().filter_map(|ph| phone_key(&ph.number)) {
            for at in self.by_phone.get(&digits).filter(|at| agrees(*at)) {
                if earlier(at)?.is_some_and(|e| {
                    same(&e)
                        && e.profile
                            .phones
                            .iter()
                            .any(|x| phone_key(&x.number).as_ref() == Some(&digits))
                }) {
                    return Ok(Some(at));
                }
            }
        }
        Ok(None)
    }

    /// Remembers `incoming` as the first contact at `at` in the plan.
    fn remember(&mut self, incoming: &Incoming, key: &NameKey, at: usize) {
        let place = u32::try_from(at).unwrap_or(u32::MAX);
        if let Some(uid) = &incoming.uid {
            self.by_uid.add(uid, place);
        }
        for e in &incoming.profile.emails {
            self.by_email.add(&lower(&e.address), place);
        }
        for p in &incoming.profile.phones {
            if let Some(digits) = phone_key(&p.number) {
                self.by_phone.add(&digits, place);
            }
        }
        // Places are given in order, one per customer of the plan.
        self.names.push(NameHash::of(key));
        self.uids.push(incoming.uid.as_deref().map(hash_of));
    }
}

impl Store {
    /// Matches what was read with the book and works out what an import
    /// would do, writing nothing. `progress` follows the plan's last part,
    /// merging what was matched; the file was read already.
    pub fn plan_import(
        &self,
        file: ReadFile,
        encoding: TextEncoding,
        clock: &Clock,
        progress: Progress<'_>,
    ) -> Result<ImportPlan> {
        let mut planner = Planner::new(clock.today(), Some(self));
        planner.take(file)?;
        planner.finish(encoding, progress)
    }

    /// Reads a file and plans its import a batch of contacts at a time, so
    /// that neither the file's parsed contacts nor the plan's are ever all
    /// held as they are parsed: `reading` follows the file, `matching` the
    /// plan's last part (merging what was matched with the book).
    pub fn plan_import_file(
        &self,
        bytes: &[u8],
        options: &super::ImportOptions,
        clock: &Clock,
        reading: Progress<'_>,
        matching: Progress<'_>,
    ) -> Result<ImportPlan> {
        let mut planner = Planner::new(clock.today(), Some(self));
        let encoding =
            super::read_in_batches(bytes, options, reading, &mut |batch| planner.take(batch))?;
        planner.finish(encoding, matching)
    }
}

/// The plan an import would make into an empty book: every check and
/// merge of the file's own contacts, with no store to match them against.
/// What the fuzzers drive, at a fraction of a store's cost per file.
pub(super) fn plan_into_empty_book(
    file: ReadFile,
    encoding: TextEncoding,
    today: NaiveDate,
) -> Result<ImportPlan> {
    let mut planner = Planner::new(today, None);
    planner.take(file)?;
    planner.finish(encoding, &mut |_, _| true)
}

/// One customer the import writes: the contacts that make it up, and the
/// customer they are already in the book as.
struct Pending {
    existing: Option<i64>,
    /// Customers it may be, when the import is unsure.
    leads: Vec<i64>,
    contacts: Vec<Packed<Incoming>>,
}

/// An import's plan as it is made: contacts are checked and matched with
/// the book a batch at a time ([`Planner::take`]), each kept packed with
/// the customer it is (or the earlier contact of the file it repeats);
/// [`Planner::finish`] then merges each customer's contacts with what the
/// book holds. `book` is the store the contacts are matched with (none:
/// nobody is in the book yet).
struct Planner<'a> {
    today: NaiveDate,
    book: Option<&'a Store>,
    read: u32,
    problems: Vec<ImportProblem>,
    skipped: u32,
    repeated: u32,
    pending: Vec<Pending>,
    seen: SeenInFile,
    by_existing: HashMap<i64, usize>,
    book_names: BookNames,
}

impl<'a> Planner<'a> {
    fn new(today: NaiveDate, book: Option<&'a Store>) -> Self {
        Planner {
            today,
            book,
            read: 0,
            problems: Vec::new(),
            skipped: 0,
            repeated: 0,
            pending: Vec::new(),
            seen: SeenInFile::default(),
            by_existing: HashMap::new(),
            book_names: BookNames::default(),
        }
    }

    /// Checks a batch of what was read and matches it with the book and
    /// with the file's earlier contacts.
    fn take(&mut self, file: ReadFile) -> Result<()> {
        let ReadFile {
            contacts,
            problems,
            unreadable,
        } = file;
        self.read = self
            .read
            .saturating_add(u32::try_from(contacts.len()).unwrap_or(u32::MAX));
        self.problems.extend(problems);
        self.skipped += unreadable;
        let today = self.today;
        // The reader reports progress and is where a cancel stops.
        let checked = on_two_cores(
            contacts,
            |mut incoming| {
                let mut found = Vec::new();
                let verdict = admit(&mut incoming, today, &mut found);
                (incoming, verdict, found)
            },
            &mut |_, _| true,
        )?;
        let mut admitted: Vec<Incoming> = Vec::with_capacity(checked.len());
        for (incoming, verdict, found) in checked {
            self.problems.extend(found);
            match verdict {
                Ok(()) => admitted.push(incoming),
                Err(problem) => {
                    self.problems.push(problem);
                    self.skipped += 1;
                }
            }
        }
        let known = match self.book {
            Some(store) => Known::load(store.conn(), &admitted, &mut self.book_names)?,
            None => Known::default(),
        };
        for mut incoming in admitted {
            let key = incoming_key(&incoming);
            let (existing, leads) = match known.find(&incoming, &key) {
                Matched::Customer(id) => (Some(id), Vec::new()),
                Matched::Several(id, others) => (Some(id), others),
                Matched::Weakly(ids) => (None, ids),
                Matched::Nobody => (None, Vec::new()),
            };
            // The same contact twice (in the file, or matching the same
            // customer): the second merges into the first.
            let earlier = match self.seen.find(&incoming, &key, &self.pending)? {
                Some(at) => Some(at),
                None => existing.and_then(|id| self.by_existing.get(&id).copied()),
            };
            if let Some(at) = earlier {
                self.problems.push(ImportProblem::of(
                    &incoming,
                    ImportProblemCode::Repeated,
                    "",
                ));
                self.repeated += 1;
                incoming.excerpt = String::new();
                self.pending[at].contacts.push(Packed::pack(&incoming)?);
                continue;
            }
            self.seen.remember(&incoming, &key, self.pending.len());
            // Problems found from here on are about the customer the
            // contacts make together, shown by name (see `finish`): the
            // card's first lines are not kept for 100,000 contacts.
            incoming.excerpt = String::new();
            if let Some(id) = existing {
                self.by_existing.insert(id, self.pending.len());
            }
            self.pending.push(Pending {
                existing,
                leads,
                contacts: vec![Packed::pack(&incoming)?],
            });
        }
        Ok(())
    }

    /// Merges each customer's contacts (with what the book holds of them)
    /// into the steps to write and the preview.
    fn finish(self, encoding: TextEncoding, progress: Progress<'_>) -> Result<ImportPlan> {
        let mut progress = progress;
        let Planner {
            today,
            book,
            read,
            mut problems,
            mut skipped,
            repeated,
            pending,
            ..
        } = self;
        let total = pending.len() as u64;
        let mut steps: Vec<Step> = Vec::with_capacity(pending.len());
        let mut leads: Vec<(i64, i64)> = Vec::new();
        let mut matched: Vec<(u32, i64)> = Vec::new();
        let mut to_review = 0usize;
        // The row each step shows as; `Unchanged` rows are listed after.
        let mut rows: Vec<PreviewRow> = Vec::new();
        let mut quiet_rows: Vec<PreviewRow> = Vec::new();
        let mut counts = [0u32; 3];
        let mut pending = pending.into_iter().peekable();
        let mut done = 0u64;
        while pending.peek().is_some() {
            step(&mut progress, done, total)?;
            let group: Vec<Pending> = pending.by_ref().take(MERGE_BATCH).collect();
            done += group.len() as u64;
            // The customers matched, read a batch at a time.
            let ids: Vec<i64> = group.iter().filter_map(|p| p.existing).collect();
            let mut profiles: HashMap<i64, CustomerProfile> = match book {
                Some(store) if !ids.is_empty() => store
                    .export_profiles(Some(&ids))?
                    .into_iter()
                    .map(|c| (c.id, c.profile))
                    .collect(),
                _ => HashMap::new(),
            };
            for p in group {
                let mut contacts = p.contacts.iter().map(Packed::unpack);
                let Some(mut first) = contacts.next().transpose()? else {
                    continue;
                };
                let name = kana::display_name(
                    &first.profile.family_name,
                    &first.profile.given_name,
                    &first.profile.company,
                );
                first.excerpt = name.clone();
                let mut records = vec![first.record];
                let mut later: Vec<Incoming> = Vec::new();
                for contact in contacts {
                    let contact = contact?;
                    records.push(contact.record);
                    later.push(contact);
                }
                if let Some(id) = p.existing {
                    matched.extend(records.iter().map(|r| (*r, id)));
                }
                let unsure = !p.leads.is_empty();
                to_review += usize::from(unsure);
                let record = first.record;
                let row = |action, changes| PreviewRow {
                    record,
                    display_name: name.clone(),
                    action,
                    changes,
                    to_review: unsure,
                };
                if let Some(id) = p.existing {
                    leads.extend(p.leads.iter().map(|other| (id, *other)));
                }
                let existing = p
                    .existing
                    .and_then(|id| profiles.remove(&id).map(|profile| (id, profile)));
                // The file's contacts merged into what the book holds of
                // them, or into the first of them.
                let merged = match &existing {
                    Some((_, book)) => merge(book, &first.profile, first.from_kizuna),
                    None => first.profile.clone(),
                };
                let merged = later.iter().fold(merged, |merged, contact| {
                    merge(&merged, &contact.profile, contact.from_kizuna)
                });
                // Each record was within the caps; together, or with what
                // the book holds, they may not be: the customer stays as
                // they are.
                let over = customer::over_caps(&merged);
                if !over.is_empty() {
                    problems.extend(over.iter().map(|e| too_many(&first, e)));
                    skipped += 1;
                    continue;
                }
                match existing {
                    None => {
                        counts[0] += 1;
                        if rows.len() < PREVIEW_ROWS {
                            rows.push(row(ImportAction::New, Vec::new()));
                        }
                        steps.push(Step::New {
                            uid: first.uid,
                            profile: Packed::pack(&merged)?,
                            referred_by_uid: first.referred_by_uid,
                            leads: p.leads,
                            records,
                        });
                    }
                    Some((id, existing)) => {
                        let merged = customer::check(merged.clone(), today).unwrap_or(merged);
                        let referrer_changes =
                            first.referred_by_uid.is_some() && existing.referred_by.is_none();
                        let changed = changes(&existing, &merged);
                        if changed.is_empty() && !referrer_changes {
                            counts[2] += 1;
                            if quiet_rows.len() < PREVIEW_ROWS {
                                quiet_rows.push(row(ImportAction::Unchanged, Vec::new()));
                            }
                        } else {
                            counts[1] += 1;
                            if rows.len() < PREVIEW_ROWS {
                                rows.push(row(ImportAction::Update, changed));
                            }
                            steps.push(Step::Update {
                                id,
                                profile: Packed::pack(&merged)?,
                                referred_by_uid: first.referred_by_uid,
                            });
                        }
                    }
                }
            }
        }
        step(&mut progress, total, total)?;
        let to_review = u32::try_from(to_review).unwrap_or(u32::MAX);
        rows.extend(quiet_rows);
        rows.truncate(PREVIEW_ROWS);
        problems.sort_by_key(|p| (p.line, p.record));
        problems.truncate(PREVIEW_PROBLEMS);
        Ok(ImportPlan {
            steps,
            leads,
            matched,
            preview: ImportPreview {
                read,
                new: counts[0],
                updated: counts[1],
                unchanged: counts[2],
                repeated,
                to_review,
                skipped,
                problems,
                rows,
                encoding,
            },
        })
    }
}

/// Customers written (and their search documents worked out) at a time,
/// for an import of `customers`. Each batch's profiles, documents and
/// search postings are held at once, and each batch flushes the search
/// index: the larger the batch, the fewer flushes (1,024 at a time made
/// 100,000 cards 0.5 s slower than 4,096) and the more memory. A small
/// import's peak is its write rather than its plan, so it takes smaller
/// batches (10,000 phone cards as a whole process: 46.6–49.2 MB at 1,024
/// against 57 MB at 4,096, about as fast).
fn write_batch(customers: usize) -> usize {
    (customers / 10).clamp(1_024, 4_096)
}

/// Customers merged with what the book holds of them at a time.
const MERGE_BATCH: usize = 1_024;

impl Store {
    /// Writes a planned import in one transaction, after a backup of the
    /// store. Cancelling (through `progress`) writes nothing.
    pub fn apply_import(
        &mut self,
        plan: ImportPlan,
        clock: &Clock,
        progress: Progress<'_>,
    ) -> Result<ImportSummary> {
        let backup = self.backup_before("import", clock)?;
        Ok(self.write_import(plan, backup, clock, progress)?.0)
    }

    /// [`Store::apply_import`] without the backup (a sync's few new cards
    /// from the phone; the sync itself is the copy of what they were), also
    /// saying which customer each of the file's records became:
    /// `(record, customer)`.
    pub(crate) fn write_import(
        &mut self,
        plan: ImportPlan,
        backup: Option<std::path::PathBuf>,
        clock: &Clock,
        progress: Progress<'_>,
    ) -> Result<(ImportSummary, Vec<(u32, i64)>)> {
        // A big import writes far more pages than it reads again: a cache
        // of its own size, smaller than the connection's, is given back
        // after (see `WRITING_CACHE_KIB`).
        let kept = self.cache_size()?;
        self.set_cache_size(crate::store::WRITING_CACHE_KIB)?;
        let written = self.write_import_steps(plan, backup, clock, progress);
        // The import is written (or not) either way: a cache left small is
        // slower, not wrong.
        if let Err(e) = self.set_cache_size(kept) {
            tracing::warn!(error = %e, "the page cache was not restored after an import");
        }
        written
    }

    fn write_import_steps(
        &mut self,
        plan: ImportPlan,
        backup: Option<std::path::PathBuf>,
        clock: &Clock,
        progress: Progress<'_>,
    ) -> Result<(ImportSummary, Vec<(u32, i64)>)> {
        let mut progress = progress;
        let total = plan.steps.len() as u64;
        let mut tx = self.begin()?;
        let mut referrals: Vec<(i64, String)> = Vec::new();
        // A UID another customer took since the preview (or one repeated)
        // gets a new one.
        let taken = uids_taken(&tx, &plan.steps)?;
        let mut given: std::collections::HashSet<&str> = std::collections::HashSet::new();
        let mut ids: Vec<i64> = Vec::with_capacity(plan.steps.len());
        // A batch at a time: the plan's profiles are unpacked, written and
        // indexed, then let go.
        let batch_size = write_batch(plan.steps.len());
        for (n, batch) in plan.steps.chunks(batch_size).enumerate() {
            step(&mut progress, (n * batch_size) as u64, total)?;
            let profiles = batch
                .iter()
                .map(|s| s.profile().unpack())
                .collect::<Result<Vec<CustomerProfile>>>()?;
            // The search documents are worked out on the other core while
            // this one writes: folding text costs as much as storing it.
            let (written, folded) = std::thread::scope(|scope| -> Result<_> {
                let folding = scope.spawn(|| profiles.iter().map(documents).collect::<Vec<_>>());
                // New customers first, many rows to a statement.
                let new: Vec<(&CustomerProfile, String)> = batch
                    .iter()
                    .zip(&profiles)
                    .filter_map(|(s, profile)| match s {
                        Step::New { uid, .. } => {
                            let uid = match uid {
                                Some(uid) if !taken.contains(uid) && given.insert(uid) => {
                                    uid.clone()
                                }
                                _ => uuid::Uuid::new_v4().to_string(),
                            };
                            Some((profile, uid))
                        }
                        Step::Update { .. } => None,
                    })
                    .collect();
                let mut new_ids: Vec<i64> = Vec::with_capacity(new.len());
                for rows in new.chunks(1024) {
                    new_ids.extend(customers::insert_rows(&mut tx, rows, clock)?);
                }
                let added: Vec<(i64, &CustomerProfile)> = new_ids
                    .iter()
                    .copied()
                    .zip(new.iter().map(|(p, _)| *p))
                    .collect();
                let mut new_ids = new_ids.into_iter();
                let mut written: Vec<i64> = Vec::with_capacity(batch.len());
                for (s, profile) in batch.iter().zip(&profiles) {
                    let (id, referred_by_uid) = match s {
                        Step::New {
                            referred_by_uid, ..
                        } => {
                            let id = new_ids.next().ok_or_else(|| {
                                crate::error::Error::Internal(
                                    "a new customer went missing".to_owned(),
                                )
                            })?;
                            (id, referred_by_uid)
                        }
                        Step::Update {
                            id,
                            referred_by_uid,
                            ..
                        } => {
                            customers::update_unindexed(&mut tx, *id, profile, clock)?;
                            (*id, referred_by_uid)
                        }
                    };
                    written.push(id);
                    if let Some(referrer) = referred_by_uid {
                        referrals.push((id, referrer.clone()));
                    }
                }
                // Every new customer's first stage, phones, e-mails and other parts at once.
                let stages: Vec<(i64, Stage)> =
                    added.iter().map(|(id, p)| (*id, p.stage)).collect();
                customers::record_first_stages(&tx, &stages, clock)?;
                customers::insert_children_many(&mut tx, &added)?;
                let folded = folding.join().map_err(|_| {
                    crate::error::Error::Internal("folding search text failed".to_owned())
                })?;
                Ok((written, folded))
            })?;
            let mut index = DeferredIndex::default();
            for (id, (names, doc)) in written.iter().copied().zip(folded) {
                index.push(id, names, doc);
            }
            index.write(&tx)?;
            ids.extend(written);
        }
        let created = u32::try_from(
            plan.steps
                .iter()
                .filter(|s| matches!(s, Step::New { .. }))
                .count(),
        )
        .unwrap_or(u32::MAX);
        let updated = u32::try_from(plan.steps.len()).unwrap_or(u32::MAX) - created;
        let at = clock.timestamp();
        let mut became = plan.matched.clone();
        for (s, id) in plan.steps.iter().zip(&ids) {
            if let Step::New { leads, records, .. } = s {
                for lead in leads {
                    identities::add_lead(&tx, *id, *lead, at)?;
                }
                became.extend(records.iter().map(|r| (*r, *id)));
            }
        }
        for (first, second) in &plan.leads {
            identities::add_lead(&tx, *first, *second, at)?;
        }
        // Introductions name customers by UID, who may have come in this file.
        for (id, referrer_uid) in referrals {
            let referrer = contacts::by_uid(&tx, std::slice::from_ref(&referrer_uid))?
                .first()
                .map(|(_, referrer)| *referrer);
            let has_referrer = referrals::of_referred(&tx, id)?.is_some();
            if let Some(referrer) = referrer
                && !has_referrer
                && customers::check_referrer(&tx, Some(id), Some(referrer)).is_ok()
            {
                customers::set_referrer(&mut tx, id, Some(referrer), clock)?;
            }
        }
        customers::remove_unused_tags(&tx)?;
        step(&mut progress, total, total)?;
        self.commit(tx)?;
        tracing::info!(created, updated, "import written");
        let summary = ImportSummary {
            created,
            updated,
            unchanged: plan.preview.unchanged,
            skipped: plan.preview.skipped,
            to_review: plan.preview.to_review,
            backup: backup.map(|p| p.display().to_string()),
        };
        Ok((summary, became))
    }
}

/// The UIDs of new customers that the book holds by now.
fn uids_taken(conn: &Connection, steps: &[Step]) -> Result<std::collections::HashSet<String>> {
    let uids: Vec<String> = steps
        .iter()
        .filter_map(|s| match s {
            Step::New { uid: Some(uid), .. } => Some(uid.clone()),
            _ => None,
        })
        .collect();
    Ok(contacts::by_uid(conn, &uids)?
        .into_iter()
        .map(|(uid, _)| uid)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::customer::Email;

    fn contact(record: u32, given: &str, email: &str) -> Incoming {
        Incoming {
            record,
            line: record,
            excerpt: String::new(),
            uid: None,
            referred_by_uid: None,
            from_kizuna: false,
            profile: CustomerProfile {
                family_name: "山田".to_owned(),
                given_name: given.to_owned(),
                emails: vec![Email {
                    label: String::new(),
                    address: email.to_owned(),
                }],
                ..CustomerProfile::default()
            },
        }
    }

    fn planned(contacts: &[&Incoming]) -> Vec<Pending> {
        contacts
            .iter()
            .map(|c| Pending {
                existing: None,
                leads: Vec::new(),
                contacts: vec![Packed::pack(*c).expect("pack")],
            })
            .collect()
    }

    #[test]
    fn an_import_puts_the_page_cache_back_as_it_found_it() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 4).expect("a date");
        let clock = Clock::at_local(chrono_tz::Asia::Tokyo, day, 9, 0).expect("a time");
        let mut store = Store::open_in_memory().expect("store");
        store.set_cache_size(1_234).expect("set");
        let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:山田;太郎;;;\r\nEMAIL:taro@example.jp\r\nEND:VCARD\r\n";
        let options = super::super::ImportOptions {
            format: super::super::ImportFormat::Vcard,
            encoding: TextEncoding::Auto,
            mapping: Vec::new(),
            language: crate::reminder::DraftLanguage::Ja,
        };
        let plan = store
            .plan_import_file(
                card.as_bytes(),
                &options,
                &clock,
                &mut |_, _| true,
                &mut |_, _| true,
            )
            .expect("plan");
        store
            .apply_import(plan, &clock, &mut |_, _| true)
            .expect("import");
        assert_eq!(store.customer_count().expect("count"), 1);
        assert_eq!(store.cache_size().expect("cache"), 1_234);
    }

    #[test]
    fn names_hashed_agree_exactly_when_the_names_do() {
        let parts = ["", "山田太郎", "山田花子"];
        let companies = ["", "山田商店", "森商事"];
        let keys: Vec<NameKey> = parts
            .iter()
            .flat_map(|n| companies.iter().map(|c| ((*n).to_owned(), (*c).to_owned())))
            .collect();
        for a in &keys {
            for b in &keys {
                assert_eq!(
                    NameHash::of(a).may_agree(NameHash::of(b)),
                    same_person(a, b),
                    "{a:?} and {b:?}"
                );
            }
        }
    }

    #[test]
    fn places_under_one_key_come_back_in_the_order_they_were_added() {
        let mut places = Places::default();
        places.add("0312345678", 0);
        places.add("09011112222", 1);
        places.add("0312345678", 3);
        assert_eq!(places.get("0312345678").collect::<Vec<_>>(), [0, 3]);
        assert_eq!(places.get("09011112222").collect::<Vec<_>>(), [1]);
        assert!(places.get("0000").next().is_none());
    }

    #[test]
    fn a_repeat_is_checked_against_the_earlier_contact_itself() {
        let earlier = contact(1, "太郎", "taro@example.jp");
        let again = contact(2, "太郎", "TARO@example.jp");
        let other = contact(3, "太郎", "jiro@example.jp");
        let pending = planned(&[&earlier]);
        let mut seen = SeenInFile::default();
        seen.remember(&earlier, &incoming_key(&earlier), 0);
        let found = seen.find(&again, &incoming_key(&again), &pending);
        assert_eq!(found.expect("find"), Some(0));
        // A hash that matched by chance (here: the earlier contact filed
        // under another address's hash) is not taken for a repeat.
        seen.by_email.add("jiro@example.jp", 0);
        let found = seen.find(&other, &incoming_key(&other), &pending);
        assert_eq!(found.expect("find"), None);
        // Nor is the same address under a name that does not agree.
        let hanako = contact(4, "花子", "taro@example.jp");
        let found = seen.find(&hanako, &incoming_key(&hanako), &pending);
        assert_eq!(found.expect("find"), None);
    }
}
