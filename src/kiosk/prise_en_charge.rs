//! The prise en charge: the patient's identity, the questions one screen
//! at a time (a red flag ends them at once), « Retour », and the record of
//! a patient sent elsewhere.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::forms;
use super::ordonnance::{default_delegant, record};
use super::reduce::toggle;
use super::services::Services;
use super::state::*;
use crate::act::{self, Sex};
use crate::documents;
use crate::error::{Error, Refusal, Result};
use crate::fr;
use crate::protocol::{Decision, FactId, FactType, Fixed, Protocol, Value};
use crate::triage::sequence::{self, Step};
use crate::triage::{self, Facts, Slot};

pub(super) fn set_sex(state: &mut KioskState, sex: Sex) {
    if let Screen::Patient(f) = &mut state.screen {
        f.sex = Some(sex);
    }
}

/// « Le patient refuse »: nothing is recorded, the identity typed is
/// dropped, and the screen says what to tell the patient.
pub(super) fn refuse_consent(state: &mut KioskState) {
    if matches!(state.screen, Screen::Patient(_)) {
        state.act = None;
        state.screen = Screen::ConsentRefused;
    }
}

/// Whether an act is under way on this screen (what « Abandonner » drops).
/// An empty Patient screen has nothing to lose yet.
fn in_act(state: &KioskState) -> bool {
    match &state.screen {
        Screen::Patient(f) => state.act.is_some() || *f != blank_patient(state),
        other => other.is_act_step(),
    }
}

/// « Abandonner la prise en charge » asks first: the answers would be lost.
/// A Patient screen nobody typed in has nothing to lose: it goes back to
/// Accueil at once, rather than a touch that does nothing.
pub(super) fn ask_abandon(state: &mut KioskState) {
    state.abandon_asked = in_act(state);
    if !state.abandon_asked && matches!(state.screen, Screen::Patient(_)) {
        state.act = None;
        state.screen = Screen::Accueil;
    }
}

/// Confirmed: nothing is recorded and the identity typed is dropped.
pub(super) fn abandon(state: &mut KioskState) {
    if !std::mem::take(&mut state.abandon_asked) || !in_act(state) {
        return;
    }
    state.act = None;
    state.screen = Screen::Accueil;
    state.message = Some(Message::Info(
        "Prise en charge abandonnée : rien n'a été enregistré.".into(),
    ));
}

/// A new Patient screen: empty, but for the postcode, which is the
/// structure's until the patient says otherwise (most patients live near).
fn blank_patient(state: &KioskState) -> PatientForm {
    PatientForm {
        postal_code: state
            .registry
            .structure
            .as_ref()
            .map(|s| s.postal_code.clone())
            .unwrap_or_default(),
        ..PatientForm::default()
    }
}

/// Only a délégué with a recorded training may start an act.
pub(super) fn begin_act(state: &mut KioskState) -> Result<()> {
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
    state.screen = Screen::Patient(blank_patient(state));
    Ok(())
}

pub(super) fn confirm_patient(
    state: &mut KioskState,
    services: &Services,
    now: DateTime<Utc>,
) -> Result<()> {
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
    let doctor = forms::doctor(form)?;
    let p = Arc::clone(&state.protocol);
    let facts = act::with_patient(&p, Facts::new(&p), &patient, age)?;
    // A repeat visit is noticed before the questions, from this device's
    // ledger only; the act is prepared with the same lookup.
    let earlier = services
        .ledger
        .earlier_prise_en_charge(&p, &patient, forms::paris_day(now))?;
    let facts = act::with_history(&p, facts, earlier.is_some())?;
    // Back from the first question to correct the identity: the answers
    // given so far are offered again.
    let withdrawn = state
        .act
        .take()
        .map(|old| old.withdrawn)
        .unwrap_or_default();
    state.act = Some(ActDraft {
        patient,
        earlier,
        doctor,
        age,
        consent: true,
        facts,
        asked: Vec::new(),
        withdrawn,
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
        facts: q
            .facts
            .iter()
            .copied()
            .filter(|&f| draft.facts.applies(p, f))
            .collect(),
        checked: Vec::new(),
        numbers: Default::default(),
        done: draft.asked.len(),
        remaining: sequence::remaining(p, &draft.facts).len().max(1),
    };
    for &f in &q.facts {
        let shown = match draft.facts.get(f) {
            Slot::Set(v) => Some(v),
            Slot::Absent => None,
            Slot::Unset => draft.withdrawn.get(&f).copied(),
        };
        match shown {
            Some(Value::Bool(true)) => form.checked.push(f),
            Some(Value::Num(n)) => {
                form.numbers.insert(f, fr::decimal(n));
            }
            _ => {}
        }
    }
    form
}

/// Keeps what a question screen shows (ticks, numbers typed) for when
/// « Retour » brings it back.
fn withdraw(p: &Protocol, draft: &mut ActDraft, form: &QuestionForm) {
    for &f in &p.questions[form.index].facts {
        let def = p.fact(f);
        let value = if def.ty.is_bool() {
            form.checked.contains(&f).then_some(Value::Bool(true))
        } else {
            form.numbers
                .get(&f)
                .and_then(|typed| forms::parse_number(&def.label, typed).ok().flatten())
                .map(Value::Num)
        };
        match value {
            Some(v) => draft.withdrawn.insert(f, v),
            None => draft.withdrawn.remove(&f),
        };
    }
}

fn current_question(state: &KioskState) -> Option<QuestionForm> {
    match &state.screen {
        Screen::Question(q) => Some(q.clone()),
        _ => None,
    }
}

/// Ticking an item. A red flag ends the questions at once: when the ticked
/// items alone already decide « not taken in charge », the result shows.
pub(super) fn toggle_fact(state: &mut KioskState, fact: FactId) -> Result<()> {
    let Some(mut form) = current_question(state) else {
        return Ok(());
    };
    if !form.facts.contains(&fact) {
        // Not on this screen (a question that does not apply): nothing.
        return Ok(());
    }
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
pub(super) fn answer_checklist(state: &mut KioskState, none: bool) -> Result<()> {
    let Some(form) = current_question(state) else {
        return Ok(());
    };
    let p = Arc::clone(&state.protocol);
    let q = &p.questions[form.index];
    let has_items = form.facts.iter().any(|f| p.fact(*f).ty.is_bool());
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
        if !facts.applies(&p, f) {
            // Answered « non » from the Patient screen, never shown.
            continue;
        }
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

fn out_of_range(p: &Protocol, f: FactId, typed: &str) -> Error {
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
        FactType::Bool | FactType::Sex => String::new(),
    };
    Error::input(
        def.label.as_str(),
        format!("« {typed} » hors limites{range}"),
    )
}

pub(super) fn answer_number(state: &mut KioskState, fact: FactId, n: i64) -> Result<()> {
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
/// Every answer is kept: going forward again shows it ticked or typed, to
/// be confirmed. On Patient, « Retour » asks before dropping the act.
pub(super) fn back(state: &mut KioskState) -> Result<()> {
    let p = Arc::clone(&state.protocol);
    match &state.screen {
        Screen::Question(_) | Screen::Resultat => {
            let Some(draft) = state.act.as_mut() else {
                state.screen = Screen::Accueil;
                return Ok(());
            };
            if let Screen::Question(form) = &state.screen {
                withdraw(&p, draft, form);
            }
            draft.outcome = None;
            match draft.asked.pop() {
                None => {
                    let form = patient_form(&draft.patient, draft.doctor.as_ref());
                    state.screen = Screen::Patient(form);
                }
                Some(i) => {
                    let mut form = question_form(&p, draft, i);
                    for &f in &p.questions[i].facts {
                        if !draft.facts.applies(&p, f) {
                            continue;
                        }
                        if let Slot::Set(v) = draft.facts.get(f) {
                            draft.withdrawn.insert(f, v);
                        }
                        draft.facts.unset(f);
                    }
                    form.remaining = sequence::remaining(&p, &draft.facts).len().max(1);
                    state.screen = Screen::Question(form);
                }
            }
        }
        Screen::Ordonnance(_) => state.screen = Screen::Resultat,
        Screen::Patient(_) if in_act(state) => ask_abandon(state),
        Screen::Patient(_)
        | Screen::ConsentRefused
        | Screen::Identification(_)
        | Screen::Termine(_)
        | Screen::Historique(_)
        | Screen::Rappels(_)
        | Screen::Rapport(_)
        | Screen::Reglages(_) => {
            state.act = None;
            state.screen = Screen::Accueil;
        }
        // Escape leaves the questionnaire (`enquete::not_now`).
        Screen::Accueil | Screen::Setup(_) | Screen::Enquete(_) => {}
    }
    Ok(())
}

fn patient_form(p: &act::Patient, doctor: Option<&act::Doctor>) -> PatientForm {
    PatientForm {
        last_name: p.last_name.clone(),
        first_name: p.first_name.clone(),
        birth_date: fr::date(p.birth_date),
        sex: Some(p.sex),
        weight: p.weight_kg.map(fr::decimal).unwrap_or_default(),
        postal_code: p.postal_code.clone(),
        phone: p.phone.clone().unwrap_or_default(),
        doctor_name: doctor.map(|d| d.name.clone()).unwrap_or_default(),
        doctor_town: doctor.and_then(|d| d.town.clone()).unwrap_or_default(),
    }
}

pub(super) fn record_screening(
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
    let recorded = record(state, services, Vec::new(), delegant, BTreeMap::new(), now)?;
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
