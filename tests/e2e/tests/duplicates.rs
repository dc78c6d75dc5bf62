//! Possible duplicates through the real window: found across spellings with
//! their reasons in words, and a pair marked "not the same person" gone for
//! good.

use kizuna_core::Clock;
use kizuna_core::customer::{CustomerProfile, Phone};
use kizuna_core::settings::{Language, Settings};
use kizuna_e2e::{Kizuna, TestResult, data_dir};

fn person(family: &str, given: &str, reading: (&str, &str), mobile: &str) -> CustomerProfile {
    CustomerProfile {
        family_name: family.to_owned(),
        given_name: given.to_owned(),
        family_name_reading: reading.0.to_owned(),
        given_name_reading: reading.1.to_owned(),
        phones: if mobile.is_empty() {
            Vec::new()
        } else {
            vec![Phone {
                label: "携帯".to_owned(),
                number: mobile.to_owned(),
            }]
        },
        ..CustomerProfile::default()
    }
}

async fn open_duplicates(app: &Kizuna) -> TestResult {
    app.click("[data-testid=nav-settings]").await?;
    app.wait_for("[data-testid=data-settings]").await?;
    // The settings page grows as its template preview loads, which can
    // move the button from under a click: clicked until the dialog is up.
    for _ in 0..10 {
        app.click("[data-testid=open-duplicates]").await?;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        if !app
            .all("[data-testid=duplicates-dialog][open]")
            .await?
            .is_empty()
        {
            break;
        }
    }
    app.wait_for("[data-testid=duplicate-pair], [data-testid=duplicates-none]")
        .await?;
    Ok(())
}

#[tokio::test]
async fn a_person_entered_twice_is_found_with_its_reasons_and_two_people_are_left_alone()
-> TestResult {
    let dir = data_dir()?;
    {
        let (mut store, _) = kizuna_e2e::open_store(dir.path())?;
        store.save_settings(&Settings {
            language: Language::Ja,
            ..Settings::default()
        })?;
        let clock = Clock::system(chrono_tz::Asia::Tokyo);
        // One man, from a phone and from an Excel sheet.
        store.create_customer(
            person("髙橋", "健", ("たかはし", "けん"), "090-1234-5678"),
            &clock,
        )?;
        store.create_customer(
            person("高橋", "健", ("タカハシ", "ケン"), "09012345678"),
            &clock,
        )?;
        // Two women of one name, each with her own number.
        store.create_customer(
            person("佐藤", "花子", ("さとう", "はなこ"), "080-1111-2222"),
            &clock,
        )?;
        store.create_customer(
            person("佐藤", "花子", ("さとう", "はなこ"), "080-3333-4444"),
            &clock,
        )?;
        store.create_customer(person("山田", "太郎", ("やまだ", "たろう"), ""), &clock)?;
    }
    let app = Kizuna::launch_home(dir.path(), &[]).await?;
    open_duplicates(&app).await?;
    app.wait_text("[data-testid=duplicates-count]", "候補 2組")
        .await?;
    // The most certain first: the same mobile number written two ways.
    let first = app.wait_for("[data-testid=duplicate-pair]").await?;
    let mut reasons = Vec::new();
    for chip in first
        .find_all(kizuna_e2e::thirtyfour::By::Css(
            "[data-testid=duplicate-reason]",
        ))
        .await?
    {
        reasons.push(chip.prop("textContent").await?.unwrap_or_default());
    }
    assert_eq!(
        reasons,
        ["同じ携帯番号", "同じよみ", "異体字違いの名前"],
        "the reasons, in words"
    );
    app.screenshot("duplicates-ja").await?;

    // The two 佐藤 花子 are two people: the pair goes, and stays gone.
    let pairs = app.all("[data-testid=duplicate-pair]").await?;
    let second = pairs.get(1).ok_or("a second pair")?;
    second
        .find(kizuna_e2e::thirtyfour::By::Css(
            "[data-testid=duplicate-not-same]",
        ))
        .await?
        .click()
        .await?;
    app.wait_text("[data-testid=duplicates-count]", "候補 1組")
        .await?;
    app.quit().await?;

    let app = Kizuna::launch_home(dir.path(), &[]).await?;
    open_duplicates(&app).await?;
    app.wait_text("[data-testid=duplicates-count]", "候補 1組")
        .await?;
    assert_eq!(app.all("[data-testid=duplicate-pair]").await?.len(), 1);
    app.quit().await
}
