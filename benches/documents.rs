//! Document rendering (see docs/BENCHMARKS.md): the prescription and the
//! advice sheet of an adult abscess, together. Goal: < 20 ms in release.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use divan::{Bencher, black_box};
use protocoop::documents::{Paper, Roster, advice, prescription, summary};
use protocoop::ledger::ActView;
use protocoop::protocol::Protocol;

mod support;

fn main() {
    divan::main();
}

fn now() -> DateTime<Utc> {
    "2026-11-23T10:00:00Z".parse().unwrap()
}

/// One recorded act, read back as the renderers see it.
static ACT: LazyLock<ActView> = LazyLock::new(|| {
    let dir = std::env::temp_dir().join(format!("protocoop-bench-docs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut l = support::registered_ledger(&dir, now());
    let act = support::abscess_act(&l, now());
    let number = l.record_act(act).unwrap().number;
    let view = l.act(&number).unwrap();
    drop(l);
    let _ = std::fs::remove_dir_all(&dir);
    view
});

static PROTOCOL: LazyLock<Protocol> = LazyLock::new(Protocol::bundled);

#[divan::bench(sample_count = 50)]
fn prescription_and_advice(bencher: Bencher) {
    let roster = Roster::example();
    let (act, protocol) = (&*ACT, &*PROTOCOL);
    bencher.bench(|| {
        let p = prescription::render(black_box(act), Paper::A4).unwrap();
        let a = advice::render(black_box(act), protocol, Some(&roster), Paper::A4).unwrap();
        (p, a)
    });
}

#[divan::bench(sample_count = 50)]
fn prescription_only(bencher: Bencher) {
    let act = &*ACT;
    bencher.bench(|| prescription::render(black_box(act), Paper::A4).unwrap());
}

#[divan::bench(sample_count = 20)]
fn protocol_summary(bencher: Bencher) {
    let protocol = &*PROTOCOL;
    bencher.bench(|| summary::render(black_box(protocol), Paper::A4));
}
