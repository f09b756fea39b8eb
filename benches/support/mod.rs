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

/// An adult abscess (paracétamol, chlorhexidine, amoxicilline), prepared
/// for this ledger at `at`, by Luc Bernard: trained in 2025, he may act on
/// any date of 2026 the benchmarks use.
pub fn abscess_act(l: &Ledger, at: DateTime<Utc>) -> ActRecord {
    let input = common::abscess_input(serde_json::json!({ "delegue_rpps": common::DELEGUE_2 }));
    common::prepared(l, &Protocol::bundled(), &input, at).unwrap()
}
