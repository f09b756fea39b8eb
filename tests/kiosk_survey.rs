//! The professionals' questionnaire on the real kiosk (issue 18, item 6):
//! first after the PIN once a quarter, unless the délégué signed in for a
//! prise en charge — Accueil offers it then; answered or put off, it is
//! not asked again that quarter; Escape goes on and records nothing.

mod common;
mod kiosk_support;

use chrono::Duration;
use common::*;
use egui_kittest::kittest::Queryable;
use kiosk_support::*;
use protocoop::kiosk::{FixedClock, Screen};
use protocoop::ledger::SurveyRecord;
use protocoop::protocol::{Protocol, SurveyAnswer};

fn surveys(dir: &std::path::Path) -> Vec<SurveyRecord> {
    let l = protocoop::vault::open_ledger(dir, "phrase de passe de test", now()).unwrap();
    l.surveys_between(1, u64::MAX)
        .unwrap()
        .into_iter()
        .map(|(_, s)| s)
        .collect()
}

fn pin_for(h: &mut egui_kittest::Harness<'_, protocoop::ui::KioskApp>, button: &str) {
    tap(h, button);
    tap(h, "Marie Durand");
    type_keys(h, PIN);
    tap(h, "Valider");
}

/// The top bar's « Verrouiller » (Accueil has one too).
fn lock(h: &mut egui_kittest::Harness<'_, protocoop::ui::KioskApp>) {
    h.get_all_by_label("Verrouiller").next().unwrap().click();
    h.run();
}

/// The `nth` button labelled `label` (each question has its five).
fn score(h: &mut egui_kittest::Harness<'_, protocoop::ui::KioskApp>, label: &str, nth: usize) {
    h.get_all_by_label(label).nth(nth).unwrap().scroll_to_me();
    h.run();
    h.get_all_by_label(label).nth(nth).unwrap().click();
    h.run();
}

/// Signs in for a prise en charge (a patient waits: no questionnaire
/// first), begins it, and abandons it back to Accueil.
fn act_then_accueil(h: &mut egui_kittest::Harness<'_, protocoop::ui::KioskApp>) {
    pin_for(h, "Nouvelle prise en charge");
    assert!(matches!(h.state().state.screen, Screen::Patient(_)));
    type_into(h, "Nom", "Martin");
    tap(h, "Abandonner la prise en charge");
    tap(h, "Oui, abandonner");
}

fn answer(question: &str, score: u8) -> SurveyAnswer {
    SurveyAnswer {
        question: question.into(),
        score,
    }
}

#[test]
fn k_le_questionnaire_vient_apres_le_pin_puis_plus_de_tout_le_trimestre() {
    let dir = tempfile::tempdir().unwrap();
    drop(setup_ledger(dir.path(), now()));
    let clock = FixedClock::new(now());
    let mut h = harness(dir.path(), &clock, Protocol::bundled());
    pin_for(&mut h, "Historique");
    assert!(matches!(h.state().state.screen, Screen::Enquete(_)));
    for s in [
        "Votre avis sur le protocole",
        "Questionnaire du 4e trimestre 2026",
        "Dans l'ensemble, êtes-vous satisfait(e) du protocole ?",
        "protocoop vous aide-t-il à appliquer le protocole ?",
    ] {
        assert!(shows(&h, s), "{s}");
    }
    assert!(
        !shows(&h, "Envoyer mes réponses"),
        "nothing to send before a score"
    );
    // The first question's 4, then the last question's 2, one taken back.
    score(&mut h, "4", 0);
    score(&mut h, "2", 3);
    score(&mut h, "3", 1);
    score(&mut h, "3", 1);
    assert!(surveys(dir.path()).is_empty(), "nothing recorded yet");
    tap(&mut h, "Envoyer mes réponses");
    assert!(shows(&h, "Merci : vos réponses sont enregistrées."));
    assert!(
        matches!(h.state().state.screen, Screen::Historique(_)),
        "on where the sign-in was going"
    );
    let recorded = surveys(dir.path());
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].by, DELEGUE);
    assert!(!recorded[0].declined);
    assert!(recorded[0].training, "a training device's answers say so");
    assert_eq!(
        recorded[0].answers,
        vec![answer("global", 4), answer("outil", 2)]
    );

    // Signed in again the same quarter: straight to where she asked.
    tap(&mut h, "Accueil");
    assert!(!shows(&h, "Répondre au questionnaire"), "answered");
    lock(&mut h);
    pin_for(&mut h, "Rapport du mois");
    assert!(matches!(h.state().state.screen, Screen::Rapport(_)));
    assert_eq!(surveys(dir.path()).len(), 1);
}

#[test]
fn k_une_prise_en_charge_d_abord_puis_l_accueil_le_propose() {
    let dir = tempfile::tempdir().unwrap();
    drop(setup_ledger(dir.path(), now()));
    let clock = FixedClock::new(now());
    let mut h = harness(dir.path(), &clock, Protocol::bundled());
    // A patient waits: no questionnaire before the act.
    act_then_accueil(&mut h);
    assert!(shows(
        &h,
        "Répondre au questionnaire du 4e trimestre 2026 (une minute)"
    ));
    tap(
        &mut h,
        "Répondre au questionnaire du 4e trimestre 2026 (une minute)",
    );
    assert!(matches!(h.state().state.screen, Screen::Enquete(_)));
    tap(&mut h, "Plus tard");
    assert!(matches!(h.state().state.screen, Screen::Accueil));
    assert!(shows(
        &h,
        "Le questionnaire vous sera proposé de nouveau au 1er trimestre 2027."
    ));
    assert!(!shows(&h, "Répondre au questionnaire"), "put off");
    let recorded = surveys(dir.path());
    assert_eq!(recorded.len(), 1);
    assert!(recorded[0].declined && recorded[0].answers.is_empty());

    // The next quarter: asked again at the first sign-in.
    lock(&mut h);
    clock.advance(Duration::days(40));
    h.run();
    pin_for(&mut h, "Historique");
    assert!(shows(&h, "Questionnaire du 1er trimestre 2027"));
}

#[test]
fn k_echap_passe_sans_rien_enregistrer() {
    let dir = tempfile::tempdir().unwrap();
    drop(setup_ledger(dir.path(), now()));
    let clock = FixedClock::new(now());
    let mut h = harness(dir.path(), &clock, Protocol::bundled());
    pin_for(&mut h, "Réglages");
    assert!(matches!(h.state().state.screen, Screen::Enquete(_)));
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(matches!(h.state().state.screen, Screen::Reglages(_)));
    assert!(surveys(dir.path()).is_empty());
    // Still to see: Accueil offers it, and the next sign-in asks again.
    tap(&mut h, "Accueil");
    assert!(shows(&h, "Répondre au questionnaire"));
    lock(&mut h);
    pin_for(&mut h, "Historique");
    assert!(matches!(h.state().state.screen, Screen::Enquete(_)));
}

/// Answered meanwhile from the command line: « Envoyer » says so and goes
/// on, rather than leaving her on a questionnaire that can no longer be
/// recorded.
#[test]
fn k_deja_repondu_ailleurs_le_kiosque_le_dit_et_continue() {
    let dir = tempfile::tempdir().unwrap();
    drop(setup_ledger(dir.path(), now()));
    let clock = FixedClock::new(now());
    let mut h = harness(dir.path(), &clock, Protocol::bundled());
    pin_for(&mut h, "Historique");
    assert!(matches!(h.state().state.screen, Screen::Enquete(_)));
    {
        let mut l =
            protocoop::vault::open_ledger(dir.path(), "phrase de passe de test", now()).unwrap();
        let by = l.authenticate(&rpps(DELEGUE), PIN, now()).unwrap();
        l.record_survey(
            &Protocol::bundled(),
            &by,
            protocoop::ledger::SurveyResponse::Declined,
            now(),
        )
        .unwrap();
    }
    score(&mut h, "4", 0);
    tap(&mut h, "Envoyer mes réponses");
    assert!(matches!(h.state().state.screen, Screen::Historique(_)));
    assert!(shows(
        &h,
        "Votre réponse à ce questionnaire est déjà enregistrée pour ce trimestre."
    ));
    assert_eq!(surveys(dir.path()).len(), 1, "recorded once");
}

/// A session that crosses into a new quarter (23:58 to 00:01, Paris):
/// Accueil offers the new quarter's questionnaire, and « Plus tard » names
/// the quarter after it.
#[test]
fn k_a_minuit_le_trimestre_change_le_questionnaire_aussi() {
    let dir = tempfile::tempdir().unwrap();
    let before = chrono::DateTime::parse_from_rfc3339("2027-03-31T23:58:00+02:00")
        .unwrap()
        .with_timezone(&chrono::Utc);
    drop(setup_ledger(dir.path(), before));
    let clock = FixedClock::new(before);
    let mut h = harness(dir.path(), &clock, Protocol::bundled());
    act_then_accueil(&mut h);
    assert!(shows(&h, "Répondre au questionnaire du 1er trimestre 2027"));
    clock.advance(Duration::minutes(3));
    h.run();
    assert!(shows(&h, "Répondre au questionnaire du 2e trimestre 2027"));
    tap(
        &mut h,
        "Répondre au questionnaire du 2e trimestre 2027 (une minute)",
    );
    assert!(shows(&h, "Questionnaire du 2e trimestre 2027"));
    tap(&mut h, "Plus tard");
    assert!(shows(
        &h,
        "Le questionnaire vous sera proposé de nouveau au 3e trimestre 2027."
    ));
}
