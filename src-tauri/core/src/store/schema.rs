//! A store's schema as SQLite lists it, and the schema each version of
//! Kizuna's migrations produces: what a backup is compared with before it
//! is trusted.

use super::MIGRATIONS;
use crate::error::Result;

/// A schema object as `sqlite_schema` lists it: type, name, table, SQL.
pub(crate) type SchemaObject = (String, String, String, Option<String>);

pub(crate) fn of(conn: &rusqlite::Connection) -> rusqlite::Result<Vec<SchemaObject>> {
    // SQLite's own bookkeeping tables come and go with use (the sequence
    // table after the first insert, statistics after ANALYZE).
    let mut stmt = conn.prepare(
        "SELECT type, name, tbl_name, sql FROM sqlite_schema
         WHERE name NOT IN ('sqlite_sequence', 'sqlite_stat1', 'sqlite_stat4')
         ORDER BY type, name",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
    rows.collect()
}

/// The schema a store at `version` has: the migrations up to it, run on an
/// empty database.
pub(crate) fn expected(version: i64) -> Result<Vec<SchemaObject>> {
    let conn = rusqlite::Connection::open_in_memory()?;
    for sql in MIGRATIONS.iter().take(version as usize) {
        conn.execute_batch(sql)?;
    }
    Ok(of(&conn)?)
}
