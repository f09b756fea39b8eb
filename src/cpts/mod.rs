//! The CPTS office's side: a database of the monthly reports received from
//! every device (kiosk), checked on import, and the consolidated month.
//!
//! - [`store`]: the data folder and SQLite file (owner-only), settings;
//! - [`import`]: checks a report (hash, schema, signature, duplicate) and
//!   stores it; [`recompute`]: its figures from its rows; [`proof`]: its
//!   chain extends the head the CPTS holds;
//! - [`consolidate`]: one month across devices, with its anomalies, and
//!   [`pdf`]: the board's document of it;
//! - [`authority`]: the CPTS's key (sealed under a passphrase), and its
//!   recovery key, to which devices escrow their data key;
//! - [`recover`]: reopening a device whose passphrase is lost;
//! - [`registry`]: délégués, délégants, protocol, roster, devices (append-only);
//! - [`bundle_out`]: the signed bundle that configures every device.
//!
//! Its data folder is not a device's: `--cpts-dir`, else
//! `PROTOCOOP_CPTS_DIR`, else `cpts/` in the OS's per-user data folder.

pub mod activation_letter;
pub mod authority;
pub mod bundle_out;
pub mod consolidate;
pub mod dashboard;
pub mod export;
pub mod iban;
pub mod import;
pub mod payments;
pub mod pdf;
pub mod proof;
pub mod recompute;
pub mod recover;
pub mod registry;
pub mod store;
pub mod year;

pub use consolidate::{Anomaly, Consolidated, consolidate};
pub use import::{Continuity, ImportProblem, Imported, import};
pub use store::{CptsDb, default_dir};
