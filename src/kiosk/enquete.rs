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
use crate::error::{Error, Result};
use crate::ledger::SurveyResponse;
use crate::protocol::SurveyAnswer;

/// After the PIN: whether the questionnaire is due for the délégué now
/// signed in (kept for Accueil), and shown first when `then` allows.
/// Returns whether it was shown.
pub(super) fn offer(state: &mut KioskState, services: &Services, then: &After) -> bool {
    let Some(session) = &state.session else {
        return false;
    };
    // A questionnaire that cannot be read never stops a sign-in.
    state.survey_due = services
        .ledger
        .survey_due(&state.protocol, &session.rpps, paris_day(state.now))
        .ok()
        .flatten();
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
pub(super) fn open_from_accueil(state: &mut KioskState) {
    if state.session.is_some() && matches!(state.screen, Screen::Accueil) {
        show(state, After::Accueil);
    }
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
    if answers.is_empty() {
        return Err(Error::input(
            "questionnaire",
            "touchez une note pour au moins une question, ou « Plus tard »",
        ));
    }
    record(state, services, SurveyResponse::Answered(answers), now)?;
    info(state, "Merci : vos réponses sont enregistrées.");
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
    let quarter = state.survey_due;
    record(state, services, SurveyResponse::Declined, now)?;
    let next = quarter.map_or("au prochain trimestre".to_string(), |q| {
        format!("au {}", q.next().name_fr())
    });
    info(
        state,
        format!("Le questionnaire vous sera proposé de nouveau {next}."),
    );
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

fn record(
    state: &mut KioskState,
    services: &mut Services,
    response: SurveyResponse,
    now: DateTime<Utc>,
) -> Result<()> {
    let (Screen::Enquete(f), Some(session)) = (&state.screen, &state.session) else {
        return Ok(());
    };
    let then = f.then.clone();
    services
        .ledger
        .record_survey(&state.protocol, &session.auth, response, now)?;
    state.survey_due = None;
    session::go(state, services, then, now)
}
