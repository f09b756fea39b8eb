//! The délégué's choice of lines from a proposal, checked against the
//! protocol: only proposed lines, every non-optional line unless a chosen
//! line replaces it, never a line together with the one it replaces.

use crate::error::{Refusal, Result};
use crate::protocol::{Decision, MedicineId, Protocol};

use super::{Outcome, ProposedLine};

/// The default choice: every non-optional line.
pub fn default_choice(outcome: &Outcome) -> Vec<ProposedLine> {
    outcome
        .lines
        .iter()
        .filter(|l| l.selected)
        .copied()
        .collect()
}

/// The line ids chosen on the prescription screen: every proposed line
/// unless optional and not switched on, or replaced by an optional line
/// switched on.
pub fn with_options(
    protocol: &Protocol,
    outcome: &Outcome,
    optional_on: &[MedicineId],
) -> Vec<String> {
    outcome
        .lines
        .iter()
        .filter(|l| {
            if l.optional {
                return optional_on.contains(&l.medicine);
            }
            !optional_on
                .iter()
                .any(|on| protocol.medicine(*on).replaces == Some(l.medicine))
        })
        .map(|l| protocol.medicine(l.medicine).id.clone())
        .collect()
}

/// Checks `chosen` line ids and returns the chosen lines in protocol order.
pub fn choose(
    protocol: &Protocol,
    outcome: &Outcome,
    chosen: &[String],
) -> Result<Vec<ProposedLine>> {
    if let Decision::Orient(o) = outcome.decision {
        if chosen.is_empty() {
            return Ok(Vec::new());
        }
        return Err(Refusal::LinesForExcluded {
            orientation: protocol.orientation(o).id.clone(),
        }
        .into());
    }
    for (i, id) in chosen.iter().enumerate() {
        if chosen[..i].contains(id) {
            return Err(Refusal::DuplicateLine { line: id.clone() }.into());
        }
        let proposed = protocol.medicine_id(id).and_then(|m| outcome.line(m));
        if proposed.is_none() {
            return Err(Refusal::LineNotProposed { line: id.clone() }.into());
        }
    }
    let is_chosen = |id: &str| chosen.iter().any(|c| c == id);
    for line in &outcome.lines {
        let m = protocol.medicine(line.medicine);
        if let Some(r) = m.replaces {
            let replaced = &protocol.medicine(r).id;
            if is_chosen(&m.id) && is_chosen(replaced) {
                return Err(Refusal::ReplacedTogether {
                    line: m.id.clone(),
                    replaced: replaced.clone(),
                }
                .into());
            }
        }
        if !line.optional && !is_chosen(&m.id) {
            let replaced_by_chosen = outcome.lines.iter().any(|other| {
                let om = protocol.medicine(other.medicine);
                om.replaces == Some(line.medicine) && is_chosen(&om.id)
            });
            if !replaced_by_chosen {
                return Err(Refusal::MandatoryLineMissing { line: m.id.clone() }.into());
            }
        }
    }
    Ok(outcome
        .lines
        .iter()
        .filter(|l| is_chosen(&protocol.medicine(l.medicine).id))
        .copied()
        .collect())
}
