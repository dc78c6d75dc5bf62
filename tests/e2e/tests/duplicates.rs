//! Possible duplicates through the real window: found across spellings with
//! their reasons in words, a pair marked "not the same person" gone for
//! good, and one person imported twice merged into one record and parted
//! again by undo.

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

/// The reasons a listed pair gives, in words.
async fn reasons_of(pair: &kizuna_e2e::thirtyfour::WebElement) -> TestResult<Vec<String>> {
    let mut reasons = Vec::new();
    for chip in pair
        .find_all(kizuna_e2e::thirtyfour::By::Css(
            "[data-testid=duplicate-reason]",
        ))
        .await?
    {
        reasons.push(chip.prop("textContent").await?.unwrap_or_default());
    }
    Ok(reasons)
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
    let reasons = reasons_of(&first).await?;
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

#[tokio::test]
async fn a_person_imported_twice_is_merged_into_the_older_record_and_undo_parts_them_again()
-> TestResult {
    let dir = data_dir()?;
    {
        let (mut store, _) = kizuna_e2e::open_store(dir.path())?;
        store.save_settings(&Settings {
            language: Language::Ja,
            ..Settings::default()
        })?;
        let clock = Clock::system(chrono_tz::Asia::Tokyo);
        let older = store.create_customer(
            person("高橋", "健", ("たかはし", "けん"), "090-1234-5678"),
            &clock,
        )?;
        store.log_touchpoint(
            kizuna_core::touchpoint::TouchpointInput {
                customer_id: older.id,
                kind: kizuna_core::touchpoint::TouchpointKind::Visit,
                occurred_at: clock.timestamp() - 30 * 86_400,
                summary: "初回訪問".to_owned(),
                notes: String::new(),
                direction: kizuna_core::touchpoint::Direction::Give,
                satisfaction: None,
                promise: None,
            },
            &clock,
        )?;
    }
    // His card from a spreadsheet: the same mobile number, written with the
    // old form of 高, his e-mail and his shop.
    let files = tempfile::tempdir()?;
    let card = files.path().join("sheet.vcf");
    std::fs::write(
        &card,
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:sheet-7\r\nN:髙橋;健;;;\r\nFN:髙橋 健\r\n\
         ORG:割烹 みやび\r\nTEL;TYPE=CELL:09012345678\r\nEMAIL:ken@example.jp\r\nEND:VCARD\r\n",
    )?;
    let app = Kizuna::launch_home(dir.path(), &[]).await?;

    // The import cannot tell whether he is the customer already in the
    // book: it says so, adds him, and leaves the pair to check.
    app.click("[data-testid=nav-settings]").await?;
    app.wait_for("[data-testid=data-settings]").await?;
    app.click("[data-testid=open-import]").await?;
    app.choose_in_dialog("[data-testid=import-choose]", "読み込むファイル", &card)
        .await?;
    app.wait_chosen("[data-testid=import-path]", "sheet.vcf")
        .await?;
    app.click("[data-testid=import-next]").await?;
    app.wait_text("[data-testid=import-new]", "新規 1人")
        .await?;
    app.wait_contains(
        "[data-testid=import-to-review]",
        "1件は、台帳のお客さまと同じ人か見分けがつきません",
    )
    .await?;
    app.wait_for("[data-testid=import-row-review]").await?;
    app.click("[data-testid=import-apply]").await?;
    app.click("[data-testid=toast-action]").await?;
    let pair = app.wait_for("[data-testid=duplicate-pair]").await?;
    let reasons = reasons_of(&pair).await?;
    assert_eq!(
        reasons,
        [
            "同じ携帯番号",
            "異体字違いの名前",
            "取り込み時に見分けられなかった"
        ],
        "the reasons, in words"
    );
    app.click("[data-testid=duplicates-dialog] .actions .button")
        .await?;
    app.wait_gone("[data-testid=duplicates-dialog][open]")
        .await?;

    // A visit logged on the new record, before anyone notices.
    app.quick_log_for("みやび").await?;
    app.fill("[data-testid=quick-log] [name=summary]", "試食会")
        .await?;
    app.click("[data-testid=save-touchpoint]").await?;
    app.wait_until("the quick log closes", || async {
        Ok(app.all("[data-testid=quick-log]").await?.is_empty())
    })
    .await?;

    // Side by side, the older record stays unless told otherwise; the
    // names disagree and his is kept.
    open_duplicates(&app).await?;
    app.click("[data-testid=duplicate-merge]").await?;
    app.wait_for("[data-testid=merge-panel]").await?;
    app.wait_contains("[data-testid=merge-moves]", "接点 1件")
        .await?;
    let keep = app.all("[data-testid=merge-keep]").await?;
    assert_eq!(keep.len(), 2);
    assert_eq!(keep[0].prop("checked").await?.as_deref(), Some("true"));
    let name = app
        .wait_for("[data-testid=merge-row][data-field=name]")
        .await?;
    assert!(
        name.attr("class")
            .await?
            .unwrap_or_default()
            .contains("conflict"),
        "高橋 and 髙橋 are for the user to choose"
    );
    app.screenshot("merge-ja").await?;
    app.click("[data-testid=merge-confirm]").await?;
    app.wait_contains(
        "[data-testid=toast]",
        "「髙橋 健」を「高橋 健」に統合しました",
    )
    .await?;
    app.wait_for("[data-testid=duplicates-none]").await?;
    app.click("[data-testid=duplicates-dialog] .actions .button")
        .await?;
    app.wait_gone("[data-testid=duplicates-dialog][open]")
        .await?;

    // One customer, one timeline holding both histories.
    app.click("[data-testid=nav-customers]").await?;
    assert_eq!(app.search("健", 1).await?, ["高橋 健"]);
    app.click("[data-testid=customer-row]").await?;
    app.wait_for("[data-testid=timeline-entry]").await?;
    app.wait_contains("[data-testid=timeline]", "試食会")
        .await?;
    app.wait_contains("[data-testid=timeline]", "初回訪問")
        .await?;
    app.wait_contains("[data-testid=customer-detail]", "割烹 みやび")
        .await?;

    // Undone (Ctrl+Z, the notice long gone): both records again.
    tokio::time::sleep(std::time::Duration::from_secs(9)).await;
    app.wait_for("body").await?.click().await?;
    app.driver
        .action_chain()
        .key_down(kizuna_e2e::thirtyfour::Key::Control)
        .send_keys("z")
        .key_up(kizuna_e2e::thirtyfour::Key::Control)
        .perform()
        .await?;
    app.wait_contains("[data-testid=toast]", "元に戻しました")
        .await?;
    app.search("健", 2).await?;
    app.quit().await
}
