//! The eframe application: reads input, draws the current screen, hands the
//! returned actions to `kiosk::reduce`. No decision is taken here.

use eframe::egui;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use egui::{Key, RichText, Ui};

use super::theme::*;
use super::widgets::block;
use super::{
    accueil, historique, identification, ordonnance, patient, question, rapport, reglages,
    resultat, setup, termine,
};
use crate::documents::Roster;
use crate::error::{Error, Result};
use crate::fr;
use crate::kiosk::{self, Action, KioskState, Message, Screen, Services};
use crate::ledger::{self, Ledger};
use crate::protocol::Protocol;

/// The kiosk: its state and the services `reduce` calls.
pub struct KioskApp {
    pub state: KioskState,
    pub services: Services,
}

impl KioskApp {
    /// Builds the app and applies the kiosk look to `ctx`.
    pub fn new(ctx: &egui::Context, protocol: Protocol, services: Services) -> Result<KioskApp> {
        apply(ctx);
        let now = services.clock.now();
        let state = kiosk::start(Arc::new(protocol), &services, now)?;
        Ok(KioskApp { state, services })
    }

    fn dispatch(&mut self, actions: Vec<Action>) {
        let now = self.services.clock.now();
        for a in actions {
            kiosk::reduce(&mut self.state, a, &mut self.services, now);
        }
    }

    /// One frame: input, then the screen, then its actions.
    pub fn frame(&mut self, ui: &mut Ui) {
        let (active, escape, enter, digits, erase) = ui.input(|i| {
            let digits: Vec<char> = i
                .events
                .iter()
                .filter_map(|e| match e {
                    egui::Event::Text(t) => {
                        Some(t.chars().filter(char::is_ascii_digit).collect::<Vec<_>>())
                    }
                    _ => None,
                })
                .flatten()
                .collect();
            (
                !i.events.is_empty(),
                i.key_pressed(Key::Escape),
                i.key_pressed(Key::Enter),
                digits,
                i.key_pressed(Key::Backspace),
            )
        });
        let mut before = Vec::new();
        if active {
            before.push(Action::Activity);
        }
        before.push(Action::Tick);
        self.dispatch(before);

        let mut actions = draw(ui, &self.state);
        if matches!(self.state.screen, Screen::Identification(_)) {
            actions.extend(digits.into_iter().map(Action::PinDigit));
            if erase {
                actions.push(Action::PinErase);
            }
        }
        if escape {
            actions.push(Action::Escape);
        }
        if enter && let Some(a) = enter_action(&self.state) {
            actions.push(a);
        }
        if !actions.is_empty() {
            self.dispatch(actions);
            ui.ctx().request_repaint();
        }
        // The idle lock and the clock in the top bar move without input.
        ui.ctx().request_repaint_after(Duration::from_secs(1));
    }
}

impl eframe::App for KioskApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.frame(ui);
        if *EXIT_AFTER_FIRST_FRAME {
            // eframe handles viewport commands after painting and swapping
            // this frame, so the process exits right after the first frame.
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }
}

/// `PROTOCOOP_EXIT_AFTER_FIRST_FRAME` set: close once the first frame is on
/// screen (startup benchmark, `benches/startup.sh`).
static EXIT_AFTER_FIRST_FRAME: LazyLock<bool> =
    LazyLock::new(|| std::env::var_os("PROTOCOOP_EXIT_AFTER_FIRST_FRAME").is_some());

/// Enter does the screen's primary action where that is safe: never a
/// consent, never « none of these signs », never recording an act.
fn enter_action(state: &KioskState) -> Option<Action> {
    match &state.screen {
        Screen::Accueil | Screen::Termine(_) => Some(Action::NewAct),
        Screen::Identification(_) => Some(Action::SubmitPin),
        Screen::Question(q) if !q.checked.is_empty() => Some(Action::SubmitQuestion),
        Screen::Resultat => state
            .act
            .as_ref()
            .and_then(|a| a.outcome.as_ref())
            .filter(|o| o.taken_in_charge())
            .map(|_| Action::ShowOrdonnance),
        _ => None,
    }
}

fn draw(ui: &mut Ui, state: &KioskState) -> Vec<Action> {
    let mut out = Vec::new();
    egui::Panel::top("top").show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.label(RichText::new(state.structure_name()).size(BODY).strong());
            ui.label(RichText::new(format!("· {}", state.screen.title())).size(BODY).color(MUTED));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.label(RichText::new(fr::datetime(state.now)).size(SMALL).color(MUTED));
                if let Some(s) = &state.session {
                    if ui
                        .add(egui::Button::new(RichText::new("Verrouiller").size(BODY)).min_size(egui::vec2(TARGET * 2.0, TARGET)))
                        .clicked()
                    {
                        out.push(Action::Lock);
                    }
                    ui.label(RichText::new(&s.name).size(BODY));
                }
            });
        });
        if state.is_training() {
            block(ui, TRAINING_BG, |ui| {
                ui.label(
                    RichText::new("MODE FORMATION — protocole non validé par un délégant : documents « SPÉCIMEN », actes non rémunérés")
                        .size(SMALL)
                        .strong()
                        .color(TRAINING_FG),
                );
            });
        }
        if let Some(m) = &state.message {
            let fill = match m {
                Message::Error(_) => ERROR_BG,
                Message::Info(_) => INFO_BG,
            };
            block(ui, fill, |ui| {
                ui.label(RichText::new(m.text()).size(BODY));
            });
        }
        ui.add_space(4.0);
    });
    egui::CentralPanel::default().show(ui, |ui| {
        out.extend(match &state.screen {
            Screen::Setup(f) => setup::show(ui, state, f),
            Screen::Accueil => accueil::show(ui, state),
            Screen::Identification(f) => identification::show(ui, state, f),
            Screen::Patient(f) => patient::show(ui, state, f),
            Screen::Question(f) => question::show(ui, state, f),
            Screen::Resultat => resultat::show(ui, state),
            Screen::Ordonnance(f) => ordonnance::show(ui, state, f),
            Screen::Termine(d) => termine::show(ui, state, d),
            Screen::Historique(f) => historique::show(ui, state, f),
            Screen::Rapport(f) => rapport::show(ui, state, f),
            Screen::Reglages(f) => reglages::show(ui, state, f),
        });
    });
    out
}

/// How `protocoop` (no subcommand) starts the kiosk.
pub struct LaunchOptions {
    pub data_dir: Option<PathBuf>,
    pub protocol: Option<PathBuf>,
    /// Fullscreen without window decorations (`--kiosk`).
    pub fullscreen: bool,
}

/// Opens the window and runs until it is closed.
pub fn run(opts: LaunchOptions) -> Result<()> {
    let protocol = Protocol::load(opts.protocol.as_deref())?;
    let data_dir = match opts.data_dir {
        Some(d) => d,
        None => ledger::default_data_dir()?,
    };
    let clock = kiosk::SystemClock;
    let ledger = Ledger::open(&data_dir, kiosk::Clock::now(&clock))?;
    let roster = Roster::load(&data_dir.join("garde.toml"))?;
    let services = Services::new(
        ledger,
        roster,
        Box::new(clock),
        Box::new(kiosk::SystemPrinter),
    );
    let viewport = egui::ViewportBuilder::default()
        .with_title("protocoop")
        .with_inner_size([1280.0, 800.0])
        .with_min_inner_size([800.0, 600.0])
        .with_fullscreen(opts.fullscreen)
        .with_decorations(!opts.fullscreen);
    let options = eframe::NativeOptions {
        viewport,
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    let mut services = Some((protocol, services));
    eframe::run_native(
        "protocoop",
        options,
        Box::new(move |cc| {
            let (protocol, services) = services.take().ok_or("kiosque déjà démarré")?;
            let app = KioskApp::new(&cc.egui_ctx, protocol, services)?;
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| {
        Error::io(
            "impossible d'ouvrir la fenêtre du kiosque",
            "écran",
            std::io::Error::other(e.to_string()),
        )
    })
}
