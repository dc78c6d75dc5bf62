//! "Now" and the user's time zone, passed explicitly so that every rule that
//! depends on the date can be tested with a fixed clock.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pub now: DateTime<Utc>,
    pub tz: Tz,
}

impl Clock {
    pub fn new(now: DateTime<Utc>, tz: Tz) -> Self {
        Clock { now, tz }
    }

    /// The wall clock, in the given zone.
    pub fn system(tz: Tz) -> Self {
        Clock {
            now: Utc::now(),
            tz,
        }
    }

    /// A fixed instant given as local wall-clock time in `tz` (for tests and
    /// demo data). Ambiguous or skipped local times take the earlier instant.
    pub fn at_local(tz: Tz, date: NaiveDate, hour: u32, minute: u32) -> Option<Self> {
        let local = date.and_hms_opt(hour, minute, 0)?;
        let now = tz
            .from_local_datetime(&local)
            .earliest()?
            .with_timezone(&Utc);
        Some(Clock { now, tz })
    }

    /// Unix seconds, the form instants are stored in.
    pub fn timestamp(&self) -> i64 {
        self.now.timestamp()
    }

    /// Today's date in the user's zone.
    pub fn today(&self) -> NaiveDate {
        self.now.with_timezone(&self.tz).date_naive()
    }

    /// The local day an instant (Unix seconds) falls on.
    pub fn local_day(&self, at: i64) -> NaiveDate {
        DateTime::from_timestamp(at, 0)
            .map(|utc| utc.with_timezone(&self.tz).date_naive())
            .unwrap_or_else(|| self.today())
    }

    /// The instant (Unix seconds) `minutes` after midnight on a local day;
    /// in a DST gap, the same wall time an hour later, which exists.
    pub fn instant_on(&self, day: NaiveDate, minutes: u32) -> i64 {
        let local = day
            .and_hms_opt(minutes / 60, minutes % 60, 0)
            .unwrap_or_default();
        self.tz
            .from_local_datetime(&local)
            .earliest()
            .or_else(|| {
                self.tz
                    .from_local_datetime(&(local + chrono::Duration::hours(1)))
                    .earliest()
            })
            .map_or_else(|| self.timestamp(), |at| at.timestamp())
    }
}

/// The zone the window's web view also uses: `TZ` when it names a zone,
/// else the operating system's, else Tokyo. Reading `TZ` first keeps the
/// core's days and the interface's clock in agreement.
pub fn system_time_zone() -> Tz {
    std::env::var("TZ")
        .ok()
        .and_then(|name| name.trim_start_matches(':').parse().ok())
        .or_else(|| {
            iana_time_zone::get_timezone()
                .ok()
                .and_then(|name| name.parse().ok())
        })
        .unwrap_or(chrono_tz::Asia::Tokyo)
}
