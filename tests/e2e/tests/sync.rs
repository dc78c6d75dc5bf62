//! Setting up the salesperson's own server through the window, against a
//! real Radicale on 127.0.0.1: a wrong password told in words, then the
//! connection tested, 「絆」 collections made, the password in the keychain
//! (never in the book), a sync, deleting a customer with their card on the
//! phone, and disconnecting.

// The same Radicale as the sync crate's tests (this test uses a part of it).
#[allow(dead_code)]
#[path = "../../../src-tauri/sync/tests/support/radicale.rs"]
mod radicale;

use kizuna_core::keys::SyncSecret;
use kizuna_core::settings::{Language, Settings};
use kizuna_e2e::{Kizuna, TestResult, data_dir};
use radicale::{PASSWORD, Radicale, USER};

#[tokio::test]
async fn the_server_is_tested_connected_and_disconnected_from_settings() -> TestResult {
    let server = Radicale::start();
    let address = server.address();
    let dir = data_dir()?;
    let uid = {
        let (mut store, _) = kizuna_e2e::open_store(dir.path())?;
        store.save_settings(&Settings {
            language: Language::Ja,
            ..Settings::default()
        })?;
        let customer = store.create_customer(
            kizuna_core::customer::CustomerProfile {
                family_name: "高橋".to_owned(),
                given_name: "健".to_owned(),
                family_name_reading: "たかはし".to_owned(),
                given_name_reading: "けん".to_owned(),
                ..Default::default()
            },
            &kizuna_core::Clock::system(chrono_tz::Asia::Tokyo),
        )?;
        customer.uid
    };
    let app = Kizuna::launch_home(dir.path(), &[]).await?;
    app.click("[data-testid=nav-settings]").await?;
    app.wait_for("[data-testid=sync-settings]").await?;
    app.fill("[data-testid=sync-settings] [name=server]", &address)
        .await?;
    app.fill("[data-testid=sync-settings] [name=user]", USER)
        .await?;
    app.fill("[data-testid=sync-settings] [name=password]", "wrong")
        .await?;
    app.click("[data-testid=sync-test]").await?;
    app.wait_contains(
        "[data-testid=sync-problem]",
        "ユーザー名かパスワードが違います",
    )
    .await?;

    app.fill("[data-testid=sync-settings] [name=password]", PASSWORD)
        .await?;
    app.click("[data-testid=sync-test]").await?;
    app.wait_for("[data-testid=sync-found]").await?;
    app.screenshot("sync-ja").await?;
    app.click("[data-testid=sync-connect]").await?;
    app.wait_text("[data-testid=sync-address-book]", "絆")
        .await?;
    app.screenshot("sync-connected-ja").await?;

    // The password is in the keychain, and nowhere in the book.
    let secret = SyncSecret::new(dir.path(), &address, USER);
    assert_eq!(
        secret
            .get()
            .map_err(kizuna_core::Error::from)?
            .as_deref()
            .map(String::as_str),
        Some(PASSWORD)
    );
    // The 「絆」 address book and calendar are on the server.
    let connection = kizuna_sync::Connection::new(&address, USER, PASSWORD)?;
    let found = kizuna_sync::discover(&connection).await?;
    assert_eq!(
        found
            .address_books
            .iter()
            .map(|b| b.name.as_str())
            .collect::<Vec<_>>(),
        ["絆"]
    );
    assert_eq!(found.calendars.len(), 1);

    {
        // The account is in the book's settings; the password is not.
        let (store, _) = kizuna_e2e::open_store(dir.path())?;
        let mut exported = Vec::new();
        store.export_snapshot(
            &mut exported,
            &kizuna_core::Clock::system(chrono_tz::Asia::Tokyo),
            &mut |_, _| true,
        )?;
        let exported = String::from_utf8_lossy(&exported);
        assert!(exported.contains(&address), "the account is kept");
        assert!(!exported.contains(PASSWORD), "no password in the book");
    }

    // Synced: 高橋 健 is in the phone's address book.
    app.click("[data-testid=sync-now]").await?;
    app.wait_contains(
        "[data-testid=sync-summary]",
        "スマートフォンへ：書き込み 1件・そのまま 0件・削除 0件・失敗 0件",
    )
    .await?;
    app.wait_contains("[data-testid=sync-log]", "同期しました（書き込み 1件）")
        .await?;
    let href = kizuna_core::sync::card_href(&found.address_books[0].href, &uid);
    let card = std::process::Command::new("curl")
        .args(["-sS", "-u", &format!("{USER}:{PASSWORD}")])
        .arg(format!("http://127.0.0.1:{}{href}", server.port))
        .output()?;
    let card = String::from_utf8_lossy(&card.stdout);
    assert!(
        card.contains("高橋;健") && card.contains("たかはし"),
        "the phone reads him: {card}"
    );

    // Deleting him asks about his card on the phone; asked to, the next
    // sync deletes it.
    app.click("[data-testid=nav-customers]").await?;
    app.click("[data-testid=customer-row]").await?;
    app.click("[data-testid=delete]").await?;
    app.wait_for("[data-testid=confirm-dialog][open]").await?;
    app.wait_contains(
        "[data-testid=confirm-dialog]",
        "スマートフォンの連絡先からも削除する",
    )
    .await?;
    app.screenshot("delete-phone-card-ja").await?;
    app.click("[data-testid=delete-phone-card]").await?;
    app.click("[data-testid=confirm]").await?;
    app.wait_gone("[data-testid=customer-row]").await?;
    app.click("[data-testid=nav-settings]").await?;
    app.click("[data-testid=sync-now]").await?;
    app.wait_contains("[data-testid=sync-summary]", "削除 1件")
        .await?;
    let gone = std::process::Command::new("curl")
        .args(["-sS", "-o", "/dev/null", "-w", "%{http_code}"])
        .args(["-u", &format!("{USER}:{PASSWORD}")])
        .arg(format!("http://127.0.0.1:{}{href}", server.port))
        .output()?;
    assert_eq!(
        String::from_utf8_lossy(&gone.stdout),
        "404",
        "his card is gone from the phone"
    );

    app.click("[data-testid=sync-disconnect]").await?;
    app.wait_for("[data-testid=sync-test]").await?;
    assert_eq!(
        secret
            .get()
            .map_err(kizuna_core::Error::from)?
            .as_deref()
            .map(String::as_str),
        None
    );
    app.quit().await?;

    let (store, _) = kizuna_e2e::open_store(dir.path())?;
    assert_eq!(store.settings()?.sync_account, None);
    Ok(())
}
