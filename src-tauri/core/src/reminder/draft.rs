//! Turning derived reminders into what the user reads: the customer beside
//! each, a message draft from the user's templates, and notifications.

use std::collections::HashMap;
use std::rc::Rc;

use rusqlite::OptionalExtension;
use rusqlite::types::Value;
use rusqlite::vtab::array::Array;

use super::derive::{Candidate, Due};
use super::{DraftLanguage, FollowUpKind, Notice, Reminder, ReminderCustomer, ReminderKind};
use crate::error::Result;
use crate::settings::Settings;
use crate::store::Store;

/// How many names a digest notification lists.
pub(super) const DIGEST_NAMES: usize = 5;

/// Everything about the customer the drafts and filters need.
struct CustomerInfo {
    view: ReminderCustomer,
    given_name: String,
    honorific: String,
    likes: String,
}

impl Store {
    /// Full reminders, with their customer and draft, for the given few.
    pub(super) fn build(
        &self,
        due: Vec<Due>,
        settings: &Settings,
        language: DraftLanguage,
    ) -> Result<Vec<Reminder>> {
        let ids: Vec<i64> = due.iter().filter_map(|d| d.candidate.customer_id).collect();
        let customers = self.customer_info(&ids)?;
        let mut item_of = self
            .conn
            .prepare_cached("SELECT item FROM purchases WHERE id = ?1")?;
        let mut reminders = Vec::with_capacity(due.len());
        for Due {
            candidate: mut c,
            snoozed,
            at,
            ..
        } in due
        {
            if let Some(purchase) = c.purchase_id {
                c.item = item_of
                    .query_row([purchase], |r| r.get(0))
                    .optional()?
                    .unwrap_or_default();
                if c.subject.is_empty() {
                    c.subject.clone_from(&c.item);
                }
            }
            let info = c.customer_id.and_then(|id| customers.get(&id));
            if c.customer_id.is_some() && info.is_none() {
                continue;
            }
            let draft = draft(&c, info, settings, language);
            reminders.push(Reminder {
                key: c.key,
                kind: c.kind,
                customer: info.map(|i| i.view.clone()),
                due_on: c.due_on,
                due_at: at,
                occasion_on: c.occasion_on,
                years: c.years,
                subject: c.subject,
                follow_up: c.follow_up,
                snoozed,
                draft,
            });
        }
        Ok(reminders)
    }

    fn customer_info(&self, ids: &[i64]) -> Result<HashMap<i64, CustomerInfo>> {
        let values: Array = Rc::new(ids.iter().copied().map(Value::from).collect());
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.id, c.family_name, c.given_name, c.company, c.stage, c.last_touch_at,
                    (SELECT number FROM customer_phones p WHERE p.customer_id = c.id ORDER BY position LIMIT 1),
                    (SELECT address FROM customer_emails e WHERE e.customer_id = c.id ORDER BY position LIMIT 1),
                    c.honorific, c.likes
               FROM customers c WHERE c.id IN (SELECT DISTINCT value FROM rarray(?1))",
        )?;
        let rows = stmt.query_map([values], |r| {
            let family: String = r.get(1)?;
            let given: String = r.get(2)?;
            let company: String = r.get(3)?;
            Ok(CustomerInfo {
                view: ReminderCustomer {
                    id: r.get(0)?,
                    display_name: crate::kana::display_name(&family, &given, &company),
                    stage: r.get(4)?,
                    last_touch_at: r.get(5)?,
                    phone: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
                    email: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
                },
                given_name: if given.is_empty() { family } else { given },
                honorific: r.get(8)?,
                likes: r.get(9)?,
            })
        })?;
        let mut out = HashMap::with_capacity(ids.len());
        for row in rows {
            let info = row?;
            out.insert(info.view.id, info);
        }
        Ok(out)
    }
}

/// The delivery key: a reminder back from a snooze is a new announcement.
pub(super) fn announce_key(key: &str, snoozed: bool, at: i64) -> String {
    if snoozed {
        format!("{key}@{at}")
    } else {
        key.to_owned()
    }
}

/// The template key of a reminder.
fn template_key(kind: ReminderKind, follow_up: Option<FollowUpKind>) -> &'static str {
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
pub const TEMPLATE_KEYS: [&str; 13] = [
    "birthday",
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

/// The occasion in words, for drafts and notifications.
fn occasion(
    r_kind: ReminderKind,
    c_years: Option<i32>,
    subject: &str,
    language: DraftLanguage,
    follow_up: Option<FollowUpKind>,
) -> String {
    use DraftLanguage::{En, Ja};
    match (r_kind, language) {
        (ReminderKind::Birthday, Ja) => {
            c_years.map_or("お誕生日".to_owned(), |y| format!("{y}歳のお誕生日"))
        }
        (ReminderKind::Birthday, En) => "your birthday".to_owned(),
        (ReminderKind::FamilyBirthday, Ja) => format!("{subject}さんのお誕生日"),
        (ReminderKind::FamilyBirthday, En) => format!("{subject}'s birthday"),
        (ReminderKind::ImportantDate, Ja) => {
            if subject.is_empty() {
                "記念日".to_owned()
            } else {
                subject.to_owned()
            }
        }
        (ReminderKind::ImportantDate, En) => {
            if subject.is_empty() {
                "your anniversary".to_owned()
            } else {
                subject.to_owned()
            }
        }
        (ReminderKind::PurchaseAnniversary, Ja) => format!("{}年", c_years.unwrap_or(1)),
        (ReminderKind::PurchaseAnniversary, En) => match c_years.unwrap_or(1) {
            1 => "one year".to_owned(),
            n => format!("{n} years"),
        },
        (ReminderKind::FollowUp, Ja) => match follow_up {
            Some(FollowUpKind::ThankYou) => "お礼".to_owned(),
            Some(FollowUpKind::CheckIn) => "ご様子うかがい".to_owned(),
            Some(FollowUpKind::Satisfaction) => "満足度の確認".to_owned(),
            Some(FollowUpKind::Reorder) => "再注文のご案内".to_owned(),
            _ => subject.to_owned(),
        },
        (ReminderKind::FollowUp, En) => match follow_up {
            Some(FollowUpKind::ThankYou) => "a thank-you".to_owned(),
            Some(FollowUpKind::CheckIn) => "a check-in".to_owned(),
            Some(FollowUpKind::Satisfaction) => "a satisfaction check".to_owned(),
            Some(FollowUpKind::Reorder) => "a re-order".to_owned(),
            _ => subject.to_owned(),
        },
        (ReminderKind::KeepInTouch, Ja) => "ご無沙汰".to_owned(),
        (ReminderKind::KeepInTouch, En) => "keeping in touch".to_owned(),
        (ReminderKind::ReferralIntroduced | ReminderKind::ReferralBought, Ja) => {
            format!("{subject}様")
        }
        (ReminderKind::ReferralIntroduced | ReminderKind::ReferralBought, En) => subject.to_owned(),
        (ReminderKind::Custom, _) => subject.to_owned(),
    }
}

/// The customer's name as a message opens: 山田 太郎 様 / Mr Yamada.
fn addressed(info: &CustomerInfo, language: DraftLanguage) -> String {
    match language {
        DraftLanguage::Ja => {
            let honorific = if info.honorific.is_empty() {
                "様"
            } else {
                info.honorific.as_str()
            };
            format!("{} {honorific}", info.view.display_name)
        }
        DraftLanguage::En if info.honorific.is_empty() => info.view.display_name.clone(),
        DraftLanguage::En => format!("{} {}", info.honorific, info.view.display_name),
    }
}

fn draft(
    c: &Candidate,
    info: Option<&CustomerInfo>,
    settings: &Settings,
    language: DraftLanguage,
) -> String {
    let key = template_key(c.kind, c.follow_up);
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
            (
                "occasion",
                occasion(c.kind, c.years, &c.subject, language, c.follow_up),
            ),
            ("item", c.item.clone()),
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

/// "山田 太郎 様 — お誕生日まで7日": who, and what, in one line.
/// What a reminder is about, in one line: "お誕生日まで7日",
/// "ご購入から30日、満足度の確認".
pub fn headline(r: &Reminder, language: DraftLanguage) -> String {
    use DraftLanguage::{En, Ja};
    let what = occasion(r.kind, r.years, &r.subject, language, r.follow_up);
    let days = (r.occasion_on - r.due_on).num_days();
    match (r.kind, language) {
        (
            ReminderKind::Birthday | ReminderKind::FamilyBirthday | ReminderKind::ImportantDate,
            Ja,
        ) if days > 0 => format!("{what}まで{days}日"),
        (
            ReminderKind::Birthday | ReminderKind::FamilyBirthday | ReminderKind::ImportantDate,
            En,
        ) if days > 0 => format!("{what} in {days} days"),
        (
            ReminderKind::Birthday | ReminderKind::FamilyBirthday | ReminderKind::ImportantDate,
            Ja,
        ) => format!("今日は{what}"),
        (
            ReminderKind::Birthday | ReminderKind::FamilyBirthday | ReminderKind::ImportantDate,
            En,
        ) => format!("{what} is today"),
        (ReminderKind::FollowUp, Ja) => format!(
            "ご購入から{}日、{what}",
            (r.due_on - r.occasion_on).num_days()
        ),
        (ReminderKind::FollowUp, En) => format!(
            "{} days since the purchase: {what}",
            (r.due_on - r.occasion_on).num_days()
        ),
        (ReminderKind::PurchaseAnniversary, Ja) => format!("初取引から{what}"),
        (ReminderKind::PurchaseAnniversary, En) => format!("{what} since the first purchase"),
        (ReminderKind::KeepInTouch, Ja) => "しばらく連絡していません".to_owned(),
        (ReminderKind::KeepInTouch, En) => "Time to get in touch".to_owned(),
        (ReminderKind::ReferralIntroduced, Ja) => format!("{what}のご紹介のお礼"),
        (ReminderKind::ReferralIntroduced, En) => format!("Thank them for introducing {what}"),
        (ReminderKind::ReferralBought, Ja) => format!("{what}がご購入、紹介のお礼"),
        (ReminderKind::ReferralBought, En) => format!("{what} bought: thank them"),
        (ReminderKind::Custom, _) => what,
    }
}

pub(super) fn notice(r: &Reminder, language: DraftLanguage) -> Notice {
    use DraftLanguage::{En, Ja};
    let who = r
        .customer
        .as_ref()
        .map(|c| c.display_name.clone())
        .unwrap_or_default();
    let headline = headline(r, language);
    let title = match (who.is_empty(), language) {
        (true, _) => headline,
        (false, Ja) => format!("{who} 様 — {headline}"),
        (false, En) => format!("{who} — {headline}"),
    };
    let body = r.draft.lines().skip(1).collect::<Vec<_>>().join(" ");
    Notice {
        title,
        body,
        customer_id: r.customer.as_ref().map(|c| c.id),
        keys: vec![announce_key(&r.key, r.snoozed, r.due_at)],
    }
}

pub(super) fn digest(
    named: &[Reminder],
    total: usize,
    keys: Vec<String>,
    language: DraftLanguage,
) -> Notice {
    let names: Vec<&str> = named
        .iter()
        .filter_map(|r| r.customer.as_ref().map(|c| c.display_name.as_str()))
        .collect();
    let (title, body) = match language {
        DraftLanguage::Ja => (
            format!("今日のリマインダーが{total}件あります"),
            format!("{} ほか", names.join("、")),
        ),
        DraftLanguage::En => (
            format!("{total} reminders for today"),
            format!("{} and more", names.join(", ")),
        ),
    };
    Notice {
        title,
        body,
        customer_id: None,
        keys,
    }
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
}
