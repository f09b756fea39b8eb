//! « À rappeler »: the follow-up calls due today or overdue, one call
//! opened with the plan's questions, and the call recorded with its
//! answers (through `Ledger::record_call`, which checks them). Accueil
//! shows how many are due.

use chrono::{DateTime, Utc};

use super::forms::{paris_day, parse_date_fr};
use super::reduce::info;
use super::services::Services;
use super::state::*;
use crate::calls::{Adverse, Answers, AppointmentAnswer, by_act};
use crate::error::{Error, Result};
use crate::ledger::{AdverseNature, Severity};
use crate::protocol::Ask;

/// One answer touched on the call screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallAnswer {
    Reached(bool),
    AppointmentMade(bool),
    Pain(u8),
    /// `None`: the patient declines to say.
    Satisfaction(Option<u8>),
    NoAdverseEvent,
    AdverseSeverity(Severity),
    AdverseNature(AdverseNature),
}

/// How many patients are to be called (one call makes all of an act's
/// calls due), for Accueil: counted again when Accueil comes
/// back and when the day changes. A ledger that cannot be read leaves the
/// count out rather than stopping the kiosk.
pub(super) fn count(state: &mut KioskState, services: &Services, now: DateTime<Utc>, force: bool) {
    let today = paris_day(now);
    if !force && state.calls_due.is_some_and(|(on, _)| on == today) {
        return;
    }
    state.calls_due = match services.ledger.calls_due(&state.protocol, today) {
        Ok(due) if state.protocol.followup.is_some() => Some((today, by_act(&due).len())),
        _ => None,
    };
}

pub(super) fn open(state: &mut KioskState, services: &Services, now: DateTime<Utc>) -> Result<()> {
    let due = services.ledger.calls_due(&state.protocol, paris_day(now))?;
    state.calls_due = Some((paris_day(now), by_act(&due).len()));
    state.screen = Screen::Rappels(CallsForm { due, open: None });
    Ok(())
}

pub(super) fn open_call(state: &mut KioskState, act: &str) {
    if let Screen::Rappels(f) = &mut state.screen
        && f.due.iter().any(|c| c.act_id == act)
    {
        f.open = Some(CallForm::new(act));
    }
}

pub(super) fn close_call(state: &mut KioskState) {
    if let Screen::Rappels(f) = &mut state.screen {
        f.open = None;
    }
}

pub(super) fn answer(state: &mut KioskState, a: CallAnswer) {
    let Screen::Rappels(CallsForm { open: Some(c), .. }) = &mut state.screen else {
        return;
    };
    match a {
        CallAnswer::Reached(r) => c.reached = Some(r),
        CallAnswer::AppointmentMade(m) => {
            c.appointment_made = Some(m);
            if !m {
                c.appointment_date.clear();
            }
        }
        CallAnswer::Pain(p) => c.pain = Some(p.min(10)),
        CallAnswer::Satisfaction(s) => c.satisfaction = Some(s.map(|s| s.clamp(1, 5))),
        CallAnswer::NoAdverseEvent => {
            c.no_adverse = true;
            c.severity = None;
            c.nature = None;
        }
        CallAnswer::AdverseSeverity(s) => {
            c.no_adverse = false;
            c.severity = Some(s);
        }
        CallAnswer::AdverseNature(n) => {
            c.no_adverse = false;
            c.nature = Some(n);
        }
    }
}

/// The answers typed, as the core takes them: only what the call asks,
/// each one given.
fn answers(c: &CallForm, ask: &[Ask]) -> Result<Answers> {
    let Some(reached) = c.reached else {
        return Err(Error::input(
            "appel",
            "le patient a-t-il répondu ? touchez « A répondu » ou « Pas de réponse »",
        ));
    };
    if !reached {
        return Ok(Answers::default());
    }
    let asked = |a: Ask| ask.contains(&a);
    let appointment = match (asked(Ask::Appointment), c.appointment_made) {
        (false, _) => None,
        (true, None) => {
            return Err(Error::input(
                "rendez-vous",
                "le rendez-vous dentaire est-il pris ? touchez « Oui, pris » ou « Pas encore »",
            ));
        }
        (true, Some(made)) => {
            let typed = c.appointment_date.trim();
            let on = if made && !typed.is_empty() {
                Some(parse_date_fr("date du rendez-vous", typed)?)
            } else {
                None
            };
            Some(AppointmentAnswer { made, on })
        }
    };
    let pain = match (asked(Ask::Pain), c.pain) {
        (false, _) => None,
        (true, None) => {
            return Err(Error::input("douleur", "touchez la douleur, de 0 à 10"));
        }
        (true, p) => p,
    };
    let satisfaction = if asked(Ask::Satisfaction) {
        c.satisfaction.flatten()
    } else {
        None
    };
    let adverse = match (
        asked(Ask::AdverseEvent),
        c.no_adverse,
        c.severity,
        c.nature.clone(),
    ) {
        (false, ..) => None,
        (true, true, ..) => Some(Adverse::None),
        (true, false, Some(s), Some(n)) => Some(Adverse::Event(n, s)),
        (true, false, None, None) => {
            return Err(Error::input(
                "effet indésirable",
                "touchez « Aucun », ou la gravité et la nature de l'effet",
            ));
        }
        (true, false, None, Some(_)) => {
            return Err(Error::input(
                "effet indésirable",
                "touchez aussi sa gravité",
            ));
        }
        (true, false, Some(_), None) => {
            return Err(Error::input("effet indésirable", "touchez aussi sa nature"));
        }
    };
    Ok(Answers {
        reached,
        appointment,
        pain,
        satisfaction,
        adverse,
    })
}

/// « Enregistrer l'appel »: recorded for good, then the list read again
/// (the call leaves it, or comes back tomorrow after no answer).
pub(super) fn save(
    state: &mut KioskState,
    services: &mut Services,
    now: DateTime<Utc>,
) -> Result<()> {
    let Some(session) = &state.session else {
        return Err(Error::input("session", "identifiez-vous d'abord"));
    };
    let Screen::Rappels(CallsForm { due, open: Some(c) }) = &state.screen else {
        return Ok(());
    };
    let calls: Vec<&crate::calls::DueCall> = due.iter().filter(|d| d.act_id == c.act_id).collect();
    let Some(first) = calls.first() else {
        return Err(Error::input("appel", "cet appel n'est plus à faire"));
    };
    let mut ask: Vec<Ask> = calls.iter().flat_map(|d| d.ask.iter().copied()).collect();
    ask.sort();
    ask.dedup();
    let answers = answers(c, &ask)?;
    let (patient, reached) = (first.patient.clone(), answers.reached);
    let after = no_answer_outcome(&calls, &state.protocol, paris_day(now));
    let ids: Vec<&str> = calls.iter().map(|d| d.call.as_str()).collect();
    let protocol = state.protocol.clone();
    services
        .ledger
        .record_call(&protocol, &c.act_id, &session.auth, &ids, &answers, now)?;
    open(state, services, now)?;
    info(
        state,
        if reached {
            format!("Appel de {patient} enregistré.")
        } else {
            format!("Pas de réponse de {patient} : {after}.")
        },
    );
    Ok(())
}

/// What one more try without an answer does to these calls, in words:
/// back tomorrow, closed as « injoignable », or missed (its window ends).
fn no_answer_outcome(
    calls: &[&crate::calls::DueCall],
    protocol: &crate::protocol::Protocol,
    today: chrono::NaiveDate,
) -> &'static str {
    let window = protocol.followup.as_ref().map_or(0, |p| p.window_days);
    let closed = |c: &&&crate::calls::DueCall| c.tries.saturating_add(1) >= c.attempts;
    let last_day = |c: &&&crate::calls::DueCall| {
        c.due_on
            .checked_add_signed(chrono::Duration::days(i64::from(window)))
            .is_none_or(|last| last <= today)
    };
    if calls.iter().all(|c| closed(&c)) {
        "patient noté injoignable pour cet appel"
    } else if calls.iter().all(|c| closed(&c) || last_day(&c)) {
        "c'était le dernier jour de l'appel, il ne sera plus proposé"
    } else {
        "l'appel reviendra demain"
    }
}
