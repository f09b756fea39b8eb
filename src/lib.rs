//! protocoop: a kiosk and a CLI that run a CPTS's local cooperation protocol
//! for simple dental emergencies, handled by pharmacists and nurses on behalf
//! of a dentist.
//!
//! Pure core, thin shells: [`protocol`], [`triage`] and the other core
//! modules are plain Rust with no I/O beyond what their name says; the CLI
//! ([`cli`]) only gathers input, calls the core and prints results.

pub mod act;
pub mod backup;
pub mod bundle;
pub mod calendar;
pub mod calls;
pub mod cli;
pub mod cpts;
pub mod crypto;
pub mod documents;
pub mod error;
pub mod files;
pub mod fr;
pub mod ids;
pub mod json_input;
pub mod kiosk;
pub mod ledger;
pub mod office;
pub mod protocol;
pub mod registry;
pub mod report;
pub mod shared;
pub mod text;
pub mod triage;
pub mod ui;
pub mod vault;

pub use error::{Error, Result};
