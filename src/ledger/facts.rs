//! What a monthly report needs of an act, kept as columns of the derived
//! `acts` table (schema v4) so that a month of 100 000 acts is read without
//! decoding a single JSON payload. The patient's name, birth date and the
//! clinical facts are deliberately not among them.

use chrono::{DateTime, Utc};
use rusqlite::types::ValueRef;
use serde::{Deserialize, Serialize};

use super::act_columns::ActColumns;
use crate::act::{ActRecord, Payment};
use crate::calendar::Month;
use crate::error::{Error, Result};
use crate::shared::{Interner, Shared};

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
    pub id: Shared,
    pub sha256: Shared,
    pub version: Shared,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct StructureKey {
    pub finess: Option<Shared>,
    pub name: Shared,
    pub postal_code: Shared,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonKey {
    pub rpps: Shared,
    pub name: Shared,
    pub profession: Option<Shared>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientKey {
    pub postal_code: Shared,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeKey {
    pub taken_in_charge: bool,
    pub orientation: Option<Shared>,
    pub urgency: Option<Shared>,
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
                id: Shared::from(&a.protocol.id),
                version: Shared::from(&a.protocol.version),
                sha256: Shared::from(&a.protocol.sha256),
            },
            structure: StructureKey {
                name: Shared::from(&a.structure.name),
                postal_code: Shared::from(&a.structure.postal_code),
                finess: a.structure.finess.as_deref().map(Shared::from),
            },
            delegue: PersonKey {
                rpps: Shared::from(&a.delegue.rpps),
                name: Shared::from(&a.delegue.name),
                profession: a.delegue.profession.as_deref().map(Shared::from),
            },
            delegant: PersonKey {
                rpps: Shared::from(&a.delegant.rpps),
                name: Shared::from(&a.delegant.name),
                profession: None,
            },
            patient: PatientKey {
                postal_code: Shared::from(&a.patient.postal_code),
            },
            outcome: OutcomeKey {
                taken_in_charge: a.outcome.taken_in_charge,
                orientation: a.outcome.orientation.as_deref().map(Shared::from),
                urgency: a.outcome.urgency.as_deref().map(Shared::from),
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

/// Decodes the values of the [`COLUMNS`], in their order, read once for
/// the report's digest and for this; the texts acts repeat come from
/// `strings`.
pub(super) fn from_values(v: &[ValueRef], seq: u64, strings: &mut Interner) -> Result<ActFacts> {
    let corrupt = |what: &str| Error::Corrupt(format!("acte de l'entrée {seq} : {what} illisible"));
    let text = |i: usize| -> Result<&str> {
        match v.get(i) {
            Some(ValueRef::Text(t)) => std::str::from_utf8(t).map_err(|_| corrupt("texte")),
            _ => Err(corrupt("texte")),
        }
    };
    let s = |i: usize| text(i).map(str::to_owned);
    let sh = |strings: &mut Interner, i: usize| text(i).map(|t| strings.get(t));
    let o = |strings: &mut Interner, i: usize| match v.get(i) {
        Some(ValueRef::Null) => Ok(None),
        _ => sh(strings, i).map(Some),
    };
    let int = |i: usize| match v.get(i) {
        Some(ValueRef::Integer(n)) => Ok(*n),
        _ => Err(corrupt("nombre")),
    };
    let flag = |i: usize| match int(i)? {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(corrupt("indicateur")),
    };
    let cents = |i: usize| u32::try_from(int(i)?).map_err(|_| corrupt("montant"));
    Ok(ActFacts {
        id: s(0)?,
        number: s(1)?,
        occurred_at: DateTime::parse_from_rfc3339(text(2)?)
            .map_err(|_| corrupt("date de l'acte"))?
            .with_timezone(&Utc),
        training: flag(3)?,
        protocol: ProtocolKey {
            id: sh(strings, 4)?,
            version: sh(strings, 5)?,
            sha256: sh(strings, 6)?,
        },
        structure: StructureKey {
            name: sh(strings, 7)?,
            postal_code: sh(strings, 8)?,
            finess: o(strings, 9)?,
        },
        delegue: PersonKey {
            rpps: sh(strings, 10)?,
            name: sh(strings, 11)?,
            profession: o(strings, 12)?,
        },
        delegant: PersonKey {
            rpps: sh(strings, 13)?,
            name: sh(strings, 14)?,
            profession: None,
        },
        patient: PatientKey {
            postal_code: sh(strings, 15)?,
        },
        outcome: OutcomeKey {
            taken_in_charge: flag(16)?,
            orientation: o(strings, 17)?,
            urgency: o(strings, 18)?,
            reasons: serde_json::from_str(text(19)?).map_err(|_| corrupt("motifs"))?,
        },
        payment: Payment {
            delegue_cents: cents(20)?,
            delegant_cents: cents(21)?,
        },
    })
}
