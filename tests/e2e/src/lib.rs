//! Drives the real, built Kizuna app through tauri-driver and WebKitWebDriver.
//!
//! Each launch gets its own tauri-driver on free ports and a data folder the
//! test chose, passed to the app as `KIZUNA_DATA_DIR`. Needs `DISPLAY` (the
//! test command runs everything under Xvfb) and a build of the app with its
//! UI embedded (`cargo build -p kizuna --features custom-protocol`).

use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use thirtyfour::error::WebDriverErrorInner;
use thirtyfour::prelude::*;

pub use thirtyfour;

pub type TestResult<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// How long to wait for the UI to reach an expected state.
const PATIENCE: Duration = Duration::from_secs(15);
const POLL: Duration = Duration::from_millis(100);

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The app binary: `$KIZUNA_APP`, else the workspace's debug build.
pub fn app_binary() -> PathBuf {
    std::env::var_os("KIZUNA_APP")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/debug/kizuna"))
}

fn tauri_driver_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("TAURI_DRIVER") {
        return PathBuf::from(path);
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_default();
    let installed = home.join("bin/tauri-driver");
    if installed.exists() {
        installed
    } else {
        PathBuf::from("tauri-driver")
    }
}

fn free_port() -> TestResult<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A tauri-driver process, stopped when dropped.
struct TauriDriver {
    child: Child,
    port: u16,
}

impl TauriDriver {
    fn start(app: &Path, data_dir: &Path, extra_env: &[(&str, &str)]) -> TestResult<Self> {
        if std::env::var_os("DISPLAY").is_none() {
            return Err(
                "DISPLAY is not set: run the end-to-end tests under Xvfb (see tests/run.sh)".into(),
            );
        }
        if !app.exists() {
            return Err(format!(
                "{} is missing: build it with `cargo build -p kizuna --features custom-protocol`",
                app.display()
            )
            .into());
        }
        let port = free_port()?;
        let native_port = free_port()?;
        let log_path = data_dir.join("tauri-driver.log");
        let log = std::fs::File::create(&log_path)?;
        let mut command = Command::new(tauri_driver_binary());
        command
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("KIZUNA_DATA_DIR", data_dir)
            // The tests seed their stores with a Tokyo clock; the app and
            // its web view then see the same days and hours.
            .env("TZ", "Asia/Tokyo")
            .stdout(Stdio::null())
            .stderr(log)
            // Its own process group, so WebKitWebDriver and the app, which
            // tauri-driver starts, can be stopped together with it.
            .process_group(0);
        for (key, value) in extra_env {
            command.env(key, value);
        }
        let child = command
            .spawn()
            .map_err(|e| format!("tauri-driver did not start: {e}"))?;
        let mut driver = TauriDriver { child, port };
        let deadline = Instant::now() + PATIENCE;
        // Until the driver listens, a connection to its port can be given
        // that same port as its own end and connect to itself (a TCP
        // self-connect): that is not the driver.
        let listening = || {
            TcpStream::connect(("127.0.0.1", port))
                .is_ok_and(|s| s.local_addr().is_ok_and(|a| a.port() != port))
        };
        while !listening() {
            if let Ok(Some(status)) = driver.child.try_wait() {
                let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                return Err(format!("tauri-driver stopped ({status}): {log}").into());
            }
            if Instant::now() > deadline {
                return Err("tauri-driver did not open its port".into());
            }
            std::thread::sleep(POLL);
        }
        Ok(driver)
    }
}

impl Drop for TauriDriver {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.child.wait();
    }
}

/// The running app: one WebDriver session on one tauri-driver.
pub struct Kizuna {
    pub driver: WebDriver,
    _server: TauriDriver,
}

impl Kizuna {
    /// Starts the app on `data_dir` and opens the customer book.
    pub async fn launch(data_dir: &Path) -> TestResult<Self> {
        Self::launch_with_env(data_dir, &[]).await
    }

    /// Starts the app on `data_dir` and opens the customer book.
    pub async fn launch_with_env(data_dir: &Path, env: &[(&str, &str)]) -> TestResult<Self> {
        let app = Self::launch_home(data_dir, env).await?;
        if app
            .all("[data-testid=startup-error], [data-testid=unlock]")
            .await?
            .is_empty()
        {
            app.click("[data-testid=nav-customers]").await?;
            app.wait_for("[data-testid=customer-list], [data-testid=list-empty]")
                .await?;
        }
        Ok(app)
    }

    /// Starts the app on `data_dir` and waits for its home screen, the Today view.
    pub async fn launch_home(data_dir: &Path, env: &[(&str, &str)]) -> TestResult<Self> {
        let app = Self::session(&app_binary(), data_dir, env).await?;
        app.wait_for("[data-testid=today-view], [data-testid=startup-error], [data-testid=unlock]")
            .await?;
        Ok(app)
    }

    /// Starts another Tauri app (the benchmark's hello world) and waits
    /// for `css` in its window.
    pub async fn launch_app(binary: &Path, data_dir: &Path, css: &str) -> TestResult<Self> {
        let app = Self::session(binary, data_dir, &[]).await?;
        app.wait_for(css).await?;
        Ok(app)
    }

    async fn session(binary: &Path, data_dir: &Path, env: &[(&str, &str)]) -> TestResult<Self> {
        let server = TauriDriver::start(binary, data_dir, env)?;
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "tauri:options".to_owned(),
            serde_json::json!({ "application": binary }),
        );
        // tauri-driver opens its port slightly before it can start a
        // session; a refused first request is retried, not failed.
        let url = format!("http://127.0.0.1:{}", server.port);
        let mut attempt = 0;
        let driver = loop {
            attempt += 1;
            match WebDriver::new(url.as_str(), capabilities.clone()).await {
                Ok(driver) => break driver,
                Err(e)
                    if attempt < 5 && matches!(e.as_inner(), WebDriverErrorInner::HttpError(_)) =>
                {
                    eprintln!("session request failed ({e}); retrying");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(e) => return Err(e.into()),
            }
        };
        Ok(Kizuna {
            driver,
            _server: server,
        })
    }

    /// Ends the session, which closes the app window and process.
    pub async fn quit(self) -> TestResult {
        self.driver.clone().quit().await?;
        Ok(())
    }

    /// The first element matching `css`, waiting for it to appear.
    pub async fn wait_for(&self, css: &str) -> TestResult<WebElement> {
        match self
            .driver
            .query(By::Css(css))
            .wait(PATIENCE, POLL)
            .first()
            .await
        {
            Ok(element) => Ok(element),
            Err(e) => Err(self.failed(format!("waiting for `{css}`: {e}")).await),
        }
    }

    /// A failure, with a screenshot of the window saved beside it.
    async fn failed(&self, message: String) -> Box<dyn std::error::Error + Send + Sync> {
        let name = format!(
            "failure-{}",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis())
        );
        match self.screenshot(&name).await {
            Ok(path) => format!("{message} (screenshot: {})", path.display()).into(),
            Err(_) => message.into(),
        }
    }

    /// Every element matching `css` right now.
    pub async fn all(&self, css: &str) -> TestResult<Vec<WebElement>> {
        Ok(self.driver.find_all(By::Css(css)).await?)
    }

    /// Clicks the first element matching `css`. An element that is still
    /// being laid out or replaced by a re-render is retried until it takes
    /// the click, as a user would click again once it settles.
    pub async fn click(&self, css: &str) -> TestResult {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let element = self.wait_for(css).await?;
            let clicked = match element.scroll_into_view().await {
                Ok(()) => match settled(&element).await {
                    Ok(()) => element.click().await,
                    Err(e) => Err(e),
                },
                Err(e) => Err(e),
            };
            match clicked {
                Ok(()) => return Ok(()),
                Err(e) if Instant::now() > deadline => {
                    return Err(self.failed(format!("clicking `{css}`: {e}")).await);
                }
                Err(_) => tokio::time::sleep(POLL).await,
            }
        }
    }

    /// Presses `button`, which opens a native GTK file dialog, and answers
    /// the dialog as a user would with the keyboard: the location typed in,
    /// then Enter. `title` is the dialog's title (its start is enough).
    pub async fn choose_in_dialog(&self, button: &str, title: &str, path: &Path) -> TestResult {
        self.click(button).await?;
        let window = xdotool(&["search", "--sync", "--onlyvisible", "--name", title])?;
        let window = window.lines().next().unwrap_or_default().to_owned();
        xdotool(&["windowfocus", "--sync", &window])?;
        // GTK opens the location entry on Ctrl+L (the save dialog's name
        // entry takes a whole path too).
        tokio::time::sleep(Duration::from_millis(300)).await;
        xdotool(&["key", "--window", &window, "ctrl+l"])?;
        xdotool(&["key", "--window", &window, "ctrl+a"])?;
        xdotool(&[
            "type",
            "--window",
            &window,
            "--delay",
            "5",
            &path.display().to_string(),
        ])?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        xdotool(&["key", "--window", &window, "Return"])?;
        Ok(())
    }

    /// Waits until the element's `data-path` (a path a dialog returned)
    /// names the file `name`.
    pub async fn wait_chosen(&self, css: &str, name: &str) -> TestResult {
        self.wait_until(&format!("{css} names {name}"), || async {
            let element = self.driver.find(By::Css(css)).await?;
            Ok(element
                .attr("data-path")
                .await?
                .is_some_and(|path| path.ends_with(name)))
        })
        .await
    }

    /// Opens the quick log with its shortcut (`Ctrl`+`L`) and picks a
    /// customer the way a user does: a few letters of the reading, then
    /// `Enter`. Returns the chosen customer as the dialog shows them.
    pub async fn quick_log_for(&self, reading: &str) -> TestResult<String> {
        self.wait_for("body").await?.click().await?;
        self.driver
            .action_chain()
            .key_down(Key::Control)
            .send_keys("l")
            .key_up(Key::Control)
            .perform()
            .await?;
        self.wait_for("[data-testid=quick-log][open]").await?;
        let search = self
            .wait_for("[data-testid=quick-log-customer-search]")
            .await?;
        search.send_keys(reading).await?;
        self.wait_for("[data-testid=quick-log-customer-option]")
            .await?;
        search.send_keys(Key::Enter).await?;
        Ok(self
            .wait_for("[data-testid=quick-log-customer-chosen]")
            .await?
            .text()
            .await?)
    }

    /// Replaces the text of the input matching `css` as a user would:
    /// select all, delete, type (so the page sees input events).
    pub async fn fill(&self, css: &str, text: &str) -> TestResult {
        let element = self.wait_for(css).await?;
        element.scroll_into_view().await?;
        element.click().await?;
        element.send_keys(Key::Control + "a").await?;
        element.send_keys(Key::Backspace).await?;
        if !text.is_empty() {
            element.send_keys(text).await?;
        }
        Ok(())
    }

    /// Waits until `probe` returns true, re-running it every poll.
    pub async fn wait_until<F, Fut>(&self, what: &str, mut probe: F) -> TestResult
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = TestResult<bool>>,
    {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if probe().await.unwrap_or(false) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(self.failed(format!("timed out waiting until {what}")).await);
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The customer the detail pane shows, when it is the one selected in
    /// the customer list.
    pub async fn opened_customer(&self) -> TestResult<Option<i64>> {
        Ok(self
            .driver
            .execute(
                "const row = document.querySelector('[data-testid=customer-row][aria-selected=true]');
                 const detail = document.querySelector('[data-testid=customer-detail]');
                 return row !== null && detail !== null
                   && row.dataset.customerId === detail.dataset.customerId
                   ? Number(row.dataset.customerId) : null;",
                Vec::new(),
            )
            .await?
            .convert()?)
    }

    /// Scrolls the customer list to `fraction` of its length and waits
    /// until the rows there are drawn (no placeholder left on screen). The
    /// scroll is made again while the list is not there yet: a list still
    /// being laid out is not yet as tall as its rows.
    pub async fn scroll_list(&self, fraction: f64) -> TestResult {
        let probe = format!(
            "const v = document.querySelector('[data-testid=customer-list] > div');
             const row = v.querySelector('[data-index]');
             if (row === null) return false;
             const height = row.getBoundingClientRect().height;
             const wanted = (v.scrollHeight - v.clientHeight) * {fraction};
             if (Math.abs(v.scrollTop - wanted) > height) {{
               v.scrollTop = wanted;
               v.dispatchEvent(new Event('scroll'));
               return false;
             }}
             const target = Math.floor({fraction} * (v.scrollHeight / height - 1));
             const drawn = [...v.querySelectorAll('[data-index]')].map((e) => Number(e.dataset.index));
             return drawn.some((i) => Math.abs(i - target) < 30)
               && v.querySelector('.placeholder') === null;"
        );
        self.wait_until("the rows there are drawn", || async {
            Ok(self.driver.execute(&probe, Vec::new()).await?.convert()?)
        })
        .await
    }

    /// Waits until nothing matches `css` (a dialog has closed).
    pub async fn wait_gone(&self, css: &str) -> TestResult {
        self.wait_until(&format!("`{css}` is gone"), || async {
            Ok(self.all(css).await?.is_empty())
        })
        .await
    }

    /// Waits until the element matching `css` shows exactly `expected`.
    pub async fn wait_text(&self, css: &str, expected: &str) -> TestResult {
        let deadline = Instant::now() + PATIENCE;
        let mut last = None;
        loop {
            if let Ok(element) = self.driver.find(By::Css(css)).await
                && let Ok(text) = element.text().await
            {
                if text.trim() == expected {
                    return Ok(());
                }
                last = Some(text);
            }
            if Instant::now() > deadline {
                return Err(self
                    .failed(format!(
                        "`{css}` never showed {expected:?} (last seen: {last:?})"
                    ))
                    .await);
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until the element matching `css` shows text containing `fragment`.
    pub async fn wait_contains(&self, css: &str, fragment: &str) -> TestResult {
        let deadline = Instant::now() + PATIENCE;
        let mut last = None;
        loop {
            if let Ok(element) = self.driver.find(By::Css(css)).await
                && let Ok(text) = element.text().await
            {
                if text.contains(fragment) {
                    return Ok(());
                }
                last = Some(text);
            }
            if Instant::now() > deadline {
                return Err(self
                    .failed(format!(
                        "`{css}` never showed {fragment:?} (last seen: {last:?})"
                    ))
                    .await);
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The names shown in the customer list, top to bottom. Read from the
    /// DOM's text rather than the rendered text, which WebKit reports empty
    /// for rows it has not laid out yet.
    pub async fn listed_names(&self) -> TestResult<Vec<String>> {
        let mut names = Vec::new();
        for row in self.all("[data-testid=customer-row] .name").await? {
            let text = row.prop("textContent").await?.unwrap_or_default();
            names.push(text.trim().to_owned());
        }
        Ok(names)
    }

    /// Waits until the list shows at least one row and every row has a
    /// name, then returns the names.
    pub async fn wait_names(&self) -> TestResult<Vec<String>> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let names = self.listed_names().await.unwrap_or_default();
            if !names.is_empty() && names.iter().all(|n| !n.is_empty()) {
                return Ok(names);
            }
            if Instant::now() > deadline {
                return Err(self
                    .failed(format!("the list never settled; it shows {names:?}"))
                    .await);
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until the customer list shows exactly `expected`, top to bottom.
    pub async fn wait_listed(&self, expected: &[&str]) -> TestResult {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let names = self.listed_names().await.unwrap_or_default();
            if names == expected {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(self
                    .failed(format!(
                        "the list never showed {expected:?}; it shows {names:?}"
                    ))
                    .await);
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Types into the search box and waits for the list to settle on `count` rows.
    pub async fn search(&self, text: &str, count: usize) -> TestResult<Vec<String>> {
        self.fill("[data-testid=search]", text).await?;
        let deadline = Instant::now() + PATIENCE;
        loop {
            // Only rows that answer this very text count, not the last query's.
            let summary = self
                .driver
                .find(By::Css("[data-testid=list-summary]"))
                .await?;
            let answered = summary.attr("data-query").await?.as_deref() == Some(text);
            let names = self.listed_names().await.unwrap_or_default();
            if answered && names.len() == count {
                return Ok(names);
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "searching {text:?} never listed {count} customer(s); listed: {names:?}"
                )
                .into());
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Saves a screenshot of the window under `tests/e2e/artifacts/`.
    pub async fn screenshot(&self, name: &str) -> TestResult<PathBuf> {
        let dir = workspace_root().join("tests/e2e/artifacts");
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        self.save_screenshot(&path)?;
        Ok(path)
    }

    /// Saves the window as the X server shows it to `path` (PNG). Not
    /// WebDriver's screenshot: WebKitWebDriver takes that through the web
    /// view's GPU compositing, which Kizuna turns off (see `webview.rs`), and
    /// it never answers then.
    pub fn save_screenshot(&self, path: &Path) -> TestResult {
        let found = xdotool(&["search", "--onlyvisible", "--name", "^Kizuna 絆$"])?;
        let window = found
            .lines()
            .next()
            .ok_or("no Kizuna window on the screen")?;
        let status = Command::new("bash")
            .arg("-c")
            .arg(
                r#"set -o pipefail; xwd -silent -id "$1" | xwdtopnm 2>/dev/null | pnmtopng > "$2""#,
            )
            .arg("screenshot")
            .arg(window)
            .arg(path)
            .status()?;
        if !status.success() {
            return Err(format!("the window could not be saved as a picture ({status})").into());
        }
        Ok(())
    }
}

/// A real notification daemon (dunst) on the test's D-Bus session, stopped
/// when dropped. The test command runs everything in one `dbus-run-session`.
pub struct Dunst {
    child: Child,
}

impl Dunst {
    pub fn start() -> TestResult<Self> {
        if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
            return Err("no D-Bus session: run the tests under dbus-run-session".into());
        }
        stop_activated_daemon()?;
        let child = Command::new("dunst")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("dunst did not start: {e}"))?;
        let dunst = Dunst { child };
        let deadline = Instant::now() + PATIENCE;
        // Asked without D-Bus activation, which would start a second dunst.
        while !owned(&bus_call("NameHasOwner")?) {
            if Instant::now() > deadline {
                return Err("dunst did not answer on D-Bus".into());
            }
            std::thread::sleep(POLL);
        }
        Ok(dunst)
    }

    /// How many notifications are on screen now.
    pub fn displayed(&self) -> TestResult<usize> {
        let output = Command::new("dunstctl")
            .args(["count", "displayed"])
            .output()?;
        Ok(String::from_utf8_lossy(&output.stdout).trim().parse()?)
    }

    /// Clicks the topmost notification on screen, as a user would: dunst
    /// performs its default action and tells the app on D-Bus.
    pub fn click_top(&self) -> TestResult {
        let status = Command::new("dunstctl").args(["action", "0"]).status()?;
        if !status.success() {
            return Err("dunstctl could not click the notification".into());
        }
        Ok(())
    }

    /// The summary (title) of every notification that arrived so far, oldest
    /// first. Shown ones are closed first, which moves them to the history.
    pub fn summaries(&self) -> TestResult<Vec<String>> {
        Command::new("dunstctl").arg("close-all").status()?;
        std::thread::sleep(Duration::from_millis(200));
        let output = Command::new("dunstctl").arg("history").output()?;
        let history: serde_json::Value = serde_json::from_slice(&output.stdout)?;
        let mut summaries: Vec<String> = history["data"][0]
            .as_array()
            .map(|all| {
                all.iter()
                    .filter_map(|n| n["summary"]["data"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        // dunst lists the newest first.
        summaries.reverse();
        Ok(summaries)
    }
}

/// Asks the session bus (without waking anyone by D-Bus activation).
fn bus_call(method: &str) -> TestResult<String> {
    let output = Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            &format!("org.freedesktop.DBus.{method}"),
            &format!("string:{NOTIFICATIONS}"),
        ])
        .output()?;
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

const NOTIFICATIONS: &str = "org.freedesktop.Notifications";

/// Whether a `NameHasOwner` reply says the name is taken.
fn owned(reply: &str) -> bool {
    reply.contains("boolean true")
}

/// An app from an earlier test that showed a notification made D-Bus start
/// dunst by itself; that daemon holds the other test's history and the
/// bus name, so it is stopped and each test gets a daemon of its own.
fn stop_activated_daemon() -> TestResult {
    if !owned(&bus_call("NameHasOwner")?) {
        return Ok(());
    }
    let reply = bus_call("GetConnectionUnixProcessID")?;
    let pid = reply
        .split_whitespace()
        .skip_while(|word| *word != "uint32")
        .nth(1)
        .ok_or_else(|| format!("no process holds {NOTIFICATIONS}: {reply}"))?;
    Command::new("kill").arg(pid).status()?;
    let deadline = Instant::now() + PATIENCE;
    while owned(&bus_call("NameHasOwner")?) {
        if Instant::now() > deadline {
            return Err(format!("the notification daemon {pid} did not stop").into());
        }
        std::thread::sleep(POLL);
    }
    Ok(())
}

impl Drop for Dunst {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Settings under which every reminder is due from midnight and no hour is
/// quiet, so a test sees its notices whatever time it runs — and without
/// the season's own reminders, which come with the calendar (December,
/// July), so what a test counts is the same in every month.
pub fn due_at_any_hour(
    language: kizuna_core::settings::Language,
) -> kizuna_core::settings::Settings {
    kizuna_core::settings::Settings {
        language,
        reminder_time: "00:00".to_owned(),
        quiet_start: "00:00".to_owned(),
        quiet_end: "00:00".to_owned(),
        season_reminders: false,
        ..kizuna_core::settings::Settings::default()
    }
}

/// A data folder for one test, removed afterwards.
pub fn data_dir() -> TestResult<tempfile::TempDir> {
    Ok(tempfile::Builder::new().prefix("kizuna-e2e-").tempdir()?)
}

/// Opens the store in `dir` as the app will: with the key the OS keychain
/// keeps for that folder (made and kept there for a new folder), so a test
/// can fill a book before the app starts on it.
pub fn open_store(
    dir: &Path,
) -> TestResult<(kizuna_core::Store, kizuna_core::store::MigrationReport)> {
    match kizuna_core::unlock::find_key(dir)? {
        kizuna_core::unlock::Found::Key { key, .. } => {
            Ok(kizuna_core::Store::open_in_dir(dir, &key)?)
        }
        kizuna_core::unlock::Found::Locked(lock) => Err(format!(
            "no keychain for the test store ({lock:?}): run inside tests/keyring-session.sh"
        )
        .into()),
    }
}

/// Waits, up to a second, until `element` stops moving on the page: a view
/// still filling in above it (a preview, a count) would move it between
/// WebDriver finding where to click and the click, and the click would
/// land on whatever took its place, as a user's would.
async fn settled(element: &WebElement) -> WebDriverResult<()> {
    let mut last = element.rect().await?;
    for _ in 0..10 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = element.rect().await?;
        if (now.x, now.y, now.width, now.height) == (last.x, last.y, last.width, last.height) {
            return Ok(());
        }
        last = now;
    }
    Ok(())
}

/// Runs xdotool (answers native dialogs under Xvfb), giving up after 30 s.
fn xdotool(args: &[&str]) -> TestResult<String> {
    let output = std::process::Command::new("timeout")
        .arg("30")
        .arg("xdotool")
        .args(args)
        .output()?;
    if !output.status.success() {
        return Err(format!(
            "xdotool {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
