//! The rules a customer profile must meet before it is stored. Every problem
//! is collected (not just the first), each tied to the field it concerns.

use std::collections::HashSet;

use chrono::NaiveDate;
use unicode_normalization::UnicodeNormalization;

use super::{Address, CustomerProfile, Email, FamilyMember, ImportantDate, Phone};
use crate::domain::kana;
use crate::domain::validation::Checker;
pub use crate::domain::validation::{LIMIT_NAME, LIMIT_NOTES, LIMIT_SHORT, LIMIT_TAG};
/// 様, さん, 先生, 殿, Mr, Ms, Prof… — the same limit as before honorifics
/// were placed per language, so no stored one becomes invalid.
pub const LIMIT_HONORIFIC: usize = LIMIT_SHORT;
/// A topic to ask about fits in one line of a message.
pub const LIMIT_TOPIC: usize = 60;
use crate::error::{FieldError, FieldErrorCode};
/// Imported values without a field of their own: a photo kept as a data URL
/// is the largest, so the limit is well above free text's.
const LIMIT_EXTRA: usize = 2_000_000;
const MAX_EXTRAS: usize = 500;
/// Ten years is the longest keep-in-touch cadence that still means something.
const MAX_CADENCE_DAYS: u32 = 3650;

// How many of each a customer may have. Far more than anyone keeps for one
// person, and small enough that one card cannot make every later export,
// list or merge carry thousands of columns or rows: a card with 50,000
// phone numbers once made every CSV export run out of memory.
pub const MAX_PHONES: usize = 50;
pub const MAX_EMAILS: usize = 50;
pub const MAX_ADDRESSES: usize = 50;
pub const MAX_TAGS: usize = 200;
pub const MAX_FAMILY_MEMBERS: usize = 50;
pub const MAX_IMPORTANT_DATES: usize = 50;

/// The lists a profile holds, with how many it holds and may hold.
fn list_sizes(p: &CustomerProfile) -> [(&'static str, usize, usize); 6] {
    [
        ("phones", p.phones.len(), MAX_PHONES),
        ("emails", p.emails.len(), MAX_EMAILS),
        ("addresses", p.addresses.len(), MAX_ADDRESSES),
        (
            "important_dates",
            p.important_dates.len(),
            MAX_IMPORTANT_DATES,
        ),
        ("family_members", p.family_members.len(), MAX_FAMILY_MEMBERS),
        ("tags", p.tags.len(), MAX_TAGS),
    ]
}

/// The lists that hold more than a customer may have, as `too_many`
/// errors on the list's field (`phones`, `tags`…). Counting is all it
/// does, so an import can check a merged profile cheaply.
pub(crate) fn over_caps(p: &CustomerProfile) -> Vec<FieldError> {
    list_sizes(p)
        .into_iter()
        .filter(|(_, count, cap)| count > cap)
        .map(|(field, _, cap)| FieldError::with_limit(field, FieldErrorCode::TooMany, cap as i64))
        .collect()
}

/// Checks `profile` and returns it normalised (trimmed, blank rows dropped,
/// Japanese postal codes as `123-4567`, tags de-duplicated), or every problem.
pub(crate) fn validate(
    mut profile: CustomerProfile,
    today: NaiveDate,
) -> Result<CustomerProfile, Vec<FieldError>> {
    let mut c = Checker::default();

    c.text("family_name", &mut profile.family_name, LIMIT_NAME);
    c.text("given_name", &mut profile.given_name, LIMIT_NAME);
    c.reading("family_name_reading", &mut profile.family_name_reading);
    c.reading("given_name_reading", &mut profile.given_name_reading);
    c.text("company", &mut profile.company, LIMIT_NAME);
    c.text("title", &mut profile.title, LIMIT_NAME);
    if profile.family_name.is_empty() && profile.given_name.is_empty() && profile.company.is_empty()
    {
        c.fail("family_name", FieldErrorCode::Required);
    }

    // Blank rows and repeated tags do not count towards the caps. A list
    // over its cap is refused as a whole, and its items are not checked
    // one by one: 50,000 errors would say less than one.
    profile
        .phones
        .retain(|p| !(p.label.trim().is_empty() && p.number.trim().is_empty()));
    profile
        .emails
        .retain(|e| !(e.label.trim().is_empty() && e.address.trim().is_empty()));
    profile.addresses.retain(|a| !is_blank_address(a));
    profile.family_members.retain(|m| !is_blank_member(m));
    profile.tags = check_tags(&mut c, std::mem::take(&mut profile.tags));
    let over = over_caps(&profile);
    let within = |field: &str| !over.iter().any(|e| e.field == field);
    let (phones, emails, addresses, dates, family) = (
        within("phones"),
        within("emails"),
        within("addresses"),
        within("important_dates"),
        within("family_members"),
    );
    c.errors.extend(over);

    if phones {
        for (i, phone) in profile.phones.iter_mut().enumerate() {
            check_phone(&mut c, i, phone);
        }
    }
    if emails {
        for (i, email) in profile.emails.iter_mut().enumerate() {
            check_email(&mut c, i, email);
        }
    }
    if addresses {
        for (i, address) in profile.addresses.iter_mut().enumerate() {
            check_address(&mut c, i, address);
        }
    }

    if let Some(birthday) = &profile.birthday {
        c.date("birthday", birthday, today, true);
    }
    if dates {
        for (i, date) in profile.important_dates.iter_mut().enumerate() {
            check_important_date(&mut c, i, date, today);
        }
    }
    if family {
        for (i, member) in profile.family_members.iter_mut().enumerate() {
            check_family_member(&mut c, i, member, today);
        }
    }

    c.text("likes", &mut profile.likes, LIMIT_NOTES);
    c.text("notes", &mut profile.notes, LIMIT_NOTES);
    c.text("met_how", &mut profile.met_how, LIMIT_NOTES);
    if profile.met_on.is_some_and(|d| d > today) {
        c.fail("met_on", FieldErrorCode::DateInFuture);
    }
    c.text("honorific", &mut profile.honorific, LIMIT_HONORIFIC);
    c.text("topic", &mut profile.topic, LIMIT_TOPIC);
    if profile.topic.contains('\n') {
        profile.topic = profile
            .topic
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
    }
    profile.message_language = Some(profile.language());
    if profile
        .cadence_days
        .is_some_and(|days| days == 0 || days > MAX_CADENCE_DAYS)
    {
        c.errors.push(FieldError::with_limit(
            "cadence_days",
            FieldErrorCode::OutOfRange,
            i64::from(MAX_CADENCE_DAYS),
        ));
    }
    profile.extras.retain(|e| !e.name.trim().is_empty());
    if profile.extras.len() > MAX_EXTRAS {
        c.errors.push(FieldError::with_limit(
            "extras",
            FieldErrorCode::OutOfRange,
            MAX_EXTRAS as i64,
        ));
    }
    for (i, extra) in profile.extras.iter_mut().enumerate() {
        c.text(&format!("extras.{i}.name"), &mut extra.name, LIMIT_NAME);
        c.text(&format!("extras.{i}.value"), &mut extra.value, LIMIT_EXTRA);
    }

    if c.errors.is_empty() {
        Ok(profile)
    } else {
        Err(c.errors)
    }
}

fn check_phone(c: &mut Checker, i: usize, phone: &mut Phone) {
    c.text(&format!("phones.{i}.label"), &mut phone.label, LIMIT_SHORT);
    let field = format!("phones.{i}.number");
    c.text(&field, &mut phone.number, LIMIT_SHORT);
    phone.number = kana::phone_number(&phone.number);
    if phone.number.is_empty() {
        c.fail(field, FieldErrorCode::Required);
        return;
    }
    // Already NFKC, with one kind of hyphen (`kana::phone_number`).
    let normalized = phone.number.to_lowercase();
    // Extensions are written many ways; only the separators around digits
    // matter for validity.
    let without_extension = normalized
        .replace("ext.", " ")
        .replace("ext", " ")
        .replace("内線", " ")
        .replace('x', " ");
    let digit_count = without_extension
        .chars()
        .filter(char::is_ascii_digit)
        .count();
    let only_phone_characters = without_extension.chars().all(|ch| {
        ch.is_ascii_digit()
            || ch.is_whitespace()
            || matches!(ch, '+' | '-' | '(' | ')' | '.' | '/' | '#' | '*')
    });
    if !only_phone_characters || !(3..=20).contains(&digit_count) {
        c.fail(field, FieldErrorCode::InvalidPhone);
    }
}

fn check_email(c: &mut Checker, i: usize, email: &mut Email) {
    c.text(&format!("emails.{i}.label"), &mut email.label, LIMIT_SHORT);
    let field = format!("emails.{i}.address");
    c.text(&field, &mut email.address, 254);
    if email.address.is_empty() {
        c.fail(field, FieldErrorCode::Required);
    } else if !is_plausible_email(&email.address) {
        c.fail(field, FieldErrorCode::InvalidEmail);
    }
}

/// A deliberately forgiving check: one `@`, something before it, a dotted
/// domain after it, no spaces. Mail servers are the real judge.
pub(crate) fn is_plausible_email(address: &str) -> bool {
    let Some((local, domain)) = address.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !address.chars().any(char::is_whitespace)
}

fn is_blank_address(a: &Address) -> bool {
    [
        &a.label,
        &a.postal_code,
        &a.region,
        &a.locality,
        &a.street,
        &a.extended,
        &a.country,
    ]
    .iter()
    .all(|s| s.trim().is_empty())
}

/// Whether a country names Japan (or is left empty, as most Japanese
/// addresses are).
pub(crate) fn is_japan(country: &str) -> bool {
    let folded = kana::fold(country);
    folded.is_empty()
        || matches!(
            folded.as_str(),
            "日本" | "japan" | "jp" | "jpn" | "にっぽん" | "にほん"
        )
}

fn check_address(c: &mut Checker, i: usize, address: &mut Address) {
    c.text(
        &format!("addresses.{i}.label"),
        &mut address.label,
        LIMIT_SHORT,
    );
    c.text(
        &format!("addresses.{i}.region"),
        &mut address.region,
        LIMIT_NAME,
    );
    c.text(
        &format!("addresses.{i}.locality"),
        &mut address.locality,
        LIMIT_NAME,
    );
    c.text(
        &format!("addresses.{i}.street"),
        &mut address.street,
        LIMIT_NAME * 2,
    );
    c.text(
        &format!("addresses.{i}.extended"),
        &mut address.extended,
        LIMIT_NAME * 2,
    );
    c.text(
        &format!("addresses.{i}.country"),
        &mut address.country,
        LIMIT_NAME,
    );
    let field = format!("addresses.{i}.postal_code");
    c.text(&field, &mut address.postal_code, LIMIT_SHORT);
    if address.postal_code.is_empty() || !is_japan(&address.country) {
        return;
    }
    match normalize_japanese_postal_code(&address.postal_code) {
        Some(code) => address.postal_code = code,
        None => c.fail(field, FieldErrorCode::InvalidPostalCode),
    }
}

/// `〒1234567`, `１２３－４５６７` and `123-4567` all become `123-4567`.
pub(crate) fn normalize_japanese_postal_code(text: &str) -> Option<String> {
    let folded: String = text.nfkc().filter(|c| !c.is_whitespace()).collect();
    let body = folded.trim_start_matches('〒');
    let digits: String = body.chars().filter(char::is_ascii_digit).collect();
    let shape_ok = body
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | 'ー' | '‐' | '−'))
        && (body.len() == 7 || body.chars().nth(3).is_some_and(|c| !c.is_ascii_digit()));
    (digits.len() == 7 && shape_ok).then(|| format!("{}-{}", &digits[..3], &digits[3..]))
}

fn check_important_date(c: &mut Checker, i: usize, date: &mut ImportantDate, today: NaiveDate) {
    c.text(
        &format!("important_dates.{i}.label"),
        &mut date.label,
        LIMIT_SHORT,
    );
    c.date(
        &format!("important_dates.{i}.date"),
        &date.date,
        today,
        false,
    );
}

fn is_blank_member(m: &FamilyMember) -> bool {
    m.name.trim().is_empty()
        && m.reading.trim().is_empty()
        && m.relation.trim().is_empty()
        && m.notes.trim().is_empty()
        && m.birthday.is_none()
}

fn check_family_member(c: &mut Checker, i: usize, member: &mut FamilyMember, today: NaiveDate) {
    let name_field = format!("family_members.{i}.name");
    c.text(&name_field, &mut member.name, LIMIT_NAME);
    if member.name.is_empty() {
        c.fail(name_field, FieldErrorCode::Required);
    }
    c.reading(&format!("family_members.{i}.reading"), &mut member.reading);
    c.text(
        &format!("family_members.{i}.relation"),
        &mut member.relation,
        LIMIT_SHORT,
    );
    c.text(
        &format!("family_members.{i}.notes"),
        &mut member.notes,
        LIMIT_NOTES,
    );
    if let Some(birthday) = &member.birthday {
        c.date(
            &format!("family_members.{i}.birthday"),
            birthday,
            today,
            true,
        );
    }
}

fn check_tags(c: &mut Checker, tags: Vec<String>) -> Vec<String> {
    let mut kept: Vec<String> = Vec::new();
    // Tags are unique regardless of case, as in the tags table; a set keeps
    // the check linear however many a card brings.
    let mut seen: HashSet<String> = HashSet::new();
    let mut too_long = false;
    for tag in tags {
        let tag: String = tag.chars().filter(|c| !c.is_control()).collect();
        let tag = tag.trim().to_owned();
        if tag.is_empty() {
            continue;
        }
        if tag.chars().count() > LIMIT_TAG {
            if !too_long {
                c.errors.push(FieldError::with_limit(
                    "tags",
                    FieldErrorCode::TooLong,
                    LIMIT_TAG as i64,
                ));
                too_long = true;
            }
            continue;
        }
        if seen.insert(tag.to_lowercase()) {
            kept.push(tag);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postal_codes_are_normalised() {
        assert_eq!(
            normalize_japanese_postal_code("〒150-0001").as_deref(),
            Some("150-0001")
        );
        assert_eq!(
            normalize_japanese_postal_code("1500001").as_deref(),
            Some("150-0001")
        );
        assert_eq!(
            normalize_japanese_postal_code("１５０－０００１").as_deref(),
            Some("150-0001")
        );
        assert_eq!(normalize_japanese_postal_code("15-00001"), None);
        assert_eq!(normalize_japanese_postal_code("150-000"), None);
        assert_eq!(normalize_japanese_postal_code("abc-defg"), None);
    }

    #[test]
    fn emails_are_checked_forgivingly() {
        assert!(is_plausible_email("hanako@example.co.jp"));
        assert!(is_plausible_email("a+b@x.io"));
        assert!(!is_plausible_email("hanako@"));
        assert!(!is_plausible_email("hanako.example.com"));
        assert!(!is_plausible_email("han ako@example.com"));
        assert!(!is_plausible_email("a@b@c.com"));
    }
}
