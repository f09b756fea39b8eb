//! Historique: the acts of the day or the month, one act opened with its
//! follow-ups, reprint and save, and voiding with a reason and the PIN.

use chrono::{DateTime, Utc};

use super::forms::paris_day;
use super::reduce::info;
use super::services::Services;
use super::state::*;
use crate::calendar::Month;
use crate::error::{Error, Result};
use crate::ledger::{AdverseNature, FollowupEvent, Severity};

pub(super) fn open_act(state: &mut KioskState, services: &Services, id: &str) -> Result<()> {
    let view = services.ledger.act(id)?;
    if let Screen::Historique(h) = &mut state.screen {
        h.open = Some(Box::new(view));
        h.void = None;
        h.save_choices.clear();
    }
    Ok(())
}

pub(super) fn close_act(state: &mut KioskState) {
    if let Screen::Historique(h) = &mut state.screen {
        h.open = None;
        h.void = None;
        h.save_choices.clear();
    }
}

pub(super) fn choose_adverse_severity(state: &mut KioskState, severity: Severity) {
    if let Screen::Historique(h) = &mut state.screen {
        h.adverse_severity = Some(severity);
    }
}

/// An adverse event needs its severity chosen first.
pub(super) fn add_adverse_event(
    state: &mut KioskState,
    services: &mut Services,
    now: DateTime<Utc>,
    nature: AdverseNature,
) -> Result<()> {
    let severity = match &state.screen {
        Screen::Historique(h) => h.adverse_severity,
        _ => None,
    };
    match severity {
        Some(severity) => add_followup(
            state,
            services,
            now,
            FollowupEvent::AdverseEvent {
                nature,
                severity,
                text: None,
            },
        ),
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

pub(super) fn open_history(
    state: &mut KioskState,
    services: &Services,
    period: Period,
) -> Result<()> {
    let today = paris_day(state.now);
    let mut acts = services.ledger.acts(Some(Month::of_instant(state.now)))?;
    if period == Period::Today {
        acts.retain(|a| paris_day(a.occurred_at) == today);
    }
    acts.reverse();
    let open = match &state.screen {
        Screen::Historique(h) => h
            .open
            .as_ref()
            .and_then(|v| services.ledger.act(&v.act.id).ok())
            .map(Box::new),
        _ => None,
    };
    state.screen = Screen::Historique(HistoryForm {
        period,
        acts,
        open,
        void: None,
        adverse_severity: None,
        save_choices: Vec::new(),
    });
    Ok(())
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
    super::printing::reprint(state, services, &id, now)?;
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
    let r = services
        .ledger
        .add_followup(&id, &session.auth, event, now)?;
    open_history(state, services, period(state))?;
    info(state, format!("Suivi ajouté à l'acte {}.", r.number));
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
