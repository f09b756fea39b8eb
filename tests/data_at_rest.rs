//! Health data at rest: nothing of a patient, a PIN hash or the device's
//! secret is readable in the data folder without the structure's
//! passphrase; a wrong passphrase opens and writes nothing; a ledger
//! written before encryption is encrypted in place, atomically.

mod common;

use std::path::{Path, PathBuf};
use std::time::Instant;

use common::*;
use protocoop::crypto::KeyPair;
use protocoop::ledger::{DB_FILE, Ledger};
use protocoop::protocol::Protocol;
use serde_json::json;

const NOW: &str = "2026-11-16T09:00:00Z";

/// Names and a birth date no other text of the ledger contains.
const SURNAME: &str = "Zorglubienne";
const FIRST_NAME: &str = "Philomène";
const BIRTH: &str = "1961-07-23";

fn patient_act() -> String {
    abscess_input(
        json!({"patient": {"last_name": SURNAME, "first_name": FIRST_NAME, "birth_date": BIRTH}}),
    )
}

/// A ledger with `acts` acts of the patient above (and a follow-up).
fn filled(dir: &Path, acts: usize) -> Ledger {
    let mut l = setup_ledger(dir, t(NOW));
    l.connection()
        .pragma_update(None, "synchronous", "OFF")
        .unwrap();
    let p = Protocol::bundled();
    for _ in 0..acts {
        record(&mut l, &p, &patient_act(), t(NOW)).unwrap();
    }
    l
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Every needle found in any file under `dir` (case folded for ASCII).
fn clear_secrets(dir: &Path) -> Vec<String> {
    let needles = [
        SURNAME.to_lowercase(),
        "philom".into(),
        BIRTH.into(),
        "23/07/1961".into(),
        "$argon2id$".into(),
        "\"secret\"".into(),
    ];
    let mut found = Vec::new();
    for f in files_under(dir) {
        let bytes = std::fs::read(&f).unwrap().to_ascii_lowercase();
        for n in &needles {
            if bytes.windows(n.len()).any(|w| w == n.as_bytes()) {
                found.push(format!("{} in {}", n, f.display()));
            }
        }
    }
    found
}

#[test]
fn le_dossier_de_donnees_ne_montre_ni_patient_ni_empreinte_de_pin() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let l = filled(&data, 8);
    // The scan finds these needles where they are in clear.
    let clear = dir.path().join("clear");
    std::fs::create_dir(&clear).unwrap();
    export_clear(&l, &clear.join(DB_FILE));
    let found = clear_secrets(&clear);
    for needle in [SURNAME.to_lowercase().as_str(), BIRTH, "$argon2id$"] {
        assert!(
            found.iter().any(|f| f.starts_with(needle)),
            "{needle}: {found:?}"
        );
    }
    drop(l);
    // While open (WAL and all) and once closed.
    let l = protocoop::vault::open_ledger(&data, DEVICE_PASSPHRASE, t(NOW)).unwrap();
    assert_eq!(clear_secrets(&data), Vec::<String>::new());
    drop(l);
    assert_eq!(clear_secrets(&data), Vec::<String>::new());
    let out = run_in(
        dir.path(),
        &["--data-dir", data.to_str().unwrap(), "verify"],
        "",
        &[],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(clear_secrets(&data), Vec::<String>::new());
}

/// A clear copy of the ledger's database (what a ledger written before
/// encryption looked like).
fn export_clear(l: &Ledger, to: &Path) {
    let c = l.connection();
    // The ledger's connection may not create files: the copy exists first.
    std::fs::write(to, b"").unwrap();
    c.execute("ATTACH DATABASE ?1 AS plain KEY ''", [to.to_str().unwrap()])
        .unwrap();
    c.query_row("SELECT sqlcipher_export('plain')", [], |_| Ok(()))
        .unwrap();
    let v: i64 = c
        .query_row("PRAGMA main.user_version", [], |r| r.get(0))
        .unwrap();
    c.pragma_update(Some("plain"), "user_version", v).unwrap();
    c.execute("DETACH DATABASE plain", []).unwrap();
}

/// Turns the folder of `l` back into one written before encryption: a
/// clear database, a clear device key, no key file.
fn make_clear(l: Ledger, dir: &Path) -> KeyPair {
    let tmp = dir.join("clear.sqlite");
    export_clear(&l, &tmp);
    drop(l);
    for f in [
        DB_FILE,
        "ledger.sqlite-wal",
        "ledger.sqlite-shm",
        "keys.json",
    ] {
        let _ = std::fs::remove_file(dir.join(f));
    }
    std::fs::rename(&tmp, dir.join(DB_FILE)).unwrap();
    let pair = KeyPair::generate().unwrap();
    let v1 =
        json!({"v": 1, "secret": hex::encode(pair.secret_bytes()), "public_key": pair.public()});
    std::fs::write(dir.join("device.key"), v1.to_string()).unwrap();
    pair
}

fn act_numbers(out: &Output) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|a| a["number"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn un_registre_en_clair_est_chiffre_sur_place_sans_rien_perdre() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let l = filled(&data, 5);
    let entries = l.len().unwrap();
    let pair = make_clear(l, &data);
    assert!(
        !clear_secrets(&data).is_empty(),
        "the folder starts in clear"
    );
    let d = data.to_str().unwrap();
    let out = run_in(dir.path(), &["--data-dir", d, "verify"], "", &[]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(clear_secrets(&data), Vec::<String>::new());
    assert!(!data.join("ledger.sqlite.encrypting").exists());
    let out = run_in(
        dir.path(),
        &["--data-dir", d, "act", "list", "--json"],
        "",
        &[],
    );
    assert_eq!(act_numbers(&out).len(), 5, "{out:?}");
    let l = protocoop::vault::open_ledger(&data, DEVICE_PASSPHRASE, t(NOW)).unwrap();
    assert_eq!(l.len().unwrap(), entries);
    // The device keeps its identity.
    assert_eq!(l.signing_key().unwrap().public(), pair.public());
}

#[test]
fn un_chiffrement_interrompu_laisse_l_ancien_registre_ou_le_nouveau() {
    let dir = tempfile::tempdir().unwrap();
    let pristine = dir.path().join("pristine");
    let l = filled(&pristine, 600);
    make_clear(l, &pristine);
    let copy = |to: &Path| {
        std::fs::create_dir_all(to).unwrap();
        for f in files_under(&pristine) {
            std::fs::copy(&f, to.join(f.file_name().unwrap())).unwrap();
        }
    };
    let verify = |data: &Path| {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_protocoop"));
        c.args(["--data-dir", data.to_str().unwrap(), "verify"])
            .env("PROTOCOOP_PASSPHRASE", DEVICE_PASSPHRASE)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        c
    };
    // How long an uninterrupted first open takes (unlock, encryption, check).
    let whole = dir.path().join("whole");
    copy(&whole);
    let start = Instant::now();
    assert!(verify(&whole).status().unwrap().success());
    let span = start.elapsed();
    let rounds = 24u32;
    let (mut old, mut new) = (0, 0);
    for i in 0..rounds {
        let data = dir.path().join(format!("round-{i}"));
        copy(&data);
        let mut child = verify(&data).spawn().unwrap();
        std::thread::sleep(span.mul_f64((f64::from(i) + 0.5) / f64::from(rounds)));
        let _ = child.kill();
        let _ = child.wait();
        if std::fs::read(data.join(DB_FILE))
            .unwrap()
            .starts_with(b"SQLite format 3\0")
        {
            old += 1;
        } else {
            new += 1;
        }
        let out = run_in(
            dir.path(),
            &[
                "--data-dir",
                data.to_str().unwrap(),
                "act",
                "list",
                "--json",
            ],
            "",
            &[],
        );
        assert_eq!(out.code, 0, "round {i}: {out:?}");
        assert_eq!(act_numbers(&out).len(), 600, "round {i}");
        assert_eq!(clear_secrets(&data), Vec::<String>::new(), "round {i}");
    }
    eprintln!("{old} rounds stopped before the rename, {new} after (whole run {span:?})");
}

#[test]
fn une_mauvaise_phrase_de_passe_n_ouvre_rien_et_cinq_ralentissent_la_suite() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    drop(filled(&data, 1));
    let d = data.to_str().unwrap();
    let snapshot = || {
        let mut files: Vec<(PathBuf, Vec<u8>)> = files_under(&data)
            .into_iter()
            .filter(|f| !f.ends_with("unlock-tries.json"))
            .map(|f| {
                let b = std::fs::read(&f).unwrap();
                (f, b)
            })
            .collect();
        files.sort();
        files
    };
    let before = snapshot();
    let at = |now: &str, pass: &str| {
        run_in(
            dir.path(),
            &["--data-dir", d, "act", "list"],
            "",
            &[("PROTOCOOP_PASSPHRASE", pass), ("PROTOCOOP_NOW", now)],
        )
    };
    for i in 0..5 {
        let out = at(NOW, "pas la bonne phrase");
        assert_ne!(out.code, 0);
        assert!(
            out.stderr.contains("phrase de passe incorrecte"),
            "{i}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains("pas la bonne"), "{}", out.stderr);
    }
    assert!(before == snapshot(), "a wrong passphrase wrote nothing");
    // The sixth try, even right, waits.
    let out = at(NOW, DEVICE_PASSPHRASE);
    assert_ne!(out.code, 0);
    assert!(out.stderr.contains("attendez 30 s"), "{}", out.stderr);
    let out = at("2026-11-16T09:00:31Z", DEVICE_PASSPHRASE);
    assert_eq!(out.code, 0, "{out:?}");
    // The count starts again after a success.
    let out = at("2026-11-16T09:00:32Z", "pas la bonne phrase");
    assert!(out.stderr.contains("incorrecte"));
    let out = at("2026-11-16T09:00:32Z", DEVICE_PASSPHRASE);
    assert_eq!(out.code, 0, "{out:?}");
    // Without a passphrase, a script is told where to give it.
    let out = run_in(
        dir.path(),
        &["--data-dir", d, "act", "list"],
        "",
        &[("PROTOCOOP_PASSPHRASE", "")],
    );
    assert_ne!(out.code, 0);
    assert!(
        out.stderr.contains("PROTOCOOP_PASSPHRASE"),
        "{}",
        out.stderr
    );
}
