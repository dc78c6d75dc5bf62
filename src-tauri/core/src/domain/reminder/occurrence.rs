//! The key that names one occurrence of a reminder. What the user did to an
//! occurrence and whether it was announced are stored under its text form,
//! so the form must never change for an existing kind: stores written by
//! earlier versions hold these strings.
//!
//! | kind | text |
//! |---|---|
//! | birthday | `birthday:<customer>:<day>[:lead]` |
//! | family birthday | `family:<customer>:<relation and name>:<day>[:lead]` |
//! | other date | `date:<customer>:<label>:<day>[:lead]` |
//! | first-purchase anniversary | `anniversary:<customer>:<day>` |
//! | follow-up step | `followup:<purchase>:<step>` |
//! | keep in touch | `touch:<customer>:<last contact, Unix seconds>` |
//! | thanks for an introduction | `thanks-introduced:<referral>` |
//! | thanks when the introduced bought | `thanks-bought:<referral>` |
//! | promise | `custom:<promise>` |
//! | the season's greetings to prepare | `season:<season>:<the cards' year>` |
//!
//! A label may itself hold `:`; the day is always the last field (before
//! `:lead`), so the text reads back unambiguously.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;

use super::season::Season;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OccurrenceKey {
    Birthday {
        customer: i64,
        on: NaiveDate,
        lead: bool,
    },
    FamilyBirthday {
        customer: i64,
        member: String,
        on: NaiveDate,
        lead: bool,
    },
    ImportantDate {
        customer: i64,
        label: String,
        on: NaiveDate,
        lead: bool,
    },
    PurchaseAnniversary {
        customer: i64,
        on: NaiveDate,
    },
    FollowUp {
        purchase: i64,
        step: i64,
    },
    KeepInTouch {
        customer: i64,
        since: i64,
    },
    ThanksIntroduced {
        referral: i64,
    },
    ThanksBought {
        referral: i64,
    },
    Promise {
        id: i64,
    },
    Season {
        season: Season,
        year: i32,
    },
}

impl OccurrenceKey {
    /// The referral a thank-you is for.
    pub fn thanked_referral(&self) -> Option<i64> {
        match self {
            OccurrenceKey::ThanksIntroduced { referral }
            | OccurrenceKey::ThanksBought { referral } => Some(*referral),
            _ => None,
        }
    }

    /// The same occasion's other card: the day for a lead card.
    pub fn without_lead(&self) -> Option<OccurrenceKey> {
        let mut day = self.clone();
        match &mut day {
            OccurrenceKey::Birthday { lead, .. }
            | OccurrenceKey::FamilyBirthday { lead, .. }
            | OccurrenceKey::ImportantDate { lead, .. }
                if *lead =>
            {
                *lead = false;
                Some(day)
            }
            _ => None,
        }
    }

    pub fn is_lead(&self) -> bool {
        matches!(
            self,
            OccurrenceKey::Birthday { lead: true, .. }
                | OccurrenceKey::FamilyBirthday { lead: true, .. }
                | OccurrenceKey::ImportantDate { lead: true, .. }
        )
    }

    /// The text prefix every key of a purchase's follow-ups starts with.
    pub fn follow_up_prefix(purchase: i64) -> String {
        format!("followup:{purchase}:")
    }

    /// The keys that start with `prefix` (which ends in `:`), as the range
    /// `[from, to)` a key index is read along: `:` is followed by `;`.
    pub fn prefix_range(prefix: &str) -> (String, String) {
        let to = match prefix.strip_suffix(':') {
            Some(stem) => format!("{stem};"),
            None => format!("{prefix}\u{10FFFF}"),
        };
        (prefix.to_owned(), to)
    }

    /// The text prefixes of every key naming this customer directly.
    pub fn customer_prefixes(customer: i64) -> [String; 5] {
        [
            format!("birthday:{customer}:"),
            format!("family:{customer}:"),
            format!("date:{customer}:"),
            format!("anniversary:{customer}:"),
            format!("touch:{customer}:"),
        ]
    }
}

impl fmt::Display for OccurrenceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lead = |lead: bool| if lead { ":lead" } else { "" };
        match self {
            OccurrenceKey::Birthday {
                customer,
                on,
                lead: l,
            } => {
                write!(f, "birthday:{customer}:{on}{}", lead(*l))
            }
            OccurrenceKey::FamilyBirthday {
                customer,
                member,
                on,
                lead: l,
            } => write!(f, "family:{customer}:{member}:{on}{}", lead(*l)),
            OccurrenceKey::ImportantDate {
                customer,
                label,
                on,
                lead: l,
            } => write!(f, "date:{customer}:{label}:{on}{}", lead(*l)),
            OccurrenceKey::PurchaseAnniversary { customer, on } => {
                write!(f, "anniversary:{customer}:{on}")
            }
            OccurrenceKey::FollowUp { purchase, step } => write!(f, "followup:{purchase}:{step}"),
            OccurrenceKey::KeepInTouch { customer, since } => write!(f, "touch:{customer}:{since}"),
            OccurrenceKey::ThanksIntroduced { referral } => {
                write!(f, "thanks-introduced:{referral}")
            }
            OccurrenceKey::ThanksBought { referral } => write!(f, "thanks-bought:{referral}"),
            OccurrenceKey::Promise { id } => write!(f, "custom:{id}"),
            OccurrenceKey::Season { season, year } => {
                write!(f, "season:{}:{year}", season.as_str())
            }
        }
    }
}

/// A text that names no occurrence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownKey;

impl fmt::Display for UnknownKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a reminder occurrence")
    }
}

impl std::error::Error for UnknownKey {}

impl FromStr for OccurrenceKey {
    type Err = UnknownKey;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (kind, rest) = text.split_once(':').ok_or(UnknownKey)?;
        let number = |s: &str| s.parse::<i64>().map_err(|_| UnknownKey);
        let pair = |s: &str| -> Result<(i64, i64), UnknownKey> {
            let (a, b) = s.split_once(':').ok_or(UnknownKey)?;
            Ok((number(a)?, number(b)?))
        };
        // `<customer>:<middle>:<day>[:lead]`, the middle possibly empty or
        // holding `:` itself; `None` for the middle when there is none.
        let dated =
            |s: &str, with_middle: bool| -> Result<(i64, String, NaiveDate, bool), UnknownKey> {
                let (s, lead) = match s.strip_suffix(":lead") {
                    Some(s) => (s, true),
                    None => (s, false),
                };
                let (customer, s) = s.split_once(':').ok_or(UnknownKey)?;
                let (middle, day) = if with_middle {
                    let (middle, day) = s.rsplit_once(':').ok_or(UnknownKey)?;
                    (middle.to_owned(), day)
                } else {
                    (String::new(), s)
                };
                let on = NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| UnknownKey)?;
                Ok((number(customer)?, middle, on, lead))
            };
        Ok(match kind {
            "birthday" => {
                let (customer, _, on, lead) = dated(rest, false)?;
                OccurrenceKey::Birthday { customer, on, lead }
            }
            "family" => {
                let (customer, member, on, lead) = dated(rest, true)?;
                OccurrenceKey::FamilyBirthday {
                    customer,
                    member,
                    on,
                    lead,
                }
            }
            "date" => {
                let (customer, label, on, lead) = dated(rest, true)?;
                OccurrenceKey::ImportantDate {
                    customer,
                    label,
                    on,
                    lead,
                }
            }
            "anniversary" => {
                let (customer, _, on, lead) = dated(rest, false)?;
                if lead {
                    return Err(UnknownKey);
                }
                OccurrenceKey::PurchaseAnniversary { customer, on }
            }
            "followup" => {
                let (purchase, step) = pair(rest)?;
                OccurrenceKey::FollowUp { purchase, step }
            }
            "touch" => {
                let (customer, since) = pair(rest)?;
                OccurrenceKey::KeepInTouch { customer, since }
            }
            "thanks-introduced" => OccurrenceKey::ThanksIntroduced {
                referral: number(rest)?,
            },
            "thanks-bought" => OccurrenceKey::ThanksBought {
                referral: number(rest)?,
            },
            "custom" => OccurrenceKey::Promise { id: number(rest)? },
            "season" => {
                let (season, year) = rest.split_once(':').ok_or(UnknownKey)?;
                OccurrenceKey::Season {
                    season: Season::parse(season).ok_or(UnknownKey)?,
                    year: year.parse().map_err(|_| UnknownKey)?,
                }
            }
            _ => return Err(UnknownKey),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::reminder::test_support::day;

    #[test]
    fn every_kind_reads_back_from_its_text() {
        let keys = [
            OccurrenceKey::Birthday {
                customer: 12,
                on: day(2026, 12, 3),
                lead: false,
            },
            OccurrenceKey::Birthday {
                customer: 12,
                on: day(2026, 12, 3),
                lead: true,
            },
            OccurrenceKey::FamilyBirthday {
                customer: 3,
                member: "娘 花子".to_owned(),
                on: day(2027, 1, 5),
                lead: true,
            },
            OccurrenceKey::ImportantDate {
                customer: 3,
                label: "開店記念日: 本店:lead".to_owned(),
                on: day(2027, 2, 28),
                lead: false,
            },
            OccurrenceKey::ImportantDate {
                customer: 3,
                label: String::new(),
                on: day(2027, 2, 28),
                lead: true,
            },
            OccurrenceKey::PurchaseAnniversary {
                customer: 9,
                on: day(2026, 11, 25),
            },
            OccurrenceKey::FollowUp {
                purchase: 40,
                step: 3,
            },
            OccurrenceKey::KeepInTouch {
                customer: 7,
                since: 1_790_000_000,
            },
            OccurrenceKey::ThanksIntroduced { referral: 5 },
            OccurrenceKey::ThanksBought { referral: 5 },
            OccurrenceKey::Promise { id: 77 },
            OccurrenceKey::Season {
                season: Season::NewYear,
                year: 2027,
            },
            OccurrenceKey::Season {
                season: Season::Summer,
                year: 2027,
            },
        ];
        for key in keys {
            let text = key.to_string();
            assert_eq!(text.parse::<OccurrenceKey>(), Ok(key), "{text}");
        }
    }

    #[test]
    fn keys_written_by_earlier_versions_keep_their_meaning() {
        assert_eq!(
            "birthday:12:2026-12-03:lead".parse::<OccurrenceKey>(),
            Ok(OccurrenceKey::Birthday {
                customer: 12,
                on: day(2026, 12, 3),
                lead: true
            })
        );
        assert_eq!(
            "touch:4:1700000000".parse::<OccurrenceKey>(),
            Ok(OccurrenceKey::KeepInTouch {
                customer: 4,
                since: 1_700_000_000
            })
        );
    }

    #[test]
    fn texts_that_name_nothing_are_refused() {
        for text in [
            "",
            "birthday",
            "birthday:x:2026-12-03",
            "birthday:1:2026-13-03",
            "followup:1",
            "custom:",
            "anniversary:1:2026-01-01:lead",
            "holiday:1",
        ] {
            assert_eq!(text.parse::<OccurrenceKey>(), Err(UnknownKey), "{text}");
        }
    }

    #[test]
    fn a_prefix_range_holds_its_keys_and_no_other() {
        let (from, to) = OccurrenceKey::prefix_range(&OccurrenceKey::follow_up_prefix(12));
        let within = |key: &str| from.as_str() <= key && key < to.as_str();
        assert!(within("followup:12:3"));
        assert!(within("followup:12:3@1767000000"));
        assert!(!within("followup:120:3"));
        assert!(!within("followup:1:3"));
        assert!(!within("followup:13:1"));
    }

    #[test]
    fn a_lead_card_knows_its_day_card() {
        let lead = OccurrenceKey::Birthday {
            customer: 1,
            on: day(2026, 12, 3),
            lead: true,
        };
        assert!(lead.is_lead());
        assert_eq!(
            lead.without_lead().map(|k| k.to_string()),
            Some("birthday:1:2026-12-03".to_owned())
        );
    }
}
