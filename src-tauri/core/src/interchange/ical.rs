//! An iCalendar (`.ics`) file of the customers' birthdays and other dates,
//! recurring yearly, and of the follow-ups and promises planned for the
//! coming weeks. Every event's UID is derived from what it is about (the
//! customer's UID, the occurrence key), so importing a newer export into a
//! calendar updates the events instead of adding them twice.

use calcard::common::PartialDateTime;
use calcard::icalendar::{
    ICalendar, ICalendarAction, ICalendarComponent, ICalendarComponentType, ICalendarDuration,
    ICalendarEntry, ICalendarFrequency, ICalendarMonth, ICalendarParameter, ICalendarProperty,
    ICalendarRecurrenceRule, ICalendarValue, ICalendarValueType,
};
use chrono::{Datelike, NaiveDate};

use crate::domain::calendar::PartialDate;
use crate::domain::clock::Clock;
use crate::domain::customer::{CustomerProfile, ImportantDateKind};
use crate::error::Result;
use crate::reminder::{DraftLanguage, Reminder};
use crate::store::Store;

/// How far ahead follow-ups and promises are written.
pub const PLANNED_DAYS: u32 = 90;

/// FNV-1a: a stable hash for UIDs (the standard library's may change
/// between Rust versions, which would change every UID).
fn stable_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn entry(name: ICalendarProperty, value: ICalendarValue) -> ICalendarEntry {
    ICalendarEntry {
        name,
        params: Vec::new(),
        values: vec![value],
    }
}

fn text(name: ICalendarProperty, value: impl Into<String>) -> ICalendarEntry {
    entry(name, ICalendarValue::Text(value.into()))
}

fn day_value(day: NaiveDate) -> ICalendarValue {
    ICalendarValue::PartialDateTime(Box::new(PartialDateTime {
        year: u16::try_from(day.year()).ok(),
        month: u8::try_from(day.month()).ok(),
        day: u8::try_from(day.day()).ok(),
        ..PartialDateTime::default()
    }))
}

fn instant_value(at: i64) -> ICalendarValue {
    let utc = chrono::DateTime::from_timestamp(at, 0).unwrap_or_default();
    ICalendarValue::PartialDateTime(Box::new(PartialDateTime {
        year: u16::try_from(utc.year()).ok(),
        month: u8::try_from(utc.month()).ok(),
        day: u8::try_from(utc.day()).ok(),
        hour: u8::try_from(chrono::Timelike::hour(&utc)).ok(),
        minute: u8::try_from(chrono::Timelike::minute(&utc)).ok(),
        second: Some(0),
        tz_hour: Some(0),
        tz_minute: Some(0),
        tz_minus: false,
    }))
}

fn date_entry(name: ICalendarProperty, day: NaiveDate) -> ICalendarEntry {
    ICalendarEntry {
        name,
        params: vec![ICalendarParameter::value(ICalendarValueType::Date)],
        values: vec![day_value(day)],
    }
}

/// A yearly all-day event. Yearless dates start in 2000; 29 February
/// recurs on the last day of February, so it falls on the 28th in other years.
fn yearly(
    uid: String,
    summary: String,
    date: &PartialDate,
    stamp: i64,
) -> Option<ICalendarComponent> {
    let start_year = date.year.unwrap_or(2000);
    let start = NaiveDate::from_ymd_opt(start_year, date.month, date.day)?;
    let end = start.succ_opt()?;
    let mut rule = ICalendarRecurrenceRule {
        freq: ICalendarFrequency::Yearly,
        ..ICalendarRecurrenceRule::default()
    };
    if date.month == 2 && date.day == 29 {
        rule.bymonth = vec![ICalendarMonth::new(2, false)];
        rule.bymonthday = vec![-1];
    }
    Some(ICalendarComponent {
        component_type: ICalendarComponentType::VEvent,
        entries: vec![
            text(ICalendarProperty::Uid, uid),
            entry(ICalendarProperty::Dtstamp, instant_value(stamp)),
            date_entry(ICalendarProperty::Dtstart, start),
            date_entry(ICalendarProperty::Dtend, end),
            entry(
                ICalendarProperty::Rrule,
                ICalendarValue::RecurrenceRule(Box::new(rule)),
            ),
            text(ICalendarProperty::Summary, summary),
            text(ICalendarProperty::Transp, "TRANSPARENT"),
        ],
        component_ids: Vec::new(),
    })
}

/// One customer's yearly dates: birthday, family birthdays, anniversaries,
/// named in the customer's own language.
fn dates_of(uid: &str, name: &str, p: &CustomerProfile, stamp: i64) -> Vec<ICalendarComponent> {
    let ja = p.language() == DraftLanguage::Ja;
    let mut out = Vec::new();
    if let Some(birthday) = &p.birthday {
        let summary = if ja {
            format!("{name} 様のお誕生日")
        } else {
            format!("{name}'s birthday")
        };
        out.extend(yearly(
            format!("birthday-{uid}@kizuna"),
            summary,
            birthday,
            stamp,
        ));
    }
    for member in &p.family_members {
        let Some(birthday) = &member.birthday else {
            continue;
        };
        let who = format!("{} {}", member.relation, member.name)
            .trim()
            .to_owned();
        let summary = if ja {
            format!("{name} 様の{who}さんのお誕生日")
        } else {
            format!("{name}: {who}'s birthday")
        };
        let key = format!("{}|{}", member.relation, member.name);
        out.extend(yearly(
            format!("family-{uid}-{:016x}@kizuna", stable_hash(&key)),
            summary,
            birthday,
            stamp,
        ));
    }
    for date in &p.important_dates {
        let what = match (date.label.is_empty(), date.kind, ja) {
            (false, _, _) => date.label.clone(),
            (true, ImportantDateKind::Anniversary, true) => "記念日".to_owned(),
            (true, ImportantDateKind::Anniversary, false) => "anniversary".to_owned(),
            (true, ImportantDateKind::Custom, true) => "大切な日".to_owned(),
            (true, ImportantDateKind::Custom, false) => "important date".to_owned(),
        };
        let summary = if ja {
            format!("{name} 様: {what}")
        } else {
            format!("{name}: {what}")
        };
        let key = format!("{}|{}", date.kind.as_str(), date.label);
        out.extend(yearly(
            format!("date-{uid}-{:016x}@kizuna", stable_hash(&key)),
            summary,
            &date.date,
            stamp,
        ));
    }
    out
}

/// A planned follow-up or promise, at its moment, half an hour long.
fn planned(r: &Reminder, stamp: i64) -> ICalendarComponent {
    let who = r
        .customer
        .as_ref()
        .map(|c| c.display_name.clone())
        .unwrap_or_default();
    let what = r.headline.clone();
    let summary = match (who.is_empty(), r.language) {
        (true, _) => what,
        (false, DraftLanguage::Ja) => format!("{who} 様: {what}"),
        (false, DraftLanguage::En) => format!("{who}: {what}"),
    };
    ICalendarComponent {
        component_type: ICalendarComponentType::VEvent,
        entries: vec![
            text(ICalendarProperty::Uid, format!("{}@kizuna", r.key)),
            entry(ICalendarProperty::Dtstamp, instant_value(stamp)),
            entry(ICalendarProperty::Dtstart, instant_value(r.due_at)),
            entry(ICalendarProperty::Dtend, instant_value(r.due_at + 30 * 60)),
            text(ICalendarProperty::Summary, summary),
            text(ICalendarProperty::Description, r.draft.clone()),
        ],
        component_ids: Vec::new(),
    }
}

/// Writes the calendar for these customers (uid, display name, profile).
pub fn write(
    customers: &[(String, String, CustomerProfile)],
    touches: &[Reminder],
    language: DraftLanguage,
    clock: &Clock,
) -> String {
    let stamp = clock.timestamp();
    let mut events = Vec::new();
    for (uid, name, profile) in customers {
        events.extend(dates_of(uid, name, profile, stamp));
    }
    for r in touches {
        events.push(planned(r, stamp));
    }
    let calendar_name = match language {
        DraftLanguage::Ja => "絆 Kizuna",
        DraftLanguage::En => "Kizuna",
    };
    let ids: Vec<u32> = (1..=u32::try_from(events.len()).unwrap_or(u32::MAX)).collect();
    let mut components = vec![ICalendarComponent {
        component_type: ICalendarComponentType::VCalendar,
        entries: vec![
            text(ICalendarProperty::Version, "2.0"),
            text(ICalendarProperty::Prodid, "-//Kizuna//Kizuna//JA"),
            text(ICalendarProperty::Calscale, "GREGORIAN"),
            text(
                ICalendarProperty::Other("X-WR-CALNAME".to_owned()),
                calendar_name,
            ),
        ],
        component_ids: ids,
    }];
    components.extend(events);
    let mut out = String::new();
    // Writing into a String cannot fail.
    let _ = ICalendar { components }.write_to(&mut out);
    out
}

/// One event of the phone's calendar, as its own calendar object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEvent {
    pub uid: String,
    /// A whole `VCALENDAR` holding the one `VEVENT` and its alarm.
    pub ics: String,
}

/// Every event is stamped with the same moment: an event's text changes
/// only when the event does, so a sync writes only what changed.
const SYNC_STAMP: i64 = 946_684_800;

/// An alarm `after` the start of its event (all-day events start at
/// midnight, so a birthday's alarm rings at the notification time).
fn alarm(after_minutes: u32, description: &str) -> ICalendarComponent {
    ICalendarComponent {
        component_type: ICalendarComponentType::VAlarm,
        entries: vec![
            entry(
                ICalendarProperty::Action,
                ICalendarValue::Action(ICalendarAction::Display),
            ),
            entry(
                ICalendarProperty::Trigger,
                ICalendarValue::Duration(ICalendarDuration {
                    hours: after_minutes / 60,
                    minutes: after_minutes % 60,
                    ..ICalendarDuration::default()
                }),
            ),
            text(ICalendarProperty::Description, description),
        ],
        component_ids: Vec::new(),
    }
}

fn uid_of(event: &ICalendarComponent) -> String {
    event
        .entries
        .iter()
        .find(|e| e.name == ICalendarProperty::Uid)
        .and_then(|e| e.values.first())
        .and_then(|v| match v {
            ICalendarValue::Text(t) => Some(t.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

fn summary_of(event: &ICalendarComponent) -> String {
    event
        .entries
        .iter()
        .find(|e| e.name == ICalendarProperty::Summary)
        .and_then(|e| e.values.first())
        .and_then(|v| match v {
            ICalendarValue::Text(t) => Some(t.clone()),
            _ => None,
        })
        .unwrap_or_default()
}

/// The phone's calendar: each customer's yearly dates, with an alarm on
/// the day at the notification time (`alarm_minutes` after midnight), and
/// each touch planned for the coming weeks, with an alarm at its moment —
/// named in the customer's language.
pub fn events(
    customers: &[(String, String, CustomerProfile)],
    touches: &[Reminder],
    alarm_minutes: u32,
) -> Vec<CalendarEvent> {
    let mut found: Vec<(ICalendarComponent, u32)> = Vec::new();
    for (uid, name, profile) in customers {
        found.extend(
            dates_of(uid, name, profile, SYNC_STAMP)
                .into_iter()
                .map(|e| (e, alarm_minutes)),
        );
    }
    found.extend(touches.iter().map(|r| (planned(r, SYNC_STAMP), 0)));
    found
        .into_iter()
        .map(|(mut event, after)| {
            let uid = uid_of(&event);
            let ringing = alarm(after, &summary_of(&event));
            event.component_ids = vec![2];
            let calendar = ICalendarComponent {
                component_type: ICalendarComponentType::VCalendar,
                entries: vec![
                    text(ICalendarProperty::Version, "2.0"),
                    text(ICalendarProperty::Prodid, "-//Kizuna//Kizuna//JA"),
                ],
                component_ids: vec![1],
            };
            let mut ics = String::new();
            // Writing into a String cannot fail.
            let _ = ICalendar {
                components: vec![calendar, event, ringing],
            }
            .write_to(&mut ics);
            CalendarEvent { uid, ics }
        })
        .collect()
}

/// Customers as the calendar names them: (UID, display name, profile).
fn named(
    customers: Vec<crate::store::profiles::ExportCustomer>,
) -> Vec<(String, String, CustomerProfile)> {
    customers
        .into_iter()
        .map(|c| {
            let name = crate::domain::kana::display_name(
                &c.profile.family_name,
                &c.profile.given_name,
                &c.profile.company,
            );
            (c.uid, name, c.profile)
        })
        .collect()
}

impl Store {
    /// The events of the phone's calendar (see [`events`]), every customer
    /// not archived.
    pub fn calendar_events(&self, clock: &Clock) -> Result<Vec<CalendarEvent>> {
        let settings = self.settings()?;
        let active = crate::store::sync_items::active_customers(self.conn())?;
        let rows = named(self.export_profiles(Some(&active))?);
        let touches = self.planned_touches(PLANNED_DAYS, DraftLanguage::Ja, clock)?;
        let alarm = crate::domain::settings::minutes_of(&settings.reminder_time).unwrap_or(9 * 60);
        Ok(events(&rows, &touches, alarm))
    }

    /// The calendar of every customer's dates (or the given customers') and
    /// of the touches planned for the next [`PLANNED_DAYS`].
    pub fn export_calendar(
        &self,
        ids: Option<&[i64]>,
        language: DraftLanguage,
        clock: &Clock,
    ) -> Result<String> {
        let rows = named(self.export_profiles(ids)?);
        let mut touches = self.planned_touches(PLANNED_DAYS, language, clock)?;
        if let Some(ids) = ids {
            touches.retain(|r| r.customer.as_ref().is_some_and(|c| ids.contains(&c.id)));
        }
        Ok(write(&rows, &touches, language, clock))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uids_do_not_change_between_exports() {
        assert_eq!(stable_hash("妻|花子"), stable_hash("妻|花子"));
        assert_ne!(stable_hash("妻|花子"), stable_hash("娘|花子"));
        // FNV-1a of the empty string is its offset basis.
        assert_eq!(stable_hash(""), 0xcbf2_9ce4_8422_2325);
    }
}
