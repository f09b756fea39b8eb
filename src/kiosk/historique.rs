//! Historique: the acts of the day or the month, one act opened with its
//! follow-ups, reprint and save, and voiding with a reason and the PIN.

use chrono::{DateTime, Utc};

use super::forms::paris_day;
use super::reduce::info;
use super::services::Services;
use super::state::*;
use crate::error::{Error, Result};
use crate::ledger::{AdverseNature, FollowupEvent, Severity};

pub(super) fn open_act(state: &mut KioskState, services: &Services, id: &str) -> Result<()> {
    let view = services.ledger.act(id)?;
    if let Screen::Historique(h) = &mut state.screen {
        h.open = Some(Box::new(view));
        h.void = None;
        h.pending = None;
        h.correcting = None;
        h.save_choices.clear();
    }
    Ok(())
}

pub(super) fn close_act(state: &mut KioskState) {
    if let Screen::Historique(h) = &mut state.screen {
        h.open = None;
        h.void = None;
        h.pending = None;
        h.correcting = None;
        h.save_choices.clear();
    }
}

pub(super) fn choose_adverse_severity(state: &mut KioskState, severity: Severity) {
    if let Screen::Historique(h) = &mut state.screen {
        h.adverse_severity = Some(severity);
    }
}

/// An adverse event needs its severity chosen first; then it is shown to
/// be confirmed.
pub(super) fn add_adverse_event(state: &mut KioskState, nature: AdverseNature) -> Result<()> {
    let severity = match &state.screen {
        Screen::Historique(h) => h.adverse_severity,
        _ => None,
    };
    match severity {
        Some(severity) => {
            let event =
                FollowupEvent::adverse(&state.protocol.adverse, nature.id(), severity, None)?;
            propose_followup(state, event);
            Ok(())
        }
        None => Err(Error::input(
            "gravité",
            "choisissez d'abord la gravité de l'événement indésirable (légère, modérée, grave)",
        )),
    }
}

pub(super) fn start_void(state: &mut KioskState, on: bool) {
    if let Screen::Historique(h) = &mut state.screen {
        h.void = on.then(VoidForm::default);
    }
}

/// « Corriger » a follow-up of the act shown (`None`: « Ne pas corriger »).
pub(super) fn start_correction(state: &mut KioskState, corrects: Option<u64>) {
    if let Screen::Historique(h) = &mut state.screen
        && h.open.is_some()
    {
        h.pending = None;
        h.correcting = corrects.map(|corrects| CorrectionForm {
            corrects,
            reason: String::new(),
        });
    }
}

/// « Retirer ce suivi »: a correction entry, the mistaken one kept and
/// counted no more (the ledger checks what may be corrected).
pub(super) fn confirm_correction(
    state: &mut KioskState,
    services: &mut Services,
    now: DateTime<Utc>,
) -> Result<()> {
    let Some(form) = (match &state.screen {
        Screen::Historique(h) => h.correcting.clone(),
        _ => None,
    }) else {
        return Ok(());
    };
    let reason = form.reason.trim().to_string();
    if reason.is_empty() {
        return Err(Error::input(
            "motif",
            "touchez un motif de correction ou écrivez-le",
        ));
    }
    let event = FollowupEvent::Correction {
        corrects: form.corrects,
        reason,
    };
    add_followup(state, services, now, event)
}

pub(super) fn open_history(
    state: &mut KioskState,
    services: &Services,
    period: Period,
) -> Result<()> {
    let acts = services.ledger.acts(None)?;
    let names = names(state, services, &acts)?;
    let issued = services.ledger.documents_issued()?;
    let mut rows: Vec<HistoryRow> = acts
        .into_iter()
        .map(|act| {
            let named = names.get(&act.id).cloned().unwrap_or_default();
            let docs: Vec<&str> = issued
                .get(&act.id)
                .map(|d| d.iter().map(String::as_str).collect())
                .unwrap_or_default();
            let missing = !crate::documents::Printable::of(&docs, &named.protocol, &state.protocol)
                .missing
                .is_empty();
            HistoryRow {
                patient: named.patient,
                folded: named.folded,
                protocol: named.protocol,
                day: paris_day(act.occurred_at),
                to_print: act.taken_in_charge && !act.void && missing,
                act,
            }
        })
        .collect();
    rows.reverse();
    let (open, search) = match &state.screen {
        Screen::Historique(h) => (
            h.open
                .as_ref()
                .and_then(|v| services.ledger.act(&v.act.id).ok())
                .map(Box::new),
            h.search.clone(),
        ),
        _ => (None, String::new()),
    };
    state.screen = Screen::Historique(HistoryForm {
        period,
        rows,
        search,
        pending: None,
        open,
        void: None,
        correcting: None,
        adverse_severity: None,
        save_choices: Vec::new(),
    });
    Ok(())
}

/// Each act's patient (`NOM Prénom`, and folded for the search), by act
/// id. The names come from the acts themselves (encrypted on the device):
/// read once when Historique opens, kept while it reloads after a
/// follow-up, a reprint or a void (no act is recorded from it).
/// What Historique keeps of each act's record, decoded once.
#[derive(Debug, Clone, Default)]
struct Named {
    patient: String,
    folded: String,
    protocol: String,
}

fn names(
    state: &KioskState,
    services: &Services,
    acts: &[crate::ledger::ActSummary],
) -> Result<std::collections::BTreeMap<String, Named>> {
    if let Screen::Historique(h) = &state.screen
        && h.rows.len() == acts.len()
    {
        return Ok(h
            .rows
            .iter()
            .map(|r| {
                let named = Named {
                    patient: r.patient.clone(),
                    folded: r.folded.clone(),
                    protocol: r.protocol.clone(),
                };
                (r.act.id.clone(), named)
            })
            .collect());
    }
    Ok(services
        .ledger
        .act_records(None)?
        .into_iter()
        .map(|(r, _)| {
            let patient = r.patient.display_name();
            let named = Named {
                folded: crate::text::fold(&patient),
                patient,
                protocol: r.protocol.sha256,
            };
            (r.id, named)
        })
        .collect())
}

/// A follow-up touched: shown to be confirmed, not yet recorded (a score
/// touched by mistake is never kept).
pub(super) fn propose_followup(state: &mut KioskState, event: FollowupEvent) {
    if let Screen::Historique(h) = &mut state.screen
        && h.open.is_some()
    {
        h.pending = Some(event);
    }
}

/// « Ne pas enregistrer ».
pub(super) fn cancel_followup(state: &mut KioskState) {
    if let Screen::Historique(h) = &mut state.screen {
        h.pending = None;
    }
}

/// « Enregistrer » the follow-up shown.
pub(super) fn confirm_followup(
    state: &mut KioskState,
    services: &mut Services,
    now: DateTime<Utc>,
) -> Result<()> {
    let pending = match &mut state.screen {
        Screen::Historique(h) => h.pending.take(),
        _ => None,
    };
    match pending {
        Some(event) => add_followup(state, services, now, event),
        None => Ok(()),
    }
}

fn open_act_id(state: &KioskState) -> Option<String> {
    match &state.screen {
        Screen::Historique(h) => h.open.as_ref().map(|v| v.act.id.clone()),
        _ => None,
    }
}

fn period(state: &KioskState) -> Period {
    match &state.screen {
        Screen::Historique(h) => h.period,
        _ => Period::Today,
    }
}

pub(super) fn reprint(
    state: &mut KioskState,
    services: &mut Services,
    now: DateTime<Utc>,
) -> Result<()> {
    let Some(id) = open_act_id(state) else {
        return Ok(());
    };
    // An act with a document never printed prints what is missing; one
    // printed in full is reprinted whole.
    let view = services.ledger.act(&id)?;
    let which = if crate::documents::Printable::of_view(&view, &state.protocol)
        .missing
        .is_empty()
    {
        super::printing::Which::All
    } else {
        super::printing::Which::Missing
    };
    super::printing::reprint(state, services, &id, which, now)?;
    open_history(state, services, period(state))
}

/// « Enregistrer le PDF » on Terminé or on an act of Historique.
pub(super) fn save_documents(
    state: &mut KioskState,
    services: &mut Services,
    drive: Option<std::path::PathBuf>,
    now: DateTime<Utc>,
) -> Result<()> {
    let id = match &state.screen {
        Screen::Termine(d) if d.taken_in_charge => d.act_id.clone(),
        Screen::Historique(_) => match open_act_id(state) {
            Some(id) => id,
            None => return Ok(()),
        },
        _ => return Ok(()),
    };
    let in_history = matches!(state.screen, Screen::Historique(_));
    let choices = super::printing::save(state, services, &id, drive, now)?;
    if in_history && choices.is_empty() {
        open_history(state, services, period(state))?;
    }
    match &mut state.screen {
        Screen::Termine(d) => d.save_choices = choices,
        Screen::Historique(h) => h.save_choices = choices,
        _ => {}
    }
    Ok(())
}

pub(super) fn add_followup(
    state: &mut KioskState,
    services: &mut Services,
    now: DateTime<Utc>,
    event: FollowupEvent,
) -> Result<()> {
    let Some(id) = open_act_id(state) else {
        return Ok(());
    };
    let session = state
        .session
        .clone()
        .ok_or_else(|| Error::input("délégué", "identifiez-vous d'abord"))?;
    let correction = matches!(event, FollowupEvent::Correction { .. });
    let r = services
        .ledger
        .add_followup(&id, &session.auth, event, now)?;
    open_history(state, services, period(state))?;
    let said = if correction {
        format!(
            "Suivi retiré de l'acte {} : il reste au registre, barré, et ne compte plus.",
            r.number
        )
    } else {
        format!("Suivi ajouté à l'acte {}.", r.number)
    };
    info(state, said);
    Ok(())
}

/// Voiding needs a reason and the délégué's PIN again (it counts towards
/// the lock-out like any PIN).
pub(super) fn confirm_void(
    state: &mut KioskState,
    services: &mut Services,
    now: DateTime<Utc>,
) -> Result<()> {
    let Screen::Historique(h) = &mut state.screen else {
        return Ok(());
    };
    let (Some(view), Some(form)) = (h.open.as_ref(), h.void.as_mut()) else {
        return Ok(());
    };
    let id = view.act.id.clone();
    let reason = form.reason.trim().to_string();
    let pin = std::mem::take(&mut form.pin);
    if reason.is_empty() {
        return Err(Error::input(
            "motif",
            "le motif d'annulation est obligatoire",
        ));
    }
    let session = state
        .session
        .clone()
        .ok_or_else(|| Error::input("délégué", "identifiez-vous d'abord"))?;
    let author = services.ledger.authenticate(&session.rpps, &pin, now)?;
    let r = services
        .ledger
        .add_followup(&id, &author, FollowupEvent::Void { reason }, now)?;
    open_history(state, services, period(state))?;
    info(
        state,
        format!(
            "Acte {} annulé. Il reste dans le registre, marqué annulé.",
            r.number
        ),
    );
    Ok(())
}
