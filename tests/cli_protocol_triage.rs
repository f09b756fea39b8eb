//! The real `protocoop` binary: `protocol check`, `protocol validate`,
//! `triage`, exit codes and messages.

mod common;

use common::TestEnv;
use protocoop::protocol::BUNDLED_TEXT;
use serde_json::Value;

const ABSCESS: &str = r#"{"age_years": 40, "pain_score": 6, "sympt.abscess": true}"#;

#[test]
fn check_du_protocole_integre_une_ligne() {
    let env = TestEnv::new();
    let out = env.run(&["protocol", "check"], "");
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout.lines().count(), 1);
    assert!(
        out.stdout.starts_with("OK — protocole intégré"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("dentaire-sud-deux-sevres version 2026.1")
    );
    assert!(out.stdout.contains("BROUILLON"));
}

#[test]
fn check_d_un_fichier_invalide_toutes_les_erreurs_code_1() {
    let env = TestEnv::new();
    let bad = BUNDLED_TEXT
        .replacen(
            "orientation = \"avis_24h\"",
            "orientation = \"avis_48h\"",
            1,
        )
        .replacen("delegant_cents = 1500", "delegant_cents = -1", 1);
    let path = env.write("bad.toml", &bad);
    let out = env.run(&["protocol", "check", path.to_str().unwrap()], "");
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr.contains("2 erreurs dans le protocole"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains(&format!("{}:", path.display())));
    assert!(out.stderr.contains("orientation inconnue « avis_48h »"));
    assert!(out.stderr.contains("quantité négative"));
}

#[test]
fn check_d_un_fichier_absent_code_4() {
    let env = TestEnv::new();
    let out = env.run(&["protocol", "check", "absent.toml"], "");
    assert_eq!(out.code, 4, "{out:?}");
    assert!(
        out.stderr
            .contains("impossible de lire le protocole « absent.toml »"),
        "{}",
        out.stderr
    );
}

#[test]
fn validation_par_un_delegant_puis_peremption() {
    let env = TestEnv::new();
    let draft = env.write("p.toml", BUNDLED_TEXT);
    let out = env.run(
        &[
            "protocol",
            "validate",
            draft.to_str().unwrap(),
            "--name",
            "Dr Claire Exemple",
            "--rpps",
            "10005173140",
            "--date",
            "2026-11-20",
            "--out",
            "valide.toml",
        ],
        "",
    );
    assert_eq!(out.code, 0, "{out:?}");
    let validated = std::fs::read_to_string(env.path("valide.toml")).unwrap();
    assert!(
        validated.starts_with(BUNDLED_TEXT),
        "the content is kept byte for byte"
    );
    assert!(validated.contains("[validation]\n"));
    assert!(validated.contains("by = \"Dr Claire Exemple\""));
    assert!(validated.contains("date = 2026-11-20"));

    let out = env.run(&["protocol", "check", "valide.toml"], "");
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .contains("validé par Dr Claire Exemple (RPPS 10005173140) le 20/11/2026"),
        "{}",
        out.stdout
    );

    // --protocol is global: triage runs on the validated file — in training
    // still, for only a protocol received from the CPTS makes acts real.
    let facts = env.write("cas.json", ABSCESS);
    let out = env.run(
        &[
            "--protocol",
            "valide.toml",
            "triage",
            "--facts",
            facts.to_str().unwrap(),
            "--json",
        ],
        "",
    );
    let j: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(j["training"], true);
    let out = env.run(
        &[
            "--protocol",
            "valide.toml",
            "triage",
            "--facts",
            facts.to_str().unwrap(),
        ],
        "",
    );
    assert!(out.stdout.contains("pas reçu de la CPTS"), "{}", out.stdout);

    // Changing the amoxicillin duration makes the validation stale.
    let edited = validated.replacen(
        "days = 7\n\n[medicines.by_weight]",
        "days = 6\n\n[medicines.by_weight]",
        1,
    );
    assert_ne!(edited, validated);
    env.write("modifie.toml", &edited);
    let out = env.run(&["protocol", "check", "modifie.toml"], "");
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("VALIDATION PÉRIMÉE"), "{}", out.stdout);
    let out = env.run(
        &[
            "--protocol",
            "modifie.toml",
            "triage",
            "--facts",
            "cas.json",
            "--json",
        ],
        "",
    );
    let j: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        j["training"], true,
        "a stale protocol runs in training mode"
    );

    // Re-validating replaces the block instead of stacking a second one.
    let out = env.run(
        &[
            "protocol",
            "validate",
            "modifie.toml",
            "--name",
            "Dr Claire Exemple",
            "--rpps",
            "10005173140",
            "--date",
            "2026-11-21",
            "--out",
            "revalide.toml",
        ],
        "",
    );
    assert_eq!(out.code, 0, "{out:?}");
    let revalidated = std::fs::read_to_string(env.path("revalide.toml")).unwrap();
    assert_eq!(
        revalidated
            .lines()
            .filter(|l| l.starts_with("[validation]"))
            .count(),
        1
    );
    assert!(
        env.run(&["protocol", "check", "revalide.toml"], "")
            .stdout
            .contains("validé par")
    );
}

#[test]
fn validation_refusee_rpps_faux_date_future_protocole_invalide() {
    let env = TestEnv::new();
    let draft = env.write("p.toml", BUNDLED_TEXT);
    let d = draft.to_str().unwrap();
    let base = [
        "protocol", "validate", d, "--name", "Dr X", "--out", "v.toml",
    ];
    let with = |extra: &[&str]| {
        let mut a: Vec<&str> = base.to_vec();
        a.extend_from_slice(extra);
        env.run(&a, "")
    };
    let out = with(&["--rpps", "10005173141", "--date", "2026-11-20"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("--rpps : RPPS « 10005173141 » invalide : la clé de contrôle"),
        "{}",
        out.stderr
    );
    let out = with(&["--rpps", "10005173140", "--date", "2999-01-01"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("--date : la date de validation 01/01/2999 est dans le futur"),
        "{}",
        out.stderr
    );
    let out = with(&["--rpps", "10005173140", "--date", "20/11/2026"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("AAAA-MM-JJ"), "{}", out.stderr);
    env.write(
        "p.toml",
        &BUNDLED_TEXT.replacen("format = 1", "format = 9", 1),
    );
    let out = with(&["--rpps", "10005173140", "--date", "2026-11-20"]);
    assert_eq!(out.code, 1);
    assert!(!env.path("v.toml").exists(), "nothing written on refusal");
}

#[test]
fn triage_json_forme_exacte() {
    let env = TestEnv::new();
    let out = env.run(&["triage", "--facts", "-", "--json"], ABSCESS);
    assert_eq!(out.code, 0, "{out:?}");
    let j: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(j["protocol"]["id"], "dentaire-sud-deux-sevres");
    assert_eq!(j["protocol"]["version"], "2026.1");
    let sha = j["protocol"]["sha256"].as_str().unwrap();
    assert!(sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(j["taken_in_charge"], true);
    assert_eq!(j["orientation"], Value::Null);
    assert_eq!(j["urgency"], "24h");
    assert_eq!(j["reasons"], serde_json::json!([]));
    // The presentations are extra: the line's other keys are unchanged.
    let mut first = j["prescription"][0].clone();
    let presentations = first
        .as_object_mut()
        .unwrap()
        .remove("presentations")
        .unwrap();
    assert_eq!(presentations[0]["default"], true);
    assert_eq!(
        presentations[0]["text"],
        "2 comprimés de 500 mg par prise, toutes les 6 heures si besoin, au plus 6 comprimés par jour, pendant 5 jours — quantité : 30 comprimés (2 boîtes de 16)"
    );
    assert_eq!(presentations[1]["quantity"], 15.0);
    assert_eq!(presentations[1]["packs"], 2);
    assert_eq!(
        first,
        serde_json::json!({"id": "paracetamol", "dci": "paracétamol", "optional": false, "selected": true,
            "per_dose": {"amount": 1000, "unit": "mg"}, "max_per_day": {"amount": 3000, "unit": "mg"},
            "days": 5, "secure_prescription": false, "replaces": null, "weight_kg": null})
    );
    let ids: Vec<&str> = j["prescription"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "paracetamol",
            "paracetamol_codeine",
            "chlorhexidine",
            "amoxicilline"
        ]
    );
    assert_eq!(j["prescription"][1]["replaces"], "paracetamol");
    assert_eq!(j["prescription"][1]["secure_prescription"], true);
    assert_eq!(j["prescription"][1]["per_dose"]["unit"], "comprimé");
    assert_eq!(j["prescription"][2]["per_dose"]["unit"], "mL");
}

#[test]
fn triage_exclusion_json() {
    let env = TestEnv::new();
    let out = env.run(
        &["triage", "--facts", "-", "--json"],
        r#"{"age_years": 9, "pain_score": 3, "excl.facial_trauma": true}"#,
    );
    let j: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(j["taken_in_charge"], false);
    assert_eq!(j["orientation"], "urgence");
    assert_eq!(j["urgency"], Value::Null);
    assert_eq!(
        j["reasons"],
        // Symptoms were not given: not a reason (the red flag decided).
        serde_json::json!(["excl.facial_trauma", "age_years"])
    );
    assert_eq!(j["prescription"], serde_json::json!([]));
}

#[test]
fn triage_lisible_en_francais() {
    let env = TestEnv::new();
    let out = env.run(&["triage", "--facts", "-"], ABSCESS);
    assert_eq!(out.code, 0);
    assert!(
        out.stdout
            .contains("Décision : PRIS EN CHARGE — Rendez-vous dentaire sous 24 heures"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("Tableau probable : abcès aigu"));
    assert!(out.stdout.contains("[x] amoxicilline"));
    assert!(out.stdout.contains(
        "1\u{a0}000\u{a0}mg par prise, au plus 2\u{a0}000\u{a0}mg par jour, pendant 7 jours"
    ));
    assert!(out.stdout.contains("MODE FORMATION"));
    let out = env.run(
        &["triage", "--facts", "-"],
        r#"{"age_years": 40, "pain_score": 9, "sympt.heat": true}"#,
    );
    assert!(
        out.stdout
            .contains("NON PRIS EN CHARGE — Hors protocole : avis sous 24 heures"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("  - intensité de la douleur (sur 10) : 9"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("pain_score"),
        "reasons in words, not fact ids: {}",
        out.stdout
    );
}

#[test]
fn triage_entrees_invalides_code_2_et_champ_nomme() {
    let env = TestEnv::new();
    let cases = [
        (
            r#"{"age_years": 131, "pain_score": 2}"#,
            "age_years : valeur 131 ans hors limites",
        ),
        (
            r#"{"age_years": 40, "pain_score": 11}"#,
            "pain_score : valeur 11 hors limites",
        ),
        (
            r#"{"age_years": 12, "weight_kg": -4, "pain_score": 2}"#,
            "weight_kg : valeur -4 kg hors limites",
        ),
        (
            r#"{"age_years": "quarante"}"#,
            "age_years : nombre entier attendu, reçu : un texte",
        ),
        (
            r#"{"sympt.abcess": true}"#,
            "sympt.abcess : fait inconnu — vouliez-vous dire « sympt.abscess » ?",
        ),
        (
            r#"{"age_years": 12, "pain_score": 2, "sympt.heat": true}"#,
            "weight_kg : poids obligatoire",
        ),
        (
            r#"{"age_years": 40, "sympt.heat": true}"#,
            "information manquante : pain_score",
        ),
        (
            r#"[1, 2]"#,
            "faits : un objet { … } attendu, reçu : une liste",
        ),
        (r#"{"age_years": 40,"#, "JSON illisible (ligne 1"),
    ];
    for (input, message) in cases {
        let out = env.run(&["triage", "--facts", "-", "--json"], input);
        assert_eq!(out.code, 2, "{input}: {out:?}");
        assert!(out.stdout.is_empty(), "{input}");
        assert!(out.stderr.contains(message), "{input}: {}", out.stderr);
    }
}

#[test]
fn usage_incorrect_code_2() {
    let env = TestEnv::new();
    let out = env.run(&["triage"], "");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--facts"), "{}", out.stderr);
}

#[test]
fn export_du_protocole_integre_puis_validation() {
    let env = TestEnv::new();
    let out = env.run(&["protocol", "export", "--out", "protocole.toml"], "");
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.starts_with("Écrit protocole.toml"),
        "{}",
        out.stdout
    );
    assert_eq!(
        std::fs::read_to_string(env.path("protocole.toml")).unwrap(),
        BUNDLED_TEXT
    );
    let out = env.run(&["protocol", "export", "--out", "-"], "");
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, BUNDLED_TEXT);
    // What a coordinator does next: have it validated, then check it.
    let out = env.run(
        &[
            "protocol",
            "validate",
            "protocole.toml",
            "--name",
            "Dr Claire Exemple",
            "--rpps",
            "10005173140",
            "--date",
            "2026-11-20",
            "--out",
            "valide.toml",
        ],
        "",
    );
    assert_eq!(out.code, 0, "{out:?}");
    let out = env.run(
        &["protocol", "export", "--out", "/dossier/absent/p.toml"],
        "",
    );
    assert_ne!(out.code, 0, "{out:?}");
    assert!(
        !out.stderr.is_empty() && !out.stderr.contains("panicked"),
        "{out:?}"
    );
}
