//! Announcing reminders: quiet hours, one notice each or a digest, and the
//! announcement key under which a delivery is recorded so that nothing is
//! announced twice.

use std::fmt;
use std::str::FromStr;

use super::{DraftLanguage, Notice, OccurrenceKey, Reminder, ReminderKind};
use crate::domain::settings::{Settings, minutes_of};

/// How many names a digest notification lists.
pub const DIGEST_NAMES: usize = 5;

/// One announcement of an occurrence: the occurrence itself, or its return
/// from a snooze (announced again), told apart by the snooze's end.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Announcement {
    pub key: OccurrenceKey,
    pub back_from_snooze_at: Option<i64>,
}

impl fmt::Display for Announcement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.back_from_snooze_at {
            None => write!(f, "{}", self.key),
            Some(at) => write!(f, "{}@{at}", self.key),
        }
    }
}

impl FromStr for Announcement {
    type Err = super::occurrence::UnknownKey;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if let Some((key, at)) = text.rsplit_once('@')
            && let Ok(at) = at.parse::<i64>()
            && let Ok(key) = key.parse()
        {
            return Ok(Announcement {
                key,
                back_from_snooze_at: Some(at),
            });
        }
        Ok(Announcement {
            key: text.parse()?,
            back_from_snooze_at: None,
        })
    }
}

/// Whether `minutes` (after local midnight) falls inside the quiet hours,
/// and if so how many minutes remain of them. The hours may cross
/// midnight; equal start and end mean none.
pub fn quiet_minutes_left(settings: &Settings, minutes: u32) -> Option<u32> {
    let start = minutes_of(&settings.quiet_start)?;
    let end = minutes_of(&settings.quiet_end)?;
    let inside = match start.cmp(&end) {
        std::cmp::Ordering::Equal => false,
        std::cmp::Ordering::Less => (start..end).contains(&minutes),
        std::cmp::Ordering::Greater => minutes >= start || minutes < end,
    };
    inside.then(|| (end + 24 * 60 - minutes) % (24 * 60))
}

/// One notification for one reminder: who, and its headline, in the
/// customer's language like the draft it shows.
pub fn notice(r: &Reminder, announcement: String) -> Notice {
    let title = match (&r.customer, r.language) {
        (None, _) => r.headline.clone(),
        (Some(c), DraftLanguage::Ja) => format!("{} 様 — {}", c.display_name, r.headline),
        (Some(c), DraftLanguage::En) => format!("{} — {}", c.display_name, r.headline),
    };
    // A message's first line is its salutation; the season's note is no
    // message and is shown whole.
    let body = if r.kind == ReminderKind::Season {
        r.draft.clone()
    } else {
        r.draft.lines().skip(1).collect::<Vec<_>>().join(" ")
    };
    Notice {
        title,
        body,
        customer_id: r.customer.as_ref().map(|c| c.id),
        keys: vec![announcement],
    }
}

/// Above the threshold, one notice for them all, naming the first few.
pub fn digest(
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

/// The same notice without a name or a word of the draft, for a screen
/// others may see: it still opens the customer when clicked.
pub fn private(notice: Notice, count: usize, language: DraftLanguage) -> Notice {
    let (title, body) = match language {
        DraftLanguage::Ja if count > 1 => (
            format!("今日のリマインダーが{count}件あります"),
            "絆を開いて確かめてください".to_owned(),
        ),
        DraftLanguage::Ja => (
            "パーソナルタッチの時間です".to_owned(),
            "絆を開いて確かめてください".to_owned(),
        ),
        DraftLanguage::En if count > 1 => (
            format!("{count} reminders for today"),
            "Open Kizuna to see them".to_owned(),
        ),
        DraftLanguage::En => (
            "Time for a personal touch".to_owned(),
            "Open Kizuna to see it".to_owned(),
        ),
    };
    Notice {
        title,
        body,
        ..notice
    }
}

/// Whether this many fresh reminders are announced as one digest.
pub fn is_digest(fresh: usize, settings: &Settings) -> bool {
    fresh > settings.digest_threshold as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ladder::Stage;
    use crate::domain::reminder::test_support::day;
    use crate::domain::reminder::{ReminderCustomer, ReminderKind};

    #[test]
    fn quiet_hours_may_cross_midnight() {
        let settings = Settings {
            quiet_start: "21:00".to_owned(),
            quiet_end: "08:00".to_owned(),
            ..Settings::default()
        };
        assert_eq!(quiet_minutes_left(&settings, 22 * 60), Some(10 * 60));
        assert_eq!(quiet_minutes_left(&settings, 7 * 60 + 30), Some(30));
        assert_eq!(quiet_minutes_left(&settings, 8 * 60), None);
        assert_eq!(quiet_minutes_left(&settings, 12 * 60), None);
        let off = Settings {
            quiet_start: "00:00".to_owned(),
            quiet_end: "00:00".to_owned(),
            ..Settings::default()
        };
        assert_eq!(quiet_minutes_left(&off, 3 * 60), None);
    }

    #[test]
    fn announcements_read_back_also_after_a_snooze() {
        let key = OccurrenceKey::Promise { id: 3 };
        for a in [
            Announcement {
                key: key.clone(),
                back_from_snooze_at: None,
            },
            Announcement {
                key,
                back_from_snooze_at: Some(1_790_000_000),
            },
        ] {
            assert_eq!(a.to_string().parse::<Announcement>(), Ok(a.clone()));
        }
        let odd_label = "date:1:a@5:2026-01-01";
        let a: Announcement = odd_label.parse().expect("a key");
        assert_eq!(a.back_from_snooze_at, None);
        assert_eq!(a.to_string(), odd_label);
    }

    #[test]
    fn a_notice_is_titled_with_the_customer_and_the_headline_in_each_language() {
        let r = Reminder {
            key: "birthday:1:2026-11-23".to_owned(),
            kind: ReminderKind::Birthday,
            customer: Some(ReminderCustomer {
                id: 1,
                display_name: "阿部 陽子".to_owned(),
                stage: Stage::Client,
                last_touch_at: None,
                phone: String::new(),
                email: String::new(),
            }),
            due_on: day(2026, 11, 23),
            due_at: 0,
            occasion_on: day(2026, 11, 23),
            expires_on: None,
            offered_until: None,
            years: None,
            subject: String::new(),
            follow_up: None,
            snoozed: false,
            headline: "Birthday today".to_owned(),
            draft: "Dear Yoko,\nHappy birthday!".to_owned(),
            language: DraftLanguage::En,
        };
        let n = notice(&r, r.key.clone());
        assert_eq!(n.title, "阿部 陽子 — Birthday today");
        assert_eq!(n.body, "Happy birthday!");
        let ja = Reminder {
            headline: "今日はお誕生日".to_owned(),
            language: DraftLanguage::Ja,
            ..r
        };
        assert_eq!(
            notice(&ja, ja.key.clone()).title,
            "阿部 陽子 様 — 今日はお誕生日"
        );
    }
}
