//! One act, from the délégué's input to the record the ledger stores.
//!
//! Pure: [`ActRequest::from_json`] parses and checks the input once;
//! [`prepare`] re-runs the triage on the facts, applies every rule of the
//! act (trained délégué, known délégant, age from the date of birth, lines
//! that were proposed) and returns the [`ActRecord`] to append. The ledger
//! only numbers it and stores it.

mod history;
mod input;
mod prepare;
mod record;

pub use history::{EarlierAct, identity_key, same_patient};
pub use input::{ActRequest, Doctor, Patient, Sex};
pub use prepare::{
    DEFERRED_AFTER_MINUTES, act_day, age_on, is_minor, prepare, training_reason, with_history,
    with_patient,
};
pub use record::{
    ActRecord, DoctorRef, GivenRecord, Payment, PersonRef, PrescribedLine, ProtocolRef,
    StructureRef,
};
