//! Import, export, backup and restore from the command line, through the
//! same core functions the app uses.

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use kizuna_core::backup::BackupKind;
use kizuna_core::interchange::import::ImportPreview;
use kizuna_core::interchange::table::{self, CsvPreset};
use kizuna_core::interchange::text::TextEncoding;
use kizuna_core::interchange::{ImportFormat, ImportOptions};
use kizuna_core::reminder::DraftLanguage;
use kizuna_core::{Clock, Store};

#[derive(Clone, Copy, ValueEnum)]
pub enum FileFormat {
    /// From the file's name and content.
    Auto,
    Vcard,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Encoding {
    Auto,
    Utf8,
    ShiftJis,
    Windows1252,
    Utf16le,
    Utf16be,
}

impl From<Encoding> for TextEncoding {
    fn from(e: Encoding) -> Self {
        match e {
            Encoding::Auto => TextEncoding::Auto,
            Encoding::Utf8 => TextEncoding::Utf8,
            Encoding::ShiftJis => TextEncoding::ShiftJis,
            Encoding::Windows1252 => TextEncoding::Windows1252,
            Encoding::Utf16le => TextEncoding::Utf16Le,
            Encoding::Utf16be => TextEncoding::Utf16Be,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Preset {
    Google,
    GoogleLegacy,
    Outlook,
    Linkedin,
    Japanese,
}

impl From<Preset> for CsvPreset {
    fn from(p: Preset) -> Self {
        match p {
            Preset::Google => CsvPreset::Google,
            Preset::GoogleLegacy => CsvPreset::GoogleLegacy,
            Preset::Outlook => CsvPreset::Outlook,
            Preset::Linkedin => CsvPreset::Linkedin,
            Preset::Japanese => CsvPreset::Japanese,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// vCard 4.0.
    Vcard,
    /// vCard 3.0, for older phones and programs.
    Vcard3,
    Csv,
    /// iCalendar: birthdays and dates, planned follow-ups.
    Ics,
    /// Everything, to restore exactly.
    Json,
}

impl From<ExportFormat> for kizuna_core::interchange::ExportFormat {
    fn from(f: ExportFormat) -> Self {
        match f {
            ExportFormat::Vcard => kizuna_core::interchange::ExportFormat::Vcard4,
            ExportFormat::Vcard3 => kizuna_core::interchange::ExportFormat::Vcard3,
            ExportFormat::Csv => kizuna_core::interchange::ExportFormat::Csv,
            ExportFormat::Ics => kizuna_core::interchange::ExportFormat::Ics,
            ExportFormat::Json => kizuna_core::interchange::ExportFormat::Json,
        }
    }
}

pub struct ImportArgs {
    pub file: PathBuf,
    pub format: FileFormat,
    pub encoding: Encoding,
    pub preset: Option<Preset>,
    pub dry_run: bool,
    pub language: DraftLanguage,
}

fn is_vcard(path: &Path, bytes: &[u8]) -> bool {
    let by_name = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("vcf") || e.eq_ignore_ascii_case("vcard"));
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_uppercase();
    by_name || head.contains("BEGIN:VCARD")
}

fn print_preview(p: &ImportPreview) {
    println!(
        "read {}: {} new, {} updated, {} unchanged, {} repeated in the file, {} skipped ({:?})",
        p.read, p.new, p.updated, p.unchanged, p.repeated, p.skipped, p.encoding
    );
    for row in p.rows.iter().take(20) {
        if row.changes.is_empty() {
            println!(
                "  {:>5}  {:?}  {}",
                row.record, row.action, row.display_name
            );
        } else {
            println!(
                "  {:>5}  {:?}  {}  {:?}",
                row.record, row.action, row.display_name, row.changes
            );
        }
    }
    for problem in &p.problems {
        let detail = if problem.detail.is_empty() {
            String::new()
        } else {
            format!(" [{}]", problem.detail)
        };
        println!(
            "  line {:>5}  {:?}{detail}  {}",
            problem.line, problem.code, problem.excerpt
        );
    }
}

pub fn import(
    store: &mut Store,
    args: &ImportArgs,
    clock: &Clock,
) -> Result<(), Box<dyn std::error::Error>> {
    let bytes = kizuna_core::interchange::file::read_import(&args.file)?;
    let vcard_file = match args.format {
        FileFormat::Vcard => true,
        FileFormat::Csv => false,
        FileFormat::Auto => is_vcard(&args.file, &bytes),
    };
    let mut quiet = |_: u64, _: u64| true;
    let options = if vcard_file {
        ImportOptions {
            format: ImportFormat::Vcard,
            encoding: args.encoding.into(),
            mapping: Vec::new(),
            language: args.language,
        }
    } else {
        let sheet = table::inspect(&bytes, args.encoding.into(), args.language)?;
        let mapping = match args.preset {
            Some(preset) => table::mapping_for(preset.into(), &sheet.headers, args.language),
            None => sheet.mapping.clone(),
        };
        println!(
            "{:?} layout, header on line {}: {}",
            args.preset.map_or(sheet.preset, CsvPreset::from),
            sheet.header_line,
            sheet
                .headers
                .iter()
                .zip(&mapping)
                .map(|(h, m)| format!("{h} → {:?}", m.target))
                .collect::<Vec<_>>()
                .join(", ")
        );
        ImportOptions {
            format: ImportFormat::Csv,
            encoding: sheet.encoding,
            mapping,
            language: args.language,
        }
    };
    let plan = store.plan_import_file(&bytes, &options, clock, &mut quiet, &mut |_, _| true)?;
    // The plan holds what it needs: the file's bytes go before it is written.
    drop(bytes);
    print_preview(&plan.preview);
    if args.dry_run {
        println!("dry run: nothing written");
        return Ok(());
    }
    let summary = store.apply_import(plan, clock, &mut quiet)?;
    println!(
        "imported: {} new, {} updated, {} unchanged, {} skipped",
        summary.created, summary.updated, summary.unchanged, summary.skipped
    );
    if let Some(path) = summary.backup {
        println!("the store as it was before is in {path}");
    }
    Ok(())
}

pub fn export(
    store: &Store,
    format: ExportFormat,
    ids: Option<&[i64]>,
    output: Option<&Path>,
    language: DraftLanguage,
    clock: &Clock,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut quiet = |_: u64, _: u64| true;
    match output {
        Some(path) => {
            store.export_to_file(format.into(), ids, language, clock, path, &mut quiet)?;
        }
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            store.export(format.into(), ids, language, clock, &mut out, &mut quiet)?;
        }
    }
    Ok(())
}

pub fn list_backups(store: &Store) -> Result<(), Box<dyn std::error::Error>> {
    let all = store.backups()?;
    if all.is_empty() {
        println!("no backups yet");
    }
    for b in all {
        let at = chrono::DateTime::from_timestamp(b.taken_at, 0).unwrap_or_default();
        println!(
            "{}  {:<16}  {:>10} bytes  {}",
            at.format("%Y-%m-%d %H:%M UTC"),
            format!("{:?}", b.kind),
            b.size,
            b.path
        );
    }
    Ok(())
}

pub fn back_up(store: &Store, clock: &Clock) -> Result<(), Box<dyn std::error::Error>> {
    let taken = store.back_up(BackupKind::Manual, clock)?;
    println!("backed up to {} ({} bytes)", taken.path, taken.size);
    Ok(())
}

/// Restores a backup (a `.sqlite3` copy) or a JSON export.
pub fn restore(
    store: &mut Store,
    file: &Path,
    yes: bool,
    clock: &Clock,
) -> Result<(), Box<dyn std::error::Error>> {
    // Only the header tells them apart: a backup is not read into memory,
    // SQLite opens it.
    let mut header = [0u8; 16];
    let read = std::io::Read::read(&mut std::fs::File::open(file)?, &mut header)?;
    if header[..read] == *b"SQLite format 3\0" {
        let contents = store.inspect_backup(file)?;
        println!(
            "{}: {} customers, {} touchpoints, {} purchases (checked: sound)",
            file.display(),
            contents.customers,
            contents.touchpoints,
            contents.purchases
        );
        if !yes {
            println!("add --yes to replace the store with it (the store is backed up first)");
            return Ok(());
        }
        let report = store.restore_backup(file, clock)?;
        if let Some(previous) = report.previous {
            println!("restored; the store as it was is in {}", previous.path);
        }
    } else {
        if !yes {
            println!(
                "add --yes to replace everything with this JSON export (the store is backed up first)"
            );
            return Ok(());
        }
        let bytes = std::fs::read(file)?;
        let counts = store.restore_snapshot(&bytes, clock, &mut |_, _| true)?;
        println!(
            "restored {} customers, {} touchpoints, {} purchases",
            counts.customers, counts.touchpoints, counts.purchases
        );
        if let Some(path) = counts.backup {
            println!("the store as it was is in {path}");
        }
    }
    Ok(())
}
