//! Ledger benchmarks (see docs/BENCHMARKS.md):
//!
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
use protocoop::act::{ActRecord, ActRequest, prepare};
use protocoop::ledger::{DB_FILE, Ledger};
use protocoop::protocol::Protocol;
use protocoop::registry::{
    DelegantRecord, DelegueRecord, Profession, ProfessionalRecord, StructureRecord,
};
use rusqlite::Connection;
use sha2::{Digest, Sha256};

fn main() {
    divan::main();
}

fn now() -> DateTime<Utc> {
    "2026-11-23T10:00:00Z".parse().unwrap()
}

/// A ledger with a structure, a délégué and a délégant, and one prepared act.
fn ledger_with_act(dir: &std::path::Path) -> (Ledger, ActRecord) {
    let mut l = Ledger::open(dir, now()).unwrap();
    l.set_structure(&StructureRecord {
        v: 1,
        name: "Pharmacie du Marché".into(),
        address: "2 place du Marché, 79500 Melle".into(),
        postal_code: "79500".into(),
        finess: None,
        phone: None,
        recorded_at: now(),
    })
    .unwrap();
    l.add_professional(&ProfessionalRecord::Delegue(DelegueRecord {
        v: 1,
        rpps: protocoop::ids::Rpps::parse("10005173140").unwrap(),
        name: "Marie Durand".into(),
        profession: Profession::Pharmacien,
        trained_on: Some("2026-01-15".parse().unwrap()),
        pin_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        active: true,
        recorded_at: now(),
    }))
    .unwrap();
    l.add_professional(&ProfessionalRecord::Delegant(DelegantRecord {
        v: 1,
        rpps: protocoop::ids::Rpps::parse("10000000009").unwrap(),
        name: "Dr Claire Exemple".into(),
        address: None,
        phone: None,
        active: true,
        recorded_at: now(),
    }))
    .unwrap();
    let req = ActRequest::from_json(
        r#"{"patient": {"last_name": "Martin", "first_name": "Paul", "birth_date": "1986-03-02", "sex": "M",
            "weight_kg": 78, "postal_code": "79500"},
            "facts": {"pain_score": 6, "sympt.abscess": true},
            "delegue_rpps": "10005173140", "delegant_rpps": "10000000009",
            "lines": ["paracetamol", "chlorhexidine", "amoxicilline"]}"#,
    )
    .unwrap();
    let act = prepare(
        &Protocol::bundled(),
        &l.registry().unwrap(),
        l.device_id(),
        &req,
        now(),
    )
    .unwrap();
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

#[divan::bench(sample_count = 1000)]
fn bare_insert_commit(bencher: Bencher) {
    let dir = bench_dir("bare");
    std::fs::create_dir_all(&dir).unwrap();
    let (_, act) = ledger_with_act(&bench_dir("bare-act"));
    let payload = serde_json::to_vec(&act).unwrap();
    let c = Connection::open(dir.join("bare.sqlite")).unwrap();
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

/// A ledger of 100 000 acts, built once (without fsync, to build quickly).
static BIG: LazyLock<(PathBuf, Vec<u8>)> = LazyLock::new(|| {
    let dir = bench_dir("100k");
    let (mut l, act) = ledger_with_act(&dir);
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
        "100k ledger: {} MB of payload, file {} MB",
        all.len() / 1_000_000,
        std::fs::metadata(dir.join(DB_FILE)).unwrap().len() / 1_000_000
    );
    (dir, all)
});

#[divan::bench(sample_count = 10)]
fn verify_100k_acts(bencher: Bencher) {
    let (dir, bytes) = &*BIG;
    let l = Ledger::open(dir, now()).unwrap();
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
