//! Nothing by accident at the counter: a double tap never answers the next
//! screen, a message never moves a button, and nothing is recorded without
//! a last step that says what will be recorded. The real app, driven with
//! egui_kittest at 50 ms a frame (a double tap is two touches ≈ 150 ms
//! apart).

mod common;
mod kiosk_support;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use kiosk_support::*;
use protocoop::kiosk::{FixedClock, Screen};
use protocoop::protocol::Protocol;
use protocoop::ui::KioskApp;

const STEP: f32 = 0.05;

fn fast_harness(dir: &std::path::Path, clock: &FixedClock) -> Harness<'static, KioskApp> {
    let services = services(dir, clock);
    let mut h = Harness::builder()
        .with_size(egui::Vec2::new(1280.0, 800.0))
        .with_step_dt(STEP)
        .build_eframe(move |cc| {
            KioskApp::new(&cc.egui_ctx, Protocol::bundled(), services).unwrap()
        });
    h.run();
    h
}

/// Lets the guard's delay pass, as a person reading the screen.
fn wait(h: &mut Harness<'_, KioskApp>) {
    read(h);
}

fn press_and_release(h: &mut Harness<'_, KioskApp>, label: &str) {
    let node = h
        .query_by_role_and_label(Role::Button, label)
        .unwrap_or_else(|| h.get_by_label(label));
    let pos = node.rect().center();
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::default(),
        });
    }
    // One frame per event: press, release.
    h.step();
}

/// A read tap on `first`, then at once (the next frame) a tap on `second`,
/// which the first tap's screen change brought under the finger.
fn double_tap(h: &mut Harness<'_, KioskApp>, first: &str, second: &str) {
    wait(h);
    press_and_release(h, first);
    // The frame that first draws the new screen.
    h.step();
    press_and_release(h, second);
    h.run();
}

fn to_first_question(h: &mut Harness<'_, KioskApp>) {
    let mut taps = Taps::default();
    wait(h);
    sign_in(h, &mut taps);
    wait(h);
    patient(h, &mut taps, "02/03/1986", None, "Homme");
}

fn question_index(h: &Harness<'_, KioskApp>) -> Option<usize> {
    match &h.state().state.screen {
        Screen::Question(q) => Some(q.index),
        _ => None,
    }
}

#[test]
fn double_tap_on_aucun_de_ces_signes_does_not_answer_the_next_screen() {
    let dir = tempfile::tempdir().unwrap();
    drop(common::setup_ledger(dir.path(), now()));
    let clock = FixedClock::new(now());
    let mut h = fast_harness(dir.path(), &clock);
    to_first_question(&mut h);
    let first = question_index(&h).unwrap();
    double_tap(&mut h, "Aucun de ces signes", "Aucune de ces situations");
    let second = question_index(&h).expect("still on a question");
    assert_ne!(second, first, "the first tap answered the red flags");
    assert!(
        shows(&h, "Aucune de ces situations"),
        "the second screen is still waiting for its answer"
    );
    let act = h.state().state.act.as_ref().unwrap();
    assert_eq!(act.asked.len(), 1, "only the red flags were answered");
    // The same tap, once the screen has been read, does answer it.
    wait(&mut h);
    press_and_release(&mut h, "Aucune de ces situations");
    h.run();
    assert_ne!(question_index(&h), Some(second));
}

#[test]
fn double_tap_on_voir_l_ordonnance_does_not_tick_codeine() {
    let dir = tempfile::tempdir().unwrap();
    drop(common::setup_ledger(dir.path(), now()));
    let clock = FixedClock::new(now());
    let mut h = fast_harness(dir.path(), &clock);
    to_first_question(&mut h);
    for label in [
        "Aucun de ces signes",
        "Aucune de ces situations",
        "6",
        "Abcès dentaire ?",
        "Continuer",
    ] {
        wait(&mut h);
        press_and_release(&mut h, label);
        h.run();
    }
    assert!(matches!(h.state().state.screen, Screen::Resultat));
    let codeine = "paracétamol + codéine 500 mg / 30 mg (comprimé) (facultatif)";
    double_tap(&mut h, "Voir l'ordonnance", codeine);
    let Screen::Ordonnance(form) = &h.state().state.screen else {
        panic!("not on Ordonnance: {:?}", h.state().state.message)
    };
    assert!(form.optional_on.is_empty(), "codeine ticked by a stray tap");
    wait(&mut h);
    press_and_release(&mut h, codeine);
    h.run();
    let Screen::Ordonnance(form) = &h.state().state.screen else {
        panic!("left Ordonnance")
    };
    assert_eq!(form.optional_on.len(), 1, "a deliberate tap does tick it");
}

#[test]
fn pain_8_then_a_stray_tap_records_nothing() {
    let dir = tempfile::tempdir().unwrap();
    drop(common::setup_ledger(dir.path(), now()));
    let clock = FixedClock::new(now());
    let mut h = fast_harness(dir.path(), &clock);
    to_first_question(&mut h);
    for label in ["Aucun de ces signes", "Aucune de ces situations"] {
        wait(&mut h);
        press_and_release(&mut h, label);
        h.run();
    }
    double_tap(&mut h, "8", "Enregistrer l'orientation");
    assert!(
        matches!(h.state().state.screen, Screen::Resultat),
        "still on Résultat: {:?}",
        h.state().state.screen.title()
    );
    // The last step says what it will record.
    assert!(shows(&h, "inscrit au registre"));
    assert!(shows(&h, "Avis sous 24 heures") || shows(&h, "24 heures"));
    let entries = |dir: &std::path::Path| {
        protocoop::vault::open_ledger(dir, "phrase de passe de test", now())
            .unwrap()
            .len()
            .unwrap()
    };
    let before = entries(dir.path());
    wait(&mut h);
    press_and_release(&mut h, "Enregistrer l'orientation");
    h.run();
    assert!(shows(&h, "Orientation enregistrée"));
    assert_eq!(
        entries(dir.path()),
        before + 1,
        "recorded by the deliberate tap only"
    );
}

#[test]
fn enter_right_after_a_screen_change_does_nothing() {
    let dir = tempfile::tempdir().unwrap();
    drop(common::setup_ledger(dir.path(), now()));
    let clock = FixedClock::new(now());
    let mut h = fast_harness(dir.path(), &clock);
    wait(&mut h);
    press_and_release(&mut h, "Nouvelle prise en charge");
    h.step();
    h.key_press(egui::Key::Enter);
    h.run();
    let Screen::Identification(f) = &h.state().state.screen else {
        panic!("not on the PIN screen")
    };
    assert!(f.pin.is_empty());
    assert!(
        h.state().state.message.is_none(),
        "Enter submitted an empty PIN"
    );
}

/// Every button's place on screen, by label.
fn button_rects(h: &Harness<'_, KioskApp>) -> Vec<(String, egui::Rect)> {
    let mut v: Vec<_> = h
        .query_all_by_role(Role::Button)
        .map(|n| (n.accesskit_node().label().unwrap_or_default(), n.rect()))
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

#[test]
fn a_message_appearing_never_moves_a_button() {
    let dir = tempfile::tempdir().unwrap();
    drop(common::setup_ledger(dir.path(), now()));
    let clock = FixedClock::new(now());
    let mut h = fast_harness(dir.path(), &clock);
    wait(&mut h);
    press_and_release(&mut h, "Nouvelle prise en charge");
    h.run();
    wait(&mut h);
    press_and_release(&mut h, "Marie Durand");
    h.run();
    let before = button_rects(&h);
    assert!(before.len() > 10, "{before:?}");
    type_keys(&mut h, "9999");
    wait(&mut h);
    press_and_release(&mut h, "Valider");
    h.run();
    assert!(
        shows(&h, "Code PIN incorrect"),
        "{:?}",
        h.state().state.message
    );
    assert_eq!(button_rects(&h), before, "the error moved the keypad");

    // The same on the Patient screen, with an error and then an info.
    wait(&mut h);
    type_keys(&mut h, "274915");
    press_and_release(&mut h, "Valider");
    h.run();
    wait(&mut h);
    let before = button_rects(&h);
    press_and_release(&mut h, "Patient informé et consentant : continuer");
    h.run();
    assert!(
        h.state().state.message.is_some(),
        "an empty form is refused"
    );
    assert_eq!(
        button_rects(&h),
        before,
        "the error moved the Patient screen"
    );
}

/// « Abandonner » then, at once, « Oui, abandonner »: the confirmation
/// counts as a new screen, so a double touch never drops the act.
#[test]
fn double_tap_on_abandonner_does_not_confirm_it() {
    let dir = tempfile::tempdir().unwrap();
    drop(common::setup_ledger(dir.path(), now()));
    let clock = FixedClock::new(now());
    let mut h = fast_harness(dir.path(), &clock);
    to_first_question(&mut h);
    double_tap(&mut h, "Abandonner la prise en charge", "Oui, abandonner");
    assert!(question_index(&h).is_some(), "the act is still under way");
    assert!(h.state().state.act.is_some());
    assert!(shows(&h, "Abandonner cette prise en charge ?"));
}

/// A score touched twice in Historique: the second touch lands on
/// « Enregistrer ce suivi », shown in its place, and records nothing.
#[test]
fn double_tap_on_a_score_does_not_record_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = common::setup_ledger(dir.path(), now());
    common::record(
        &mut l,
        &Protocol::bundled(),
        &common::abscess_input(serde_json::json!({})),
        now(),
    )
    .unwrap();
    drop(l);
    let clock = FixedClock::new(now());
    let mut h = fast_harness(dir.path(), &clock);
    wait(&mut h);
    press_and_release(&mut h, "Historique");
    h.run();
    wait(&mut h);
    press_and_release(&mut h, "Marie Durand");
    h.run();
    type_keys(&mut h, "274915");
    wait(&mut h);
    press_and_release(&mut h, "Valider");
    h.run();
    // The quarter's questionnaire first, put off.
    wait(&mut h);
    press_and_release(&mut h, "Plus tard");
    h.run();
    wait(&mut h);
    h.get_by_label_contains("2026-0001 ·").click();
    h.run();
    h.get_by_label("4/5").scroll_to_me();
    h.run();
    double_tap(&mut h, "4/5", "Enregistrer ce suivi");
    assert!(shows(&h, "Enregistrer ce suivi"), "still asked");
    let Screen::Historique(form) = &h.state().state.screen else {
        panic!("{:?}", h.state().state.screen)
    };
    assert!(
        form.open
            .as_ref()
            .unwrap()
            .followups
            .iter()
            .all(|f| !matches!(
                f.event,
                protocoop::ledger::FollowupEvent::PatientSatisfaction { .. }
            ))
    );
}
