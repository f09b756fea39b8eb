//! The kiosk's question sequence: red flags first, skip what cannot matter,
//! stop as soon as the outcome is settled — and never change the outcome.

mod common;

use protocoop::protocol::{FactType, Fixed, Protocol, Value};
use protocoop::triage::sequence::{self, Step};
use protocoop::triage::{Facts, evaluate};

/// A complete patient, as the kiosk would learn it question by question.
#[derive(Debug, Clone)]
struct Patient {
    age: i64,
    weight: Option<f64>,
    /// Every yes/no fact by id; numbers below.
    yes: Vec<&'static str>,
    pain: i64,
    temp: Option<f64>,
}

fn num(x: f64) -> Value {
    Value::Num(Fixed::from_f64(x).unwrap())
}

/// The Patient screen: age and weight, before any question.
fn start(p: &Protocol, pt: &Patient) -> Facts {
    let mut f = Facts::new(p);
    f.set(p, p.patient.age, num(pt.age as f64)).unwrap();
    match pt.weight {
        Some(w) => f.set(p, p.patient.weight, num(w)).unwrap(),
        None => f.set_absent(p, p.patient.weight).unwrap(),
    }
    f
}

/// Answers one question screen from the patient's truth.
fn answer(p: &Protocol, f: &mut Facts, q: usize, pt: &Patient) {
    for &id in &p.questions[q].facts {
        let def = p.fact(id);
        match (&def.ty, def.id.as_str()) {
            (FactType::Bool, name) => f.set(p, id, Value::Bool(pt.yes.contains(&name))).unwrap(),
            (_, "pain_score") => f.set(p, id, num(pt.pain as f64)).unwrap(),
            (_, "temperature_c") => match pt.temp {
                Some(t) => f.set(p, id, num(t)).unwrap(),
                None => f.set_absent(p, id).unwrap(),
            },
            (_, other) => panic!("unexpected numeric question fact {other}"),
        }
    }
}

/// Runs the kiosk's loop; returns the questions asked and the final facts.
fn interview(p: &Protocol, pt: &Patient) -> (Vec<String>, Facts) {
    let mut f = start(p, pt);
    let mut asked = Vec::new();
    let mut previous_remaining = usize::MAX;
    loop {
        let remaining = sequence::remaining(p, &f);
        assert!(
            remaining.len() <= previous_remaining,
            "the list of questions grew: {pt:?}"
        );
        previous_remaining = remaining.len();
        match sequence::next(p, &f) {
            Step::Ask(q) => {
                assert!(!asked.contains(&p.questions[q].id), "asked twice: {pt:?}");
                asked.push(p.questions[q].id.clone());
                answer(p, &mut f, q, pt);
            }
            Step::Done => return (asked, f),
        }
    }
}

/// The same patient with every fact given, as a script would.
fn all_facts(p: &Protocol, pt: &Patient) -> Facts {
    let mut f = start(p, pt);
    for q in 0..p.questions.len() {
        answer(p, &mut f, q, pt);
    }
    f
}

fn adult(yes: &[&'static str], pain: i64) -> Patient {
    Patient {
        age: 40,
        weight: None,
        yes: yes.to_vec(),
        pain,
        temp: None,
    }
}

#[test]
fn abces_adulte_quatre_ecrans_dans_l_ordre() {
    let p = Protocol::bundled();
    let (asked, _) = interview(&p, &adult(&["sympt.abscess"], 6));
    assert_eq!(
        asked,
        ["signes_alerte", "antecedents", "douleur", "symptomes"]
    );
}

#[test]
fn un_signe_d_alerte_arrete_les_questions_aussitot() {
    let p = Protocol::bundled();
    for flag in ["excl.eye_swelling", "excl.haemorrhage"] {
        let (asked, f) = interview(&p, &adult(&[flag, "sympt.abscess"], 9));
        assert_eq!(asked, ["signes_alerte"], "{flag}");
        let o = evaluate(&p, &f).unwrap();
        assert!(!o.taken_in_charge());
        assert!(o.lines.is_empty());
    }
    let mut fever = adult(&["sympt.heat"], 3);
    fever.temp = Some(39.0);
    assert_eq!(interview(&p, &fever).0, ["signes_alerte"]);
}

#[test]
fn enfant_de_9_ans_sans_les_symptomes() {
    let p = Protocol::bundled();
    let pt = Patient {
        age: 9,
        weight: Some(28.0),
        yes: vec!["sympt.heat"],
        pain: 5,
        temp: None,
    };
    // Antecedents and pain still matter (« avis sous 24 h » outranks
    // « consultation »); the symptoms cannot change anything under 10.
    assert_eq!(
        interview(&p, &pt).0,
        ["signes_alerte", "antecedents", "douleur"]
    );
}

#[test]
fn douleur_superieure_a_7_arrete_avant_les_symptomes() {
    let p = Protocol::bundled();
    assert_eq!(
        interview(&p, &adult(&["sympt.heat"], 8)).0,
        ["signes_alerte", "antecedents", "douleur"]
    );
}

#[test]
fn un_antecedent_arrete_avant_la_douleur() {
    let p = Protocol::bundled();
    assert_eq!(
        interview(&p, &adult(&["excl.anticoagulant", "sympt.heat"], 3)).0,
        ["signes_alerte", "antecedents"]
    );
}

/// Soundness over a broad enumeration: stopping early never changes the
/// decision or the proposed prescription.
#[test]
fn l_arret_anticipe_ne_change_jamais_l_issue() {
    let p = Protocol::bundled();
    let bools: Vec<&'static str> = p
        .facts
        .iter()
        .filter(|f| f.ty.is_bool())
        .map(|f| &*Box::leak(f.id.clone().into_boxed_str()))
        .collect();
    let symptoms: Vec<&'static str> = bools
        .iter()
        .copied()
        .filter(|b| b.starts_with("sympt."))
        .collect();
    let others: Vec<&'static str> = bools
        .iter()
        .copied()
        .filter(|b| !b.starts_with("sympt."))
        .collect();
    let mut checked = 0;
    for age in [9, 11, 14, 15, 40] {
        for weight in [None, Some(32.0), Some(55.0)] {
            for pain in [0, 5, 8] {
                for temp in [None, Some(38.5), Some(38.6)] {
                    // Each non-symptom fact alone (or none) × every symptom subset.
                    for other in std::iter::once(None).chain(others.iter().map(Some)) {
                        for mask in 0..(1u32 << symptoms.len()) {
                            let mut yes: Vec<&'static str> = symptoms
                                .iter()
                                .enumerate()
                                .filter(|(i, _)| mask & (1 << i) != 0)
                                .map(|(_, s)| *s)
                                .collect();
                            yes.extend(other.copied());
                            let pt = Patient {
                                age,
                                weight,
                                yes,
                                pain,
                                temp,
                            };
                            let (_, partial) = interview(&p, &pt);
                            assert!(
                                sequence::unanswered(&p, &partial).is_empty(),
                                "the kiosk's own answers are complete: {pt:?}"
                            );
                            let full = evaluate(&p, &all_facts(&p, &pt));
                            let early = evaluate(&p, &partial);
                            match (full, early) {
                                (Ok(a), Ok(b)) => {
                                    assert_eq!(a.decision, b.decision, "{pt:?}");
                                    assert_eq!(a.lines, b.lines, "{pt:?}");
                                }
                                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
                                (a, b) => panic!("{pt:?}: {a:?} vs {b:?}"),
                            }
                            checked += 1;
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 100_000, "{checked}");
}

/// Recording needs every answer the counter would have asked for: each fact
/// of an adult abscess interview, left out in turn, is named as missing;
/// the answers the kiosk never needed (after a red flag) are not.
#[test]
fn chaque_reponse_manquante_est_nommee_pour_l_enregistrement() {
    let p = Protocol::bundled();
    let pt = adult(&["sympt.abscess"], 6);
    let (_, answered) = interview(&p, &pt);
    assert!(sequence::unanswered(&p, &answered).is_empty());
    let asked: Vec<_> = p
        .fact_ids()
        .filter(|&f| f != p.patient.age && f != p.patient.weight)
        .filter(|&f| answered.get(f) != protocoop::triage::Slot::Unset)
        .collect();
    assert!(asked.len() > 15, "{}", asked.len());
    for f in asked {
        let mut without = answered.clone();
        without.unset(f);
        assert_eq!(
            sequence::unanswered(&p, &without),
            vec![f],
            "{} left out",
            p.fact(f).id
        );
    }
    // Nothing answered at all: every red flag and the temperature at least.
    let none = sequence::unanswered(&p, &start(&p, &pt));
    for id in [
        "excl.eye_swelling",
        "excl.haemorrhage",
        "temperature_c",
        "pain_score",
    ] {
        assert!(none.contains(&p.fact_id(id).unwrap()), "{id}");
    }
    // A red flag answered « oui »: nothing else is needed.
    let mut flag = start(&p, &pt);
    flag.set(&p, p.fact_id("excl.nose_wing").unwrap(), Value::Bool(true))
        .unwrap();
    assert!(sequence::unanswered(&p, &flag).is_empty());
}

/// Pregnancy is asked of a woman, and of a patient whose sex is unknown (a
/// script that does not give it), never of a man: for him it is « non »
/// without being asked, so it is no missing answer, it cannot be « oui »,
/// and the antecedents screen still asks everything else.
#[test]
fn la_grossesse_n_est_demandee_qu_a_une_patiente() {
    use protocoop::protocol::Sex;
    use protocoop::triage::Slot;
    let p = Protocol::bundled();
    let pregnant = p.fact_id("pregnant").unwrap();
    let sex = p.patient.sex.expect("the bundled protocol reads the sex");
    let pt = adult(&["sympt.abscess"], 6);
    let (_, answered) = interview(&p, &pt);
    for (who, given, asked) in [
        ("une femme", Some(Sex::F), true),
        ("un homme", Some(Sex::M), false),
        ("sexe inconnu", None, true),
    ] {
        let mut facts = answered.clone();
        facts.unset(pregnant);
        if let Some(s) = given {
            facts.set(&p, sex, Value::Sex(s)).unwrap();
        }
        assert_eq!(facts.applies(&p, pregnant), asked, "{who}");
        facts.settle_inapplicable(&p).unwrap();
        let missing = sequence::unanswered(&p, &facts);
        assert_eq!(missing == vec![pregnant], asked, "{who}: {missing:?}");
        if !asked {
            assert_eq!(facts.get(pregnant), Slot::Set(Value::Bool(false)), "{who}");
            assert!(missing.is_empty(), "{who}: {missing:?}");
            let mut yes = facts.clone();
            yes.set(&p, pregnant, Value::Bool(true)).unwrap();
            let e = yes.settle_inapplicable(&p).unwrap_err().to_string();
            assert!(e.contains("ne s'applique pas à ce patient"), "{e}");
            assert_eq!(
                yes.get(pregnant),
                Slot::Set(Value::Bool(true)),
                "refused, unchanged"
            );
        }
    }
    // A script says it in JSON: "sex": "M" settles pregnancy, "X" is refused.
    let man = Facts::from_json_text(&p, r#"{"age_years": 40, "sex": "M"}"#).unwrap();
    assert_eq!(man.get(pregnant), Slot::Set(Value::Bool(false)));
    let e = Facts::from_json_text(&p, r#"{"sex": "M", "pregnant": true}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("pregnant"), "{e}");
    let e = Facts::from_json_text(&p, r#"{"sex": "X"}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("\"F\" ou \"M\" attendu"), "{e}");
    let unknown = Facts::from_json_text(&p, r#"{"sex": null}"#).unwrap();
    assert!(unknown.applies(&p, pregnant));
}

/// `ask_when` on age alone, in a protocol that does not read the sex: the
/// question left out is « non » all the same (the act can be finished), and
/// a weight not measured never decides that a question does not apply.
#[test]
fn ask_when_without_the_sex_and_with_a_weight_not_measured() {
    use protocoop::triage::Slot;
    let text = protocoop::protocol::BUNDLED_TEXT
        .replacen("sex_fact = \"sex\"\n", "", 1)
        .replacen(
            "[[facts]]\nid = \"sex\"\ntype = \"sex\"\nlabel = \"Sexe du patient\"\nhelp = \"Renseigné à l'écran Patient (F ou M).\"\n\n",
            "",
            1,
        )
        .replacen("ask_when = \"sex == F\"", "ask_when = \"age_years >= 12\"", 1);
    let p = Protocol::parse(&text, "test.toml").expect("a valid protocol");
    let pregnant = p.fact_id("pregnant").unwrap();
    let child = Patient {
        age: 9,
        weight: Some(28.0),
        yes: vec!["sympt.heat"],
        pain: 5,
        temp: None,
    };
    // The Patient screen's rule (act::with_patient) settles it, sex or not.
    let patient = protocoop::act::Patient::new(
        "Martin",
        "Léa",
        "2017-03-02",
        "F",
        Some(Fixed::from_int(28)),
        "79500",
    )
    .unwrap();
    let facts = protocoop::act::with_patient(&p, Facts::new(&p), &patient, 9).unwrap();
    assert_eq!(facts.get(pregnant), Slot::Set(Value::Bool(false)));
    let (asked, done) = interview(&p, &child);
    assert!(asked.contains(&"antecedents".to_string()), "{asked:?}");
    assert!(sequence::unanswered(&p, &done).is_empty());

    let text = protocoop::protocol::BUNDLED_TEXT.replacen(
        "ask_when = \"sex == F\"",
        "ask_when = \"known(weight_kg) and weight_kg >= 30\"",
        1,
    );
    let p = Protocol::parse(&text, "test.toml").expect("a valid protocol");
    let pregnant = p.fact_id("pregnant").unwrap();
    let mut unmeasured = start(&p, &adult(&[], 3));
    assert!(
        unmeasured.applies(&p, pregnant),
        "a weight not measured leaves the question asked"
    );
    unmeasured.settle_inapplicable(&p).unwrap();
    assert_eq!(unmeasured.get(pregnant), Slot::Unset);
}
