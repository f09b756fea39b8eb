//! « À rappeler »: the calls of the protocol's follow-up plan an act still
//! needs ([`due`]), and what a call's answers record ([`answers`]). Pure:
//! the ledger gives each act and its follow-ups, the kiosk and the CLI
//! show the result and record through `Ledger::record_call`.

pub mod answers;
pub mod due;

pub use answers::{Adverse, Answers, AppointmentAnswer};
pub use due::{CallState, DueCall, by_act, state_of};
