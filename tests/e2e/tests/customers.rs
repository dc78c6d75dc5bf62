//! The customer book, end to end: the real app, a real store on disk.

use std::path::Path;

use kizuna_core::Clock;
use kizuna_core::settings::{Language, Settings};
use kizuna_e2e::thirtyfour::prelude::*;
use kizuna_e2e::{Kizuna, TestResult, data_dir};

const FORM: &str = "[data-testid=customer-form]";

/// A store with `count` demo customers and the interface in `language`.
fn seed(dir: &Path, count: usize, language: Language) -> TestResult {
    let (mut store, _) = kizuna_e2e::open_store(dir)?;
    store.save_settings(&Settings {
        language,
        ..Settings::default()
    })?;
    let clock = Clock::system(chrono_tz::Asia::Tokyo);
    kizuna_core::demo::populate(&mut store, count, 11, &clock)?;
    Ok(())
}

async fn field(app: &Kizuna, name: &str, text: &str) -> TestResult {
    app.fill(&format!("{FORM} [name='{name}']"), text).await
}

#[tokio::test]
async fn a_customer_is_created_found_edited_and_still_there_after_a_restart() -> TestResult {
    let dir = data_dir()?;
    seed(dir.path(), 200, Language::Ja)?;
    let app = Kizuna::launch(dir.path()).await?;
    app.wait_text("[data-testid=result-count]", "200人").await?;

    app.click("[data-testid=new-customer]").await?;
    app.wait_for(FORM).await?;
    field(&app, "family_name", "御手洗").await?;
    field(&app, "given_name", "花子").await?;
    field(&app, "family_name_reading", "ミタライ").await?;
    field(&app, "given_name_reading", "ハナコ").await?;
    field(&app, "company", "割烹 みやび").await?;
    app.click("[data-testid=add-phone]").await?;
    field(&app, "phones.0.number", "090-1234-5678").await?;
    field(&app, "notes", "ご主人は釣りが好き").await?;
    app.click("[data-testid=save]").await?;

    app.wait_text("[data-testid=detail-name]", "御手洗 花子")
        .await?;
    // Typed in katakana, kept in hiragana like every reading.
    app.wait_text("[data-testid=detail-reading]", "みたらい はなこ")
        .await?;
    app.wait_text("[data-testid=result-count]", "201人").await?;

    // The reading was typed in katakana; hiragana finds it.
    assert_eq!(app.search("みたらい", 1).await?, ["御手洗 花子"]);
    // A two-character fragment of the kanji name finds it too.
    assert_eq!(app.search("手洗", 1).await?, ["御手洗 花子"]);
    // So do the phone's digits typed without hyphens.
    assert_eq!(app.search("09012345678", 1).await?, ["御手洗 花子"]);

    app.click("[data-testid=customer-row]").await?;
    app.click("[data-testid=edit]").await?;
    app.wait_for(FORM).await?;
    field(&app, "given_name", "華子").await?;
    field(&app, "notes", "ご主人は釣りが好き。娘さんが春に結婚。").await?;
    app.click("[data-testid=save]").await?;
    app.wait_text("[data-testid=detail-name]", "御手洗 華子")
        .await?;
    app.screenshot("customer-edited").await?;
    app.quit().await?;

    let app = Kizuna::launch(dir.path()).await?;
    assert_eq!(app.search("みたらい", 1).await?, ["御手洗 華子"]);
    app.click("[data-testid=customer-row]").await?;
    app.click("[data-testid=tab-profile]").await?;
    app.wait_text(
        "[data-testid=detail-notes]",
        "ご主人は釣りが好き。娘さんが春に結婚。",
    )
    .await?;
    app.quit().await
}

#[tokio::test]
async fn markup_in_customer_text_is_shown_as_text() -> TestResult {
    let dir = data_dir()?;
    seed(dir.path(), 0, Language::En)?;
    let app = Kizuna::launch(dir.path()).await?;
    let title = app.driver.title().await?;

    let hostile = "<img src=x onerror=alert(1)>";
    app.click("[data-testid=new-customer]").await?;
    field(&app, "family_name", hostile).await?;
    field(
        &app,
        "notes",
        "<script>document.title='owned'</script><b>bold?</b>",
    )
    .await?;
    app.click("[data-testid=save]").await?;

    app.wait_text("[data-testid=detail-name]", hostile).await?;
    app.click("[data-testid=tab-profile]").await?;
    app.wait_text(
        "[data-testid=detail-notes]",
        "<script>document.title='owned'</script><b>bold?</b>",
    )
    .await?;
    app.wait_listed(&[hostile]).await?;
    assert!(
        app.all("[data-testid=customer-detail] img, [data-testid=customer-detail] b")
            .await?
            .is_empty()
    );
    assert!(app.all("[data-testid=customer-list] img").await?.is_empty());
    assert!(
        app.driver.get_alert_text().await.is_err(),
        "an alert was opened"
    );
    assert_eq!(app.driver.title().await?, title);
    app.quit().await
}

#[tokio::test]
async fn a_refused_field_is_explained_in_place_and_nothing_typed_is_lost() -> TestResult {
    let dir = data_dir()?;
    seed(dir.path(), 0, Language::Ja)?;
    let app = Kizuna::launch(dir.path()).await?;

    app.click("[data-testid=new-customer]").await?;
    field(&app, "family_name", "佐藤").await?;
    field(&app, "family_name_reading", "佐藤").await?;
    app.click("[data-testid=add-email]").await?;
    field(&app, "emails.0.address", "sato-at-example").await?;
    app.click("[data-testid=save]").await?;

    app.wait_text(
        "[data-testid=field-error][data-field='emails.0.address']",
        "メールアドレスの形式が正しくありません",
    )
    .await?;
    app.wait_text(
        "[data-testid=field-error][data-field='family_name_reading']",
        "ひらがな・カタカナで入力してください",
    )
    .await?;
    let email = app
        .wait_for(&format!("{FORM} [name='emails.0.address']"))
        .await?;
    assert_eq!(email.value().await?.as_deref(), Some("sato-at-example"));
    assert!(
        app.all("[data-testid=customer-row]").await?.is_empty(),
        "nothing is saved"
    );

    field(&app, "family_name_reading", "さとう").await?;
    field(&app, "emails.0.address", "sato@example.jp").await?;
    app.click("[data-testid=save]").await?;
    app.wait_text("[data-testid=detail-name]", "佐藤").await?;
    app.quit().await
}

#[tokio::test]
async fn customers_are_archived_restored_and_deleted_after_confirmation() -> TestResult {
    let dir = data_dir()?;
    seed(dir.path(), 3, Language::En)?;
    let app = Kizuna::launch(dir.path()).await?;
    app.wait_text("[data-testid=result-count]", "3 customers")
        .await?;
    let first = app.wait_names().await?.remove(0);

    app.click("[data-testid=customer-row]").await?;
    app.click("[data-testid=archive]").await?;
    app.wait_text("[data-testid=result-count]", "2 customers")
        .await?;
    app.click("[data-testid=filter-archived]").await?;
    app.wait_text("[data-testid=result-count]", "1 customer")
        .await?;
    app.wait_listed(&[first.as_str()]).await?;

    app.click("[data-testid=customer-row]").await?;
    app.click("[data-testid=archive]").await?; // restore
    app.wait_text("[data-testid=result-count]", "0 customers")
        .await?;
    app.click("[data-testid=filter-archived]").await?;
    app.wait_text("[data-testid=result-count]", "3 customers")
        .await?;

    app.click("[data-testid=customer-row]").await?;
    app.click("[data-testid=delete]").await?;
    // Cancelling keeps the customer.
    app.wait_for("[data-testid=confirm-dialog][open]").await?;
    app.driver
        .action_chain()
        .send_keys(Key::Escape)
        .perform()
        .await?;
    app.wait_until("the dialog closes", || async {
        Ok(app
            .all("[data-testid=confirm-dialog][open]")
            .await?
            .is_empty())
    })
    .await?;
    app.wait_text("[data-testid=result-count]", "3 customers")
        .await?;
    app.click("[data-testid=delete]").await?;
    app.click("[data-testid=confirm]").await?;
    app.wait_text("[data-testid=result-count]", "2 customers")
        .await?;
    assert!(!app.listed_names().await?.contains(&first));
    app.quit().await
}

#[tokio::test]
async fn the_keyboard_reaches_search_and_the_new_customer_form() -> TestResult {
    let dir = data_dir()?;
    seed(dir.path(), 20, Language::En)?;
    let app = Kizuna::launch(dir.path()).await?;
    app.wait_for("[data-testid=customer-row]").await?;
    app.wait_for("body").await?.click().await?;

    app.driver.action_chain().send_keys("/").perform().await?;
    app.wait_until("the search box has focus", || async {
        let active = app.driver.active_element().await?;
        Ok(active.attr("data-testid").await?.as_deref() == Some("search"))
    })
    .await?;

    app.driver
        .action_chain()
        .key_down(Key::Control)
        .send_keys("n")
        .key_up(Key::Control)
        .perform()
        .await?;
    app.wait_for(&format!("{FORM}[open]")).await?;
    app.driver
        .action_chain()
        .send_keys(Key::Escape)
        .perform()
        .await?;
    app.wait_until("the form closes", || async {
        Ok(app.all(FORM).await?.is_empty())
    })
    .await?;
    app.quit().await
}

/// The customer the detail pane shows, once it shows one other than
/// `before` and it is the one selected in the list.
async fn opened(app: &Kizuna, before: Option<i64>) -> TestResult<i64> {
    let shown = || async {
        let id = app.opened_customer().await?;
        TestResult::Ok(id.filter(|id| Some(*id) != before))
    };
    app.wait_until("another customer opens", || async {
        Ok(shown().await?.is_some())
    })
    .await?;
    Ok(shown().await?.unwrap_or_default())
}

/// The ids of the rows drawn at the top of the list, in order.
async fn top_rows(app: &Kizuna) -> TestResult<Vec<i64>> {
    Ok(app
        .driver
        .execute(
            "return [...document.querySelectorAll('[data-testid=customer-row]')]
               .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
               .map((row) => Number(row.dataset.customerId));",
            Vec::new(),
        )
        .await?
        .convert()?)
}

async fn press(app: &Kizuna, key: Key) -> TestResult {
    app.driver.action_chain().send_keys(key).perform().await?;
    Ok(())
}

#[tokio::test]
async fn a_long_list_scrolled_far_and_back_still_answers_the_keyboard() -> TestResult {
    let dir = data_dir()?;
    seed(dir.path(), 2_000, Language::Ja)?;
    let app = Kizuna::launch(dir.path()).await?;
    app.wait_for("[data-testid=customer-row]").await?;
    let top = top_rows(&app).await?;
    assert!(top.len() >= 3, "the first rows are drawn: {top:?}");

    // To the end of the list, where the first rows are let go…
    app.scroll_list(1.0).await?;
    assert!(
        !top_rows(&app).await?.contains(&top[0]),
        "the end of the list shows other rows"
    );

    // …and ↓ from the search box still opens the first customer, then the next.
    app.click("[data-testid=search]").await?;
    press(&app, Key::Down).await?;
    let first = opened(&app, None).await?;
    assert_eq!(first, top[0]);
    press(&app, Key::Down).await?;
    assert_eq!(opened(&app, Some(first)).await?, top[1]);

    // A customer chosen with the mouse, the list scrolled far from them:
    // ↓ goes on from them, not from the top.
    app.click(&format!(
        "[data-testid=customer-row][data-customer-id='{}']",
        top[0]
    ))
    .await?;
    opened(&app, Some(top[1])).await?;
    app.scroll_list(0.6).await?;
    app.click("[data-testid=search]").await?;
    press(&app, Key::Down).await?;
    assert_eq!(opened(&app, Some(top[0])).await?, top[1]);

    // Back in the middle and at the top, the rows come again.
    app.scroll_list(0.5).await?;
    app.scroll_list(0.0).await?;
    assert_eq!(top_rows(&app).await?.first(), top.first());
    app.quit().await
}
