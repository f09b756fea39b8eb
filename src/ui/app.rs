//! The eframe application: reads input, draws the current screen, hands the
//! returned actions to `kiosk::reduce`. No decision is taken here.

use eframe::egui;
use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::{Arc, LazyLock};

use egui::{Key, RichText, Ui};

use super::theme::*;
use super::{
    accueil, bar, enquete, historique, identification, keyboard, ordonnance, patient, question,
    rappels, rapport, refus, reglages, resultat, setup, termine,
};
use crate::documents::Roster;
use crate::error::{Error, Result};
use crate::fr;
use crate::kiosk::{self, Action, KioskState, Message, Screen, Services, TapGuard, tap_guard};
use crate::ledger::{self, Ledger};
use crate::protocol::Protocol;

/// The kiosk: its state, the services `reduce` calls, and the tap guard
/// that keeps a touch meant for one screen from acting on the next.
pub struct KioskApp {
    pub state: KioskState,
    pub services: Services,
    guard: TapGuard,
    /// When a finger last touched the screen: a field it touches brings
    /// up the on-screen keyboard.
    last_touch: Option<f64>,
    /// The screen drawn last (its kind, and which question): another one
    /// opens at its top, never where the previous one was scrolled to.
    last_screen: Option<(std::mem::Discriminant<Screen>, Option<usize>)>,
}

/// How long after a finger touches the screen a click is still its.
const TOUCH_PRESS_SECONDS: f64 = 0.5;

impl KioskApp {
    /// Builds the app and applies the kiosk look to `ctx`.
    pub fn new(ctx: &egui::Context, protocol: Protocol, services: Services) -> Result<KioskApp> {
        apply(ctx);
        let now = services.clock.now();
        let state = kiosk::start(Arc::new(protocol), &services, now)?;
        Ok(KioskApp {
            state,
            services,
            guard: TapGuard::default(),
            last_touch: None,
            last_screen: None,
        })
    }

    fn dispatch(&mut self, actions: Vec<Action>) {
        let now = self.services.clock.now();
        for a in actions {
            kiosk::reduce(&mut self.state, a, &mut self.services, now);
        }
    }

    /// One frame: input, then the screen, then its actions. Whatever a
    /// touch or Enter would do on a screen shown less than
    /// [`kiosk::TAP_GUARD_SECONDS`] before the press began is dropped.
    pub fn frame(&mut self, ui: &mut Ui) {
        let time = ui.input(|i| i.time);
        self.guard.frame(tap_guard::screen_key(&self.state), time);
        let (pressed, pointer_button) = ui.input(|i| {
            let pressed = i.events.iter().any(|e| {
                matches!(e, egui::Event::PointerButton { pressed: true, .. })
                    || matches!(
                        e,
                        egui::Event::Touch {
                            phase: egui::TouchPhase::Start,
                            ..
                        }
                    )
            });
            let button = i.events.iter().any(|e| {
                matches!(
                    e,
                    egui::Event::PointerButton { .. } | egui::Event::Touch { .. }
                )
            });
            (pressed, button)
        });
        if pressed {
            self.guard.press(time);
        }
        let finger = ui.input(|i| {
            i.events
                .iter()
                .any(|e| matches!(e, egui::Event::Touch { .. }))
        });
        if finger {
            self.last_touch = Some(time);
        }
        // A touch screen sends the finger and the press (or release) it
        // stands for together, or nearly: a click that close to a finger
        // is the finger's.
        let touch = self
            .last_touch
            .is_some_and(|t| time - t < TOUCH_PRESS_SECONDS);
        let allowed = self.guard.allows_frame(pointer_button, time);
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

        let keyboard_field = self.state.keyboard.map(|k| k.field);
        ui.data_mut(|d| {
            d.insert_temp(keyboard::target_id(), keyboard_field);
            if keyboard_field.is_none() {
                d.remove::<(kiosk::Field, i32)>(keyboard::revealed_id());
            }
        });
        let question = match &self.state.screen {
            Screen::Question(q) => Some(q.index),
            _ => None,
        };
        let shown = (std::mem::discriminant(&self.state.screen), question);
        let fresh = self.last_screen.replace(shown) != Some(shown);
        let mut actions = draw(ui, &self.state, fresh);
        for a in &mut actions {
            if let Action::FieldTouched {
                touch: by_finger, ..
            } = a
            {
                *by_finger = touch;
            }
        }
        if !allowed {
            // Typing goes on; touches and clicks wait for the screen.
            // A finger meant for the screen before never brings up the
            // keyboard over this one.
            actions.retain(|a| {
                matches!(
                    a,
                    Action::Edit(..) | Action::FieldTouched { touch: false, .. }
                )
            });
        }
        if matches!(self.state.screen, Screen::Identification(_)) {
            actions.extend(digits.into_iter().map(Action::PinDigit));
            if erase {
                actions.push(Action::PinErase);
            }
        }
        if escape {
            actions.push(Action::Escape);
        }
        if enter
            && allowed
            && let Some(a) = enter_action(&self.state)
        {
            actions.push(a);
        }
        if !actions.is_empty() {
            self.dispatch(actions);
            ui.ctx().request_repaint();
        }
        // The clock in the top bar and the idle lock move without input;
        // nothing else does.
        ui.ctx().request_repaint_after(kiosk::wake::next_wake(
            self.services.clock.now(),
            kiosk::wake::idle_deadline(&self.state),
        ));
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

fn draw(ui: &mut Ui, state: &KioskState, fresh: bool) -> Vec<Action> {
    let mut out = Vec::new();
    egui::Panel::top("top").show(ui, |ui| {
        // Narrower screens shorten the training badge, and a portrait one
        // puts the session on a second row, rather than one over the other.
        // (The screen's title goes first: each screen has its heading.)
        let width = ui.available_width();
        let narrow = width < 1000.0;
        ui.horizontal(|ui| {
            ui.label(RichText::new(state.structure_name()).size(BODY).strong());
            if width >= 1100.0 {
                ui.label(
                    RichText::new(format!("· {}", state.screen.title()))
                        .size(BODY)
                        .color(MUTED),
                );
            }
            if state.is_training() {
                training_badge(ui, width < 1500.0, width < 1100.0);
            }
            if !narrow {
                session_and_clock(ui, state, &mut out);
            }
        });
        if narrow {
            ui.horizontal(|ui| session_and_clock(ui, state, &mut out));
        }
        message_strip(ui, state.message.as_ref());
        ui.add_space(4.0);
    });
    // The keyboard comes up over the action bar, as on a phone: « Masquer
    // le clavier » brings the bar back.
    if let Some(k) = &state.keyboard {
        egui::Panel::bottom("keyboard")
            .resizable(false)
            .show(ui, |ui| {
                out.extend(keyboard::show(ui, k));
            });
    } else if bar::shown(state) {
        egui::Panel::bottom("actions").show(ui, |ui| {
            out.extend(bar::show(ui, state));
        });
    }
    egui::CentralPanel::default().show(ui, |ui| {
        // Whatever the screen size, a long screen scrolls rather than
        // hiding its buttons below the edge.
        let mut scroll = egui::ScrollArea::vertical().auto_shrink(false);
        if fresh {
            scroll = scroll.vertical_scroll_offset(0.0);
        }
        scroll.show(ui, |ui| {
            out.extend(match &state.screen {
                Screen::Setup(f) => setup::show(ui, state, f),
                Screen::Accueil => accueil::show(ui, state),
                Screen::Identification(f) => identification::show(ui, state, f),
                Screen::Patient(f) => patient::show(ui, state, f),
                Screen::Question(f) => question::show(ui, state, f),
                Screen::Resultat => {
                    resultat::show(ui, state);
                    Vec::new()
                }
                Screen::ConsentRefused => {
                    refus::show(ui, state);
                    Vec::new()
                }
                Screen::Ordonnance(f) => ordonnance::show(ui, state, f),
                Screen::Termine(d) => termine::show(ui, state, d),
                Screen::Historique(f) => historique::show(ui, state, f),
                Screen::Rappels(f) => rappels::show(ui, state, f),
                Screen::Enquete(f) => enquete::show(ui, state, f),
                Screen::Rapport(f) => rapport::show(ui, state, f),
                Screen::Reglages(f) => reglages::show(ui, state, f),
            });
        });
    });
    out
}

/// « MODE FORMATION »: every document of this device is a specimen.
fn training_badge(ui: &mut Ui, short: bool, shortest: bool) {
    let text = if shortest {
        "FORMATION"
    } else if short {
        "FORMATION — SPÉCIMEN"
    } else {
        "MODE FORMATION — SPÉCIMEN, non rémunéré"
    };
    egui::Frame::new()
        .fill(TRAINING_BG)
        .inner_margin(egui::vec2(10.0, 4.0))
        .corner_radius(6.0)
        .show(ui, |ui| {
            ui.label(RichText::new(text).size(SMALL).strong().color(TRAINING_FG))
                .on_hover_text("Protocole non validé par un délégant : documents « SPÉCIMEN », actes non rémunérés");
        });
}

/// The clock, and who is signed in with « Verrouiller », on the right.
fn session_and_clock(ui: &mut Ui, state: &KioskState, out: &mut Vec<Action>) {
    // Below 1100 points wide the date gives way to the buttons: the time
    // alone stays.
    let clock = if ui.ctx().content_rect().width() < 1100.0 {
        fr::time(state.now)
    } else {
        fr::datetime(state.now)
    };
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        ui.label(RichText::new(clock).size(SMALL).color(MUTED));
        if state.keyboard.is_some() || kiosk::fields::first(state).is_some() {
            let on = state.keyboard.is_some();
            let b = egui::Button::new(RichText::new("Clavier").size(BODY))
                .selected(on)
                .min_size(egui::vec2(TARGET * 2.0, TARGET));
            if ui.add(b).clicked() {
                out.push(Action::ToggleKeyboard);
            }
        }
        if let Some(s) = &state.session {
            let lock = egui::Button::new(RichText::new("Verrouiller").size(BODY))
                .min_size(egui::vec2(TARGET * 2.0, TARGET));
            if ui.add(lock).clicked() {
                out.push(Action::Lock);
            }
            ui.label(RichText::new(&s.name).size(BODY));
        }
    });
}

/// Height of the message strip, reserved whether or not a message shows:
/// a message appearing never moves a button (the next tap would hit
/// another one). Two lines of text.
pub const MESSAGE_STRIP: f32 = 2.0 * 24.0 + 10.0;

/// The message place under the top bar: always the same size; a long
/// message is cut after two lines with « … ».
fn message_strip(ui: &mut Ui, message: Option<&Message>) {
    let size = egui::vec2(ui.available_width(), MESSAGE_STRIP);
    let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
    let Some(m) = message else {
        return;
    };
    let fill = match m {
        Message::Error(_) => ERROR_BG,
        Message::Info(_) => INFO_BG,
    };
    ui.painter().rect_filled(rect, 6.0, fill);
    let mut job = egui::text::LayoutJob::single_section(
        m.text().to_string(),
        egui::TextFormat::simple(
            egui::FontId::proportional(SMALL),
            egui::Color32::from_gray(20),
        ),
    );
    job.wrap = egui::text::TextWrapping {
        max_width: rect.width() - 24.0,
        max_rows: 2,
        break_anywhere: false,
        overflow_character: Some('…'),
    };
    let inner = rect.shrink2(egui::vec2(12.0, 5.0));
    let mut child = ui.new_child(egui::UiBuilder::new().max_rect(inner));
    child.add(egui::Label::new(job).selectable(false));
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
    // A file given on the command line is read (and refused) before any
    // window opens; otherwise the device's CPTS protocol, once the ledger
    // is open.
    let explicit = match opts.protocol.as_deref() {
        Some(p) => Some(Protocol::load(Some(p))?),
        None => None,
    };
    let data_dir = match opts.data_dir {
        Some(d) => d,
        None => ledger::default_data_dir()?,
    };
    if !display_available() {
        return Err(Error::Window(
            "aucun écran graphique n'est disponible (ni DISPLAY ni WAYLAND_DISPLAY) : lancez le kiosque depuis la session graphique de l'appareil".into(),
        ));
    }
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
    // The ledger (and on first start the data folder) is opened only once
    // the window exists and the passphrase is typed: without a screen,
    // nothing is created.
    let failure: Rc<RefCell<Option<Error>>> = Rc::default();
    let stash = Rc::clone(&failure);
    let mut pending = Some(explicit);
    let result = eframe::run_native(
        "protocoop",
        options,
        Box::new(move |cc| {
            let started = (|| {
                let explicit = pending
                    .take()
                    .ok_or_else(|| Error::Window("kiosque déjà démarré".into()))?;
                let dir = data_dir.clone();
                // Cloned, not taken: if opening fails after it (a damaged
                // roster), the next try keeps the protocol given.
                let open: super::unlock::Opener = Box::new(move |ctx, ledger: Ledger| {
                    let protocol = match &explicit {
                        Some(p) => p.clone(),
                        None => ledger.cpts_protocol()?.unwrap_or_else(Protocol::bundled),
                    };
                    let roster = Roster::for_device(&dir, &ledger.registry()?)?;
                    let services = Services::new(
                        ledger,
                        roster,
                        Box::new(kiosk::SystemClock),
                        Box::<kiosk::SystemPrinter>::default(),
                    );
                    KioskApp::new(ctx, protocol, services)
                });
                let passphrase = std::env::var(crate::cli::PASSPHRASE_ENV)
                    .ok()
                    .filter(|p| !p.is_empty());
                Ok::<_, Error>(super::unlock::Startup::new(
                    &cc.egui_ctx,
                    kiosk::unlock::UnlockForm::new(&data_dir),
                    passphrase,
                    Box::new(kiosk::SystemClock),
                    open,
                ))
            })();
            match started {
                Ok(app) => Ok(Box::new(app) as Box<dyn eframe::App>),
                Err(e) => {
                    let text = e.to_string();
                    *stash.borrow_mut() = Some(e);
                    Err(text.into())
                }
            }
        }),
    );
    if let Some(e) = failure.borrow_mut().take() {
        return Err(e);
    }
    result.map_err(|e| {
        Error::Window(match e {
            eframe::Error::AppCreation(_) => "le kiosque n'a pas pu démarrer".into(),
            _ => "l'affichage graphique a refusé de créer la fenêtre (pilote graphique ou OpenGL indisponible)".into(),
        })
    })
}

/// Whether a graphical session can be reached (Linux and BSD need an X11
/// or Wayland display; other systems always have one).
fn display_available() -> bool {
    if cfg!(all(unix, not(target_os = "macos"))) {
        ["DISPLAY", "WAYLAND_DISPLAY"]
            .iter()
            .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
    } else {
        true
    }
}
