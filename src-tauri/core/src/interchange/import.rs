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
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::text::TextEncoding;
use super::{ImportProblem, ImportProblemCode, Incoming, Progress, ReadFile, step};
use crate::clock::Clock;
use crate::customer::{self, CustomerProfile, Extra, LIMIT_NAME, LIMIT_TAG};
use crate::error::{FieldErrorCode, Result};
use crate::kana;
use crate::store::Store;

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

#[derive(Debug, Clone)]
enum Step {
    New {
        uid: Option<String>,
        profile: CustomerProfile,
        referred_by_uid: Option<String>,
    },
    Update {
        id: i64,
        profile: CustomerProfile,
        referred_by_uid: Option<String>,
    },
    Unchanged,
}

/// An import ready to write: built by [`Store::plan_import`].
#[derive(Debug, Clone)]
pub struct ImportPlan {
    steps: Vec<Step>,
    pub preview: ImportPreview,
}

/// What writing an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportSummary {
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub skipped: u32,
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
    for _ in 0..4 {
        match customer::check(incoming.profile.clone(), today) {
            Ok(profile) => {
                incoming.profile = profile;
                return Ok(());
            }
            Err(errors) => {
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

fn partial_text(d: &crate::calendar::PartialDate) -> String {
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
        m.quiet_until = incoming.quiet_until;
        m.cadence_days = incoming.cadence_days;
        m.honorific.clone_from(&incoming.honorific);
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
            || before.quiet_until != after.quiet_until
            || before.cadence_days != after.cadence_days
            || before.honorific != after.honorific
            || before.met_on != after.met_on,
        ChangedPart::Relationship,
    );
    out
}

/// The customer a contact is already in the book as, if any.
fn find_existing(conn: &Connection, incoming: &Incoming) -> Result<Option<i64>> {
    if let Some(uid) = &incoming.uid {
        let found: Option<i64> = conn
            .prepare_cached("SELECT id FROM customers WHERE uid = ?1")?
            .query_row([uid], |r| r.get(0))
            .optional()?;
        if found.is_some() {
            return Ok(found);
        }
    }
    for email in &incoming.profile.emails {
        let found: Option<i64> = conn
            .prepare_cached(
                "SELECT customer_id FROM customer_emails
                  WHERE address = ?1 COLLATE NOCASE ORDER BY customer_id LIMIT 1",
            )?
            .query_row([email.address.trim()], |r| r.get(0))
            .optional()?;
        if found.is_some() {
            return Ok(found);
        }
    }
    let p = &incoming.profile;
    let reachable = p.emails.iter().any(|e| !e.address.trim().is_empty())
        || p.phones.iter().any(|ph| phone_key(&ph.number).is_some());
    if !reachable {
        // Nothing else to go by: the same full name, when only one customer has it.
        let mut stmt = conn.prepare_cached(
            "SELECT id FROM customers
              WHERE family_name = ?1 AND given_name = ?2 AND company = ?3 LIMIT 2",
        )?;
        let found: Vec<i64> = stmt
            .query_map(params![p.family_name, p.given_name, p.company], |r| {
                r.get(0)
            })?
            .collect::<rusqlite::Result<_>>()?;
        if let [only] = found.as_slice() {
            return Ok(Some(*only));
        }
        return Ok(None);
    }
    for phone in &incoming.profile.phones {
        let Some(digits) = phone_key(&phone.number) else {
            continue;
        };
        let found: Option<i64> = conn
            .prepare_cached(
                "SELECT customer_id FROM customer_phones
                  WHERE digits = ?1 ORDER BY customer_id LIMIT 1",
            )?
            .query_row([digits], |r| r.get(0))
            .optional()?;
        if found.is_some() {
            return Ok(found);
        }
    }
    Ok(None)
}

/// Earlier contacts of the same file, by what a later one may repeat.
#[derive(Default)]
struct SeenInFile {
    by_uid: HashMap<String, usize>,
    by_email: HashMap<String, usize>,
    by_phone: HashMap<String, usize>,
}

impl SeenInFile {
    fn find(&self, incoming: &Incoming) -> Option<usize> {
        incoming
            .uid
            .as_ref()
            .and_then(|uid| self.by_uid.get(uid))
            .or_else(|| {
                incoming
                    .profile
                    .emails
                    .iter()
                    .find_map(|e| self.by_email.get(&lower(&e.address)))
            })
            .or_else(|| {
                incoming
                    .profile
                    .phones
                    .iter()
                    .find_map(|p| phone_key(&p.number).and_then(|d| self.by_phone.get(&d)))
            })
            .copied()
    }

    fn remember(&mut self, incoming: &Incoming, at: usize) {
        if let Some(uid) = &incoming.uid {
            self.by_uid.entry(uid.clone()).or_insert(at);
        }
        for e in &incoming.profile.emails {
            self.by_email.entry(lower(&e.address)).or_insert(at);
        }
        for p in &incoming.profile.phones {
            if let Some(digits) = phone_key(&p.number) {
                self.by_phone.entry(digits).or_insert(at);
            }
        }
    }
}

impl Store {
    /// Matches what was read with the book and works out what an import
    /// would do, writing nothing.
    pub fn plan_import(
        &self,
        file: ReadFile,
        encoding: TextEncoding,
        clock: &Clock,
        progress: Progress<'_>,
    ) -> Result<ImportPlan> {
        let mut progress = progress;
        let today = clock.today();
        let ReadFile {
            contacts,
            mut problems,
            unreadable,
        } = file;
        let read = u32::try_from(contacts.len()).unwrap_or(u32::MAX);
        let total = contacts.len() as u64;
        let mut steps: Vec<Step> = Vec::with_capacity(contacts.len());
        // The row each step shows as; `Unchanged` rows are listed after.
        let mut rows: Vec<PreviewRow> = Vec::new();
        let mut quiet_rows: Vec<PreviewRow> = Vec::new();
        let mut seen = SeenInFile::default();
        let mut skipped = unreadable;
        let mut repeated = 0u32;
        for (n, mut incoming) in contacts.into_iter().enumerate() {
            if n % 256 == 0 {
                step(&mut progress, n as u64, total)?;
            }
            if let Err(problem) = admit(&mut incoming, today, &mut problems) {
                problems.push(problem);
                skipped += 1;
                continue;
            }
            let display_name = kana::display_name(
                &incoming.profile.family_name,
                &incoming.profile.given_name,
                &incoming.profile.company,
            );
            let kizuna = incoming.from_kizuna;
            // The same contact twice in one file: the second merges into the first.
            if let Some(at) = seen.find(&incoming) {
                problems.push(ImportProblem::of(
                    &incoming,
                    ImportProblemCode::Repeated,
                    "",
                ));
                match &mut steps[at] {
                    Step::New { profile, .. } | Step::Update { profile, .. } => {
                        *profile = merge(profile, &incoming.profile, kizuna);
                    }
                    Step::Unchanged => {}
                }
                steps.push(Step::Unchanged);
                repeated += 1;
                continue;
            }
            seen.remember(&incoming, steps.len());
            let row = |action, changes| PreviewRow {
                record: incoming.record,
                display_name: display_name.clone(),
                action,
                changes,
            };
            match find_existing(&self.conn, &incoming)? {
                None => {
                    rows.push(row(ImportAction::New, Vec::new()));
                    steps.push(Step::New {
                        uid: incoming.uid,
                        profile: incoming.profile,
                        referred_by_uid: incoming.referred_by_uid,
                    });
                }
                Some(id) => {
                    let existing = customer::load_customer(&self.conn, id)?.profile;
                    let merged = merge(&existing, &incoming.profile, kizuna);
                    let merged = customer::check(merged.clone(), today).unwrap_or(merged);
                    let referrer_changes =
                        incoming.referred_by_uid.is_some() && existing.referred_by.is_none();
                    let changed = changes(&existing, &merged);
                    if changed.is_empty() && !referrer_changes {
                        quiet_rows.push(row(ImportAction::Unchanged, Vec::new()));
                        steps.push(Step::Unchanged);
                    } else {
                        rows.push(row(ImportAction::Update, changed));
                        steps.push(Step::Update {
                            id,
                            profile: merged,
                            referred_by_uid: incoming.referred_by_uid,
                        });
                    }
                }
            }
        }
        step(&mut progress, total, total)?;
        let count = |action: ImportAction| {
            u32::try_from(
                rows.iter()
                    .chain(&quiet_rows)
                    .filter(|r| r.action == action)
                    .count(),
            )
            .unwrap_or(u32::MAX)
        };
        let preview_counts = (
            count(ImportAction::New),
            count(ImportAction::Update),
            count(ImportAction::Unchanged),
        );
        rows.extend(quiet_rows);
        rows.truncate(PREVIEW_ROWS);
        problems.sort_by_key(|p| (p.line, p.record));
        problems.truncate(PREVIEW_PROBLEMS);
        Ok(ImportPlan {
            steps,
            preview: ImportPreview {
                read,
                new: preview_counts.0,
                updated: preview_counts.1,
                unchanged: preview_counts.2,
                repeated,
                skipped,
                problems,
                rows,
                encoding,
            },
        })
    }

    /// Writes a planned import in one transaction, after a backup of the
    /// store. Cancelling (through `progress`) writes nothing.
    pub fn apply_import(
        &mut self,
        plan: ImportPlan,
        clock: &Clock,
        progress: Progress<'_>,
    ) -> Result<ImportSummary> {
        let mut progress = progress;
        let backup = self.backup_before("import", clock)?;
        let total = plan.steps.len() as u64;
        let tx = self.conn.transaction()?;
        let mut created = 0u32;
        let mut updated = 0u32;
        let mut referrals: Vec<(i64, String)> = Vec::new();
        for (n, s) in plan.steps.into_iter().enumerate() {
            if n % 256 == 0 {
                step(&mut progress, n as u64, total)?;
            }
            match s {
                Step::New {
                    uid,
                    profile,
                    referred_by_uid,
                } => {
                    // Another customer may have taken this UID since the preview.
                    let uid = match &uid {
                        Some(uid) if uid_taken(&tx, uid)? => None,
                        other => other.clone(),
                    };
                    let id = customer::insert_customer(&tx, &profile, uid.as_deref(), clock)?;
                    if let Some(referrer) = referred_by_uid {
                        referrals.push((id, referrer));
                    }
                    created += 1;
                }
                Step::Update {
                    id,
                    profile,
                    referred_by_uid,
                } => {
                    customer::update_customer_in(&tx, id, &profile, clock)?;
                    if let Some(referrer) = referred_by_uid {
                        referrals.push((id, referrer));
                    }
                    updated += 1;
                }
                Step::Unchanged => {}
            }
        }
        // Introductions name customers by UID, who may have come in this file.
        for (id, referrer_uid) in referrals {
            let referrer: Option<i64> = tx
                .prepare_cached("SELECT id FROM customers WHERE uid = ?1")?
                .query_row([&referrer_uid], |r| r.get(0))
                .optional()?;
            let has_referrer: bool = tx
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM referrals WHERE referred_id = ?1)")?
                .query_row([id], |r| r.get(0))?;
            if let Some(referrer) = referrer
                && !has_referrer
                && customer::check_referrer(&tx, Some(id), Some(referrer)).is_ok()
            {
                customer::set_referrer(&tx, id, Some(referrer), clock)?;
            }
        }
        customer::remove_unused_tags(&tx)?;
        step(&mut progress, total, total)?;
        tx.commit()?;
        Ok(ImportSummary {
            created,
            updated,
            unchanged: plan.preview.unchanged,
            skipped: plan.preview.skipped,
            backup: backup.map(|p| p.display().to_string()),
        })
    }
}

fn uid_taken(conn: &Connection, uid: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM customers WHERE uid = ?1)")?
        .query_row(params![uid], |r| r.get(0))?)
}
