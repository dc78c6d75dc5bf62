//! Benchmarks for the scale targets, printed as a table (p50 / p95).
//! Not timed tests: figures depend on the machine and go in the README.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use kizuna_core::customer::CustomerQuery;
use kizuna_core::measures::DashboardQuery;
use kizuna_core::reminder::DraftLanguage;
use kizuna_core::touchpoint::{Direction, TouchpointInput, TouchpointKind};
use kizuna_core::{Clock, Store};

struct Row {
    name: &'static str,
    target: Duration,
    samples: Vec<Duration>,
}

impl Row {
    fn new(name: &'static str, target_ms: f64) -> Self {
        Row {
            name,
            target: Duration::from_secs_f64(target_ms / 1000.0),
            samples: Vec::new(),
        }
    }

    fn time(&mut self, op: impl FnOnce()) {
        let start = Instant::now();
        op();
        self.samples.push(start.elapsed());
    }

    fn percentile(&self, p: f64) -> Duration {
        let mut sorted = self.samples.clone();
        sorted.sort();
        let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
        sorted.get(index).copied().unwrap_or_default()
    }
}

fn measure(name: &'static str, target_ms: f64, runs: usize, mut op: impl FnMut(usize)) -> Row {
    // One unmeasured run warms SQLite's page cache and statement cache.
    op(0);
    let mut row = Row::new(name, target_ms);
    for i in 0..runs {
        row.time(|| op(i + 1));
    }
    row
}

fn touch(customer_id: i64, clock: &Clock) -> TouchpointInput {
    TouchpointInput {
        customer_id,
        kind: TouchpointKind::Call,
        occurred_at: clock.timestamp(),
        summary: "ベンチマーク".to_owned(),
        notes: String::new(),
        direction: Direction::Neutral,
        satisfaction: None,
        promise: None,
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

pub fn run(customers: usize, keep: Option<PathBuf>) -> Result<(), Box<dyn std::error::Error>> {
    let temp = tempfile::tempdir()?;
    let dir = keep.unwrap_or_else(|| temp.path().to_path_buf());
    let clock = Clock::system(chrono_tz::Asia::Tokyo);
    let (mut store, _) = Store::open_in_dir(&dir)?;
    if store.customer_count()? == 0 {
        let start = Instant::now();
        kizuna_core::demo::populate(&mut store, customers, 42, &clock)?;
        eprintln!(
            "generated {customers} customers in {:.1} s",
            start.elapsed().as_secs_f64()
        );
    }
    let total = store.customer_count()?;
    let (touchpoints, purchases) = store.record_counts()?;
    drop(store);

    let mut rows = Vec::new();
    let path = dir.join(kizuna_core::store::DATABASE_FILE);
    rows.push(measure("open the store", 50.0, 30, |_| {
        let opened = Store::open(&path).map(|(s, _)| s.customer_count());
        assert!(matches!(opened, Ok(Ok(n)) if n > 0), "store did not open");
    }));
    let (mut store, _) = Store::open(&path)?;

    let page_count = (total as u32 / 100).max(1);
    rows.push(measure("list page (100 rows, by reading)", 5.0, 200, |i| {
        let query = CustomerQuery {
            offset: (i as u32 * 7919 % page_count) * 100,
            ..CustomerQuery::default()
        };
        let page = store.list_customers(&query).map(|p| p.rows.len());
        assert!(matches!(page, Ok(n) if n > 0), "empty page");
    }));

    // What salespeople type: names, readings (in either kana), romaji, a
    // phone fragment, a company, a place, a tag.
    let long_terms = [
        "やまだ",
        "タカハシ",
        "佐々木",
        "長谷川",
        "suzuki",
        "090-12",
        "まつもと けいこ",
        "さくら不動産",
        "渋谷区",
        "ワイン好き",
        "hanako",
        "ゴルフ",
    ];
    rows.push(measure("search, 3+ characters", 10.0, 200, |i| {
        let query = CustomerQuery {
            text: long_terms[i % long_terms.len()].to_owned(),
            ..CustomerQuery::default()
        };
        let page = store.list_customers(&query);
        assert!(page.is_ok(), "search failed");
    }));

    let short_terms = ["林", "田中", "森", "佐藤", "鮨", "ゆみ", "あべ", "Wu"];
    rows.push(measure("search, 1-2 characters", 50.0, 100, |i| {
        let query = CustomerQuery {
            text: short_terms[i % short_terms.len()].to_owned(),
            ..CustomerQuery::default()
        };
        let page = store.list_customers(&query);
        assert!(page.is_ok(), "search failed");
    }));

    rows.push(measure("load one customer, all details", 2.0, 500, |i| {
        let id = (i as i64 * 7919) % total + 1;
        assert!(store.customer(id).is_ok(), "customer {id} missing");
    }));

    rows.push(measure("dashboard, 12 months", 150.0, 30, |_| {
        let query = DashboardQuery {
            months: 12,
            end: None,
        };
        assert!(store.dashboard(&query, &clock).is_ok(), "dashboard failed");
    }));

    rows.push(measure("one customer's timeline", 10.0, 300, |i| {
        let id = (i as i64 * 7919) % total + 1;
        assert!(store.timeline(id, &[], &clock).is_ok(), "timeline failed");
    }));

    rows.push(measure("visit brief", 10.0, 300, |i| {
        let id = (i as i64 * 104_729) % total + 1;
        assert!(store.visit_brief(id, &clock).is_ok(), "brief failed");
    }));

    rows.push(measure(
        "Today view (every reminder, all customers)",
        20.0,
        50,
        |_| {
            assert!(
                store.today_view(DraftLanguage::Ja, &clock).is_ok(),
                "today view failed"
            );
        },
    ));

    // After a write the agenda derives that customer's reminders again
    // before the view is read: what the user sees after marking one done.
    let mut after_change = Row::new("Today view right after a quick log", 20.0);
    for i in 0..50 {
        let input = touch((i as i64 * 7919) % total + 1, &clock);
        assert!(
            store.log_touchpoint(input, &clock).is_ok(),
            "quick log failed"
        );
        after_change.time(|| {
            assert!(
                store.today_view(DraftLanguage::Ja, &clock).is_ok(),
                "today view failed"
            );
        });
    }
    rows.push(after_change);

    // The first view of a day derives the whole agenda again; the
    // scheduler usually does this at its first wake-up of the day.
    rows.push(measure("first Today view of a new day", 0.0, 5, |i| {
        let day = Clock::new(clock.now + chrono::Duration::days(i as i64 + 1), clock.tz);
        assert!(
            store.today_view(DraftLanguage::Ja, &day).is_ok(),
            "today view failed"
        );
    }));

    // What the scheduler does each time it wakes: what to announce, when to
    // wake next and the tray's count. It wakes at most every 15 minutes when idle.
    rows.push(measure("scheduler wake-up", 50.0, 30, |_| {
        assert!(
            store.scheduler_tick(DraftLanguage::Ja, &clock).is_ok(),
            "scheduler tick failed"
        );
    }));

    rows.push(measure("quick log (write, committed)", 5.0, 200, |i| {
        let input = touch((i as i64 * 31) % total + 1, &clock);
        assert!(
            store.log_touchpoint(input, &clock).is_ok(),
            "quick log failed"
        );
    }));

    println!(
        "Kizuna benchmark: {total} customers, {touchpoints} touchpoints, {purchases} purchases"
    );
    println!("{}", machine());
    println!();
    println!("| operation | p50 | p95 | target (p50) | |");
    println!("|---|---:|---:|---:|---|");
    for row in &rows {
        let p50 = row.percentile(0.5);
        let (target, verdict) = match row.target {
            Duration::ZERO => ("—".to_owned(), ""),
            target if p50 <= target => (format!("≤ {}", ms(target)), "ok"),
            target => (format!("≤ {}", ms(target)), "OVER"),
        };
        println!(
            "| {} | {} | {} | {target} | {verdict} |",
            row.name,
            ms(p50),
            ms(row.percentile(0.95)),
        );
    }
    Ok(())
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    format!(
        "machine: {cpu}, {cores} cores, {} {}",
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

/// Per-query timings, to see which searches drive the percentiles.
pub fn search_breakdown(
    dir: &std::path::Path,
    terms: &[&str],
) -> Result<(), Box<dyn std::error::Error>> {
    let (store, _) = Store::open_in_dir(dir)?;
    for term in terms {
        let query = CustomerQuery {
            text: (*term).to_owned(),
            ..CustomerQuery::default()
        };
        let row = measure("term", 0.0, 20, |_| {
            assert!(store.list_customers(&query).is_ok());
        });
        let total = store.list_customers(&query)?.total;
        println!(
            "{term:>16}  {total:>6} matches  p50 {}",
            ms(row.percentile(0.5))
        );
    }
    Ok(())
}
