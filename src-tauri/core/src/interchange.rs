//! Customers in and out: vCard and CSV imports (read, previewed, then
//! written all-or-nothing), vCard, CSV and iCalendar exports, and a full JSON
//! snapshot of the store that restores it exactly.
//!
//! Reading a file never touches the store: it yields [`Incoming`] contacts
//! and the problems found, each tied to the card or row it came from. The
//! store then plans the import (new, updated, unchanged) for a preview and
//! writes it in one transaction.

pub mod address_list;
pub mod export;
pub mod file;
#[doc(hidden)]
pub mod fuzzing;
pub mod ical;
pub mod import;
pub mod snapshot;
pub mod table;
pub mod text;
pub mod vcard;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::customer::CustomerProfile;
use crate::error::{Error, Result};

/// One contact read from a file, before it is matched with the book.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incoming {
    /// 1-based: the card in a vCard file, the data row in a CSV file.
    pub record: u32,
    /// The line of the file it starts on.
    pub line: u32,
    /// The first line or so, to show beside a problem.
    pub excerpt: String,
    /// A vCard's UID: what a re-import is matched by first.
    pub uid: Option<String>,
    /// The UID of whoever introduced them (Kizuna's own exports carry it).
    pub referred_by_uid: Option<String>,
    /// Written by Kizuna, so its relationship fields (stage, source,
    /// wishes) are the customer's and an update takes them.
    pub from_kizuna: bool,
    pub profile: CustomerProfile,
}

/// What was wrong with a card or row, for the preview. `kept_aside`
/// problems do not stop the record: the value is kept in its extras.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportProblem {
    pub record: u32,
    pub line: u32,
    pub excerpt: String,
    pub code: ImportProblemCode,
    /// The property, column or field concerned, when there is one.
    pub detail: String,
    /// The cap exceeded, for `too_many`.
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ImportProblemCode {
    /// Neither a name nor a company, nor an e-mail address or phone
    /// number to call them by: nobody to add.
    NoName,
    /// No name or company: the e-mail address or phone number stands in
    /// for the name until the user writes one.
    NamedFromContact,
    /// A card without its `END:VCARD`.
    Unterminated,
    /// Text outside any card, or a card the parser could not read.
    Malformed,
    /// A value Kizuna could not take as it is (an address that is not an
    /// e-mail address, a date in the future): kept in the customer's extras.
    KeptAside,
    /// A value too large to keep even aside (over 2 MB).
    Dropped,
    /// The same contact appears again further down; merged into the first.
    Repeated,
    /// More phones, e-mails, tags… (`detail`) than a customer may have
    /// (`limit`), or a card longer than any Kizuna can hold: the contact is
    /// not imported, rather than imported cut short.
    TooMany,
}

impl ImportProblem {
    pub(crate) fn of(
        record: &Incoming,
        code: ImportProblemCode,
        detail: impl Into<String>,
    ) -> Self {
        ImportProblem {
            record: record.record,
            line: record.line,
            excerpt: record.excerpt.clone(),
            code,
            detail: detail.into(),
            limit: None,
        }
    }

    /// A contact with more of `field` (`phones`, `tags`…) than `limit`.
    pub(crate) fn too_many(record: &Incoming, field: impl Into<String>, limit: usize) -> Self {
        ImportProblem {
            limit: Some(u32::try_from(limit).unwrap_or(u32::MAX)),
            ..Self::of(record, ImportProblemCode::TooMany, field)
        }
    }
}

/// What reading a file produced.
#[derive(Debug, Clone, Default)]
pub struct ReadFile {
    pub contacts: Vec<Incoming>,
    pub problems: Vec<ImportProblem>,
    /// Cards or rows that could not be read at all (each has a problem).
    pub unreadable: u32,
}

impl ReadFile {
    /// Adds what a later batch of the same file read.
    fn absorb(&mut self, batch: ReadFile) {
        self.contacts.extend(batch.contacts);
        self.problems.extend(batch.problems);
        self.unreadable += batch.unreadable;
    }

    /// Everything a reader that works in batches hands over, as one file,
    /// with what the reader returns.
    pub(crate) fn gathered<T>(
        read: impl FnOnce(&mut dyn FnMut(ReadFile) -> Result<()>) -> Result<T>,
    ) -> Result<(ReadFile, T)> {
        let mut file = ReadFile::default();
        let out = read(&mut |batch| {
            file.absorb(batch);
            Ok(())
        })?;
        Ok((file, out))
    }
}

/// Cards or rows read (and planned) at a time by [`read_in_batches`]: a
/// parsed contact takes some 3 KB, so 1,024 of them are a few megabytes
/// beside the plan, and enough to keep two cores busy.
pub(crate) const READ_BATCH: usize = 1_024;

/// What kind of file an import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ImportFormat {
    Vcard,
    Csv,
}

/// What a file looks like before it is imported, for the import dialog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportFile {
    pub format: ImportFormat,
    #[ts(type = "number")]
    pub size: u64,
    /// The encoding detected (a CSV's sheet says it too).
    pub encoding: text::TextEncoding,
    /// A CSV file's layout, for the column-mapping screen.
    pub sheet: Option<table::CsvSheet>,
}

/// How to read a file for an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ImportOptions {
    pub format: ImportFormat,
    pub encoding: text::TextEncoding,
    /// Each column's meaning, for a CSV file.
    pub mapping: Vec<table::ColumnMapping>,
    /// The language labels (携帯 / mobile) are written in.
    pub language: crate::reminder::DraftLanguage,
}

/// What an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// vCard 4.0.
    Vcard4,
    /// vCard 3.0, for older phones and programs.
    Vcard3,
    Csv,
    /// iCalendar: yearly dates and the follow-ups planned.
    Ics,
    /// Everything, to restore exactly.
    Json,
}

/// Whether a file is a vCard file (by its name or its first lines), else CSV.
pub fn detect_format(name: &str, bytes: &[u8]) -> ImportFormat {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".vcf") || lower.ends_with(".vcard") {
        return ImportFormat::Vcard;
    }
    if lower.ends_with(".csv") || lower.ends_with(".tsv") {
        return ImportFormat::Csv;
    }
    let head = text::decode(&bytes[..bytes.len().min(8192)], text::TextEncoding::Auto).text;
    if head.to_ascii_uppercase().contains("BEGIN:VCARD") {
        ImportFormat::Vcard
    } else {
        ImportFormat::Csv
    }
}

/// Looks at a file for the import dialog: its format, encoding and, for a
/// CSV file, its columns.
pub fn inspect_file(
    name: &str,
    bytes: &[u8],
    encoding: text::TextEncoding,
    language: crate::reminder::DraftLanguage,
) -> Result<ImportFile> {
    let format = detect_format(name, bytes);
    let size = bytes.len() as u64;
    match format {
        ImportFormat::Vcard => {
            let head = &bytes[..bytes.len().min(1 << 20)];
            Ok(ImportFile {
                format,
                size,
                encoding: text::decode(head, encoding).encoding,
                sheet: None,
            })
        }
        ImportFormat::Csv => {
            let sheet = table::inspect(bytes, encoding, language)?;
            Ok(ImportFile {
                format,
                size,
                encoding: sheet.encoding,
                sheet: Some(sheet),
            })
        }
    }
}

/// Reads a file with the options the user chose.
pub fn read_file(
    bytes: &[u8],
    options: &ImportOptions,
    progress: Progress<'_>,
) -> Result<(ReadFile, text::TextEncoding)> {
    ReadFile::gathered(|take| read_in_batches(bytes, options, progress, take))
}

/// [`read_file`], handing what is read to `take` a batch of
/// [`READ_BATCH`] cards or rows at a time, in file order.
pub fn read_in_batches(
    bytes: &[u8],
    options: &ImportOptions,
    progress: Progress<'_>,
    take: &mut dyn FnMut(ReadFile) -> Result<()>,
) -> Result<text::TextEncoding> {
    match options.format {
        ImportFormat::Vcard => {
            vcard::read_in_batches(bytes, options.encoding, options.language, progress, take)
        }
        ImportFormat::Csv => table::read_in_batches(
            bytes,
            &table::CsvOptions {
                encoding: options.encoding,
                mapping: options.mapping.clone(),
            },
            progress,
            take,
        ),
    }
}

/// Reports `(done, total)` and answers whether to go on; `false` cancels.
pub type Progress<'a> = &'a mut dyn FnMut(u64, u64) -> bool;

/// Calls `progress` and turns a "stop" into [`Error::Cancelled`].
pub(crate) fn step(progress: &mut Progress<'_>, done: u64, total: u64) -> Result<()> {
    if progress(done, total) {
        Ok(())
    } else {
        Err(Error::Cancelled)
    }
}

/// Below this many items, [`on_two_cores`] works on one: starting a thread
/// costs more than reading a few dozen cards.
const TWO_CORES_FROM: usize = 64;

/// Maps `items` in order on two cores: the first half here (reporting
/// progress for both, and stopping both when cancelled), the second on a
/// helper thread. Reading and checking cards is independent per card, and
/// a salesperson's laptop has at least two cores.
pub(crate) fn on_two_cores<T: Send, R: Send>(
    items: Vec<T>,
    work: impl Fn(T) -> R + Sync,
    progress: Progress<'_>,
) -> Result<Vec<R>> {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    let total = items.len() as u64;
    if items.len() < TWO_CORES_FROM {
        let mut progress = progress;
        step(&mut progress, 0, total)?;
        return Ok(items.into_iter().map(work).collect());
    }
    let mut first = items;
    let second = first.split_off(first.len() / 2);
    let helped = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    let work = &work;
    std::thread::scope(|scope| {
        let helper = scope.spawn(|| {
            let mut out = Vec::with_capacity(second.len());
            for item in second {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                out.push(work(item));
                helped.fetch_add(1, Ordering::Relaxed);
            }
            out
        });
        let mut out = Vec::with_capacity(total as usize);
        let mut cancelled = false;
        for (n, item) in first.into_iter().enumerate() {
            if n % 128 == 0 && !progress(n as u64 + helped.load(Ordering::Relaxed), total) {
                stop.store(true, Ordering::Relaxed);
                cancelled = true;
                break;
            }
            out.push(work(item));
        }
        let rest = helper
            .join()
            .map_err(|_| Error::Internal("a reading thread failed".to_owned()))?;
        if cancelled {
            return Err(Error::Cancelled);
        }
        out.extend(rest);
        Ok(out)
    })
}

/// At most this many characters of a record are shown beside a problem.
const EXCERPT_CHARS: usize = 160;

pub(crate) fn excerpt(text: &str) -> String {
    let mut out: String = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(4)
        .collect::<Vec<_>>()
        .join(" ⏎ ");
    if out.chars().count() > EXCERPT_CHARS {
        out = out.chars().take(EXCERPT_CHARS).collect::<String>() + "…";
    }
    out
}
