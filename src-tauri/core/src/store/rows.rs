//! Whole rows of the recorded tables as JSON objects, column by column:
//! what a JSON snapshot writes and reads, and what the undo log keeps of
//! the rows an action changed, so they can be put back with the same ids.
//! Table and column names only ever come from [`TABLES`] and the schema.

use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, ToSql};
use serde_json::{Map, Value as Json};

use crate::error::{Error, Result};

/// One row: column name → value.
pub type Row = Map<String, Json>;

/// The tables that hold what the salesperson recorded, parents before
/// children. Everything else is derived from them.
pub const TABLES: &[&str] = &[
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
    "duplicate_dismissals",
    "duplicate_leads",
    "customer_aliases",
    "campaigns",
    "campaign_recipients",
    "mourning",
];

/// Columns whose values are derived from other rows (`crate::derived` keeps
/// them): a row put back takes them anew, and a row is not "changed since"
/// because only they moved.
pub const DERIVED_COLUMNS: &[(&str, &[&str])] = &[
    (
        "customers",
        &[
            "purchase_count",
            "first_purchase_at",
            "last_purchase_at",
            "touch_count",
            "first_touch_at",
            "last_touch_at",
        ],
    ),
    ("purchases", &["channel"]),
    ("referrals", &["status"]),
];

/// Recorded columns that move along with changes to other rows (a
/// customer's `updated_at` follows a new touchpoint): put back with the
/// row, but no sign on their own that someone changed it since.
const MOVED_BY_OTHERS: &[(&str, &[&str])] = &[("customers", &["updated_at"])];

fn listed(list: &[(&str, &[&str])], table: &str, column: &str) -> bool {
    list.iter()
        .any(|(t, columns)| *t == table && columns.contains(&column))
}

fn derived(table: &str, column: &str) -> bool {
    listed(DERIVED_COLUMNS, table, column)
}

fn known_table(table: &str) -> Result<&'static str> {
    TABLES
        .iter()
        .find(|t| **t == table)
        .copied()
        .ok_or_else(|| Error::Internal(format!("not a recorded table: {table}")))
}

/// A table's stored columns (generated ones are derived, not stored).
pub fn columns(conn: &Connection, table: &str) -> Result<Vec<String>> {
    let table = known_table(table)?;
    let mut stmt = conn.prepare_cached(&format!("PRAGMA table_xinfo({table})"))?;
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

/// A table's primary key columns, in key order.
pub fn primary_key(conn: &Connection, table: &str) -> Result<Vec<String>> {
    let table = known_table(table)?;
    let mut stmt = conn.prepare_cached(&format!("PRAGMA table_info({table})"))?;
    let mut key: Vec<(i64, String)> = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(5)?, r.get::<_, String>(1)?)))?
        .filter_map(|r| r.ok().filter(|(pk, _)| *pk > 0))
        .collect();
    key.sort();
    Ok(key.into_iter().map(|(_, name)| name).collect())
}

pub fn to_json(value: ValueRef<'_>) -> Json {
    match value {
        ValueRef::Null => Json::Null,
        ValueRef::Integer(i) => Json::from(i),
        ValueRef::Real(f) => serde_json::Number::from_f64(f).map_or(Json::Null, Json::Number),
        ValueRef::Text(t) => Json::String(String::from_utf8_lossy(t).into_owned()),
        // No Kizuna column holds bytes; written as text if one ever does.
        ValueRef::Blob(b) => Json::String(String::from_utf8_lossy(b).into_owned()),
    }
}

pub fn from_json(value: &Json) -> Value {
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

fn quoted(names: &[&String]) -> String {
    names
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every row of `table` matching `condition` (a fixed SQL condition from the
/// code, with `?1`… bound to `params`).
pub fn select(
    conn: &Connection,
    table: &str,
    condition: &str,
    params: &[&dyn ToSql],
) -> Result<Vec<Row>> {
    let cols = columns(conn, table)?;
    let sql = format!(
        "SELECT {} FROM {table} WHERE {condition}",
        quoted(&cols.iter().collect::<Vec<_>>())
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut row = Map::with_capacity(cols.len());
        for (i, c) in cols.iter().enumerate() {
            row.insert(c.clone(), to_json(r.get_ref(i)?));
        }
        out.push(row);
    }
    Ok(out)
}

/// The key columns of `row` (which must hold them).
pub fn key_of(conn: &Connection, table: &str, row: &Row) -> Result<Row> {
    primary_key(conn, table)?
        .into_iter()
        .map(|c| {
            let value = row
                .get(&c)
                .cloned()
                .ok_or_else(|| Error::Internal(format!("{table} row without {c}")))?;
            Ok((c, value))
        })
        .collect()
}

fn key_condition(key: &Row) -> (String, Vec<Value>) {
    let condition = key
        .keys()
        .enumerate()
        .map(|(i, c)| format!("\"{c}\" IS ?{}", i + 1))
        .collect::<Vec<_>>()
        .join(" AND ");
    (condition, key.values().map(from_json).collect())
}

/// The row of `table` with this key, if there is one.
pub fn find(conn: &Connection, table: &str, key: &Row) -> Result<Option<Row>> {
    let known = columns(conn, table)?;
    if key.is_empty() || key.keys().any(|k| !known.contains(k)) {
        return Err(Error::Internal(format!("unknown key column in {table}")));
    }
    let (condition, values) = key_condition(key);
    let params: Vec<&dyn ToSql> = values.iter().map(|v| v as &dyn ToSql).collect();
    Ok(select(conn, table, &condition, &params)?.into_iter().next())
}

/// Writes a whole row (its columns must all be the table's).
pub fn insert(conn: &Connection, table: &str, row: &Row) -> Result<()> {
    let known = columns(conn, table)?;
    let cols: Vec<&String> = known.iter().filter(|c| row.contains_key(*c)).collect();
    if cols.len() != row.len() {
        return Err(Error::Internal(format!("unknown column in a {table} row")));
    }
    let sql = format!(
        "INSERT INTO {table} ({}) VALUES ({})",
        quoted(&cols),
        (1..=cols.len())
            .map(|i| format!("?{i}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let values: Vec<Value> = cols.iter().map(|c| from_json(&row[c.as_str()])).collect();
    conn.prepare_cached(&sql)?
        .execute(rusqlite::params_from_iter(values.iter()))?;
    Ok(())
}

/// Sets a stored row's recorded columns to `row`'s; derived ones are left
/// for their owner to settle.
pub fn update(conn: &Connection, table: &str, row: &Row) -> Result<()> {
    let key = key_of(conn, table, row)?;
    let known = columns(conn, table)?;
    let cols: Vec<&String> = known
        .iter()
        .filter(|c| row.contains_key(*c) && !key.contains_key(*c) && !derived(table, c))
        .collect();
    if cols.is_empty() {
        return Ok(());
    }
    let (condition, mut values) = key_condition(&key);
    let offset = values.len();
    let sets = cols
        .iter()
        .enumerate()
        .map(|(i, c)| format!("\"{c}\" = ?{}", offset + i + 1))
        .collect::<Vec<_>>()
        .join(", ");
    values.extend(cols.iter().map(|c| from_json(&row[c.as_str()])));
    conn.prepare_cached(&format!("UPDATE {table} SET {sets} WHERE {condition}"))?
        .execute(rusqlite::params_from_iter(values.iter()))?;
    Ok(())
}

/// Brings rows of the previous release (schema 3), restored from its JSON
/// export, under schema 4's rules, as migration 4 does for a store.
pub fn from_earlier_release(conn: &Connection) -> Result<()> {
    conn.execute_batch(super::FROM_EARLIER_RELEASE)?;
    Ok(())
}

/// Until the transaction ends, foreign keys are checked when it commits
/// rather than row by row (rows put back in any order).
pub fn defer_foreign_keys(conn: &Connection) -> Result<()> {
    conn.execute_batch("PRAGMA defer_foreign_keys = ON")?;
    Ok(())
}

pub fn delete(conn: &Connection, table: &str, key: &Row) -> Result<()> {
    let known = columns(conn, table)?;
    if key.is_empty() || key.keys().any(|k| !known.contains(k)) {
        return Err(Error::Internal(format!("unknown key column in {table}")));
    }
    let (condition, values) = key_condition(key);
    conn.prepare_cached(&format!("DELETE FROM {table} WHERE {condition}"))?
        .execute(rusqlite::params_from_iter(values.iter()))?;
    Ok(())
}

/// Whether two images of a row agree on what was recorded (derived columns
/// may have moved since without anyone changing the row).
pub fn same_record(table: &str, a: &Row, b: &Row) -> bool {
    let recorded = |row: &Row| -> Vec<(String, Json)> {
        row.iter()
            .filter(|(c, _)| !derived(table, c) && !listed(MOVED_BY_OTHERS, table, c))
            .map(|(c, v)| (c.clone(), v.clone()))
            .collect()
    };
    recorded(a) == recorded(b)
}

/// Calls `take` with every row of `table`, in key order.
pub fn each(
    conn: &Connection,
    table: &str,
    mut take: impl FnMut(&Row) -> Result<()>,
) -> Result<()> {
    let cols = columns(conn, table)?;
    let mut stmt = conn.prepare(&format!(
        "SELECT {} FROM {table} ORDER BY 1",
        quoted(&cols.iter().collect::<Vec<_>>())
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let mut row = Map::with_capacity(cols.len());
        for (i, c) in cols.iter().enumerate() {
            row.insert(c.clone(), to_json(r.get_ref(i)?));
        }
        take(&row)?;
    }
    Ok(())
}

/// Empties every recorded table and what is derived from them, before a
/// whole store is put back; foreign keys are checked at the commit.
pub fn clear_recorded(conn: &Connection) -> Result<()> {
    conn.execute_batch("PRAGMA defer_foreign_keys = ON;")?;
    for table in TABLES.iter().rev() {
        conn.execute(&format!("DELETE FROM {table}"), [])?;
    }
    conn.execute_batch(
        "DELETE FROM touch_tallies; DELETE FROM purchase_tallies;
         DELETE FROM customer_search; DELETE FROM customer_names;
         INSERT INTO customer_fts (customer_fts) VALUES ('delete-all');
         DELETE FROM reminder_agenda; DELETE FROM reminder_agenda_dirty;
         DELETE FROM customer_months; DELETE FROM customer_months_dirty;
         DELETE FROM undo_log;
         DELETE FROM sync_items; DELETE FROM sync_log; DELETE FROM sync_tokens;",
    )?;
    Ok(())
}
