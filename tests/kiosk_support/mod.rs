//! Driving the real kiosk app with egui_kittest: by labels, with a fixed
//! clock and a printer that only saves.
#![allow(dead_code)]

use std::path::Path;

use chrono::{DateTime, Utc};
use eframe::egui;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use protocoop::documents::Roster;
use protocoop::kiosk::{Clock, FixedClock, MemoryPrinter, Services};
use protocoop::protocol::Protocol;
use protocoop::ui::KioskApp;

/// A Monday afternoon in Paris, inside the example duty roster.
pub const NOW: &str = "2026-11-23T14:05:00+01:00";

pub fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(NOW)
        .unwrap()
        .with_timezone(&Utc)
}

pub fn services(dir: &Path, clock: &FixedClock) -> Services {
    services_printing(dir, clock, &MemoryPrinter::default())
}

/// The kiosk's services with `printer`, a handle the test keeps.
pub fn services_printing(dir: &Path, clock: &FixedClock, printer: &MemoryPrinter) -> Services {
    let ledger =
        protocoop::vault::open_ledger(dir, "phrase de passe de test", clock.now()).unwrap();
    let mut services = Services::new(
        ledger,
        Some(Roster::example()),
        Box::new(clock.clone()),
        Box::new(printer.clone()),
    );
    // No USB key of the machine running the tests is ever looked at.
    services.media = Vec::new();
    services
}

/// The kiosk on `dir` at 1280×800 (the 10-inch tablet).
pub fn harness(dir: &Path, clock: &FixedClock, protocol: Protocol) -> Harness<'static, KioskApp> {
    harness_printing(dir, clock, protocol, &MemoryPrinter::default())
}

/// [`harness`] printing to `printer`.
pub fn harness_printing(
    dir: &Path,
    clock: &FixedClock,
    protocol: Protocol,
    printer: &MemoryPrinter,
) -> Harness<'static, KioskApp> {
    let services = services_printing(dir, clock, printer);
    let mut h = Harness::builder()
        .with_size(egui::Vec2::new(1280.0, 800.0))
        .build_eframe(move |cc| KioskApp::new(&cc.egui_ctx, protocol, services).unwrap());
    h.run();
    h
}

/// [`harness`] with USB keys mounted under `media` (one folder per key).
pub fn harness_on_media(
    dir: &Path,
    clock: &FixedClock,
    protocol: Protocol,
    media: &Path,
) -> Harness<'static, KioskApp> {
    let mut services = services(dir, clock);
    services.media = vec![media.to_path_buf()];
    let mut h = Harness::builder()
        .with_size(egui::Vec2::new(1280.0, 800.0))
        .build_eframe(move |cc| KioskApp::new(&cc.egui_ctx, protocol, services).unwrap());
    h.run();
    h
}

/// Counts taps: the product promises at most 12 for a typical act.
#[derive(Default)]
pub struct Taps(pub u32);

impl Taps {
    /// Taps the button (or toggle) whose label is exactly `label`.
    pub fn tap(&mut self, h: &mut Harness<'_, KioskApp>, label: &str) {
        tap(h, label);
        self.0 += 1;
    }
}

/// A person reads the screen before touching it: lets the tap guard's
/// delay pass, whatever the harness's time step.
pub fn read(h: &mut Harness<'_, KioskApp>) {
    let time = |h: &Harness<'_, KioskApp>| h.ctx.input(|i| i.time);
    let start = time(h);
    while time(h) - start <= protocoop::kiosk::TAP_GUARD_SECONDS {
        h.step();
    }
}

/// Taps the button (or toggle) whose label is exactly `label`, as a person
/// who has read the screen first.
pub fn tap(h: &mut Harness<'_, KioskApp>, label: &str) {
    read(h);
    tap_now(h, label);
}

/// Taps at once, without reading: a double tap's second touch. A button
/// out of view on a long screen is scrolled into view first, as a person
/// would.
pub fn tap_now(h: &mut Harness<'_, KioskApp>, label: &str) {
    // The screen's bottom bar covers the end of the scrolled area: whatever
    // the node's position, it is brought into view within its scroll area.
    match h.query_by_role_and_label(Role::Button, label) {
        Some(node) => node.scroll_to_me(),
        None => h.get_by_label(label).scroll_to_me(),
    }
    h.run();
    match h.query_by_role_and_label(Role::Button, label) {
        Some(node) => node.click(),
        None => h.get_by_label(label).click(),
    }
    h.run();
}

/// Types into the text field labelled `label` (not a tap: identity typing).
pub fn type_into(h: &mut Harness<'_, KioskApp>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run();
    h.get_by_label(label).type_text(text);
    h.run();
}

/// Replaces the whole text of the field labelled `label` (select all, type).
pub fn replace_text(h: &mut Harness<'_, KioskApp>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_label(label).type_text(text);
    h.run();
}

/// Types digits on the keyboard (the PIN screen reads them directly).
pub fn type_keys(h: &mut Harness<'_, KioskApp>, text: &str) {
    h.event(egui::Event::Text(text.to_string()));
    h.run();
}

pub fn shows(h: &Harness<'_, KioskApp>, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}

/// Accueil → PIN of Marie Durand → Patient screen, adult or child.
pub fn sign_in(h: &mut Harness<'_, KioskApp>, taps: &mut Taps) {
    taps.tap(h, "Nouvelle prise en charge");
    taps.tap(h, "Marie Durand");
    type_keys(h, "274915");
    taps.tap(h, "Valider");
}

pub fn patient(
    h: &mut Harness<'_, KioskApp>,
    taps: &mut Taps,
    birth: &str,
    weight: Option<&str>,
    sex: &str,
) {
    type_into(h, "Nom", "Martin");
    type_into(h, "Prénom", "Paul");
    type_into(h, "Date de naissance", birth);
    if let Some(w) = weight {
        type_into(h, "Poids (kg) — obligatoire avant 15 ans", w);
    }
    // The postcode is the structure's until changed: nothing to type.
    assert_eq!(
        h.get_by_label("Code postal").value().as_deref(),
        Some("79500"),
        "the structure's postcode is offered"
    );
    taps.tap(h, sex);
    taps.tap(h, consent_label(h));
}

/// The consent button: for a patient under 18, the parent or guardian
/// consents.
pub fn consent_label(h: &Harness<'_, KioskApp>) -> &'static str {
    if shows(h, "Parent ou tuteur informé et consentant : continuer") {
        "Parent ou tuteur informé et consentant : continuer"
    } else {
        "Patient informé et consentant : continuer"
    }
}
