//! The month's figures, computed from what the ledger holds and nothing
//! else: pure over the acts and follow-ups [`super::source`] reads (or, at
//! the CPTS, over a report's rows), so every figure can be tested without a
//! database. The document they fill in is [`super::model`].

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Weekday};
use chrono_tz::Europe::Paris;
use serde::Serialize;

use super::model::*;
use super::rows::SurveyRow;
use crate::act::Payment;
use crate::calendar::{EveTable, Month, Region};
pub use crate::ledger::facts::{
    ActFacts, OutcomeKey, PatientKey, PersonKey, ProtocolKey, StructureKey,
};
use crate::ledger::{AdverseNature, FollowupEvent, Severity};
use crate::shared::Shared;

/// An act as the report sees it: its ledger position and whether it was
/// void when the report's closure was written.
#[derive(Debug, Clone)]
pub struct ReportAct {
    pub seq: u64,
    pub void: bool,
    pub act: ActFacts,
}

/// A follow-up of one of the report's acts.
#[derive(Debug, Clone)]
pub struct ReportFollowup {
    pub seq: u64,
    pub act_id: String,
    pub event: FollowupEvent,
}

/// A follow-up recorded after its act was already reported (or on a late
/// entry): listed, never folded into the month's rates.
#[derive(Debug, Clone)]
pub struct LateFollowupIn {
    pub seq: u64,
    pub act: ActFacts,
    /// The act's entry, and whether it was void at this report's closure.
    pub act_seq: u64,
    pub act_void: bool,
    pub event: FollowupEvent,
}

/// Everything the month's report is computed from.
#[derive(Debug, Clone)]
pub struct MonthInput {
    pub month: Month,
    pub device_id: String,
    pub territory: TerritoryRef,
    pub territory_postal_codes: BTreeSet<String>,
    pub closure: ClosureRef,
    pub previous_closure: Option<PreviousClosure>,
    /// Acts of the month recorded before its closure.
    pub acts: Vec<ReportAct>,
    /// Their follow-ups recorded before the closure.
    pub followups: Vec<ReportFollowup>,
    /// Acts of earlier months recorded after those months were reported.
    pub late_acts: Vec<ReportAct>,
    pub late_followups: Vec<LateFollowupIn>,
    /// The professionals' questionnaires of the window, as rows already:
    /// no figure of the month counts them (the yearly report does).
    pub surveys: Vec<SurveyRow>,
}

/// Pay lines being filled in, found by RPPS in log time: a report may name
/// thousands of professionals (a forged one, at least).
#[derive(Default)]
struct PayBook {
    delegues: BTreeMap<Shared, usize>,
    delegants: BTreeMap<Shared, usize>,
}

impl Remuneration {
    /// Adds one paid act to the délégué's and the délégant's lines.
    fn pay(&mut self, book: &mut PayBook, act: &ActFacts, payment: Payment) {
        let delegue = i64::from(payment.delegue_cents);
        let delegant = i64::from(payment.delegant_cents);
        add_pay(
            &mut self.delegues,
            &mut book.delegues,
            &act.delegue,
            Paid::Paid,
            delegue,
        );
        add_pay(
            &mut self.delegants,
            &mut book.delegants,
            &act.delegant,
            Paid::Paid,
            delegant,
        );
        self.total_cents += delegue + delegant;
    }

    /// Takes back what an earlier report paid for an act voided since, from
    /// the same two professionals.
    fn deduct(&mut self, book: &mut PayBook, act: &ActFacts, payment: Payment) {
        let delegue = i64::from(payment.delegue_cents);
        let delegant = i64::from(payment.delegant_cents);
        add_pay(
            &mut self.delegues,
            &mut book.delegues,
            &act.delegue,
            Paid::Deducted,
            -delegue,
        );
        add_pay(
            &mut self.delegants,
            &mut book.delegants,
            &act.delegant,
            Paid::Deducted,
            -delegant,
        );
        self.total_cents -= delegue + delegant;
        self.deducted_cents += (delegue + delegant).unsigned_abs();
    }
}

/// Whether an act adds to a pay line or is taken back from it (said, not
/// read from the sign: a protocol may pay 0 €).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Paid {
    Paid,
    Deducted,
}

/// Adds one act and its (signed) cents to `who`'s line.
fn add_pay(
    lines: &mut Vec<PayLine>,
    index: &mut BTreeMap<Shared, usize>,
    who: &PersonKey,
    paid: Paid,
    cents: i64,
) {
    let i = *index.entry(who.rpps.clone()).or_insert_with(|| {
        lines.push(PayLine {
            rpps: who.rpps.to_string(),
            name: who.name.to_string(),
            acts: 0,
            deducted_acts: 0,
            cents: 0,
        });
        lines.len() - 1
    });
    if let Some(l) = lines.get_mut(i) {
        match paid {
            Paid::Paid => l.acts += 1,
            Paid::Deducted => l.deducted_acts += 1,
        }
        l.cents += cents;
    }
}

fn bump(map: &mut BTreeMap<String, u64>, key: &str) {
    match map.get_mut(key) {
        Some(v) => *v += 1,
        None => {
            map.insert(key.to_string(), 1);
        }
    }
}

/// Serialized names of the follow-up enums (the stored snake_case form).
fn enum_name<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|j| j.as_str().map(str::to_string))
        .unwrap_or_default()
}

pub fn nature_name(n: &AdverseNature) -> String {
    n.id().to_string()
}

pub fn severity_name(s: Severity) -> String {
    enum_name(&s)
}

/// Computes the month's report. `software` names the program that wrote it.
pub fn compute(input: &MonthInput, software: &str) -> MonthReport {
    let mut ind = Indicators::empty();
    let mut eves = EveTable::new(input.month.year, Region::General);
    let mut pay = Remuneration::default();
    let mut book = PayBook::default();
    // Index of each act in `input.acts` by id, for its follow-ups.
    let mut by_id: BTreeMap<&str, (bool, usize)> = BTreeMap::new();
    let mut delegues: BTreeMap<&str, DelegueLine> = BTreeMap::new();
    let mut delegants: BTreeMap<&str, DelegantLine> = BTreeMap::new();
    let mut structures: BTreeMap<&StructureKey, (Counts, bool)> = BTreeMap::new();
    let mut protocols: BTreeMap<&ProtocolKey, (u64, u64)> = BTreeMap::new();

    for (i, ra) in input.acts.iter().enumerate() {
        let a = &ra.act;
        if ra.void {
            ind.void_acts += 1;
            continue;
        }
        let p = protocols.entry(&a.protocol).or_default();
        p.0 += 1;
        if a.training {
            ind.training_acts += 1;
            p.1 += 1;
            continue;
        }
        let taken = a.outcome.taken_in_charge;
        by_id.insert(a.id.as_str(), (taken, i));
        ind.screenings += 1;
        ind.prises_en_charge += u64::from(taken);
        let day = a.occurred_at.with_timezone(&Paris).date_naive();
        let weekday = day.weekday();
        ind.by_weekday[weekday.num_days_from_monday() as usize]
            .counts
            .add(taken);
        let profession = a.delegue.profession.as_deref().unwrap_or("inconnue");
        ind.by_profession
            .entry(profession.to_string())
            .or_default()
            .add(taken);
        delegues
            .entry(a.delegue.rpps.as_str())
            .or_insert_with(|| DelegueLine {
                rpps: a.delegue.rpps.to_string(),
                name: a.delegue.name.to_string(),
                profession: profession.to_string(),
                counts: Counts::default(),
            })
            .counts
            .add(taken);
        let s = structures.entry(&a.structure).or_default();
        s.0.add(taken);
        s.1 |= profession == "pharmacien";
        if taken {
            if matches!(weekday, Weekday::Fri | Weekday::Sat) || eves.is_eve(day) {
                ind.friday_saturday_holiday_eve += 1;
            }
            if !input
                .territory_postal_codes
                .contains(a.patient.postal_code.as_str())
            {
                ind.out_of_territory += 1;
                bump(
                    &mut ind.out_of_territory_postal_codes,
                    &a.patient.postal_code,
                );
            }
            bump(
                &mut ind.urgency,
                a.outcome.urgency.as_deref().unwrap_or("inconnue"),
            );
            delegants
                .entry(a.delegant.rpps.as_str())
                .or_insert_with(|| DelegantLine {
                    rpps: a.delegant.rpps.to_string(),
                    name: a.delegant.name.to_string(),
                    prises_en_charge: 0,
                    reprises: 0,
                })
                .prises_en_charge += 1;
            if let Some(payment) = a.payable(false) {
                pay.pay(&mut book, a, payment);
            }
        } else {
            ind.exclusions.count += 1;
            bump(
                &mut ind.exclusions.by_orientation,
                a.outcome.orientation.as_deref().unwrap_or("inconnue"),
            );
            for r in &a.outcome.reasons {
                bump(&mut ind.exclusions.by_reason, r);
            }
        }
    }
    // Only payments so far, no deduction: the total is the month's.
    pay.month_cents = pay.total_cents.unsigned_abs();

    // Follow-ups of counted acts: an act taken over twice is one reprise;
    // one withdrawn by a correction counts for nothing.
    let withdrawn = crate::ledger::withdrawn(
        input
            .followups
            .iter()
            .map(|f| (f.seq, f.act_id.as_str(), &f.event)),
    );
    let mut reprised: BTreeSet<&str> = BTreeSet::new();
    let mut with_event: BTreeSet<&str> = BTreeSet::new();
    for f in &input.followups {
        let Some(&(taken, i)) = by_id.get(f.act_id.as_str()) else {
            continue;
        };
        if withdrawn.contains(&f.seq) {
            continue;
        }
        let act = &input.acts[i].act;
        match &f.event {
            FollowupEvent::Reprise { .. } if taken && reprised.insert(act.id.as_str()) => {
                ind.reprises.count += 1;
                if let Some(d) = delegants.get_mut(act.delegant.rpps.as_str()) {
                    d.reprises += 1;
                }
            }
            FollowupEvent::AdverseEvent {
                nature, severity, ..
            } => {
                ind.adverse_events.count += 1;
                bump(&mut ind.adverse_events.by_nature, &nature_name(nature));
                bump(
                    &mut ind.adverse_events.by_severity,
                    &severity_name(*severity),
                );
                if taken && with_event.insert(act.id.as_str()) {
                    ind.adverse_events.acts += 1;
                }
            }
            FollowupEvent::PatientSatisfaction { score, .. } => {
                ind.satisfaction.patients.add(*score)
            }
            FollowupEvent::ProfessionalSatisfaction { score, .. } => {
                ind.satisfaction.professionals.add(*score)
            }
            _ => {}
        }
    }

    ind.delegues = delegues.into_values().collect();
    ind.delegants = delegants.into_values().collect();
    ind.structures = structures
        .into_iter()
        .map(|(s, (counts, pharmacy))| StructureLine {
            name: s.name.to_string(),
            postal_code: s.postal_code.to_string(),
            finess: s.finess.as_deref().map(str::to_string),
            pharmacy,
            counts,
        })
        .collect();
    ind.protocol_versions = protocols
        .into_iter()
        .map(|(p, (acts, training_acts))| ProtocolLine {
            id: p.id.to_string(),
            version: p.version.to_string(),
            sha256: p.sha256.to_string(),
            acts,
            training_acts,
        })
        .collect();
    ind.finish();

    let mut late = LateEntries::default();
    for ra in &input.late_acts {
        let a = &ra.act;
        let payment = a.payable(ra.void);
        let cents = payment.map_or(0, |p| {
            u64::from(p.delegue_cents) + u64::from(p.delegant_cents)
        });
        if let Some(p) = payment {
            pay.pay(&mut book, a, p);
        }
        late.count += 1;
        late.prises_en_charge += u64::from(a.outcome.taken_in_charge && !ra.void && !a.training);
        late.cents += cents;
        late.acts.push(LateAct {
            number: a.number.clone(),
            month: a.month().to_string(),
            seq: ra.seq,
            taken_in_charge: a.outcome.taken_in_charge,
            training: a.training,
            void: ra.void,
            cents,
        });
    }
    pay.late_cents = late.cents;
    for f in &input.late_followups {
        if let (FollowupEvent::Void { .. }, Some(p)) = (&f.event, f.act.payable(false)) {
            pay.deduct(&mut book, &f.act, p);
        }
    }
    pay.finish();

    let late_followups = input
        .late_followups
        .iter()
        .filter_map(late_followup)
        .collect();

    MonthReport {
        schema_version: SCHEMA_VERSION,
        kind: REPORT_KIND.to_string(),
        month: input.month.to_string(),
        device_id: input.device_id.clone(),
        software: software.to_string(),
        territory: input.territory.clone(),
        indicators: ind,
        remuneration: pay,
        late_entries: late,
        late_followups,
        closure: input.closure.clone(),
        previous_closure: input.previous_closure.clone(),
        device_public_key: None,
        rows: None,
        chain: None,
        content_sha256: String::new(),
        signature: None,
    }
}

/// The entry a correction withdraws.
pub(super) fn corrects(e: &FollowupEvent) -> Option<u64> {
    match e {
        FollowupEvent::Correction { corrects, .. } => Some(*corrects),
        _ => None,
    }
}

fn late_followup(f: &LateFollowupIn) -> Option<LateFollowup> {
    let (nature, severity, cents_to_deduct) = match &f.event {
        FollowupEvent::AdverseEvent {
            nature, severity, ..
        } => (Some(nature_name(nature)), Some(severity_name(*severity)), 0),
        FollowupEvent::Void { .. } => (
            None,
            None,
            f.act.payable(false).map_or(0, |p| {
                u64::from(p.delegue_cents) + u64::from(p.delegant_cents)
            }),
        ),
        FollowupEvent::Reprise { .. }
        | FollowupEvent::PatientSatisfaction { .. }
        | FollowupEvent::ProfessionalSatisfaction { .. }
        | FollowupEvent::Call { .. }
        | FollowupEvent::Appointment { .. }
        | FollowupEvent::Correction { .. } => (None, None, 0),
        FollowupEvent::Document { .. } => return None,
    };
    Some(LateFollowup {
        act_number: f.act.number.clone(),
        act_month: f.act.month().to_string(),
        seq: f.seq,
        corrects: corrects(&f.event),
        kind: f.event.type_name().to_string(),
        nature,
        severity,
        cents_to_deduct,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn act(id: &str, delegant_cents: u32) -> ActFacts {
        let person = |rpps: &str| PersonKey {
            rpps: rpps.into(),
            name: format!("P {rpps}").into(),
            profession: Some("pharmacien".into()),
        };
        ActFacts {
            id: id.into(),
            number: format!("2026-{id}"),
            occurred_at: "2026-05-04T08:00:00Z".parse().unwrap(),
            training: false,
            protocol: ProtocolKey {
                id: "p".into(),
                version: "1".into(),
                sha256: "0".into(),
            },
            structure: StructureKey {
                name: "S".into(),
                postal_code: "79500".into(),
                finess: None,
            },
            delegue: person("1"),
            delegant: person("9"),
            patient: PatientKey {
                postal_code: "79500".into(),
            },
            outcome: OutcomeKey {
                taken_in_charge: true,
                orientation: None,
                urgency: Some("24h".into()),
                reasons: vec![],
            },
            payment: Payment {
                delegue_cents: 1000,
                delegant_cents,
            },
        }
    }

    /// A protocol may pay the délégant nothing: taking back such an act is
    /// still a deduction, not a paid act (the sign of 0 says nothing).
    #[test]
    fn a_deduction_of_zero_cents_is_still_a_deduction() {
        let input = MonthInput {
            month: "2026-06".parse().unwrap(),
            device_id: "d".into(),
            territory: TerritoryRef {
                protocol_id: "p".into(),
                protocol_version: "1".into(),
                sample: false,
            },
            territory_postal_codes: BTreeSet::new(),
            closure: ClosureRef {
                first_seq: 10,
                last_seq: 12,
                count: 0,
                head_hash: String::new(),
                seq: 13,
                closed_at: "2026-07-01T08:00:00Z".parse().unwrap(),
                hash: None,
            },
            previous_closure: None,
            acts: vec![],
            followups: vec![],
            late_acts: vec![],
            surveys: Vec::new(),
            late_followups: vec![LateFollowupIn {
                seq: 11,
                act_seq: 3,
                act_void: true,
                act: act("0001", 0),
                event: FollowupEvent::Void {
                    reason: "doublon".into(),
                },
            }],
        };
        let r = compute(&input, "test");
        let line = |l: &PayLine| (l.acts, l.deducted_acts, l.cents);
        assert_eq!(line(&r.remuneration.delegues[0]), (0, 1, -1000));
        assert_eq!(line(&r.remuneration.delegants[0]), (0, 1, 0));
        assert_eq!(r.remuneration.total_cents, -1000);
        assert_eq!(r.remuneration.deducted_cents, 1000);
    }

    #[test]
    fn ratios_round_half_up_and_survive_json() {
        assert_eq!(ratio(5, 11, 4), 0.4545);
        assert_eq!(ratio(2, 3, 4), 0.6667);
        assert_eq!(ratio(0, 0, 4), 0.0);
        assert_eq!(ratio(9, 2, 2), 4.5);
        let back: f64 =
            serde_json::from_str(&serde_json::to_string(&ratio(5, 11, 4)).unwrap()).unwrap();
        assert_eq!(back, 0.4545);
    }
}
