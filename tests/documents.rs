//! Documents of an act: prescription and advice sheet read back through
//! `pdftotext` (poppler-utils), fonts checked with `pdffonts`, determinism,
//! ledger traceability, refusals that write nothing.

mod common;

use std::path::Path;

use common::pdf::*;
use common::*;
use protocoop::documents::{self, Paper, Roster, prescription, summary};
use protocoop::error::{Error, Refusal};
use protocoop::ledger::{FollowupEvent, Ledger};
use protocoop::protocol::Protocol;
use serde_json::json;
use sha2::{Digest, Sha256};

const NOW: &str = "2026-11-23T10:00:00Z";

/// A ledger with the registry and one act recorded from `input`.
/// A ledger with one act; a device given a protocol from its CPTS is
/// attached to that CPTS (real acts), else a training device.
fn ledger_with(dir: &Path, protocol: &Protocol, input: &str) -> (Ledger, String) {
    let mut l = setup_ledger(dir, t(NOW));
    if !protocol.is_training() {
        attach(&mut l, t(NOW));
    }
    let r = record(&mut l, protocol, input, t(NOW)).unwrap();
    (l, r.number)
}

fn render(l: &Ledger, number: &str) -> Vec<u8> {
    prescription::render(&l.act(number).unwrap(), Paper::A4).unwrap()
}

/// Mentions every prescription must carry (R5132-3 CSP, cooperation protocol).
const MANDATORY: &[&str] = &[
    "Marie Durand",
    "Pharmacien(ne)",
    "RPPS 10005173140",
    "Pharmacie du Marché",
    "2 place du Marché, 79500 Melle, France",
    "Tél. 05 49 00 00 00",
    "Prescription dans le cadre du protocole de coopération",
    "(version 2026.1, CPTS Sud Deux-Sèvres)",
    "Chirurgien-dentiste délégant : Dr Claire Exemple — RPPS 10000000009",
    "Patient : MARTIN Paul",
    "Le 23/11/2026",
    "Signature de Marie Durand",
];

#[test]
fn adulte_abces_paracetamol_amoxicilline_chlorhexidine() {
    let dir = tempfile::tempdir().unwrap();
    let (l, number) = ledger_with(dir.path(), &validated_protocol(), &abscess_input(json!({})));
    let view = l.act(&number).unwrap();
    let pdf = render(&l, &number);
    let text = words_of(&pdf, None);
    assert_all(&text, MANDATORY);
    assert_all(
        &text,
        &[
            "Sexe : M — né(e) le 02/03/1986 (40 ans)",
            "1. PARACÉTAMOL — comprimé 500 mg",
            "2 comprimés de 500 mg par prise, toutes les 6 heures si besoin, au plus 6 comprimés par jour, pendant 5 jours — quantité : 30 comprimés (2 boîtes de 16).",
            "2. CHLORHEXIDINE — solution pour bain de bouche 0,12 %",
            "au plus 45 mL par jour, pendant 5 jours — quantité : 225 mL (1 flacon de 300 mL)",
            "3. AMOXICILLINE — gélule 500 mg",
            "2 gélules de 500 mg par prise, matin et soir, au plus 4 gélules par jour, pendant 7 jours",
            "Nombre de lignes de cette ordonnance : 3 (trois)",
            &format!("Ordonnance n° {number}"),
            &format!("code {}", documents::verification_code(&view.hash)),
        ],
    );
    // An adult dosed by the adult regimen: no weight, no secure paper, no watermark.
    assert!(!text.contains("poids"), "{text}");
    assert!(!text.contains("SÉCURISÉE"), "{text}");
    assert!(!pdf_glyphs(&pdf, 1).contains("SPÉCIMEN"));
}

#[test]
fn enfant_de_11_ans_32_kg_poids_et_doses_au_poids() {
    let dir = tempfile::tempdir().unwrap();
    let input = abscess_input(json!({"patient": {"birth_date": "2015-05-10", "weight_kg": 32}}));
    let (l, number) = ledger_with(dir.path(), &validated_protocol(), &input);
    let text = words_of(&render(&l, &number), None);
    assert_all(&text, MANDATORY);
    assert_all(
        &text,
        &[
            "né(e) le 10/05/2015 (11 ans) — poids : 32 kg",
            "20 mL de suspension buvable 2,4 % (24 mg/mL) par prise, toutes les 6 heures si besoin, au plus 80 mL par jour",
            "soit 480 mg par prise (dose calculée pour 32 kg)",
            "16 mL de poudre pour suspension buvable 250 mg/5 mL par prise, matin et soir, au plus 32 mL par jour, pendant 7 jours",
            "soit 800 mg par prise (dose calculée pour 32 kg)",
        ],
    );
}

#[test]
fn palier_2_en_toutes_lettres_papier_securise_sans_ligne_de_paracetamol_seul() {
    let dir = tempfile::tempdir().unwrap();
    let input =
        abscess_input(json!({"lines": ["paracetamol_codeine", "chlorhexidine", "amoxicilline"]}));
    let (l, number) = ledger_with(dir.path(), &validated_protocol(), &input);
    let text = words_of(&render(&l, &number), None);
    assert_all(&text, MANDATORY);
    assert_all(
        &text,
        &[
            "1. PARACÉTAMOL + CODÉINE — comprimé 500 mg / 30 mg",
            "En toutes lettres : paracétamol + codéine dosé à cinq cents milligrammes / trente",
            "un à deux comprimés par prise, au plus six comprimés par jour, pendant trois",
            "Nombre de lignes de cette ordonnance : 3 (trois)",
            "À IMPRIMER SUR PAPIER D'ORDONNANCE SÉCURISÉE",
        ],
    );
    assert!(
        !text.contains("PARACÉTAMOL — "),
        "paracétamol seul en plus de la codéine :\n{text}"
    );
}

#[test]
fn mode_formation_specimen_sur_chaque_page() {
    let dir = tempfile::tempdir().unwrap();
    // The bundled protocol is a draft: training mode.
    let (mut l, number) = ledger_with(dir.path(), &Protocol::bundled(), &abscess_input(json!({})));
    let pdf = render(&l, &number);
    assert_all(&words_of(&pdf, None), MANDATORY);
    assert!(pdf_glyphs(&pdf, 1).contains("SPÉCIMEN—protocolenonvalidé"));
    // Every page of every document carries it (the summary of a draft
    // protocol runs over several pages).
    let out = dir.path().join("out");
    let issued =
        documents::issue(&mut l, &Protocol::bundled(), None, &number, &out, t(NOW)).unwrap();
    let advice = std::fs::read(issued.advice.unwrap()).unwrap();
    let summary = summary::render(&Protocol::bundled(), Paper::A4);
    assert!(page_count(&summary) >= 2);
    for doc in [&pdf, &advice, &summary] {
        for p in 1..=page_count(doc) {
            assert!(
                pdf_glyphs(doc, p).contains("SPÉCIMEN—protocolenonvalidé"),
                "page {p}"
            );
            assert!(
                words_of(doc, Some(p))
                    .contains("document de formation, sans valeur de prescription"),
                "page {p}"
            );
        }
    }
}

#[test]
fn police_incorporee_et_sous_ensemble_moins_de_60_ko_octets_identiques() {
    let dir = tempfile::tempdir().unwrap();
    let (l, number) = ledger_with(dir.path(), &validated_protocol(), &abscess_input(json!({})));
    let a = render(&l, &number);
    let b = render(&l, &number);
    assert!(a == b, "deux rendus du même acte diffèrent");
    assert!(a.len() < 60_000, "{} octets", a.len());
    let f = dir.path().join("o.pdf");
    std::fs::write(&f, &a).unwrap();
    let out = tool("pdffonts").arg(&f).output().unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<&str> = table.lines().skip(2).collect();
    assert_eq!(rows.len(), 2, "{table}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert!(cols[0].contains("+NotoSans-"), "{row}");
        // emb, sub, uni
        assert_eq!(
            &cols[cols.len() - 5..cols.len() - 2],
            &["yes", "yes", "yes"],
            "{row}"
        );
    }
}

#[test]
fn emission_tracee_dans_le_registre_puis_reimpression_verifiee() {
    let dir = tempfile::tempdir().unwrap();
    let protocol = validated_protocol();
    let (mut l, number) = ledger_with(dir.path(), &protocol, &abscess_input(json!({})));
    let out = dir.path().join("docs");
    let first = documents::issue(&mut l, &protocol, None, &number, &out, t(NOW)).unwrap();
    assert!(!first.reprint);
    let bytes = std::fs::read(&first.prescription).unwrap();
    let sha = hex::encode(Sha256::digest(&bytes));
    let docs: Vec<_> = l
        .act(&number)
        .unwrap()
        .followups
        .into_iter()
        .filter_map(|f| match f.record.event {
            FollowupEvent::Document {
                document,
                sha256,
                renderer,
                reprint,
            } => Some((document, sha256, renderer, reprint)),
            _ => None,
        })
        .collect();
    assert_eq!(docs.len(), 2);
    assert_eq!(
        docs[0],
        (
            "prescription".into(),
            sha.clone(),
            documents::RENDERER.into(),
            false
        )
    );
    assert_eq!(docs[1].0, "advice");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&first.prescription)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the prescription names the patient");
        let dir_mode = std::fs::metadata(&out).unwrap().permissions().mode();
        assert_eq!(dir_mode & 0o777, 0o700, "the documents folder is private");
    }
    // Later, the same documents again: same bytes, logged as a reprint.
    let again = documents::issue(
        &mut l,
        &protocol,
        None,
        &number,
        &out,
        t("2026-11-24T09:00:00Z"),
    )
    .unwrap();
    assert!(again.reprint);
    assert_eq!(std::fs::read(&again.prescription).unwrap(), bytes);
    let reprints = l
        .act(&number)
        .unwrap()
        .followups
        .iter()
        .filter(|f| matches!(&f.event, FollowupEvent::Document { reprint: true, .. }))
        .count();
    assert_eq!(reprints, 2);
    assert!(l.verify().unwrap().ok);

    // A new duty roster changes the advice sheet, never the prescription:
    // the reprint goes through, the sheet's new hash is logged.
    let again = documents::issue(
        &mut l,
        &protocol,
        Some(&Roster::example()),
        &number,
        &out,
        t("2026-11-24T10:00:00Z"),
    )
    .unwrap();
    assert!(again.reprint);
    assert_eq!(std::fs::read(&again.prescription).unwrap(), bytes);
    let advice_hashes: std::collections::BTreeSet<String> = l
        .act(&number)
        .unwrap()
        .followups
        .into_iter()
        .filter_map(|f| match f.record.event {
            FollowupEvent::Document {
                document, sha256, ..
            } if document == "advice" => Some(sha256),
            _ => None,
        })
        .collect();
    assert_eq!(
        advice_hashes.len(),
        2,
        "the sheet with the roster is a different document"
    );
}

#[test]
fn reimpression_differente_du_premier_document_refusee_sans_fichier() {
    let dir = tempfile::tempdir().unwrap();
    let protocol = validated_protocol();
    let (mut l, number) = ledger_with(dir.path(), &protocol, &abscess_input(json!({})));
    // A first issue whose recorded hash does not match what renders now.
    l.add_document(
        &number,
        "prescription",
        &"0".repeat(64),
        documents::RENDERER,
        false,
        t(NOW),
    )
    .unwrap();
    let out = dir.path().join("o.pdf");
    let e = documents::issue_to(
        &mut l,
        &protocol,
        None,
        &number,
        Paper::A4,
        &out,
        None,
        t(NOW),
    )
    .unwrap_err();
    assert!(
        matches!(e, Error::Refused(Refusal::DocumentMismatch { .. })),
        "{e}"
    );
    assert!(!out.exists());
    // A different renderer version is not compared.
    l.add_document(
        &number,
        "prescription-a5",
        &"0".repeat(64),
        "protocoop 0.0.1 documents/0",
        false,
        t(NOW),
    )
    .unwrap();
    documents::issue_to(
        &mut l,
        &protocol,
        None,
        &number,
        Paper::A5,
        &out,
        None,
        t(NOW),
    )
    .unwrap();
    assert!(out.exists());
}

#[test]
fn refus_sans_fichier_acte_introuvable_non_pris_en_charge_tableau_illisible() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = setup_ledger(dir.path(), t(NOW));
    let protocol = attach(&mut l, t(NOW));
    let red_flag = abscess_input(json!({"facts": {"excl.eye_swelling": true}, "lines": []}));
    let urgent = record(&mut l, &protocol, &red_flag, t(NOW)).unwrap();
    let out = dir.path().join("o.pdf");

    let e = documents::issue_to(
        &mut l,
        &protocol,
        None,
        "2026-0099",
        Paper::A4,
        &out,
        None,
        t(NOW),
    )
    .unwrap_err();
    assert!(e.to_string().contains("aucun acte « 2026-0099 »"), "{e}");
    let e = documents::issue_to(
        &mut l,
        &protocol,
        None,
        &urgent.number,
        Paper::A4,
        &out,
        None,
        t(NOW),
    )
    .unwrap_err();
    assert!(
        matches!(e, Error::Refused(Refusal::NoPrescription(_))),
        "{e}"
    );
    assert!(
        e.to_string().contains("n'est pas une prise en charge"),
        "{e}"
    );
    assert!(!out.exists());

    let env = TestEnv::new();
    let data = env.path("data");
    drop(setup_ledger(&data, t(NOW)));
    let mut l = protocoop::vault::open_ledger(&data, "phrase de passe de test", t(NOW)).unwrap();
    let act = record(
        &mut l,
        &Protocol::bundled(),
        &abscess_input(json!({})),
        t(NOW),
    )
    .unwrap();
    drop(l);
    let roster = env.write(
        "garde.toml",
        "[[garde]]\nfrom = \"2026-11-20\"\nto = \"demain\"\n",
    );
    let o = env.run(
        &[
            "--data-dir",
            data.to_str().unwrap(),
            "prescription",
            "--act",
            &act.number,
            "--out",
            "o.pdf",
            "--roster",
            roster.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("garde.toml:3:"), "{}", o.stderr);
    assert!(!env.path("o.pdf").exists());
}

#[test]
fn fiche_conseil_rendez_vous_garde_medicaments_et_15() {
    let dir = tempfile::tempdir().unwrap();
    let protocol = validated_protocol();
    let (l, number) = ledger_with(dir.path(), &protocol, &abscess_input(json!({})));
    let view = l.act(&number).unwrap();
    let roster = Roster::example();
    let pdf = documents::advice::render(&view, &protocol, Some(&roster), Paper::A4).unwrap();
    let text = words_of(&pdf, None);
    assert_all(
        &text,
        &[
            "Fiche conseil — douleur dentaire",
            "Rendez-vous dentaire sous 24 heures",
            "Dentiste de garde : Dr Hélène Exemple (fictif)",
            "Paracétamol — comprimé 500 mg",
            "Amoxicilline — gélule 500 mg",
            "Appelez le 15 immédiatement si",
            "le gonflement s'étend vers l'œil ou vers le cou",
            "Pas d'anti-inflammatoire",
            "Appliquez du froid sur la joue",
        ],
    );
    // Without a roster the sheet says so, and what to do.
    let pdf = documents::advice::render(&view, &protocol, None, Paper::A4).unwrap();
    assert!(words_of(&pdf, None).contains(
        "Dentiste de garde : le tableau de garde de ce jour n'est pas connu ici. Sans rendez-vous possible dans les 24 heures, appelez le 15."
    ));

    // A reversible pulpitis with no infection: 31 days, no NSAID warning.
    let pulpitis = abscess_input(
        json!({"facts": {"sympt.abscess": false, "sympt.cold_sugar_meals": true},
                                       "lines": ["paracetamol"]}),
    );
    let dir2 = tempfile::tempdir().unwrap();
    let (l2, n2) = ledger_with(dir2.path(), &protocol, &pulpitis);
    let v2 = l2.act(&n2).unwrap();
    let text = words_of(
        &documents::advice::render(&v2, &protocol, Some(&roster), Paper::A4).unwrap(),
        None,
    );
    assert!(!text.contains("Pas d'anti-inflammatoire"), "{text}");
    assert!(text.contains("Appelez le 15"), "{text}");
    assert!(
        !text.contains("Dentiste de garde"),
        "only for a 24 h appointment: {text}"
    );
}

#[test]
fn fiche_conseil_avec_un_autre_protocole_refusee() {
    let dir = tempfile::tempdir().unwrap();
    let (l, number) = ledger_with(dir.path(), &validated_protocol(), &abscess_input(json!({})));
    let e = documents::advice::render(
        &l.act(&number).unwrap(),
        &Protocol::bundled(),
        None,
        Paper::A4,
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("indiquez ce fichier de protocole"),
        "{e}"
    );
}

#[test]
fn format_a5() {
    let dir = tempfile::tempdir().unwrap();
    let (l, number) = ledger_with(dir.path(), &validated_protocol(), &abscess_input(json!({})));
    let pdf = prescription::render(&l.act(&number).unwrap(), Paper::A5).unwrap();
    assert_all(&words_of(&pdf, None), MANDATORY);
    let f = dir.path().join("a5.pdf");
    std::fs::write(&f, &pdf).unwrap();
    let info = String::from_utf8(tool("pdfinfo").arg(&f).output().unwrap().stdout).unwrap();
    assert!(
        info.contains("419.528 x 595.276 pts") || info.contains("(A5)"),
        "{info}"
    );
}

#[test]
fn resume_du_protocole() {
    let protocol = Protocol::bundled();
    let pdf = summary::render(&protocol, Paper::A4);
    let text = words_of(&pdf, None);
    assert_all(
        &text,
        &[
            "Version 2026.1 — CPTS Sud Deux-Sèvres",
            &protocol.identity.sha256[..40],
            "BROUILLON",
            "Règles de décision",
            "Orientations",
            "amoxicilline 500 mg ou 1 g",
            "paracétamol + codéine",
            "Source :",
            "Rémunération par prise en charge",
            "10,00 €",
            "15,00 €",
        ],
    );
    for rule in &protocol.rules {
        assert!(text.contains(&rule.id), "règle {} absente", rule.id);
    }
    assert!(pdf_glyphs(&pdf, 1).contains("SPÉCIMEN"));
    let validated = summary::render(&validated_protocol(), Paper::A4);
    assert!(!pdf_glyphs(&validated, 1).contains("SPÉCIMEN"));
}

#[test]
fn cli_prescription_puis_reimpression_et_resume() {
    let env = TestEnv::new();
    let data = env.path("data");
    let mut l = setup_ledger(&data, t(NOW));
    let act = record(
        &mut l,
        &Protocol::bundled(),
        &abscess_input(json!({})),
        t(NOW),
    )
    .unwrap();
    drop(l);
    let d = data.to_str().unwrap();
    let o = env.run(
        &[
            "--data-dir",
            d,
            "prescription",
            "--act",
            &act.number,
            "--out",
            "o.pdf",
            "--advice",
            "f.pdf",
            "--print",
        ],
        "",
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("Documents émis"), "{}", o.stdout);
    assert!(o.stdout.contains("Impression :"), "{}", o.stdout);
    let first = std::fs::read(env.path("o.pdf")).unwrap();
    let o = env.run(
        &[
            "--data-dir",
            d,
            "prescription",
            "--act",
            &act.number,
            "--out",
            "o2.pdf",
        ],
        "",
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("Réimpression conforme"), "{}", o.stdout);
    assert_eq!(std::fs::read(env.path("o2.pdf")).unwrap(), first);
    let o = env.run(&["protocol", "summary", "--out", "resume.pdf"], "");
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(env.path("resume.pdf").exists());
    let o = env.run(
        &[
            "protocol",
            "summary",
            "--out",
            "resume.pdf",
            "--paper",
            "A3",
        ],
        "",
    );
    assert_eq!(o.code, 2, "{}", o.stderr);
}

#[test]
fn la_police_couvre_tous_les_textes_du_protocole() {
    let p = Protocol::bundled();
    let mut all = String::new();
    for m in &p.medicines {
        all.extend(
            [&m.dci, &m.strength, &m.form, &m.frequency, &m.advice].map(|s| s.to_string() + " "),
        );
    }
    all.push_str(&p.advice.intro);
    for s in &p.advice.sections {
        all.push_str(&s.title);
        all.extend(s.items.iter().cloned());
    }
    for q in &p.questions {
        all.push_str(&q.title);
    }
    all.push_str("àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ«»–—’…€°");
    assert_eq!(documents::fonts::missing_glyphs(&all), Vec::<char>::new());
}

#[test]
fn un_nom_que_la_police_ne_sait_pas_imprimer_est_refuse() {
    let input = abscess_input(json!({"patient": {"last_name": "王"}}));
    let e = protocoop::act::ActRequest::from_json(&input).unwrap_err();
    assert!(matches!(e, Error::Input { .. }), "{e}");
    assert!(
        e.to_string()
            .contains("impossibles à imprimer sur l'ordonnance"),
        "{e}"
    );
    assert!(e.to_string().contains("王"), "{e}");
}
