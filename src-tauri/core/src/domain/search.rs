//! Finding customers from one search box.
//!
//! Each customer has a folded search document (see `kana::fold`). A query is
//! split into terms, all of which must match. Terms of three or more
//! characters go through the FTS5 trigram index over every field. Shorter
//! ones (林, 田中), which trigram cannot serve, scan the narrow names table
//! (names, readings, company, tags) with `instr` when they stand alone, and
//! check every field of the long terms' hits when they do not. A
//! phone-like term also matches by its digits, so `09012345678` finds
//! `090-1234-5678`. User text only ever travels as bound parameters: inside
//! the FTS5 expression each term is an FTS5 string literal with `"` doubled,
//! so `"` or `AND (` are searched for as text.

use crate::domain::customer::CustomerProfile;
use crate::domain::{kana, romaji};

/// The largest window of rows one call returns.
pub const MAX_PAGE: u32 = 500;

pub type Documents = (String, String);

/// The folded text a customer is found by: `(names, doc)`. Fields are
/// separated by newlines so that no match spans two fields; names also appear
/// joined without a space, so "山田太郎" finds 山田 太郎.
pub fn documents(p: &CustomerProfile) -> Documents {
    let mut names: Vec<String> = vec![
        p.family_name.clone(),
        p.given_name.clone(),
        format!("{}{}", p.family_name, p.given_name),
        format!("{}{}", p.given_name, p.family_name),
        p.family_name_reading.clone(),
        p.given_name_reading.clone(),
        format!("{}{}", p.family_name_reading, p.given_name_reading),
        p.company.clone(),
    ];
    names.extend(p.tags.iter().cloned());
    names.retain(|n| !n.is_empty());
    names.dedup();
    let names = fold_lines(names.iter().map(String::as_str));

    let mut fields: Vec<String> = vec![names.clone(), p.title.clone()];
    for phone in &p.phones {
        fields.push(phone.number.clone());
        fields.push(kana::digits(&phone.number));
    }
    fields.extend(p.emails.iter().map(|e| e.address.clone()));
    for a in &p.addresses {
        fields.push(format!(
            "{} {}{}{} {}",
            a.postal_code, a.region, a.locality, a.street, a.extended
        ));
        fields.push(kana::digits(&a.postal_code));
    }
    for m in &p.family_members {
        fields.push(m.name.clone());
        fields.push(m.reading.clone());
    }
    fields.extend(p.important_dates.iter().map(|d| d.label.clone()));
    fields.push(p.likes.clone());
    fields.push(p.notes.clone());
    fields.push(p.met_how.clone());
    fields.retain(|f| !f.trim().is_empty());
    let doc = fold_lines(fields.iter().map(String::as_str));
    (names, doc)
}

/// Folds every line and leaves out a line another one holds (山田 beside
/// 山田太郎): a term found in it is found in the longer one, and each
/// character left out is a few entries fewer in the trigram index, which
/// is most of an import's time.
/// Documents of up to this many lines are rid of lines another one holds.
const COMPARED_LINES: usize = 64;

fn fold_lines<'a>(parts: impl Iterator<Item = &'a str>) -> String {
    let lines: Vec<String> = parts
        .flat_map(str::lines)
        .map(kana::fold)
        .filter(|l| !l.is_empty())
        .collect();
    // Notes of thousands of lines are only rid of repeated lines: testing
    // every line against every other would cost their square.
    if lines.len() > COMPARED_LINES {
        let mut seen = std::collections::HashSet::new();
        let kept: Vec<&str> = lines
            .iter()
            .map(String::as_str)
            .filter(|l| seen.insert(*l))
            .collect();
        return kept.join("\n");
    }
    let held_elsewhere = |i: usize| {
        lines.iter().enumerate().any(|(j, other)| {
            j != i
                && other.contains(lines[i].as_str())
                // Of two equal lines the first stays.
                && (other.len() > lines[i].len() || j < i)
        })
    };
    let kept: Vec<&str> = (0..lines.len())
        .filter(|&i| !held_elsewhere(i))
        .map(|i| lines[i].as_str())
        .collect();
    kept.join("\n")
}

/// A query split into what the index serves and what must be scanned.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SearchPlan {
    /// An FTS5 expression over 3+ character terms, or `None`.
    pub fts: Option<String>,
    /// Short terms; each inner list holds alternatives, any of which matches.
    pub scans: Vec<Vec<String>>,
    /// The first term, used to rank name matches first.
    pub rank: Option<String>,
}

/// Splits a search text into folded terms for the index and for the scan.
pub fn plan(text: &str) -> SearchPlan {
    let folded = kana::fold(text);
    let mut plan = SearchPlan::default();
    let mut fts_terms = Vec::new();
    for term in folded.split(' ').filter(|t| !t.is_empty()) {
        let mut alternatives = vec![term.to_owned()];
        if kana::is_phone_like(term) {
            let digits = kana::digits(term);
            if digits != term {
                alternatives.push(digits);
            }
        }
        // `aikawa` also looks for あいかわ, however its long vowels are spelt.
        alternatives.extend(romaji::kana_variants(term));
        if plan.rank.is_none() {
            plan.rank = Some(term.to_owned());
        }
        if alternatives.iter().all(|a| a.chars().count() >= 3) {
            let literals: Vec<String> = alternatives.iter().map(|a| fts_string(a)).collect();
            fts_terms.push(format!("({})", literals.join(" OR ")));
        } else {
            plan.scans.push(alternatives);
        }
    }
    if !fts_terms.is_empty() {
        plan.fts = Some(fts_terms.join(" AND "));
    }
    plan
}

/// An FTS5 string literal: the text between double quotes, with embedded
/// quotes doubled, is matched as a phrase of plain text.
fn fts_string(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_terms_scan_and_long_terms_use_the_index() {
        let p = plan("田中 やまだ");
        assert_eq!(p.scans, vec![vec!["田中".to_owned()]]);
        assert_eq!(p.fts.as_deref(), Some("(\"やまだ\")"));
        assert_eq!(p.rank.as_deref(), Some("田中"));
    }

    #[test]
    fn phone_terms_also_match_by_digits() {
        let p = plan("090-1234");
        assert_eq!(p.fts.as_deref(), Some("(\"090-1234\" OR \"0901234\")"));
    }

    #[test]
    fn romaji_terms_also_look_for_readings() {
        let p = plan("aikawa");
        assert_eq!(p.fts.as_deref(), Some("(\"aikawa\" OR \"あいかわ\")"));
        // おの is too short for the index, so the term is scanned.
        let p = plan("ono");
        assert!(p.fts.is_none());
        assert!(p.scans[0].contains(&"おおの".to_owned()));
    }

    #[test]
    fn quotes_in_terms_are_doubled_inside_a_literal() {
        let p = plan("a\"b\"c");
        assert_eq!(p.fts.as_deref(), Some("(\"a\"\"b\"\"c\")"));
        assert_eq!(plan("   ").fts, None);
    }

    #[test]
    fn a_line_another_holds_is_indexed_once() {
        let p = CustomerProfile {
            family_name: "山田".to_owned(),
            given_name: "太郎".to_owned(),
            family_name_reading: "ヤマダ".to_owned(),
            given_name_reading: "タロウ".to_owned(),
            company: "山田".to_owned(),
            notes: "太郎".to_owned(),
            ..CustomerProfile::default()
        };
        let (names, doc) = documents(&p);
        assert_eq!(names, "山田太郎\n太郎山田\nやまだたろう");
        assert_eq!(doc, names);
    }

    #[test]
    fn long_notes_keep_every_distinct_line() {
        let notes: Vec<String> = (0..200).map(|i| format!("note{i}")).collect();
        let p = CustomerProfile {
            family_name: "山田".to_owned(),
            notes: format!("{}\nnote1", notes.join("\n")),
            ..CustomerProfile::default()
        };
        let (_, doc) = documents(&p);
        let lines: Vec<&str> = doc.lines().collect();
        // note1 is also inside note10…, but past the compared size only the
        // repeated line goes.
        assert_eq!(lines.len(), 201);
        assert_eq!(lines.iter().filter(|l| **l == "note1").count(), 1);
    }
}
