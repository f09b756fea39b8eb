//! `protocoop report` through the real binary: the files it writes (JSON,
//! CSV for French Excel, PDF), their permissions, and its exit codes.

mod common;

use common::*;
use serde_json::json;

/// A data folder with three acts of May 2026 (two paid, one excluded).
fn data_dir(env: &TestEnv) -> String {
    let dir = env.path("data");
    let mut l = setup_ledger(&dir, t("2026-04-01T08:00:00Z"));
    let p = attach(&mut l, t("2026-04-01T08:00:00Z"));
    for (at, extra) in [
        ("2026-05-04T08:00:00Z", json!({})),
        ("2026-05-08T08:00:00Z", json!({"delegue_rpps": DELEGUE_2})),
        (
            "2026-05-09T08:00:00Z",
            json!({"facts": {"excl.anticoagulant": true}, "lines": []}),
        ),
    ] {
        let mut v = extra;
        v["occurred_at"] = json!(at);
        record(&mut l, &p, &abscess_input(v), t(at)).unwrap();
    }
    dir.to_str().unwrap().to_string()
}

const NOW: (&str, &str) = ("PROTOCOOP_NOW", "2026-06-02T08:00:00Z");

#[test]
fn csv_pour_excel_relu_octet_par_octet() {
    let env = TestEnv::new();
    let data = data_dir(&env);
    let out = env.run_env(
        &[
            "--data-dir",
            &data,
            "report",
            "--month",
            "2026-05",
            "--format",
            "csv",
            "--out",
            "mai.csv",
        ],
        "",
        &[NOW],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("2 prises en charge"), "{}", out.stdout);
    let bytes = std::fs::read(env.path("mai.csv")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "BOM");
    let body = &bytes[3..];
    // Every line ends with CRLF, none with a bare LF.
    assert!(body.ends_with(b"\r\n"));
    assert_eq!(
        body.windows(2).filter(|w| w == b"\r\n").count(),
        body.iter().filter(|&&b| b == b'\n').count()
    );
    let text = std::str::from_utf8(body).unwrap();
    assert!(
        text.starts_with("Mois;Rôle;RPPS;Nom;Actes payés;Actes déduits;Montant (€);Appareils\r\n"),
        "{text}"
    );
    let mut r = csv::ReaderBuilder::new().delimiter(b';').from_reader(body);
    let rows: Vec<Vec<String>> = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect();
    let expected: Vec<Vec<&str>> = vec![
        vec![
            "2026-05",
            "délégué",
            DELEGUE_2,
            "Luc Bernard",
            "1",
            "0",
            "10,00",
            "",
        ],
        vec![
            "2026-05",
            "délégué",
            DELEGUE,
            "Marie Durand",
            "1",
            "0",
            "10,00",
            "",
        ],
        vec![
            "2026-05",
            "délégant",
            DELEGANT,
            "Dr Claire Exemple",
            "2",
            "0",
            "30,00",
            "",
        ],
        vec!["2026-05", "total", "", "", "2", "0", "50,00", ""],
    ];
    assert_eq!(rows, expected);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(env.path("mai.csv"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn json_codes_de_sortie_et_rapport_reproductible() {
    let env = TestEnv::new();
    let data = data_dir(&env);
    let run = |args: &[&str], now: &str| {
        let mut all = vec!["--data-dir", data.as_str()];
        all.extend(args);
        env.run_env(&all, "", &[("PROTOCOOP_NOW", now)])
    };
    // May is not over yet: refused (3). Bad format: bad input (2).
    let early = run(
        &[
            "report", "--month", "2026-05", "--format", "json", "--out", "r.json",
        ],
        "2026-05-31T08:00:00Z",
    );
    assert_eq!(early.code, 3, "{early:?}");
    assert!(
        early.stderr.contains("n'est pas terminé"),
        "{}",
        early.stderr
    );
    let bad = run(
        &[
            "report", "--month", "2026-05", "--format", "xls", "--out", "r.xls",
        ],
        NOW.1,
    );
    assert_eq!(bad.code, 2, "{bad:?}");
    assert!(bad.stderr.contains("--format"));
    // `close` cannot skip May, which has acts and no report yet.
    let skip = run(&["close", "--month", "2026-06"], "2026-07-02T08:00:00Z");
    assert_eq!(skip.code, 3, "{skip:?}");
    assert!(
        skip.stderr.contains("report --month 2026-05"),
        "{}",
        skip.stderr
    );

    let ok = run(
        &[
            "report", "--month", "2026-05", "--format", "json", "--out", "r.json",
        ],
        NOW.1,
    );
    assert_eq!(ok.code, 0, "{ok:?}");
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(env.path("r.json")).unwrap()).unwrap();
    assert_eq!(v["schema_version"], json!(3));
    assert_eq!(v["screenings"], json!(3));
    assert_eq!(v["prises_en_charge"], json!(2));
    // 8 May 2026 is a Friday.
    assert_eq!(v["share_friday_saturday_holiday_eve"], json!(0.5));
    assert_eq!(v["remuneration"]["total_cents"], json!(5000));
    assert_eq!(v["closure"]["count"], json!(3));
    // The month is now closed: `close` refuses, the report is reproduced.
    let close = run(&["close", "--month", "2026-05"], NOW.1);
    assert_eq!(close.code, 3, "{close:?}");
    let again = run(
        &[
            "report", "--month", "2026-05", "--format", "json", "--out", "r2.json",
        ],
        "2026-06-05T08:00:00Z",
    );
    assert_eq!(again.code, 0);
    assert_eq!(
        std::fs::read(env.path("r.json")).unwrap(),
        std::fs::read(env.path("r2.json")).unwrap()
    );
}

#[test]
fn pdf_du_bureau_graphiques_et_paiements() {
    let env = TestEnv::new();
    let data = data_dir(&env);
    let out = env.run_env(
        &[
            "--data-dir",
            &data,
            "report",
            "--month",
            "2026-05",
            "--format",
            "pdf",
            "--out",
            "mai.pdf",
        ],
        "",
        &[NOW],
    );
    assert_eq!(out.code, 0, "{out:?}");
    let text = pdf_text(&env.path("mai.pdf"));
    for expected in [
        "Rapport mensuel — mai 2026",
        "Actes par jour de la semaine",
        "vendredi",
        "Répartition par urgence",
        "RDV sous 24 h : 2 (100,0",
        // Orientations and reasons in the protocol's words, not ids.
        "Hors protocole : avis sous 24 heures : 1",
        "Motif « traitement anticoagulant ou antiagrégant » : 1",
        "Rémunérations",
        "Marie Durand",
        "Dr Claire Exemple",
        "30,00",
        "50,00",
        "Vendredi, samedi ou veille de férié",
        "50,0",
        "Clôture du registre",
    ] {
        assert!(text.contains(expected), "« {expected} » absent :\n{text}");
    }
    for secret in ["Martin", "Paul"] {
        assert!(!text.contains(secret));
    }
    assert!(!text.contains("excl.anticoagulant"), "{text}");
    if let Ok(dir) = std::env::var("PROTOCOOP_KEEP_PDF") {
        std::fs::copy(
            env.path("mai.pdf"),
            std::path::Path::new(&dir).join("rapport-mai.pdf"),
        )
        .unwrap();
    }
}

#[test]
fn un_appareil_de_formation_dit_ses_actes_de_formation() {
    let env = TestEnv::new();
    let dir = env.path("data");
    let mut l = setup_ledger(&dir, t("2026-05-01T08:00:00Z"));
    let p = protocoop::protocol::Protocol::bundled();
    for day in ["04", "05", "06"] {
        let at = format!("2026-05-{day}T08:00:00Z");
        let input = abscess_input(json!({"occurred_at": at}));
        record(&mut l, &p, &input, t(&at)).unwrap();
    }
    drop(l);
    let data = dir.to_str().unwrap();
    let out = env.run_env(
        &[
            "--data-dir",
            data,
            "report",
            "--month",
            "2026-05",
            "--format",
            "pdf",
            "--out",
            "mai.pdf",
        ],
        "",
        &[NOW],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains(
            "Rapport de mai 2026 : 3 actes de formation (ni comptés ni payés), 0 dépistages"
        ),
        "{}",
        out.stdout
    );
    let text = pdf_text(&env.path("mai.pdf"));
    assert!(text.contains("Actes de formation"), "{text}");
}
