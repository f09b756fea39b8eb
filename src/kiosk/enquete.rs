//! « Votre avis »: the protocol's questionnaire for the professionals,
//! offered once a quarter. After the PIN it comes first, unless the
//! délégué signed in for a prise en charge (a patient is waiting) or to
//! resume one: Accueil offers it then. « Plus tard » puts it off to the
//! next quarter; Escape goes on without recording anything (it is offered
//! again at the next sign-in).

use chrono::{DateTime, Utc};

use super::forms::paris_day;
use super::reduce::info;
use super::services::Services;
use super::session;
use super::state::*;
use crate::calendar::Quarter;
use crate::error::Result;
use crate::ids::Rpps;
use crate::ledger::SurveyResponse;
use crate::protocol::SurveyAnswer;

/// After the PIN: whether the questionnaire is due for the délégué now
/// signed in (kept for Accueil), and shown first when `then` allows.
/// Returns whether it was shown.
pub(super) fn offer(state: &mut KioskState, services: &Services, then: &After) -> bool {
    let Some(session) = &state.session else {
        return false;
    };
    state.survey_due = due_now(state, services, &session.rpps);
    let patient_waits = matches!(then, After::NewAct | After::Resume(..));
    match state.survey_due {
        Some(_) if !patient_waits => {
            show(state, then.clone());
            true
        }
        _ => false,
    }
}

fn show(state: &mut KioskState, then: After) {
    let (Some(survey), Some(quarter)) = (&state.protocol.survey, state.survey_due) else {
        return;
    };
    state.screen = Screen::Enquete(SurveyForm {
        quarter,
        scores: vec![None; survey.questions.len()],
        then,
    });
}

/// Accueil's « Répondre au questionnaire ».
pub(super) fn open_from_accueil(state: &mut KioskState, services: &Services) {
    refresh(state, services);
    if state.session.is_some() && matches!(state.screen, Screen::Accueil) {
        show(state, After::Accueil);
    }
}

/// A session that outlived its quarter: whether the new quarter's
/// questionnaire is due, read again (Accueil calls this on each action).
pub(super) fn refresh(state: &mut KioskState, services: &Services) {
    if let (Some(session), Some(due)) = (&state.session, state.survey_due)
        && due != Quarter::of_instant(state.now)
    {
        state.survey_due = due_now(state, services, &session.rpps);
    }
}

/// The quarter whose questionnaire `rpps` has still to see now; `None`
/// too when the ledger cannot say: a questionnaire that cannot be read
/// never stops a sign-in.
fn due_now(state: &KioskState, services: &Services, rpps: &Rpps) -> Option<Quarter> {
    services
        .ledger
        .survey_due(&state.protocol, rpps, paris_day(state.now))
        .ok()
        .flatten()
}

pub(super) fn score(state: &mut KioskState, question: usize, score: u8) {
    if let Screen::Enquete(f) = &mut state.screen
        && crate::protocol::Survey::SCORES.contains(&score)
        && let Some(slot) = f.scores.get_mut(question)
    {
        // Touching the score chosen again takes it back.
        *slot = if *slot == Some(score) {
            None
        } else {
            Some(score)
        };
    }
}

pub(super) fn send(
    state: &mut KioskState,
    services: &mut Services,
    now: DateTime<Utc>,
) -> Result<()> {
    let Screen::Enquete(f) = &state.screen else {
        return Ok(());
    };
    let Some(survey) = &state.protocol.survey else {
        return Ok(());
    };
    let answers: Vec<SurveyAnswer> = survey
        .questions
        .iter()
        .zip(&f.scores)
        .filter_map(|(q, s)| {
            s.map(|score| SurveyAnswer {
                question: q.id.clone(),
                score,
            })
        })
        .collect();
    // None answered is refused by the core (`Survey::check`).
    if record(state, services, SurveyResponse::Answered(answers), now)? {
        info(state, "Merci : vos réponses sont enregistrées.");
    }
    Ok(())
}

pub(super) fn later(
    state: &mut KioskState,
    services: &mut Services,
    now: DateTime<Utc>,
) -> Result<()> {
    if !matches!(state.screen, Screen::Enquete(_)) {
        return Ok(());
    }
    if record(state, services, SurveyResponse::Declined, now)? {
        // Worded from the quarter it is recorded in (the session may have
        // begun in the one before).
        let next = Quarter::of_instant(now).next();
        info(
            state,
            format!(
                "Le questionnaire vous sera proposé de nouveau au {}.",
                next.name_fr()
            ),
        );
    }
    Ok(())
}

/// Escape: on where the sign-in was going, nothing recorded.
pub(super) fn not_now(
    state: &mut KioskState,
    services: &mut Services,
    now: DateTime<Utc>,
) -> Result<()> {
    let Screen::Enquete(f) = &state.screen else {
        return Ok(());
    };
    let then = f.then.clone();
    session::go(state, services, then, now)
}

/// Records the response and goes on; `false` when it was not recorded
/// because this quarter's already was (from the command line, or a first
/// touch whose screen change failed): the kiosk says so and goes on too.
fn record(
    state: &mut KioskState,
    services: &mut Services,
    response: SurveyResponse,
    now: DateTime<Utc>,
) -> Result<bool> {
    let (Screen::Enquete(f), Some(session)) = (&state.screen, &state.session) else {
        return Ok(false);
    };
    let then = f.then.clone();
    let rpps = session.rpps.clone();
    let recorded =
        match services
            .ledger
            .record_survey(&state.protocol, &session.auth, response, now)
        {
            Ok(_) => true,
            // Refused because the ledger says it is no longer due: recorded
            // already. Any other refusal, or a ledger that cannot say, is shown.
            Err(_)
                if matches!(
                    services
                        .ledger
                        .survey_due(&state.protocol, &rpps, paris_day(now)),
                    Ok(None)
                ) =>
            {
                false
            }
            Err(e) => return Err(e),
        };
    state.survey_due = None;
    session::go(state, services, then, now)?;
    if !recorded {
        info(
            state,
            "Votre réponse à ce questionnaire est déjà enregistrée pour ce trimestre.",
        );
    }
    Ok(recorded)
}
