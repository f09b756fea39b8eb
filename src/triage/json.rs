//! The public JSON form of an outcome, as printed by `protocoop triage --json`
//! and stored with every act. Field names are an interface: keep them.

use serde::{Deserialize, Serialize};

use crate::protocol::{Decision, Identity, Protocol, Unit};

use super::Outcome;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeJson {
    pub protocol: Identity,
    pub taken_in_charge: bool,
    /// `urgence`, `avis_24h` or `consultation` when not taken in charge.
    pub orientation: Option<String>,
    /// `24h` or `31j` when taken in charge.
    pub urgency: Option<String>,
    pub reasons: Vec<String>,
    pub prescription: Vec<LineJson>,
    /// The rule that decided.
    pub rule: String,
    /// True while the protocol is a draft (training mode).
    pub training: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineJson {
    pub id: String,
    pub dci: String,
    pub optional: bool,
    pub selected: bool,
    pub per_dose: Amount,
    /// Lower bound when the dose is a range (1 to 2 tablets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_dose_min: Option<Amount>,
    pub max_per_day: Amount,
    pub days: u32,
    pub secure_prescription: bool,
    pub replaces: Option<String>,
    /// The weight the dose was computed from, when it was.
    pub weight_kg: Option<f64>,
    /// Each presentation with its dose and quantity (`triage --json` only:
    /// not stored with the act, see [`OutcomeJson::with_presentations`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub presentations: Vec<super::units::GivenJson>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amount {
    pub amount: u32,
    pub unit: Unit,
}

impl OutcomeJson {
    /// The outcome with, on each line, what each presentation gives.
    pub fn with_presentations(protocol: &Protocol, outcome: &Outcome) -> OutcomeJson {
        let mut j = OutcomeJson::new(protocol, outcome);
        for (line, l) in j.prescription.iter_mut().zip(&outcome.lines) {
            line.presentations = super::units::json(protocol.medicine(l.medicine), &l.dose);
        }
        j
    }

    pub fn new(protocol: &Protocol, outcome: &Outcome) -> OutcomeJson {
        let (orientation, urgency) = match outcome.decision {
            Decision::Orient(o) => (Some(protocol.orientation(o).id.clone()), None),
            Decision::TakeInCharge(u) => (None, Some(protocol.urgency(u).id.clone())),
        };
        let prescription = outcome
            .lines
            .iter()
            .map(|l| {
                let m = protocol.medicine(l.medicine);
                let amount = |amount| Amount {
                    amount,
                    unit: l.unit,
                };
                LineJson {
                    id: m.id.clone(),
                    dci: m.dci.clone(),
                    optional: l.optional,
                    selected: l.selected,
                    per_dose: amount(l.dose.per_dose),
                    per_dose_min: l.dose.per_dose_min.map(amount),
                    max_per_day: amount(l.dose.max_per_day),
                    days: l.dose.days,
                    secure_prescription: m.secure_prescription,
                    replaces: m.replaces.map(|r| protocol.medicine(r).id.clone()),
                    weight_kg: l.dose.weight.map(|w| w.to_f64()),
                    presentations: Vec::new(),
                }
            })
            .collect();
        OutcomeJson {
            protocol: protocol.identity.clone(),
            taken_in_charge: outcome.taken_in_charge(),
            orientation,
            urgency,
            reasons: outcome.reasons.clone(),
            prescription,
            rule: protocol.rule(outcome.rule).id.clone(),
            training: protocol.is_training(),
        }
    }
}
