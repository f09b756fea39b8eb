//! The real kiosk, driven by labels with egui_kittest: a whole act, a red
//! flag, a child without weight, PIN lock-out, idle lock, voiding, a
//! follow-up corrected, first start. Each test reads the ledger
//! afterwards: the screens are not enough.

mod common;
mod kiosk_support;

use chrono::Duration;
use egui_kittest::kittest::Queryable;
use kiosk_support::*;
use protocoop::kiosk::{FixedClock, MemoryPrinter, Screen};
use protocoop::ledger::{ActStatus, FollowupEvent};
use protocoop::protocol::Protocol;
use sha2::{Digest, Sha256};

#[test]
fn a_adult_abscess_from_accueil_to_termine_in_at_most_12_taps() {
    let dir = tempfile::tempdir().unwrap();
    drop(common::setup_ledger(dir.path(), now()));
    let clock = FixedClock::new(now());
    let printer = MemoryPrinter::default();
    let mut h = harness_printing(dir.path(), &clock, Protocol::bundled(), &printer);
    let mut taps = Taps::default();

    sign_in(&mut h, &mut taps);
    patient(&mut h, &mut taps, "02/03/1986", None, "Homme");
    taps.tap(&mut h, "Aucun de ces signes");
    taps.tap(&mut h, "Aucune de ces situations");
    taps.tap(&mut h, "6");
    taps.tap(&mut h, "Abcès dentaire ?");
    taps.tap(&mut h, "Continuer");
    assert!(shows(&h, "Rendez-vous dentaire sous 24 heures"));
    assert!(
        shows(&h, "Dentiste de garde aujourd'hui"),
        "24 h: the dentist on duty is shown"
    );
    taps.tap(&mut h, "Voir l'ordonnance");
    assert!(shows(&h, "amoxicilline"));
    assert!(
        shows(&h, "SPÉCIMEN"),
        "draft protocol: the summary says specimen"
    );
    taps.tap(&mut h, "Valider et imprimer");

    assert!(taps.0 <= 12, "{} taps beyond typing the identity", taps.0);
    let Screen::Termine(done) = &h.state().state.screen else {
        panic!("not on Terminé: {:?}", h.state().state.message)
    };
    assert_eq!(done.number, "2026-0001");
    assert!(shows(&h, "Acte n° 2026-0001"));
    assert!(shows(&h, &done.verification_code));
    assert!(!done.print_failed, "{:?}", done.print);

    let code = done.verification_code.clone();
    drop(h);
    let l = protocoop::vault::open_ledger(dir.path(), "phrase de passe de test", now()).unwrap();
    assert!(l.verify().unwrap().ok);
    let view = l.act("2026-0001").unwrap();
    assert!(view.act.outcome.taken_in_charge);
    assert_eq!(view.act.consent, Some(true));
    let lines: Vec<&str> = view
        .act
        .prescription
        .iter()
        .map(|p| p.id.as_str())
        .collect();
    assert_eq!(lines, ["paracetamol", "chlorhexidine", "amoxicilline"]);
    assert_eq!(protocoop::documents::verification_code(&view.hash), code);
    // Printed from memory: nothing of it lies in the data folder.
    let jobs = printer.jobs();
    let titles: Vec<&str> = jobs.iter().map(|j| j.title.as_str()).collect();
    assert_eq!(titles, ["Ordonnance 2026-0001", "Fiche conseil 2026-0001"]);
    let bytes = &jobs[0].pdf;
    assert!(bytes.starts_with(b"%PDF"));
    assert!(!dir.path().join("documents").exists());
    let sha = hex::encode(Sha256::digest(bytes));
    let recorded = view.followups.iter().any(|f| {
        matches!(&f.event, FollowupEvent::Document { document, sha256, .. } if document == "prescription" && *sha256 == sha)
    });
    assert!(
        recorded,
        "the PDF's hash is a document follow-up: {:?}",
        view.followups
    );
}

#[test]
fn b_red_flag_stops_the_questions_and_records_a_screening() {
    let dir = tempfile::tempdir().unwrap();
    drop(common::setup_ledger(dir.path(), now()));
    let clock = FixedClock::new(now());
    let mut h = harness(dir.path(), &clock, Protocol::bundled());
    let mut taps = Taps::default();
    sign_in(&mut h, &mut taps);
    patient(&mut h, &mut taps, "02/03/1986", None, "Femme");
    tap(&mut h, "Rougeur ou gonflement qui s'étend vers l'œil ?");

    assert!(
        matches!(h.state().state.screen, Screen::Resultat),
        "stopped at once"
    );
    assert!(shows(&h, "Appelez le 15"));
    assert!(!shows(&h, "Antécédents"));
    assert!(
        !shows(&h, "aucun des symptômes"),
        "a reason from questions never asked is not shown"
    );
    tap(&mut h, "Enregistrer l'orientation");
    assert!(
        shows(&h, "Orientation enregistrée"),
        "{:?} {:?}",
        h.state().state.message,
        h.state().state.screen.title()
    );
    drop(h);

    let l = protocoop::vault::open_ledger(dir.path(), "phrase de passe de test", now()).unwrap();
    let view = l.act("2026-0001").unwrap();
    assert!(!view.act.outcome.taken_in_charge);
    assert_eq!(view.act.outcome.orientation.as_deref(), Some("urgence"));
    // Only the red flag: symptoms were never asked, so « no_symptom » is not
    // a reason (in the ledger nor in the monthly report).
    assert_eq!(view.act.outcome.reasons, ["excl.eye_swelling"]);
    assert!(view.act.prescription.is_empty());
    assert!(
        !view.act.facts.contains_key("pain_score"),
        "no later question was asked"
    );
    assert!(
        !dir.path().join("documents").exists(),
        "no document for a screening"
    );
}

#[test]
fn c_eleven_year_old_without_weight_cannot_reach_ordonnance() {
    let dir = tempfile::tempdir().unwrap();
    drop(common::setup_ledger(dir.path(), now()));
    let clock = FixedClock::new(now());
    let mut h = harness(dir.path(), &clock, Protocol::bundled());
    let mut taps = Taps::default();
    sign_in(&mut h, &mut taps);
    patient(&mut h, &mut taps, "01/01/2015", None, "Homme");

    assert!(
        matches!(h.state().state.screen, Screen::Patient(_)),
        "stays on Patient"
    );
    assert!(shows(&h, "obligatoire pour un patient de 11 ans"));
    assert!(h.state().state.act.is_none());

    // A minor: the parent or guardian consents, and the screen says so.
    assert!(shows(
        &h,
        "Patient mineur : informez son parent ou son tuteur légal"
    ));
    assert!(!shows(&h, "Patient informé et consentant : continuer"));
    // With the weight, the same child goes on to the questions.
    type_into(&mut h, "Poids (kg) — obligatoire avant 15 ans", "35");
    tap(&mut h, "Parent ou tuteur informé et consentant : continuer");
    assert!(matches!(h.state().state.screen, Screen::Question(_)));
}

#[test]
fn d_five_wrong_pins_lock_the_delegue() {
    let dir = tempfile::tempdir().unwrap();
    drop(common::setup_ledger(dir.path(), now()));
    let clock = FixedClock::new(now());
    let mut h = harness(dir.path(), &clock, Protocol::bundled());
    tap(&mut h, "Nouvelle prise en charge");
    tap(&mut h, "Marie Durand");
    for remaining in (1..=4).rev() {
        type_keys(&mut h, "9999");
        tap(&mut h, "Valider");
        assert!(
            shows(
                &h,
                &format!(
                    "encore {remaining} essai{}",
                    if remaining > 1 { "s" } else { "" }
                )
            ),
            "{:?}",
            h.state().state.message
        );
    }
    type_keys(&mut h, "9999");
    tap(&mut h, "Valider");
    assert!(
        shows(&h, "Trop d'essais de code PIN : verrouillé jusqu'à"),
        "{:?}",
        h.state().state.message
    );

    // The screen counts down to the minute it shows, on its own.
    assert!(shows(
        &h,
        "Trop d'essais : réessayez à 14:10 (dans 5 minutes)."
    ));
    clock.advance(Duration::minutes(2));
    h.run();
    assert!(shows(&h, "réessayez à 14:10 (dans 3 minutes)"));
    // Leaving and coming back: the count shows with her name, before any
    // new try.
    tap(&mut h, "Annuler");
    assert!(!shows(&h, "réessayez à"));
    tap(&mut h, "Nouvelle prise en charge");
    tap(&mut h, "Marie Durand");
    assert!(shows(&h, "réessayez à 14:10 (dans 3 minutes)"));

    // Even the right PIN is refused while locked; at the minute shown it works.
    type_keys(&mut h, "274915");
    tap(&mut h, "Valider");
    assert!(h.state().state.session.is_none());
    assert!(shows(&h, "verrouillé jusqu'à"));
    clock.advance(Duration::minutes(3) - Duration::seconds(1));
    h.run();
    assert!(shows(&h, "(dans 1 minute)"), "one second left, in minutes");
    clock.advance(Duration::seconds(1));
    h.run();
    assert!(
        !shows(&h, "réessayez à"),
        "the countdown ends at the minute shown"
    );
    type_keys(&mut h, "274915");
    tap(&mut h, "Valider");
    assert!(h.state().state.session.is_some());
    assert!(matches!(h.state().state.screen, Screen::Patient(_)));
}

#[test]
fn e_idle_lock_then_the_same_delegue_resumes_the_act() {
    let dir = tempfile::tempdir().unwrap();
    drop(common::setup_ledger(dir.path(), now()));
    let clock = FixedClock::new(now());
    let mut h = harness(dir.path(), &clock, Protocol::bundled());
    let mut taps = Taps::default();
    sign_in(&mut h, &mut taps);
    type_into(&mut h, "Nom", "Martin");

    clock.advance(Duration::minutes(4));
    h.run();
    assert!(h.state().state.session.is_some(), "not yet");
    clock.advance(Duration::minutes(1));
    h.run();
    assert!(
        h.state().state.session.is_none(),
        "locked after 5 idle minutes, the default"
    );
    assert!(shows(&h, "Session verrouillée"));
    assert!(!shows(&h, "Martin"), "patient data hidden while locked");

    type_keys(&mut h, "274915");
    tap(&mut h, "Valider");
    let Screen::Patient(form) = &h.state().state.screen else {
        panic!("back on Patient")
    };
    assert_eq!(form.last_name, "Martin", "nothing typed was lost");
}

#[test]
fn f_void_from_historique_with_reason_and_pin() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = common::setup_ledger(dir.path(), now());
    let p = Protocol::bundled();
    common::record(
        &mut l,
        &p,
        &common::abscess_input(serde_json::json!({})),
        now(),
    )
    .unwrap();
    drop(l);
    let clock = FixedClock::new(now() + Duration::minutes(10));
    let mut h = harness(dir.path(), &clock, p);
    tap(&mut h, "Historique");
    tap(&mut h, "Marie Durand");
    type_keys(&mut h, "274915");
    tap(&mut h, "Valider");
    // The quarter's questionnaire first, put off.
    tap(&mut h, "Plus tard");
    read(&mut h);
    h.get_by_label_contains("2026-0001 ·").click();
    h.run();
    // The outcome and the follow-ups in words, not ids.
    assert!(shows(
        &h,
        "Prise en charge : Rendez-vous dentaire sous 24 heures"
    ));
    // Never printed: its button prints what is missing.
    tap(&mut h, "Imprimer");
    assert!(shows(&h, "— ordonnance émise"));
    assert!(shows(&h, "— fiche-conseil émise"));
    tap(&mut h, "Annuler l'acte");
    tap(&mut h, "Confirmer l'annulation");
    assert!(
        shows(&h, "le motif d'annulation est obligatoire"),
        "{:?}",
        h.state().state.message
    );
    // A usual reason in one touch, completed by hand.
    tap(&mut h, "Erreur de patient");
    type_into(&mut h, "Motif (à compléter si besoin)", " (homonyme)");
    type_into(&mut h, "Votre code PIN", "274915");
    tap(&mut h, "Confirmer l'annulation");
    assert!(
        shows(&h, "Acte 2026-0001 annulé"),
        "{:?}",
        h.state().state.message
    );
    assert!(shows(&h, "ANNULÉ : Erreur de patient (homonyme)"));
    drop(h);

    let l = protocoop::vault::open_ledger(dir.path(), "phrase de passe de test", now()).unwrap();
    let view = l.act("2026-0001").unwrap();
    assert!(
        matches!(view.status, ActStatus::Void { ref reason, .. } if reason == "Erreur de patient (homonyme)")
    );
    assert!(l.verify().unwrap().ok);
}

#[test]
fn g_first_start_on_an_empty_data_folder_asks_for_the_setup() {
    let dir = tempfile::tempdir().unwrap();
    let clock = FixedClock::new(now());
    let mut h = harness(dir.path(), &clock, Protocol::bundled());
    assert!(shows(&h, "Première mise en service"));
    type_into(&mut h, "Nom de la structure", "Pharmacie de la Poste");
    type_into(&mut h, "Adresse", "1 rue de la Poste, 79500 Melle");
    replace_text(&mut h, "Code postal", "79500");
    type_into(&mut h, "Nom du délégué", "Anne Martin");
    type_into(&mut h, "RPPS du délégué", common::DELEGUE);
    type_into(&mut h, "Date de formation", "15/01/2026");
    type_into(&mut h, "Code PIN (6 chiffres au moins)", "246813");
    type_into(&mut h, "Code PIN (confirmation)", "246812");
    type_into(&mut h, "Nom du délégant", "Dr Paul Dent");
    type_into(&mut h, "RPPS du délégant", common::DELEGANT);
    tap(&mut h, "Enregistrer et commencer");
    assert!(
        shows(&h, "les deux codes PIN saisis sont différents"),
        "{:?}",
        h.state().state.message
    );
    assert!(
        protocoop::vault::open_ledger(dir.path(), "phrase de passe de test", now())
            .unwrap()
            .registry()
            .unwrap()
            .structure
            .is_none(),
        "nothing half-written"
    );

    // Both hidden PIN fields are emptied after a mismatch: type them again.
    type_into(&mut h, "Code PIN (6 chiffres au moins)", "246813");
    type_into(&mut h, "Code PIN (confirmation)", "246813");
    tap(&mut h, "Enregistrer et commencer");
    assert!(
        shows(&h, "Mise en service terminée"),
        "{:?}",
        h.state().state.message
    );
    assert!(matches!(h.state().state.screen, Screen::Accueil));
    assert!(shows(&h, "Pharmacie de la Poste"));

    // The new délégué signs in with the PIN chosen here (hashed, not stored).
    tap(&mut h, "Nouvelle prise en charge");
    type_keys(&mut h, "246813");
    tap(&mut h, "Valider");
    assert!(
        matches!(h.state().state.screen, Screen::Patient(_)),
        "{:?}",
        h.state().state.message
    );
    drop(h);
    let reg = protocoop::vault::open_ledger(dir.path(), "phrase de passe de test", now())
        .unwrap()
        .registry()
        .unwrap();
    let d = &reg.delegues()[0];
    assert!(d.pin_hash.starts_with("$argon2id$") && !d.pin_hash.contains("246813"));
}

#[test]
fn h_consent_refused_says_what_to_tell_and_abandon_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    drop(common::setup_ledger(dir.path(), now()));
    let clock = FixedClock::new(now());
    let mut h = harness(dir.path(), &clock, Protocol::bundled());
    let mut taps = Taps::default();
    sign_in(&mut h, &mut taps);
    type_into(&mut h, "Nom", "Martin");
    tap(&mut h, "Le patient refuse");
    assert!(matches!(h.state().state.screen, Screen::ConsentRefused));
    assert!(shows(&h, "Rien n'a été enregistré"));
    assert!(shows(
        &h,
        "chirurgien-dentiste, ou de consulter son médecin traitant"
    ));
    // The signs that call for the 15 are the advice sheet's own.
    assert!(shows(&h, "Appelez le 15 immédiatement si"));
    assert!(shows(&h, "le gonflement s'étend vers l'œil ou vers le cou"));
    assert!(!shows(&h, "Martin"), "the identity is gone");
    tap(&mut h, "Retour à l'accueil");
    assert!(matches!(h.state().state.screen, Screen::Accueil));

    tap(&mut h, "Nouvelle prise en charge");
    patient(&mut h, &mut taps, "02/03/1986", None, "Homme");
    assert!(matches!(h.state().state.screen, Screen::Question(_)));
    tap(&mut h, "Abandonner la prise en charge");
    assert!(shows(&h, "Abandonner cette prise en charge ?"));
    tap(&mut h, "Non, continuer");
    assert!(matches!(h.state().state.screen, Screen::Question(_)));
    tap(&mut h, "Abandonner la prise en charge");
    tap(&mut h, "Oui, abandonner");
    assert!(matches!(h.state().state.screen, Screen::Accueil));
    assert!(shows(&h, "rien n'a été enregistré"));
    assert!(h.state().services.ledger.acts(None).unwrap().is_empty());
}

#[test]
fn i_a_codeine_prescription_asks_for_secure_paper_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    drop(common::setup_ledger(dir.path(), now()));
    let clock = FixedClock::new(now());
    let mut h = harness(dir.path(), &clock, Protocol::bundled());
    let mut taps = Taps::default();
    sign_in(&mut h, &mut taps);
    patient(&mut h, &mut taps, "02/03/1986", None, "Homme");
    tap(&mut h, "Aucun de ces signes");
    tap(&mut h, "Aucune de ces situations");
    tap(&mut h, "6");
    tap(&mut h, "Abcès dentaire ?");
    tap(&mut h, "Continuer");
    tap(&mut h, "Voir l'ordonnance");
    tap(
        &mut h,
        "paracétamol + codéine 500 mg / 30 mg (comprimé) (facultatif)",
    );
    tap(&mut h, "Valider et imprimer");
    assert!(shows(
        &h,
        "Sur ordonnance sécurisée : paracétamol + codéine."
    ));
    assert!(h.state().services.ledger.acts(None).unwrap().is_empty());
    tap(&mut h, "Papier sécurisé chargé : valider et imprimer");
    assert!(matches!(h.state().state.screen, Screen::Termine(_)));
}

/// A finger on the field « Nom » at a counter with no keyboard: the
/// on-screen keyboard comes up, and the whole identity is typed by its
/// keys alone (capitals, an accent, the date pad putting in its slashes),
/// the consent given, and the act goes on with that identity.
#[test]
fn the_identity_typed_with_the_on_screen_keys_only() {
    let dir = tempfile::tempdir().unwrap();
    drop(common::setup_ledger(dir.path(), now()));
    let clock = FixedClock::new(now());
    let mut h = harness(dir.path(), &clock, Protocol::bundled());
    let mut taps = Taps::default();
    sign_in(&mut h, &mut taps);
    tap(&mut h, "Prénom");
    assert!(
        !shows(&h, "Masquer le clavier"),
        "a mouse click: a keyboard is at hand, none comes up"
    );

    // A touch, as a touch screen sends it: a finger down and up on the field.
    read(&mut h);
    let at = h
        .query_by_role_and_label(egui::accesskit::Role::TextInput, "Nom")
        .expect("the field « Nom »")
        .rect()
        .center();
    let pos = egui::pos2(at.x as f32, at.y as f32);
    let touch = |phase| egui::Event::Touch {
        device_id: egui::TouchDeviceId(1),
        id: egui::TouchId(1),
        phase,
        pos,
        force: None,
    };
    let button = |pressed| egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: egui::Modifiers::NONE,
    };
    h.event(egui::Event::PointerMoved(pos));
    h.run();
    h.event(touch(egui::TouchPhase::Start));
    h.event(button(true));
    h.step();
    h.event(touch(egui::TouchPhase::End));
    h.event(button(false));
    h.run();
    assert!(
        shows(&h, "Masquer le clavier"),
        "a finger on a field brings up the keyboard"
    );

    let keys = |h: &mut egui_kittest::Harness<'_, protocoop::ui::KioskApp>, keys: &[&str]| {
        for k in keys {
            tap_now(h, k);
        }
    };
    keys(
        &mut h,
        &["Majuscules", "M", "Majuscules", "a", "r", "t", "i", "n"],
    );
    tap(&mut h, "Prénom");
    keys(
        &mut h,
        &[
            "Majuscules",
            "Z",
            "Majuscules",
            "o",
            "Accents",
            "é",
            "Accents",
        ],
    );
    tap(&mut h, "Date de naissance");
    keys(&mut h, &["0", "2", "0", "3", "1", "9", "8", "6"]);
    assert!(shows(&h, "40 ans"), "the age follows the date typed");
    tap_now(&mut h, "Masquer le clavier");
    tap(&mut h, "Femme");
    let consent = consent_label(&h);
    tap(&mut h, consent);
    let Screen::Question(_) = &h.state().state.screen else {
        panic!("not on the questions: {:?}", h.state().state.message)
    };
    let p = &h.state().state.act.as_ref().unwrap().patient;
    assert_eq!(
        (p.last_name.as_str(), p.first_name.as_str()),
        ("Martin", "Zoé")
    );
    assert_eq!(p.birth_date.to_string(), "1986-03-02");
    assert_eq!(p.postal_code, "79500", "the structure's, untouched");
}

#[test]
fn j_a_score_touched_by_mistake_is_withdrawn_then_the_right_one_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = common::setup_ledger(dir.path(), now());
    let p = Protocol::bundled();
    common::record(
        &mut l,
        &p,
        &common::abscess_input(serde_json::json!({})),
        now(),
    )
    .unwrap();
    drop(l);
    let clock = FixedClock::new(now() + Duration::minutes(10));
    let mut h = harness(dir.path(), &clock, p);
    tap(&mut h, "Historique");
    tap(&mut h, "Marie Durand");
    type_keys(&mut h, "274915");
    tap(&mut h, "Valider");
    // The quarter's questionnaire first, put off.
    tap(&mut h, "Plus tard");
    read(&mut h);
    h.get_by_label_contains("2026-0001 ·").click();
    h.run();
    tap(&mut h, "2/5");
    tap(&mut h, "Enregistrer ce suivi");
    assert!(shows(&h, "— satisfaction du patient : 2/5"));

    tap(&mut h, "Corriger");
    assert!(shows(
        &h,
        "Retirer ce suivi : satisfaction du patient : 2/5 ?"
    ));
    tap(&mut h, "Retirer ce suivi");
    assert!(
        shows(&h, "touchez un motif de correction ou écrivez-le"),
        "{:?}",
        h.state().state.message
    );
    tap(&mut h, "Mauvaise note");
    tap(&mut h, "Retirer ce suivi");
    assert!(
        shows(&h, "Suivi retiré de l'acte 2026-0001"),
        "{:?}",
        h.state().state.message
    );
    assert!(shows(&h, "2/5 (retiré par la correction de l'entrée"));
    assert!(
        h.query_by_role_and_label(egui::accesskit::Role::Button, "Corriger")
            .is_none(),
        "a withdrawn follow-up and a correction are not corrected again"
    );
    tap(&mut h, "5/5");
    tap(&mut h, "Enregistrer ce suivi");
    assert_eq!(
        h.query_all_by_role_and_label(egui::accesskit::Role::Button, "Corriger")
            .count(),
        1,
        "only the 5/5 may still be corrected"
    );
    drop(h);

    let l = protocoop::vault::open_ledger(dir.path(), "phrase de passe de test", now()).unwrap();
    let view = l.act("2026-0001").unwrap();
    let kinds: Vec<&str> = view.followups.iter().map(|f| f.event.type_name()).collect();
    assert_eq!(
        kinds,
        ["patient_satisfaction", "correction", "patient_satisfaction"]
    );
    assert_eq!(
        view.withdrawn(),
        [view.followups[0].seq].into_iter().collect()
    );
    assert!(matches!(
        &view.followups[1].event,
        FollowupEvent::Correction { reason, .. } if reason == "Mauvaise note"
    ));
    assert!(l.verify().unwrap().ok);
}

#[test]
fn k_a_presentation_chosen_and_the_doctor_named_reach_the_act_and_the_letter() {
    let dir = tempfile::tempdir().unwrap();
    drop(common::setup_ledger(dir.path(), now()));
    let clock = FixedClock::new(now());
    let printer = MemoryPrinter::default();
    let mut h = harness_printing(dir.path(), &clock, Protocol::bundled(), &printer);
    let mut taps = Taps::default();

    sign_in(&mut h, &mut taps);
    type_into(
        &mut h,
        "Médecin traitant (facultatif)",
        "Dr Anne Généraliste",
    );
    type_into(&mut h, "Sa commune", "Celles-sur-Belle");
    patient(&mut h, &mut taps, "02/03/1986", None, "Homme");
    taps.tap(&mut h, "Aucun de ces signes");
    taps.tap(&mut h, "Aucune de ces situations");
    taps.tap(&mut h, "6");
    taps.tap(&mut h, "Abcès dentaire ?");
    taps.tap(&mut h, "Continuer");
    taps.tap(&mut h, "Voir l'ordonnance");
    // Each presentation with its dose; the default gives the most of it.
    assert!(shows(&h, "comprimé 500 mg : 2 comprimés"));
    assert!(shows(
        &h,
        "2 comprimés de 500 mg par prise, toutes les 6 heures si besoin"
    ));
    taps.tap(&mut h, "comprimé 1 g : 1 comprimé");
    assert!(
        shows(
            &h,
            "1 comprimé de 1 g par prise, toutes les 6 heures si besoin, au plus 3 comprimés par jour"
        ),
        "the summary follows the choice"
    );
    taps.tap(&mut h, "Valider et imprimer");
    let Screen::Termine(_) = &h.state().state.screen else {
        panic!("not on Terminé: {:?}", h.state().state.message)
    };
    taps.tap(&mut h, "Imprimer le compte rendu pour le médecin traitant");
    let titles: Vec<String> = printer.jobs().iter().map(|j| j.title.clone()).collect();
    assert_eq!(
        titles,
        [
            "Ordonnance 2026-0001",
            "Fiche conseil 2026-0001",
            "Compte rendu au médecin traitant 2026-0001"
        ]
    );
    let letter = printer.jobs()[2].pdf.clone();
    drop(h);
    let l = protocoop::vault::open_ledger(dir.path(), "phrase de passe de test", now()).unwrap();
    let view = l.act("2026-0001").unwrap();
    let given = view.act.prescription[0].given.as_ref().unwrap();
    assert_eq!(given.label, "1 g");
    assert_eq!(given.per_intake_milli, 1000);
    let doctor = view.act.attending_doctor.as_ref().unwrap();
    assert_eq!(doctor.name, "Dr Anne Généraliste");
    assert_eq!(doctor.town.as_deref(), Some("Celles-sur-Belle"));
    let sha = hex::encode(Sha256::digest(&letter));
    assert!(view.followups.iter().any(|f| matches!(
        &f.event,
        FollowupEvent::Document { document, sha256, .. } if document == "letter" && *sha256 == sha
    )));
}
