//! The rows from what the month's figures are computed from (on the
//! device), and back (at the CPTS): the CPTS recomputes every figure with
//! the same [`super::month::compute`], so a stated figure that its rows do
//! not give is evident.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{TimeZone, Utc};
use chrono_tz::Europe::Paris;

use super::model::MonthReport;
use super::month::{
    ActFacts, LateFollowupIn, MonthInput, OutcomeKey, PatientKey, PersonKey, ReportAct,
    ReportFollowup,
};
use super::rows::{ActRow, EventRow, FollowupRow, LateFollowupRow, Rows};
use crate::act::Payment;
use crate::calendar::Month;
use crate::ledger::FollowupEvent;

impl EventRow {
    pub(super) fn of(e: &FollowupEvent) -> EventRow {
        let mut row = EventRow {
            kind: e.type_name().to_string(),
            corrects: super::month::corrects(e),
            ..EventRow::default()
        };
        match e {
            FollowupEvent::AdverseEvent {
                nature, severity, ..
            } => {
                row.nature = Some(nature.clone());
                row.severity = Some(*severity);
            }
            FollowupEvent::PatientSatisfaction { score, .. }
            | FollowupEvent::ProfessionalSatisfaction { score, .. } => row.score = Some(*score),
            FollowupEvent::Call { call, reached, .. } => {
                row.call = Some(call.clone());
                row.reached = Some(*reached);
            }
            FollowupEvent::Appointment { made, on } => {
                row.made = Some(*made);
                row.on = *on;
            }
            FollowupEvent::Reprise { .. }
            | FollowupEvent::Document { .. }
            | FollowupEvent::Void { .. }
            | FollowupEvent::Correction { .. } => {}
        }
        row
    }

    /// The event back, without its text: every figure is the same.
    pub(super) fn event(&self) -> Result<FollowupEvent, String> {
        let missing = |what: &str| format!("suivi « {} » sans {what}", self.kind);
        Ok(match self.kind.as_str() {
            "reprise" => FollowupEvent::Reprise { text: None },
            "adverse_event" => FollowupEvent::AdverseEvent {
                nature: self.nature.clone().ok_or_else(|| missing("nature"))?,
                nature_label: None,
                severity: self.severity.ok_or_else(|| missing("gravité"))?,
                text: None,
            },
            "patient_satisfaction" => FollowupEvent::PatientSatisfaction {
                score: self.score.ok_or_else(|| missing("note"))?,
                text: None,
            },
            "professional_satisfaction" => FollowupEvent::ProfessionalSatisfaction {
                score: self.score.ok_or_else(|| missing("note"))?,
                text: None,
            },
            "call" => FollowupEvent::Call {
                call: self
                    .call
                    .clone()
                    .filter(|c| crate::ids::plain_id(c))
                    .ok_or_else(|| missing("identifiant d'appel valable"))?,
                reached: self.reached.ok_or_else(|| missing("réponse"))?,
                pain: None,
            },
            "appointment" => FollowupEvent::Appointment {
                made: self
                    .made
                    .ok_or_else(|| missing("rendez-vous pris ou non"))?,
                on: self.on,
            },
            "void" => FollowupEvent::Void {
                reason: String::new(),
            },
            "correction" => FollowupEvent::Correction {
                corrects: self.corrects.ok_or_else(|| missing("suivi corrigé"))?,
                reason: String::new(),
            },
            other => return Err(format!("type de suivi « {other} » inconnu")),
        })
    }
}

impl ActRow {
    /// The row of an act, its strings moved, not copied: a month has
    /// 100 000 of them at most.
    fn of(a: ReportAct, territory: &BTreeSet<String>) -> ActRow {
        let f = a.act;
        ActRow {
            seq: a.seq,
            month: f.month().to_string(),
            occurred_on: f.occurred_at.with_timezone(&Paris).date_naive(),
            in_territory: territory.contains(f.patient.postal_code.as_str()),
            number: f.number,
            delegue_rpps: f.delegue.rpps,
            delegue_name: f.delegue.name,
            profession: f.delegue.profession,
            delegant_rpps: f.delegant.rpps,
            delegant_name: f.delegant.name,
            structure: f.structure,
            taken_in_charge: f.outcome.taken_in_charge,
            training: f.training,
            void: a.void,
            orientation: f.outcome.orientation,
            urgency: f.outcome.urgency,
            reasons: f.outcome.reasons,
            delegue_cents: f.payment.delegue_cents,
            delegant_cents: f.payment.delegant_cents,
            protocol: f.protocol,
            postal_code: f.patient.postal_code,
        }
    }

    /// The act back, as `compute` reads it: the act number stands for its
    /// id (follow-ups name it), noon in Paris for its time (only the day
    /// counts).
    fn act(&self) -> Result<ReportAct, String> {
        let noon = self
            .occurred_on
            .and_hms_opt(12, 0, 0)
            .and_then(|t| Paris.from_local_datetime(&t).single())
            .ok_or_else(|| format!("acte {} : date {} illisible", self.number, self.occurred_on))?
            .with_timezone(&Utc);
        let facts = ActFacts {
            id: self.number.clone(),
            number: self.number.clone(),
            occurred_at: noon,
            training: self.training,
            protocol: self.protocol.clone(),
            structure: self.structure.clone(),
            delegue: PersonKey {
                rpps: self.delegue_rpps.clone(),
                name: self.delegue_name.clone(),
                profession: self.profession.clone(),
            },
            delegant: PersonKey {
                rpps: self.delegant_rpps.clone(),
                name: self.delegant_name.clone(),
                profession: None,
            },
            patient: PatientKey {
                postal_code: self.postal_code.clone(),
            },
            outcome: OutcomeKey {
                taken_in_charge: self.taken_in_charge,
                orientation: self.orientation.clone(),
                urgency: self.urgency.clone(),
                reasons: self.reasons.clone(),
            },
            payment: Payment {
                delegue_cents: self.delegue_cents,
                delegant_cents: self.delegant_cents,
            },
        };
        if facts.month().to_string() != self.month {
            return Err(format!(
                "acte {} : daté du {}, il n'est pas du mois {}",
                self.number, self.occurred_on, self.month
            ));
        }
        Ok(ReportAct {
            seq: self.seq,
            void: self.void,
            act: facts,
        })
    }
}

/// The rows of a month, from what its figures were computed from (taken
/// by value: the rows are the same strings).
pub fn into_rows(input: MonthInput) -> Rows {
    let t = &input.territory_postal_codes;
    // Follow-ups name their act by id; rows name it by number, which is
    // what a person reads (and unique on a device).
    let named: HashSet<&str> = input.followups.iter().map(|f| f.act_id.as_str()).collect();
    let numbers: HashMap<String, String> = input
        .acts
        .iter()
        .filter(|a| named.contains(a.act.id.as_str()))
        .map(|a| (a.act.id.clone(), a.act.number.clone()))
        .collect();
    Rows {
        followups: input
            .followups
            .into_iter()
            .filter(|f| !matches!(f.event, FollowupEvent::Document { .. }))
            .map(|f| {
                let act_number = numbers.get(&f.act_id).cloned().unwrap_or(f.act_id);
                FollowupRow::new(act_number, f.seq, EventRow::of(&f.event))
            })
            .collect(),
        acts: input.acts.into_iter().map(|a| ActRow::of(a, t)).collect(),
        late_acts: input
            .late_acts
            .into_iter()
            .map(|a| ActRow::of(a, t))
            .collect(),
        late_followups: input
            .late_followups
            .into_iter()
            .map(|f| {
                let act = ActRow::of(
                    ReportAct {
                        seq: f.act_seq,
                        void: f.act_void,
                        act: f.act,
                    },
                    t,
                );
                LateFollowupRow::new(act, f.seq, EventRow::of(&f.event))
            })
            .collect(),
        surveys: input.surveys,
    }
}

/// What `compute` needs, from a report's rows and header: what the CPTS
/// recomputes the report's figures from.
pub fn to_input(report: &MonthReport, rows: &Rows) -> Result<MonthInput, String> {
    let month: Month = report
        .month
        .parse()
        .map_err(|_| format!("mois « {} » illisible", report.month))?;
    let mut territory = BTreeSet::new();
    let all_acts = rows
        .acts
        .iter()
        .chain(&rows.late_acts)
        .chain(rows.late_followups.iter().map(|f| &f.act));
    for a in all_acts {
        if a.in_territory {
            territory.insert(a.postal_code.to_string());
        }
    }
    for a in rows
        .acts
        .iter()
        .chain(&rows.late_acts)
        .chain(rows.late_followups.iter().map(|f| &f.act))
    {
        if !a.in_territory && territory.contains(a.postal_code.as_str()) {
            return Err(format!(
                "le code postal {} est dit du territoire pour un acte et hors territoire pour un autre",
                a.postal_code
            ));
        }
    }
    let acts = rows
        .acts
        .iter()
        .map(ActRow::act)
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(a) = acts.iter().find(|a| a.act.month() != month) {
        return Err(format!("l'acte {} n'est pas du mois {month}", a.act.number));
    }
    let followups = rows
        .followups
        .iter()
        .map(|f| {
            Ok(ReportFollowup {
                seq: f.seq,
                act_id: f.act_number.clone(),
                event: f.event().event()?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    check_corrections(&followups)?;
    let late_acts = rows
        .late_acts
        .iter()
        .map(ActRow::act)
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(a) = late_acts.iter().find(|a| a.act.month() >= month) {
        return Err(format!(
            "l'acte {} est déclaré en saisie tardive, mais il n'est pas d'un mois antérieur à {month}",
            a.act.number
        ));
    }
    let late_followups = rows
        .late_followups
        .iter()
        .map(|f| {
            let act = f.act.act()?;
            Ok(LateFollowupIn {
                seq: f.seq,
                act_seq: act.seq,
                act_void: act.void,
                act: act.act,
                event: f.event().event()?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(MonthInput {
        month,
        device_id: report.device_id.clone(),
        territory: report.territory.clone(),
        territory_postal_codes: territory,
        closure: report.closure.clone(),
        previous_closure: report.previous_closure.clone(),
        acts,
        followups,
        late_acts,
        late_followups,
        surveys: rows
            .surveys
            .iter()
            .map(|s| s.check().map(|()| s.clone()))
            .collect::<Result<_, _>>()?,
    })
}

/// Each correction of the month's rows withdraws an earlier follow-up of
/// its act that may be corrected, and only one correction names it: what
/// the device's ledger allows. Rows that say otherwise were not written by
/// protocoop.
fn check_corrections(followups: &[ReportFollowup]) -> Result<(), String> {
    let withdrawn = crate::ledger::withdrawn(
        followups
            .iter()
            .map(|f| (f.seq, f.act_id.as_str(), &f.event)),
    );
    let mut named = HashSet::new();
    for f in followups {
        let FollowupEvent::Correction { corrects, .. } = f.event else {
            continue;
        };
        if !withdrawn.contains(&corrects) {
            return Err(format!(
                "le suivi {} de l'acte {} corrige l'entrée {corrects}, qui n'est pas un suivi corrigeable antérieur de cet acte",
                f.seq, f.act_id
            ));
        }
        if !named.insert(corrects) {
            return Err(format!(
                "l'entrée {corrects} de l'acte {} est corrigée deux fois",
                f.act_id
            ));
        }
    }
    Ok(())
}
