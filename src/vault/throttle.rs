//! Wrong passphrases in a row slow down the next tries: after five, each
//! try waits 30 s, doubled at each new failure, up to an hour. This answers
//! a person at the device guessing; a thief with a copy of the disk is
//! slowed by Argon2id instead (`crypto::sealed`).

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Refusal, Result};
use crate::files::{Access, write_atomic};

pub const TRIES_FILE: &str = "unlock-tries.json";

/// Free tries before waiting.
pub const FREE_TRIES: u32 = 5;

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Tries {
    failures: u32,
    last: DateTime<Utc>,
}

fn read(dir: &Path) -> Option<Tries> {
    let bytes = crate::files::read_limited(&dir.join(TRIES_FILE), 1024).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// How long to wait after `failures` wrong passphrases in a row.
pub fn delay(failures: u32) -> Duration {
    match failures.checked_sub(FREE_TRIES) {
        None => Duration::zero(),
        Some(n) => Duration::seconds((30i64 << n.min(7)).min(3600)),
    }
}

/// Refuses a try made too soon after too many failures.
pub fn check(dir: &Path, now: DateTime<Utc>) -> Result<()> {
    let Some(t) = read(dir) else { return Ok(()) };
    let until = t.last + delay(t.failures);
    if now < until {
        let seconds = (until - now).num_seconds().max(1);
        return Err(Refusal::TooManyPassphraseTries { seconds }.into());
    }
    Ok(())
}

pub fn failed(dir: &Path, now: DateTime<Utc>) -> Result<()> {
    let failures = read(dir).map_or(0, |t| t.failures).saturating_add(1);
    let bytes = serde_json::to_vec(&Tries {
        failures,
        last: now,
    })
    .unwrap_or_default();
    write_atomic(&dir.join(TRIES_FILE), &bytes, Access::Private)
}

pub fn succeeded(dir: &Path) {
    let _ = std::fs::remove_file(dir.join(TRIES_FILE));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_free_tries_then_doubling_waits_capped_at_an_hour() {
        assert_eq!(delay(4), Duration::zero());
        assert_eq!(delay(5), Duration::seconds(30));
        assert_eq!(delay(6), Duration::seconds(60));
        assert_eq!(delay(11), Duration::seconds(1920));
        assert_eq!(delay(12), Duration::seconds(3600));
        assert_eq!(delay(u32::MAX), Duration::seconds(3600));
    }
}
