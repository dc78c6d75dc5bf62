//! Data in and out through the real window: a Japanese Excel sheet in
//! Shift_JIS imported after its preview (and found unchanged the second
//! time), a vCard export written to disk, and a backup restored.

use std::path::{Path, PathBuf};

use kizuna_core::Clock;
use kizuna_core::settings::{Language, Settings};
use kizuna_e2e::{Kizuna, TestResult, data_dir};

fn test_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../src-tauri/core/tests/data")
        .join(name)
}

fn japanese(dir: &Path) -> TestResult {
    let (mut store, _) = kizuna_e2e::open_store(dir)?;
    store.save_settings(&Settings {
        language: Language::Ja,
        // No automatic backups: the test counts the ones it takes.
        automatic_backups: false,
        ..Settings::default()
    })?;
    Ok(())
}

async fn open_settings(app: &Kizuna) -> TestResult {
    app.click("[data-testid=nav-settings]").await?;
    app.wait_for("[data-testid=data-settings]").await?;
    Ok(())
}

async fn import(app: &Kizuna, file: &Path) -> TestResult {
    open_settings(app).await?;
    app.click("[data-testid=open-import]").await?;
    app.choose_in_dialog("[data-testid=import-choose]", "読み込むファイル", file)
        .await?;
    let name = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    app.wait_chosen("[data-testid=import-path]", name).await?;
    app.click("[data-testid=import-next]").await?;
    // The file is read: its columns are shown. Both steps' buttons are
    // "Next", so a click before this would press the first one again.
    app.wait_for("[data-testid=import-columns]").await?;
    Ok(())
}

#[tokio::test]
async fn a_japanese_excel_sheet_is_previewed_imported_and_found_unchanged_again() -> TestResult {
    let dir = data_dir()?;
    japanese(dir.path())?;
    let app = Kizuna::launch(dir.path()).await?;
    let original = std::fs::read(test_file("address-book-excel-shift-jis.csv"))?;
    let files = tempfile::tempdir()?;
    let sheet = files.path().join("address-book-excel-shift-jis.csv");
    std::fs::write(&sheet, &original)?;

    import(&app, &sheet).await?;
    // The column screen has recognised the layout and its よみ columns.
    app.wait_for("[data-testid=import-columns]").await?;
    // The file was read once, when it was chosen: what is previewed and
    // written is what was inspected, even if the file changes meanwhile.
    std::fs::write(&sheet, "名前\n別人 太郎\n")?;
    let preset = app.wait_for("[data-testid=import-preset]").await?;
    assert_eq!(preset.value().await?.as_deref(), Some("japanese"));
    let reading = app.wait_for("[data-testid=column-target-2]").await?;
    assert_eq!(
        reading.value().await?.as_deref(),
        Some("family_name_reading")
    );
    app.screenshot("import-columns-ja").await?;
    app.click("[data-testid=import-next]").await?;

    app.wait_text("[data-testid=import-new]", "新規 3人")
        .await?;
    app.wait_text("[data-testid=import-unchanged]", "変更なし 0人")
        .await?;
    app.screenshot("import-preview-ja").await?;
    app.click("[data-testid=import-apply]").await?;
    app.wait_until("the dialog closes", || async {
        Ok(app
            .all("[data-testid=import-dialog][open]")
            .await?
            .is_empty())
    })
    .await?;

    // In the book, sorted by reading: さとう, たかはし, やまだ.
    app.click("[data-testid=nav-customers]").await?;
    app.wait_listed(&["佐藤 花子", "髙橋 健", "山田 太郎"])
        .await?;
    assert_eq!(app.search("やまだ", 1).await?, ["山田 太郎"]);

    // The same sheet again changes nothing, and says so.
    std::fs::write(&sheet, &original)?;
    import(&app, &sheet).await?;
    app.click("[data-testid=import-next]").await?;
    app.wait_text("[data-testid=import-unchanged]", "変更なし 3人")
        .await?;
    app.wait_for("[data-testid=import-nothing]").await?;
    let apply = app.wait_for("[data-testid=import-apply]").await?;
    assert!(!apply.is_enabled().await?, "nothing to write");
    app.quit().await
}

#[tokio::test]
async fn the_book_is_exported_as_vcards_and_a_backup_brings_it_back() -> TestResult {
    let dir = data_dir()?;
    japanese(dir.path())?;
    {
        let (mut store, _) = kizuna_e2e::open_store(dir.path())?;
        let clock = Clock::system(chrono_tz::Asia::Tokyo);
        for (family, given, reading) in [("青木", "誠", "あおき"), ("井上", "愛", "いのうえ")]
        {
            store.create_customer(
                kizuna_core::customer::CustomerProfile {
                    family_name: family.to_owned(),
                    given_name: given.to_owned(),
                    family_name_reading: reading.to_owned(),
                    ..Default::default()
                },
                &clock,
            )?;
        }
    }
    let app = Kizuna::launch(dir.path()).await?;
    app.wait_listed(&["青木 誠", "井上 愛"]).await?;

    // Export everyone as vCard 4.0 to a file the test names.
    let target = dir.path().join("book.vcf");
    open_settings(&app).await?;
    app.click("[data-testid=open-export]").await?;
    app.click("[data-testid=export-format-vcard4]").await?;
    app.choose_in_dialog("[data-testid=export-choose]", "書き出す場所", &target)
        .await?;
    app.wait_chosen("[data-testid=export-path]", "book.vcf")
        .await?;
    app.click("[data-testid=export-run]").await?;
    app.wait_until("the export is written", || async {
        Ok(std::fs::read_to_string(&target)
            .is_ok_and(|text| text.matches("BEGIN:VCARD").count() == 2))
    })
    .await?;
    let written = std::fs::read_to_string(&target)?;
    assert!(written.contains("FN:青木 誠") && written.contains("X-PHONETIC-LAST-NAME:いのうえ"));

    // Back up now; then the book changes; then the backup is restored.
    app.click("[data-testid=backup-now]").await?;
    app.wait_for("[data-testid=backup-row][data-kind=manual]")
        .await?;
    {
        let (mut store, _) = kizuna_e2e::open_store(dir.path())?;
        let clock = Clock::system(chrono_tz::Asia::Tokyo);
        store.create_customer(
            kizuna_core::customer::CustomerProfile {
                family_name: "上田".to_owned(),
                given_name: "翔".to_owned(),
                family_name_reading: "うえだ".to_owned(),
                ..Default::default()
            },
            &clock,
        )?;
    }
    app.click("[data-testid=nav-customers]").await?;
    app.wait_listed(&["青木 誠", "井上 愛", "上田 翔"]).await?;

    open_settings(&app).await?;
    app.click("[data-testid=backup-row][data-kind=manual] [data-testid=restore-backup]")
        .await?;
    app.wait_contains("[data-testid=restore-contents]", "顧客2人")
        .await?;
    app.screenshot("restore-ja").await?;
    app.click("[data-testid=restore-confirm]").await?;
    app.wait_for("[data-testid=backup-row][data-kind=before_restore]")
        .await?;
    app.click("[data-testid=nav-customers]").await?;
    app.wait_listed(&["青木 誠", "井上 愛"]).await?;
    app.quit().await
}
