//! One search box: names, readings in any kana or width, companies, phone
//! digits, emails, tags and notes; short Japanese queries; hostile input.

#[allow(dead_code)]
#[path = "support/fixtures.rs"]
mod fixtures;

use fixtures::found;
use kizuna_core::Store;
use kizuna_core::customer::{CustomerProfile, CustomerQuery};

/// A small book: every search case below refers to these people.
fn book() -> Store {
    let mut store = Store::open_in_memory().expect("store");
    let clock = fixtures::clock();
    let mut yamada = fixtures::person("山田", "太郎", "ヤマダ", "タロウ");
    yamada = fixtures::with_phone(yamada, "090-1234-5678");
    yamada = fixtures::with_email(yamada, "taro.yamada@example.jp");
    yamada.company = "割烹 みやび".to_owned();
    yamada.notes = "ゴルフの腕前はシングル。".to_owned();
    yamada.tags = vec!["飲食店".to_owned()];

    let mut hayashi = fixtures::person("林", "修", "はやし", "おさむ");
    hayashi = fixtures::with_phone(hayashi, "(03) 5555 0101");

    let mut tanaka = fixtures::person("田中", "陽子", "たなか", "ようこ");
    tanaka.likes = "ワインはブルゴーニュ".to_owned();
    tanaka.tags = vec!["VIP".to_owned(), "Wine Club".to_owned()];

    let mut smith = CustomerProfile {
        family_name: "Smith".to_owned(),
        given_name: "Claire".to_owned(),
        company: "Blue Harbor Trading".to_owned(),
        ..CustomerProfile::default()
    };
    smith = fixtures::with_email(smith, "claire@blueharbor.example");

    let mut odd = fixtures::person("小林", "誠", "こばやし", "まこと");
    odd.notes = "Said \"AND (\" during the meeting; ask about NEAR(x) 50% off_sale".to_owned();

    for p in [yamada, hayashi, tanaka, smith, odd] {
        store.create_customer(p, &clock).expect("create");
    }
    store
}

#[test]
fn a_katakana_reading_is_found_by_hiragana_and_half_width_input() {
    let store = book();
    assert_eq!(found(&store, "やまだ"), ["山田 太郎"]);
    assert_eq!(found(&store, "ﾔﾏﾀﾞ"), ["山田 太郎"]);
    assert_eq!(found(&store, "たろう"), ["山田 太郎"]);
}

#[test]
fn a_hiragana_reading_is_found_by_katakana_input() {
    let store = book();
    assert_eq!(found(&store, "ハヤシ"), ["林 修"]);
    assert_eq!(found(&store, "タナカ"), ["田中 陽子"]);
}

#[test]
fn one_and_two_character_japanese_queries_work() {
    let store = book();
    // 林 is also part of 小林: both match, the exact family name first by reading.
    assert_eq!(found(&store, "林"), ["小林 誠", "林 修"]);
    assert_eq!(found(&store, "田中"), ["田中 陽子"]);
    assert_eq!(found(&store, "山"), ["山田 太郎"]);
    assert_eq!(found(&store, "よう"), ["田中 陽子"]);
}

#[test]
fn names_are_found_with_or_without_a_space() {
    let store = book();
    assert_eq!(found(&store, "山田太郎"), ["山田 太郎"]);
    assert_eq!(found(&store, "山田 太郎"), ["山田 太郎"]);
    assert_eq!(found(&store, "やまだたろう"), ["山田 太郎"]);
    assert_eq!(found(&store, "claire smith"), ["Claire Smith"]);
}

#[test]
fn phone_numbers_are_matched_by_their_digits() {
    let store = book();
    assert_eq!(found(&store, "09012345678"), ["山田 太郎"]);
    assert_eq!(found(&store, "090-1234-5678"), ["山田 太郎"]);
    assert_eq!(found(&store, "０９０１２３４"), ["山田 太郎"]);
    assert_eq!(found(&store, "0355550101"), ["林 修"]);
    assert_eq!(found(&store, "5555-0101"), ["林 修"]);
}

#[test]
fn company_email_tag_and_notes_are_searched() {
    let store = book();
    assert_eq!(found(&store, "みやび"), ["山田 太郎"]);
    assert_eq!(found(&store, "blue harbor"), ["Claire Smith"]);
    assert_eq!(found(&store, "taro.yamada@"), ["山田 太郎"]);
    assert_eq!(found(&store, "飲食店"), ["山田 太郎"]);
    assert_eq!(found(&store, "wine club"), ["田中 陽子"]);
    assert_eq!(found(&store, "シングル"), ["山田 太郎"]);
    assert_eq!(found(&store, "ぶるごーにゅ"), ["田中 陽子"]);
    // Full-width Latin is the same as ASCII.
    assert_eq!(found(&store, "ＳＭＩＴＨ"), ["Claire Smith"]);
}

#[test]
fn every_term_must_match() {
    let store = book();
    assert_eq!(found(&store, "田中 ワイン"), ["田中 陽子"]);
    assert!(found(&store, "田中 ゴルフ").is_empty());
}

#[test]
fn query_syntax_is_searched_as_plain_text() {
    let store = book();
    assert!(found(&store, "\"").is_empty());
    assert_eq!(found(&store, "\"AND (\""), ["小林 誠"]);
    assert_eq!(found(&store, "AND ("), ["小林 誠"]);
    assert_eq!(found(&store, "NEAR(x)"), ["小林 誠"]);
    assert_eq!(found(&store, "50%"), ["小林 誠"]);
    assert_eq!(found(&store, "off_sale"), ["小林 誠"]);
    for hostile in [
        "*",
        "OR",
        "NOT",
        "^",
        "(",
        ")",
        "{names}:",
        "'; DROP TABLE customers; --",
        "%",
        "_",
        "\\",
    ] {
        found(&store, hostile);
    }
    assert_eq!(
        store.customer_count().expect("count"),
        5,
        "the book is intact"
    );
    assert_eq!(
        store.integrity_problems().expect("check"),
        Vec::<String>::new()
    );
}

#[test]
fn name_matches_come_before_matches_elsewhere() {
    let mut store = book();
    let mut fan = fixtures::person("青木", "", "あおき", "");
    fan.notes = "山田太郎さんの紹介で来店".to_owned();
    store
        .create_customer(fan, &fixtures::clock())
        .expect("create");
    // 青木 sorts before 山田 by reading, but 山田 matches by name.
    assert_eq!(found(&store, "山田太郎"), ["山田 太郎", "青木"]);
    // Alone, one or two characters look at names, readings, company and
    // tags only; beside a longer term they look everywhere.
    assert_eq!(found(&store, "山田"), ["山田 太郎"]);
    assert_eq!(found(&store, "紹介で来店 山"), ["青木"]);
}

#[test]
fn an_edit_is_searchable_at_once_and_the_old_text_is_not() {
    let mut store = book();
    let clock = fixtures::clock();
    let id = store
        .list_customers(&CustomerQuery {
            text: "林 修".to_owned(),
            ..CustomerQuery::default()
        })
        .expect("find")
        .rows[0]
        .id;
    let mut profile = store.customer(id).expect("load").profile;
    profile.given_name = "大輔".to_owned();
    profile.given_name_reading = "だいすけ".to_owned();
    store.update_customer(id, profile, &clock).expect("update");
    assert_eq!(found(&store, "だいすけ"), ["林 大輔"]);
    assert!(found(&store, "おさむ").is_empty());
    assert_eq!(
        store.integrity_problems().expect("check"),
        Vec::<String>::new()
    );
}

#[test]
fn a_search_follows_changes_made_in_another_window_in_the_lists_order() {
    use kizuna_core::ladder::Stage;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(kizuna_core::store::DATABASE_FILE);
    let clock = fixtures::clock();
    let (mut window, _) = Store::open(&path, &fixtures::key()).expect("open");
    let (mut other, _) = Store::open(&path, &fixtures::key()).expect("open again");
    let mut ids = Vec::new();
    // Readings put them in this order: あおき, いとう, うえだ.
    for (family, reading) in [("伊藤", "いとう"), ("青木", "あおき"), ("上田", "うえだ")]
    {
        let mut p = fixtures::person(family, "", reading, "");
        p.tags = vec!["ゴルフ仲間".to_owned()];
        ids.push(window.create_customer(p, &clock).expect("create").id);
    }
    let search = |store: &Store, text: &str, stage: Option<Stage>, archived: bool| {
        store
            .list_customers(&CustomerQuery {
                text: text.to_owned(),
                stage,
                archived,
                ..CustomerQuery::default()
            })
            .expect("search")
            .rows
            .into_iter()
            .map(|r| r.display_name)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        search(&window, "ゴルフ", None, false),
        ["青木", "伊藤", "上田"]
    );
    assert_eq!(
        search(&window, "仲間", None, false),
        ["青木", "伊藤", "上田"]
    );

    // Another window adds one who sorts first, archives 伊藤 and moves
    // 上田 up the ladder: this window's next search sees all three.
    let mut first = fixtures::person("相沢", "", "あいざわ", "");
    first.tags = vec!["ゴルフ仲間".to_owned()];
    other
        .create_customer(first, &clock)
        .expect("create elsewhere");
    other
        .archive_customer(ids[0], &clock)
        .expect("archive elsewhere");
    other
        .change_stage(ids[2], Stage::Client, "", &clock)
        .expect("stage elsewhere");
    assert_eq!(
        search(&window, "ゴルフ", None, false),
        ["相沢", "青木", "上田"]
    );
    assert_eq!(
        search(&window, "仲間", None, false),
        ["相沢", "青木", "上田"]
    );
    assert_eq!(search(&window, "ゴルフ", None, true), ["伊藤"]);
    assert_eq!(
        search(&window, "ゴルフ", Some(Stage::Client), false),
        ["上田"]
    );
    assert_eq!(
        search(&window, "仲間", Some(Stage::Client), false),
        ["上田"]
    );
    let listed = CustomerQuery {
        text: "ゴルフ".to_owned(),
        ..CustomerQuery::default()
    };
    assert_eq!(
        window.customer_position(&listed, ids[2]).expect("position"),
        Some(2)
    );
    assert_eq!(
        window.customer_position(&listed, ids[0]).expect("position"),
        None
    );
    // A page further down starts where the first one ended.
    let second_page = window
        .list_customers(&CustomerQuery {
            offset: 1,
            limit: 1,
            ..listed
        })
        .expect("page");
    assert_eq!(second_page.total, 3);
    assert_eq!(second_page.rows[0].display_name, "青木");
}
