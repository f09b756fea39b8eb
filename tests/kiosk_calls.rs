//! « À rappeler » on the real kiosk (issue 18, item 2): Accueil says how
//! many patients are to be called, the list names each with her phone and
//! the act, one call records the answers of every call due for the act,
//! and the list shrinks; no answer brings the patient back the next day.

mod common;
mod kiosk_support;

use chrono::Duration;
use common::*;
use egui_kittest::kittest::Queryable;
use kiosk_support::*;
use protocoop::kiosk::{FixedClock, Screen};
use protocoop::ledger::FollowupEvent;
use protocoop::protocol::Protocol;
use serde_json::json;

/// Two adults with an abscess (« sous 24 heures ») on Monday, one who gave
/// a phone; the kiosk opened on Wednesday, when both calls of each are due.
fn two_patients(dir: &std::path::Path) -> FixedClock {
    let mut l = setup_ledger(dir, now());
    let p = Protocol::bundled();
    let with_phone = abscess_for(0, json!({"patient": {"phone": "0612345678"}}));
    record(&mut l, &p, &with_phone, now()).unwrap();
    let other = abscess_for(
        1,
        json!({"patient": {"last_name": "Bernard", "first_name": "Lucie", "sex": "F"}}),
    );
    record(&mut l, &p, &other, now()).unwrap();
    drop(l);
    let clock = FixedClock::new(now());
    clock.advance(Duration::days(2));
    clock
}

fn calls_of(dir: &std::path::Path, act: &str) -> Vec<FollowupEvent> {
    let l = protocoop::vault::open_ledger(dir, "phrase de passe de test", now()).unwrap();
    l.act(act)
        .unwrap()
        .followups
        .iter()
        .map(|f| f.event.clone())
        .collect()
}

#[test]
fn k_a_rappeler_un_appel_enregistre_et_la_liste_raccourcit() {
    let dir = tempfile::tempdir().unwrap();
    let clock = two_patients(dir.path());
    let mut h = harness(dir.path(), &clock, Protocol::bundled());
    assert!(shows(&h, "À rappeler (2)"));
    tap(&mut h, "À rappeler (2)");
    tap(&mut h, "Marie Durand");
    type_keys(&mut h, PIN);
    tap(&mut h, "Valider");
    // The quarter's questionnaire first, put off.
    tap(&mut h, "Plus tard");
    assert!(matches!(h.state().state.screen, Screen::Rappels(_)));
    for s in [
        "2 patients à appeler aujourd'hui ou en retard.",
        "MARTIN Paul",
        "06 12 34 56 78",
        "BERNARD Lucie",
        "téléphone non donné",
        "Acte 2026-0001 du 23/11/2026 · rendez-vous dentaire sous 24 heures",
        "• Vérifier que le patient a été vu par un chirurgien-dentiste — en retard d'un jour",
        "• Appel de suivi à J+2",
    ] {
        assert!(shows(&h, s), "{s}");
    }

    // Martin answers: every question of both calls on one screen.
    tap(&mut h, "Noter l'appel — acte 2026-0001");
    assert!(!shows(&h, "Enregistrer l'appel"), "nothing to record yet");
    tap(&mut h, "A répondu");
    for q in [
        "Le rendez-vous dentaire est-il pris, et pour quand ?",
        "Douleur aujourd'hui, de 0 à 10 ?",
        "Satisfaction de la prise en charge, de 1 à 5 ?",
        "Un effet indésirable depuis ?",
    ] {
        assert_eq!(h.query_all_by_label_contains(q).count(), 1, "{q} once");
    }
    tap(&mut h, "Oui, pris");
    type_into(&mut h, "Pour le (facultatif)", "26/11/2026");
    tap(&mut h, "2");
    // Forgotten: the adverse event. Refused, nothing recorded.
    tap(&mut h, "Enregistrer l'appel");
    assert!(
        shows(
            &h,
            "touchez « Aucun », ou la gravité et la nature de l'effet"
        ),
        "{:?}",
        h.state().state.message
    );
    assert!(
        calls_of(dir.path(), "2026-0001").is_empty(),
        "nothing recorded"
    );
    tap(&mut h, "4/5");
    tap(&mut h, "Aucun");
    tap(&mut h, "Enregistrer l'appel");
    assert!(shows(&h, "Appel de MARTIN Paul enregistré."));
    assert!(shows(&h, "1 patient à appeler aujourd'hui ou en retard."));
    assert!(
        !shows(&h, "Noter l'appel — acte 2026-0001"),
        "the list shrank"
    );
    let events: Vec<FollowupEvent> = calls_of(dir.path(), "2026-0001")
        .into_iter()
        .filter(|e| !matches!(e, FollowupEvent::Document { .. }))
        .collect();
    assert_eq!(events.len(), 4, "{events:?}");
    assert!(matches!(
        &events[1],
        FollowupEvent::Call { call, reached: true, pain: Some(2) } if call == "j2"
    ));
    assert!(matches!(
        events[2],
        FollowupEvent::Appointment { made: true, on: Some(d) } if d.to_string() == "2026-11-26"
    ));

    // Bernard does not answer: she leaves today's list, back tomorrow.
    tap(&mut h, "Noter l'appel — acte 2026-0002");
    tap(&mut h, "Pas de réponse");
    assert!(shows(
        &h,
        "Au 3e essai sans réponse, le patient est noté injoignable pour cet appel."
    ));
    tap(&mut h, "Enregistrer : pas de réponse");
    assert!(shows(
        &h,
        "Pas de réponse de BERNARD Lucie : l'appel reviendra demain."
    ));
    assert!(shows(&h, "Aucun appel à passer le 25/11/2026."));
    tap(&mut h, "Accueil");
    assert!(
        h.query_by_label("À rappeler").is_some(),
        "nobody left today: no count"
    );

    // The next day she is there again, with her try counted.
    clock.advance(Duration::days(1));
    h.run();
    assert!(shows(&h, "À rappeler (1)"));
    tap(&mut h, "À rappeler (1)");
    // A day later the session was locked long ago: the PIN again.
    tap(&mut h, "Marie Durand");
    type_keys(&mut h, PIN);
    tap(&mut h, "Valider");
    assert!(shows(
        &h,
        "(1 essai sans réponse ; injoignable au 3e essai)"
    ));
    tap(&mut h, "Noter l'appel — acte 2026-0002");
    tap(&mut h, "Pas de réponse");
    tap(&mut h, "Enregistrer : pas de réponse");
    assert!(shows(
        &h,
        "Pas de réponse de BERNARD Lucie : l'appel reviendra demain."
    ));
    // The third try without an answer closes her calls. The lock came
    // overnight: after the PIN, the list is the new day's.
    clock.advance(Duration::days(1));
    h.run();
    tap(&mut h, "Marie Durand");
    type_keys(&mut h, PIN);
    tap(&mut h, "Valider");
    tap(&mut h, "Noter l'appel — acte 2026-0002");
    tap(&mut h, "Pas de réponse");
    tap(&mut h, "Enregistrer : pas de réponse");
    assert!(
        shows(
            &h,
            "Pas de réponse de BERNARD Lucie : patient noté injoignable pour cet appel."
        ),
        "{:?}",
        h.state().state.message
    );
    assert!(shows(&h, "Aucun appel à passer le 27/11/2026."));
}

#[test]
fn k_le_telephone_se_saisit_a_l_ecran_patient() {
    let dir = tempfile::tempdir().unwrap();
    drop(setup_ledger(dir.path(), now()));
    let clock = FixedClock::new(now());
    let mut h = harness(dir.path(), &clock, Protocol::bundled());
    let mut taps = Taps::default();
    sign_in(&mut h, &mut taps);
    type_into(
        &mut h,
        "Téléphone (facultatif) — pour l'appel de suivi",
        "06 12 34",
    );
    patient(&mut h, &mut taps, "02/03/1986", None, "Homme");
    assert!(
        shows(
            &h,
            "Téléphone : « 06 12 34 » : numéro à 10 chiffres attendu"
        ),
        "{:?}",
        h.state().state.message
    );
    assert!(matches!(h.state().state.screen, Screen::Patient(_)));
    replace_text(
        &mut h,
        "Téléphone (facultatif) — pour l'appel de suivi",
        "+33 6 12 34 56 78",
    );
    let consent = consent_label(&h);
    tap(&mut h, consent);
    assert!(matches!(h.state().state.screen, Screen::Question(_)));
    let draft = h.state().state.act.as_ref().unwrap();
    assert_eq!(draft.patient.phone.as_deref(), Some("06 12 34 56 78"));
}

#[test]
fn k_un_effet_grave_dit_comment_le_declarer_avec_les_natures_du_protocole() {
    let dir = tempfile::tempdir().unwrap();
    let clock = two_patients(dir.path());
    let mut h = harness(dir.path(), &clock, Protocol::bundled());
    tap(&mut h, "À rappeler (2)");
    tap(&mut h, "Marie Durand");
    type_keys(&mut h, PIN);
    tap(&mut h, "Valider");
    // The quarter's questionnaire first, put off.
    tap(&mut h, "Plus tard");
    tap(&mut h, "Noter l'appel — acte 2026-0001");
    tap(&mut h, "A répondu");
    for n in [
        "intolérance digestive",
        "aggravation de l'infection",
        "douleur non soulagée",
    ] {
        assert!(shows(&h, n), "{n}");
    }
    assert!(!shows(&h, "Événement grave : à déclarer"));
    tap(&mut h, "grave");
    assert!(shows(&h, "Événement grave : à déclarer"));
    assert!(shows(&h, "centre régional de pharmacovigilance (CRPV)"));
    tap(&mut h, "aggravation de l'infection");
    tap(&mut h, "Oui, pris");
    tap(&mut h, "5");
    tap(&mut h, "Enregistrer l'appel");
    assert!(
        shows(&h, "Appel de MARTIN Paul enregistré."),
        "{:?}",
        h.state().state.message
    );
    let adverse: Vec<String> = calls_of(dir.path(), "2026-0001")
        .iter()
        .filter(|e| matches!(e, FollowupEvent::AdverseEvent { .. }))
        .map(FollowupEvent::describe)
        .collect();
    assert_eq!(
        adverse,
        ["événement indésirable : aggravation de l'infection, grave"]
    );
}
