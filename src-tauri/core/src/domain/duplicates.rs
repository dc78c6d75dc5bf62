//! Who in the book may be one person twice: the evidence for and against,
//! weighed, as pure functions over what each customer is known by.
//!
//! A salesperson who imported a phone, Google Contacts and an Excel sheet
//! has 髙橋 and 高橋, ｻﾄｳ and さとう, one mobile number with and without
//! dashes. Names are compared after NFKC with every space (U+3000 too)
//! removed; a second, weaker comparison also folds the kanji variants
//! address books disagree on (髙/高, 﨑/崎…). A phone number shared by three
//! or more customers is a switchboard or a household line and proves
//! nothing; two different e-mail addresses or birthdays count against.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::calendar::PartialDate;
use super::kana;

/// What one customer is known by, as the finder compares it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    pub id: i64,
    pub family_name: String,
    pub given_name: String,
    pub family_name_reading: String,
    pub given_name_reading: String,
    pub company: String,
    pub phones: Vec<String>,
    pub emails: Vec<String>,
    pub birthday: Option<PartialDate>,
}

/// Why two customers may be one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateReason {
    /// The same e-mail address, whatever its case.
    SameEmail,
    /// The same mobile number, however it is written.
    SameMobile,
    /// The same name once width and spaces are set aside.
    SameName,
    /// The same reading (よみ), in either kana.
    SameReading,
    /// The same name only once kanji variants are folded (髙/高): weak.
    SimilarName,
    /// An import could not tell them apart (a contact that matched several
    /// customers, or one only weakly) and added it as new: always listed
    /// until settled.
    ImportLead,
}

/// Why two customers may be two people after all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateDoubt {
    /// Both have e-mail addresses and none is shared.
    DifferentEmails,
    /// Both have a birthday and they differ.
    DifferentBirthdays,
}

/// Two customers who may be one person, with the evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DuplicatePair {
    /// The older record (the lower id).
    pub first: i64,
    pub second: i64,
    /// Higher is more certain; pairs under [`MIN_SCORE`] are not listed.
    pub score: i32,
    pub reasons: Vec<DuplicateReason>,
    pub doubts: Vec<DuplicateDoubt>,
}

/// The least score a listed pair has: one strong reason without doubts, or
/// two weaker ones.
pub const MIN_SCORE: i32 = 40;

/// A phone number or e-mail address is evidence only when at most this many
/// customers have it: one shared by three or more is a switchboard, an
/// office's or a household's.
const MOST_SHARING: usize = 2;

/// A name or reading that more customers than this share is not worth
/// listing every pair of on the name alone (田中 ひろし, common readings).
const COMMON_NAME: usize = 12;

fn weight(reason: DuplicateReason) -> i32 {
    match reason {
        DuplicateReason::SameEmail => 60,
        DuplicateReason::SameMobile => 50,
        DuplicateReason::SameName => 30,
        DuplicateReason::SameReading => 30,
        DuplicateReason::SimilarName => 10,
        DuplicateReason::ImportLead => MIN_SCORE,
    }
}

fn penalty(doubt: DuplicateDoubt) -> i32 {
    match doubt {
        DuplicateDoubt::DifferentEmails => 30,
        DuplicateDoubt::DifferentBirthdays => 50,
    }
}

/// Kanji that address books write either way; the later form is kept.
const VARIANTS: &[(char, char)] = &[
    ('髙', '高'),
    ('﨑', '崎'),
    ('嵜', '崎'),
    ('齋', '斎'),
    ('齊', '斉'),
    ('邊', '辺'),
    ('邉', '辺'),
    ('澤', '沢'),
    ('濱', '浜'),
    ('櫻', '桜'),
    ('廣', '広'),
    ('國', '国'),
    ('藏', '蔵'),
    ('冨', '富'),
    ('曽', '曾'),
];

/// Japanese company forms, written before or after the name, which say
/// nothing about who a company is (㈱ becomes (株) under NFKC).
const COMPANY_FORMS: &[&str] = &["株式会社", "有限会社", "合同会社", "(株)", "(有)", "(同)"];

/// Latin company forms, as whole words only (not the "inc" of Lincoln).
const COMPANY_WORDS: &[&str] = &[
    "co",
    "ltd",
    "inc",
    "corp",
    "corporation",
    "llc",
    "kk",
    "k.k",
    "gk",
    "g.k",
    "limited",
];

/// A name as compared: NFKC, lower case, kana as hiragana, no spaces.
pub fn name_key(text: &str) -> String {
    kana::fold(text)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// A name with its kanji variants folded, for the weak comparison.
pub fn variant_key(text: &str) -> String {
    name_key(text)
        .chars()
        .map(|c| {
            VARIANTS
                .iter()
                .find(|(variant, _)| *variant == c)
                .map_or(c, |(_, kept)| *kept)
        })
        .collect()
}

/// A company's name without its legal form: 株式会社みやび and (株)みやび
/// and Miyabi Co., Ltd. compare as みやび and miyabi.
pub fn company_key(text: &str) -> String {
    let mut folded = kana::fold(text);
    for form in COMPANY_FORMS {
        folded = folded.replace(form, " ");
    }
    folded
        .split(|c: char| c.is_whitespace() || c == ',')
        .map(|word| word.trim_matches('.'))
        .filter(|word| !COMPANY_WORDS.contains(word))
        .collect()
}

/// The name a customer is compared by: their own, or for a record of a
/// company only, the company without its form. A single character (a
/// family name alone, 林) names too many people to count: none.
fn person_key(identity: &Identity, key: fn(&str) -> String) -> String {
    let name = format!("{}{}", identity.family_name, identity.given_name);
    let own = key(&name);
    let chosen = if own.is_empty() {
        key(&company_key(&identity.company))
    } else {
        own
    };
    if chosen.chars().count() < 2 {
        String::new()
    } else {
        chosen
    }
}

fn reading_key(identity: &Identity) -> String {
    name_key(&format!(
        "{}{}",
        identity.family_name_reading, identity.given_name_reading
    ))
}

fn mobiles(identity: &Identity) -> Vec<String> {
    let mut out: Vec<String> = identity
        .phones
        .iter()
        .filter_map(|p| kana::mobile_number(p))
        .collect();
    out.sort();
    out.dedup();
    out
}

fn emails(identity: &Identity) -> Vec<String> {
    let mut out: Vec<String> = identity
        .emails
        .iter()
        .map(|e| e.trim().to_lowercase())
        .filter(|e| e.contains('@'))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Customers grouped by one key; groups of one are dropped.
struct Groups(HashMap<String, Vec<usize>>);

impl Groups {
    fn new() -> Self {
        Groups(HashMap::new())
    }

    fn add(&mut self, key: String, index: usize) {
        if key.is_empty() {
            return;
        }
        let members = self.0.entry(key).or_default();
        if members.last() != Some(&index) {
            members.push(index);
        }
    }

    /// Every pair within groups of at most `largest` members.
    fn pairs(&self, largest: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.0
            .values()
            .filter(move |m| m.len() >= 2 && m.len() <= largest)
            .flat_map(|m| {
                m.iter()
                    .enumerate()
                    .flat_map(move |(i, a)| m[i + 1..].iter().map(move |b| (*a, *b)))
            })
    }
}

/// Every pair of customers who may be one person, most certain first;
/// `dismissed` pairs (marked as two people, lower id first) are left out.
pub fn candidates(
    people: &[Identity],
    dismissed: &std::collections::HashSet<(i64, i64)>,
    leads: &std::collections::HashSet<(i64, i64)>,
) -> Vec<DuplicatePair> {
    let mut by_email = Groups::new();
    let mut by_mobile = Groups::new();
    let mut by_name = Groups::new();
    let mut by_variant = Groups::new();
    let mut by_reading = Groups::new();
    let mut their_emails: Vec<Vec<String>> = Vec::with_capacity(people.len());
    for (i, person) in people.iter().enumerate() {
        let addresses = emails(person);
        for address in &addresses {
            by_email.add(address.clone(), i);
        }
        their_emails.push(addresses);
        for number in mobiles(person) {
            by_mobile.add(number, i);
        }
        by_name.add(person_key(person, name_key), i);
        by_variant.add(person_key(person, variant_key), i);
        // A reading of one or two letters names too many people.
        let reading = reading_key(person);
        if reading.chars().count() > 2 {
            by_reading.add(reading, i);
        }
    }

    let mut evidence: HashMap<(usize, usize), Vec<DuplicateReason>> = HashMap::new();
    let mut note = |pairs: &mut dyn Iterator<Item = (usize, usize)>, reason| {
        for (a, b) in pairs {
            let reasons = evidence.entry((a.min(b), a.max(b))).or_default();
            if !reasons.contains(&reason) {
                reasons.push(reason);
            }
        }
    };
    note(
        &mut by_email.pairs(MOST_SHARING),
        DuplicateReason::SameEmail,
    );
    note(
        &mut by_mobile.pairs(MOST_SHARING),
        DuplicateReason::SameMobile,
    );
    note(&mut by_name.pairs(COMMON_NAME), DuplicateReason::SameName);
    note(
        &mut by_reading.pairs(COMMON_NAME),
        DuplicateReason::SameReading,
    );
    note(
        &mut by_variant.pairs(COMMON_NAME),
        DuplicateReason::SimilarName,
    );
    // `people` is in id order; a lead naming someone archived is left out.
    let at = |id: i64| people.binary_search_by_key(&id, |p| p.id).ok();
    note(
        &mut leads.iter().filter_map(|(a, b)| at(*a).zip(at(*b))),
        DuplicateReason::ImportLead,
    );

    let mut out: Vec<DuplicatePair> = evidence
        .into_iter()
        .filter_map(|((a, b), mut reasons)| {
            let (first, second) = (&people[a], &people[b]);
            let key = (first.id.min(second.id), first.id.max(second.id));
            if dismissed.contains(&key) {
                return None;
            }
            // Variants folded add nothing to a name that is the same as it is.
            if reasons.contains(&DuplicateReason::SameName) {
                reasons.retain(|r| *r != DuplicateReason::SimilarName);
            }
            reasons.sort();
            let mut doubts = Vec::new();
            let (mine, theirs) = (&their_emails[a], &their_emails[b]);
            if !mine.is_empty() && !theirs.is_empty() && !mine.iter().any(|e| theirs.contains(e)) {
                doubts.push(DuplicateDoubt::DifferentEmails);
            }
            if let (Some(x), Some(y)) = (first.birthday, second.birthday)
                && (x.month != y.month
                    || x.day != y.day
                    || matches!((x.year, y.year), (Some(p), Some(q)) if p != q))
            {
                doubts.push(DuplicateDoubt::DifferentBirthdays);
            }
            let score = reasons.iter().map(|r| weight(*r)).sum::<i32>()
                - doubts.iter().map(|d| penalty(*d)).sum::<i32>();
            let lead = reasons.contains(&DuplicateReason::ImportLead);
            (score >= MIN_SCORE || lead).then_some(DuplicatePair {
                first: key.0,
                second: key.1,
                score,
                reasons,
                doubts,
            })
        })
        .collect();
    out.sort_by(|x, y| {
        y.score
            .cmp(&x.score)
            .then(x.first.cmp(&y.first))
            .then(x.second.cmp(&y.second))
    });
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn person(id: i64, family: &str, given: &str) -> Identity {
        Identity {
            id,
            family_name: family.to_owned(),
            given_name: given.to_owned(),
            ..Identity::default()
        }
    }

    fn reading(mut p: Identity, family: &str, given: &str) -> Identity {
        p.family_name_reading = family.to_owned();
        p.given_name_reading = given.to_owned();
        p
    }

    fn phone(mut p: Identity, number: &str) -> Identity {
        p.phones.push(number.to_owned());
        p
    }

    fn email(mut p: Identity, address: &str) -> Identity {
        p.emails.push(address.to_owned());
        p
    }

    fn found(people: &[Identity]) -> Vec<DuplicatePair> {
        candidates(people, &HashSet::new(), &HashSet::new())
    }

    #[test]
    fn names_compare_across_width_spaces_and_kana() {
        assert_eq!(name_key("山田　太郎"), name_key("山田 太郎"));
        assert_eq!(name_key("ｻﾄｳ"), name_key("さとう"));
        assert_eq!(name_key("サトウ"), name_key("さとう"));
        assert_ne!(name_key("髙橋"), name_key("高橋"));
        assert_eq!(variant_key("髙橋"), variant_key("高橋"));
        assert_eq!(variant_key("山﨑"), variant_key("山崎"));
        assert_eq!(company_key("株式会社みやび"), company_key("(株) みやび"));
        assert_eq!(company_key("Miyabi Co., Ltd."), "miyabi");
        assert_eq!(company_key("Lincoln Inc."), "lincoln");
        assert_eq!(company_key("Wellcome Limited"), "wellcome");
        assert_eq!(company_key("㈱ Prince"), "prince");
    }

    #[test]
    fn one_mobile_number_written_two_ways_is_strong_evidence() {
        let people = [
            phone(person(1, "山田", "太郎"), "090-1234-5678"),
            phone(person(2, "ヤマダ", "タロウ"), "+81 90 1234 5678"),
        ];
        let pairs = found(&people);
        assert_eq!(pairs.len(), 1);
        assert_eq!((pairs[0].first, pairs[0].second), (1, 2));
        assert!(pairs[0].reasons.contains(&DuplicateReason::SameMobile));
    }

    #[test]
    fn a_line_shared_by_three_is_no_evidence() {
        let people = [
            phone(person(1, "鈴木", "一郎"), "090-1111-2222"),
            phone(person(2, "鈴木", "花子"), "090-1111-2222"),
            phone(person(3, "鈴木", "次郎"), "090-1111-2222"),
        ];
        assert!(found(&people).is_empty(), "{:?}", found(&people));
    }

    #[test]
    fn an_address_three_share_is_no_evidence_and_one_letter_names_are_not_compared() {
        let office = [
            email(person(1, "Ito", "Ken"), "info@shop.example"),
            email(person(2, "Ono", "Aya"), "info@shop.example"),
            email(person(3, "Abe", "Jun"), "INFO@shop.example"),
        ];
        assert!(found(&office).is_empty());
        let surnames = [
            reading(person(1, "林", ""), "は", ""),
            reading(person(2, "林", ""), "は", ""),
        ];
        assert!(found(&surnames).is_empty());
    }

    #[test]
    fn e_mail_matches_whatever_its_case() {
        let people = [
            email(person(4, "Smith", "Ann"), "Ann@Example.com"),
            email(person(9, "Smyth", "Anne"), "ann@example.com "),
        ];
        let pairs = found(&people);
        assert_eq!(pairs[0].reasons, [DuplicateReason::SameEmail]);
    }

    #[test]
    fn kanji_variants_alone_are_weak_but_with_the_reading_they_count() {
        let weak = [person(1, "髙橋", "健"), person(2, "高橋", "健")];
        assert!(found(&weak).is_empty(), "a variant alone is not listed");
        let with_reading = [
            reading(person(1, "髙橋", "健"), "たかはし", "けん"),
            reading(person(2, "高橋", "健"), "タカハシ", "ケン"),
        ];
        let pairs = found(&with_reading);
        assert_eq!(
            pairs[0].reasons,
            [DuplicateReason::SameReading, DuplicateReason::SimilarName]
        );
    }

    #[test]
    fn different_emails_or_birthdays_count_against() {
        let same_name = [
            email(person(1, "佐藤", "花子"), "hanako@a.example"),
            email(person(2, "佐藤", "花子"), "hanako@b.example"),
        ];
        let pairs = found(&same_name);
        assert!(
            pairs.is_empty(),
            "name only, with different e-mails: {pairs:?}"
        );
        let with_a_number = [
            phone(
                email(person(1, "佐藤", "花子"), "hanako@a.example"),
                "080-2222-3333",
            ),
            phone(
                email(person(2, "佐藤", "花子"), "hanako@b.example"),
                "080-2222-3333",
            ),
        ];
        let pairs = found(&with_a_number);
        assert_eq!(pairs[0].doubts, [DuplicateDoubt::DifferentEmails]);
        assert_eq!(pairs[0].score, 50 + 30 - 30);
        let mut a = reading(
            phone(person(1, "佐藤", "花子"), "080-2222-3333"),
            "さとう",
            "はなこ",
        );
        let mut b = reading(
            phone(person(2, "佐藤", "花子"), "080-2222-3333"),
            "さとう",
            "はなこ",
        );
        a.birthday = Some(PartialDate::new(None, 4, 1));
        b.birthday = Some(PartialDate::new(Some(1980), 9, 12));
        let pairs = found(&[a.clone(), b.clone()]);
        assert_eq!(pairs[0].doubts, [DuplicateDoubt::DifferentBirthdays]);
        assert_eq!(pairs[0].score, 50 + 30 + 30 - 50);
        // The same birthday, its year known on one side only, is no doubt.
        b.birthday = Some(PartialDate::new(Some(1980), 4, 1));
        assert!(found(&[a, b])[0].doubts.is_empty());
    }

    #[test]
    fn the_most_certain_come_first_and_dismissed_pairs_never() {
        let people = [
            phone(
                reading(person(1, "田中", "一"), "たなか", "はじめ"),
                "070-1234-0000",
            ),
            phone(
                reading(person(2, "田中", "一"), "たなか", "はじめ"),
                "07012340000",
            ),
            email(
                email(person(3, "Lee", "Kim"), "kim@example.com"),
                "k@example.com",
            ),
            email(person(5, "Lee", "K."), "KIM@example.com"),
        ];
        let pairs = found(&people);
        assert_eq!(
            pairs
                .iter()
                .map(|p| (p.first, p.second))
                .collect::<Vec<_>>(),
            [(1, 2), (3, 5)]
        );
        assert!(pairs[0].score > pairs[1].score);
        let dismissed = HashSet::from([(1, 2)]);
        let pairs = candidates(&people, &dismissed, &HashSet::new());
        assert_eq!(pairs.len(), 1);
        assert_eq!((pairs[0].first, pairs[0].second), (3, 5));
    }

    #[test]
    fn a_company_record_matches_its_other_spelling() {
        let mut a = person(1, "", "");
        a.company = "株式会社みやび".to_owned();
        let mut b = person(2, "", "");
        b.company = "（株）みやび".to_owned();
        let pairs = found(&[phone(a, "090-5555-6666"), phone(b, "09055556666")]);
        assert_eq!(
            pairs[0].reasons,
            [DuplicateReason::SameMobile, DuplicateReason::SameName]
        );
    }

    #[test]
    fn a_pair_an_import_could_not_tell_apart_is_listed_until_told_apart() {
        let people = [person(1, "佐藤", "一郎"), person(2, "山田", "花子")];
        let leads = HashSet::from([(1, 2)]);
        let pairs = candidates(&people, &HashSet::new(), &leads);
        assert_eq!(pairs.len(), 1, "listed on the import's word alone");
        assert_eq!(pairs[0].reasons, vec![DuplicateReason::ImportLead]);
        let told_apart = HashSet::from([(1, 2)]);
        assert!(candidates(&people, &told_apart, &leads).is_empty());
        // Someone archived since is not in `people`: the lead waits.
        assert!(candidates(&people[..1], &HashSet::new(), &leads).is_empty());
    }
}
