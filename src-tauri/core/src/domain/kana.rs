//! Japanese text rules: folding for search (NFKC, lower case, katakana to
//! hiragana), the 五十音 sort key, and family-first display of names.

use unicode_normalization::UnicodeNormalization;

/// Folds text so that hiragana, katakana, half-width and full-width forms
/// compare equal: NFKC (ｶﾀｶﾅ → カタカナ, ＡＢＣ → ABC), lower case, then
/// katakana shifted onto hiragana. Runs of whitespace become one space.
pub fn fold(text: &str) -> String {
    // Most text is already in NFKC (only half-width kana and full-width
    // letters are not); the check is far cheaper than normalising.
    if unicode_normalization::is_nfkc_quick(text.chars())
        == unicode_normalization::IsNormalized::Yes
    {
        return fold_chars(text.chars());
    }
    fold_chars(text.nfkc())
}

fn fold_chars(chars: impl Iterator<Item = char>) -> String {
    let (low, _) = chars.size_hint();
    let mut out = String::with_capacity(low);
    let mut pending_space = false;
    for c in chars.flat_map(char::to_lowercase) {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(katakana_to_hiragana(c));
    }
    out
}

/// The katakana block U+30A1..=U+30F6 sits exactly 0x60 above its hiragana
/// twins; ヷ..ヺ have no hiragana form and stay as they are.
fn katakana_to_hiragana(c: char) -> char {
    match c {
        '\u{30A1}'..='\u{30F6}' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
        _ => c,
    }
}

/// The digits of a phone number, after NFKC so that full-width ０９０ counts.
pub fn digits(text: &str) -> String {
    text.nfkc().filter(char::is_ascii_digit).collect()
}

/// A reading in its one stored form: NFKC (ｶﾀｶﾅ → カタカナ, ＡＢＣ → ABC),
/// then katakana as hiragana (ヤマダ → やまだ). ー and Latin letters stay.
pub fn reading(text: &str) -> String {
    text.nfkc().map(katakana_to_hiragana).collect()
}

/// A phone number as stored: half-width digits and signs (０９０ → 090), and
/// the dashes an input method offers (ー, −, ‐) as `-`.
pub fn phone_number(text: &str) -> String {
    text.nfkc()
        .map(|c| match c {
            'ー' | '−' | '‐' | '‑' | '–' | '—' | '―' | 'ｰ' => '-',
            other => other,
        })
        .collect()
}

/// Whether a Japanese number is a mobile one: 070, 080 or 090, also written
/// internationally (+81 90…).
pub fn is_mobile(number: &str) -> bool {
    mobile_number(number).is_some()
}

/// A Japanese mobile number as its 11 national digits (`09012345678`),
/// however it was written (`090-1234-5678`, `+81 90 1234 5678`); `None`
/// for any other number.
pub fn mobile_number(number: &str) -> Option<String> {
    let digits = digits(number);
    let national = if number.trim_start().starts_with('+') || number.trim_start().starts_with('＋')
    {
        format!("0{}", digits.strip_prefix("81")?.trim_start_matches('0'))
    } else {
        digits
    };
    (national.len() == 11
        && ["070", "080", "090"]
            .iter()
            .any(|p| national.starts_with(p)))
    .then_some(national)
}

/// The label a number keeps: a mobile number filed under a generic or home
/// label (an address book's 「電話」 column, TEL;TYPE=HOME) is a mobile one.
pub fn phone_label(label: &str, number: &str) -> String {
    if is_mobile(number) {
        match label {
            "自宅" | "電話" | "TEL" => return "携帯".to_owned(),
            "home" | "phone" | "tel" => return "mobile".to_owned(),
            _ => {}
        }
    }
    label.to_owned()
}

/// Whether `text` looks like (part of) a phone number: digits with the usual
/// separators, and at least two digits.
pub fn is_phone_like(text: &str) -> bool {
    let folded: String = text.nfkc().collect();
    let digit_count = folded.chars().filter(char::is_ascii_digit).count();
    digit_count >= 2
        && folded.chars().all(|c| {
            c.is_ascii_digit() || matches!(c, '-' | '+' | '(' | ')' | '.' | ' ' | 'ー' | '‐' | '−')
        })
}

pub fn is_kana(c: char) -> bool {
    matches!(c,
        '\u{3041}'..='\u{3096}'   // hiragana
        | '\u{309D}'..='\u{309F}' // hiragana iteration marks
        | '\u{30A1}'..='\u{30FA}' // katakana
        | '\u{30FC}'..='\u{30FF}' // prolonged sound mark, iteration marks
        | '\u{FF66}'..='\u{FF9F}' // half-width katakana
        | '\u{3099}'..='\u{309C}') // (semi-)voiced sound marks
}

/// CJK ideographs and kana: a name written this way is shown family-first.
pub fn is_japanese_script(c: char) -> bool {
    is_kana(c)
        || matches!(c,
            '\u{4E00}'..='\u{9FFF}'     // CJK unified ideographs
            | '\u{3400}'..='\u{4DBF}'   // extension A
            | '\u{F900}'..='\u{FAFF}'   // compatibility ideographs
            | '\u{20000}'..='\u{2FA1F}' // extensions B and beyond
            | '\u{3005}'..='\u{3007}') // 々 〆 〇
}

/// A reading may hold kana, Latin letters (for foreign names), spaces and the
/// punctuation names use; never kanji, which is what a reading replaces.
pub fn is_valid_reading(text: &str) -> bool {
    text.chars().all(|c| {
        is_kana(c)
            || c.is_ascii_alphabetic()
            || c.is_whitespace()
            || matches!(c, '・' | '･' | '-' | '\'' | '.' | '＝' | '=')
            || ('\u{FF21}'..='\u{FF5A}').contains(&c) // full-width Latin
    })
}

/// How a customer's name is shown: Japanese names family-first
/// ("山田 太郎"), others given-first ("Ada Lovelace"). Falls back to the
/// company when no name is known.
pub fn display_name(family: &str, given: &str, company: &str) -> String {
    let family = family.trim();
    let given = given.trim();
    let japanese = family.chars().chain(given.chars()).any(is_japanese_script);
    let name = match (family.is_empty(), given.is_empty()) {
        (true, true) => String::new(),
        (false, true) => family.to_owned(),
        (true, false) => given.to_owned(),
        (false, false) if japanese => format!("{family} {given}"),
        (false, false) => format!("{given} {family}"),
    };
    if name.is_empty() {
        company.trim().to_owned()
    } else {
        name
    }
}

/// The reading shown under a name, in the same order as the name.
pub fn display_reading(
    family: &str,
    given: &str,
    family_reading: &str,
    given_reading: &str,
) -> String {
    let japanese = family.chars().chain(given.chars()).any(is_japanese_script);
    let (first, second) = if japanese || (family.is_empty() && given.is_empty()) {
        (family_reading.trim(), given_reading.trim())
    } else {
        (given_reading.trim(), family_reading.trim())
    };
    match (first.is_empty(), second.is_empty()) {
        (true, true) => String::new(),
        (false, true) => first.to_owned(),
        (true, false) => second.to_owned(),
        (false, false) => format!("{first} {second}"),
    }
}

/// The key the customer list sorts by, compared byte-wise by SQLite.
///
/// Kana readings come first in 五十音 order, then Latin names A–Z, then names
/// that have neither (kanji without a reading), then nameless entries. The
/// kana part is hiragana in NFD, so that が sorts right after か-words and
/// before き-words, as in a Japanese dictionary.
pub fn sort_key(
    family: &str,
    given: &str,
    family_reading: &str,
    given_reading: &str,
    company: &str,
) -> String {
    let reading = format!("{}{}", family_reading.trim(), given_reading.trim());
    let reading = fold(&reading).replace(' ', "");
    if !reading.is_empty() && reading.chars().any(is_kana) {
        return format!("1{}", reading.nfd().collect::<String>());
    }
    // Latin names sort by family name first, as address books do.
    let name = if family.trim().is_empty() && given.trim().is_empty() {
        company.to_owned()
    } else {
        format!("{} {}", family.trim(), given.trim())
    };
    let folded = if reading.is_empty() {
        fold(&name)
    } else {
        reading
    };
    let first = folded.chars().next();
    match first {
        None => "4".to_owned(),
        Some(c) if c.is_ascii_alphanumeric() => format!("2{folded}"),
        Some(c) if is_kana(c) => format!("1{}", folded.nfd().collect::<String>()),
        Some(_) => format!("3{folded}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_are_stored_in_hiragana() {
        assert_eq!(reading("ﾔﾏﾀﾞ"), "やまだ");
        assert_eq!(reading("ヤマダ タロウ"), "やまだ たろう");
        assert_eq!(reading("やまだ"), "やまだ");
        assert_eq!(reading("ＳＭＩＴＨ"), "SMITH");
        assert_eq!(reading("セーラ"), "せーら");
    }

    #[test]
    fn phone_numbers_get_half_width_digits_and_one_hyphen() {
        assert_eq!(phone_number("０９０ー１２３４ー５６７８"), "090-1234-5678");
        assert_eq!(
            phone_number("＋８１ ９０−１２３４−５６７８"),
            "+81 90-1234-5678"
        );
        assert_eq!(phone_number("03-1234-5678"), "03-1234-5678");
    }

    #[test]
    fn mobile_numbers_are_known_by_their_prefix() {
        assert!(is_mobile("090-1234-5678"));
        assert!(is_mobile("０８０１２３４５６７８"));
        assert!(is_mobile("070 1234 5678"));
        assert!(is_mobile("+81 90-1234-5678"));
        assert!(is_mobile("+81-(0)80-1234-5678"));
        assert!(!is_mobile("03-1234-5678"));
        assert!(!is_mobile("0120-123-456"));
        assert!(!is_mobile("+1 090 1234 5678"));
        assert!(!is_mobile("090-1234"));
        assert_eq!(phone_label("自宅", "090-1234-5678"), "携帯");
        assert_eq!(phone_label("home", "+81 80 1234 5678"), "mobile");
        assert_eq!(phone_label("自宅", "03-1234-5678"), "自宅");
        assert_eq!(phone_label("会社", "090-1234-5678"), "会社");
    }

    #[test]
    fn folding_makes_kana_and_widths_equal() {
        assert_eq!(fold("ヤマダ"), "やまだ");
        assert_eq!(fold("ﾔﾏﾀﾞ"), "やまだ");
        assert_eq!(fold("やまだ"), "やまだ");
        assert_eq!(fold("ＡＢＣ１２３"), "abc123");
        assert_eq!(fold("  Taro   YAMADA "), "taro yamada");
        assert_eq!(fold("ヴァイオリン"), "ゔぁいおりん");
    }

    #[test]
    fn digits_ignore_separators_and_width() {
        assert_eq!(digits("090-1234-5678"), "09012345678");
        assert_eq!(digits("（０３）１２３４－５６７８"), "0312345678");
        assert!(is_phone_like("090-1234"));
        assert!(is_phone_like("０９０１２３４"));
        assert!(!is_phone_like("tanaka"));
        assert!(!is_phone_like("7"));
    }

    #[test]
    fn japanese_names_are_family_first() {
        assert_eq!(display_name("山田", "太郎", ""), "山田 太郎");
        assert_eq!(display_name("Lovelace", "Ada", ""), "Ada Lovelace");
        assert_eq!(display_name("", "", "株式会社まるや"), "株式会社まるや");
        assert_eq!(
            display_reading("山田", "太郎", "やまだ", "たろう"),
            "やまだ たろう"
        );
    }

    #[test]
    fn readings_sort_in_gojuon_order_before_latin_and_unread_kanji() {
        let mut keys = [
            ("Brown", "", "", ""),
            ("木村", "", "きむら", ""),
            ("河野", "", "かわの", ""),
            ("蒲田", "", "かまた", ""),
            ("我妻", "", "がつま", ""),
            ("Adams", "", "", ""),
            ("謎", "", "", ""),
            ("相田", "", "アイダ", ""),
        ]
        .map(|(f, g, fr, gr)| (sort_key(f, g, fr, gr, ""), f));
        keys.sort();
        let order: Vec<&str> = keys.iter().map(|(_, f)| *f).collect();
        assert_eq!(
            order,
            [
                "相田", "蒲田", "河野", "我妻", "木村", "Adams", "Brown", "謎"
            ]
        );
    }

    #[test]
    fn readings_refuse_kanji() {
        assert!(is_valid_reading("やまだ タロウ"));
        assert!(is_valid_reading("ﾔﾏﾀﾞ"));
        assert!(is_valid_reading("Smith"));
        assert!(!is_valid_reading("山田"));
    }
}
