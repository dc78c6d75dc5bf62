//! Undo puts back the very rows an action changed — same ids, with what was
//! done about them — and refuses, changing nothing, when they changed since.
//! Acting on a reminder is one transaction and cannot happen twice.

#[allow(dead_code)]
#[path = "support/fixtures.rs"]
mod fixtures;

use kizuna_core::calendar::PartialDate;
use kizuna_core::customer::{CustomerProfile, CustomerQuery};
use kizuna_core::purchase::PurchaseInput;
use kizuna_core::reminder::{
    DEFAULT_PLAN_ID, DraftLanguage, FollowUpKind, ReminderAction, ReminderKind, ReminderTouch,
};
use kizuna_core::touchpoint::{Direction, TouchpointInput, TouchpointKind};
use kizuna_core::{Clock, Error, Store};

const DAY: i64 = 86_400;

fn purchase(customer_id: i64, at: i64) -> PurchaseInput {
    PurchaseInput {
        customer_id,
        item: "本マグロ".to_owned(),
        quantity: 1,
        amount_minor: 12_000,
        currency: String::new(),
        purchased_at: at,
        satisfaction: None,
        notes: String::new(),
        follow_up_plan_id: Some(DEFAULT_PLAN_ID),
        reorder_after_days: None,
    }
}

/// A quiet store on 23 November 2026 with one customer, 森 花.
fn store_with_customer() -> (Store, Clock, i64) {
    let mut store = fixtures::quiet_store();
    let clock = fixtures::clock_on(2026, 11, 23);
    let id = store
        .create_customer(fixtures::person("森", "花", "もり", "はな"), &clock)
        .expect("customer")
        .id;
    (store, clock, id)
}

fn follow_ups(store: &Store, clock: &Clock) -> Vec<(Option<FollowUpKind>, String)> {
    let v = store.today_view(DraftLanguage::Ja, clock).expect("view");
    v.overdue
        .items
        .iter()
        .chain(&v.today_items.items)
        .chain(&v.upcoming.items)
        .filter(|r| r.kind == ReminderKind::FollowUp)
        .map(|r| (r.follow_up, r.key.clone()))
        .collect()
}

#[test]
fn an_undone_purchase_deletion_brings_back_its_follow_ups_as_they_were_and_announces_nothing_again()
{
    let mut store = fixtures::quiet_store();
    let bought = fixtures::clock_on(2026, 11, 20);
    let id = store
        .create_customer(
            fixtures::person("鈴木", "一郎", "すずき", "いちろう"),
            &bought,
        )
        .expect("customer")
        .id;
    let purchase_id = store
        .record_purchase(purchase(id, bought.timestamp()), &bought)
        .expect("purchase")
        .purchase
        .id;
    // The thank-you is announced, then sent.
    let clock = fixtures::clock_on(2026, 11, 23);
    let tick = store
        .scheduler_tick(DraftLanguage::Ja, &clock)
        .expect("tick");
    assert_eq!(tick.notices.len(), 1);
    store
        .mark_announced(&tick.notices[0].keys, &clock)
        .expect("announced");
    let due = follow_ups(&store, &clock);
    assert_eq!(due[0].0, Some(FollowUpKind::ThankYou));
    store
        .act_on_reminder(&due[0].1, &ReminderAction::Done { log: None }, &clock)
        .expect("done");
    let before = follow_ups(&store, &clock);
    assert!(
        before
            .iter()
            .all(|(kind, _)| *kind != Some(FollowUpKind::ThankYou))
    );

    let undo = store.delete_purchase(purchase_id, &clock).expect("delete");
    assert!(follow_ups(&store, &clock).is_empty());
    store.undo(undo, &clock).expect("undo");

    assert_eq!(
        store.purchase(purchase_id).expect("the same purchase").item,
        "本マグロ"
    );
    assert_eq!(
        follow_ups(&store, &clock),
        before,
        "the thank-you stays done"
    );
    let tick = store
        .scheduler_tick(DraftLanguage::Ja, &clock)
        .expect("tick");
    assert!(
        tick.notices.is_empty(),
        "nothing is announced twice: {:?}",
        tick.notices
    );
    assert_eq!(
        store.integrity_problems().expect("check"),
        Vec::<String>::new()
    );
}

#[test]
fn a_new_purchase_that_gets_a_deleted_ones_id_starts_afresh() {
    let (mut store, clock, id) = store_with_customer();
    let first = store
        .record_purchase(purchase(id, clock.timestamp() - 3600), &clock)
        .expect("purchase")
        .purchase
        .id;
    let key = follow_ups(&store, &clock)[0].1.clone();
    store
        .act_on_reminder(&key, &ReminderAction::Skip, &clock)
        .expect("skip");
    store.delete_purchase(first, &clock).expect("delete");
    let again = store
        .record_purchase(purchase(id, clock.timestamp() - 3600), &clock)
        .expect("purchase")
        .purchase
        .id;
    assert_eq!(again, first, "SQLite hands out the freed id");
    assert_eq!(
        follow_ups(&store, &clock).len(),
        2,
        "its thank-you is not skipped"
    );
}

#[test]
fn done_twice_is_refused_and_logs_one_touchpoint() {
    let mut store = fixtures::quiet_store();
    let clock = fixtures::clock_on(2026, 11, 23);
    let mut profile = fixtures::person("阿部", "陽子", "あべ", "ようこ");
    profile.birthday = Some(PartialDate::new(None, 11, 23));
    let id = store.create_customer(profile, &clock).expect("customer").id;
    let key = format!("birthday:{id}:2026-11-23");
    let done = ReminderAction::Done {
        log: Some(ReminderTouch {
            kind: TouchpointKind::Letter,
            summary: "誕生日カード".to_owned(),
        }),
    };
    store.act_on_reminder(&key, &done, &clock).expect("done");
    let again = store.act_on_reminder(&key, &done, &clock);
    assert!(matches!(again, Err(Error::ReminderGone)), "{again:?}");
    assert_eq!(
        store.recent_touchpoints(id, 10).expect("touchpoints").len(),
        1
    );
    // Neither a key that names nothing nor one not shown is acted on.
    assert!(matches!(
        store.act_on_reminder("holiday:1", &done, &clock),
        Err(Error::Validation(_))
    ));
    assert!(matches!(
        store.act_on_reminder(&format!("birthday:{id}:2026-12-24"), &done, &clock),
        Err(Error::ReminderGone)
    ));
}

#[test]
fn undo_refuses_when_what_it_would_put_back_was_changed_since() {
    let mut store = fixtures::quiet_store();
    let clock = fixtures::clock_on(2026, 11, 23);
    let mut profile = fixtures::person("阿部", "陽子", "あべ", "ようこ");
    profile.birthday = Some(PartialDate::new(None, 11, 23));
    let id = store.create_customer(profile, &clock).expect("customer").id;
    let key = format!("birthday:{id}:2026-11-23");
    let undo = store
        .act_on_reminder(
            &key,
            &ReminderAction::Done {
                log: Some(ReminderTouch {
                    kind: TouchpointKind::Letter,
                    summary: "誕生日カード".to_owned(),
                }),
            },
            &clock,
        )
        .expect("done");
    let logged = store.recent_touchpoints(id, 1).expect("touchpoints")[0].clone();
    // The card's touchpoint is edited in the timeline.
    store
        .update_touchpoint(
            logged.id,
            TouchpointInput {
                customer_id: id,
                kind: logged.kind,
                occurred_at: logged.occurred_at,
                summary: "手書きのカードを郵送".to_owned(),
                notes: String::new(),
                direction: Direction::Give,
                satisfaction: None,
                promise: None,
            },
            &clock,
        )
        .expect("edit");
    assert!(matches!(store.undo(undo, &clock), Err(Error::ChangedSince)));
    assert_eq!(
        store.touchpoint(logged.id).expect("still there").summary,
        "手書きのカードを郵送"
    );
    let v = store.today_view(DraftLanguage::Ja, &clock).expect("view");
    assert_eq!(v.today_items.total, 0, "the reminder stays done");
}

#[test]
fn an_undone_reminder_comes_back_without_its_touchpoint_and_the_thanks() {
    let mut store = fixtures::quiet_store();
    let clock = fixtures::clock_on(2026, 11, 23);
    let referrer = store
        .create_customer(fixtures::person("紹介", "者", "しょうかい", "しゃ"), &clock)
        .expect("referrer")
        .id;
    let mut friend = fixtures::person("友人", "太郎", "ゆうじん", "たろう");
    friend.referred_by = Some(referrer);
    let friend = store.create_customer(friend, &clock).expect("friend").id;
    let v = store.today_view(DraftLanguage::Ja, &clock).expect("view");
    let thanks = &v.today_items.items[0];
    assert_eq!(thanks.kind, ReminderKind::ReferralIntroduced);
    assert_eq!(thanks.headline, "友人 太郎様のご紹介のお礼");
    let undo = store
        .act_on_reminder(
            &thanks.key,
            &ReminderAction::Done {
                log: Some(ReminderTouch {
                    kind: TouchpointKind::Call,
                    summary: thanks.headline.clone(),
                }),
            },
            &clock,
        )
        .expect("done");
    let link = store
        .referrals(friend)
        .expect("referrals")
        .referred_by
        .expect("link");
    assert!(link.thanked_at.is_some());
    store.undo(undo, &clock).expect("undo");
    let link = store
        .referrals(friend)
        .expect("referrals")
        .referred_by
        .expect("link");
    assert_eq!(link.thanked_at, None);
    assert!(
        store
            .recent_touchpoints(referrer, 5)
            .expect("touchpoints")
            .is_empty()
    );
    let v = store.today_view(DraftLanguage::Ja, &clock).expect("view");
    assert_eq!(v.today_items.items[0].key, thanks.key);
    assert!(
        matches!(store.undo(undo, &clock), Err(Error::UndoExpired)),
        "undone once"
    );
}

#[test]
fn an_undone_customer_deletion_brings_everything_back_with_the_same_ids() {
    let mut store = fixtures::quiet_store();
    let clock = fixtures::clock_on(2026, 11, 23);
    let mut profile = fixtures::with_phone(
        fixtures::person("林", "美咲", "はやし", "みさき"),
        "090-1234-5678",
    );
    profile.tags = vec!["お得意様".to_owned()];
    profile.birthday = Some(PartialDate::new(Some(1985), 11, 25));
    let id = store.create_customer(profile, &clock).expect("customer").id;
    let touch = store
        .log_touchpoint(
            TouchpointInput {
                customer_id: id,
                kind: TouchpointKind::Visit,
                occurred_at: clock.timestamp() - DAY,
                summary: "試食会".to_owned(),
                notes: String::new(),
                direction: Direction::Give,
                satisfaction: Some(5),
                promise: Some(kizuna_core::touchpoint::PromiseInput {
                    title: "レシピを送る".to_owned(),
                    due_on: fixtures::clock_on(2026, 11, 25).today(),
                    due_time: String::new(),
                }),
            },
            &clock,
        )
        .expect("touchpoint");
    let bought = store
        .record_purchase(purchase(id, clock.timestamp() - 2 * DAY), &clock)
        .expect("purchase")
        .purchase;
    let before = store.customer(id).expect("customer");
    let view_before = store.today_view(DraftLanguage::Ja, &clock).expect("view");

    let undo = store.delete_customer(id, &clock).expect("delete");
    assert!(store.customer(id).is_err());
    assert!(store.tags().expect("tags").is_empty());
    store.undo(undo, &clock).expect("undo");

    assert_eq!(store.customer(id).expect("back"), before);
    assert_eq!(
        store.touchpoint(touch.touchpoint.id).expect("touchpoint"),
        touch.touchpoint
    );
    assert_eq!(store.purchase(bought.id).expect("purchase"), bought);
    let promise = touch.promise.expect("promise");
    assert_eq!(store.open_promises(id).expect("promises"), vec![promise]);
    assert_eq!(store.tags().expect("tags")[0].name, "お得意様");
    let found = store
        .list_customers(&CustomerQuery {
            text: "みさき".to_owned(),
            ..CustomerQuery::default()
        })
        .expect("search");
    assert_eq!(found.total, 1, "found by search again");
    assert_eq!(
        store.today_view(DraftLanguage::Ja, &clock).expect("view"),
        view_before
    );
    assert_eq!(
        store.integrity_problems().expect("check"),
        Vec::<String>::new()
    );
}

#[test]
fn an_undone_promise_deletion_brings_it_back_as_it_was() {
    let mut store = fixtures::quiet_store();
    let clock = fixtures::clock_on(2026, 11, 23);
    let id = store
        .create_customer(
            CustomerProfile {
                family_name: "上田".to_owned(),
                ..CustomerProfile::default()
            },
            &clock,
        )
        .expect("customer")
        .id;
    let promise = store
        .add_promise(id, "見積もりを送る", clock.today(), "", &clock)
        .expect("promise");
    let kept = store
        .set_promise_done(promise.id, true, &clock)
        .expect("kept");
    let undo = store.delete_promise(promise.id, &clock).expect("delete");
    assert!(store.open_promises(id).expect("promises").is_empty());
    store.undo(undo, &clock).expect("undo");
    let v = store.today_view(DraftLanguage::Ja, &clock).expect("view");
    assert_eq!(v.today_items.total, 0, "kept, as before");
    assert!(kept.done);
    store
        .set_promise_done(promise.id, false, &clock)
        .expect("reopen");
    assert_eq!(store.open_promises(id).expect("promises")[0].id, promise.id);
}

fn born_on(family: &str, month: u32, day: u32) -> CustomerProfile {
    let mut profile = fixtures::person(family, "花子", "やまだ", "はなこ");
    profile.birthday = Some(PartialDate::new(None, month, day));
    profile
}

#[test]
fn a_new_customer_who_gets_a_deleted_ones_id_is_reminded_and_announced_afresh() {
    let mut store = fixtures::quiet_store();
    let clock = fixtures::clock_on(2026, 11, 23);
    let first = store
        .create_customer(born_on("山田", 11, 23), &clock)
        .expect("customer")
        .id;
    let tick = store
        .scheduler_tick(DraftLanguage::Ja, &clock)
        .expect("tick");
    assert_eq!(tick.notices.len(), 1, "{:?}", tick.notices);
    store
        .mark_announced(&tick.notices[0].keys, &clock)
        .expect("announced");

    // Undone, the deletion takes nothing announced back: no second notice.
    let undo = store.delete_customer(first, &clock).expect("delete");
    store.undo(undo, &clock).expect("undo");
    let tick = store
        .scheduler_tick(DraftLanguage::Ja, &clock)
        .expect("tick");
    assert!(tick.notices.is_empty(), "{:?}", tick.notices);

    // Deleted for good, then someone else is added with the same birthday.
    store.delete_customer(first, &clock).expect("delete");
    let again = store
        .create_customer(born_on("川口", 11, 23), &clock)
        .expect("customer")
        .id;
    assert_eq!(again, first, "SQLite hands out the freed id");
    let tick = store
        .scheduler_tick(DraftLanguage::Ja, &clock)
        .expect("tick");
    assert_eq!(tick.notices.len(), 1, "{:?}", tick.notices);
    assert!(
        tick.notices[0].title.contains("川口"),
        "{}",
        tick.notices[0].title
    );
}

#[test]
fn a_step_added_back_to_a_plan_with_a_removed_ones_id_starts_afresh() {
    let (mut store, clock, id) = store_with_customer();
    store
        .record_purchase(purchase(id, clock.timestamp() - 100 * DAY), &clock)
        .expect("purchase");
    let kinds = |store: &Store| -> Vec<Option<FollowUpKind>> {
        follow_ups(store, &clock)
            .into_iter()
            .map(|(kind, _)| kind)
            .collect()
    };
    let due = follow_ups(&store, &clock);
    assert_eq!(due[0].0, Some(FollowUpKind::Reorder));
    store
        .act_on_reminder(&due[0].1, &ReminderAction::Skip, &clock)
        .expect("skip");
    assert!(kinds(&store).is_empty(), "the re-order ends the plan");
    let plan = store
        .follow_up_plans()
        .expect("plans")
        .into_iter()
        .find(|p| p.id == Some(DEFAULT_PLAN_ID))
        .expect("default plan");
    // The re-order step (the highest id) is removed, then added anew a
    // little later, so that it still lies ahead for this purchase.
    let mut without = plan.clone();
    let removed = without.steps.pop().expect("a step");
    assert_eq!(removed.kind, FollowUpKind::Reorder);
    let saved = store.save_follow_up_plan(without, &clock).expect("save");
    assert!(
        kinds(&store).is_empty(),
        "removing the last step brings no older step back"
    );
    let mut again = saved;
    again.steps.push(kizuna_core::reminder::FollowUpStep {
        id: None,
        offset_days: 105,
        ..removed.clone()
    });
    let again = store.save_follow_up_plan(again, &clock).expect("save");
    assert_eq!(
        again.steps.last().expect("the step").id,
        removed.id,
        "SQLite hands out the freed id"
    );
    assert_eq!(
        kinds(&store),
        [Some(FollowUpKind::Reorder)],
        "the new step, five days ahead, was not skipped"
    );
    assert_eq!(
        store.integrity_problems().expect("check"),
        Vec::<String>::new()
    );
}

#[test]
fn an_action_can_be_undone_for_a_week_and_not_after() {
    let (mut store, clock, id) = store_with_customer();
    let first = store
        .record_purchase(purchase(id, clock.timestamp()), &clock)
        .expect("purchase")
        .purchase
        .id;
    let second = store
        .record_purchase(purchase(id, clock.timestamp()), &clock)
        .expect("purchase")
        .purchase
        .id;
    let old = store.delete_purchase(first, &clock).expect("delete");
    let recent = store.delete_purchase(second, &clock).expect("delete");
    assert_ne!(old, recent);
    let eight_days_on = fixtures::clock_on(2026, 12, 1);
    assert!(matches!(
        store.undo(old, &eight_days_on),
        Err(Error::UndoExpired)
    ));
    assert!(store.purchase(first).is_err(), "nothing was put back");
    let six_days_on = fixtures::clock_on(2026, 11, 29);
    store.undo(recent, &six_days_on).expect("undo");
    assert!(store.purchase(second).is_ok());
}

#[test]
fn undo_refuses_when_something_the_rows_depend_on_was_deleted_since() {
    let (mut store, clock, id) = store_with_customer();
    let mut plan = store
        .follow_up_plans()
        .expect("plans")
        .into_iter()
        .next()
        .expect("default plan");
    plan.id = None;
    plan.is_default = false;
    plan.name = "車検".to_owned();
    for step in &mut plan.steps {
        step.id = None;
    }
    let plan = store.save_follow_up_plan(plan, &clock).expect("plan");
    let plan_id = plan.id.expect("saved");
    let bought = store
        .record_purchase(
            PurchaseInput {
                follow_up_plan_id: Some(plan_id),
                ..purchase(id, clock.timestamp())
            },
            &clock,
        )
        .expect("purchase")
        .purchase
        .id;
    let undo = store.delete_purchase(bought, &clock).expect("delete");
    store
        .delete_follow_up_plan(plan_id)
        .expect("delete the plan");
    assert!(matches!(store.undo(undo, &clock), Err(Error::ChangedSince)));
    assert!(store.purchase(bought).is_err(), "nothing was put back");
    // The store goes on as before.
    store
        .record_purchase(purchase(id, clock.timestamp()), &clock)
        .expect("purchase");
    assert_eq!(
        store.integrity_problems().expect("check"),
        Vec::<String>::new()
    );
}

#[test]
fn an_introduction_that_gets_a_removed_ones_id_is_thanked_afresh() {
    let (mut store, clock, referrer) = store_with_customer();
    let mut friend = fixtures::person("友人", "太郎", "ゆうじん", "たろう");
    friend.referred_by = Some(referrer);
    let friend = store.create_customer(friend, &clock).expect("friend");
    let thanks = |store: &Store| -> Vec<String> {
        let v = store.today_view(DraftLanguage::Ja, &clock).expect("view");
        v.today_items
            .items
            .iter()
            .filter(|r| r.kind == ReminderKind::ReferralIntroduced)
            .map(|r| r.headline.clone())
            .collect()
    };
    let key = {
        let v = store.today_view(DraftLanguage::Ja, &clock).expect("view");
        v.today_items.items[0].key.clone()
    };
    store
        .act_on_reminder(&key, &ReminderAction::Skip, &clock)
        .expect("skip");
    assert!(thanks(&store).is_empty());
    // The introduction is taken back, and someone else is introduced.
    let mut unlinked = friend.profile.clone();
    unlinked.referred_by = None;
    store
        .update_customer(friend.id, unlinked, &clock)
        .expect("unlink");
    let mut other = fixtures::person("別人", "花子", "べつじん", "はなこ");
    other.referred_by = Some(referrer);
    store.create_customer(other, &clock).expect("other");
    assert_eq!(thanks(&store), ["別人 花子様のご紹介のお礼"]);
}

#[test]
fn a_purchase_moved_to_another_customer_keeps_its_finished_steps() {
    let (mut store, clock, id) = store_with_customer();
    let other = store
        .create_customer(fixtures::person("林", "修", "はやし", "おさむ"), &clock)
        .expect("customer")
        .id;
    let bought = store
        .record_purchase(purchase(id, clock.timestamp() - 5 * DAY), &clock)
        .expect("purchase")
        .purchase;
    // The check-in, two days ahead, is done early: it supersedes the
    // thank-you due now.
    let check_in = follow_ups(&store, &clock)
        .into_iter()
        .find(|(kind, _)| *kind == Some(FollowUpKind::CheckIn))
        .expect("the check-in ahead");
    store
        .act_on_reminder(&check_in.1, &ReminderAction::Done { log: None }, &clock)
        .expect("done");
    let before = follow_ups(&store, &clock);
    assert!(before.is_empty(), "{before:?}");
    store
        .update_purchase(
            bought.id,
            PurchaseInput {
                customer_id: other,
                ..purchase(other, bought.purchased_at)
            },
            &clock,
        )
        .expect("move");
    // Later, only the new customer's reminders are derived again.
    store
        .log_touchpoint(
            TouchpointInput {
                customer_id: other,
                kind: TouchpointKind::Call,
                occurred_at: clock.timestamp() - 60,
                summary: "ご挨拶".to_owned(),
                notes: String::new(),
                direction: Direction::Give,
                satisfaction: None,
                promise: None,
            },
            &clock,
        )
        .expect("touchpoint");
    assert_eq!(
        follow_ups(&store, &clock),
        before,
        "the thank-you stays superseded"
    );
    assert_eq!(
        store.integrity_problems().expect("check"),
        Vec::<String>::new()
    );
}
