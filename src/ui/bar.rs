//! The bar fixed at the bottom of every step of a prise en charge (and of
//! its end): the step's main action, « Retour » and « Abandonner la prise en charge »
//! stay on screen whatever its size, while the step above them scrolls.
//! The first setup keeps « Enregistrer et commencer » there, Historique
//! « Retirer ce suivi » while a follow-up is corrected, and Historique,
//! Rapport du mois and Réglages their way back to Accueil, and the
//! questionnaire « Envoyer mes réponses » and « Plus tard ».

use eframe::egui;
use egui::{RichText, Ui};

use super::theme::*;
use super::widgets::*;
use crate::kiosk::forms;
use crate::kiosk::{Action, KioskState, Screen};
use crate::protocol::Decision;

/// Narrower than this, « Abandonner » alone keeps the bar on one row (its
/// confirmation names the prise en charge).
const WIDE_BAR: f32 = 1200.0;

pub fn abandon_label(ui: &Ui) -> &'static str {
    if ui.ctx().content_rect().width() >= WIDE_BAR {
        "Abandonner la prise en charge"
    } else {
        "Abandonner"
    }
}

/// Whether the screen has a bottom bar.
pub fn shown(state: &KioskState) -> bool {
    state.screen.is_act_step()
        || matches!(
            state.screen,
            Screen::ConsentRefused
                | Screen::Termine(_)
                | Screen::Setup(_)
                | Screen::Historique(_)
                | Screen::Rappels(_)
                | Screen::Enquete(_)
                | Screen::Rapport(_)
                | Screen::Reglages(_)
        )
}

/// The step's main action, and whether « Retour » goes back a step.
fn main_action(state: &KioskState) -> (Option<(String, Action)>, bool) {
    let main = |text: &str, a: Action| Some((text.to_string(), a));
    match &state.screen {
        Screen::Patient(f) => {
            let minor = forms::typed_age(f, state.now).is_some_and(crate::act::is_minor);
            let text = if minor {
                "Parent ou tuteur informé et consentant : continuer"
            } else {
                "Patient informé et consentant : continuer"
            };
            (main(text, Action::ConfirmPatient), false)
        }
        Screen::Question(q) => {
            let question = &state.protocol.questions[q.index];
            if super::question::value_buttons(&state.protocol, question) {
                return (None, true);
            }
            let action = match (&question.none, q.checked.is_empty()) {
                (Some(none), true) => main(none, Action::NoneOfThese),
                _ => main("Continuer", Action::SubmitQuestion),
            };
            (action, true)
        }
        Screen::Resultat => {
            let decision = state
                .act
                .as_ref()
                .and_then(|a| a.outcome.as_ref())
                .map(|o| o.decision);
            let action = match decision {
                Some(Decision::Orient(_)) => {
                    main("Enregistrer l'orientation", Action::RecordScreening)
                }
                Some(Decision::TakeInCharge(_)) => {
                    main("Voir l'ordonnance", Action::ShowOrdonnance)
                }
                None => None,
            };
            (action, true)
        }
        Screen::Ordonnance(f) => {
            let text = if f.secure_paper_asked {
                "Papier sécurisé chargé : valider et imprimer"
            } else {
                "Valider et imprimer"
            };
            (main(text, Action::ValidateAndPrint), true)
        }
        Screen::ConsentRefused => (main("Retour à l'accueil", Action::Home), false),
        Screen::Termine(_) => (main("Nouvelle prise en charge", Action::NewAct), false),
        Screen::Setup(_) => (main("Enregistrer et commencer", Action::SubmitSetup), false),
        Screen::Historique(h) if h.correcting.is_some() => {
            (main("Retirer ce suivi", Action::ConfirmCorrection), false)
        }
        Screen::Rappels(f) => match f.open.as_ref().and_then(|c| c.reached) {
            Some(true) => (main("Enregistrer l'appel", Action::SaveCall), false),
            Some(false) => (
                main("Enregistrer : pas de réponse", Action::SaveCall),
                false,
            ),
            None => (None, false),
        },
        Screen::Enquete(f) if f.scores.iter().any(Option::is_some) => {
            (main("Envoyer mes réponses", Action::SendSurvey), false)
        }
        _ => (None, false),
    }
}

pub fn show(ui: &mut Ui, state: &KioskState) -> Vec<Action> {
    let mut out = Vec::new();
    ui.add_space(6.0);
    if state.abandon_asked {
        ui.label(
            RichText::new("Abandonner cette prise en charge ? Rien ne sera enregistré et l'identité saisie sera effacée.")
                .size(BODY)
                .strong(),
        );
        ui.horizontal_wrapped(|ui| {
            if danger(ui, "Oui, abandonner") {
                out.push(Action::ConfirmAbandon);
            }
            if secondary(ui, "Non, continuer") {
                out.push(Action::CancelAbandon);
            }
        });
        ui.add_space(6.0);
        return out;
    }
    let (main, retour) = main_action(state);
    ui.horizontal_wrapped(|ui| {
        if let Some((text, action)) = main
            && primary(ui, &text)
        {
            out.push(action);
        }
        let other = match &state.screen {
            Screen::Patient(_) => Some(("Le patient refuse", Action::RefuseConsent)),
            Screen::Historique(h) if h.correcting.is_some() => {
                Some(("Ne pas corriger", Action::CancelCorrection))
            }
            Screen::Enquete(_) => Some(("Plus tard", Action::SurveyLater)),
            Screen::Termine(_)
            | Screen::Historique(_)
            | Screen::Rappels(_)
            | Screen::Rapport(_)
            | Screen::Reglages(_) => Some(("Accueil", Action::Home)),
            _ => None,
        };
        if let Some((text, action)) = other
            && secondary(ui, text)
        {
            out.push(action);
        }
        if retour && secondary(ui, "Retour") {
            out.push(Action::Back);
        }
        if state.screen.is_act_step() && secondary(ui, abandon_label(ui)) {
            out.push(Action::AskAbandon);
        }
    });
    ui.add_space(6.0);
    out
}
