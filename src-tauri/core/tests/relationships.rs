//! Touchpoints, purchases, referrals, the ladder, the timeline and the
//! visit brief, on real SQLite with a fixed clock.

#[allow(dead_code)]
#[path = "support/fixtures.rs"]
mod fixtures;

use chrono::NaiveDate;
use kizuna_core::calendar::PartialDate;
use kizuna_core::customer::{CustomerProfile, FamilyMember};
use kizuna_core::dates::OccasionKind;
use kizuna_core::ladder::{PromotionRule, Stage};
use kizuna_core::purchase::{Channel, PurchaseInput};
use kizuna_core::referral::ReferralStatus;
use kizuna_core::settings::Settings;
use kizuna_core::timeline::{ReferralRole, TimelineEntry, TimelineKind};
use kizuna_core::touchpoint::{Direction, PromiseInput, TouchpointInput, TouchpointKind};
use kizuna_core::{Clock, Error, FieldErrorCode, Store};

const DAY: i64 = 86_400;

fn setup() -> (Store, Clock) {
    (Store::open_in_memory().expect("store"), fixtures::clock())
}

fn add(
    store: &mut Store,
    clock: &Clock,
    family: &str,
    reading: &str,
    referrer: Option<i64>,
) -> i64 {
    let profile = CustomerProfile {
        referred_by: referrer,
        ..fixtures::person(family, "", reading, "")
    };
    store.create_customer(profile, clock).expect("customer").id
}

fn touch(customer_id: i64, kind: TouchpointKind, at: i64) -> TouchpointInput {
    TouchpointInput {
        customer_id,
        kind,
        occurred_at: at,
        summary: "店の近況をうかがう".to_owned(),
        notes: String::new(),
        direction: kind.default_direction(),
        satisfaction: None,
        promise: None,
    }
}

fn purchase(customer_id: i64, item: &str, amount: i64, at: i64) -> PurchaseInput {
    PurchaseInput {
        customer_id,
        item: item.to_owned(),
        quantity: 1,
        amount_minor: amount,
        currency: String::new(),
        purchased_at: at,
        satisfaction: None,
        notes: String::new(),
        follow_up_plan_id: None,
        reorder_after_days: None,
    }
}

#[test]
fn cards_and_gifts_are_gifts_by_default_and_talks_are_neutral() {
    assert_eq!(TouchpointKind::Letter.default_direction(), Direction::Give);
    assert_eq!(TouchpointKind::Gift.default_direction(), Direction::Give);
    assert_eq!(TouchpointKind::Event.default_direction(), Direction::Give);
    assert_eq!(
        TouchpointKind::Visit.default_direction(),
        Direction::Neutral
    );
    assert_eq!(TouchpointKind::Call.default_direction(), Direction::Neutral);
}

#[test]
fn a_quick_log_is_stored_with_its_promise_and_bad_input_is_refused() {
    let (mut store, clock) = setup();
    let id = add(&mut store, &clock, "山本", "やまもと", None);
    let mut input = touch(id, TouchpointKind::Visit, clock.timestamp() - 3600);
    input.satisfaction = Some(4);
    input.promise = Some(PromiseInput {
        title: "新しいカタログを持っていく".to_owned(),
        due_on: NaiveDate::from_ymd_opt(2026, 11, 30).expect("date"),
        due_time: String::new(),
    });
    let logged = store.log_touchpoint(input.clone(), &clock).expect("log");
    assert_eq!(logged.touchpoint.kind, TouchpointKind::Visit);
    assert_eq!(logged.touchpoint.satisfaction, Some(4));
    let promise = logged.promise.expect("promise");
    assert_eq!(
        store.open_promises(id).expect("promises"),
        vec![promise.clone()]
    );
    store
        .set_promise_done(promise.id, true, &clock)
        .expect("done");
    assert!(store.open_promises(id).expect("promises").is_empty());

    let mut bad = input.clone();
    bad.satisfaction = Some(6);
    bad.occurred_at = clock.timestamp() + 3 * DAY;
    bad.customer_id = 999;
    let Err(Error::Validation(fields)) = store.log_touchpoint(bad, &clock) else {
        panic!("bad touchpoint accepted");
    };
    let codes: Vec<(&str, FieldErrorCode)> =
        fields.iter().map(|f| (f.field.as_str(), f.code)).collect();
    assert!(codes.contains(&("satisfaction", FieldErrorCode::OutOfRange)));
    assert!(codes.contains(&("occurred_at", FieldErrorCode::DateInFuture)));
    assert!(codes.contains(&("customer_id", FieldErrorCode::UnknownCustomer)));
    assert_eq!(
        store.recent_touchpoints(id, 10).expect("recent").len(),
        1,
        "nothing else was stored"
    );
}

#[test]
fn touchpoints_can_be_edited_and_deleted_and_deleting_gives_back_what_to_restore() {
    let (mut store, clock) = setup();
    let id = add(&mut store, &clock, "山本", "やまもと", None);
    let logged = store
        .log_touchpoint(
            touch(id, TouchpointKind::Call, clock.timestamp() - DAY),
            &clock,
        )
        .expect("log")
        .touchpoint;
    let mut edit = touch(id, TouchpointKind::Call, logged.occurred_at);
    edit.direction = Direction::Ask;
    edit.summary = "見積もりのお願い".to_owned();
    let edited = store
        .update_touchpoint(logged.id, edit, &clock)
        .expect("edit");
    assert_eq!(
        (edited.direction, edited.summary.as_str()),
        (Direction::Ask, "見積もりのお願い")
    );

    let undo = store.delete_touchpoint(logged.id, &clock).expect("delete");
    assert!(store.recent_touchpoints(id, 10).expect("recent").is_empty());
    store.undo(undo, &clock).expect("undo");
    let back = store
        .touchpoint(logged.id)
        .expect("the same touchpoint is back");
    assert_eq!(back, edited);
    assert!(
        store.undo(undo, &clock).is_err(),
        "an action is undone once"
    );
    assert_eq!(
        store.integrity_problems().expect("check"),
        Vec::<String>::new()
    );
}

#[test]
fn channels_follow_the_customers_history_and_are_rederived_on_change() {
    let (mut store, clock) = setup();
    let now = clock.timestamp();
    let walk_in = add(&mut store, &clock, "佐藤", "さとう", None);
    let first = store
        .record_purchase(purchase(walk_in, "真鯛", 7_000, now - 30 * DAY), &clock)
        .expect("p1");
    let second = store
        .record_purchase(purchase(walk_in, "ウニ", 9_800, now - 5 * DAY), &clock)
        .expect("p2");
    assert_eq!(first.purchase.channel, Channel::New);
    assert_eq!(second.purchase.channel, Channel::Repeat);
    assert_eq!(
        first.purchase.currency, "JPY",
        "the currency setting applies"
    );

    // Without the first purchase, the second is the first.
    store
        .delete_purchase(first.purchase.id, &clock)
        .expect("delete");
    assert_eq!(
        store.purchase(second.purchase.id).expect("p2").channel,
        Channel::New
    );

    // Introduced later on: the first purchase becomes a referral sale.
    let friend = add(&mut store, &clock, "鈴木", "すずき", None);
    let mut profile = store.customer(walk_in).expect("load").profile;
    profile.referred_by = Some(friend);
    store
        .update_customer(walk_in, profile, &clock)
        .expect("update");
    assert_eq!(
        store.purchase(second.purchase.id).expect("p2").channel,
        Channel::Referral
    );
    assert_eq!(
        store.integrity_problems().expect("check"),
        Vec::<String>::new()
    );
}

#[test]
fn a_purchase_by_an_introduced_customer_moves_the_referral_and_asks_to_thank() {
    let (mut store, clock) = setup();
    let now = clock.timestamp();
    let referrer = add(&mut store, &clock, "高橋", "たかはし", None);
    let friend = add(&mut store, &clock, "伊藤", "いとう", Some(referrer));
    let status = |store: &Store| {
        store
            .referrals(friend)
            .expect("referral")
            .referred_by
            .expect("link")
            .status
    };
    assert_eq!(status(&store), ReferralStatus::Introduced);

    store
        .log_touchpoint(touch(friend, TouchpointKind::Visit, now - 2 * DAY), &clock)
        .expect("visit");
    assert_eq!(status(&store), ReferralStatus::Met);

    let recorded = store
        .record_purchase(purchase(friend, "毛ガニ", 16_000, now - DAY), &clock)
        .expect("buy");
    assert_eq!(recorded.purchase.channel, Channel::Referral);
    assert_eq!(status(&store), ReferralStatus::Bought);
    assert_eq!(recorded.thank_referrer.map(|r| r.id), Some(referrer));

    store
        .set_referral_thanked(friend, true, &clock)
        .expect("thanked");
    let link = store
        .referrals(friend)
        .expect("referral")
        .referred_by
        .expect("link");
    assert_eq!(link.thanked_at, Some(now));
    let again = store
        .record_purchase(purchase(friend, "ウニ", 9_800, now), &clock)
        .expect("buy again");
    assert_eq!(
        again.thank_referrer, None,
        "thanked once, and repeats are not referrals"
    );
}

#[test]
fn the_referral_tree_shows_whom_they_brought_and_whom_those_brought() {
    let (mut store, clock) = setup();
    let now = clock.timestamp();
    let root = add(&mut store, &clock, "中村", "なかむら", None);
    let a = add(&mut store, &clock, "小林", "こばやし", Some(root));
    let b = add(&mut store, &clock, "加藤", "かとう", Some(root));
    let a1 = add(&mut store, &clock, "吉田", "よしだ", Some(a));
    let a1x = add(&mut store, &clock, "松本", "まつもと", Some(a1));
    store
        .record_purchase(purchase(a, "真鯛", 7_000, now - DAY), &clock)
        .expect("a buys");
    store
        .record_purchase(purchase(a, "返品: 真鯛", -2_000, now), &clock)
        .expect("a refund");
    store
        .record_purchase(purchase(b, "ウニ", 9_800, now - DAY), &clock)
        .expect("b buys");
    store
        .record_purchase(purchase(a1x, "いくら", 8_400, now - DAY), &clock)
        .expect("a1x buys");

    let summary = store.referrals(root).expect("tree");
    assert_eq!((summary.direct_count, summary.total_count), (2, 4));
    // Direct referrals' sales: a 7,000 − 2,000 + b 9,800.
    assert_eq!(summary.referral_sales_minor, 14_800);
    let names: Vec<i64> = summary.tree.iter().map(|n| n.customer.id).collect();
    assert_eq!(names, vec![a, b]);
    assert_eq!(summary.tree[0].children[0].customer.id, a1);
    assert_eq!(summary.tree[0].children[0].children[0].customer.id, a1x);
    assert_eq!(
        summary.tree[0].children[0].children[0].status,
        ReferralStatus::Bought
    );
}

#[test]
fn the_first_purchase_suggests_customer_and_accepting_records_why() {
    let (mut store, clock) = setup();
    let id = add(&mut store, &clock, "井上", "いのうえ", None);
    assert_eq!(
        store.promotion_suggestion(id, &clock).expect("none yet"),
        None
    );
    let recorded = store
        .record_purchase(
            purchase(id, "本マグロ", 18_000, clock.timestamp() - 3600),
            &clock,
        )
        .expect("buy");
    let suggestion = recorded.suggestion.expect("suggestion");
    assert_eq!(
        (suggestion.rule, suggestion.from, suggestion.to),
        (
            PromotionRule::FirstPurchase,
            Stage::Prospect,
            Stage::Customer
        )
    );
    assert_eq!(suggestion.evidence.item.as_deref(), Some("本マグロ"));

    let change = store
        .accept_promotion(id, PromotionRule::FirstPurchase, &clock)
        .expect("accept");
    assert_eq!(
        (change.from, change.to, change.rule),
        (
            Some(Stage::Prospect),
            Stage::Customer,
            Some(PromotionRule::FirstPurchase)
        )
    );
    assert_eq!(
        store.customer(id).expect("load").profile.stage,
        Stage::Customer
    );
    let history = store.stage_history(id).expect("history");
    assert_eq!(history.len(), 2, "created as prospect, then promoted");
    assert_eq!(history[0].from, None);
    assert_eq!(store.promotion_suggestion(id, &clock).expect("after"), None);
    // A rule that no longer applies cannot be accepted twice.
    assert!(
        store
            .accept_promotion(id, PromotionRule::FirstPurchase, &clock)
            .is_err()
    );
}

#[test]
fn a_dismissed_suggestion_does_not_come_back_for_the_same_reason() {
    let (mut store, clock) = setup();
    store
        .save_settings(&Settings {
            client_purchase_threshold: 3,
            ..Settings::default()
        })
        .expect("settings");
    let id = add(&mut store, &clock, "林", "はやし", None);
    let now = clock.timestamp();
    for days in [200, 100] {
        store
            .record_purchase(purchase(id, "のり", 1_000, now - days * DAY), &clock)
            .expect("buy");
    }
    assert_eq!(
        store
            .promotion_suggestion(id, &clock)
            .expect("s")
            .map(|s| s.rule),
        Some(PromotionRule::FirstPurchase)
    );
    store
        .dismiss_promotion(id, PromotionRule::FirstPurchase, &clock)
        .expect("dismiss");
    assert_eq!(
        store.promotion_suggestion(id, &clock).expect("s"),
        None,
        "two purchases are below the threshold of 3"
    );
    store
        .record_purchase(purchase(id, "のり", 1_000, now - DAY), &clock)
        .expect("buy");
    // Three purchases within 12 months: a different reason, so it is suggested.
    let s = store
        .promotion_suggestion(id, &clock)
        .expect("s")
        .expect("client");
    assert_eq!(
        (s.rule, s.to),
        (PromotionRule::RepeatPurchases, Stage::Client)
    );
    assert_eq!(
        (s.evidence.purchases_in_year, s.evidence.threshold),
        (Some(3), Some(3))
    );
    // The whole book lists it too.
    let all = store.promotion_suggestions(&clock, 10).expect("all");
    assert_eq!(
        all.iter().map(|s| s.customer_id).collect::<Vec<_>>(),
        vec![id]
    );
}

#[test]
fn a_first_introduction_suggests_advocate_and_manual_changes_go_both_ways() {
    let (mut store, clock) = setup();
    let referrer = add(&mut store, &clock, "清水", "しみず", None);
    add(&mut store, &clock, "森", "もり", Some(referrer));
    let s = store
        .promotion_suggestion(referrer, &clock)
        .expect("s")
        .expect("advocate");
    assert_eq!(
        (s.rule, s.to, s.evidence.referred.as_deref()),
        (PromotionRule::FirstReferral, Stage::Advocate, Some("森"))
    );

    let up = store
        .change_stage(
            referrer,
            Stage::Partner,
            "イベントを一緒に企画してくれた",
            &clock,
        )
        .expect("up");
    assert_eq!(
        (up.from, up.to, up.rule),
        (Some(Stage::Prospect), Stage::Partner, None)
    );
    let down = store
        .change_stage(
            referrer,
            Stage::Supporter,
            "しばらく取引が止まっている",
            &clock,
        )
        .expect("down");
    assert_eq!(down.reason, "しばらく取引が止まっている");
    let history = store.stage_history(referrer).expect("history");
    assert_eq!(
        history.iter().map(|c| c.to).collect::<Vec<_>>(),
        vec![Stage::Prospect, Stage::Partner, Stage::Supporter]
    );
    assert!(matches!(
        store.change_stage(referrer, Stage::Supporter, "", &clock),
        Err(Error::Validation(f)) if f[0].code == FieldErrorCode::Duplicate
    ));
}

#[test]
fn the_timeline_merges_everything_newest_first_and_filters_by_kind() {
    let (mut store, clock) = setup();
    let now = clock.timestamp();
    let referrer = add(&mut store, &clock, "青木", "あおき", None);
    let id = add(&mut store, &clock, "石井", "いしい", Some(referrer));
    store
        .log_touchpoint(touch(id, TouchpointKind::Visit, now - 10 * DAY), &clock)
        .expect("visit");
    store
        .record_purchase(purchase(id, "真鯛", 7_000, now - 5 * DAY), &clock)
        .expect("buy");
    store
        .accept_promotion(id, PromotionRule::FirstPurchase, &clock)
        .expect("accept");

    let timeline = store.timeline(id, &[], &clock).expect("timeline");
    let kinds: Vec<&str> = timeline
        .items
        .iter()
        .map(|i| match &i.entry {
            TimelineEntry::Touchpoint { .. } => "touchpoint",
            TimelineEntry::Purchase { .. } => "purchase",
            TimelineEntry::Referral { .. } => "referral",
            TimelineEntry::StageChange { .. } => "stage",
        })
        .collect();
    // Now: the promotion, then creation's stage entry and the introduction
    // (both at creation time, the stage entry after), then the purchase and visit.
    assert_eq!(
        kinds,
        vec!["stage", "stage", "referral", "purchase", "touchpoint"]
    );
    assert!(timeline.items.windows(2).all(|w| w[0].at >= w[1].at));
    let TimelineEntry::Referral { role, other, .. } = &timeline.items[2].entry else {
        panic!("not a referral");
    };
    assert_eq!((*role, other.id), (ReferralRole::IntroducedBy, referrer));

    let purchases_only = store
        .timeline(id, &[TimelineKind::Purchase], &clock)
        .expect("filtered");
    assert_eq!(purchases_only.items.len(), 1);
    let referrer_view = store
        .timeline(referrer, &[TimelineKind::Referral], &clock)
        .expect("referrer");
    assert!(matches!(
        &referrer_view.items[0].entry,
        TimelineEntry::Referral {
            role: ReferralRole::Introduced,
            ..
        }
    ));
}

#[test]
fn a_relationship_made_only_of_asks_is_flagged() {
    let (mut store, clock) = setup();
    let now = clock.timestamp();
    let id = add(&mut store, &clock, "前田", "まえだ", None);
    for (days, direction) in [
        (400, Direction::Give),
        (20, Direction::Ask),
        (10, Direction::Ask),
    ] {
        let mut t = touch(id, TouchpointKind::Call, now - days * DAY);
        t.direction = direction;
        store.log_touchpoint(t, &clock).expect("log");
    }
    // The gift was more than a year ago: the last 12 months are asks only.
    let balance = store.give_ask_balance(id, &clock).expect("balance");
    assert_eq!(
        (balance.gives, balance.asks, balance.only_asks),
        (0, 2, true)
    );
    let mut card = touch(id, TouchpointKind::Letter, now - DAY);
    card.summary = "誕生日カード".to_owned();
    store.log_touchpoint(card, &clock).expect("card");
    let balance = store.give_ask_balance(id, &clock).expect("balance");
    assert_eq!(
        (balance.gives, balance.asks, balance.only_asks),
        (1, 2, false)
    );
}

#[test]
fn the_visit_brief_gathers_what_to_know_before_walking_in() {
    let (mut store, clock) = setup();
    let now = clock.timestamp();
    let mut profile = fixtures::person("渡辺", "恵子", "わたなべ", "けいこ");
    profile.likes = "日本酒".to_owned();
    profile.met_on = NaiveDate::from_ymd_opt(2024, 11, 23);
    profile.birthday = Some(PartialDate::new(Some(1970), 12, 10));
    profile.family_members.push(FamilyMember {
        name: "一郎".to_owned(),
        reading: "いちろう".to_owned(),
        relation: "夫".to_owned(),
        birthday: Some(PartialDate::new(None, 11, 30)),
        notes: String::new(),
    });
    let id = store.create_customer(profile, &clock).expect("customer").id;
    let friend = add(&mut store, &clock, "藤井", "ふじい", Some(id));
    for day in 1..=7 {
        let mut t = touch(id, TouchpointKind::Visit, now - day * 7 * DAY);
        t.summary = format!("訪問{day}");
        store.log_touchpoint(t, &clock).expect("visit");
    }
    let mut promised = touch(id, TouchpointKind::Call, now - 3600);
    promised.promise = Some(PromiseInput {
        title: "見本を届ける".to_owned(),
        due_on: NaiveDate::from_ymd_opt(2026, 11, 27).expect("date"),
        due_time: String::new(),
    });
    store.log_touchpoint(promised, &clock).expect("call");
    store
        .record_purchase(purchase(id, "からすみ", 15_000, now - 40 * DAY), &clock)
        .expect("buy");
    store
        .record_purchase(purchase(id, "毛ガニ", 16_000, now - 20 * DAY), &clock)
        .expect("buy");

    let brief = store.visit_brief(id, &clock).expect("brief");
    assert_eq!(brief.customer.display_name, "渡辺 恵子");
    assert_eq!(brief.relationship_days, 730, "met two years ago today");
    assert_eq!(brief.recent_touchpoints.len(), 5);
    assert_eq!(brief.recent_touchpoints[1].summary, "訪問1");
    assert_eq!(
        (brief.purchases.count, brief.purchases.total_minor),
        (2, 31_000)
    );
    assert_eq!(
        brief.purchases.last.as_ref().map(|p| p.item.as_str()),
        Some("毛ガニ")
    );
    assert_eq!(
        brief
            .open_promises
            .iter()
            .map(|p| p.title.as_str())
            .collect::<Vec<_>>(),
        vec!["見本を届ける"]
    );
    // The husband's birthday in 7 days, hers in 17 (she turns 56).
    let upcoming: Vec<(OccasionKind, i64, Option<i32>)> = brief
        .upcoming_dates
        .iter()
        .map(|u| (u.occasion.kind, u.days_until, u.years))
        .collect();
    assert_eq!(
        upcoming,
        vec![
            (OccasionKind::FamilyBirthday, 7, None),
            (OccasionKind::Birthday, 17, Some(56))
        ]
    );
    assert_eq!(
        brief
            .referred
            .iter()
            .map(|n| n.customer.id)
            .collect::<Vec<_>>(),
        vec![friend]
    );
    assert_eq!(
        brief.suggestion.map(|s| s.rule),
        Some(PromotionRule::FirstReferral)
    );
    assert_eq!(
        store.integrity_problems().expect("check"),
        Vec::<String>::new()
    );
}
