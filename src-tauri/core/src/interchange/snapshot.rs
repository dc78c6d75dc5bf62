//! A full JSON export of everything the salesperson recorded — customers
//! and all their parts, touchpoints, purchases, referrals, stage history,
//! reminders' states and promises, follow-up plans, settings — row by row
//! with their ids, so that importing it restores the store exactly. What is
//! derived (the search index, the dashboard's tallies, the reminder agenda)
//! is not written; a restore rebuilds it.

use std::io::Write;

use serde::Deserialize;
use serde_json::{Map, Value as Json};

use super::{Progress, step};
use crate::domain::clock::Clock;
use crate::error::{Error, Result};
use crate::store::rows::{self, Row, TABLES};
use crate::store::search::DeferredIndex;
use crate::store::{SCHEMA_VERSION, Store, customers, undo_log};

/// What a snapshot says it is.
const FORMAT: &str = "kizuna-snapshot";
const FORMAT_VERSION: u32 = 1;

#[derive(Deserialize)]
struct Snapshot {
    format: String,
    format_version: u32,
    schema_version: i64,
    tables: Map<String, Json>,
}

/// A snapshot as a restore writes it: every table one this version
/// knows, parents first, each row an object of the table's own columns.
pub(crate) struct CheckedSnapshot {
    schema_version: i64,
    tables: Vec<(&'static str, Vec<Row>)>,
}

/// Reads a snapshot and checks everything a restore checks before it
/// touches the store: that it is a Kizuna snapshot of a version this one
/// reads, of a schema no newer than this one, and that every table and
/// column is one this version knows. `columns` gives a table's stored
/// columns (the store's schema). Whether the rows hold together (types,
/// references) is left to SQLite when they are written.
pub(crate) fn read(
    json: &[u8],
    mut columns: impl FnMut(&str) -> Result<Vec<String>>,
) -> Result<CheckedSnapshot> {
    let snapshot: Snapshot = serde_json::from_slice(json)
        .map_err(|e| Error::NotKizunaFile(format!("not a Kizuna JSON export: {e}")))?;
    if snapshot.format != FORMAT || snapshot.format_version != FORMAT_VERSION {
        return Err(Error::NotKizunaFile("not a Kizuna JSON export".to_owned()));
    }
    if snapshot.schema_version > SCHEMA_VERSION {
        return Err(Error::NewerDatabase {
            found: snapshot.schema_version,
            supported: SCHEMA_VERSION,
        });
    }
    let mut given = snapshot.tables;
    let mut tables = Vec::new();
    for table in TABLES {
        let known = columns(table)?;
        let table_rows = match given.remove(*table) {
            Some(Json::Array(table_rows)) => table_rows,
            Some(_) => return Err(Error::NotKizunaFile(format!("{table} is not a list"))),
            None => continue,
        };
        let mut checked = Vec::with_capacity(table_rows.len());
        for row in table_rows {
            let Json::Object(object) = row else {
                return Err(Error::NotKizunaFile(format!(
                    "a row of {table} is not an object"
                )));
            };
            if let Some(unknown) = object.keys().find(|k| !known.contains(k)) {
                return Err(Error::NotKizunaFile(format!(
                    "{table} has an unknown column {unknown}"
                )));
            }
            checked.push(object);
        }
        tables.push((*table, checked));
    }
    // What is left is no table this version knows.
    if let Some(unknown) = given.keys().next() {
        return Err(Error::NotKizunaFile(format!("unknown table {unknown}")));
    }
    Ok(CheckedSnapshot {
        schema_version: snapshot.schema_version,
        tables,
    })
}

/// What a restore put back.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct RestoredCounts {
    pub customers: u32,
    pub touchpoints: u32,
    pub purchases: u32,
    /// The copy of the store taken just before.
    pub backup: Option<String>,
}

impl Store {
    /// Writes everything as one JSON document.
    pub fn export_snapshot(
        &self,
        out: &mut dyn Write,
        clock: &Clock,
        progress: Progress<'_>,
    ) -> Result<()> {
        let mut progress = progress;
        write!(
            out,
            "{{\"format\":\"{FORMAT}\",\"format_version\":{FORMAT_VERSION},\"schema_version\":{SCHEMA_VERSION},\"exported_at\":{},\"tables\":{{",
            clock.timestamp()
        )?;
        for (t, table) in TABLES.iter().enumerate() {
            step(&mut progress, t as u64, TABLES.len() as u64)?;
            if t > 0 {
                out.write_all(b",")?;
            }
            write!(out, "\"{table}\":[")?;
            let mut first = true;
            rows::each(self.conn(), table, |row| {
                if !first {
                    out.write_all(b",\n")?;
                }
                first = false;
                serde_json::to_writer(&mut *out, row)?;
                Ok(())
            })?;
            out.write_all(b"]")?;
        }
        out.write_all(b"}}\n")?;
        step(&mut progress, TABLES.len() as u64, TABLES.len() as u64)?;
        Ok(())
    }

    /// Replaces everything with a snapshot's content, after a backup, in
    /// one transaction: a snapshot that does not fit leaves the store as
    /// it was.
    pub fn restore_snapshot(
        &mut self,
        json: &[u8],
        clock: &Clock,
        progress: Progress<'_>,
    ) -> Result<RestoredCounts> {
        let mut progress = progress;
        let snapshot = read(json, |table| rows::columns(self.conn(), table))?;
        let backup = self.backup_before("restore", clock)?;
        let total: u64 = snapshot
            .tables
            .iter()
            .map(|(_, table_rows)| table_rows.len() as u64)
            .sum::<u64>()
            * 2;
        let mut done = 0u64;
        let mut tx = self.begin()?;
        rows::clear_recorded(&tx)?;
        // What could be undone was done to the content replaced.
        undo_log::clear(&tx)?;
        for (table, table_rows) in &snapshot.tables {
            for row in table_rows {
                rows::insert(&tx, table, row)?;
                done += 1;
                if done.is_multiple_of(1024) {
                    step(&mut progress, done, total)?;
                }
            }
        }
        if snapshot.schema_version < 4 {
            // Rows of the previous release mean the same under today's rules.
            rows::from_earlier_release(&tx)?;
        }
        // The search index, from each customer's profile.
        let mut index = DeferredIndex::default();
        for id in customers::ids(&tx)? {
            let customer = customers::load(&tx, id)?;
            index.add(id, &customer.profile);
            done += 1;
            if done.is_multiple_of(512) {
                step(&mut progress, done, total)?;
            }
        }
        index.write(&tx)?;
        // Everything else derived is worked out from what came in.
        tx.changed.everything();
        let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
        let (touchpoints, purchases) = crate::store::record_counts(&tx)?;
        let counts = (
            count(customers::count(&tx)?),
            count(touchpoints),
            count(purchases),
        );
        self.commit(tx).map_err(|e| match e {
            Error::Storage(e) => {
                Error::NotKizunaFile(format!("the export does not hold together: {e}"))
            }
            other => other,
        })?;
        self.after_replace()?;
        self.settle_restored_settings()?;
        tracing::info!(customers = counts.0, "store restored from a JSON export");
        step(&mut progress, total, total)?;
        Ok(RestoredCounts {
            customers: counts.0,
            touchpoints: counts.1,
            purchases: counts.2,
            backup: backup.map(|p| p.display().to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A schema of two tables, as the store would give it.
    fn columns(table: &str) -> Result<Vec<String>> {
        let names: &[&str] = match table {
            "tags" => &["id", "name"],
            "customers" => &["id", "family_name"],
            _ => &[],
        };
        Ok(names.iter().map(|c| (*c).to_owned()).collect())
    }

    fn snapshot(tables: &str) -> Vec<u8> {
        format!(
            "{{\"format\":\"{FORMAT}\",\"format_version\":{FORMAT_VERSION},\"schema_version\":{SCHEMA_VERSION},\"tables\":{tables}}}"
        )
        .into_bytes()
    }

    #[test]
    fn a_snapshot_is_checked_without_a_store_and_comes_out_parents_first() {
        let json = snapshot(
            r#"{"customers":[{"id":1,"family_name":"山田"}],"tags":[{"id":2,"name":"a"}]}"#,
        );
        let checked = read(&json, columns).expect("a good snapshot");
        let order: Vec<&str> = checked.tables.iter().map(|(t, _)| *t).collect();
        assert_eq!(order, ["tags", "customers"]);
        assert_eq!(checked.tables[1].1[0]["family_name"], "山田");
    }

    #[test]
    fn what_this_version_does_not_know_is_refused_before_anything_is_written() {
        for (tables, why) in [
            (r#"{"tags":[{"id":1,"colour":"red"}]}"#, "unknown column"),
            (r#"{"tags":[[1,"a"]]}"#, "not an object"),
            (r#"{"tags":{"id":1}}"#, "not a list"),
            (r#"{"tags":[],"passwords":[]}"#, "unknown table"),
        ] {
            match read(&snapshot(tables), columns) {
                Err(Error::NotKizunaFile(message)) => assert!(message.contains(why), "{message}"),
                _ => panic!("{tables} was taken"),
            }
        }
        let newer = format!(
            "{{\"format\":\"{FORMAT}\",\"format_version\":{FORMAT_VERSION},\"schema_version\":{},\"tables\":{{}}}}",
            SCHEMA_VERSION + 1
        );
        assert!(matches!(
            read(newer.as_bytes(), columns),
            Err(Error::NewerDatabase { .. })
        ));
    }
}
