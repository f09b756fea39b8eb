//! Follow-up calls (issue 18, items 1 and 2): the protocol's plan says
//! which calls are due after a prise en charge and what each asks; the
//! ledger lists those due today or overdue, records a call with its
//! answers in one transaction, closes a call after the plan's tries, and
//! forgets it after its window. Through the library and the real binary.

mod common;

use chrono::{DateTime, NaiveDate, Utc};
use common::*;
use protocoop::calls::{Adverse, Answers, AppointmentAnswer};
use protocoop::ledger::{AdverseNature, FollowupEvent, Ledger, Severity};
use protocoop::protocol::{Ask, Protocol};
use serde_json::{Value, json};

const DAY0: &str = "2026-05-04T09:00:00Z";

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn at(s: &str) -> DateTime<Utc> {
    t(&format!("{s}T10:00:00Z"))
}

/// An abscess (« sous 24 heures ») for patient `n`, with a phone.
fn abscess(l: &mut Ledger, p: &Protocol, n: i64) -> String {
    let input = abscess_for(n, json!({"patient": {"phone": "06.12.34.56.78"}}));
    record(l, p, &input, t(DAY0)).unwrap().number
}

/// Sensitivity to cold only: a prise en charge « sous 31 jours ».
fn cold(l: &mut Ledger, p: &Protocol, n: i64) -> String {
    let input = abscess_for(
        n,
        json!({"facts": {"sympt.abscess": false, "sympt.cold_brushing": true}, "lines": ["paracetamol"]}),
    );
    let r = record(l, p, &input, t(DAY0)).unwrap();
    assert_eq!(
        l.act(&r.number).unwrap().act.outcome.urgency.as_deref(),
        Some("31j")
    );
    r.number
}

fn due(l: &Ledger, p: &Protocol, on: &str) -> Vec<(String, String)> {
    l.calls_due(p, day(on))
        .unwrap()
        .into_iter()
        .map(|c| (c.act_number, c.call))
        .collect()
}

fn pair(n: &str, c: &str) -> (String, String) {
    (n.to_string(), c.to_string())
}

fn answered() -> Answers {
    Answers {
        reached: true,
        appointment: Some(AppointmentAnswer {
            made: true,
            on: Some(day("2026-05-05")),
        }),
        pain: Some(3),
        satisfaction: Some(4),
        adverse: Some(Adverse::None),
    }
}

fn no_answer() -> Answers {
    Answers::default()
}

fn head(l: &Ledger) -> u64 {
    l.head().unwrap().0
}

#[test]
fn le_protocole_integre_prevoit_deux_appels() {
    let p = Protocol::bundled();
    let plan = p.followup.as_ref().expect("un plan de suivi");
    assert_eq!((plan.attempts, plan.window_days), (3, 7));
    let ids: Vec<&str> = plan.calls.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["j1_vu", "j2"]);
    assert_eq!(plan.calls[0].urgency.as_deref(), Some("24h"));
    assert_eq!(plan.calls[0].ask, [Ask::Appointment, Ask::AdverseEvent]);
    assert_eq!(plan.calls_after(Some("31j")).count(), 1);
    assert_eq!(plan.calls_after(Some("24h")).count(), 2);
}

#[test]
fn un_plan_mal_ecrit_est_refuse_avec_sa_ligne() {
    let base = protocoop::protocol::BUNDLED_TEXT;
    let cases: &[(&str, &str, &str)] = &[
        (
            "urgency = \"24h\"\nask",
            "urgency = \"48h\"\nask",
            "urgence « 48h » inconnue",
        ),
        (
            "attempts = 3",
            "attempts = 0",
            "attempts (appels sans réponse) doit valoir au moins 1",
        ),
        (
            "attempts = 3",
            "attempts = 11",
            "au plus 10 appels sans réponse",
        ),
        (
            "window_days = 7",
            "window_days = 400",
            "window_days = 400 : au plus 365 jours",
        ),
        (
            "after_days = 2",
            "after_days = -1",
            "quantité négative pour after_days",
        ),
        (
            "ask = [\"appointment\", \"pain\", \"satisfaction\", \"adverse_event\"]",
            "ask = [\"appointment\", \"douleur\"]",
            "question de suivi « douleur » inconnue",
        ),
        (
            "ask = [\"appointment\", \"pain\", \"satisfaction\", \"adverse_event\"]",
            "ask = [\"pain\", \"pain\"]",
            "« pain » demandé deux fois",
        ),
        (
            "ask = [\"appointment\", \"pain\", \"satisfaction\", \"adverse_event\"]",
            "ask = []",
            "appel sans question",
        ),
        (
            "id = \"j2\"",
            "id = \"j1_vu\"",
            "identifiant de appel de suivi en double",
        ),
        ("[followup]\n", "[followup]\nbogus = 1\n", "bogus"),
    ];
    for (from, to, message) in cases {
        assert_eq!(base.matches(from).count(), 1, "{from}");
        let text = base.replacen(from, to, 1);
        let e = Protocol::parse(&text, "essai.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains(message), "{to}: {e}");
        assert!(e.contains("essai.toml:"), "{e}");
    }
    // No plan at all is fine: nothing is ever due.
    let i = base.find("[followup]").unwrap();
    let j = i + base[i..].find("# ---").unwrap();
    let cut = format!("{}{}", &base[..i], &base[j..]);
    let p = Protocol::parse(&cut, "sans-suivi.toml").unwrap();
    assert!(p.followup.is_none());
}

#[test]
fn les_appels_dus_suivent_le_plan_jour_apres_jour() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = setup_ledger(dir.path(), t(DAY0));
    let p = Protocol::bundled();
    let a = abscess(&mut l, &p, 0);
    let c = cold(&mut l, &p, 1);
    // The day of the act: nothing yet.
    assert!(due(&l, &p, "2026-05-04").is_empty());
    // J+1: only the 24 h check.
    assert_eq!(due(&l, &p, "2026-05-05"), [pair(&a, "j1_vu")]);
    // J+2: the 24 h check is overdue, the J+2 call of both acts is due.
    assert_eq!(
        due(&l, &p, "2026-05-06"),
        [pair(&a, "j1_vu"), pair(&a, "j2"), pair(&c, "j2")]
    );
    let first = &l.calls_due(&p, day("2026-05-06")).unwrap()[0];
    assert_eq!(first.phone.as_deref(), Some("06 12 34 56 78"));
    assert_eq!(first.patient, "MARTIN Paul");
    assert_eq!(first.days_late(day("2026-05-06")), 1);
    assert!(
        first
            .lines
            .iter()
            .any(|l| l.contains("amoxicilline — gélule 500 mg")),
        "{:?}",
        first.lines
    );
    // The window: J+1 + 7 days is its last day, J+1 + 8 it is missed.
    assert!(due(&l, &p, "2026-05-12").contains(&pair(&a, "j1_vu")));
    assert!(!due(&l, &p, "2026-05-13").contains(&pair(&a, "j1_vu")));
    assert_eq!(due(&l, &p, "2026-05-13"), [pair(&a, "j2"), pair(&c, "j2")]);
    assert!(due(&l, &p, "2026-05-14").is_empty());
}

#[test]
fn un_appel_enregistre_sort_de_la_liste_avec_toutes_ses_reponses() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = setup_ledger(dir.path(), t(DAY0));
    let p = Protocol::bundled();
    let a = abscess(&mut l, &p, 0);
    let by = recorder(&mut l, &a, t(DAY0));
    let answers = Answers {
        adverse: Some(Adverse::Event(
            AdverseNature::parse("allergie").unwrap(),
            Severity::Moderee,
        )),
        ..answered()
    };
    l.record_call(&p, &a, &by, &["j2"], &answers, at("2026-05-06"))
        .unwrap();
    assert_eq!(due(&l, &p, "2026-05-06"), [pair(&a, "j1_vu")]);
    let events: Vec<FollowupEvent> = l
        .act(&a)
        .unwrap()
        .followups
        .iter()
        .map(|f| f.event.clone())
        .filter(|e| !matches!(e, FollowupEvent::Document { .. }))
        .collect();
    assert_eq!(
        events,
        [
            FollowupEvent::Call {
                call: "j2".into(),
                reached: true,
                pain: Some(3)
            },
            FollowupEvent::Appointment {
                made: true,
                on: Some(day("2026-05-05"))
            },
            FollowupEvent::PatientSatisfaction {
                score: 4,
                text: None
            },
            FollowupEvent::AdverseEvent {
                nature: AdverseNature::parse("allergie").unwrap(),
                nature_label: Some("réaction allergique".into()),
                severity: Severity::Moderee,
                text: None
            },
        ]
    );
    // Done once: a second time is refused, and writes nothing.
    let before = head(&l);
    let e = l
        .record_call(&p, &a, &by, &["j2"], &answered(), at("2026-05-06"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("est déjà fait (le 06/05/2026)"), "{e}");
    assert_eq!(head(&l), before);
    // A call is not withdrawn (made again, its answers would count twice):
    // its answers are, one by one. Nor is one added but with its answers.
    let logged = l.act(&a).unwrap().followups;
    let seq_of = |f: fn(&FollowupEvent) -> bool| logged.iter().find(|x| f(&x.event)).unwrap().seq;
    let correction = |corrects| FollowupEvent::Correction {
        corrects,
        reason: "autre patient".into(),
    };
    let call_seq = seq_of(|e| matches!(e, FollowupEvent::Call { .. }));
    let e = l
        .add_followup(&a, &by, correction(call_seq), at("2026-05-06"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("un appel ne se corrige pas : corrigez ses réponses"),
        "{e}"
    );
    let e = l
        .add_followup(
            &a,
            &by,
            FollowupEvent::Call {
                call: "j1_vu".into(),
                reached: true,
                pain: None,
            },
            at("2026-05-06"),
        )
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("un appel de suivi s'enregistre avec ses réponses"),
        "{e}"
    );
    assert_eq!(head(&l), before);
    let appointment = seq_of(|e| matches!(e, FollowupEvent::Appointment { .. }));
    l.add_followup(&a, &by, correction(appointment), at("2026-05-06"))
        .unwrap();
    // The right appointment, as the patient says it later; never before
    // the act.
    let e = l
        .add_followup(
            &a,
            &by,
            FollowupEvent::Appointment {
                made: true,
                on: Some(day("1990-01-01")),
            },
            at("2026-05-06"),
        )
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("rendez-vous le 01/01/1990 : entre le jour de l'acte"),
        "{e}"
    );
    l.add_followup(
        &a,
        &by,
        FollowupEvent::Appointment {
            made: true,
            on: Some(day("2026-05-07")),
        },
        at("2026-05-06"),
    )
    .unwrap();
    assert!(!due(&l, &p, "2026-05-07").contains(&pair(&a, "j2")));
}

#[test]
fn un_seul_coup_de_telephone_fait_les_appels_dus_ensemble() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = setup_ledger(dir.path(), t(DAY0));
    let p = Protocol::bundled();
    let a = abscess(&mut l, &p, 0);
    let by = recorder(&mut l, &a, t(DAY0));
    // J+2: the 24 h check is overdue, the J+2 call due; one call makes both.
    let before = head(&l);
    let e = l
        .record_call(&p, &a, &by, &["j2", "j2"], &answered(), at("2026-05-06"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("est nommé deux fois"), "{e}");
    assert_eq!(head(&l), before);
    l.record_call(&p, &a, &by, &["j1_vu", "j2"], &answered(), at("2026-05-06"))
        .unwrap();
    assert!(due(&l, &p, "2026-05-06").is_empty());
    let events: Vec<FollowupEvent> = l
        .act(&a)
        .unwrap()
        .followups
        .iter()
        .map(|f| f.event.clone())
        .filter(|e| !matches!(e, FollowupEvent::Document { .. }))
        .collect();
    assert_eq!(
        events[..3],
        [
            // The 24 h check asks no pain: none is recorded with it.
            FollowupEvent::Call {
                call: "j1_vu".into(),
                reached: true,
                pain: None
            },
            FollowupEvent::Call {
                call: "j2".into(),
                reached: true,
                pain: Some(3)
            },
            FollowupEvent::Appointment {
                made: true,
                on: Some(day("2026-05-05"))
            },
        ]
    );
    assert_eq!(events.len(), 4, "the satisfaction once: {events:?}");
}

#[test]
fn sans_reponse_l_appel_revient_le_lendemain_puis_injoignable() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = setup_ledger(dir.path(), t(DAY0));
    let p = Protocol::bundled();
    let a = abscess(&mut l, &p, 0);
    let by = recorder(&mut l, &a, t(DAY0));
    for (try_on, tries) in [("2026-05-05", 1), ("2026-05-06", 2)] {
        l.record_call(&p, &a, &by, &["j1_vu"], &no_answer(), at(try_on))
            .unwrap();
        // One try a day: a second one the same day is refused, unwritten.
        let before = head(&l);
        let e = l
            .record_call(&p, &a, &by, &["j1_vu"], &no_answer(), at(try_on))
            .unwrap_err()
            .to_string();
        assert!(e.contains("déjà été tenté aujourd'hui sans réponse"), "{e}");
        assert_eq!(head(&l), before);
        // Not again the same day; the next day, with the tries counted.
        assert!(!due(&l, &p, try_on).contains(&pair(&a, "j1_vu")));
        let next = l.calls_due(&p, day(try_on).succ_opt().unwrap()).unwrap();
        let c = next.iter().find(|c| c.call == "j1_vu").unwrap();
        assert_eq!(c.tries, tries);
    }
    l.record_call(&p, &a, &by, &["j1_vu"], &no_answer(), at("2026-05-07"))
        .unwrap();
    assert!(!due(&l, &p, "2026-05-08").contains(&pair(&a, "j1_vu")));
    let e = l
        .record_call(&p, &a, &by, &["j1_vu"], &no_answer(), at("2026-05-08"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("patient injoignable après 3 essais"), "{e}");
}

#[test]
fn des_reponses_incompletes_ou_hors_sujet_sont_refusees_sans_rien_ecrire() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = setup_ledger(dir.path(), t(DAY0));
    let p = Protocol::bundled();
    let a = abscess(&mut l, &p, 0);
    let c = cold(&mut l, &p, 1);
    let by = recorder(&mut l, &a, t(DAY0));
    let before = head(&l);
    let cases: Vec<(&str, &str, Answers, &str)> = vec![
        (
            "j2",
            &a,
            Answers {
                pain: None,
                ..answered()
            },
            "réponse manquante : Douleur",
        ),
        (
            "j2",
            &a,
            Answers {
                appointment: None,
                ..answered()
            },
            "réponse manquante : Le rendez-vous",
        ),
        (
            "j2",
            &a,
            Answers {
                adverse: None,
                ..answered()
            },
            "réponse manquante : Un effet",
        ),
        (
            "j1_vu",
            &a,
            answered(),
            "ne demande pas : Douleur aujourd'hui",
        ),
        (
            "j2",
            &a,
            Answers {
                pain: Some(11),
                ..answered()
            },
            "douleur 11 : entre 0 et 10",
        ),
        (
            "j2",
            &a,
            Answers {
                satisfaction: Some(0),
                ..answered()
            },
            "note 0 : entre 1 et 5",
        ),
        (
            "j2",
            &a,
            Answers {
                appointment: Some(AppointmentAnswer {
                    made: true,
                    on: Some(day("2026-05-03")),
                }),
                ..answered()
            },
            "rendez-vous le 03/05/2026 : entre le jour de l'acte (04/05/2026)",
        ),
        (
            "j2",
            &a,
            Answers {
                appointment: Some(AppointmentAnswer {
                    made: false,
                    on: Some(day("2026-05-07")),
                }),
                ..answered()
            },
            "un rendez-vous non pris n'a pas de date",
        ),
        (
            "j2",
            &a,
            Answers {
                reached: false,
                ..answered()
            },
            "un appel sans réponse n'a pas de réponses",
        ),
        (
            "j9",
            &a,
            answered(),
            "appel « j9 » inconnu ; appels de l'acte",
        ),
        ("j1_vu", &c, no_answer(), "ne suit pas l'acte"),
    ];
    for (call, act, answers, message) in cases {
        let e = l
            .record_call(&p, act, &by, &[call], &answers, at("2026-05-06"))
            .unwrap_err()
            .to_string();
        assert!(e.contains(message), "{call} {answers:?}: {e}");
        assert_eq!(head(&l), before, "{message}");
    }
    // Satisfaction may be declined.
    l.record_call(
        &p,
        &a,
        &by,
        &["j2"],
        &Answers {
            satisfaction: None,
            ..answered()
        },
        at("2026-05-06"),
    )
    .unwrap();
}

#[test]
fn ni_acte_annule_ni_orientation_n_appellent() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = setup_ledger(dir.path(), t(DAY0));
    let p = Protocol::bundled();
    let a = abscess(&mut l, &p, 0);
    let by = recorder(&mut l, &a, t(DAY0));
    l.add_followup(
        &a,
        &by,
        FollowupEvent::Void {
            reason: "erreur de patient".into(),
        },
        t(DAY0),
    )
    .unwrap();
    let red_flag = abscess_for(
        1,
        json!({"facts": {"excl.eye_swelling": true}, "lines": []}),
    );
    let o = record(&mut l, &p, &red_flag, t(DAY0)).unwrap();
    assert!(due(&l, &p, "2026-05-06").is_empty());
    let e = l
        .record_call(&p, &o.number, &by, &["j2"], &answered(), at("2026-05-06"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("n'est pas une prise en charge"), "{e}");
    let e = l
        .record_call(&p, &a, &by, &["j2"], &answered(), at("2026-05-06"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("annulé"), "{e}");
}

#[test]
fn le_telephone_du_patient_est_lu_et_jamais_invente() {
    use protocoop::ids::patient_phone;
    for (typed, kept) in [
        ("06 12 34 56 78", "06 12 34 56 78"),
        ("0612345678", "06 12 34 56 78"),
        ("06.12.34.56.78", "06 12 34 56 78"),
        ("+33 6 12 34 56 78", "06 12 34 56 78"),
        ("+33 (0)6", ""),
        ("+32 470 12 34 56", "+32470123456"),
    ] {
        match patient_phone("tel", typed) {
            Ok(Some(p)) => assert_eq!(p, kept, "{typed}"),
            Ok(None) => panic!("{typed}: rien"),
            Err(e) => assert!(kept.is_empty(), "{typed}: {e}"),
        }
    }
    assert_eq!(patient_phone("tel", "  ").unwrap(), None);
    for bad in [
        "06 12 34",
        "6123456789",
        "0012345678",
        "06-12-34-56-78-90",
        "abc",
        "+",
        "06+12345678",
    ] {
        let e = patient_phone("tel", bad).unwrap_err().to_string();
        assert!(e.contains("numéro à 10 chiffres attendu"), "{bad}: {e}");
    }
}

#[test]
fn le_mois_qui_compte_des_appels_se_recalcule_a_la_cpts() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = setup_ledger(dir.path(), t(DAY0));
    let p = Protocol::bundled();
    let a = abscess(&mut l, &p, 0);
    let by = recorder(&mut l, &a, t(DAY0));
    l.record_call(&p, &a, &by, &["j1_vu"], &no_answer(), at("2026-05-05"))
        .unwrap();
    l.record_call(&p, &a, &by, &["j2"], &answered(), at("2026-05-06"))
        .unwrap();
    let month = "2026-05".parse().unwrap();
    let r = protocoop::report::generate(&mut l, &p, month, t("2026-06-02T08:00:00Z")).unwrap();
    let rows = r.rows.as_ref().unwrap();
    type Row<'a> = (&'a str, Option<&'a str>, Option<bool>, Option<bool>);
    let kinds: Vec<Row> = rows
        .followups
        .iter()
        .map(|f| (f.kind.as_str(), f.call.as_deref(), f.reached, f.made))
        .collect();
    assert_eq!(
        kinds,
        [
            ("call", Some("j1_vu"), Some(false), None),
            ("call", Some("j2"), Some(true), None),
            ("appointment", None, None, Some(true)),
            ("patient_satisfaction", None, None, None),
        ]
    );
    assert_eq!(rows.followups[2].on, Some(day("2026-05-05")));
    // No phone, no name, no pain in the report.
    let json = serde_json::to_string(&r).unwrap();
    for secret in ["06 12 34", "Martin", "MARTIN", "pain"] {
        assert!(!json.contains(secret), "{secret}");
    }
    // The CPTS recomputes the same figures from these rows.
    let input = protocoop::report::rows_input::to_input(&r, rows).unwrap();
    let again = protocoop::report::month::compute(&input, &r.software);
    assert_eq!(again.indicators, r.indicators);
}

// --- The real binary -------------------------------------------------------

fn run(env: &TestEnv, now: &str, args: &[&str], stdin: &str) -> Output {
    let mut a = vec!["--data-dir", "data"];
    a.extend_from_slice(args);
    env.run_env(&a, stdin, &[("PROTOCOOP_NOW", now)])
}

#[test]
fn en_ligne_de_commande_la_liste_puis_l_appel_puis_le_rendez_vous() {
    let env = TestEnv::new();
    let data = env.path("data");
    drop(setup_ledger(&data, t(DAY0)));
    let input = abscess_for(0, json!({"patient": {"phone": "0612345678"}}));
    let out = run(
        &env,
        DAY0,
        &["act", "record", "--input", "-", "--pin-stdin", "--json"],
        &format!("{PIN}\n{input}"),
    );
    assert_eq!(out.code, 0, "{out:?}");
    let number = serde_json::from_str::<Value>(&out.stdout).unwrap()["number"]
        .as_str()
        .unwrap()
        .to_string();

    let now = "2026-05-06T08:00:00Z";
    let out = run(&env, now, &["followup", "due"], "");
    assert_eq!(out.code, 0, "{out:?}");
    for s in [
        "1 patient à appeler le 06/05/2026",
        "MARTIN Paul · acte 2026-0001 du 04/05/2026",
        "Téléphone : 06 12 34 56 78",
        "Appel « j1_vu » : Vérifier que le patient a été vu par un chirurgien-dentiste — en retard d'un jour",
        "Appel « j2 » : Appel de suivi à J+2\n",
        "    – Douleur aujourd'hui, de 0 à 10 ?",
    ] {
        assert!(out.stdout.contains(s), "{s}: {}", out.stdout);
    }
    let out = run(&env, now, &["followup", "due", "--json"], "");
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["today"], "2026-05-06");
    assert_eq!(v["calls"].as_array().unwrap().len(), 2);
    assert_eq!(v["calls"][1]["call"], "j2");
    assert_eq!(
        v["calls"][1]["ask"],
        json!(["appointment", "pain", "satisfaction", "adverse_event"])
    );

    let add = |args: &[&str]| {
        let mut a = vec![
            "followup",
            "add",
            "--act",
            number.as_str(),
            "--by",
            DELEGUE,
            "--pin-stdin",
        ];
        a.extend_from_slice(args);
        run(&env, now, &a, &format!("{PIN}\n"))
    };
    // Missing answers and flags of another kind are refused, in French.
    let out = add(&[
        "--kind",
        "appel",
        "--call",
        "j2",
        "--reached",
        "oui",
        "--pain",
        "2",
    ]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("réponse manquante : Le rendez-vous"),
        "{}",
        out.stderr
    );
    let out = add(&["--kind", "reprise", "--pain", "2"]);
    assert!(
        out.stderr
            .contains("--pain ne va pas avec ce type de suivi"),
        "{}",
        out.stderr
    );
    let out = add(&["--kind", "appel", "--call", "j2", "--reached", "peut-être"]);
    assert!(
        out.stderr.contains("« peut-être » : oui ou non"),
        "{}",
        out.stderr
    );

    let out = add(&[
        "--kind",
        "appel",
        "--call",
        "j2",
        "--reached",
        "oui",
        "--pain",
        "2",
        "--made",
        "oui",
        "--on",
        "07/05/2026",
        "--severity",
        "legere",
        "--nature",
        "allergie",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    let out = add(&["--kind", "appel", "--call", "j1_vu", "--reached", "non"]);
    assert_eq!(out.code, 0, "{out:?}");
    for (args, says) in [
        (
            vec!["--kind", "appel", "--call", "j1_vu", "--reached", "non"],
            "déjà été tenté aujourd'hui sans réponse",
        ),
        (
            vec![
                "--kind",
                "appel",
                "--call",
                "j1_vu",
                "--reached",
                "oui",
                "--made",
                "oui",
                "--severity",
                "grave",
            ],
            "la nature de l'effet indésirable est obligatoire (ou --nature aucun",
        ),
        (
            vec![
                "--kind",
                "appel",
                "--call",
                "j1_vu",
                "--reached",
                "oui",
                "--made",
                "oui",
                "--nature",
                "aucun",
                "--severity",
                "grave",
            ],
            "pas d'effet indésirable, donc pas de gravité",
        ),
        (
            vec![
                "--kind",
                "evenement-indesirable",
                "--nature",
                "aucun",
                "--severity",
                "grave",
            ],
            "« aucun » ne va qu'avec un appel",
        ),
        (
            vec!["--kind", "rendez-vous", "--made", "oui", "--score", "4"],
            "--score ne va pas avec ce type de suivi",
        ),
        (
            vec!["--kind", "rendez-vous", "--made", "oui", "--text", "x"],
            "--text ne va pas avec ce type de suivi",
        ),
        (
            vec!["--kind", "reprise", "--on", "07/05/2026"],
            "--on ne va pas avec ce type de suivi",
        ),
        (
            vec![
                "--kind",
                "rendez-vous",
                "--made",
                "oui",
                "--on",
                "01/01/2026",
            ],
            "rendez-vous le 01/01/2026 : entre le jour de l'acte",
        ),
    ] {
        let out = add(&args);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert!(out.stderr.contains(says), "{args:?}: {}", out.stderr);
    }
    let out = run(&env, now, &["followup", "due"], "");
    assert!(
        out.stdout.contains("Aucun appel à passer le 06/05/2026"),
        "{}",
        out.stdout
    );
    let out = run(&env, "2026-05-07T08:00:00Z", &["followup", "due"], "");
    assert!(
        out.stdout
            .contains("    Déjà 1 essai sans réponse (injoignable au 3e essai)."),
        "{}",
        out.stdout
    );

    // The appointment alone, as the patient said it later.
    let out = add(&[
        "--kind",
        "rendez-vous",
        "--made",
        "non",
        "--on",
        "2026-05-08",
    ]);
    assert!(
        out.stderr
            .contains("un rendez-vous non pris n'a pas de date"),
        "{}",
        out.stderr
    );
    let out = add(&[
        "--kind",
        "rendez-vous",
        "--made",
        "oui",
        "--on",
        "2026-05-08",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    let out = run(&env, now, &["act", "show", &number], "");
    for s in [
        "appel de suivi « j2 » : joint, douleur 2/10",
        "appel de suivi « j1_vu » : pas de réponse",
        "rendez-vous dentaire : pris pour le 08/05/2026",
        "événement indésirable : réaction allergique, légère",
    ] {
        assert!(out.stdout.contains(s), "{s}: {}", out.stdout);
    }
    let out = run(&env, now, &["verify"], "");
    assert_eq!(out.code, 0, "{out:?}");
}

// --- Adverse events from the protocol (issue 18, item 4) -----------------

#[test]
fn les_natures_d_evenement_indesirable_viennent_du_protocole() {
    let p = Protocol::bundled();
    let ids: Vec<&str> = p.adverse.natures.iter().map(|n| n.id.id()).collect();
    assert_eq!(
        ids,
        [
            "allergie",
            "intolerance_digestive",
            "aggravation_infection",
            "douleur_non_soulagee",
            "autre"
        ]
    );
    assert!(
        p.adverse
            .pharmacovigilance
            .as_deref()
            .is_some_and(|t| t.contains("centre régional de pharmacovigilance"))
    );
    // Typed as the command line writes it.
    assert_eq!(
        p.adverse.nature("intolerance-digestive").unwrap().label,
        "intolérance digestive"
    );
    let e = p
        .adverse
        .nature("effet-indesirable")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(
            "nature « effet-indesirable » inconnue du protocole : allergie, intolerance_digestive"
        ),
        "{e}"
    );

    let base = protocoop::protocol::BUNDLED_TEXT;
    let from = "  { id = \"autre\", label = \"autre\" },";
    assert_eq!(base.matches(from).count(), 1);
    for (to, message) in [
        (
            "  { id = \"allergie\", label = \"x\" },",
            "nature « allergie » en double",
        ),
        (
            "  { id = \"Autre\", label = \"autre\" },",
            "identifiant de nature « Autre »",
        ),
        (
            "  { id = \"autre\", label = \"  \" },",
            "le libellé de la nature est vide",
        ),
        ("  { id = \"autre\" },", "label"),
    ] {
        let text = base.replacen(from, to, 1);
        let e = Protocol::parse(&text, "essai.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains(message), "{to}: {e}");
    }
    let empty = {
        let i = base.find("natures = [").unwrap();
        let j = i + base[i..].find("]\n").unwrap() + 2;
        format!("{}natures = []\n{}", &base[..i], &base[j..])
    };
    let e = Protocol::parse(&empty, "essai.toml")
        .unwrap_err()
        .to_string();
    assert!(e.contains("aucune nature d'événement indésirable"), "{e}");

    // Without the section: the first versions' list, no text.
    let i = base.find("[adverse_events]").unwrap();
    let j = i + base[i..].find("\n]\n").unwrap() + 3;
    let without = format!("{}{}", &base[..i], &base[j..]);
    let p = Protocol::parse(&without, "ancien.toml").unwrap();
    assert_eq!(p.adverse.natures.len(), 5);
    assert_eq!(p.adverse.natures[1].id.id(), "effet_indesirable");
    assert!(p.adverse.pharmacovigilance.is_none());
}

#[test]
fn un_evenement_des_premieres_versions_se_lit_encore() {
    let old =
        r#"{"type":"adverse_event","nature":"effet_indesirable","severity":"grave","text":null}"#;
    let e: FollowupEvent = serde_json::from_str(old).unwrap();
    assert_eq!(
        e.describe(),
        "événement indésirable : effet indésirable d'un médicament, grave"
    );
    // Written back byte for byte: its entry's hash does not move.
    assert_eq!(serde_json::to_string(&e).unwrap(), old);
    for bad in ["EFFET", "", "a b", "é"] {
        let text = old.replace("effet_indesirable", bad);
        assert!(
            serde_json::from_str::<FollowupEvent>(&text).is_err(),
            "{bad}"
        );
    }
    let named = FollowupEvent::adverse(
        &Protocol::bundled().adverse,
        "douleur_non_soulagee",
        Severity::Legere,
        None,
    )
    .unwrap();
    assert_eq!(
        named.describe(),
        "événement indésirable : douleur non soulagée, légère"
    );
}

#[test]
fn en_ligne_de_commande_la_nature_du_protocole_et_la_declaration_d_un_evenement_grave() {
    let env = TestEnv::new();
    let data = env.path("data");
    drop(setup_ledger(&data, t(DAY0)));
    let input = abscess_for(0, json!({}));
    let out = run(
        &env,
        DAY0,
        &["act", "record", "--input", "-", "--pin-stdin", "--json"],
        &format!("{PIN}\n{input}"),
    );
    assert_eq!(out.code, 0, "{out:?}");
    let add = |args: &[&str]| {
        let mut a = vec![
            "followup",
            "add",
            "--act",
            "2026-0001",
            "--by",
            DELEGUE,
            "--pin-stdin",
        ];
        a.extend_from_slice(args);
        run(&env, "2026-05-06T08:00:00Z", &a, &format!("{PIN}\n"))
    };
    let out = add(&[
        "--kind",
        "evenement-indesirable",
        "--severity",
        "grave",
        "--nature",
        "effet-indesirable",
    ]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .contains("inconnue du protocole : allergie, intolerance_digestive"),
        "{}",
        out.stderr
    );
    let out = add(&[
        "--kind",
        "evenement-indesirable",
        "--severity",
        "legere",
        "--nature",
        "intolerance-digestive",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!out.stdout.contains("pharmacovigilance"), "{}", out.stdout);
    let out = add(&[
        "--kind",
        "evenement-indesirable",
        "--severity",
        "grave",
        "--nature",
        "aggravation_infection",
    ]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("Événement grave : à déclarer."),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("centre régional de pharmacovigilance"),
        "{}",
        out.stdout
    );
    let out = run(
        &env,
        "2026-05-06T08:00:00Z",
        &["act", "show", "2026-0001"],
        "",
    );
    assert!(
        out.stdout
            .contains("événement indésirable : intolérance digestive, légère"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("événement indésirable : aggravation de l'infection, grave"),
        "{}",
        out.stdout
    );
}

#[test]
fn le_rapport_du_mois_compte_les_natures_du_protocole() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = setup_ledger(dir.path(), t(DAY0));
    // Attached to its CPTS, with its validated protocol: real acts, counted.
    let p = attach(&mut l, t(DAY0));
    let a = abscess(&mut l, &p, 0);
    let b = abscess(&mut l, &p, 1);
    let by = recorder(&mut l, &a, t(DAY0));
    let with = |nature: &str, severity| Answers {
        adverse: Some(Adverse::Event(
            AdverseNature::parse(nature).unwrap(),
            severity,
        )),
        ..answered()
    };
    l.record_call(
        &p,
        &a,
        &by,
        &["j2"],
        &with("intolerance_digestive", Severity::Legere),
        at("2026-05-06"),
    )
    .unwrap();
    l.record_call(
        &p,
        &b,
        &by,
        &["j2"],
        &with("aggravation_infection", Severity::Grave),
        at("2026-05-06"),
    )
    .unwrap();
    let e = l
        .record_call(
            &p,
            &b,
            &by,
            &["j1_vu"],
            &Answers {
                appointment: Some(AppointmentAnswer {
                    made: true,
                    on: None,
                }),
                pain: None,
                satisfaction: None,
                ..with("effet_indesirable", Severity::Grave)
            },
            at("2026-05-06"),
        )
        .unwrap_err()
        .to_string();
    assert!(e.contains("inconnue du protocole"), "{e}");
    let r = protocoop::report::generate(
        &mut l,
        &p,
        "2026-05".parse().unwrap(),
        t("2026-06-02T08:00:00Z"),
    )
    .unwrap();
    let ae = &r.indicators.adverse_events;
    assert_eq!(ae.count, 2);
    assert_eq!(ae.acts, 2);
    let by_nature: Vec<(&str, u64)> = ae.by_nature.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(
        by_nature,
        [("aggravation_infection", 1), ("intolerance_digestive", 1)]
    );
    assert_eq!(ae.by_severity.get("grave"), Some(&1));
    // The CPTS recomputes the same from the rows.
    let input = protocoop::report::rows_input::to_input(&r, r.rows.as_ref().unwrap()).unwrap();
    let again = protocoop::report::month::compute(&input, &r.software);
    assert_eq!(again.indicators, r.indicators);
}
