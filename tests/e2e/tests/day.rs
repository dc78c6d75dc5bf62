//! The salesperson's day: Today's cards worked through with the keyboard
//! alone, typing that is never lost, the first-run welcome, romaji search,
//! and drafts written in each customer's own language.

use std::path::Path;
use std::time::Duration;

use chrono::Datelike;
use kizuna_core::Clock;
use kizuna_core::calendar::PartialDate;
use kizuna_core::customer::CustomerProfile;
use kizuna_core::settings::{Language, Settings};
use kizuna_core::timeline::TimelineKind;
use kizuna_e2e::{Kizuna, TestResult, data_dir};
use thirtyfour::prelude::*;

fn born_today(
    family: &str,
    given: &str,
    family_reading: &str,
    given_reading: &str,
) -> CustomerProfile {
    let today = Clock::system(chrono_tz::Asia::Tokyo).today();
    CustomerProfile {
        family_name: family.to_owned(),
        given_name: given.to_owned(),
        family_name_reading: family_reading.to_owned(),
        given_name_reading: given_reading.to_owned(),
        birthday: Some(PartialDate::new(None, today.month(), today.day())),
        ..CustomerProfile::default()
    }
}

/// A store in `language` whose reminders are due from midnight and never
/// quiet, holding `people`.
fn seed(dir: &Path, language: Language, people: Vec<CustomerProfile>) -> TestResult {
    let (mut store, _) = kizuna_e2e::open_store(dir)?;
    store.save_settings(&Settings {
        notifications: false,
        ..kizuna_e2e::due_at_any_hour(language)
    })?;
    let clock = Clock::system(chrono_tz::Asia::Tokyo);
    for person in people {
        store.create_customer(person, &clock)?;
    }
    Ok(())
}

async fn press(app: &Kizuna, key: impl Into<TypingData>) -> TestResult {
    app.driver.action_chain().send_keys(key).perform().await?;
    Ok(())
}

/// What has focus: its `data-testid` and, for a card, its reminder key.
async fn focused(app: &Kizuna) -> TestResult<(String, String)> {
    let value = app
        .driver
        .execute(
            "const e = document.activeElement; return [e?.dataset?.testid ?? '', e?.dataset?.key ?? ''];",
            Vec::new(),
        )
        .await?;
    let pair: Vec<String> = value.convert()?;
    Ok((
        pair.first().cloned().unwrap_or_default(),
        pair.get(1).cloned().unwrap_or_default(),
    ))
}

async fn wait_focus_on_card(app: &Kizuna) -> TestResult<String> {
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        let (testid, key) = focused(app).await?;
        if testid == "reminder" {
            return Ok(key);
        }
        if std::time::Instant::now() > deadline {
            return Err(format!("no Today card has focus (focus is on {testid:?})").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_today_card_is_done_snoozed_and_skipped_with_the_keyboard_alone() -> TestResult {
    let dir = data_dir()?;
    seed(
        dir.path(),
        Language::Ja,
        vec![
            born_today("相川", "健", "あいかわ", "けん"),
            born_today("伊藤", "舞", "いとう", "まい"),
            born_today("上田", "誠", "うえだ", "まこと"),
        ],
    )?;
    let app = Kizuna::launch_home(dir.path(), &[]).await?;
    app.wait_text("[data-testid=today-count-today]", "3")
        .await?;

    // 1 opens Today with the first card focused; J and K move between cards.
    press(&app, "1").await?;
    let first = wait_focus_on_card(&app).await?;
    press(&app, "j").await?;
    let second = wait_focus_on_card(&app).await?;
    assert_ne!(first, second, "J moved to the next card");
    press(&app, Key::Up).await?;
    assert_eq!(wait_focus_on_card(&app).await?, first, "↑ went back");

    // D: done. The card goes, focus stays on the list.
    press(&app, "d").await?;
    app.wait_text("[data-testid=today-count-today]", "2")
        .await?;
    let now = wait_focus_on_card(&app).await?;
    assert_ne!(now, first, "focus moved on to the next card");

    // L: later (back tomorrow). S: skip.
    press(&app, "l").await?;
    app.wait_text("[data-testid=today-count-today]", "1")
        .await?;
    wait_focus_on_card(&app).await?;
    press(&app, "s").await?;
    app.wait_for("[data-testid=today-clear]").await?;
    app.quit().await?;

    // What the keys did is what the buttons do: one logged touch, one
    // snoozed, one skipped.
    let (store, _) = kizuna_e2e::open_store(dir.path())?;
    let clock = Clock::system(chrono_tz::Asia::Tokyo);
    let view = store.today_view(kizuna_core::reminder::DraftLanguage::Ja, &clock)?;
    assert_eq!(view.today_items.total, 0);
    let touched: i64 = store
        .list_customers(&kizuna_core::customer::CustomerQuery::default())?
        .rows
        .iter()
        .map(|row| {
            store
                .timeline(row.id, &[TimelineKind::Touchpoint], &clock)
                .map(|t| t.items.len() as i64)
        })
        .sum::<kizuna_core::Result<i64>>()?;
    assert_eq!(touched, 1, "done logged exactly one touchpoint");
    Ok(())
}

#[tokio::test]
async fn a_long_day_draws_its_cards_as_they_are_scrolled_to() -> TestResult {
    let dir = data_dir()?;
    let people = (1..=80)
        .map(|n| born_today(&format!("客{n:02}"), "様子", "きゃく", "ようす"))
        .collect();
    seed(dir.path(), Language::Ja, people)?;
    let app = Kizuna::launch_home(dir.path(), &[]).await?;
    app.wait_text("[data-testid=today-count-today]", "80")
        .await?;
    let cards = "[data-testid=today-section-today] [data-testid=reminder]";
    let at_first = app.all(cards).await?.len();
    assert!(
        (1..80).contains(&at_first),
        "the first cards only are drawn at once, not {at_first}"
    );

    // Scrolled to the end again and again, every card comes, the ones not
    // yet asked for too, with no "more" left over.
    let mut drawn = at_first;
    for _ in 0..40 {
        if drawn == 80 {
            break;
        }
        app.driver
            .execute(
                "const v = document.querySelector('[data-testid=today-view]'); v.scrollTop = v.scrollHeight;",
                Vec::new(),
            )
            .await?;
        tokio::time::sleep(Duration::from_millis(250)).await;
        drawn = app.all(cards).await?.len();
    }
    assert_eq!(drawn, 80, "every card of the day was drawn by scrolling");
    let names: std::collections::BTreeSet<String> = {
        let mut names = std::collections::BTreeSet::new();
        for card in app.all(cards).await? {
            names.insert(card.text().await?);
        }
        names
    };
    assert_eq!(names.len(), 80, "no card is drawn twice");
    assert!(
        app.all("[data-testid=today-section-today] .more")
            .await?
            .is_empty()
    );
    app.quit().await?;
    Ok(())
}

#[tokio::test]
async fn esc_on_a_changed_quick_log_asks_first_and_never_while_composing() -> TestResult {
    let dir = data_dir()?;
    seed(
        dir.path(),
        Language::Ja,
        vec![born_today("阿部", "陽子", "あべ", "ようこ")],
    )?;
    let app = Kizuna::launch_home(dir.path(), &[]).await?;
    let typed = "お店の近況をうかがった";
    app.quick_log_for("あべ").await?;
    app.fill("[data-testid=quick-log] input[name=summary]", typed)
        .await?;

    // Esc while the input method is composing belongs to the composition.
    let summary = app
        .wait_for("[data-testid=quick-log] input[name=summary]")
        .await?;
    app.driver
        .execute(
            "arguments[0].dispatchEvent(new CompositionEvent('compositionstart', { bubbles: true, data: 'か' }));",
            vec![summary.to_json()?],
        )
        .await?;
    press(&app, Key::Escape).await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        app.all("[data-testid=discard-confirm]").await?.is_empty(),
        "no question while composing"
    );
    assert_eq!(
        app.all("[data-testid=quick-log][open]").await?.len(),
        1,
        "still open"
    );
    app.driver
        .execute(
            "arguments[0].dispatchEvent(new CompositionEvent('compositionend', { bubbles: true, data: 'か' }));",
            vec![summary.to_json()?],
        )
        .await?;
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Esc on changed typing asks; keeping on editing keeps every character.
    press(&app, Key::Escape).await?;
    app.wait_for("[data-testid=discard-confirm]").await?;
    app.click("[data-testid=keep-editing]").await?;
    let kept = app
        .wait_for("[data-testid=quick-log] input[name=summary]")
        .await?
        .prop("value")
        .await?;
    assert_eq!(kept.as_deref(), Some(typed));

    // Ctrl+Enter saves it from anywhere in the dialog.
    press(&app, Key::Control + Key::Enter).await?;
    app.wait_gone("[data-testid=quick-log][open]").await?;
    app.quit().await?;
    Ok(())
}

/// Whether a process runs whose command line holds `args` (NUL-separated).
fn running_with(args: &str) -> bool {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .any(|entry| {
            std::fs::read(entry.path().join("cmdline"))
                .map(|line| String::from_utf8_lossy(&line).contains(args))
                .unwrap_or(false)
        })
}

#[tokio::test]
async fn an_empty_book_welcomes_with_three_ways_in() -> TestResult {
    let dir = data_dir()?;
    let home = data_dir()?;
    let xdg = home.path().display().to_string();
    // The demo book's folder is under the user's data folder: here, the test's.
    let app = Kizuna::launch_home(dir.path(), &[("XDG_DATA_HOME", xdg.as_str())]).await?;
    app.wait_for("[data-testid=welcome]").await?;
    app.screenshot("welcome").await?;

    // Register the first customer: the form opens, ready to type.
    app.click("[data-testid=welcome-new]").await?;
    app.wait_for("[data-testid=customer-form][open]").await?;
    press(&app, Key::Escape).await?;
    app.wait_gone("[data-testid=customer-form][open]").await?;

    // Import from a phone or Excel: the import dialog.
    app.click("[data-testid=welcome-import]").await?;
    app.wait_for("[data-testid=import-dialog][open]").await?;
    press(&app, Key::Escape).await?;
    app.wait_gone("[data-testid=import-dialog][open]").await?;

    // The demo book: filled in its own folder, and Kizuna reopens on it.
    app.click("[data-testid=welcome-demo]").await?;
    let demo = home.path().join("app.kizuna.desktop/demo");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let customers = loop {
        // Only once the app has made the demo store (its key is in the
        // keychain by then): asking earlier would make a key of its own.
        let made = std::fs::metadata(demo.join(kizuna_core::store::DATABASE_FILE))
            .is_ok_and(|m| m.len() > 0);
        let count = made
            .then(|| kizuna_e2e::open_store(&demo).ok())
            .flatten()
            .and_then(|(store, _)| store.customer_count().ok())
            .unwrap_or(0);
        if count > 0 || std::time::Instant::now() > deadline {
            break count;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    assert_eq!(customers, 200, "the demo book holds its customers");
    // …and Kizuna started again on that folder.
    let wanted = format!("--data-dir\0{}", demo.display());
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while !running_with(&wanted) {
        assert!(
            std::time::Instant::now() < deadline,
            "Kizuna never reopened on the demo book"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    // The user's own book was not touched.
    let (own, _) = kizuna_e2e::open_store(dir.path())?;
    assert_eq!(own.customer_count()?, 0);
    // The app that reopened belongs to the driver's process group and
    // ends with it; the session's own window has gone.
    let _ = app.quit().await;
    Ok(())
}

#[tokio::test]
async fn romaji_finds_the_reading() -> TestResult {
    let dir = data_dir()?;
    seed(
        dir.path(),
        Language::Ja,
        vec![
            born_today("相川", "健", "あいかわ", "けん"),
            born_today("大野", "誠", "オオノ", "マコト"),
            born_today("林", "真理", "はやし", "まり"),
        ],
    )?;
    let app = Kizuna::launch(dir.path()).await?;
    assert_eq!(app.search("aikawa", 1).await?, ["相川 健"]);
    assert_eq!(app.search("ohno", 1).await?, ["大野 誠"]);
    assert_eq!(app.search("hayasi", 1).await?, ["林 真理"]);
    app.quit().await?;
    Ok(())
}

async fn draft_of(app: &Kizuna, name: &str) -> TestResult<String> {
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        for card in app.all("[data-testid=reminder]").await? {
            let who = card
                .find(By::Css("[data-testid=reminder-name]"))
                .await?
                .text()
                .await?;
            if who == name {
                let draft = card.find(By::Css("[data-testid=draft]")).await?;
                return Ok(draft.prop("value").await?.unwrap_or_default());
            }
        }
        if std::time::Instant::now() > deadline {
            return Err(format!("no card for {name}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn each_customer_is_written_to_in_their_own_language() -> TestResult {
    let michael = CustomerProfile {
        honorific: "Mr".to_owned(),
        ..born_today("White", "Michael", "", "")
    };
    let yoko = born_today("阿部", "陽子", "あべ", "ようこ");
    for interface in [Language::Ja, Language::En] {
        let dir = data_dir()?;
        seed(dir.path(), interface, vec![michael.clone(), yoko.clone()])?;
        let app = Kizuna::launch_home(dir.path(), &[]).await?;
        let to_michael = draft_of(&app, "Michael White").await?;
        assert!(
            to_michael.starts_with("Dear Mr White,\nHappy birthday!"),
            "{interface:?}: {to_michael}"
        );
        let to_yoko = draft_of(&app, "阿部 陽子").await?;
        assert!(
            to_yoko.starts_with("阿部 陽子 様\nお誕生日おめでとうございます"),
            "{interface:?}: {to_yoko}"
        );
        if interface == Language::Ja {
            app.screenshot("today-ja").await?;
        }
        app.quit().await?;
    }
    Ok(())
}
