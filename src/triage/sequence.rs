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

/// Facts the kiosk would have asked for these answers and that were not
/// answered, in the order it would have asked them.
///
/// The kiosk's questions are replayed over `given`: the patient's age and
/// weight are known from the start, each question asked takes its answers
/// from `given`, and a fact left unanswered is noted, then read as « non »
/// (or « not measured ») so that the replay goes on and every missing
/// answer is named at once. As at the counter, where « Continuer » answers
/// every item of a screen, all the facts of a question asked are needed,
/// unless those answered already send the patient elsewhere (a red flag
/// ticked ends the questions at once). Recording an act needs this list empty: a red flag left
/// out of a script must never read as « no » at the counter's expense.
pub fn unanswered(protocol: &Protocol, given: &Facts) -> Vec<FactId> {
    let mut known = Facts::new(protocol);
    for id in protocol.patient.ids() {
        known.copy_slot(given, id);
    }
    // A question that does not apply (given the patient) is not asked:
    // its « non » is no missing answer.
    for id in known.inapplicable(protocol) {
        known.assume_unanswered(protocol, id);
    }
    let mut missing = Vec::new();
    // Each round answers at least one question for good, so this ends.
    for _ in 0..=protocol.questions.len() {
        let Step::Ask(q) = next(protocol, &known) else {
            break;
        };
        let facts = &protocol.questions[q].facts;
        for &f in facts {
            if given.get(f) != Slot::Unset {
                known.copy_slot(given, f);
            }
        }
        let excused = next(protocol, &known) == Step::Done
            && super::evaluate::evaluate(protocol, &known)
                .is_ok_and(|o| matches!(o.decision, Decision::Orient(_)));
        for &f in facts {
            if known.get(f) == Slot::Unset {
                if !excused {
                    missing.push(f);
                }
                known.assume_unanswered(protocol, f);
            }
        }
    }
    missing
}
