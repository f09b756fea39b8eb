//! Settings of this kiosk that are not part of the ledger (nothing in them
//! matters to an audit): the idle lock delay and the printer chosen, kept
//! in `kiosque.toml` in the data folder.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::files::{Access, write_atomic};

pub const FILE: &str = "kiosque.toml";
/// A shared counter tablet must not stay open for long.
pub const DEFAULT_IDLE_MINUTES: u32 = 5;
pub const MAX_IDLE_MINUTES: u32 = 30;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KioskSettings {
    pub idle_lock_minutes: u32,
    /// The printer chosen in Réglages; none: the station's default one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub printer: Option<String>,
}

impl Default for KioskSettings {
    fn default() -> Self {
        KioskSettings {
            idle_lock_minutes: DEFAULT_IDLE_MINUTES,
            printer: None,
        }
    }
}

impl KioskSettings {
    /// Reads the settings; a missing or unreadable file gives the defaults
    /// (the kiosk must start whatever happened to this file).
    pub fn load(dir: &Path) -> KioskSettings {
        crate::files::read_limited(&dir.join(FILE), 64 * 1024)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|t| toml::from_str::<KioskSettings>(&t).ok())
            .map(|s| KioskSettings {
                idle_lock_minutes: s.idle_lock_minutes.clamp(1, MAX_IDLE_MINUTES),
                // A name edited by hand into something lp would read as an
                // option is dropped: the default printer is used.
                printer: s
                    .printer
                    .filter(|p| crate::documents::print::printer_name_ok(p)),
            })
            .unwrap_or_default()
    }

    pub fn save(&self, dir: &Path) -> Result<()> {
        let text = toml::to_string(self)
            .map_err(|e| Error::Storage(format!("réglages du kiosque : {e}")))?;
        write_atomic(&dir.join(FILE), text.as_bytes(), Access::Private)
    }
}
