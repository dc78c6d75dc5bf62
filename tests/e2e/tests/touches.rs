//! The reminder engine's promise, as a salesperson meets it in the real app
//! with a real notification daemon: a touch made due by what they just
//! typed is announced within seconds, a promise in its minute and not
//! before, an undone deletion brings nothing back twice, the most neglected
//! customers stay on Today, and a customer added today starts clean.

use std::time::{Duration, Instant};

use chrono::{Datelike, Timelike};
use kizuna_core::customer::CustomerProfile;
use kizuna_core::ladder::Stage;
use kizuna_core::purchase::PurchaseInput;
use kizuna_core::reminder::DEFAULT_PLAN_ID;
use kizuna_core::settings::{Language, Settings};
use kizuna_core::touchpoint::{Direction, TouchpointInput, TouchpointKind};
use kizuna_core::{Clock, Store};
use kizuna_e2e::{Dunst, Kizuna, TestResult, data_dir};

const FORM: &str = "[data-testid=customer-form]";
const DAY: i64 = 86_400;

fn tokyo() -> Clock {
    Clock::system(chrono_tz::Asia::Tokyo)
}

/// Japanese, in Tokyo, due from midnight and never quiet, whatever time the
/// test runs.
fn settle(store: &mut Store) -> TestResult {
    store.save_settings(&Settings {
        time_zone: "Asia/Tokyo".to_owned(),
        ..kizuna_e2e::due_at_any_hour(Language::Ja)
    })?;
    Ok(())
}

fn person(family: &str, given: &str, family_reading: &str) -> CustomerProfile {
    CustomerProfile {
        family_name: family.to_owned(),
        given_name: given.to_owned(),
        family_name_reading: family_reading.to_owned(),
        ..CustomerProfile::default()
    }
}

/// A clock `days` ago, for what was recorded back then.
fn days_ago(days: i64) -> Clock {
    let now = tokyo();
    Clock::new(now.now - chrono::Duration::days(days), now.tz)
}

/// Waits up to `patience` for a notice whose title contains `fragment`.
async fn notice_within(
    dunst: &Dunst,
    fragment: &str,
    patience: Duration,
) -> TestResult<Option<String>> {
    let deadline = Instant::now() + patience;
    loop {
        if let Some(found) = dunst
            .summaries()?
            .into_iter()
            .find(|s| s.contains(fragment))
        {
            return Ok(Some(found));
        }
        if Instant::now() > deadline {
            return Ok(None);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn field(app: &Kizuna, name: &str, text: &str) -> TestResult {
    app.fill(&format!("{FORM} [name='{name}']"), text).await
}

/// Chooses an option of a select as a user does: a click on it.
async fn choose(app: &Kizuna, select: &str, value: &str) -> TestResult {
    app.click(&format!("{select} option[value='{value}']"))
        .await
}

async fn add_customer(app: &Kizuna, family: &str, given: &str, month: u32, day: u32) -> TestResult {
    app.click("[data-testid=new-customer]").await?;
    app.wait_for(FORM).await?;
    field(app, "family_name", family).await?;
    field(app, "given_name", given).await?;
    choose(
        app,
        &format!("{FORM} select[name='birthday.month']"),
        &month.to_string(),
    )
    .await?;
    choose(
        app,
        &format!("{FORM} select[name='birthday.day']"),
        &day.to_string(),
    )
    .await?;
    app.click("[data-testid=save]").await?;
    app.wait_until("the form closes", || async {
        Ok(app.all(FORM).await?.is_empty())
    })
    .await
}

#[tokio::test]
async fn a_customer_added_after_the_reminder_time_is_announced_at_once_and_nobody_new_starts_overdue()
-> TestResult {
    let dir = data_dir()?;
    {
        let (mut store, _) = kizuna_e2e::open_store(dir.path())?;
        settle(&mut store)?;
    }
    let dunst = Dunst::start()?;
    let app = Kizuna::launch_home(dir.path(), &[]).await?;

    // Her birthday is today, and the reminder time has passed.
    let today = tokyo().today();
    add_customer(&app, "阿部", "陽子", today.month(), today.day()).await?;
    let saved = Instant::now();
    let arrived = notice_within(&dunst, "阿部 陽子 様", Duration::from_secs(10)).await?;
    assert_eq!(
        arrived.as_deref(),
        Some("阿部 陽子 様 — 今日はお誕生日"),
        "announced within 10 s of saving (waited {:?})",
        saved.elapsed()
    );

    // His birthday is in three days: one card, due today, counting down.
    let soon = today + chrono::Days::new(3);
    add_customer(&app, "前田", "健", soon.month(), soon.day()).await?;
    app.click("[data-testid=nav-today]").await?;
    app.wait_for("[data-testid=today-view]").await?;
    app.wait_until("both new customers are on Today", || async {
        Ok(app
            .all("[data-testid=today-section-today] [data-testid=reminder]")
            .await?
            .len()
            == 2)
    })
    .await?;
    assert!(
        app.all("[data-testid=today-section-overdue]")
            .await?
            .is_empty(),
        "a customer added today never starts with an overdue item"
    );
    let mut titles = Vec::new();
    for title in app
        .all("[data-testid=today-section-today] [data-testid=reminder-title]")
        .await?
    {
        titles.push(title.text().await?);
    }
    titles.sort();
    assert_eq!(titles, ["お誕生日まであと3日", "今日はお誕生日"]);
    assert!(
        app.all("[data-testid=today-section-upcoming] [data-kind=birthday]")
            .await?
            .is_empty(),
        "the day card waits while the lead card is open"
    );
    app.screenshot("today-new-customers").await?;
    app.quit().await
}

#[tokio::test]
async fn a_promise_due_in_a_minute_is_announced_in_that_minute_not_before() -> TestResult {
    let dir = data_dir()?;
    {
        let (mut store, _) = kizuna_e2e::open_store(dir.path())?;
        settle(&mut store)?;
        store.create_customer(person("上田", "太郎", "うえだ"), &days_ago(30))?;
    }
    let dunst = Dunst::start()?;
    let app = Kizuna::launch_home(dir.path(), &[]).await?;

    // The promise's minute: the first whole minute at least 80 s away, so
    // typing it in cannot reach it.
    let now = tokyo().now.with_timezone(&chrono_tz::Asia::Tokyo);
    let due = now + chrono::Duration::seconds(80 + 60 - i64::from(now.second()));
    let due_minute = format!("{:02}:{:02}", due.hour(), due.minute());
    let due_at = due.with_second(0).unwrap_or(due).timestamp();

    app.quick_log_for("うえだ").await?;
    app.click("[data-testid=kind-call]").await?;
    app.fill("[data-testid=quick-log] [name=summary]", "見積もりの相談")
        .await?;
    app.fill(
        "[data-testid=quick-log] [name=promise]",
        "見積もりを電話で伝える",
    )
    .await?;
    app.fill(
        "[data-testid=quick-log] [name=promise_due]",
        &due.date_naive().format("%Y-%m-%d").to_string(),
    )
    .await?;
    // A time input: its value set as the picker would, then announced.
    app.driver
        .execute(
            "const input = document.querySelector('[data-testid=quick-log] [name=promise_time]');
             input.value = arguments[0];
             input.dispatchEvent(new Event('input', { bubbles: true }));",
            vec![serde_json::json!(due_minute)],
        )
        .await?;
    app.click("[data-testid=save-touchpoint]").await?;
    app.wait_until("the quick log closes", || async {
        Ok(app.all("[data-testid=quick-log]").await?.is_empty())
    })
    .await?;

    let title = "上田 太郎 様 — 見積もりを電話で伝える";
    let early = u64::try_from(due_at - tokyo().timestamp() - 2).unwrap_or(0);
    assert_eq!(
        notice_within(&dunst, title, Duration::from_secs(early)).await?,
        None,
        "nothing before {due_minute}"
    );
    let arrived = notice_within(&dunst, title, Duration::from_secs(20)).await?;
    let at = tokyo().timestamp();
    assert_eq!(arrived.as_deref(), Some(title));
    assert!(
        at < due_at + 60,
        "announced in {due_minute}, {}s after it began",
        at - due_at
    );
    app.quit().await
}

#[tokio::test]
async fn an_undone_purchase_deletion_brings_back_neither_a_done_follow_up_nor_its_notice()
-> TestResult {
    let dir = data_dir()?;
    {
        let (mut store, _) = kizuna_e2e::open_store(dir.path())?;
        settle(&mut store)?;
        let buyer = store.create_customer(person("鈴木", "一郎", "すずき"), &days_ago(10))?;
        let bought = days_ago(2);
        store.record_purchase(
            PurchaseInput {
                customer_id: buyer.id,
                item: "本マグロ 中トロ".to_owned(),
                quantity: 1,
                amount_minor: 12_800,
                currency: String::new(),
                purchased_at: bought.timestamp(),
                satisfaction: None,
                notes: String::new(),
                follow_up_plan_id: Some(DEFAULT_PLAN_ID),
                reorder_after_days: None,
            },
            &bought,
        )?;
    }
    let dunst = Dunst::start()?;
    let app = Kizuna::launch_home(dir.path(), &[]).await?;
    let thanks = "鈴木 一郎 様 — ご購入から2日：お礼（本マグロ 中トロ）";
    assert_eq!(
        notice_within(&dunst, "鈴木 一郎 様", Duration::from_secs(20))
            .await?
            .as_deref(),
        Some(thanks)
    );

    // The thank-you is sent: done from its card.
    let card = "[data-testid=today-section-overdue] [data-testid=reminder][data-kind=follow_up]";
    app.click(&format!("{card} [data-testid=done]")).await?;
    app.wait_until("the thank-you leaves Today", || async {
        Ok(app.all(card).await?.is_empty())
    })
    .await?;

    // The purchase deleted from the customer's timeline, then undone.
    app.click("[data-testid=today-section-upcoming] [data-testid=reminder-name]")
        .await?;
    app.wait_text("[data-testid=detail-name]", "鈴木 一郎")
        .await?;
    let purchase = "[data-testid=timeline-entry][data-kind=purchase] button.open";
    app.click(purchase).await?;
    app.click("[data-testid=delete-purchase]").await?;
    app.wait_until("the purchase leaves the timeline", || async {
        Ok(app.all(purchase).await?.is_empty())
    })
    .await?;
    // The newest notice's Undo (the one for the thank-you may still show).
    let undo = app.all("[data-testid=toast-action]").await?;
    undo.last().ok_or("no Undo on the notice")?.click().await?;
    app.wait_contains(
        "[data-testid=timeline-entry][data-kind=purchase]",
        "本マグロ 中トロ",
    )
    .await?;

    // Back on Today: the check-in is still ahead, the thank-you stays done.
    app.click("[data-testid=nav-today]").await?;
    app.wait_for("[data-testid=today-section-upcoming] [data-kind=follow_up]")
        .await?;
    assert!(
        app.all(card).await?.is_empty(),
        "the done thank-you did not return"
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(dunst.summaries()?, [thanks], "nothing was announced again");
    app.quit().await
}

#[tokio::test]
async fn a_customer_not_contacted_for_300_days_is_on_today_with_how_long() -> TestResult {
    let dir = data_dir()?;
    {
        let (mut store, _) = kizuna_e2e::open_store(dir.path())?;
        settle(&mut store)?;
        let then = days_ago(400);
        let mut profile = person("田中", "健一", "たなか");
        profile.stage = Stage::Client;
        let id = store.create_customer(profile, &then)?.id;
        let visited = days_ago(300);
        store.log_touchpoint(
            TouchpointInput {
                customer_id: id,
                kind: TouchpointKind::Visit,
                occurred_at: visited.timestamp(),
                summary: "店舗訪問".to_owned(),
                notes: String::new(),
                direction: Direction::Neutral,
                satisfaction: None,
                promise: None,
            },
            &visited,
        )?;
        // Someone contacted last week is not due.
        let recent = store
            .create_customer(person("佐藤", "花子", "さとう"), &then)?
            .id;
        store.log_touchpoint(
            TouchpointInput {
                customer_id: recent,
                kind: TouchpointKind::Call,
                occurred_at: tokyo().timestamp() - 7 * DAY,
                summary: String::new(),
                notes: String::new(),
                direction: Direction::Neutral,
                satisfaction: None,
                promise: None,
            },
            &days_ago(7),
        )?;
    }
    let app = Kizuna::launch_home(dir.path(), &[]).await?;
    let card =
        "[data-testid=today-section-overdue] [data-testid=reminder][data-kind=keep_in_touch]";
    app.wait_text(
        &format!("{card} [data-testid=reminder-title]"),
        "300日連絡なし",
    )
    .await?;
    app.wait_text(&format!("{card} [data-testid=reminder-name]"), "田中 健一")
        .await?;
    assert_eq!(app.all(card).await?.len(), 1);

    // The log records the scheduler's decisions in the data folder, and
    // never a customer's name; the settings say where it is.
    let logs = dir.path().join("logs");
    let log = || -> String {
        std::fs::read_dir(&logs)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|f| std::fs::read_to_string(f.path()).ok())
            .collect()
    };
    app.wait_until("the scheduler's wake-up is logged", || async {
        Ok(log().contains("scheduler woke"))
    })
    .await?;
    assert!(!log().contains("田中"), "no customer's name in the log");
    app.click("[data-testid=nav-settings]").await?;
    app.wait_text("[data-testid=log-dir]", &logs.display().to_string())
        .await?;
    app.quit().await
}
