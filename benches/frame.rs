//! Kiosk frame benchmarks (see docs/BENCHMARKS.md): the CPU time of one
//! frame of each main screen at 1280×800, without any GPU work. Goal: < 4 ms.
//!
//! - `frame` — what eframe does on the CPU each frame: one egui pass of the
//!   real app (`KioskApp::frame`: input, `Tick` through `reduce`, the screen)
//!   plus tessellation of its shapes. AccessKit stays off, as it does until
//!   a screen reader connects.
//! - `kittest_step` — one `egui_kittest::Harness::step()` of the same app:
//!   the egui pass plus the AccessKit tree kittest always asks for, without
//!   tessellation.
//!
//! Each screen is reached through `kiosk::reduce` with the actions the
//! buttons send, on a fresh ledger set up as in `tests/common` (structure,
//! three délégués with PIN 274915, one délégant) and a fixed clock, as
//! `tests/kiosk_support` does.

use std::path::Path;

use chrono::{DateTime, Utc};
use divan::{Bencher, black_box};
use eframe::egui;
use egui_kittest::Harness;
use protocoop::act::Sex;
use protocoop::calendar::Month;
use protocoop::documents::Roster;
use protocoop::kiosk::{Action, Clock, Field, FixedClock, MemoryPrinter, Screen, Services, reduce};
use protocoop::protocol::Protocol;
use protocoop::ui::KioskApp;
use support::{DELEGUE, PIN, rpps};

mod support;

fn main() {
    divan::main();
}

/// The main screens, in the order of the act (then the PIN-guarded ones).
const SCREENS: &[&str] = &[
    "accueil",
    "identification",
    "patient",
    "question",
    "resultat_urgence",
    "ordonnance",
    "termine",
    "historique",
    "rapport",
    "reglages",
];

const SIZE: egui::Vec2 = egui::Vec2::new(1280.0, 800.0);

/// Acts recorded today before opening Historique (a busy day).
const HISTORY_ACTS: usize = 25;

/// A Monday afternoon in Paris, inside the example duty roster.
fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T14:05:00+01:00")
        .unwrap()
        .with_timezone(&Utc)
}

/// The ledger of `tests/common::setup_ledger`, plus `acts` adult abscesses.
fn setup_ledger(dir: &Path, acts: usize) {
    let mut l = support::registered_ledger(dir, now());
    for _ in 0..acts {
        let act = support::abscess_act(&l, now());
        l.record_act(act).unwrap();
    }
}

/// The kiosk on `dir` with the services of `tests/kiosk_support`.
fn app(ctx: &egui::Context, dir: &Path) -> KioskApp {
    let clock = FixedClock::new(now());
    let ledger = protocoop::vault::open_ledger(dir, support::PASSPHRASE, clock.now()).unwrap();
    let services = Services::new(
        ledger,
        Some(Roster::example()),
        Box::new(clock),
        Box::new(MemoryPrinter::default()),
    );
    KioskApp::new(ctx, Protocol::bundled(), services).unwrap()
}

fn act(app: &mut KioskApp, actions: impl IntoIterator<Item = Action>) {
    for a in actions {
        let t = app.services.clock.now();
        reduce(&mut app.state, a, &mut app.services, t);
    }
}

fn fact(app: &KioskApp, id: &str) -> protocoop::protocol::FactId {
    app.state.protocol.fact_id(id).unwrap()
}

/// Marie Durand and her PIN, on the Identification screen.
fn pin(app: &mut KioskApp) {
    act(app, [Action::SelectDelegue(rpps(DELEGUE))]);
    act(app, PIN.chars().map(Action::PinDigit));
    act(app, [Action::SubmitPin]);
}

/// Accueil → Patient with the identity typed, not yet confirmed.
fn patient(app: &mut KioskApp) {
    act(app, [Action::NewAct]);
    pin(app);
    act(
        app,
        [
            Action::Edit(Field::LastName, "Martin".into()),
            Action::Edit(Field::FirstName, "Paul".into()),
            Action::Edit(Field::BirthDate, "02/03/1986".into()),
            Action::Edit(Field::PostalCode, "79500".into()),
            Action::SetSex(Sex::M),
        ],
    );
}

/// Patient → the adult abscess's Résultat (taken in charge).
fn abscess_result(app: &mut KioskApp) {
    patient(app);
    act(
        app,
        [
            Action::ConfirmPatient,
            Action::NoneOfThese,
            Action::NoneOfThese,
        ],
    );
    let (pain, abscess) = (fact(app, "pain_score"), fact(app, "sympt.abscess"));
    act(
        app,
        [
            Action::AnswerNumber(pain, 6),
            Action::ToggleFact(abscess),
            Action::SubmitQuestion,
        ],
    );
}

/// Brings `app` to `screen` and checks it got there.
fn go_to(app: &mut KioskApp, screen: &str) {
    match screen {
        "accueil" => {}
        "identification" => {
            act(app, [Action::NewAct, Action::SelectDelegue(rpps(DELEGUE))]);
            act(app, "12".chars().map(Action::PinDigit));
        }
        "patient" => patient(app),
        "question" => {
            // The first checklist: the red flags, the longest question screen.
            patient(app);
            act(app, [Action::ConfirmPatient]);
        }
        "resultat_urgence" => {
            patient(app);
            let eye = fact(app, "excl.eye_swelling");
            act(app, [Action::ConfirmPatient, Action::ToggleFact(eye)]);
            if matches!(app.state.screen, Screen::Question(_)) {
                act(app, [Action::SubmitQuestion]);
            }
        }
        "ordonnance" => {
            abscess_result(app);
            act(app, [Action::ShowOrdonnance]);
        }
        "termine" => {
            abscess_result(app);
            act(app, [Action::ShowOrdonnance, Action::ValidateAndPrint]);
        }
        "historique" => {
            act(app, [Action::OpenHistory]);
            pin(app);
        }
        "rapport" => {
            // This month so far: the day's acts, provisional figures.
            act(app, [Action::OpenReport]);
            pin(app);
            act(app, [Action::ShowMonth(Month::of_instant(now()))]);
        }
        "reglages" => {
            act(app, [Action::OpenSettings]);
            pin(app);
        }
        other => panic!("unknown screen {other}"),
    }
    let reached = match (screen, &app.state.screen) {
        ("accueil", Screen::Accueil)
        | ("identification", Screen::Identification(_))
        | ("patient", Screen::Patient(_))
        | ("question", Screen::Question(_))
        | ("ordonnance", Screen::Ordonnance(_))
        | ("termine", Screen::Termine(_))
        | ("reglages", Screen::Reglages(_)) => true,
        ("resultat_urgence", Screen::Resultat) => app
            .state
            .act
            .as_ref()
            .and_then(|a| a.outcome.as_ref())
            .is_some_and(|o| !o.taken_in_charge()),
        ("historique", Screen::Historique(h)) => h.rows.len() == HISTORY_ACTS,
        // The bundled protocol is a draft: the day's acts are training acts.
        ("rapport", Screen::Rapport(f)) => f
            .report
            .as_ref()
            .is_some_and(|r| r.indicators.training_acts == HISTORY_ACTS as u64),
        _ => false,
    };
    assert!(
        reached,
        "{screen}: on {:?}, message {:?}",
        app.state.screen.title(),
        app.state.message
    );
}

/// A fresh data folder for `screen` (Historique gets a day of acts).
fn data_dir(screen: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    setup_ledger(
        dir.path(),
        if matches!(screen, "historique" | "rapport") {
            HISTORY_ACTS
        } else {
            0
        },
    );
    dir
}

fn raw_input() -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, SIZE)),
        ..Default::default()
    }
}

/// One frame as eframe runs it on the CPU: the egui pass, then tessellation.
fn one_frame(ctx: &egui::Context, app: &mut KioskApp) -> Vec<egui::ClippedPrimitive> {
    let out = ctx.run_ui(raw_input(), |ui| app.frame(ui));
    ctx.tessellate(out.shapes, out.pixels_per_point)
}

#[divan::bench(args = SCREENS, sample_count = 1000)]
fn frame(bencher: Bencher, screen: &str) {
    let dir = data_dir(screen);
    let ctx = egui::Context::default();
    let mut app = app(&ctx, dir.path());
    go_to(&mut app, screen);
    // Warm up: font atlas, layout caches, panel sizes.
    for _ in 0..5 {
        black_box(one_frame(&ctx, &mut app));
    }
    bencher.bench_local(|| one_frame(&ctx, &mut app));
    still_on(&app, screen);
}

#[divan::bench(args = SCREENS, sample_count = 1000)]
fn kittest_step(bencher: Bencher, screen: &str) {
    let dir = data_dir(screen);
    let path = dir.path().to_path_buf();
    let name = screen.to_string();
    let mut h = Harness::builder().with_size(SIZE).build_eframe(move |cc| {
        let mut app = app(&cc.egui_ctx, &path);
        go_to(&mut app, &name);
        app
    });
    h.run();
    bencher.bench_local(|| h.step());
    still_on(h.state(), screen);
}

/// The frames measured never left the screen (no stray action, no idle lock).
fn still_on(app: &KioskApp, screen: &str) {
    let title = app.state.screen.title();
    let expected = match screen {
        "accueil" => "Accueil",
        "identification" => "Qui êtes-vous ?",
        "patient" => "Patient",
        "question" => "Questions",
        "resultat_urgence" => "Résultat",
        "ordonnance" => "Ordonnance",
        "termine" => "Terminé",
        "historique" => "Historique",
        "rapport" => "Rapport du mois",
        _ => "Réglages",
    };
    assert_eq!(title, expected, "{screen} moved during the benchmark");
}
