//! The coordinator's window (`protocoop cpts`), driven by labels with
//! egui_kittest on the same CPTS folder as the command line: the first
//! setup, the registry and a bundle, reports imported from a USB key (one
//! duplicate, one altered), the dashboard, the month's SEPA file and
//! « Marquer payé ». Each test reads
//! the CPTS database afterwards.

mod common;

use std::path::{Path, PathBuf};

use common::fleet::*;
use common::*;
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use protocoop::cpts::CptsDb;
use protocoop::kiosk::FixedClock;
use protocoop::office::{Screen, Services};
use protocoop::ui::office::OfficeApp;
use serde_json::{Value, json};

fn window(dir: &Path, media: Vec<PathBuf>, at: &str) -> Harness<'static, OfficeApp> {
    let services = Services {
        dir: dir.to_path_buf(),
        clock: Box::new(FixedClock::new(t(at))),
        media,
    };
    let mut h = Harness::builder()
        .with_size(egui::Vec2::new(1280.0, 800.0))
        .build_eframe(move |cc| OfficeApp::new(&cc.egui_ctx, services));
    h.run();
    h
}

fn tap(h: &mut Harness<'_, OfficeApp>, label: &str) {
    // A button below the fold is scrolled into view first, as a person would.
    h.get_by_label(label).scroll_to_me();
    h.run();
    h.get_by_label(label).click();
    h.run();
}

fn type_into(h: &mut Harness<'_, OfficeApp>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run();
    h.get_by_label(label).type_text(text);
    h.run();
}

fn shows(h: &Harness<'_, OfficeApp>, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}

fn message(h: &Harness<'_, OfficeApp>) -> String {
    format!("{:?}", h.state().state.message)
}

#[test]
fn an_empty_folder_starts_with_creating_the_cpts() {
    let env = TestEnv::new();
    let dir = env.path("cpts");
    let mut h = window(&dir, Vec::new(), NOW);
    assert!(matches!(h.state().state.screen, Screen::Setup(_)));
    type_into(&mut h, "Nom de la CPTS", "CPTS Sud Deux-Sèvres");
    type_into(&mut h, "Phrase de passe", PASSPHRASE);
    type_into(
        &mut h,
        "La même phrase de passe, à nouveau",
        "autre chose encore",
    );
    tap(&mut h, "Créer la CPTS");
    assert!(
        shows(&h, "les deux phrases de passe diffèrent"),
        "{}",
        message(&h)
    );
    assert!(
        protocoop::cpts::authority::identity(&dir)
            .unwrap()
            .is_none(),
        "nothing created"
    );
    type_into(&mut h, "Phrase de passe", PASSPHRASE);
    type_into(&mut h, "La même phrase de passe, à nouveau", PASSPHRASE);
    tap(&mut h, "Créer la CPTS");
    assert!(
        shows(&h, "CPTS Sud Deux-Sèvres est créée"),
        "{}",
        message(&h)
    );
    assert!(matches!(h.state().state.screen, Screen::Dashboard(_)));
    assert!(shows(&h, "Aucun appareil enregistré"));
    drop(h);
    // The command line sees the same CPTS.
    let id = protocoop::cpts::authority::identity(&dir).unwrap().unwrap();
    assert_eq!(id.name, "CPTS Sud Deux-Sèvres");
    let out = run_in(
        env.path("").as_path(),
        &["cpts", "--cpts-dir", dir.to_str().unwrap(), "key", "show"],
        "",
        &[],
    );
    assert!(out.stdout.contains(&id.fingerprint()), "{out:?}");
}

#[test]
fn reports_from_a_usb_key_then_the_month_paid_by_sepa_transfer() {
    let (office, devices) = fleet(&["Pharmacie du Marché", "Pharmacie de la Gare"]);
    for (i, d) in devices.iter().enumerate() {
        let out = d.record(
            &format!("2026-12-0{}T10:00:00Z", i + 4),
            MARIE_PIN,
            json!({}),
        );
        assert_eq!(out.code, 0, "{out:?}");
    }
    // The key the structures exported to: both reports, and an altered copy.
    let media = office.env.path("media");
    let key = media.join("CLE-CPTS");
    std::fs::create_dir_all(&key).unwrap();
    for (i, d) in devices.iter().enumerate() {
        let r = d.report("2027-01-01T08:00:00Z", "2026-12");
        std::fs::copy(&r, key.join(format!("rapport-{i}.json"))).unwrap();
    }
    let mut altered: Value =
        serde_json::from_slice(&std::fs::read(key.join("rapport-0.json")).unwrap()).unwrap();
    altered["remuneration"]["total_cents"] = json!(999_900);
    let forged = office.env.path("altere.json");
    std::fs::write(&forged, serde_json::to_vec(&altered).unwrap()).unwrap();
    office.ok(
        &[
            "iban",
            "set",
            "--rpps",
            DELEGUE,
            "--iban",
            "FR7630006000011234567890189",
        ],
        "",
    );
    office.ok(
        &[
            "iban",
            "set",
            "--rpps",
            DELEGANT,
            "--iban",
            "FR1420041010050500013M02606",
        ],
        "",
    );

    let dir = PathBuf::from(&office.dir);
    let mut h = window(&dir, vec![media.clone()], "2027-01-05T09:00:00Z");
    assert!(
        shows(&h, "Appareil 0"),
        "the dashboard lists enrolled devices"
    );
    tap(&mut h, "Importer");
    tap(&mut h, "Importer tout (2)");
    assert_eq!(
        h.query_all_by_label_contains("Importé — rapport-").count(),
        2
    );
    // Again, and an altered file typed by hand: each its own line.
    tap(&mut h, "Importer tout (2)");
    assert_eq!(
        h.query_all_by_label_contains("Déjà importé — rapport-")
            .count(),
        2
    );
    type_into(
        &mut h,
        "Ou le chemin d'un fichier",
        forged.to_str().unwrap(),
    );
    tap(&mut h, "Importer ce fichier");
    assert!(
        shows(&h, "Refusé — altere.json"),
        "{:?}",
        h.state().state.screen
    );
    assert!(!shows(&h, "cpts "), "no command line on the window");

    tap(&mut h, "Tableau de bord");
    assert!(shows(&h, "Prochain mois à payer : décembre 2026"));
    assert_eq!(
        h.query_all_by_label_contains("décembre 2026 (reçu le 05/01/2027)")
            .count(),
        2,
        "both devices' last report"
    );

    tap(&mut h, "Le mois");
    assert!(
        shows(&h, "2 prises en charge"),
        "{:?}",
        h.state().state.screen
    );
    tap(&mut h, "Fichier de virements SEPA");
    assert!(
        shows(&h, "indiquez le dossier où écrire"),
        "{}",
        message(&h)
    );
    let out_dir = office.env.path("compta");
    std::fs::create_dir_all(&out_dir).unwrap();
    type_into(
        &mut h,
        "Dossier où écrire (une clé USB, « Documents »…)",
        out_dir.to_str().unwrap(),
    );
    tap(&mut h, "Fichier de virements SEPA");
    assert!(
        shows(&h, "le compte de la CPTS n'est pas encore connu"),
        "{}",
        message(&h)
    );
    type_into(
        &mut h,
        "Titulaire du compte de la CPTS",
        "CPTS Sud Deux-Sèvres",
    );
    type_into(
        &mut h,
        "IBAN du compte de la CPTS",
        "FR76 3000 1007 9412 3456 7890 185",
    );
    tap(&mut h, "Fichier de virements SEPA");
    assert!(shows(&h, "2 virements, 50,00"), "{}", message(&h));
    let xml = out_dir.join("virements-2026-12.xml");
    assert_sepa_valid(&xml);
    tap(&mut h, "Exporter PDF");
    assert!(
        out_dir.join("protocoop-cpts-2026-12.pdf").exists(),
        "{}",
        message(&h)
    );
    tap(&mut h, "Marquer payé");
    assert!(
        shows(&h, "Décembre 2026 est marqué payé"),
        "{}",
        message(&h)
    );
    assert!(shows(&h, "Payé le 05/01/2027"));
    drop(h);

    // What the window did, the command line sees.
    let st = CptsDb::open(&dir).unwrap().state().unwrap();
    let paid = st.paid.get("2026-12").unwrap();
    assert_eq!(paid.format, "sepa");
    assert_eq!(
        paid.sha256,
        protocoop::protocol::sha256_hex(&std::fs::read(&xml).unwrap())
    );
    let out = office.run_at("2027-01-06T09:00:00Z", &["paid", "--month", "2026-12"], "");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("déjà marqué payé"), "{out:?}");
}

/// Every screen at the office's two sizes, rendered on the CPU.
#[test]
fn every_screen_at_1280x800_and_1920x1080() {
    let (office, devices) = fleet(&["Pharmacie du Marché"]);
    let out = devices[0].record("2026-12-04T10:00:00Z", MARIE_PIN, json!({}));
    assert_eq!(out.code, 0, "{out:?}");
    let media = office.env.path("media");
    let key = media.join("CLE-CPTS");
    std::fs::create_dir_all(&key).unwrap();
    let r = devices[0].report("2027-01-01T08:00:00Z", "2026-12");
    std::fs::copy(&r, key.join("rapport-decembre.json")).unwrap();
    // The date the key shows is the file's: fixed, for the same pixels.
    std::fs::File::options()
        .write(true)
        .open(key.join("rapport-decembre.json"))
        .unwrap()
        .set_modified(std::time::SystemTime::from(t("2027-01-04T17:30:00Z")))
        .unwrap();
    office.ok(
        &[
            "iban",
            "set",
            "--rpps",
            DELEGUE,
            "--iban",
            "FR7630006000011234567890189",
        ],
        "",
    );
    let dir = PathBuf::from(&office.dir);
    let mut results = egui_kittest::SnapshotResults::new();
    let empty = TestEnv::new();
    for (i, (w, hgt)) in [(1280.0, 800.0), (1920.0, 1080.0)].into_iter().enumerate() {
        let shot =
            |h: &mut Harness<'_, OfficeApp>, r: &mut egui_kittest::SnapshotResults, name: &str| {
                h.run();
                r.add(h.try_snapshot(format!("office_{name}_{w}x{hgt}")));
            };
        let services = |d: &Path| Services {
            dir: d.to_path_buf(),
            clock: Box::new(FixedClock::new(t("2027-01-05T09:00:00Z"))),
            media: vec![media.clone()],
        };
        let s = services(&empty.path(&format!("neuve-{i}")));
        let mut h = Harness::builder()
            .with_size(egui::Vec2::new(w, hgt))
            .wgpu()
            .build_eframe(move |cc| OfficeApp::new(&cc.egui_ctx, s));
        shot(&mut h, &mut results, "setup");
        drop(h);
        let s = services(&dir);
        let mut h = Harness::builder()
            .with_size(egui::Vec2::new(w, hgt))
            .wgpu()
            .build_eframe(move |cc| OfficeApp::new(&cc.egui_ctx, s));
        h.run();
        if i == 0 {
            tap(&mut h, "Importer");
            tap(&mut h, "Importer tout (1)");
            tap(&mut h, "Tableau de bord");
        }
        shot(&mut h, &mut results, "dashboard");
        tap(&mut h, "Importer");
        tap(&mut h, "Importer tout (1)");
        shot(&mut h, &mut results, "import");
        tap(&mut h, "Le mois");
        shot(&mut h, &mut results, "month");
        h.get_by_label("Marquer payé").scroll_to_me();
        shot(&mut h, &mut results, "month_payments");
        tap(&mut h, "Registre");
        shot(&mut h, &mut results, "registry");
        tap(&mut h, "Ajouter une garde");
        h.get_by_label("Lire et enregistrer ce fichier")
            .scroll_to_me();
        shot(&mut h, &mut results, "registry_roster");
        tap(&mut h, "Mise à jour des appareils");
        shot(&mut h, &mut results, "bundle");
    }
}

/// The whole month from an empty CPTS folder, in the window only: setup,
/// two devices enrolled (a key typed, a file exported), a délégué and a
/// délégant, the validated protocol, a bundle; then the devices' reports
/// imported (one twice, one altered), the month, its SEPA file, « payé ».
#[test]
fn the_whole_month_from_an_empty_folder_in_the_window() {
    let env = TestEnv::new();
    let dir = env.path("cpts");
    let gare = Device::new("Pharmacie de la Gare");
    let marche = Device::new("Pharmacie du Marché");
    let exported = marche.env.path("appareil.json");
    marche.ok(&["device", "show", "--out", exported.to_str().unwrap()], "");

    // The key the bundle goes on, plugged in before the window opens.
    let key = env.path("cles").join("CLE-CPTS");
    std::fs::create_dir_all(&key).unwrap();
    let mut h = window(&dir, vec![env.path("cles")], NOW);
    type_into(&mut h, "Nom de la CPTS", "CPTS Sud Deux-Sèvres");
    type_into(&mut h, "Phrase de passe", PASSPHRASE);
    type_into(&mut h, "La même phrase de passe, à nouveau", PASSPHRASE);
    tap(&mut h, "Créer la CPTS");
    tap(&mut h, "Registre");
    type_into(&mut h, "Nom de l'appareil", "Pharmacie de la Gare");
    type_into(
        &mut h,
        "Clé publique (ou fichier exporté par l'appareil)",
        &gare.public_key(),
    );
    tap(&mut h, "Enregistrer l'appareil");
    type_into(&mut h, "Nom de l'appareil", "Pharmacie du Marché");
    type_into(
        &mut h,
        "Clé publique (ou fichier exporté par l'appareil)",
        exported.to_str().unwrap(),
    );
    tap(&mut h, "Enregistrer l'appareil");
    assert!(
        shows(&h, "Pharmacie du Marché — empreinte"),
        "{}",
        message(&h)
    );

    type_into(&mut h, "Nom du délégué", "Marie Durand");
    type_into(&mut h, "RPPS du délégué", DELEGUE);
    type_into(&mut h, "Date de formation", "15/01/2026");
    tap(&mut h, "Enregistrer le délégué");
    assert!(
        shows(&h, "choisissez pharmacien ou infirmier"),
        "{}",
        message(&h)
    );
    tap(&mut h, "Pharmacien");
    tap(&mut h, "Enregistrer le délégué");
    let code = match &h.state().state.screen {
        Screen::Registry(f) => f.code.clone().unwrap().1,
        other => panic!("{other:?}"),
    };
    assert!(shows(
        &h,
        &format!("Code d'activation de Marie Durand : {code}")
    ));
    // Her activation letter, on the key: a PDF only she and the
    // coordinator may read, with the code and how to use it.
    tap(&mut h, "Enregistrer la lettre (PDF)");
    assert!(shows(&h, "indiquez le dossier"), "{}", message(&h));
    tap(&mut h, "Clé « CLE-CPTS »");
    tap(&mut h, "Enregistrer la lettre (PDF)");
    let letter = key.join(format!("activation-{DELEGUE}.pdf"));
    assert!(
        shows(&h, "Lettre d'activation enregistrée"),
        "{}",
        message(&h)
    );
    assert_owner_only(&letter);
    let text = pdf_text(&letter);
    for said in [
        code.as_str(),
        "Marie Durand",
        "15/01/2026",
        "CPTS Sud Deux-Sèvres",
        "détruisez cette lettre",
    ] {
        assert!(text.contains(said), "{said} not in\n{text}");
    }
    type_into(&mut h, "Nom du délégant", "Dr Claire Exemple");
    type_into(&mut h, "RPPS du délégant", DELEGANT);
    type_into(
        &mut h,
        "Adresse du cabinet",
        "1 rue des Dentistes, 79500 Melle",
    );
    tap(&mut h, "Enregistrer le délégant");
    let protocol = env.write("valide.toml", &validated_text());
    type_into(
        &mut h,
        "Fichier du protocole validé",
        protocol.to_str().unwrap(),
    );
    tap(&mut h, "Ajouter le protocole");
    assert!(shows(&h, "validé par Dr"), "{}", message(&h));

    // The duty roster typed as a table: a wrong date refused with its
    // line, then recorded as a garde.toml would be.
    tap(&mut h, "Ajouter une garde");
    tap(&mut h, "Ajouter une garde");
    let cell = |h: &mut Harness<'_, OfficeApp>, column: &str, line: usize, text: &str| {
        h.get_all_by_label(column).nth(line).unwrap().focus();
        h.run();
        h.get_all_by_label(column)
            .nth(line)
            .unwrap()
            .type_text(text);
        h.run();
    };
    for (line, (from, to, who)) in [
        ("20/12/2026", "20/12/2026", "Dr Paul Garde"),
        ("13/12/2026", "19/12/2026", "Dr Anne Veille"),
    ]
    .into_iter()
    .enumerate()
    {
        cell(&mut h, "Du", line, from);
        cell(&mut h, "Au", line, to);
        cell(&mut h, "Dentiste de garde", line, who);
        cell(&mut h, "Adresse", line, "3 place du Marché, 79500 Melle");
        cell(&mut h, "Téléphone", line, "05 49 27 00 00");
    }
    tap(&mut h, "Ajouter une garde");
    cell(&mut h, "Du", 2, "32/12/2026");
    tap(&mut h, "Enregistrer le tableau de garde");
    assert!(shows(&h, "garde n° 3 : du"), "{}", message(&h));
    assert!(
        CptsDb::open(&dir)
            .unwrap()
            .state()
            .unwrap()
            .roster
            .is_none()
    );
    // Two dentists on call the same day: refused, nothing recorded.
    h.get_all_by_label("Du").nth(2).unwrap().focus();
    h.run();
    for _ in 0..10 {
        h.key_press(egui::Key::Backspace);
        h.run();
    }
    cell(&mut h, "Du", 2, "19/12/2026");
    cell(&mut h, "Au", 2, "21/12/2026");
    cell(&mut h, "Dentiste de garde", 2, "Dr Trop");
    cell(&mut h, "Adresse", 2, "1 rue Haute, Melle");
    cell(&mut h, "Téléphone", 2, "05 49 27 11 11");
    tap(&mut h, "Enregistrer le tableau de garde");
    assert!(shows(&h, "se chevauchent le 19/12/2026"), "{}", message(&h));
    assert!(
        CptsDb::open(&dir)
            .unwrap()
            .state()
            .unwrap()
            .roster
            .is_none()
    );
    h.get_all_by_label("Enlever").nth(2).unwrap().click();
    h.run();
    tap(&mut h, "Enregistrer le tableau de garde");
    assert!(
        shows(&h, "Tableau de garde enregistré (2"),
        "{}",
        message(&h)
    );
    let recorded = CptsDb::open(&dir).unwrap().state().unwrap().roster.unwrap();
    let roster = protocoop::documents::Roster::parse(&recorded, "cpts").unwrap();
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    assert_eq!(
        roster.on_duty(day("2026-12-20")).unwrap().dentist,
        "Dr Paul Garde"
    );
    assert_eq!(
        roster.on_duty(day("2026-12-19")).unwrap().dentist,
        "Dr Anne Veille"
    );
    assert!(roster.on_duty(day("2026-12-21")).is_none());
    // Shown back in date order.
    match &h.state().state.screen {
        Screen::Registry(f) => assert_eq!(f.duties[0].from, "13/12/2026"),
        other => panic!("{other:?}"),
    }

    tap(&mut h, "Mise à jour des appareils");
    for change in [
        "• délégué ajouté : Marie Durand",
        "• délégant ajouté : Dr Claire Exemple",
        "• appareil enregistré : Pharmacie du Marché",
        "• tableau de garde mis à jour",
    ] {
        assert!(shows(&h, change), "{change}");
    }
    tap(&mut h, "Clé « CLE-CPTS »");
    type_into(&mut h, "Phrase de passe de la CPTS", "pas la bonne phrase");
    tap(&mut h, "Écrire le lot");
    assert!(!key.join("lot-1.json").exists(), "{}", message(&h));
    type_into(&mut h, "Phrase de passe de la CPTS", PASSPHRASE);
    tap(&mut h, "Écrire le lot");
    assert!(shows(&h, "Lot n° 1 écrit"), "{}", message(&h));
    assert!(shows(&h, "Rien n'a changé depuis le dernier lot."));
    let fingerprint = h.state().state.cpts.clone().map(|_| {
        protocoop::cpts::authority::identity(&dir)
            .unwrap()
            .unwrap()
            .fingerprint()
    });
    drop(h);

    // Each structure applies the bundle, Marie activates, acts, reports.
    let bundle = key.join("lot-1.json");
    let media = env.path("media");
    let usb = media.join("RAPPORTS");
    std::fs::create_dir_all(&usb).unwrap();
    for (i, d) in [&gare, &marche].into_iter().enumerate() {
        d.ok(
            &[
                "bundle",
                "apply",
                bundle.to_str().unwrap(),
                "--expect-fingerprint",
                fingerprint.as_deref().unwrap(),
            ],
            "",
        );
        d.ok(
            &[
                "professional",
                "activate",
                "--rpps",
                DELEGUE,
                "--code",
                &code,
                "--pin-stdin",
            ],
            &format!("{MARIE_PIN}\n"),
        );
        let out = d.record(
            &format!("2026-12-0{}T10:00:00Z", i + 4),
            MARIE_PIN,
            json!({}),
        );
        assert_eq!(out.code, 0, "{out:?}");
        let r = d.report("2027-01-01T08:00:00Z", "2026-12");
        std::fs::copy(&r, usb.join(format!("rapport-{i}.json"))).unwrap();
    }
    let mut altered: Value =
        serde_json::from_slice(&std::fs::read(usb.join("rapport-1.json")).unwrap()).unwrap();
    altered["remuneration"]["total_cents"] = json!(999_900);
    let forged = env.path("altere.json");
    std::fs::write(&forged, serde_json::to_vec(&altered).unwrap()).unwrap();

    let mut h = window(&dir, vec![media], "2027-01-05T09:00:00Z");
    tap(&mut h, "Importer");
    tap(&mut h, "Importer tout (2)");
    tap(&mut h, "Importer tout (2)");
    type_into(
        &mut h,
        "Ou le chemin d'un fichier",
        forged.to_str().unwrap(),
    );
    tap(&mut h, "Importer ce fichier");
    let outcomes: Vec<_> = match &h.state().state.screen {
        Screen::Import(f) => f.lines.iter().map(|l| l.outcome).collect(),
        other => panic!("{other:?}"),
    };
    use protocoop::office::state::Outcome::*;
    assert_eq!(
        outcomes,
        [
            Imported,
            Imported,
            AlreadyImported,
            AlreadyImported,
            Refused
        ]
    );
    tap(&mut h, "Le mois");
    assert!(
        shows(&h, "2 rapports reçus · 2 prises en charge"),
        "{:?}",
        h.state().state.screen
    );
    // The figures and the chart of `cpts report`, then each device.
    assert!(shows(&h, "Prises en charge par jour : lundi 0"));
    assert!(shows(&h, "Par appareil"));
    let devices = match &h.state().state.screen {
        Screen::Month(f) => {
            let total = f.figures.iter().find(|(l, _)| l == "Prises en charge");
            assert_eq!(total.map(|(_, v)| v.as_str()), Some("2"));
            let names: Vec<&str> = f
                .consolidated
                .devices
                .iter()
                .filter_map(|d| f.device_names.get(&d.device_id).map(String::as_str))
                .collect();
            assert_eq!(names.len(), 2, "{names:?}");
            assert!(names.contains(&"Pharmacie du Marché"), "{names:?}");
            f.consolidated.devices.len()
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(devices, 2);
    drop(h);
    // IBANs by the command line, on the same folder: the window sees them.
    let cpts = |args: &[&str]| {
        let mut a = vec!["cpts", "--cpts-dir", dir.to_str().unwrap()];
        a.extend_from_slice(args);
        let out = run_in(
            env.path("").as_path(),
            &a,
            "",
            &[("PROTOCOOP_NOW", "2027-01-05T09:00:00Z")],
        );
        assert_eq!(out.code, 0, "{args:?}: {out:?}");
    };
    cpts(&[
        "iban",
        "set",
        "--rpps",
        DELEGANT,
        "--iban",
        "FR1420041010050500013M02606",
    ]);
    let mut h = window(&dir, Vec::new(), "2027-01-05T09:30:00Z");
    // Marie's in the window: a typo refused, then the right one.
    tap(&mut h, "Registre");
    type_into(&mut h, "RPPS du professionnel à payer", DELEGUE);
    type_into(&mut h, "Son IBAN", "FR76 3000 6000 0112 3456 7890 198");
    tap(&mut h, "Enregistrer le compte");
    assert!(
        shows(&h, "clé de contrôle ne correspond pas"),
        "{}",
        message(&h)
    );
    // The typo mended as a person would: three characters erased.
    h.get_by_label("Son IBAN").focus();
    h.run();
    for _ in 0..3 {
        h.key_press(egui::Key::Backspace);
        h.run();
    }
    h.get_by_label("Son IBAN").type_text("189");
    h.run();
    tap(&mut h, "Enregistrer le compte");
    assert!(shows(&h, "10005173140 — FR •••• 0189"), "{}", message(&h));
    tap(&mut h, "Le mois");
    let out_dir = env.path("compta");
    std::fs::create_dir_all(&out_dir).unwrap();
    type_into(
        &mut h,
        "Dossier où écrire (une clé USB, « Documents »…)",
        out_dir.to_str().unwrap(),
    );
    type_into(
        &mut h,
        "Titulaire du compte de la CPTS",
        "CPTS Sud Deux-Sèvres",
    );
    type_into(
        &mut h,
        "IBAN du compte de la CPTS",
        "FR7630001007941234567890185",
    );
    tap(&mut h, "Fichier de virements SEPA");
    assert!(shows(&h, "2 virements, 50,00"), "{}", message(&h));
    assert_sepa_valid(&out_dir.join("virements-2026-12.xml"));
    tap(&mut h, "Marquer payé");
    assert!(shows(&h, "Payé le 05/01/2027"), "{}", message(&h));
}
