//! One case per rule of the dental protocol, named in French after the
//! clinical situation, with the exact expected outcome and doses.

mod common;

use common::facts;
use protocoop::Error;
use protocoop::protocol::Protocol;
use protocoop::triage::json::OutcomeJson;
use protocoop::triage::{Outcome, evaluate};
use serde_json::{Value, json};

fn run(pairs: &[(&str, Value)]) -> (Protocol, Outcome) {
    let p = Protocol::bundled();
    let f = facts(&p, pairs);
    let o = evaluate(&p, &f).unwrap_or_else(|e| panic!("{e}"));
    (p, o)
}

fn json_of(pairs: &[(&str, Value)]) -> OutcomeJson {
    let (p, o) = run(pairs);
    OutcomeJson::new(&p, &o)
}

fn adult(extra: &[(&'static str, Value)]) -> Vec<(&'static str, Value)> {
    let mut v = vec![("age_years", json!(40)), ("pain_score", json!(5))];
    v.extend_from_slice(extra);
    v
}

/// (orientation, urgency, reasons)
fn decision(pairs: &[(&str, Value)]) -> (Option<String>, Option<String>, Vec<String>) {
    let j = json_of(pairs);
    (j.orientation, j.urgency, j.reasons)
}

fn lines(pairs: &[(&str, Value)]) -> Vec<String> {
    json_of(pairs)
        .prescription
        .into_iter()
        .map(|l| l.id)
        .collect()
}

fn orient(o: &str, reasons: &[&str]) -> (Option<String>, Option<String>, Vec<String>) {
    (
        Some(o.into()),
        None,
        reasons.iter().map(|s| s.to_string()).collect(),
    )
}

fn included(u: &str) -> (Option<String>, Option<String>, Vec<String>) {
    (None, Some(u.into()), vec![])
}

// --- 1. Urgence: any red flag, or fever above 38.5 °C, at any age ---------

#[test]
fn urgence_gonflement_vers_l_oeil() {
    assert_eq!(
        decision(&adult(&[
            ("excl.eye_swelling", json!(true)),
            ("sympt.abscess", json!(true))
        ])),
        orient("urgence", &["excl.eye_swelling"])
    );
}

#[test]
fn urgence_chaque_signe_d_alerte() {
    for flag in [
        "excl.floor_of_mouth",
        "excl.dysphagia_trismus",
        "excl.nose_wing",
        "excl.facial_trauma",
        "excl.haemorrhage",
    ] {
        assert_eq!(
            decision(&adult(&[(flag, json!(true)), ("sympt.heat", json!(true))])),
            orient("urgence", &[flag]),
            "{flag}"
        );
    }
}

#[test]
fn urgence_fievre_38_6() {
    assert_eq!(
        decision(&adult(&[
            ("temperature_c", json!(38.6)),
            ("sympt.heat", json!(true))
        ])),
        orient("urgence", &["temperature_c"])
    );
}

#[test]
fn fievre_38_5_n_est_pas_une_urgence() {
    assert_eq!(
        decision(&adult(&[
            ("temperature_c", json!(38.5)),
            ("sympt.heat", json!(true))
        ])),
        included("24h")
    );
}

#[test]
fn urgence_meme_chez_l_enfant_de_9_ans() {
    assert_eq!(
        decision(&[
            ("age_years", json!(9)),
            ("pain_score", json!(3)),
            ("excl.haemorrhage", json!(true)),
            ("sympt.heat", json!(true)),
        ]),
        orient("urgence", &["excl.haemorrhage", "age_years"])
    );
}

#[test]
fn urgence_signe_d_alerte_decide_meme_sans_douleur_ni_age() {
    // A red flag decides before the required facts are needed.
    let j = json_of(&[("excl.nose_wing", json!(true))]);
    assert_eq!(j.orientation.as_deref(), Some("urgence"));
}

// --- 2. Avis sous 24 h ---------------------------------------------------

#[test]
fn avis_24h_chaque_antecedent() {
    for fact in [
        "excl.immunosuppression",
        "excl.antibiotic_allergy",
        "excl.endocarditis_risk",
        "excl.face_radiotherapy",
        "excl.anticoagulant",
        "excl.severe_renal_failure",
    ] {
        assert_eq!(
            decision(&adult(&[
                (fact, json!(true)),
                ("sympt.abscess", json!(true))
            ])),
            orient("avis_24h", &[fact]),
            "{fact}"
        );
    }
}

#[test]
fn avis_24h_douleur_8() {
    assert_eq!(
        decision(&[
            ("age_years", json!(40)),
            ("pain_score", json!(8)),
            ("sympt.heat", json!(true))
        ]),
        orient("avis_24h", &["pain_score"])
    );
}

#[test]
fn douleur_7_reste_dans_le_protocole() {
    assert_eq!(
        decision(&[
            ("age_years", json!(40)),
            ("pain_score", json!(7)),
            ("sympt.heat", json!(true))
        ]),
        included("24h")
    );
}

/// Every answered exclusion is a reason (symptoms, not given, are not).
#[test]
fn urgence_avant_avis_24h_et_tous_les_motifs_rapportes() {
    assert_eq!(
        decision(&[
            ("age_years", json!(8)),
            ("pain_score", json!(9)),
            ("temperature_c", json!(39.2)),
            ("excl.eye_swelling", json!(true)),
            ("excl.anticoagulant", json!(true)),
        ]),
        orient(
            "urgence",
            &[
                "excl.eye_swelling",
                "temperature_c",
                "excl.anticoagulant",
                "pain_score",
                "age_years"
            ]
        )
    );
}

#[test]
fn urgence_motifs_des_seules_questions_posees() {
    // The questions stop at the red flag: symptoms were never asked, so
    // « no_symptom » is not a reason, though they read « non » for the rules.
    assert_eq!(
        decision(&[("age_years", json!(40)), ("excl.haemorrhage", json!(true))]),
        orient("urgence", &["excl.haemorrhage"])
    );
    // What was answered is reported, whichever rule it belongs to.
    assert_eq!(
        decision(&adult(&[
            ("excl.haemorrhage", json!(true)),
            ("excl.anticoagulant", json!(true))
        ])),
        orient("urgence", &["excl.haemorrhage", "excl.anticoagulant"])
    );
}

// --- 3. Consultation: under 10, or no symptom of the protocol -------------

#[test]
fn enfant_9_ans_consultation() {
    assert_eq!(
        decision(&[
            ("age_years", json!(9)),
            ("weight_kg", json!(28)),
            ("pain_score", json!(4)),
            ("sympt.heat", json!(true))
        ]),
        orient("consultation", &["age_years"])
    );
}

#[test]
fn enfant_7_ans_sans_symptomes_demandes_un_seul_motif() {
    // The age decides before any symptom is asked: « no_symptom » is not a
    // reason, though the unasked symptoms read « non ».
    assert_eq!(
        decision(&[
            ("age_years", json!(7)),
            ("weight_kg", json!(22)),
            ("pain_score", json!(4))
        ]),
        orient("consultation", &["age_years"])
    );
}

#[test]
fn enfant_10_ans_inclus() {
    assert_eq!(
        decision(&[
            ("age_years", json!(10)),
            ("weight_kg", json!(30)),
            ("pain_score", json!(4)),
            ("sympt.cold_brushing", json!(true))
        ]),
        included("31j")
    );
}

#[test]
fn adulte_sans_symptome_consultation() {
    assert_eq!(
        decision(&adult(&[])),
        orient("consultation", &["no_symptom"])
    );
}

// --- 4. Prise en charge: urgency from the symptoms ------------------------

#[test]
fn urgence_24h_pour_chaque_symptome_aigu() {
    for s in [
        "sympt.heat",
        "sympt.long_tooth_pressure",
        "sympt.abscess",
        "sympt.wisdom_tooth",
        "sympt.cellulitis",
    ] {
        assert_eq!(
            decision(&adult(&[(s, json!(true))])),
            included("24h"),
            "{s}"
        );
    }
}

#[test]
fn rendez_vous_31_jours_pour_les_symptomes_chroniques() {
    for s in [
        "sympt.cold_brushing",
        "sympt.cold_sugar_meals",
        "sympt.mobile_teeth",
    ] {
        assert_eq!(
            decision(&adult(&[(s, json!(true))])),
            included("31j"),
            "{s}"
        );
    }
    assert_eq!(
        decision(&adult(&[
            ("sympt.cold_brushing", json!(true)),
            ("sympt.heat", json!(true))
        ])),
        included("24h"),
        "one acute symptom makes it 24 h"
    );
}

// --- Prescriptions --------------------------------------------------------

#[test]
fn abces_adulte_24h() {
    let j = json_of(&adult(&[("sympt.abscess", json!(true))]));
    assert_eq!(j.urgency.as_deref(), Some("24h"));
    let got: Vec<(&str, bool, bool, u32, u32, u32)> = j
        .prescription
        .iter()
        .map(|l| {
            (
                l.id.as_str(),
                l.optional,
                l.selected,
                l.per_dose.amount,
                l.max_per_day.amount,
                l.days,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("paracetamol", false, true, 1000, 3000, 5),
            ("paracetamol_codeine", true, false, 2, 6, 3),
            ("chlorhexidine", false, true, 15, 45, 5),
            ("amoxicilline", false, true, 1000, 2000, 7),
        ]
    );
    let codeine = &j.prescription[1];
    assert!(codeine.secure_prescription);
    assert_eq!(codeine.replaces.as_deref(), Some("paracetamol"));
    assert_eq!(codeine.per_dose_min.map(|a| a.amount), Some(1));
}

#[test]
fn pulpite_irreversible_ains_possible_sans_antibiotique() {
    assert_eq!(
        lines(&adult(&[("sympt.heat", json!(true))])),
        ["paracetamol", "ibuprofene", "paracetamol_codeine"]
    );
}

#[test]
fn pericoronarite_antiseptique_sans_antibiotique_ni_ains() {
    assert_eq!(
        lines(&adult(&[("sympt.wisdom_tooth", json!(true))])),
        ["paracetamol", "paracetamol_codeine", "chlorhexidine"]
    );
}

#[test]
fn cellulite_circonscrite_antibiotique() {
    assert_eq!(
        lines(&adult(&[("sympt.cellulitis", json!(true))])),
        [
            "paracetamol",
            "paracetamol_codeine",
            "chlorhexidine",
            "amoxicilline"
        ]
    );
}

#[test]
fn dents_mobiles_31j_antiseptique() {
    let j = json_of(&[
        ("age_years", json!(60)),
        ("pain_score", json!(3)),
        ("sympt.mobile_teeth", json!(true)),
    ]);
    assert_eq!(j.urgency.as_deref(), Some("31j"));
    let ids: Vec<_> = j.prescription.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["paracetamol", "ibuprofene", "chlorhexidine"]);
}

#[test]
fn douleur_4_pas_de_codeine() {
    let v = vec![
        ("age_years", json!(40)),
        ("pain_score", json!(4)),
        ("sympt.heat", json!(true)),
    ];
    assert_eq!(lines(&v), ["paracetamol", "ibuprofene"]);
}

#[test]
fn grossesse_ni_ains_ni_codeine() {
    assert_eq!(
        lines(&adult(&[
            ("sympt.heat", json!(true)),
            ("pregnant", json!(true))
        ])),
        ["paracetamol"]
    );
}

#[test]
fn enfant_11_ans_32_kg_doses_au_poids() {
    let j = json_of(&[
        ("age_years", json!(11)),
        ("weight_kg", json!(32)),
        ("pain_score", json!(6)),
        ("sympt.abscess", json!(true)),
    ]);
    let got: Vec<(&str, u32, u32, Option<f64>)> = j
        .prescription
        .iter()
        .map(|l| {
            (
                l.id.as_str(),
                l.per_dose.amount,
                l.max_per_day.amount,
                l.weight_kg,
            )
        })
        .collect();
    // 15 mg/kg = 480, 60 mg/kg = 1920; 25 mg/kg = 800, 50 mg/kg = 1600.
    // No ibuprofen (infection, under 12), no codeine (under 15).
    assert_eq!(
        got,
        vec![
            ("paracetamol", 480, 1920, Some(32.0)),
            ("chlorhexidine", 15, 45, None),
            ("amoxicilline", 800, 1600, Some(32.0)),
        ]
    );
}

#[test]
fn dose_au_poids_arrondie_a_l_inferieur() {
    // 33.3 kg: 15 × 33.3 = 499.5 → 490 mg; 60 × 33.3 = 1998 → 1990 mg.
    let j = json_of(&[
        ("age_years", json!(13)),
        ("weight_kg", json!(33.3)),
        ("pain_score", json!(2)),
        ("sympt.heat", json!(true)),
    ]);
    let p = &j.prescription[0];
    assert_eq!((p.per_dose.amount, p.max_per_day.amount), (490, 1990));
    // Ibuprofen at 13 and 33.3 kg: 10 mg/kg = 333 → 330; 30 mg/kg = 999 → 990.
    let i = &j.prescription[1];
    assert_eq!(
        (i.id.as_str(), i.per_dose.amount, i.max_per_day.amount),
        ("ibuprofene", 330, 990)
    );
}

#[test]
fn enfant_14_ans_lourd_plafonne_a_la_dose_adulte() {
    // 80 kg at 14: weight-based, but never above the adult ceilings.
    let j = json_of(&[
        ("age_years", json!(14)),
        ("weight_kg", json!(80)),
        ("pain_score", json!(6)),
        ("sympt.abscess", json!(true)),
    ]);
    let got: Vec<(&str, u32, u32)> = j
        .prescription
        .iter()
        .map(|l| (l.id.as_str(), l.per_dose.amount, l.max_per_day.amount))
        .collect();
    assert_eq!(
        got,
        vec![
            ("paracetamol", 1000, 3000),
            ("chlorhexidine", 15, 45),
            ("amoxicilline", 1000, 2000)
        ]
    );
}

#[test]
fn adolescent_16_ans_45_kg_doses_au_poids_sans_codeine() {
    let j = json_of(&[
        ("age_years", json!(16)),
        ("weight_kg", json!(45)),
        ("pain_score", json!(6)),
        ("sympt.heat", json!(true)),
    ]);
    let got: Vec<(&str, u32, u32)> = j
        .prescription
        .iter()
        .map(|l| (l.id.as_str(), l.per_dose.amount, l.max_per_day.amount))
        .collect();
    assert_eq!(
        got,
        vec![("paracetamol", 670, 2700), ("ibuprofene", 400, 1200)]
    );
}

#[test]
fn ibuprofene_refuse_sous_30_kg() {
    let v = [
        ("age_years", json!(13)),
        ("weight_kg", json!(29.9)),
        ("pain_score", json!(3)),
        ("sympt.heat", json!(true)),
    ];
    assert_eq!(lines(&v), ["paracetamol"]);
}

#[test]
fn enfant_sans_poids_refuse_sans_deviner() {
    let p = Protocol::bundled();
    let f = facts(
        &p,
        &[
            ("age_years", json!(12)),
            ("pain_score", json!(3)),
            ("sympt.heat", json!(true)),
        ],
    );
    match evaluate(&p, &f) {
        Err(Error::Input { field, message }) => {
            assert_eq!(field, "weight_kg");
            assert!(message.contains("poids obligatoire"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn douleur_manquante_refusee_quand_elle_compte() {
    let p = Protocol::bundled();
    let f = facts(&p, &[("age_years", json!(40)), ("sympt.heat", json!(true))]);
    match evaluate(&p, &f) {
        Err(Error::MissingFacts(f)) => assert_eq!(f, ["pain_score"]),
        other => panic!("{other:?}"),
    }
}

#[test]
fn entrees_invalides_nommees() {
    let p = Protocol::bundled();
    let cases: &[(Value, &str, &str)] = &[
        (json!({"age_years": 131}), "age_years", "hors limites"),
        (json!({"age_years": 40.5}), "age_years", "entier"),
        (json!({"weight_kg": -3}), "weight_kg", "hors limites"),
        (json!({"weight_kg": 0}), "weight_kg", "hors limites"),
        (json!({"pain_score": 11}), "pain_score", "hors limites"),
        (json!({"pain_score": -1}), "pain_score", "hors limites"),
        (json!({"sympt.abscess": "oui"}), "sympt.abscess", "oui/non"),
        (json!({"sympt.abscess": 1}), "sympt.abscess", "oui/non"),
        (json!({"age_years": true}), "age_years", "entier"),
        (
            json!({"sympt.abcess": true}),
            "sympt.abcess",
            "sympt.abscess",
        ),
        (json!({"pain_score": null}), "pain_score", "sans valeur"),
    ];
    for (input, field, part) in cases {
        match protocoop::triage::Facts::from_json(&p, input) {
            Err(Error::Input { field: f, message }) => {
                assert_eq!(&f, field, "{input}");
                assert!(message.contains(part), "{input}: {message}");
            }
            other => panic!("{input}: {other:?}"),
        }
    }
}
