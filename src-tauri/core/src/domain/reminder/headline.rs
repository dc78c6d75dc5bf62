//! The one line that says what a reminder is about — 「お誕生日まであと3日」,
//! "326 days without contact". Built here, once, in the reminder's
//! language: the Today card, the notification and the calendar entry all
//! show it. Countdowns and "days since" are counted from today, so a card
//! shown late never reads as if it were still on time.

use chrono::NaiveDate;

use super::season::Season;
use super::{Candidate, DraftLanguage, FollowUpKind, OccurrenceKey, ReminderKind};

/// `1st`, `2nd`, `3rd`, `4th`, `11th`, `21st`…
fn ordinal(n: i32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

fn days_en(n: i64) -> String {
    if n == 1 {
        "1 day".to_owned()
    } else {
        format!("{n} days")
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A follow-up step's name.
pub fn step_name(kind: Option<FollowUpKind>, label: &str, language: DraftLanguage) -> String {
    use DraftLanguage::{En, Ja};
    if !label.is_empty() {
        return label.to_owned();
    }
    match (kind, language) {
        (Some(FollowUpKind::ThankYou), Ja) => "お礼",
        (Some(FollowUpKind::CheckIn), Ja) => "ご様子うかがい",
        (Some(FollowUpKind::Satisfaction), Ja) => "満足度の確認",
        (Some(FollowUpKind::Reorder), Ja) => "再注文のご案内",
        (_, Ja) => "フォローアップ",
        (Some(FollowUpKind::ThankYou), En) => "thank-you",
        (Some(FollowUpKind::CheckIn), En) => "check-in",
        (Some(FollowUpKind::Satisfaction), En) => "satisfaction check",
        (Some(FollowUpKind::Reorder), En) => "re-order",
        (_, En) => "follow-up",
    }
    .to_owned()
}

/// What a dated occasion is, without when: 「47歳のお誕生日」, "Hanako's birthday".
pub fn occasion_name(c: &Candidate, language: DraftLanguage) -> String {
    use DraftLanguage::{En, Ja};
    match (c.kind, language) {
        (ReminderKind::Birthday, Ja) => c
            .years
            .map_or("お誕生日".to_owned(), |y| format!("{y}歳のお誕生日")),
        (ReminderKind::Birthday, En) => c.years.map_or("birthday".to_owned(), |y| {
            format!("{} birthday", ordinal(y))
        }),
        (ReminderKind::FamilyBirthday, Ja) => format!("{}さんのお誕生日", c.subject),
        (ReminderKind::FamilyBirthday, En) => format!("{}'s birthday", c.subject),
        (ReminderKind::ImportantDate, Ja) if c.subject.is_empty() => "記念日".to_owned(),
        (ReminderKind::ImportantDate, En) if c.subject.is_empty() => "anniversary".to_owned(),
        (ReminderKind::PurchaseAnniversary, Ja) => {
            format!("初取引から{}年", c.years.unwrap_or(1))
        }
        (ReminderKind::PurchaseAnniversary, En) => match c.years.unwrap_or(1) {
            1 => "one year since the first purchase".to_owned(),
            n => format!("{n} years since the first purchase"),
        },
        _ => c.subject.clone(),
    }
}

/// The headline of a reminder on `today`; `item` is what a follow-up's
/// purchase was.
pub fn headline(c: &Candidate, item: &str, today: NaiveDate, language: DraftLanguage) -> String {
    use DraftLanguage::{En, Ja};
    match c.kind {
        ReminderKind::Birthday
        | ReminderKind::FamilyBirthday
        | ReminderKind::ImportantDate
        | ReminderKind::PurchaseAnniversary => {
            let what = occasion_name(c, language);
            let until = (c.occasion_on - today).num_days();
            match language {
                Ja if until > 0 => format!("{what}まであと{until}日"),
                Ja if until == 0 => format!("今日は{what}"),
                Ja => format!("{what}は{}日前でした", -until),
                En if until == 1 => format!("{} tomorrow", capitalised(&what)),
                En if until > 0 => format!("{} in {}", capitalised(&what), days_en(until)),
                En if until == 0 => format!("{} today", capitalised(&what)),
                En if until == -1 => format!("{} was yesterday", capitalised(&what)),
                En => format!("{} was {} ago", capitalised(&what), days_en(-until)),
            }
        }
        ReminderKind::FollowUp => {
            let step = step_name(c.follow_up, &c.subject, language);
            let days = (c.due_on.max(today) - c.occasion_on).num_days();
            match (language, item.is_empty()) {
                (Ja, true) => format!("ご購入から{days}日：{step}"),
                (Ja, false) => format!("ご購入から{days}日：{step}（{item}）"),
                (En, true) => format!("{} since the purchase: {step}", days_en(days)),
                (En, false) => format!("{} since the purchase: {step} ({item})", days_en(days)),
            }
        }
        ReminderKind::KeepInTouch => {
            let days = (today - c.occasion_on).num_days().max(0);
            match language {
                Ja => format!("{days}日連絡なし"),
                En => format!("{} without contact", days_en(days)),
            }
        }
        ReminderKind::ReferralIntroduced => match language {
            Ja => format!("{}様のご紹介のお礼", c.subject),
            En => format!("Thank them for introducing {}", c.subject),
        },
        ReminderKind::ReferralBought => match language {
            Ja => format!("{}様がご購入：ご紹介のお礼", c.subject),
            En => format!("{} bought: thank them for the introduction", c.subject),
        },
        ReminderKind::Custom => c.subject.clone(),
        ReminderKind::Season => match (&c.key, language) {
            (
                OccurrenceKey::Season {
                    season: Season::NewYear,
                    year,
                },
                Ja,
            ) => {
                format!("{year}年の年賀状の準備")
            }
            (
                OccurrenceKey::Season {
                    season: Season::NewYear,
                    year,
                },
                En,
            ) => {
                format!("Prepare the New Year cards for {year}")
            }
            (_, Ja) => "暑中見舞い・お中元の準備".to_owned(),
            (_, En) => "Prepare the summer greetings and gifts".to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::reminder::test_support::day;
    use crate::domain::reminder::{Candidate, OccurrenceKey};

    fn birthday(on: NaiveDate, years: Option<i32>) -> Candidate {
        let mut c = Candidate::new(
            OccurrenceKey::Birthday {
                customer: 1,
                on,
                lead: true,
            },
            ReminderKind::Birthday,
            Some(1),
            on,
        );
        c.years = years;
        c
    }

    #[test]
    fn birthdays_count_down_from_today_in_both_languages() {
        let today = day(2026, 11, 23);
        let soon = birthday(day(2026, 11, 26), Some(47));
        assert_eq!(
            headline(&soon, "", today, DraftLanguage::Ja),
            "47歳のお誕生日まであと3日"
        );
        assert_eq!(
            headline(&soon, "", today, DraftLanguage::En),
            "47th birthday in 3 days"
        );
        let now = birthday(today, None);
        assert_eq!(
            headline(&now, "", today, DraftLanguage::Ja),
            "今日はお誕生日"
        );
        assert_eq!(
            headline(&now, "", today, DraftLanguage::En),
            "Birthday today"
        );
        let missed = birthday(day(2026, 11, 21), None);
        assert_eq!(
            headline(&missed, "", today, DraftLanguage::Ja),
            "お誕生日は2日前でした"
        );
        assert_eq!(
            headline(&missed, "", today, DraftLanguage::En),
            "Birthday was 2 days ago"
        );
    }

    #[test]
    fn keep_in_touch_says_how_long_it_has_been() {
        let mut c = Candidate::new(
            OccurrenceKey::KeepInTouch {
                customer: 1,
                since: 0,
            },
            ReminderKind::KeepInTouch,
            Some(1),
            day(2026, 3, 2),
        );
        c.occasion_on = day(2026, 1, 1);
        let today = day(2026, 11, 23);
        assert_eq!(headline(&c, "", today, DraftLanguage::Ja), "326日連絡なし");
        assert_eq!(
            headline(&c, "", today, DraftLanguage::En),
            "326 days without contact"
        );
    }

    #[test]
    fn follow_ups_name_the_step_and_the_item() {
        let mut c = Candidate::new(
            OccurrenceKey::FollowUp {
                purchase: 1,
                step: 3,
            },
            ReminderKind::FollowUp,
            Some(1),
            day(2026, 11, 23),
        );
        c.occasion_on = day(2026, 10, 24);
        c.follow_up = Some(FollowUpKind::Satisfaction);
        let today = day(2026, 11, 23);
        assert_eq!(
            headline(&c, "本マグロ", today, DraftLanguage::Ja),
            "ご購入から30日：満足度の確認（本マグロ）"
        );
        assert_eq!(
            headline(&c, "tuna", today, DraftLanguage::En),
            "30 days since the purchase: satisfaction check (tuna)"
        );
    }

    #[test]
    fn ordinals_in_english() {
        let got: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111]
            .map(ordinal)
            .to_vec();
        assert_eq!(
            got,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st",
                "111th"
            ]
        );
    }
}
