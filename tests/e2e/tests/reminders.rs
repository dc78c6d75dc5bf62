//! Reminders reach the salesperson: real notifications through a real
//! daemon (dunst) on the test's D-Bus session, once per occurrence across
//! restarts, and the Today view's snooze.

use std::path::Path;
use std::time::Duration;

use chrono::Datelike;
use kizuna_core::Clock;
use kizuna_core::calendar::PartialDate;
use kizuna_core::customer::CustomerProfile;
use kizuna_core::purchase::PurchaseInput;
use kizuna_core::reminder::DEFAULT_PLAN_ID;
use kizuna_core::settings::Language;
use kizuna_e2e::{Dunst, Kizuna, TestResult, data_dir};

const FOLLOW_UP: &str = "鈴木 一郎 様 — ご購入から30日：満足度の確認（本マグロ 中トロ）";

fn person(family: &str, given: &str) -> CustomerProfile {
    CustomerProfile {
        family_name: family.to_owned(),
        given_name: given.to_owned(),
        ..CustomerProfile::default()
    }
}

/// One customer whose birthday is today, one who bought 30 days ago, and
/// one whose birthday is weeks away (nothing due).
fn seed(dir: &Path) -> TestResult {
    let (mut store, _) = kizuna_e2e::open_store(dir)?;
    store.save_settings(&kizuna_e2e::due_at_any_hour(Language::Ja))?;
    let clock = Clock::system(chrono_tz::Asia::Tokyo);
    let today = clock.today();
    store.create_customer(
        CustomerProfile {
            birthday: Some(PartialDate::new(Some(1985), today.month(), today.day())),
            ..person("山田", "花子")
        },
        &clock,
    )?;
    let later = today + chrono::Days::new(40);
    store.create_customer(
        CustomerProfile {
            birthday: Some(PartialDate::new(None, later.month(), later.day())),
            ..person("佐藤", "次郎")
        },
        &clock,
    )?;
    let buyer = store.create_customer(person("鈴木", "一郎"), &clock)?;
    store.record_purchase(
        PurchaseInput {
            customer_id: buyer.id,
            item: "本マグロ 中トロ".to_owned(),
            quantity: 1,
            amount_minor: 12_800,
            currency: String::new(),
            purchased_at: clock.timestamp() - 30 * 86_400,
            satisfaction: None,
            notes: String::new(),
            follow_up_plan_id: Some(DEFAULT_PLAN_ID),
            reorder_after_days: None,
        },
        &clock,
    )?;
    Ok(())
}

async fn wait_for_notifications(dunst: &Dunst, count: usize) -> TestResult<Vec<String>> {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let summaries = dunst.summaries()?;
        if summaries.len() >= count || std::time::Instant::now() > deadline {
            return Ok(summaries);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test]
async fn due_reminders_are_notified_once_and_snoozed_from_the_today_view() -> TestResult {
    let dir = data_dir()?;
    seed(dir.path())?;
    let dunst = Dunst::start()?;

    let app = Kizuna::launch_home(dir.path(), &[]).await?;
    let mut arrived = wait_for_notifications(&dunst, 2).await?;
    arrived.sort();
    // Born in 1985: the notification says how old she turns.
    let age = Clock::system(chrono_tz::Asia::Tokyo).today().year() - 1985;
    let birthday = format!("山田 花子 様 — 今日は{age}歳のお誕生日");
    let mut expected = vec![birthday, FOLLOW_UP.to_owned()];
    expected.sort();
    assert_eq!(arrived, expected, "exactly the due reminders were notified");

    // The Today view lists both for today, with their drafts.
    app.wait_text("[data-testid=today-count-today]", "2")
        .await?;
    let names = app
        .all("[data-testid=today-section-today] [data-testid=reminder-name]")
        .await?;
    let mut listed = Vec::new();
    for name in names {
        listed.push(name.text().await?);
    }
    listed.sort();
    assert_eq!(listed, ["山田 花子", "鈴木 一郎"]);
    app.wait_text("[data-testid=due-count]", "2").await?;
    app.quit().await?;

    // A restart announces nothing again.
    let app = Kizuna::launch_home(dir.path(), &[]).await?;
    app.wait_text("[data-testid=today-count-today]", "2")
        .await?;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(dunst.summaries()?.len(), 2, "no notification arrived twice");

    // Snoozing the birthday takes it off the list until tomorrow.
    let birthday = "[data-testid=today-section-today] [data-testid=reminder][data-kind=birthday]";
    app.click(&format!("{birthday} [data-testid=snooze-day]"))
        .await?;
    app.wait_until("the birthday leaves the list", || async {
        Ok(app.all(birthday).await?.is_empty())
    })
    .await?;
    app.wait_text("[data-testid=today-count-today]", "1")
        .await?;
    app.wait_text("[data-testid=due-count]", "1").await?;
    app.screenshot("today-after-snooze").await?;
    app.quit().await
}

#[tokio::test]
async fn clicking_a_notification_opens_that_customer() -> TestResult {
    let dir = data_dir()?;
    seed(dir.path())?;
    let dunst = Dunst::start()?;

    let app = Kizuna::launch_home(dir.path(), &[]).await?;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while dunst.displayed()? < 2 {
        if std::time::Instant::now() > deadline {
            return Err("the due reminders never appeared on screen".into());
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    app.wait_for("[data-testid=today-section-today]").await?;
    dunst.click_top()?;

    // The window moves from the Today view to the customer the notice was
    // about; which of the two dunst stacks on top is its own choice.
    let opened = app
        .wait_for("[data-testid=detail-name]")
        .await?
        .text()
        .await?;
    assert!(
        ["山田 花子", "鈴木 一郎"].contains(&opened.as_str()),
        "a notified customer opened, not {opened}"
    );
    let notified: Vec<String> = dunst.summaries()?;
    assert!(
        notified
            .iter()
            .any(|s| s.starts_with(&format!("{opened} 様"))),
        "{opened} was among the notices {notified:?}"
    );
    app.quit().await
}
