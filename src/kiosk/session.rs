//! Signing in and out: choosing one's name, the PIN keypad, the lock
//! (by hand or after the idle delay) and where the kiosk goes once the
//! PIN is proved.

use chrono::{DateTime, Utc};

use super::historique::open_history;
use super::prise_en_charge::begin_act;
use super::rapport;
use super::reglages::open_settings;
use super::services::Services;
use super::state::*;
use crate::error::{Error, Result};
use crate::fr;
use crate::ids::Rpps;

/// Longest PIN the keypad takes.
const MAX_PIN_DIGITS: usize = 8;

pub(super) fn select_delegue(
    state: &mut KioskState,
    services: &Services,
    rpps: Rpps,
    now: DateTime<Utc>,
) {
    if let Screen::Identification(f) = &mut state.screen {
        f.selected = Some(rpps);
        f.pin.clear();
    }
    show_lock(state, services, now);
}

/// The lock-out of the délégué selected, as the ledger has it: shown (and
/// counted down) as soon as her name is, not only after a new try.
pub(super) fn show_lock(state: &mut KioskState, services: &Services, now: DateTime<Utc>) {
    if let Screen::Identification(f) = &mut state.screen {
        f.locked_until = f
            .selected
            .as_ref()
            .and_then(|r| services.ledger.locked_until(r, now).ok().flatten());
    }
}

pub(super) fn pin_digit(state: &mut KioskState, c: char) {
    if let Screen::Identification(f) = &mut state.screen
        && c.is_ascii_digit()
        && f.pin.len() < MAX_PIN_DIGITS
    {
        f.pin.push(c);
    }
}

pub(super) fn pin_erase(state: &mut KioskState) {
    if let Screen::Identification(f) = &mut state.screen {
        f.pin.pop();
    }
}

/// Runs `then` when a délégué is signed in, else asks for the PIN first.
pub(super) fn require_session(
    state: &mut KioskState,
    then: After,
    go: impl FnOnce(&mut KioskState) -> Result<()>,
) -> Result<()> {
    if state.session.is_some() {
        return go(state);
    }
    let delegues = state.registry.delegues();
    let selected = match (&state.last_delegue, delegues.as_slice()) {
        (Some(r), _) if state.registry.delegue(r).is_some() => Some(r.clone()),
        (_, [only]) => Some(only.rpps.clone()),
        _ => None,
    };
    state.screen = Screen::Identification(IdentForm {
        selected,
        activation: ActivationForm::default(),
        pin: String::new(),
        then,
        locked_by_idle: false,
        locked_until: None,
    });
    Ok(())
}

/// Closes the session. The act in progress is kept: the same délégué
/// resumes it after the PIN, anyone else starts afresh.
pub(super) fn lock(state: &mut KioskState, by_idle: bool) {
    let Some(session) = state.session.take() else {
        return;
    };
    state.abandon_asked = false;
    state.survey_due = None;
    let current = std::mem::replace(&mut state.screen, Screen::Accueil);
    let resumable = matches!(
        current,
        Screen::Patient(_)
            | Screen::Question(_)
            | Screen::Resultat
            | Screen::Ordonnance(_)
            | Screen::Historique(_)
            | Screen::Rappels(_)
            | Screen::Rapport(_)
            | Screen::Reglages(_)
    );
    if resumable {
        state.screen = Screen::Identification(IdentForm {
            selected: Some(session.rpps.clone()),
            activation: ActivationForm::default(),
            pin: String::new(),
            then: After::Resume(Box::new(current), session.rpps),
            locked_by_idle: by_idle,
            locked_until: None,
        });
    } else {
        state.act = None;
    }
    if by_idle {
        state.message = Some(Message::Info(format!(
            "Session verrouillée après {} d'inactivité.",
            fr::plural(
                u64::from(state.settings.idle_lock_minutes),
                "minute",
                "minutes"
            )
        )));
    }
}

pub(super) fn submit_pin(
    state: &mut KioskState,
    services: &mut Services,
    now: DateTime<Utc>,
) -> Result<()> {
    let Screen::Identification(form) = &mut state.screen else {
        return Ok(());
    };
    let Some(rpps) = form.selected.clone() else {
        return Err(Error::input("délégué", "touchez votre nom dans la liste"));
    };
    let pin = std::mem::take(&mut form.pin);
    if pin.is_empty() {
        return Err(Error::input("code PIN", "tapez votre code PIN"));
    }
    let then = form.then.clone();
    let auth = services.ledger.authenticate(&rpps, &pin, now);
    show_lock(state, services, now);
    open_session(state, services, auth?, then, now)
}

/// A délégué proved her PIN: the session opens and the kiosk goes where
/// the sign-in was asked for.
pub(super) fn open_session(
    state: &mut KioskState,
    services: &mut Services,
    auth: crate::ledger::Authenticated,
    then: After,
    now: DateTime<Utc>,
) -> Result<()> {
    let rpps = auth.rpps().clone();
    let delegue = auth.delegue();
    state.session = Some(Session {
        rpps: delegue.rpps.clone(),
        name: delegue.name.clone(),
        profession: delegue.profession,
        auth: auth.clone(),
    });
    state.last_delegue = Some(rpps);
    if super::enquete::offer(state, services, &then) {
        return Ok(());
    }
    go(state, services, then, now)
}

/// Where the kiosk goes once the délégué is signed in (after the
/// questionnaire, when it came first).
pub(super) fn go(
    state: &mut KioskState,
    services: &mut Services,
    then: After,
    now: DateTime<Utc>,
) -> Result<()> {
    let Some(rpps) = state.session.as_ref().map(|s| s.rpps.clone()) else {
        state.screen = Screen::Accueil;
        return Ok(());
    };
    match then {
        After::NewAct => begin_act(state)?,
        After::Historique => open_history(state, services, Period::Today)?,
        After::Rappels => super::rappels::open(state, services, now)?,
        After::Rapport => rapport::open(state, services, None, now)?,
        After::Reglages => open_settings(state, services),
        After::Accueil => state.screen = Screen::Accueil,
        // The calls due are read again: the lock may have lasted past midnight.
        After::Resume(screen, owner) if owner == rpps && matches!(*screen, Screen::Rappels(_)) => {
            super::rappels::open(state, services, now)?
        }
        After::Resume(screen, owner) if owner == rpps => state.screen = *screen,
        After::Resume(..) => {
            state.act = None;
            state.screen = Screen::Accueil;
        }
    }
    Ok(())
}
