//! What the user feels at 100,000 customers, measured on the real app (run
//! on demand by `tests/app-bench.sh`, never in the test suite): the time
//! from launch to a usable Today view — on the first start of a day (the
//! agenda derived anew, the disk cache dropped when allowed) and warm — and
//! to the first page of the customer list, and the memory (PSS) of every
//! process the app owns after start-up, after scrolling the whole list and
//! opening 100 customers, and after a stretch idle with the scheduler
//! running. `hello_world_floor` measures a bare Tauri window the same way.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use kizuna_e2e::{Kizuna, TestResult, app_binary, data_dir};
use thirtyfour::Key;

/// How many customers the benchmark's book holds.
fn customers() -> usize {
    env_number("KIZUNA_BENCH_CUSTOMERS", 100_000)
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The PSS (kB) of `pid` and every process under it, by name.
fn pss_tree(pid: u32) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    let mut todo = vec![pid];
    while let Some(pid) = todo.pop() {
        let name = std::fs::read_to_string(format!("/proc/{pid}/comm"))
            .unwrap_or_default()
            .trim()
            .to_owned();
        let pss = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix("Pss:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0);
        out.push((name, pss));
        todo.extend(children(pid));
    }
    out
}

fn children(pid: u32) -> Vec<u32> {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for task in tasks.flatten() {
        let list = std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
        out.extend(
            list.split_whitespace()
                .filter_map(|p| p.parse::<u32>().ok()),
        );
    }
    out
}

/// The running app's process: the one whose executable is `binary`.
fn app_pid(binary: &Path) -> Option<u32> {
    let binary = binary.canonicalize().ok()?;
    std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .find(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == binary))
}

fn report_memory(label: &str, binary: &Path) -> TestResult<u64> {
    let pid = app_pid(binary).ok_or("the app is not running")?;
    let tree = pss_tree(pid);
    let total: u64 = tree.iter().map(|(_, kb)| kb).sum();
    let parts: Vec<String> = tree
        .iter()
        .map(|(name, kb)| format!("{name} {:.0} MB", *kb as f64 / 1024.0))
        .collect();
    println!(
        "memory {label}: {:.0} MB PSS ({})",
        total as f64 / 1024.0,
        parts.join(", ")
    );
    Ok(total)
}

/// Whether the app has a process of its own at work (`kizuna
/// --prepare-agenda` or `--back-up-if-due`, see `src-tauri/src/apart.rs`).
fn work_apart_running(binary: &Path) -> bool {
    let Some(pid) = app_pid(binary) else {
        return false;
    };
    children(pid).into_iter().any(|child| {
        std::fs::read(format!("/proc/{child}/cmdline")).is_ok_and(|cmdline| {
            cmdline
                .split(|b| *b == 0)
                .any(|arg| arg == b"--prepare-agenda" || arg == b"--back-up-if-due")
        })
    })
}

/// Drops the kernel's page cache, so a start reads the store from disk;
/// quietly does nothing where that is not allowed.
fn drop_disk_cache() -> bool {
    std::process::Command::new("sync").status().is_ok()
        && std::fs::write("/proc/sys/vm/drop_caches", "3").is_ok()
}

/// Launches the app and returns it with the time to a Today view that
/// shows its reminders.
async fn start(dir: &Path) -> TestResult<(Kizuna, Duration)> {
    let launched = std::time::SystemTime::now();
    let started = Instant::now();
    let app = Kizuna::launch_home(dir, &[]).await?;
    app.wait_for("[data-testid=today-view] [data-testid=reminder]")
        .await?;
    let took = started.elapsed();
    print_phases("Kizuna", &app, launched).await?;
    Ok((app, took))
}

/// Where a start's time went, from the page's own clock: until the page
/// began loading (the WebDriver session, the process, its set-up, the web
/// process), until its script had run (`DOMContentLoaded`), and until now.
async fn print_phases(who: &str, app: &Kizuna, launched: std::time::SystemTime) -> TestResult {
    let [origin, loaded, now]: [f64; 3] = app
        .driver
        .execute(
            "const nav = performance.getEntriesByType('navigation')[0];
             return [performance.timeOrigin, nav ? nav.domContentLoadedEventEnd : 0, performance.now()];",
            Vec::new(),
        )
        .await?
        .convert()?;
    let launched_ms = launched
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs_f64()
        * 1000.0;
    println!(
        "  {who}: page began loading after {:.0} ms, its script ran by {:.0} ms, shown by {:.0} ms",
        origin - launched_ms,
        origin - launched_ms + loaded,
        origin - launched_ms + now
    );
    Ok(())
}

/// The app's own account of the day's work apart — the agenda, the
/// backups — from its log in the data folder.
fn print_work_apart_log(dir: &Path) {
    let Ok(logs) = std::fs::read_dir(dir.join("logs")) else {
        return;
    };
    for log in logs.flatten() {
        let text = std::fs::read_to_string(log.path()).unwrap_or_default();
        for line in text
            .lines()
            .filter(|l| l.contains("agenda") || l.contains("backup"))
        {
            println!("  log: {line}");
        }
    }
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::test]
#[ignore = "a benchmark: run by tests/app-bench.sh"]
async fn the_app_at_100000_customers() -> TestResult {
    let binary = app_binary();
    let dir = data_dir()?;
    let clock = kizuna_core::Clock::system(chrono_tz::Asia::Tokyo);
    {
        let (mut store, _) = kizuna_e2e::open_store(dir.path())?;
        let generated = Instant::now();
        kizuna_core::demo::populate(&mut store, customers(), 42, &clock)?;
        println!(
            "generated {} customers in {:.0} s",
            customers(),
            generated.elapsed().as_secs_f64()
        );
    }

    // Warm: the agenda built for today and the store in the disk cache.
    let (app, _) = start(dir.path()).await?;
    app.quit().await?;
    let mut warm = Vec::new();
    for _ in 0..3 {
        let (app, took) = start(dir.path()).await?;
        warm.push(took);
        app.quit().await?;
    }
    warm.sort();
    println!("usable Today view, warm: {} (of {warm:?})", ms(warm[1]));

    // The first start of a day: the agenda kept is yesterday's, as the
    // last start of the day before left it, and the disk cache dropped.
    {
        let (store, _) = kizuna_e2e::open_store(dir.path())?;
        let yesterday = kizuna_core::Clock::new(clock.now - chrono::Duration::days(1), clock.tz);
        store.prepare_agenda(&yesterday)?;
        if !store.agenda_needs_rebuild(&clock)? {
            return Err("the agenda kept is still today's".into());
        }
    }
    let dropped = drop_disk_cache();
    let (app, cold) = start(dir.path()).await?;
    println!(
        "usable Today view, first start of a day: {}{}",
        ms(cold),
        if dropped {
            " (disk cache dropped)"
        } else {
            " (disk cache kept)"
        }
    );
    tokio::time::sleep(Duration::from_secs(5)).await;
    // The day's agenda and backups run in processes of their own for a few
    // seconds; what stays is read once they have ended.
    let apart = Instant::now();
    while work_apart_running(&binary) && apart.elapsed() < Duration::from_secs(120) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!(
        "work apart ended {:.1} s after the view was usable",
        5.0 + apart.elapsed().as_secs_f64()
    );
    print_work_apart_log(dir.path());
    report_memory("after start-up", &binary)?;

    // The first page of the list.
    let listed = Instant::now();
    app.click("[data-testid=nav-customers]").await?;
    app.wait_for("[data-testid=customer-row]").await?;
    println!("first list page: {}", ms(listed.elapsed()));

    // The whole list scrolled, a page at a time, each page waited for.
    let scrolled = Instant::now();
    let steps = (customers() / 100).max(1);
    for step in 1..=steps {
        app.scroll_list(step as f64 / steps as f64).await?;
    }
    println!(
        "scrolled {} rows in {:.1} s",
        customers(),
        scrolled.elapsed().as_secs_f64()
    );

    // 100 customers opened, one after the other, from the search box: each
    // step waits until the detail shows the customer selected.
    app.click("[data-testid=search]").await?;
    let mut opened: Option<i64> = None;
    for _ in 0..100 {
        app.driver
            .action_chain()
            .send_keys(Key::Down)
            .perform()
            .await?;
        let before = opened;
        app.wait_until("the next customer opens", || async {
            Ok(app
                .opened_customer()
                .await?
                .is_some_and(|id| Some(id) != before))
        })
        .await?;
        opened = app.opened_customer().await?;
    }
    report_memory(
        "after scrolling the list and opening 100 customers",
        &binary,
    )?;

    let idle = env_number("KIZUNA_BENCH_IDLE_MINUTES", 30);
    app.click("[data-testid=nav-today]").await?;
    app.wait_for("[data-testid=reminder]").await?;
    tokio::time::sleep(Duration::from_secs(5)).await;
    report_memory("back on the Today view", &binary)?;
    tokio::time::sleep(Duration::from_secs(60 * idle as u64)).await;
    report_memory(&format!("after {idle} minutes idle"), &binary)?;
    app.quit().await
}

#[tokio::test]
#[ignore = "a benchmark: run by tests/app-bench.sh"]
async fn hello_world_floor() -> TestResult {
    let binary = std::env::var_os("KIZUNA_HELLO")
        .map(PathBuf::from)
        .ok_or("KIZUNA_HELLO names the hello-world binary")?;
    let dir = data_dir()?;
    let mut times = Vec::new();
    for round in 0..4 {
        let started = Instant::now();
        let launched = std::time::SystemTime::now();
        let app = Kizuna::launch_app(&binary, dir.path(), "h1").await?;
        let took = started.elapsed();
        print_phases("hello world", &app, launched).await?;
        if round == 0 {
            tokio::time::sleep(Duration::from_secs(5)).await;
            report_memory("hello world after start-up", &binary)?;
        } else {
            times.push(took);
        }
        app.quit().await?;
    }
    times.sort();
    println!("hello world window, warm: {} (of {times:?})", ms(times[1]));
    Ok(())
}
