//! « Votre avis »: the protocol's questionnaire, each question with its
//! five scores; « Envoyer mes réponses » and « Plus tard » in the bottom
//! bar.

use eframe::egui;
use egui::{RichText, Ui};

use super::theme::*;
use super::widgets::*;
use crate::kiosk::state::SurveyForm;
use crate::kiosk::{Action, KioskState};
use crate::protocol::survey::SCALE_HINT;

pub fn show(ui: &mut Ui, state: &KioskState, form: &SurveyForm) -> Vec<Action> {
    let mut out = Vec::new();
    let Some(survey) = &state.protocol.survey else {
        return out;
    };
    heading(ui, &survey.title);
    muted(
        ui,
        &format!(
            "Questionnaire du {} · répondez aux questions de votre choix, de 1 à 5 ({SCALE_HINT}).",
            form.quarter.name_fr()
        ),
    );
    if let Some(intro) = &survey.intro {
        ui.add_space(4.0);
        ui.label(RichText::new(intro).size(BODY));
    }
    // The five scores on one row: narrower than this, the ends are named
    // by the line above only.
    let named_ends = ui.available_width() >= 860.0;
    for (i, (q, chosen)) in survey.questions.iter().zip(&form.scores).enumerate() {
        ui.add_space(12.0);
        block(ui, egui::Color32::WHITE, |ui| {
            ui.label(RichText::new(&q.text).size(BODY).strong());
            ui.horizontal_wrapped(|ui| {
                for score in crate::protocol::Survey::SCORES {
                    let label = match score {
                        1 if named_ends => "1 · pas du tout".to_string(),
                        5 if named_ends => "5 · tout à fait".to_string(),
                        n => n.to_string(),
                    };
                    if choice(ui, *chosen == Some(score), &label) {
                        out.push(Action::SurveyScore(i, score));
                    }
                }
            });
        });
    }
    ui.add_space(8.0);
    muted(
        ui,
        "« Plus tard » : le questionnaire vous sera proposé de nouveau au prochain trimestre.",
    );
    out
}
