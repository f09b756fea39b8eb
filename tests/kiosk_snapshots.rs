//! Pixel snapshots of the kiosk's screens at the four sizes it supports,
//! rendered on the CPU
//! (wgpu on Mesa lavapipe/llvmpipe). Deterministic: fixed clock, fixed
//! ledger, no animation. Update with `UPDATE_SNAPSHOTS=1 cargo test --test
//! kiosk_snapshots` and look at the PNGs in tests/snapshots/ before committing.

mod common;
mod kiosk_support;

use eframe::egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use egui_kittest::{Harness, SnapshotResults};
use kiosk_support::*;
use protocoop::kiosk::{FixedClock, PrintOutcome, Printer, Services};
use protocoop::protocol::Protocol;
use protocoop::ui::KioskApp;
use serde_json::json;

/// The screens a counter has: landscape tablet, small netbook, portrait
/// tablet, full HD.
const SIZES: [(f32, f32); 4] = [
    (1280.0, 800.0),
    (1024.0, 600.0),
    (800.0, 1280.0),
    (1920.0, 1080.0),
];

fn wgpu_harness(
    dir: &std::path::Path,
    clock: &FixedClock,
    protocol: Protocol,
) -> Harness<'static, KioskApp> {
    wgpu_harness_with(services(dir, clock), protocol, SIZES[0])
}

fn wgpu_harness_with(
    services: Services,
    protocol: Protocol,
    (w, h): (f32, f32),
) -> Harness<'static, KioskApp> {
    // Without a Vulkan driver wgpu only says « Failed to create render
    // state »: name the packages, as `common::tool` does.
    let builder = std::panic::catch_unwind(|| {
        Harness::builder()
            .with_size(eframe::egui::Vec2::new(w, h))
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

/// Snapshots the screen, and checks that its main action is wholly on
/// screen without scrolling: no dead end at any size.
fn screen(
    h: &mut Harness<'_, KioskApp>,
    results: &mut SnapshotResults,
    name: &str,
    main_action: &str,
    (w, hgt): (f32, f32),
) {
    h.remove_cursor();
    h.run();
    let rect = h
        .query_by_role_and_label(Role::Button, main_action)
        .unwrap_or_else(|| panic!("{name} {w}×{hgt}: no button « {main_action} »"))
        .rect();
    assert!(
        rect.min.x >= 0.0 && rect.min.y >= 0.0 && rect.max.x <= w && rect.max.y <= hgt,
        "{name} {w}×{hgt}: « {main_action} » at {rect:?}, outside the screen"
    );
    results.add(h.try_snapshot(format!("kiosk_{name}_{w}x{hgt}")));
}

#[test]
fn every_step_at_every_size_keeps_its_main_action_on_screen() {
    let mut results = SnapshotResults::new();
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        drop(common::setup_ledger(dir.path(), now()));
        let clock = FixedClock::new(now());
        let mut h = wgpu_harness_with(services(dir.path(), &clock), Protocol::bundled(), size);
        let r = &mut results;
        screen(&mut h, r, "accueil", "Nouvelle prise en charge", size);
        tap(&mut h, "Nouvelle prise en charge");
        tap(&mut h, "Marie Durand");
        screen(&mut h, r, "identification", "Valider", size);
        for c in common::PIN.chars() {
            tap(&mut h, &c.to_string());
        }
        tap(&mut h, "Valider");
        type_into(&mut h, "Nom", "Martin");
        type_into(&mut h, "Prénom", "Paul");
        type_into(&mut h, "Date de naissance", "02/03/1986");
        replace_text(&mut h, "Code postal", "79500");
        tap(&mut h, "Homme");
        let consent = "Patient informé et consentant : continuer";
        screen(&mut h, r, "patient", consent, size);
        // The on-screen keyboard over the bar, the field it types into in
        // view above it.
        tap(&mut h, "Nom");
        tap(&mut h, "Clavier");
        screen(&mut h, r, "patient_clavier", "Masquer le clavier", size);
        let field = h
            .query_by_role_and_label(Role::TextInput, "Nom")
            .expect("the field « Nom »")
            .rect();
        let keys = h.get_by_label("1").rect();
        assert!(
            field.min.y >= 0.0 && field.max.y <= keys.min.y,
            "{size:?}: « Nom » at {field:?} hidden by the keyboard at {keys:?}"
        );
        tap(&mut h, "Masquer le clavier");
        tap(&mut h, consent);
        screen(
            &mut h,
            r,
            "question_signes_alerte",
            "Aucun de ces signes",
            size,
        );
        tap(&mut h, "Aucun de ces signes");
        tap(&mut h, "Aucune de ces situations");
        screen(&mut h, r, "question_douleur", "6", size);
        tap(&mut h, "6");
        tap(&mut h, "Abcès dentaire ?");
        screen(&mut h, r, "question_symptomes", "Continuer", size);
        tap(&mut h, "Continuer");
        screen(&mut h, r, "resultat", "Voir l'ordonnance", size);
        tap(&mut h, "Voir l'ordonnance");
        screen(&mut h, r, "ordonnance", "Valider et imprimer", size);
        tap(&mut h, "Valider et imprimer");
        // The code comes from the act's hash (random device key): fixed
        // here so that the picture is the same at every run.
        if let protocoop::kiosk::Screen::Termine(d) = &mut h.state_mut().state.screen {
            d.verification_code = "AB12-CD34".into();
        }
        screen(&mut h, r, "termine", "Nouvelle prise en charge", size);

        // A second patient with a red flag: Résultat urgence.
        tap(&mut h, "Nouvelle prise en charge");
        type_into(&mut h, "Nom", "Martin");
        type_into(&mut h, "Prénom", "Paule");
        type_into(&mut h, "Date de naissance", "02/03/1986");
        replace_text(&mut h, "Code postal", "79500");
        tap(&mut h, "Femme");
        tap(&mut h, consent);
        tap(
            &mut h,
            "Gonflement sous la mâchoire atteignant le plancher de la bouche ?",
        );
        screen(
            &mut h,
            r,
            "resultat_urgence",
            "Enregistrer l'orientation",
            size,
        );
        let abandon = if size.0 >= 1200.0 {
            "Abandonner la prise en charge"
        } else {
            "Abandonner"
        };
        tap(&mut h, abandon);
        screen(&mut h, r, "abandon", "Oui, abandonner", size);
        tap(&mut h, "Oui, abandonner");

        // A patient who does not consent.
        tap(&mut h, "Nouvelle prise en charge");
        tap(&mut h, "Le patient refuse");
        screen(&mut h, r, "accord_refuse", "Retour à l'accueil", size);

        // Historique: the act of the day, opened, a follow-up to confirm.
        tap(&mut h, "Retour à l'accueil");
        tap(&mut h, "Historique");
        read(&mut h);
        h.get_by_label_contains("2026-0001 ·").click();
        h.run();
        tap(&mut h, "4/5");
        screen(&mut h, r, "historique", "Enregistrer ce suivi", size);
        tap(&mut h, "Ne pas enregistrer");
        // A follow-up recorded, then withdrawn by a correction.
        tap(&mut h, "4/5");
        tap(&mut h, "Enregistrer ce suivi");
        tap(&mut h, "Corriger");
        tap(&mut h, "Mauvaise note");
        screen(&mut h, r, "historique_correction", "Retirer ce suivi", size);
        tap(&mut h, "Ne pas corriger");

        // Back to Accueil, still signed in: the quarter's questionnaire
        // offered (the sign-in for the prise en charge did not ask).
        tap(&mut h, "Accueil");
        screen(
            &mut h,
            r,
            "accueil_questionnaire",
            "Répondre au questionnaire du 4e trimestre 2026 (une minute)",
            size,
        );

        // Two days later: the questionnaire first at the sign-in, then the
        // calls due for the act, then one call made.
        clock.advance(chrono::Duration::days(2));
        h.run();
        tap(&mut h, "À rappeler (1)");
        tap(&mut h, "Marie Durand");
        for c in common::PIN.chars() {
            tap(&mut h, &c.to_string());
        }
        tap(&mut h, "Valider");
        screen(&mut h, r, "enquete", "Plus tard", size);
        // The first question's 4, the second's 2 (plain digits at every size).
        for (label, nth) in [("4", 0), ("2", 1)] {
            h.get_all_by_label(label).nth(nth).unwrap().scroll_to_me();
            h.run();
            h.get_all_by_label(label).nth(nth).unwrap().click();
            h.run();
        }
        screen(&mut h, r, "enquete_repondu", "Envoyer mes réponses", size);
        tap(&mut h, "Envoyer mes réponses");
        assert!(shows(&h, "Merci : vos réponses sont enregistrées."));
        screen(&mut h, r, "rappels", "Noter l'appel — acte 2026-0001", size);
        tap(&mut h, "Noter l'appel — acte 2026-0001");
        tap(&mut h, "A répondu");
        tap(&mut h, "Oui, pris");
        screen(&mut h, r, "appel", "Enregistrer l'appel", size);
    }
}

/// The first setup at every size: « Enregistrer et commencer » in view
/// without scrolling, and after an error too (the message has its own
/// strip, it hides no field).
#[test]
fn first_setup_at_every_size_keeps_its_main_action_on_screen() {
    let mut results = SnapshotResults::new();
    for size in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let clock = FixedClock::new(now());
        let mut h = wgpu_harness_with(services(dir.path(), &clock), Protocol::bundled(), size);
        screen(
            &mut h,
            &mut results,
            "setup",
            "Enregistrer et commencer",
            size,
        );
        tap(&mut h, "Enregistrer et commencer");
        assert!(
            h.state().state.message.is_some(),
            "an empty setup is refused with a message"
        );
        screen(
            &mut h,
            &mut results,
            "setup_erreur",
            "Enregistrer et commencer",
            size,
        );
        assert!(
            h.query_by_role_and_label(Role::TextInput, "Nom du délégant")
                .is_some(),
            "the délégant's fields are still there"
        );
    }
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
    let mut h = wgpu_harness_with(s, Protocol::bundled(), SIZES[0]);
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
    tap(&mut h, "Plus tard");
    tap(&mut h, "Clôturer le mois et produire le rapport");
    tap(&mut h, "Confirmer la clôture");
    // A fixed folder, so that the picture does not show a temporary path.
    replace_text(&mut h, "Dossier ou clé USB", "/media/pharmacie/CLE-CPTS");
    h.remove_cursor();
    h.run();
    h.snapshot("kiosk_rapport");
}
