//! The eframe application of the coordinator's window: tabs, the message,
//! the screen, files dropped onto the window; no decision is taken here.

use eframe::egui;
use egui::{RichText, Ui};

use super::super::theme::*;
use super::super::widgets::*;
use super::{bundle, dashboard, import, month, registry, setup};
use crate::error::{Error, Result};
use crate::kiosk::Message;
use crate::office::{self, Action, OfficeState, Screen, Services, Tab};

pub struct OfficeApp {
    pub state: OfficeState,
    pub services: Services,
}

impl OfficeApp {
    pub fn new(ctx: &egui::Context, services: Services) -> OfficeApp {
        super::super::theme::apply(ctx);
        let state = office::open(&services);
        OfficeApp { state, services }
    }

    /// One frame: the screen, then its actions (and any files dropped).
    pub fn frame(&mut self, ui: &mut Ui) {
        let mut out = Vec::new();
        let dropped: Vec<std::path::PathBuf> = ui.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        if !dropped.is_empty() && self.state.cpts.is_some() {
            out.push(Action::Import(dropped));
        }
        egui::Panel::top("office-top").show(ui, |ui| {
            out.extend(top(ui, &self.state));
        });
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::vertical()
                .auto_shrink(false)
                .show(ui, |ui| {
                    out.extend(match &self.state.screen {
                        Screen::Setup(f) => setup::show(ui, f),
                        Screen::Dashboard(d) => dashboard::show(ui, d),
                        Screen::Import(f) => import::show(ui, f),
                        Screen::Month(f) => month::show(ui, f),
                        Screen::Registry(f) => registry::show(ui, f),
                        Screen::Bundle(f) => bundle::show(ui, f),
                    });
                });
        });
        for a in out {
            office::reduce(&mut self.state, a, &self.services);
        }
    }
}

fn top(ui: &mut Ui, state: &OfficeState) -> Vec<Action> {
    let mut out = Vec::new();
    ui.add_space(6.0);
    ui.horizontal_wrapped(|ui| {
        let name = state.cpts.as_deref().unwrap_or("Nouvelle CPTS");
        ui.label(RichText::new(name).size(BODY).strong());
        if state.cpts.is_some() {
            ui.add_space(16.0);
            let current = state.screen.tab();
            for (tab, label) in [
                (Tab::Dashboard, "Tableau de bord"),
                (Tab::Import, "Importer"),
                (Tab::Month, "Le mois"),
                (Tab::Registry, "Registre"),
                (Tab::Bundle, "Mise à jour des appareils"),
            ] {
                if choice(ui, current == Some(tab), label) {
                    out.push(Action::Show(tab));
                }
            }
        }
    });
    match &state.message {
        Some(Message::Error(t)) => block(ui, ERROR_BG, |ui| {
            ui.label(RichText::new(t).size(BODY));
        }),
        Some(Message::Info(t)) => block(ui, INFO_BG, |ui| {
            ui.label(RichText::new(t).size(BODY));
        }),
        None => {}
    }
    ui.add_space(6.0);
    out
}

impl eframe::App for OfficeApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.frame(ui);
    }
}

/// Opens the coordinator's window on the CPTS folder `dir`.
pub fn run(dir: std::path::PathBuf) -> Result<()> {
    let graphical = !cfg!(all(unix, not(target_os = "macos")))
        || ["DISPLAY", "WAYLAND_DISPLAY"]
            .iter()
            .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()));
    if !graphical {
        return Err(Error::Window(
            "aucun écran graphique n'est disponible (ni DISPLAY ni WAYLAND_DISPLAY) : ouvrez la fenêtre de la CPTS depuis la session graphique du poste".into(),
        ));
    }
    let viewport = egui::ViewportBuilder::default()
        .with_title("protocoop — CPTS")
        .with_inner_size([1280.0, 800.0])
        .with_min_inner_size([1024.0, 600.0])
        .with_drag_and_drop(true);
    let options = eframe::NativeOptions {
        viewport,
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    let services = Services {
        dir,
        clock: Box::new(crate::kiosk::SystemClock),
        media: crate::kiosk::drives::system_roots(),
    };
    let mut services = Some(services);
    eframe::run_native(
        "protocoop-cpts",
        options,
        Box::new(move |cc| {
            let services = services
                .take()
                .ok_or_else(|| Error::Window("fenêtre déjà ouverte".into()))?;
            Ok(Box::new(OfficeApp::new(&cc.egui_ctx, services)) as Box<dyn eframe::App>)
        }),
    )
    .map_err(|e| Error::Window(format!("la fenêtre n'a pas pu s'ouvrir : {e}")))
}
