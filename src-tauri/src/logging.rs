//! The app's log: to stderr and to a file rotated daily in the data
//! folder's `logs/` (the last two weeks kept). Ids and counts, never a
//! customer's words. `KIZUNA_LOG` sets the filter (`info` by default).

use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, fmt};

/// How many daily files are kept.
const KEPT_FILES: usize = 14;

/// Keeps the file writer flushing until the app ends.
pub struct Log {
    pub dir: PathBuf,
    _guard: Option<WorkerGuard>,
}

/// The folder the log files go to.
pub fn folder(data_dir: &Path) -> PathBuf {
    data_dir.join("logs")
}

/// Starts logging; a folder that cannot be written leaves stderr only.
pub fn start(data_dir: &Path) -> Log {
    let dir = folder(data_dir);
    let filter =
        || EnvFilter::try_from_env("KIZUNA_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let stderr = fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(filter());
    let file = std::fs::create_dir_all(&dir)
        .map_err(|e| e.to_string())
        .and_then(|()| {
            Builder::new()
                .rotation(Rotation::DAILY)
                .filename_prefix("kizuna")
                .filename_suffix("log")
                .max_log_files(KEPT_FILES)
                .build(&dir)
                .map_err(|e| e.to_string())
        });
    match file {
        Ok(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            let file = fmt::layer()
                .with_ansi(false)
                .with_writer(writer)
                .with_filter(filter());
            let _ = tracing_subscriber::registry()
                .with(stderr)
                .with(file)
                .try_init();
            Log {
                dir,
                _guard: Some(guard),
            }
        }
        Err(e) => {
            let _ = tracing_subscriber::registry().with(stderr).try_init();
            tracing::warn!(folder = %dir.display(), error = %e, "logging to stderr only");
            Log { dir, _guard: None }
        }
    }
}
