//! What the benchmarks share with the tests: the ledger of `tests/common`
//! (a structure, three délégués with PIN 274915, one délégant) and an adult
//! abscess act prepared for it.
#![allow(dead_code)]

use std::path::Path;

use chrono::{DateTime, Utc};
use protocoop::act::ActRecord;
use protocoop::ledger::Ledger;
use protocoop::protocol::Protocol;

#[path = "../../tests/common/mod.rs"]
mod common;

/// For the kiosk frames, which sign Marie Durand in; not every bench uses them.
#[allow(unused_imports)]
pub use common::{DELEGUE, DEVICE_PASSPHRASE as PASSPHRASE, PIN, rpps};

/// Opens a ledger in `dir` and registers who works there.
pub fn registered_ledger(dir: &Path, at: DateTime<Utc>) -> Ledger {
    common::setup_ledger(dir, at)
}

/// The same, its database not encrypted (as before encryption at rest):
/// the reference the encrypted figures are compared with.
pub fn registered_clear_ledger(dir: &Path, at: DateTime<Utc>) -> Ledger {
    common::register(
        Ledger::open_clear_for_benchmarks(dir, &bench_key(), at).unwrap(),
        at,
    )
}

/// [`registered_clear_ledger`] with its device key sealed under `key`: a
/// clear ledger kept between runs needs the same key at every open.
pub fn registered_clear_ledger_with(
    dir: &Path,
    at: DateTime<Utc>,
    key: &protocoop::crypto::DataKey,
) -> Ledger {
    common::register(Ledger::open_clear_for_benchmarks(dir, key, at).unwrap(), at)
}

/// The data key of benchmarks' clear ledgers (their device key is sealed
/// with it), the same at every open.
pub fn bench_key() -> protocoop::crypto::DataKey {
    static KEY: std::sync::LazyLock<protocoop::crypto::DataKey> =
        std::sync::LazyLock::new(|| protocoop::crypto::DataKey::generate().unwrap());
    KEY.clone()
}

/// An adult abscess (paracétamol, chlorhexidine, amoxicilline), prepared
/// for this ledger at `at`, by Luc Bernard: trained in 2025, he may act on
/// any date of 2026 the benchmarks use.
pub fn abscess_act(l: &Ledger, at: DateTime<Utc>) -> ActRecord {
    let input = common::abscess_input(serde_json::json!({ "delegue_rpps": common::DELEGUE_2 }));
    common::prepared(l, &Protocol::bundled(), &input, at).unwrap()
}
