//! Writing customers out: vCard (4.0 or 3.0), CSV, iCalendar or a JSON
//! snapshot, from the store's bulk reads (`store/profiles.rs`).

use std::io::Write;
use std::path::Path;

use super::table;
use super::vcard::{self, Card, VcardVersion};
use super::{ExportFormat, Progress, step};
use crate::domain::clock::Clock;
use crate::error::{Error, Result};
use crate::reminder::DraftLanguage;
use crate::store::Store;
pub use crate::store::profiles::ExportCustomer;

impl Store {
    /// The customers as one vCard file. Reading the book and writing the
    /// cards each take about half the time, so they run side by side: this
    /// thread reads slice after slice while another writes the one before.
    pub fn export_vcards(
        &self,
        ids: Option<&[i64]>,
        version: VcardVersion,
        language: DraftLanguage,
        progress: Progress<'_>,
    ) -> Result<String> {
        let mut progress = progress;
        let (slices, received) = std::sync::mpsc::sync_channel::<Vec<ExportCustomer>>(2);
        std::thread::scope(|scope| {
            let writer = scope.spawn(move || {
                let mut out = String::new();
                for slice in received {
                    out.reserve(slice.len() * 700);
                    for c in &slice {
                        vcard::write(
                            &Card {
                                uid: &c.uid,
                                profile: &c.profile,
                                referred_by_uid: c.referred_by_uid.as_deref(),
                            },
                            version,
                            language,
                            &mut out,
                        );
                    }
                }
                out
            });
            let read = self.each_slice(ids, |slice, done, total| {
                // The writer stops only if this thread did.
                let _ = slices.send(slice);
                step(&mut progress, done, total)
            });
            drop(slices);
            let out = writer
                .join()
                .map_err(|_| crate::error::Error::Internal("writing cards failed".to_owned()))?;
            read.map(|()| out)
        })
    }

    /// The customers as a CSV sheet (Google Contacts' layout, UTF-8),
    /// written row by row as the book is read a slice at a time: the
    /// columns are decided first, from what the widest customer holds
    /// (counted in SQL), so no row waits for the others.
    pub fn export_csv(
        &self,
        ids: Option<&[i64]>,
        out: &mut dyn Write,
        progress: Progress<'_>,
    ) -> Result<()> {
        let mut progress = progress;
        let widest = self.widest_lists(ids)?;
        let widths = table::CsvWidths::new(widest.phones, widest.emails, widest.addresses);
        // A byte-order mark tells Excel the file is UTF-8.
        out.write_all("\u{feff}".as_bytes())?;
        let mut sheet = csv::Writer::from_writer(out);
        sheet
            .write_record(table::header(widths))
            .map_err(csv_error)?;
        self.each_slice(ids, |slice, done, total| {
            for c in &slice {
                sheet
                    .write_record(table::row(&c.profile, widths))
                    .map_err(csv_error)?;
            }
            step(&mut progress, done, total)
        })?;
        sheet.flush()?;
        Ok(())
    }

    /// Writes the customers (all, or `ids`) to `out` in `format`; the JSON
    /// export always holds everything.
    pub fn export(
        &self,
        format: ExportFormat,
        ids: Option<&[i64]>,
        language: DraftLanguage,
        clock: &Clock,
        out: &mut dyn Write,
        progress: Progress<'_>,
    ) -> Result<()> {
        match format {
            ExportFormat::Vcard4 | ExportFormat::Vcard3 => {
                let version = match format {
                    ExportFormat::Vcard3 => VcardVersion::V3,
                    _ => VcardVersion::V4,
                };
                out.write_all(
                    self.export_vcards(ids, version, language, progress)?
                        .as_bytes(),
                )?;
            }
            ExportFormat::Csv => self.export_csv(ids, out, progress)?,
            ExportFormat::Ics => {
                out.write_all(self.export_calendar(ids, language, clock)?.as_bytes())?;
            }
            ExportFormat::Json => self.export_snapshot(out, clock, progress)?,
        }
        out.flush()?;
        Ok(())
    }

    /// [`Store::export`] into the file at `target`, which is replaced only
    /// once the export is complete (see `file.rs`); returns its size.
    pub fn export_to_file(
        &self,
        format: ExportFormat,
        ids: Option<&[i64]>,
        language: DraftLanguage,
        clock: &Clock,
        target: &Path,
        progress: Progress<'_>,
    ) -> Result<u64> {
        super::file::write_atomically(target, |out| {
            self.export(format, ids, language, clock, out, progress)
        })
    }
}

/// The CSV writer's failures are the file's.
fn csv_error(e: csv::Error) -> Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => Error::Io(e),
        other => Error::Internal(format!("CSV: {other:?}")),
    }
}
