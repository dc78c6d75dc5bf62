//! Message drafts: the user's templates (or the built-in ones) filled in
//! the customer's own language, with their name and honorific placed as
//! that language places them, the occasion, the item bought and a topic to
//! ask about.
//!
//! A draft must read as if the salesperson wrote it. So nothing is pasted
//! that was not written for a message (no notes, no likes), and a part of a
//! template in `[square brackets]` is left out when a placeholder inside it
//! has nothing to say — no item, no topic, or (in English) only a value
//! written in Japanese, which would leave a sentence in two scripts.

use chrono::NaiveDate;

use super::headline::{occasion_name, step_name};
use super::season::Season;
use super::{Candidate, DraftLanguage, FollowUpKind, OccurrenceKey, ReminderKind};
use crate::domain::customer::NO_HONORIFIC;
use crate::domain::kana::is_japanese_script;
use crate::domain::romaji;
use crate::domain::settings::Settings;
/// Who a draft is addressed to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Addressee {
    pub display_name: String,
    pub family_name: String,
    pub given_name: String,
    pub family_reading: String,
    pub given_reading: String,
    /// Empty means the language's default; [`NO_HONORIFIC`] none.
    pub honorific: String,
    /// Something to ask about (話題); may be empty.
    pub topic: String,
}

/// Whether text is free of Japanese script, and so fits an English sentence.
fn is_latin(text: &str) -> bool {
    !text.chars().any(is_japanese_script)
}

/// Honorifics written after the family name alone, without a space:
/// 山田さん, 山田先生.
const AFTER_FAMILY_NAME: [&str; 4] = ["さん", "先生", "くん", "ちゃん"];

impl Addressee {
    /// A name part in Latin letters: as written, or from its reading
    /// (やまだ → Yamada); empty when neither is possible.
    fn latin(name: &str, reading: &str) -> String {
        if !name.is_empty() && is_latin(name) {
            name.to_owned()
        } else {
            romaji::latin_name(reading).unwrap_or_default()
        }
    }

    fn latin_given(&self) -> String {
        Self::latin(&self.given_name, &self.given_reading)
    }

    fn latin_family(&self) -> String {
        Self::latin(&self.family_name, &self.family_reading)
    }

    /// The customer's name as a message addresses them: 山田 太郎 様,
    /// 山田さん, Mr Yamada, Claire. In English it may be empty (a name
    /// written only in kanji, with no reading).
    pub fn addressed(&self, language: DraftLanguage) -> String {
        let honorific = self.honorific.trim();
        match language {
            DraftLanguage::Ja => {
                if honorific == NO_HONORIFIC {
                    return self.display_name.clone();
                }
                // An English title (Ms) has no place in a Japanese message.
                let honorific = if honorific.is_empty() || is_latin(honorific) {
                    "様"
                } else {
                    honorific
                };
                let family = if self.family_name.is_empty() {
                    &self.given_name
                } else {
                    &self.family_name
                };
                if AFTER_FAMILY_NAME.contains(&honorific) && !family.is_empty() {
                    format!("{family}{honorific}")
                } else {
                    format!("{} {honorific}", self.display_name)
                }
            }
            DraftLanguage::En => {
                let title =
                    (!honorific.is_empty() && honorific != NO_HONORIFIC && is_latin(honorific))
                        .then_some(honorific);
                let family = self.latin_family();
                let given = self.latin_given();
                match title {
                    Some(title) if !family.is_empty() => format!("{title} {family}"),
                    _ if !given.is_empty() => given,
                    _ => family,
                }
            }
        }
    }

    /// The opening line: 山田 太郎 様 / Dear Mr Yamada, / Hello,
    pub fn greeting(&self, language: DraftLanguage) -> String {
        let name = self.addressed(language);
        match language {
            DraftLanguage::Ja => name,
            DraftLanguage::En if name.is_empty() => "Hello,".to_owned(),
            DraftLanguage::En => format!("Dear {name},"),
        }
    }
}

/// The template key of a reminder.
fn template_key(
    kind: ReminderKind,
    follow_up: Option<FollowUpKind>,
    belated: bool,
) -> &'static str {
    if belated {
        return "belated";
    }
    match (kind, follow_up) {
        (ReminderKind::Birthday, _) => "birthday",
        (ReminderKind::FamilyBirthday, _) => "family_birthday",
        (ReminderKind::ImportantDate, _) => "important_date",
        (ReminderKind::PurchaseAnniversary, _) => "purchase_anniversary",
        (ReminderKind::FollowUp, Some(FollowUpKind::ThankYou)) => "thank_you",
        (ReminderKind::FollowUp, Some(FollowUpKind::CheckIn)) => "check_in",
        (ReminderKind::FollowUp, Some(FollowUpKind::Satisfaction)) => "satisfaction",
        (ReminderKind::FollowUp, Some(FollowUpKind::Reorder)) => "reorder",
        (ReminderKind::FollowUp, _) => "follow_up",
        (ReminderKind::KeepInTouch, _) => "keep_in_touch",
        (ReminderKind::ReferralIntroduced, _) => "referral_introduced",
        (ReminderKind::ReferralBought, _) => "referral_bought",
        (ReminderKind::Custom | ReminderKind::Season, _) => "custom",
    }
}

/// What preparing the season's greetings means, instead of a message: it
/// is the salesperson's own task.
fn season_note(season: Season, language: DraftLanguage) -> &'static str {
    match (season, language) {
        (Season::NewYear, DraftLanguage::Ja) => {
            "宛先を選び、喪中はがきを確かめて、12月25日までに投函しましょう。お歳暮は12月20日までに。"
        }
        (Season::NewYear, DraftLanguage::En) => {
            "Choose who receives a card, check the mourning notices, and post them by 25 December. Year-end gifts by the 20th."
        }
        (Season::Summer, DraftLanguage::Ja) => {
            "お中元は7月15日までに。暑中見舞いは7月7日（小暑）から立秋まで。"
        }
        (Season::Summer, DraftLanguage::En) => {
            "Mid-year gifts arrive by 15 July; summer greetings go out from 7 July until early August."
        }
    }
}

/// Every template key, for the settings page.
pub const TEMPLATE_KEYS: [&str; 14] = [
    "birthday",
    "belated",
    "family_birthday",
    "important_date",
    "purchase_anniversary",
    "thank_you",
    "check_in",
    "satisfaction",
    "reorder",
    "follow_up",
    "keep_in_touch",
    "referral_introduced",
    "referral_bought",
    "custom",
];

/// The built-in message drafts. Placeholders: `{greeting}` (the opening
/// line), `{name}` (with honorific), `{given}`, `{occasion}`, `{years}`,
/// `{item}`, `{person}` (who was introduced), `{topic}`; `[…]` is left out
/// when a placeholder inside it is empty.
pub fn default_template(language: DraftLanguage, key: &str) -> &'static str {
    match (language, key) {
        (DraftLanguage::Ja, "birthday") => {
            "{greeting}\nお誕生日おめでとうございます。素敵な一年になりますように。いつもありがとうございます。"
        }
        (DraftLanguage::Ja, "belated") => {
            "{greeting}\n遅くなりましたが、{occasion}おめでとうございます。ささやかながらお祝いの気持ちをお伝えしたく、ご連絡しました。"
        }
        (DraftLanguage::Ja, "family_birthday") => {
            "{greeting}\n{occasion}、おめでとうございます。ご家族の皆さまによろしくお伝えください。"
        }
        (DraftLanguage::Ja, "important_date") => {
            "{greeting}\n{occasion}、おめでとうございます。これからもどうぞよろしくお願いいたします。"
        }
        (DraftLanguage::Ja, "purchase_anniversary") => {
            "{greeting}\n初めてお取引いただいてから{years}になりました。いつも本当にありがとうございます。"
        }
        (DraftLanguage::Ja, "thank_you") => {
            "{greeting}\nこのたびは[{item}を]お求めいただき、ありがとうございました。何かあればいつでもご連絡ください。"
        }
        (DraftLanguage::Ja, "check_in") => {
            "{greeting}\n先日は[{item}の件で]ありがとうございました。その後いかがでしょうか。気になる点があればお気軽にお知らせください。"
        }
        (DraftLanguage::Ja, "satisfaction") => {
            "{greeting}\n[{item}を]お使いいただいてしばらく経ちましたが、ご満足いただけているでしょうか。ひと言お聞かせいただけると嬉しいです。"
        }
        (DraftLanguage::Ja, "reorder") => {
            "{greeting}\n[{item}は]そろそろ少なくなっている頃でしょうか。ご入用でしたらご用意いたします。"
        }
        (DraftLanguage::Ja, "follow_up") => {
            "{greeting}\n先日は[{item}を]お求めいただき、ありがとうございました。その後いかがでしょうか。"
        }
        (DraftLanguage::Ja, "keep_in_touch") => {
            "{greeting}\nご無沙汰しております。お変わりなくお過ごしでしょうか。[{topic}のこと、またお聞かせください。]"
        }
        (DraftLanguage::Ja, "referral_introduced") => {
            "{greeting}\n[{person}様を]ご紹介いただき、ありがとうございました。大切にお付き合いさせていただきます。"
        }
        (DraftLanguage::Ja, "referral_bought") => {
            "{greeting}\nご紹介のおかげで、先日[{person}様と]お取引させていただきました。本当にありがとうございます。"
        }
        (DraftLanguage::Ja, _) => "{greeting}\nお約束の[「{occasion}」の]件でご連絡しました。",
        (DraftLanguage::En, "birthday") => {
            "{greeting}\nHappy birthday! Wishing you a wonderful year ahead, and thank you for everything."
        }
        (DraftLanguage::En, "belated") => {
            "{greeting}\nA little late, but warmest wishes on {occasion}. I hope it was a wonderful day."
        }
        (DraftLanguage::En, "family_birthday") => {
            "{greeting}\nCongratulations on {occasion}! Please pass on my best wishes."
        }
        (DraftLanguage::En, "important_date") => {
            "{greeting}\nCongratulations on {occasion}. I look forward to many more years together."
        }
        (DraftLanguage::En, "purchase_anniversary") => {
            "{greeting}\nIt has been {years} since we first did business together. Thank you for your trust."
        }
        (DraftLanguage::En, "thank_you") => {
            "{greeting}\nThank you for your recent purchase[ of {item}]. If anything comes up, I am always happy to help."
        }
        (DraftLanguage::En, "check_in") => {
            "{greeting}\nHow are you getting on[ with {item}]? Let me know if there is anything I can do."
        }
        (DraftLanguage::En, "satisfaction") => {
            "{greeting}\nIt has been a little while since your purchase[ of {item}]. Are you happy with it? A word from you would mean a lot."
        }
        (DraftLanguage::En, "reorder") => {
            "{greeting}\nYou may be running low[ on {item}] about now. Shall I set some aside for you?"
        }
        (DraftLanguage::En, "follow_up") => {
            "{greeting}\nThank you again for your recent purchase[ of {item}]. How is everything going?"
        }
        (DraftLanguage::En, "keep_in_touch") => {
            "{greeting}\nIt has been a while, and I hope all is well with you.[ I would love to hear how {topic} is going.]"
        }
        (DraftLanguage::En, "referral_introduced") => {
            "{greeting}\nThank you for the introduction[ to {person}]. I will take good care of them."
        }
        (DraftLanguage::En, "referral_bought") => {
            "{greeting}\nYour introduction has led to new business[ with {person}]. Thank you so much."
        }
        (DraftLanguage::En, _) => {
            "{greeting}\nAs promised, I am getting in touch[ about \u{201c}{occasion}\u{201d}]."
        }
    }
}

/// Family relations an English message can name: 長女 → daughter.
fn relation_en(relation: &str) -> Option<&'static str> {
    Some(match relation {
        "妻" | "奥様" | "奥さま" => "wife",
        "夫" | "ご主人" | "旦那様" => "husband",
        "長男" | "次男" | "三男" | "息子" | "息子さん" => "son",
        "長女" | "次女" | "三女" | "娘" | "娘さん" | "お嬢さん" => "daughter",
        "父" | "お父様" => "father",
        "母" | "お母様" => "mother",
        "祖父" => "grandfather",
        "祖母" => "grandmother",
        "孫" => "grandchild",
        "兄" | "弟" => "brother",
        "姉" | "妹" => "sister",
        _ => return None,
    })
}

/// The first letter in lower case: "Wedding anniversary" → "wedding anniversary".
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The occasion in words, as a draft names it; empty when it cannot be
/// said in the language (a promise written in Japanese, in English).
fn occasion(c: &Candidate, language: DraftLanguage) -> String {
    use DraftLanguage::{En, Ja};
    match (c.kind, language) {
        (ReminderKind::FollowUp, _) => step_name(c.follow_up, &c.subject, language),
        (ReminderKind::KeepInTouch, Ja) => "ご無沙汰".to_owned(),
        (ReminderKind::KeepInTouch, En) => "keeping in touch".to_owned(),
        (ReminderKind::Birthday, En) => match c.years {
            Some(_) => format!("your {}", occasion_name(c, En)),
            None => "your birthday".to_owned(),
        },
        (ReminderKind::FamilyBirthday, Ja) if !c.subject.is_empty() => {
            format!("{}さんのお誕生日", c.subject)
        }
        (ReminderKind::FamilyBirthday, Ja) => "ご家族のお誕生日".to_owned(),
        (ReminderKind::FamilyBirthday, En) => {
            let (relation, _) = c.subject.split_once(' ').unwrap_or((&c.subject, ""));
            if !c.subject.is_empty() && is_latin(&c.subject) {
                format!("{}'s birthday", c.subject)
            } else if let Some(relation) = relation_en(relation) {
                format!("your {relation}'s birthday")
            } else {
                "the birthday in your family".to_owned()
            }
        }
        (ReminderKind::ImportantDate, En) if !c.subject.is_empty() && is_latin(&c.subject) => {
            format!("your {}", lower_first(&c.subject))
        }
        (ReminderKind::ImportantDate, En) => "your special day".to_owned(),
        // Templates saved by earlier releases name the person introduced
        // with {occasion}; it keeps that meaning.
        (ReminderKind::ReferralIntroduced | ReminderKind::ReferralBought, Ja) => {
            format!("{}様", c.subject)
        }
        _ => occasion_name(c, language),
    }
}

/// How long since the first purchase: 3年 / a year / 3 years.
fn years_since(c: &Candidate, language: DraftLanguage) -> String {
    let years = c.years.unwrap_or(1).max(1);
    match (language, years) {
        (DraftLanguage::Ja, n) => format!("{n}年"),
        (DraftLanguage::En, 1) => "a year".to_owned(),
        (DraftLanguage::En, n) => format!("{n} years"),
    }
}

/// The draft of a reminder on `today`, in `language` (the customer's);
/// `item` is what a follow-up's purchase was.
pub fn draft(
    c: &Candidate,
    item: &str,
    today: NaiveDate,
    info: Option<&Addressee>,
    settings: &Settings,
    language: DraftLanguage,
) -> String {
    if let OccurrenceKey::Season { season, .. } = c.key {
        return season_note(season, language).to_owned();
    }
    let belated = c.kind.is_dated() && c.occasion_on < today && !c.key.is_lead();
    let key = template_key(c.kind, c.follow_up, belated);
    let template = settings
        .templates
        .get(&format!("{}.{key}", language.as_str()))
        .filter(|t| !t.trim().is_empty())
        .map_or_else(|| default_template(language, key), String::as_str);
    let nobody = Addressee::default();
    let who = info.unwrap_or(&nobody);
    let person = match c.kind {
        ReminderKind::ReferralIntroduced | ReminderKind::ReferralBought => c.subject.clone(),
        _ => String::new(),
    };
    let promise = match c.kind {
        ReminderKind::Custom => c.subject.clone(),
        _ => occasion(c, language),
    };
    // The given name, or the family name when there is none (as templates
    // of earlier releases expect).
    let given = match language {
        DraftLanguage::Ja if who.given_name.is_empty() => who.family_name.clone(),
        DraftLanguage::Ja => who.given_name.clone(),
        DraftLanguage::En => Some(who.latin_given())
            .filter(|g| !g.is_empty())
            .unwrap_or_else(|| who.latin_family()),
    };
    // {note} of earlier templates said something about the customer: the
    // topic now, or a general word so that their sentence still reads.
    let note = if who.topic.is_empty() {
        match language {
            DraftLanguage::Ja => "近況".to_owned(),
            DraftLanguage::En => "things".to_owned(),
        }
    } else {
        who.topic.clone()
    };
    let values = [
        ("greeting", who.greeting(language)),
        ("name", who.addressed(language)),
        ("given", given),
        ("occasion", promise),
        ("years", years_since(c, language)),
        ("item", item.to_owned()),
        ("person", person),
        ("topic", who.topic.clone()),
        ("note", note),
    ];
    let values: Vec<(&str, String)> = values
        .into_iter()
        .map(|(name, value)| {
            // In English, a value written in Japanese counts as missing.
            let usable = language == DraftLanguage::Ja || is_latin(&value);
            (name, if usable { value } else { String::new() })
        })
        .collect();
    tidy(&render(template, &values))
}

/// One reminder of each template, about made-up occasions, so that the
/// settings page can show every template addressed to a real customer.
pub fn samples(
    today: NaiveDate,
    language: DraftLanguage,
) -> Vec<(&'static str, Candidate, String)> {
    let (member, date, person, promise, item) = match language {
        DraftLanguage::Ja => (
            "長女 彩",
            "結婚記念日",
            "佐藤 花子",
            "カタログをお届けする",
            "本マグロ",
        ),
        DraftLanguage::En => (
            "Emma",
            "Wedding anniversary",
            "Emma Brown",
            "the catalogue",
            "the new car",
        ),
    };
    let birthday = |lead: bool, on: NaiveDate| OccurrenceKey::Birthday {
        customer: 0,
        on,
        lead,
    };
    let mut out = Vec::new();
    for key in TEMPLATE_KEYS {
        let (occurrence, kind, follow_up, subject, on) = match key {
            "birthday" => (
                birthday(false, today),
                ReminderKind::Birthday,
                None,
                "",
                today,
            ),
            "belated" => {
                let on = super::add_days(today, -3);
                (birthday(false, on), ReminderKind::Birthday, None, "", on)
            }
            "family_birthday" => (
                OccurrenceKey::FamilyBirthday {
                    customer: 0,
                    member: member.to_owned(),
                    on: today,
                    lead: false,
                },
                ReminderKind::FamilyBirthday,
                None,
                member,
                today,
            ),
            "important_date" => (
                OccurrenceKey::ImportantDate {
                    customer: 0,
                    label: date.to_owned(),
                    on: today,
                    lead: false,
                },
                ReminderKind::ImportantDate,
                None,
                date,
                today,
            ),
            "purchase_anniversary" => (
                OccurrenceKey::PurchaseAnniversary {
                    customer: 0,
                    on: today,
                },
                ReminderKind::PurchaseAnniversary,
                None,
                "",
                today,
            ),
            "keep_in_touch" => (
                OccurrenceKey::KeepInTouch {
                    customer: 0,
                    since: 0,
                },
                ReminderKind::KeepInTouch,
                None,
                "",
                super::add_days(today, -90),
            ),
            "referral_introduced" => (
                OccurrenceKey::ThanksIntroduced { referral: 0 },
                ReminderKind::ReferralIntroduced,
                None,
                person,
                today,
            ),
            "referral_bought" => (
                OccurrenceKey::ThanksBought { referral: 0 },
                ReminderKind::ReferralBought,
                None,
                person,
                today,
            ),
            "custom" => (
                OccurrenceKey::Promise { id: 0 },
                ReminderKind::Custom,
                None,
                promise,
                today,
            ),
            step => {
                let follow_up = match step {
                    "thank_you" => FollowUpKind::ThankYou,
                    "check_in" => FollowUpKind::CheckIn,
                    "satisfaction" => FollowUpKind::Satisfaction,
                    "reorder" => FollowUpKind::Reorder,
                    _ => FollowUpKind::Custom,
                };
                (
                    OccurrenceKey::FollowUp {
                        purchase: 0,
                        step: 0,
                    },
                    ReminderKind::FollowUp,
                    Some(follow_up),
                    "",
                    super::add_days(today, -7),
                )
            }
        };
        let mut c = Candidate::new(occurrence, kind, Some(0), today);
        c.occasion_on = on;
        c.follow_up = follow_up;
        c.subject = subject.to_owned();
        c.years = match kind {
            ReminderKind::PurchaseAnniversary => Some(3),
            _ => None,
        };
        let item = if kind == ReminderKind::FollowUp {
            item.to_owned()
        } else {
            String::new()
        };
        out.push((key, c, item));
    }
    out
}

/// Tidies what a user's template left behind when a value was missing:
/// doubled spaces, a space before punctuation, blank ends of lines.
fn tidy(text: &str) -> String {
    let mut lines = Vec::new();
    for line in text.lines() {
        let mut out = String::with_capacity(line.len());
        for c in line.chars() {
            if matches!(c, ',' | '.' | '!' | '?' | ';' | ':') && out.ends_with(' ') {
                out.pop();
            }
            if c == ' ' && (out.is_empty() || out.ends_with(' ')) {
                continue;
            }
            out.push(c);
        }
        lines.push(out.trim_end().to_owned());
    }
    lines.join("\n")
}

/// Fills `{placeholder}`s; an unknown one is left as typed, so a typo
/// shows. A `[part]` is kept only when every placeholder inside it has a
/// value; a `[` without its `]` is text.
pub fn render(template: &str, values: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('[') {
        out.push_str(&fill(&rest[..open], values).0);
        let after = &rest[open + 1..];
        match after.find(']') {
            Some(close) => {
                let (part, complete) = fill(&after[..close], values);
                if complete {
                    out.push_str(&part);
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(&fill(rest, values).0);
    out
}

/// Fills the placeholders of a stretch of template; also tells whether
/// every one of them had a value.
fn fill(template: &str, values: &[(&str, String)]) -> (String, bool) {
    let mut out = String::with_capacity(template.len() + 32);
    let mut complete = true;
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match values.iter().find(|(k, _)| *k == name) {
                    Some((_, value)) => {
                        complete &= !value.is_empty();
                        out.push_str(value);
                    }
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    (out, complete)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::reminder::test_support::day;

    /// The sample reminder of one template.
    fn sample(key: &str) -> Candidate {
        samples(day(2026, 12, 2), DraftLanguage::Ja)
            .into_iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, c, _)| c)
            .expect("a sample for every template")
    }

    /// The draft for `who` on 2 December 2026, in `language`.
    fn written(c: &Candidate, who: &Addressee, language: DraftLanguage) -> String {
        draft(
            c,
            "",
            day(2026, 12, 2),
            Some(who),
            &Settings::default(),
            language,
        )
    }

    fn yamada() -> Addressee {
        Addressee {
            display_name: "山田 太郎".to_owned(),
            family_name: "山田".to_owned(),
            given_name: "太郎".to_owned(),
            family_reading: "やまだ".to_owned(),
            given_reading: "たろう".to_owned(),
            ..Addressee::default()
        }
    }

    fn claire() -> Addressee {
        Addressee {
            display_name: "Claire Müller".to_owned(),
            family_name: "Müller".to_owned(),
            given_name: "Claire".to_owned(),
            ..Addressee::default()
        }
    }

    #[test]
    fn placeholders_are_filled_and_unknown_ones_left_visible() {
        let values = [
            ("name", "山田 太郎 様".to_owned()),
            ("item", "中トロ".to_owned()),
        ];
        assert_eq!(
            render("{name}、{item}はいかが？{typo} {", &values),
            "山田 太郎 様、中トロはいかが？{typo} {"
        );
    }

    #[test]
    fn templates_saved_by_an_earlier_release_still_read() {
        let mut settings = Settings::default();
        settings.templates.insert(
            "ja.keep_in_touch".to_owned(),
            "{name}\nご無沙汰しております。{note}のお話、またお聞かせください。".to_owned(),
        );
        settings.templates.insert(
            "ja.referral_introduced".to_owned(),
            "{name}\n{occasion}をご紹介いただき、ありがとうございました。".to_owned(),
        );
        settings.templates.insert(
            "ja.birthday".to_owned(),
            "{given}さん、おめでとう！".to_owned(),
        );
        let today = day(2026, 12, 2);
        let text = |key: &str, who: &Addressee| {
            let mut c = sample(key);
            if key == "referral_introduced" {
                c.subject = "佐藤 花子".to_owned();
            }
            draft(&c, "", today, Some(who), &settings, DraftLanguage::Ja)
        };
        assert_eq!(
            text("keep_in_touch", &yamada()),
            "山田 太郎 様\nご無沙汰しております。近況のお話、またお聞かせください。"
        );
        assert_eq!(
            text("referral_introduced", &yamada()),
            "山田 太郎 様\n佐藤 花子様をご紹介いただき、ありがとうございました。"
        );
        let mut family_only = yamada();
        family_only.given_name.clear();
        assert_eq!(text("birthday", &family_only), "山田さん、おめでとう！");
    }

    #[test]
    fn a_bracketed_part_is_left_out_when_its_value_is_missing() {
        let values = [("item", String::new()), ("topic", "ゴルフ".to_owned())];
        assert_eq!(render("a[ of {item}]. [{topic}!]", &values), "a. ゴルフ!");
        assert_eq!(render("[unclosed {topic}", &values), "[unclosed ゴルフ");
    }

    #[test]
    fn honorifics_are_placed_as_each_language_places_them() {
        let mut who = yamada();
        assert_eq!(who.greeting(DraftLanguage::Ja), "山田 太郎 様");
        assert_eq!(who.greeting(DraftLanguage::En), "Dear Taro,");
        who.honorific = "Mr".to_owned();
        assert_eq!(who.greeting(DraftLanguage::En), "Dear Mr Yamada,");
        // An English title is not carried into Japanese.
        assert_eq!(who.greeting(DraftLanguage::Ja), "山田 太郎 様");
        who.honorific = "さん".to_owned();
        assert_eq!(who.greeting(DraftLanguage::Ja), "山田さん");
        who.honorific = NO_HONORIFIC.to_owned();
        assert_eq!(who.greeting(DraftLanguage::Ja), "山田 太郎");
        let mut claire = claire();
        assert_eq!(claire.greeting(DraftLanguage::En), "Dear Claire,");
        claire.honorific = "Ms".to_owned();
        assert_eq!(claire.greeting(DraftLanguage::En), "Dear Ms Müller,");
        assert_eq!(claire.greeting(DraftLanguage::Ja), "Claire Müller 様");
        // Kanji with no reading cannot be written in an English greeting.
        let mut ono = yamada();
        ono.family_reading.clear();
        ono.given_reading.clear();
        assert_eq!(ono.greeting(DraftLanguage::En), "Hello,");
    }

    #[test]
    fn a_missed_birthday_gets_a_belated_greeting_not_a_happy_birthday() {
        let on = day(2026, 11, 20);
        let mut c = Candidate::new(
            OccurrenceKey::Birthday {
                customer: 1,
                on,
                lead: false,
            },
            ReminderKind::Birthday,
            Some(1),
            on,
        );
        c.occasion_on = on;
        let who = Addressee {
            display_name: "阿部 陽子".to_owned(),
            family_name: "阿部".to_owned(),
            given_name: "陽子".to_owned(),
            ..Addressee::default()
        };
        let settings = Settings::default();
        let on_the_day = draft(&c, "", on, Some(&who), &settings, DraftLanguage::Ja);
        assert!(on_the_day.starts_with("阿部 陽子 様\nお誕生日おめでとうございます"));
        let late = draft(
            &c,
            "",
            day(2026, 11, 22),
            Some(&who),
            &settings,
            DraftLanguage::Ja,
        );
        assert!(late.contains("遅くなりましたが"), "{late}");
        assert!(!late.contains("お誕生日おめでとうございます。素敵な"));
        let late_en = draft(
            &c,
            "",
            day(2026, 11, 22),
            Some(&who),
            &settings,
            DraftLanguage::En,
        );
        assert!(late_en.contains("A little late"), "{late_en}");
    }

    #[test]
    fn promises_read_naturally_whatever_phrase_was_typed() {
        let mut c = sample("custom");
        c.subject = "学資保険のパンフレットを届ける".to_owned();
        assert_eq!(
            written(&c, &yamada(), DraftLanguage::Ja),
            "山田 太郎 様\nお約束の「学資保険のパンフレットを届ける」の件でご連絡しました。"
        );
        assert_eq!(
            written(&c, &claire(), DraftLanguage::En),
            "Dear Claire,\nAs promised, I am getting in touch."
        );
    }

    /// What a draft must never show, whatever was missing.
    fn flaws(text: &str, language: DraftLanguage) -> Vec<&'static str> {
        let mut found = Vec::new();
        let checks: [(&str, &[&str]); 4] = [
            ("an empty placeholder", &["{", "}", "[", "]"]),
            ("a doubled space", &["  ", "\u{3000}\u{3000}"]),
            (
                "dangling punctuation",
                &[
                    " ,", " .", ",,", "..", "、。", "。。", "、、", "「」", "“”", "()", "（）",
                    "をを", ",\n\n",
                ],
            ),
            ("an empty honorific slot", &["Dear ,", "Dear  ", " 様 様"]),
        ];
        for (flaw, needles) in checks {
            if needles.iter().any(|n| text.contains(n)) {
                found.push(flaw);
            }
        }
        if text.lines().any(|l| l.trim().is_empty() || l != l.trim()) {
            found.push("a blank or untrimmed line");
        }
        if language == DraftLanguage::En && text.chars().any(is_japanese_script) {
            found.push("Japanese script in an English draft");
        }
        found
    }

    #[test]
    fn every_template_reads_cleanly_in_both_languages_whatever_is_missing() {
        let today = day(2026, 12, 2);
        let settings = Settings::default();
        let mut people = vec![yamada(), claire()];
        let mut no_reading = yamada();
        no_reading.family_reading.clear();
        no_reading.given_reading.clear();
        people.push(no_reading);
        let mut family_only = yamada();
        family_only.given_name.clear();
        family_only.given_reading.clear();
        family_only.display_name = "山田".to_owned();
        people.push(family_only);
        let company = Addressee {
            display_name: "株式会社さくら".to_owned(),
            ..Addressee::default()
        };
        people.push(company);
        let honorifics = ["", NO_HONORIFIC, "さん", "先生", "Mr", "Dr"];
        let topics = ["", "お嬢さんの受験", "the new shop"];
        let items = ["", "本マグロ", "the new car"];
        let subjects = ["", "長女 彩", "Emma", "学資保険のパンフレットを届ける"];
        let mut checked = 0;
        for language in [DraftLanguage::Ja, DraftLanguage::En] {
            for (key, sample, _) in samples(today, language) {
                for person in &people {
                    for honorific in honorifics {
                        for topic in topics {
                            for item in items {
                                for subject in subjects {
                                    let mut who = person.clone();
                                    who.honorific = honorific.to_owned();
                                    who.topic = topic.to_owned();
                                    let mut c = sample.clone();
                                    if !c.subject.is_empty() {
                                        c.subject = subject.to_owned();
                                    }
                                    let text =
                                        draft(&c, item, today, Some(&who), &settings, language);
                                    let found = flaws(&text, language);
                                    assert!(
                                        found.is_empty(),
                                        "{key} ({language:?}) for {who:?}, item {item:?}, subject {subject:?}: {found:?}\n{text}"
                                    );
                                    checked += 1;
                                }
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(checked, 2 * TEMPLATE_KEYS.len() * 5 * 6 * 3 * 3 * 4);
    }

    #[test]
    fn the_keep_in_touch_draft_asks_about_the_topic_or_leaves_it_out() {
        let c = sample("keep_in_touch");
        let mut who = yamada();
        assert_eq!(
            written(&c, &who, DraftLanguage::Ja),
            "山田 太郎 様\nご無沙汰しております。お変わりなくお過ごしでしょうか。"
        );
        who.topic = "お嬢さんの受験".to_owned();
        let asked = written(&c, &who, DraftLanguage::Ja);
        assert!(
            asked.ends_with("お嬢さんの受験のこと、またお聞かせください。"),
            "{asked}"
        );
        // A topic in Japanese has no place in an English sentence.
        assert_eq!(
            written(&c, &who, DraftLanguage::En),
            "Dear Taro,\nIt has been a while, and I hope all is well with you."
        );
    }
}
