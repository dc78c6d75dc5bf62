//! Creating, editing, archiving and deleting customers, with validation.

#[allow(dead_code)]
#[path = "support/fixtures.rs"]
mod fixtures;

use kizuna_core::calendar::PartialDate;
use kizuna_core::customer::{
    Address, ContactChannel, CustomerProfile, CustomerQuery, Email, FamilyMember, ImportantDate,
    ImportantDateKind, Phone, SimilarQuery, SimilarReason, Source,
};
use kizuna_core::ladder::Stage;
use kizuna_core::{Error, FieldErrorCode, Store};

fn full_profile() -> CustomerProfile {
    let mut p = fixtures::person("佐藤", "花子", "サトウ", "ハナコ");
    p = fixtures::with_phone(p, "090-1234-5678");
    p = fixtures::with_email(p, "hanako@example.jp");
    p.company = "割烹 みやび".to_owned();
    p.title = "女将".to_owned();
    p.addresses.push(Address {
        label: "店舗".to_owned(),
        postal_code: "〒1500001".to_owned(),
        region: "東京都".to_owned(),
        locality: "渋谷区".to_owned(),
        street: "神宮前3-1-5".to_owned(),
        ..Address::default()
    });
    p.birthday = Some(PartialDate::new(None, 2, 29));
    p.important_dates.push(ImportantDate {
        kind: ImportantDateKind::Anniversary,
        label: "結婚記念日".to_owned(),
        date: PartialDate::new(Some(2001), 6, 10),
    });
    p.family_members.push(FamilyMember {
        name: "一郎".to_owned(),
        reading: "いちろう".to_owned(),
        relation: "夫".to_owned(),
        birthday: Some(PartialDate::new(Some(1970), 4, 1)),
        notes: "釣りが趣味".to_owned(),
    });
    p.likes = "日本酒".to_owned();
    p.notes = "昼の営業後が話しやすい。".to_owned();
    p.met_how = "商工会の交流会".to_owned();
    p.source = Source::Event;
    p.preferred_channel = ContactChannel::Message;
    p.tags = vec!["飲食店".to_owned(), "VIP".to_owned()];
    p.stage = Stage::Client;
    p
}

#[test]
fn every_field_is_stored_and_read_back() {
    let mut store = Store::open_in_memory().expect("store");
    let clock = fixtures::clock();
    let created = store
        .create_customer(full_profile(), &clock)
        .expect("create");
    let loaded = store.customer(created.id).expect("load");
    assert_eq!(loaded, created);
    assert_eq!(loaded.display_name, "佐藤 花子");
    // Typed in katakana, kept in the one form readings are stored in.
    assert_eq!(loaded.display_reading, "さとう はなこ");
    let p = &loaded.profile;
    assert_eq!(
        p.addresses[0].postal_code, "150-0001",
        "postal code normalised"
    );
    assert_eq!(p.phones[0].number, "090-1234-5678", "phone kept as typed");
    assert_eq!(p.birthday, Some(PartialDate::new(None, 2, 29)));
    assert_eq!(p.family_members[0].relation, "夫");
    assert_eq!(p.tags, vec!["VIP".to_owned(), "飲食店".to_owned()]);
    assert_eq!(p.stage, Stage::Client);
    assert_eq!(loaded.created_at, clock.timestamp());
    assert!(!loaded.uid.is_empty());
}

#[test]
fn every_problem_is_reported_against_its_field() {
    let mut store = Store::open_in_memory().expect("store");
    let mut p = CustomerProfile {
        family_name_reading: "山田".to_owned(),
        ..CustomerProfile::default()
    };
    p = fixtures::with_email(p, "not-an-email");
    p = fixtures::with_phone(p, "call me maybe");
    p.addresses.push(Address {
        postal_code: "12-345".to_owned(),
        ..Address::default()
    });
    p.birthday = Some(PartialDate::new(Some(2027), 2, 29));
    p.family_members.push(FamilyMember {
        name: String::new(),
        reading: String::new(),
        relation: "長男".to_owned(),
        birthday: None,
        notes: String::new(),
    });
    p.cadence_days = Some(0);
    p.given_name = "あ".repeat(101);
    let Err(Error::Validation(fields)) = store.create_customer(p, &fixtures::clock()) else {
        panic!("invalid input was accepted");
    };
    let found: Vec<(String, FieldErrorCode)> =
        fields.iter().map(|f| (f.field.clone(), f.code)).collect();
    for expected in [
        ("given_name", FieldErrorCode::TooLong),
        ("family_name_reading", FieldErrorCode::NotKana),
        ("emails.0.address", FieldErrorCode::InvalidEmail),
        ("phones.0.number", FieldErrorCode::InvalidPhone),
        ("addresses.0.postal_code", FieldErrorCode::InvalidPostalCode),
        ("birthday", FieldErrorCode::InvalidDate),
        ("family_members.0.name", FieldErrorCode::Required),
        ("cadence_days", FieldErrorCode::OutOfRange),
    ] {
        assert!(
            found.contains(&(expected.0.to_owned(), expected.1)),
            "missing {expected:?} in {found:?}"
        );
    }
    let too_long = fields
        .iter()
        .find(|f| f.field == "given_name")
        .expect("given_name");
    assert_eq!(too_long.limit, Some(100));
    assert_eq!(
        store.customer_count().expect("count"),
        0,
        "nothing was written"
    );
}

#[test]
fn a_customer_needs_a_name_or_a_company() {
    let mut store = Store::open_in_memory().expect("store");
    let err = store
        .create_customer(CustomerProfile::default(), &fixtures::clock())
        .expect_err("empty customer accepted");
    assert!(
        matches!(&err, Error::Validation(f) if f[0].field == "family_name" && f[0].code == FieldErrorCode::Required)
    );
    let company_only = CustomerProfile {
        company: "株式会社まるや".to_owned(),
        ..CustomerProfile::default()
    };
    let created = store
        .create_customer(company_only, &fixtures::clock())
        .expect("company only");
    assert_eq!(created.display_name, "株式会社まるや");
}

#[test]
fn birthdays_cannot_be_in_the_future_but_yearless_ones_are_fine() {
    let mut store = Store::open_in_memory().expect("store");
    let mut p = fixtures::person("森", "愛", "もり", "あい");
    p.birthday = Some(PartialDate::new(Some(2026), 12, 24));
    let err = store
        .create_customer(p.clone(), &fixtures::clock())
        .expect_err("future birthday");
    assert!(matches!(&err, Error::Validation(f) if f[0].code == FieldErrorCode::DateInFuture));
    p.birthday = Some(PartialDate::new(None, 12, 24));
    store
        .create_customer(p, &fixtures::clock())
        .expect("yearless birthday");
}

#[test]
fn editing_replaces_the_details() {
    let mut store = Store::open_in_memory().expect("store");
    let clock = fixtures::clock();
    let created = store
        .create_customer(full_profile(), &clock)
        .expect("create");
    let mut p = created.profile.clone();
    p.given_name = "華子".to_owned();
    p.phones.clear();
    p.tags = vec!["VIP".to_owned()];
    p.stage = Stage::Supporter;
    let later = fixtures::clock_on(2026, 12, 1);
    let updated = store
        .update_customer(created.id, p, &later)
        .expect("update");
    assert_eq!(updated.display_name, "佐藤 華子");
    assert!(updated.profile.phones.is_empty());
    assert_eq!(updated.profile.tags, vec!["VIP".to_owned()]);
    assert_eq!(updated.updated_at, later.timestamp());
    assert_eq!(updated.created_at, clock.timestamp());
    let tags = store.tags().expect("tags");
    assert_eq!(tags.len(), 1, "unused tag 飲食店 was removed: {tags:?}");
}

#[test]
fn a_customer_holds_at_most_so_many_phones_emails_addresses_tags_family_and_dates() {
    use kizuna_core::customer::{
        MAX_ADDRESSES, MAX_EMAILS, MAX_FAMILY_MEMBERS, MAX_IMPORTANT_DATES, MAX_PHONES, MAX_TAGS,
    };
    let mut store = Store::open_in_memory().expect("store");
    let clock = fixtures::clock();
    let full = |extra: usize| {
        let mut p = fixtures::person("佐藤", "花子", "さとう", "はなこ");
        p.phones = (0..MAX_PHONES + extra)
            .map(|n| Phone {
                label: String::new(),
                number: format!("03-1234-{n:04}"),
            })
            .collect();
        p.emails = (0..MAX_EMAILS + extra)
            .map(|n| Email {
                label: String::new(),
                address: format!("hanako{n}@example.jp"),
            })
            .collect();
        p.addresses = (0..MAX_ADDRESSES + extra)
            .map(|n| Address {
                street: format!("神宮前{n}"),
                ..Address::default()
            })
            .collect();
        p.tags = (0..MAX_TAGS + extra).map(|n| format!("tag{n}")).collect();
        p.family_members = (0..MAX_FAMILY_MEMBERS + extra)
            .map(|n| FamilyMember {
                name: format!("子{n}"),
                reading: String::new(),
                relation: String::new(),
                birthday: None,
                notes: String::new(),
            })
            .collect();
        p.important_dates = (0..MAX_IMPORTANT_DATES + extra)
            .map(|n| ImportantDate {
                kind: ImportantDateKind::Custom,
                label: format!("記念日{n}"),
                date: PartialDate::new(None, 1, 1),
            })
            .collect();
        p
    };
    let expected = [
        ("phones", MAX_PHONES),
        ("emails", MAX_EMAILS),
        ("addresses", MAX_ADDRESSES),
        ("tags", MAX_TAGS),
        ("family_members", MAX_FAMILY_MEMBERS),
        ("important_dates", MAX_IMPORTANT_DATES),
    ];
    let refused = |err: Error| {
        let Error::Validation(fields) = err else {
            panic!("not a validation error: {err}");
        };
        // One error per list, on the list: not one per item.
        assert_eq!(fields.len(), expected.len(), "{fields:?}");
        for (field, cap) in expected {
            assert!(
                fields.iter().any(|f| f.field == field
                    && f.code == FieldErrorCode::TooMany
                    && f.limit == Some(cap as i64)),
                "{field} not refused: {fields:?}"
            );
        }
    };

    // Exactly at the caps is fine; one more of each is refused on create…
    let created = store.create_customer(full(0), &clock).expect("at the caps");
    refused(
        store
            .create_customer(full(1), &clock)
            .expect_err("over the caps"),
    );
    assert_eq!(store.customer_count().expect("count"), 1);

    // …and on update, leaving the customer as they were.
    refused(
        store
            .update_customer(created.id, full(1), &clock)
            .expect_err("over the caps"),
    );
    let stored = store.customer(created.id).expect("load");
    assert_eq!(stored.profile.phones.len(), MAX_PHONES);
    assert_eq!(stored.profile.tags.len(), MAX_TAGS);

    // Blank rows and the same tag in another case do not count.
    let mut p = full(0);
    p.phones.push(Phone {
        label: String::new(),
        number: " ".to_owned(),
    });
    p.tags.push("TAG0".to_owned());
    store
        .update_customer(created.id, p, &clock)
        .expect("blank rows and repeated tags are not counted");
}

#[test]
fn a_card_with_fifty_thousand_tags_is_refused_quickly() {
    let mut store = Store::open_in_memory().expect("store");
    let mut p = fixtures::person("佐藤", "花子", "さとう", "はなこ");
    // Comparing each tag with every one kept before took minutes for this
    // many; a set takes milliseconds.
    p.tags = (0..50_000).map(|n| format!("Tag{n}")).collect();
    let started = std::time::Instant::now();
    let err = store
        .create_customer(p, &fixtures::clock())
        .expect_err("too many tags");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert!(
        matches!(&err, Error::Validation(f) if f.len() == 1 && f[0].field == "tags" && f[0].code == FieldErrorCode::TooMany),
        "{err}"
    );
}

#[test]
fn editing_an_unknown_customer_is_not_found() {
    let mut store = Store::open_in_memory().expect("store");
    let err = store
        .update_customer(42, fixtures::person("林", "", "", ""), &fixtures::clock())
        .expect_err("updated a ghost");
    assert!(matches!(err, Error::NotFound { id: 42, .. }));
}

#[test]
fn archived_customers_leave_the_list_and_come_back_on_restore() {
    let mut store = Store::open_in_memory().expect("store");
    let clock = fixtures::clock();
    let a = store
        .create_customer(fixtures::person("青木", "誠", "あおき", "まこと"), &clock)
        .expect("a");
    store
        .create_customer(fixtures::person("井上", "彩", "いのうえ", "あや"), &clock)
        .expect("b");
    store.archive_customer(a.id, &clock).expect("archive");

    let active = store
        .list_customers(&CustomerQuery::default())
        .expect("list");
    assert_eq!(active.total, 1);
    assert_eq!(active.rows[0].display_name, "井上 彩");
    let search = CustomerQuery {
        text: "あおき".to_owned(),
        ..CustomerQuery::default()
    };
    assert_eq!(store.list_customers(&search).expect("search").total, 0);
    let archived = store
        .list_customers(&CustomerQuery {
            archived: true,
            ..CustomerQuery::default()
        })
        .expect("archived list");
    assert_eq!(archived.total, 1);
    assert!(archived.rows[0].archived);

    let restored = store.restore_customer(a.id, &clock).expect("restore");
    assert!(!restored.archived);
    assert_eq!(
        store
            .list_customers(&CustomerQuery::default())
            .expect("list")
            .total,
        2
    );
}

#[test]
fn deleting_removes_the_customer_and_their_search_entry() {
    let mut store = Store::open_in_memory().expect("store");
    let clock = fixtures::clock();
    let c = store
        .create_customer(full_profile(), &clock)
        .expect("create");
    store.delete_customer(c.id, &clock).expect("delete");
    assert!(matches!(store.customer(c.id), Err(Error::NotFound { .. })));
    let search = CustomerQuery {
        text: "みやび".to_owned(),
        ..CustomerQuery::default()
    };
    assert_eq!(store.list_customers(&search).expect("search").total, 0);
    assert!(store.tags().expect("tags").is_empty());
    assert_eq!(
        store.integrity_problems().expect("check"),
        Vec::<String>::new()
    );
    assert!(matches!(
        store.delete_customer(c.id, &clock),
        Err(Error::NotFound { .. })
    ));
}

#[test]
fn referrers_must_exist_and_must_not_form_a_loop() {
    let mut store = Store::open_in_memory().expect("store");
    let clock = fixtures::clock();
    let a = store
        .create_customer(
            fixtures::person("中村", "健一", "なかむら", "けんいち"),
            &clock,
        )
        .expect("a");
    let mut b_profile = fixtures::person("小川", "葵", "おがわ", "あおい");
    b_profile.referred_by = Some(a.id);
    let b = store.create_customer(b_profile, &clock).expect("b");
    assert_eq!(
        b.referrer.as_ref().map(|r| r.display_name.as_str()),
        Some("中村 健一")
    );
    assert_eq!(b.profile.referred_by, Some(a.id));

    let mut loop_back = a.profile.clone();
    loop_back.referred_by = Some(b.id);
    let err = store
        .update_customer(a.id, loop_back, &clock)
        .expect_err("loop accepted");
    assert!(matches!(&err, Error::Validation(f) if f[0].code == FieldErrorCode::ReferralCycle));

    let mut itself = a.profile.clone();
    itself.referred_by = Some(a.id);
    let err = store
        .update_customer(a.id, itself, &clock)
        .expect_err("self referral accepted");
    assert!(matches!(&err, Error::Validation(f) if f[0].code == FieldErrorCode::SelfReferral));

    let mut ghost = fixtures::person("西村", "", "にしむら", "");
    ghost.referred_by = Some(999);
    let err = store
        .create_customer(ghost, &clock)
        .expect_err("unknown referrer accepted");
    assert!(matches!(&err, Error::Validation(f) if f[0].code == FieldErrorCode::UnknownCustomer));
}

#[test]
fn the_list_sorts_by_reading_in_gojuon_order() {
    let mut store = Store::open_in_memory().expect("store");
    let clock = fixtures::clock();
    for (family, reading) in [
        ("渡辺", "わたなべ"),
        ("相田", "アイダ"),
        ("後藤", "ごとう"),
        ("加藤", "かとう"),
        ("木村", "きむら"),
    ] {
        store
            .create_customer(fixtures::person(family, "", reading, ""), &clock)
            .expect("create");
    }
    store
        .create_customer(
            CustomerProfile {
                family_name: "Smith".to_owned(),
                given_name: "Anna".to_owned(),
                ..CustomerProfile::default()
            },
            &clock,
        )
        .expect("create");
    let names: Vec<String> = store
        .list_customers(&CustomerQuery::default())
        .expect("list")
        .rows
        .into_iter()
        .map(|r| r.display_name)
        .collect();
    assert_eq!(
        names,
        ["相田", "加藤", "木村", "後藤", "渡辺", "Anna Smith"]
    );
}

#[test]
fn stage_and_tag_filters_narrow_the_list() {
    let mut store = Store::open_in_memory().expect("store");
    let clock = fixtures::clock();
    let mut a = fixtures::person("石井", "隆", "いしい", "たかし");
    a.stage = Stage::Advocate;
    a.tags = vec!["ゴルフ".to_owned()];
    store.create_customer(a, &clock).expect("a");
    let mut b = fixtures::person("石川", "恵子", "いしかわ", "けいこ");
    b.tags = vec!["ゴルフ".to_owned(), "年賀状".to_owned()];
    store.create_customer(b, &clock).expect("b");
    store
        .create_customer(fixtures::person("遠藤", "", "えんどう", ""), &clock)
        .expect("c");

    let by_stage = CustomerQuery {
        stage: Some(Stage::Advocate),
        ..CustomerQuery::default()
    };
    let page = store.list_customers(&by_stage).expect("stage");
    assert_eq!(
        (page.total, page.rows[0].display_name.as_str()),
        (1, "石井 隆")
    );

    let by_tag = CustomerQuery {
        tag: Some("ゴルフ".to_owned()),
        ..CustomerQuery::default()
    };
    let page = store.list_customers(&by_tag).expect("tag");
    assert_eq!(page.total, 2);
    assert_eq!(page.rows[0].tags, vec!["ゴルフ".to_owned()]);

    let both = CustomerQuery {
        tag: Some("ゴルフ".to_owned()),
        text: "けいこ".to_owned(),
        ..CustomerQuery::default()
    };
    let page = store.list_customers(&both).expect("tag and text");
    assert_eq!(
        (page.total, page.rows[0].display_name.as_str()),
        (1, "石川 恵子")
    );

    let counts = store.tags().expect("tags");
    assert_eq!(
        counts
            .iter()
            .find(|t| t.name == "ゴルフ")
            .map(|t| t.customers),
        Some(2)
    );
}

#[test]
fn pages_cover_the_list_without_gaps_or_repeats() {
    let mut store = Store::open_in_memory().expect("store");
    let clock = fixtures::clock();
    kizuna_core::demo::populate(&mut store, 250, 1, &clock).expect("demo");
    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let page = store
            .list_customers(&CustomerQuery {
                offset,
                limit: 60,
                ..CustomerQuery::default()
            })
            .expect("page");
        assert_eq!(page.total, 250);
        if page.rows.is_empty() {
            break;
        }
        seen.extend(page.rows.iter().map(|r| r.id));
        offset += 60;
    }
    let mut unique = seen.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!((seen.len(), unique.len()), (250, 250));
}

#[test]
fn romaji_finds_readings_however_it_is_spelt() {
    let mut store = Store::open_in_memory().expect("store");
    let clock = fixtures::clock();
    for (family, given, fr, gr) in [
        ("相川", "健", "あいかわ", "けん"),
        ("林", "真理", "はやし", "まり"),
        ("大野", "誠", "おおの", "まこと"),
        ("渡辺", "優子", "ワタナベ", "ユウコ"),
    ] {
        store
            .create_customer(fixtures::person(family, given, fr, gr), &clock)
            .expect("customer");
    }
    let found = |text: &str| fixtures::found(&store, text);
    assert_eq!(found("aikawa"), ["相川 健"]);
    assert_eq!(found("hayashi"), ["林 真理"]);
    assert_eq!(found("hayasi"), ["林 真理"]);
    for spelling in ["ohno", "ono", "oono", "Ōno"] {
        assert_eq!(found(spelling), ["大野 誠"], "{spelling}");
    }
    assert_eq!(found("watanabe yuko"), ["渡辺 優子"]);
}

#[test]
fn a_customer_with_the_same_reading_phone_or_email_is_pointed_out() {
    let mut store = Store::open_in_memory().expect("store");
    let clock = fixtures::clock();
    let mut first = fixtures::person("阿部", "陽子", "あべ", "ようこ");
    first.phones = vec![Phone {
        label: String::new(),
        number: "090-1234-5678".to_owned(),
    }];
    first.emails = vec![Email {
        label: String::new(),
        address: "Yoko.Abe@example.jp".to_owned(),
    }];
    let abe = store.create_customer(first, &clock).expect("first");
    let similar = |q: SimilarQuery| store.similar_customers(&q).expect("similar");
    let by_reading = similar(SimilarQuery {
        family_name_reading: "アベ".to_owned(),
        given_name_reading: "ﾖｳｺ".to_owned(),
        ..SimilarQuery::default()
    });
    assert_eq!(by_reading.len(), 1);
    assert_eq!(by_reading[0].id, abe.id);
    assert_eq!(by_reading[0].reasons, [SimilarReason::Reading]);
    let by_all = similar(SimilarQuery {
        family_name_reading: "あべ".to_owned(),
        given_name_reading: "ようこ".to_owned(),
        phones: vec!["０９０１２３４５６７８".to_owned()],
        emails: vec!["yoko.abe@EXAMPLE.jp".to_owned()],
        exclude: None,
    });
    assert_eq!(
        by_all[0].reasons,
        [
            SimilarReason::Reading,
            SimilarReason::Phone,
            SimilarReason::Email
        ]
    );
    // Editing her, she is not her own duplicate; a stranger matches nothing.
    assert!(
        similar(SimilarQuery {
            family_name_reading: "あべ".to_owned(),
            given_name_reading: "ようこ".to_owned(),
            exclude: Some(abe.id),
            ..SimilarQuery::default()
        })
        .is_empty()
    );
    assert!(
        similar(SimilarQuery {
            family_name_reading: "あべ".to_owned(),
            given_name_reading: "ひろし".to_owned(),
            phones: vec!["090".to_owned()],
            ..SimilarQuery::default()
        })
        .is_empty()
    );
}

#[test]
fn phone_numbers_are_kept_with_half_width_digits_and_topics_have_a_limit() {
    let mut store = Store::open_in_memory().expect("store");
    let clock = fixtures::clock();
    let mut p = fixtures::person("山田", "太郎", "やまだ", "たろう");
    p.phones = vec![Phone {
        label: "携帯".to_owned(),
        number: "０９０ー１１１１ー２２２２".to_owned(),
    }];
    let saved = store.create_customer(p.clone(), &clock).expect("saved");
    assert_eq!(saved.profile.phones[0].number, "090-1111-2222");
    p.topic = "あ".repeat(61);
    p.honorific = "様".repeat(41);
    match store.create_customer(p, &clock) {
        Err(Error::Validation(errors)) => {
            let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(fields, ["honorific", "topic"]);
            assert!(errors.iter().all(|e| e.code == FieldErrorCode::TooLong));
        }
        other => panic!("expected too long, got {other:?}"),
    }
}

#[test]
fn a_customer_s_place_in_the_list_is_known_for_scrolling_to_them() {
    let mut store = Store::open_in_memory().expect("store");
    let clock = fixtures::clock();
    let mut ids = Vec::new();
    for (family, reading) in [("上田", "うえだ"), ("相川", "あいかわ"), ("伊藤", "いとう")]
    {
        let p = fixtures::person(family, "健", reading, "けん");
        ids.push(store.create_customer(p, &clock).expect("customer").id);
    }
    let everyone = CustomerQuery::default();
    // 五十音: 相川, 伊藤, 上田.
    assert_eq!(
        store.customer_position(&everyone, ids[0]).expect("pos"),
        Some(2)
    );
    assert_eq!(
        store.customer_position(&everyone, ids[1]).expect("pos"),
        Some(0)
    );
    let searching = CustomerQuery {
        text: "けん".to_owned(),
        ..CustomerQuery::default()
    };
    assert_eq!(
        store.customer_position(&searching, ids[2]).expect("pos"),
        Some(1)
    );
    let elsewhere = CustomerQuery {
        text: "あいかわ".to_owned(),
        ..CustomerQuery::default()
    };
    assert_eq!(
        store.customer_position(&elsewhere, ids[0]).expect("pos"),
        None
    );
}

/// The book's possible duplicates, read from a real store: width, kana and
/// kanji variants set aside, a mobile number however written; archived
/// customers are not offered.
#[test]
fn possible_duplicates_are_found_across_spellings_and_archived_ones_are_not() {
    use kizuna_core::domain::duplicates::DuplicateReason;
    let mut store = Store::open_in_memory().expect("store");
    let clock = fixtures::clock();
    let older = store
        .create_customer(
            fixtures::with_phone(
                fixtures::person("髙橋", "健", "たかはし", "けん"),
                "090-1234-5678",
            ),
            &clock,
        )
        .expect("older");
    let newer = store
        .create_customer(
            fixtures::with_phone(
                fixtures::person("高橋", "健", "タカハシ", "ケン"),
                "09012345678",
            ),
            &clock,
        )
        .expect("newer");
    let other = store
        .create_customer(fixtures::person("佐藤", "花子", "さとう", "はなこ"), &clock)
        .expect("other");
    let archived = store
        .create_customer(fixtures::person("佐藤", "花子", "サトウ", "ハナコ"), &clock)
        .expect("archived");
    store
        .archive_customer(archived.id, &clock)
        .expect("archive");

    let pairs = store.duplicate_candidates(&mut |_, _| true).expect("pairs");
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    assert_eq!((pairs[0].first, pairs[0].second), (older.id, newer.id));
    assert_eq!(
        pairs[0].reasons,
        [
            DuplicateReason::SameMobile,
            DuplicateReason::SameReading,
            DuplicateReason::SimilarName
        ]
    );
    assert!(
        pairs
            .iter()
            .all(|p| p.second != archived.id && p.first != other.id)
    );

    // "Not the same person": the pair is never offered again, whichever
    // way round it is named.
    store
        .dismiss_duplicate(newer.id, older.id, &clock)
        .expect("dismiss");
    assert!(
        store
            .duplicate_candidates(&mut |_, _| true)
            .expect("pairs")
            .is_empty()
    );
    // Deleting one of them and undoing it brings the mark back with them.
    let undo = store.delete_customer(newer.id, &clock).expect("delete");
    store.undo(undo, &clock).expect("undo");
    assert_eq!(store.customer(newer.id).expect("back").id, newer.id);
    assert!(
        store
            .duplicate_candidates(&mut |_, _| true)
            .expect("pairs")
            .is_empty(),
        "still two people after the undo"
    );
    assert!(store.dismiss_duplicate(older.id, older.id, &clock).is_err());
    assert!(store.dismiss_duplicate(older.id, 999_999, &clock).is_err());
}
