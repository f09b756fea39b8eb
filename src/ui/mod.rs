//! The egui shell of the kiosk: one file per screen. Screens draw a
//! [`crate::kiosk::KioskState`] and return [`crate::kiosk::Action`]s; they
//! never touch the ledger, the triage or the documents themselves.

mod accueil;
pub mod app;
mod bar;
mod charts;
mod cpts_bundle;
mod enquete;
mod historique;
mod identification;
mod keyboard;
pub mod office;
mod ordonnance;
mod patient;
mod question;
mod rappels;
mod rapport;
mod refus;
mod reglages;
mod resultat;
mod setup;
mod termine;
pub mod theme;
pub mod unlock;
mod widgets;

pub use app::{KioskApp, LaunchOptions, run};
