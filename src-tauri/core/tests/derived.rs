//! Everything derived — purchase channels, activity columns, how far each
//! introduction came, the dashboard's tallies and the reminder agenda — must
//! equal a recomputation from the raw tables after every way of writing: each
//! command the window offers, undo, an import, a JSON restore, a backup
//! restore, demo data, another process. And a snooze that ends later today
//! must bring its reminder back then.

#[allow(dead_code)]
#[path = "support/fixtures.rs"]
mod fixtures;

use std::path::{Path, PathBuf};

use kizuna_core::calendar::PartialDate;
use kizuna_core::customer::FamilyMember;
use kizuna_core::ladder::Stage;
use kizuna_core::purchase::PurchaseInput;
use kizuna_core::reminder::{DEFAULT_PLAN_ID, DraftLanguage, ReminderAction, TodayView};
use kizuna_core::settings::Settings;
use kizuna_core::touchpoint::{Direction, TouchpointInput, TouchpointKind};
use kizuna_core::{Clock, Store};

const DAY: i64 = 86_400;

fn view(store: &Store, clock: &Clock) -> TodayView {
    store
        .today_view(DraftLanguage::Ja, clock)
        .expect("today view")
}

/// The Today view of a copy of the store whose agenda is thrown away, so it
/// is derived from scratch.
fn afresh(store: &Store, dir: &Path, clock: &Clock) -> TodayView {
    let copy: PathBuf = dir.join("afresh.sqlite3");
    let _ = std::fs::remove_file(&copy);
    store.backup_to(&copy).expect("copy");
    let conn = fixtures::raw(&copy);
    conn.execute("UPDATE reminder_agenda_meta SET built_for = NULL", [])
        .expect("forget the agenda");
    drop(conn);
    let (fresh, _) = Store::open(&copy, &fixtures::key()).expect("reopen copy");
    view(&fresh, clock)
}

#[track_caller]
fn assert_same(store: &Store, dir: &Path, clock: &Clock, after: &str) {
    // The dashboard brings its kept windows up to date, which are checked too.
    store
        .dashboard(
            &kizuna_core::measures::DashboardQuery {
                months: 12,
                end: None,
            },
            clock,
        )
        .expect("dashboard");
    assert_eq!(
        store.derived_problems().expect("check"),
        Vec::<String>::new(),
        "derived data out of step after {after}"
    );
    let kept = view(store, clock);
    let fresh = afresh(store, dir, clock);
    assert_eq!(
        (
            kept.overdue.total,
            kept.today_items.total,
            kept.upcoming.total
        ),
        (
            fresh.overdue.total,
            fresh.today_items.total,
            fresh.upcoming.total
        ),
        "section totals differ after {after}"
    );
    assert_eq!(kept, fresh, "reminders differ after {after}");
}

fn purchase(customer_id: i64, at: i64) -> PurchaseInput {
    PurchaseInput {
        customer_id,
        item: "本マグロ 中トロ".to_owned(),
        quantity: 1,
        amount_minor: 12_000,
        currency: String::new(),
        purchased_at: at,
        satisfaction: Some(5),
        notes: String::new(),
        follow_up_plan_id: Some(DEFAULT_PLAN_ID),
        reorder_after_days: None,
    }
}

#[test]
fn derived_data_kept_up_to_date_by_every_write_matches_a_recomputation() {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = fixtures::clock_on(2026, 11, 23);
    let (mut store, _) = Store::open_in_dir(dir.path(), &fixtures::key()).expect("store");
    kizuna_core::demo::populate(&mut store, 160, 11, &clock).expect("demo");
    let first = view(&store, &clock);
    assert!(
        first.overdue.total + first.today_items.total + first.upcoming.total > 20,
        "the demo book should have reminders to work with"
    );
    assert_same(&store, dir.path(), &clock, "the first build");

    // Pick customers that have reminders now, and others.
    let shown: Vec<i64> = first
        .today_items
        .items
        .iter()
        .chain(&first.upcoming.items)
        .chain(&first.overdue.items)
        .filter_map(|r| r.customer.as_ref().map(|c| c.id))
        .collect();
    let (a, b, c) = (shown[0], shown[shown.len() / 2], shown[shown.len() - 1]);

    // A touchpoint resets keep-in-touch.
    store
        .log_touchpoint(
            TouchpointInput {
                customer_id: a,
                kind: TouchpointKind::Visit,
                occurred_at: clock.timestamp() - 3600,
                summary: "店舗訪問".to_owned(),
                notes: String::new(),
                direction: Direction::Give,
                satisfaction: None,
                promise: None,
            },
            &clock,
        )
        .expect("touchpoint");
    assert_same(&store, dir.path(), &clock, "a touchpoint");

    // A purchase 30 days ago brings its satisfaction check; moving it moves it.
    let bought = store
        .record_purchase(purchase(b, clock.timestamp() - 30 * DAY), &clock)
        .expect("purchase")
        .purchase
        .id;
    assert_same(&store, dir.path(), &clock, "a purchase");
    store
        .update_purchase(bought, purchase(b, clock.timestamp() - 6 * DAY), &clock)
        .expect("move purchase");
    assert_same(&store, dir.path(), &clock, "a moved purchase");

    // A birthday and a family member's, changed on the form.
    let mut profile = store.customer(c).expect("customer").profile;
    profile.birthday = Some(PartialDate::new(None, 11, 27));
    profile.family_members.push(FamilyMember {
        name: "花子".to_owned(),
        reading: "はなこ".to_owned(),
        relation: "娘".to_owned(),
        birthday: Some(PartialDate::new(Some(2019), 11, 23)),
        notes: String::new(),
    });
    store.update_customer(c, profile, &clock).expect("edit");
    assert_same(&store, dir.path(), &clock, "a changed birthday");

    // What the user does from the Today view.
    let v = view(&store, &clock);
    let mut acted = 0;
    for (n, r) in v
        .today_items
        .items
        .iter()
        .chain(&v.overdue.items)
        .take(6)
        .enumerate()
    {
        let action = match n % 3 {
            0 => ReminderAction::Done { log: None },
            1 => ReminderAction::Skip,
            _ => ReminderAction::Snooze {
                until: clock.timestamp() + DAY,
            },
        };
        store.act_on_reminder(&r.key, &action, &clock).expect("act");
        acted += 1;
    }
    assert!(acted > 0);
    assert_same(&store, dir.path(), &clock, "done, skip and snooze");

    // A promise, kept; a stage change; do-not-contact; archive; delete.
    let promise = store
        .add_promise(
            a,
            "カタログを届ける",
            fixtures::clock_on(2026, 11, 25).today(),
            "14:00",
            &clock,
        )
        .expect("promise");
    assert_same(&store, dir.path(), &clock, "a promise");
    store
        .set_promise_done(promise.id, true, &clock)
        .expect("kept");
    store
        .change_stage(b, Stage::Partner, "紹介が続いている", &clock)
        .expect("stage");
    assert_same(
        &store,
        dir.path(),
        &clock,
        "a kept promise and a stage change",
    );
    let mut quiet = store.customer(b).expect("customer").profile;
    quiet.do_not_contact = true;
    store
        .update_customer(b, quiet, &clock)
        .expect("do not contact");
    store.archive_customer(a, &clock).expect("archive");
    assert_same(&store, dir.path(), &clock, "do-not-contact and archive");
    store.delete_customer(c, &clock).expect("delete");
    assert_same(&store, dir.path(), &clock, "a deleted customer");

    // A new customer introduced by someone: the referrer's thank-you.
    let referrer = shown[1];
    let mut introduced = fixtures::person("森", "結衣", "もり", "ゆい");
    introduced.referred_by = Some(referrer);
    let new_id = store.create_customer(introduced, &clock).expect("new").id;
    assert_same(&store, dir.path(), &clock, "an introduction");
    store
        .record_purchase(purchase(new_id, clock.timestamp() - 60), &clock)
        .expect("first purchase");
    assert_same(
        &store,
        dir.path(),
        &clock,
        "the introduced customer's first purchase",
    );

    // Settings change what everyone is reminded of.
    store
        .save_settings(&Settings {
            date_lead_days: 3,
            cadence_days: [0, 30, 30, 20, 14, 14],
            ..store.settings().expect("settings")
        })
        .expect("settings");
    assert_same(&store, dir.path(), &clock, "new settings");

    // Another process writing to the same file is seen too.
    let (mut other, _) =
        Store::open_in_dir(dir.path(), &fixtures::key()).expect("second connection");
    other
        .record_purchase(purchase(shown[2], clock.timestamp() - 7 * DAY), &clock)
        .expect("purchase elsewhere");
    drop(other);
    assert_same(
        &store,
        dir.path(),
        &clock,
        "a write from another connection",
    );

    more_writes(&mut store, dir.path(), &clock, &shown);

    // And the next day everything moves on.
    let tomorrow = fixtures::clock_on(2026, 11, 24);
    assert_same(&store, dir.path(), &tomorrow, "a new day");
}

/// The rest of what the window can write, undo, and the bulk paths.
fn more_writes(store: &mut Store, dir: &Path, clock: &Clock, shown: &[i64]) {
    let who = shown[3];
    // A touchpoint edited onto another customer, then deleted and undone.
    let logged = store
        .log_touchpoint(
            TouchpointInput {
                customer_id: who,
                kind: TouchpointKind::Call,
                occurred_at: clock.timestamp() - 2 * DAY,
                summary: "近況".to_owned(),
                notes: String::new(),
                direction: Direction::Neutral,
                satisfaction: Some(4),
                promise: Some(kizuna_core::touchpoint::PromiseInput {
                    title: "見積もりを送る".to_owned(),
                    due_on: fixtures::clock_on(2026, 11, 24).today(),
                    due_time: String::new(),
                }),
            },
            clock,
        )
        .expect("touchpoint")
        .touchpoint;
    let mut moved = TouchpointInput {
        customer_id: shown[4],
        kind: logged.kind,
        occurred_at: logged.occurred_at - 30 * DAY,
        summary: logged.summary.clone(),
        notes: String::new(),
        direction: Direction::Ask,
        satisfaction: None,
        promise: None,
    };
    store
        .update_touchpoint(logged.id, moved.clone(), clock)
        .expect("edit touchpoint");
    assert_same(
        store,
        dir,
        clock,
        "a touchpoint moved to another customer and day",
    );
    moved.customer_id = who;
    store
        .update_touchpoint(logged.id, moved, clock)
        .expect("edit back");
    let undo = store.delete_touchpoint(logged.id, clock).expect("delete");
    assert_same(store, dir, clock, "a deleted touchpoint");
    store.undo(undo, clock).expect("undo");
    assert_same(store, dir, clock, "an undone touchpoint deletion");

    // A purchase deleted and brought back; a refund.
    let bought = store
        .record_purchase(purchase(who, clock.timestamp() - 40 * DAY), clock)
        .expect("purchase")
        .purchase
        .id;
    let mut refund = purchase(who, clock.timestamp() - 39 * DAY);
    refund.amount_minor = -12_000;
    refund.follow_up_plan_id = None;
    store.record_purchase(refund, clock).expect("refund");
    let undo = store
        .delete_purchase(bought, clock)
        .expect("delete purchase");
    assert_same(store, dir, clock, "a deleted purchase");
    store.undo(undo, clock).expect("undo");
    assert_same(store, dir, clock, "an undone purchase deletion");

    // A customer who introduced others, deleted and brought back.
    let referrer = store
        .create_customer(fixtures::person("紹介", "者", "しょうかい", "しゃ"), clock)
        .expect("referrer")
        .id;
    let mut friend = fixtures::person("友", "人", "とも", "ひと");
    friend.referred_by = Some(referrer);
    let friend = store.create_customer(friend, clock).expect("friend").id;
    store
        .record_purchase(purchase(friend, clock.timestamp() - 3 * DAY), clock)
        .expect("friend buys");
    store
        .set_referral_status(friend, kizuna_core::referral::ReferralStatus::Introduced)
        .expect("status set by hand");
    assert_same(store, dir, clock, "a status set below what happened");
    store
        .set_referral_thanked(friend, true, clock)
        .expect("thanked");
    let undo = store.delete_customer(referrer, clock).expect("delete");
    assert_same(store, dir, clock, "a deleted referrer");
    store.undo(undo, clock).expect("undo");
    assert_same(store, dir, clock, "an undone customer deletion");

    // A reminder acted on and undone; a promotion accepted, another dismissed.
    let v = view(store, clock);
    if let Some(r) = v.overdue.items.first().or(v.today_items.items.first()) {
        let undo = store
            .act_on_reminder(
                &r.key,
                &ReminderAction::Done {
                    log: Some(kizuna_core::reminder::ReminderTouch {
                        kind: TouchpointKind::Message,
                        summary: r.headline.clone(),
                    }),
                },
                clock,
            )
            .expect("done");
        assert_same(store, dir, clock, "a reminder done with a touchpoint");
        store.undo(undo, clock).expect("undo");
        assert_same(store, dir, clock, "an undone reminder");
    }
    let suggestions = store.promotion_suggestions(clock, 2).expect("suggestions");
    if let [first, second, ..] = suggestions.as_slice() {
        store
            .accept_promotion(first.customer_id, first.rule, clock)
            .expect("accept");
        store
            .dismiss_promotion(second.customer_id, second.rule, clock)
            .expect("dismiss");
        assert_same(store, dir, clock, "a promotion accepted and one dismissed");
    }

    // A follow-up plan of one's own, then deleted.
    let plan = store
        .save_follow_up_plan(
            kizuna_core::reminder::FollowUpPlan {
                id: None,
                name: "車検".to_owned(),
                is_default: false,
                steps: vec![kizuna_core::reminder::FollowUpStep {
                    id: None,
                    kind: kizuna_core::reminder::FollowUpKind::Custom,
                    label: "点検のご案内".to_owned(),
                    offset_days: 3,
                }],
            },
            clock,
        )
        .expect("plan");
    let mut on_plan = purchase(who, clock.timestamp() - 5 * DAY);
    on_plan.follow_up_plan_id = plan.id;
    store
        .record_purchase(on_plan, clock)
        .expect("purchase on the plan");
    assert_same(store, dir, clock, "a purchase on a plan of one's own");
    store
        .delete_follow_up_plan(plan.id.expect("id"))
        .expect("delete plan");
    assert_same(store, dir, clock, "a deleted plan");

    // An import that adds someone introduced by a customer in the book.
    let referrer_uid = store.customer(who).expect("customer").uid;
    let card = format!(
        "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:urn:uuid:7f3b2c1e-0000-4000-8000-000000000001\r\nFN:輸入 花子\r\nN:輸入;花子;;;\r\nBDAY:--1124\r\nX-KIZUNA-REFERRED-BY:{referrer_uid}\r\nEND:VCARD\r\n"
    );
    let (file, encoding) = kizuna_core::interchange::read_file(
        card.as_bytes(),
        &kizuna_core::interchange::ImportOptions {
            format: kizuna_core::interchange::ImportFormat::Vcard,
            encoding: kizuna_core::interchange::text::TextEncoding::Auto,
            mapping: Vec::new(),
            language: DraftLanguage::Ja,
        },
        &mut |_, _| true,
    )
    .expect("read");
    let plan = store
        .plan_import(file, encoding, clock, &mut |_, _| true)
        .expect("plan");
    assert_eq!(plan.preview.new, 1);
    store
        .apply_import(plan, clock, &mut |_, _| true)
        .expect("import");
    assert_same(store, dir, clock, "an import");

    // A JSON export restored, then a backup restored.
    let mut json = Vec::new();
    store
        .export_snapshot(&mut json, clock, &mut |_, _| true)
        .expect("export");
    let saved = store
        .back_up(kizuna_core::backup::BackupKind::Manual, clock)
        .expect("backup");
    store
        .log_touchpoint(
            TouchpointInput {
                customer_id: who,
                kind: TouchpointKind::Visit,
                occurred_at: clock.timestamp() - 60,
                summary: String::new(),
                notes: String::new(),
                direction: Direction::Give,
                satisfaction: None,
                promise: None,
            },
            clock,
        )
        .expect("a later touchpoint");
    store
        .restore_snapshot(&json, clock, &mut |_, _| true)
        .expect("restore JSON");
    assert_same(store, dir, clock, "a JSON restore");
    store
        .restore_backup(Path::new(&saved.path), clock)
        .expect("restore backup");
    assert_same(store, dir, clock, "a backup restore");
}

#[test]
fn a_snooze_that_ends_later_today_hides_the_reminder_until_then() {
    let mut store = fixtures::quiet_store();
    let morning = fixtures::clock_on(2026, 11, 23);
    let mut profile = fixtures::person("山田", "太郎", "やまだ", "たろう");
    profile.birthday = Some(PartialDate::new(None, 11, 23));
    let id = store
        .create_customer(profile, &morning)
        .expect("customer")
        .id;
    let key = format!("birthday:{id}:2026-11-23");
    assert_eq!(view(&store, &morning).today_items.total, 1);
    assert_eq!(store.due_count(&morning).expect("count"), 1);

    let three_pm = morning.timestamp() + 5 * 3600;
    store
        .act_on_reminder(&key, &ReminderAction::Snooze { until: three_pm }, &morning)
        .expect("snooze");
    assert_eq!(view(&store, &morning).today_items.total, 0);
    assert_eq!(store.due_count(&morning).expect("count"), 0);
    // The scheduler wakes when it comes back.
    assert_eq!(store.next_due_at(&morning).expect("next"), three_pm);

    let afternoon = Clock::new(
        chrono::DateTime::from_timestamp(three_pm + 60, 0).expect("instant"),
        morning.tz,
    );
    let back = view(&store, &afternoon);
    assert_eq!(back.today_items.total, 1);
    assert!(back.today_items.items[0].snoozed);
    assert_eq!(back.today_items.items[0].due_at, three_pm);
    assert_eq!(store.due_count(&afternoon).expect("count"), 1);
}
