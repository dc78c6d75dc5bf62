//! Settings, one JSON value per key (typed in `domain/settings.rs`).

use rusqlite::{Connection, params};

use super::Tx;
use crate::domain::settings::Settings;
use crate::error::Result;

pub(crate) fn read(conn: &Connection) -> Result<Settings> {
    let stored = conn
        .prepare_cached("SELECT key, value FROM settings")?
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Settings::from_stored(stored)
}

/// Stores checked settings. What changed may move every reminder.
pub(crate) fn write(tx: &mut Tx<'_>, settings: &Settings) -> Result<()> {
    let pairs = settings.to_stored()?;
    let before = read(tx)?;
    {
        let mut stmt = tx.prepare_cached(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )?;
        for (key, value) in pairs {
            stmt.execute(params![key, value])?;
        }
    }
    if before != *settings {
        tx.changed.reminders_everywhere();
    }
    Ok(())
}
