//! The reminder engine on real SQLite with a fixed clock: dates and their
//! edges, follow-up plans, keep-in-touch, referrals, what the user did, and
//! notifications announced once.

#[allow(dead_code)]
#[path = "support/fixtures.rs"]
mod fixtures;

use chrono::{NaiveDate, TimeZone};
use kizuna_core::calendar::PartialDate;
use kizuna_core::customer::{CustomerProfile, FamilyMember};
use kizuna_core::ladder::Stage;
use kizuna_core::purchase::PurchaseInput;
use kizuna_core::reminder::{
    DEFAULT_PLAN_ID, DraftLanguage, FollowUpKind, FollowUpPlan, FollowUpStep, Reminder,
    ReminderAction, ReminderKind, ReminderTouch, SECTION_LIMIT, TodayView,
};
use kizuna_core::settings::Settings;
use kizuna_core::touchpoint::{TouchpointInput, TouchpointKind};
use kizuna_core::{Clock, Store};

const DAY: i64 = 86_400;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

fn customer(store: &mut Store, clock: &Clock, family: &str, profile: CustomerProfile) -> i64 {
    let profile = CustomerProfile {
        family_name: family.to_owned(),
        given_name: "太郎".to_owned(),
        ..profile
    };
    store.create_customer(profile, clock).expect("customer").id
}

fn born(month: u32, d: u32, year: Option<i32>) -> CustomerProfile {
    CustomerProfile {
        birthday: Some(PartialDate::new(year, month, d)),
        ..CustomerProfile::default()
    }
}

fn buy(store: &mut Store, clock: &Clock, customer_id: i64, item: &str, at: i64) -> i64 {
    store
        .record_purchase(
            PurchaseInput {
                customer_id,
                item: item.to_owned(),
                quantity: 1,
                amount_minor: 5_000,
                currency: String::new(),
                purchased_at: at,
                satisfaction: None,
                notes: String::new(),
                follow_up_plan_id: Some(DEFAULT_PLAN_ID),
                reorder_after_days: None,
            },
            clock,
        )
        .expect("purchase")
        .purchase
        .id
}

fn view(store: &Store, clock: &Clock) -> TodayView {
    store
        .today_view(DraftLanguage::Ja, clock)
        .expect("today view")
}

fn all(view: &TodayView) -> Vec<&Reminder> {
    view.overdue
        .items
        .iter()
        .chain(&view.today_items.items)
        .chain(&view.upcoming.items)
        .collect()
}

/// `(kind, due day)` of every reminder about a customer, in section order
/// (the season's greetings to prepare are `greetings.rs`'s concern).
fn summary(view: &TodayView) -> Vec<(ReminderKind, NaiveDate)> {
    all(view)
        .iter()
        .filter(|r| r.kind != ReminderKind::Season)
        .map(|r| (r.kind, r.due_on))
        .collect()
}

#[test]
fn a_birthday_is_reminded_a_week_ahead_and_on_the_day_across_the_year_end() {
    let mut store = fixtures::quiet_store();
    let setup = fixtures::clock_on(2026, 12, 1);
    customer(&mut store, &setup, "山田", born(1, 3, Some(1980)));

    // 28 December: the lead card (27 December) is open; the day itself,
    // within the week and in 2027, is not shown beside it.
    let clock = fixtures::clock_on(2026, 12, 28);
    let v = view(&store, &clock);
    assert_eq!(summary(&v), [(ReminderKind::Birthday, day(2026, 12, 27))]);
    let lead = &v.overdue.items[0];
    assert_eq!(lead.years, Some(47));
    assert_eq!(
        lead.headline, "47歳のお誕生日まであと6日",
        "counted from today"
    );
    assert!(lead.draft.starts_with("山田 太郎 様\n"));

    // The card prepared: the day shows ahead.
    let key = lead.key.clone();
    store
        .act_on_reminder(&key, &ReminderAction::Done { log: None }, &clock)
        .expect("done");
    assert_eq!(
        summary(&view(&store, &clock)),
        [(ReminderKind::Birthday, day(2027, 1, 3))]
    );

    // On the day, the day itself.
    let clock = fixtures::clock_on(2027, 1, 3);
    let v = view(&store, &clock);
    assert_eq!(summary(&v), [(ReminderKind::Birthday, day(2027, 1, 3))]);
    assert_eq!(v.today_items.items[0].headline, "今日は47歳のお誕生日");
}

#[test]
fn a_customer_added_three_days_before_their_birthday_starts_with_one_card_due_today() {
    let mut store = fixtures::quiet_store();
    let clock = fixtures::clock_on(2026, 11, 23);
    let id = customer(&mut store, &clock, "前田", born(11, 26, None));
    let v = view(&store, &clock);
    assert_eq!(v.overdue.total, 0, "nothing dated before they were added");
    assert_eq!(summary(&v), [(ReminderKind::Birthday, day(2026, 11, 23))]);
    assert_eq!(v.today_items.items[0].headline, "お誕生日まであと3日");

    // A changed birthday moves what is pending, known from the change.
    let mut profile = store.customer(id).expect("customer").profile;
    profile.birthday = Some(PartialDate::new(None, 12, 24));
    store.update_customer(id, profile, &clock).expect("update");
    assert!(
        summary(&view(&store, &clock)).is_empty(),
        "nothing due before 17 December"
    );
    assert_eq!(
        summary(&view(&store, &fixtures::clock_on(2026, 12, 20))),
        [(ReminderKind::Birthday, day(2026, 12, 17))]
    );
}

#[test]
fn a_missed_birthday_is_a_belated_greeting_for_a_few_days_then_expires() {
    let mut store = fixtures::quiet_store();
    let setup = fixtures::clock_on(2026, 1, 10);
    customer(&mut store, &setup, "阿部", born(11, 20, None));
    // 22 November: the day card of the 20th, overdue, offered until the 23rd.
    let clock = fixtures::clock_on(2026, 11, 22);
    let v = view(&store, &clock);
    let lead_and_day: Vec<_> = all(&v)
        .into_iter()
        .map(|r| (r.due_on, r.expires_on))
        .collect();
    assert!(lead_and_day.contains(&(day(2026, 11, 20), Some(day(2026, 11, 23)))));
    let card = all(&v)
        .into_iter()
        .find(|r| r.due_on == day(2026, 11, 20))
        .expect("the day card");
    assert_eq!(card.headline, "お誕生日は2日前でした");
    assert!(card.draft.contains("遅くなりましたが"), "{}", card.draft);
    // After the belated days it is gone, also in English.
    let later = fixtures::clock_on(2026, 11, 24);
    assert!(summary(&view(&store, &later)).is_empty());
    // A birthday already ten days past when imported is never overdue.
    let fresh = customer(&mut store, &clock, "新井", born(11, 12, None));
    let v = view(&store, &clock);
    assert!(
        all(&v)
            .iter()
            .all(|r| r.customer.as_ref().map(|c| c.id) != Some(fresh))
    );
}

#[test]
fn the_window_lists_as_many_reminders_as_it_asks_for_and_counts_all() {
    let mut store = fixtures::quiet_store();
    let clock = fixtures::clock_on(2027, 2, 28);
    for family in ["一", "二", "三", "四", "五"] {
        customer(&mut store, &clock, family, born(2, 28, None));
    }
    let whole = view(&store, &clock);
    assert_eq!(whole.today_items.items.len(), 5);
    assert_eq!(whole.most_listed as usize, SECTION_LIMIT);

    let first = store
        .today_view_listing(DraftLanguage::Ja, &clock, 2)
        .expect("two listed");
    assert_eq!(
        first.today_items.total, 5,
        "every reminder is still counted"
    );
    let keys = |v: &TodayView| -> Vec<String> {
        v.today_items.items.iter().map(|r| r.key.clone()).collect()
    };
    assert_eq!(
        keys(&first),
        keys(&whole)[..2],
        "the first two in due order"
    );

    let none_asked = store
        .today_view_listing(DraftLanguage::Ja, &clock, 0)
        .expect("none asked");
    assert_eq!(
        none_asked.today_items.items.len(),
        1,
        "at least one is listed"
    );
    let at_once = store
        .today_view_at_once(DraftLanguage::Ja, &clock, 3)
        .expect("at once");
    assert_eq!(keys(&at_once), keys(&whole)[..3]);
}

#[test]
fn a_29_february_birthday_falls_on_28_february_in_common_years() {
    let mut store = fixtures::quiet_store();
    let clock = fixtures::clock_on(2027, 2, 28);
    customer(&mut store, &clock, "閏", born(2, 29, None));
    let v = view(&store, &clock);
    assert_eq!(v.today_items.items.len(), 1);
    assert_eq!(v.today_items.items[0].occasion_on, day(2027, 2, 28));

    // In a leap year the lead card (22 February) is still open the day before.
    let clock = fixtures::clock_on(2028, 2, 28);
    let v = view(&store, &clock);
    assert_eq!(v.today_items.total, 0);
    assert_eq!(v.overdue.items[0].occasion_on, day(2028, 2, 29));
    assert_eq!(v.overdue.items[0].headline, "お誕生日まであと1日");
}

#[test]
fn a_lead_time_crossing_a_month_end_and_family_birthdays() {
    let mut store = fixtures::quiet_store();
    let added = fixtures::clock_on(2026, 9, 1);
    let profile = CustomerProfile {
        family_members: vec![FamilyMember {
            name: "花子".to_owned(),
            reading: String::new(),
            relation: "娘".to_owned(),
            birthday: Some(PartialDate::new(Some(2010), 11, 3)),
            notes: String::new(),
        }],
        ..CustomerProfile::default()
    };
    customer(&mut store, &added, "佐藤", profile);
    let clock = fixtures::clock_on(2026, 10, 28);
    let v = view(&store, &clock);
    // 3 November − 7 days = 27 October: yesterday, overdue.
    assert_eq!(
        summary(&v),
        [(ReminderKind::FamilyBirthday, day(2026, 10, 27))]
    );
    assert!(v.overdue.items[0].draft.contains("娘 花子さんのお誕生日"));
    assert_eq!(
        v.overdue.items[0].headline,
        "娘 花子さんのお誕生日まであと6日"
    );
}

#[test]
fn reminders_fall_due_at_the_reminder_time_in_the_users_zone_even_on_a_dst_day() {
    let mut store = fixtures::quiet_store();
    let tz = chrono_tz::America::New_York;
    // Clocks go forward at 2:00 on 8 March 2026; remind at 2:30, which
    // does not exist that day: the first instant that does (3:30 EDT).
    store
        .save_settings(&Settings {
            reminder_time: "02:30".to_owned(),
            time_zone: "America/New_York".to_owned(),
            ..fixtures::quiet_settings()
        })
        .expect("settings");
    let clock = Clock::at_local(tz, day(2026, 3, 8), 12, 0).expect("clock");
    let english = CustomerProfile {
        message_language: Some(DraftLanguage::En),
        ..born(3, 8, None)
    };
    customer(&mut store, &clock, "Smith", english);
    let v = store.today_view(DraftLanguage::En, &clock).expect("view");
    let due = v.today_items.items[0].due_at;
    let expected = tz
        .with_ymd_and_hms(2026, 3, 8, 3, 30, 0)
        .single()
        .expect("exists")
        .timestamp();
    assert_eq!(due, expected);
    // The given name is in kanji with no reading: an English draft uses
    // what it can write in Latin letters.
    assert!(
        v.today_items.items[0]
            .draft
            .starts_with("Dear Smith,\nHappy birthday"),
        "{}",
        v.today_items.items[0].draft
    );

    // Late in the evening in New York it is already the next day in UTC;
    // the reminder still belongs to the local day.
    let evening = Clock::at_local(tz, day(2026, 3, 7), 23, 0).expect("clock");
    let v = store.today_view(DraftLanguage::En, &evening).expect("view");
    assert_eq!(v.upcoming.items[0].due_on, day(2026, 3, 8));
}

#[test]
fn snoozed_reminders_come_back_and_skipped_or_done_ones_do_not() {
    let mut store = fixtures::quiet_store();
    let clock = fixtures::clock_on(2026, 11, 23);
    let a = customer(&mut store, &clock, "青木", born(11, 23, None));
    let b = customer(&mut store, &clock, "井上", born(11, 23, None));
    let c = customer(&mut store, &clock, "上田", born(11, 23, None));
    let v = view(&store, &clock);
    assert_eq!(v.today_items.total, 3);
    let key = |id: i64| format!("birthday:{id}:2026-11-23");

    let tomorrow = clock.timestamp() + DAY;
    store
        .act_on_reminder(&key(a), &ReminderAction::Snooze { until: tomorrow }, &clock)
        .expect("snooze");
    let skipped = store
        .act_on_reminder(&key(b), &ReminderAction::Skip, &clock)
        .expect("skip");
    store
        .act_on_reminder(
            &key(c),
            &ReminderAction::Done {
                log: Some(ReminderTouch {
                    kind: TouchpointKind::Letter,
                    summary: "誕生日カード".to_owned(),
                }),
            },
            &clock,
        )
        .expect("done");
    assert_eq!(view(&store, &clock).today_items.total, 0);
    // Done from the draft logged a give.
    let logged = store.recent_touchpoints(c, 1).expect("touchpoints");
    assert_eq!(logged[0].summary, "誕生日カード");
    assert_eq!(
        logged[0].direction,
        kizuna_core::touchpoint::Direction::Give
    );

    // The next day the snoozed one is back, due then; the others stay gone.
    let next_day = fixtures::clock_on(2026, 11, 24);
    let back = view(&store, &next_day);
    assert_eq!(back.today_items.items.len(), 1);
    assert_eq!(
        back.today_items.items[0].customer.as_ref().map(|c| c.id),
        Some(a)
    );
    assert!(back.today_items.items[0].snoozed);

    // Undo brings a skipped one back.
    store.undo(skipped, &clock).expect("undo the skip");
    assert_eq!(view(&store, &clock).today_items.total, 1);

    // A snooze beyond a month is refused.
    assert!(
        store
            .act_on_reminder(
                &key(a),
                &ReminderAction::Snooze {
                    until: clock.timestamp() + 40 * DAY
                },
                &clock
            )
            .is_err()
    );
    // And next year the birthday comes back.
    let next_year = fixtures::clock_on(2027, 11, 23);
    assert_eq!(view(&store, &next_year).today_items.total, 3);
}

#[test]
fn keep_in_touch_follows_the_stage_cadence_the_customers_own_and_resets_on_contact() {
    let mut store = Store::open_in_memory().expect("store");
    store
        .save_settings(&Settings {
            cadence_days: [0, 30, 30, 30, 30, 14],
            ..Settings::default()
        })
        .expect("settings");
    let start = fixtures::clock_on(2026, 9, 1);
    let regular = customer(
        &mut store,
        &start,
        "木村",
        CustomerProfile {
            stage: Stage::Customer,
            ..CustomerProfile::default()
        },
    );
    let own = customer(
        &mut store,
        &start,
        "森",
        CustomerProfile {
            stage: Stage::Customer,
            cadence_days: Some(100),
            ..CustomerProfile::default()
        },
    );
    let prospect = customer(&mut store, &start, "林", CustomerProfile::default());
    let quiet = customer(
        &mut store,
        &start,
        "原",
        CustomerProfile {
            stage: Stage::Customer,
            do_not_contact: true,
            ..CustomerProfile::default()
        },
    );
    let _ = (own, prospect, quiet);

    // 1 September + 30 days = 1 October: overdue on 10 October.
    let clock = fixtures::clock_on(2026, 10, 10);
    let v = view(&store, &clock);
    let touch: Vec<_> = all(&v)
        .into_iter()
        .filter(|r| r.kind == ReminderKind::KeepInTouch)
        .collect();
    assert_eq!(touch.len(), 1, "only the customer on the stage cadence");
    assert_eq!(touch[0].customer.as_ref().map(|c| c.id), Some(regular));
    assert_eq!(touch[0].due_on, day(2026, 10, 1));

    // A call resets it: next due 30 days after the call.
    store
        .log_touchpoint(
            TouchpointInput {
                customer_id: regular,
                kind: TouchpointKind::Call,
                occurred_at: clock.timestamp(),
                summary: "近況".to_owned(),
                notes: String::new(),
                direction: TouchpointKind::Call.default_direction(),
                satisfaction: None,
                promise: None,
            },
            &clock,
        )
        .expect("call");
    assert!(
        all(&view(&store, &clock))
            .iter()
            .all(|r| r.kind != ReminderKind::KeepInTouch)
    );
    let later = fixtures::clock_on(2026, 11, 9);
    let v = view(&store, &later);
    assert_eq!(summary(&v), [(ReminderKind::KeepInTouch, day(2026, 11, 9))]);

    // Their own 100-day cadence: 1 September + 100 = 10 December.
    let december = fixtures::clock_on(2026, 12, 5);
    let own_due: Vec<_> = all(&view(&store, &december))
        .into_iter()
        .filter(|r| r.customer.as_ref().map(|c| c.id) == Some(own))
        .map(|r| r.due_on)
        .collect();
    assert_eq!(own_due, [day(2026, 12, 10)]);
}

#[test]
fn follow_ups_follow_the_plan_and_the_purchase_date_and_go_with_the_purchase() {
    let mut store = fixtures::quiet_store();
    let clock = fixtures::clock_on(2026, 11, 23);
    let then = fixtures::clock_on(2026, 10, 24);
    let id = customer(&mut store, &then, "鈴木", CustomerProfile::default());
    // Bought (and recorded) 30 days ago: the satisfaction check is due
    // today, and it supersedes the overdue thank-you and check-in.
    let purchase = buy(&mut store, &then, id, "本マグロ", then.timestamp());
    let v = view(&store, &clock);
    let follow: Vec<_> = all(&v)
        .into_iter()
        .filter(|r| r.kind == ReminderKind::FollowUp)
        .collect();
    assert_eq!(follow.len(), 1);
    assert_eq!(follow[0].follow_up, Some(FollowUpKind::Satisfaction));
    assert_eq!(follow[0].due_on, day(2026, 11, 23));
    assert!(follow[0].draft.contains("本マグロ"));

    // Moving the purchase to 6 days ago: the check-in is due tomorrow and
    // the thank-you (day 1) is overdue.
    let mut input = PurchaseInput {
        customer_id: id,
        item: "本マグロ".to_owned(),
        quantity: 1,
        amount_minor: 5_000,
        currency: String::new(),
        purchased_at: clock.timestamp() - 6 * DAY,
        satisfaction: None,
        notes: String::new(),
        follow_up_plan_id: Some(DEFAULT_PLAN_ID),
        reorder_after_days: None,
    };
    store
        .update_purchase(purchase, input.clone(), &clock)
        .expect("update");
    let v = view(&store, &clock);
    let follow: Vec<_> = all(&v)
        .into_iter()
        .filter(|r| r.kind == ReminderKind::FollowUp)
        .map(|r| (r.follow_up, r.due_on))
        .collect();
    assert_eq!(
        follow,
        [
            (Some(FollowUpKind::ThankYou), day(2026, 11, 18)),
            (Some(FollowUpKind::CheckIn), day(2026, 11, 24)),
        ]
    );

    // An item with its own re-order interval: due 20 days after purchase.
    input.reorder_after_days = Some(26);
    store
        .update_purchase(purchase, input, &clock)
        .expect("update");
    let reorder = all(&view(&store, &fixtures::clock_on(2026, 12, 10)))
        .into_iter()
        .filter(|r| r.follow_up == Some(FollowUpKind::Reorder))
        .map(|r| r.due_on)
        .collect::<Vec<_>>();
    assert_eq!(reorder, [day(2026, 12, 13)]);

    store.delete_purchase(purchase, &clock).expect("delete");
    assert!(
        all(&view(&store, &clock))
            .iter()
            .all(|r| r.kind != ReminderKind::FollowUp)
    );
}

#[test]
fn an_edited_plan_changes_what_is_due() {
    let mut store = fixtures::quiet_store();
    let clock = fixtures::clock_on(2026, 11, 23);
    let id = customer(&mut store, &clock, "高橋", CustomerProfile::default());
    let plan = store
        .save_follow_up_plan(
            FollowUpPlan {
                id: None,
                name: "車検".to_owned(),
                is_default: false,
                steps: vec![FollowUpStep {
                    id: None,
                    kind: FollowUpKind::Custom,
                    label: "オイル交換のご案内".to_owned(),
                    offset_days: 3,
                }],
            },
            &clock,
        )
        .expect("plan");
    store
        .record_purchase(
            PurchaseInput {
                customer_id: id,
                item: "軽自動車".to_owned(),
                quantity: 1,
                amount_minor: 1_500_000,
                currency: String::new(),
                purchased_at: clock.timestamp() - 3 * DAY,
                satisfaction: None,
                notes: String::new(),
                follow_up_plan_id: plan.id,
                reorder_after_days: None,
            },
            &clock,
        )
        .expect("purchase");
    let v = view(&store, &clock);
    assert_eq!(v.today_items.items[0].subject, "オイル交換のご案内");
    // The default plan cannot be deleted; another can.
    assert!(store.delete_follow_up_plan(DEFAULT_PLAN_ID).is_err());
    store
        .delete_follow_up_plan(plan.id.expect("id"))
        .expect("delete");
    assert_eq!(view(&store, &clock).today_items.total, 0);
}

#[test]
fn referrers_are_thanked_when_introducing_and_when_the_introduced_buys() {
    let mut store = fixtures::quiet_store();
    let clock = fixtures::clock_on(2026, 11, 20);
    let referrer = customer(&mut store, &clock, "紹介", CustomerProfile::default());
    let friend = customer(
        &mut store,
        &clock,
        "友人",
        CustomerProfile {
            referred_by: Some(referrer),
            ..CustomerProfile::default()
        },
    );
    let v = view(&store, &clock);
    let thanks: Vec<_> = all(&v)
        .into_iter()
        .filter(|r| r.kind == ReminderKind::ReferralIntroduced)
        .collect();
    assert_eq!(thanks.len(), 1);
    assert_eq!(thanks[0].customer.as_ref().map(|c| c.id), Some(referrer));
    assert_eq!(thanks[0].subject, "友人 太郎");
    let key = thanks[0].key.clone();
    store
        .act_on_reminder(&key, &ReminderAction::Done { log: None }, &clock)
        .expect("done");

    let later = fixtures::clock_on(2026, 11, 23);
    buy(&mut store, &later, friend, "中トロ", later.timestamp());
    let v = view(&store, &later);
    let kinds: Vec<_> = all(&v)
        .into_iter()
        .filter(|r| r.customer.as_ref().map(|c| c.id) == Some(referrer))
        .map(|r| r.kind)
        .collect();
    assert_eq!(kinds, [ReminderKind::ReferralBought]);
}

#[test]
fn do_not_contact_and_archived_customers_get_no_touch_reminders_but_promises_stay() {
    let mut store = fixtures::quiet_store();
    let clock = fixtures::clock_on(2026, 11, 23);
    let quiet = customer(
        &mut store,
        &clock,
        "静香",
        CustomerProfile {
            do_not_contact: true,
            ..born(11, 23, None)
        },
    );
    let archived = customer(&mut store, &clock, "去", born(11, 23, None));
    store.archive_customer(archived, &clock).expect("archive");
    store
        .add_promise(
            quiet,
            "資料をお送りする",
            day(2026, 11, 23),
            "15:30",
            &clock,
        )
        .expect("promise");
    let v = view(&store, &clock);
    assert_eq!(summary(&v), [(ReminderKind::Custom, day(2026, 11, 23))]);
    // A promise with a time falls due then.
    let at = Clock::at_local(chrono_tz::Asia::Tokyo, day(2026, 11, 23), 15, 30).expect("clock");
    assert_eq!(v.today_items.items[0].due_at, at.timestamp());
}

#[test]
fn first_purchase_anniversaries_come_every_year() {
    let mut store = fixtures::quiet_store();
    let then = fixtures::clock_on(2024, 11, 25);
    let id = customer(&mut store, &then, "古川", CustomerProfile::default());
    buy(&mut store, &then, id, "干物", then.timestamp());
    let clock = fixtures::clock_on(2026, 11, 23);
    let v = view(&store, &clock);
    let anniversary: Vec<_> = all(&v)
        .into_iter()
        .filter(|r| r.kind == ReminderKind::PurchaseAnniversary)
        .collect();
    assert_eq!(anniversary.len(), 1);
    assert_eq!(anniversary[0].due_on, day(2026, 11, 25));
    assert_eq!(anniversary[0].years, Some(2));
}

#[test]
fn notifications_are_announced_once_across_restarts_and_digested_above_the_threshold() {
    let dir = tempfile::tempdir().expect("dir");
    let clock = fixtures::clock_on(2026, 11, 23); // 10:00, after the 9:00 reminder time
    {
        let (mut store, _) = Store::open_in_dir(dir.path(), &fixtures::key()).expect("store");
        store
            .save_settings(&fixtures::quiet_settings())
            .expect("settings");
        customer(&mut store, &clock, "山田", born(11, 23, None));
        // Its lead reminder (3 December) is next week: not announced yet.
        customer(&mut store, &clock, "田中", born(12, 10, None));
        let notices = store
            .scheduler_tick(DraftLanguage::Ja, &clock)
            .map(|t| t.notices)
            .expect("notices");
        assert_eq!(notices.len(), 1);
        assert_eq!(notices[0].title, "山田 太郎 様 — 今日はお誕生日");
        store
            .mark_announced(&notices[0].keys, &clock)
            .expect("mark");
    }
    let (mut store, _) = Store::open_in_dir(dir.path(), &fixtures::key()).expect("reopen");
    assert!(
        store
            .scheduler_tick(DraftLanguage::Ja, &clock)
            .map(|t| t.notices)
            .expect("notices")
            .is_empty()
    );

    // Six at once (threshold 5): one digest.
    for name in ["一", "二", "三", "四", "五", "六"] {
        customer(&mut store, &clock, name, born(11, 23, None));
    }
    let notices = store
        .scheduler_tick(DraftLanguage::En, &clock)
        .map(|t| t.notices)
        .expect("notices");
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].title, "6 reminders for today");
    assert_eq!(notices[0].keys.len(), 6);

    // The scheduler sleeps until the next thing falls due: nothing falls due
    // sooner than tomorrow's reminder time.
    let next = store.next_due_at(&clock).expect("next");
    let tomorrow_nine = Clock::at_local(chrono_tz::Asia::Tokyo, day(2026, 11, 24), 9, 0)
        .expect("clock")
        .timestamp();
    assert_eq!(next, tomorrow_nine);
}

fn at(clock: &Clock, hour: u32, minute: u32) -> Clock {
    Clock::at_local(clock.tz, clock.today(), hour, minute).expect("local time")
}

#[test]
fn a_customer_added_late_in_the_evening_whose_birthday_is_today_is_announced_at_once() {
    let mut store = fixtures::quiet_store();
    store
        .save_settings(&Settings {
            quiet_start: "00:00".to_owned(),
            quiet_end: "00:00".to_owned(),
            ..fixtures::quiet_settings()
        })
        .expect("no quiet hours");
    let evening = at(&fixtures::clock_on(2026, 11, 23), 22, 50);
    customer(&mut store, &evening, "阿部", born(11, 23, None));
    let tick = store
        .scheduler_tick(DraftLanguage::En, &evening)
        .expect("tick");
    assert_eq!(tick.notices.len(), 1);
    // In the customer's language, whatever the interface's.
    assert_eq!(tick.notices[0].title, "阿部 太郎 様 — 今日はお誕生日");
    assert_eq!(tick.due_count, 1);
}

#[test]
fn private_notifications_name_no_one_yet_still_open_the_customer() {
    let mut store = fixtures::quiet_store();
    store
        .save_settings(&Settings {
            quiet_start: "00:00".to_owned(),
            quiet_end: "00:00".to_owned(),
            private_notifications: true,
            ..fixtures::quiet_settings()
        })
        .expect("private");
    let evening = at(&fixtures::clock_on(2026, 11, 23), 22, 50);
    let id = customer(&mut store, &evening, "阿部", born(11, 23, None));
    let tick = store
        .scheduler_tick(DraftLanguage::Ja, &evening)
        .expect("tick");
    assert_eq!(tick.notices.len(), 1);
    let notice = &tick.notices[0];
    assert!(!notice.title.contains("阿部") && !notice.body.contains("阿部"));
    assert!(!notice.body.contains("誕生日"), "no word of the draft");
    assert_eq!(notice.customer_id, Some(id));
}

#[test]
fn nothing_is_announced_in_the_quiet_hours_and_the_scheduler_wakes_when_they_end() {
    let mut store = fixtures::quiet_store();
    let evening = at(&fixtures::clock_on(2026, 11, 23), 22, 50);
    customer(&mut store, &evening, "阿部", born(11, 23, None));
    let tick = store
        .scheduler_tick(DraftLanguage::Ja, &evening)
        .expect("tick");
    assert!(tick.quiet);
    assert!(tick.notices.is_empty());
    assert_eq!(tick.due_count, 1, "the tray still counts it");
    // Midnight comes first: a new day's count.
    let midnight = at(&fixtures::clock_on(2026, 11, 24), 0, 0);
    assert_eq!(tick.next_wake_at, midnight.timestamp());
    let early = at(&fixtures::clock_on(2026, 11, 24), 7, 30);
    let tick = store
        .scheduler_tick(DraftLanguage::Ja, &early)
        .expect("tick");
    assert_eq!(tick.next_wake_at, at(&early, 8, 0).timestamp());
}

#[test]
fn a_promise_due_in_a_minute_is_announced_in_that_minute_not_before() {
    let mut store = fixtures::quiet_store();
    let clock = fixtures::clock_on(2026, 11, 23);
    let id = customer(&mut store, &clock, "上田", CustomerProfile::default());
    store
        .add_promise(id, "見積もりを電話で伝える", clock.today(), "10:01", &clock)
        .expect("promise");
    let tick = store
        .scheduler_tick(DraftLanguage::Ja, &clock)
        .expect("tick");
    assert!(tick.notices.is_empty(), "not before its minute");
    assert_eq!(tick.next_wake_at, at(&clock, 10, 1).timestamp());
    let then = at(&clock, 10, 1);
    let tick = store
        .scheduler_tick(DraftLanguage::Ja, &then)
        .expect("tick");
    assert_eq!(tick.notices.len(), 1);
    assert_eq!(
        tick.notices[0].title,
        "上田 太郎 様 — 見積もりを電話で伝える"
    );
}

#[test]
fn a_customer_out_of_touch_for_300_days_is_on_today_with_how_long() {
    let mut store = Store::open_in_memory().expect("store");
    let long_ago = fixtures::clock_on(2025, 1, 10);
    let id = customer(
        &mut store,
        &long_ago,
        "田中",
        CustomerProfile {
            stage: Stage::Client,
            ..CustomerProfile::default()
        },
    );
    let clock = fixtures::clock_on(2026, 11, 23);
    store
        .log_touchpoint(
            TouchpointInput {
                customer_id: id,
                kind: TouchpointKind::Visit,
                occurred_at: clock.timestamp() - 300 * DAY,
                summary: String::new(),
                notes: String::new(),
                direction: kizuna_core::touchpoint::Direction::Neutral,
                satisfaction: None,
                promise: None,
            },
            &Clock::new(clock.now - chrono::Duration::days(300), clock.tz),
        )
        .expect("touchpoint");
    let v = view(&store, &clock);
    let touch = all(&v)
        .into_iter()
        .find(|r| r.kind == ReminderKind::KeepInTouch)
        .expect("still on Today");
    assert_eq!(touch.headline, "300日連絡なし");
    // The headline is in the customer's language, not the interface's.
    let en = store.today_view(DraftLanguage::En, &clock).expect("view");
    assert_eq!(en.overdue.items[0].headline, "300日連絡なし");
}

#[test]
fn drafts_are_in_each_customers_language_whatever_the_interface_speaks() {
    let mut store = fixtures::quiet_store();
    let clock = fixtures::clock_on(2026, 11, 23);
    let michael = store
        .create_customer(
            CustomerProfile {
                family_name: "White".to_owned(),
                given_name: "Michael".to_owned(),
                honorific: "Mr".to_owned(),
                ..born(11, 23, None)
            },
            &clock,
        )
        .expect("Michael");
    assert_eq!(michael.profile.message_language, Some(DraftLanguage::En));
    let yoko = store
        .create_customer(
            CustomerProfile {
                family_name: "阿部".to_owned(),
                given_name: "陽子".to_owned(),
                family_name_reading: "アベ".to_owned(),
                given_name_reading: "ﾖｳｺ".to_owned(),
                ..born(11, 23, None)
            },
            &clock,
        )
        .expect("Yoko");
    assert_eq!(yoko.profile.message_language, Some(DraftLanguage::Ja));
    assert_eq!(yoko.profile.given_name_reading, "ようこ");
    for interface in [DraftLanguage::Ja, DraftLanguage::En] {
        let v = store.today_view(interface, &clock).expect("view");
        let draft_of = |id: i64| {
            v.today_items
                .items
                .iter()
                .find(|r| r.customer.as_ref().is_some_and(|c| c.id == id))
                .map(|r| (r.draft.clone(), r.headline.clone(), r.language))
                .expect("a birthday today")
        };
        let (draft, headline, language) = draft_of(michael.id);
        assert_eq!(language, DraftLanguage::En);
        assert!(
            draft.starts_with("Dear Mr White,\nHappy birthday!"),
            "{draft}"
        );
        assert_eq!(headline, "Birthday today");
        let (draft, headline, language) = draft_of(yoko.id);
        assert_eq!(language, DraftLanguage::Ja);
        assert!(
            draft.starts_with("阿部 陽子 様\nお誕生日おめでとうございます"),
            "{draft}"
        );
        assert_eq!(headline, "今日はお誕生日");
    }
    // Switched to English by hand, she is written to in English, by the
    // name her reading gives.
    let mut profile = yoko.profile.clone();
    profile.message_language = Some(DraftLanguage::En);
    profile.honorific = "Ms".to_owned();
    store
        .update_customer(yoko.id, profile, &clock)
        .expect("update");
    let v = store.today_view(DraftLanguage::Ja, &clock).expect("view");
    let draft = v
        .today_items
        .items
        .iter()
        .find(|r| r.customer.as_ref().is_some_and(|c| c.id == yoko.id))
        .map(|r| r.draft.clone())
        .expect("her birthday");
    assert!(draft.starts_with("Dear Ms Abe,"), "{draft}");
}

#[test]
fn every_write_is_announced_on_the_change_feed() {
    let mut store = fixtures::quiet_store();
    let changes = store.change_feed().subscribe();
    let clock = fixtures::clock_on(2026, 11, 23);
    let id = customer(&mut store, &clock, "上田", CustomerProfile::default());
    let heard = changes.try_recv().expect("the new customer");
    assert_eq!(heard.customers, vec![id]);
    store
        .add_promise(id, "電話", clock.today(), "", &clock)
        .expect("promise");
    assert_eq!(changes.try_recv().expect("the promise").customers, vec![id]);
    // Reading announces nothing.
    view(&store, &clock);
    assert!(changes.try_recv().is_err());
}

#[test]
fn a_birthday_card_cannot_be_snoozed_past_its_last_day_and_stays() {
    let mut store = fixtures::quiet_store();
    let clock = fixtures::clock_on(2026, 11, 23);
    customer(&mut store, &clock, "阿部", born(11, 23, None));
    let card = |store: &Store| {
        let v = store.today_view(DraftLanguage::Ja, &clock).expect("view");
        v.today_items
            .items
            .first()
            .cloned()
            .expect("the birthday card")
    };
    let birthday = card(&store);
    let last = birthday.expires_on.expect("a dated card has a last day");
    let past_it = Clock::at_local(clock.tz, last + chrono::Days::new(1), 9, 0)
        .expect("time")
        .timestamp();
    let refused = store.act_on_reminder(
        &birthday.key,
        &ReminderAction::Snooze { until: past_it },
        &clock,
    );
    match refused {
        Err(kizuna_core::Error::Validation(fields)) => {
            assert_eq!(
                fields[0].code,
                kizuna_core::error::FieldErrorCode::AfterLastDay
            );
        }
        other => panic!("not refused: {other:?}"),
    }
    assert_eq!(card(&store).key, birthday.key, "the card stays");
    // Until the morning of its last day is fine.
    let on_last_day = Clock::at_local(clock.tz, last, 9, 0)
        .expect("time")
        .timestamp();
    store
        .act_on_reminder(
            &birthday.key,
            &ReminderAction::Snooze { until: on_last_day },
            &clock,
        )
        .expect("snooze");
}

#[test]
fn a_new_days_view_comes_at_once_from_the_last_agenda_while_todays_is_derived() {
    let mut store = fixtures::quiet_store();
    let monday = fixtures::clock_on(2026, 11, 23);
    customer(&mut store, &monday, "前田", born(11, 26, None));
    let v = view(&store, &monday);
    assert_eq!(summary(&v), [(ReminderKind::Birthday, day(2026, 11, 23))]);
    assert!(!v.preparing);

    // The next day, before its agenda is derived: the lead card the last
    // agenda held, at once, marked as being prepared.
    let tuesday = fixtures::clock_on(2026, 11, 24);
    let early = store
        .today_view_at_once(DraftLanguage::Ja, &tuesday, SECTION_LIMIT)
        .expect("at once");
    assert!(early.preparing);
    assert_eq!(early.today, day(2026, 11, 24));
    assert_eq!(
        summary(&early),
        [(ReminderKind::Birthday, day(2026, 11, 23))]
    );
    // Derived: the same card, now overdue by a day, and nothing prepared.
    let derived = view(&store, &tuesday);
    assert!(!derived.preparing);
    assert_eq!(derived.overdue.total, 1);
    let again = store
        .today_view_at_once(DraftLanguage::Ja, &tuesday, SECTION_LIMIT)
        .expect("at once");
    assert!(!again.preparing, "today's agenda is there now");

    // An agenda a week old is not shown, and today's is not derived at
    // once either: nothing yet, marked as being prepared.
    let later = fixtures::clock_on(2026, 12, 1);
    let late = store
        .today_view_at_once(DraftLanguage::Ja, &later, SECTION_LIMIT)
        .expect("at once");
    assert!(late.preparing);
    assert!(summary(&late).is_empty());
    assert!(store.agenda_needs_rebuild(&later).expect("agenda state"));
    let derived = view(&store, &later);
    assert!(!derived.preparing);
    assert!(summary(&derived).is_empty(), "the birthday has passed");

    // A changed setting: the agenda is derived whole again, so the view at
    // once waits for it the same way.
    let settings = store.settings().expect("settings");
    store
        .save_settings(&Settings {
            reminder_time: "07:00".to_owned(),
            ..settings
        })
        .expect("settings");
    let changed = store
        .today_view_at_once(DraftLanguage::Ja, &later, SECTION_LIMIT)
        .expect("at once");
    assert!(changed.preparing);
    assert!(!view(&store, &later).preparing);

    // What expired since the kept agenda was built is left out.
    let (mut store, _) = (fixtures::quiet_store(), ());
    let sunday = fixtures::clock_on(2026, 11, 22);
    customer(
        &mut store,
        &fixtures::clock_on(2026, 11, 1),
        "阿部",
        born(11, 19, None),
    );
    assert_eq!(
        view(&store, &sunday).overdue.total,
        1,
        "the belated greeting"
    );
    let early = store
        .today_view_at_once(
            DraftLanguage::Ja,
            &fixtures::clock_on(2026, 11, 23),
            SECTION_LIMIT,
        )
        .expect("at once");
    assert!(early.preparing);
    assert!(summary(&early).is_empty(), "offered until the 22nd only");
}
