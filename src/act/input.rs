//! The act input (`protocoop act record --input`, or the kiosk's screens),
//! parsed once into typed values.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

use crate::error::{Error, Result};
use crate::ids::{Rpps, postal_code_valid};
use crate::protocol::{Fixed, parse_date};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sex {
    F,
    M,
}

/// The patient, as identified at the counter. Health data: never leaves the
/// device in a report.
#[derive(Debug, Clone, PartialEq)]
pub struct Patient {
    pub last_name: String,
    pub first_name: String,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    pub weight_kg: Option<Fixed>,
    pub postal_code: String,
}

impl Patient {
    /// Checks each field, naming it in the error.
    pub fn new(
        last_name: &str,
        first_name: &str,
        birth_date: &str,
        sex: &str,
        weight_kg: Option<f64>,
        postal_code: &str,
    ) -> Result<Patient> {
        let name = |field: &str, v: &str| -> Result<String> {
            let v = v.trim();
            if v.is_empty() {
                return Err(Error::input(field, "champ vide"));
            }
            if v.chars().count() > 80 || v.chars().any(char::is_control) {
                return Err(Error::input(field, "nom trop long ou caractères invalides"));
            }
            // The name goes on a legal prescription: refuse what the
            // embedded font would print as blanks.
            let missing = crate::documents::fonts::missing_glyphs(v);
            if !missing.is_empty() {
                let chars: String = missing.iter().map(|c| format!("« {c} » ")).collect();
                return Err(Error::input(
                    field,
                    format!(
                        "caractères impossibles à imprimer sur l'ordonnance : {chars}— saisissez le nom en lettres latines"
                    ),
                ));
            }
            Ok(v.to_string())
        };
        let sex = match sex.trim() {
            "F" | "f" => Sex::F,
            "M" | "m" => Sex::M,
            other => {
                return Err(Error::input(
                    "patient.sex",
                    format!("« {other} » : F ou M attendu"),
                ));
            }
        };
        let weight_kg = match weight_kg {
            None => None,
            Some(w) if (1.0..=350.0).contains(&w) => Fixed::from_f64(w),
            Some(w) => {
                return Err(Error::input(
                    "patient.weight_kg",
                    format!("poids {w} kg invraisemblable : entre 1 et 350 kg"),
                ));
            }
        };
        let postal_code = postal_code.trim().to_string();
        if !postal_code_valid(&postal_code) {
            return Err(Error::input(
                "patient.postal_code",
                format!(
                    "« {postal_code} » : cinq chiffres attendus (99000 pour un patient résidant à l'étranger)"
                ),
            ));
        }
        Ok(Patient {
            last_name: name("patient.last_name", last_name)?,
            first_name: name("patient.first_name", first_name)?,
            birth_date: parse_date("patient.birth_date", birth_date)?,
            sex,
            weight_kg,
            postal_code,
        })
    }
}

/// A request to record an act, before the protocol has looked at it.
#[derive(Debug, Clone)]
pub struct ActRequest {
    pub patient: Patient,
    /// The protocol facts as given (without age and weight, which come from
    /// the patient).
    pub facts: Map<String, Json>,
    pub delegue: Rpps,
    pub delegant: Rpps,
    pub lines: Vec<String>,
    pub occurred_at: Option<DateTime<Utc>>,
    /// The patient's informed consent, when stated.
    pub consent: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInput {
    patient: RawPatient,
    #[serde(default)]
    facts: Map<String, Json>,
    delegue_rpps: String,
    delegant_rpps: String,
    #[serde(default)]
    lines: Vec<String>,
    occurred_at: Option<String>,
    consent: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPatient {
    last_name: String,
    first_name: String,
    birth_date: String,
    sex: String,
    weight_kg: Option<f64>,
    postal_code: String,
}

impl ActRequest {
    /// Parses the JSON input of `act record`.
    pub fn from_json(text: &str) -> Result<ActRequest> {
        let raw: RawInput = serde_json::from_str(text).map_err(|e| {
            Error::input(
                "acte",
                format!(
                    "JSON invalide (ligne {}, colonne {}) : {e}",
                    e.line(),
                    e.column()
                ),
            )
        })?;
        let p = raw.patient;
        let rpps = |field: &str, s: &str| {
            Rpps::parse(s).map_err(|problem| {
                Error::input(field, format!("RPPS « {s} » invalide : {problem}"))
            })
        };
        let occurred_at = match raw.occurred_at {
            None => None,
            Some(s) => Some(
                DateTime::parse_from_rfc3339(s.trim())
                    .map_err(|_| {
                        Error::input(
                            "occurred_at",
                            format!("« {s} » : date et heure RFC 3339 attendues, par exemple 2026-11-23T14:05:00+01:00"),
                        )
                    })?
                    .with_timezone(&Utc),
            ),
        };
        Ok(ActRequest {
            patient: Patient::new(
                &p.last_name,
                &p.first_name,
                &p.birth_date,
                &p.sex,
                p.weight_kg,
                &p.postal_code,
            )?,
            facts: raw.facts,
            delegue: rpps("delegue_rpps", &raw.delegue_rpps)?,
            delegant: rpps("delegant_rpps", &raw.delegant_rpps)?,
            lines: raw.lines,
            occurred_at,
            consent: raw.consent,
        })
    }
}
