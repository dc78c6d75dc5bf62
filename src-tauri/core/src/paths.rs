//! Where the store lives.

use std::path::PathBuf;

/// The application identifier; also the folder name under the OS data dir,
/// matching `identifier` in `tauri.conf.json`.
pub const APP_IDENTIFIER: &str = "app.kizuna.desktop";

/// Overrides the data folder (tests, portable use, demo data).
pub const DATA_DIR_ENV: &str = "KIZUNA_DATA_DIR";

/// The data folder: `$KIZUNA_DATA_DIR` when set, else the OS's app-data
/// folder (`~/.local/share/app.kizuna.desktop` on Linux).
pub fn data_dir() -> PathBuf {
    match std::env::var_os(DATA_DIR_ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => default_data_dir(),
    }
}

pub fn default_data_dir() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join(APP_IDENTIFIER)
}

/// The separate folder demo data goes to, so it never mixes with real data.
pub fn demo_data_dir() -> PathBuf {
    default_data_dir().join("demo")
}
