//! The unlock screen, before the kiosk: the structure's passphrase (chosen
//! twice at the first start). [`Startup`] shows it until the ledger opens,
//! then hands every frame to the kiosk.

use eframe::egui;
use egui::{Key, RichText, TextEdit, Ui, Vec2};

use super::app::KioskApp;
use super::theme::*;
use super::widgets;
use crate::error::Result;
use crate::kiosk::unlock::UnlockForm;
use crate::ledger::Ledger;

/// What builds the kiosk once the ledger is open (protocol, roster,
/// services: `ui::run`).
pub type Opener = Box<dyn FnMut(&egui::Context, Ledger) -> Result<KioskApp>>;

pub struct Startup {
    form: UnlockForm,
    open: Opener,
    kiosk: Option<KioskApp>,
    clock: Box<dyn crate::kiosk::Clock>,
}

impl Startup {
    /// The unlock screen for `form`'s folder; with `passphrase` (from
    /// `PROTOCOOP_PASSPHRASE`), a first try is made at once.
    pub fn new(
        ctx: &egui::Context,
        form: UnlockForm,
        passphrase: Option<String>,
        clock: Box<dyn crate::kiosk::Clock>,
        open: Opener,
    ) -> Startup {
        apply(ctx);
        let mut s = Startup {
            form,
            open,
            kiosk: None,
            clock,
        };
        if let Some(p) = passphrase {
            *s.form.passphrase = p.clone();
            *s.form.again = p;
            s.submit(ctx);
        }
        s
    }

    pub fn kiosk(&self) -> Option<&KioskApp> {
        self.kiosk.as_ref()
    }

    pub fn form(&self) -> &UnlockForm {
        &self.form
    }

    fn submit(&mut self, ctx: &egui::Context) {
        let now = self.clock.now();
        if let Some(ledger) = self.form.submit(now) {
            match (self.open)(ctx, ledger) {
                Ok(app) => self.kiosk = Some(app),
                Err(e) => self.form.error = Some(crate::kiosk::unlock::words(&e)),
            }
        }
    }

    fn draw(&mut self, ui: &mut Ui) {
        let mut submit = false;
        egui::ScrollArea::vertical().show(ui, |ui| {
            ui.add_space(24.0);
            let width = ui.available_width().min(640.0);
            ui.vertical_centered(|ui| {
                ui.set_max_width(width);
                widgets::heading(ui, "protocoop");
                ui.add_space(12.0);
                let intro = if self.form.choosing() {
                    "Premier démarrage : choisissez la phrase de passe de la structure. Elle chiffre les données des patients sur cet appareil et sera demandée à chaque démarrage. Notez-la en lieu sûr."
                } else {
                    "Tapez la phrase de passe de la structure pour ouvrir le registre."
                };
                ui.label(RichText::new(intro).size(BODY));
                ui.add_space(16.0);
                let label = if self.form.choosing() {
                    "Phrase de passe (au moins 12 caractères)"
                } else {
                    "Phrase de passe"
                };
                submit |= secret(ui, label, &mut self.form.passphrase, width, true);
                if self.form.choosing() {
                    submit |= secret(ui, "Retapez-la", &mut self.form.again, width, false);
                }
                if let Some(e) = &self.form.error {
                    ui.add_space(8.0);
                    widgets::block(ui, ERROR_BG, |ui| {
                        ui.label(RichText::new(e).size(BODY).color(DANGER));
                    });
                }
                ui.add_space(16.0);
                let button = if self.form.choosing() {
                    "Créer et ouvrir"
                } else {
                    "Ouvrir le registre"
                };
                submit |= widgets::primary(ui, button);
            });
        });
        if submit {
            self.submit(ui.ctx());
        }
    }
}

/// A hidden text field; true when Enter was pressed in it. The first
/// field takes the keyboard when nothing else has it: the screen is
/// typed on at once.
fn secret(ui: &mut Ui, label: &str, value: &mut String, width: f32, first: bool) -> bool {
    let l = ui.label(RichText::new(label).size(SMALL).color(MUTED));
    let r = ui
        .add(
            TextEdit::singleline(value)
                .password(true)
                .font(egui::FontId::proportional(BODY + 2.0))
                .desired_width(width)
                .min_size(Vec2::new(width, TARGET - 8.0)),
        )
        .labelled_by(l.id);
    if first && ui.memory(|m| m.focused().is_none()) {
        r.request_focus();
    }
    ui.add_space(8.0);
    r.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter))
}

impl eframe::App for Startup {
    fn ui(&mut self, ui: &mut Ui, frame: &mut eframe::Frame) {
        match &mut self.kiosk {
            Some(kiosk) => kiosk.ui(ui, frame),
            None => {
                egui::CentralPanel::default().show(ui, |ui| self.draw(ui));
            }
        }
    }
}
