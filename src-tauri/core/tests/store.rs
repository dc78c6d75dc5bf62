//! The store's file lifecycle: creation, reopening, migrations, refusals.

#[allow(dead_code)]
#[path = "support/fixtures.rs"]
mod fixtures;

use kizuna_core::store::{DATABASE_FILE, MIGRATIONS, SCHEMA_VERSION};
use kizuna_core::{Error, Store};

#[test]
fn a_new_folder_gets_a_store_at_the_current_schema() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (store, report) = Store::open_in_dir(dir.path(), &fixtures::key()).expect("open");
    assert_eq!(report.from_version, 0);
    assert_eq!(report.to_version, SCHEMA_VERSION);
    assert_eq!(report.backup, None, "a brand-new store needs no backup");
    assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
    assert!(dir.path().join(DATABASE_FILE).exists());
    assert_eq!(
        store.integrity_problems().expect("check"),
        Vec::<String>::new()
    );
}

#[test]
fn the_store_runs_in_wal_with_full_sync_and_foreign_keys() {
    let dir = tempfile::tempdir().expect("temp dir");
    Store::open_in_dir(dir.path(), &fixtures::key()).expect("open");
    // Read back through a second, independent connection.
    let conn = fixtures::raw(&dir.path().join(DATABASE_FILE));
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .expect("mode");
    assert_eq!(mode, "wal");
    let (store, _) = Store::open_in_dir(dir.path(), &fixtures::key()).expect("reopen");
    drop(store);
}

#[test]
fn customers_survive_closing_and_reopening() {
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = fixtures::clock();
    let id = {
        let (mut store, _) = Store::open_in_dir(dir.path(), &fixtures::key()).expect("open");
        store
            .create_customer(fixtures::person("山田", "太郎", "やまだ", "たろう"), &clock)
            .expect("create")
            .id
    };
    let (store, report) = Store::open_in_dir(dir.path(), &fixtures::key()).expect("reopen");
    assert_eq!(report.from_version, SCHEMA_VERSION);
    assert_eq!(store.customer(id).expect("load").display_name, "山田 太郎");
}

#[test]
fn a_store_from_a_newer_version_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(DATABASE_FILE);
    {
        let conn = rusqlite::Connection::open(&path).expect("raw open");
        conn.execute_batch(&format!(
            "CREATE TABLE future (x); INSERT INTO future VALUES (1); PRAGMA user_version = {};",
            SCHEMA_VERSION + 1
        ))
        .expect("write a future store");
    }
    let before = std::fs::read(&path).expect("read");
    match Store::open(&path, &fixtures::key()) {
        Err(Error::NewerDatabase { found, supported }) => {
            assert_eq!(found, SCHEMA_VERSION + 1);
            assert_eq!(supported, SCHEMA_VERSION);
        }
        Err(other) => panic!("expected NewerDatabase, got {other}"),
        Ok(_) => panic!("a newer store was opened"),
    }
    assert_eq!(
        std::fs::read(&path).expect("read"),
        before,
        "the file was modified"
    );
    let wal = dir.path().join(format!("{DATABASE_FILE}-wal"));
    assert!(!wal.exists(), "refusing must not switch the file to WAL");
}

#[test]
fn a_file_that_is_not_a_database_gets_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(DATABASE_FILE);
    std::fs::write(
        &path,
        b"this is a shopping list, not a database, and it is long enough",
    )
    .expect("write");
    let before = std::fs::read(&path).expect("read");
    match Store::open(&path, &fixtures::key()) {
        Err(Error::CorruptDatabase(_)) => {}
        Err(other) => panic!("expected CorruptDatabase, got {other:?}"),
        Ok(_) => panic!("a shopping list was opened as a store"),
    }
    assert_eq!(std::fs::read(&path).expect("read"), before);
}

#[test]
fn another_programs_database_is_not_taken_over() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(DATABASE_FILE);
    rusqlite::Connection::open(&path)
        .and_then(|c| c.execute_batch("CREATE TABLE invoices (id INTEGER PRIMARY KEY);"))
        .expect("foreign db");
    assert!(matches!(
        Store::open(&path, &fixtures::key()),
        Err(Error::CorruptDatabase(_))
    ));
}

#[test]
fn an_existing_store_is_copied_aside_before_it_is_migrated() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(DATABASE_FILE);
    let clock = fixtures::clock();
    let id = {
        let (mut store, _) = Store::open(&path, &fixtures::key()).expect("open");
        store
            .create_customer(fixtures::person("林", "修", "はやし", "おさむ"), &clock)
            .expect("create")
            .id
    };
    let mut upgraded: Vec<&str> = MIGRATIONS.to_vec();
    upgraded.push("ALTER TABLE customers ADD COLUMN nickname TEXT NOT NULL DEFAULT '';");
    let (store, report) =
        Store::open_with_migrations(&path, &fixtures::key(), &upgraded).expect("migrate");
    assert_eq!(report.from_version, SCHEMA_VERSION);
    assert_eq!(report.to_version, SCHEMA_VERSION + 1);
    assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION + 1);
    assert_eq!(store.customer(id).expect("load").display_name, "林 修");

    let backup = report.backup.expect("a copy was taken");
    assert!(backup.starts_with(dir.path().join("backups")));
    let (copy, _) =
        Store::open(&backup, &fixtures::key()).expect("the copy opens with the old schema");
    assert_eq!(copy.schema_version().expect("version"), SCHEMA_VERSION);
    assert_eq!(copy.customer(id).expect("load").display_name, "林 修");
}

/// A store as the previous release (schema 3) wrote it: the triggers kept
/// the tallies and the agenda then, an introduction could be left behind
/// what happened, and a follow-up or a thank-you dropped out of view 30
/// days after it fell due. The upgrade runs against the real time, so the
/// rows are dated from it.
#[test]
fn a_store_of_the_previous_release_upgrades_with_everything_derived_in_step() {
    use kizuna_core::referral::ReferralStatus;
    use kizuna_core::reminder::ReminderKind;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(DATABASE_FILE);
    let clock = kizuna_core::domain::clock::Clock::system(chrono_tz::Asia::Tokyo);
    let now = clock.timestamp();
    let days_ago = |days: i64| now - days * 86_400;
    let long_ago = days_ago(400);
    let birthday = clock.today() + chrono::Days::new(2);
    use chrono::Datelike;
    let (month, day) = (birthday.month(), birthday.day());
    {
        let (store, _) = Store::open_with_migrations(&path, &fixtures::key(), &MIGRATIONS[..3])
            .expect("schema 3");
        drop(store);
        let conn = fixtures::raw(&path);
        conn.execute_batch(&format!(
            "INSERT INTO customers (id, uid, family_name, given_name, sort_key, stage,
                                    birthday_month, birthday_day, created_at, updated_at)
             VALUES (1, 'a', '紹介', '者', 'しょうかいしゃ', 2, {month}, {day}, {long_ago}, {long_ago}),
                    (2, 'b', '友人', '太郎', 'ゆうじん', 0, NULL, NULL, {long_ago}, {long_ago}),
                    (3, 'c', '古川', '一郎', 'ふるかわ', 1, NULL, NULL, {long_ago}, {long_ago}),
                    (4, 'd', '新井', '花子', 'あらい', 1, NULL, NULL, {long_ago}, {long_ago}),
                    (5, 'e', '遠藤', '次郎', 'えんどう', 0, NULL, NULL, {long_ago}, {long_ago});
             INSERT INTO referrals (id, referrer_id, referred_id, introduced_at, status)
             VALUES (1, 1, 2, {long_ago}, 'introduced'),
                    (2, 1, 5, {long_ago}, 'met');
             INSERT INTO touchpoints (customer_id, kind, occurred_at, direction, created_at, updated_at)
             VALUES (2, 'visit', {long_ago}, 'give', {long_ago}, {long_ago});
             UPDATE customers SET touch_count = 1, first_touch_at = {long_ago}, last_touch_at = {long_ago}
              WHERE id = 2;
             INSERT INTO purchases (id, customer_id, item, amount_minor, purchased_at, channel,
                                    follow_up_plan_id, created_at, updated_at)
             VALUES (1, 3, '保険', 50000, {long_ago}, 'new', 1, {long_ago}, {long_ago}),
                    (2, 4, '化粧品', 8000, {recent}, 'new', 1, {recent}, {recent});
             UPDATE customers SET purchase_count = 1, first_purchase_at = {long_ago},
                                  last_purchase_at = {long_ago} WHERE id = 3;
             UPDATE customers SET purchase_count = 1, first_purchase_at = {recent},
                                  last_purchase_at = {recent} WHERE id = 4;
             INSERT INTO reminder_states (occurrence_key, customer_id, status, snoozed_until, acted_at)
             VALUES ('followup:1:4', 3, 'snoozed', {snoozed_until}, {snoozed_at});",
            snoozed_until = days_ago(200),
            snoozed_at = days_ago(210),
            recent = days_ago(10),
        ))
        .expect("rows of the old schema");
    }
    let (mut store, report) = Store::open(&path, &fixtures::key()).expect("upgrade");
    assert_eq!(
        (report.from_version, report.to_version),
        (3, SCHEMA_VERSION)
    );
    assert_eq!(
        store.derived_problems().expect("check"),
        Vec::<String>::new()
    );
    let status = |store: &Store, id| {
        store
            .referrals(id)
            .expect("referral")
            .referred_by
            .expect("link")
            .status
    };
    assert_eq!(
        status(&store, 2),
        ReferralStatus::Met,
        "raised to the facts"
    );
    let v = store
        .today_view(kizuna_core::reminder::DraftLanguage::Ja, &clock)
        .expect("today");
    let cards: Vec<(Option<i64>, ReminderKind, &str)> = v
        .today_items
        .items
        .iter()
        .chain(&v.overdue.items)
        .map(|r| {
            (
                r.customer.as_ref().map(|c| c.id),
                r.kind,
                r.headline.as_str(),
            )
        })
        .collect();
    assert!(
        cards.contains(&(Some(1), ReminderKind::Birthday, "お誕生日まであと2日")),
        "{cards:?}"
    );
    // The recent purchase's check-in is there; the follow-ups of the
    // purchase of more than a year ago (one snoozed long ago) and the
    // thank-yous for year-old introductions, long out of view, do not all
    // come back at once.
    let kinds_of = |customer| -> Vec<ReminderKind> {
        cards
            .iter()
            .filter(|(id, _, _)| *id == Some(customer))
            .map(|(_, kind, _)| *kind)
            .collect()
    };
    assert!(kinds_of(4).contains(&ReminderKind::FollowUp), "{cards:?}");
    assert!(!kinds_of(3).contains(&ReminderKind::FollowUp), "{cards:?}");
    assert!(
        !kinds_of(1).iter().any(|k| matches!(
            k,
            ReminderKind::ReferralIntroduced | ReminderKind::ReferralBought
        )),
        "{cards:?}"
    );
    // A meeting set by hand (no contact logged) stays; the introduced
    // customer's first purchase makes it "bought", and deleting that
    // purchase brings back what the salesperson set.
    assert_eq!(status(&store, 5), ReferralStatus::Met);
    let purchase = store
        .record_purchase(
            kizuna_core::purchase::PurchaseInput {
                customer_id: 5,
                item: "ギフト".to_owned(),
                quantity: 1,
                amount_minor: 12_000,
                currency: String::new(),
                purchased_at: now,
                satisfaction: None,
                notes: String::new(),
                follow_up_plan_id: None,
                reorder_after_days: None,
            },
            &clock,
        )
        .expect("purchase")
        .purchase;
    assert_eq!(status(&store, 5), ReferralStatus::Bought);
    store.delete_purchase(purchase.id, &clock).expect("delete");
    assert_eq!(status(&store, 5), ReferralStatus::Met);
}

#[test]
fn a_failing_migration_leaves_the_store_at_its_old_version() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(DATABASE_FILE);
    Store::open(&path, &fixtures::key()).expect("open");
    let mut broken: Vec<&str> = MIGRATIONS.to_vec();
    broken.push("CREATE TABLE ok_part (x); THIS IS NOT SQL;");
    assert!(Store::open_with_migrations(&path, &fixtures::key(), &broken).is_err());
    let (store, _) = Store::open(&path, &fixtures::key()).expect("reopen");
    assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
    let leaked: i64 = Ok::<_, rusqlite::Error>(fixtures::raw(&path))
        .and_then(|c| {
            c.query_row(
                "SELECT count(*) FROM sqlite_schema WHERE name = 'ok_part'",
                [],
                |r| r.get(0),
            )
        })
        .expect("query");
    assert_eq!(leaked, 0, "half of a failed migration was kept");
}

#[test]
fn derived_data_that_drifts_from_its_records_is_reported() {
    use kizuna_core::purchase::PurchaseInput;
    use kizuna_core::touchpoint::{Direction, TouchpointInput, TouchpointKind};
    let dir = tempfile::tempdir().expect("temp dir");
    let clock = fixtures::clock();
    {
        let (mut store, _) = Store::open_in_dir(dir.path(), &fixtures::key()).expect("open");
        let id = store
            .create_customer(fixtures::person("岡田", "", "おかだ", ""), &clock)
            .expect("create")
            .id;
        store
            .log_touchpoint(
                TouchpointInput {
                    customer_id: id,
                    kind: TouchpointKind::Visit,
                    occurred_at: clock.timestamp() - 3600,
                    summary: String::new(),
                    notes: String::new(),
                    direction: Direction::Give,
                    satisfaction: Some(4),
                    promise: None,
                },
                &clock,
            )
            .expect("touch");
        store
            .record_purchase(
                PurchaseInput {
                    customer_id: id,
                    item: "真鯛".to_owned(),
                    quantity: 1,
                    amount_minor: 7_000,
                    currency: String::new(),
                    purchased_at: clock.timestamp() - 60,
                    satisfaction: None,
                    notes: String::new(),
                    follow_up_plan_id: None,
                    reorder_after_days: None,
                },
                &clock,
            )
            .expect("buy");
        store
            .dashboard(
                &kizuna_core::measures::DashboardQuery {
                    months: 12,
                    end: None,
                },
                &clock,
            )
            .expect("the dashboard keeps its windows");
        assert_eq!(
            store.integrity_problems().expect("check"),
            Vec::<String>::new()
        );
    }
    let raw = fixtures::raw(&dir.path().join(DATABASE_FILE));
    raw.execute_batch(
        "UPDATE touch_tallies SET give = give + 1;
         UPDATE customers SET touch_count = 7;
         UPDATE purchases SET channel = 'repeat';
         UPDATE customer_months SET bought_current = 5;",
    )
    .expect("tamper");
    drop(raw);
    let (store, _) = Store::open_in_dir(dir.path(), &fixtures::key()).expect("reopen");
    let problems = store.integrity_problems().expect("check");
    assert_eq!(problems.len(), 4, "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("activity")));
    assert!(problems.iter().any(|p| p.contains("channel")));
    assert!(problems.iter().any(|p| p.contains("tallies")));
    assert!(problems.iter().any(|p| p.contains("windows")));
}

#[test]
fn an_upgrade_to_schema_5_settles_languages_readings_and_phone_numbers() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(DATABASE_FILE);
    {
        let (store, _) = Store::open_with_migrations(&path, &fixtures::key(), &MIGRATIONS[..4])
            .expect("schema 4");
        drop(store);
        let conn = fixtures::raw(&path);
        conn.execute_batch(
            "INSERT INTO customers (id, uid, family_name, given_name, family_name_reading,
                                    given_name_reading, sort_key, stage, created_at, updated_at)
             VALUES (1, 'a', 'White', 'Michael', '', '', '2white michael', 1, 0, 0),
                    (2, 'b', '阿部', '陽子', 'アベ', 'ﾖｳｺ', '1あべようこ', 1, 0, 0);
             INSERT INTO customer_phones (customer_id, position, label, number, digits)
             VALUES (2, 0, '携帯', '０９０ー１２３４ー５６７８', '09012345678');",
        )
        .expect("rows of schema 4");
    }
    let (store, report) = Store::open(&path, &fixtures::key()).expect("upgrade");
    assert_eq!(report.to_version, SCHEMA_VERSION);
    let michael = store.customer(1).expect("Michael");
    assert_eq!(
        michael.profile.message_language,
        Some(kizuna_core::reminder::DraftLanguage::En)
    );
    let yoko = store.customer(2).expect("Yoko");
    assert_eq!(
        yoko.profile.message_language,
        Some(kizuna_core::reminder::DraftLanguage::Ja)
    );
    assert_eq!(yoko.display_reading, "あべ ようこ");
    assert_eq!(yoko.profile.phones[0].number, "090-1234-5678");
    assert_eq!(
        store.derived_problems().expect("check"),
        Vec::<String>::new()
    );
}
