//! The protocol file as written: permissive serde structs that keep every
//! value's position, so that [`super::build`] can report problems with
//! line and column. Nothing outside `protocol/` sees these types.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

pub type S<T> = Spanned<T>;

/// `[groups]`: group name → its yes/no facts.
pub type RawGroups = BTreeMap<String, S<Vec<S<String>>>>;

/// A TOML integer or float, for quantities that may have decimals.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(untagged)]
pub enum RawNum {
    Int(i64),
    Float(f64),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMeta {
    pub id: S<String>,
    pub name: S<String>,
    pub version: S<String>,
    pub cpts: S<String>,
    pub source: Option<S<String>>,
    pub responsibility: Option<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTerritory {
    #[serde(default)]
    pub sample: bool,
    pub note: Option<S<String>>,
    pub communes: Vec<S<RawCommune>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCommune {
    pub name: S<String>,
    pub postal_code: S<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDelegant {
    pub name: S<String>,
    pub rpps: S<String>,
    #[serde(default)]
    pub example: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRemuneration {
    pub delegue_cents: S<i64>,
    pub delegant_cents: S<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPatient {
    pub age_fact: S<String>,
    pub weight_fact: S<String>,
    pub sex_fact: Option<S<String>>,
    pub weight_required_when: S<String>,
    /// The fact the device sets when the patient already had a prise en
    /// charge on it within `recurrence_days` (never asked).
    pub history_fact: Option<S<String>>,
    pub recurrence_days: Option<S<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDosing {
    pub adult_when: S<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFact {
    pub id: S<String>,
    #[serde(rename = "type")]
    pub ty: S<String>,
    pub min: Option<S<RawNum>>,
    pub max: Option<S<RawNum>>,
    /// Decimals a value may have (number facts only).
    pub decimals: Option<S<i64>>,
    pub unit: Option<S<String>>,
    #[serde(default)]
    pub required: bool,
    pub label: S<String>,
    pub help: Option<S<String>>,
    pub picture: Option<S<String>>,
    pub statement: Option<S<String>>,
    pub ask_when: Option<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuestion {
    pub id: S<String>,
    pub theme: S<String>,
    pub title: S<String>,
    pub help: Option<S<String>>,
    pub facts: S<Vec<S<String>>>,
    pub none: Option<S<String>>,
}

/// One item of a rule's `when_any`: a condition, or `{ if = "…", reason = "…" }`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawWhen {
    Text(String),
    Table {
        #[serde(rename = "if")]
        cond: String,
        reason: Option<String>,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub id: S<String>,
    pub orientation: Option<S<String>>,
    pub urgency: Option<S<String>>,
    pub when_any: S<Vec<S<RawWhen>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOrientation {
    pub id: S<String>,
    pub title: S<String>,
    pub text: S<String>,
    #[serde(default)]
    pub emergency: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUrgency {
    pub id: S<String>,
    pub title: S<String>,
    pub text: S<String>,
    pub within_days: S<i64>,
    #[serde(default)]
    pub duty_dentist: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSubstance {
    pub id: S<String>,
    pub name: S<String>,
    pub unit: S<String>,
    pub max_per_day: S<i64>,
    pub max_per_day_per_kg: Option<S<RawNum>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMedicine {
    pub id: S<String>,
    pub dci: S<String>,
    pub class: S<String>,
    pub strength: S<String>,
    pub form: S<String>,
    pub unit: S<String>,
    pub contains: S<BTreeMap<String, S<i64>>>,
    #[serde(default)]
    pub optional: bool,
    pub replaces: Option<S<String>>,
    #[serde(default)]
    pub secure_prescription: bool,
    #[serde(default)]
    pub weight_independent: bool,
    pub when: S<String>,
    pub frequency: S<String>,
    pub advice: S<String>,
    pub source: Option<S<String>>,
    pub adult: Option<S<RawAdultRegimen>>,
    pub by_weight: Option<S<RawWeightRegimen>>,
    pub caps: Option<S<RawCaps>>,
    /// What the pharmacy can dispense for this line (docs/PROTOCOL-FORMAT.md).
    #[serde(default)]
    pub presentations: Vec<S<RawPresentation>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPresentation {
    /// « comprimé », « gélule », « suspension buvable »…
    pub form: S<String>,
    /// How the strength is printed: « 500 mg », « 250 mg/5 mL ».
    pub label: S<String>,
    /// One unit given, singular and plural: « comprimé » / « comprimés », « mL ».
    pub unit: S<String>,
    pub units: Option<S<String>>,
    /// Amount of the line's unit in one unit given (500 mg in a tablet,
    /// 50 mg in a mL of suspension; 1 when the line is counted in tablets
    /// or mL already).
    pub strength: S<i64>,
    /// The smallest part that can be given: 1 (whole), 0.5 (half of a
    /// scored tablet, or a 0,5 mL step of an oral syringe).
    pub step: Option<S<RawNum>>,
    /// Units in one pack (16 tablets, 100 mL) and the pack's name.
    pub pack: S<i64>,
    pub pack_name: S<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAdultRegimen {
    pub per_dose_min: Option<S<i64>>,
    pub per_dose: S<i64>,
    pub max_per_day: S<i64>,
    pub days: S<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWeightRegimen {
    pub per_dose_per_kg: S<RawNum>,
    pub max_per_day_per_kg: S<RawNum>,
    pub days: S<i64>,
    pub step: Option<S<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCaps {
    pub max_per_dose: Option<S<i64>>,
    pub max_per_day: Option<S<i64>>,
    pub max_per_dose_per_kg: Option<S<RawNum>>,
    pub max_per_day_per_kg: Option<S<RawNum>>,
    pub max_days: Option<S<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAdvice {
    pub title: S<String>,
    pub intro: S<String>,
    /// The introduction for a patient under 18, addressed to the parent.
    pub intro_parent: Option<S<String>>,
    pub sources: S<String>,
    #[serde(default)]
    pub sections: Vec<S<RawAdviceSection>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAdviceSection {
    pub title: S<String>,
    pub when: Option<S<String>>,
    #[serde(default)]
    pub emergency: bool,
    pub items: S<Vec<S<String>>>,
    /// The same section for a patient under 18, addressed to the parent.
    pub title_parent: Option<S<String>>,
    pub items_parent: Option<S<Vec<S<String>>>>,
}

/// `[adverse_events]`: the natures offered, and the pharmacovigilance text.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAdverse {
    pub pharmacovigilance: Option<S<String>>,
    pub natures: S<Vec<S<RawNature>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNature {
    pub id: S<String>,
    pub label: S<String>,
}

/// `[followup]`: the calls due after a prise en charge.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFollowup {
    pub attempts: S<i64>,
    pub window_days: S<i64>,
    #[serde(default)]
    pub calls: Vec<S<RawCall>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCall {
    pub id: S<String>,
    pub title: S<String>,
    pub after_days: S<i64>,
    pub urgency: Option<S<String>>,
    pub ask: S<Vec<S<String>>>,
}

/// `[survey]`: the professionals' quarterly questionnaire.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSurvey {
    pub title: S<String>,
    pub intro: Option<S<String>>,
    pub satisfaction: S<String>,
    #[serde(default)]
    pub questions: Vec<S<RawSurveyQuestion>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSurveyQuestion {
    pub id: S<String>,
    pub text: S<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawValidation {
    pub by: S<String>,
    pub rpps: S<String>,
    pub date: S<toml::value::Datetime>,
    pub content_sha256: S<String>,
}

/// The whole file; every section optional here so that a missing one is
/// reported by [`super::build`] with the others instead of aborting.
#[derive(Debug, Default)]
pub struct RawProtocol {
    pub format: Option<S<i64>>,
    pub protocol: Option<S<RawMeta>>,
    pub territory: Option<S<RawTerritory>>,
    pub delegants: Vec<S<RawDelegant>>,
    pub remuneration: Option<S<RawRemuneration>>,
    pub patient: Option<S<RawPatient>>,
    pub dosing: Option<S<RawDosing>>,
    pub facts: Vec<S<RawFact>>,
    pub groups: Option<S<RawGroups>>,
    pub questions: Vec<S<RawQuestion>>,
    pub rules: Vec<S<RawRule>>,
    pub orientations: Vec<S<RawOrientation>>,
    pub urgencies: Vec<S<RawUrgency>>,
    pub substances: Vec<S<RawSubstance>>,
    pub medicines: Vec<S<RawMedicine>>,
    pub advice: Option<S<RawAdvice>>,
    pub followup: Option<S<RawFollowup>>,
    pub adverse_events: Option<S<RawAdverse>>,
    pub survey: Option<S<RawSurvey>>,
    pub validation: Option<S<RawValidation>>,
}

/// The sections a protocol file may have, for « unknown section » hints.
pub const SECTIONS: &[&str] = &[
    "format",
    "protocol",
    "territory",
    "delegants",
    "remuneration",
    "patient",
    "dosing",
    "facts",
    "groups",
    "questions",
    "rules",
    "orientations",
    "urgencies",
    "substances",
    "medicines",
    "advice",
    "followup",
    "adverse_events",
    "survey",
    "validation",
];
