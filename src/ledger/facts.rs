//! What a monthly report needs of an act, kept as columns of the derived
//! `acts` table (schema v4) so that a month of 100 000 acts is read without
//! decoding a single JSON payload. The patient's name, birth date and the
//! clinical facts are deliberately not among them.

use chrono::{DateTime, Utc};
use rusqlite::Row;
use serde::{Deserialize, Serialize};

use super::act_columns::ActColumns;
use crate::act::{ActRecord, Payment};
use crate::calendar::Month;
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActFacts {
    pub id: String,
    pub number: String,
    pub occurred_at: DateTime<Utc>,
    pub training: bool,
    pub protocol: ProtocolKey,
    pub structure: StructureKey,
    pub delegue: PersonKey,
    pub delegant: PersonKey,
    pub patient: PatientKey,
    pub outcome: OutcomeKey,
    pub payment: Payment,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ProtocolKey {
    pub id: String,
    pub sha256: String,
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct StructureKey {
    pub finess: Option<String>,
    pub name: String,
    pub postal_code: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonKey {
    pub rpps: String,
    pub name: String,
    pub profession: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientKey {
    pub postal_code: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeKey {
    pub taken_in_charge: bool,
    pub orientation: Option<String>,
    pub urgency: Option<String>,
    pub reasons: Vec<String>,
}

impl ActFacts {
    /// Paid only when taken in charge, valid and not training, whatever the
    /// record says (the report does not trust a single field for money).
    pub fn payable(&self, void: bool) -> Option<Payment> {
        (self.outcome.taken_in_charge && !self.training && !void).then_some(self.payment)
    }

    pub fn month(&self) -> Month {
        Month::of_instant(self.occurred_at)
    }
}

impl From<&ActRecord> for ActFacts {
    fn from(a: &ActRecord) -> ActFacts {
        ActFacts::from(&ActColumns::from(a))
    }
}

impl From<&ActColumns> for ActFacts {
    fn from(a: &ActColumns) -> ActFacts {
        ActFacts {
            id: a.id.clone(),
            number: a.number.clone(),
            occurred_at: a.occurred_at,
            training: a.training,
            protocol: ProtocolKey {
                id: a.protocol.id.clone(),
                version: a.protocol.version.clone(),
                sha256: a.protocol.sha256.clone(),
            },
            structure: StructureKey {
                name: a.structure.name.clone(),
                postal_code: a.structure.postal_code.clone(),
                finess: a.structure.finess.clone(),
            },
            delegue: PersonKey {
                rpps: a.delegue.rpps.clone(),
                name: a.delegue.name.clone(),
                profession: a.delegue.profession.clone(),
            },
            delegant: PersonKey {
                rpps: a.delegant.rpps.clone(),
                name: a.delegant.name.clone(),
                profession: None,
            },
            patient: PatientKey {
                postal_code: a.patient.postal_code.clone(),
            },
            outcome: OutcomeKey {
                taken_in_charge: a.outcome.taken_in_charge,
                orientation: a.outcome.orientation.clone(),
                urgency: a.outcome.urgency.clone(),
                reasons: a.outcome.reasons.clone(),
            },
            payment: a.payment,
        }
    }
}

/// The `acts` columns [`from_row`] reads, in its order, for a table
/// aliased `a`.
pub(super) const COLUMNS: &str = "a.id, a.number, a.occurred_at, a.training, a.protocol_id, \
     a.protocol_version, a.protocol_sha256, a.structure_name, a.structure_postal_code, \
     a.structure_finess, a.delegue_rpps, a.delegue_name, a.delegue_profession, a.delegant_rpps, \
     a.delegant_name, a.patient_postal_code, a.taken_in_charge, a.orientation, a.urgency, \
     a.reasons, a.delegue_cents, a.delegant_cents";

/// Reads the [`COLUMNS`] starting at column `at` of `r`.
pub(super) fn from_row(r: &Row, at: usize, seq: u64) -> Result<ActFacts> {
    let s = |i: usize| r.get::<_, String>(at + i);
    let o = |i: usize| r.get::<_, Option<String>>(at + i);
    let corrupt = |what: &str| Error::Corrupt(format!("acte de l'entrée {seq} : {what} illisible"));
    let occurred: String = s(2)?;
    let reasons: String = s(19)?;
    Ok(ActFacts {
        id: s(0)?,
        number: s(1)?,
        occurred_at: DateTime::parse_from_rfc3339(&occurred)
            .map_err(|_| corrupt("date de l'acte"))?
            .with_timezone(&Utc),
        training: r.get(at + 3)?,
        protocol: ProtocolKey {
            id: s(4)?,
            version: s(5)?,
            sha256: s(6)?,
        },
        structure: StructureKey {
            name: s(7)?,
            postal_code: s(8)?,
            finess: o(9)?,
        },
        delegue: PersonKey {
            rpps: s(10)?,
            name: s(11)?,
            profession: o(12)?,
        },
        delegant: PersonKey {
            rpps: s(13)?,
            name: s(14)?,
            profession: None,
        },
        patient: PatientKey {
            postal_code: s(15)?,
        },
        outcome: OutcomeKey {
            taken_in_charge: r.get(at + 16)?,
            orientation: o(17)?,
            urgency: o(18)?,
            reasons: serde_json::from_str(&reasons).map_err(|_| corrupt("motifs"))?,
        },
        payment: Payment {
            delegue_cents: r.get(at + 20)?,
            delegant_cents: r.get(at + 21)?,
        },
    })
}
