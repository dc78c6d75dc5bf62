//! The dates worth a personal touch — the customer's birthday, their other
//! important dates, their family's birthdays — and when they next fall.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::calendar::PartialDate;
use crate::domain::customer::{CustomerProfile, ImportantDateKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum OccasionKind {
    Birthday,
    Anniversary,
    CustomDate,
    FamilyBirthday,
}

/// One recurring date of a customer's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Occasion {
    pub kind: OccasionKind,
    /// The date's own label ("結婚記念日"), or the family member's name.
    pub label: String,
    /// The family member's relation ("妻"), for family birthdays.
    pub relation: String,
    pub date: PartialDate,
    /// Its position among the customer's dates of its kind (a stable id).
    pub index: usize,
}

/// An occasion's next occurrence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UpcomingDate {
    pub occasion: Occasion,
    #[ts(type = "string")]
    pub on: NaiveDate,
    pub days_until: i64,
    /// The age they turn, or the years it marks, when the year is known.
    pub years: Option<i32>,
}

/// Every recurring date in a profile.
pub fn occasions(p: &CustomerProfile) -> Vec<Occasion> {
    let mut all = Vec::new();
    if let Some(date) = p.birthday {
        all.push(Occasion {
            kind: OccasionKind::Birthday,
            label: String::new(),
            relation: String::new(),
            date,
            index: 0,
        });
    }
    for (index, d) in p.important_dates.iter().enumerate() {
        all.push(Occasion {
            kind: match d.kind {
                ImportantDateKind::Anniversary => OccasionKind::Anniversary,
                ImportantDateKind::Custom => OccasionKind::CustomDate,
            },
            label: d.label.clone(),
            relation: String::new(),
            date: d.date,
            index,
        });
    }
    for (index, m) in p.family_members.iter().enumerate() {
        if let Some(date) = m.birthday {
            all.push(Occasion {
                kind: OccasionKind::FamilyBirthday,
                label: m.name.clone(),
                relation: m.relation.clone(),
                date,
                index,
            });
        }
    }
    all
}

/// The occasions falling within `days` days from `today` (inclusive), soonest first.
pub fn upcoming(p: &CustomerProfile, today: NaiveDate, days: i64) -> Vec<UpcomingDate> {
    let mut next: Vec<UpcomingDate> = occasions(p)
        .into_iter()
        .filter_map(|occasion| {
            let on = occasion.date.next_on_or_after(today)?;
            let days_until = (on - today).num_days();
            (days_until <= days).then(|| UpcomingDate {
                years: occasion.date.years_on(on),
                occasion,
                on,
                days_until,
            })
        })
        .collect();
    next.sort_by_key(|u| (u.on, u.occasion.kind as u8, u.occasion.index));
    next
}
