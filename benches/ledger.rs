//! Ledger benchmarks (see docs/BENCHMARKS.md):
//!
//! - `append_act` vs `append_act_clear`: the cost of encryption at rest
//!   per act. Goal: ≤ 1.2×.
//! - `append_act` vs `bare_insert_commit`: one act appended with
//!   `synchronous=FULL` (numbering, hashing, derived rows, commit) against a
//!   bare single-row INSERT + commit of the same payload on the same
//!   settings. Goal: ≤ 1.3×.
//! - `verify_100k_acts` vs `sha256_same_bytes`: a full `verify` of a ledger
//!   of 100 000 acts against raw SHA-256 over the same payload bytes.
//!   Goal: ≥ 50 % of raw speed.

use std::path::PathBuf;
use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use divan::{Bencher, black_box};
use protocoop::act::ActRecord;
use protocoop::ledger::{DB_FILE, Ledger};
use rusqlite::Connection;
use sha2::{Digest, Sha256};

mod support;

fn main() {
    divan::main();
}

fn now() -> DateTime<Utc> {
    "2026-11-23T10:00:00Z".parse().unwrap()
}

/// A ledger with a structure, a délégué and a délégant, and one prepared act.
fn ledger_with_act(dir: &std::path::Path) -> (Ledger, ActRecord) {
    let l = support::registered_ledger(dir, now());
    let act = support::abscess_act(&l, now());
    (l, act)
}

/// Where benchmark databases live: the same disk as a real data folder.
fn bench_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("protocoop-bench-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[divan::bench(sample_count = 1000)]
fn append_act(bencher: Bencher) {
    let dir = bench_dir("append");
    let (mut l, act) = ledger_with_act(&dir);
    bencher.bench_local(|| l.record_act(black_box(act.clone())).unwrap());
    drop(l);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The same append into a ledger whose database is not encrypted: the
/// reference for the cost of encryption at rest (goal: `append_act` ≤
/// 1.2 × this, in the same run).
#[divan::bench(sample_count = 1000)]
fn append_act_clear(bencher: Bencher) {
    let dir = bench_dir("append-clear");
    let mut l = support::registered_clear_ledger(&dir, now());
    let act = support::abscess_act(&l, now());
    bencher.bench_local(|| l.record_act(black_box(act.clone())).unwrap());
    drop(l);
    let _ = std::fs::remove_dir_all(&dir);
}

#[divan::bench(sample_count = 1000)]
fn bare_insert_commit(bencher: Bencher) {
    bare_insert(bencher, "bare", None);
}

/// The same insert and commit in a database encrypted as the ledger is
/// (SQLCipher, raw 256-bit key): the cost of encryption at rest per append.
#[divan::bench(sample_count = 1000)]
fn bare_insert_commit_encrypted(bencher: Bencher) {
    let key = protocoop::crypto::DataKey::generate().unwrap();
    bare_insert(bencher, "bare-encrypted", Some(&key));
}

fn bare_insert(bencher: Bencher, name: &str, key: Option<&protocoop::crypto::DataKey>) {
    let dir = bench_dir(name);
    std::fs::create_dir_all(&dir).unwrap();
    let act_dir = bench_dir(&format!("{name}-act"));
    let (_, act) = ledger_with_act(&act_dir);
    let _ = std::fs::remove_dir_all(&act_dir);
    let payload = serde_json::to_vec(&act).unwrap();
    let c = Connection::open(dir.join("bare.sqlite")).unwrap();
    if let Some(k) = key {
        c.pragma_update(None, "key", &*k.sqlcipher_key()).unwrap();
    }
    let _: String = c
        .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
        .unwrap();
    c.pragma_update(None, "synchronous", "FULL").unwrap();
    c.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)")
        .unwrap();
    bencher.bench_local(|| {
        c.execute_batch("BEGIN IMMEDIATE").unwrap();
        c.execute("INSERT INTO t (payload) VALUES (?1)", [black_box(&payload)])
            .unwrap();
        c.execute_batch("COMMIT").unwrap();
    });
    let _ = std::fs::remove_dir_all(&dir);
}

/// A ledger of 100 000 acts, built once per run (without fsync, to build
/// quickly) in a fixed folder, so that each run replaces the last one's.
static BIG: LazyLock<(PathBuf, Vec<u8>)> =
    LazyLock::new(|| build_big("protocoop-bench-100k", false));

/// The same, its database in clear: what `verify` pays for decryption.
static BIG_CLEAR: LazyLock<(PathBuf, Vec<u8>)> =
    LazyLock::new(|| build_big("protocoop-bench-100k-clear", true));

fn build_big(name: &str, clear: bool) -> (PathBuf, Vec<u8>) {
    let dir = std::env::temp_dir().join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let mut l = if clear {
        support::registered_clear_ledger(&dir, now())
    } else {
        support::registered_ledger(&dir, now())
    };
    let act = support::abscess_act(&l, now());
    l.connection()
        .pragma_update(None, "synchronous", "OFF")
        .unwrap();
    for _ in 0..100_000 {
        l.record_act(act.clone()).unwrap();
    }
    let mut all = Vec::new();
    {
        let mut s = l
            .connection()
            .prepare("SELECT payload FROM entries ORDER BY seq")
            .unwrap();
        let mut rows = s.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            all.extend_from_slice(r.get_ref(0).unwrap().as_blob().unwrap());
        }
    }
    assert!(l.verify().unwrap().ok);
    eprintln!(
        "100k ledger{}: {} MB of payload, file {} MB",
        if clear { " (clear)" } else { "" },
        all.len() / 1_000_000,
        std::fs::metadata(dir.join(DB_FILE)).unwrap().len() / 1_000_000
    );
    (dir, all)
}

#[divan::bench(sample_count = 10)]
fn verify_100k_acts(bencher: Bencher) {
    let (dir, bytes) = &*BIG;
    let l = protocoop::vault::open_ledger(dir, support::PASSPHRASE, now()).unwrap();
    bencher
        .counter(divan::counter::BytesCount::new(bytes.len()))
        .bench_local(|| {
            let r = l.verify().unwrap();
            assert!(r.ok);
            r
        });
}

/// `verify_100k_acts` on the clear ledger: the cost of decryption.
#[divan::bench(sample_count = 10)]
fn verify_100k_acts_clear(bencher: Bencher) {
    let (dir, bytes) = &*BIG_CLEAR;
    let l = Ledger::open_clear_for_benchmarks(dir, &support::bench_key(), now()).unwrap();
    bencher
        .counter(divan::counter::BytesCount::new(bytes.len()))
        .bench_local(|| {
            let r = l.verify().unwrap();
            assert!(r.ok);
            r
        });
}

#[divan::bench(sample_count = 10)]
fn sha256_same_bytes(bencher: Bencher) {
    let (_, bytes) = &*BIG;
    bencher
        .counter(divan::counter::BytesCount::new(bytes.len()))
        .bench_local(|| Sha256::digest(black_box(bytes)));
}
