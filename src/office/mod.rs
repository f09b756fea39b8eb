//! The coordinator's window, without egui: what it shows ([`state`]), what
//! a person can do ([`Action`]) and the one [`reduce`] that does it,
//! through the same core as `protocoop cpts` (`crate::cpts`), so that the
//! window and the command line always agree. One file per screen's job.

mod action;
mod bundle;
mod import;
mod month;
mod reduce;
mod registry;
mod roster;
mod setup;
pub mod state;
mod words;

pub use action::{Action, DutyColumn, Field, Tab};
pub use reduce::{open, reduce};
pub use state::{ImportLine, OfficeState, Screen, Services};
