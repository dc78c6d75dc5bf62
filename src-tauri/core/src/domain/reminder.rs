//! The personal touches: what a reminder is, and the rules that decide
//! which are due, as pure functions of plain facts and a clock. One file per
//! concern:
//!
//! - `occurrence.rs` — the typed key naming each occasion;
//! - `window.rs` — which days the engine looks at;
//! - `dates.rs` — birthdays, family birthdays, other dates and first-purchase
//!   anniversaries: a lead card, the day, a belated greeting, then gone;
//! - `follow_up.rs` — the steps of a purchase's follow-up plan;
//! - `keep_in_touch.rs` — the stage's (or the customer's own) cadence;
//! - `thanks.rs` — thanking whoever introduced a customer;
//! - `promise.rs` — the promises the salesperson made;
//! - `season.rs` — the season's greetings to prepare (December, July);
//! - `state.rs` — what the user did (done, snoozed, skipped) and the
//!   customer's wishes, applied to what the rules proposed;
//! - `headline.rs` — the one line that says what a reminder is about;
//! - `draft.rs` — message drafts from templates;
//! - `delivery.rs` — quiet hours, digests and notifications.
//!
//! No rule here reads the store: the use case (`crate::reminder`) reads the
//! facts, calls the rules and keeps the result in the agenda.

pub mod dates;
pub mod delivery;
pub mod draft;
pub mod follow_up;
pub mod headline;
pub mod keep_in_touch;
pub mod occurrence;
pub mod promise;
pub mod season;
pub mod state;
pub mod thanks;
pub mod window;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::ladder::Stage;
use crate::domain::text_enum;
use crate::domain::touchpoint::TouchpointKind;
pub use occurrence::OccurrenceKey;

/// The plan the first migration creates and new purchases follow.
pub const DEFAULT_PLAN_ID: i64 = 1;
/// How far ahead the Today view looks.
pub const AHEAD_DAYS: i64 = 7;
/// The longest snooze.
pub const MAX_SNOOZE_DAYS: i64 = 30;
/// The Today view lists at most this many reminders per section (and counts all).
pub const SECTION_LIMIT: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReminderKind {
    Birthday,
    FamilyBirthday,
    ImportantDate,
    /// The yearly anniversary of the first purchase.
    PurchaseAnniversary,
    /// A step of the purchase's follow-up plan.
    FollowUp,
    KeepInTouch,
    /// Thank whoever introduced a new customer…
    ReferralIntroduced,
    /// …and again when that customer first buys.
    ReferralBought,
    /// A promise or a reminder the user set.
    Custom,
    /// The season's cards and gifts to prepare (about no one).
    Season,
}
text_enum!(ReminderKind {
    Birthday => "birthday",
    FamilyBirthday => "family_birthday",
    ImportantDate => "important_date",
    PurchaseAnniversary => "purchase_anniversary",
    FollowUp => "follow_up",
    KeepInTouch => "keep_in_touch",
    ReferralIntroduced => "referral_introduced",
    ReferralBought => "referral_bought",
    Custom => "custom",
    Season => "season",
});

impl ReminderKind {
    /// A touch the customer receives; a promise or the season's
    /// preparation is the user's own task, which a customer's wish not to
    /// be contacted does not cancel.
    pub fn is_touch(self) -> bool {
        !matches!(self, ReminderKind::Custom | ReminderKind::Season)
    }

    /// Kinds tied to a day in the calendar, which lose their meaning a few
    /// days after it.
    pub fn is_dated(self) -> bool {
        matches!(
            self,
            ReminderKind::Birthday
                | ReminderKind::FamilyBirthday
                | ReminderKind::ImportantDate
                | ReminderKind::PurchaseAnniversary
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpKind {
    ThankYou,
    CheckIn,
    Satisfaction,
    /// Falls due after the purchase's own re-order interval when it has one.
    Reorder,
    Custom,
}
text_enum!(FollowUpKind {
    ThankYou => "thank_you",
    CheckIn => "check_in",
    Satisfaction => "satisfaction",
    Reorder => "reorder",
    Custom => "custom",
});

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FollowUpStep {
    /// `null` for a step not saved yet.
    pub id: Option<i64>,
    pub kind: FollowUpKind,
    /// Shown instead of the kind's name when not empty.
    pub label: String,
    /// Days after the purchase.
    pub offset_days: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FollowUpPlan {
    /// `null` for a plan not saved yet.
    pub id: Option<i64>,
    /// Empty for the built-in plan, which the interface names in its language.
    pub name: String,
    pub is_default: bool,
    pub steps: Vec<FollowUpStep>,
}

/// Who a reminder is about, with what the Today view shows beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReminderCustomer {
    pub id: i64,
    pub display_name: String,
    pub stage: Stage,
    /// The last touchpoint (Unix seconds), if any.
    pub last_touch_at: Option<i64>,
    pub phone: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Reminder {
    /// Names this occurrence; what the user did to it is stored under it.
    pub key: String,
    pub kind: ReminderKind,
    pub customer: Option<ReminderCustomer>,
    /// The local day it falls due.
    #[ts(type = "string")]
    pub due_on: NaiveDate,
    /// When it falls due (Unix seconds): the reminder time on `due_on`, a
    /// promise's own time, or the end of a snooze.
    pub due_at: i64,
    /// The day of the occasion itself (before it for a lead card); the
    /// purchase for a follow-up; the last contact for keep-in-touch.
    #[ts(type = "string")]
    pub occasion_on: NaiveDate,
    /// The last day it is offered; `null` for touches that stay until done.
    #[ts(type = "string | null")]
    pub expires_on: Option<NaiveDate>,
    /// When it stops being offered (the end of `expires_on` in the user's
    /// zone, Unix seconds): a snooze must end before it.
    pub offered_until: Option<i64>,
    /// Age, or years since, on the occasion.
    pub years: Option<i32>,
    /// What it is about, beyond its kind: the family member, the date's
    /// label, the item bought, the person introduced, the promise's title.
    pub subject: String,
    pub follow_up: Option<FollowUpKind>,
    /// Back from a snooze.
    pub snoozed: bool,
    /// What it is about in one line, in the reminder's language (see
    /// `headline.rs`): the Today card, the notification and the calendar
    /// all show this.
    pub headline: String,
    /// A ready message in the reminder's language.
    pub draft: String,
    /// The language `headline` and `draft` are written in: the customer's.
    pub language: DraftLanguage,
}

/// One template as a customer would receive it (settings page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TemplatePreview {
    pub key: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReminderSection {
    /// Every reminder in the section…
    pub total: u32,
    /// …of which the first as many as were asked for (at most
    /// [`SECTION_LIMIT`]), in due order.
    pub items: Vec<Reminder>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TodayView {
    #[ts(type = "string")]
    pub today: NaiveDate,
    /// Most recently due first.
    pub overdue: ReminderSection,
    pub today_items: ReminderSection,
    /// The next seven days, soonest first.
    pub upcoming: ReminderSection,
    /// Today's agenda is still being derived: this is the last one, read
    /// for today's dates (see `Store::today_view_at_once`).
    pub preparing: bool,
    /// The most reminders a section lists, however many are asked for.
    pub most_listed: u32,
}

/// The language drafts and notifications are written in: each customer's
/// own (see `CustomerProfile::message_language`), or the interface's for
/// reminders about no one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DraftLanguage {
    Ja,
    En,
}
text_enum!(DraftLanguage { Ja => "ja", En => "en" });

/// What the user did with a reminder. Each can be undone (see `undo.rs`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ReminderAction {
    /// Done; with `log`, a touchpoint (a give) records how it was done.
    Done {
        log: Option<ReminderTouch>,
    },
    /// Back at `until` (Unix seconds).
    Snooze {
        until: i64,
    },
    Skip,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ReminderTouch {
    pub kind: TouchpointKind,
    pub summary: String,
}

/// What the scheduler learns on one wake-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchedulerTick {
    /// To show now.
    pub notices: Vec<Notice>,
    /// When to wake next (Unix seconds): the next reminder, the end of a
    /// snooze or of the quiet hours, or tomorrow's reminder time.
    pub next_wake_at: i64,
    /// Reminders overdue or due today, for the tray.
    pub due_count: u32,
    /// Inside the quiet hours: nothing was announced.
    pub quiet: bool,
}

/// One notification to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Notice {
    pub title: String,
    pub body: String,
    /// The customer a click opens, for a single reminder.
    pub customer_id: Option<i64>,
    /// The announcements it makes (see `delivery::Announcement`).
    pub keys: Vec<String>,
}

/// A reminder the rules proposed, before the user's state and the
/// customer's details are added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub key: OccurrenceKey,
    pub kind: ReminderKind,
    pub customer_id: Option<i64>,
    pub due_on: NaiveDate,
    /// A promise's own moment; others fall due at the reminder time.
    pub due_at: Option<i64>,
    pub occasion_on: NaiveDate,
    /// The last day it is offered (dated kinds only).
    pub expires_on: Option<NaiveDate>,
    pub years: Option<i32>,
    pub subject: String,
    pub follow_up: Option<FollowUpKind>,
    /// The purchase a follow-up belongs to.
    pub purchase_id: Option<i64>,
    /// The cadence of a keep-in-touch reminder, in days.
    pub cadence: Option<u32>,
}

impl Candidate {
    pub fn new(
        key: OccurrenceKey,
        kind: ReminderKind,
        customer_id: Option<i64>,
        due_on: NaiveDate,
    ) -> Self {
        Candidate {
            key,
            kind,
            customer_id,
            due_on,
            due_at: None,
            occasion_on: due_on,
            expires_on: None,
            years: None,
            subject: String::new(),
            follow_up: None,
            purchase_id: None,
            cadence: None,
        }
    }
}

/// A candidate that survived the user's state and the customer's wishes,
/// with the moment it falls due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub candidate: Candidate,
    /// Back from a snooze.
    pub snoozed: bool,
    pub at: i64,
    /// Still snoozed until this instant (later today): not shown before.
    pub hidden_until: Option<i64>,
}

/// `day` moved by `days` (back when negative); unchanged at the calendar's ends.
pub fn add_days(day: NaiveDate, days: i64) -> NaiveDate {
    let moved = if days >= 0 {
        day.checked_add_days(chrono::Days::new(days.unsigned_abs()))
    } else {
        day.checked_sub_days(chrono::Days::new(days.unsigned_abs()))
    };
    moved.unwrap_or(day)
}

#[cfg(test)]
pub(crate) mod test_support {
    use chrono::NaiveDate;

    use crate::domain::clock::Clock;

    pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    /// 10:00 in Tokyo on the given day.
    pub fn clock(y: i32, m: u32, d: u32) -> Clock {
        Clock::at_local(chrono_tz::Asia::Tokyo, day(y, m, d), 10, 0).expect("valid time")
    }
}
