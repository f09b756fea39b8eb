//! Who works under the protocol here: the structure (pharmacy or nursing
//! office), the délégués and the délégants.
//!
//! Every change is a record appended to the ledger; the current registry is
//! the fold of those records, the latest one winning. Nothing is overwritten.

pub mod input;
mod pin;
mod records;

pub use pin::{PIN_LOCK_MINUTES, PIN_MAX_FAILURES, hash_pin, parse_pin, verify_pin};
pub use records::{DelegantRecord, DelegueRecord, Profession, ProfessionalRecord, StructureRecord};

use std::collections::BTreeMap;

use crate::ids::Rpps;

/// The current state of the registry.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    pub structure: Option<StructureRecord>,
    delegues: BTreeMap<Rpps, DelegueRecord>,
    delegants: BTreeMap<Rpps, DelegantRecord>,
}

impl Registry {
    pub fn apply_structure(&mut self, s: StructureRecord) {
        self.structure = Some(s);
    }

    pub fn apply_professional(&mut self, p: ProfessionalRecord) {
        match p {
            ProfessionalRecord::Delegue(d) => {
                self.delegues.insert(d.rpps.clone(), d);
            }
            ProfessionalRecord::Delegant(d) => {
                self.delegants.insert(d.rpps.clone(), d);
            }
        }
    }

    /// An active délégué.
    pub fn delegue(&self, rpps: &Rpps) -> Option<&DelegueRecord> {
        self.delegues.get(rpps).filter(|d| d.active)
    }

    /// An active délégant.
    pub fn delegant(&self, rpps: &Rpps) -> Option<&DelegantRecord> {
        self.delegants.get(rpps).filter(|d| d.active)
    }

    /// Active délégués, by name.
    pub fn delegues(&self) -> Vec<&DelegueRecord> {
        let mut v: Vec<_> = self.delegues.values().filter(|d| d.active).collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v
    }

    /// Active délégants, by name.
    pub fn delegants(&self) -> Vec<&DelegantRecord> {
        let mut v: Vec<_> = self.delegants.values().filter(|d| d.active).collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v
    }
}
