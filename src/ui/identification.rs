//! Qui êtes-vous ? The délégué list and the PIN keypad.

use eframe::egui;
use egui::{Button, RichText, Ui, Vec2};

use super::theme::*;
use super::widgets::*;
use crate::kiosk::state::IdentForm;
use crate::kiosk::{Action, Field, KioskState};

pub fn show(ui: &mut Ui, state: &KioskState, form: &IdentForm) -> Vec<Action> {
    let mut out = Vec::new();
    // « Qui êtes-vous ? » is the top bar's title; a heading only says why
    // the PIN is asked again. Every pixel counts on a 600-pixel screen.
    if form.locked_by_idle {
        heading(ui, "Session verrouillée");
    }
    ui.columns(2, |cols| {
        let mut left = column(&mut cols[0]);
        let ui = &mut left;
        muted(ui, "Touchez votre nom :");
        for d in state.registry.delegues() {
            let on = form.selected.as_ref() == Some(&d.rpps);
            let trained = if d.trained_on.is_some() {
                ""
            } else {
                " (formation non enregistrée)"
            };
            let text = format!("{}{trained}", d.name);
            if choice(ui, on, &text) {
                out.push(Action::SelectDelegue(d.rpps.clone()));
            }
        }
        ui.add_space(12.0);
        if secondary(ui, "Annuler") {
            out.push(Action::Home);
        }
        // Beside the pad, under the names: the count appearing never
        // moves a key, and stays in view on a 600-pixel screen.
        if let Some(until) = form.locked_until.filter(|u| *u > state.now) {
            block(ui, ERROR_BG, |ui| {
                ui.label(
                    RichText::new(lock_countdown(until, state.now))
                        .size(BODY)
                        .strong(),
                );
            });
        }
        let mut right = column(&mut cols[1]);
        let ui = &mut right;
        let activating = form
            .selected
            .as_ref()
            .is_some_and(|r| state.registry.is_attached() && state.registry.pin_hash(r).is_none());
        if activating {
            out.extend(activation(ui, form));
            return;
        }
        let dots = "* ".repeat(form.pin.len());
        let shown = if form.pin.is_empty() {
            "-".to_string()
        } else {
            dots
        };
        ui.horizontal(|ui| {
            muted(ui, "Code PIN :");
            ui.label(RichText::new(shown).size(HEADING).monospace());
        });
        let key = |ui: &mut Ui, text: &str| {
            ui.add(Button::new(RichText::new(text).size(HEADING)).min_size(Vec2::new(88.0, 64.0)))
                .clicked()
        };
        for row in [["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9"]] {
            ui.horizontal(|ui| {
                for k in row {
                    if key(ui, k) {
                        out.push(Action::PinDigit(k.chars().next().unwrap_or('0')));
                    }
                }
            });
        }
        // « Valider » is a key of the pad: on a 600-pixel-high screen it
        // stays next to the digits instead of below the edge.
        ui.horizontal(|ui| {
            if key(ui, "Effacer") {
                out.push(Action::PinErase);
            }
            if key(ui, "0") {
                out.push(Action::PinDigit('0'));
            }
            let ok = Button::new(
                RichText::new("Valider")
                    .size(BODY + 4.0)
                    .strong()
                    .color(ON_PRIMARY),
            )
            .fill(PRIMARY)
            .min_size(Vec2::new(88.0, 64.0));
            if ui.add(ok).clicked() {
                out.push(Action::SubmitPin);
            }
        });
    });
    out
}

/// First sign-in: the activation code from the CPTS, then the PIN chosen.
fn activation(ui: &mut Ui, form: &IdentForm) -> Vec<Action> {
    let mut out = Vec::new();
    ui.label(
        RichText::new("Première connexion sur cet appareil")
            .size(BODY)
            .strong(),
    );
    muted(
        ui,
        "Tapez le code d'activation remis par la CPTS, puis choisissez votre code PIN (6 chiffres au moins, ni suite ni motif répété).",
    );
    out.extend(field(
        ui,
        "Code d'activation",
        Field::ActivationCode,
        &form.activation.code,
        "XXXX-XXXX-XXXX",
        300.0,
        true,
    ));
    out.extend(field(
        ui,
        "Nouveau code PIN",
        Field::ActivationPin,
        &form.activation.pin,
        "6 chiffres ou plus",
        220.0,
        true,
    ));
    out.extend(field(
        ui,
        "Nouveau code PIN (confirmation)",
        Field::ActivationPinAgain,
        &form.activation.pin_again,
        "le même",
        220.0,
        true,
    ));
    if primary(ui, "Choisir ce code PIN") {
        out.push(Action::SubmitActivation);
    }
    out
}

/// « Réessayez à 11:05 (dans 4 minutes) »: the lock ends on a whole
/// minute, and the kiosk wakes on each minute, so the count moves alone.
fn lock_countdown(
    until: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
) -> String {
    let minutes = (until - now)
        .num_seconds()
        .max(1)
        .unsigned_abs()
        .div_ceil(60);
    format!(
        "Trop d'essais : réessayez à {} (dans {}).",
        crate::fr::time(until),
        crate::fr::plural(minutes, "minute", "minutes")
    )
}
