//! Paying a month, through the real binary: the professionals' IBANs
//! checked, the treasurer's list with them, the SEPA transfer file valid
//! against the pain.001.001.03 schema (tests/fixtures, the ISO 20022 XSD as
//! the `sepaxml` package ships it) and paying exactly the consolidated
//! month, then the month marked « payé » once.

mod common;

use common::fleet::*;
use common::*;
use serde_json::json;

const DEC: &str = "2026-12";
const MARIE_IBAN: &str = "FR76 3000 6000 0112 3456 7890 189";
const CLAIRE_IBAN: &str = "FR14 2004 1010 0505 0001 3M02 606";
const CPTS_IBAN: &str = "FR7630001007941234567890185";

fn refused(o: &Office, args: &[&str], says: &str) {
    let out = o.run_at("2027-01-05T09:00:00Z", args, "");
    assert_eq!(out.code, 2, "{args:?}: {out:?}");
    assert!(out.stderr.contains(says), "{args:?}: {}", out.stderr);
}

#[test]
fn a_month_paid_by_sepa_transfer_from_checked_ibans() {
    let (office, devices) = fleet(&["Pharmacie du Marché"]);
    let d = &devices[0];
    for h in 10..13 {
        let out = d.record(&format!("2026-12-04T{h}:00:00Z"), MARIE_PIN, json!({}));
        assert_eq!(out.code, 0, "{out:?}");
    }
    let report = d.report("2027-01-01T08:00:00Z", DEC);
    let out = office.run_at(
        "2027-01-02T08:00:00Z",
        &["import", report.to_str().unwrap()],
        "",
    );
    assert_eq!(out.code, 0, "{out:?}");

    let xml = office.env.path("virements.xml");
    let xml_s = xml.to_str().unwrap();
    let sepa = [
        "payments", "--month", DEC, "--format", "sepa", "--out", xml_s,
    ];
    refused(
        &office,
        &sepa,
        "le compte de la CPTS n'est pas encore connu",
    );
    let with_debtor = [
        &sepa[..],
        &[
            "--debtor-iban",
            CPTS_IBAN,
            "--debtor-name",
            "CPTS Sud Deux-Sèvres",
        ],
    ]
    .concat();
    refused(
        &office,
        &with_debtor,
        "pas d'IBAN enregistré pour Marie Durand",
    );
    assert!(!xml.exists(), "nothing written while an IBAN is missing");

    // IBANs: checked, for registered professionals only.
    let typo = MARIE_IBAN.replace("189", "198");
    refused(
        &office,
        &["iban", "set", "--rpps", DELEGUE, "--iban", &typo],
        "clé de contrôle ne correspond pas",
    );
    refused(
        &office,
        &["iban", "set", "--rpps", NURSE, "--iban", MARIE_IBAN],
        "ni un délégué ni un délégant",
    );
    refused(
        &office,
        &[
            "iban",
            "set",
            "--rpps",
            DELEGANT,
            "--iban",
            CLAIRE_IBAN,
            "--bic",
            "BNP",
        ],
        "8 ou 11 caractères",
    );
    office.ok(
        &["iban", "set", "--rpps", DELEGUE, "--iban", MARIE_IBAN],
        "",
    );
    office.ok(
        &[
            "iban",
            "set",
            "--rpps",
            DELEGANT,
            "--iban",
            CLAIRE_IBAN,
            "--bic",
            "bnpafrpp",
        ],
        "",
    );
    // The CPTS's listing never shows an account.
    let list = office.ok(&["list", "--json"], "");
    assert!(
        !list.stdout.contains("30006000011234567890189"),
        "{}",
        list.stdout
    );

    refused(
        &office,
        &["paid", "--month", DEC],
        "aucun fichier de paiement écrit pour 2026-12",
    );
    refused(
        &office,
        &[&with_debtor[..], &["--execution-date", "2027-01-02"]].concat(),
        "est passé",
    );
    let out = office.run_at("2027-01-05T09:00:00Z", &with_debtor, "");
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stdout.contains("2 virements, 75,00\u{a0}€ au total"),
        "{}",
        out.stdout
    );
    assert_sepa_valid(&xml);
    let text = std::fs::read_to_string(&xml).unwrap();
    // 3 acts: 30 € to Marie, 45 € to her délégant, in the SEPA characters.
    for want in [
        "<NbOfTxs>2</NbOfTxs>",
        "<CtrlSum>75.00</CtrlSum>",
        "<InstdAmt Ccy=\"EUR\">30.00</InstdAmt>",
        "<InstdAmt Ccy=\"EUR\">45.00</InstdAmt>",
        "<IBAN>FR7630006000011234567890189</IBAN>",
        "<IBAN>FR1420041010050500013M02606</IBAN>",
        "<BIC>BNPAFRPP</BIC>",
        "<Dbtr><Nm>CPTS Sud Deux-Sevres</Nm></Dbtr>",
        "<ReqdExctnDt>2027-01-06</ReqdExctnDt>",
    ] {
        assert!(text.contains(want), "{want} absent:\n{text}");
    }
    let mut lines = text.lines().filter(|l| l.contains("<InstdAmt"));
    assert_eq!(lines.clone().count(), 2);
    assert!(lines.all(|l| !l.contains('-')), "no negative transfer");

    // The debtor is kept; the treasurer's list names each account.
    let csv = office.env.path("paiements.csv");
    let out = office.run_at(
        "2027-01-05T09:05:00Z",
        &["payments", "--month", DEC, "--out", csv.to_str().unwrap()],
        "",
    );
    assert_eq!(out.code, 0, "{out:?}");
    let list = std::fs::read_to_string(&csv).unwrap();
    assert!(
        list.contains(
            "délégué;10005173140;Marie Durand;3;0;30,00;FR76 3000 6000 0112 3456 7890 189;;virement"
        ),
        "{list}"
    );

    let out = office.run_at("2027-01-06T09:00:00Z", &["paid", "--month", DEC], "");
    assert_eq!(out.code, 0, "{out:?}");
    let sha = protocoop::protocol::sha256_hex(text.as_bytes());
    assert!(
        out.stdout.contains(&format!(
            "marqué payé le 06/01/2027 à 10:00, d'après le fichier SHA-256 {sha}"
        )),
        "the transfer file, not the later list: {}",
        out.stdout
    );
    refused(&office, &["paid", "--month", DEC], "déjà marqué payé");
    // A paid month never gets a second transfer file; its list, yes.
    refused(
        &office,
        &sepa,
        "un nouveau fichier de virements paierait tout le monde une seconde fois",
    );
    let out = office.run_at(
        "2027-01-06T09:05:00Z",
        &["payments", "--month", DEC, "--out", csv.to_str().unwrap()],
        "",
    );
    assert_eq!(out.code, 0, "{out:?}");
}
