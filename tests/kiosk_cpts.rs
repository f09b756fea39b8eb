//! The kiosk attached to its CPTS, driven by labels (egui_kittest): « Rattacher
//! à la CPTS » from an empty data folder, comparing the key's fingerprint,
//! then a délégué's first sign-in with her activation code.

mod common;
mod kiosk_support;

use egui_kittest::kittest::Queryable;
use kiosk_support::*;
use protocoop::bundle::{Activation, BundleDelegant, BundleDelegue, DelegueStatus};
use protocoop::crypto::{KeyPair, codes};
use protocoop::kiosk::{FixedClock, Screen};
use protocoop::protocol::Protocol;
use protocoop::registry::{DelegantProfession, Profession};

/// A bundle for the device in `dir` (its key created as at first start),
/// written to a file; returns the file, the CPTS key and Marie's code.
fn bundle_for(dir: &std::path::Path) -> (String, KeyPair, String) {
    let device = {
        let mut l = protocoop::vault::open_ledger(dir, "phrase de passe de test", now()).unwrap();
        l.device_key(now()).unwrap().public()
    };
    let cpts = KeyPair::generate().unwrap();
    let code = codes::new_code().unwrap();
    let delegues = [BundleDelegue {
        rpps: common::rpps(common::DELEGUE),
        name: "Marie Durand".into(),
        profession: Profession::Pharmacien,
        trained_on: "2026-01-15".parse().unwrap(),
        status: DelegueStatus::Active,
        activation: Some(Activation {
            id: "a1".into(),
            code_hash: codes::hash_code(&code).unwrap(),
        }),
    }];
    let delegants = [BundleDelegant {
        rpps: common::rpps(common::DELEGANT),
        name: "Dr Claire Exemple".into(),
        profession: DelegantProfession::ChirurgienDentiste,
        address: None,
        phone: None,
    }];
    let text = common::signed_bundle(
        &cpts,
        1,
        &common::validated_text(),
        &delegues,
        &delegants,
        &[device],
    );
    // At the top of a USB key « CLE-CPTS », mounted under `media/`.
    let key = dir.parent().unwrap().join("media").join("CLE-CPTS");
    std::fs::create_dir_all(&key).unwrap();
    let path = key.join("lot-1.json");
    std::fs::write(&path, text).unwrap();
    (path.display().to_string(), cpts, code)
}

#[test]
fn rattacher_a_la_cpts_puis_premiere_connexion_avec_le_code_d_activation() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("data");
    let (file, cpts, code) = bundle_for(&dir);
    let clock = FixedClock::new(now());
    let mut h = harness_on_media(
        &dir,
        &clock,
        Protocol::bundled(),
        &root.path().join("media"),
    );
    assert!(shows(&h, "Première mise en service"));
    assert!(shows(&h, "Rattacher à la CPTS"));

    // The bundle on the key, named by the key, not by a path; one touch
    // reads it.
    assert!(shows(&h, "Lot de la CPTS trouvé sur la clé USB"));
    assert!(!shows(&h, &file), "no path on screen");
    assert!(!shows(&h, "lot-1.json"), "no file name on screen");
    read(&mut h);
    h.get_by_label_contains("Clé « CLE-CPTS », écrit le")
        .click();
    h.run();
    let fingerprint = cpts.public().fingerprint();
    assert!(
        shows(&h, &fingerprint),
        "the fingerprint to compare is shown"
    );
    assert!(shows(&h, "CPTS des tests"));
    assert!(
        protocoop::vault::open_ledger(&dir, "phrase de passe de test", now())
            .unwrap()
            .registry()
            .unwrap()
            .attachment
            .is_none(),
        "nothing applied before the person confirms"
    );
    tap(&mut h, "C'est la même empreinte : rattacher");
    assert!(
        shows(&h, "Rattaché à « CPTS des tests »"),
        "{:?}",
        h.state().state.message
    );
    assert!(
        !shows(&h, "Nom du délégué"),
        "professionals come from the bundle"
    );
    type_into(&mut h, "Nom de la structure", "Pharmacie de la Poste");
    type_into(&mut h, "Adresse", "1 rue de la Poste, 79500 Melle");
    replace_text(&mut h, "Code postal", "79500");
    tap(&mut h, "Enregistrer et commencer");
    assert!(
        matches!(h.state().state.screen, Screen::Accueil),
        "{:?}",
        h.state().state.message
    );
    assert!(
        !h.state().state.is_training(),
        "attached, validated protocol: real acts"
    );
    assert!(!shows(&h, "MODE FORMATION"));

    // Marie's first sign-in: her code, then the PIN she chooses.
    tap(&mut h, "Nouvelle prise en charge");
    tap(&mut h, "Marie Durand");
    assert!(shows(&h, "Première connexion sur cet appareil"));
    type_into(&mut h, "Code d'activation", &code.to_lowercase());
    type_into(&mut h, "Nouveau code PIN", "123456");
    type_into(&mut h, "Nouveau code PIN (confirmation)", "123456");
    tap(&mut h, "Choisir ce code PIN");
    assert!(
        shows(&h, "trop facile à deviner"),
        "{:?}",
        h.state().state.message
    );
    let Screen::Identification(f) = &h.state().state.screen else {
        panic!("left the sign-in")
    };
    assert!(
        f.activation.code.is_empty(),
        "the code is not left on screen after a refusal"
    );
    type_into(&mut h, "Code d'activation", &code);
    type_into(&mut h, "Nouveau code PIN", "830571");
    type_into(&mut h, "Nouveau code PIN (confirmation)", "830571");
    tap(&mut h, "Choisir ce code PIN");
    assert!(
        matches!(h.state().state.screen, Screen::Patient(_)),
        "{:?}",
        h.state().state.message
    );
    drop(h);

    let l = protocoop::vault::open_ledger(&dir, "phrase de passe de test", now()).unwrap();
    let reg = l.registry().unwrap();
    assert_eq!(reg.attachment.as_ref().unwrap().serial, 1);
    assert!(reg.pin_hash(&common::rpps(common::DELEGUE)).is_some());
    assert!(l.verify().unwrap().ok);

    // Next time, she signs in with her PIN on the keypad.
    let mut h = harness(&dir, &clock, l.cpts_protocol().unwrap().unwrap());
    drop(l);
    tap(&mut h, "Nouvelle prise en charge");
    tap(&mut h, "Marie Durand");
    assert!(!shows(&h, "Première connexion"));
    type_keys(&mut h, "830571");
    tap(&mut h, "Valider");
    assert!(
        matches!(h.state().state.screen, Screen::Patient(_)),
        "{:?}",
        h.state().state.message
    );
}

#[test]
fn une_empreinte_qui_differe_se_voit_et_rien_n_est_applique_sans_confirmation() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("data");
    let (file, _, _) = bundle_for(&dir);
    // The file edited after signing: it cannot even be read as a bundle.
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("Marie Durand", "Mallory");
    std::fs::write(&file, text).unwrap();
    let clock = FixedClock::new(now());
    let mut h = harness(&dir, &clock, Protocol::bundled());
    // No key seen: the kiosk says to plug it in; a path typed under
    // « Autre emplacement » is read too.
    assert!(shows(&h, "Branchez la clé USB que la CPTS vous a remise"));
    tap(&mut h, "Autre emplacement");
    type_into(&mut h, "Fichier du lot de la CPTS", &file);
    tap(&mut h, "Lire le lot");
    assert!(
        shows(&h, "signature de ce lot est invalide"),
        "{:?}",
        h.state().state.message
    );
    assert!(!shows(&h, "C'est la même empreinte"));
    drop(h);
    assert!(
        protocoop::vault::open_ledger(&dir, "phrase de passe de test", now())
            .unwrap()
            .registry()
            .unwrap()
            .attachment
            .is_none()
    );
}

/// A device whose log lacks the head its CPTS acknowledged (restored from
/// an old copy): Accueil says so, and no real act can be recorded.
#[test]
fn un_registre_restaure_est_annonce_a_l_accueil_et_bloque_les_actes_reels() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("data");
    let (file, cpts, code) = bundle_for(&dir);
    let device = {
        let mut l = protocoop::vault::open_ledger(&dir, "phrase de passe de test", now()).unwrap();
        l.set_structure(&protocoop::registry::StructureRecord {
            v: 1,
            name: "Pharmacie de la Poste".into(),
            address: "1 rue de la Poste, 79500 Melle".into(),
            postal_code: "79500".into(),
            finess: None,
            phone: None,
            recorded_at: now(),
        })
        .unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        l.apply_bundle(&text, Some(&cpts.public().fingerprint()), now())
            .unwrap();
        l.activate(&common::rpps(common::DELEGUE), &code, common::PIN, now())
            .unwrap();
        l.device_key(now()).unwrap().public()
    };
    // The CPTS received a report up to entry 9 999 that this log lacks.
    let delegues = protocoop::bundle::Bundle::reread(&std::fs::read_to_string(&file).unwrap())
        .unwrap()
        .payload
        .delegues;
    let second = common::signed_bundle_for(
        &cpts,
        2,
        &common::validated_text(),
        &delegues,
        &[],
        vec![protocoop::bundle::BundleDevice {
            name: "Pharmacie de la Poste".into(),
            public_key: device,
            acknowledged_head: Some(protocoop::bundle::AcknowledgedHead {
                seq: 9_999,
                hash: "ab".repeat(32),
            }),
            restore_acknowledged: false,
        }],
    );
    {
        let mut l = protocoop::vault::open_ledger(&dir, "phrase de passe de test", now()).unwrap();
        l.apply_bundle(&second, None, now()).unwrap();
        assert!(l.registry().unwrap().restored.is_some());
    }
    let clock = FixedClock::new(now());
    let h = harness(&dir, &clock, Protocol::bundled());
    assert!(matches!(h.state().state.screen, Screen::Accueil));
    assert!(shows(
        &h,
        "Registre restauré ou altéré depuis le dernier rapport"
    ));
    assert!(shows(&h, "appelez la coordination de la CPTS"));
}

/// A key plugged in after the screen opened: « Chercher à nouveau » finds
/// its bundle.
#[test]
fn une_cle_branchee_apres_coup_est_trouvee_en_cherchant_a_nouveau() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("data");
    bundle_for(&dir);
    let (key, aside) = (
        root.path().join("media").join("CLE-CPTS"),
        root.path().join("aside"),
    );
    std::fs::rename(&key, &aside).unwrap();
    let clock = FixedClock::new(now());
    let mut h = harness_on_media(
        &dir,
        &clock,
        Protocol::bundled(),
        &root.path().join("media"),
    );
    assert!(shows(&h, "Branchez la clé USB que la CPTS vous a remise"));
    std::fs::rename(&aside, &key).unwrap();
    tap(&mut h, "Chercher à nouveau");
    assert!(shows(&h, "Clé « CLE-CPTS », écrit le"));
    assert!(!shows(&h, "Branchez la clé USB"));
}
