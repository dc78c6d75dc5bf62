//! The installed package, used as a user would: `tests/package.sh` builds
//! the .deb, installs it with apt, and runs this against `/usr/bin/kizuna`
//! (`KIZUNA_APP`) in a home folder of its own (`KIZUNA_TEST_HOME`), with no
//! data folder given — the app finds its own under the home. The script
//! then removes the package and checks the data folder stayed.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::Datelike;
use kizuna_core::Clock;
use kizuna_core::calendar::PartialDate;
use kizuna_core::customer::CustomerProfile;
use kizuna_core::settings::{Language, Settings};
use kizuna_e2e::{Dunst, Kizuna, TestResult, app_binary};

/// Where the installed app keeps its data under `home`, as a desktop's
/// XDG defaults put it.
fn data_folder(home: &Path) -> PathBuf {
    home.join(".local/share")
        .join(kizuna_core::paths::APP_IDENTIFIER)
}

/// The environment of an app started in `home` as a desktop session
/// starts it, with no data folder named (its own default under the home),
/// and `more`.
fn home_env(home: &Path, more: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut env = vec![
        ("HOME".to_owned(), home.display().to_string()),
        (
            "XDG_DATA_HOME".to_owned(),
            home.join(".local/share").display().to_string(),
        ),
        (
            "XDG_CONFIG_HOME".to_owned(),
            home.join(".config").display().to_string(),
        ),
        ("KIZUNA_DATA_DIR".to_owned(), String::new()),
    ];
    env.extend(more.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    env
}

fn borrowed(env: &[(String, String)]) -> Vec<(&str, &str)> {
    env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

#[tokio::test]
#[ignore = "run by tests/package.sh against the installed package"]
async fn the_installed_app_starts_keeps_a_customer_notifies_and_starts_at_login() -> TestResult {
    let home =
        PathBuf::from(std::env::var_os("KIZUNA_TEST_HOME").ok_or("KIZUNA_TEST_HOME is not set")?);
    assert!(
        app_binary().starts_with("/usr/bin"),
        "KIZUNA_APP points at the installed binary, not {}",
        app_binary().display()
    );
    let data = data_folder(&home);
    std::fs::create_dir_all(&data)?;
    {
        // A customer whose birthday is today, in a book the app will find
        // on its own: the first thing it does is notify.
        let (mut store, _) = kizuna_e2e::open_store(&data)?;
        store.save_settings(&kizuna_e2e::due_at_any_hour(Language::Ja))?;
        let clock = Clock::system(chrono_tz::Asia::Tokyo);
        let today = clock.today();
        store.create_customer(
            CustomerProfile {
                family_name: "山田".to_owned(),
                given_name: "花子".to_owned(),
                birthday: Some(PartialDate::new(None, today.month(), today.day())),
                ..CustomerProfile::default()
            },
            &clock,
        )?;
    }
    let dunst = Dunst::start()?;
    let env = home_env(&home, &[]);
    let app = Kizuna::launch_home(&home, &borrowed(&env)).await?;

    // Today lists the birthday, and the notification came through dunst.
    app.wait_text("[data-testid=today-count-today]", "1")
        .await?;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let notified = loop {
        let summaries = dunst.summaries()?;
        if !summaries.is_empty() || std::time::Instant::now() > deadline {
            break summaries;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    assert!(
        notified.iter().any(|s| s.starts_with("山田 花子 様")),
        "the birthday was notified: {notified:?}"
    );

    // A customer added through the form is in the book.
    app.click("[data-testid=nav-customers]").await?;
    app.click("[data-testid=new-customer]").await?;
    let form = "[data-testid=customer-form]";
    app.wait_for(form).await?;
    app.fill(&format!("{form} [name='family_name']"), "御手洗")
        .await?;
    app.fill(&format!("{form} [name='given_name']"), "華子")
        .await?;
    app.fill(&format!("{form} [name='family_name_reading']"), "みたらい")
        .await?;
    app.click("[data-testid=save]").await?;
    app.wait_text("[data-testid=detail-name]", "御手洗 華子")
        .await?;

    // Start at login names the installed binary.
    app.click("[data-testid=nav-settings]").await?;
    app.click("[data-testid=settings-autostart]").await?;
    let autostart = home.join(".config/autostart");
    app.wait_until("a login item is written", || async {
        Ok(login_item(&autostart).is_some())
    })
    .await?;
    let item = login_item(&autostart).ok_or("no login item")?;
    assert!(
        item.lines().any(|l| l.starts_with("Exec=/usr/bin/kizuna")),
        "the login item starts /usr/bin/kizuna:\n{item}"
    );
    app.quit().await?;
    assert!(
        data.join(kizuna_core::store::DATABASE_FILE).is_file(),
        "the book is in the default data folder {}",
        data.display()
    );
    Ok(())
}

/// The text of the login item in `folder`, once there is one.
fn login_item(folder: &Path) -> Option<String> {
    let entry = std::fs::read_dir(folder).ok()?.flatten().next()?;
    std::fs::read_to_string(entry.path()).ok()
}

/// What the loopback update server answers, changed as the test goes on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Serving {
    /// The manifest, and the signed package cut short and altered.
    DamagedPackage,
    /// The manifest and the signed package as built.
    SignedPackage,
    /// A web page where the manifest should be.
    WebPage,
}

/// An update server on 127.0.0.1 serving `latest.json` and one package.
struct UpdateServer {
    url: String,
    serving: std::sync::Arc<std::sync::Mutex<Serving>>,
    server: Option<std::sync::Arc<tiny_http::Server>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl UpdateServer {
    fn start(updates: &Path) -> TestResult<Self> {
        let server = std::sync::Arc::new(
            tiny_http::Server::http("127.0.0.1:0").map_err(|e| format!("no server: {e}"))?,
        );
        let port = server
            .server_addr()
            .to_ip()
            .ok_or("the server has no port")?
            .port();
        let url = format!("http://127.0.0.1:{port}");
        let package = newer_package(updates)?;
        // The manifest as a release writes it (packaging/latest-json.mjs).
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let output = std::process::Command::new("node")
            .current_dir(&root)
            .arg("packaging/latest-json.mjs")
            .args(["--version", "0.1.1", "--base-url", &url])
            .arg("--notes-file")
            .arg(updates.join("notes.md"))
            .arg(&package)
            .output()?;
        if !output.status.success() {
            return Err(format!(
                "latest-json.mjs failed: {}",
                String::from_utf8_lossy(&output.stderr)
            )
            .into());
        }
        let manifest = output.stdout;
        let signed = std::fs::read(&package)?;
        let mut damaged = signed[..signed.len() * 3 / 4].to_vec();
        let middle = damaged.len() / 2;
        damaged[middle] ^= 0x5a;
        let package_path = format!(
            "/{}",
            package
                .file_name()
                .ok_or("no package name")?
                .to_string_lossy()
        );
        let json = tiny_http::Header::from_bytes("Content-Type", "application/json")
            .map_err(|()| "a header")?;
        let html =
            tiny_http::Header::from_bytes("Content-Type", "text/html").map_err(|()| "a header")?;
        let deb =
            tiny_http::Header::from_bytes("Content-Type", "application/vnd.debian.binary-package")
                .map_err(|()| "a header")?;
        let serving = std::sync::Arc::new(std::sync::Mutex::new(Serving::DamagedPackage));
        let thread = {
            let server = server.clone();
            let serving = serving.clone();
            std::thread::spawn(move || {
                for request in server.incoming_requests() {
                    let now = *serving.lock().unwrap_or_else(|p| p.into_inner());
                    let (body, kind) = match (request.url(), now) {
                        ("/latest.json", Serving::WebPage) => (
                            b"<!doctype html><title>Captive portal</title><p>Sign in</p>".to_vec(),
                            &html,
                        ),
                        ("/latest.json", _) => (manifest.clone(), &json),
                        (path, Serving::DamagedPackage) if path == package_path => {
                            (damaged.clone(), &deb)
                        }
                        (path, _) if path == package_path => (signed.clone(), &deb),
                        _ => {
                            let _ = request.respond(tiny_http::Response::empty(404));
                            continue;
                        }
                    };
                    let response = tiny_http::Response::from_data(body).with_header(kind.clone());
                    let _ = request.respond(response);
                }
            })
        };
        Ok(UpdateServer {
            url,
            serving,
            server: Some(server),
            thread: Some(thread),
        })
    }

    fn serve(&self, what: Serving) {
        *self.serving.lock().unwrap_or_else(|p| p.into_inner()) = what;
    }

    /// Stops answering and closes the port: the laptop is offline.
    fn stop(&mut self) {
        if let Some(server) = self.server.take() {
            server.unblock();
            if let Some(thread) = self.thread.take() {
                let _ = thread.join();
            }
        }
    }
}

impl Drop for UpdateServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The newer, signed package tests/package.sh built beside its signature.
fn newer_package(updates: &Path) -> TestResult<PathBuf> {
    std::fs::read_dir(updates)?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "deb"))
        .ok_or_else(|| format!("no newer package in {}", updates.display()).into())
}

/// The version of Kizuna dpkg has installed.
fn installed_version() -> TestResult<String> {
    let output = std::process::Command::new("dpkg-query")
        .args(["-W", "-f", "${Version}", "kizuna"])
        .output()?;
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

#[tokio::test]
#[ignore = "run by tests/package.sh against the installed package"]
async fn a_signed_update_is_offered_refused_when_damaged_and_installed_on_the_users_word()
-> TestResult {
    let home = tempfile::tempdir()?;
    let updates = PathBuf::from(
        std::env::var_os("KIZUNA_TEST_UPDATES").ok_or("KIZUNA_TEST_UPDATES is not set")?,
    );
    let public_key = std::fs::read_to_string(updates.join("updater.key.pub"))?;
    let before = installed_version()?;
    assert_eq!(before, "0.1.0", "the package under test is installed");
    let data = data_folder(home.path());
    std::fs::create_dir_all(&data)?;
    {
        let (mut store, _) = kizuna_e2e::open_store(&data)?;
        store.save_settings(&Settings {
            language: Language::Ja,
            ..Settings::default()
        })?;
    }
    let mut server = UpdateServer::start(&updates)?;
    let endpoint = format!("{}/latest.json", server.url);
    let env = home_env(
        home.path(),
        &[
            ("KIZUNA_UPDATE_ENDPOINT", endpoint.as_str()),
            ("KIZUNA_UPDATE_PUBKEY", public_key.trim()),
        ],
    );
    let app = Kizuna::launch_home(home.path(), &borrowed(&env)).await?;

    // The daily check finds 0.1.1 by itself; the banner offers it with
    // its notes.
    app.wait_contains("[data-testid=update-banner]", "0.1.1")
        .await?;
    app.click("[data-testid=update-show]").await?;
    app.wait_contains("[data-testid=update-notes]", "テスト用の更新")
        .await?;
    app.screenshot("update-offered").await?;

    // A package cut short and altered on the way is refused, and nothing
    // is installed.
    app.click("[data-testid=update-install]").await?;
    app.wait_contains("[data-testid=update-error]", "署名と一致しません")
        .await?;
    assert_eq!(installed_version()?, before, "nothing was installed");

    // The package as signed installs.
    server.serve(Serving::SignedPackage);
    app.click("[data-testid=update-install]").await?;
    app.wait_contains("[data-testid=update-installed]", "0.1.1")
        .await?;
    assert_eq!(installed_version()?, "0.1.1");
    app.driver
        .action_chain()
        .send_keys(kizuna_e2e::thirtyfour::Key::Escape)
        .perform()
        .await?;
    app.wait_gone("[data-testid=update-dialog]").await?;

    // A web page where the manifest should be, then no server at all: a
    // clear answer each time, and the app goes on.
    server.serve(Serving::WebPage);
    app.click("[data-testid=nav-settings]").await?;
    app.click("[data-testid=update-check]").await?;
    app.wait_contains("[data-testid=update-status]", "更新ではありませんでした")
        .await?;
    server.stop();
    app.click("[data-testid=update-check]").await?;
    app.wait_contains("[data-testid=update-status]", "接続できませんでした")
        .await?;
    app.click("[data-testid=nav-customers]").await?;
    app.wait_for("[data-testid=list-empty], [data-testid=customer-list]")
        .await?;
    app.quit().await?;
    Ok(())
}
