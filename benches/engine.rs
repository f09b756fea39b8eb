//! Protocol engine benchmarks: load + validate the bundled protocol (goal
//! < 5 ms), and one `evaluate` (goal < 10 µs). See docs/BENCHMARKS.md.

use divan::{Bencher, black_box};
use protocoop::protocol::{BUNDLED_ORIGIN, BUNDLED_TEXT, Protocol};
use protocoop::triage::{Facts, evaluate};

fn main() {
    divan::main();
}

/// Parse, type-check and prove the rules of the bundled protocol.
#[divan::bench]
fn protocol_load_and_validate() -> Protocol {
    Protocol::parse(black_box(BUNDLED_TEXT), BUNDLED_ORIGIN).unwrap()
}

fn case(p: &Protocol, json: &str) -> Facts {
    Facts::from_json(p, &serde_json::from_str(json).unwrap()).unwrap()
}

/// An adult abscess: the longest path (every rule, four lines with doses).
#[divan::bench]
fn evaluate_adult_abscess(bencher: Bencher) {
    let p = Protocol::bundled();
    let f = case(
        &p,
        r#"{"age_years": 40, "pain_score": 6, "sympt.abscess": true}"#,
    );
    bencher.bench(|| evaluate(black_box(&p), black_box(&f)).unwrap());
}

/// A child dosed by weight.
#[divan::bench]
fn evaluate_child_by_weight(bencher: Bencher) {
    let p = Protocol::bundled();
    let f = case(
        &p,
        r#"{"age_years": 11, "weight_kg": 32, "pain_score": 6, "sympt.cellulitis": true}"#,
    );
    bencher.bench(|| evaluate(black_box(&p), black_box(&f)).unwrap());
}

/// A red flag: decided by the first rule.
#[divan::bench]
fn evaluate_red_flag(bencher: Bencher) {
    let p = Protocol::bundled();
    let f = case(
        &p,
        r#"{"age_years": 40, "pain_score": 6, "excl.eye_swelling": true}"#,
    );
    bencher.bench(|| evaluate(black_box(&p), black_box(&f)).unwrap());
}
