//! The professionals' quarterly questionnaire (issue 18, item 6) through
//! the real binary: offered once a quarter, answered or put off, every
//! bad answer refused in French before the PIN is asked; its rows in the
//! monthly report name no one, and the CPTS refuses rows that do not name
//! a questionnaire of the report's own window, or that say what a device
//! never writes.

mod common;

use std::path::{Path, PathBuf};

use common::fleet::*;
use common::*;
use protocoop::crypto::KeyPair;
use protocoop::report::MonthReport;
use protocoop::report::json::seal_signed;
use serde_json::{Value, json};

const DEC: &str = "2026-12-10T09:00:00Z";
const JAN: &str = "2027-01-12T09:00:00Z";

fn pin() -> String {
    format!("{MARIE_PIN}\n")
}

fn add(args: &[&'static str]) -> Vec<&'static str> {
    let mut a = vec!["survey", "add", "--by", DELEGUE, "--pin-stdin"];
    a.extend_from_slice(args);
    a
}

fn due(d: &Device, at: &str) -> Value {
    let out = d.run_at(at, &["survey", "due", "--by", DELEGUE, "--json"], "");
    assert_eq!(out.code, 0, "{out:?}");
    serde_json::from_str(&out.stdout).unwrap()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn resigned(d: &Device, v: &Value, name: &str) -> PathBuf {
    let l = protocoop::vault::open_ledger(Path::new(&d.data), DEVICE_PASSPHRASE, t(NOW)).unwrap();
    let key = KeyPair::from_secret(&l.signing_key().unwrap().secret_bytes());
    let mut r: MonthReport = serde_json::from_value(v.clone()).unwrap();
    seal_signed(&mut r, &key);
    let path = d.env.path(name);
    std::fs::write(&path, serde_json::to_vec(&r).unwrap()).unwrap();
    path
}

fn import(o: &Office, files: &[&Path]) -> Output {
    let mut args = vec!["import".to_string()];
    args.extend(files.iter().map(|f| f.display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    o.run_at("2027-02-02T09:00:00Z", &args, "")
}

#[test]
fn un_questionnaire_par_trimestre_repondu_ou_remis_a_plus_tard() {
    let (office, devices) = fleet(&["Pharmacie du Marché"]);
    let d = &devices[0];
    let show = d.ok(&["survey", "show"], "");
    for s in [
        "Votre avis sur le protocole",
        "global — Dans l'ensemble, êtes-vous satisfait(e) du protocole ?",
        "outil — protocoop vous aide-t-il",
        "1 = pas du tout, 5 = tout à fait",
    ] {
        assert!(show.stdout.contains(s), "{s}: {}", show.stdout);
    }
    assert_eq!(
        due(d, DEC),
        json!({"quarter": "2026-T4", "planned": true, "due": true})
    );

    // Every bad answer refused in French, before the PIN: nothing written
    // (not even a failed sign-in).
    for (args, reason) in [
        (add(&[]), "donnez au moins une réponse"),
        (
            add(&["--later", "--answer", "global=3"]),
            "--later et --answer s'excluent",
        ),
        (
            add(&["--answer", "global"]),
            "« global » : IDENTIFIANT=NOTE attendu",
        ),
        (
            add(&["--answer", "global=beaucoup"]),
            "IDENTIFIANT=NOTE attendu",
        ),
        (add(&["--answer", "global=0"]), "de 1 (pas du tout) à 5"),
        (add(&["--answer", "global=6"]), "de 1 (pas du tout) à 5"),
        (
            add(&["--answer", "ambiance=4"]),
            "question « ambiance » inconnue (questions : global, formation, delegant, outil)",
        ),
        (
            add(&["--answer", "global=3", "--answer", "global=4"]),
            "deux réponses à la question « global »",
        ),
    ] {
        refused(d, DEC, &args, &pin(), 2, reason);
    }
    refused(
        d,
        DEC,
        &["survey", "add", "--by", DELEGUE, "--answer", "global=4"],
        "",
        2,
        "signées par le code PIN du délégué",
    );
    // A wrong PIN records no answer.
    let out = d.run_at(DEC, &add(&["--answer", "global=4"]), "000000\n");
    assert_ne!(out.code, 0, "{out:?}");
    assert_eq!(due(d, DEC)["due"], true);
    let out = d.run_at(
        DEC,
        &add(&["--answer", "outil=2", "--answer", "global=4"]),
        &pin(),
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .contains("Questionnaire du 4e trimestre 2026 enregistré"),
        "{}",
        out.stdout
    );
    assert_eq!(due(d, DEC)["due"], false);
    refused(
        d,
        "2026-12-28T09:00:00Z",
        &add(&["--later"]),
        &pin(),
        2,
        "Marie Durand a déjà répondu au questionnaire du 4e trimestre 2026",
    );
    // The year so far counts it once, naming only its own month open (an
    // open month's window runs to the head: November's holds it too).
    let out = d.run_at(DEC, &["report", "--year", "2026", "--format", "json"], "");
    assert_eq!(out.code, 0, "{out:?}");
    let y: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        y["provisional_reasons"],
        json!([
            "l'année 2026 n'est pas terminée (chiffres au 10/12/2026)",
            "décembre 2026 n'est pas clôturé"
        ])
    );
    let p = &y["protocols"][0];
    assert_eq!(p["surveys"]["answered"], 1);
    assert_eq!(p["surveys"]["declined"], 0);
    assert_eq!(p["satisfaction"]["professionals"]["responses"], 1);
    assert_eq!(p["satisfaction"]["professionals"]["sum"], 4);
    let dec = d.report("2027-01-01T08:00:00Z", "2026-12");

    // A new quarter: offered again, put off this time.
    assert_eq!(
        due(d, JAN),
        json!({"quarter": "2027-T1", "planned": true, "due": true})
    );
    let out = d.run_at(JAN, &add(&["--later"]), &pin());
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .contains("Questionnaire du 1er trimestre 2027 remis au trimestre suivant"),
        "{}",
        out.stdout
    );
    assert_eq!(due(d, JAN)["due"], false);
    let text = d
        .run_at(JAN, &["survey", "due", "--by", DELEGUE], "")
        .stdout;
    assert_eq!(
        text,
        "Marie Durand a déjà répondu au questionnaire du 1er trimestre 2027 (ou l'a remis à plus tard).\n"
    );
    let text = d
        .run_at(
            "2027-04-01T09:00:00Z",
            &["survey", "due", "--by", DELEGUE],
            "",
        )
        .stdout;
    assert_eq!(
        text,
        "Marie Durand n'a pas encore rempli le questionnaire du 2e trimestre 2027.\n"
    );
    assert_eq!(d.ok(&["verify", "--json"], "").code, 0);
    let jan = d.report("2027-02-01T08:00:00Z", "2027-01");

    // The rows: the answers in the questionnaire's order, the profession,
    // never who answered.
    let v = read_json(&dec);
    let rows = &v["rows"]["surveys"];
    assert_eq!(rows.as_array().map(Vec::len), Some(1), "{rows:#}");
    assert_eq!(
        rows[0]["answers"],
        json!([{"question": "global", "score": 4}, {"question": "outil", "score": 2}])
    );
    assert_eq!(rows[0]["declined"], false);
    assert_eq!(rows[0]["on"], "2026-12-10");
    assert_eq!(rows[0]["profession"], "pharmacien");
    assert_eq!(rows[0]["training"], false);
    for secret in [DELEGUE, "Marie", "Durand"] {
        assert!(!rows.to_string().contains(secret), "{secret}: {rows}");
    }
    let j = read_json(&jan);
    assert_eq!(j["rows"]["surveys"][0]["declined"], true);
    assert_eq!(j["rows"]["surveys"][0]["answers"], json!([]));

    // The CPTS takes both; forged rows, even re-signed with the device's
    // own key, are refused with the entry they name.
    let out = import(&office, &[&dec]);
    assert_eq!(out.code, 0, "{out:?}");
    let seq = j["rows"]["surveys"][0]["seq"].as_u64().unwrap();
    let closure = j["closure"]["seq"].as_u64().unwrap();
    let forge = |name: &str, edit: &dyn Fn(&mut Value)| {
        let mut f = j.clone();
        edit(&mut f["rows"]["surveys"]);
        resigned(d, &f, name)
    };
    for (file, reason) in [
        (
            forge("closure.json", &|s| s[0]["seq"] = json!(closure)),
            format!("questionnaire à l'entrée {closure}, qui est une entrée « closure »"),
        ),
        (
            forge("ailleurs.json", &|s| s[0]["seq"] = json!(2)),
            "questionnaire à l'entrée 2, hors de la fenêtre du rapport".to_string(),
        ),
        (
            forge("double.json", &|s| {
                let copy = s[0].clone();
                s.as_array_mut().unwrap().push(copy);
            }),
            format!("questionnaire à l'entrée {seq}, déclaré deux fois"),
        ),
        (
            forge("note.json", &|s| {
                s[0]["declined"] = json!(false);
                s[0]["answers"] = json!([{"question": "global", "score": 9}]);
            }),
            "réponse illisible (global = 9)".to_string(),
        ),
        (
            forge("remis.json", &|s| {
                s[0]["answers"] = json!([{"question": "global", "score": 5}]);
            }),
            "remis à plus tard mais avec des réponses".to_string(),
        ),
        (
            forge("profession.json", &|s| {
                s[0]["profession"] = json!("dentiste")
            }),
            "profession « dentiste » inconnue".to_string(),
        ),
        (
            forge("autre-protocole.json", &|s| {
                s[0]["protocol"]["id"] = json!("garde-dentaire");
            }),
            "se dit du protocole garde-dentaire, mais son empreinte est celle du protocole dentaire-sud-deux-sevres".to_string(),
        ),
        (
            forge("question.json", &|s| {
                s[0]["declined"] = json!(false);
                s[0]["answers"] = json!([{"question": "xyz", "score": 5}]);
            }),
            "répond à « xyz », que le questionnaire de son protocole ne pose pas".to_string(),
        ),
        (
            forge("ordre.json", &|s| {
                s[0]["declined"] = json!(false);
                s[0]["answers"] = json!([
                    {"question": "outil", "score": 5},
                    {"question": "global", "score": 5}
                ]);
            }),
            "ne suit pas l'ordre des questions de son protocole".to_string(),
        ),
        (
            forge("date.json", &|s| s[0]["on"] = json!("2027-03-15")),
            "est daté du 15/03/2027, après la clôture du 01/02/2027".to_string(),
        ),
        (
            // Two délégués at the CPTS: a third questionnaire in the
            // quarter was never one of theirs.
            forge("trois.json", &|s| {
                for extra in [1000, 1001] {
                    let mut copy = s[0].clone();
                    copy["seq"] = json!(extra);
                    s.as_array_mut().unwrap().push(copy);
                }
            }),
            "3 questionnaires du 1er trimestre 2027 sur un seul appareil, pour 2 délégués formés par la CPTS".to_string(),
        ),
        (
            forge("protocole.json", &|s| {
                s[0]["protocol"]["sha256"] = json!("ab".repeat(32));
            }),
            "relève du protocole dentaire-sud-deux-sevres version".to_string(),
        ),
    ] {
        let out = import(&office, &[&file]);
        assert_eq!(out.code, 1, "{reason}: {out:?}");
        assert!(out.stdout.contains(&reason), "{reason}: {}", out.stdout);
    }
    let out = import(&office, &[&jan]);
    assert_eq!(out.code, 0, "{out:?}");
}

#[test]
fn un_delegue_inconnu_ou_un_protocole_sans_questionnaire() {
    let (_office, devices) = fleet(&["Pharmacie du Marché"]);
    let d = &devices[0];
    refused(
        d,
        DEC,
        &["survey", "due", "--by", UNTRAINED],
        "",
        3,
        "délégué inconnu (RPPS 10000000025)",
    );
    // A protocol without [survey]: nothing to offer, nothing to record.
    let text = protocoop::protocol::BUNDLED_TEXT;
    let start = text.find("\n[survey]").unwrap();
    let end = text[start..]
        .find("\n# ---")
        .map_or(text.len(), |e| start + e);
    let without = format!("{}{}", &text[..start], &text[end..]);
    let file = d.env.write("sans-questionnaire.toml", &without);
    let p = file.to_str().unwrap();
    let out = d.run_at(
        DEC,
        &["--protocol", p, "survey", "due", "--by", DELEGUE, "--json"],
        "",
    );
    assert_eq!(out.code, 0, "{out:?}");
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["planned"], false);
    assert_eq!(v["due"], false);
    let mut args = vec!["--protocol", p];
    args.extend(add(&["--answer", "global=4"]));
    refused(
        d,
        DEC,
        &args,
        &pin(),
        2,
        "le protocole en vigueur ne prévoit pas de questionnaire des professionnels",
    );
}

#[test]
fn le_questionnaire_du_protocole_est_verifie_au_chargement() {
    let p = protocoop::protocol::Protocol::bundled();
    let s = p.survey.as_ref().unwrap();
    let ids: Vec<&str> = s.questions.iter().map(|q| q.id.as_str()).collect();
    assert_eq!(ids, ["global", "formation", "delegant", "outil"]);
    assert_eq!(s.satisfaction, "global");

    let base = protocoop::protocol::BUNDLED_TEXT;
    let parse = |text: &str| {
        protocoop::protocol::Protocol::parse(text, "essai.toml")
            .unwrap_err()
            .to_string()
    };
    for (from, to, message) in [
        (
            "satisfaction = \"global\"",
            "satisfaction = \"globale\"",
            "satisfaction = « globale » : aucune question ne porte cet identifiant",
        ),
        (
            "id = \"outil\"",
            "id = \"global\"",
            "identifiant de question du questionnaire en double : « global »",
        ),
        (
            "id = \"outil\"",
            "id = \"mon outil\"",
            "contient une espace",
        ),
        (
            "text = \"protocoop vous aide-t-il à appliquer le protocole ?\"",
            "text = \"  \"",
            "le texte de la question est vide",
        ),
        (
            "title = \"Votre avis sur le protocole\"",
            "title = \"Votre avis\"\ncouleur = \"bleu\"",
            "couleur",
        ),
    ] {
        assert_eq!(base.matches(from).count(), 1, "{from}");
        let e = parse(&base.replacen(from, to, 1));
        assert!(e.contains(message), "{to}: {e}");
    }
    // No question, or too many for a minute at the counter.
    let i = base.find("[[survey.questions]]").unwrap();
    let j = i + base[i..].find("\n# ---").unwrap();
    let none = format!("{}{}", &base[..i], &base[j..]);
    assert!(parse(&none).contains("[survey] sans question"));
    let eleven: String = (0..11)
        .map(|n| format!("[[survey.questions]]\nid = \"q{n}\"\ntext = \"Question {n} ?\"\n\n"))
        .collect();
    let many = format!("{}{eleven}{}", &base[..i], &base[j..]);
    assert!(
        parse(&many).contains("trop de questions (11) : au plus 10"),
        "{}",
        parse(&many)
    );
}

/// December's report is closed in January: its window holds the first
/// questionnaires of the new year, which count in that year (by their
/// day), on the device and at the CPTS alike.
#[test]
fn les_questionnaires_de_debut_janvier_comptent_dans_leur_annee() {
    let (office, devices) = fleet(&["Pharmacie du Marché"]);
    let d = &devices[0];
    let out = d.record("2026-12-04T09:00:00Z", MARIE_PIN, json!({}));
    assert_eq!(out.code, 0, "{out:?}");
    let out = d.run_at(
        "2027-01-02T09:00:00Z",
        &add(&["--answer", "global=5"]),
        &pin(),
    );
    assert_eq!(out.code, 0, "{out:?}");
    let dec = d.report("2027-01-04T08:00:00Z", "2026-12");
    assert_eq!(read_json(&dec)["rows"]["surveys"][0]["on"], "2027-01-02");

    let at = "2027-01-10T09:00:00Z";
    let year = |run: &dyn Fn(&[&str]) -> Output, y: &str| -> Value {
        let out = run(&["report", "--year", y, "--format", "json"]);
        assert_eq!(out.code, 0, "{out:?}");
        serde_json::from_str(&out.stdout).unwrap()
    };
    let device = |a: &[&str]| d.run_at(at, a, "");
    let y2026 = year(&device, "2026");
    assert_eq!(y2026["protocols"][0]["surveys"]["answered"], 0);
    assert_eq!(y2026["protocols"][0]["prises_en_charge"], 1);
    let y2027 = year(&device, "2027");
    let p = &y2027["protocols"][0];
    assert_eq!(p["surveys"]["answered"], 1, "{p:#}");
    assert_eq!(p["satisfaction"]["professionals"]["sum"], 5);
    assert_eq!(p["prises_en_charge"], 0);
    assert_eq!(y2027["months"], json!(["2026-12"]));

    let out = import(&office, &[&dec]);
    assert_eq!(out.code, 0, "{out:?}");
    let cpts = |a: &[&str]| office.run_at(at, a, "");
    assert_eq!(year(&cpts, "2027")["protocols"], y2027["protocols"]);
    assert_eq!(year(&cpts, "2026")["protocols"], y2026["protocols"]);
}
