//! `kizuna-cli`: Kizuna without a window, for scripts and maintenance.

mod bench;

// glibc's allocator spent a fifth of an export consolidating freed memory.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
mod crash_writer;
mod interchange;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use kizuna_core::keys::{PassphraseLock, StoreKey};
use kizuna_core::unlock::{self, Found, Lock};
use kizuna_core::{Clock, Store, paths};

#[derive(Parser)]
#[command(name = "kizuna-cli", version, about = "Kizuna (絆) without a window")]
struct Cli {
    /// The data folder (default: $KIZUNA_DATA_DIR, else the OS app-data folder).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// Open the store with its recovery key instead of the key in the OS
    /// keychain (another computer, a lost keychain).
    #[arg(long, global = true, value_name = "KEY")]
    recovery_key: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Fill a data folder with realistic demo customers (default: the separate demo folder).
    Demo {
        #[arg(long, default_value_t = 200)]
        count: usize,
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Leave a folder that already holds customers as it is, instead of failing.
        #[arg(long)]
        if_empty: bool,
    },
    /// Print the data folder (or, with --demo, the demo folder).
    Where {
        #[arg(long)]
        demo: bool,
    },
    /// Check the store's integrity (SQLite integrity_check, foreign keys, search index).
    Check,
    /// Print where the store lives and what it holds.
    Info,
    /// Print today's reminders: overdue, today and the next 7 days.
    Today {
        /// Write the drafts in English instead of Japanese.
        #[arg(long)]
        english: bool,
    },
    /// Import customers from a vCard (2.1, 3.0, 4.0) or CSV file: shows what
    /// it will do, then writes it all at once (after a backup).
    Import {
        file: PathBuf,
        #[arg(long, value_enum, default_value = "auto")]
        format: interchange::FileFormat,
        #[arg(long, value_enum, default_value = "auto")]
        encoding: interchange::Encoding,
        /// The CSV layout, when the one detected is wrong.
        #[arg(long, value_enum)]
        preset: Option<interchange::Preset>,
        /// Show what would happen and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Label phones and e-mails in English (mobile) instead of Japanese (携帯).
        #[arg(long)]
        english: bool,
    },
    /// Export customers (all, or --ids) as vCard, CSV, iCalendar, or everything as JSON.
    Export {
        #[arg(long, value_enum, default_value = "vcard")]
        format: interchange::ExportFormat,
        /// Write here instead of to standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Only these customers (comma-separated ids).
        #[arg(long, value_delimiter = ',')]
        ids: Vec<i64>,
        #[arg(long)]
        english: bool,
    },
    /// Back up the store now (into the backup folder in the settings).
    Backup,
    /// List the backups, newest first.
    Backups,
    /// Replace the store with a backup (.sqlite3) or a JSON export, after
    /// checking it and backing up the store as it is.
    Restore {
        file: PathBuf,
        /// Really replace (without it, only the check is shown).
        #[arg(long)]
        yes: bool,
    },
    /// For the crash-safety test: write through the core until killed.
    #[command(hide = true)]
    CrashWriter {
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Write the UI's TypeScript bindings generated from the Rust types.
    Bindings {
        #[arg(default_value = "ui/src/lib/api/bindings.ts")]
        output: PathBuf,
    },
    /// Measure the scale targets on a generated store and print p50/p95.
    Bench {
        #[arg(long, default_value_t = 100_000)]
        customers: usize,
        /// Keep the generated store here instead of a temporary folder.
        #[arg(long)]
        keep: Option<PathBuf>,
        /// Instead of the table, time these search terms one by one on --keep.
        #[arg(long, num_args = 1..)]
        terms: Vec<String>,
        /// Measure only the operations whose names contain this.
        #[arg(long)]
        only: Option<String>,
    },
}

fn main() -> ExitCode {
    // The core's log on stderr: warnings by default, `KIZUNA_LOG=info` for
    // what it does (backups, imports, restores, the agenda).
    let filter = tracing_subscriber::EnvFilter::try_from_env("KIZUNA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kizuna-cli: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The store key for `dir`: the recovery key given, else the keychain's
/// (a new book gets one there), else the passphrase, asked on the terminal.
fn store_key(
    dir: &Path,
    recovery_key: Option<&str>,
) -> Result<StoreKey, Box<dyn std::error::Error>> {
    if let Some(text) = recovery_key {
        let key = StoreKey::from_recovery_key(text)?;
        unlock::check_key_opens_store(dir, &key)?;
        return Ok(key);
    }
    match unlock::find_key(dir)? {
        Found::Key { next: Some(_), .. } => Err(
            "a change of the recovery key was cut short; open Kizuna's window once to finish it"
                .into(),
        ),
        Found::Key { key, .. } => Ok(key),
        Found::Locked(Lock::Passphrase) => {
            eprint!("Passphrase for {}: ", dir.display());
            let mut line = zeroize::Zeroizing::new(String::new());
            std::io::stdin().read_line(&mut line)?;
            let (_, key, _) = PassphraseLock::unlock(dir, line.trim_end_matches(['\r', '\n']))?;
            Ok(key)
        }
        Found::Locked(_) => Err(format!(
            "no key for {} in the OS keychain: pass --recovery-key, or open Kizuna's window once",
            dir.display()
        )
        .into()),
    }
}

fn open_store(
    dir: &Path,
    recovery_key: Option<&str>,
) -> Result<(Store, kizuna_core::store::MigrationReport), Box<dyn std::error::Error>> {
    let key = store_key(dir, recovery_key)?;
    Ok(Store::open_in_dir(dir, &key)?)
}

fn language(english: bool) -> kizuna_core::reminder::DraftLanguage {
    if english {
        kizuna_core::reminder::DraftLanguage::En
    } else {
        kizuna_core::reminder::DraftLanguage::Ja
    }
}

fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    match cli.command {
        Command::Demo {
            count,
            seed,
            if_empty,
        } => {
            let dir = cli.data_dir.unwrap_or_else(paths::demo_data_dir);
            let (mut store, _) = open_store(&dir, cli.recovery_key.as_deref())?;
            if store.customer_count()? > 0 {
                if if_empty {
                    println!("{} already holds customers; left as it is", dir.display());
                    return Ok(());
                }
                return Err(format!(
                    "{} already holds customers; demo data only goes into an empty folder",
                    dir.display()
                )
                .into());
            }
            let settings = store.settings()?;
            let clock = Clock::system(settings.tz());
            let written = kizuna_core::demo::populate(&mut store, count, seed, &clock)?;
            println!("{written} demo customers written to {}", dir.display());
        }
        Command::Where { demo } => {
            let dir = match (cli.data_dir, demo) {
                (Some(dir), _) => dir,
                (None, true) => paths::demo_data_dir(),
                (None, false) => paths::data_dir(),
            };
            println!("{}", dir.display());
        }
        Command::Check => {
            let dir = cli.data_dir.unwrap_or_else(paths::data_dir);
            let (store, _) = open_store(&dir, cli.recovery_key.as_deref())?;
            let problems = store.integrity_problems()?;
            if problems.is_empty() {
                println!(
                    "ok: {} ({} customers)",
                    dir.display(),
                    store.customer_count()?
                );
            } else {
                for p in &problems {
                    eprintln!("{p}");
                }
                return Err(format!("{} problem(s) found", problems.len()).into());
            }
        }
        Command::Info => {
            let dir = cli.data_dir.unwrap_or_else(paths::data_dir);
            let (store, report) = open_store(&dir, cli.recovery_key.as_deref())?;
            println!("data folder: {}", dir.display());
            println!("schema:      {}", report.to_version);
            println!("customers:   {}", store.customer_count()?);
        }
        Command::Today { english } => {
            let dir = cli.data_dir.unwrap_or_else(paths::data_dir);
            let (store, _) = open_store(&dir, cli.recovery_key.as_deref())?;
            let clock = kizuna_core::Clock::system(store.settings()?.tz());
            let language = if english {
                kizuna_core::reminder::DraftLanguage::En
            } else {
                kizuna_core::reminder::DraftLanguage::Ja
            };
            let started = std::time::Instant::now();
            let view = store.today_view(language, &clock)?;
            let elapsed = started.elapsed();
            for (name, section) in [
                ("overdue", &view.overdue),
                ("today", &view.today_items),
                ("next 7 days", &view.upcoming),
            ] {
                println!("{name}: {}", section.total);
                for r in section.items.iter().take(10) {
                    let who = r.customer.as_ref().map_or("", |c| c.display_name.as_str());
                    println!("  {}  {who}  {}", r.due_on, r.headline);
                }
            }
            eprintln!("({:.1} ms)", elapsed.as_secs_f64() * 1000.0);
        }
        Command::Import {
            file,
            format,
            encoding,
            preset,
            dry_run,
            english,
        } => {
            let dir = cli.data_dir.unwrap_or_else(paths::data_dir);
            let (mut store, _) = open_store(&dir, cli.recovery_key.as_deref())?;
            let clock = Clock::system(store.settings()?.tz());
            let args = interchange::ImportArgs {
                file,
                format,
                encoding,
                preset,
                dry_run,
                language: language(english),
            };
            interchange::import(&mut store, &args, &clock)?;
        }
        Command::Export {
            format,
            output,
            ids,
            english,
        } => {
            let dir = cli.data_dir.unwrap_or_else(paths::data_dir);
            let (store, _) = open_store(&dir, cli.recovery_key.as_deref())?;
            let clock = Clock::system(store.settings()?.tz());
            let ids = (!ids.is_empty()).then_some(ids.as_slice());
            interchange::export(
                &store,
                format,
                ids,
                output.as_deref(),
                language(english),
                &clock,
            )?;
        }
        Command::Backup => {
            let dir = cli.data_dir.unwrap_or_else(paths::data_dir);
            let (store, _) = open_store(&dir, cli.recovery_key.as_deref())?;
            let clock = Clock::system(store.settings()?.tz());
            interchange::back_up(&store, &clock)?;
        }
        Command::Backups => {
            let dir = cli.data_dir.unwrap_or_else(paths::data_dir);
            let (store, _) = open_store(&dir, cli.recovery_key.as_deref())?;
            interchange::list_backups(&store)?;
        }
        Command::Restore { file, yes } => {
            let dir = cli.data_dir.unwrap_or_else(paths::data_dir);
            let (mut store, _) = open_store(&dir, cli.recovery_key.as_deref())?;
            let clock = Clock::system(store.settings()?.tz());
            interchange::restore(&mut store, &file, yes, &clock)?;
        }
        Command::CrashWriter { seed } => {
            let dir = cli.data_dir.unwrap_or_else(paths::data_dir);
            let (mut store, _) = open_store(&dir, cli.recovery_key.as_deref())?;
            crash_writer::run(&mut store, seed)?;
        }
        Command::Bindings { output } => {
            std::fs::write(&output, kizuna_core::bindings::typescript())?;
            println!("wrote {}", output.display());
        }
        Command::Bench {
            customers,
            keep,
            terms,
            only,
        } => match (&keep, terms.is_empty()) {
            (Some(dir), false) => {
                let terms: Vec<&str> = terms.iter().map(String::as_str).collect();
                bench::search_breakdown(dir, &terms)?;
            }
            _ => bench::run(customers, keep, only)?,
        },
    }
    Ok(())
}
