//! The ledger as a CPTS must be able to trust it: tampering is caught and
//! located, crashes and concurrent writers never break or fork the chain,
//! disk errors leave no partial entry, files are private.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;
use protocoop::Error;
use protocoop::ledger::DB_FILE;
use protocoop::ledger::chain::{entry_hash, payload_digest};
use protocoop::protocol::Protocol;
use rusqlite::{Connection, params};
use serde_json::json;

const NOW: &str = "2026-11-10T10:00:00Z";

/// A ledger with 6 registry entries, acts at 7–9, a closure at 10 and an
/// act at 11, closed again.
fn build(dir: &Path) {
    let p = Protocol::bundled();
    let mut l = setup_ledger(dir, t(NOW));
    for _ in 0..3 {
        record(&mut l, &p, &abscess_input(json!({})), t(NOW)).unwrap();
    }
    let (r, _) = l.close_month("2026-10".parse().unwrap(), t(NOW)).unwrap();
    assert_eq!(r.seq, 10);
    record(&mut l, &p, &abscess_input(json!({})), t(NOW)).unwrap();
    assert_eq!(l.len().unwrap(), 11);
    assert!(l.verify().unwrap().ok);
}

/// A raw connection with the append-only triggers dropped, as an attacker
/// with the file would have.
fn raw(dir: &Path) -> Connection {
    let c = common::open_db(&dir.join(DB_FILE));
    c.execute_batch("PRAGMA foreign_keys = OFF; DROP TRIGGER IF EXISTS entries_no_update; DROP TRIGGER IF EXISTS entries_no_delete;")
        .unwrap();
    c
}

fn problem(dir: &Path) -> (u64, &'static str, String) {
    let r = protocoop::vault::open_ledger(dir, "phrase de passe de test", t(NOW))
        .unwrap()
        .verify()
        .unwrap();
    assert!(!r.ok);
    let p = r.problem.unwrap();
    (p.seq, p.what, p.message)
}

fn entry(c: &Connection, seq: i64) -> (String, Vec<u8>, Vec<u8>) {
    c.query_row(
        "SELECT kind, payload, prev_hash FROM entries WHERE seq = ?1",
        [seq],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .unwrap()
}

#[test]
fn les_declencheurs_refusent_modification_et_suppression() {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path());
    let c = common::open_db(&dir.path().join(DB_FILE));
    let e = c
        .execute("UPDATE entries SET kind = 'act' WHERE seq = 2", [])
        .unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");
    let e = c
        .execute("DELETE FROM entries WHERE seq = 11", [])
        .unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");
}

/// The links' covering index dropped (the version left at 9): the ledger
/// is refused at open, in French, untouched — not a report failing later
/// on SQLite's « no such index ».
#[test]
fn l_index_des_maillons_supprime_est_refuse_a_l_ouverture() {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path());
    raw(dir.path())
        .execute_batch("DROP INDEX entries_links")
        .unwrap();
    let db = std::fs::read(dir.path().join(DB_FILE)).unwrap();
    let e = protocoop::vault::open_ledger(dir.path(), "phrase de passe de test", t(NOW))
        .err()
        .unwrap()
        .to_string();
    assert!(
        e.contains("l'index « entries_links » de la version 9 manque")
            && e.contains("modifié hors de protocoop")
            && e.contains("rien n'a été modifié"),
        "{e}"
    );
    assert_eq!(std::fs::read(dir.path().join(DB_FILE)).unwrap(), db);
}

#[test]
fn un_octet_modifie() {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path());
    let c = raw(dir.path());
    let (_, mut payload, _) = entry(&c, 8);
    let i = payload.windows(4).position(|w| w == b"1000").unwrap();
    payload[i] = b'2'; // 1000 mg → 2000 mg
    c.execute("UPDATE entries SET payload = ?1 WHERE seq = 8", [&payload])
        .unwrap();
    let (seq, what, message) = problem(dir.path());
    assert_eq!((seq, what), (8, "hash_mismatch"));
    assert_eq!(
        message,
        "entrée 8 (act) : contenu modifié (empreinte recalculée différente)"
    );
}

#[test]
fn une_entree_supprimee() {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path());
    raw(dir.path())
        .execute("DELETE FROM entries WHERE seq = 8", [])
        .unwrap();
    let (seq, what, message) = problem(dir.path());
    assert_eq!((seq, what), (8, "gap"));
    assert_eq!(
        message,
        "entrée 8 manquante : la suivante présente est la 9"
    );
}

#[test]
fn deux_entrees_echangees() {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path());
    let c = raw(dir.path());
    let (k7, p7, _) = entry(&c, 7);
    let (k9, p9, _) = entry(&c, 9);
    c.execute(
        "UPDATE entries SET kind = ?1, payload = ?2 WHERE seq = 7",
        params![k9, p9],
    )
    .unwrap();
    c.execute(
        "UPDATE entries SET kind = ?1, payload = ?2 WHERE seq = 9",
        params![k7, p7],
    )
    .unwrap();
    let (seq, what, _) = problem(dir.path());
    assert_eq!((seq, what), (7, "hash_mismatch"));
}

#[test]
fn une_entree_forgee_inseree_au_milieu() {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path());
    let c = raw(dir.path());
    // Make room after 7 and insert a well-formed entry that links to 7.
    for seq in (8..=11).rev() {
        c.execute("UPDATE entries SET seq = seq + 1 WHERE seq = ?1", [seq])
            .unwrap();
    }
    let hash7: Vec<u8> = c
        .query_row("SELECT hash FROM entries WHERE seq = 7", [], |r| r.get(0))
        .unwrap();
    let (_, forged, _) = entry(&c, 9);
    let h = entry_hash(8, &hash7, "act", &forged);
    c.execute(
        "INSERT INTO entries (seq, kind, payload, prev_hash, hash, payload_sha256) VALUES (8, 'act', ?1, ?2, ?3, ?4)",
        params![forged, hash7, &h[..], &payload_digest(&forged)[..]],
    )
    .unwrap();
    let (seq, what, _) = problem(dir.path());
    assert_eq!((seq, what), (9, "prev_hash"));
}

#[test]
fn une_entree_forgee_ajoutee_a_la_fin() {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path());
    let c = raw(dir.path());
    let hash11: Vec<u8> = c
        .query_row("SELECT hash FROM entries WHERE seq = 11", [], |r| r.get(0))
        .unwrap();
    c.execute(
        "INSERT INTO entries (seq, kind, payload, prev_hash, hash) VALUES (12, 'act', X'7B7D', ?1, ?2)",
        params![hash11, vec![0u8; 32]],
    )
    .unwrap();
    let (seq, what, _) = problem(dir.path());
    assert_eq!((seq, what), (12, "hash_mismatch"));
    let c = raw(dir.path());
    c.execute(
        "UPDATE entries SET kind = 'payment', hash = ?1 WHERE seq = 12",
        params![&entry_hash(12, &hash11, "payment", b"{}")[..]],
    )
    .unwrap();
    let (seq, what, _) = problem(dir.path());
    assert_eq!((seq, what), (12, "unknown_kind"));
}

#[test]
fn queue_tronquee_apres_une_cloture() {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path());
    raw(dir.path())
        .execute("DELETE FROM entries WHERE seq >= 10", [])
        .unwrap();
    let (seq, what, message) = problem(dir.path());
    assert_eq!((seq, what), (10, "truncated"));
    assert!(
        message.contains("le registre s'arrête à l'entrée 9"),
        "{message}"
    );
    // Even with the head copy gone, the closure log still tells.
    std::fs::remove_file(dir.path().join(protocoop::ledger::anchors::HEAD_FILE)).unwrap();
    let (seq, what, message) = problem(dir.path());
    assert_eq!((seq, what), (10, "truncated"));
    assert!(
        message.contains("la clôture de 2026-10 enregistre l'entrée 10"),
        "{message}"
    );
}

#[test]
fn reecriture_complete_de_la_chaine() {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path());
    let c = raw(dir.path());
    // Change the patient of act 8 (nothing a derived table holds) and
    // recompute every hash after it: the chain is internally consistent,
    // but the closure at 10 seals the old head.
    let (_, payload, _) = entry(&c, 8);
    let payload = String::from_utf8(payload)
        .unwrap()
        .replacen("\"Paul\"", "\"Paulo\"", 1);
    c.execute(
        "UPDATE entries SET payload = ?1 WHERE seq = 8",
        [payload.as_bytes()],
    )
    .unwrap();
    let mut prev: Vec<u8> = c
        .query_row("SELECT hash FROM entries WHERE seq = 7", [], |r| r.get(0))
        .unwrap();
    for seq in 8..=11 {
        let (kind, payload, _) = entry(&c, seq);
        let h = entry_hash(seq as u64, &prev, &kind, &payload);
        c.execute(
            "UPDATE entries SET prev_hash = ?1, hash = ?2 WHERE seq = ?3",
            params![prev, &h[..], seq],
        )
        .unwrap();
        prev = h.to_vec();
    }
    // The stored digest, which reports show, still names the old payload.
    let (seq, what, _) = problem(dir.path());
    assert_eq!((seq, what), (8, "digest_mismatch"));
    let c = raw(dir.path());
    c.execute(
        "UPDATE entries SET payload_sha256 = ?1 WHERE seq = 8",
        [&payload_digest(payload.as_bytes())[..]],
    )
    .unwrap();
    let (seq, what, message) = problem(dir.path());
    assert_eq!((seq, what), (10, "closure"), "{message}");
    assert!(message.contains("réécrit"), "{message}");
}

#[test]
fn verify_en_ligne_de_commande_code_1_et_seq_nommee() {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path());
    let d = dir.path().to_str().unwrap();
    let ok = run_in(dir.path(), &["--data-dir", d, "verify", "--json"], "", &[]);
    assert_eq!(ok.code, 0, "{ok:?}");
    let j: serde_json::Value = serde_json::from_str(&ok.stdout).unwrap();
    assert_eq!(j["ok"], true);
    assert_eq!(j["entries"], 11);
    raw(dir.path())
        .execute("DELETE FROM entries WHERE seq = 9", [])
        .unwrap();
    let bad = run_in(dir.path(), &["--data-dir", d, "verify"], "", &[]);
    assert_eq!(bad.code, 1, "{bad:?}");
    assert!(
        bad.stdout
            .contains("REGISTRE ALTÉRÉ — première entrée en cause : 9 (gap)"),
        "{}",
        bad.stdout
    );
    let bad = run_in(dir.path(), &["--data-dir", d, "verify", "--json"], "", &[]);
    let j: serde_json::Value = serde_json::from_str(&bad.stdout).unwrap();
    assert_eq!(
        (
            j["ok"].clone(),
            j["problem"]["seq"].clone(),
            j["problem"]["what"].clone()
        ),
        (json!(false), json!(9), json!("gap"))
    );
}

#[cfg(unix)]
#[test]
fn fichiers_reserves_au_proprietaire() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("données");
    build(&data);
    let l = protocoop::vault::open_ledger(&data, "phrase de passe de test", t(NOW)).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    for f in [DB_FILE, "ledger.head", "closures.log", "ledger.sqlite-wal"] {
        assert_eq!(mode(&data.join(f)), 0o600, "{f}");
    }
    drop(l);
    // A database restored with looser permissions is tightened on open.
    std::fs::set_permissions(data.join(DB_FILE), std::fs::Permissions::from_mode(0o644)).unwrap();
    drop(protocoop::vault::open_ledger(&data, "phrase de passe de test", t(NOW)).unwrap());
    assert_eq!(mode(&data.join(DB_FILE)), 0o600);
}

#[test]
fn disque_plein_message_clair_et_aucune_entree_partielle() {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path());
    let p = Protocol::bundled();
    let mut l =
        protocoop::vault::open_ledger(dir.path(), "phrase de passe de test", t(NOW)).unwrap();
    let before = l.len().unwrap();
    let pages: i64 = l
        .connection()
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    // The same SQLITE_FULL a full disk gives, at the current size.
    l.connection()
        .pragma_update(None, "max_page_count", pages)
        .unwrap();
    let mut big = abscess_input(json!({}));
    big = big.replace("Martin", &"M".repeat(80));
    let mut failed = None;
    for _ in 0..200 {
        match record(&mut l, &p, &big, t(NOW)) {
            Ok(_) => continue,
            Err(e) => {
                failed = Some(e);
                break;
            }
        }
    }
    let e = failed.expect("the database must fill up");
    assert!(matches!(e, Error::DiskFull), "{e:?}");
    assert!(
        e.to_string()
            .contains("disque plein : rien n'a été enregistré"),
        "{e}"
    );
    assert_eq!(e.exit_code(), 4);
    drop(l);
    let l = protocoop::vault::open_ledger(dir.path(), "phrase de passe de test", t(NOW)).unwrap();
    assert!(l.verify().unwrap().ok, "no partial entry");
    let after = l.len().unwrap();
    assert_eq!(
        after - before,
        l.acts(None).unwrap().len() as u64 - 4,
        "every entry is a whole act"
    );
}

/// A data folder that cannot be written: a read-only mount when running as
/// root (permissions do not stop root), a 0500 folder otherwise.
#[cfg(target_os = "linux")]
#[test]
fn dossier_en_lecture_seule_message_clair() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("ro");
    std::fs::create_dir(&data).unwrap();
    let root = unsafe { libc::geteuid() } == 0;
    let mounted = root
        && Command::new("mount")
            .args(["-t", "tmpfs", "tmpfs"])
            .arg(&data)
            .status()
            .is_ok_and(|s| s.success());
    assert!(
        !root || mounted,
        "as root, this test needs `mount` (tmpfs) to make a read-only folder"
    );
    build(&data);
    let before = protocoop::vault::open_ledger(&data, "phrase de passe de test", t(NOW))
        .unwrap()
        .len()
        .unwrap();
    if mounted {
        assert!(
            Command::new("mount")
                .args(["-o", "remount,ro"])
                .arg(&data)
                .status()
                .unwrap()
                .success()
        );
    } else {
        use std::os::unix::fs::PermissionsExt;
        for f in std::fs::read_dir(&data).unwrap() {
            std::fs::set_permissions(f.unwrap().path(), std::fs::Permissions::from_mode(0o400))
                .unwrap();
        }
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o500)).unwrap();
    }
    let d = data.to_str().unwrap();
    let out = run_in(
        dir.path(),
        &[
            "--data-dir",
            d,
            "act",
            "record",
            "--input",
            "-",
            "--pin-stdin",
        ],
        &format!("{PIN}\n{}", abscess_input(json!({}))),
        &[],
    );
    assert_eq!(out.code, 4, "{out:?}");
    assert!(out.stderr.contains("lecture seule"), "{}", out.stderr);
    if mounted {
        assert!(
            Command::new("mount")
                .args(["-o", "remount,rw"])
                .arg(&data)
                .status()
                .unwrap()
                .success()
        );
    } else {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o700)).unwrap();
        for f in std::fs::read_dir(&data).unwrap() {
            std::fs::set_permissions(f.unwrap().path(), std::fs::Permissions::from_mode(0o600))
                .unwrap();
        }
    }
    let l = protocoop::vault::open_ledger(&data, "phrase de passe de test", t(NOW)).unwrap();
    assert_eq!(l.len().unwrap(), before, "nothing written");
    assert!(l.verify().unwrap().ok);
    drop(l);
    if mounted {
        let _ = Command::new("umount").arg(&data).status();
    }
}

// --- Child processes: crash and concurrency -------------------------------

/// Run by the child processes below (ignored when run directly): appends
/// acts to `PROTOCOOP_CHILD_DIR`, printing each committed act number.
#[test]
#[ignore = "child process of the crash and concurrency tests"]
fn child_appender() {
    let Ok(dir) = std::env::var("PROTOCOOP_CHILD_DIR") else {
        return;
    };
    let count: usize = std::env::var("PROTOCOOP_CHILD_COUNT")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(usize::MAX);
    let p = Protocol::bundled();
    let mut l =
        protocoop::vault::open_ledger(Path::new(&dir), "phrase de passe de test", t(NOW)).unwrap();
    let input = abscess_input(json!({}));
    use std::io::Write;
    let stdout = std::io::stdout();
    // The passphrase is unlocked: the crash test's clock starts now.
    writeln!(stdout.lock(), "ready").unwrap();
    stdout.lock().flush().unwrap();
    for _ in 0..count {
        let r = record(&mut l, &p, &input, t(NOW)).unwrap();
        let mut out = stdout.lock();
        writeln!(out, "committed {}", r.number).unwrap();
        out.flush().unwrap();
    }
}

fn spawn_child(dir: &Path, count: Option<usize>) -> std::process::Child {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "child_appender",
        "--exact",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ])
    .env("PROTOCOOP_CHILD_DIR", dir)
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    if let Some(c) = count {
        cmd.env("PROTOCOOP_CHILD_COUNT", c.to_string());
    }
    cmd.spawn().unwrap()
}

fn committed(out: impl std::io::Read) -> Vec<String> {
    committed_after_ready(out, None)
}

/// [`committed`], saying on `ready` when the child has unlocked its ledger.
fn committed_after_ready(
    out: impl std::io::Read,
    ready: Option<std::sync::mpsc::Sender<()>>,
) -> Vec<String> {
    BufReader::new(out)
        .lines()
        .map_while(Result::ok)
        .inspect(|l| {
            if l.ends_with("ready")
                && let Some(tx) = &ready
            {
                let _ = tx.send(());
            }
        })
        // libtest prints « test child_appender ... » without a newline first.
        .filter_map(|l| {
            l.split_once("committed ")
                .map(|(_, n)| n.trim().to_string())
        })
        .collect()
}

#[test]
fn tue_brutalement_en_pleine_ecriture_le_registre_reste_intact() {
    let dir = tempfile::tempdir().unwrap();
    setup_ledger(dir.path(), t(NOW));
    let mut reported = Vec::new();
    // A fixed pseudo-random sequence of kill delays, reproducible.
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    for _ in 0..25 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let mut child = spawn_child(dir.path(), None);
        drop(child.stderr.take());
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || committed_after_ready(stdout, Some(tx)));
        // Killed while appending, not while unlocking the ledger.
        let _ = rx.recv_timeout(Duration::from_secs(60));
        std::thread::sleep(Duration::from_millis(150 + seed % 250));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        reported.extend(reader.join().unwrap());
        let l =
            protocoop::vault::open_ledger(dir.path(), "phrase de passe de test", t(NOW)).unwrap();
        let report = l.verify().unwrap();
        assert!(report.ok, "{:?}", report.problem);
        let numbers: Vec<String> = l
            .acts(None)
            .unwrap()
            .into_iter()
            .map(|a| a.number)
            .collect();
        for n in &reported {
            assert!(
                numbers.contains(n),
                "act {n} was reported committed but is missing"
            );
        }
    }
    assert!(
        reported.len() >= 25,
        "the children should have committed acts ({})",
        reported.len()
    );
}

#[test]
fn deux_processus_ecrivent_en_meme_temps_une_seule_chaine() {
    let dir = tempfile::tempdir().unwrap();
    setup_ledger(dir.path(), t(NOW));
    let per_child = 30;
    let children: Vec<_> = (0..2)
        .map(|_| spawn_child(dir.path(), Some(per_child)))
        .collect();
    let mut numbers = Vec::new();
    for c in children {
        let out = c.wait_with_output().unwrap();
        numbers.extend(committed(&out.stdout[..]));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(numbers.len(), 2 * per_child);
    let l = protocoop::vault::open_ledger(dir.path(), "phrase de passe de test", t(NOW)).unwrap();
    let report = l.verify().unwrap();
    assert!(report.ok, "{:?}", report.problem);
    assert_eq!(report.entries, 6 + 2 * per_child as u64);
    let mut stored: Vec<String> = l
        .acts(None)
        .unwrap()
        .into_iter()
        .map(|a| a.number)
        .collect();
    stored.sort();
    let expected: Vec<String> = (1..=2 * per_child)
        .map(|i| format!("2026-{i:04}"))
        .collect();
    assert_eq!(stored, expected, "gap-free numbers, no duplicate");
    numbers.sort();
    assert_eq!(numbers, expected);
}

#[test]
fn un_fichier_abime_est_signale_par_verify_l_ouverture_reste_rapide() {
    let dir = tempfile::tempdir().unwrap();
    build(dir.path());
    {
        // An index that no longer matches its table, as a damaged page
        // would leave it: nothing the chain itself sees.
        let c = raw(dir.path());
        c.execute_batch(
            "PRAGMA writable_schema = ON;
             UPDATE sqlite_master SET sql = 'CREATE INDEX acts_month ON acts(number)' WHERE name = 'acts_month';
             PRAGMA writable_schema = OFF;",
        )
        .unwrap();
    }
    // Opening does not read the whole file, and still works.
    let l = protocoop::vault::open_ledger(dir.path(), "phrase de passe de test", t(NOW)).unwrap();
    assert_eq!(l.len().unwrap(), 11);
    drop(l);
    let (seq, what, message) = problem(dir.path());
    assert_eq!((seq, what), (0, "file_damaged"), "{message}");
    assert!(message.contains("endommagé"), "{message}");
}
