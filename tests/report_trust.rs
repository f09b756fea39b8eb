//! Reports the CPTS can pay from, through the real binary: signed by the
//! device, recomputed from their rows at import, provably continuous — and
//! every attack on them, by someone with the device's files and its key,
//! refused or flagged with the seq or the figure it touches.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::fleet::*;
use common::*;
use protocoop::crypto::KeyPair;
use protocoop::report::MonthReport;
use protocoop::report::json::{content_sha256, seal_signed};
use rusqlite::params;
use serde_json::{Value, json};

const DEC: &str = "2026-12";
const JAN: &str = "2027-01";
const FEB: &str = "2027-02";

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn write_json(dir: &Path, name: &str, v: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec_pretty(v).unwrap()).unwrap();
    path
}

/// The device's own key, as an attacker with its files and the
/// structure's passphrase has it.
fn stolen_key(d: &Device) -> KeyPair {
    let l = protocoop::vault::open_ledger(Path::new(&d.data), DEVICE_PASSPHRASE, t(NOW)).unwrap();
    let pair = l.signing_key().unwrap();
    KeyPair::from_secret(&pair.secret_bytes())
}

/// Re-signs an edited report with `key`, as a forger holding it would.
fn resign(v: &Value, key: &KeyPair) -> Value {
    let mut r: MonthReport = serde_json::from_value(v.clone()).unwrap();
    seal_signed(&mut r, key);
    serde_json::to_value(&r).unwrap()
}

fn import(o: &Office, at: &str, files: &[&Path]) -> Output {
    let mut args = vec!["import"];
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    args.extend(names.iter().map(String::as_str));
    o.run_at(at, &args, "")
}

/// `n` real acts by Marie on `day` (a Paris day of the test months).
fn acts(d: &Device, day: &str, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let at = format!("{day}T{:02}:00:00Z", 9 + i);
            let out = d.record(&at, MARIE_PIN, json!({}));
            assert_eq!(out.code, 0, "{out:?}");
            let v: Value = serde_json::from_str(&out.stdout).unwrap();
            v["number"].as_str().unwrap().to_string()
        })
        .collect()
}

fn void(d: &Device, at: &str, number: &str) {
    let out = d.run_at(
        at,
        &[
            "act",
            "void",
            number,
            "--by",
            DELEGUE,
            "--reason",
            "saisi deux fois",
            "--pin-stdin",
        ],
        &format!("{MARIE_PIN}\n"),
    );
    assert_eq!(out.code, 0, "{out:?}");
}

/// What the treasurer pays each RPPS, counted over the reports' rows with
/// nothing of protocoop: a paid act adds its cents to its délégué and its
/// délégant; a void recorded after its act was reported takes them back.
fn independent_pay(reports: &[Value]) -> BTreeMap<String, i64> {
    let mut pay: BTreeMap<String, i64> = BTreeMap::new();
    let mut add = |a: &Value, sign: i64| {
        if a["taken_in_charge"] == true && a["training"] == false {
            *pay.entry(a["delegue_rpps"].as_str().unwrap().into())
                .or_default() += sign * a["delegue_cents"].as_i64().unwrap();
            *pay.entry(a["delegant_rpps"].as_str().unwrap().into())
                .or_default() += sign * a["delegant_cents"].as_i64().unwrap();
        }
    };
    for r in reports {
        let rows = &r["rows"];
        for a in rows["acts"]
            .as_array()
            .unwrap()
            .iter()
            .chain(rows["late_acts"].as_array().unwrap())
        {
            if a["void"] == false {
                add(a, 1);
            }
        }
        for f in rows["late_followups"].as_array().unwrap() {
            if f["type"] == "void" {
                add(&f["act"], -1);
            }
        }
    }
    pay
}

#[test]
fn trois_appareils_trois_mois_payes_d_apres_les_lignes() {
    let (office, devices) = fleet(&[
        "Pharmacie du Marché",
        "Pharmacie de la Gare",
        "Cabinet infirmier",
    ]);
    let mut files: Vec<PathBuf> = Vec::new();
    let mut reports = Vec::new();
    for (m, (month, day, close)) in [
        (DEC, "2026-12-04", "2027-01-01T08:00:00Z"),
        (JAN, "2027-01-08", "2027-02-01T08:00:00Z"),
        (FEB, "2027-02-05", "2027-03-01T08:00:00Z"),
    ]
    .into_iter()
    .enumerate()
    {
        for (i, d) in devices.iter().enumerate() {
            let numbers = acts(d, day, 1 + i + m);
            // One act of December voided in January, after its report:
            // January's report takes its pay back.
            if m == 1 && i == 0 {
                void(d, &format!("{day}T18:00:00Z"), "2026-0001");
            }
            assert!(!numbers.is_empty());
            let f = d.report(close, month);
            reports.push(read_json(&f));
            files.push(f);
        }
    }
    let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let out = import(&office, "2027-03-02T09:00:00Z", &refs);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout.matches(": importé").count(), 9, "{}", out.stdout);
    assert!(!out.stdout.contains("TROU"), "{}", out.stdout);

    let mut paid: BTreeMap<String, i64> = BTreeMap::new();
    for month in [DEC, JAN, FEB] {
        let out = office.run_at(
            "2027-03-02T09:00:00Z",
            &["report", "--month", month, "--format", "json"],
            "",
        );
        assert_eq!(out.code, 0, "{out:?}");
        let c: Value = serde_json::from_str(&out.stdout).unwrap();
        for p in c["payments"].as_array().unwrap() {
            *paid.entry(p["rpps"].as_str().unwrap().into()).or_default() +=
                p["cents"].as_i64().unwrap();
        }
    }
    let expected = independent_pay(&reports);
    assert_eq!(paid, expected);
    // 1+2+3 + 2+3+4 + 3+4+5 = 27 acts, one voided: 26 × 10 € to Marie.
    assert_eq!(expected[DELEGUE], 26 * 1000);
    assert_eq!(expected[DELEGANT], 26 * 1500);
}

/// One device with its December report, imported.
fn december() -> (Office, Device, PathBuf) {
    let (office, mut devices) = fleet(&["Pharmacie du Marché"]);
    let d = devices.remove(0);
    acts(&d, "2026-12-04", 3);
    let f = d.report("2027-01-01T08:00:00Z", DEC);
    let out = import(&office, "2027-01-02T09:00:00Z", &[&f]);
    assert_eq!(out.code, 0, "{out:?}");
    (office, d, f)
}

/// January's report of the same device, not imported.
fn january(d: &Device) -> PathBuf {
    acts(d, "2027-01-08", 2);
    d.report("2027-02-01T08:00:00Z", JAN)
}

fn refused(o: &Office, file: &Path, reason: &str) -> String {
    let out = import(o, "2027-02-02T09:00:00Z", &[file]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stdout.contains(reason), "{}", out.stdout);
    assert!(
        out.stdout.contains(&file.display().to_string()),
        "{}",
        out.stdout
    );
    out.stdout
}

#[test]
fn un_rapport_falsifie_est_refuse_meme_resigne() {
    let (office, d, _) = december();
    let jan = january(&d);
    let v = read_json(&jan);
    let dir = d.env.path("");

    // The attack of the issue: figures raised, content hash recomputed.
    let mut forged = v.clone();
    forged["remuneration"]["total_cents"] = json!(304_500);
    let hash = content_sha256(&forged);
    forged["content_sha256"] = json!(hash);
    refused(
        &office,
        &write_json(&dir, "hash.json", &forged),
        "signature de l'appareil invalide",
    );

    // Re-signed with the device's own key: the rows do not give the figure.
    let resigned = resign(&forged, &stolen_key(&d));
    let out = refused(
        &office,
        &write_json(&dir, "figure.json", &resigned),
        "le chiffre « remuneration.total_cents » annonce 304500",
    );
    assert!(out.contains("ses lignes donnent 5000"), "{out}");

    // Rows and figures raised together: an act pays what its protocol says.
    let mut rows = v.clone();
    rows["rows"]["acts"][0]["delegue_cents"] = json!(99_900);
    let mut r: MonthReport = serde_json::from_value(rows).unwrap();
    let input = protocoop::report::rows_input::to_input(&r, r.rows.as_ref().unwrap()).unwrap();
    let again = protocoop::report::month::compute(&input, &r.software);
    r.indicators = again.indicators;
    r.remuneration = again.remuneration;
    let rows = resign(&serde_json::to_value(&r).unwrap(), &stolen_key(&d));
    refused(
        &office,
        &write_json(&dir, "rows.json", &rows),
        "est compté 99900 + 1500 centimes, son protocole en prévoit 1000 + 1500",
    );

    // Signed by a key the CPTS never enrolled, or by another device's.
    let stranger = KeyPair::generate().unwrap();
    refused(
        &office,
        &write_json(&dir, "stranger.json", &resign(&v, &stranger)),
        "qu'aucun appareil enregistré à la CPTS ne porte",
    );

    // The genuine report still imports after all of these.
    let out = import(&office, "2027-02-02T09:00:00Z", &[&jan]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("chaîne continue"), "{}", out.stdout);
}

#[test]
fn le_rapport_d_un_autre_appareil_est_refuse() {
    let (office, devices) = fleet(&["Pharmacie du Marché", "Pharmacie de la Gare"]);
    let (a, b) = (&devices[0], &devices[1]);
    acts(a, "2026-12-04", 1);
    acts(b, "2026-12-04", 1);
    let fa = a.report("2027-01-01T08:00:00Z", DEC);
    let fb = b.report("2027-01-01T08:00:00Z", DEC);
    assert_eq!(import(&office, "2027-01-02T09:00:00Z", &[&fa]).code, 0);
    // b's report, re-signed with a's key (a's files stolen).
    let forged = resign(&read_json(&fb), &stolen_key(a));
    let out = refused(
        &office,
        &write_json(&b.env.path(""), "b-par-a.json", &forged),
        "il ne vient pas de cet appareil",
    );
    assert!(out.contains("refusé"), "{out}");
}

#[test]
fn les_tables_derivees_ne_mentent_pas() {
    let (_office, d, _) = december();
    acts(&d, "2027-01-08", 2);
    let db = Path::new(&d.data).join("ledger.sqlite");
    let (seq, number): (i64, String) = {
        let c = common::open_db(&db);
        c.query_row(
            "SELECT seq, number FROM acts WHERE month = ?1 ORDER BY seq LIMIT 1",
            [JAN],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    let verify = |what: &str| {
        let out = d.run(&["verify", "--json"], "");
        assert_eq!(out.code, 1, "{out:?}");
        let v: Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(v["problem"]["seq"], seq, "{v}");
        assert_eq!(v["problem"]["what"], what, "{v}");
    };
    let out_file = d.env.path("refuse.json");
    let report_refused = || {
        let out = d.run_at(
            "2027-02-01T08:00:00Z",
            &[
                "report",
                "--month",
                JAN,
                "--format",
                "json",
                "--out",
                out_file.to_str().unwrap(),
            ],
            "",
        );
        assert!(!out_file.exists(), "no report written");
        assert_ne!(out.code, 0, "{out:?}");
        assert!(
            out.stderr.contains(&format!("entrée {seq}")),
            "{}",
            out.stderr
        );
        assert!(out.stderr.contains("altéré"), "{}", out.stderr);
    };

    // The attack of the issue: pay raised in the derived row.
    {
        let c = common::open_db(&db);
        c.execute(
            "UPDATE acts SET delegue_cents = 99900, delegant_cents = 99900 WHERE seq = ?1",
            [seq],
        )
        .unwrap();
    }
    let count = || -> i64 {
        common::open_db(&db)
            .query_row("SELECT COUNT(*) FROM entries", [], |r| r.get(0))
            .unwrap()
    };
    let before = count();
    verify("derived_row");
    report_refused();
    let close = d.run_at("2027-02-01T08:00:00Z", &["close", "--month", JAN], "");
    assert_ne!(close.code, 0, "{close:?}");
    assert!(
        close.stderr.contains(&format!("entrée {seq}")),
        "{}",
        close.stderr
    );
    assert_eq!(
        count(),
        before,
        "a refused report or closure closes nothing"
    );

    // Put back, then the row deleted: the act would vanish from reports.
    {
        let c = common::open_db(&db);
        c.execute(
            "UPDATE acts SET delegue_cents = 1000, delegant_cents = 1500 WHERE seq = ?1",
            [seq],
        )
        .unwrap();
        assert_eq!(d.run(&["verify"], "").code, 0);
        c.execute_batch("PRAGMA foreign_keys = OFF;").unwrap();
        c.execute(
            "DELETE FROM followups WHERE act_id = (SELECT id FROM acts WHERE seq = ?1)",
            [seq],
        )
        .unwrap();
        c.execute("DELETE FROM acts WHERE seq = ?1", [seq]).unwrap();
    }
    verify("derived_missing");
    report_refused();
    let list = d.run(&["act", "list", "--json"], "");
    assert!(
        !list.stdout.contains(&number),
        "the row is what act list reads"
    );
}

/// Rewrites entry `seq`'s payload and every hash after it (v2 rule), the
/// derived rows left as they were, as an attacker with the file would.
fn rewrite_from(db: &Path, seq: i64) {
    let c = common::open_db(db);
    c.execute_batch(
        "DROP TRIGGER IF EXISTS entries_no_update; DROP TRIGGER IF EXISTS entries_no_delete;",
    )
    .unwrap();
    let payload: Vec<u8> = c
        .query_row("SELECT payload FROM entries WHERE seq = ?1", [seq], |r| {
            r.get(0)
        })
        .unwrap();
    let payload = String::from_utf8(payload)
        .unwrap()
        .replacen("\"Paul\"", "\"Paulo\"", 1);
    c.execute(
        "UPDATE entries SET payload = ?1, payload_sha256 = ?2 WHERE seq = ?3",
        params![
            payload.as_bytes(),
            &protocoop::ledger::chain::payload_digest(payload.as_bytes())[..],
            seq
        ],
    )
    .unwrap();
    let mut prev: Vec<u8> = c
        .query_row("SELECT hash FROM entries WHERE seq = ?1", [seq - 1], |r| {
            r.get(0)
        })
        .unwrap();
    let last: i64 = c
        .query_row("SELECT MAX(seq) FROM entries", [], |r| r.get(0))
        .unwrap();
    for s in seq..=last {
        let (kind, payload): (String, Vec<u8>) = c
            .query_row(
                "SELECT kind, payload FROM entries WHERE seq = ?1",
                [s],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let h = protocoop::ledger::chain::entry_hash(s as u64, &prev, &kind, &payload);
        c.execute(
            "UPDATE entries SET prev_hash = ?1, hash = ?2 WHERE seq = ?3",
            params![prev, &h[..], s],
        )
        .unwrap();
        prev = h.to_vec();
    }
}

#[test]
fn une_reecriture_coherente_sans_ancres_est_vue_par_la_cpts() {
    let (office, d, dec) = december();
    let dec = read_json(&dec);
    let closure_seq = dec["closure"]["seq"].as_u64().unwrap();
    // Rewrite December's first act, every hash after it, and remove the
    // copies kept outside the database.
    let first_act = dec["rows"]["acts"][0]["seq"].as_i64().unwrap();
    rewrite_from(&Path::new(&d.data).join("ledger.sqlite"), first_act);
    for f in ["ledger.head", "closures.log"] {
        let _ = std::fs::remove_file(Path::new(&d.data).join(f));
    }
    let jan = january(&d);
    let out = refused(&office, &jan, "registre réécrit ou restauré");
    assert!(out.contains(&format!("entrée {closure_seq}")), "{out}");
    assert!(out.contains("appareil"), "{out}");
}

#[test]
fn un_retour_en_arriere_est_vu_a_l_import_et_sur_l_appareil() {
    let (office, d, _) = december();
    // A copy of the data folder after December's report...
    let copy = d.env.path("copie");
    copy_dir(Path::new(&d.data), &copy);
    // ...January reported and imported...
    let jan = january(&d);
    assert_eq!(import(&office, "2027-02-02T09:00:00Z", &[&jan]).code, 0);
    let jan_closure = read_json(&jan)["closure"]["seq"].as_u64().unwrap();
    // ...then the old copy put back, and February worked on it.
    std::fs::remove_dir_all(&d.data).unwrap();
    copy_dir(&copy, Path::new(&d.data));
    acts(&d, "2027-02-05", 1);
    let feb = d.report("2027-03-01T08:00:00Z", FEB);
    let out = import(&office, "2027-03-02T09:00:00Z", &[&feb]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout.contains("registre réécrit ou restauré"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(&format!("entrée {jan_closure}")),
        "{}",
        out.stdout
    );

    // The next bundle carries the head the CPTS acknowledged: the device
    // finds it missing, says so, records it, and refuses real acts.
    let bundle = office.bundle("lot-2.json");
    let before = d.entries();
    let out = d.run_at("2027-03-03T08:00:00Z", &["bundle", "apply", &bundle], "");
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout
            .contains("registre restauré ou altéré depuis le dernier rapport"),
        "{}",
        out.stdout
    );
    assert_eq!(d.entries(), before + 2, "the bundle and the alarm");
    let refused_act = d.record("2027-03-03T09:00:00Z", MARIE_PIN, json!({}));
    assert_eq!(refused_act.code, 3, "{refused_act:?}");
    assert!(
        refused_act.stderr.contains("registre restauré ou altéré"),
        "{}",
        refused_act.stderr
    );
    assert_eq!(d.run(&["verify"], "").code, 0, "the log itself is sound");

    // The coordinator looks into it and accepts the log as it is.
    let out = office.run_at(
        "2027-03-03T10:00:00Z",
        &["device", "acknowledge", "--name", "Appareil 0"],
        "",
    );
    assert_eq!(out.code, 0, "{out:?}");
    let bundle = office.bundle("lot-3.json");
    let out = d.run_at("2027-03-04T08:00:00Z", &["bundle", "apply", &bundle], "");
    assert_eq!(out.code, 0, "{out:?}");
    let ok = d.record("2027-03-04T09:00:00Z", MARIE_PIN, json!({}));
    assert_eq!(ok.code, 0, "{ok:?}");
    // February, refused before, is received now: it continues December,
    // and January's abandoned log no longer stands in its way.
    let out = import(&office, "2027-03-05T09:00:00Z", &[&feb]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("chaîne continue"), "{}", out.stdout);
    // March, reusing seqs the abandoned log had claimed, continues too.
    let mar = d.report("2027-04-01T08:00:00Z", "2027-03");
    let out = import(&office, "2027-04-02T09:00:00Z", &[&mar]);
    assert_eq!(out.code, 0, "{out:?}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

fn unsigned(path: &Path, edit: impl FnOnce(&mut Value)) -> Value {
    as_schema_2(read_json(path), edit)
}

#[test]
fn un_rapport_non_signe_attend_la_confirmation_du_coordinateur() {
    let (office, mut devices) = fleet(&["Pharmacie du Marché"]);
    let d = devices.remove(0);
    acts(&d, "2026-12-04", 3);
    let dec = d.report("2027-01-01T08:00:00Z", DEC);
    // December as an older protocoop would have sent it.
    let old = write_json(&d.env.path(""), "ancien.json", &unsigned(&dec, |_| {}));
    // A schema 2 file carrying a key or a chain is no older protocoop's.
    let mixed = unsigned(&dec, |v| {
        v["device_public_key"] = json!(d.public_key());
    });
    refused(
        &office,
        &write_json(&d.env.path(""), "melange.json", &mixed),
        "ni signature, ni clé",
    );
    let out = import(&office, "2027-01-02T09:00:00Z", &[&old]);
    assert_eq!(out.code, 1, "flagged: {out:?}");
    assert!(out.stdout.contains(": importé"), "{}", out.stdout);
    assert!(out.stdout.contains("NON SIGNÉ"), "{}", out.stdout);

    let month = |o: &Office| -> Value {
        let out = o.run_at(
            "2027-01-02T09:00:00Z",
            &["report", "--month", DEC, "--format", "json"],
            "",
        );
        serde_json::from_str(&out.stdout).unwrap()
    };
    let c = month(&office);
    assert_eq!(c["payments"], json!([]), "{}", c["payments"]);
    assert_eq!(c["devices"][0]["signed"], false);
    assert_eq!(c["screenings"], 3, "its indicators still count");
    assert!(c["anomalies"].to_string().contains("n'est pas signé"));

    let out = office.run_at(
        "2027-01-03T09:00:00Z",
        &["confirm", old.to_str().unwrap()],
        "",
    );
    assert_eq!(out.code, 0, "{out:?}");
    let c = month(&office);
    let marie = c["payments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["rpps"] == DELEGUE)
        .unwrap();
    assert_eq!(marie["cents"], 3000);
    // Confirming twice says why not.
    let again = office.run_at(
        "2027-01-03T09:00:00Z",
        &["confirm", old.to_str().unwrap()],
        "",
    );
    assert_eq!(again.code, 1);
    assert!(again.stdout.contains("déjà confirmé"), "{}", again.stdout);

    // Updated, the device signs January: imported, continuing December.
    let jan = january(&d);
    let out = import(&office, "2027-02-02T09:00:00Z", &[&jan]);
    assert_eq!(out.code, 0, "{out:?}");
    // February stripped of its signature, figures raised: the CPTS knows
    // this device signs, and refuses it outright.
    acts(&d, "2027-02-05", 1);
    let feb = d.report("2027-03-01T08:00:00Z", FEB);
    let forged = unsigned(&feb, |v| v["remuneration"]["total_cents"] = json!(999_900));
    refused(
        &office,
        &write_json(&d.env.path(""), "fevrier-sans-signature.json", &forged),
        "un rapport signé dont on a ôté la signature",
    );
}

/// Runs the reference checker of docs/REPORT-FORMAT.md (Python, no
/// protocoop) on `report`.
fn python_check(report: &Path, key: &str, previous: Option<&Path>) -> std::process::Output {
    let mut cmd = std::process::Command::new("python3");
    cmd.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/verify_report.py"))
        .arg(report)
        .args(["--key", key]);
    if let Some(p) = previous {
        cmd.arg("--previous").arg(p);
    }
    let out = cmd.output().unwrap_or_else(|e| {
        panic!("python3 introuvable ({e}) : installez python3 et le paquet « cryptography » (pip install cryptography)")
    });
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("cryptography"),
        "le paquet Python « cryptography » manque : pip install cryptography ({stderr})"
    );
    out
}

#[test]
fn un_tiers_verifie_un_rapport_sans_protocoop() {
    let (_office, d, dec) = december();
    let jan = january(&d);
    let key = d.public_key();
    let out = python_check(&dec, &key, None);
    assert!(out.status.success(), "{out:?}");
    let out = python_check(&jan, &key, Some(&dec));
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("OK"));

    let dir = d.env.path("");
    let v = read_json(&jan);
    // A figure changed: the signature no longer holds.
    let mut forged = v.clone();
    forged["remuneration"]["total_cents"] = json!(304_500);
    let out = python_check(&write_json(&dir, "p1.json", &forged), &key, Some(&dec));
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("content_sha256"),
        "{out:?}"
    );
    // Re-signed with the device's key: the rows do not give the figure.
    let resigned = resign(&forged, &stolen_key(&d));
    let out = python_check(&write_json(&dir, "p2.json", &resigned), &key, Some(&dec));
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("total_cents"),
        "{out:?}"
    );
    // Another key than the device's.
    let stranger = resign(&v, &KeyPair::generate().unwrap());
    let out = python_check(&write_json(&dir, "p3.json", &stranger), &key, Some(&dec));
    assert!(!out.status.success());
    // A chain that does not start at the previous report's closure.
    let mut broken = v.clone();
    broken["chain"][0]["payload_sha256"] = json!("00".repeat(32));
    let broken = resign(&broken, &stolen_key(&d));
    let out = python_check(&write_json(&dir, "p4.json", &broken), &key, Some(&dec));
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("empreinte recalculée"),
        "{out:?}"
    );
}

/// A quiet month — not one entry between two closures — is a report like
/// any other: its closure seals the head the previous one left, the CPTS
/// imports it (nothing to pay) and the next month follows on; the
/// third-party check agrees.
#[test]
fn un_mois_sans_aucune_entree_se_suit_sans_alarme() {
    let (office, d, dec) = december();
    let jan = d.report("2027-02-01T08:00:00Z", JAN);
    let j = read_json(&jan);
    assert_eq!(j["closure"]["count"], 0);
    assert_eq!(
        j["closure"]["last_seq"].as_u64().unwrap() + 1,
        j["closure"]["first_seq"].as_u64().unwrap(),
        "nothing between the two closures"
    );
    // One that claims another head is still refused.
    let mut forged = j.clone();
    forged["closure"]["head_hash"] = json!("00".repeat(32));
    let forged = write_json(
        &d.env.path(""),
        "calme.json",
        &resign(&forged, &stolen_key(&d)),
    );
    let out = import(&office, "2027-02-02T09:00:00Z", &[&forged]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(
        out.stdout
            .contains("la clôture annoncée ne scelle pas la chaîne"),
        "{}",
        out.stdout
    );

    acts(&d, "2027-02-10", 1);
    let feb = d.report("2027-03-01T08:00:00Z", FEB);
    let out = import(&office, "2027-03-02T09:00:00Z", &[&jan, &feb]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!out.stdout.contains("refusé"), "{}", out.stdout);
    assert_eq!(
        out.stdout.matches("chaîne continue").count(),
        2,
        "{}",
        out.stdout
    );
    let key = d.public_key();
    for (report, previous) in [(&jan, &dec), (&feb, &jan)] {
        let out = python_check(report, &key, Some(previous));
        assert!(out.status.success(), "{out:?}");
    }
}
