//! The cooperation protocol: a TOML file turned, once, into a validated,
//! typed [`Protocol`] whose invariants hold by construction.
//!
//! - [`raw`]: the file as written (permissive serde structs with positions);
//! - [`build`]: raw → typed, collecting *every* problem with line and column;
//! - [`expr`]: the condition language used by rules and medicine lines;
//! - [`analysis`]: proofs over the rules (rules that can never fire, patients
//!   no rule decides, medicine lines never proposed);
//! - [`validation`]: the délégant's validation block and the content hash.
//!
//! Nothing downstream re-checks what `build` established.

pub mod adverse;
pub mod analysis;
mod build;

/// A TOML reader's message (English) in French, with a hint when there is one.
pub fn toml_message_fr(msg: &str) -> String {
    match build::context::translate(msg) {
        (m, Some(h)) => format!("{m} ({h})"),
        (m, None) => m,
    }
}
pub mod expr;
pub mod fact;
pub mod followup;
pub mod raw;
pub mod survey;
pub mod validation;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::ids::Rpps;
pub use adverse::{AdverseEvents, AdverseNature, NatureDef};
pub use expr::{Expr, Tri};
pub use fact::{FactDef, FactId, FactType, Fixed, Sex, Value};
pub use followup::{Ask, FollowupPlan, PlannedCall};
pub use survey::{Survey, SurveyAnswer, SurveyQuestion};
pub use validation::{Validation, ValidationStatus};

/// The protocol shipped with protocoop (a draft until a délégant validates it).
pub const BUNDLED_TEXT: &str = include_str!("../../protocols/dentaire-sud-deux-sevres.toml");

/// How the bundled protocol is named in messages.
pub const BUNDLED_ORIGIN: &str = "protocole intégré (dentaire-sud-deux-sevres.toml)";

/// A validated protocol. Fields are public for reading; the only way to make
/// one is [`Protocol::parse`] (or the loaders), which checks everything.
#[derive(Debug, Clone)]
pub struct Protocol {
    pub identity: Identity,
    pub meta: Meta,
    /// Where it was loaded from, for messages.
    pub origin: String,
    pub territory: Territory,
    pub delegants: Vec<ListedDelegant>,
    pub remuneration: Remuneration,
    pub patient: PatientFacts,
    /// When the adult regimen applies; otherwise doses are computed by weight.
    pub adult_when: Condition,
    pub facts: Vec<FactDef>,
    pub groups: BTreeMap<String, Vec<FactId>>,
    pub questions: Vec<Question>,
    pub rules: Vec<Rule>,
    pub orientations: Vec<Orientation>,
    pub urgencies: Vec<Urgency>,
    pub substances: Vec<Substance>,
    pub medicines: Vec<Medicine>,
    pub advice: Advice,
    /// The calls due after a prise en charge, when the protocol plans any.
    pub followup: Option<FollowupPlan>,
    /// The natures of adverse events, and how to declare a grave one.
    pub adverse: AdverseEvents,
    /// The professionals' quarterly questionnaire, when the protocol has one.
    pub survey: Option<Survey>,
    pub validation: ValidationStatus,
    /// Where the protocol came from: only one received in a bundle signed
    /// by the CPTS makes a validation count.
    pub source: Source,
    fact_index: BTreeMap<String, FactId>,
}

/// Where a protocol was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The draft built into protocoop.
    Bundled,
    /// A file given on the command line or found on disk.
    File,
    /// A bundle signed by the CPTS this device is attached to.
    Cpts { serial: u64 },
}

/// What identifies a protocol in every act: id, version and the SHA-256 of
/// the file's bytes (so two files with the same version but different
/// content are never confused).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub id: String,
    pub version: String,
    pub sha256: String,
}

#[derive(Debug, Clone)]
pub struct Meta {
    pub id: String,
    pub name: String,
    pub version: String,
    pub cpts: String,
    pub source: Option<String>,
    pub responsibility: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Territory {
    /// True when the commune list is a sample, not the full territory.
    pub sample: bool,
    pub note: Option<String>,
    pub communes: Vec<Commune>,
    pub postal_codes: BTreeSet<String>,
}

impl Territory {
    pub fn contains_postal_code(&self, code: &str) -> bool {
        self.postal_codes.contains(code)
    }
}

#[derive(Debug, Clone)]
pub struct Commune {
    pub name: String,
    pub postal_code: String,
}

/// A délégant named in the protocol file (the default list of the kiosk).
#[derive(Debug, Clone)]
pub struct ListedDelegant {
    pub name: String,
    pub rpps: Rpps,
    /// Example data shipped with the draft, to be replaced.
    pub example: bool,
}

/// What each prise en charge pays, in cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Remuneration {
    pub delegue_cents: u32,
    pub delegant_cents: u32,
}

/// Facts filled in from the Patient screen rather than asked.
#[derive(Debug, Clone)]
pub struct PatientFacts {
    pub age: FactId,
    pub weight: FactId,
    /// The fact the patient's sex goes into, when the protocol reads it.
    pub sex: Option<FactId>,
    pub weight_required_when: Condition,
    /// A repeat visit, when the protocol reads it.
    pub history: Option<History>,
}

/// A repeat visit: the fact the device sets from its own ledger when the
/// same patient had a prise en charge under this protocol within
/// `within_days` days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct History {
    pub fact: FactId,
    pub within_days: u32,
}

/// The longest repeat-visit window a protocol may set: ten years.
pub const RECURRENCE_DAYS_MAX: i64 = 3650;

impl PatientFacts {
    /// The facts the device, not a question, sets: the Patient screen's,
    /// and the repeat visit.
    pub fn ids(&self) -> impl Iterator<Item = FactId> {
        [self.age, self.weight]
            .into_iter()
            .chain(self.sex)
            .chain(self.history.map(|h| h.fact))
    }

    /// Whether the Patient screen, not a question, sets this fact.
    pub fn sets(&self, id: FactId) -> bool {
        self.ids().any(|f| f == id)
    }
}

/// A condition with the text it was written as (shown in the summary PDF).
#[derive(Debug, Clone)]
pub struct Condition {
    pub expr: Expr,
    pub text: String,
}

/// One kiosk screen: a themed group of facts.
#[derive(Debug, Clone)]
pub struct Question {
    pub id: String,
    pub theme: String,
    pub title: String,
    pub help: Option<String>,
    pub facts: Vec<FactId>,
    /// Label of the explicit « none of these » answer (checklists).
    pub none: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OrientationId(pub(crate) u16);
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UrgencyId(pub(crate) u16);
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MedicineId(pub(crate) u16);
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SubstanceId(pub(crate) u16);
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleId(pub(crate) u16);

/// A decision rule: the first whose condition holds decides.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub decides: Decision,
    /// Any one item true makes the rule apply; each carries its reason.
    pub items: Vec<RuleItem>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Not taken in charge: sent elsewhere.
    Orient(OrientationId),
    /// Taken in charge, with this urgency of the dental appointment.
    TakeInCharge(UrgencyId),
}

#[derive(Debug, Clone)]
pub struct RuleItem {
    pub condition: Condition,
    /// The id reported when this item causes an exclusion (a fact id, or a
    /// name such as `no_symptom`).
    pub reason: String,
}

#[derive(Debug, Clone)]
pub struct Orientation {
    pub id: String,
    pub title: String,
    pub text: String,
    /// Call 15: shown in large red type.
    pub emergency: bool,
}

#[derive(Debug, Clone)]
pub struct Urgency {
    pub id: String,
    pub title: String,
    pub text: String,
    pub within_days: u32,
    /// Show the on-duty dentist for this urgency.
    pub duty_dentist: bool,
}

/// The unit a medicine line is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Unit {
    #[serde(rename = "mg")]
    Mg,
    #[serde(rename = "comprimé")]
    Tablet,
    #[serde(rename = "mL")]
    Ml,
}

impl Unit {
    pub fn parse(s: &str) -> Option<Unit> {
        match s {
            "mg" => Some(Unit::Mg),
            "comprimé" => Some(Unit::Tablet),
            "mL" => Some(Unit::Ml),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Mg => "mg",
            Unit::Tablet => "comprimé",
            Unit::Ml => "mL",
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An active substance with its daily ceiling across all lines.
#[derive(Debug, Clone)]
pub struct Substance {
    pub id: String,
    pub name: String,
    pub unit: Unit,
    pub max_per_day: u32,
    pub max_per_day_per_kg: Option<Fixed>,
}

#[derive(Debug, Clone)]
pub struct Medicine {
    pub id: String,
    pub dci: String,
    pub class: String,
    pub strength: String,
    pub form: String,
    pub unit: Unit,
    /// Amount of each substance in one unit of this line (mg per mg, mg per tablet…).
    pub contains: Vec<(SubstanceId, u32)>,
    /// Off by default; the délégué may add it.
    pub optional: bool,
    /// The line this one replaces when chosen (palier 2 replaces palier 1).
    pub replaces: Option<MedicineId>,
    /// Needs an ordonnance sécurisée (quantities in words, secure paper).
    pub secure_prescription: bool,
    /// The same regimen whatever the weight (no weight needed).
    pub weight_independent: bool,
    pub when: Condition,
    pub frequency: String,
    /// How to take it, for the patient advice sheet.
    pub advice: String,
    pub source: Option<String>,
    pub adult: AdultRegimen,
    pub by_weight: Option<WeightRegimen>,
    pub caps: Caps,
    /// What can be dispensed, in the file's order (none in older files:
    /// the line is then printed in the line's unit only).
    pub presentations: Vec<Presentation>,
}

/// One product the pharmacy dispenses for a line, validated at load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presentation {
    pub form: String,
    pub label: String,
    pub unit: String,
    pub units: String,
    /// Line units in one unit given (≥ 1).
    pub strength: u32,
    /// The smallest part given, in thousandths of a unit (1000 whole, 500
    /// a half); divides a unit, or is a whole number of units.
    pub step: Fixed,
    /// Units in a pack: a whole number of steps.
    pub pack: u32,
    pub pack_name: String,
}

impl Presentation {
    /// « comprimé 500 mg »: how an act's input and the kiosk name it.
    pub fn name(&self) -> String {
        format!("{} {}", self.form, self.label)
    }

    /// The name as an input is matched against it: case and runs of
    /// spaces aside. Unique within a line (the validator sees to it).
    pub fn key(name: &str) -> String {
        name.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdultRegimen {
    pub per_dose_min: Option<u32>,
    pub per_dose: u32,
    pub max_per_day: u32,
    pub days: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeightRegimen {
    pub per_dose_per_kg: Fixed,
    pub max_per_day_per_kg: Fixed,
    pub days: u32,
    /// Doses are rounded down to a multiple of this (e.g. 10 mg).
    pub step: u32,
}

/// Ceilings no proposed line may exceed, whatever the regimen says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    pub max_per_dose: u32,
    pub max_per_day: u32,
    /// Only for doses computed by weight.
    pub max_per_dose_per_kg: Option<Fixed>,
    /// Only for doses computed by weight.
    pub max_per_day_per_kg: Option<Fixed>,
    pub max_days: u32,
}

#[derive(Debug, Clone)]
pub struct Advice {
    pub title: String,
    pub intro: String,
    /// For a patient under 18: the sheet speaks to the parent.
    pub intro_parent: Option<String>,
    pub sources: String,
    pub sections: Vec<AdviceSection>,
}

#[derive(Debug, Clone)]
pub struct AdviceSection {
    pub title: String,
    pub when: Option<Condition>,
    pub emergency: bool,
    pub items: Vec<String>,
    pub title_parent: Option<String>,
    pub items_parent: Option<Vec<String>>,
}

impl Advice {
    /// The introduction for the reader: the parent of a minor, else the patient.
    pub fn intro_for(&self, parent: bool) -> &str {
        match &self.intro_parent {
            Some(t) if parent => t,
            _ => &self.intro,
        }
    }
}

impl AdviceSection {
    pub fn title_for(&self, parent: bool) -> &str {
        match &self.title_parent {
            Some(t) if parent => t,
            _ => &self.title,
        }
    }

    pub fn items_for(&self, parent: bool) -> &[String] {
        match &self.items_parent {
            Some(items) if parent => items,
            _ => &self.items,
        }
    }
}

impl Protocol {
    /// Parses and validates protocol text; `origin` names it in messages.
    pub fn parse(text: &str, origin: &str) -> Result<Protocol> {
        build::build(text, origin).map_err(Error::Protocol)
    }

    /// The bundled dental protocol. It is checked by the test suite, so
    /// failing here is a build defect, not a user error.
    pub fn bundled() -> Protocol {
        let mut p =
            Protocol::parse(BUNDLED_TEXT, BUNDLED_ORIGIN).expect("the bundled protocol is valid");
        p.source = Source::Bundled;
        p
    }

    /// Loads a protocol file, or the bundled protocol when `path` is `None`.
    pub fn load(path: Option<&Path>) -> Result<Protocol> {
        match path {
            None => Ok(Protocol::bundled()),
            Some(path) => {
                let bytes = match crate::files::read_limited(path, build::MAX_BYTES as u64) {
                    Ok(b) => b,
                    Err(e) if e.kind() == std::io::ErrorKind::FileTooLarge => {
                        return Err(Error::Protocol(build::too_large(
                            &path.display().to_string(),
                            std::fs::metadata(path).map_or(0, |m| m.len()),
                        )));
                    }
                    Err(e) => return Err(Error::io("impossible de lire le protocole", path, e)),
                };
                let text = String::from_utf8(bytes).map_err(|_| {
                    Error::input(
                        path.display().to_string(),
                        "le fichier n'est pas en UTF-8 : enregistrez-le en UTF-8",
                    )
                })?;
                Protocol::parse(&text, &path.display().to_string())
            }
        }
    }

    /// True unless a délégant's validation covers this exact content *and*
    /// the protocol arrived in a bundle signed by the CPTS: documents carry
    /// « SPÉCIMEN » and acts are never paid. A validated file handed to the
    /// device any other way is training (anyone can write a validation
    /// block; only the CPTS attests it).
    pub fn is_training(&self) -> bool {
        self.training_reason().is_some()
    }

    /// Why this protocol runs in training mode, in words for the screen and
    /// the terminal; `None` when acts are real.
    pub fn training_reason(&self) -> Option<&'static str> {
        match (&self.validation, self.source) {
            (ValidationStatus::Validated(_), Source::Cpts { .. }) => None,
            (ValidationStatus::Draft, _) => Some("protocole non validé par un délégant"),
            (ValidationStatus::Stale(_), _) => {
                Some("protocole modifié depuis sa validation par le délégant")
            }
            (ValidationStatus::Validated(_), _) => Some(
                "protocole validé, mais pas reçu de la CPTS : seul un protocole transmis par la CPTS rend les actes réels",
            ),
        }
    }

    /// Marks a protocol read from a bundle whose signature by the pinned
    /// CPTS key was checked.
    pub(crate) fn attest_from_cpts(&mut self, serial: u64) {
        self.source = Source::Cpts { serial };
    }

    pub fn fact_id(&self, id: &str) -> Option<FactId> {
        self.fact_index.get(id).copied()
    }

    pub fn fact(&self, id: FactId) -> &FactDef {
        &self.facts[id.index()]
    }

    pub fn orientation(&self, id: OrientationId) -> &Orientation {
        &self.orientations[usize::from(id.0)]
    }

    pub fn urgency(&self, id: UrgencyId) -> &Urgency {
        &self.urgencies[usize::from(id.0)]
    }

    /// The title of an orientation recorded by its id (« Urgence : appelez
    /// le 15 »); `None` for an id this version does not have.
    pub fn orientation_title(&self, id: &str) -> Option<&str> {
        self.orientation_named(id).map(|o| o.title.as_str())
    }

    /// The orientation an act recorded by its id, when this protocol has it.
    pub fn orientation_named(&self, id: &str) -> Option<&Orientation> {
        self.orientations.iter().find(|o| o.id == id)
    }

    /// The urgency an act recorded by its id, when this protocol has it.
    pub fn urgency_named(&self, id: &str) -> Option<&Urgency> {
        self.urgencies.iter().find(|u| u.id == id)
    }

    /// The title of an urgency recorded by its id.
    pub fn urgency_title(&self, id: &str) -> Option<&str> {
        self.urgency_named(id).map(|u| u.title.as_str())
    }

    /// The lines (medicine ids) that must be printed on secure paper
    /// (palier 2): the kiosk asks for that paper first, naming them.
    pub fn secure_lines(&self, lines: &[String]) -> Vec<&Medicine> {
        lines
            .iter()
            .filter_map(|id| self.medicine_id(id))
            .map(|m| self.medicine(m))
            .filter(|m| m.secure_prescription)
            .collect()
    }

    pub fn medicine(&self, id: MedicineId) -> &Medicine {
        &self.medicines[usize::from(id.0)]
    }

    pub fn medicine_id(&self, id: &str) -> Option<MedicineId> {
        self.medicines
            .iter()
            .position(|m| m.id == id)
            .map(|i| MedicineId(i as u16))
    }

    pub fn medicine_ids(&self) -> impl Iterator<Item = MedicineId> + '_ {
        (0..self.medicines.len()).map(|i| MedicineId(i as u16))
    }

    pub fn substance(&self, id: SubstanceId) -> &Substance {
        &self.substances[usize::from(id.0)]
    }

    pub fn rule(&self, id: RuleId) -> &Rule {
        &self.rules[usize::from(id.0)]
    }

    pub fn fact_ids(&self) -> impl Iterator<Item = FactId> + '_ {
        (0..self.facts.len()).map(|i| FactId(i as u16))
    }

    /// The question that sets a fact, if any.
    pub fn question_of(&self, fact: FactId) -> Option<&Question> {
        self.questions.iter().find(|q| q.facts.contains(&fact))
    }

    /// The remuneration of one prise en charge, délégué + délégant.
    pub fn act_total_cents(&self) -> u32 {
        self.remuneration.delegue_cents + self.remuneration.delegant_cents
    }
}

/// SHA-256 of bytes, as 64 lowercase hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Parses a `YYYY-MM-DD` date typed by a user.
pub fn parse_date(field: &str, s: &str) -> Result<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
        let shape = s.len() == 10
            && s.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        let message = if shape {
            format!(
                "le {} n'existe pas dans le calendrier",
                crate::text::quote(s)
            )
        } else {
            format!(
                "date « {} » illisible : écrivez-la AAAA-MM-JJ, par exemple 2026-11-23",
                crate::text::quote(s)
            )
        };
        Error::input(field, message)
    })
}
