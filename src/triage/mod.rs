//! Triage: the pure evaluation of a protocol on a patient's facts.
//!
//! - [`facts`]: what is known of the patient (typed, range-checked);
//! - [`evaluate()`]: facts → [`Outcome`] (decision, reasons, proposed lines);
//! - [`doses`]: dose arithmetic, rounded down and capped;
//! - [`sequence`]: which question the kiosk asks next;
//! - [`units`]: those doses in each presentation's units, and the quantity;
//! - [`json`]: the public JSON form of an outcome (`triage --json`).
//!
//! No I/O and no clock anywhere in this module.

pub mod describe;
pub mod doses;
mod evaluate;
pub mod facts;
pub mod json;
pub mod selection;
pub mod sequence;
pub mod units;

pub use doses::Dose;
pub use evaluate::{Outcome, ProposedLine, evaluate};
pub use facts::{Facts, Slot};
