//! Registry records as stored in the ledger (canonical JSON, field order fixed).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{Finess, Rpps};

/// The pharmacy or nursing office that runs this device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StructureRecord {
    pub v: u32,
    pub name: String,
    pub address: String,
    pub postal_code: String,
    pub finess: Option<Finess>,
    pub phone: Option<String>,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profession {
    Pharmacien,
    Infirmier,
}

impl Profession {
    pub fn parse(s: &str) -> Option<Profession> {
        match s {
            "pharmacien" | "pharmacienne" => Some(Profession::Pharmacien),
            "infirmier" | "infirmière" | "infirmiere" => Some(Profession::Infirmier),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Profession::Pharmacien => "pharmacien",
            Profession::Infirmier => "infirmier",
        }
    }

    /// The qualification printed on a prescription.
    pub fn qualification(self) -> &'static str {
        match self {
            Profession::Pharmacien => "Pharmacien",
            Profession::Infirmier => "Infirmier",
        }
    }
}

/// A délégué: pharmacien or infirmier who performs acts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelegueRecord {
    pub v: u32,
    pub rpps: Rpps,
    pub name: String,
    pub profession: Profession,
    /// Date of the protocol training; none = not trained, no act allowed.
    pub trained_on: Option<NaiveDate>,
    /// argon2id PHC string; never shown, never exported.
    pub pin_hash: String,
    pub active: bool,
    pub recorded_at: DateTime<Utc>,
}

/// What a délégant is: the CPTS Sud Deux-Sèvres trained general
/// practitioners as délégants as well as dentists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum DelegantProfession {
    #[default]
    #[serde(rename = "chirurgien-dentiste")]
    ChirurgienDentiste,
    #[serde(rename = "medecin")]
    Medecin,
}

impl DelegantProfession {
    pub fn as_str(self) -> &'static str {
        match self {
            DelegantProfession::ChirurgienDentiste => "chirurgien-dentiste",
            DelegantProfession::Medecin => "medecin",
        }
    }
}

/// A délégant: the dentist (or doctor) named on every prescription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelegantRecord {
    pub v: u32,
    pub rpps: Rpps,
    pub name: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub active: bool,
    pub recorded_at: DateTime<Utc>,
    /// Absent from records written before délégants had one.
    #[serde(default)]
    pub profession: DelegantProfession,
}

/// A PIN set by a délégué (with her activation code, or by changing the
/// previous one). Only the hash is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinRecord {
    pub v: u32,
    pub rpps: Rpps,
    pub pin_hash: String,
    /// `activation` or `change`.
    pub via: String,
    /// The CPTS activation code this PIN descends from (none on a training
    /// device): a reset by the CPTS issues a new one, and older PINs stop
    /// counting.
    pub activation_id: Option<String>,
    pub recorded_at: DateTime<Utc>,
}

/// A failed or a successful sign-in after failures, in the chained log:
/// removing one is tampering that `verify` names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigninRecord {
    pub v: u32,
    pub rpps: Rpps,
    pub activation_id: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "lowercase")]
pub enum ProfessionalRecord {
    Delegue(DelegueRecord),
    Delegant(DelegantRecord),
}
