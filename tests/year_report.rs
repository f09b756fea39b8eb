//! The yearly report for the ARS (issue 18, item 5): a generated year with
//! known answers — calls made, missed and unanswered, appointments within
//! and past their deadline, repeat visits at 30 and 120 days, adverse
//! events of two natures and severities, a reprise, satisfactions, the
//! professionals' questionnaire answered, put off and answered again over
//! three quarters — every figure asserted on the device, and the same
//! figures at the CPTS from the imported monthly reports alone.

mod common;

use common::fleet::*;
use common::*;
use serde_json::{Value, json};

fn number(out: &Output) -> String {
    assert_eq!(out.code, 0, "{out:?}");
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    v["number"].as_str().unwrap().to_string()
}

fn followup(d: &Device, at: &str, act: &str, args: &[&str]) {
    let mut a = vec![
        "followup",
        "add",
        "--act",
        act,
        "--by",
        DELEGUE,
        "--pin-stdin",
    ];
    a.extend_from_slice(args);
    let out = d.run_at(at, &a, &format!("{MARIE_PIN}\n"));
    assert_eq!(out.code, 0, "{args:?}: {out:?}");
}

/// Marie's questionnaire of the quarter: `--answer ID=N`… or `--later`.
fn survey(d: &Device, at: &str, args: &[&str]) {
    let mut a = vec!["survey", "add", "--by", DELEGUE, "--pin-stdin"];
    a.extend_from_slice(args);
    let out = d.run_at(at, &a, &format!("{MARIE_PIN}\n"));
    assert_eq!(out.code, 0, "{args:?}: {out:?}");
}

/// The same patient as the year's first act (born on the first day of
/// the fixtures' patients).
fn same_patient(extra: Value) -> Value {
    let mut v = json!({"patient": {"birth_date": "1986-03-02"}});
    if let (Some(a), Value::Object(b)) = (v.as_object_mut(), extra) {
        a.extend(b);
    }
    v
}

fn year_json(d: &Device, at: &str, year: &str) -> Value {
    let out = d.run_at(at, &["report", "--year", year, "--format", "json"], "");
    assert_eq!(out.code, 0, "{out:?}");
    serde_json::from_str(&out.stdout).unwrap()
}

#[test]
fn une_annee_connue_donne_chaque_chiffre_sur_l_appareil_et_a_la_cpts() {
    let (office, devices) = fleet(&["Pharmacie du Marché"]);
    let d = &devices[0];
    // March 2027.
    let a1 = number(&d.record("2027-03-03T09:00:00Z", MARIE_PIN, json!({})));
    let a2 = number(&d.record(
        "2027-03-05T09:00:00Z",
        MARIE_PIN,
        json!({"facts": {"sympt.abscess": false, "sympt.cold_brushing": true}, "lines": ["paracetamol"]}),
    ));
    let a3 = number(&d.record(
        "2027-03-09T09:00:00Z",
        MARIE_PIN,
        json!({"facts": {"excl.eye_swelling": true}, "lines": []}),
    ));
    // A1's two calls at once: seen the next day, allergy.
    followup(
        d,
        "2027-03-05T10:00:00Z",
        &a1,
        &[
            "--kind",
            "appel",
            "--call",
            "j1_vu",
            "--call",
            "j2",
            "--reached",
            "oui",
            "--made",
            "oui",
            "--on",
            "04/03/2027",
            "--pain",
            "2",
            "--score",
            "5",
            "--nature",
            "allergie",
            "--severity",
            "legere",
        ],
    );
    // A2 never answers: injoignable after three days.
    for day in ["07", "08", "09"] {
        followup(
            d,
            &format!("2027-03-{day}T10:00:00Z"),
            &a2,
            &["--kind", "appel", "--call", "j2", "--reached", "non"],
        );
    }
    // The first quarter's questionnaire.
    survey(
        d,
        "2027-03-10T08:00:00Z",
        &["--answer", "global=5", "--answer", "formation=4"],
    );
    let march = d.report("2027-04-01T08:00:00Z", "2027-03");
    // The second's, put off.
    survey(d, "2027-04-03T08:00:00Z", &["--later"]);
    // April: A1's patient again after 30 days — avis sous 24 heures.
    let a5 = number(&d.record(
        "2027-04-02T09:00:00Z",
        MARIE_PIN,
        same_patient(json!({"lines": []})),
    ));
    let a4 = number(&d.record("2027-04-13T09:00:00Z", MARIE_PIN, json!({})));
    // A4: reached late, appointment past its 24 h, a grave worsening; its
    // J+2 call never made; taken over by the délégant.
    followup(
        d,
        "2027-04-20T10:00:00Z",
        &a4,
        &[
            "--kind",
            "appel",
            "--call",
            "j1_vu",
            "--reached",
            "oui",
            "--made",
            "oui",
            "--on",
            "25/04/2027",
            "--nature",
            "aggravation-infection",
            "--severity",
            "grave",
        ],
    );
    followup(d, "2027-04-21T10:00:00Z", &a4, &["--kind", "reprise"]);
    followup(
        d,
        "2027-04-21T10:00:00Z",
        &a4,
        &["--kind", "satisfaction-professionnel", "--score", "4"],
    );
    let april = d.report("2027-05-02T08:00:00Z", "2027-04");
    // July: the same patient after 120 days is taken in charge again.
    let a6 = number(&d.record("2027-07-01T09:00:00Z", MARIE_PIN, same_patient(json!({}))));
    // The third quarter's, answered again.
    survey(
        d,
        "2027-07-02T08:00:00Z",
        &["--answer", "outil=3", "--answer", "global=2"],
    );
    assert_eq!(
        [&a1, &a2, &a3, &a5, &a4, &a6].map(|s| s.as_str()),
        [
            "2027-0001",
            "2027-0002",
            "2027-0003",
            "2027-0004",
            "2027-0005",
            "2027-0006"
        ]
    );

    let reports = [march, april, d.report("2027-08-02T08:00:00Z", "2027-07")];
    let at = "2027-08-05T08:00:00Z";
    let v = year_json(d, at, "2027");
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["year"], 2027);
    assert_eq!(v["provisional"], true);
    assert_eq!(v["as_of"], "2027-08-05");
    let reasons = v["provisional_reasons"].to_string();
    assert!(
        reasons.contains("l'année 2027 n'est pas terminée"),
        "{reasons}"
    );
    let protocols = v["protocols"].as_array().unwrap();
    assert_eq!(protocols.len(), 1);
    let p = &protocols[0];
    let expected = json!({
        "protocol_id": "dentaire-sud-deux-sevres",
        "prises_en_charge": 4,
        "screenings": 6,
        "orientations": 2,
        "reprises": {"count": 1, "rate": 0.25},
        "adverse_events": {
            "count": 2, "acts": 2, "rate": 0.5,
            "by_nature": {"aggravation_infection": 1, "allergie": 1},
            "by_severity": {"grave": 1, "legere": 1}
        },
        "nature_labels": {
            "aggravation_infection": "aggravation de l'infection",
            "allergie": "réaction allergique"
        },
        "satisfaction": {
            "patients": {"responses": 1, "sum": 5, "mean": 5.0, "distribution": [0, 0, 0, 0, 1]},
            // A4's 4, and the questionnaire's overall 5 and 2.
            "professionals": {"responses": 3, "sum": 11, "mean": 3.67, "distribution": [0, 1, 0, 1, 1]}
        },
        "surveys": {
            "answered": 2,
            "declined": 1,
            "questions": [
                {"id": "global", "text": "Dans l'ensemble, êtes-vous satisfait(e) du protocole ?",
                 "answers": {"responses": 2, "sum": 7, "mean": 3.5, "distribution": [0, 1, 0, 0, 1]}},
                {"id": "formation", "text": "La formation vous a-t-elle préparé(e) aux situations rencontrées ?",
                 "answers": {"responses": 1, "sum": 4, "mean": 4.0, "distribution": [0, 0, 0, 1, 0]}},
                {"id": "outil", "text": "protocoop vous aide-t-il à appliquer le protocole ?",
                 "answers": {"responses": 1, "sum": 3, "mean": 3.0, "distribution": [0, 0, 1, 0, 0]}}
            ]
        },
        // A1 j1_vu + j2, A2 j2, A4 j1_vu + j2, A6 j1_vu + j2: 7 due, 3
        // answered, A2's closed unanswered.
        "followups": {
            "due": 7, "done": 3, "unreachable": 1, "rate": 0.4286,
            "with_deadline": 4, "appointments_made": 2, "appointments_within_deadline": 1
        },
        // A2, on a Friday.
        "friday_saturday_holiday_eve": {"count": 1, "rate": 0.25},
        "by_profession": {"pharmacien": 4},
        "pharmacies_involved": 1,
        "out_of_territory": {"count": 0, "rate": 0.0}
    });
    assert_eq!(*p, expected, "{p:#}");

    // The CPTS, from the three imported reports only: the same figures.
    let mut args = vec!["import"];
    let paths: Vec<String> = reports
        .iter()
        .map(|p| p.to_str().unwrap().to_string())
        .collect();
    args.extend(paths.iter().map(String::as_str));
    let out = office.run_at(at, &args, "");
    assert_eq!(out.code, 0, "{out:?}");
    let out = office.run_at(at, &["report", "--year", "2027", "--format", "json"], "");
    assert_eq!(out.code, 0, "{out:?}");
    let c: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(c["protocols"], v["protocols"]);
    assert_eq!(c["provisional"], true);
    assert_eq!(c["months"], json!(["2027-03", "2027-04", "2027-07"]));
    assert!(
        out.stderr
            .contains("Rapport annuel 2027 (provisoire) : 4 prises en charge"),
        "{}",
        out.stderr
    );
    // Nothing identifying in either.
    for text in [v.to_string(), c.to_string()] {
        for secret in ["Martin", "MARTIN", "1986-03-02", "Paul", DELEGUE] {
            assert!(!text.contains(secret), "{secret}");
        }
    }

    // CSV and PDF: the same indicators, « PROVISOIRE » on the annex.
    let csv = d.run_at(at, &["report", "--year", "2027", "--format", "csv"], "");
    assert_eq!(csv.code, 0, "{csv:?}");
    for s in [
        ";Année 2027;provisoire",
        "dentaire-sud-deux-sevres;Appels de suivi faits / dus;\"3 / 7 (42,9",
        "dentaire-sud-deux-sevres;Reprises par le délégant;1 (25,0",
        "dentaire-sud-deux-sevres;Événements indésirables par nature;aggravation de l'infection : 1, réaction allergique : 1",
        "dentaire-sud-deux-sevres;Événements indésirables par gravité;grave : 1, légère : 1",
        "dentaire-sud-deux-sevres;Questionnaires des professionnels;2 rempli(s), 1 remis à plus tard",
        "dentaire-sud-deux-sevres;Questionnaire — Dans l'ensemble, êtes-vous satisfait(e) du protocole ?;2 réponses — moyenne 3,50 / 5",
    ] {
        assert!(csv.stdout.contains(s), "{s}: {}", csv.stdout);
    }
    let pdf = d.env.path("annuel.pdf");
    let out = office.run_at(
        at,
        &[
            "report",
            "--year",
            "2027",
            "--format",
            "pdf",
            "--out",
            pdf.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(out.code, 0, "{out:?}");
    if let Some(keep) = std::env::var_os("PROTOCOOP_KEEP_PDF") {
        std::fs::copy(&pdf, std::path::Path::new(&keep).join("rapport-annuel.pdf")).unwrap();
    }
    let text = pdf_text(&pdf);
    for s in [
        "Rapport annuel 2027 — PROVISOIRE",
        "PROVISOIRE",
        "Prises en charge : 4",
        "Pharmacies impliquées : 1",
    ] {
        assert!(text.contains(s), "{s}: {text}");
    }

    // Once the year is over (the later months without acts): final. A
    // yearly report closes nothing and writes nothing.
    let entries = d.entries();
    let v = year_json(d, "2028-01-15T08:00:00Z", "2027");
    assert_eq!(d.entries(), entries);
    assert_eq!(v["provisional"], false, "{}", v["provisional_reasons"]);
    assert_eq!(v["as_of"], "2027-12-31");
    assert_eq!(v["protocols"][0]["followups"]["due"], 7);
}

#[test]
fn une_annee_impossible_est_refusee_en_francais() {
    let (_office, devices) = fleet(&["Pharmacie du Marché"]);
    let d = &devices[0];
    for (year, says) in [
        ("2027", "l'année 2027 n'a pas commencé"),
        ("1900", "année 1900 : entre 2020 et 2100"),
    ] {
        let out = d.run(&["report", "--year", year, "--format", "json"], "");
        assert_eq!(out.code, 2, "{out:?}");
        assert!(out.stderr.contains(says), "{year}: {}", out.stderr);
    }
    let out = d.run(&["report", "--format", "json"], "");
    assert_ne!(out.code, 0);
    assert!(
        out.stderr.contains("--year") || out.stderr.contains("--month"),
        "{}",
        out.stderr
    );
    // A past year without acts: final, and empty.
    let out = d.run(&["report", "--year", "2025", "--format", "json"], "");
    assert_eq!(out.code, 0, "{out:?}");
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["provisional"], false);
    assert_eq!(v["protocols"], json!([]));
}
