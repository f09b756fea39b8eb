//! The one place where the kiosk changes: an [`Action`] applied to the
//! [`KioskState`] by calling the core (triage, act preparation, ledger,
//! documents). Every refusal becomes the core's French message on screen;
//! nothing here panics on user input.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use super::action::{Action, Field};
use super::forms::{self, paris_day};
use super::rapport;
use super::services::Services;
use super::settings::{KioskSettings, MAX_IDLE_MINUTES};
use super::state::*;
use crate::act::{self, ActRequest};
use crate::calendar::Month;
use crate::documents;
use crate::error::{Error, Refusal, Result};
use crate::fr;
use crate::ids::Rpps;
use crate::ledger::{FollowupEvent, Recorded};
use crate::protocol::{Decision, FactType, Fixed, Protocol, Tri, Value};
use crate::triage::sequence::{self, Step};
use crate::triage::{self, Facts, Slot};

/// Longest text accepted in a field: names and addresses fit, pasted
/// garbage does not.
const MAX_FIELD_CHARS: usize = 120;

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
    };
    if needs_setup(&state) {
        let mut form = SetupForm::default();
        form.bundle.found = super::attach::found_on_drives();
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
    state.now = now;
    match action {
        Action::Tick => {
            let idle = Duration::minutes(i64::from(state.settings.idle_lock_minutes));
            if state.session.is_some() && now - state.last_activity >= idle {
                lock(state, true);
                services.printer.forget();
            }
            return;
        }
        Action::Activity => {
            state.last_activity = now;
            return;
        }
        Action::Edit(..) | Action::PinDigit(_) | Action::PinErase => {}
        _ => state.message = None,
    }
    state.last_activity = now;
    if let Err(e) = apply(state, action, services, now) {
        state.message = Some(Message::Error(message_of(&e)));
    }
}

/// The kiosk's sentence for an error (see [`super::words`]).
pub(super) fn message_of(e: &Error) -> String {
    super::words::error(e)
}

fn apply(
    state: &mut KioskState,
    action: Action,
    services: &mut Services,
    now: DateTime<Utc>,
) -> Result<()> {
    match action {
        Action::Tick | Action::Activity => Ok(()),
        Action::Edit(field, value) => {
            edit(state, field, value);
            Ok(())
        }
        Action::Escape => escape(state),
        Action::Home => {
            state.act = None;
            state.screen = Screen::Accueil;
            Ok(())
        }
        Action::Lock => {
            lock(state, false);
            services.printer.forget();
            Ok(())
        }
        Action::NewAct => {
            state.act = None;
            // Between two acts (never during one) a newer CPTS bundle, applied
            // meanwhile, brings its protocol.
            refresh(state, services)?;
            require_session(state, After::NewAct, begin_act)
        }
        Action::OpenHistory => require_session(state, After::Historique, |s| {
            open_history(s, services, Period::Today)
        }),
        Action::OpenReport => require_session(state, After::Rapport, |s| {
            rapport::open(s, services, None, now)
        }),
        Action::OpenSettings => require_session(state, After::Reglages, |s| {
            open_settings(s);
            Ok(())
        }),
        Action::SelectDelegue(rpps) => {
            if let Screen::Identification(f) = &mut state.screen {
                f.selected = Some(rpps);
                f.pin.clear();
            }
            Ok(())
        }
        Action::PinDigit(c) => {
            if let Screen::Identification(f) = &mut state.screen
                && c.is_ascii_digit()
                && f.pin.len() < 8
            {
                f.pin.push(c);
            }
            Ok(())
        }
        Action::PinErase => {
            if let Screen::Identification(f) = &mut state.screen {
                f.pin.pop();
            }
            Ok(())
        }
        Action::SubmitPin => submit_pin(state, services, now),
        Action::SetSex(sex) => {
            if let Screen::Patient(f) = &mut state.screen {
                f.sex = Some(sex);
            }
            Ok(())
        }
        Action::ConfirmPatient => confirm_patient(state, now),
        Action::RefuseConsent => {
            state.act = None;
            state.screen = Screen::Accueil;
            Err(Refusal::NoConsent.into())
        }
        Action::ToggleFact(f) => toggle_fact(state, f),
        Action::NoneOfThese => answer_checklist(state, true),
        Action::SubmitQuestion => answer_checklist(state, false),
        Action::AnswerNumber(f, n) => answer_number(state, f, n),
        Action::Back => back(state),
        Action::ShowOrdonnance => show_ordonnance(state),
        Action::RecordScreening => record_screening(state, services, now),
        Action::ToggleLine(m) => {
            if let Screen::Ordonnance(f) = &mut state.screen {
                toggle(&mut f.optional_on, m);
                f.secure_paper_asked = false;
            }
            Ok(())
        }
        Action::ChooseDelegant(r) => {
            if let Screen::Ordonnance(f) = &mut state.screen {
                f.delegant = Some(r);
            }
            Ok(())
        }
        Action::ValidateAndPrint => validate_and_print(state, services, now),
        Action::ShowPeriod(p) => open_history(state, services, p),
        Action::OpenAct(id) => {
            let view = services.ledger.act(&id)?;
            if let Screen::Historique(h) = &mut state.screen {
                h.open = Some(Box::new(view));
                h.void = None;
                h.save_choices.clear();
            }
            Ok(())
        }
        Action::CloseAct => {
            if let Screen::Historique(h) = &mut state.screen {
                h.open = None;
                h.void = None;
                h.save_choices.clear();
            }
            Ok(())
        }
        Action::Reprint => reprint(state, services, now),
        Action::RetryPrint => super::printing::retry(state, services, now),
        Action::SaveDocuments(drive) => save_documents(state, services, drive, now),
        Action::AddReprise => {
            add_followup(state, services, now, FollowupEvent::Reprise { text: None })
        }
        Action::AddSatisfaction(score) => add_followup(
            state,
            services,
            now,
            FollowupEvent::PatientSatisfaction { score, text: None },
        ),
        Action::ChooseAdverseSeverity(severity) => {
            if let Screen::Historique(h) = &mut state.screen {
                h.adverse_severity = Some(severity);
            }
            Ok(())
        }
        Action::AddAdverseEvent(nature) => {
            let severity = match &state.screen {
                Screen::Historique(h) => h.adverse_severity,
                _ => None,
            };
            match severity {
                Some(severity) => add_followup(
                    state,
                    services,
                    now,
                    FollowupEvent::AdverseEvent {
                        nature,
                        severity,
                        text: None,
                    },
                ),
                None => Err(Error::input(
                    "gravité",
                    "choisissez d'abord la gravité de l'événement indésirable (légère, modérée, grave)",
                )),
            }
        }
        Action::StartVoid => {
            if let Screen::Historique(h) = &mut state.screen {
                h.void = Some(VoidForm::default());
            }
            Ok(())
        }
        Action::CancelVoid => {
            if let Screen::Historique(h) = &mut state.screen {
                h.void = None;
            }
            Ok(())
        }
        Action::ConfirmVoid => confirm_void(state, services, now),
        Action::ShowMonth(m) => rapport::open(state, services, Some(m), now),
        Action::StartCloseMonth => {
            if let Screen::Rapport(f) = &mut state.screen {
                f.confirm_close = f.close_refusal.is_none();
            }
            Ok(())
        }
        Action::CancelCloseMonth => {
            if let Screen::Rapport(f) = &mut state.screen {
                f.confirm_close = false;
            }
            Ok(())
        }
        Action::ConfirmCloseMonth => match &state.screen {
            Screen::Rapport(f) if f.confirm_close => rapport::close(state, services, now),
            _ => Ok(()),
        },
        Action::ChooseExportDir(dir) => {
            if let Screen::Rapport(f) = &mut state.screen {
                f.export_dir = dir.display().to_string();
            }
            Ok(())
        }
        Action::Export(format) => rapport::export(state, format),
        Action::SetProfession(p) => {
            match &mut state.screen {
                Screen::Setup(f) => f.delegue.profession = p,
                Screen::Reglages(f) => f.delegue.profession = p,
                _ => {}
            }
            Ok(())
        }
        Action::SaveStructure => {
            let Screen::Reglages(f) = &state.screen else {
                return Ok(());
            };
            let s = forms::structure(&f.structure, now)?;
            services.ledger.set_structure(&s)?;
            refresh(state, services)?;
            info(state, "Structure enregistrée.");
            Ok(())
        }
        Action::AddDelegue => {
            let Screen::Reglages(f) = &state.screen else {
                return Ok(());
            };
            let p = match forms::delegue(&f.delegue, now) {
                Ok(p) => p,
                Err(e) => {
                    clear_pins(&mut state.screen);
                    return Err(e);
                }
            };
            // The latest record wins, PIN included: only the délégué herself
            // may replace an existing record, never a colleague signed in.
            if let crate::registry::ProfessionalRecord::Delegue(d) = &p
                && let Some(existing) = services.ledger.registry()?.delegue(&d.rpps)
                && state.session.as_ref().map(|s| &s.rpps) != Some(&d.rpps)
            {
                clear_pins(&mut state.screen);
                return Err(Error::input(
                    "RPPS",
                    format!(
                        "{} (RPPS {}) est déjà enregistré(e) : seul(e) {} peut modifier sa fiche, après s'être identifié(e) avec son propre code PIN",
                        existing.name, d.rpps, existing.name
                    ),
                ));
            }
            services.ledger.add_professional(&p)?;
            refresh(state, services)?;
            if let Screen::Reglages(f) = &mut state.screen {
                f.delegue = DelegueForm::default();
            }
            info(state, "Délégué enregistré.");
            Ok(())
        }
        Action::AddDelegant => {
            let Screen::Reglages(f) = &state.screen else {
                return Ok(());
            };
            let p = forms::delegant(&f.delegant, now)?;
            services.ledger.add_professional(&p)?;
            refresh(state, services)?;
            if let Screen::Reglages(f) = &mut state.screen {
                f.delegant = DelegantForm::default();
            }
            info(state, "Délégant enregistré.");
            Ok(())
        }
        Action::BackupTo(drive) => super::backup::to_drive(state, services, &drive, now),
        Action::SetBackupFolder(on) => super::backup::set_after_closure(state, on),
        Action::SetIdleMinutes(m) => {
            state.settings.idle_lock_minutes = m.clamp(1, MAX_IDLE_MINUTES);
            state.settings.save(&state.data_dir)
        }
        Action::SubmitSetup => submit_setup(state, services, now),
        Action::ChooseBundle(path) => {
            super::attach::choose(state, path);
            Ok(())
        }
        Action::ReadBundle => super::attach::read(state),
        Action::ConfirmBundle => super::attach::confirm(state, services, now),
        Action::CancelBundle => {
            super::attach::cancel(state);
            Ok(())
        }
        Action::SubmitActivation => super::activation::submit(state, services, now),
    }
}

/// Hidden PIN fields cannot be checked by eye: after a refusal both are
/// emptied and typed again.
fn clear_pins(screen: &mut Screen) {
    if let Screen::Setup(SetupForm { delegue, .. })
    | Screen::Reglages(SettingsForm { delegue, .. }) = screen
    {
        delegue.pin.clear();
        delegue.pin_again.clear();
    }
}

pub(super) fn info(state: &mut KioskState, s: impl Into<String>) {
    state.message = Some(Message::Info(s.into()));
}

fn toggle<T: PartialEq>(v: &mut Vec<T>, x: T) {
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

fn edit(state: &mut KioskState, field: Field, value: String) {
    let value: String = value.chars().take(MAX_FIELD_CHARS).collect();
    let slot: Option<&mut String> = match (&mut state.screen, field) {
        (Screen::Patient(f), Field::LastName) => Some(&mut f.last_name),
        (Screen::Patient(f), Field::FirstName) => Some(&mut f.first_name),
        (Screen::Patient(f), Field::BirthDate) => Some(&mut f.birth_date),
        (Screen::Patient(f), Field::Weight) => Some(&mut f.weight),
        (Screen::Patient(f), Field::PostalCode) => Some(&mut f.postal_code),
        (Screen::Question(q), Field::Fact(id)) => Some(q.numbers.entry(id).or_default()),
        (Screen::Historique(h), Field::VoidReason) => h.void.as_mut().map(|v| &mut v.reason),
        (Screen::Historique(h), Field::VoidPin) => h.void.as_mut().map(|v| &mut v.pin),
        (Screen::Rapport(f), Field::ExportDir) => Some(&mut f.export_dir),
        (Screen::Reglages(f), Field::BackupFolder) => Some(&mut f.backup_folder),
        (Screen::Identification(f), Field::ActivationCode) => Some(&mut f.activation.code),
        (Screen::Identification(f), Field::ActivationPin) => Some(&mut f.activation.pin),
        (Screen::Identification(f), Field::ActivationPinAgain) => Some(&mut f.activation.pin_again),
        (
            Screen::Setup(SetupForm {
                structure,
                delegue,
                delegant,
                bundle,
            }),
            field,
        )
        | (
            Screen::Reglages(SettingsForm {
                structure,
                delegue,
                delegant,
                bundle,
                ..
            }),
            field,
        ) => match field {
            Field::BundlePath => {
                bundle.read = None;
                Some(&mut bundle.path)
            }
            Field::StructureName => Some(&mut structure.name),
            Field::StructureAddress => Some(&mut structure.address),
            Field::StructurePostalCode => Some(&mut structure.postal_code),
            Field::StructurePhone => Some(&mut structure.phone),
            Field::DelegueName => Some(&mut delegue.name),
            Field::DelegueRpps => Some(&mut delegue.rpps),
            Field::DelegueTrainedOn => Some(&mut delegue.trained_on),
            Field::DeleguePin => Some(&mut delegue.pin),
            Field::DeleguePinAgain => Some(&mut delegue.pin_again),
            Field::DelegantName => Some(&mut delegant.name),
            Field::DelegantRpps => Some(&mut delegant.rpps),
            _ => None,
        },
        _ => None,
    };
    if let Some(s) = slot {
        *s = value;
    }
}

/// Runs `then` when a délégué is signed in, else asks for the PIN first.
fn require_session(
    state: &mut KioskState,
    then: After,
    go: impl FnOnce(&mut KioskState) -> Result<()>,
) -> Result<()> {
    if state.session.is_some() {
        return go(state);
    }
    let delegues = state.registry.delegues();
    let selected = match (&state.last_delegue, delegues.as_slice()) {
        (Some(r), _) if state.registry.delegue(r).is_some() => Some(r.clone()),
        (_, [only]) => Some(only.rpps.clone()),
        _ => None,
    };
    state.screen = Screen::Identification(IdentForm {
        selected,
        activation: ActivationForm::default(),
        pin: String::new(),
        then,
        locked_by_idle: false,
    });
    Ok(())
}

/// Closes the session. The act in progress is kept: the same délégué
/// resumes it after the PIN, anyone else starts afresh.
fn lock(state: &mut KioskState, by_idle: bool) {
    let Some(session) = state.session.take() else {
        return;
    };
    let current = std::mem::replace(&mut state.screen, Screen::Accueil);
    let resumable = matches!(
        current,
        Screen::Patient(_)
            | Screen::Question(_)
            | Screen::Resultat
            | Screen::Ordonnance(_)
            | Screen::Historique(_)
            | Screen::Rapport(_)
            | Screen::Reglages(_)
    );
    if resumable {
        state.screen = Screen::Identification(IdentForm {
            selected: Some(session.rpps.clone()),
            activation: ActivationForm::default(),
            pin: String::new(),
            then: After::Resume(Box::new(current), session.rpps),
            locked_by_idle: by_idle,
        });
    } else {
        state.act = None;
    }
    if by_idle {
        state.message = Some(Message::Info(format!(
            "Session verrouillée après {} d'inactivité.",
            fr::plural(
                u64::from(state.settings.idle_lock_minutes),
                "minute",
                "minutes"
            )
        )));
    }
}

fn submit_pin(state: &mut KioskState, services: &mut Services, now: DateTime<Utc>) -> Result<()> {
    let Screen::Identification(form) = &mut state.screen else {
        return Ok(());
    };
    let Some(rpps) = form.selected.clone() else {
        return Err(Error::input("délégué", "touchez votre nom dans la liste"));
    };
    let pin = std::mem::take(&mut form.pin);
    if pin.is_empty() {
        return Err(Error::input("code PIN", "tapez votre code PIN"));
    }
    let then = form.then.clone();
    let auth = services.ledger.authenticate(&rpps, &pin, now)?;
    open_session(state, services, auth, then, now)
}

/// A délégué proved her PIN: the session opens and the kiosk goes where
/// the sign-in was asked for.
pub(super) fn open_session(
    state: &mut KioskState,
    services: &mut Services,
    auth: crate::ledger::Authenticated,
    then: After,
    now: DateTime<Utc>,
) -> Result<()> {
    let rpps = auth.rpps().clone();
    let delegue = auth.delegue();
    state.session = Some(Session {
        rpps: delegue.rpps.clone(),
        name: delegue.name.clone(),
        profession: delegue.profession,
        auth: auth.clone(),
    });
    state.last_delegue = Some(rpps.clone());
    match then {
        After::NewAct => begin_act(state)?,
        After::Historique => open_history(state, services, Period::Today)?,
        After::Rapport => rapport::open(state, services, None, now)?,
        After::Reglages => open_settings(state),
        After::Resume(screen, owner) if owner == rpps => state.screen = *screen,
        After::Resume(..) => {
            state.act = None;
            state.screen = Screen::Accueil;
        }
    }
    Ok(())
}

/// Only a délégué with a recorded training may start an act.
fn begin_act(state: &mut KioskState) -> Result<()> {
    state.act = None;
    if let Some(s) = &state.session
        && state
            .registry
            .delegue(&s.rpps)
            .and_then(|d| d.trained_on)
            .is_none()
    {
        state.screen = Screen::Accueil;
        return Err(Refusal::Untrained {
            name: s.name.clone(),
        }
        .into());
    }
    state.screen = Screen::Patient(PatientForm::default());
    Ok(())
}

fn confirm_patient(state: &mut KioskState, now: DateTime<Utc>) -> Result<()> {
    let Screen::Patient(form) = &state.screen else {
        return Ok(());
    };
    let session = state
        .session
        .clone()
        .ok_or_else(|| Error::input("délégué", "identifiez-vous d'abord"))?;
    let trained = state
        .registry
        .delegue(&session.rpps)
        .and_then(|d| d.trained_on);
    if trained.is_none() {
        return Err(Refusal::Untrained { name: session.name }.into());
    }
    let (patient, age) = forms::patient(form, now)?;
    let p = Arc::clone(&state.protocol);
    let mut facts = Facts::new(&p);
    facts.set(&p, p.patient.age, Value::Num(Fixed::from_int(age)))?;
    match patient.weight_kg {
        Some(w) => facts.set(&p, p.patient.weight, Value::Num(w))?,
        None => facts.set_absent(&p, p.patient.weight)?,
    }
    if patient.weight_kg.is_none()
        && p.patient
            .weight_required_when
            .expr
            .eval(&facts.complete(&p))
            == Tri::True
    {
        return Err(Error::input(
            "poids",
            format!("obligatoire pour un patient de {age} ans (les doses se calculent au poids)"),
        ));
    }
    state.act = Some(ActDraft {
        patient,
        age,
        consent: true,
        facts,
        asked: Vec::new(),
        outcome: None,
    });
    next_step(state)
}

/// Shows the next question, or the result when nothing left can change it.
fn next_step(state: &mut KioskState) -> Result<()> {
    let p = Arc::clone(&state.protocol);
    let Some(draft) = state.act.as_mut() else {
        state.screen = Screen::Accueil;
        return Ok(());
    };
    match sequence::next(&p, &draft.facts) {
        Step::Ask(i) => {
            state.screen = Screen::Question(question_form(&p, draft, i));
        }
        Step::Done => {
            draft.outcome = Some(triage::evaluate(&p, &draft.facts)?);
            state.screen = Screen::Resultat;
        }
    }
    Ok(())
}

/// The form of question `index`, showing any answers already given.
fn question_form(p: &Protocol, draft: &ActDraft, index: usize) -> QuestionForm {
    let q = &p.questions[index];
    let mut form = QuestionForm {
        index,
        checked: Vec::new(),
        numbers: Default::default(),
        done: draft.asked.len(),
        remaining: sequence::remaining(p, &draft.facts).len().max(1),
    };
    for &f in &q.facts {
        match draft.facts.get(f) {
            Slot::Set(Value::Bool(true)) => form.checked.push(f),
            Slot::Set(Value::Num(n)) => {
                form.numbers.insert(f, fr::decimal(n));
            }
            _ => {}
        }
    }
    form
}

fn current_question(state: &KioskState) -> Option<QuestionForm> {
    match &state.screen {
        Screen::Question(q) => Some(q.clone()),
        _ => None,
    }
}

/// Ticking an item. A red flag ends the questions at once: when the ticked
/// items alone already decide « not taken in charge », the result shows.
fn toggle_fact(state: &mut KioskState, fact: crate::protocol::FactId) -> Result<()> {
    let Some(mut form) = current_question(state) else {
        return Ok(());
    };
    toggle(&mut form.checked, fact);
    let p = Arc::clone(&state.protocol);
    let Some(draft) = state.act.as_mut() else {
        return Ok(());
    };
    let mut trial = draft.facts.clone();
    for &f in &form.checked {
        trial.set(&p, f, Value::Bool(true))?;
    }
    if form.checked.contains(&fact) && sequence::next(&p, &trial) == Step::Done {
        let outcome = triage::evaluate(&p, &trial)?;
        if matches!(outcome.decision, Decision::Orient(_)) {
            draft.facts = trial;
            draft.asked.push(form.index);
            draft.outcome = Some(outcome);
            state.screen = Screen::Resultat;
            return Ok(());
        }
    }
    state.screen = Screen::Question(form);
    Ok(())
}

/// « Aucun de ces signes » (`none`), or « Continuer » after ticking items:
/// every item gets an explicit answer, never a silent default.
fn answer_checklist(state: &mut KioskState, none: bool) -> Result<()> {
    let Some(form) = current_question(state) else {
        return Ok(());
    };
    let p = Arc::clone(&state.protocol);
    let q = &p.questions[form.index];
    let has_items = q.facts.iter().any(|f| p.fact(*f).ty.is_bool());
    if none && !form.checked.is_empty() {
        return Err(Error::input(
            q.none.as_deref().unwrap_or("réponse"),
            "des éléments sont cochés : décochez-les ou touchez « Continuer »",
        ));
    }
    if !none && has_items && form.checked.is_empty() {
        let hint = q
            .none
            .as_deref()
            .map_or("cochez ce qui s'applique".to_string(), |n| {
                format!("cochez ce qui s'applique, ou touchez « {n} »")
            });
        return Err(Error::input("réponse", hint));
    }
    let Some(draft) = state.act.as_mut() else {
        return Ok(());
    };
    let mut facts = draft.facts.clone();
    for &f in &q.facts {
        let def = p.fact(f);
        if def.ty.is_bool() {
            facts.set(&p, f, Value::Bool(form.checked.contains(&f)))?;
            continue;
        }
        let typed = form.numbers.get(&f).map_or("", String::as_str);
        match forms::parse_number(&def.label, typed)? {
            Some(v) => facts
                .set(&p, f, Value::Num(v))
                .map_err(|_| out_of_range(&p, f, typed))?,
            None if def.required => {
                return Err(Error::input(def.label.as_str(), "réponse obligatoire"));
            }
            None => facts.set_absent(&p, f)?,
        }
    }
    draft.facts = facts;
    draft.asked.push(form.index);
    next_step(state)
}

fn out_of_range(p: &Protocol, f: crate::protocol::FactId, typed: &str) -> Error {
    let def = p.fact(f);
    let unit = def
        .unit
        .as_deref()
        .map(|u| format!(" {u}"))
        .unwrap_or_default();
    let range = match def.ty {
        FactType::Integer { min, max } | FactType::Number { min, max, .. } => {
            format!(
                " : entre {} et {}{unit}",
                fr::decimal(min),
                fr::decimal(max)
            )
        }
        FactType::Bool => String::new(),
    };
    Error::input(
        def.label.as_str(),
        format!("« {typed} » hors limites{range}"),
    )
}

fn answer_number(state: &mut KioskState, fact: crate::protocol::FactId, n: i64) -> Result<()> {
    let Some(form) = current_question(state) else {
        return Ok(());
    };
    let p = Arc::clone(&state.protocol);
    let Some(draft) = state.act.as_mut() else {
        return Ok(());
    };
    draft.facts.set(&p, fact, Value::Num(Fixed::from_int(n)))?;
    draft.asked.push(form.index);
    next_step(state)
}

/// « Retour »: the previous question with its answers shown, unanswered.
fn back(state: &mut KioskState) -> Result<()> {
    let p = Arc::clone(&state.protocol);
    match &state.screen {
        Screen::Question(_) | Screen::Resultat => {
            let Some(draft) = state.act.as_mut() else {
                state.screen = Screen::Accueil;
                return Ok(());
            };
            draft.outcome = None;
            match draft.asked.pop() {
                None => {
                    let form = patient_form(&draft.patient);
                    state.screen = Screen::Patient(form);
                }
                Some(i) => {
                    let mut form = question_form(&p, draft, i);
                    for &f in &p.questions[i].facts {
                        draft.facts.unset(f);
                    }
                    form.remaining = sequence::remaining(&p, &draft.facts).len().max(1);
                    state.screen = Screen::Question(form);
                }
            }
        }
        Screen::Ordonnance(_) => state.screen = Screen::Resultat,
        Screen::Patient(_)
        | Screen::Identification(_)
        | Screen::Termine(_)
        | Screen::Historique(_)
        | Screen::Rapport(_)
        | Screen::Reglages(_) => {
            state.act = None;
            state.screen = Screen::Accueil;
        }
        Screen::Accueil | Screen::Setup(_) => {}
    }
    Ok(())
}

fn escape(state: &mut KioskState) -> Result<()> {
    if let Screen::Historique(h) = &mut state.screen
        && (h.void.is_some() || h.open.is_some())
    {
        if h.void.take().is_none() {
            h.open = None;
        }
        return Ok(());
    }
    back(state)
}

fn patient_form(p: &act::Patient) -> PatientForm {
    PatientForm {
        last_name: p.last_name.clone(),
        first_name: p.first_name.clone(),
        birth_date: fr::date(p.birth_date),
        sex: Some(p.sex),
        weight: p.weight_kg.map(fr::decimal).unwrap_or_default(),
        postal_code: p.postal_code.clone(),
    }
}

/// The délégant proposed by default: the first one the protocol names that
/// is registered here, else the first registered.
fn default_delegant(state: &KioskState) -> Option<Rpps> {
    state
        .protocol
        .delegants
        .iter()
        .find_map(|d| state.registry.delegant(&d.rpps).map(|r| r.rpps.clone()))
        .or_else(|| state.registry.delegants().first().map(|d| d.rpps.clone()))
}

fn show_ordonnance(state: &mut KioskState) -> Result<()> {
    let taken = state
        .act
        .as_ref()
        .and_then(|a| a.outcome.as_ref())
        .is_some_and(|o| o.taken_in_charge());
    if !taken {
        return Ok(());
    }
    let delegant =
        default_delegant(state).ok_or_else(|| Refusal::UnknownDelegant("aucun".into()))?;
    state.screen = Screen::Ordonnance(OrdonnanceForm {
        optional_on: Vec::new(),
        delegant: Some(delegant),
        secure_paper_asked: false,
    });
    Ok(())
}

/// The lines to prescribe: every proposed line unless optional and off, or
/// replaced by an optional line switched on.
pub fn chosen_lines(p: &Protocol, outcome: &triage::Outcome, form: &OrdonnanceForm) -> Vec<String> {
    outcome
        .lines
        .iter()
        .filter(|l| {
            if l.optional {
                return form.optional_on.contains(&l.medicine);
            }
            !form
                .optional_on
                .iter()
                .any(|on| p.medicine(*on).replaces == Some(l.medicine))
        })
        .map(|l| p.medicine(l.medicine).id.clone())
        .collect()
}

/// Whether one of the chosen lines must be printed on secure paper.
pub fn needs_secure_paper(p: &Protocol, lines: &[String]) -> bool {
    lines.iter().any(|id| {
        p.medicines
            .iter()
            .any(|m| &m.id == id && m.secure_prescription)
    })
}

/// Prepares (every rule of the act, again) and records the act.
fn record(
    state: &mut KioskState,
    services: &mut Services,
    lines: Vec<String>,
    delegant: Rpps,
    now: DateTime<Utc>,
) -> Result<Recorded> {
    let session = state
        .session
        .clone()
        .ok_or_else(|| Error::input("délégué", "identifiez-vous d'abord"))?;
    let draft = state
        .act
        .as_ref()
        .ok_or_else(|| Error::input("acte", "aucun acte en cours"))?;
    let p = &state.protocol;
    let mut facts = draft.facts.clone();
    facts.unset(p.patient.age);
    facts.unset(p.patient.weight);
    let request = ActRequest {
        facts: facts.to_answers(p),
        patient: draft.patient.clone(),
        delegue: session.rpps,
        delegant,
        lines,
        occurred_at: None,
        consent: Some(draft.consent),
    };
    let registry = services.ledger.registry()?;
    let record = act::prepare(p, &registry, services.ledger.device_id(), &request, now)?;
    services.ledger.record_act(record)
}

fn record_screening(
    state: &mut KioskState,
    services: &mut Services,
    now: DateTime<Utc>,
) -> Result<()> {
    let excluded = state
        .act
        .as_ref()
        .and_then(|a| a.outcome.as_ref())
        .is_some_and(|o| !o.taken_in_charge());
    if !excluded {
        return Ok(());
    }
    let delegant =
        default_delegant(state).ok_or_else(|| Refusal::UnknownDelegant("aucun".into()))?;
    let recorded = record(state, services, Vec::new(), delegant, now)?;
    state.act = None;
    state.screen = Screen::Termine(Done {
        act_id: recorded.id,
        verification_code: documents::verification_code(&recorded.hash),
        number: recorded.number,
        taken_in_charge: false,
        print: None,
        print_failed: false,
        save_choices: Vec::new(),
    });
    Ok(())
}

/// Records the act first, then issues and prints the documents: a failing
/// printer never loses the act (it can be reprinted from Historique).
fn validate_and_print(
    state: &mut KioskState,
    services: &mut Services,
    now: DateTime<Utc>,
) -> Result<()> {
    let Screen::Ordonnance(form) = &state.screen else {
        return Ok(());
    };
    let form = form.clone();
    let Some(outcome) = state.act.as_ref().and_then(|a| a.outcome.clone()) else {
        return Ok(());
    };
    let delegant = form
        .delegant
        .clone()
        .ok_or_else(|| Error::input("délégant", "choisissez le délégant"))?;
    let lines = chosen_lines(&state.protocol, &outcome, &form);
    if state.protocol.needs_secure_paper(&lines) && !form.secure_paper_asked {
        if let Screen::Ordonnance(f) = &mut state.screen {
            f.secure_paper_asked = true;
        }
        return Ok(());
    }
    let recorded = record(state, services, lines, delegant, now)?;
    state.act = None;
    let (print, print_failed) = match super::printing::print_act(state, services, &recorded.id, now)
    {
        Ok(msg) => (msg.message, !msg.ok),
        Err(e) => (
            format!(
                "Acte enregistré, mais les documents n'ont pas pu être produits : {} Réimprimez depuis l'Historique.",
                message_of(&e)
            ),
            true,
        ),
    };
    state.screen = Screen::Termine(Done {
        act_id: recorded.id,
        verification_code: documents::verification_code(&recorded.hash),
        number: recorded.number,
        taken_in_charge: true,
        print: Some(print),
        print_failed,
        save_choices: Vec::new(),
    });
    Ok(())
}

fn open_history(state: &mut KioskState, services: &Services, period: Period) -> Result<()> {
    let today = paris_day(state.now);
    let mut acts = services.ledger.acts(Some(Month::of_instant(state.now)))?;
    if period == Period::Today {
        acts.retain(|a| paris_day(a.occurred_at) == today);
    }
    acts.reverse();
    let open = match &state.screen {
        Screen::Historique(h) => h
            .open
            .as_ref()
            .and_then(|v| services.ledger.act(&v.act.id).ok())
            .map(Box::new),
        _ => None,
    };
    state.screen = Screen::Historique(HistoryForm {
        period,
        acts,
        open,
        void: None,
        adverse_severity: None,
        save_choices: Vec::new(),
    });
    Ok(())
}

fn open_act_id(state: &KioskState) -> Option<String> {
    match &state.screen {
        Screen::Historique(h) => h.open.as_ref().map(|v| v.act.id.clone()),
        _ => None,
    }
}

fn period(state: &KioskState) -> Period {
    match &state.screen {
        Screen::Historique(h) => h.period,
        _ => Period::Today,
    }
}

fn reprint(state: &mut KioskState, services: &mut Services, now: DateTime<Utc>) -> Result<()> {
    let Some(id) = open_act_id(state) else {
        return Ok(());
    };
    super::printing::reprint(state, services, &id, now)?;
    open_history(state, services, period(state))
}

/// « Enregistrer le PDF » on Terminé or on an act of Historique.
fn save_documents(
    state: &mut KioskState,
    services: &mut Services,
    drive: Option<std::path::PathBuf>,
    now: DateTime<Utc>,
) -> Result<()> {
    let id = match &state.screen {
        Screen::Termine(d) if d.taken_in_charge => d.act_id.clone(),
        Screen::Historique(_) => match open_act_id(state) {
            Some(id) => id,
            None => return Ok(()),
        },
        _ => return Ok(()),
    };
    let in_history = matches!(state.screen, Screen::Historique(_));
    let choices = super::printing::save(state, services, &id, drive, now)?;
    if in_history && choices.is_empty() {
        open_history(state, services, period(state))?;
    }
    match &mut state.screen {
        Screen::Termine(d) => d.save_choices = choices,
        Screen::Historique(h) => h.save_choices = choices,
        _ => {}
    }
    Ok(())
}

fn add_followup(
    state: &mut KioskState,
    services: &mut Services,
    now: DateTime<Utc>,
    event: FollowupEvent,
) -> Result<()> {
    let Some(id) = open_act_id(state) else {
        return Ok(());
    };
    let session = state
        .session
        .clone()
        .ok_or_else(|| Error::input("délégué", "identifiez-vous d'abord"))?;
    let r = services
        .ledger
        .add_followup(&id, &session.auth, event, now)?;
    open_history(state, services, period(state))?;
    info(state, format!("Suivi ajouté à l'acte {}.", r.number));
    Ok(())
}

/// Voiding needs a reason and the délégué's PIN again (it counts towards
/// the lock-out like any PIN).
fn confirm_void(state: &mut KioskState, services: &mut Services, now: DateTime<Utc>) -> Result<()> {
    let Screen::Historique(h) = &mut state.screen else {
        return Ok(());
    };
    let (Some(view), Some(form)) = (h.open.as_ref(), h.void.as_mut()) else {
        return Ok(());
    };
    let id = view.act.id.clone();
    let reason = form.reason.trim().to_string();
    let pin = std::mem::take(&mut form.pin);
    if reason.is_empty() {
        return Err(Error::input(
            "motif",
            "le motif d'annulation est obligatoire",
        ));
    }
    let session = state
        .session
        .clone()
        .ok_or_else(|| Error::input("délégué", "identifiez-vous d'abord"))?;
    let author = services.ledger.authenticate(&session.rpps, &pin, now)?;
    let r = services
        .ledger
        .add_followup(&id, &author, FollowupEvent::Void { reason }, now)?;
    open_history(state, services, period(state))?;
    info(
        state,
        format!(
            "Acte {} annulé. Il reste dans le registre, marqué annulé.",
            r.number
        ),
    );
    Ok(())
}

fn open_settings(state: &mut KioskState) {
    let mut form = SettingsForm::default();
    form.bundle.found = super::attach::found_on_drives();
    form.drives = super::rapport::removable_drives();
    form.backup_folder = crate::backup::folder::after_closure(&state.data_dir)
        .ok()
        .flatten()
        .map(|f| f.display().to_string())
        .unwrap_or_default();
    if let Some(s) = &state.registry.structure {
        form.structure = StructureForm {
            name: s.name.clone(),
            address: s.address.clone(),
            postal_code: s.postal_code.clone(),
            phone: s.phone.clone().unwrap_or_default(),
        };
    }
    state.screen = Screen::Reglages(form);
}

/// First start: everything is checked before anything is written, so a
/// mistake never leaves half a registry.
fn submit_setup(state: &mut KioskState, services: &mut Services, now: DateTime<Utc>) -> Result<()> {
    let Screen::Setup(form) = &state.screen else {
        return Ok(());
    };
    let structure = forms::structure(&form.structure, now)?;
    if state.registry.is_attached() {
        services.ledger.set_structure(&structure)?;
        refresh(state, services)?;
        state.screen = Screen::Accueil;
        info(
            state,
            "Mise en service terminée : chaque délégué choisit son code PIN à sa première connexion, avec le code d'activation remis par la CPTS.",
        );
        return Ok(());
    }
    let delegue = match forms::delegue(&form.delegue, now) {
        Ok(d) => d,
        Err(e) => {
            clear_pins(&mut state.screen);
            return Err(e);
        }
    };
    let delegant = forms::delegant(&form.delegant, now)?;
    let untrained = matches!(&delegue, crate::registry::ProfessionalRecord::Delegue(d) if d.trained_on.is_none());
    services.ledger.set_structure(&structure)?;
    services.ledger.add_professional(&delegue)?;
    services.ledger.add_professional(&delegant)?;
    refresh(state, services)?;
    state.screen = Screen::Accueil;
    info(
        state,
        if untrained {
            "Mise en service terminée. Aucune date de formation : renseignez-la dans les Réglages avant le premier acte."
        } else {
            "Mise en service terminée : vous pouvez commencer une prise en charge."
        },
    );
    Ok(())
}
