//! Pixel snapshots of the main screens at 1280×800, rendered on the CPU
//! (wgpu on Mesa lavapipe/llvmpipe). Deterministic: fixed clock, fixed
//! ledger, no animation. Update with `UPDATE_SNAPSHOTS=1 cargo test --test
//! kiosk_snapshots` and look at the PNGs in tests/snapshots/ before committing.

mod common;
mod kiosk_support;

use egui_kittest::{Harness, SnapshotResults};
use kiosk_support::*;
use protocoop::kiosk::{FixedClock, PrintOutcome, Printer, Services};
use protocoop::protocol::Protocol;
use protocoop::ui::KioskApp;
use serde_json::json;

fn wgpu_harness(
    dir: &std::path::Path,
    clock: &FixedClock,
    protocol: Protocol,
) -> Harness<'static, KioskApp> {
    wgpu_harness_with(services(dir, clock), protocol)
}

fn wgpu_harness_with(services: Services, protocol: Protocol) -> Harness<'static, KioskApp> {
    // Without a Vulkan driver wgpu only says « Failed to create render
    // state »: name the packages, as `common::tool` does.
    let builder = std::panic::catch_unwind(|| {
        Harness::builder()
            .with_size(eframe::egui::Vec2::new(1280.0, 800.0))
            .wgpu()
    })
    .unwrap_or_else(|_| {
        panic!(
            "aucun rendu Vulkan pour les captures : installez Mesa lavapipe (sudo apt-get install mesa-vulkan-drivers libvulkan1), comme le dit le README"
        )
    });
    let mut h =
        builder.build_eframe(move |cc| KioskApp::new(&cc.egui_ctx, protocol, services).unwrap());
    h.run();
    h
}

#[test]
fn main_screens_at_1280x800() {
    let dir = tempfile::tempdir().unwrap();
    drop(common::setup_ledger(dir.path(), now()));
    let clock = FixedClock::new(now());
    let mut results = SnapshotResults::new();
    let mut h = wgpu_harness(dir.path(), &clock, Protocol::bundled());
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

/// A machine with no printer and no viewer.
struct NoPrinter;

impl Printer for NoPrinter {
    fn print(&self, _: &[protocoop::documents::print::Job<'_>]) -> PrintOutcome {
        PrintOutcome::no_printer(false)
    }
}

/// Terminé when nothing printed: said plainly, « Réessayer l'impression »
/// and « Enregistrer le PDF », no path.
#[test]
fn termine_without_a_printer() {
    let dir = tempfile::tempdir().unwrap();
    drop(common::setup_ledger(dir.path(), now()));
    let clock = FixedClock::new(now());
    let mut s = services(dir.path(), &clock);
    s.printer = Box::new(NoPrinter);
    let mut h = wgpu_harness_with(s, Protocol::bundled());
    let mut taps = Taps::default();
    sign_in(&mut h, &mut taps);
    patient(&mut h, &mut taps, "02/03/1986", None, "Homme");
    for label in [
        "Aucun de ces signes",
        "Aucune de ces situations",
        "6",
        "Abcès dentaire ?",
        "Continuer",
        "Voir l'ordonnance",
        "Valider et imprimer",
    ] {
        tap(&mut h, label);
    }
    assert!(shows(&h, "rien n'a été imprimé"));
    assert!(shows(&h, "Réessayer l'impression"));
    assert!(shows(&h, "Enregistrer le PDF"));
    // The code comes from the act's hash, which covers the device's random
    // id: fixed here so that the picture is the same at every run.
    if let protocoop::kiosk::Screen::Termine(done) = &mut h.state_mut().state.screen {
        done.verification_code = "AB12-CD34".into();
    }
    h.remove_cursor();
    h.run();
    h.snapshot("kiosk_termine_sans_imprimante");
}

/// « Rapport du mois » once October is closed: tallies, the weekday chart,
/// the payment lines and the export buttons.
#[test]
fn report_screen_at_1280x800() {
    let dir = tempfile::tempdir().unwrap();
    let p = common::validated_protocol();
    {
        let at = |s: &str| s.parse::<chrono::DateTime<chrono::Utc>>().unwrap();
        let mut l = common::setup_ledger(dir.path(), at("2026-09-01T08:00:00Z"));
        common::attach(&mut l, at("2026-09-01T08:00:00Z"));
        for (day, extra) in [
            ("2026-10-02T08:00:00Z", json!({})),
            (
                "2026-10-03T08:00:00Z",
                json!({"delegue_rpps": common::DELEGUE_2}),
            ),
            (
                "2026-10-06T08:00:00Z",
                json!({"patient": {"postal_code": "75011"}}),
            ),
            ("2026-10-09T08:00:00Z", json!({})),
            (
                "2026-10-14T08:00:00Z",
                json!({"facts": {"excl.haemorrhage": true}, "lines": []}),
            ),
        ] {
            let mut extra = extra;
            extra["occurred_at"] = json!(day);
            common::record(&mut l, &p, &common::abscess_input(extra), at(day)).unwrap();
        }
    }
    let clock = FixedClock::new(now());
    let mut h = wgpu_harness(dir.path(), &clock, p);
    tap(&mut h, "Rapport du mois");
    tap(&mut h, "Marie Durand");
    type_keys(&mut h, "274915");
    tap(&mut h, "Valider");
    tap(&mut h, "Clôturer le mois et produire le rapport");
    tap(&mut h, "Confirmer la clôture");
    // A fixed folder, so that the picture does not show a temporary path.
    replace_text(&mut h, "Dossier ou clé USB", "/media/pharmacie/CLE-CPTS");
    h.remove_cursor();
    h.run();
    h.snapshot("kiosk_rapport");
}
