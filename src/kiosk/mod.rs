//! The kiosk's logic, without any drawing: what is on screen ([`KioskState`]),
//! what the user can do ([`Action`]) and the one place that applies it by
//! calling the core ([`reduce()`]). `src/ui/` draws this state with egui; the
//! whole act flow is testable here without a window.

pub mod action;
pub mod activation;
pub mod attach;
pub mod backup;
pub mod drives;
pub mod enquete;
pub mod fields;
pub mod forms;
pub mod historique;
pub mod keyboard;
pub mod ordonnance;
pub mod printing;
pub mod prise_en_charge;
pub mod rappels;
pub mod rapport;
pub mod reduce;
pub mod reglages;
pub mod services;
pub mod session;
pub mod settings;
pub mod state;
pub mod tap_guard;
pub mod unlock;
pub mod wake;
pub mod words;

pub use action::{Action, Field};
pub use reduce::{reduce, start};
pub use services::{
    Clock, FixedClock, MemoryPrinter, PrintOutcome, PrintedCopy, Printer, Services, SystemClock,
    SystemPrinter,
};
pub use state::{ActDraft, After, KioskState, Message, Screen, Session};
pub use tap_guard::{TAP_GUARD_SECONDS, TapGuard};
