//! Merging two records of one person: everything recorded about both ends
//! up on the record that stays, the referral tree stays a tree, undo puts
//! both back exactly, and the merged-away record's UID and e-mails lead to
//! the survivor afterwards.

#[allow(dead_code)]
#[path = "support/fixtures.rs"]
mod fixtures;

use kizuna_core::calendar::PartialDate;
use kizuna_core::customer::{Customer, CustomerProfile};
use kizuna_core::domain::merge::MergeField;
use kizuna_core::interchange::ReadFile;
use kizuna_core::interchange::text::TextEncoding;
use kizuna_core::interchange::vcard;
use kizuna_core::ladder::Stage;
use kizuna_core::merge::MergeRequest;
use kizuna_core::purchase::PurchaseInput;
use kizuna_core::reminder::DraftLanguage;
use kizuna_core::timeline::{TimelineEntry, TimelineKind};
use kizuna_core::touchpoint::{Direction, TouchpointInput, TouchpointKind};
use kizuna_core::{Clock, Error, Store};

const DAY: i64 = 86_400;

/// Every recorded table as JSON, without the moment of the export.
fn snapshot(store: &Store, clock: &Clock) -> serde_json::Value {
    let mut json = Vec::new();
    store
        .export_snapshot(&mut json, clock, &mut |_, _| true)
        .expect("export");
    let mut value: serde_json::Value = serde_json::from_slice(&json).expect("json");
    value.as_object_mut().expect("object").remove("exported_at");
    value
}

fn add(store: &mut Store, profile: CustomerProfile, clock: &Clock) -> Customer {
    store.create_customer(profile, clock).expect("customer")
}

fn touch(store: &mut Store, customer_id: i64, summary: &str, at: i64, clock: &Clock) {
    store
        .log_touchpoint(
            TouchpointInput {
                customer_id,
                kind: TouchpointKind::Visit,
                occurred_at: at,
                summary: summary.to_owned(),
                notes: String::new(),
                direction: Direction::Give,
                satisfaction: None,
                promise: None,
            },
            clock,
        )
        .expect("touchpoint");
}

fn request(store: &Store, kept: i64, other: i64, take_other: Vec<MergeField>) -> MergeRequest {
    MergeRequest {
        kept,
        other,
        take_other,
        kept_updated_at: store.customer(kept).expect("kept").updated_at,
        other_updated_at: store.customer(other).expect("other").updated_at,
    }
}

fn referred_by(profile: CustomerProfile, referrer: i64) -> CustomerProfile {
    CustomerProfile {
        referred_by: Some(referrer),
        ..profile
    }
}

/// 高橋 健 twice: the older record from the phone, the newer one from a
/// spreadsheet with his e-mail, his birthday, a purchase, a promise and
/// the friend he introduced.
struct Book {
    store: Store,
    clock: Clock,
    older: i64,
    newer: i64,
    introduced_newer: i64,
    friend: i64,
    stranger: i64,
}

fn book() -> Book {
    let mut store = fixtures::quiet_store();
    let clock = fixtures::clock_on(2026, 11, 23);
    let introducer = add(
        &mut store,
        fixtures::person("森", "花", "もり", "はな"),
        &clock,
    )
    .id;
    let mut older = fixtures::with_phone(
        fixtures::person("高橋", "健", "たかはし", "けん"),
        "090-1234-5678",
    );
    older.tags = vec!["年賀状".to_owned()];
    older.stage = Stage::Client;
    older.notes = "釣りが好き".to_owned();
    let older = add(&mut store, older, &clock).id;
    let mut newer = fixtures::with_email(
        fixtures::person("髙橋", "健", "タカハシ", "ケン"),
        "ken@example.jp",
    );
    newer = fixtures::with_phone(newer, "09012345678");
    newer.company = "割烹 みやび".to_owned();
    newer.notes = "娘さんが春に結婚".to_owned();
    newer.tags = vec!["VIP".to_owned()];
    // His birthday is today: greeted and announced on this record.
    newer.birthday = Some(PartialDate::new(None, 11, 23));
    let newer = add(&mut store, referred_by(newer, introducer), &clock).id;
    let friend = add(
        &mut store,
        referred_by(fixtures::person("上田", "誠", "うえだ", "まこと"), newer),
        &clock,
    )
    .id;
    let stranger = add(
        &mut store,
        fixtures::person("高橋", "健二", "たかはし", "けんじ"),
        &clock,
    )
    .id;
    touch(
        &mut store,
        older,
        "初回訪問",
        clock.timestamp() - 30 * DAY,
        &clock,
    );
    touch(
        &mut store,
        newer,
        "試食会",
        clock.timestamp() - 3 * DAY,
        &clock,
    );
    store
        .record_purchase(
            PurchaseInput {
                customer_id: newer,
                item: "本マグロ".to_owned(),
                quantity: 1,
                amount_minor: 12_000,
                currency: String::new(),
                purchased_at: clock.timestamp() - 2 * DAY,
                satisfaction: None,
                notes: String::new(),
                follow_up_plan_id: None,
                reorder_after_days: None,
            },
            &clock,
        )
        .expect("purchase");
    store
        .add_promise(newer, "カタログを届ける", clock.today(), "", &clock)
        .expect("promise");
    store
        .dismiss_duplicate(newer, stranger, &clock)
        .expect("told apart");
    let tick = store
        .scheduler_tick(DraftLanguage::Ja, &clock)
        .expect("tick");
    let keys: Vec<String> = tick.notices.iter().flat_map(|n| n.keys.clone()).collect();
    assert!(!keys.is_empty(), "the birthday and the promise are due");
    store.mark_announced(&keys, &clock).expect("announced");
    Book {
        store,
        clock,
        older,
        newer,
        introduced_newer: introducer,
        friend,
        stranger,
    }
}

#[test]
fn the_record_that_stays_holds_both_histories_and_undo_brings_both_back_exactly() {
    let Book {
        mut store,
        clock,
        older,
        newer,
        introduced_newer,
        friend,
        stranger,
    } = book();
    let before = snapshot(&store, &clock);
    let preview = store.merge_preview(older, newer).expect("preview");
    assert!(preview.conflicts.contains(&MergeField::Notes));
    assert_eq!((preview.touchpoints, preview.purchases), (1, 1));
    assert_eq!(preview.introductions, 1);

    let outcome = store
        .merge_customers(
            &request(&store, older, newer, vec![MergeField::Notes]),
            &clock,
        )
        .expect("merge");
    let merged = outcome.customer;
    assert_eq!(merged.id, older);
    assert!(matches!(store.customer(newer), Err(Error::NotFound { .. })));
    let p = &merged.profile;
    assert_eq!(merged.display_name, "高橋 健", "the staying record's name");
    assert_eq!(p.notes, "娘さんが春に結婚", "the other's notes, as chosen");
    assert_eq!(p.company, "割烹 みやび", "filled from the other");
    assert_eq!(p.phones.len(), 1, "one number, however it was written");
    assert_eq!(p.emails[0].address, "ken@example.jp");
    assert_eq!(p.tags, vec!["VIP".to_owned(), "年賀状".to_owned()]);
    assert_eq!(p.stage, Stage::Client);
    assert_eq!(
        p.referred_by,
        Some(introduced_newer),
        "his introducer moved"
    );
    assert_eq!(
        store.customer(friend).expect("friend").profile.referred_by,
        Some(older),
        "the friend he introduced is his still"
    );
    let timeline = store
        .timeline(
            older,
            &[TimelineKind::Touchpoint, TimelineKind::Purchase],
            &clock,
        )
        .expect("timeline");
    let what: Vec<String> = timeline
        .items
        .iter()
        .map(|i| match &i.entry {
            TimelineEntry::Touchpoint { touchpoint } => touchpoint.summary.clone(),
            TimelineEntry::Purchase { purchase } => purchase.item.clone(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        what,
        ["本マグロ", "試食会", "初回訪問"],
        "one timeline, newest first"
    );
    assert_eq!(store.open_promises(older).expect("promises").len(), 1);
    // Greeted and announced on the other record: not announced again.
    let tick = store
        .scheduler_tick(DraftLanguage::Ja, &clock)
        .expect("tick");
    assert!(tick.notices.is_empty(), "{:?}", tick.notices);
    // Told apart from 高橋 健二 on the other record: still told apart.
    let pairs = store.duplicate_candidates(&mut |_, _| true).expect("pairs");
    assert!(
        !pairs
            .iter()
            .any(|p| [p.first, p.second] == [older.min(stranger), older.max(stranger)]),
        "{pairs:?}"
    );
    assert_eq!(
        store.integrity_problems().expect("check"),
        Vec::<String>::new()
    );

    store.undo(outcome.undo, &clock).expect("undo");
    assert_eq!(snapshot(&store, &clock), before, "both back, exactly");
    assert_eq!(
        store.integrity_problems().expect("check"),
        Vec::<String>::new()
    );
    let found = store
        .list_customers(&kizuna_core::customer::CustomerQuery {
            text: "みやび".to_owned(),
            ..Default::default()
        })
        .expect("search");
    assert_eq!(found.total, 1, "found by the company only the other had");
    assert_eq!(found.rows[0].id, newer);
}

#[test]
fn merging_is_refused_for_oneself_archived_deleted_or_changed_records_and_changes_nothing() {
    let Book {
        mut store,
        clock,
        older,
        newer,
        stranger,
        ..
    } = book();
    let fresh = request(&store, older, newer, Vec::new());
    let before = snapshot(&store, &clock);
    let refused = |store: &mut Store, r: &MergeRequest| {
        store
            .merge_customers(r, &clock)
            .expect_err("refused")
            .code()
    };

    let mut itself = fresh.clone();
    itself.other = older;
    assert_eq!(
        refused(&mut store, &itself),
        kizuna_core::ErrorCode::MergeIntoSelf
    );

    let mut stale = fresh.clone();
    stale.other_updated_at -= 1;
    assert_eq!(
        refused(&mut store, &stale),
        kizuna_core::ErrorCode::ChangedSinceShown
    );

    let mut gone = fresh.clone();
    gone.other = 999_999;
    assert_eq!(refused(&mut store, &gone), kizuna_core::ErrorCode::NotFound);
    assert_eq!(snapshot(&store, &clock), before, "nothing changed");

    store.archive_customer(stranger, &clock).expect("archive");
    let archived = request(&store, older, stranger, Vec::new());
    assert_eq!(
        refused(&mut store, &archived),
        kizuna_core::ErrorCode::MergeArchived
    );
    let archived = request(&store, stranger, older, Vec::new());
    assert_eq!(
        refused(&mut store, &archived),
        kizuna_core::ErrorCode::MergeArchived
    );
    assert!(store.customer(stranger).expect("still there").archived);
}

#[test]
fn the_referral_tree_stays_a_tree() {
    let mut store = fixtures::quiet_store();
    let clock = fixtures::clock_on(2026, 11, 23);
    let newer = add(&mut store, fixtures::person("高橋", "健", "", ""), &clock).id;
    // The newer record introduced 森, who introduced the older record: one
    // person, so merged, 森 would have introduced the one who introduced
    // him. The introduction 森 made of the record that stays goes.
    let mori = add(
        &mut store,
        referred_by(fixtures::person("森", "花", "", ""), newer),
        &clock,
    )
    .id;
    let older = add(
        &mut store,
        referred_by(fixtures::person("髙橋", "健", "", ""), mori),
        &clock,
    )
    .id;
    // And the older record introduced the newer one: himself.
    let both = add(&mut store, fixtures::person("上田", "誠", "", ""), &clock).id;
    let outcome = store
        .merge_customers(&request(&store, older, newer, Vec::new()), &clock)
        .expect("merge");
    assert_eq!(outcome.customer.profile.referred_by, None);
    assert_eq!(
        store.customer(mori).expect("mori").profile.referred_by,
        Some(older)
    );
    assert_eq!(
        store.integrity_problems().expect("check"),
        Vec::<String>::new()
    );

    // One record introduced by the other: no one introduces themself.
    let introduced = add(
        &mut store,
        referred_by(fixtures::person("上田", "誠", "", ""), both),
        &clock,
    )
    .id;
    let outcome = store
        .merge_customers(
            &request(&store, both, introduced, vec![MergeField::ReferredBy]),
            &clock,
        )
        .expect("merge");
    assert_eq!(outcome.customer.profile.referred_by, None);
    assert_eq!(
        store.integrity_problems().expect("check"),
        Vec::<String>::new()
    );
}

fn read_vcf(text: &str) -> ReadFile {
    vcard::read(
        text.as_bytes(),
        TextEncoding::Auto,
        DraftLanguage::Ja,
        &mut |_, _| true,
    )
    .expect("read")
    .0
}

#[test]
fn a_later_import_of_the_merged_away_record_updates_the_one_that_stayed() {
    let mut store = fixtures::quiet_store();
    let clock = fixtures::clock_on(2026, 11, 23);
    let import = |store: &mut Store, text: &str| {
        let plan = store
            .plan_import(read_vcf(text), TextEncoding::Utf8, &clock, &mut |_, _| true)
            .expect("plan");
        let preview = plan.preview.clone();
        store
            .apply_import(plan, &clock, &mut |_, _| true)
            .expect("import");
        preview
    };
    let first = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:phone-1\r\nN:高橋;健;;;\r\nFN:高橋 健\r\nTEL;TYPE=CELL:090-1234-5678\r\nEND:VCARD\r\n";
    let second = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:sheet-7\r\nN:Takahashi;Ken;;;\r\nFN:Ken Takahashi\r\nEMAIL:ken@example.jp\r\nEND:VCARD\r\n";
    import(&mut store, first);
    import(&mut store, second);
    let all = store.export_profiles(None).expect("profiles");
    assert_eq!(all.len(), 2);
    let (older, newer) = (all[0].id, all[1].id);
    store
        .merge_customers(&request(&store, older, newer, Vec::new()), &clock)
        .expect("merge");
    // The e-mail is taken off the survivor; the alias still finds him.
    let mut survivor = store.customer(older).expect("survivor").profile;
    survivor.emails.clear();
    store
        .update_customer(older, survivor, &clock)
        .expect("update");

    let again = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:sheet-7\r\nN:Takahashi;Ken;;;\r\nFN:Ken Takahashi\r\nTITLE:店主\r\nEND:VCARD\r\n";
    let preview = import(&mut store, again);
    assert_eq!((preview.new, preview.updated), (0, 1), "{preview:?}");
    let by_mail = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Takahashi;Ken;;;\r\nFN:Ken Takahashi\r\nEMAIL:KEN@example.jp\r\nNOTE:娘さんが春に結婚\r\nEND:VCARD\r\n";
    let preview = import(&mut store, by_mail);
    assert_eq!((preview.new, preview.updated), (0, 1), "{preview:?}");
    assert_eq!(store.export_profiles(None).expect("profiles").len(), 1);
    assert_eq!(
        store.customer(older).expect("survivor").profile.title,
        "店主"
    );
}

#[test]
fn a_copy_of_the_book_is_taken_before_the_first_merge_of_the_hour() {
    use kizuna_core::backup::BackupKind;
    let dir = tempfile::tempdir().expect("dir");
    let (mut store, _) = Store::open_in_dir(dir.path(), &fixtures::key()).expect("store");
    let clock = fixtures::clock();
    let mut ids = Vec::new();
    for given in ["健", "健", "誠", "誠"] {
        ids.push(add(&mut store, fixtures::person("高橋", given, "", ""), &clock).id);
    }
    let before_merges = |store: &Store| {
        store
            .backups()
            .expect("backups")
            .into_iter()
            .filter(|b| b.kind == BackupKind::BeforeMerge)
            .count()
    };
    let first = store
        .merge_customers(&request(&store, ids[0], ids[1], Vec::new()), &clock)
        .expect("merge");
    assert!(first.backup.is_some());
    assert_eq!(before_merges(&store), 1);
    let soon = Clock {
        now: clock.now + chrono::Duration::minutes(20),
        ..clock
    };
    let second = store
        .merge_customers(&request(&store, ids[2], ids[3], Vec::new()), &soon)
        .expect("merge");
    assert_eq!(second.backup, None, "the copy of 20 minutes ago serves");
    assert_eq!(before_merges(&store), 1);
}

#[test]
fn an_import_unsure_who_a_contact_is_adds_it_and_leaves_the_pairs_to_the_duplicates_view() {
    use kizuna_core::domain::duplicates::DuplicateReason;
    let mut store = fixtures::quiet_store();
    let clock = fixtures::clock_on(2026, 11, 23);
    // One person twice already: by e-mail on one record, by mobile on the other.
    let by_mail = add(
        &mut store,
        fixtures::with_email(fixtures::person("高橋", "健", "", ""), "ken@example.jp"),
        &clock,
    )
    .id;
    let by_mobile = add(
        &mut store,
        fixtures::with_phone(fixtures::person("高橋", "健", "", ""), "090-1111-2222"),
        &clock,
    )
    .id;
    // A mobile number under another name, and a shop's landline.
    let mobile_owner = add(
        &mut store,
        fixtures::with_phone(fixtures::person("山田", "花子", "", ""), "080-3333-4444"),
        &clock,
    )
    .id;
    add(
        &mut store,
        fixtures::with_phone(fixtures::person("割烹", "みやび", "", ""), "03-1234-5678"),
        &clock,
    );
    let cards = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:高橋;健;;;\r\nFN:高橋 健\r\nEMAIL:ken@example.jp\r\nTEL;TYPE=CELL:09011112222\r\nEND:VCARD\r\n\
                 BEGIN:VCARD\r\nVERSION:3.0\r\nN:佐藤;一郎;;;\r\nFN:佐藤 一郎\r\nTEL;TYPE=CELL:080-3333-4444\r\nEND:VCARD\r\n\
                 BEGIN:VCARD\r\nVERSION:3.0\r\nN:鈴木;誠;;;\r\nFN:鈴木 誠\r\nTEL:03-1234-5678\r\nEND:VCARD\r\n";
    let plan = store
        .plan_import(read_vcf(cards), TextEncoding::Utf8, &clock, &mut |_, _| {
            true
        })
        .expect("plan");
    let preview = plan.preview.clone();
    assert_eq!((preview.new, preview.updated), (2, 1), "{preview:?}");
    assert_eq!(preview.to_review, 2, "{preview:?}");
    let flagged: Vec<&str> = preview
        .rows
        .iter()
        .filter(|r| r.to_review)
        .map(|r| r.display_name.as_str())
        .collect();
    assert_eq!(flagged, ["高橋 健", "佐藤 一郎"]);
    let summary = store
        .apply_import(plan, &clock, &mut |_, _| true)
        .expect("import");
    assert_eq!(summary.to_review, 2);

    let ids: Vec<i64> = store
        .export_profiles(None)
        .expect("profiles")
        .iter()
        .map(|c| c.id)
        .collect();
    let ichiro = ids[4];
    let pairs = store.duplicate_candidates(&mut |_, _| true).expect("pairs");
    let lead = |a: i64, b: i64| {
        pairs.iter().any(|p| {
            [p.first, p.second] == [a.min(b), a.max(b)]
                && p.reasons.contains(&DuplicateReason::ImportLead)
        })
    };
    // 高橋 健 is in the book twice: the first is updated, the pair listed.
    assert!(lead(by_mail, by_mobile), "{pairs:?}");
    assert!(lead(ichiro, mobile_owner), "{pairs:?}");
    let leads = pairs
        .iter()
        .filter(|p| p.reasons.contains(&DuplicateReason::ImportLead))
        .count();
    assert_eq!(leads, 2, "a shared landline is no lead: {pairs:?}");
    assert_eq!(
        store
            .customer(by_mail)
            .expect("updated")
            .profile
            .phones
            .len(),
        1,
        "the first of the two took the card's mobile number"
    );
    // The same file again adds nobody.
    let plan = store
        .plan_import(read_vcf(cards), TextEncoding::Utf8, &clock, &mut |_, _| {
            true
        })
        .expect("plan");
    assert_eq!(plan.preview.new, 0, "{:?}", plan.preview);
    // Told apart, the lead is gone for good.
    store
        .dismiss_duplicate(ichiro, mobile_owner, &clock)
        .expect("told apart");
    let pairs = store.duplicate_candidates(&mut |_, _| true).expect("pairs");
    assert!(
        !pairs
            .iter()
            .any(|p| [p.first, p.second] == [mobile_owner, ichiro])
    );
}

#[test]
fn both_records_introductions_survive_a_merge_and_its_undo() {
    let mut store = fixtures::quiet_store();
    let clock = fixtures::clock_on(2026, 11, 23);
    let mori = add(&mut store, fixtures::person("森", "花", "", ""), &clock).id;
    let hayashi = add(&mut store, fixtures::person("林", "誠", "", ""), &clock).id;
    let kept = add(
        &mut store,
        referred_by(fixtures::person("高橋", "健", "", ""), mori),
        &clock,
    )
    .id;
    let other = add(
        &mut store,
        referred_by(fixtures::person("髙橋", "健", "", ""), hayashi),
        &clock,
    )
    .id;
    let before = snapshot(&store, &clock);
    let outcome = store
        .merge_customers(
            &request(&store, kept, other, vec![MergeField::ReferredBy]),
            &clock,
        )
        .expect("merge");
    assert_eq!(outcome.customer.profile.referred_by, Some(hayashi));
    store.undo(outcome.undo, &clock).expect("undo");
    assert_eq!(snapshot(&store, &clock), before, "both introductions back");

    // The same introducer on both, thanked on the record that goes: the
    // thanks stays with the merged introduction.
    let later = add(
        &mut store,
        referred_by(fixtures::person("上田", "誠", "", ""), mori),
        &clock,
    )
    .id;
    let again = add(
        &mut store,
        referred_by(fixtures::person("植田", "誠", "", ""), mori),
        &clock,
    )
    .id;
    store
        .set_referral_thanked(again, true, &clock)
        .expect("thanked");
    store
        .merge_customers(&request(&store, later, again, Vec::new()), &clock)
        .expect("merge");
    let link = store
        .referrals(later)
        .expect("referrals")
        .referred_by
        .expect("introduced");
    assert_eq!(link.referrer.id, mori);
    assert_eq!(
        link.thanked_at,
        Some(clock.timestamp()),
        "thanked once is enough"
    );
}
