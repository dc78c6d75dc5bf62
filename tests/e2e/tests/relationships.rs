//! The relationship, end to end: quick log, a first purchase, the suggested
//! promotion, the timeline, the dashboard and the visit brief.

use std::path::Path;

use kizuna_core::Clock;
use kizuna_core::customer::CustomerProfile;
use kizuna_core::measures::DashboardQuery;
use kizuna_core::settings::{Language, Settings};
use kizuna_e2e::thirtyfour::prelude::*;
use kizuna_e2e::{Kizuna, TestResult, data_dir};

/// A small demo book plus one prospect with no history; returns the
/// current 12 months' new-customer revenue.
fn seed(dir: &Path) -> TestResult<i64> {
    let (mut store, _) = kizuna_e2e::open_store(dir)?;
    store.save_settings(&Settings {
        language: Language::Ja,
        ..Settings::default()
    })?;
    let clock = Clock::system(chrono_tz::Asia::Tokyo);
    kizuna_core::demo::populate(&mut store, 30, 5, &clock)?;
    store.create_customer(
        CustomerProfile {
            family_name: "新井".to_owned(),
            given_name: "一郎".to_owned(),
            family_name_reading: "あらい".to_owned(),
            given_name_reading: "いちろう".to_owned(),
            ..CustomerProfile::default()
        },
        &clock,
    )?;
    let dashboard = store.dashboard(
        &DashboardQuery {
            months: 12,
            end: None,
        },
        &clock,
    )?;
    Ok(dashboard.revenue.iter().map(|m| m.new_minor).sum())
}

/// Formats yen exactly as the app does, by asking the app's own webview.
async fn yen(app: &Kizuna, minor: i64) -> TestResult<String> {
    let formatted = app
        .driver
        .execute(
            "return new Intl.NumberFormat('ja-JP', { style: 'currency', currency: 'JPY', maximumFractionDigits: 0 }).format(arguments[0]);",
            vec![serde_json::json!(minor)],
        )
        .await?;
    Ok(formatted.json().as_str().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn a_prospects_first_visit_and_purchase_move_them_up_the_ladder() -> TestResult {
    let dir = data_dir()?;
    let new_revenue_before = seed(dir.path())?;
    let app = Kizuna::launch(dir.path()).await?;

    // The dashboard before, then a quick log from there with the shortcut.
    app.click("[data-testid=nav-dashboard]").await?;
    let before = yen(&app, new_revenue_before).await?;
    let summary = app
        .wait_for("[data-testid=revenue-chart-summary]")
        .await?
        .text()
        .await?;
    assert!(summary.contains(&format!("新規客 {before}")), "{summary}");

    // Pick the customer by typing their reading, then Enter.
    let chosen = app.quick_log_for("あらい").await?;
    assert!(chosen.contains("新井 一郎"));
    app.click("[data-testid=kind-call]").await?;
    let summary_input = app
        .wait_for("[data-testid=quick-log] [name=summary]")
        .await?;
    summary_input.send_keys("お店の近況をうかがう").await?;
    summary_input.send_keys(Key::Control + Key::Enter).await?;
    app.wait_until("the quick log closes", || async {
        Ok(app.all("[data-testid=quick-log]").await?.is_empty())
    })
    .await?;

    // The customer page: record the first purchase.
    app.click("[data-testid=nav-customers]").await?;
    assert_eq!(app.search("あらい", 1).await?, ["新井 一郎"]);
    app.click("[data-testid=customer-row]").await?;
    app.wait_text("[data-testid=detail-name]", "新井 一郎")
        .await?;
    app.click("[data-testid=record-purchase]").await?;
    app.fill(
        "[data-testid=purchase-dialog] [name=item]",
        "本マグロ 中トロ 1kg",
    )
    .await?;
    app.fill("[data-testid=purchase-dialog] [name=amount]", "12,800")
        .await?;
    app.click("[data-testid=save-purchase]").await?;

    // The rules suggest Customer; accepting moves them and says why.
    let suggestion = app.wait_for("[data-testid=promotion-suggestion]").await?;
    assert_eq!(
        suggestion.attr("data-rule").await?.as_deref(),
        Some("first_purchase")
    );
    assert!(suggestion.text().await?.contains("本マグロ 中トロ 1kg"));
    app.wait_text("[data-testid=detail-stage]", "潜在顧客")
        .await?;
    app.click("[data-testid=accept-promotion]").await?;
    app.wait_text("[data-testid=detail-stage]", "顧客").await?;
    app.wait_until("the suggestion is gone", || async {
        Ok(app
            .all("[data-testid=promotion-suggestion]")
            .await?
            .is_empty())
    })
    .await?;

    // Both on the timeline, with the promotion above them.
    app.click("[data-testid=tab-timeline]").await?;
    app.wait_until(
        "the timeline shows the promotion, the purchase and the call",
        || async {
            let mut kinds = Vec::new();
            for entry in app.all("[data-testid=timeline-entry]").await? {
                kinds.push(entry.attr("data-kind").await?.unwrap_or_default());
            }
            Ok(kinds.iter().take(3).map(String::as_str).collect::<Vec<_>>()
                == ["stage_change", "purchase", "touchpoint"])
        },
    )
    .await?;
    let entries = app.all("[data-testid=timeline-entry]").await?;
    assert!(entries[0].text().await?.contains("潜在顧客 → 顧客"));
    assert!(entries[1].text().await?.contains("本マグロ 中トロ 1kg"));
    assert!(entries[1].text().await?.contains("新規"));
    assert!(entries[2].text().await?.contains("お店の近況をうかがう"));

    // The dashboard's new-customer revenue grew by the purchase.
    app.click("[data-testid=nav-dashboard]").await?;
    let after = yen(&app, new_revenue_before + 12_800).await?;
    app.wait_until("the new-customer revenue includes the purchase", || async {
        let text = app
            .wait_for("[data-testid=revenue-chart-summary]")
            .await?
            .text()
            .await?;
        Ok(text.contains(&format!("新規客 {after}")))
    })
    .await?;

    // The visit brief.
    app.click("[data-testid=nav-customers]").await?;
    app.click("[data-testid=open-brief]").await?;
    app.wait_text("[data-testid=brief-name]", "新井 一郎様")
        .await?;
    let purchases = app
        .wait_for("[data-testid=brief-purchases]")
        .await?
        .text()
        .await?;
    assert!(purchases.starts_with("1回"), "{purchases}");
    app.screenshot("visit-brief").await?;
    app.quit().await
}

#[tokio::test]
async fn a_deleted_touchpoint_comes_back_with_undo() -> TestResult {
    let dir = data_dir()?;
    seed(dir.path())?;
    let app = Kizuna::launch(dir.path()).await?;
    app.search("あらい", 1).await?;
    app.click("[data-testid=customer-row]").await?;
    app.click("[data-testid=log-for-customer]").await?;
    app.fill(
        "[data-testid=quick-log] [name=summary]",
        "誕生日カードを送った",
    )
    .await?;
    app.click("[data-testid=kind-letter]").await?;
    app.click("[data-testid=save-touchpoint]").await?;
    let entry = "[data-testid=timeline-entry][data-kind=touchpoint]";
    app.wait_for(entry).await?;
    assert!(
        app.wait_for(entry).await?.text().await?.contains("ギブ"),
        "a card is a give"
    );

    app.click(&format!("{entry} button")).await?;
    app.click("[data-testid=delete-touchpoint]").await?;
    app.wait_until("the touchpoint is gone", || async {
        Ok(app.all(entry).await?.is_empty())
    })
    .await?;
    app.click("[data-testid=toast-action]").await?;
    app.wait_text(&format!("{entry} .text"), "誕生日カードを送った")
        .await?;
    app.quit().await
}
