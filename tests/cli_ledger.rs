//! The ledger commands, in the exact forms scripts and the CPTS office use.

mod common;

use common::*;
use serde_json::{Value, json};

const NOW: &str = "2026-11-23T10:00:00Z";

/// A temp folder with a data folder registered through the CLI itself.
fn registered() -> (TestEnv, String) {
    let env = TestEnv::new();
    let data = env.path("data").to_str().unwrap().to_string();
    let run = |args: &[&str], stdin: &str| {
        let mut a = vec!["--data-dir", data.as_str()];
        a.extend_from_slice(args);
        let out = env.run_env(&a, stdin, &[("PROTOCOOP_NOW", NOW)]);
        assert_eq!(out.code, 0, "{args:?}: {out:?}");
        out
    };
    let out = run(
        &[
            "structure",
            "set",
            "--name",
            "Pharmacie du Marché",
            "--address",
            "2 place du Marché, 79500 Melle",
            "--postal-code",
            "79500",
            "--finess",
            "790000013",
            "--phone",
            "05 49 00 00 00",
        ],
        "",
    );
    assert!(
        out.stderr
            .contains("la clé du numéro FINESS ne correspond pas"),
        "a bad FINESS key is a warning: {out:?}"
    );
    run(
        &[
            "professional",
            "add",
            "--role",
            "delegue",
            "--name",
            "Marie Durand",
            "--rpps",
            DELEGUE,
            "--profession",
            "pharmacien",
            "--trained-on",
            "2026-01-15",
            "--pin-stdin",
        ],
        "274915\n",
    );
    run(
        &[
            "professional",
            "add",
            "--role",
            "delegant",
            "--name",
            "Dr Claire Exemple",
            "--rpps",
            DELEGANT,
            "--address",
            "1 rue des Dentistes, 79500 Melle",
            "--phone",
            "05 49 11 11 11",
        ],
        "",
    );
    (env, data)
}

fn cli(env: &TestEnv, data: &str, args: &[&str], stdin: &str) -> Output {
    let mut a = vec!["--data-dir", data];
    a.extend_from_slice(args);
    env.run_env(&a, stdin, &[("PROTOCOOP_NOW", NOW)])
}

fn entries(env: &TestEnv, data: &str) -> u64 {
    let out = cli(env, data, &["verify", "--json"], "");
    serde_json::from_str::<Value>(&out.stdout).unwrap()["entries"]
        .as_u64()
        .unwrap()
}

#[test]
fn enregistrement_lecture_liste_json() {
    let (env, data) = registered();
    let input = abscess_input(json!({}));
    let out = cli(
        &env,
        &data,
        &["act", "record", "--input", "-", "--pin-stdin", "--json"],
        &format!("274915\n{input}"),
    );
    assert_eq!(out.code, 0, "{out:?}");
    let r: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(r["number"], "2026-0001");
    assert_eq!(
        r["seq"], 5,
        "after genesis, structure, délégué and délégant"
    );
    assert_eq!(r["id"].as_str().unwrap().len(), 16);
    assert_eq!(r["hash"].as_str().unwrap().len(), 64);

    // --input FILE with the PIN alone on stdin.
    // Another patient: the same one again would be a repeat visit.
    env.write("acte.json", &abscess_for(1, json!({})));
    let out = cli(
        &env,
        &data,
        &["act", "record", "--input", "acte.json", "--pin-stdin"],
        "274915\n",
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .starts_with("Acte 2026-0002 enregistré (entrée 6, code de vérification "),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("MODE FORMATION"));

    let show = cli(&env, &data, &["act", "show", "2026-0001", "--json"], "");
    let v: Value = serde_json::from_str(&show.stdout).unwrap();
    assert_eq!(v["act"]["id"], r["id"]);
    assert_eq!(v["act"]["patient"]["last_name"], "Martin");
    assert_eq!(v["act"]["delegant"]["name"], "Dr Claire Exemple");
    assert_eq!(v["status"]["state"], "valid");
    assert_eq!(v["hash"], r["hash"]);
    let show = cli(&env, &data, &["act", "show", r["id"].as_str().unwrap()], "");
    assert!(
        show.stdout
            .contains("Patient : MARTIN Paul, né(e) le 02/03/1986, 40 ans, 78 kg"),
        "{}",
        show.stdout
    );
    assert!(
        show.stdout
            .contains("Délégant : Dr Claire Exemple (RPPS 10000000009)")
    );

    let list = cli(
        &env,
        &data,
        &["act", "list", "--month", "2026-11", "--json"],
        "",
    );
    let l: Value = serde_json::from_str(&list.stdout).unwrap();
    assert_eq!(l.as_array().unwrap().len(), 2);
    let list = cli(
        &env,
        &data,
        &["act", "list", "--month", "2026-10", "--json"],
        "",
    );
    assert_eq!(list.stdout.trim(), "[]");

    let pros = cli(&env, &data, &["professional", "list", "--json"], "");
    assert!(
        !pros.stdout.contains("argon2"),
        "the PIN hash never leaves the ledger"
    );
    let p: Value = serde_json::from_str(&pros.stdout).unwrap();
    assert_eq!(p[0]["role"], "delegue");
    assert_eq!(p[0]["trained_on"], "2026-01-15");
    assert_eq!(p[1]["role"], "delegant");
    assert_eq!(cli(&env, &data, &["verify"], "").code, 0);
}

#[test]
fn refus_code_3_saisie_invalide_code_2_et_rien_d_ecrit() {
    let (env, data) = registered();
    let before = entries(&env, &data);
    let cases: Vec<(String, &str, i32, &str)> = vec![
        (
            abscess_input(
                json!({"lines": ["paracetamol", "ibuprofene", "chlorhexidine", "amoxicilline"]}),
            ),
            "274915",
            3,
            "la ligne « ibuprofene » n'est pas proposée",
        ),
        (
            abscess_input(json!({"delegant_rpps": "10000000017"})),
            "274915",
            3,
            "délégant inconnu (RPPS 10000000017)",
        ),
        (
            abscess_input(json!({"facts": {"age_years": 39}})),
            "274915",
            3,
            "ne correspond pas aux faits (39 ans)",
        ),
        (
            abscess_input(json!({})),
            "9999",
            3,
            "code PIN incorrect — encore 4 essais",
        ),
        (
            abscess_input(json!({"patient": {"sex": "H"}})),
            "274915",
            2,
            "patient.sex : « H » : F ou M attendu",
        ),
        (
            abscess_input(json!({"facts": {"pain_score": "six"}})),
            "274915",
            2,
            "pain_score : nombre entier attendu",
        ),
        (
            "{ pas du json".into(),
            "274915",
            2,
            "acte : JSON illisible (ligne 1",
        ),
        (
            abscess_input(json!({})),
            "12",
            2,
            "PIN : un code PIN a de 4 à 12 chiffres",
        ),
    ];
    for (input, pin, code, message) in cases {
        let out = cli(
            &env,
            &data,
            &["act", "record", "--input", "-", "--pin-stdin"],
            &format!("{pin}\n{input}"),
        );
        assert_eq!(out.code, code, "{message}: {out:?}");
        assert!(out.stderr.contains(message), "{message}: {}", out.stderr);
        assert!(out.stdout.is_empty());
    }
    let out = cli(
        &env,
        &data,
        &["act", "record", "--input", "-"],
        &abscess_input(json!({})),
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--pin-stdin"), "{}", out.stderr);
    // Nothing written by the refusals but the sign-ins' own entries, in
    // the chained log so that they cannot be erased: the wrong PIN, and
    // the right PIN after it (the failures stop counting).
    let wrong_pins = 2;
    assert_eq!(
        entries(&env, &data),
        before + wrong_pins,
        "nothing else written by refusals"
    );
}

#[test]
fn cinq_pin_faux_verrouillent_puis_deverrouillage_apres_cinq_minutes() {
    let (env, data) = registered();
    let input = abscess_input(json!({}));
    let record = |pin: &str, now: &str| {
        env.run_env(
            &[
                "--data-dir",
                &data,
                "act",
                "record",
                "--input",
                "-",
                "--pin-stdin",
            ],
            &format!("{pin}\n{input}"),
            &[("PROTOCOOP_NOW", now)],
        )
    };
    for _ in 0..4 {
        assert_eq!(record("0000", NOW).code, 3);
    }
    let out = record("0000", NOW);
    assert!(
        out.stderr
            .contains("trop d'essais de code PIN : verrouillé jusqu'à 23/11/2026 à 11:05"),
        "{}",
        out.stderr
    );
    let out = record("274915", "2026-11-23T10:04:00Z");
    assert_eq!(out.code, 3);
    assert!(out.stderr.contains("verrouillé"), "{}", out.stderr);
    assert_eq!(record("274915", "2026-11-23T10:05:30Z").code, 0);
}

#[test]
fn suivis_annulation_et_cloture() {
    let (env, data) = registered();
    let input = abscess_input(json!({}));
    assert_eq!(
        cli(
            &env,
            &data,
            &["act", "record", "--input", "-", "--pin-stdin"],
            &format!("274915\n{input}")
        )
        .code,
        0
    );
    let ok = |args: &[&str], stdin: &str| {
        let out = cli(&env, &data, args, stdin);
        assert_eq!(out.code, 0, "{args:?}: {out:?}");
        out
    };
    ok(
        &[
            "followup",
            "add",
            "--by",
            DELEGUE,
            "--pin-stdin",
            "--act",
            "2026-0001",
            "--kind",
            "reprise",
            "--text",
            "reprise au cabinet",
        ],
        "274915\n",
    );
    ok(
        &[
            "followup",
            "add",
            "--by",
            DELEGUE,
            "--pin-stdin",
            "--act",
            "2026-0001",
            "--kind",
            "adverse-event",
            "--severity",
            "moderee",
            "--nature",
            "allergie",
            "--text",
            "urticaire",
        ],
        "274915\n",
    );
    ok(
        &[
            "followup",
            "add",
            "--by",
            DELEGUE,
            "--pin-stdin",
            "--act",
            "2026-0001",
            "--kind",
            "satisfaction-patient",
            "--score",
            "5",
        ],
        "274915\n",
    );
    ok(
        &[
            "followup",
            "add",
            "--by",
            DELEGUE,
            "--pin-stdin",
            "--act",
            "2026-0001",
            "--kind",
            "professional-satisfaction",
            "--score",
            "4",
        ],
        "274915\n",
    );
    let bad = [
        (vec!["--kind", "evenement-indesirable"], "--severity"),
        (
            vec!["--kind", "adverse-event", "--severity", "terrible"],
            "--severity",
        ),
        (
            vec![
                "--kind",
                "adverse-event",
                "--severity",
                "grave",
                "--nature",
                "magie",
            ],
            "--nature",
        ),
        (vec!["--kind", "patient-satisfaction"], "--score"),
        (
            vec!["--kind", "patient-satisfaction", "--score", "0"],
            "--score",
        ),
    ];
    for (args, field) in bad {
        let mut a = vec![
            "followup",
            "add",
            "--act",
            "2026-0001",
            "--by",
            DELEGUE,
            "--pin-stdin",
        ];
        a.extend(args);
        let out = cli(&env, &data, &a, "274915\n");
        assert_eq!(out.code, 2, "{out:?}");
        assert!(out.stderr.contains(field), "{}", out.stderr);
    }
    let out = cli(
        &env,
        &data,
        &[
            "act",
            "void",
            "2026-0001",
            "--by",
            DELEGUE,
            "--reason",
            "saisie en double",
            "--pin-stdin",
        ],
        "0000\n",
    );
    assert_eq!(out.code, 3, "a wrong PIN cannot void");
    let out = ok(
        &[
            "act",
            "void",
            "2026-0001",
            "--by",
            DELEGUE,
            "--reason",
            "saisie en double",
            "--pin-stdin",
        ],
        "274915\n",
    );
    assert!(
        out.stdout.contains("Acte 2026-0001 annulé"),
        "{}",
        out.stdout
    );
    let v: Value =
        serde_json::from_str(&ok(&["act", "show", "2026-0001", "--json"], "").stdout).unwrap();
    assert_eq!(v["status"]["state"], "void");
    assert_eq!(v["status"]["reason"], "saisie en double");
    assert_eq!(v["followups"].as_array().unwrap().len(), 5);
    let out = cli(
        &env,
        &data,
        &[
            "followup",
            "add",
            "--act",
            "2026-0001",
            "--by",
            DELEGUE,
            "--pin-stdin",
            "--kind",
            "reprise",
        ],
        "274915\n",
    );
    assert_eq!(out.code, 3);
    assert!(
        out.stderr.contains("l'acte 2026-0001 est annulé"),
        "{}",
        out.stderr
    );

    let out = cli(&env, &data, &["close", "--month", "2026-11"], "");
    assert_eq!(out.code, 3);
    assert!(
        out.stderr.contains("novembre 2026 n'est pas terminé"),
        "{}",
        out.stderr
    );
    let out = env.run_env(
        &["--data-dir", &data, "close", "--month", "2026-11"],
        "",
        &[("PROTOCOOP_NOW", "2026-12-01T07:00:00Z")],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.starts_with("Novembre 2026 clôturé"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("dont 0 dépistage compté"),
        "the void act is not counted: {}",
        out.stdout
    );
    let out = cli(&env, &data, &["close", "--month", "2026-13"], "");
    assert_eq!(out.code, 2);
}

#[test]
fn dossier_de_donnees_par_variable_d_environnement_et_lecture_sans_creation() {
    let env = TestEnv::new();
    let data = env.path("via-env");
    let out = env.run_env(
        &["verify"],
        "",
        &[("PROTOCOOP_DATA_DIR", data.to_str().unwrap())],
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("dossier de données introuvable"),
        "{}",
        out.stderr
    );
    assert!(!data.exists(), "read commands never create a ledger");
    let out = env.run_env(
        &[
            "structure",
            "set",
            "--name",
            "Cabinet infirmier",
            "--address",
            "Lezay",
            "--postal-code",
            "79120",
        ],
        "",
        &[("PROTOCOOP_DATA_DIR", data.to_str().unwrap())],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(data.join("ledger.sqlite").exists());
}

#[test]
fn enregistrement_des_professionnels_saisies_invalides() {
    let env = TestEnv::new();
    let d = env.path("d");
    let d = d.to_str().unwrap();
    let cases: Vec<(Vec<&str>, &str, &str)> = vec![
        (
            vec![
                "--role",
                "delegue",
                "--name",
                "A B",
                "--rpps",
                "10005173141",
                "--profession",
                "pharmacien",
                "--trained-on",
                "2026-01-01",
                "--pin-stdin",
            ],
            "274915\n",
            "--rpps : RPPS « 10005173141 » invalide",
        ),
        (
            vec![
                "--role",
                "delegue",
                "--name",
                "A B",
                "--rpps",
                DELEGUE,
                "--trained-on",
                "2026-01-01",
                "--pin-stdin",
            ],
            "274915\n",
            "--profession",
        ),
        (
            vec![
                "--role",
                "delegue",
                "--name",
                "A B",
                "--rpps",
                DELEGUE,
                "--profession",
                "infirmier",
                "--trained-on",
                "2026-01-01",
            ],
            "",
            "--pin-stdin",
        ),
        (
            vec![
                "--role",
                "delegue",
                "--name",
                "A B",
                "--rpps",
                DELEGUE,
                "--profession",
                "infirmier",
                "--trained-on",
                "2026-01-01",
                "--pin-stdin",
            ],
            "12ab\n",
            "de 6 à 12 chiffres",
        ),
        (
            vec!["--role", "delegant", "--name", "  ", "--rpps", DELEGANT],
            "",
            "--name : champ obligatoire",
        ),
    ];
    for (args, stdin, message) in cases {
        let mut a = vec!["--data-dir", d, "professional", "add"];
        a.extend(args);
        let out = env.run(&a, stdin);
        assert_eq!(out.code, 2, "{message}: {out:?}");
        assert!(out.stderr.contains(message), "{message}: {}", out.stderr);
    }
    let out = env.run(
        &[
            "--data-dir",
            d,
            "structure",
            "set",
            "--name",
            "X",
            "--address",
            "Y",
            "--postal-code",
            "7912",
        ],
        "",
    );
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--postal-code"), "{}", out.stderr);
}

/// The kiosk and the command line apply the same rule: a délégué may be
/// registered before her training, and can record nothing until then.
#[test]
fn un_delegue_sans_date_de_formation_est_enregistre_mais_ne_peut_rien_faire() {
    let (env, data) = registered();
    let d = data.as_str();
    let out = env.run(
        &[
            "--data-dir",
            d,
            "professional",
            "add",
            "--role",
            "delegue",
            "--name",
            "Luc Bernard",
            "--rpps",
            "10000000017",
            "--profession",
            "infirmier",
            "--pin-stdin",
        ],
        "739164\n",
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("Aucune date de formation"),
        "{}",
        out.stdout
    );
    let list = env.run(&["--data-dir", d, "professional", "list"], "");
    assert!(list.stdout.contains("non formé"), "{}", list.stdout);
    let input = abscess_input(json!({"delegue_rpps": "10000000017"}));
    let file = env.write("acte-luc.json", &input);
    let out = env.run(
        &[
            "--data-dir",
            d,
            "act",
            "record",
            "--input",
            file.to_str().unwrap(),
            "--pin-stdin",
        ],
        "739164\n",
    );
    assert_ne!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("formation"), "{}", out.stderr);
}

#[test]
fn une_cloture_dit_ce_qu_elle_couvre_et_un_refus_sa_vraie_raison() {
    let (env, data) = registered();
    let input = abscess_input(json!({}));
    let at = |now: &str, args: &[&str], stdin: &str| {
        let mut a = vec!["--data-dir", data.as_str()];
        a.extend_from_slice(args);
        env.run_env(&a, stdin, &[("PROTOCOOP_NOW", now)])
    };
    let file = env.write("acte.json", &input);
    let out = at(
        NOW,
        &[
            "act",
            "record",
            "--input",
            file.to_str().unwrap(),
            "--pin-stdin",
        ],
        &format!("{PIN}\n"),
    );
    assert_eq!(out.code, 0, "{out:?}");
    // November closed first: its window is every entry so far.
    let out = at("2026-12-02T09:00:00Z", &["close", "--month", "2026-11"], "");
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.starts_with("Novembre 2026 clôturé"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains(": 1 acte du mois"), "{}", out.stdout);
    assert!(
        out.stdout.contains("La clôture scelle les entrées 1 à "),
        "{}",
        out.stdout
    );
    // October, never closed, can no longer be: said as such.
    let out = at("2026-12-02T09:00:00Z", &["close", "--month", "2026-10"], "");
    assert_eq!(out.code, 3, "{out:?}");
    assert!(
        out.stderr
            .contains("le mois 2026-10 ne peut plus être clôturé")
            && out
                .stderr
                .contains("2026-11, plus récent, est déjà clôturé"),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains("est déjà clôturé) est déjà"),
        "{}",
        out.stderr
    );
    // December, with nothing new since November's closure, says so.
    let out = at("2027-01-02T09:00:00Z", &["close", "--month", "2026-12"], "");
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("0 acte du mois")
            && out
                .stdout
                .contains("aucune entrée nouvelle depuis la clôture précédente"),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains(" à 1"),
        "no backwards window: {}",
        out.stdout
    );
}

#[test]
fn un_suivi_saisi_par_erreur_se_corrige_par_une_nouvelle_entree() {
    let (env, data) = registered();
    let input = abscess_input(json!({}));
    let record = cli(
        &env,
        &data,
        &["act", "record", "--input", "-", "--pin-stdin"],
        &format!("274915\n{input}"),
    );
    assert_eq!(record.code, 0, "{record:?}");
    let add = |extra: &[&str]| {
        let mut a = vec![
            "followup",
            "add",
            "--by",
            DELEGUE,
            "--pin-stdin",
            "--act",
            "2026-0001",
        ];
        a.extend_from_slice(extra);
        cli(&env, &data, &a, "274915\n")
    };
    let entry = |out: &Output| -> String {
        assert_eq!(out.code, 0, "{out:?}");
        let (_, rest) = out.stdout.split_once("(entrée ").unwrap();
        rest.trim_end_matches(").\n").to_string()
    };
    let wrong = entry(&add(&["--kind", "satisfaction-patient", "--score", "2"]));

    let before = entries(&env, &data);
    for (args, says) in [
        (
            vec!["--kind", "correction", "--text", "mauvaise note"],
            "--corrects",
        ),
        (
            vec!["--kind", "correction", "--corrects", &wrong],
            "le motif de la correction est obligatoire",
        ),
        (
            vec!["--kind", "reprise", "--corrects", &wrong],
            "seule une correction (--kind correction) nomme un suivi à retirer",
        ),
        (
            vec!["--kind", "correction", "--corrects", "999", "--text", "x"],
            "l'acte 2026-0001 n'a pas de suivi à l'entrée 999",
        ),
    ] {
        let out = add(&args);
        assert_eq!(out.code, 2, "{args:?}: {out:?}");
        assert!(out.stderr.contains(says), "{args:?}: {}", out.stderr);
    }
    assert_eq!(entries(&env, &data), before, "nothing written when refused");

    let fixed = entry(&add(&[
        "--kind",
        "correction",
        "--corrects",
        &wrong,
        "--text",
        "mauvaise note",
    ]));
    let show = cli(&env, &data, &["act", "show", "2026-0001"], "");
    assert_eq!(show.code, 0, "{show:?}");
    assert!(
        show.stdout.contains(&format!(
            "(entrée {wrong}) : satisfaction du patient : 2/5 (retiré par la correction de l'entrée {fixed})"
        )),
        "{}",
        show.stdout
    );
    assert!(
        show.stdout.contains(&format!(
            "(entrée {fixed}) : correction d'un suivi : « satisfaction du patient : 2/5 » retiré — mauvaise note"
        )),
        "{}",
        show.stdout
    );
}
