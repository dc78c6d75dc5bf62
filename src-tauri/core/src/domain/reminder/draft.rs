//! Message drafts: the user's templates (or the built-in ones) filled with
//! the customer's name and honorific, the occasion, the item bought or
//! something they like.

use chrono::NaiveDate;

use super::headline::{occasion_name, step_name};
use super::{Candidate, DraftLanguage, FollowUpKind, ReminderKind};
use crate::domain::settings::Settings;

/// Who a draft is addressed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addressee {
    pub display_name: String,
    pub given_name: String,
    /// Empty means the language's default (様 / none).
    pub honorific: String,
    pub likes: String,
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
        (ReminderKind::Custom, _) => "custom",
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

/// The built-in message drafts. Placeholders: `{name}` (with honorific),
/// `{given}`, `{occasion}`, `{item}`, `{note}` (something they like).
pub fn default_template(language: DraftLanguage, key: &str) -> &'static str {
    match (language, key) {
        (DraftLanguage::Ja, "birthday") => {
            "{name}\nお誕生日おめでとうございます。素敵な一年になりますように。いつもありがとうございます。"
        }
        (DraftLanguage::Ja, "belated") => {
            "{name}\n遅くなりましたが、{occasion}おめでとうございます。ささやかながらお祝いの気持ちをお伝えしたく、ご連絡しました。"
        }
        (DraftLanguage::Ja, "family_birthday") => {
            "{name}\n{occasion}、おめでとうございます。ご家族の皆さまによろしくお伝えください。"
        }
        (DraftLanguage::Ja, "important_date") => {
            "{name}\n{occasion}、おめでとうございます。これからもどうぞよろしくお願いいたします。"
        }
        (DraftLanguage::Ja, "purchase_anniversary") => {
            "{name}\n初めてお取引いただいてから{occasion}になりました。いつも本当にありがとうございます。"
        }
        (DraftLanguage::Ja, "thank_you") => {
            "{name}\nこのたびは{item}をお求めいただき、ありがとうございました。何かあればいつでもご連絡ください。"
        }
        (DraftLanguage::Ja, "check_in") => {
            "{name}\n先日の{item}、その後いかがでしょうか。気になる点があればお気軽にお知らせください。"
        }
        (DraftLanguage::Ja, "satisfaction") => {
            "{name}\n{item}をお使いいただいて1か月ほど経ちました。ご満足いただけているか、ひと言お聞かせいただけると嬉しいです。"
        }
        (DraftLanguage::Ja, "reorder") => {
            "{name}\n{item}はそろそろ少なくなっている頃でしょうか。ご入用でしたらご用意いたします。"
        }
        (DraftLanguage::Ja, "follow_up") => {
            "{name}\n{occasion}のご連絡です。その後いかがでしょうか。"
        }
        (DraftLanguage::Ja, "keep_in_touch") => {
            "{name}\nご無沙汰しております。お変わりありませんか。{note}のお話、またお聞かせください。"
        }
        (DraftLanguage::Ja, "referral_introduced") => {
            "{name}\n{occasion}をご紹介いただき、ありがとうございました。大切にお付き合いさせていただきます。"
        }
        (DraftLanguage::Ja, "referral_bought") => {
            "{name}\nご紹介いただいた{occasion}に、先日お取引いただきました。本当にありがとうございます。"
        }
        (DraftLanguage::Ja, _) => "{name}\n{occasion}の件でご連絡しました。",
        (DraftLanguage::En, "birthday") => {
            "Dear {name},\nHappy birthday! Wishing you a wonderful year ahead, and thank you for everything."
        }
        (DraftLanguage::En, "belated") => {
            "Dear {name},\nA little late, but warmest wishes on {occasion}. I hope it was a wonderful day."
        }
        (DraftLanguage::En, "family_birthday") => {
            "Dear {name},\nCongratulations on {occasion}! Please pass on my best wishes."
        }
        (DraftLanguage::En, "important_date") => {
            "Dear {name},\nCongratulations on {occasion}. I look forward to many more years together."
        }
        (DraftLanguage::En, "purchase_anniversary") => {
            "Dear {name},\nIt is {occasion} since we first did business together. Thank you for your trust."
        }
        (DraftLanguage::En, "thank_you") => {
            "Dear {name},\nThank you for choosing {item}. If anything comes up, I am always happy to help."
        }
        (DraftLanguage::En, "check_in") => {
            "Dear {name},\nHow are you getting on with {item}? Let me know if there is anything I can do."
        }
        (DraftLanguage::En, "satisfaction") => {
            "Dear {name},\nIt has been about a month since you got {item}. Are you happy with it? A word from you would mean a lot."
        }
        (DraftLanguage::En, "reorder") => {
            "Dear {name},\nYou may be running low on {item} about now. Shall I set some aside for you?"
        }
        (DraftLanguage::En, "follow_up") => {
            "Dear {name},\nA quick note about {occasion}: how is everything going?"
        }
        (DraftLanguage::En, "keep_in_touch") => {
            "Dear {name},\nIt has been a while. I hope all is well with you. I would love to hear how {note} is going."
        }
        (DraftLanguage::En, "referral_introduced") => {
            "Dear {name},\nThank you for introducing me to {occasion}. I will take good care of them."
        }
        (DraftLanguage::En, "referral_bought") => {
            "Dear {name},\n{occasion}, whom you introduced, has become a customer. Thank you so much."
        }
        (DraftLanguage::En, _) => "Dear {name},\nI am getting in touch about {occasion}.",
    }
}

/// The occasion in words, as a draft names it.
fn occasion(c: &Candidate, language: DraftLanguage) -> String {
    match (c.kind, language) {
        (ReminderKind::FollowUp, _) => step_name(c.follow_up, &c.subject, language),
        (ReminderKind::KeepInTouch, DraftLanguage::Ja) => "ご無沙汰".to_owned(),
        (ReminderKind::KeepInTouch, DraftLanguage::En) => "keeping in touch".to_owned(),
        (ReminderKind::ReferralIntroduced | ReminderKind::ReferralBought, DraftLanguage::Ja) => {
            format!("{}様", c.subject)
        }
        (ReminderKind::Birthday, DraftLanguage::En) => "your birthday".to_owned(),
        (ReminderKind::ImportantDate, DraftLanguage::En) if c.subject.is_empty() => {
            "your anniversary".to_owned()
        }
        _ => occasion_name(c, language),
    }
}

/// The customer's name as a message opens: 山田 太郎 様 / Mr Yamada.
fn addressed(info: &Addressee, language: DraftLanguage) -> String {
    match language {
        DraftLanguage::Ja => {
            let honorific = if info.honorific.is_empty() {
                "様"
            } else {
                info.honorific.as_str()
            };
            format!("{} {honorific}", info.display_name)
        }
        DraftLanguage::En if info.honorific.is_empty() => info.display_name.clone(),
        DraftLanguage::En => format!("{} {}", info.honorific, info.display_name),
    }
}

/// The draft of a reminder on `today`; `item` is what a follow-up's
/// purchase was.
pub fn draft(
    c: &Candidate,
    item: &str,
    today: NaiveDate,
    info: Option<&Addressee>,
    settings: &Settings,
    language: DraftLanguage,
) -> String {
    let belated = c.kind.is_dated() && c.occasion_on < today && !c.key.is_lead();
    let key = template_key(c.kind, c.follow_up, belated);
    let lang = match language {
        DraftLanguage::Ja => "ja",
        DraftLanguage::En => "en",
    };
    let template = settings
        .templates
        .get(&format!("{lang}.{key}"))
        .filter(|t| !t.trim().is_empty())
        .map_or_else(|| default_template(language, key), String::as_str);
    let note = info
        .map(|i| {
            i.likes
                .split(['、', ',', '，', '\n', '・'])
                .map(str::trim)
                .find(|s| !s.is_empty())
                .unwrap_or_default()
                .to_owned()
        })
        .unwrap_or_default();
    let fallback_note = match language {
        DraftLanguage::Ja => "近況",
        DraftLanguage::En => "things",
    };
    render(
        template,
        &[
            (
                "name",
                info.map(|i| addressed(i, language)).unwrap_or_default(),
            ),
            (
                "given",
                info.map(|i| i.given_name.clone()).unwrap_or_default(),
            ),
            ("occasion", occasion(c, language)),
            ("item", item.to_owned()),
            (
                "note",
                if note.is_empty() {
                    fallback_note.to_owned()
                } else {
                    note
                },
            ),
        ],
    )
}

/// Fills `{placeholder}`s; an unknown one is left as typed, so a typo shows.
pub fn render(template: &str, values: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match values.iter().find(|(k, _)| *k == name) {
                    Some((_, value)) => out.push_str(value),
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
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn a_missed_birthday_gets_a_belated_greeting_not_a_happy_birthday() {
        use crate::domain::reminder::OccurrenceKey;
        use crate::domain::reminder::test_support::day;
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
            given_name: "陽子".to_owned(),
            honorific: String::new(),
            likes: String::new(),
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
}
