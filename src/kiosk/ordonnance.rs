//! The prescription screen: the lines proposed (optional ones switched on
//! or off), the délégant, the secure-paper prompt, then the act recorded
//! and its documents printed.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::reduce::{message_of, toggle};
use super::services::Services;
use super::state::*;
use crate::act::ActRequest;
use crate::documents;
use crate::error::{Error, Refusal, Result};
use crate::ids::Rpps;
use crate::ledger::Recorded;
use crate::protocol::MedicineId;
use crate::triage::selection;

pub(super) fn toggle_line(state: &mut KioskState, m: MedicineId) {
    if let Screen::Ordonnance(f) = &mut state.screen {
        toggle(&mut f.optional_on, m);
        f.secure_paper_asked = false;
    }
}

pub(super) fn choose_presentation(state: &mut KioskState, m: MedicineId, index: usize) {
    if let Screen::Ordonnance(f) = &mut state.screen {
        f.presentations.insert(m, index);
    }
}

/// The presentations chosen, by line id and name, as the act's input
/// takes them (a choice the line no longer has is left to the default).
fn chosen_presentations(
    state: &KioskState,
    form: &OrdonnanceForm,
    outcome: &crate::triage::Outcome,
) -> BTreeMap<String, String> {
    let p = &state.protocol;
    outcome
        .lines
        .iter()
        .filter(|l| form.presentations.contains_key(&l.medicine))
        .filter_map(|l| {
            let m = p.medicine(l.medicine);
            let g = form.presentation(p, l)?;
            Some((m.id.clone(), m.presentations.get(g.index)?.name()))
        })
        .collect()
}

pub(super) fn choose_delegant(state: &mut KioskState, r: Rpps) {
    if let Screen::Ordonnance(f) = &mut state.screen {
        f.delegant = Some(r);
    }
}

/// The délégant proposed by default: the first one the protocol names that
/// is registered here, else the first registered.
pub(super) fn default_delegant(state: &KioskState) -> Option<Rpps> {
    state
        .protocol
        .delegants
        .iter()
        .find_map(|d| state.registry.delegant(&d.rpps).map(|r| r.rpps.clone()))
        .or_else(|| state.registry.delegants().first().map(|d| d.rpps.clone()))
}

pub(super) fn show_ordonnance(state: &mut KioskState) -> Result<()> {
    let taken = state
        .act
        .as_ref()
        .and_then(|a| a.outcome.as_ref())
        .is_some_and(|o| o.taken_in_charge());
    if !taken {
        return Ok(());
    }
    let delegant =
        default_delegant(state).ok_or_else(|| Refusal::UnknownDelegant("aucun".into()))?;
    state.screen = Screen::Ordonnance(OrdonnanceForm {
        optional_on: Vec::new(),
        delegant: Some(delegant),
        presentations: BTreeMap::new(),
        secure_paper_asked: false,
    });
    Ok(())
}

/// Prepares (every rule of the act, again) and records the act.
pub(super) fn record(
    state: &mut KioskState,
    services: &mut Services,
    lines: Vec<String>,
    delegant: Rpps,
    presentations: BTreeMap<String, String>,
    now: DateTime<Utc>,
) -> Result<Recorded> {
    let session = state
        .session
        .clone()
        .ok_or_else(|| Error::input("délégué", "identifiez-vous d'abord"))?;
    let draft = state
        .act
        .as_ref()
        .ok_or_else(|| Error::input("acte", "aucun acte en cours"))?;
    let p = &state.protocol;
    let mut facts = draft.facts.clone();
    // The request's patient carries them; the core puts them back.
    for id in p.patient.ids() {
        facts.unset(id);
    }
    let request = ActRequest {
        facts: facts.to_answers(p),
        patient: draft.patient.clone(),
        delegue: session.rpps,
        delegant,
        lines,
        occurred_at: None,
        consent: Some(draft.consent),
        presentations,
        attending_doctor: draft.doctor.clone(),
    };
    let record = services.ledger.prepare_act(p, &request, now)?;
    services.ledger.record_act(record)
}

/// Records the act first, then issues and prints the documents: a failing
/// printer never loses the act (it can be reprinted from Historique).
pub(super) fn validate_and_print(
    state: &mut KioskState,
    services: &mut Services,
    now: DateTime<Utc>,
) -> Result<()> {
    let Screen::Ordonnance(form) = &state.screen else {
        return Ok(());
    };
    let form = form.clone();
    let Some(outcome) = state.act.as_ref().and_then(|a| a.outcome.clone()) else {
        return Ok(());
    };
    let delegant = form
        .delegant
        .clone()
        .ok_or_else(|| Error::input("délégant", "choisissez le délégant"))?;
    let lines = selection::with_options(&state.protocol, &outcome, &form.optional_on);
    if !state.protocol.secure_lines(&lines).is_empty() && !form.secure_paper_asked {
        if let Screen::Ordonnance(f) = &mut state.screen {
            f.secure_paper_asked = true;
        }
        return Ok(());
    }
    let presentations: BTreeMap<String, String> = chosen_presentations(state, &form, &outcome)
        .into_iter()
        .filter(|(id, _)| lines.contains(id))
        .collect();
    let recorded = record(state, services, lines, delegant, presentations, now)?;
    state.act = None;
    let (print, print_failed) = match super::printing::print_act(
        state,
        services,
        &recorded.id,
        super::printing::Which::All,
        now,
    ) {
        Ok(msg) => (msg.message, !msg.ok),
        Err(e) => (
            format!(
                "Acte enregistré, mais les documents n'ont pas pu être produits : {} Réimprimez depuis l'Historique.",
                message_of(&e)
            ),
            true,
        ),
    };
    state.screen = Screen::Termine(Done {
        act_id: recorded.id,
        verification_code: documents::verification_code(&recorded.hash),
        number: recorded.number,
        taken_in_charge: true,
        print: Some(print),
        print_failed,
        save_choices: Vec::new(),
    });
    Ok(())
}
