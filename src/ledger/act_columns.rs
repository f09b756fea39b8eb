//! What the derived `acts` table and the reports read of an act: decoded
//! from the payload without the rest of it (the patient's identity, the
//! facts, the prescription), which is most of its bytes. `verify` and a
//! report's checks decode every act of the log or of the month this way.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::act::{ActRecord, Payment};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub(super) struct ActColumns {
    pub id: String,
    pub number: String,
    pub occurred_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub training: bool,
    pub protocol: ProtocolColumns,
    pub structure: StructureColumns,
    pub delegue: PersonColumns,
    pub delegant: PersonColumns,
    pub patient: PatientColumns,
    pub outcome: OutcomeColumns,
    pub payment: Payment,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub(super) struct ProtocolColumns {
    pub id: String,
    pub version: String,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub(super) struct StructureColumns {
    pub name: String,
    pub postal_code: String,
    pub finess: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub(super) struct PersonColumns {
    pub rpps: String,
    pub name: String,
    pub profession: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub(super) struct PatientColumns {
    pub postal_code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub(super) struct OutcomeColumns {
    pub taken_in_charge: bool,
    pub orientation: Option<String>,
    pub urgency: Option<String>,
    pub reasons: Vec<String>,
}

impl From<&ActRecord> for ActColumns {
    fn from(a: &ActRecord) -> ActColumns {
        let person = |p: &crate::act::PersonRef| PersonColumns {
            rpps: p.rpps.clone(),
            name: p.name.clone(),
            profession: p.profession.clone(),
        };
        ActColumns {
            id: a.id.clone(),
            number: a.number.clone(),
            occurred_at: a.occurred_at,
            recorded_at: a.recorded_at,
            training: a.training,
            protocol: ProtocolColumns {
                id: a.protocol.id.clone(),
                version: a.protocol.version.clone(),
                sha256: a.protocol.sha256.clone(),
            },
            structure: StructureColumns {
                name: a.structure.name.clone(),
                postal_code: a.structure.postal_code.clone(),
                finess: a.structure.finess.clone(),
            },
            delegue: person(&a.delegue),
            delegant: person(&a.delegant),
            patient: PatientColumns {
                postal_code: a.patient.postal_code.clone(),
            },
            outcome: OutcomeColumns {
                taken_in_charge: a.outcome.taken_in_charge,
                orientation: a.outcome.orientation.clone(),
                urgency: a.outcome.urgency.clone(),
                reasons: a.outcome.reasons.clone(),
            },
            payment: a.payment,
        }
    }
}
