//! Pixel snapshots of the main screens at 1280×800, rendered on the CPU
//! (wgpu on Mesa lavapipe/llvmpipe). Deterministic: fixed clock, fixed
//! ledger, no animation. Update with `UPDATE_SNAPSHOTS=1 cargo test --test
//! kiosk_snapshots` and look at the PNGs in tests/snapshots/ before committing.

mod common;
mod kiosk_support;

use egui_kittest::{Harness, SnapshotResults};
use kiosk_support::*;
use protocoop::kiosk::FixedClock;
use protocoop::protocol::Protocol;
use protocoop::ui::KioskApp;

fn wgpu_harness(dir: &std::path::Path, clock: &FixedClock) -> Harness<'static, KioskApp> {
    let services = services(dir, clock);
    let mut h = Harness::builder()
        .with_size(eframe::egui::Vec2::new(1280.0, 800.0))
        .wgpu()
        .build_eframe(move |cc| {
            KioskApp::new(&cc.egui_ctx, Protocol::bundled(), services).unwrap()
        });
    h.run();
    h
}

#[test]
fn main_screens_at_1280x800() {
    let dir = tempfile::tempdir().unwrap();
    drop(common::setup_ledger(dir.path(), now()));
    let clock = FixedClock::new(now());
    let mut results = SnapshotResults::new();
    let mut h = wgpu_harness(dir.path(), &clock);
    results.add(h.try_snapshot("kiosk_accueil"));

    let mut taps = Taps::default();
    sign_in(&mut h, &mut taps);
    patient(&mut h, &mut taps, "02/03/1986", None, "Homme");
    h.remove_cursor();
    h.run();
    results.add(h.try_snapshot("kiosk_question_signes_alerte"));

    tap(&mut h, "Aucun de ces signes");
    tap(&mut h, "Aucune de ces situations");
    tap(&mut h, "6");
    tap(&mut h, "Abcès dentaire ?");
    tap(&mut h, "Continuer");
    tap(&mut h, "Voir l'ordonnance");
    h.remove_cursor();
    h.run();
    results.add(h.try_snapshot("kiosk_ordonnance"));

    // A second patient with a red flag: Résultat urgence.
    tap(&mut h, "Valider et imprimer");
    tap(&mut h, "Nouvelle prise en charge");
    patient(&mut h, &mut taps, "02/03/1986", None, "Femme");
    tap(
        &mut h,
        "Gonflement sous la mâchoire atteignant le plancher de la bouche ?",
    );
    h.remove_cursor();
    h.run();
    results.add(h.try_snapshot("kiosk_resultat_urgence"));
}
