//! The real binary against the inputs that once recorded what nobody meant,
//! crashed or stalled it: each is refused with its exit code and a French
//! message naming the problem, and nothing already recorded changes.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};

use common::*;
use serde_json::{Value, json};

const NOW: &str = "2026-11-23T10:00:00Z";

/// A data folder with the usual structure, délégués and délégant.
fn device() -> (TestEnv, String) {
    let env = TestEnv::new();
    let data = env.path("data");
    drop(setup_ledger(&data, t(NOW)));
    let data = data.to_str().unwrap().to_string();
    (env, data)
}

fn cli(env: &TestEnv, data: &str, args: &[&str], stdin: &str) -> Output {
    let mut a = vec!["--data-dir", data];
    a.extend_from_slice(args);
    env.run_env(&a, stdin, &[("PROTOCOOP_NOW", NOW)])
}

/// What must not change when a command is refused: the entries, the head
/// and the files of the data folder.
#[derive(Debug, PartialEq)]
struct Recorded {
    entries: u64,
    head: String,
    files: Vec<String>,
}

fn recorded(env: &TestEnv, data: &str) -> Recorded {
    let out = cli(env, data, &["verify", "--json"], "");
    assert_eq!(out.code, 0, "{out:?}");
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let mut files: Vec<String> = std::fs::read_dir(data)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with("-shm") && !n.ends_with("-wal"))
        .collect();
    files.sort();
    Recorded {
        entries: v["entries"].as_u64().unwrap(),
        head: v["head"]["hash"].as_str().unwrap_or("").to_string(),
        files,
    }
}

/// Runs a command that must be refused with `code` and `message`, and
/// checks that nothing was recorded.
fn refused(env: &TestEnv, data: &str, args: &[&str], stdin: &str, code: i32, message: &str) {
    let before = recorded(env, data);
    let out = cli(env, data, args, stdin);
    assert_eq!(out.code, code, "{args:?}: {out:?}");
    assert!(out.stderr.contains(message), "{args:?}: {}", out.stderr);
    assert!(out.stderr.starts_with("erreur : "), "{}", out.stderr);
    assert_eq!(recorded(env, data), before, "{args:?} changed the ledger");
}

fn record(env: &TestEnv, data: &str, input: &str, code: i32, message: &str) {
    refused(
        env,
        data,
        &["act", "record", "--input", "-", "--pin-stdin"],
        &format!("{PIN}\n{input}"),
        code,
        message,
    );
}

#[test]
fn enregistrer_exige_une_reponse_explicite_a_chaque_question() {
    let (env, data) = device();
    let partial = json!({
        "patient": {"last_name": "Martin", "first_name": "Paul", "birth_date": "1986-03-02",
                    "sex": "M", "postal_code": "79500"},
        "facts": {"pain_score": 6, "sympt.abscess": true},
        "delegue_rpps": DELEGUE, "delegant_rpps": DELEGANT,
        "lines": ["paracetamol", "chlorhexidine", "amoxicilline"]
    });
    let before = recorded(&env, &data);
    let out = cli(
        &env,
        &data,
        &["act", "record", "--input", "-", "--pin-stdin"],
        &format!("{PIN}\n{partial}"),
    );
    assert_eq!(out.code, 2, "{out:?}");
    for fact in [
        "excl.eye_swelling",
        "excl.haemorrhage",
        "temperature_c",
        "excl.anticoagulant",
        "sympt.heat",
    ] {
        assert!(out.stderr.contains(fact), "{fact} named: {}", out.stderr);
    }
    // A man is not asked about pregnancy (ask_when = "sex == F").
    assert!(!out.stderr.contains("pregnant"), "{}", out.stderr);
    assert!(out.stderr.contains("réponses manquantes"), "{}", out.stderr);
    assert_eq!(recorded(&env, &data), before);

    // `triage` explores with defaults, and says which it assumed.
    let facts = r#"{"age_years": 40, "pain_score": 6, "sympt.abscess": true}"#;
    let out = env.run(&["triage", "--facts", "-"], facts);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("supposés « non »"), "{}", out.stdout);
    assert!(out.stdout.contains("excl.eye_swelling"), "{}", out.stdout);
    let out = env.run(&["triage", "--facts", "-", "--json"], facts);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    let assumed: Vec<&str> = v["assumed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert!(assumed.contains(&"excl.eye_swelling"), "{assumed:?}");
    assert!(!assumed.contains(&"sympt.abscess"), "given, not assumed");
    // Everything answered: nothing assumed.
    let mut all = all_no();
    all["age_years"] = json!(40);
    all["pain_score"] = json!(6);
    all["sympt.abscess"] = json!(true);
    let out = env.run(&["triage", "--facts", "-", "--json"], &all.to_string());
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["assumed"], json!([]), "{}", out.stdout);
}

#[test]
fn les_nombres_sont_pris_exactement_ou_refuses() {
    let (env, data) = device();
    let cases: Vec<(String, &str)> = vec![
        (
            abscess_input(json!({"facts": {"temperature_c": 38.5004}})),
            "temperature_c : « 38.5004 » a trop de décimales",
        ),
        (
            abscess_input(json!({"facts": {"temperature_c": 38.55}})),
            "temperature_c : « 38.55 » a trop de décimales : au plus 1 décimale",
        ),
        (
            abscess_input(json!({"facts": {"pain_score": 2305843009213693956u64}})),
            "pain_score : valeur 2305843009213693956 hors limites",
        ),
        (
            abscess_input(json!({"patient": {"weight_kg": 78.00001}})),
            "patient.weight_kg",
        ),
        (
            abscess_input(json!({"facts": {"pain_score": 6.5}})),
            "pain_score",
        ),
        (
            abscess_input(json!({})).replace("\"pain_score\":6", "\"pain_score\":NaN"),
            "NaN et Infinity ne sont pas des nombres JSON",
        ),
        (
            abscess_input(json!({})).replace("\"pain_score\":6", "\"pain_score\":Infinity"),
            "pain_score : JSON illisible",
        ),
        (
            abscess_input(json!({}))
                .replace("\"pain_score\":6", "\"pain_score\":6,\"pain_score\":2"),
            "« pain_score » est donné deux fois",
        ),
        (
            "[1, 2]".into(),
            "acte : un objet { … } attendu, reçu : une liste",
        ),
        ("".into(), "acte : document vide"),
    ];
    for (input, message) in &cases {
        record(&env, &data, input, 2, message);
    }
    // The exact threshold still works, and a byte-order mark is welcome.
    let ok = format!(
        "{PIN}\n\u{feff}{}",
        abscess_input(json!({"facts": {"temperature_c": 38.5}}))
    );
    let out = cli(
        &env,
        &data,
        &["act", "record", "--input", "-", "--pin-stdin"],
        &ok,
    );
    assert_eq!(out.code, 0, "{out:?}");

    // 38.50000000000000001 °C is above 38.5: never read as 38.5.
    let out = env.run(
        &["triage", "--facts", "-"],
        r#"{"age_years": 40, "pain_score": 6, "sympt.abscess": true, "temperature_c": 38.50000000000000001}"#,
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("temperature_c"), "{}", out.stderr);

    // A protocol must say the precision of its numbers.
    let text = protocoop::protocol::BUNDLED_TEXT.replacen("decimals = 1\n", "", 1);
    let path = env.write("sans-decimales.toml", &text);
    let out = env.run(&["protocol", "check", path.to_str().unwrap()], "");
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("« decimals »"), "{}", out.stderr);
}

#[test]
fn un_protocole_hostile_est_refuse_sans_plantage() {
    let env = TestEnv::new();
    let base = protocoop::protocol::BUNDLED_TEXT;
    let adult = "adult_when = \"age_years >= 15";
    assert!(base.contains(adult));
    let check = |name: &str, text: String| {
        let path = env.write(name, &text);
        env.run(&["protocol", "check", path.to_str().unwrap()], "")
    };
    let out = check(
        "ge.toml",
        base.replacen(adult, "adult_when = \"age_years ≥ 15", 1),
    );
    assert_eq!(out.code, 0, "≥ is accepted: {out:?}");
    for (name, text) in [
        (
            "parentheses.toml",
            base.replacen(
                adult,
                &format!("adult_when = \"{}age_years >= 15", "(".repeat(9_870)),
                1,
            ),
        ),
        (
            "not.toml",
            base.replacen(
                adult,
                &format!("adult_when = \"{}age_years >= 15", "not ".repeat(100_000)),
                1,
            ),
        ),
        (
            "accent.toml",
            base.replacen(adult, "adult_when = \"âge_years >= 15", 1),
        ),
        (
            "unicode.toml",
            base.replacen(adult, "adult_when = \"age_years >= 1é5", 1),
        ),
        (
            "echappement.toml",
            base.replacen(adult, "adult_when = \"age_years \\u2265 15 é", 1),
        ),
    ] {
        let out = check(name, text);
        assert_eq!(out.code, 1, "{name}: {out:?}");
        assert!(
            out.stderr.contains(&format!("{name}:")),
            "{name}: position named: {}",
            out.stderr
        );
    }
    let out = check("gros.toml", "# x\n".repeat(400_000));
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("trop volumineux"), "{}", out.stderr);
}

#[test]
fn un_registre_etranger_ou_abime_est_refuse_en_francais_sans_etre_modifie() {
    let future = protocoop::ledger::schema::LATEST + 1;
    for (version, tables) in [
        (-1i64, true),
        (0, true),
        (2, true),
        (future, true),
        (4, false),
    ] {
        let (env, data) = device();
        let db = Path::new(&data).join("ledger.sqlite");
        {
            let c = common::open_db(&db);
            if !tables {
                c.execute_batch("DROP TABLE followups; DROP TABLE acts;")
                    .unwrap();
            }
            c.pragma_update(None, "user_version", version).unwrap();
        }
        let bytes = std::fs::read(&db).unwrap();
        let out = cli(&env, &data, &["act", "list"], "");
        assert_eq!(out.code, 4, "v{version}: {out:?}");
        assert!(
            out.stderr.contains("registre") && !out.stderr.contains("already exists"),
            "v{version}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
        assert_eq!(
            std::fs::read(&db).unwrap(),
            bytes,
            "v{version}: the file was changed"
        );
    }
    // Not a database at all.
    let env = TestEnv::new();
    let data = env.path("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("ledger.sqlite"), "ceci n'est pas un registre").unwrap();
    let out = env.run(&["--data-dir", data.to_str().unwrap(), "verify"], "");
    assert_eq!(out.code, 4, "{out:?}");
    assert!(
        out.stderr.contains("n'est pas un registre protocoop"),
        "{}",
        out.stderr
    );
}

#[test]
fn une_empreinte_de_mauvaise_longueur_est_signalee_par_verify() {
    let (env, data) = device();
    {
        let c = common::open_db(&Path::new(&data).join("ledger.sqlite"));
        c.execute_batch(
            "DROP TRIGGER entries_no_update;
             UPDATE entries SET hash = x'0102030405' WHERE seq = 3;",
        )
        .unwrap();
    }
    let out = cli(&env, &data, &["verify"], "");
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout.contains("entrée 3") || out.stderr.contains("entrée 3"),
        "{out:?}"
    );
    assert!(
        format!("{}{}", out.stdout, out.stderr).contains("empreinte stockée de 5 octets"),
        "{out:?}"
    );
}

#[test]
fn les_textes_libres_ont_une_longueur_et_des_caracteres_controles() {
    let (env, data) = device();
    let structure = |name: &str| {
        vec![
            "structure".to_string(),
            "set".into(),
            "--name".into(),
            name.to_string(),
            "--address".into(),
            "2 place du Marché, 79500 Melle".into(),
            "--postal-code".into(),
            "79500".into(),
        ]
    };
    for (name, message) in [
        (
            "M".repeat(100_000),
            "--name : texte trop long : 100000 caractères, au plus 80",
        ),
        (
            "Pharmacie\u{1b}[2J".to_string(),
            "--name : caractère de contrôle refusé",
        ),
        (
            "Pharmacie \u{202E}ehcram".to_string(),
            "--name : caractère de contrôle du sens d'écriture refusé",
        ),
        (
            "Phar\u{200B}macie".to_string(),
            "--name : caractère invisible refusé",
        ),
    ] {
        let args = structure(&name);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        refused(&env, &data, &args, "", 2, message);
    }
    refused(
        &env,
        &data,
        &[
            "professional",
            "add",
            "--role",
            "delegue",
            "--name",
            "Anne Futur",
            "--rpps",
            "10000000033",
            "--profession",
            "infirmier",
            "--trained-on",
            "2027-01-01",
            "--pin-stdin",
        ],
        "274915\n",
        2,
        "--trained-on : la formation doit avoir eu lieu",
    );
    record(
        &env,
        &data,
        &abscess_input(json!({"patient": {"last_name": "Mar\u{202E}tin"}})),
        2,
        "patient.last_name : caractère de contrôle du sens d'écriture refusé",
    );
    let out = cli(
        &env,
        &data,
        &["act", "record", "--input", "-", "--pin-stdin"],
        &format!("{PIN}\n{}", abscess_input(json!({}))),
    );
    assert_eq!(out.code, 0, "{out:?}");
    refused(
        &env,
        &data,
        &[
            "act",
            "void",
            "2026-0001",
            "--by",
            DELEGUE,
            "--reason",
            &"x".repeat(501),
            "--pin-stdin",
        ],
        "274915\n",
        2,
        "--reason : texte trop long",
    );
    refused(
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
            "--text",
            "a\u{1b}]0;b",
        ],
        "274915\n",
        2,
        "--text : caractère de contrôle refusé",
    );
}

#[test]
fn un_nom_ancien_avec_une_sequence_d_echappement_ne_pilote_pas_le_terminal() {
    let env = TestEnv::new();
    let data = env.path("data");
    let mut l = setup_ledger(&data, t(NOW));
    // A record written before names were checked.
    l.add_professional(&protocoop::registry::ProfessionalRecord::Delegant(
        protocoop::registry::DelegantRecord {
            v: 1,
            rpps: rpps("10000000041"),
            name: "Dr \u{1b}[2JEfface".into(),
            address: None,
            phone: None,
            active: true,
            recorded_at: t(NOW),
            profession: Default::default(),
        },
    ))
    .unwrap();
    drop(l);
    let out = cli(&env, data.to_str().unwrap(), &["professional", "list"], "");
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!out.stdout.contains('\u{1b}'), "{:?}", out.stdout);
    assert!(
        out.stdout.contains("Dr \u{FFFD}[2JEfface"),
        "{:?}",
        out.stdout
    );
}

#[test]
fn une_commande_qui_echoue_n_ecrit_rien() {
    let (env, data) = device();
    // A month with an act, then a report aimed at a folder: nothing closed.
    let out = cli(
        &env,
        &data,
        &["act", "record", "--input", "-", "--pin-stdin"],
        &format!(
            "{PIN}\n{}",
            abscess_input(json!({"occurred_at": "2026-10-20T10:00:00Z"}))
        ),
    );
    assert_eq!(out.code, 0, "{out:?}");
    let folder = env.path("un-dossier");
    std::fs::create_dir(&folder).unwrap();
    let folder = folder.to_str().unwrap().to_string();
    refused(
        &env,
        &data,
        &[
            "report", "--month", "2026-10", "--format", "json", "--out", &folder,
        ],
        "",
        4,
        "c'est un dossier, pas un fichier",
    );
    let missing = env.path("pas-de-dossier/r.json");
    refused(
        &env,
        &data,
        &[
            "report",
            "--month",
            "2026-10",
            "--format",
            "json",
            "--out",
            missing.to_str().unwrap(),
        ],
        "",
        4,
        "introuvable",
    );
    refused(
        &env,
        &data,
        &["prescription", "--act", "2026-0001", "--out", &folder],
        "",
        4,
        "c'est un dossier, pas un fichier",
    );

    // A mistyped data folder is never created.
    let typo = env.path("dta");
    let out = env.run_env(
        &[
            "--data-dir",
            typo.to_str().unwrap(),
            "act",
            "record",
            "--input",
            "-",
            "--pin-stdin",
        ],
        &format!("{PIN}\n{}", abscess_input(json!({}))),
        &[("PROTOCOOP_NOW", NOW)],
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("dossier de données introuvable"),
        "{}",
        out.stderr
    );
    assert!(!typo.exists(), "the mistyped folder was created");
    for args in [
        vec!["verify"],
        vec!["act", "list"],
        vec!["close", "--month", "2026-10"],
    ] {
        let mut a = vec!["--data-dir", typo.to_str().unwrap()];
        a.extend(args);
        let out = env.run(&a, "");
        assert_eq!(out.code, 2, "{out:?}");
        assert!(!typo.exists());
    }

    // The kiosk without a screen: a French message, nothing created.
    let kiosk_dir = env.path("kiosque");
    let out = Command::new(env!("CARGO_BIN_EXE_protocoop"))
        .env("PROTOCOOP_PASSPHRASE", DEVICE_PASSPHRASE)
        .args(["--data-dir", kiosk_dir.to_str().unwrap()])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("aucun écran graphique"), "{stderr}");
    assert!(
        !kiosk_dir.exists(),
        "the kiosk created its data folder without a window"
    );
}

#[test]
fn une_sortie_fermee_termine_proprement() {
    let (_env, data) = device();
    let env = TestEnv::new();
    // `act list --json | head -1`: the reader leaves after one line.
    for n in 0..3 {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_protocoop"));
        cmd.env("PROTOCOOP_PASSPHRASE", DEVICE_PASSPHRASE);
        cmd.args([
            "--data-dir",
            &data,
            "act",
            "record",
            "--input",
            "-",
            "--pin-stdin",
        ])
        .env("PROTOCOOP_NOW", NOW)
        .stdin(Stdio::piped())
        .stdout(Stdio::null());
        let mut child = cmd.spawn().unwrap();
        std::io::Write::write_all(
            child.stdin.as_mut().unwrap(),
            format!("{PIN}\n{}", abscess_for(n, json!({}))).as_bytes(),
        )
        .unwrap();
        drop(child.stdin.take());
        assert!(child.wait().unwrap().success());
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_protocoop"))
        .env("PROTOCOOP_PASSPHRASE", DEVICE_PASSPHRASE)
        .args(["--data-dir", &data, "act", "list", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The pipe is closed here, before the rest is read.
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");

    // `triage … 2>&1 | head -3` with an error: stderr closed, no panic.
    let mut child = Command::new(env!("CARGO_BIN_EXE_protocoop"))
        .env("PROTOCOOP_PASSPHRASE", DEVICE_PASSPHRASE)
        .args(["triage", "--facts", "-"])
        .current_dir(env.dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    drop(child.stdout.take());
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), b"{\"age_years\": \"x\"}").unwrap();
    drop(child.stdin.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(2), "an input error, not a panic (101)");
}

#[test]
fn dossier_et_ancres_trop_ouverts_sont_resserres() {
    use std::os::unix::fs::PermissionsExt;
    let (env, data) = device();
    let out = cli(
        &env,
        &data,
        &["act", "record", "--input", "-", "--pin-stdin"],
        &format!("{PIN}\n{}", abscess_input(json!({}))),
    );
    assert_eq!(out.code, 0, "{out:?}");
    let dir = Path::new(&data);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(
        dir.join("ledger.head"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let out = cli(&env, &data, &["act", "list"], "");
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(mode(dir), 0o700);
    assert_eq!(mode(&dir.join("ledger.head")), 0o600);
}

#[test]
fn tout_ce_que_dit_la_ligne_de_commande_est_en_francais() {
    let env = TestEnv::new();
    for args in [
        vec!["--help"],
        vec!["act", "record", "--help"],
        vec!["report", "--help"],
    ] {
        let out = env.run(&args, "");
        assert_eq!(out.code, 0);
        for english in [
            "Usage:",
            "Print help",
            "Commands:",
            "[env:",
            "[default:",
            "[possible values:",
            "<COMMAND>",
        ] {
            assert!(
                !out.stdout.contains(english),
                "{args:?}: « {english} » in {}",
                out.stdout
            );
        }
        assert!(out.stdout.contains("Utilisation :"), "{}", out.stdout);
    }
    let out = env.run(&["act", "recrod"], "");
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("commande inconnue « recrod »"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("vouliez-vous dire « record »"),
        "{}",
        out.stderr
    );
    let out = env.run(&["verify", "--jsno"], "");
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("option inconnue « --jsno »"),
        "{}",
        out.stderr
    );
    let out = env.run(&["triage", "--facts", "/nulle/part.json"], "");
    assert_eq!(out.code, 4, "{out:?}");
    assert!(out.stderr.contains("introuvable"), "{}", out.stderr);
    assert!(!out.stderr.contains("No such file"), "{}", out.stderr);
    assert!(!out.stderr.contains("os error"), "{}", out.stderr);
}

/// A real full disk, at every fill level from nothing left to plenty:
/// a tmpfs in a private mount namespace (needs `unshare`, as root or with
/// user namespaces). Each attempt records the act or says « disque plein »,
/// and the ledger stays whole.
#[test]
fn disque_plein_a_chaque_niveau_de_remplissage() {
    let (env, data) = device();
    let bin = env!("CARGO_BIN_EXE_protocoop");
    let input = env.write("acte.json", &format!("{PIN}\n{}", abscess_input(json!({}))));
    let script = format!(
        r#"set -u
mnt=$(mktemp -d)
err=$(mktemp)
mount -t tmpfs -o size=2m tmpfs "$mnt" || exit 77
for keep in 0 1024 4096 8192 16384 24576 32768 65536 131072 262144; do
  rm -rf "$mnt"/*
  cp -a '{data}' "$mnt/data"
  avail=$(( $(stat -f -c '%a*%S' "$mnt" ) ))
  fill=$(( avail - keep ))
  [ "$fill" -gt 0 ] && head -c "$fill" /dev/zero > "$mnt/fill" 2>/dev/null
  PROTOCOOP_PASSPHRASE='{DEVICE_PASSPHRASE}' PROTOCOOP_NOW='{NOW}' '{bin}' --data-dir "$mnt/data" act record --input - --pin-stdin < '{input}' > /dev/null 2> "$err"
  code=$?
  rm -f "$mnt/fill"
  PROTOCOOP_PASSPHRASE='{DEVICE_PASSPHRASE}' PROTOCOOP_NOW='{NOW}' '{bin}' --data-dir "$mnt/data" verify > /dev/null 2>&1
  verify=$?
  echo "$keep $code $verify $(tr '\n' ' ' < "$err")"
done
umount "$mnt"
rm -f "$err"
"#,
        data = data,
        bin = bin,
        input = input.display()
    );
    let unshare = |extra: &[&str]| {
        Command::new("unshare")
            .args(extra)
            .args(["--mount", "sh", "-c", &script])
            .output()
    };
    let out = match unshare(&[]) {
        Ok(o) if o.status.code() == Some(0) => o,
        _ => match unshare(&["--map-root-user"]) {
            Ok(o) if o.status.code() == Some(0) => o,
            other => {
                eprintln!(
                    "unshare indisponible ici : test du disque plein réel non exécuté ({other:?})"
                );
                return;
            }
        },
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 10, "{text}");
    let mut full = 0;
    for line in &lines {
        let mut parts = line.splitn(4, ' ');
        let (keep, code, verify, err) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap_or(""),
        );
        assert_eq!(
            verify, "0",
            "the ledger broke with {keep} bytes left: {line}"
        );
        match code {
            "0" => {}
            "4" => {
                full += 1;
                assert!(err.contains("disque plein"), "{keep} bytes left: {err}");
            }
            other => panic!("{keep} bytes left: exit {other}: {err}"),
        }
        assert!(!err.contains("disk I/O error"), "{line}");
    }
    assert!(full >= 3, "the small fill levels must fail: {text}");
}

/// Someone with a shell edits the database or the anchor files: every
/// command still answers in French, and nothing panics or hangs.
#[test]
fn un_registre_modifie_a_la_main_ne_fait_jamais_planter() {
    let (env, data) = device();
    let db = Path::new(&data).join("ledger.sqlite");
    let recorded = std::cell::Cell::new(0);
    let record = |env: &TestEnv, pin: &str| {
        recorded.set(recorded.get() + 1);
        cli(
            env,
            &data,
            &["act", "record", "--input", "-", "--pin-stdin"],
            &format!("{pin}\n{}", abscess_for(recorded.get(), json!({}))),
        )
    };
    // The old failure table edited: nothing changes, failures are entries
    // of the chained log.
    {
        let c = common::open_db(&db);
        c.execute(
            "INSERT OR REPLACE INTO pin_attempts (rpps, failures, locked_until) VALUES (?1, -1, NULL)",
            [DELEGUE],
        )
        .unwrap();
    }
    let out = record(&env, "999999");
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("encore 4 essais"), "{}", out.stderr);
    // An act number pushed to the end of the integers: refused, not wrapped.
    let out = record(&env, PIN);
    assert_eq!(out.code, 0, "{out:?}");
    {
        let c = common::open_db(&db);
        c.execute("UPDATE acts SET n = 9223372036854775807", [])
            .unwrap();
    }
    let out = record(&env, PIN);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("numéro d'acte"), "{}", out.stderr);
    // A closure journal with a line that is not a closure: verify says so.
    std::fs::write(
        Path::new(&data).join("closures.log"),
        "2026-10 n'importe quoi\n",
    )
    .unwrap();
    let out = cli(&env, &data, &["verify"], "");
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        format!("{}{}", out.stdout, out.stderr)
            .contains("journal des clôtures a une ligne 1 illisible"),
        "{out:?}"
    );
}
