//! The season's greetings through the window: a New Year campaign opened
//! for the customers tagged 年賀状, an address that cannot be printed
//! shown before anything is sent, a card received ticked off, the print
//! preview (postcards written vertically), the postcards and the A4 label
//! sheets printed to PDF without the print dialog (page size and count read
//! back with pdfinfo, the text with pdftotext), and marking the campaign
//! sent — a give touch in each customer's history.

use kizuna_core::customer::{Address, CustomerProfile};
use kizuna_core::settings::{Language, Settings};
use kizuna_core::timeline::TimelineEntry;
use kizuna_e2e::{Kizuna, TestResult, data_dir};
use thirtyfour::Key;

#[tokio::test]
async fn a_new_year_campaign_is_opened_checked_and_sent() -> TestResult {
    let dir = data_dir()?;
    let clock = kizuna_core::Clock::system(chrono_tz::Asia::Tokyo);
    let ids = {
        let (mut store, _) = kizuna_e2e::open_store(dir.path())?;
        store.save_settings(&Settings {
            language: Language::Ja,
            ..Settings::default()
        })?;
        let mut ids = Vec::new();
        for (family, given, reading, addressed) in [
            ("青木", "一郎", "あおき", true),
            ("井上", "花子", "いのうえ", true),
            ("上田", "健", "うえだ", false),
        ] {
            let mut profile = CustomerProfile {
                family_name: family.to_owned(),
                given_name: given.to_owned(),
                family_name_reading: reading.to_owned(),
                tags: vec!["年賀状".to_owned()],
                ..CustomerProfile::default()
            };
            if addressed {
                profile.addresses.push(Address {
                    postal_code: "150-0001".to_owned(),
                    region: "東京都".to_owned(),
                    locality: "渋谷区".to_owned(),
                    street: "神宮前1-2-3".to_owned(),
                    ..Address::default()
                });
            }
            ids.push(store.create_customer(profile, &clock)?.id);
        }
        ids
    };
    let app = Kizuna::launch_home(dir.path(), &[]).await?;
    app.click("[data-testid=nav-greetings]").await?;
    app.wait_for("[data-testid=greetings]").await?;
    app.fill("[data-testid=campaign-new] [name=year]", "2027")
        .await?;
    app.fill("[data-testid=campaign-new] .tag-input input", "年賀状")
        .await?;
    app.driver
        .action_chain()
        .send_keys(Key::Enter)
        .perform()
        .await?;
    app.click("[data-testid=campaign-open]").await?;
    app.wait_contains("[data-testid=campaign-counts]", "リスト 3件")
        .await?;
    app.wait_contains(
        "[data-testid=campaign-unprintable]",
        "1件の住所はこのままでは印刷できません",
    )
    .await?;
    app.wait_contains("[data-testid=campaign-recipients]", "住所なし")
        .await?;

    // 井上's card came.
    let boxes = app
        .all("[data-testid=campaign-recipients] input[type=checkbox]")
        .await?;
    boxes
        .get(1)
        .ok_or("a checkbox per recipient")?
        .click()
        .await?;
    app.wait_contains("[data-testid=campaign-counts]", "受け取り 1件")
        .await?;
    // The print preview: the two printable postcards, written vertically
    // with kanji numerals, the one without an address left out.
    app.click("[data-testid=campaign-preview]").await?;
    app.wait_for("[data-testid=print-preview]").await?;
    app.fill(
        "[data-testid=print-preview] [name=sender_name]",
        "絆商店 山本",
    )
    .await?;
    app.wait_contains("[data-testid=print-preview]", "はがき 2枚")
        .await?;
    assert_eq!(app.all("[data-testid=postcard]").await?.len(), 2);
    app.wait_contains("[data-testid=postcards]", "東京都渋谷区神宮前一ー二ー三")
        .await?;
    let layout: Vec<String> = app
        .driver
        .execute(
            "const a = document.querySelector('[data-testid=postcard] .address');
             const card = document.querySelector('[data-testid=postcard]').getBoundingClientRect();
             return [getComputedStyle(a).writingMode, (card.height / card.width).toFixed(2)];",
            Vec::new(),
        )
        .await?
        .convert()?;
    assert_eq!(
        layout,
        ["vertical-rl", "1.48"],
        "縦書き, on a 100×148 mm card"
    );
    app.screenshot("postcards-ja").await?;

    // Saved as PDF: one 100×148 mm page per postcard, the address in it.
    let postcards = dir.path().join("nengajo.pdf");
    app.choose_in_dialog("[data-testid=save-pdf]", "PDFの保存先", &postcards)
        .await?;
    app.wait_contains(".toasts", "2ページのPDFを保存しました")
        .await?;
    let info = pdf_info(&postcards)?;
    assert_eq!(info.pages, 2, "one page per printable postcard");
    assert_eq!(info.size_mm, (100, 148), "a Japanese postcard");
    let pages = pdf_pages(&postcards)?;
    assert_eq!(pages.len(), 2);
    // Written vertically: pdftotext reads a vertical line one character
    // under the other; the columns, read down, are the address with kanji
    // numerals and the name with its honorific.
    for page in &pages {
        let column = read_down(page);
        assert!(column.contains("東京都渋谷区神宮前一ー二ー三"), "{page:?}");
        assert!(column.contains("絆商店"), "the sender: {page:?}");
        assert!(!page.contains("東京都"), "nothing written across: {page:?}");
    }
    assert!(read_down(&pages[0]).contains("木一郎様"), "{:?}", pages[0]);
    assert!(
        read_down(&pages[1]).contains("井上花子様"),
        "{:?}",
        pages[1]
    );
    assert!(
        !pages.concat().contains('田'),
        "the one without an address is left out"
    );

    // A4 label sheets: twelve to a page, written across.
    app.click("[data-testid=layout-labels]").await?;
    app.wait_contains("[data-testid=print-preview]", "A4ラベル 1枚")
        .await?;
    assert_eq!(app.all("[data-testid=label]").await?.len(), 2);
    app.screenshot("labels-ja").await?;
    let labels = dir.path().join("labels.pdf");
    app.choose_in_dialog("[data-testid=save-pdf]", "PDFの保存先", &labels)
        .await?;
    app.wait_contains(".toasts", "1ページのPDFを保存しました")
        .await?;
    let info = pdf_info(&labels)?;
    assert_eq!((info.pages, info.size_mm), (1, (210, 297)), "one A4 sheet");
    let text = pdf_pages(&labels)?.concat();
    assert!(text.contains("〒150-0001"), "{text:?}");
    assert!(text.contains("東京都渋谷区神宮前1-2-3"), "across: {text:?}");
    let unspaced: String = text.split_whitespace().collect();
    assert!(unspaced.contains("井上花子様"), "{text:?}");
    app.click("[data-testid=layout-postcard]").await?;
    app.driver
        .action_chain()
        .send_keys(Key::Escape)
        .perform()
        .await?;
    app.wait_gone("[data-testid=print-preview]").await?;

    app.click("[data-testid=campaign-sent]").await?;
    app.wait_contains("[data-testid=campaign-counts]", "送付済み 3件")
        .await?;
    app.wait_contains("[data-testid=campaign-counts]", "受け取り 1件")
        .await?;
    app.screenshot("greetings-ja").await?;
    app.quit().await?;

    let (store, _) = kizuna_e2e::open_store(dir.path())?;
    for id in ids {
        let touches: Vec<String> = store
            .timeline(id, &[], &clock)?
            .items
            .into_iter()
            .filter_map(|i| match i.entry {
                TimelineEntry::Touchpoint { touchpoint } => Some(touchpoint.summary),
                _ => None,
            })
            .collect();
        assert_eq!(touches, ["2027年の年賀状を送りました"], "customer {id}");
    }
    Ok(())
}

struct PdfInfo {
    pages: u32,
    /// The first page's width and height, rounded to whole millimetres.
    size_mm: (u32, u32),
}

/// What `pdfinfo` (poppler) reads from a PDF: its pages and their size.
fn pdf_info(path: &std::path::Path) -> TestResult<PdfInfo> {
    let out = std::process::Command::new("pdfinfo").arg(path).output()?;
    if !out.status.success() {
        return Err(format!("pdfinfo: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    let text = String::from_utf8(out.stdout)?;
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(str::trim)
            .ok_or_else(|| format!("no {name} in {text}"))
    };
    let pages = field("Pages:")?.parse()?;
    // "283.465 x 419.528 pts"
    let size: Vec<f64> = field("Page size:")?
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    let mm = |pt: f64| (pt * 25.4 / 72.0).round() as u32;
    match size[..] {
        [w, h, ..] => Ok(PdfInfo {
            pages,
            size_mm: (mm(w), mm(h)),
        }),
        _ => Err(format!("no page size in {text}").into()),
    }
}

/// The PDF's text as `pdftotext` (poppler) reads it, in its raw order, a
/// page each. The font maps some kanji back to their Kangxi radical forms
/// (⼀ for 一), which NFKC undoes.
fn pdf_pages(path: &std::path::Path) -> TestResult<Vec<String>> {
    use unicode_normalization::UnicodeNormalization;
    let out = std::process::Command::new("pdftotext")
        .args(["-raw", "-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()?;
    if !out.status.success() {
        return Err(format!("pdftotext: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(String::from_utf8(out.stdout)?
        .nfkc()
        .collect::<String>()
        .split('\u{c}')
        .filter(|page| !page.trim().is_empty())
        .map(str::to_owned)
        .collect())
}

/// The page's lines of a single character, read one after the other: its
/// vertical lines, as pdftotext gives them.
fn read_down(page: &str) -> String {
    page.lines()
        .map(str::trim)
        .filter(|line| line.chars().count() == 1)
        .collect()
}
