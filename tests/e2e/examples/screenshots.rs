//! Takes the README's screenshots from the real app on demo data:
//! `xvfb-run -a cargo run -p kizuna-e2e --example screenshots`.

use std::path::Path;

use kizuna_core::customer::CustomerQuery;
use kizuna_core::ladder::Stage;
use kizuna_core::settings::{Language, Settings};
use kizuna_core::{Clock, Store};
use kizuna_e2e::{Kizuna, TestResult, data_dir, thirtyfour};

/// A demo customer with a full profile and history, to show off the
/// customer page; their name is unique, so a search lists only them.
fn showcase(store: &Store) -> TestResult<String> {
    let page = store.list_customers(&CustomerQuery {
        limit: 500,
        ..CustomerQuery::default()
    })?;
    for row in &page.rows {
        if page
            .rows
            .iter()
            .filter(|r| r.display_name == row.display_name)
            .count()
            > 1
        {
            continue;
        }
        let customer = store.customer(row.id)?;
        let p = &customer.profile;
        // A supporter or higher, so the timeline tells a story.
        if row.stage >= Stage::Supporter
            && !p.family_members.is_empty()
            && !p.company.is_empty()
            && !p.notes.is_empty()
            && p.birthday.is_some()
        {
            return Ok(customer.display_name);
        }
    }
    Err("no demo customer with a full profile".into())
}

#[tokio::main]
async fn main() -> TestResult {
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("screenshots");
    std::fs::create_dir_all(&out)?;
    let dir = data_dir()?;
    let name = {
        let (mut store, _) = kizuna_e2e::open_store(dir.path())?;
        store.save_settings(&Settings {
            language: Language::Ja,
            ..Settings::default()
        })?;
        kizuna_core::demo::populate(&mut store, 200, 7, &Clock::system(chrono_tz::Asia::Tokyo))?;
        showcase(&store)?
    };

    // The home screen first: the Today view on demo data.
    let app = Kizuna::launch_home(dir.path(), &[]).await?;
    app.wait_for("[data-testid=reminder]").await?;
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    app.save_screenshot(&out.join("today-ja.png"))?;
    app.driver.action_chain().send_keys("?").perform().await?;
    app.wait_for("[data-testid=shortcuts-help][open]").await?;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.save_screenshot(&out.join("shortcuts-ja.png"))?;
    app.driver
        .action_chain()
        .send_keys(thirtyfour::Key::Escape)
        .perform()
        .await?;
    app.click("[data-testid=nav-customers]").await?;
    let shown = app.search(&name, 1).await?;
    app.click("[data-testid=customer-row]").await?;
    app.wait_text("[data-testid=detail-name]", &shown[0])
        .await?;
    app.fill("[data-testid=search]", "").await?;
    app.wait_for("[data-testid=customer-row]").await?;
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    app.save_screenshot(&out.join("customers-ja.png"))?;

    app.click("[data-testid=tab-profile]").await?;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.save_screenshot(&out.join("profile-ja.png"))?;
    app.click("[data-testid=tab-timeline]").await?;

    app.click("[data-testid=log-for-customer]").await?;
    app.wait_for("[data-testid=quick-log][open]").await?;
    app.fill(
        "[data-testid=quick-log] [name=summary]",
        "新メニューの試食に立ち会った",
    )
    .await?;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.save_screenshot(&out.join("quick-log-ja.png"))?;
    // Typed text is not dropped without asking.
    app.driver
        .action_chain()
        .send_keys(thirtyfour::Key::Escape)
        .perform()
        .await?;
    app.wait_for("[data-testid=discard-confirm]").await?;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    app.save_screenshot(&out.join("discard-ja.png"))?;
    app.click("[data-testid=discard]").await?;

    app.click("[data-testid=open-brief]").await?;
    app.wait_for("[data-testid=brief-name]").await?;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.save_screenshot(&out.join("brief-ja.png"))?;
    app.click(".toolbar .button").await?;

    app.click("[data-testid=nav-dashboard]").await?;
    app.wait_for("[data-testid=revenue-chart]").await?;
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    app.save_screenshot(&out.join("dashboard-ja.png"))?;
    app.click("[data-testid=nav-customers]").await?;

    app.click("[data-testid=edit]").await?;
    app.wait_for("[data-testid=customer-form][open]").await?;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.save_screenshot(&out.join("form-ja.png"))?;
    app.driver
        .action_chain()
        .send_keys(thirtyfour::Key::Escape)
        .perform()
        .await?;

    // Importing a Japanese address book saved by Excel (Shift_JIS).
    let sheet = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../src-tauri/core/tests/data/address-book-excel-shift-jis.csv");
    app.click("[data-testid=nav-settings]").await?;
    let preview = app.wait_for("[data-testid=template-preview-text]").await?;
    app.wait_until("the preview is written", || async {
        Ok(!preview.text().await?.is_empty())
    })
    .await?;
    app.wait_for("[data-testid=template-text]")
        .await?
        .scroll_into_view()
        .await?;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.save_screenshot(&out.join("templates-ja.png"))?;
    app.click("[data-testid=backup-now]").await?;
    app.wait_for("[data-testid=backup-row]").await?;
    app.click("[data-testid=open-import]").await?;
    app.choose_in_dialog("[data-testid=import-choose]", "読み込むファイル", &sheet)
        .await?;
    app.wait_chosen("[data-testid=import-path]", ".csv").await?;
    app.click("[data-testid=import-next]").await?;
    app.wait_for("[data-testid=import-columns]").await?;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.save_screenshot(&out.join("import-columns-ja.png"))?;
    app.click("[data-testid=import-next]").await?;
    app.wait_for("[data-testid=import-new]").await?;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.save_screenshot(&out.join("import-preview-ja.png"))?;
    app.driver
        .action_chain()
        .send_keys(thirtyfour::Key::Escape)
        .perform()
        .await?;
    let data = app.wait_for("[data-testid=data-settings]").await?;
    data.scroll_into_view().await?;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.save_screenshot(&out.join("data-ja.png"))?;

    // The recovery key, shown until it is typed back.
    let security = app.wait_for("[data-testid=security-settings]").await?;
    security.scroll_into_view().await?;
    app.click("[data-testid=recovery-show]").await?;
    app.wait_for("[data-testid=recovery-key]").await?;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.save_screenshot(&out.join("recovery-key-ja.png"))?;
    app.quit().await?;

    let (mut store, _) = kizuna_e2e::open_store(dir.path())?;
    store.save_settings(&Settings {
        language: Language::En,
        ..Settings::default()
    })?;
    drop(store);
    let app = Kizuna::launch(dir.path()).await?;
    app.search(&name, 1).await?;
    app.click("[data-testid=customer-row]").await?;
    app.fill("[data-testid=search]", "").await?;
    app.wait_for("[data-testid=customer-row]").await?;
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    app.save_screenshot(&out.join("customers-en.png"))?;
    app.quit().await?;

    // The first run: an empty book's welcome.
    let empty = data_dir()?;
    let (mut store, _) = kizuna_e2e::open_store(empty.path())?;
    store.save_settings(&Settings {
        language: Language::Ja,
        ..Settings::default()
    })?;
    drop(store);
    let app = Kizuna::launch_home(empty.path(), &[]).await?;
    app.wait_for("[data-testid=welcome]").await?;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.save_screenshot(&out.join("welcome-ja.png"))?;
    app.quit().await?;

    // A book whose key this computer's keychain lacks: the unlock screen,
    // in the system's language (the book's own settings are locked in it;
    // this machine's is English).
    let elsewhere = data_dir()?;
    drop(Store::open_in_dir(
        elsewhere.path(),
        &kizuna_core::keys::StoreKey::generate()?,
    )?);
    let app = Kizuna::launch_home(elsewhere.path(), &[]).await?;
    app.wait_for("[data-testid=unlock][data-lock=recovery_key]")
        .await?;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    app.save_screenshot(&out.join("unlock-en.png"))?;
    app.quit().await?;
    println!("screenshots written to {}", out.display());
    Ok(())
}
