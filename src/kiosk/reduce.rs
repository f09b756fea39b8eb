//! The one place where the kiosk changes: an [`Action`] dispatched to the
//! file of its screen ([`super::session`], [`super::prise_en_charge`],
//! [`super::ordonnance`], [`super::historique`], [`super::rapport`],
//! [`super::reglages`]), which calls the core. Every refusal becomes the
//! core's French message on screen; nothing here panics on user input.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use super::action::Action;
use super::services::Services;
use super::settings::KioskSettings;
use super::state::*;
use super::{
    activation, attach, backup, enquete, fields, historique, keyboard, ordonnance, printing,
    prise_en_charge, rappels, rapport, reglages, session,
};
use crate::error::{Error, Result};
use crate::ledger::FollowupEvent;
use crate::protocol::Protocol;

/// The state on launch: first-start setup on an empty ledger, else Accueil.
pub fn start(
    protocol: Arc<Protocol>,
    services: &Services,
    now: DateTime<Utc>,
) -> Result<KioskState> {
    let registry = services.ledger.registry()?;
    let data_dir = services.ledger.dir().to_path_buf();
    let mut state = KioskState {
        protocol,
        registry,
        roster: services.roster.clone(),
        settings: KioskSettings::load(&data_dir),
        last_backup: crate::backup::last(&data_dir),
        data_dir,
        now,
        last_activity: now,
        screen: Screen::Accueil,
        session: None,
        last_delegue: None,
        act: None,
        message: None,
        abandon_asked: false,
        keyboard: None,
        focus: None,
        printers: Vec::new(),
        calls_due: None,
        survey_due: None,
    };
    if needs_setup(&state) {
        let mut form = SetupForm::default();
        form.bundle.found = super::drives::bundles_on(&super::drives::removable(&services.media));
        if let Some(d) = state.protocol.delegants.iter().find(|d| !d.example) {
            form.delegant.name = d.name.clone();
            form.delegant.rpps = d.rpps.to_string();
        }
        state.screen = Screen::Setup(form);
    }
    Ok(state)
}

/// Nothing can be done before a structure, a délégué and a délégant exist.
/// (On a device attached to the CPTS, the professionals come from its
/// bundle: only the structure is asked.)
pub(super) fn needs_setup(state: &KioskState) -> bool {
    state.registry.structure.is_none()
        || (!state.registry.is_attached()
            && (state.registry.delegues().is_empty() || state.registry.delegants().is_empty()))
}

/// Applies one action. Refusals and errors end up in `state.message`.
pub fn reduce(state: &mut KioskState, action: Action, services: &mut Services, now: DateTime<Utc>) {
    let before = super::tap_guard::screen_key(state);
    reduce_one(state, action, services, now);
    let after = super::tap_guard::screen_key(state);
    if matches!(state.screen, Screen::Accueil) {
        // Counted again when Accueil comes back, and when the day turns.
        rappels::count(state, services, now, after != before);
        enquete::refresh(state, services);
    }
    if after != before {
        // The on-screen keyboard belongs to the screen it was opened on.
        state.keyboard = None;
        if printing::offers_printers(state) {
            state.printers = services.printer.printers();
        }
    }
}

fn reduce_one(state: &mut KioskState, action: Action, services: &mut Services, now: DateTime<Utc>) {
    state.now = now;
    match action {
        Action::Tick => {
            let idle = Duration::minutes(i64::from(state.settings.idle_lock_minutes));
            if state.session.is_some() && now - state.last_activity >= idle {
                session::lock(state, true);
                session::show_lock(state, services, now);
                services.printer.forget();
            }
            return;
        }
        Action::Activity => {
            state.last_activity = now;
            return;
        }
        Action::Edit(..)
        | Action::PinDigit(_)
        | Action::PinErase
        | Action::FieldTouched { .. }
        | Action::Key(_)
        | Action::ToggleKeyboard => {}
        Action::ConfirmAbandon => state.message = None,
        _ => {
            state.message = None;
            state.abandon_asked = false;
        }
    }
    state.last_activity = now;
    let was_identification = matches!(state.screen, Screen::Identification(_));
    if let Err(e) = apply(state, action, services, now) {
        state.message = Some(Message::Error(message_of(&e)));
    }
    if !was_identification {
        session::show_lock(state, services, now);
    }
}

/// The kiosk's sentence for an error (see [`super::words`]).
pub(super) fn message_of(e: &Error) -> String {
    super::words::error(e)
}

/// Dispatches one action to the file of its screen.
fn apply(
    state: &mut KioskState,
    action: Action,
    services: &mut Services,
    now: DateTime<Utc>,
) -> Result<()> {
    match action {
        Action::Tick | Action::Activity => Ok(()),
        Action::Edit(field, value) => {
            fields::edit(state, field, value);
            Ok(())
        }
        Action::FieldTouched { field, touch } => {
            keyboard::focus(state, field, touch);
            Ok(())
        }
        Action::ToggleKeyboard => {
            keyboard::toggle(state);
            Ok(())
        }
        Action::Key(key) => {
            keyboard::press(state, key);
            Ok(())
        }
        Action::Escape => escape(state, services, now),
        Action::Home => {
            state.act = None;
            state.screen = Screen::Accueil;
            Ok(())
        }
        Action::Lock => {
            session::lock(state, false);
            services.printer.forget();
            Ok(())
        }
        Action::NewAct => {
            state.act = None;
            // Between two acts (never during one) a newer CPTS bundle, applied
            // meanwhile, brings its protocol.
            refresh(state, services)?;
            session::require_session(state, After::NewAct, prise_en_charge::begin_act)
        }
        Action::OpenHistory => session::require_session(state, After::Historique, |s| {
            historique::open_history(s, services, Period::Today)
        }),
        Action::OpenCalls => {
            session::require_session(state, After::Rappels, |s| rappels::open(s, services, now))
        }
        Action::OpenReport => session::require_session(state, After::Rapport, |s| {
            rapport::open(s, services, None, now)
        }),
        Action::OpenSettings => session::require_session(state, After::Reglages, |s| {
            reglages::open_settings(s, services);
            Ok(())
        }),
        Action::OpenSurvey => {
            enquete::open_from_accueil(state, services);
            Ok(())
        }
        Action::SurveyScore(i, score) => {
            enquete::score(state, i, score);
            Ok(())
        }
        Action::SendSurvey => enquete::send(state, services, now),
        Action::SurveyLater => enquete::later(state, services, now),
        Action::SelectDelegue(rpps) => {
            session::select_delegue(state, services, rpps, now);
            Ok(())
        }
        Action::PinDigit(c) => {
            session::pin_digit(state, c);
            Ok(())
        }
        Action::PinErase => {
            session::pin_erase(state);
            Ok(())
        }
        Action::SubmitPin => session::submit_pin(state, services, now),
        Action::SetSex(sex) => {
            prise_en_charge::set_sex(state, sex);
            Ok(())
        }
        Action::ConfirmPatient => prise_en_charge::confirm_patient(state, services, now),
        Action::RefuseConsent => {
            prise_en_charge::refuse_consent(state);
            Ok(())
        }
        Action::AskAbandon => {
            prise_en_charge::ask_abandon(state);
            Ok(())
        }
        Action::CancelAbandon => Ok(()),
        Action::ConfirmAbandon => {
            prise_en_charge::abandon(state);
            Ok(())
        }
        Action::ToggleFact(f) => prise_en_charge::toggle_fact(state, f),
        Action::NoneOfThese => prise_en_charge::answer_checklist(state, true),
        Action::SubmitQuestion => prise_en_charge::answer_checklist(state, false),
        Action::AnswerNumber(f, n) => prise_en_charge::answer_number(state, f, n),
        Action::Back => prise_en_charge::back(state),
        Action::RecordScreening => prise_en_charge::record_screening(state, services, now),
        Action::ShowOrdonnance => ordonnance::show_ordonnance(state),
        Action::ToggleLine(m) => {
            ordonnance::toggle_line(state, m);
            Ok(())
        }
        Action::ChooseDelegant(r) => {
            ordonnance::choose_delegant(state, r);
            Ok(())
        }
        Action::ChoosePresentation(m, i) => {
            ordonnance::choose_presentation(state, m, i);
            Ok(())
        }
        Action::ValidateAndPrint => ordonnance::validate_and_print(state, services, now),
        Action::ShowPeriod(p) => historique::open_history(state, services, p),
        Action::OpenAct(id) => historique::open_act(state, services, &id),
        Action::CloseAct => {
            historique::close_act(state);
            Ok(())
        }
        Action::Reprint => historique::reprint(state, services, now),
        Action::RetryPrint => printing::retry(state, services, now),
        Action::PrintLetter => printing::print_letter(state, services, now),
        Action::PrintLater => {
            printing::later(state);
            Ok(())
        }
        Action::ChoosePrinter(p) => printing::choose_printer(state, p),
        Action::SaveDocuments(drive) => historique::save_documents(state, services, drive, now),
        Action::AddReprise => {
            historique::propose_followup(state, FollowupEvent::Reprise { text: None });
            Ok(())
        }
        Action::AddSatisfaction(score) => {
            historique::propose_followup(
                state,
                FollowupEvent::PatientSatisfaction { score, text: None },
            );
            Ok(())
        }
        Action::ConfirmFollowup => historique::confirm_followup(state, services, now),
        Action::CancelFollowup => {
            historique::cancel_followup(state);
            Ok(())
        }
        Action::ChooseAdverseSeverity(severity) => {
            historique::choose_adverse_severity(state, severity);
            Ok(())
        }
        Action::AddAdverseEvent(nature) => historique::add_adverse_event(state, nature),
        Action::StartVoid => {
            historique::start_void(state, true);
            Ok(())
        }
        Action::CancelVoid => {
            historique::start_void(state, false);
            Ok(())
        }
        Action::ConfirmVoid => historique::confirm_void(state, services, now),
        Action::StartCorrection(seq) => {
            historique::start_correction(state, Some(seq));
            Ok(())
        }
        Action::CancelCorrection => {
            historique::start_correction(state, None);
            Ok(())
        }
        Action::ConfirmCorrection => historique::confirm_correction(state, services, now),
        Action::OpenCall(act) => {
            rappels::open_call(state, &act);
            Ok(())
        }
        Action::CloseCall => {
            rappels::close_call(state);
            Ok(())
        }
        Action::AnswerCall(a) => {
            rappels::answer(state, a);
            Ok(())
        }
        Action::SaveCall => rappels::save(state, services, now),
        Action::ShowMonth(m) => rapport::open(state, services, Some(m), now),
        Action::StartCloseMonth => {
            rapport::ask_close(state, true);
            Ok(())
        }
        Action::CancelCloseMonth => {
            rapport::ask_close(state, false);
            Ok(())
        }
        Action::ConfirmCloseMonth => rapport::close(state, services, now),
        Action::ChooseExportDir(dir) => {
            rapport::choose_export_dir(state, &dir);
            Ok(())
        }
        Action::Export(format) => rapport::export(state, format),
        Action::SetProfession(p) => {
            reglages::set_profession(state, p);
            Ok(())
        }
        Action::SaveStructure => reglages::save_structure(state, services, now),
        Action::AddDelegue => reglages::add_delegue(state, services, now),
        Action::AddDelegant => reglages::add_delegant(state, services, now),
        Action::BackupTo(drive) => backup::to_drive(state, services, &drive, now),
        Action::SetBackupFolder(on) => backup::set_after_closure(state, on),
        Action::SetIdleMinutes(m) => reglages::set_idle_minutes(state, m),
        Action::SubmitSetup => reglages::submit_setup(state, services, now),
        Action::ChooseBundle(path) => {
            attach::choose(state, path);
            attach::read(state)
        }
        Action::FindBundles => {
            attach::find(state, services);
            Ok(())
        }
        Action::ReadBundle => attach::read(state),
        Action::ConfirmBundle => attach::confirm(state, services, now),
        Action::CancelBundle => {
            attach::cancel(state);
            Ok(())
        }
        Action::SubmitActivation => activation::submit(state, services, now),
    }
}

pub(super) fn info(state: &mut KioskState, s: impl Into<String>) {
    state.message = Some(Message::Info(s.into()));
}

pub(super) fn toggle<T: PartialEq>(v: &mut Vec<T>, x: T) {
    if let Some(i) = v.iter().position(|y| *y == x) {
        v.remove(i);
    } else {
        v.push(x);
    }
}

/// Reads the registry again; a newer CPTS bundle (applied here or by
/// another program) brings its protocol with it.
pub(super) fn refresh(state: &mut KioskState, services: &Services) -> Result<()> {
    state.registry = services.ledger.registry()?;
    let stale = match (state.protocol.source, &state.registry.attachment) {
        (crate::protocol::Source::Cpts { serial }, Some(a)) => serial != a.serial,
        (crate::protocol::Source::Bundled, Some(_)) => true,
        _ => false,
    };
    if stale && let Some(p) = services.ledger.cpts_protocol()? {
        state.protocol = Arc::new(p);
    }
    Ok(())
}

fn escape(state: &mut KioskState, services: &mut Services, now: DateTime<Utc>) -> Result<()> {
    if let Screen::Historique(h) = &mut state.screen
        && (h.void.is_some() || h.open.is_some())
    {
        if h.void.take().is_none() {
            h.open = None;
        }
        return Ok(());
    }
    if let Screen::Rappels(f) = &mut state.screen
        && f.open.take().is_some()
    {
        return Ok(());
    }
    if let Screen::Enquete(_) = state.screen {
        return enquete::not_now(state, services, now);
    }
    prise_en_charge::back(state)
}
