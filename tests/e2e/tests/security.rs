//! The book on a laptop that travels: encrypted on the disk with the key in
//! a real keychain (gnome-keyring on the test's session bus), the recovery
//! key confirmed once, and a book whose key the keychain lacks opened only
//! with its recovery key — a wrong or mistyped one is told apart and
//! changes nothing.

use std::path::Path;

use kizuna_core::customer::CustomerProfile;
use kizuna_core::keys::StoreKey;
use kizuna_core::store::DATABASE_FILE;
use kizuna_core::{Clock, Store};
use kizuna_e2e::{Kizuna, TestResult, data_dir};

const UNLOCK_ERROR: &str = "[data-testid=unlock-error]";
const SECRET_NOTE: &str = "penicillin-allergy-QX7";

fn add_customer(store: &mut Store) -> TestResult {
    let clock = Clock::system(chrono_tz::Asia::Tokyo);
    store.create_customer(
        CustomerProfile {
            family_name: "Zebedee".to_owned(),
            given_name: "Quill".to_owned(),
            notes: SECRET_NOTE.to_owned(),
            ..CustomerProfile::default()
        },
        &clock,
    )?;
    Ok(())
}

/// What `css` says, in either language: the window follows the system's
/// language until the book says otherwise (and cannot be read before it
/// is open).
async fn says(app: &Kizuna, css: &str, japanese: &str, english: &str) -> TestResult {
    app.wait_until(&format!("{css} says {english:?}"), || async {
        let text = app
            .driver
            .find(thirtyfour::By::Css(css))
            .await?
            .prop("textContent")
            .await?
            .unwrap_or_default();
        Ok(text.contains(japanese) || text.contains(english))
    })
    .await
}

fn holds(path: &Path, needle: &str) -> bool {
    std::fs::read(path)
        .is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
}

#[tokio::test]
async fn the_book_is_unreadable_on_the_disk_and_its_recovery_key_is_confirmed_once() -> TestResult {
    let dir = data_dir()?;
    {
        let (mut store, _) = kizuna_e2e::open_store(dir.path())?;
        add_customer(&mut store)?;
    }
    let app = Kizuna::launch(dir.path()).await?;
    // The app opened the book with the keychain's key: the customer is there.
    app.wait_listed(&["Quill Zebedee"]).await?;

    // Settings → back up now; then no file of the book shows the customer.
    app.click("[data-testid=nav-settings]").await?;
    app.click("[data-testid=backup-now]").await?;
    app.wait_for("[data-testid=backup-row]").await?;
    let mut files = vec![
        dir.path().join(DATABASE_FILE),
        dir.path().join(format!("{DATABASE_FILE}-wal")),
    ];
    for entry in std::fs::read_dir(dir.path().join("backups"))? {
        files.push(entry?.path());
    }
    assert!(
        files.len() >= 3,
        "the store, its WAL and a backup: {files:?}"
    );
    for file in &files {
        for needle in [SECRET_NOTE, "Zebedee", "Quill"] {
            assert!(
                !holds(file, needle),
                "{} holds {needle} readable",
                file.display()
            );
        }
    }

    // The banner asks for the recovery key to be written down; a wrong
    // copy is refused, the right one closes it for good.
    app.wait_for("[data-testid=security-settings]").await?;
    app.click("[data-testid=recovery-show]").await?;
    let shown = app.wait_for("[data-testid=recovery-key]").await?;
    let mut key = String::new();
    for _ in 0..50 {
        key = shown.prop("textContent").await?.unwrap_or_default();
        if !key.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(key.len(), 69, "14 groups of four: {key}");
    app.click("[data-testid=recovery-written]").await?;
    let other = StoreKey::generate()?.recovery_key();
    app.fill("[data-testid=recovery-typed]", &other).await?;
    app.click("[data-testid=recovery-confirm]").await?;
    says(
        &app,
        "[data-testid=recovery-dialog]",
        "一致しません",
        "Does not match",
    )
    .await?;
    app.fill("[data-testid=recovery-typed]", &key.to_lowercase())
        .await?;
    app.click("[data-testid=recovery-confirm]").await?;
    app.wait_gone("[data-testid=recovery-banner]").await?;
    says(
        &app,
        "[data-testid=security-state]",
        "確認済み",
        "has been checked",
    )
    .await?;
    app.quit().await?;
    Ok(())
}

#[tokio::test]
async fn a_book_the_keychain_has_no_key_for_opens_only_with_its_recovery_key() -> TestResult {
    let dir = data_dir()?;
    // Made on "another computer": its key is nowhere in this keychain.
    let key = StoreKey::generate()?;
    {
        let (mut store, _) = Store::open_in_dir(dir.path(), &key)?;
        add_customer(&mut store)?;
    }
    let before = std::fs::read(dir.path().join(DATABASE_FILE))?;
    let app = Kizuna::launch_home(dir.path(), &[]).await?;
    app.wait_for("[data-testid=unlock][data-lock=recovery_key]")
        .await?;

    // Another book's key: well formed, but it does not open this one.
    let wrong = StoreKey::generate()?.recovery_key();
    app.fill("[data-testid=unlock-recovery-key]", &wrong)
        .await?;
    app.click("[data-testid=unlock-submit]").await?;
    says(
        &app,
        UNLOCK_ERROR,
        "このキーでは開けません",
        "does not open",
    )
    .await?;
    // A slip of the pen: the check letters catch it.
    let mut typo: Vec<char> = key.recovery_key().chars().collect();
    typo[2] = if typo[2] == 'A' { 'B' } else { 'A' };
    app.fill(
        "[data-testid=unlock-recovery-key]",
        &typo.into_iter().collect::<String>(),
    )
    .await?;
    app.click("[data-testid=unlock-submit]").await?;
    says(&app, UNLOCK_ERROR, "打ち間違い", "typo").await?;
    assert_eq!(
        std::fs::read(dir.path().join(DATABASE_FILE))?,
        before,
        "nothing was written to the book"
    );

    // The right one opens it, and is kept in the keychain for next time.
    app.fill("[data-testid=unlock-recovery-key]", &key.recovery_key())
        .await?;
    app.click("[data-testid=unlock-submit]").await?;
    app.wait_for("[data-testid=today-view]").await?;
    app.quit().await?;
    let app = Kizuna::launch(dir.path()).await?;
    app.wait_listed(&["Quill Zebedee"]).await?;
    app.quit().await?;
    Ok(())
}
