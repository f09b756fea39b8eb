//! A repeat visit (issue 18, item 3): the same patient — surname, first
//! name and birth date, accents, case and hyphens aside — already taken in
//! charge on this device within the protocol's window is noticed before the
//! questions, and the protocol's fact `history.recent_prise_en_charge`
//! sends her to « avis sous 24 heures ». Found in the device's own ledger;
//! never across different birth dates; never from the act's input.

mod common;
mod kiosk_support;

use chrono::{Duration, NaiveDate};
use common::*;
use protocoop::act::{ActRequest, Patient, identity_key, same_patient};
use protocoop::error::Error;
use protocoop::kiosk::{FixedClock, Screen};
use protocoop::ledger::{FollowupEvent, Ledger};
use protocoop::protocol::Protocol;
use serde_json::json;

const NOW: &str = "2026-11-23T10:00:00Z";
const FACT: &str = "history.recent_prise_en_charge";

fn patient(last: &str, first: &str, born: &str) -> Patient {
    Patient::new(last, first, born, "F", None, "79500").unwrap()
}

fn record_of(last: &str, first: &str, born: &str) -> protocoop::act::ActRecord {
    let dir = tempfile::tempdir().unwrap();
    let mut l = setup_ledger(dir.path(), t(NOW));
    let input = abscess_input(
        json!({"patient": {"last_name": last, "first_name": first, "birth_date": born, "sex": "F"}}),
    );
    let r = record(&mut l, &Protocol::bundled(), &input, t(NOW)).unwrap();
    l.act(&r.number).unwrap().act
}

#[test]
fn la_meme_personne_malgre_accents_casse_et_traits_d_union() {
    assert_eq!(identity_key("Léa-Marie"), identity_key("LEA MARIE"));
    assert_eq!(identity_key("N'Diaye"), identity_key("ndiaye"));
    assert_eq!(identity_key("Œdipe"), identity_key("oedipe"));
    let earlier = record_of("Le Gall", "Léa-Marie", "2001-06-15");
    for (last, first) in [
        ("LE GALL", "LEA MARIE"),
        ("le-gall", "léa marie"),
        ("Legall", "Léa-Marie"),
    ] {
        assert!(
            same_patient(&patient(last, first, "2001-06-15"), &earlier.patient),
            "{last} {first}"
        );
    }
    // Never across birth dates, nor another first name.
    assert!(!same_patient(
        &patient("Le Gall", "Léa-Marie", "2001-06-16"),
        &earlier.patient
    ));
    assert!(!same_patient(
        &patient("Le Gall", "Léa", "2001-06-15"),
        &earlier.patient
    ));
    assert!(!same_patient(
        &patient("Le Gal", "Léa-Marie", "2001-06-15"),
        &earlier.patient
    ));
}

/// A ledger with Paul Martin taken in charge on 23/11/2026.
fn with_first_visit(dir: &std::path::Path) -> (Ledger, Protocol, String) {
    let mut l = setup_ledger(dir, t(NOW));
    let p = attach(&mut l, t(NOW));
    let req = ActRequest::from_json(&abscess_input(json!({}))).unwrap();
    let act = l.prepare_act(&p, &req, t(NOW)).unwrap();
    assert!(act.taken_in_charge());
    let number = l.record_act(act).unwrap().number;
    (l, p, number)
}

fn again(
    l: &Ledger,
    p: &Protocol,
    days: i64,
    extra: serde_json::Value,
) -> protocoop::Result<protocoop::act::ActRecord> {
    let at = t(NOW) + Duration::days(days);
    let req = ActRequest::from_json(&abscess_input(extra)).unwrap();
    l.prepare_act(p, &req, at)
}

#[test]
fn une_deuxieme_douleur_a_30_jours_est_orientee_a_120_jours_prise_en_charge() {
    let dir = tempfile::tempdir().unwrap();
    let (l, p, number) = with_first_visit(dir.path());
    let born = NaiveDate::from_ymd_opt(1986, 3, 2).unwrap();
    let earlier = l
        .earlier_prise_en_charge(
            &p,
            &patient("MARTIN", "paul", "1986-03-02"),
            born + Duration::days(14_000),
        )
        .unwrap();
    assert_eq!(earlier, None, "far outside the window");
    let found = l
        .earlier_prise_en_charge(
            &p,
            &patient("MARTIN", "paul", "1986-03-02"),
            NaiveDate::from_ymd_opt(2026, 12, 23).unwrap(),
        )
        .unwrap()
        .unwrap();
    assert_eq!(found.number, number);
    assert_eq!(
        found.describe(),
        format!(
            "Déjà pris en charge sur cet appareil le 23/11/2026 (acte {number}) : paracétamol — comprimé 500 mg ; chlorhexidine — solution pour bain de bouche 0,12 % ; amoxicilline — gélule 500 mg."
        )
    );

    // At 30 days: lines are refused, the screening goes to « avis 24 h ».
    match again(&l, &p, 30, json!({})) {
        Err(Error::Refused(protocoop::error::Refusal::LinesForExcluded { orientation })) => {
            assert_eq!(orientation, "avis_24h")
        }
        other => panic!("{other:?}"),
    }
    let screening = again(&l, &p, 30, json!({"lines": []})).unwrap();
    assert!(!screening.taken_in_charge());
    assert_eq!(screening.outcome.orientation.as_deref(), Some("avis_24h"));
    assert_eq!(screening.outcome.reasons, [FACT]);
    assert_eq!(screening.facts[FACT], json!(true));
    // At 90 days still; at 91 and 120 days, a new episode.
    assert!(
        !again(&l, &p, 90, json!({"lines": []}))
            .unwrap()
            .taken_in_charge()
    );
    for days in [91, 120] {
        let act = again(&l, &p, days, json!({})).unwrap();
        assert!(act.taken_in_charge(), "{days} jours");
        assert_eq!(act.facts[FACT], json!(false));
    }
    // Another birth date, the same day: not a repeat visit.
    let other = again(&l, &p, 30, json!({"patient": {"birth_date": "1986-03-03"}})).unwrap();
    assert!(other.taken_in_charge());
}

#[test]
fn un_acte_annule_ou_une_orientation_ne_comptent_pas() {
    let dir = tempfile::tempdir().unwrap();
    let (mut l, p, number) = with_first_visit(dir.path());
    let id = l.act(&number).unwrap().act.id;
    let by = recorder(&mut l, &number, t(NOW));
    l.add_followup(
        &id,
        &by,
        FollowupEvent::Void {
            reason: "doublon".into(),
        },
        t(NOW),
    )
    .unwrap();
    assert!(
        again(&l, &p, 10, json!({})).unwrap().taken_in_charge(),
        "a void act counts not"
    );

    // A patient oriented elsewhere was not taken in charge: no repeat.
    let oriented = again(&l, &p, 1, json!({"facts": {"excl.anticoagulant": true}, "lines": [], "patient": {"first_name": "Jeanne"}})).unwrap();
    assert!(!oriented.taken_in_charge());
    l.record_act(oriented).unwrap();
    let jeanne = again(&l, &p, 5, json!({"patient": {"first_name": "Jeanne"}})).unwrap();
    assert!(jeanne.taken_in_charge());
}

#[test]
fn le_fait_ne_vient_jamais_de_la_saisie() {
    let dir = tempfile::tempdir().unwrap();
    let (l, p, _) = with_first_visit(dir.path());
    for stated in [true, false] {
        match again(&l, &p, 30, json!({"facts": {FACT: stated}})) {
            Err(Error::Input { field, message }) => {
                assert_eq!(field, FACT);
                assert!(message.contains("renseigné par l'appareil"), "{message}");
            }
            other => panic!("{stated}: {other:?}"),
        }
    }
}

#[test]
fn le_protocole_declare_la_fenetre_avec_son_fait() {
    let text = protocoop::protocol::BUNDLED_TEXT;
    let cases = [
        (
            "recurrence_days = 90",
            "",
            "history_fact sans recurrence_days",
        ),
        (
            "history_fact = \"history.recent_prise_en_charge\"",
            "",
            "recurrence_days sans history_fact",
        ),
        (
            "recurrence_days = 90",
            "recurrence_days = 0",
            "recurrence_days doit valoir au moins 1",
        ),
        (
            "recurrence_days = 90",
            "recurrence_days = 4000",
            "au plus 3650 jours",
        ),
        (
            "history_fact = \"history.recent_prise_en_charge\"",
            "history_fact = \"pain_score\"",
            "pain_score",
        ),
    ];
    for (from, to, said) in cases {
        let edited = text.replacen(from, to, 1);
        assert_ne!(edited, text, "{from}");
        match Protocol::parse(&edited, "p.toml") {
            Ok(_) => panic!("{to}: accepted"),
            Err(e) => assert!(e.to_string().contains(said), "{to}: {e}"),
        }
    }
}

#[test]
fn le_kiosque_le_dit_avant_les_questions() {
    use kiosk_support::*;
    let dir = tempfile::tempdir().unwrap();
    let mut l = setup_ledger(dir.path(), now() - Duration::days(30));
    let req = ActRequest::from_json(&abscess_input(json!({}))).unwrap();
    let act = l
        .prepare_act(&Protocol::bundled(), &req, now() - Duration::days(30))
        .unwrap();
    let earlier = l.record_act(act).unwrap();
    drop(l);
    let clock = FixedClock::new(now());
    let mut h = harness(dir.path(), &clock, Protocol::bundled());
    let mut taps = Taps::default();
    sign_in(&mut h, &mut taps);
    kiosk_support::patient(&mut h, &mut taps, "02/03/1986", None, "Homme");
    let Screen::Question(_) = &h.state().state.screen else {
        panic!("not on a question: {:?}", h.state().state.message)
    };
    let day = protocoop::fr::day_of(now() - Duration::days(30));
    assert!(
        shows(
            &h,
            &format!(
                "Déjà pris en charge sur cet appareil le {day} (acte {})",
                earlier.number
            )
        ),
        "the earlier act is shown before the questions"
    );
    assert!(shows(&h, "amoxicilline — gélule 500 mg"));
    // Red flags are still asked first (a call to 15 comes before any
    // appointment); then the repeat visit decides, and the result says why.
    taps.tap(&mut h, "Aucun de ces signes");
    assert!(
        shows(&h, "Hors protocole : avis sous 24 heures"),
        "orientation shown"
    );
    assert!(shows(
        &h,
        "déjà pris en charge pour une douleur dentaire il y a moins de 90 jours"
    ));
}
