//! Two records of one person made one profile, as pure functions: which
//! fields disagree (for the side-by-side), and the profile that results
//! from the record that stays, the other, and the user's choices.
//!
//! A field both records fill differently is a conflict: the record that
//! stays wins unless the user picks the other's value. A field only the
//! other fills is taken from it. Lists — phones, e-mails, addresses, dates,
//! family, tags, extras — are united without repeats, the staying record's
//! first. "Do not contact" is kept if either record says so: a wish not to
//! be contacted is not lost by tidying up.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::customer::{Address, CustomerProfile};
use super::kana;

/// A field of a profile that holds one value, which two records may fill
/// differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MergeField {
    /// Family and given name together.
    Name,
    /// Both readings together.
    Reading,
    Company,
    Title,
    Birthday,
    Likes,
    Notes,
    MetHow,
    MetOn,
    Source,
    ReferredBy,
    PreferredChannel,
    QuietUntil,
    CadenceDays,
    Honorific,
    MessageLanguage,
    Topic,
    Stage,
}

impl MergeField {
    pub const ALL: [MergeField; 18] = [
        MergeField::Name,
        MergeField::Reading,
        MergeField::Company,
        MergeField::Title,
        MergeField::Birthday,
        MergeField::Likes,
        MergeField::Notes,
        MergeField::MetHow,
        MergeField::MetOn,
        MergeField::Source,
        MergeField::ReferredBy,
        MergeField::PreferredChannel,
        MergeField::QuietUntil,
        MergeField::CadenceDays,
        MergeField::Honorific,
        MergeField::MessageLanguage,
        MergeField::Topic,
        MergeField::Stage,
    ];
}

/// Whether `field` is empty in `p`: an empty field is filled from the other
/// record without asking. Fields with a default (source, channel, stage)
/// count as empty at their default.
fn is_empty(p: &CustomerProfile, field: MergeField) -> bool {
    let d = CustomerProfile::default();
    match field {
        MergeField::Name => p.family_name.trim().is_empty() && p.given_name.trim().is_empty(),
        MergeField::Reading => {
            p.family_name_reading.trim().is_empty() && p.given_name_reading.trim().is_empty()
        }
        MergeField::Company => p.company.trim().is_empty(),
        MergeField::Title => p.title.trim().is_empty(),
        MergeField::Birthday => p.birthday.is_none(),
        MergeField::Likes => p.likes.trim().is_empty(),
        MergeField::Notes => p.notes.trim().is_empty(),
        MergeField::MetHow => p.met_how.trim().is_empty(),
        MergeField::MetOn => p.met_on.is_none(),
        MergeField::Source => p.source == d.source,
        MergeField::ReferredBy => p.referred_by.is_none(),
        MergeField::PreferredChannel => p.preferred_channel == d.preferred_channel,
        MergeField::QuietUntil => p.quiet_until.is_none(),
        MergeField::CadenceDays => p.cadence_days.is_none(),
        MergeField::Honorific => p.honorific.trim().is_empty(),
        MergeField::MessageLanguage => p.message_language.is_none(),
        MergeField::Topic => p.topic.trim().is_empty(),
        MergeField::Stage => p.stage == d.stage,
    }
}

/// Whether two records hold the same value in `field`.
fn same(a: &CustomerProfile, b: &CustomerProfile, field: MergeField) -> bool {
    match field {
        MergeField::Name => {
            kana::fold(&format!("{} {}", a.family_name, a.given_name))
                == kana::fold(&format!("{} {}", b.family_name, b.given_name))
        }
        MergeField::Reading => {
            kana::fold(&format!(
                "{} {}",
                a.family_name_reading, a.given_name_reading
            )) == kana::fold(&format!(
                "{} {}",
                b.family_name_reading, b.given_name_reading
            ))
        }
        MergeField::Company => kana::fold(&a.company) == kana::fold(&b.company),
        MergeField::Title => kana::fold(&a.title) == kana::fold(&b.title),
        // 5月3日 and 1970年5月3日 are one birthday, one told more fully.
        MergeField::Birthday => match (a.birthday, b.birthday) {
            (Some(x), Some(y)) => {
                (x.month, x.day) == (y.month, y.day)
                    && (x.year == y.year || x.year.is_none() || y.year.is_none())
            }
            (x, y) => x == y,
        },
        MergeField::Likes => a.likes.trim() == b.likes.trim(),
        MergeField::Notes => a.notes.trim() == b.notes.trim(),
        MergeField::MetHow => a.met_how.trim() == b.met_how.trim(),
        MergeField::MetOn => a.met_on == b.met_on,
        MergeField::Source => a.source == b.source,
        MergeField::ReferredBy => a.referred_by == b.referred_by,
        MergeField::PreferredChannel => a.preferred_channel == b.preferred_channel,
        MergeField::QuietUntil => a.quiet_until == b.quiet_until,
        MergeField::CadenceDays => a.cadence_days == b.cadence_days,
        MergeField::Honorific => a.honorific.trim() == b.honorific.trim(),
        MergeField::MessageLanguage => a.message_language == b.message_language,
        MergeField::Topic => a.topic.trim() == b.topic.trim(),
        MergeField::Stage => a.stage == b.stage,
    }
}

/// The fields both records fill, differently: what the user chooses
/// between, one by one.
pub fn conflicts(kept: &CustomerProfile, other: &CustomerProfile) -> Vec<MergeField> {
    MergeField::ALL
        .into_iter()
        .filter(|f| !is_empty(kept, *f) && !is_empty(other, *f) && !same(kept, other, *f))
        .collect()
}

/// Copies `field` from `from` into `to`.
fn take(to: &mut CustomerProfile, from: &CustomerProfile, field: MergeField) {
    match field {
        MergeField::Name => {
            to.family_name.clone_from(&from.family_name);
            to.given_name.clone_from(&from.given_name);
        }
        MergeField::Reading => {
            to.family_name_reading.clone_from(&from.family_name_reading);
            to.given_name_reading.clone_from(&from.given_name_reading);
        }
        MergeField::Company => to.company.clone_from(&from.company),
        MergeField::Title => to.title.clone_from(&from.title),
        MergeField::Birthday => to.birthday = from.birthday,
        MergeField::Likes => to.likes.clone_from(&from.likes),
        MergeField::Notes => to.notes.clone_from(&from.notes),
        MergeField::MetHow => to.met_how.clone_from(&from.met_how),
        MergeField::MetOn => to.met_on = from.met_on,
        MergeField::Source => to.source = from.source,
        MergeField::ReferredBy => to.referred_by = from.referred_by,
        MergeField::PreferredChannel => to.preferred_channel = from.preferred_channel,
        MergeField::QuietUntil => to.quiet_until = from.quiet_until,
        MergeField::CadenceDays => to.cadence_days = from.cadence_days,
        MergeField::Honorific => to.honorific.clone_from(&from.honorific),
        MergeField::MessageLanguage => to.message_language = from.message_language,
        MergeField::Topic => to.topic.clone_from(&from.topic),
        MergeField::Stage => to.stage = from.stage,
    }
}

/// Appends `more` to `list`, leaving out what `key` says is already there.
fn unite<T: Clone, K: PartialEq>(list: &mut Vec<T>, more: &[T], key: impl Fn(&T) -> K) {
    for item in more {
        let k = key(item);
        if !list.iter().any(|have| key(have) == k) {
            list.push(item.clone());
        }
    }
}

fn address_key(a: &Address) -> String {
    kana::fold(&format!(
        "{}{}{}{}{}{}",
        kana::digits(&a.postal_code),
        a.region,
        a.locality,
        a.street,
        a.extended,
        a.country
    ))
    .chars()
    .filter(|c| !c.is_whitespace())
    .collect()
}

/// The profile that results: `kept` with `other`'s values where `kept` is
/// empty or the user chose `other`'s (`take_other`), and every list united.
pub fn merged(
    kept: &CustomerProfile,
    other: &CustomerProfile,
    take_other: &[MergeField],
) -> CustomerProfile {
    let mut out = kept.clone();
    for field in MergeField::ALL {
        let chosen = take_other.contains(&field) && !is_empty(other, field);
        if chosen || (is_empty(kept, field) && !is_empty(other, field)) {
            take(&mut out, other, field);
        }
    }
    out.do_not_contact = kept.do_not_contact || other.do_not_contact;
    out.keep_off_phone = kept.keep_off_phone || other.keep_off_phone;
    if let (Some(mine), Some(theirs)) = (&mut out.birthday, other.birthday)
        && mine.year.is_none()
        && (mine.month, mine.day) == (theirs.month, theirs.day)
    {
        mine.year = theirs.year;
    }
    unite(&mut out.phones, &other.phones, |p| kana::digits(&p.number));
    unite(&mut out.emails, &other.emails, |e| {
        e.address.trim().to_lowercase()
    });
    unite(&mut out.addresses, &other.addresses, address_key);
    unite(&mut out.important_dates, &other.important_dates, |d| {
        (d.kind, kana::fold(&d.label), d.date)
    });
    unite(&mut out.family_members, &other.family_members, |m| {
        (kana::fold(&m.name), kana::fold(&m.relation))
    });
    unite(&mut out.tags, &other.tags, |t| kana::fold(t));
    unite(&mut out.extras, &other.extras, |e| {
        (e.name.to_lowercase(), e.value.clone())
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::PartialDate;
    use crate::domain::customer::{Email, FamilyMember, Phone};
    use crate::domain::ladder::Stage;

    fn profile(family: &str, given: &str) -> CustomerProfile {
        CustomerProfile {
            family_name: family.to_owned(),
            given_name: given.to_owned(),
            ..CustomerProfile::default()
        }
    }

    fn phone(number: &str) -> Phone {
        Phone {
            label: "携帯".to_owned(),
            number: number.to_owned(),
        }
    }

    #[test]
    fn only_fields_both_fill_differently_are_conflicts() {
        let mut kept = profile("髙橋", "健");
        kept.company = "割烹 みやび".to_owned();
        kept.notes = "釣りが好き".to_owned();
        let mut other = profile("高橋", "健");
        other.company = "割烹　みやび".to_owned();
        other.notes = "娘さんが春に結婚".to_owned();
        other.title = "店主".to_owned();
        // The company differs only by a full-width space; the title is
        // only on one side; the name's kanji differ.
        assert_eq!(
            conflicts(&kept, &other),
            [MergeField::Name, MergeField::Notes]
        );
    }

    #[test]
    fn the_record_that_stays_wins_empty_fields_are_filled_and_choices_taken() {
        let mut kept = profile("髙橋", "健");
        kept.notes = "釣りが好き".to_owned();
        kept.stage = Stage::Client;
        let mut other = profile("高橋", "健");
        other.family_name_reading = "たかはし".to_owned();
        other.given_name_reading = "けん".to_owned();
        other.notes = "娘さんが春に結婚".to_owned();
        other.birthday = Some(PartialDate::new(Some(1970), 5, 3));
        other.stage = Stage::Customer;

        let by_default = merged(&kept, &other, &[]);
        assert_eq!(by_default.family_name, "髙橋");
        assert_eq!(by_default.notes, "釣りが好き");
        assert_eq!(by_default.family_name_reading, "たかはし", "filled");
        assert_eq!(by_default.birthday, other.birthday, "filled");
        assert_eq!(by_default.stage, Stage::Client);

        let chosen = merged(&kept, &other, &[MergeField::Name, MergeField::Notes]);
        assert_eq!(chosen.family_name, "高橋");
        assert_eq!(chosen.notes, "娘さんが春に結婚");
    }

    #[test]
    fn lists_are_united_without_repeats_and_do_not_contact_is_kept() {
        let mut kept = profile("山田", "花子");
        kept.phones = vec![phone("090-1234-5678")];
        kept.emails = vec![Email {
            label: String::new(),
            address: "Hanako@Example.com".to_owned(),
        }];
        kept.tags = vec!["年賀状".to_owned()];
        let mut other = profile("山田", "花子");
        other.phones = vec![phone("09012345678"), phone("03-1111-2222")];
        other.emails = vec![Email {
            label: "home".to_owned(),
            address: "hanako@example.com".to_owned(),
        }];
        other.tags = vec!["年賀状".to_owned(), "お中元".to_owned()];
        other.family_members = vec![FamilyMember {
            name: "山田 太郎".to_owned(),
            reading: String::new(),
            relation: "夫".to_owned(),
            birthday: None,
            notes: String::new(),
        }];
        other.do_not_contact = true;

        let one = merged(&kept, &other, &[]);
        assert_eq!(
            one.phones
                .iter()
                .map(|p| p.number.as_str())
                .collect::<Vec<_>>(),
            ["090-1234-5678", "03-1111-2222"]
        );
        assert_eq!(one.emails.len(), 1);
        assert_eq!(one.tags, ["年賀状", "お中元"]);
        assert_eq!(one.family_members.len(), 1);
        assert!(one.do_not_contact);
    }

    #[test]
    fn a_birthday_without_its_year_takes_the_year_the_other_record_knows() {
        let mut kept = profile("高橋", "健");
        kept.birthday = Some(PartialDate::new(None, 5, 3));
        let mut other = profile("高橋", "健");
        other.birthday = Some(PartialDate::new(Some(1970), 5, 3));
        assert!(conflicts(&kept, &other).is_empty());
        assert_eq!(
            merged(&kept, &other, &[]).birthday,
            Some(PartialDate::new(Some(1970), 5, 3))
        );
        other.birthday = Some(PartialDate::new(Some(1970), 5, 4));
        assert_eq!(conflicts(&kept, &other), vec![MergeField::Birthday]);
        assert_eq!(
            merged(&kept, &other, &[]).birthday,
            Some(PartialDate::new(None, 5, 3))
        );
    }
}
