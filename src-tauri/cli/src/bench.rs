//! Benchmarks for the scale targets, printed as a table (p50 / p95).
//! Not timed tests: figures depend on the machine and go in the README.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use kizuna_core::backup::BackupKind;
use kizuna_core::customer::CustomerQuery;
use kizuna_core::interchange::text::TextEncoding;
use kizuna_core::interchange::vcard::VcardVersion;
use kizuna_core::interchange::{ImportFormat, ImportOptions};
use kizuna_core::ladder::Stage;
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

/// Only the operations whose names contain this are measured (`--only`).
static ONLY: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();

fn wanted(name: &str) -> bool {
    ONLY.get()
        .and_then(Option::as_deref)
        .is_none_or(|only| name.contains(only))
}

fn measure(name: &'static str, target_ms: f64, runs: usize, mut op: impl FnMut(usize)) -> Row {
    if !wanted(name) {
        return Row::new(name, target_ms);
    }
    // One unmeasured run warms SQLite's page cache and statement cache.
    op(0);
    let mut row = Row::new(name, target_ms);
    for i in 0..runs {
        row.time(|| op(i + 1));
    }
    row
}

/// vCard 3.0 text as a phone's address book writes it.
fn phone_cards(customers: &[kizuna_core::interchange::export::ExportCustomer]) -> String {
    let escape = |s: &str| {
        s.replace('\\', "\\\\")
            .replace(';', "\\;")
            .replace(',', "\\,")
            .replace('\n', "\\n")
    };
    let mut out = String::new();
    for c in customers {
        let p = &c.profile;
        out.push_str("BEGIN:VCARD\r\nVERSION:3.0\r\n");
        out.push_str(&format!("UID:phone-{}\r\n", c.uid));
        out.push_str(&format!(
            "N:{};{};;;\r\nFN:{} {}\r\n",
            escape(&p.family_name),
            escape(&p.given_name),
            escape(&p.family_name),
            escape(&p.given_name)
        ));
        if !p.family_name_reading.is_empty() {
            out.push_str(&format!(
                "X-PHONETIC-LAST-NAME:{}\r\nX-PHONETIC-FIRST-NAME:{}\r\n",
                escape(&p.family_name_reading),
                escape(&p.given_name_reading)
            ));
        }
        if !p.company.is_empty() {
            out.push_str(&format!("ORG:{}\r\n", escape(&p.company)));
        }
        for (i, phone) in p.phones.iter().take(2).enumerate() {
            let kind = if i == 0 { "CELL" } else { "HOME" };
            out.push_str(&format!("TEL;TYPE={kind}:{}\r\n", phone.number));
        }
        if let Some(email) = p.emails.first() {
            out.push_str(&format!("EMAIL;TYPE=INTERNET:{}\r\n", email.address));
        }
        if let Some(a) = p.addresses.first() {
            out.push_str(&format!(
                "ADR;TYPE=HOME:;;{};{};{};{};\r\n",
                escape(&a.street),
                escape(&a.locality),
                escape(&a.region),
                escape(&a.postal_code)
            ));
        }
        if let Some(b) = p.birthday.filter(|b| b.year.is_some()) {
            out.push_str(&format!(
                "BDAY:{:04}-{:02}-{:02}\r\n",
                b.year.unwrap_or(2000),
                b.month,
                b.day
            ));
        }
        if !p.notes.is_empty() {
            let short: String = p.notes.chars().take(60).collect();
            out.push_str(&format!("NOTE:{}\r\n", escape(&short)));
        }
        out.push_str("END:VCARD\r\n");
    }
    out
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

/// The list's first page for a search text.
fn search_for(text: &str) -> CustomerQuery {
    CustomerQuery {
        text: text.to_owned(),
        ..CustomerQuery::default()
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

pub fn run(
    customers: usize,
    keep: Option<PathBuf>,
    only: Option<String>,
) -> Result<(), Box<dyn std::error::Error>> {
    let _ = ONLY.set(only);
    let temp = tempfile::tempdir()?;
    let dir = keep.unwrap_or_else(|| temp.path().to_path_buf());
    let clock = Clock::system(chrono_tz::Asia::Tokyo);
    // Measured as the app runs: encrypted.
    let key = bench_key();
    let (mut store, _) = Store::open_in_dir(&dir, &key)?;
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
        let opened = Store::open(&path, &key).map(|(s, _)| s.customer_count());
        assert!(matches!(opened, Ok(Ok(n)) if n > 0), "store did not open");
    }));
    let (mut store, _) = Store::open(&path, &key)?;

    let page_count = (total as u32 / 100).max(1);
    // Customers by id, as they are now: a kept store has lost the ones
    // merged away by earlier runs.
    let listed = store.matching_ids(&CustomerQuery::default())?;
    let some_customer = |i: usize, step: usize| listed[(i * step) % listed.len()];
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
        let query = search_for(long_terms[i % long_terms.len()]);
        let page = store.list_customers(&query);
        assert!(page.is_ok(), "search failed");
    }));

    let short_terms = ["林", "田中", "森", "佐藤", "鮨", "ゆみ", "あべ", "Wu"];
    rows.push(measure("search, 1-2 characters", 50.0, 100, |i| {
        let query = search_for(short_terms[i % short_terms.len()]);
        let page = store.list_customers(&query);
        assert!(page.is_ok(), "search failed");
    }));

    // A customer moved up or down the ladder (a listing change): the next
    // search reads its memory of the book again, from a warm page cache.
    let moved = listed[0];
    let mut standing = store.customer(moved)?.profile.stage;
    rows.push(measure(
        "search, the first after a customer changed",
        100.0,
        30,
        |i| {
            standing = if standing == Stage::Client {
                Stage::Customer
            } else {
                Stage::Client
            };
            if let Err(e) = store.change_stage(moved, standing, "", &clock) {
                panic!("stage failed: {e}");
            }
            let query = search_for(long_terms[i % long_terms.len()]);
            assert!(store.list_customers(&query).is_ok(), "search failed");
        },
    ));
    // After another connection's write (a sync's, another window's) SQLite
    // reads its pages again too.
    rows.push(measure(
        "search, the first after another connection changed a customer",
        100.0,
        30,
        |i| {
            assert!(store.release_cache().is_ok(), "release failed");
            let query = search_for(long_terms[i % long_terms.len()]);
            assert!(store.list_customers(&query).is_ok(), "search failed");
        },
    ));

    rows.push(measure("load one customer, all details", 2.0, 500, |i| {
        let id = some_customer(i, 7919);
        assert!(store.customer(id).is_ok(), "customer {id} missing");
    }));

    rows.push(measure("dashboard, 12 months", 100.0, 30, |_| {
        let query = DashboardQuery {
            months: 12,
            end: None,
        };
        assert!(store.dashboard(&query, &clock).is_ok(), "dashboard failed");
    }));

    rows.push(measure(
        "duplicate candidates, whole book",
        2000.0,
        5,
        |_| {
            let found = store.duplicate_candidates(&mut |_, _| true);
            assert!(found.is_ok(), "duplicate candidates failed");
        },
    ));

    rows.push(measure("one customer's timeline", 10.0, 300, |i| {
        let id = some_customer(i, 7919);
        assert!(store.timeline(id, &[], &clock).is_ok(), "timeline failed");
    }));

    rows.push(measure("visit brief", 10.0, 300, |i| {
        let id = some_customer(i, 104_729);
        if let Err(e) = store.visit_brief(id, &clock) {
            panic!("brief of {id} failed: {e}");
        }
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
    for i in 0..if wanted(after_change.name) { 50 } else { 0 } {
        let input = touch(some_customer(i, 7919), &clock);
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
    // As the app's scheduler wakes: its connection let go of its cache
    // after the wake-up before, so it reads every page again.
    rows.push(measure(
        "scheduler wake-up, its cache let go after each",
        50.0,
        30,
        |_| {
            assert!(
                store.scheduler_tick(DraftLanguage::Ja, &clock).is_ok(),
                "scheduler tick failed"
            );
            assert!(store.release_cache().is_ok(), "release failed");
        },
    ));

    // Ten thousand cards as a phone exports them (name, reading, phones,
    // e-mail, company, address, birthday, a short note), and the same
    // customers as Kizuna exports them (every field, family, dates, notes),
    // each into an empty store: read, matched, previewed, written in one
    // transaction.
    let ten_thousand: Vec<i64> = (1..=10_000.min(total)).collect();
    let profiles = store.export_profiles(Some(&ten_thousand))?;
    let phone = phone_cards(&profiles);
    // Beside a kept store, for timing an import as a whole process
    // (`kizuna-cli import`).
    std::fs::write(dir.join("phone-cards.vcf"), &phone)?;
    let kizuna = store.export_vcards(
        Some(&ten_thousand),
        VcardVersion::V4,
        DraftLanguage::Ja,
        &mut |_, _| true,
    )?;
    for (name, target_ms, cards) in [
        (
            "import 10,000 vCards (as phones export them)",
            1000.0,
            &phone,
        ),
        ("import 10,000 vCards (Kizuna's, every field)", 0.0, &kizuna),
    ] {
        rows.push(measure(name, target_ms, 5, |i| {
            let target = temp.path().join(format!("import-{i}"));
            let (mut fresh, _) = Store::open_in_dir(&target, &bench_key()).expect("fresh store");
            let mut go_on = |_: u64, _: u64| true;
            let plan = fresh
                .plan_import_file(
                    cards.as_bytes(),
                    &ImportOptions {
                        format: ImportFormat::Vcard,
                        encoding: TextEncoding::Auto,
                        mapping: Vec::new(),
                        language: DraftLanguage::Ja,
                    },
                    &clock,
                    &mut go_on,
                    &mut |_, _| true,
                )
                .expect("plan");
            assert_eq!(
                plan.preview.new as usize,
                ten_thousand.len(),
                "every card is new"
            );
            fresh.apply_import(plan, &clock, &mut go_on).expect("write");
            drop(fresh);
            let _ = std::fs::remove_dir_all(&target);
        }));
    }

    rows.push(measure(
        "export 100,000 customers as vCard",
        2000.0,
        5,
        |_| {
            let text = store
                .export_vcards(None, VcardVersion::V4, DraftLanguage::Ja, &mut |_, _| true)
                .expect("export");
            assert!(text.len() > 1_000_000);
        },
    ));

    rows.push(measure("back up the whole store", 2000.0, 5, |_| {
        assert!(
            store.back_up(BackupKind::Manual, &clock).is_ok(),
            "backup failed"
        );
    }));

    rows.push(measure("quick log (write, committed)", 5.0, 200, |i| {
        let input = touch(some_customer(i, 31), &clock);
        assert!(
            store.log_touchpoint(input, &clock).is_ok(),
            "quick log failed"
        );
    }));

    // Two records of one person made one: the other's touchpoints,
    // purchases, states and introductions moved, the profile rewritten,
    // the other deleted, all captured for undo. The copy of the book taken
    // before the first merge of an hour falls in the unmeasured first run.
    let mut active = (1..=total)
        .rev()
        .filter(|id| store.customer(*id).is_ok_and(|c| !c.archived));
    let pairs: Vec<(i64, i64)> = std::iter::from_fn(|| Some((active.next()?, active.next()?)))
        .take(if wanted("merge") { 51 } else { 0 })
        .collect();
    if pairs.len() == 51 {
        rows.push(measure("merge two customers", 50.0, 50, |i| {
            let (kept, other) = pairs[i];
            let request = kizuna_core::merge::MergeRequest {
                kept,
                other,
                take_other: Vec::new(),
                kept_updated_at: store.customer(kept).expect("kept").updated_at,
                other_updated_at: store.customer(other).expect("other").updated_at,
            };
            assert!(
                store.merge_customers(&request, &clock).is_ok(),
                "merge failed"
            );
        }));
    }

    println!(
        "Kizuna benchmark: {total} customers, {touchpoints} touchpoints, {purchases} purchases"
    );
    println!("{}", machine());
    println!();
    println!("| operation | p50 | p95 | target (p50) | |");
    println!("|---|---:|---:|---:|---|");
    for row in rows.iter().filter(|r| !r.samples.is_empty()) {
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
    let (store, _) = Store::open_in_dir(dir, &bench_key())?;
    for term in terms {
        let query = search_for(term);
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

/// The benchmark's stores are encrypted like the app's, with a fixed key
/// so a kept folder (`--keep`) opens again in a later run.
fn bench_key() -> kizuna_core::keys::StoreKey {
    kizuna_core::keys::StoreKey::from_bytes([0x4b; 32])
}
