//! The season's greetings: who a campaign chooses (stage, tag, a recent
//! purchase, last year's list, by hand), who mourning leaves out of the New
//! Year cards and offers a 寒中見舞い instead, cards received (also from
//! someone not on the list), addresses that cannot be printed, sending
//! — one give touchpoint each, undone whole — and the season's own
//! reminders in early December and early July.

#[allow(dead_code)]
#[path = "support/fixtures.rs"]
mod fixtures;

use chrono::NaiveDate;
use fixtures::{clock, clock_on, person, quiet_store};
use kizuna_core::customer::{Address, Customer, CustomerProfile};
use kizuna_core::greeting::{AddressProblem, GreetingKind, NewCampaign, RecipientRule};
use kizuna_core::ladder::Stage;
use kizuna_core::purchase::PurchaseInput;
use kizuna_core::reminder::{DraftLanguage, ReminderKind};
use kizuna_core::timeline::TimelineEntry;
use kizuna_core::touchpoint::{Direction, TouchpointKind};
use kizuna_core::{Clock, Error, Store};

const DAY: i64 = 86_400;

fn tokyo() -> Address {
    Address {
        postal_code: "150-0001".to_owned(),
        region: "東京都".to_owned(),
        locality: "渋谷区".to_owned(),
        street: "神宮前1-2-3".to_owned(),
        ..Address::default()
    }
}

fn add(store: &mut Store, profile: CustomerProfile) -> Customer {
    store.create_customer(profile, &clock()).expect("customer")
}

fn addressed(mut p: CustomerProfile) -> CustomerProfile {
    p.addresses.push(tokyo());
    p
}

fn bought(store: &mut Store, customer: i64, days_ago: i64, clock: &Clock) {
    store
        .record_purchase(
            PurchaseInput {
                customer_id: customer,
                item: "本マグロ".to_owned(),
                quantity: 1,
                amount_minor: 30_000,
                currency: String::new(),
                purchased_at: clock.timestamp() - days_ago * DAY,
                satisfaction: None,
                notes: String::new(),
                follow_up_plan_id: None,
                reorder_after_days: None,
            },
            clock,
        )
        .expect("purchase");
}

fn names(rows: &[kizuna_core::greeting::CampaignRow]) -> Vec<&str> {
    rows.iter().map(|r| r.display_name.as_str()).collect()
}

fn nengajo(year: i32, rule: RecipientRule) -> NewCampaign {
    NewCampaign {
        kind: GreetingKind::Nengajo,
        year,
        rule,
    }
}

#[test]
fn a_campaign_chooses_by_stage_tag_recent_purchase_and_last_years_list() {
    let mut store = quiet_store();
    let clock = clock();
    let mut client = addressed(person("青木", "一郎", "あおき", "いちろう"));
    client.stage = Stage::Client;
    let client = add(&mut store, client);
    let mut tagged = addressed(person("井上", "二郎", "いのうえ", "じろう"));
    tagged.tags = vec!["年賀状".to_owned()];
    let tagged = add(&mut store, tagged);
    let recent = add(
        &mut store,
        addressed(person("上田", "三郎", "うえだ", "さぶろう")),
    );
    bought(&mut store, recent.id, 60, &clock);
    let long_ago = add(
        &mut store,
        addressed(person("江藤", "四郎", "えとう", "しろう")),
    );
    bought(&mut store, long_ago.id, 400, &clock);
    let mut archived = addressed(person("大野", "五郎", "おおの", "ごろう"));
    archived.tags = vec!["年賀状".to_owned()];
    let archived = add(&mut store, archived);
    store
        .archive_customer(archived.id, &clock)
        .expect("archived");
    let mut quiet = addressed(person("加藤", "六郎", "かとう", "ろくろう"));
    quiet.tags = vec!["年賀状".to_owned()];
    quiet.do_not_contact = true;
    add(&mut store, quiet);
    let nobody = add(
        &mut store,
        addressed(person("木村", "七郎", "きむら", "しちろう")),
    );

    let rule = RecipientRule {
        stages: vec![Stage::Client],
        tags: vec!["年賀状".to_owned()],
        purchased_within_months: Some(12),
        last_year: false,
    };
    let view = store
        .open_campaign(&nengajo(2027, rule.clone()), &clock)
        .expect("opened");
    assert_eq!(
        names(&view.recipients),
        ["青木 一郎", "井上 二郎", "上田 三郎"],
        "stage, tag or a purchase in the last year; not the archived, not 'do not contact'"
    );
    assert_eq!(view.counts.listed, 3);
    assert_eq!(view.counts.pending, 3);

    // Opened again, it is the same campaign as it stands.
    store
        .add_to_campaign(view.campaign.id, nobody.id)
        .expect("added by hand");
    let view = store
        .remove_from_campaign(view.campaign.id, client.id)
        .expect("taken off");
    let again = store
        .open_campaign(&nengajo(2027, rule), &clock)
        .expect("reopened");
    assert_eq!(again.campaign.id, view.campaign.id);
    assert_eq!(
        names(&again.recipients),
        ["井上 二郎", "上田 三郎", "木村 七郎"]
    );

    // Next year starts from this year's list.
    let next = store
        .open_campaign(
            &nengajo(
                2028,
                RecipientRule {
                    last_year: true,
                    ..RecipientRule::default()
                },
            ),
            &clock,
        )
        .expect("next year");
    assert_eq!(
        names(&next.recipients),
        ["井上 二郎", "上田 三郎", "木村 七郎"]
    );
    let _ = (tagged, long_ago);
}

#[test]
fn mourning_leaves_a_customer_out_of_new_year_cards_and_offers_a_winter_card() {
    let mut store = quiet_store();
    let clock = clock();
    let tagged = |p: CustomerProfile| {
        let mut p = addressed(p);
        p.tags = vec!["年賀状".to_owned()];
        p
    };
    let mourning = add(
        &mut store,
        tagged(person("佐藤", "花子", "さとう", "はなこ")),
    );
    let later = add(
        &mut store,
        tagged(person("鈴木", "一郎", "すずき", "いちろう")),
    );
    add(&mut store, tagged(person("田中", "健", "たなか", "けん")));
    let day = NaiveDate::from_ymd_opt(2026, 11, 20).expect("day");
    store
        .note_mourning(mourning.id, 2027, day, "父 一郎")
        .expect("喪中はがき noted");

    let rule = RecipientRule {
        tags: vec!["年賀状".to_owned()],
        ..RecipientRule::default()
    };
    let view = store
        .open_campaign(&nengajo(2027, rule), &clock)
        .expect("opened");
    assert_eq!(
        names(&view.recipients),
        ["鈴木 一郎", "田中 健"],
        "佐藤 is in mourning"
    );
    assert_eq!(view.in_mourning.len(), 1);
    assert_eq!(view.in_mourning[0].who, "父 一郎");
    let refused = store.add_to_campaign(view.campaign.id, mourning.id);
    assert!(
        matches!(refused, Err(Error::Validation(_))),
        "no New Year card for someone in mourning: {refused:?}"
    );

    // A 喪中はがき that comes after the list was made takes them off it.
    store.note_mourning(later.id, 2027, day, "").expect("noted");
    let view = store.campaign(view.campaign.id).expect("view");
    assert_eq!(names(&view.recipients), ["田中 健"]);

    let winter = store
        .propose_kanchu_mimai(view.campaign.id, &clock)
        .expect("寒中見舞い");
    assert_eq!(winter.campaign.kind, GreetingKind::KanchuMimai);
    assert_eq!(winter.campaign.year, 2027);
    assert_eq!(
        names(&winter.recipients),
        ["佐藤 花子", "鈴木 一郎"],
        "those in mourning get a winter card after 松の内"
    );
    assert_eq!(
        GreetingKind::KanchuMimai.season(2027).map(|(from, _)| from),
        NaiveDate::from_ymd_opt(2027, 1, 8)
    );

    // A mourning noted by mistake is taken back.
    store.clear_mourning(later.id, 2027).expect("cleared");
    let view = store.campaign(view.campaign.id).expect("view");
    assert_eq!(view.in_mourning.len(), 1);
}

#[test]
fn cards_received_are_ticked_off_and_those_not_on_the_list_are_shown() {
    let mut store = quiet_store();
    let clock = clock();
    let listed = add(
        &mut store,
        addressed(person("青木", "一郎", "あおき", "いちろう")),
    );
    let unlisted = add(
        &mut store,
        addressed(person("井上", "二郎", "いのうえ", "じろう")),
    );
    let view = store
        .open_campaign(&nengajo(2027, RecipientRule::default()), &clock)
        .expect("opened");
    assert!(view.recipients.is_empty(), "no rule: filled by hand");
    let id = view.campaign.id;
    store.add_to_campaign(id, listed.id).expect("added");
    let new_year = NaiveDate::from_ymd_opt(2027, 1, 1);
    store
        .mark_card_received(id, listed.id, new_year)
        .expect("ticked");
    let view = store
        .mark_card_received(id, unlisted.id, new_year)
        .expect("ticked");
    assert_eq!(view.recipients[0].received_on, new_year);
    assert_eq!(
        names(&view.received_unlisted),
        ["井上 二郎"],
        "sent one, not on the list: a card can be sent back"
    );
    assert_eq!(view.counts.received, 2);

    // On the list now, they count once.
    let view = store.add_to_campaign(id, unlisted.id).expect("added");
    assert!(view.received_unlisted.is_empty());
    assert_eq!(view.counts.listed, 2);
    // Taken off again, their card is still known.
    let view = store
        .remove_from_campaign(id, unlisted.id)
        .expect("removed");
    assert_eq!(names(&view.received_unlisted), ["井上 二郎"]);
    // Ticked by mistake: untold.
    let view = store
        .mark_card_received(id, unlisted.id, None)
        .expect("untold");
    assert!(view.received_unlisted.is_empty());
    assert_eq!(view.counts.received, 1);
}

#[test]
fn an_address_that_cannot_be_printed_is_shown_before_printing() {
    let mut store = quiet_store();
    let clock = clock();
    let mut none = person("青木", "一郎", "あおき", "いちろう");
    none.tags = vec!["年賀状".to_owned()];
    add(&mut store, none);
    let mut bad_code = person("井上", "二郎", "いのうえ", "じろう");
    bad_code.tags = vec!["年賀状".to_owned()];
    // The form takes an address without its 〒 (not yet known); the
    // postcard's boxes need seven digits.
    bad_code.addresses.push(Address {
        postal_code: String::new(),
        ..tokyo()
    });
    let bad_code = add(&mut store, bad_code);
    let mut fine = addressed(person("上田", "三郎", "うえだ", "さぶろう"));
    fine.tags = vec!["年賀状".to_owned()];
    add(&mut store, fine);
    let view = store
        .open_campaign(
            &nengajo(
                2027,
                RecipientRule {
                    tags: vec!["年賀状".to_owned()],
                    ..RecipientRule::default()
                },
            ),
            &clock,
        )
        .expect("opened");
    let problems: Vec<(&str, Vec<AddressProblem>)> = view
        .recipients
        .iter()
        .map(|r| (r.display_name.as_str(), r.problems.clone()))
        .collect();
    assert_eq!(
        problems,
        [
            ("青木 一郎", vec![AddressProblem::Missing]),
            ("井上 二郎", vec![AddressProblem::PostalCode]),
            ("上田 三郎", vec![]),
        ]
    );
    assert_eq!(view.counts.unprintable, 2);
    let _ = bad_code;
}

#[test]
fn sending_logs_a_give_touch_for_each_recipient_in_their_language_and_undoes_whole() {
    let mut store = quiet_store();
    let clock = clock();
    let mut japanese = addressed(person("青木", "一郎", "あおき", "いちろう"));
    japanese.tags = vec!["お歳暮".to_owned()];
    let japanese = add(&mut store, japanese);
    let mut english = addressed(CustomerProfile {
        family_name: "Smith".to_owned(),
        given_name: "Anna".to_owned(),
        message_language: Some(DraftLanguage::En),
        ..CustomerProfile::default()
    });
    english.tags = vec!["お歳暮".to_owned()];
    let english = add(&mut store, english);
    let view = store
        .open_campaign(
            &NewCampaign {
                kind: GreetingKind::Oseibo,
                year: 2026,
                rule: RecipientRule {
                    tags: vec!["お歳暮".to_owned()],
                    ..RecipientRule::default()
                },
            },
            &clock,
        )
        .expect("opened");
    let id = view.campaign.id;
    let undo = store
        .mark_campaign_sent(id, &clock)
        .expect("sent")
        .expect("something was sent");
    let view = store.campaign(id).expect("view");
    assert_eq!((view.counts.sent, view.counts.pending), (2, 0));
    let touch = |store: &Store, customer: i64| {
        store
            .timeline(customer, &[], &clock)
            .expect("timeline")
            .items
            .into_iter()
            .find_map(|i| match i.entry {
                TimelineEntry::Touchpoint { touchpoint } => Some(touchpoint),
                _ => None,
            })
    };
    let given = touch(&store, japanese.id).expect("a touch");
    assert_eq!(given.kind, TouchpointKind::Gift);
    assert_eq!(given.direction, Direction::Give);
    assert_eq!(given.summary, "2026年のお歳暮を贈りました");
    assert_eq!(
        touch(&store, english.id).expect("a touch").summary,
        "Sent a year-end gift (2026)"
    );
    assert!(
        store
            .mark_campaign_sent(id, &clock)
            .expect("again")
            .is_none(),
        "nothing is sent twice"
    );

    store.undo(undo, &clock).expect("undone");
    let view = store.campaign(id).expect("view");
    assert_eq!((view.counts.sent, view.counts.pending), (0, 2));
    assert!(touch(&store, japanese.id).is_none(), "the touches are gone");
    assert!(touch(&store, english.id).is_none());
}

#[test]
fn a_year_out_of_range_is_refused_and_nothing_is_made() {
    let mut store = quiet_store();
    let refused = store.open_campaign(&nengajo(1999, RecipientRule::default()), &clock());
    assert!(matches!(refused, Err(Error::Validation(_))), "{refused:?}");
    assert!(store.campaigns().expect("campaigns").is_empty());
}

#[test]
fn the_list_is_exported_for_address_printing_in_cp932_without_those_in_mourning() {
    let mut store = quiet_store();
    let clock = clock();
    for (family, given, reading) in [("佐藤", "花子", "さとう"), ("鈴木", "一郎", "すずき")]
    {
        let mut p = addressed(person(family, given, reading, ""));
        p.tags = vec!["年賀状".to_owned()];
        p.honorific = if family == "鈴木" {
            "先生".to_owned()
        } else {
            String::new()
        };
        add(&mut store, p);
    }
    let mourning = store
        .list_customers(&Default::default())
        .expect("list")
        .rows[0]
        .id;
    store
        .note_mourning(
            mourning,
            2027,
            NaiveDate::from_ymd_opt(2026, 11, 1).expect("day"),
            "",
        )
        .expect("noted");
    let view = store
        .open_campaign(
            &nengajo(
                2027,
                RecipientRule {
                    tags: vec!["年賀状".to_owned()],
                    ..RecipientRule::default()
                },
            ),
            &clock,
        )
        .expect("opened");
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("年賀状2027.csv");
    let summary = store
        .export_campaign(view.campaign.id, &path)
        .expect("exported");
    assert_eq!((summary.rows, summary.substituted), (1, 0));
    let bytes = std::fs::read(&path).expect("read");
    let (text, _, errors) = encoding_rs::SHIFT_JIS.decode(&bytes);
    assert!(!errors, "CP932 throughout");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "a header and one recipient: {text}");
    assert!(lines[0].starts_with("姓,名,姓ふりがな"));
    assert_eq!(
        lines[1], "鈴木,一郎,すずき,,先生,150-0001,東京都渋谷区神宮前1-2-3,,,",
        "the honorific chosen, 佐藤 (in mourning) left out"
    );
}

#[test]
fn last_years_mourners_are_written_to_again_and_a_company_gets_onchu() {
    let mut store = quiet_store();
    let clock = clock();
    let tagged = |p: CustomerProfile| {
        let mut p = addressed(p);
        p.tags = vec!["年賀状".to_owned()];
        p
    };
    let mourned = add(
        &mut store,
        tagged(person("佐藤", "花子", "さとう", "はなこ")),
    );
    add(
        &mut store,
        tagged(person("鈴木", "一郎", "すずき", "いちろう")),
    );
    add(
        &mut store,
        tagged(CustomerProfile {
            company: "株式会社みやび".to_owned(),
            ..CustomerProfile::default()
        }),
    );
    store
        .note_mourning(
            mourned.id,
            2027,
            NaiveDate::from_ymd_opt(2026, 11, 20).expect("day"),
            "",
        )
        .expect("noted");
    let tags = RecipientRule {
        tags: vec!["年賀状".to_owned()],
        ..RecipientRule::default()
    };
    let this_year = store
        .open_campaign(&nengajo(2027, tags), &clock)
        .expect("2027");
    assert_eq!(this_year.recipients.len(), 2, "佐藤 is in mourning");
    let company = this_year
        .recipients
        .iter()
        .find(|r| r.display_name == "株式会社みやび")
        .expect("the company");
    assert_eq!(company.honorific, "御中");

    let next = store
        .open_campaign(
            &nengajo(
                2028,
                RecipientRule {
                    last_year: true,
                    ..RecipientRule::default()
                },
            ),
            &clock,
        )
        .expect("2028");
    assert!(
        names(&next.recipients).contains(&"佐藤 花子"),
        "off last year's list for mourning only: {:?}",
        names(&next.recipients)
    );
    assert_eq!(next.recipients.len(), 3);
}

#[test]
fn merging_two_records_in_one_campaign_keeps_what_either_knew() {
    let mut store = quiet_store();
    let clock = clock();
    let kept = add(
        &mut store,
        addressed(person("原田", "剛", "はらだ", "つよし")),
    );
    let other = add(
        &mut store,
        addressed(person("原田", "剛", "はらだ", "つよし")),
    );
    let view = store
        .open_campaign(&nengajo(2027, RecipientRule::default()), &clock)
        .expect("opened");
    let id = view.campaign.id;
    store.add_to_campaign(id, kept.id).expect("kept listed");
    store
        .mark_card_received(id, other.id, NaiveDate::from_ymd_opt(2027, 1, 2))
        .expect("the other's card came");
    let preview = store.merge_preview(kept.id, other.id).expect("preview");
    store
        .merge_customers(
            &kizuna_core::merge::MergeRequest {
                kept: kept.id,
                other: other.id,
                take_other: Vec::new(),
                kept_updated_at: preview.kept.updated_at,
                other_updated_at: preview.other.updated_at,
            },
            &clock,
        )
        .expect("merged");
    let view = store.campaign(id).expect("view");
    assert_eq!(view.recipients.len(), 1);
    assert_eq!(
        view.recipients[0].received_on,
        NaiveDate::from_ymd_opt(2027, 1, 2),
        "the card received by the other record is not forgotten"
    );
}

#[test]
fn early_december_asks_for_the_new_year_cards_until_they_are_sent() {
    let mut store = quiet_store();
    let customer = add(
        &mut store,
        addressed(person("青木", "一郎", "あおき", "いちろう")),
    );
    let season = |store: &Store, language: DraftLanguage, clock: &Clock| {
        let view = store.today_view(language, clock).expect("today");
        view.overdue
            .items
            .into_iter()
            .chain(view.today_items.items)
            .chain(view.upcoming.items)
            .filter(|r| r.kind == ReminderKind::Season)
            .map(|r| (r.headline, r.customer.is_none(), r.due_on))
            .collect::<Vec<_>>()
    };
    let december = clock_on(2026, 12, 3);
    assert_eq!(
        season(&store, DraftLanguage::Ja, &december),
        vec![(
            "2027年の年賀状の準備".to_owned(),
            true,
            NaiveDate::from_ymd_opt(2026, 12, 3).expect("due today, not overdue")
        )]
    );
    assert_eq!(
        season(&store, DraftLanguage::En, &december)[0].0,
        "Prepare the New Year cards for 2027"
    );
    assert!(season(&store, DraftLanguage::Ja, &clock_on(2026, 12, 26)).is_empty());

    let view = store
        .open_campaign(&nengajo(2027, RecipientRule::default()), &december)
        .expect("opened");
    store
        .add_to_campaign(view.campaign.id, customer.id)
        .expect("listed");
    // The day's agenda is built before sending, so what follows shows that
    // sending itself takes the reminder off.
    assert_eq!(season(&store, DraftLanguage::Ja, &december).len(), 1);
    let undo = store
        .mark_campaign_sent(view.campaign.id, &december)
        .expect("sent")
        .expect("something was sent");
    assert!(
        season(&store, DraftLanguage::Ja, &december).is_empty(),
        "the cards are sent: nothing left to prepare"
    );
    store.undo(undo, &december).expect("undone");
    assert_eq!(season(&store, DraftLanguage::Ja, &december).len(), 1);

    let july = clock_on(2027, 7, 2);
    assert_eq!(
        season(&store, DraftLanguage::Ja, &july)[0].0,
        "暑中見舞い・お中元の準備"
    );

    // Someone who sends no seasonal cards turns them off.
    let mut settings = store.settings().expect("settings");
    settings.season_reminders = false;
    store.save_settings(&settings).expect("saved");
    assert!(season(&store, DraftLanguage::Ja, &july).is_empty());
}
