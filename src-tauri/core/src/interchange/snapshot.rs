//! A full JSON export of everything the salesperson recorded — customers
//! and all their parts, touchpoints, purchases, referrals, stage history,
//! reminders' states and promises, follow-up plans, settings — row by row
//! with their ids, so that importing it restores the store exactly. What is
//! derived (the search index, the dashboard's tallies, the reminder agenda)
//! is not written; a restore rebuilds it.

use std::io::Write;

use rusqlite::types::{Value, ValueRef};
use serde::Deserialize;
use serde_json::{Map, Value as Json};

use super::{Progress, step};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::{SCHEMA_VERSION, Store};

/// What a snapshot says it is.
const FORMAT: &str = "kizuna-snapshot";
const FORMAT_VERSION: u32 = 1;

/// The tables a snapshot holds, parents before children.
const TABLES: &[&str] = &[
    "settings",
    "follow_up_plans",
    "follow_up_steps",
    "tags",
    "customers",
    "customer_phones",
    "customer_emails",
    "customer_addresses",
    "important_dates",
    "family_members",
    "customer_tags",
    "touchpoints",
    "purchases",
    "referrals",
    "stage_changes",
    "dismissed_suggestions",
    "custom_reminders",
    "reminder_states",
    "notification_deliveries",
];

/// A table's stored columns (generated ones are derived, not stored).
fn columns(conn: &rusqlite::Connection, table: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("PRAGMA table_xinfo({table})"))?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, i64>(6)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (name, hidden) = row?;
        if hidden == 0 {
            out.push(name);
        }
    }
    Ok(out)
}

fn to_json(value: ValueRef<'_>) -> Json {
    match value {
        ValueRef::Null => Json::Null,
        ValueRef::Integer(i) => Json::from(i),
        ValueRef::Real(f) => serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number),
        ValueRef::Text(t) => Json::String(String::from_utf8_lossy(t).into_owned()),
        // No Kizuna column holds bytes; written as text if one ever does.
        ValueRef::Blob(b) => Json::String(String::from_utf8_lossy(b).into_owned()),
    }
}

fn from_json(value: &Json) -> Value {
    match value {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Integer(i64::from(*b)),
        Json::Number(n) => n
            .as_i64()
            .map(Value::Integer)
            .or_else(|| n.as_f64().map(Value::Real))
            .unwrap_or(Value::Null),
        Json::String(s) => Value::Text(s.clone()),
        other => Value::Text(other.to_string()),
    }
}

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
            let cols = columns(&self.conn, table)?;
            if t > 0 {
                out.write_all(b",")?;
            }
            write!(out, "\"{table}\":[")?;
            // Table and column names come from the fixed list and the schema.
            let mut stmt = self.conn.prepare(&format!(
                "SELECT {} FROM {table} ORDER BY 1",
                cols.iter()
                    .map(|c| format!("\"{c}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))?;
            let mut rows = stmt.query([])?;
            let mut first = true;
            while let Some(r) = rows.next()? {
                let mut object = Map::with_capacity(cols.len());
                for (i, c) in cols.iter().enumerate() {
                    object.insert(c.clone(), to_json(r.get_ref(i)?));
                }
                if !first {
                    out.write_all(b",\n")?;
                }
                first = false;
                serde_json::to_writer(&mut *out, &object)?;
            }
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
        let mut plan: Vec<(&str, Vec<String>, &Vec<Json>)> = Vec::new();
        for table in TABLES {
            let known = columns(&self.conn, table)?;
            let rows = match snapshot.tables.get(*table) {
                Some(Json::Array(rows)) => rows,
                Some(_) => return Err(Error::NotKizunaFile(format!("{table} is not a list"))),
                None => continue,
            };
            for row in rows {
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
            plan.push((table, known, rows));
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
            .map(|(_, _, rows)| rows.len() as u64)
            .sum::<u64>()
            * 2;
        let mut done = 0u64;
        let tx = self.conn.transaction()?;
        tx.execute_batch("PRAGMA defer_foreign_keys = ON;")?;
        for table in TABLES.iter().rev() {
            tx.execute(&format!("DELETE FROM {table}"), [])?;
        }
        // What is derived goes too, and is rebuilt below.
        tx.execute_batch(
            "DELETE FROM touch_tallies; DELETE FROM purchase_tallies;
             DELETE FROM customer_search; DELETE FROM customer_names;
             INSERT INTO customer_fts (customer_fts) VALUES ('delete-all');
             DELETE FROM reminder_agenda; DELETE FROM reminder_agenda_dirty;",
        )?;
        for (table, known, rows) in &plan {
            for row in rows.iter() {
                let Json::Object(object) = row else { continue };
                let cols: Vec<&String> = known.iter().filter(|c| object.contains_key(*c)).collect();
                let sql = format!(
                    "INSERT INTO {table} ({}) VALUES ({})",
                    cols.iter()
                        .map(|c| format!("\"{c}\""))
                        .collect::<Vec<_>>()
                        .join(", "),
                    (1..=cols.len())
                        .map(|i| format!("?{i}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                let values: Vec<Value> = cols
                    .iter()
                    .map(|c| from_json(&object[c.as_str()]))
                    .collect();
                tx.prepare_cached(&sql)?
                    .execute(rusqlite::params_from_iter(values.iter()))?;
                done += 1;
                if done.is_multiple_of(1024) {
                    step(&mut progress, done, total)?;
                }
            }
        }
        // The search index, from each customer's profile.
        let ids: Vec<i64> = tx
            .prepare("SELECT id FROM customers")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut index = crate::search::DeferredIndex::default();
        for id in &ids {
            let customer = crate::customer::load_customer(&tx, *id)?;
            index.add(*id, &customer.profile);
            done += 1;
            if done.is_multiple_of(512) {
                step(&mut progress, done, total)?;
            }
        }
        index.write(&tx)?;
        tx.execute("UPDATE reminder_agenda_meta SET built_for = NULL", [])?;
        let counts: (u32, u32, u32) = tx.query_row(
            "SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM touchpoints),
                    (SELECT count(*) FROM purchases)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        tx.commit()
            .map_err(|e| Error::NotKizunaFile(format!("the export does not hold together: {e}")))?;
        self.after_replace()?;
        step(&mut progress, total, total)?;
        Ok(RestoredCounts {
            customers: counts.0,
            touchpoints: counts.1,
            purchases: counts.2,
            backup: backup.map(|p| p.display().to_string()),
        })
    }
}
