//! The question sequence: which screen the kiosk shows next.
//!
//! Questions are asked in protocol order (red flags first). A question is
//! skipped when none of its facts can change the outcome any more, and the
//! sequence ends as soon as the decision is an exclusion (a red flag ends it
//! at once) or, for an included patient, when every fact the prescription
//! depends on is known.

use crate::protocol::expr::{Env, Lookup, Tri};
use crate::protocol::{Decision, FactId, Protocol, Question};

use super::evaluate::holds;
use super::facts::{Facts, Slot};

/// What to do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Show this question (index into [`Protocol::questions`]).
    Ask(usize),
    /// Nothing left that could change the outcome: evaluate.
    Done,
}

/// Whether every fact of this question has been answered.
pub fn answered(question: &Question, facts: &Facts) -> bool {
    question.facts.iter().all(|f| facts.get(*f) != Slot::Unset)
}

/// The next question to ask, given the answers so far.
pub fn next(protocol: &Protocol, facts: &Facts) -> Step {
    remaining(protocol, facts)
        .first()
        .map_or(Step::Done, |&q| Step::Ask(q))
}

/// Questions still to ask, in order, as things stand (for a progress bar;
/// later answers may shorten the list, never lengthen it).
pub fn remaining(protocol: &Protocol, facts: &Facts) -> Vec<usize> {
    let relevant = relevant_facts(protocol, facts);
    protocol
        .questions
        .iter()
        .enumerate()
        .filter(|(_, q)| !answered(q, facts) && q.facts.iter().any(|f| relevant.contains(f)))
        .map(|(i, _)| i)
        .collect()
}

/// Facts whose value may still change the outcome.
fn relevant_facts(protocol: &Protocol, facts: &Facts) -> Vec<FactId> {
    let env = facts.partial();
    let mut relevant = Vec::new();
    let mut inclusion_possible = false;
    for rule in &protocol.rules {
        match holds(rule, &env) {
            Tri::False => continue,
            Tri::True => {
                if matches!(rule.decides, Decision::Orient(_)) {
                    // Decided: not taken in charge. Nothing else matters.
                    return unknown_only(&env, relevant);
                }
                inclusion_possible = true;
                break;
            }
            Tri::Unknown => {
                rule.items
                    .iter()
                    .for_each(|i| i.condition.expr.facts(&mut relevant));
                if matches!(rule.decides, Decision::TakeInCharge(_)) {
                    inclusion_possible = true;
                }
            }
        }
    }
    if inclusion_possible {
        for m in &protocol.medicines {
            if m.when.expr.eval(&env) == Tri::Unknown {
                m.when.expr.facts(&mut relevant);
            }
        }
        if protocol.adult_when.expr.eval(&env) == Tri::Unknown {
            protocol.adult_when.expr.facts(&mut relevant);
        }
    }
    unknown_only(&env, relevant)
}

fn unknown_only(env: &impl Env, mut facts: Vec<FactId>) -> Vec<FactId> {
    facts.sort();
    facts.dedup();
    facts.retain(|f| env.lookup(*f) == Lookup::Unknown);
    facts
}
