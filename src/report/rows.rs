//! The report's rows, as written: one pseudonymous line per act and per
//! follow-up that the month's figures are computed from. No row carries a
//! patient's name, birth date, clinical facts or free text: only the postal
//! code the territory indicator needs. [`super::rows_input`] makes them
//! from, and back into, what `month::compute` reads.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ledger::facts::{ProtocolKey, StructureKey};
use crate::ledger::{AdverseNature, Severity, SurveyRecord};
use crate::protocol::SurveyAnswer;
use crate::shared::Shared;

/// Every row of a report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rows {
    /// The month's acts recorded up to its closure.
    pub acts: Vec<ActRow>,
    /// Their follow-ups recorded up to the closure (documents aside).
    pub followups: Vec<FollowupRow>,
    /// Acts of earlier months recorded in this report's window.
    pub late_acts: Vec<ActRow>,
    /// Follow-ups in the window of acts reported before (or late entries).
    pub late_followups: Vec<LateFollowupRow>,
    /// The professionals' questionnaires recorded in the report's window
    /// (absent from the reports written before there were any).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub surveys: Vec<SurveyRow>,
}

/// Rows and links declare their fields in sorted order, so that serde
/// writes them as their canonical form (docs/REPORT-FORMAT.md): a report's
/// bulk is hashed straight from the structs, never through a JSON tree
/// (`json::tests` checks the two agree).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActRow {
    /// What the act pays each professional if it is paid (the rules of
    /// `month::compute` decide whether it is, or is deducted).
    pub delegant_cents: u32,
    pub delegant_name: Shared,
    pub delegant_rpps: Shared,
    pub delegue_cents: u32,
    pub delegue_name: Shared,
    pub delegue_rpps: Shared,
    /// The postal code is in the protocol's territory list.
    pub in_territory: bool,
    pub month: String,
    pub number: String,
    /// The day of the act, Europe/Paris.
    pub occurred_on: NaiveDate,
    pub orientation: Option<Shared>,
    /// The patient's.
    pub postal_code: Shared,
    /// The délégué's profession (`pharmacien`, `infirmier`…).
    pub profession: Option<Shared>,
    pub protocol: ProtocolKey,
    pub reasons: Vec<String>,
    /// The act's entry in the device's log.
    pub seq: u64,
    pub structure: StructureKey,
    pub taken_in_charge: bool,
    pub training: bool,
    pub urgency: Option<Shared>,
    /// Void when the report's closure was written.
    pub void: bool,
}

/// A follow-up without its free text (a note may name the patient).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowupRow {
    pub act_number: String,
    /// For a call: the plan's call it is (`j2`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call: Option<String>,
    /// For a correction: the entry of the follow-up it withdraws.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrects: Option<u64>,
    /// For an appointment: made or not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub made: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nature: Option<AdverseNature>,
    /// For an appointment made: its day, when the patient said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on: Option<NaiveDate>,
    /// For a call: answered or not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reached: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<u8>,
    pub seq: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// `reprise`, `adverse_event`, `patient_satisfaction`,
    /// `professional_satisfaction`, `call`, `appointment`, `void` or
    /// `correction`.
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LateFollowupRow {
    /// The act it is about, as a row of its own.
    pub act: ActRow,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrects: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub made: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nature: Option<AdverseNature>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reached: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<u8>,
    pub seq: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    #[serde(rename = "type")]
    pub kind: String,
}

/// A questionnaire, without who answered it: the ARS report counts
/// answers by profession, and an answer given in confidence is not tied
/// to a name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurveyRow {
    /// In the questionnaire's order; empty when put off.
    pub answers: Vec<SurveyAnswer>,
    pub declined: bool,
    /// The day it was recorded, Europe/Paris.
    pub on: NaiveDate,
    pub profession: String,
    pub protocol: ProtocolKey,
    pub seq: u64,
    pub training: bool,
}

/// What a follow-up row says of its event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventRow {
    pub kind: String,
    pub call: Option<String>,
    pub corrects: Option<u64>,
    pub made: Option<bool>,
    pub nature: Option<AdverseNature>,
    pub on: Option<NaiveDate>,
    pub reached: Option<bool>,
    pub score: Option<u8>,
    pub severity: Option<Severity>,
}

impl FollowupRow {
    pub fn new(act_number: String, seq: u64, e: EventRow) -> FollowupRow {
        FollowupRow {
            act_number,
            call: e.call,
            corrects: e.corrects,
            made: e.made,
            nature: e.nature,
            on: e.on,
            reached: e.reached,
            score: e.score,
            seq,
            severity: e.severity,
            kind: e.kind,
        }
    }

    pub fn event(&self) -> EventRow {
        EventRow {
            kind: self.kind.clone(),
            call: self.call.clone(),
            corrects: self.corrects,
            made: self.made,
            nature: self.nature.clone(),
            on: self.on,
            reached: self.reached,
            score: self.score,
            severity: self.severity,
        }
    }
}

impl LateFollowupRow {
    pub fn new(act: ActRow, seq: u64, e: EventRow) -> LateFollowupRow {
        LateFollowupRow {
            act,
            call: e.call,
            corrects: e.corrects,
            made: e.made,
            nature: e.nature,
            on: e.on,
            reached: e.reached,
            score: e.score,
            seq,
            severity: e.severity,
            kind: e.kind,
        }
    }

    pub fn event(&self) -> EventRow {
        EventRow {
            kind: self.kind.clone(),
            call: self.call.clone(),
            corrects: self.corrects,
            made: self.made,
            nature: self.nature.clone(),
            on: self.on,
            reached: self.reached,
            score: self.score,
            severity: self.severity,
        }
    }
}

impl SurveyRow {
    pub fn of(seq: u64, s: &SurveyRecord) -> SurveyRow {
        SurveyRow {
            answers: s.answers.clone(),
            declined: s.declined,
            on: s.day(),
            profession: s.profession.clone(),
            protocol: ProtocolKey {
                id: s.protocol.id.as_str().into(),
                sha256: s.protocol.sha256.as_str().into(),
                version: s.protocol.version.as_str().into(),
            },
            seq,
            training: s.training,
        }
    }

    /// What a questionnaire row may say, as the device writes it: a known
    /// profession, answered (1 to 5, each question once, plain ids) or put
    /// off with no answer. The CPTS refuses other rows.
    pub fn check(&self) -> Result<(), String> {
        if crate::registry::Profession::parse(&self.profession).is_none() {
            return Err(format!(
                "questionnaire (entrée {}) : profession « {} » inconnue",
                self.seq,
                crate::text::quote(&self.profession)
            ));
        }
        if self.declined != self.answers.is_empty() {
            return Err(format!(
                "questionnaire (entrée {}) : {}",
                self.seq,
                if self.declined {
                    "remis à plus tard mais avec des réponses"
                } else {
                    "sans réponse ni report"
                }
            ));
        }
        let mut seen = std::collections::BTreeSet::new();
        for a in &self.answers {
            if !crate::ids::plain_id(&a.question)
                || !crate::protocol::Survey::SCORES.contains(&a.score)
            {
                return Err(format!(
                    "questionnaire (entrée {}) : réponse illisible ({} = {})",
                    self.seq,
                    crate::text::quote(&a.question),
                    a.score
                ));
            }
            if !seen.insert(a.question.as_str()) {
                return Err(format!(
                    "questionnaire (entrée {}) : deux réponses à la question « {} »",
                    self.seq, a.question
                ));
            }
        }
        Ok(())
    }
}
