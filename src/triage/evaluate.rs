//! `evaluate`: facts → outcome (decision, reasons, proposed prescription).

use crate::error::{Error, Refusal, Result};
use crate::protocol::expr::{Env, Lookup, Tri};
use crate::protocol::{Decision, FactId, MedicineId, Protocol, Rule, RuleId, Unit};

use super::doses::{self, Dose};
use super::facts::Facts;

/// What the protocol decides for one patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub decision: Decision,
    /// The rule that decided.
    pub rule: RuleId,
    /// For a patient not taken in charge: every exclusion reason that holds,
    /// in rule order (fact ids, or names such as `no_symptom`).
    pub reasons: Vec<String>,
    /// Proposed lines, in protocol order; empty unless taken in charge.
    pub lines: Vec<ProposedLine>,
}

impl Outcome {
    pub fn taken_in_charge(&self) -> bool {
        matches!(self.decision, Decision::TakeInCharge(_))
    }

    pub fn line(&self, id: MedicineId) -> Option<&ProposedLine> {
        self.lines.iter().find(|l| l.medicine == id)
    }
}

/// One line of the proposed prescription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProposedLine {
    pub medicine: MedicineId,
    pub unit: Unit,
    pub dose: Dose,
    /// Off unless the délégué adds it.
    pub optional: bool,
    /// In the prescription unless changed (non-optional lines).
    pub selected: bool,
}

/// Evaluates the protocol on complete facts (see [`Facts::complete`]).
///
/// Pure: no I/O, no clock. Fails only when a fact the outcome depends on is
/// missing (including the weight a dose must be computed from).
pub fn evaluate(protocol: &Protocol, facts: &Facts) -> Result<Outcome> {
    let env = facts.complete(protocol);
    let (rule, decision) = decide(protocol, &env)?;
    let mut out = Outcome {
        decision,
        rule,
        reasons: Vec::new(),
        lines: Vec::new(),
    };
    match decision {
        Decision::Orient(_) => out.reasons = reasons(protocol, rule, &env, &facts.partial()),
        Decision::TakeInCharge(_) => out.lines = propose(protocol, facts, &env)?,
    }
    Ok(out)
}

/// Whether a rule applies: any one of its items.
pub(crate) fn holds(rule: &Rule, env: &impl Env) -> Tri {
    let mut result = Tri::False;
    for item in &rule.items {
        match item.condition.expr.eval(env) {
            Tri::True => return Tri::True,
            Tri::Unknown => result = Tri::Unknown,
            Tri::False => {}
        }
    }
    result
}

fn decide(protocol: &Protocol, env: &impl Env) -> Result<(RuleId, Decision)> {
    for (i, rule) in protocol.rules.iter().enumerate() {
        match holds(rule, env) {
            Tri::True => return Ok((RuleId(i as u16), rule.decides)),
            Tri::False => {}
            Tri::Unknown => {
                let mut facts = Vec::new();
                rule.items
                    .iter()
                    .for_each(|it| it.condition.expr.facts(&mut facts));
                return Err(missing(protocol, env, facts));
            }
        }
    }
    // `protocol::analysis` proves at load time that some rule always
    // applies; should that proof ever be wrong, refuse rather than guess.
    Err(Error::Refused(Refusal::Undecided))
}

fn missing(protocol: &Protocol, env: &impl Env, mut facts: Vec<FactId>) -> Error {
    facts.sort();
    facts.dedup();
    facts.retain(|f| env.lookup(*f) == Lookup::Unknown);
    Error::MissingFacts(facts.iter().map(|f| protocol.fact(*f).id.clone()).collect())
}

/// Why the patient is not taken in charge, in rule order: the items of the
/// orientation rules that hold on the answers actually given. A fact nobody
/// was asked (the questions stop once the decision is known) is never a
/// reason: it would read « aucun symptôme » for a patient whose symptoms
/// were never asked, in the ledger and in the monthly report. Only when no
/// item of the deciding rule holds on the answers (a script left its facts
/// out, which count as « non ») are that rule's items read the way the
/// decision read them, so that it always says why.
fn reasons(
    protocol: &Protocol,
    decided: RuleId,
    complete: &impl Env,
    answered: &impl Env,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, rule) in protocol.rules.iter().enumerate() {
        if !matches!(rule.decides, Decision::Orient(_)) {
            continue;
        }
        let mut found = holding(rule, answered);
        if found.is_empty() && RuleId(i as u16) == decided {
            found = holding(rule, complete);
        }
        for r in found {
            if !out.contains(&r) {
                out.push(r);
            }
        }
    }
    out
}

/// The reasons of the items of `rule` that hold in `env`.
fn holding(rule: &Rule, env: &impl Env) -> Vec<String> {
    rule.items
        .iter()
        .filter(|item| item.condition.expr.eval(env) == Tri::True)
        .map(|item| item.reason.clone())
        .collect()
}

fn propose(protocol: &Protocol, facts: &Facts, env: &impl Env) -> Result<Vec<ProposedLine>> {
    let mut lines = Vec::new();
    let mut adult: Option<bool> = None;
    for id in protocol.medicine_ids() {
        let m = protocol.medicine(id);
        match m.when.expr.eval(env) {
            Tri::False => continue,
            Tri::True => {}
            Tri::Unknown => {
                let mut f = Vec::new();
                m.when.expr.facts(&mut f);
                return Err(missing(protocol, env, f));
            }
        }
        let dose = if m.weight_independent {
            doses::adult(protocol, m)
        } else {
            let is_adult = match adult {
                Some(a) => a,
                None => {
                    let a = match protocol.adult_when.expr.eval(env) {
                        Tri::True => true,
                        Tri::False => false,
                        Tri::Unknown => {
                            let mut f = Vec::new();
                            protocol.adult_when.expr.facts(&mut f);
                            return Err(missing(protocol, env, f));
                        }
                    };
                    adult = Some(a);
                    a
                }
            };
            if is_adult {
                doses::adult(protocol, m)
            } else if let Some(w) = &m.by_weight {
                let weight_fact = protocol.patient.weight;
                let Some(weight) = facts.number(weight_fact) else {
                    return Err(Error::input(
                        protocol.fact(weight_fact).id.as_str(),
                        format!(
                            "poids obligatoire : la dose de {} se calcule au poids pour ce patient",
                            m.dci
                        ),
                    ));
                };
                let dose = doses::by_weight(protocol, m, w, weight);
                if dose.per_dose == 0 {
                    return Err(Error::input(
                        protocol.fact(weight_fact).id.as_str(),
                        format!(
                            "poids de {weight} kg trop faible pour calculer une dose de {}",
                            m.dci
                        ),
                    ));
                }
                dose
            } else {
                // No weight-based regimen: not proposed outside adult dosing.
                continue;
            }
        };
        lines.push(ProposedLine {
            medicine: id,
            unit: m.unit,
            dose,
            optional: m.optional,
            selected: !m.optional,
        });
    }
    Ok(lines)
}
