//! Backups and recovery through the real binary: a backup taken while
//! another process appends restores elsewhere with every act, the same
//! identity and numbering that continues; a wrong passphrase, a changed
//! byte or a cut file restores nothing; a CPTS reopens a device whose
//! passphrase is lost with its recovery key alone.

mod common;

use std::path::Path;

use common::fleet::*;
use common::*;
use serde_json::{Value, json};

/// The default patient of `abscess_input`, and any PIN hash.
fn clear_in(bytes: &[u8]) -> Vec<&'static str> {
    let lower = bytes.to_ascii_lowercase();
    ["martin", "1986-03-02", "$argon2id$"]
        .into_iter()
        .filter(|n| lower.windows(n.len()).any(|w| w == n.as_bytes()))
        .collect()
}

fn numbers(d: &Device, data: &str) -> Vec<String> {
    let out = d.env.run_env(
        &["--data-dir", data, "act", "list", "--json"],
        "",
        &[("PROTOCOOP_NOW", NOW)],
    );
    assert_eq!(out.code, 0, "{out:?}");
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|a| a["number"].as_str().unwrap().to_string())
        .collect()
}

/// A training device with its délégué, délégant and `acts` acts.
fn device_with_acts(acts: usize) -> Device {
    let d = Device::new("Pharmacie du Marché");
    d.ok(
        &[
            "professional",
            "add",
            "--role",
            "delegue",
            "--name",
            "Marie Durand",
            "--rpps",
            DELEGUE,
            "--profession",
            "pharmacien",
            "--trained-on",
            "2026-01-15",
            "--pin-stdin",
        ],
        &format!("{PIN}\n"),
    );
    d.ok(
        &[
            "professional",
            "add",
            "--role",
            "delegant",
            "--name",
            "Dr Claire Exemple",
            "--rpps",
            DELEGANT,
        ],
        "",
    );
    for _ in 0..acts {
        let out = d.record(NOW, PIN, json!({}));
        assert_eq!(out.code, 0, "{out:?}");
    }
    d
}

#[test]
fn une_sauvegarde_prise_pendant_des_ajouts_se_restaure_ailleurs() {
    let d = device_with_acts(3);
    let backup = d.env.path("sauvegarde.pcbk");
    // Another process appends while the backup runs: eight patients
    // (one patient again would be a repeat visit, refused its lines).
    for i in 1..=8 {
        d.env.write(
            &format!("acte-{i}.json"),
            &format!("{PIN}\n{}", abscess_for(100 + i, json!({}))),
        );
    }
    let bin = env!("CARGO_BIN_EXE_protocoop");
    let mut appender = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "for i in 1 2 3 4 5 6 7 8; do '{bin}' --data-dir '{}' act record --input - --pin-stdin < '{}'/acte-$i.json > /dev/null || exit 1; done",
            d.data,
            d.env.path("").display()
        ))
        .env("PROTOCOOP_PASSPHRASE", DEVICE_PASSPHRASE)
        .env("PROTOCOOP_NOW", NOW)
        .spawn()
        .unwrap();
    let out = d.ok(&["backup", "--out", backup.to_str().unwrap()], "");
    assert!(out.stdout.contains("Sauvegarde écrite"), "{}", out.stdout);
    assert!(appender.wait().unwrap().success());
    assert_eq!(
        clear_in(&std::fs::read(&backup).unwrap()),
        Vec::<&str>::new()
    );

    let restored = d.env.path("restaure");
    let r = restored.to_str().unwrap();
    let out = d.env.run_env(
        &["--data-dir", r, "restore", backup.to_str().unwrap()],
        "",
        &[("PROTOCOOP_NOW", NOW)],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("même identité"), "{}", out.stdout);
    let verify = d
        .env
        .run_env(&["--data-dir", r, "verify"], "", &[("PROTOCOOP_NOW", NOW)]);
    assert_eq!(verify.code, 0, "{verify:?}");
    // Every act of the snapshot, and numbering that continues.
    let original = numbers(&d, &d.data);
    let copy = numbers(&d, r);
    assert!(copy.len() >= 3 && copy.len() <= original.len(), "{copy:?}");
    assert_eq!(copy[..], original[..copy.len()]);
    let out = d.env.run_env(
        &[
            "--data-dir",
            r,
            "act",
            "record",
            "--input",
            "-",
            "--pin-stdin",
            "--json",
        ],
        &format!("{PIN}\n{}", abscess_for(200, json!({}))),
        &[("PROTOCOOP_NOW", NOW)],
    );
    assert_eq!(out.code, 0, "{out:?}");
    let next: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(next["number"], format!("2026-{:04}", copy.len() + 1));
    // Same device.
    let show = |data: &str| {
        let o = d
            .env
            .run_env(&["--data-dir", data, "device", "show", "--json"], "", &[]);
        serde_json::from_str::<Value>(&o.stdout).unwrap()["public_key"].clone()
    };
    assert_eq!(show(r), show(&d.data));
}

#[test]
fn une_sauvegarde_abimee_ou_la_mauvaise_phrase_ne_restaurent_rien() {
    let d = device_with_acts(2);
    let backup = d.env.path("sauvegarde.pcbk");
    d.ok(&["backup", "--out", backup.to_str().unwrap()], "");
    let bytes = std::fs::read(&backup).unwrap();
    let restore = |file: &Path, pass: &str| {
        let target = d.env.path("cible");
        let out = d.env.run_env(
            &[
                "--data-dir",
                target.to_str().unwrap(),
                "restore",
                file.to_str().unwrap(),
            ],
            "",
            &[("PROTOCOOP_PASSPHRASE", pass)],
        );
        assert!(!target.exists(), "nothing written: {out:?}");
        assert!(!d.env.path("cible.restauration").exists());
        out
    };
    let out = restore(&backup, "pas la bonne phrase");
    assert_ne!(out.code, 0);
    assert!(
        out.stderr.contains("phrase de passe incorrecte"),
        "{}",
        out.stderr
    );
    // A byte changed anywhere: in the header, the ledger, the keys, the end.
    let header = bytes.iter().position(|&b| b == b'\n').unwrap() + 10;
    for at in [header, bytes.len() / 3, bytes.len() / 2, bytes.len() - 5] {
        let mut bad = bytes.clone();
        bad[at] ^= 0x20;
        let f = d.env.path("abimee.pcbk");
        std::fs::write(&f, &bad).unwrap();
        let out = restore(&f, DEVICE_PASSPHRASE);
        assert_ne!(out.code, 0, "byte {at}");
        assert!(
            out.stderr.contains("sauvegarde") || out.stderr.contains("phrase de passe"),
            "byte {at}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains("panicked"));
    }
    let cut = d.env.path("coupee.pcbk");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let out = restore(&cut, DEVICE_PASSPHRASE);
    assert!(out.stderr.contains("tronqué"), "{}", out.stderr);
    let other = d.env.write("autre.txt", "bonjour");
    let out = restore(&other, DEVICE_PASSPHRASE);
    assert!(
        out.stderr.contains("n'est pas une sauvegarde protocoop"),
        "{}",
        out.stderr
    );
    // Not over an existing folder.
    let out = d.env.run_env(
        &["--data-dir", &d.data, "restore", backup.to_str().unwrap()],
        "",
        &[],
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("n'est pas vide"), "{}", out.stderr);
}

#[test]
fn la_cpts_rouvre_un_appareil_dont_la_phrase_de_passe_est_perdue() {
    let d = Device::new("Pharmacie du Marché");
    let (office, _marie, _luc) = office_with(&[&d]);
    let fp = office.fingerprint();
    let bundle = office.bundle("lot-1.json");
    d.ok(
        &["bundle", "apply", &bundle, "--expect-fingerprint", &fp],
        "",
    );
    let keys = Path::new(&d.data).join("keys.json");
    let held: Value = serde_json::from_slice(&std::fs::read(&keys).unwrap()).unwrap();
    assert!(
        held["escrow"]["age"]
            .as_str()
            .unwrap()
            .contains("BEGIN AGE ENCRYPTED FILE")
    );
    let backup = d.env.path("sauvegarde.pcbk");
    d.ok(&["backup", "--out", backup.to_str().unwrap()], "");
    let before = d.entries();

    // The passphrase is lost: the CPTS reseals the key under a new one.
    let new_pass = "nouvelle phrase de la pharmacie";
    let resealed = office.env.path("keys-nouvelle.json");
    let out = office.run(
        &[
            "recover",
            keys.to_str().unwrap(),
            "--out",
            resealed.to_str().unwrap(),
            "--passphrase-stdin",
        ],
        &format!("{PASSPHRASE}\n{new_pass}\n"),
    );
    assert_eq!(out.code, 0, "{out:?}");
    std::fs::copy(&resealed, &keys).unwrap();
    let with = |pass: &str, args: &[&str]| {
        let mut a = vec!["--data-dir", d.data.as_str()];
        a.extend_from_slice(args);
        d.env.run_env(
            &a,
            "",
            &[("PROTOCOOP_PASSPHRASE", pass), ("PROTOCOOP_NOW", NOW)],
        )
    };
    assert_eq!(with(new_pass, &["verify"]).code, 0);
    assert_ne!(
        with(DEVICE_PASSPHRASE, &["verify"]).code,
        0,
        "the old passphrase no longer opens it"
    );
    assert_eq!(
        d.env
            .run_env(
                &["--data-dir", &d.data, "verify", "--json"],
                "",
                &[("PROTOCOOP_PASSPHRASE", new_pass)]
            )
            .code,
        0
    );

    // From the backup alone: recover its key, restore with it.
    let from_backup = office.env.path("keys-sauvegarde.json");
    let out = office.run(
        &[
            "recover",
            backup.to_str().unwrap(),
            "--out",
            from_backup.to_str().unwrap(),
            "--passphrase-stdin",
        ],
        &format!("{PASSPHRASE}\n{new_pass}\n"),
    );
    assert_eq!(out.code, 0, "{out:?}");
    let target = d.env.path("restaure");
    let out = d.env.run_env(
        &[
            "--data-dir",
            target.to_str().unwrap(),
            "restore",
            backup.to_str().unwrap(),
            "--keys",
            from_backup.to_str().unwrap(),
        ],
        "",
        &[("PROTOCOOP_PASSPHRASE", new_pass)],
    );
    assert_eq!(out.code, 0, "{out:?}");
    let out = d.env.run_env(
        &["--data-dir", target.to_str().unwrap(), "verify", "--json"],
        "",
        &[("PROTOCOOP_PASSPHRASE", new_pass)],
    );
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["entries"].as_u64().unwrap(), before);

    // A wrong CPTS passphrase, or another CPTS, reopens nothing.
    let out = office.run(
        &[
            "recover",
            keys.to_str().unwrap(),
            "--out",
            office.env.path("x.json").to_str().unwrap(),
            "--passphrase-stdin",
        ],
        &format!("pas la phrase de la CPTS\n{new_pass}\n"),
    );
    assert_ne!(out.code, 0);
    assert!(
        out.stderr.contains("phrase de passe incorrecte"),
        "{}",
        out.stderr
    );
    assert!(!office.env.path("x.json").exists());
}

#[test]
fn chaque_cloture_sauvegarde_dans_le_dossier_prevu_et_dit_quand_elle_ne_peut_pas() {
    let d = device_with_acts(2);
    let refused = |folder: &str, why: &str| {
        let out = d.run(&["backup", "--after-closure", folder], "");
        assert_eq!(out.code, 2, "{folder}: {out:?}");
        assert!(out.stderr.contains(why), "{folder}: {}", out.stderr);
    };
    refused("partage", "n'est pas un chemin complet");
    refused("/nulle/part/protocoop", "n'existe pas");
    refused(&d.data, "se perd avec l'appareil");
    assert!(!Path::new(&d.data).join("sauvegarde.toml").exists());

    let nas = d.env.path("nas");
    std::fs::create_dir(&nas).unwrap();
    let out = d.ok(&["backup", "--after-closure", nas.to_str().unwrap()], "");
    assert!(out.stdout.contains("Chaque clôture"), "{}", out.stdout);

    let out = d.run_at("2026-12-02T09:00:00Z", &["close", "--month", "2026-11"], "");
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stdout.contains("Sauvegarde écrite"), "{}", out.stdout);
    let written: Vec<_> = std::fs::read_dir(&nas)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(written.len(), 1, "{written:?}");
    assert!(
        written[0]
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("protocoop-sauvegarde-2026-12-02-10h00"),
        "named for the day and time in Paris: {written:?}"
    );
    let restored = d.env.path("restaure");
    let r = restored.to_str().unwrap();
    let out = d.env.run_env(
        &["--data-dir", r, "restore", written[0].to_str().unwrap()],
        "",
        &[("PROTOCOOP_NOW", "2026-12-02T09:05:00Z")],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(numbers(&d, r), numbers(&d, &d.data));

    // The share is gone at the next closure: the closure stands, the
    // missing backup is said, and the exit status tells a script.
    std::fs::remove_dir_all(&nas).unwrap();
    let out = d.run_at("2027-01-02T09:00:00Z", &["close", "--month", "2026-12"], "");
    assert_eq!(out.code, 4, "{out:?}");
    assert!(
        out.stdout.starts_with("Décembre 2026 clôturé"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("la clôture est faite, mais la sauvegarde n'a pas pu être écrite")
            && out.stdout.contains("introuvable"),
        "{}",
        out.stdout
    );
    let again = d.run_at("2027-01-02T09:01:00Z", &["close", "--month", "2026-12"], "");
    assert_ne!(again.code, 0, "December stays closed: {again:?}");

    let out = d.ok(&["backup", "--no-after-closure"], "");
    assert!(out.stdout.contains("Plus de sauvegarde"), "{}", out.stdout);
    assert!(!Path::new(&d.data).join("sauvegarde.toml").exists());
    let out = d.run(&["backup"], "");
    assert_eq!(out.code, 2, "{out:?}");
}
