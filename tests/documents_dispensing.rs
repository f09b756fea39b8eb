//! Documents a pharmacist can dispense from (renderer `documents/2`): each
//! line in the chosen presentation's units with the quantity to dispense,
//! the parent addressed for a minor, the letters for the patient's other
//! carers, the délégant's profession; and reprints of acts first printed
//! by renderer `documents/1`, byte for byte from the frozen code.
//!
//! Set `PROTOCOOP_KEEP_PDF=DIR` to keep the PDFs (the README's page images
//! are made from them with `pdftoppm`).

mod common;

use std::path::Path;

use common::pdf::*;
use common::*;
use protocoop::documents::{self, DocKind, Paper, Renderer, Roster, v1};
use protocoop::error::{Error, Refusal};
use protocoop::ledger::{FollowupEvent, Ledger};
use protocoop::protocol::Protocol;
use protocoop::registry::{DelegantProfession, DelegantRecord, ProfessionalRecord};
use serde_json::json;
use sha2::{Digest, Sha256};

const NOW: &str = "2026-11-23T10:00:00Z";
const MEDECIN: &str = "10000000033";

fn ledger_with(dir: &Path, input: &str) -> (Ledger, Protocol, String) {
    let mut l = setup_ledger(dir, t(NOW));
    let protocol = attach(&mut l, t(NOW));
    let r = record(&mut l, &protocol, input, t(NOW)).unwrap();
    (l, protocol, r.number)
}

fn roster() -> Roster {
    Roster::parse(
        "[[garde]]\nfrom = \"2026-11-21\"\nto = \"2026-11-23\"\ndentist = \"Dr Paul Garde\"\naddress = \"3 rue du Port, 79000 Niort\"\nphone = \"05 49 11 22 33\"\n",
        "garde.toml",
    )
    .unwrap()
}

/// The act's documents, kept in `PROTOCOOP_KEEP_PDF` when it is set.
fn docs(l: &Ledger, p: &Protocol, number: &str, kinds: &[DocKind], keep: &str) -> Vec<Vec<u8>> {
    let r = documents::render_kinds(l, p, Some(&roster()), number, Paper::A4, kinds).unwrap();
    if let Ok(dir) = std::env::var("PROTOCOOP_KEEP_PDF") {
        for d in &r.docs {
            let name = format!("{keep}-{}", d.file_name);
            std::fs::write(Path::new(&dir).join(name), &d.bytes).unwrap();
        }
    }
    r.docs.into_iter().map(|d| d.bytes).collect()
}

fn absent(text: &str, unexpected: &[&str]) {
    for u in unexpected {
        assert!(
            !text.contains(u),
            "« {u} » ne devrait pas figurer dans :\n{text}"
        );
    }
}

#[test]
fn adulte_abces_comprimes_gelules_et_boites() {
    let dir = tempfile::tempdir().unwrap();
    let (l, p, number) = ledger_with(dir.path(), &abscess_input(json!({})));
    let view = l.act(&number).unwrap();
    let all = docs(
        &l,
        &p,
        &number,
        &[DocKind::Prescription, DocKind::Advice],
        "adulte",
    );
    let text = words_of(&all[0], None);
    assert_all(
        &text,
        &[
            "1. PARACÉTAMOL — comprimé 500 mg",
            "2 comprimés de 500 mg par prise, toutes les 6 heures si besoin, au plus 6 comprimés par jour, pendant 5 jours — quantité : 30 comprimés (2 boîtes de 16).",
            "soit 1 000 mg par prise",
            "2. CHLORHEXIDINE — solution pour bain de bouche 0,12 %",
            "15 mL de solution pour bain de bouche 0,12 % par prise",
            "au plus 45 mL par jour, pendant 5 jours — quantité : 225 mL (1 flacon de 300 mL).",
            "3. AMOXICILLINE — gélule 500 mg",
            "2 gélules de 500 mg par prise, matin et soir, au plus 4 gélules par jour, pendant 7 jours — quantité : 28 gélules (3 boîtes de 12).",
            "Chirurgien-dentiste délégant : Dr Claire Exemple",
            "Tél. 05 49 00 00 00",
            "Le délégant ne signe pas.",
        ],
    );
    // An adult on the adult regimen: no weight; no renewal wording.
    absent(&text, &["poids", "renouveler", "calculée pour"]);
    // The footer: the act and its code, nothing else.
    let code = documents::verification_code(&view.hash);
    assert_all(
        &text,
        &[&format!("Acte {number} · code de vérification {code}")],
    );
    absent(
        &text,
        &["documents/", "protocole dentaire-sud-deux-sevres v"],
    );

    let advice = words_of(&all[1], None);
    assert_all(
        &advice,
        &[
            "Remise le 23/11/2026 à Paul MARTIN par Marie Durand",
            "Pharmacie du Marché — 2 place du Marché, 79500 Melle — tél. 05 49 00 00 00",
            "Comment prendre vos médicaments",
            "Paracétamol — comprimé 500 mg",
            "2 comprimés de 500 mg par prise, toutes les 6 heures si besoin, au plus 6 comprimés par jour, pendant 5 jours.",
            "Dentiste de garde : Dr Paul Garde — 3 rue du Port, 79000 Niort — tél. 05 49 11 22 33",
            "Votre pharmacien ou votre infirmier vous a reçu",
        ],
    );
    // The advice sheet says how to take it, not what to dispense.
    absent(&advice, &["quantité", "boîtes de 16", "renouveler"]);
    assert_all(
        &words_of(&all[1], None),
        &[&format!("Acte {number} · code de vérification {code}")],
    );
}

#[test]
fn enfant_de_35_kg_suspension_par_defaut_et_fiche_pour_le_parent() {
    let dir = tempfile::tempdir().unwrap();
    let input = abscess_input(json!({"patient": {"birth_date": "2016-04-02", "weight_kg": 35}}));
    let (l, p, number) = ledger_with(dir.path(), &input);
    let all = docs(
        &l,
        &p,
        &number,
        &[DocKind::Prescription, DocKind::Advice],
        "enfant",
    );
    let text = words_of(&all[0], None);
    assert_all(
        &text,
        &[
            "né(e) le 02/04/2016 (10 ans) — poids : 35 kg",
            "AMOXICILLINE — poudre pour suspension buvable 250 mg/5 mL",
            "17,5 mL de poudre pour suspension buvable 250 mg/5 mL par prise",
            "soit 875 mg par prise (dose calculée pour 35 kg)",
            "quantité : 245 mL (5 flacons de 60 mL)",
        ],
    );
    absent(&text, &["870 mg"]);

    let advice = words_of(&all[1], None);
    assert_all(
        &advice,
        &[
            "Remise le 23/11/2026 au parent de Paul MARTIN (10 ans) par Marie Durand",
            "Votre pharmacien ou votre infirmier a reçu votre enfant",
            "Comment lui donner ses médicaments",
            "Ne lui donnez jamais en plus un autre médicament contenant du paracétamol",
            "votre enfant a du mal à avaler ou à respirer",
            "Appliquez du froid sur sa joue",
        ],
    );
    absent(
        &advice,
        &["Comment prendre vos médicaments", "Brossez-vous"],
    );
}

#[test]
fn une_autre_presentation_choisie_est_imprimee_et_gardee_avec_l_acte() {
    let dir = tempfile::tempdir().unwrap();
    let input = abscess_input(json!({"presentations": {"paracetamol": "Comprimé  1 g"}}));
    let (l, _, number) = ledger_with(dir.path(), &input);
    let act = l.act(&number).unwrap().act;
    let g = act.prescription[0].given.as_ref().unwrap();
    assert_eq!((g.form.as_str(), g.label.as_str()), ("comprimé", "1 g"));
    let text = words_of(
        &documents::prescription::render(&l.act(&number).unwrap(), Paper::A4).unwrap(),
        None,
    );
    assert_all(
        &text,
        &[
            "1 comprimé de 1 g par prise, toutes les 6 heures si besoin, au plus 3 comprimés par jour, pendant 5 jours — quantité : 15 comprimés (2 boîtes de 8).",
        ],
    );
}

#[test]
fn presentation_inconnue_ou_pour_une_ligne_non_prescrite_refusee() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = setup_ledger(dir.path(), t(NOW));
    let p = attach(&mut l, t(NOW));
    let before = l.head().unwrap();
    let unknown = abscess_input(json!({"presentations": {"paracetamol": "suppositoire 300 mg"}}));
    match record(&mut l, &p, &unknown, t(NOW)) {
        Err(Error::Input { field, message }) => {
            assert_eq!(field, "presentations.paracetamol");
            assert!(
                message.contains("présentation inconnue pour paracétamol"),
                "{message}"
            );
            assert!(message.contains("« comprimé 1 g »"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let not_prescribed = abscess_input(json!({"presentations": {"ibuprofene": "comprimé 200 mg"}}));
    match record(&mut l, &p, &not_prescribed, t(NOW)) {
        Err(Error::Input { message, .. }) => {
            assert!(message.contains("pas prescrite"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(l.head().unwrap(), before, "rien d'enregistré");
}

#[test]
fn palier_2_en_toutes_lettres_avec_les_unites_et_la_quantite() {
    let dir = tempfile::tempdir().unwrap();
    let input =
        abscess_input(json!({"lines": ["paracetamol_codeine", "chlorhexidine", "amoxicilline"]}));
    let (l, p, number) = ledger_with(dir.path(), &input);
    let all = docs(&l, &p, &number, &[DocKind::Prescription], "palier-2");
    let text = words_of(&all[0], None);
    assert_all(
        &text,
        &[
            "1. PARACÉTAMOL + CODÉINE — comprimé 500 mg / 30 mg",
            "1 à 2 comprimés de 500 mg / 30 mg par prise",
            "au plus 6 comprimés par jour, pendant 3 jours — quantité : 18 comprimés (2 boîtes de 16).",
            "En toutes lettres : paracétamol + codéine dosé à cinq cents milligrammes / trente milligrammes ; un à deux comprimés par prise, au plus six comprimés par jour, pendant trois jours ; quantité : dix-huit comprimés (deux boîtes de seize).",
            "À IMPRIMER SUR PAPIER D'ORDONNANCE SÉCURISÉE",
        ],
    );
}

#[test]
fn compte_rendu_au_medecin_traitant() {
    let dir = tempfile::tempdir().unwrap();
    let input = abscess_input(json!({
        "attending_doctor": {"name": "Dr Anne Généraliste", "town": "Celles-sur-Belle"},
        "facts": {"temperature_c": 37.8}
    }));
    let (mut l, p, number) = ledger_with(dir.path(), &input);
    let view = l.act(&number).unwrap();
    let out = dir.path().join("cr.pdf");
    let r = documents::issue_letter(&mut l, &p, &number, Paper::A4, &out, t(NOW)).unwrap();
    let bytes = std::fs::read(&out).unwrap();
    assert_owner_only(&out);
    if let Ok(keep) = std::env::var("PROTOCOOP_KEEP_PDF") {
        std::fs::write(Path::new(&keep).join("compte-rendu.pdf"), &bytes).unwrap();
    }
    let text = words_of(&bytes, None);
    let code = documents::verification_code(&view.hash);
    assert_all(
        &text,
        &[
            "Compte rendu au médecin traitant",
            "À l'attention du Dr Anne Généraliste, Celles-sur-Belle",
            "Patient : MARTIN Paul — sexe M — né(e) le 02/03/1986 (40 ans) — 78 kg",
            "par Marie Durand, pharmacien(ne) délégué(e) (RPPS 10005173140), Pharmacie du Marché",
            "tél. 05 49 00 00 00",
            "Dans le cadre du protocole de coopération « Prise en charge des urgences dentaires simples",
            "version 2026.1, CPTS Sud Deux-Sèvres",
            "chirurgien-dentiste délégant : Dr Claire Exemple (RPPS 10000000009)",
            "Ce que le patient a rapporté",
            "37,8 °C",
            "Tableau probable",
            "Abcès dentaire Tableau probable Abcès aigu",
            "Traitement prescrit",
            "Paracétamol — comprimé 500 mg : 2 comprimés de 500 mg par prise",
            "Amoxicilline — gélule 500 mg : 2 gélules de 500 mg par prise",
            "(soit 1 000 mg par prise)",
            "quantité : 225 mL (1 flacon de 300 mL) – Amoxicilline",
            "Rendez-vous dentaire",
            "Au plus tard le 24/11/2026",
            &format!("code de vérification {code}"),
        ],
    );
    // Logged like a prescription: the document, its hash, the renderer.
    let view = l.act(&number).unwrap();
    let logged: Vec<_> = view
        .followups
        .iter()
        .filter_map(|f| match &f.event {
            FollowupEvent::Document {
                document,
                sha256,
                renderer,
                ..
            } => Some((document.clone(), sha256.clone(), renderer.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        logged,
        [(
            "letter".to_string(),
            hex::encode(Sha256::digest(&bytes)),
            documents::RENDERER.to_string()
        )]
    );
    assert!(!r.reprint);
    // Again: the same bytes, logged as a reprint.
    let again = dir.path().join("cr2.pdf");
    let r2 = documents::issue_letter(&mut l, &p, &number, Paper::A4, &again, t(NOW)).unwrap();
    assert!(r2.reprint);
    assert_eq!(std::fs::read(&again).unwrap(), bytes);
}

fn screening_letter(facts: serde_json::Value, keep: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut input: serde_json::Value =
        serde_json::from_str(&abscess_input(json!({"facts": facts}))).unwrap();
    input["lines"] = json!([]);
    let (l, p, number) = ledger_with(dir.path(), &input.to_string());
    assert!(!l.act(&number).unwrap().act.taken_in_charge());
    let all = docs(&l, &p, &number, &[DocKind::Letter], keep);
    words_of(&all[0], None)
}

#[test]
fn courrier_d_orientation_apres_un_signe_de_gravite() {
    let text = screening_letter(json!({"excl.dysphagia_trismus": true}), "drapeau-rouge");
    assert_all(
        &text,
        &[
            "Courrier d'orientation",
            "À l'attention du chirurgien-dentiste, du médecin ou du service d'urgence",
            "Patient : MARTIN Paul",
            "Pourquoi le patient n'a pas été pris en charge",
            "Urgence : appelez le 15",
            "Ce qui n'a pas été donné",
            "Aucun médicament n'a été prescrit",
        ],
    );
    absent(&text, &["Traitement prescrit", "quantité"]);
}

#[test]
fn courrier_d_orientation_apres_une_exclusion() {
    let text = screening_letter(json!({"excl.anticoagulant": true}), "exclusion");
    assert_all(
        &text,
        &[
            "Courrier d'orientation",
            "Pourquoi le patient n'a pas été pris en charge",
            "Hors protocole : avis sous 24 heures",
            "Aucun médicament n'a été prescrit",
        ],
    );
}

#[test]
fn un_medecin_delegant_est_nomme_medecin() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = setup_ledger(dir.path(), t(NOW));
    l.add_professional(&ProfessionalRecord::Delegant(DelegantRecord {
        v: 1,
        rpps: rpps(MEDECIN),
        name: "Dr Jean Médecin".into(),
        address: None,
        phone: None,
        active: true,
        recorded_at: t(NOW),
        profession: DelegantProfession::Medecin,
    }))
    .unwrap();
    let p = attach(&mut l, t(NOW));
    let input = abscess_input(json!({"delegant_rpps": MEDECIN}));
    let r = record(&mut l, &p, &input, t(NOW)).unwrap();
    let view = l.act(&r.number).unwrap();
    assert_eq!(view.act.delegant.profession.as_deref(), Some("medecin"));
    let text = words_of(
        &documents::prescription::render(&view, Paper::A4).unwrap(),
        None,
    );
    assert_all(
        &text,
        &["Médecin délégant : Dr Jean Médecin — RPPS 10000000033"],
    );
    absent(&text, &["Chirurgien-dentiste délégant"]);
    let letter = words_of(
        &documents::letter::render(&view, &p, Paper::A4).unwrap(),
        None,
    );
    assert_all(&letter, &["médecin délégant : Dr Jean Médecin"]);
}

/// Acts first printed by renderer `documents/1` (recorded by the program
/// before presentations): the frozen code draws them byte for byte as it
/// did then (the fixtures hold an act and the SHA-256 of its first issue).
#[test]
fn le_premier_rendu_reste_identique_octet_pour_octet() {
    for name in ["adulte-abces", "enfant-32-kg", "palier-2"] {
        let text =
            std::fs::read_to_string(format!("tests/fixtures/documents-v1/{name}.json")).unwrap();
        let fixture: serde_json::Value = serde_json::from_str(&text).unwrap();
        let view = protocoop::ledger::ActView {
            seq: 1,
            hash: fixture["hash"].as_str().unwrap().into(),
            status: protocoop::ledger::ActStatus::Valid,
            act: serde_json::from_value(fixture["act"].clone()).unwrap(),
            followups: Vec::new(),
        };
        for (paper, key) in [(Paper::A4, "prescription"), (Paper::A5, "prescription-a5")] {
            let bytes = v1::prescription::render(&view, paper).unwrap();
            assert_eq!(
                hex::encode(Sha256::digest(&bytes)),
                fixture[key].as_str().unwrap(),
                "{name} {key} : le rendu documents/1 a changé"
            );
        }
    }
}

/// An act printed by the first renderer reprints with it (same bytes,
/// logged under its name); an act never printed gets the current one.
#[test]
fn une_reimpression_reprend_le_rendu_de_la_premiere_emission() {
    let dir = tempfile::tempdir().unwrap();
    let (mut l, p, number) = ledger_with(dir.path(), &abscess_input(json!({})));
    let view = l.act(&number).unwrap();
    assert_eq!(
        Renderer::for_kind(&view, DocKind::Prescription),
        Renderer::CURRENT
    );
    let old = v1::prescription::render(&view, Paper::A4).unwrap();
    let old_sha = hex::encode(Sha256::digest(&old));
    // What an earlier program logged when it printed this act.
    l.add_document(
        &view.act.id,
        "prescription",
        &old_sha,
        v1::RENDERER,
        false,
        t(NOW),
    )
    .unwrap();
    let view = l.act(&number).unwrap();
    assert_eq!(Renderer::for_kind(&view, DocKind::Advice), Renderer::V1);
    assert_eq!(
        Renderer::for_kind(&view, DocKind::Letter),
        Renderer::CURRENT,
        "a letter has its own first issue"
    );
    let r = documents::render(&l, &p, None, &number, Paper::A4, true).unwrap();
    assert_eq!(r.docs[0].bytes, old, "la réimpression reprend documents/1");
    assert!(r.docs[0].reprint);
    assert_eq!(r.docs[0].renderer, v1::RENDERER);
    assert_eq!(r.docs[1].renderer, v1::RENDERER, "la fiche conseil aussi");
    assert!(
        words_of(&r.docs[0].bytes, None).contains("1 000 mg par prise, au plus 3 000 mg par jour")
    );
    documents::record(&mut l, &r, t(NOW)).unwrap();
    let renderers: Vec<String> = l
        .act(&number)
        .unwrap()
        .followups
        .iter()
        .filter_map(|f| match &f.event {
            FollowupEvent::Document { renderer, .. } => Some(renderer.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(renderers, [v1::RENDERER; 3]);
    // An altered first issue is still caught under the old renderer.
    let dir2 = tempfile::tempdir().unwrap();
    let (mut l2, p2, n2) = ledger_with(dir2.path(), &abscess_input(json!({})));
    let id = l2.act(&n2).unwrap().act.id;
    l2.add_document(
        &id,
        "prescription",
        &"0".repeat(64),
        v1::RENDERER,
        false,
        t(NOW),
    )
    .unwrap();
    match documents::render(&l2, &p2, None, &n2, Paper::A4, false) {
        Err(Error::Refused(Refusal::DocumentMismatch { .. })) => {}
        other => panic!("{other:?}"),
    }
}

/// `protocoop letter` as a user runs it: written owner-only, said on the
/// terminal with its code; again: « réimpression conforme », the same bytes;
/// an unknown act or an unwritable path: refused, nothing logged.
#[test]
fn cli_letter_compte_rendu_puis_reimpression() {
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
    let letter = |out: &str| {
        env.run(
            &[
                "--data-dir",
                d,
                "letter",
                "--act",
                &act.number,
                "--out",
                out,
            ],
            "",
        )
    };
    let o = letter("cr.pdf");
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.contains(&format!(
            "Compte rendu au médecin traitant {} — émis — code de vérification",
            act.number
        )),
        "{}",
        o.stdout
    );
    assert_owner_only(&env.path("cr.pdf"));
    let first = std::fs::read(env.path("cr.pdf")).unwrap();
    assert!(words_of(&first, None).contains("À l'attention du médecin traitant"));
    let o = letter("cr2.pdf");
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("réimpression conforme"), "{}", o.stdout);
    assert_eq!(std::fs::read(env.path("cr2.pdf")).unwrap(), first);

    let o = env.run(
        &[
            "--data-dir",
            d,
            "letter",
            "--act",
            "2026-0999",
            "--out",
            "x.pdf",
        ],
        "",
    );
    assert_ne!(o.code, 0);
    assert!(o.stderr.contains("2026-0999"), "{}", o.stderr);
    assert!(!env.path("x.pdf").exists());
    let o = letter("absent/dossier/cr.pdf");
    assert_ne!(o.code, 0, "{}", o.stdout);
    let l = protocoop::vault::open_ledger(&data, DEVICE_PASSPHRASE, t(NOW)).unwrap();
    let letters = l
        .act(&act.number)
        .unwrap()
        .followups
        .iter()
        .filter(|f| matches!(&f.event, FollowupEvent::Document { document, .. } if document == "letter"))
        .count();
    assert_eq!(
        letters, 2,
        "the two letters written, nothing for the refusals"
    );
}

#[test]
fn medecin_traitant_sans_nom_refuse_et_adresse_au_dr() {
    let town_only = abscess_input(json!({"attending_doctor": {"name": " ", "town": "Melle"}}));
    match protocoop::act::ActRequest::from_json(&town_only) {
        Err(Error::Input { field, message }) => {
            assert_eq!(field, "attending_doctor.name");
            assert!(message.contains("sans son nom"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let blank = abscess_input(json!({"attending_doctor": {"name": "", "town": ""}}));
    let req = protocoop::act::ActRequest::from_json(&blank).unwrap();
    assert_eq!(req.attending_doctor, None);

    let dir = tempfile::tempdir().unwrap();
    let input = abscess_input(json!({"attending_doctor": {"name": "Madame Anne Martin"}}));
    let (l, p, number) = ledger_with(dir.path(), &input);
    let text = words_of(
        &docs(&l, &p, &number, &[DocKind::Letter], "madame")[0],
        None,
    );
    assert_all(&text, &["À l'attention de Madame Anne Martin Patient"]);
}
