//! Signed reports (see docs/BENCHMARKS.md), on December reports of 100
//! acts from 50 attached devices (built once, ~1 min):
//!
//! - `sign_report` vs `hash_report`: signing a report (content hash then
//!   Ed25519 over the canonical content) against the content hash alone;
//! - `parse_checked` vs `parse_plain`: reading a report with every check
//!   of its own (hash, signature, shape) against a bare serde parse;
//! - `import_50_signed` vs `import_50_unsigned`: the CPTS importing the 50
//!   signed reports (enrolled key, figures recomputed from the rows,
//!   amounts, chain proof) against the same reports as schema 2, which get
//!   none of those checks.

use std::path::PathBuf;
use std::sync::LazyLock;

use chrono::{DateTime, Duration, Utc};
use divan::{Bencher, black_box};
use protocoop::cpts::CptsDb;
use protocoop::crypto::{KeyPair, PublicKey};
use protocoop::report::json::{parse_checked, seal, seal_signed};
use protocoop::report::{self, MonthReport};
use serde_json::json;

#[path = "../tests/common/mod.rs"]
mod common;

fn main() {
    divan::main();
}

const DEVICES: usize = 50;
const ACTS: i64 = 100;

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

struct Fleet {
    _dir: tempfile::TempDir,
    keys: Vec<PublicKey>,
    signed: Vec<Vec<u8>>,
    unsigned: Vec<Vec<u8>>,
    /// Device 0's report and key, for the single-report benches.
    report: MonthReport,
    key: KeyPair,
}

/// A report as schema 2 (older protocoop) would have written it.
fn downgrade(bytes: &[u8]) -> Vec<u8> {
    let v = common::fleet::as_schema_2(serde_json::from_slice(bytes).unwrap(), |_| {});
    serde_json::to_vec_pretty(&v).unwrap()
}

static FLEET: LazyLock<Fleet> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    let start = t("2026-12-01T08:00:00Z");
    let mut keys = Vec::new();
    let mut signed = Vec::new();
    let mut first = None;
    for d in 0..DEVICES {
        let path = dir.path().join(format!("device-{d}"));
        let mut l = common::setup_ledger(&path, start);
        let p = common::attach(&mut l, start);
        for i in 0..ACTS {
            let at = start + Duration::minutes(90 * i);
            let input = common::abscess_input(json!({ "occurred_at": at.to_rfc3339() }));
            common::record(&mut l, &p, &input, at).unwrap();
        }
        let r = report::generate(
            &mut l,
            &p,
            "2026-12".parse().unwrap(),
            t("2027-01-01T08:00:00Z"),
        )
        .unwrap();
        keys.push(l.signing_key().unwrap().public());
        signed.push(report::json::to_bytes(&r));
        if first.is_none() {
            first = Some((r, l.signing_key().unwrap()));
        }
    }
    let unsigned = signed.iter().map(|b| downgrade(b)).collect();
    let (report, key) = first.unwrap();
    Fleet {
        _dir: dir,
        keys,
        signed,
        unsigned,
        report,
        key,
    }
});

#[divan::bench(sample_count = 200)]
fn sign_report(bencher: Bencher) {
    let f = &*FLEET;
    bencher.bench_local(|| {
        let mut r = f.report.clone();
        seal_signed(&mut r, &f.key);
        black_box(r.signature.is_some())
    });
}

#[divan::bench(sample_count = 200)]
fn hash_report(bencher: Bencher) {
    let f = &*FLEET;
    bencher.bench_local(|| {
        let mut r = f.report.clone();
        seal(&mut r);
        black_box(r.content_sha256.len())
    });
}

#[divan::bench(sample_count = 200)]
fn parse_checked_report(bencher: Bencher) {
    let bytes = &FLEET.signed[0];
    bencher.bench_local(|| black_box(parse_checked(bytes).unwrap().rows.is_some()));
}

#[divan::bench(sample_count = 200)]
fn parse_plain_report(bencher: Bencher) {
    let bytes = &FLEET.signed[0];
    bencher.bench_local(|| {
        black_box(
            serde_json::from_slice::<MonthReport>(bytes)
                .unwrap()
                .rows
                .is_some(),
        )
    });
}

/// A CPTS that validated the protocol and enrolled the 50 devices.
fn office() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cpts");
    let db = CptsDb::open(&path).unwrap();
    let now = t("2027-01-02T08:00:00Z");
    db.add_protocol(&common::validated_text(), "bench", now)
        .unwrap();
    for (i, k) in FLEET.keys.iter().enumerate() {
        db.add_device(&format!("Appareil {i}"), &k.to_string(), now)
            .unwrap();
    }
    (dir, path)
}

fn import_all(files: &'static [Vec<u8>], bencher: Bencher) {
    bencher
        .with_inputs(office)
        .bench_local_values(|(dir, path)| {
            let mut db = CptsDb::open(&path).unwrap();
            let now = t("2027-01-02T09:00:00Z");
            for (i, bytes) in files.iter().enumerate() {
                let r =
                    protocoop::cpts::import(&mut db, bytes, &format!("r{i}.json"), now).unwrap();
                assert!(r.is_ok(), "{:?}", r.err());
            }
            drop(db);
            dir
        });
}

#[divan::bench(sample_count = 10)]
fn import_50_signed(bencher: Bencher) {
    import_all(&FLEET.signed, bencher);
}

#[divan::bench(sample_count = 10)]
fn import_50_unsigned(bencher: Bencher) {
    import_all(&FLEET.unsigned, bencher);
}
