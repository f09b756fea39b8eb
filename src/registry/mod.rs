//! Who works under the protocol here: the structure (pharmacy or nursing
//! office), the délégués and the délégants.
//!
//! Every change is a record appended to the ledger; the current registry is
//! the fold of those records, the latest one winning. Nothing is overwritten.

pub mod input;
mod pin;
mod records;

pub use pin::{
    PIN_BLOCK_FAILURES, PIN_LOCK_MINUTES, PIN_MAX_FAILURES, PIN_MIN_DIGITS, hash_pin,
    parse_new_pin, parse_pin, verify_pin,
};
pub use records::{
    DelegantProfession, DelegantRecord, DelegueRecord, PinRecord, Profession, ProfessionalRecord,
    SigninRecord, StructureRecord,
};

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::crypto::PublicKey;
use crate::ids::Rpps;

/// The current state of the registry.
///
/// On a training device (no bundle applied), délégués and délégants are the
/// records entered on the device. Once a CPTS bundle is applied, they are the
/// bundle's only: local records no longer count.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    pub structure: Option<StructureRecord>,
    delegues: BTreeMap<Rpps, DelegueRecord>,
    delegants: BTreeMap<Rpps, DelegantRecord>,
    /// The CPTS bundle in force, once one is applied.
    pub attachment: Option<Attachment>,
    /// The activation code in force for each délégué of the bundle.
    activations: BTreeMap<Rpps, ActivationInForce>,
    /// The latest PIN each délégué set herself.
    pins: BTreeMap<Rpps, PinRecord>,
    /// A bundle found this log without the head the CPTS acknowledged:
    /// restored from an old copy or rewritten since the last report. Real
    /// acts are refused until a bundle acknowledges it.
    pub restored: Option<Restored>,
}

/// The head the CPTS acknowledged that this log does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// The bundle entry that found it.
    pub bundle_seq: u64,
    pub acknowledged_seq: u64,
    pub acknowledged_hash: String,
}

/// What the device keeps of the bundle in force.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub serial: u64,
    pub created_at: DateTime<Utc>,
    pub applied_at: DateTime<Utc>,
    pub cpts_name: String,
    pub cpts_key: PublicKey,
    pub bundle_sha256: String,
    pub pharmacies: Option<u64>,
    pub roster: Option<String>,
    /// The bundle file's text: its protocol is the one devices use.
    pub text: String,
}

/// An activation code in force: its id and salted hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivationInForce {
    pub id: String,
    pub code_hash: String,
}

impl Registry {
    pub fn apply_structure(&mut self, s: StructureRecord) {
        self.structure = Some(s);
    }

    /// A record entered on the device; ignored once attached to a CPTS. A
    /// new record for a délégué replaces the PIN she had.
    pub fn apply_professional(&mut self, p: ProfessionalRecord) {
        if self.attachment.is_some() {
            return;
        }
        match p {
            ProfessionalRecord::Delegue(d) => {
                self.pins.remove(&d.rpps);
                self.delegues.insert(d.rpps.clone(), d);
            }
            ProfessionalRecord::Delegant(d) => {
                self.delegants.insert(d.rpps.clone(), d);
            }
        }
    }

    /// A bundle applied: its délégués (with their activation codes) and
    /// délégants replace everything before. PINs set with a code still in
    /// force keep counting.
    pub fn attach(
        &mut self,
        attachment: Attachment,
        delegues: Vec<(DelegueRecord, Option<ActivationInForce>)>,
        delegants: Vec<DelegantRecord>,
    ) {
        self.attachment = Some(attachment);
        self.delegues.clear();
        self.activations.clear();
        for (d, a) in delegues {
            if let Some(a) = a {
                self.activations.insert(d.rpps.clone(), a);
            }
            self.delegues.insert(d.rpps.clone(), d);
        }
        self.delegants = delegants.into_iter().map(|d| (d.rpps.clone(), d)).collect();
    }

    pub fn apply_pin(&mut self, p: PinRecord) {
        self.pins.insert(p.rpps.clone(), p);
    }

    /// Whether this device is attached to a CPTS (real acts, paid).
    pub fn is_attached(&self) -> bool {
        self.attachment.is_some()
    }

    /// The activation code in force for a délégué of the bundle.
    pub fn activation(&self, rpps: &Rpps) -> Option<&ActivationInForce> {
        self.activations.get(rpps)
    }

    /// The PIN hash a délégué signs in with, if she has one: on an attached
    /// device, only a PIN set from the activation code in force.
    pub fn pin_hash(&self, rpps: &Rpps) -> Option<&str> {
        let pin = self.pins.get(rpps);
        if self.is_attached() {
            let id = self.activations.get(rpps).map(|a| a.id.as_str());
            return pin
                .filter(|p| p.activation_id.is_some() && p.activation_id.as_deref() == id)
                .map(|p| p.pin_hash.as_str());
        }
        match pin {
            Some(p) => Some(p.pin_hash.as_str()),
            None => self
                .delegues
                .get(rpps)
                .map(|d| d.pin_hash.as_str())
                .filter(|h| !h.is_empty()),
        }
    }

    /// A délégué, active or revoked.
    pub fn delegue_any(&self, rpps: &Rpps) -> Option<&DelegueRecord> {
        self.delegues.get(rpps)
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
