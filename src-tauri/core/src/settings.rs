//! The user's settings (typed in `domain/settings.rs`).

pub use crate::domain::settings::*;

use crate::error::Result;
use crate::store::{Store, settings};

impl Store {
    pub fn settings(&self) -> Result<Settings> {
        settings::read(self.conn())
    }

    pub fn save_settings(&mut self, chosen: &Settings) -> Result<Settings> {
        let mut tx = self.begin()?;
        settings::write(&mut tx, chosen)?;
        self.commit(tx)?;
        self.settings()
    }
}
