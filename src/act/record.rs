//! The act as stored in the ledger: everything needed to re-render its
//! documents and to report on it, with no reference back to mutable state
//! (names, addresses and protocol texts are copied at the time of the act).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use super::Sex;
use crate::protocol::{Fixed, Unit};
use crate::triage::Dose;
use crate::triage::json::OutcomeJson;

/// Stored payload of an `act` entry. Field order is the canonical order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActRecord {
    pub v: u32,
    /// Stable id, unique across devices (derived from device and number).
    pub id: String,
    /// Human number, per device and year of the act: `2026-0042`.
    pub number: String,
    pub device_id: String,
    pub occurred_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    /// Entered after the fact (home visit recorded back at the office).
    pub deferred: bool,
    /// Done under a draft protocol: never paid, marked SPÉCIMEN.
    pub training: bool,
    pub protocol: ProtocolRef,
    pub structure: StructureRef,
    pub delegue: PersonRef,
    pub delegant: PersonRef,
    pub patient: PatientRecord,
    pub consent: Option<bool>,
    /// Facts as evaluated (age and weight included).
    pub facts: Map<String, Json>,
    pub outcome: OutcomeJson,
    /// The lines prescribed (chosen by the délégué among those proposed).
    pub prescription: Vec<PrescribedLine>,
    pub payment: Payment,
}

impl ActRecord {
    pub fn taken_in_charge(&self) -> bool {
        self.outcome.taken_in_charge
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtocolRef {
    pub id: String,
    pub version: String,
    pub sha256: String,
    pub name: String,
    pub cpts: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StructureRef {
    pub name: String,
    pub address: String,
    pub postal_code: String,
    pub phone: Option<String>,
    pub finess: Option<String>,
}

/// A professional as named on the act.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRef {
    pub rpps: String,
    pub name: String,
    /// `pharmacien` / `infirmier` for a délégué; none for a délégant.
    pub profession: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatientRecord {
    pub last_name: String,
    pub first_name: String,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    pub weight_kg: Option<f64>,
    pub postal_code: String,
    pub age_years: i64,
}

impl PatientRecord {
    /// `MARTIN Paul`, as the device shows a patient (never in a report).
    pub fn display_name(&self) -> String {
        format!("{} {}", self.last_name.to_uppercase(), self.first_name)
    }
}

/// One prescribed line, with what the paper needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrescribedLine {
    pub id: String,
    pub dci: String,
    pub class: String,
    pub strength: String,
    pub form: String,
    pub unit: Unit,
    pub per_dose_min: Option<u32>,
    pub per_dose: u32,
    pub max_per_day: u32,
    pub days: u32,
    pub frequency: String,
    /// The weight the dose was computed from, when it was.
    pub weight_kg: Option<f64>,
    pub secure_prescription: bool,
    /// How to take it, for the advice sheet.
    pub advice: String,
}

impl PrescribedLine {
    /// The regimen as dose arithmetic sees it.
    pub fn dose(&self) -> Dose {
        Dose {
            per_dose_min: self.per_dose_min,
            per_dose: self.per_dose,
            max_per_day: self.max_per_day,
            days: self.days,
            weight: self.weight_kg.and_then(Fixed::from_f64),
        }
    }
}

/// What the act pays, in cents (zero when not taken in charge or training).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub delegue_cents: u32,
    pub delegant_cents: u32,
}
