//! The season's greetings through the window: a New Year campaign opened
//! for the customers tagged 年賀状, an address that cannot be printed
//! shown before anything is sent, a card received ticked off, the print
//! preview (postcards written vertically), and marking the campaign sent —
//! a give touch in each customer's history.

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
