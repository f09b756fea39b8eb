//! What the CLI says, in words a coordinator reads: decisions in the
//! protocol's terms, follow-ups by name, what voiding does to the pay, a
//! délégant's RPPS where a délégué signs, reports on standard output.

mod common;

use common::fleet::*;
use common::*;
use serde_json::{Value, json};

const OCTOBER: &str = "2026-10-12T09:00:00Z";
const NOVEMBER: &str = "2026-11-03T09:00:00Z";

fn number(out: &Output) -> String {
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    v["number"].as_str().unwrap().to_string()
}

#[test]
fn une_decision_et_ses_suivis_se_lisent_en_mots() {
    let (_office, devices) = fleet(&["Pharmacie du Marché"]);
    let d = &devices[0];
    let out = d.run_at(
        OCTOBER,
        &["act", "record", "--input", "-", "--pin-stdin"],
        &format!("{MARIE_PIN}\n{}", abscess_input(json!({}))),
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout
            .contains(": prise en charge — rendez-vous dentaire sous 24 heures"),
        "the record says its decision: {}",
        out.stdout
    );
    let excluded = abscess_input(json!({"facts": {"excl.anticoagulant": true}, "lines": []}));
    let out = d.run_at(
        OCTOBER,
        &["act", "record", "--input", "-", "--pin-stdin", "--json"],
        &format!("{MARIE_PIN}\n{excluded}"),
    );
    assert_eq!(out.code, 0, "{out:?}");
    let excluded = number(&out);
    let show = d.run_at(OCTOBER, &["act", "show", &excluded], "");
    assert!(
        show.stdout
            .contains("Décision : non pris en charge — Hors protocole : avis sous 24 heures"),
        "{}",
        show.stdout
    );
    assert!(show.stdout.contains("Motifs : "), "{}", show.stdout);
    assert!(
        !show.stdout.contains("excl.anticoagulant"),
        "{}",
        show.stdout
    );

    d.ok(
        &[
            "followup",
            "add",
            "--act",
            "2026-0001",
            "--by",
            DELEGUE,
            "--pin-stdin",
            "--kind",
            "evenement-indesirable",
            "--severity",
            "legere",
            "--nature",
            "allergie",
        ],
        &format!("{MARIE_PIN}\n"),
    );
    let show = d.ok(&["act", "show", "2026-0001"], "");
    assert!(
        show.stdout
            .contains(": événement indésirable : réaction allergique, légère"),
        "{}",
        show.stdout
    );
    assert!(!show.stdout.contains("adverse_event"), "{}", show.stdout);
    assert!(
        show.stdout
            .contains("Décision : prise en charge — rendez-vous dentaire sous 24 heures"),
        "{}",
        show.stdout
    );
}

#[test]
fn annuler_un_acte_paye_dit_ce_que_devient_la_remuneration() {
    let (_office, devices) = fleet(&["Pharmacie du Marché"]);
    let d = &devices[0];
    let first = number(&d.record(OCTOBER, MARIE_PIN, json!({})));
    let second = number(&d.record(OCTOBER, MARIE_PIN, json!({})));
    let void = |n: &str, at: &str| {
        let out = d.run_at(
            at,
            &[
                "act",
                "void",
                n,
                "--by",
                DELEGUE,
                "--reason",
                "doublon",
                "--pin-stdin",
            ],
            &format!("{MARIE_PIN}\n"),
        );
        assert_eq!(out.code, 0, "{out:?}");
        out.stdout
    };
    let open = void(&first, OCTOBER);
    // Amounts are written with French spaces (fr::money).
    let words = |s: &str| s.replace(['\u{a0}', '\u{202f}'], " ");
    assert!(
        words(&open).contains("Son mois n'est pas encore clôturé : 10,00 € (délégué) et 15,00 € (délégant) ne seront pas payés."),
        "{open}"
    );
    d.report(NOVEMBER, "2026-10");
    let reported = void(&second, NOVEMBER);
    assert!(
        words(&reported).contains("Il figurait au rapport d'octobre 2026 : 10,00 € (délégué) et 15,00 € (délégant) seront déduits au rapport du prochain mois clôturé."),
        "{reported}"
    );
}

#[test]
fn le_rpps_d_un_delegant_ne_signe_pas_et_le_dit() {
    let (_office, devices) = fleet(&["Pharmacie du Marché"]);
    let d = &devices[0];
    let n = number(&d.record(OCTOBER, MARIE_PIN, json!({})));
    refused(
        d,
        OCTOBER,
        &[
            "act",
            "void",
            &n,
            "--by",
            DELEGANT,
            "--reason",
            "doublon",
            "--pin-stdin",
        ],
        &format!("{MARIE_PIN}\n"),
        3,
        "est délégant sur cet appareil : seul un délégué signe avec son code PIN",
    );
}

#[test]
fn un_rapport_va_sur_la_sortie_standard_sans_out_ou_avec_un_tiret() {
    let (_office, devices) = fleet(&["Pharmacie du Marché"]);
    let d = &devices[0];
    d.record(OCTOBER, MARIE_PIN, json!({}));
    for out_args in [vec![], vec!["--out", "-"]] {
        let mut args = vec!["report", "--month", "2026-10", "--format", "json"];
        args.extend(out_args);
        let out = d.run_at(NOVEMBER, &args, "");
        assert_eq!(out.code, 0, "{out:?}");
        let v: Value = serde_json::from_str(&out.stdout).expect("the report alone on stdout");
        assert_eq!(v["month"], "2026-10");
        assert!(
            out.stderr.contains("Écrit dans la sortie standard"),
            "{}",
            out.stderr
        );
    }
    let out = d.run_at(
        NOVEMBER,
        &[
            "report", "--month", "2026-10", "--format", "pdf", "--out", "-",
        ],
        "",
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("un PDF s'écrit dans un fichier"),
        "{}",
        out.stderr
    );
}

#[test]
fn une_date_s_ecrit_pareil_dans_chaque_sortie_json() {
    let (_office, devices) = fleet(&["Pharmacie du Marché"]);
    let d = &devices[0];
    let n = number(&d.record(OCTOBER, MARIE_PIN, json!({})));
    let list: Value = serde_json::from_str(&d.ok(&["act", "list", "--json"], "").stdout).unwrap();
    let show: Value =
        serde_json::from_str(&d.ok(&["act", "show", &n, "--json"], "").stdout).unwrap();
    assert_eq!(list[0]["occurred_at"], "2026-10-12T09:00:00Z");
    assert_eq!(list[0]["occurred_at"], show["act"]["occurred_at"]);
}
