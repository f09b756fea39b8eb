//! When an untouched kiosk must draw again: the top bar's clock shows the
//! minute, and the idle lock closes the session at its deadline. Nothing
//! else on a screen changes by itself, so between those two moments the
//! kiosk sleeps (no repaint, no CPU) until someone touches it.

use std::time::Duration;

use chrono::{DateTime, Duration as Span, Timelike, Utc};

use super::KioskState;

/// Never sleep for less than this: a deadline just passed is handled by
/// the next frame, not by a busy loop.
const AT_LEAST: Duration = Duration::from_millis(20);

/// When the open session locks by itself, if one is open.
pub fn idle_deadline(state: &KioskState) -> Option<DateTime<Utc>> {
    state
        .session
        .as_ref()
        .map(|_| state.last_activity + Span::minutes(i64::from(state.settings.idle_lock_minutes)))
}

/// How long the kiosk may sleep from `now`: until the next minute on the
/// clock, or the idle-lock deadline, whichever comes first.
pub fn next_wake(now: DateTime<Utc>, idle_deadline: Option<DateTime<Utc>>) -> Duration {
    let into_minute = Span::seconds(i64::from(now.second()))
        + Span::nanoseconds(i64::from(now.nanosecond() % 1_000_000_000));
    let mut wake = Span::minutes(1) - into_minute;
    if let Some(deadline) = idle_deadline {
        wake = wake.min(deadline - now);
    }
    wake.to_std().unwrap_or(AT_LEAST).max(AT_LEAST)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    /// Every second of a minute, with no session: the next minute.
    #[test]
    fn sans_session_le_kiosque_dort_jusqu_a_la_minute_suivante() {
        for second in 0..60u32 {
            for milli in [0u32, 1, 499, 999] {
                let now = at("2026-11-23T14:05:00Z")
                    + Span::seconds(i64::from(second))
                    + Span::milliseconds(i64::from(milli));
                let minute = Duration::from_millis(u64::from(60_000 - second * 1000 - milli));
                assert_eq!(next_wake(now, None), minute.max(AT_LEAST), "{now}");
            }
        }
    }

    /// Every idle delay the settings allow, the deadline before, at and
    /// after the next minute, and passed: never later than either, never
    /// a busy loop.
    #[test]
    fn avec_session_il_se_reveille_au_verrouillage_s_il_vient_avant() {
        let now = at("2026-11-23T14:05:30Z");
        for idle in 1..=crate::kiosk::settings::MAX_IDLE_MINUTES {
            let idle = 60 * i64::from(idle);
            for ago in [
                0,
                10,
                59,
                idle - 31,
                idle - 30,
                idle - 29,
                idle - 1,
                idle,
                idle + 5,
            ] {
                let deadline = now - Span::seconds(ago) + Span::seconds(idle);
                let left = (idle - ago).clamp(0, 30);
                let expected = Duration::from_secs(left as u64).max(AT_LEAST);
                assert_eq!(
                    next_wake(now, Some(deadline)),
                    expected,
                    "idle {idle} s, {ago} s ago"
                );
            }
        }
    }
}
