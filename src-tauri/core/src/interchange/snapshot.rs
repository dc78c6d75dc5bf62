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
use crate::store::rows::{self, TABLES};
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
        // Every table and column must be one this version knows.
        let mut plan: Vec<(&str, &Vec<Json>)> = Vec::new();
        for table in TABLES {
            let known = rows::columns(self.conn(), table)?;
            let table_rows = match snapshot.tables.get(*table) {
                Some(Json::Array(table_rows)) => table_rows,
                Some(_) => return Err(Error::NotKizunaFile(format!("{table} is not a list"))),
                None => continue,
            };
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
            }
            plan.push((table, table_rows));
        }
        if let Some(unknown) = snapshot
            .tables
            .keys()
            .find(|k| !TABLES.contains(&k.as_str()))
        {
            return Err(Error::NotKizunaFile(format!("unknown table {unknown}")));
        }
        let backup = self.backup_before("restore", clock)?;
        let total: u64 = plan
            .iter()
            .map(|(_, table_rows)| table_rows.len() as u64)
            .sum::<u64>()
            * 2;
        let mut done = 0u64;
        let mut tx = self.begin()?;
        rows::clear_recorded(&tx)?;
        // What could be undone was done to the content replaced.
        undo_log::clear(&tx)?;
        for (table, table_rows) in &plan {
            for row in table_rows.iter() {
                let Json::Object(object) = row else { continue };
                rows::insert(&tx, table, object)?;
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
