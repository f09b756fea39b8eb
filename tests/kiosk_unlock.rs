//! The unlock screen before the kiosk, driven with egui_kittest: the first
//! start chooses the passphrase twice, a later start opens with it, and a
//! wrong one opens nothing and says so.

mod common;
mod kiosk_support;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use kiosk_support::*;
use protocoop::kiosk::unlock::UnlockForm;
use protocoop::kiosk::{FixedClock, Services};
use protocoop::protocol::Protocol;
use protocoop::ui::KioskApp;
use protocoop::ui::unlock::{Opener, Startup};

fn startup(dir: &std::path::Path) -> Harness<'static, Startup> {
    let clock = FixedClock::new(now());
    let form = UnlockForm::new(dir);
    let open_dir = dir.to_path_buf();
    let mut h = Harness::builder()
        .with_size(egui::Vec2::new(1280.0, 800.0))
        .build_eframe(move |cc| {
            let open: Opener = Box::new(move |ctx, ledger| {
                let roster =
                    protocoop::documents::Roster::for_device(&open_dir, &ledger.registry()?)?;
                let services = Services::new(
                    ledger,
                    roster,
                    Box::new(FixedClock::new(now())),
                    Box::new(protocoop::kiosk::MemoryPrinter::default()),
                );
                KioskApp::new(ctx, Protocol::bundled(), services)
            });
            Startup::new(&cc.egui_ctx, form, None, Box::new(clock), open)
        });
    h.run();
    h
}

fn type_in(h: &mut Harness<'_, Startup>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run();
    h.get_by_label(label).type_text(text);
    h.run();
}

#[test]
fn le_premier_demarrage_choisit_la_phrase_puis_elle_ouvre_le_kiosque() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut h = startup(&data);
    assert!(h.query_by_label_contains("Premier démarrage").is_some());
    type_in(
        &mut h,
        "Phrase de passe (au moins 12 caractères)",
        "cheval agrafe pile",
    );
    type_in(&mut h, "Retapez-la", "cheval agrafe pile");
    h.get_by_label("Créer et ouvrir").click();
    h.run();
    assert!(h.state().kiosk().is_some(), "the kiosk opened");
    assert!(data.join("keys.json").exists());
    drop(h);

    let mut h = startup(&data);
    assert!(h.query_by_label_contains("Premier démarrage").is_none());
    type_in(&mut h, "Phrase de passe", "pas la bonne phrase");
    h.get_by_label("Ouvrir le registre").click();
    h.run();
    assert!(h.state().kiosk().is_none());
    assert!(
        h.query_by_label_contains("Phrase de passe incorrecte")
            .is_some()
    );
    assert!(
        h.state().form().passphrase.is_empty(),
        "a wrong try is cleared"
    );
    type_in(&mut h, "Phrase de passe", "cheval agrafe pile");
    h.get_by_label("Ouvrir le registre").click();
    h.run();
    assert!(h.state().kiosk().is_some());
}

#[test]
fn deux_saisies_differentes_ne_creent_rien() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut h = startup(&data);
    type_in(
        &mut h,
        "Phrase de passe (au moins 12 caractères)",
        "cheval agrafe pile",
    );
    type_in(&mut h, "Retapez-la", "cheval agrafe pilE");
    h.get_by_label("Créer et ouvrir").click();
    h.run();
    assert!(h.state().kiosk().is_none());
    assert!(h.query_by_label_contains("diffèrent").is_some());
    assert!(!data.exists(), "nothing created");
}
