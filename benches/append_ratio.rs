//! `append_act` encrypted against clear, **pair by pair**: each round
//! appends one act to the encrypted ledger and one to the clear one (the
//! order alternating), so that both see the same disk and the same moment,
//! and the ratio is not the drift between two runs a minute apart. It
//! prints the medians, the median of the rounds' ratios (goal: ≤ 1.2) and
//! the WAL frames (pages) each append writes, which is what SQLCipher pays
//! for: each is encrypted and authenticated. See docs/BENCHMARKS.md.
//!
//! `cargo bench --bench append_ratio` (`APPEND_ROUNDS=N`, default 2000).

use std::path::Path;
use std::time::Instant;

use chrono::{DateTime, Utc};
use protocoop::ledger::{DB_FILE, Ledger};

mod support;

fn now() -> DateTime<Utc> {
    "2026-11-23T10:00:00Z".parse().unwrap()
}

/// The WAL's size: its growth over one append, divided by a frame (a 4 KiB
/// page and its 24-byte header), is the pages the append wrote.
fn wal_len(dir: &Path) -> u64 {
    std::fs::metadata(dir.join(format!("{DB_FILE}-wal")))
        .map(|m| m.len())
        .unwrap_or(0)
}

struct Side {
    dir: std::path::PathBuf,
    ledger: Ledger,
    act: protocoop::act::ActRecord,
    micros: Vec<f64>,
    frames: Vec<u64>,
}

impl Side {
    fn new(dir: std::path::PathBuf, ledger: Ledger) -> Side {
        let act = support::abscess_act(&ledger, now());
        Side {
            dir,
            ledger,
            act,
            micros: Vec::new(),
            frames: Vec::new(),
        }
    }

    fn append(&mut self) {
        let before = wal_len(&self.dir);
        let t = Instant::now();
        self.ledger.record_act(self.act.clone()).unwrap();
        self.micros.push(t.elapsed().as_secs_f64() * 1e6);
        let after = wal_len(&self.dir);
        // A checkpoint restarts the WAL: that round says nothing of frames.
        if after > before {
            self.frames.push((after - before) / (4096 + 24));
        }
    }
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is read from the line.
    let rounds: usize = std::env::var("APPEND_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2000);
    let base = std::env::temp_dir().join(format!(
        "protocoop-bench-append-ratio-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&base);
    let (enc_dir, clear_dir) = (base.join("encrypted"), base.join("clear"));
    let mut enc = Side::new(enc_dir.clone(), support::registered_ledger(&enc_dir, now()));
    let mut clear = Side::new(
        clear_dir.clone(),
        support::registered_clear_ledger(&clear_dir, now()),
    );
    for round in 0..rounds {
        if round % 2 == 0 {
            enc.append();
            clear.append();
        } else {
            clear.append();
            enc.append();
        }
    }
    let ratios: Vec<f64> = enc
        .micros
        .iter()
        .zip(&clear.micros)
        .map(|(e, c)| e / c)
        .collect();
    let frames = |s: &Side| s.frames.iter().sum::<u64>() as f64 / s.frames.len().max(1) as f64;
    println!("append_act, {rounds} rounds, encrypted and clear in turn:");
    println!(
        "  encrypted  median {:8.1} µs   {:.2} pages written per append",
        median(&enc.micros),
        frames(&enc)
    );
    println!(
        "  clear      median {:8.1} µs   {:.2} pages written per append",
        median(&clear.micros),
        frames(&clear)
    );
    println!(
        "  ratio      {:.3} (median of the rounds' ratios; goal ≤ 1.2)",
        median(&ratios)
    );
    drop(enc);
    drop(clear);
    let _ = std::fs::remove_dir_all(&base);
}
