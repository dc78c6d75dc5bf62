//! Romaji, both ways: a search typed in Latin letters reaches readings in
//! kana (`aikawa` → あいかわ), and a name known only by its reading can be
//! written in Latin letters for an English message (やまだ → Yamada).
//!
//! Japanese is romanised several ways: Hepburn (`shi`, `tsu`, `fu`) and
//! Kunrei (`si`, `tu`, `hu`), and long vowels written doubled (`oo`, `ou`),
//! with a macron (`ō`), with a circumflex (`ô`), with an `h` (`oh`) or not
//! at all, as passports do (大野 → Ono). Conversion itself is `wana_kana`'s;
//! what is here is the folding of long vowels, so that `ohno`, `ono` and
//! `oono` all reach おおの.

use wana_kana::ConvertJapanese;

/// The most spellings one search term expands to: a long word with many
/// o and u sounds would otherwise multiply them.
const MAX_VARIANTS: usize = 32;

/// Whether `term` could be romaji: Latin letters (with macrons or
/// circumflexes) and apostrophes only, two or more of them.
pub fn is_romaji_term(term: &str) -> bool {
    term.chars().count() >= 2
        && term.chars().all(|c| {
            c.is_ascii_alphabetic() || c == '\'' || c == '-' || long_vowel_letter(c).is_some()
        })
}

/// ō, ô, ū, û… as the short vowel they lengthen.
fn long_vowel_letter(c: char) -> Option<char> {
    match c {
        'ā' | 'â' | 'Ā' | 'Â' => Some('a'),
        'ī' | 'î' | 'Ī' | 'Î' => Some('i'),
        'ū' | 'û' | 'Ū' | 'Û' => Some('u'),
        'ē' | 'ê' | 'Ē' | 'Ê' => Some('e'),
        'ō' | 'ô' | 'Ō' | 'Ô' => Some('o'),
        _ => None,
    }
}

/// Romaji with every long vowel written short: `ohno`, `oono`, `ōno` and
/// `ouno` all become `ono`.
fn short_vowels(term: &str) -> String {
    let lower: Vec<char> = term
        .to_lowercase()
        .chars()
        .map(|c| long_vowel_letter(c).unwrap_or(c))
        .filter(|c| *c != '-')
        .collect();
    let mut out = String::with_capacity(lower.len());
    let mut i = 0;
    while i < lower.len() {
        let c = lower[i];
        out.push(c);
        let next = lower.get(i + 1).copied();
        let after = lower.get(i + 2).copied();
        i += 1;
        match (c, next) {
            // oo, ou, uu: one long vowel.
            ('o', Some('o' | 'u')) | ('u', Some('u')) => i += 1,
            // The passport's "oh" before a consonant (Ohno, Ohta).
            ('o', Some('h')) if after.is_none_or(|a| !"aiueoy".contains(a)) => i += 1,
            _ => {}
        }
    }
    out
}

/// Whether a kana ends in the vowel o or u, and so can be lengthened.
fn vowel_of(kana: char) -> Option<char> {
    const O_ROW: &str = "おこごそぞとどのほぼぽもよろをょぉ";
    const U_ROW: &str = "うくぐすずつづぬふぶぷむゆるゅぅゔ";
    if O_ROW.contains(kana) {
        Some('o')
    } else if U_ROW.contains(kana) {
        Some('u')
    } else {
        None
    }
}

/// The readings in hiragana that a romaji search term may mean: every
/// combination of short and long o and u sounds (`sato` → さと, さとう,
/// さとお). Empty when the term is not romaji or does not convert wholly
/// into kana.
pub fn kana_variants(term: &str) -> Vec<String> {
    if !is_romaji_term(term) {
        return Vec::new();
    }
    let kana = short_vowels(term).to_hiragana();
    if kana.chars().any(|c| c.is_ascii_alphabetic()) {
        return Vec::new();
    }
    let mut variants = vec![String::new()];
    for c in kana.chars() {
        let lengthened: &[&str] = match vowel_of(c) {
            Some('o') => &["", "う", "お"],
            Some(_) => &["", "う"],
            None => &[""],
        };
        let mut next = Vec::with_capacity(variants.len() * lengthened.len());
        for v in &variants {
            for tail in lengthened {
                if next.len() >= MAX_VARIANTS {
                    break;
                }
                next.push(format!("{v}{c}{tail}"));
            }
        }
        variants = next;
    }
    variants
}

/// A reading in kana written in Latin letters as a name is on a passport:
/// long vowels short, capitalised (さとう → Sato, おおの → Ono). `None` when
/// the reading holds anything but kana.
pub fn latin_name(reading: &str) -> Option<String> {
    let reading = reading.trim();
    if reading.is_empty() || !reading.chars().all(super::kana::is_kana) {
        return None;
    }
    let romaji = short_vowels(&reading.to_romaji());
    if !romaji.chars().all(|c| c.is_ascii_alphabetic() || c == '\'') {
        return None;
    }
    let mut chars = romaji.chars();
    chars
        .next()
        .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hepburn_and_kunrei_reach_the_same_reading() {
        assert!(kana_variants("aikawa").contains(&"あいかわ".to_owned()));
        assert!(kana_variants("hayashi").contains(&"はやし".to_owned()));
        assert!(kana_variants("hayasi").contains(&"はやし".to_owned()));
        assert!(kana_variants("tsutsumi").contains(&"つつみ".to_owned()));
        assert!(kana_variants("tutumi").contains(&"つつみ".to_owned()));
        assert!(kana_variants("fujii").contains(&"ふじい".to_owned()));
        assert!(kana_variants("huzii").contains(&"ふじい".to_owned()));
    }

    #[test]
    fn long_vowels_however_written_reach_the_reading() {
        for spelling in ["ohno", "ono", "oono", "ōno", "ôno", "ouno"] {
            assert!(
                kana_variants(spelling).contains(&"おおの".to_owned()),
                "{spelling}: {:?}",
                kana_variants(spelling)
            );
        }
        assert!(kana_variants("sato").contains(&"さとう".to_owned()));
        assert!(kana_variants("yuko").contains(&"ゆうこ".to_owned()));
        // "oh" before a vowel is not a long vowel: おはら.
        assert!(kana_variants("ohara").contains(&"おはら".to_owned()));
    }

    #[test]
    fn only_romaji_is_expanded() {
        assert!(kana_variants("田中").is_empty());
        assert!(kana_variants("x").is_empty());
        assert!(kana_variants("090").is_empty());
        assert!(kana_variants("qqq").is_empty());
        assert!(kana_variants("ryuunosuke").len() <= MAX_VARIANTS);
    }

    #[test]
    fn readings_become_passport_names() {
        assert_eq!(latin_name("やまだ").as_deref(), Some("Yamada"));
        assert_eq!(latin_name("さとう").as_deref(), Some("Sato"));
        assert_eq!(latin_name("おおの").as_deref(), Some("Ono"));
        assert_eq!(latin_name("ヤマダ").as_deref(), Some("Yamada"));
        assert_eq!(latin_name("山田"), None);
        assert_eq!(latin_name(""), None);
    }
}
