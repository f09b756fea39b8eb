//! Monthly report benchmarks (see docs/BENCHMARKS.md):
//!
//! - `month_report_1m`: `report::generate` of one closed month (100 000
//!   acts, 205 000 entries in its window) in a ledger of 1 000 000 acts
//!   over ten months, each closed as the next began. Goal: < 1 s.
//! - `open_1m`: opening that ledger (the kiosk's start, every command).
//!   Goal: < 100 ms.
//! - `month_report_1m_clear`, `open_1m_clear`: the same on the same ledger
//!   built with its database not encrypted, for the encrypted/clear ratio
//!   in one run.
//! - `render_csv`, `render_json`, `render_pdf`: writing that report.
//!
//! The big ledger is built once (synchronous=OFF, acts cloned with their
//! date moved) and kept in the temporary folder between runs. Like a real
//! one, every act has its printed prescription logged (a `document`
//! follow-up) and one act in twenty a patient satisfaction score.

use std::path::PathBuf;
use std::sync::LazyLock;

use chrono::{DateTime, Duration, Utc};
use divan::{Bencher, black_box};
use protocoop::calendar::Month;
use protocoop::ledger::{FollowupEvent, Ledger};
use protocoop::protocol::Protocol;
use protocoop::report::{self, Format, MonthReport};

mod support;

fn main() {
    divan::main();
}

const ACTS: i64 = 1_000_000;
const MONTHS: i64 = 10;

fn now() -> DateTime<Utc> {
    "2026-11-05T10:00:00Z".parse().unwrap()
}

fn start() -> DateTime<Utc> {
    "2026-01-01T08:00:00Z".parse().unwrap()
}

/// The clear ledger's data key (its device key is sealed with it): fixed,
/// since the ledger is kept between runs, and nothing secret is in it.
fn clear_key() -> protocoop::crypto::DataKey {
    protocoop::crypto::DataKey::from_bytes(&[7u8; 32]).unwrap()
}

fn open_big(dir: &std::path::Path, clear: bool) -> Ledger {
    if clear {
        Ledger::open_clear_for_benchmarks(dir, &clear_key(), now()).unwrap()
    } else {
        protocoop::vault::open_ledger(dir, support::PASSPHRASE, now()).unwrap()
    }
}

fn build(dir: &std::path::Path, clear: bool) {
    let mut l = if clear {
        support::registered_clear_ledger_with(dir, start(), &clear_key())
    } else {
        support::registered_ledger(dir, start())
    };
    let by = l
        .authenticate(&support::rpps(support::DELEGUE), support::PIN, start())
        .unwrap();
    let act = support::abscess_act(&l, start());
    l.connection()
        .pragma_update(None, "synchronous", "OFF")
        .unwrap();
    // Ten months of 2026, evenly: about 100 000 acts a month, each month
    // closed (its reads checked and sealed) when the next one begins.
    let span = (start() + Duration::days(300) - start()).num_seconds() / ACTS;
    let protocol = Protocol::bundled();
    let mut month = Month::of_instant(start());
    for i in 0..ACTS {
        let mut a = act.clone();
        a.occurred_at = start() + Duration::seconds(i * span);
        if Month::of_instant(a.occurred_at) != month {
            report::close(&mut l, &protocol, month, a.occurred_at).unwrap();
            month = month.next();
        }
        a.recorded_at = a.occurred_at;
        let at = a.occurred_at;
        let r = l.record_act(a).unwrap();
        l.add_document(
            &r.number,
            "prescription",
            &"0".repeat(64),
            "documents/1",
            false,
            at,
        )
        .unwrap();
        if i % 20 == 0 {
            let score = FollowupEvent::PatientSatisfaction {
                score: 4,
                text: None,
            };
            l.add_followup(&r.number, &by, score, at).unwrap();
        }
    }
    report::close(&mut l, &protocol, month, now()).unwrap();
    assert_eq!(l.closures().unwrap().len() as i64, MONTHS);
}

/// The 1M-act ledger in the temporary folder, built on first use.
fn big(name: &str, clear: bool) -> PathBuf {
    // Renamed whenever what `build` writes changes.
    let dir = std::env::temp_dir().join(name);
    if !dir.join("built").exists() {
        let _ = std::fs::remove_dir_all(&dir);
        let t = std::time::Instant::now();
        build(&dir, clear);
        std::fs::write(dir.join("built"), b"").unwrap();
        eprintln!("{name} built in {:?}", t.elapsed());
    }
    dir
}

static BIG: LazyLock<PathBuf> = LazyLock::new(|| big("protocoop-bench-report-1m-v9", false));
static BIG_CLEAR: LazyLock<PathBuf> =
    LazyLock::new(|| big("protocoop-bench-report-1m-clear-v9", true));

static REPORT: LazyLock<MonthReport> = LazyLock::new(|| {
    let mut l = protocoop::vault::open_ledger(&BIG, support::PASSPHRASE, now()).unwrap();
    report::generate(
        &mut l,
        &Protocol::bundled(),
        "2026-05".parse().unwrap(),
        now(),
    )
    .unwrap()
});

#[divan::bench(sample_count = 10)]
fn month_report_1m(bencher: Bencher) {
    month_report(bencher, open_big(&BIG, false));
}

#[divan::bench(sample_count = 10)]
fn month_report_1m_clear(bencher: Bencher) {
    month_report(bencher, open_big(&BIG_CLEAR, true));
}

fn month_report(bencher: Bencher, mut l: Ledger) {
    let p = Protocol::bundled();
    let month: Month = "2026-05".parse().unwrap();
    bencher.bench_local(|| {
        let r = report::generate(&mut l, &p, month, now()).unwrap();
        assert!(r.closure.count > 90_000);
        r
    });
}

#[divan::bench(sample_count = 20)]
fn open_1m(bencher: Bencher) {
    let dir = &*BIG;
    // The passphrase is typed once at start; opening is what every command
    // and the kiosk's start then pay.
    let key = protocoop::vault::unlock(dir, support::PASSPHRASE, now()).unwrap();
    bencher.bench_local(|| Ledger::open(dir, &key, now()).unwrap());
}

#[divan::bench(sample_count = 20)]
fn open_1m_clear(bencher: Bencher) {
    let dir = &*BIG_CLEAR;
    let key = clear_key();
    bencher.bench_local(|| Ledger::open_clear_for_benchmarks(dir, &key, now()).unwrap());
}

#[divan::bench(sample_count = 20)]
fn render_csv(bencher: Bencher) {
    let (r, p) = (&*REPORT, Protocol::bundled());
    bencher.bench_local(|| report::render(black_box(r), Format::Csv, &p).unwrap());
}

#[divan::bench(sample_count = 20)]
fn render_json(bencher: Bencher) {
    let (r, p) = (&*REPORT, Protocol::bundled());
    bencher.bench_local(|| report::render(black_box(r), Format::Json, &p).unwrap());
}

#[divan::bench(sample_count = 20)]
fn render_pdf(bencher: Bencher) {
    let (r, p) = (&*REPORT, Protocol::bundled());
    bencher.bench_local(|| report::render(black_box(r), Format::Pdf, &p).unwrap());
}
