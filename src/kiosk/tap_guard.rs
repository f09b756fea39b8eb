//! The tap guard: a touch meant for one screen never acts on the next.
//!
//! A double tap on « Aucun de ces signes », or a long press whose release
//! lands after the screen changed, would otherwise answer the next question
//! before anyone has read it. So a press that began before the current
//! screen was shown, or less than [`TAP_GUARD_SECONDS`] after, does
//! nothing. This is one mechanism for every screen, not a rule per button:
//! the shell tells the guard when each screen first appears and when each
//! press begins, and drops the screen's actions while the guard holds.
//!
//! Times are the shell's clock in seconds (egui's input time); the guard
//! only compares them.

use std::mem::discriminant;

use super::state::{KioskState, Screen};

/// How long after a screen appears a press on it is ignored: longer than a
/// double tap (≈ 250 ms), shorter than the time anyone needs to read a
/// question.
pub const TAP_GUARD_SECONDS: f64 = 0.4;

/// What makes two frames show « the same screen »: the screen itself and
/// the part of it that replaces its content (which question, which act is
/// open, whether a confirmation is asked).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ScreenKey {
    kind: std::mem::Discriminant<Screen>,
    detail: String,
}

pub fn screen_key(state: &KioskState) -> ScreenKey {
    let detail = match &state.screen {
        Screen::Question(q) => q.index.to_string(),
        Screen::Historique(h) => format!(
            "{:?}/{}/{}/{}/{}",
            h.period,
            h.open.as_ref().map_or("", |v| v.act.id.as_str()),
            h.void.is_some(),
            h.adverse_severity.is_some(),
            // The confirmation replaces the buttons: a double touch on a
            // score never confirms it.
            h.pending.is_some()
        ),
        Screen::Rapport(r) => format!("{}/{}", r.month, r.confirm_close),
        // Opening a call, or coming back to the list, changes every button.
        Screen::Rappels(f) => format!(
            "{}/{}",
            f.due.len(),
            f.open.as_ref().map_or("", |c| c.act_id.as_str())
        ),
        Screen::Termine(d) => d.number.clone(),
        Screen::Identification(f) => format!("{:?}", f.selected),
        _ => String::new(),
    };
    // The abandon confirmation replaces the bottom bar's buttons: a
    // second touch meant for « Abandonner » never confirms it.
    let detail = if state.abandon_asked {
        format!("{detail}/abandon")
    } else {
        detail
    };
    ScreenKey {
        kind: discriminant(&state.screen),
        detail,
    }
}

/// Remembers when the current screen appeared and when the last press
/// began.
#[derive(Debug, Clone, Default)]
pub struct TapGuard {
    shown: Option<(ScreenKey, f64)>,
    press_began: Option<f64>,
}

impl TapGuard {
    /// Called each frame before input is read: notes when a new screen is
    /// first drawn.
    pub fn frame(&mut self, key: ScreenKey, now: f64) {
        if self.shown.as_ref().is_none_or(|(k, _)| *k != key) {
            self.shown = Some((key, now));
        }
    }

    /// A pointer or finger went down at `at`.
    pub fn press(&mut self, at: f64) {
        self.press_began = Some(at);
    }

    /// Whether an input that began at `at` may act on the current screen.
    pub fn allows(&self, at: f64) -> bool {
        match &self.shown {
            None => false,
            Some((_, shown_at)) => at >= shown_at + TAP_GUARD_SECONDS,
        }
    }

    /// Whether the input of a frame at `now` may act on the current screen:
    /// with a press or a release in the frame, when that press began; with
    /// other input (a key, an assistive technology), now.
    pub fn allows_frame(&self, pointer_button: bool, now: f64) -> bool {
        if pointer_button {
            self.press_began.is_some_and(|t| self.allows(t))
        } else {
            self.allows(now)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: usize) -> ScreenKey {
        ScreenKey {
            kind: discriminant(&Screen::Accueil),
            detail: n.to_string(),
        }
    }

    #[test]
    fn a_press_needs_the_screen_shown_for_the_guard_delay() {
        let mut g = TapGuard::default();
        g.frame(key(1), 10.0);
        g.press(10.0 + TAP_GUARD_SECONDS - 0.001);
        assert!(!g.allows_frame(true, 12.0), "just under the delay: ignored");
        g.press(10.0 + TAP_GUARD_SECONDS);
        assert!(g.allows_frame(true, 12.0), "at the delay: acts");
        assert!(
            !g.allows_frame(false, 10.1),
            "a key right after the screen appeared"
        );
        assert!(g.allows_frame(false, 10.5), "a key once it has been read");
        // The same screen on later frames keeps its first time.
        g.frame(key(1), 11.0);
        assert!(g.allows(10.5));
    }

    #[test]
    fn a_press_begun_on_the_previous_screen_never_acts_on_the_next() {
        let mut g = TapGuard::default();
        g.frame(key(1), 0.0);
        g.press(5.0);
        assert!(g.allows_frame(true, 5.0));
        // The press's own release changes the screen; a long press, or a
        // second tap right after, lands on the new one.
        g.frame(key(2), 5.1);
        assert!(
            !g.allows_frame(true, 5.9),
            "began before the screen was shown"
        );
        g.press(5.3);
        assert!(!g.allows_frame(true, 5.4), "a double tap's second touch");
        g.press(5.6);
        assert!(g.allows_frame(true, 5.7), "a deliberate tap after reading");
    }

    #[test]
    fn nothing_acts_before_the_first_frame() {
        let mut g = TapGuard::default();
        assert!(!g.allows(100.0));
        g.press(100.0);
        assert!(!g.allows_frame(true, 100.0));
    }
}
