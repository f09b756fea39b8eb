//! « Tableau de bord »: each device, its last report, what is missing; the
//! month to pay next.

use eframe::egui::{self, RichText, Ui};

use super::super::theme::*;
use super::super::widgets::*;
use crate::cpts::dashboard::Dashboard;
use crate::fr;
use crate::office::{Action, Tab};

fn month_name(m: &str) -> String {
    m.parse::<crate::calendar::Month>()
        .map_or(m.to_string(), |m| m.name_fr())
}

pub fn show(ui: &mut Ui, d: &Dashboard) -> Vec<Action> {
    let mut out = Vec::new();
    heading(ui, "Tableau de bord");
    match &d.next_to_pay {
        Some(m) => {
            ui.horizontal_wrapped(|ui| {
                ui.label(
                    RichText::new(format!("Prochain mois à payer : {}", month_name(m)))
                        .size(BODY)
                        .strong(),
                );
                if secondary(ui, "Voir le mois") {
                    out.push(Action::Show(Tab::Month));
                }
            });
        }
        None if d.paid.is_empty() => muted(ui, "Aucun rapport reçu pour l'instant."),
        None => muted(ui, "Tous les mois reçus sont payés."),
    }
    ui.add_space(8.0);
    if d.devices.is_empty() {
        muted(
            ui,
            "Aucun appareil enregistré : enregistrez les tablettes et postes des structures pour recevoir leurs rapports.",
        );
    }
    if d.devices.is_empty() {
        return out;
    }
    egui::Grid::new("devices")
        .striped(true)
        .spacing([24.0, 10.0])
        .show(ui, |ui| {
            for h in ["Appareil", "Dernier rapport", "À regarder"] {
                ui.label(RichText::new(h).size(SMALL).strong());
            }
            ui.end_row();
            for dev in &d.devices {
                ui.label(RichText::new(&dev.name).size(BODY));
                let last = match &dev.last {
                    Some((m, at)) => {
                        format!(
                            "{} (reçu le {})",
                            month_name(m),
                            fr::date(at.with_timezone(&chrono_tz::Europe::Paris).date_naive())
                        )
                    }
                    None => "aucun".to_string(),
                };
                ui.label(RichText::new(last).size(BODY));
                let mut todo: Vec<String> = dev
                    .missing
                    .iter()
                    .map(|m| format!("{} pas reçu", month_name(m)))
                    .collect();
                todo.extend(dev.alarms.iter().cloned());
                if todo.is_empty() {
                    ui.label(RichText::new("rien").size(BODY).color(MUTED));
                } else {
                    ui.vertical(|ui| {
                        for t in todo {
                            ui.label(RichText::new(t).size(SMALL).color(DANGER));
                        }
                    });
                }
                ui.end_row();
            }
        });
    out
}
