//! The act input (`protocoop act record --input`, or the kiosk's screens),
//! parsed once into typed values.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::ids::{Rpps, postal_code_valid};
use crate::json_input::{self, Answers, ExactNumber};
use crate::protocol::{Fixed, parse_date};

pub use crate::protocol::Sex;

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
    /// For the follow-up call, when the patient gave one: kept on the
    /// device, never in a report.
    pub phone: Option<String>,
}

impl Patient {
    /// The patient with the phone number she gave (blank: none).
    pub fn with_phone(self, field: &str, phone: &str) -> Result<Patient> {
        Ok(Patient {
            phone: crate::ids::patient_phone(field, phone)?,
            ..self
        })
    }

    /// Checks each field, naming it in the error.
    pub fn new(
        last_name: &str,
        first_name: &str,
        birth_date: &str,
        sex: &str,
        weight_kg: Option<Fixed>,
        postal_code: &str,
    ) -> Result<Patient> {
        let Some(sex) = Sex::parse(sex.trim()) else {
            return Err(Error::input(
                "patient.sex",
                format!("« {} » : F ou M attendu", crate::text::quote(sex.trim())),
            ));
        };
        let weight_kg = match weight_kg {
            None => None,
            Some(w) if (Fixed::from_int(1)..=Fixed::from_int(350)).contains(&w) => Some(w),
            Some(w) => {
                return Err(Error::input(
                    "patient.weight_kg",
                    format!(
                        "poids {} kg invraisemblable : entre 1 et 350 kg",
                        crate::fr::decimal(w)
                    ),
                ));
            }
        };
        let postal_code = postal_code.trim().to_string();
        if !postal_code_valid(&postal_code) {
            return Err(Error::input(
                "patient.postal_code",
                format!(
                    "« {} » : cinq chiffres attendus (99000 pour un patient résidant à l'étranger)",
                    crate::text::quote(&postal_code)
                ),
            ));
        }
        Ok(Patient {
            last_name: crate::text::name("patient.last_name", last_name)?,
            first_name: crate::text::name("patient.first_name", first_name)?,
            birth_date: parse_date("patient.birth_date", birth_date)?,
            sex,
            weight_kg,
            postal_code,
            phone: None,
        })
    }
}

/// A request to record an act, before the protocol has looked at it.
#[derive(Debug, Clone)]
pub struct ActRequest {
    pub patient: Patient,
    /// The protocol facts as given (without age and weight, which come from
    /// the patient), numbers exactly as written.
    pub facts: Answers,
    pub delegue: Rpps,
    pub delegant: Rpps,
    pub lines: Vec<String>,
    pub occurred_at: Option<DateTime<Utc>>,
    /// The patient's informed consent, when stated.
    pub consent: Option<bool>,
    /// The presentation chosen per line (`paracetamol` → « comprimé 1 g »);
    /// a line without one gets the default.
    pub presentations: BTreeMap<String, String>,
    /// The médecin traitant, when the patient named one.
    pub attending_doctor: Option<Doctor>,
}

/// The patient's médecin traitant, for the compte rendu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Doctor {
    pub name: String,
    pub town: Option<String>,
}

/// Longest médecin traitant's name or town kept (a line of the letter).
const DOCTOR_MAX: usize = 80;

impl Doctor {
    /// `None` when neither is given; a town without a name is refused
    /// (it names nobody, and would be silently lost).
    pub fn new(name: &str, town: &str) -> Result<Option<Doctor>> {
        let name = crate::text::optional_line("attending_doctor.name", Some(name), DOCTOR_MAX)?;
        let town = crate::text::optional_line("attending_doctor.town", Some(town), DOCTOR_MAX)?;
        match (name, town) {
            (Some(name), town) => Ok(Some(Doctor { name, town })),
            (None, None) => Ok(None),
            (None, Some(_)) => Err(Error::input(
                "attending_doctor.name",
                "la commune du médecin traitant est donnée sans son nom : indiquez son nom, ou effacez la commune",
            )),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInput {
    patient: RawPatient,
    #[serde(default)]
    facts: Answers,
    delegue_rpps: String,
    delegant_rpps: String,
    #[serde(default)]
    lines: Vec<String>,
    occurred_at: Option<String>,
    consent: Option<bool>,
    #[serde(default)]
    presentations: BTreeMap<String, String>,
    attending_doctor: Option<RawDoctor>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDoctor {
    name: String,
    #[serde(default)]
    town: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPatient {
    last_name: String,
    first_name: String,
    birth_date: String,
    sex: String,
    weight_kg: Option<ExactNumber>,
    postal_code: String,
    #[serde(default)]
    phone: String,
}

impl ActRequest {
    /// Parses the JSON input of `act record`.
    pub fn from_json(text: &str) -> Result<ActRequest> {
        let raw: RawInput = json_input::parse(text, "acte")?;
        let p = raw.patient;
        let weight_kg = match p.weight_kg {
            None => None,
            Some(n) => Some(n.value.ok_or_else(|| {
                Error::input(
                    "patient.weight_kg",
                    format!("« {n} » : poids hors limites ou trop précis"),
                )
            })?),
        };
        let rpps = Rpps::parse_field;
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
                weight_kg,
                &p.postal_code,
            )?
            .with_phone("patient.phone", &p.phone)?,
            facts: raw.facts,
            delegue: rpps("delegue_rpps", &raw.delegue_rpps)?,
            delegant: rpps("delegant_rpps", &raw.delegant_rpps)?,
            lines: raw.lines,
            occurred_at,
            consent: raw.consent,
            presentations: raw.presentations,
            attending_doctor: match raw.attending_doctor {
                None => None,
                Some(d) => Doctor::new(&d.name, &d.town)?,
            },
        })
    }
}
