//! The report's rows, as written: one pseudonymous line per act and per
//! follow-up that the month's figures are computed from. No row carries a
//! patient's name, birth date, clinical facts or free text: only the postal
//! code the territory indicator needs. [`super::rows_input`] makes them
//! from, and back into, what `month::compute` reads.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ledger::facts::{ProtocolKey, StructureKey};
use crate::ledger::{AdverseNature, Severity};

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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActRow {
    /// The act's entry in the device's log.
    pub seq: u64,
    pub number: String,
    pub month: String,
    /// The day of the act, Europe/Paris.
    pub occurred_on: NaiveDate,
    pub delegue_rpps: String,
    pub delegue_name: String,
    /// The délégué's profession (`pharmacien`, `infirmier`…).
    pub profession: Option<String>,
    pub delegant_rpps: String,
    pub delegant_name: String,
    pub structure: StructureKey,
    pub taken_in_charge: bool,
    pub training: bool,
    /// Void when the report's closure was written.
    pub void: bool,
    pub orientation: Option<String>,
    pub urgency: Option<String>,
    pub reasons: Vec<String>,
    /// What the act pays each professional if it is paid (the rules of
    /// `month::compute` decide whether it is, or is deducted).
    pub delegue_cents: u32,
    pub delegant_cents: u32,
    pub protocol: ProtocolKey,
    pub postal_code: String,
    /// The postal code is in the protocol's territory list.
    pub in_territory: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowupRow {
    pub seq: u64,
    pub act_number: String,
    #[serde(flatten)]
    pub event: EventRow,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LateFollowupRow {
    pub seq: u64,
    /// The act it is about, as a row of its own.
    pub act: ActRow,
    #[serde(flatten)]
    pub event: EventRow,
}

/// A follow-up without its free text (a note may name the patient).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRow {
    /// `reprise`, `adverse_event`, `patient_satisfaction`,
    /// `professional_satisfaction` or `void`.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nature: Option<AdverseNature>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<u8>,
}
