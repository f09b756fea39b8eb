//! The act as stored in the ledger: everything needed to re-render its
//! documents and to report on it, with no reference back to mutable state
//! (names, addresses and protocol texts are copied at the time of the act).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use super::Sex;
use crate::protocol::{Fixed, Presentation, Unit};
use crate::triage::Dose;
use crate::triage::json::OutcomeJson;
use crate::triage::units::Given;

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
    /// The médecin traitant the patient named, for the compte rendu
    /// (absent from acts recorded before letters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attending_doctor: Option<DoctorRef>,
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
    /// `pharmacien` / `infirmier` for a délégué; `chirurgien-dentiste` /
    /// `medecin` for a délégant (none in acts recorded before délégants
    /// had one: they were all dentists).
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
    /// For the follow-up call (absent when not given, and from acts
    /// recorded before calls).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// The patient's médecin traitant, as she named him at the counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoctorRef {
    pub name: String,
    pub town: Option<String>,
}

impl PersonRef {
    /// « Médecin délégant » or « Chirurgien-dentiste délégant », from the
    /// profession the act recorded.
    pub fn delegant_title(&self) -> &'static str {
        match self.profession.as_deref() {
            Some("medecin") => "Médecin délégant",
            _ => "Chirurgien-dentiste délégant",
        }
    }
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
    /// The presentation chosen and what it gives (none for a line without
    /// presentations, and in acts recorded before them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given: Option<GivenRecord>,
}

/// The presentation chosen for a line, copied from the protocol, and its
/// regimen in that presentation's units. Counts are thousandths of a unit
/// (17,5 mL is 17 500), as [`Fixed`] holds them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GivenRecord {
    pub form: String,
    pub label: String,
    pub unit: String,
    pub units: String,
    pub strength: u32,
    pub step_milli: i64,
    pub pack: u32,
    pub pack_name: String,
    pub per_intake_milli: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_intake_min_milli: Option<i64>,
    /// Line units (mg…) one intake holds.
    pub amount_per_intake: u32,
    pub max_units_per_day_milli: i64,
    pub quantity_milli: i64,
    pub packs: u32,
}

impl GivenRecord {
    pub fn new(p: &Presentation, g: &Given) -> GivenRecord {
        GivenRecord {
            form: p.form.clone(),
            label: p.label.clone(),
            unit: p.unit.clone(),
            units: p.units.clone(),
            strength: p.strength,
            step_milli: p.step.0,
            pack: p.pack,
            pack_name: p.pack_name.clone(),
            per_intake_milli: g.per_intake.0,
            per_intake_min_milli: g.per_intake_min.map(|f| f.0),
            amount_per_intake: g.amount_per_intake,
            max_units_per_day_milli: g.max_units_per_day.0,
            quantity_milli: g.quantity.0,
            packs: g.packs,
        }
    }

    /// The presentation as the wording functions of [`crate::triage::units`] take it.
    pub fn presentation(&self) -> Presentation {
        Presentation {
            form: self.form.clone(),
            label: self.label.clone(),
            unit: self.unit.clone(),
            units: self.units.clone(),
            strength: self.strength,
            step: Fixed(self.step_milli),
            pack: self.pack,
            pack_name: self.pack_name.clone(),
        }
    }

    /// The regimen as [`crate::triage::units`] computed it.
    pub fn given(&self) -> Given {
        Given {
            index: 0,
            per_intake: Fixed(self.per_intake_milli),
            per_intake_min: self.per_intake_min_milli.map(Fixed),
            amount_per_intake: self.amount_per_intake,
            max_units_per_day: Fixed(self.max_units_per_day_milli),
            quantity: Fixed(self.quantity_milli),
            packs: self.packs,
        }
    }
}

impl PrescribedLine {
    /// « paracétamol — comprimé 500 mg »; « paracétamol 500 mg » for a
    /// line given in no presentation.
    pub fn title(&self) -> String {
        match &self.given {
            Some(g) => format!("{} — {}", self.dci, g.presentation().name()),
            None => format!("{} {}", self.dci, self.strength),
        }
    }

    /// What is given and how, as the prescription says it: « 2 comprimés
    /// de 500 mg par prise, …, pendant 5 jours — quantité : 30 comprimés
    /// (2 boîtes de 16) ».
    pub fn regimen_fr(&self) -> String {
        match &self.given {
            Some(g) => crate::triage::units::regimen_fr(
                &g.given(),
                &g.presentation(),
                &self.frequency,
                self.days,
            ),
            None => format!(
                "{} ; {}",
                crate::triage::describe::dose(&self.dose(), self.unit),
                self.frequency
            ),
        }
    }

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
