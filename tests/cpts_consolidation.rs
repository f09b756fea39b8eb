//! The CPTS side, through the real binary: three devices over May and June
//! 2026, one month missing, one duplicate import, one altered report; and a
//! device whose ledger was restored from an old copy (refused: the CPTS
//! holds a head the restored log does not extend).

mod common;

use std::path::{Path, PathBuf};

use common::*;
use protocoop::calendar::Month;
use protocoop::ledger::Ledger;
use protocoop::protocol::Protocol;
use protocoop::registry::StructureRecord;
use protocoop::report;
use serde_json::json;

struct Device {
    _dir: tempfile::TempDir,
    ledger: Ledger,
}

fn device(structure: &str) -> Device {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = setup_ledger(dir.path(), t("2026-04-01T08:00:00Z"));
    ledger
        .set_structure(&StructureRecord {
            v: 1,
            name: structure.into(),
            address: "1 rue Principale, 79500 Melle".into(),
            postal_code: "79500".into(),
            finess: None,
            phone: None,
            recorded_at: t("2026-04-01T08:00:00Z"),
        })
        .unwrap();
    attach(&mut ledger, t("2026-04-01T08:00:00Z"));
    Device { _dir: dir, ledger }
}

fn acts(d: &mut Device, p: &Protocol, times: &[&str]) {
    for at in times {
        let input = abscess_input(json!({ "occurred_at": at }));
        record(&mut d.ledger, p, &input, t(at)).unwrap();
    }
}

/// Writes the device's report of `month` to `out/name`.
fn report_file(
    d: &mut Device,
    p: &Protocol,
    month: &str,
    now: &str,
    out: &Path,
    name: &str,
) -> PathBuf {
    let m: Month = month.parse().unwrap();
    let r = report::generate(&mut d.ledger, p, m, t(now)).unwrap();
    let path = out.join(name);
    std::fs::write(&path, report::render(&r, report::Format::Json, p).unwrap()).unwrap();
    path
}

/// A CPTS folder that validated the tests' protocol and enrolled `devices`
/// by their keys: the CPTS only pays from reports its devices signed.
fn enrolled_cpts(env: &TestEnv, devices: &[&Device]) -> PathBuf {
    let cpts = env.path("cpts");
    let dir = cpts.to_str().unwrap();
    let run = |args: &[&str], stdin: &str| {
        let mut a = vec!["cpts", "--cpts-dir", dir];
        a.extend_from_slice(args);
        let out = env.run(&a, stdin);
        assert_eq!(out.code, 0, "{args:?}: {out:?}");
    };
    run(
        &["init", "--name", "CPTS des tests", "--passphrase-stdin"],
        "cheval agrafe pile correcte\n",
    );
    let protocol = env.write("valide.toml", &validated_text());
    run(&["protocol", "add", protocol.to_str().unwrap()], "");
    for (i, d) in devices.iter().enumerate() {
        let key = d.ledger.signing_key().unwrap().public().to_string();
        run(
            &[
                "device",
                "add",
                "--name",
                &format!("Appareil {i}"),
                "--key",
                &key,
            ],
            "",
        );
    }
    cpts
}

/// `protocoop cpts --cpts-dir DIR report --month M --format F [--out FILE]`.
fn cpts_report(env: &TestEnv, cpts: &str, month: &str, format: &str, out: Option<&Path>) -> Output {
    let mut args = vec![
        "cpts",
        "--cpts-dir",
        cpts,
        "report",
        "--month",
        month,
        "--format",
        format,
    ];
    if let Some(path) = out {
        args.extend(["--out", path.to_str().unwrap()]);
    }
    env.run(&args, "")
}

fn json_of(out: &Output) -> serde_json::Value {
    serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {out:?}"))
}

#[test]
fn trois_appareils_deux_mois_un_manque_un_doublon_un_altere() {
    let env = TestEnv::new();
    let files = env.dir.path();
    let p = validated_protocol();
    let mut a = device("Pharmacie du Marché");
    let mut b = device("Pharmacie de la Gare");
    let mut c = device("Pharmacie des Halles");
    acts(
        &mut a,
        &p,
        &["2026-05-04T08:00:00Z", "2026-05-08T08:00:00Z"],
    );
    acts(&mut b, &p, &["2026-05-05T08:00:00Z"]);
    acts(&mut c, &p, &["2026-05-06T08:00:00Z"]);
    let a5 = report_file(
        &mut a,
        &p,
        "2026-05",
        "2026-06-01T08:00:00Z",
        files,
        "a-05.json",
    );
    let b5 = report_file(
        &mut b,
        &p,
        "2026-05",
        "2026-06-01T08:00:00Z",
        files,
        "b-05.json",
    );
    // C's May report is produced (its ledger is closed) but never sent.
    report_file(
        &mut c,
        &p,
        "2026-05",
        "2026-06-01T08:00:00Z",
        files,
        "c-05.json",
    );
    acts(&mut a, &p, &["2026-06-10T08:00:00Z"]);
    // A's act of 4 May, paid by its May report, is voided in June.
    let a_first = a.ledger.acts(Some("2026-05".parse().unwrap())).unwrap()[0]
        .number
        .clone();
    let by = recorder(&mut a.ledger, &a_first, t("2026-06-10T09:00:00Z"));
    a.ledger
        .add_followup(
            &a_first,
            &by,
            protocoop::ledger::FollowupEvent::Void {
                reason: "patient déjà vu".into(),
            },
            t("2026-06-10T09:00:00Z"),
        )
        .unwrap();
    acts(&mut b, &p, &["2026-06-11T08:00:00Z"]);
    acts(&mut c, &p, &["2026-06-12T08:00:00Z"]);
    let a6 = report_file(
        &mut a,
        &p,
        "2026-06",
        "2026-07-01T08:00:00Z",
        files,
        "a-06.json",
    );
    let b6 = report_file(
        &mut b,
        &p,
        "2026-06",
        "2026-07-01T08:00:00Z",
        files,
        "b-06.json",
    );
    let c6 = report_file(
        &mut c,
        &p,
        "2026-06",
        "2026-07-01T08:00:00Z",
        files,
        "c-06.json",
    );
    // Someone raises B's June figure by hand.
    let text = std::fs::read_to_string(&b6).unwrap();
    let altered = text.replacen("\"total_cents\": 2500", "\"total_cents\": 25000", 1);
    assert_ne!(text, altered);
    std::fs::write(&b6, altered).unwrap();
    let a5_copy = files.join("a-05-copie.json");
    std::fs::copy(&a5, &a5_copy).unwrap();

    let cpts = enrolled_cpts(&env, &[&a, &b, &c]);
    let cpts_s = cpts.to_str().unwrap();
    let set = env.run(
        &["cpts", "--cpts-dir", cpts_s, "set", "--pharmacies", "4"],
        "",
    );
    assert_eq!(set.code, 0, "{set:?}");
    let names: Vec<&str> = [
        "a-05.json",
        "a-06.json",
        "b-05.json",
        "b-06.json",
        "c-06.json",
        "a-05-copie.json",
    ]
    .to_vec();
    let mut args = vec!["cpts", "--cpts-dir", cpts_s, "import"];
    args.extend(&names);
    let out = env.run(&args, "");
    // A check failed (altered report, gap): exit code 1.
    assert_eq!(out.code, 1, "{out:?}");
    let line = |name: &str| {
        out.stdout
            .lines()
            .find(|l| l.starts_with(&format!("{name} :")))
            .unwrap_or_else(|| panic!("{name} absent : {}", out.stdout))
            .to_string()
    };
    assert!(
        line("a-05.json").contains("premier rapport"),
        "{}",
        line("a-05.json")
    );
    assert!(
        line("a-06.json").contains("chaîne continue"),
        "{}",
        line("a-06.json")
    );
    assert!(
        line("b-06.json").contains("contenu modifié"),
        "{}",
        line("b-06.json")
    );
    let c_id = serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(&c6).unwrap())
        .unwrap()["device_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        line("c-06.json").contains(&format!(
            "TROU : le rapport de 2026-05 de l'appareil {c_id}"
        )),
        "{}",
        line("c-06.json")
    );
    assert!(
        line("a-05-copie.json").contains("déjà importé"),
        "{}",
        line("a-05-copie.json")
    );
    assert!(line("a-05-copie.json").contains("a-05.json"));
    // Importing a duplicate alone is refused (exit code 3), nothing added.
    let again = env.run(
        &["cpts", "--cpts-dir", cpts_s, "import", b5.to_str().unwrap()],
        "",
    );
    assert_eq!(again.code, 3, "{again:?}");

    let may = cpts_report(&env, cpts_s, "2026-05", "json", None);
    assert_eq!(may.code, 0, "{may:?}");
    let may = json_of(&may);
    assert_eq!(may["devices"].as_array().unwrap().len(), 2);
    assert_eq!(may["prises_en_charge"], json!(3));
    assert_eq!(
        may["pharmacies"],
        json!({"territory": 4, "involved": 2, "share": 0.5})
    );
    // One line per RPPS across devices.
    assert_eq!(
        may["payments"],
        json!([
            {"role": "delegue", "rpps": DELEGUE, "name": "Marie Durand", "acts": 3, "deducted_acts": 0, "cents": 3000, "devices": 2},
            {"role": "delegant", "rpps": DELEGANT, "name": "Dr Claire Exemple", "acts": 3, "deducted_acts": 0, "cents": 4500, "devices": 2}
        ])
    );
    assert_eq!(may["remuneration"]["total_cents"], json!(7500));
    let anomalies = may["anomalies"].as_array().unwrap();
    assert_eq!(anomalies.len(), 1, "{anomalies:?}");
    assert_eq!(anomalies[0]["kind"], json!("missing"));
    assert_eq!(anomalies[0]["device_id"], json!(c_id));

    let june = cpts_report(&env, cpts_s, "2026-06", "json", None);
    let june = json_of(&june);
    assert_eq!(june["devices"].as_array().unwrap().len(), 2);
    let kinds: Vec<(String, String)> = june["anomalies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["kind"].as_str().unwrap().into(),
                a["device_id"].as_str().unwrap().into(),
            )
        })
        .collect();
    let b_id = b.ledger.device_id().to_string();
    assert!(kinds.contains(&("gap".into(), c_id.clone())), "{kinds:?}");
    assert!(kinds.contains(&("not_received".into(), b_id)), "{kinds:?}");
    assert_eq!(kinds.len(), 2);
    // June pays A's June act, less A's May act voided in June. C's June
    // waits for its May (a gap): the CPTS cannot check it continues yet.
    assert_eq!(
        june["payments"],
        json!([
            {"role": "delegue", "rpps": DELEGUE, "name": "Marie Durand", "acts": 1, "deducted_acts": 1, "cents": 0, "devices": 1},
            {"role": "delegant", "rpps": DELEGANT, "name": "Dr Claire Exemple", "acts": 1, "deducted_acts": 1, "cents": 0, "devices": 1}
        ])
    );
    assert_eq!(june["remuneration"]["total_cents"], json!(0));
    assert_eq!(june["remuneration"]["deducted_cents"], json!(2500));
    let c_line = june["devices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["device_id"] == json!(c_id))
        .unwrap();
    assert_eq!(c_line["paid"], json!(false));
    assert!(
        june["anomalies"]
            .to_string()
            .contains("hors de la liste de paiement")
    );

    // The treasurer's consolidated CSV.
    let csv_path = env.path("mai.csv");
    let out = cpts_report(&env, cpts_s, "2026-05", "csv", Some(&csv_path));
    assert_eq!(out.code, 0, "{out:?}");
    let bytes = std::fs::read(&csv_path).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let mut rows = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(&bytes[3..]);
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(&records[1][2], DELEGANT);
    assert_eq!(&records[1][6], "45,00");
    assert_eq!(&records[1][7], "2");
    assert_eq!(&records[2][1], "total");
    assert_eq!(&records[2][6], "75,00");

    // The board's consolidated PDF names the anomaly and the payment list.
    let pdf = env.path("mai.pdf");
    let out = cpts_report(&env, cpts_s, "2026-05", "pdf", Some(&pdf));
    assert_eq!(out.code, 0, "{out:?}");
    let text = pdf_text(&pdf);
    for expected in [
        "Mois consolidé — mai 2026",
        "Anomalies",
        &c_id,
        "Pharmacies du territoire impliquées : 2 sur 4",
        "75,00",
        "Actes par jour de la semaine",
    ] {
        assert!(text.contains(expected), "« {expected} » absent :\n{text}");
    }

    // The CPTS database is private.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&cpts), 0o700);
        assert_eq!(mode(&cpts.join("cpts.sqlite")), 0o600);
        assert_eq!(mode(&csv_path), 0o600);
    }
    let _ = a6;
}

#[test]
fn registre_restaure_bifurcation_signalee() {
    let env = TestEnv::new();
    let p = validated_protocol();
    let mut d = device("Pharmacie du Marché");
    acts(&mut d, &p, &["2026-05-04T08:00:00Z"]);
    // A copy of the data folder before May is reported.
    let data = d.ledger.dir().to_path_buf();
    d.ledger
        .connection()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    let backup = tempfile::tempdir().unwrap();
    for f in std::fs::read_dir(&data).unwrap() {
        let f = f.unwrap();
        std::fs::copy(f.path(), backup.path().join(f.file_name())).unwrap();
    }
    let may = report_file(
        &mut d,
        &p,
        "2026-05",
        "2026-06-01T08:00:00Z",
        env.dir.path(),
        "mai.json",
    );
    // The copy is restored, another act is added, and May reported again.
    let mut restored = Device {
        ledger: protocoop::vault::open_ledger(
            backup.path(),
            "phrase de passe de test",
            t("2026-06-01T08:00:00Z"),
        )
        .unwrap(),
        _dir: backup,
    };
    acts(&mut restored, &p, &["2026-05-20T08:00:00Z"]);
    let may2 = report_file(
        &mut restored,
        &p,
        "2026-05",
        "2026-06-01T09:00:00Z",
        env.dir.path(),
        "mai-bis.json",
    );
    acts(&mut restored, &p, &["2026-06-20T08:00:00Z"]);
    let june = report_file(
        &mut restored,
        &p,
        "2026-06",
        "2026-07-01T09:00:00Z",
        env.dir.path(),
        "juin.json",
    );

    let cpts = enrolled_cpts(&env, &[&restored]);
    let s = |p: &PathBuf| p.to_str().unwrap().to_string();
    let out = env.run(
        &[
            "cpts",
            "--cpts-dir",
            &s(&cpts),
            "import",
            &s(&may),
            &s(&may2),
            &s(&june),
        ],
        "",
    );
    assert_eq!(out.code, 1, "{out:?}");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines[1].contains("un autre rapport de l'appareil"),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains("pour 2026-05"), "{}", lines[1]);
    // June continues the restored May, not the May the CPTS holds: refused,
    // naming the entry where the two part.
    assert!(
        lines[2].contains("registre réécrit ou restauré — le rapport de 2026-06"),
        "{}",
        lines[2]
    );
    let held = serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(&may).unwrap())
        .unwrap()["closure"]["seq"]
        .clone();
    assert!(lines[2].contains(&format!("entrée {held}")), "{}", lines[2]);
}
