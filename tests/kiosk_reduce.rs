//! `kiosk::reduce` without egui: the act flow, « Retour », explicit answers,
//! refusals and a failing printer, all through actions.

mod common;
mod kiosk_support;

use std::path::Path;
use std::sync::Arc;

use chrono::Duration;
use kiosk_support::now;
use protocoop::act::Sex;
use protocoop::kiosk::state::OrdonnanceForm;
use protocoop::kiosk::{
    Action, Field, FixedClock, KioskState, MemoryPrinter, Message, PrintOutcome, Printer, Screen,
    Services, reduce, start,
};
use protocoop::ledger::FollowupEvent;
use protocoop::protocol::Protocol;
use protocoop::triage::Slot;
use protocoop::triage::selection::with_options;

struct Kiosk {
    state: KioskState,
    services: Services,
    clock: FixedClock,
}

impl Kiosk {
    fn new(dir: &Path) -> Kiosk {
        let clock = FixedClock::new(now());
        let services = kiosk_support::services(dir, &clock);
        let state = start(Arc::new(Protocol::bundled()), &services, now()).unwrap();
        Kiosk {
            state,
            services,
            clock,
        }
    }

    fn act(&mut self, a: Action) -> &mut Self {
        let t = protocoop::kiosk::Clock::now(&self.clock);
        reduce(&mut self.state, a, &mut self.services, t);
        self
    }

    fn fact(&self, id: &str) -> protocoop::protocol::FactId {
        self.state.protocol.fact_id(id).unwrap()
    }

    fn error(&self) -> Option<&str> {
        match &self.state.message {
            Some(Message::Error(e)) => Some(e),
            _ => None,
        }
    }

    /// From the pain question on: pain 6, an abscess, the ordonnance
    /// proposed, « Valider et imprimer ».
    fn abscess_validated(&mut self) -> &mut Self {
        let (pain, abscess) = (self.fact("pain_score"), self.fact("sympt.abscess"));
        self.act(Action::AnswerNumber(pain, 6))
            .act(Action::ToggleFact(abscess))
            .act(Action::SubmitQuestion)
            .act(Action::ShowOrdonnance)
            .act(Action::ValidateAndPrint)
    }

    /// Signs in Marie Durand and fills in an adult patient.
    fn adult(&mut self) -> &mut Self {
        self.adult_of(Sex::M)
    }

    /// The same, of the given sex.
    fn adult_of(&mut self, sex: Sex) -> &mut Self {
        self.act(Action::NewAct)
            .act(Action::SelectDelegue(common::rpps(common::DELEGUE)));
        for c in "274915".chars() {
            self.act(Action::PinDigit(c));
        }
        self.act(Action::SubmitPin)
            .act(Action::Edit(Field::LastName, "Martin".into()))
            .act(Action::Edit(Field::FirstName, "Paul".into()))
            .act(Action::Edit(Field::BirthDate, "02/03/1986".into()))
            .act(Action::Edit(Field::PostalCode, "79500".into()))
            .act(Action::SetSex(sex))
            .act(Action::ConfirmPatient)
    }
}

fn ledger_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    drop(common::setup_ledger(dir.path(), now()));
    dir
}

#[test]
fn an_empty_ledger_starts_on_setup_and_a_full_one_on_accueil() {
    let empty = tempfile::tempdir().unwrap();
    assert!(matches!(
        Kiosk::new(empty.path()).state.screen,
        Screen::Setup(_)
    ));
    let dir = ledger_dir();
    assert!(matches!(
        Kiosk::new(dir.path()).state.screen,
        Screen::Accueil
    ));
}

#[test]
fn questions_come_in_protocol_order_red_flags_first() {
    let dir = ledger_dir();
    let mut k = Kiosk::new(dir.path());
    k.adult();
    let Screen::Question(q) = &k.state.screen else {
        panic!("{:?}", k.error())
    };
    assert_eq!(k.state.protocol.questions[q.index].id, "signes_alerte");
    assert_eq!(q.done, 0);
}

/// « Grossesse ou allaitement ? » is on a woman's antecedents screen and
/// not on a man's; his act records it « non » all the same, and « Retour »
/// to that screen does not bring it back.
#[test]
fn pregnancy_is_asked_of_a_woman_only() {
    for (sex, shown) in [(Sex::F, true), (Sex::M, false)] {
        let dir = ledger_dir();
        let mut k = Kiosk::new(dir.path());
        k.adult_of(sex).act(Action::NoneOfThese);
        let pregnant = k.fact("pregnant");
        let Screen::Question(q) = &k.state.screen else {
            panic!("{:?}", k.error())
        };
        assert_eq!(k.state.protocol.questions[q.index].id, "antecedents");
        assert_eq!(q.facts.contains(&pregnant), shown, "{sex:?}");
        assert_eq!(q.facts.len(), 7 - usize::from(!shown), "{sex:?}");
        k.act(Action::NoneOfThese);
        assert_eq!(
            k.state.act.as_ref().unwrap().facts.get(pregnant),
            Slot::Set(protocoop::protocol::Value::Bool(false)),
            "{sex:?}"
        );
        k.act(Action::Back);
        let Screen::Question(q) = &k.state.screen else {
            panic!("{:?}", k.error())
        };
        assert_eq!(q.facts.contains(&pregnant), shown, "{sex:?} after Retour");
    }
}

#[test]
fn a_checklist_needs_an_explicit_answer() {
    let dir = ledger_dir();
    let mut k = Kiosk::new(dir.path());
    k.adult().act(Action::SubmitQuestion);
    assert!(
        k.error().unwrap().contains("Aucun de ces signes"),
        "{:?}",
        k.error()
    );
    assert!(matches!(k.state.screen, Screen::Question(_)));
    let eye = k.fact("excl.eye_swelling");
    assert_eq!(
        k.state.act.as_ref().unwrap().facts.get(eye),
        Slot::Unset,
        "no silent « non »"
    );
}

#[test]
fn retour_shows_the_previous_answers_and_forgets_them() {
    let dir = ledger_dir();
    let mut k = Kiosk::new(dir.path());
    k.adult().act(Action::NoneOfThese).act(Action::NoneOfThese);
    let pain = k.fact("pain_score");
    k.act(Action::AnswerNumber(pain, 6));
    let abscess = k.fact("sympt.abscess");
    k.act(Action::ToggleFact(abscess))
        .act(Action::SubmitQuestion);
    assert!(matches!(k.state.screen, Screen::Resultat));

    k.act(Action::Back);
    let Screen::Question(q) = &k.state.screen else {
        panic!()
    };
    assert_eq!(q.checked, [abscess], "the ticked symptom is still shown");
    assert_eq!(
        k.state.act.as_ref().unwrap().facts.get(abscess),
        Slot::Unset
    );
    k.act(Action::Escape).act(Action::Escape);
    let Screen::Question(q) = &k.state.screen else {
        panic!()
    };
    assert_eq!(k.state.protocol.questions[q.index].id, "antecedents");
}

#[test]
fn escape_from_ordonnance_records_nothing() {
    let dir = ledger_dir();
    let mut k = Kiosk::new(dir.path());
    k.adult().act(Action::NoneOfThese).act(Action::NoneOfThese);
    let (pain, abscess) = (k.fact("pain_score"), k.fact("sympt.abscess"));
    k.act(Action::AnswerNumber(pain, 6))
        .act(Action::ToggleFact(abscess))
        .act(Action::SubmitQuestion)
        .act(Action::ShowOrdonnance)
        .act(Action::Escape);
    assert!(matches!(k.state.screen, Screen::Resultat));
    assert!(k.services.ledger.acts(None).unwrap().is_empty());
}

#[test]
fn codeine_replaces_paracetamol_when_switched_on() {
    let dir = ledger_dir();
    let mut k = Kiosk::new(dir.path());
    k.adult().act(Action::NoneOfThese).act(Action::NoneOfThese);
    let (pain, heat) = (k.fact("pain_score"), k.fact("sympt.heat"));
    k.act(Action::AnswerNumber(pain, 6))
        .act(Action::ToggleFact(heat))
        .act(Action::SubmitQuestion)
        .act(Action::ShowOrdonnance);
    let p = Arc::clone(&k.state.protocol);
    let codeine = p.medicine_id("paracetamol_codeine").unwrap();
    k.act(Action::ToggleLine(codeine));
    let Screen::Ordonnance(form) = &k.state.screen else {
        panic!("{:?}", k.error())
    };
    let outcome = k.state.act.as_ref().unwrap().outcome.clone().unwrap();
    assert_eq!(
        with_options(&p, &outcome, &form.optional_on),
        ["paracetamol_codeine"]
    );
    let none = OrdonnanceForm {
        optional_on: vec![],
        delegant: None,
        presentations: Default::default(),
        secure_paper_asked: false,
    };
    assert_eq!(
        with_options(&p, &outcome, &none.optional_on),
        ["paracetamol"]
    );
    // Codeine: the first touch asks for secure paper and records nothing.
    k.act(Action::ValidateAndPrint);
    assert!(
        matches!(&k.state.screen, Screen::Ordonnance(f) if f.secure_paper_asked),
        "{:?}",
        k.error()
    );
    assert!(k.services.ledger.acts(None).unwrap().is_empty());
    // Switching a line asks again.
    k.act(Action::ToggleLine(codeine));
    assert!(matches!(&k.state.screen, Screen::Ordonnance(f) if !f.secure_paper_asked));
    k.act(Action::ToggleLine(codeine))
        .act(Action::ValidateAndPrint);
    assert!(k.services.ledger.acts(None).unwrap().is_empty());
    k.act(Action::ValidateAndPrint);
    assert!(
        matches!(k.state.screen, Screen::Termine(_)),
        "{:?}",
        k.error()
    );
    let view = k.services.ledger.act("2026-0001").unwrap();
    assert_eq!(view.act.prescription[0].id, "paracetamol_codeine");
}

#[test]
fn an_untrained_delegue_cannot_start_an_act() {
    let dir = ledger_dir();
    let mut k = Kiosk::new(dir.path());
    k.act(Action::NewAct)
        .act(Action::SelectDelegue(common::rpps(common::UNTRAINED)));
    for c in "274915".chars() {
        k.act(Action::PinDigit(c));
    }
    k.act(Action::SubmitPin);
    assert!(matches!(k.state.screen, Screen::Accueil));
    assert!(
        k.error()
            .unwrap()
            .contains("n'a pas de formation au protocole"),
        "{:?}",
        k.error()
    );
}

#[test]
fn refusing_consent_records_nothing_drops_the_identity_and_says_what_to_tell() {
    let dir = ledger_dir();
    let mut k = Kiosk::new(dir.path());
    k.adult().act(Action::Back);
    assert!(matches!(k.state.screen, Screen::Patient(_)));
    k.act(Action::RefuseConsent);
    assert!(matches!(k.state.screen, Screen::ConsentRefused));
    assert!(k.state.act.is_none(), "the identity typed is dropped");
    assert!(
        k.error().is_none(),
        "a refusal is the patient's right, not an error"
    );
    assert!(k.services.ledger.acts(None).unwrap().is_empty());
    k.act(Action::Home);
    assert!(matches!(k.state.screen, Screen::Accueil));
}

/// « Retour » up to the first question and forward again: every answer
/// given comes back, shown to be confirmed, never recorded unanswered.
#[test]
fn retour_keeps_every_answer_for_when_the_question_comes_back() {
    let dir = ledger_dir();
    let mut k = Kiosk::new(dir.path());
    k.adult().act(Action::NoneOfThese).act(Action::NoneOfThese);
    let (pain, heat, cold) = (
        k.fact("pain_score"),
        k.fact("sympt.heat"),
        k.fact("sympt.cold_brushing"),
    );
    k.act(Action::AnswerNumber(pain, 6))
        .act(Action::ToggleFact(heat))
        .act(Action::SubmitQuestion);
    assert!(
        matches!(k.state.screen, Screen::Resultat),
        "{:?}",
        k.error()
    );
    // Back to the symptoms; one more tick, then back past the pain question
    // and the antecedents to the identity.
    k.act(Action::Back).act(Action::ToggleFact(cold));
    for _ in 0..4 {
        k.act(Action::Back);
    }
    assert!(matches!(k.state.screen, Screen::Patient(_)));
    let draft = k.state.act.as_ref().unwrap();
    assert_eq!(draft.facts.get(pain), Slot::Unset, "nothing stays answered");
    assert_eq!(draft.facts.get(heat), Slot::Unset);
    // The identity is confirmed again: each question shows what was given.
    k.act(Action::ConfirmPatient)
        .act(Action::NoneOfThese)
        .act(Action::NoneOfThese);
    let Screen::Question(q) = &k.state.screen else {
        panic!("{:?}", k.error())
    };
    assert_eq!(q.numbers.get(&pain).map(String::as_str), Some("6"));
    assert_eq!(k.state.act.as_ref().unwrap().facts.get(pain), Slot::Unset);
    k.act(Action::AnswerNumber(pain, 6));
    let Screen::Question(q) = &k.state.screen else {
        panic!("{:?}", k.error())
    };
    let mut checked = q.checked.clone();
    checked.sort();
    let mut both = vec![heat, cold];
    both.sort();
    assert_eq!(checked, both, "both ticks, the later one included");
    assert_eq!(k.state.act.as_ref().unwrap().facts.get(heat), Slot::Unset);
}

#[test]
fn abandoning_asks_first_then_records_nothing() {
    let dir = ledger_dir();
    let mut k = Kiosk::new(dir.path());
    k.adult().act(Action::NoneOfThese);
    // Asked, then another touch: the question is withdrawn.
    k.act(Action::AskAbandon);
    assert!(k.state.abandon_asked);
    k.act(Action::SubmitQuestion);
    assert!(!k.state.abandon_asked);
    k.act(Action::ConfirmAbandon);
    assert!(
        matches!(k.state.screen, Screen::Question(_)),
        "not confirmed"
    );
    // « Non, continuer » keeps everything.
    k.act(Action::AskAbandon).act(Action::CancelAbandon);
    assert!(matches!(k.state.screen, Screen::Question(_)));
    assert!(k.state.act.is_some());
    // « Oui, abandonner »: back to Accueil, nothing recorded.
    k.act(Action::AskAbandon).act(Action::ConfirmAbandon);
    assert!(matches!(k.state.screen, Screen::Accueil));
    assert!(k.state.act.is_none());
    assert!(
        matches!(&k.state.message, Some(Message::Info(m)) if m.contains("rien n'a été enregistré"))
    );
    assert!(k.services.ledger.acts(None).unwrap().is_empty());
}

#[test]
fn retour_on_the_patient_screen_asks_before_dropping_what_was_typed() {
    let dir = ledger_dir();
    let mut k = Kiosk::new(dir.path());
    k.adult().act(Action::Back);
    assert!(matches!(k.state.screen, Screen::Patient(_)));
    k.act(Action::Back);
    assert!(
        matches!(k.state.screen, Screen::Patient(_)),
        "not silently dropped"
    );
    assert!(k.state.abandon_asked);
    k.act(Action::ConfirmAbandon);
    assert!(matches!(k.state.screen, Screen::Accueil));
    // An empty Patient screen has nothing to lose: « Retour » leaves it.
    // Its postcode is the structure's, offered, not typed by anyone.
    k.act(Action::NewAct);
    let Screen::Patient(form) = &k.state.screen else {
        panic!("{:?}", k.state.screen)
    };
    assert_eq!(form.postal_code, "79500");
    assert_eq!(form.last_name, "");
    k.act(Action::Back);
    assert!(matches!(k.state.screen, Screen::Accueil));
    // « Abandonner » on it too, without a question to answer.
    k.act(Action::NewAct);
    assert!(matches!(k.state.screen, Screen::Patient(_)));
    k.act(Action::AskAbandon);
    assert!(!k.state.abandon_asked);
    assert!(matches!(k.state.screen, Screen::Accueil));
}

struct BrokenPrinter;

impl Printer for BrokenPrinter {
    fn print(&self, _: &[protocoop::documents::print::Job<'_>]) -> PrintOutcome {
        PrintOutcome {
            sent: 0,
            ok: false,
            message: "L'impression a échoué (imprimante hors ligne).".into(),
        }
    }
}

fn documents_logged(k: &Kiosk, number: &str) -> Vec<(String, bool)> {
    k.services
        .ledger
        .act(number)
        .unwrap()
        .followups
        .into_iter()
        .filter_map(|f| match f.record.event {
            FollowupEvent::Document {
                document, reprint, ..
            } => Some((document, reprint)),
            _ => None,
        })
        .collect()
}

/// Every file under `dir` whose bytes hold a PDF.
fn pdfs_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(pdfs_under(&p));
        } else if std::fs::read(&p).unwrap().windows(5).any(|w| w == b"%PDF-") {
            out.push(p);
        }
    }
    out
}

#[test]
fn a_failing_printer_never_loses_the_act_and_logs_no_document() {
    let dir = ledger_dir();
    let mut k = Kiosk::new(dir.path());
    k.services.printer = Box::new(BrokenPrinter);
    k.adult().act(Action::NoneOfThese).act(Action::NoneOfThese);
    k.abscess_validated();
    let Screen::Termine(done) = &k.state.screen else {
        panic!("{:?}", k.error())
    };
    assert!(done.print_failed);
    assert_eq!(done.number, "2026-0001");
    assert!(k.services.ledger.act("2026-0001").is_ok());
    assert_eq!(
        documents_logged(&k, "2026-0001"),
        [],
        "nothing printed, nothing logged as issued"
    );

    // « Réessayer l'impression » once the printer works: the first issue.
    let printer = MemoryPrinter::default();
    k.services.printer = Box::new(printer.clone());
    k.act(Action::RetryPrint);
    let Screen::Termine(done) = &k.state.screen else {
        panic!("{:?}", k.error())
    };
    assert!(!done.print_failed, "{:?}", done.print);
    assert_eq!(printer.jobs().len(), 2);
    assert_eq!(
        documents_logged(&k, "2026-0001"),
        [("prescription".into(), false), ("advice".into(), false)]
    );

    // Reprint later from Historique: the same bytes, logged as a reprint.
    k.act(Action::OpenHistory);
    let id = k.services.ledger.act("2026-0001").unwrap().act.id;
    k.act(Action::OpenAct(id)).act(Action::Reprint);
    assert!(
        matches!(&k.state.message, Some(Message::Info(m)) if m.starts_with("Réimpression conforme")),
        "{:?}",
        k.state.message
    );
    let jobs = printer.jobs();
    assert_eq!(jobs.len(), 4);
    assert_eq!(
        jobs[0].pdf, jobs[2].pdf,
        "a reprint is the same prescription"
    );
    assert_eq!(documents_logged(&k, "2026-0001").len(), 4);
    assert!(
        pdfs_under(dir.path()).is_empty(),
        "no document is left in the data folder: {:?}",
        pdfs_under(dir.path())
    );
}

/// « Imprimer plus tard » after a failed print: the act is kept, Accueil
/// says where its documents wait, Historique lists it under « À imprimer »
/// until they are printed.
#[test]
fn imprimer_plus_tard_keeps_the_act_in_a_list_to_print() {
    let dir = ledger_dir();
    let mut k = Kiosk::new(dir.path());
    k.services.printer = Box::new(BrokenPrinter);
    k.adult().act(Action::NoneOfThese).act(Action::NoneOfThese);
    k.abscess_validated().act(Action::PrintLater);
    assert!(matches!(k.state.screen, Screen::Accueil));
    assert!(
        matches!(&k.state.message, Some(Message::Info(m)) if m.contains("2026-0001") && m.contains("À imprimer")),
        "{:?}",
        k.state.message
    );
    k.act(Action::OpenHistory)
        .act(Action::ShowPeriod(protocoop::kiosk::state::Period::ToPrint));
    let waiting = |k: &Kiosk| -> Vec<String> {
        let Screen::Historique(h) = &k.state.screen else {
            panic!("{:?}", k.state.screen)
        };
        h.shown(protocoop::kiosk::forms::paris_day(now()))
            .0
            .iter()
            .map(|r| r.act.number.clone())
            .collect()
    };
    assert_eq!(waiting(&k), ["2026-0001"]);
    let printer = MemoryPrinter::default();
    k.services.printer = Box::new(printer.clone());
    let id = k.services.ledger.act("2026-0001").unwrap().act.id;
    k.act(Action::OpenAct(id)).act(Action::Reprint);
    assert_eq!(printer.jobs().len(), 2);
    assert!(waiting(&k).is_empty(), "printed: no longer waiting");
}

#[test]
fn enregistrer_le_pdf_writes_only_where_chosen() {
    let dir = ledger_dir();
    let mut k = Kiosk::new(dir.path());
    k.adult().act(Action::NoneOfThese).act(Action::NoneOfThese);
    k.abscess_validated();
    assert!(matches!(k.state.screen, Screen::Termine(_)));

    let key = tempfile::tempdir().unwrap();
    let gone = key.path().join("débranchée");
    k.act(Action::SaveDocuments(Some(gone.clone())));
    assert!(
        k.error().unwrap().contains("n'est plus branchée"),
        "{:?}",
        k.error()
    );
    assert!(!gone.exists());

    k.act(Action::SaveDocuments(Some(key.path().to_path_buf())));
    let said = match &k.state.message {
        Some(Message::Info(m)) => m.clone(),
        other => panic!("{other:?}"),
    };
    assert!(said.contains("ordonnance-2026-0001.pdf"), "{said}");
    assert!(said.contains("ne sont pas chiffrés"), "{said}");
    let mut saved: Vec<String> = std::fs::read_dir(key.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    saved.sort();
    assert_eq!(
        saved,
        ["fiche-conseil-2026-0001.pdf", "ordonnance-2026-0001.pdf"]
    );
    // Saving is an issue like printing (then the print was the first one).
    let logged = documents_logged(&k, "2026-0001");
    assert_eq!(logged.len(), 4, "{logged:?}");
    assert!(logged[2..].iter().all(|(_, reprint)| *reprint));
    assert!(pdfs_under(dir.path()).is_empty());
}

#[test]
fn documents_an_earlier_kiosk_left_in_clear_go_at_the_next_open() {
    let dir = ledger_dir();
    let old = dir.path().join("documents");
    std::fs::create_dir(&old).unwrap();
    std::fs::write(old.join("ordonnance-2026-0001.pdf"), b"%PDF-1.7 DUPONT").unwrap();
    std::fs::write(old.join("fiche-conseil-2026-0001.pdf"), b"%PDF-1.7 DUPONT").unwrap();
    let k = Kiosk::new(dir.path());
    assert!(!old.exists(), "the folder goes with them");
    drop(k);
    // Anything else a person put there stays.
    std::fs::create_dir(&old).unwrap();
    std::fs::write(old.join("ordonnance-2026-0002.pdf"), b"%PDF-1.7").unwrap();
    std::fs::write(old.join("notes.txt"), b"mes notes").unwrap();
    drop(Kiosk::new(dir.path()));
    assert!(!old.join("ordonnance-2026-0002.pdf").exists());
    assert_eq!(std::fs::read(old.join("notes.txt")).unwrap(), b"mes notes");
}

#[test]
fn idle_lock_keeps_the_act_for_the_same_delegue_only() {
    let dir = ledger_dir();
    let mut k = Kiosk::new(dir.path());
    k.adult();
    k.clock.advance(Duration::minutes(5));
    k.act(Action::Tick);
    assert!(k.state.session.is_none());
    assert!(matches!(k.state.screen, Screen::Identification(_)));
    k.act(Action::SelectDelegue(common::rpps(common::DELEGUE_2)));
    for c in "274915".chars() {
        k.act(Action::PinDigit(c));
    }
    k.act(Action::SubmitPin);
    assert!(
        matches!(k.state.screen, Screen::Accueil),
        "another délégué does not see the patient"
    );
    assert!(k.state.act.is_none());
    drop(k);
    assert!(
        protocoop::vault::open_ledger(dir.path(), "phrase de passe de test", now())
            .unwrap()
            .verify()
            .unwrap()
            .ok
    );
}

#[test]
fn an_adverse_event_needs_its_severity_chosen_first() {
    let dir = ledger_dir();
    {
        let mut l =
            protocoop::vault::open_ledger(dir.path(), "phrase de passe de test", now()).unwrap();
        common::record(
            &mut l,
            &Protocol::bundled(),
            &common::abscess_input(serde_json::json!({})),
            now(),
        )
        .unwrap();
    }
    let mut k = Kiosk::new(dir.path());
    k.adult().act(Action::OpenHistory);
    let id = k.services.ledger.act("2026-0001").unwrap().act.id;
    k.act(Action::OpenAct(id.clone()))
        .act(Action::AddAdverseEvent(
            protocoop::ledger::AdverseNature::parse("allergie").unwrap(),
        ));
    assert!(
        k.error()
            .is_some_and(|e| e.contains("choisissez d'abord la gravité")),
        "{:?}",
        k.state.message
    );
    assert!(
        k.services.ledger.act(&id).unwrap().followups.is_empty(),
        "nothing recorded without a severity"
    );

    k.act(Action::ChooseAdverseSeverity(
        protocoop::ledger::Severity::Grave,
    ))
    .act(Action::AddAdverseEvent(
        protocoop::ledger::AdverseNature::parse("allergie").unwrap(),
    ));
    assert!(
        k.services.ledger.act(&id).unwrap().followups.is_empty(),
        "shown to be confirmed, not recorded yet"
    );
    k.act(Action::ConfirmFollowup);
    let followups = k.services.ledger.act(&id).unwrap().followups;
    assert_eq!(followups.len(), 1, "{:?}", k.state.message);
    assert!(matches!(
        &followups[0].event,
        protocoop::ledger::FollowupEvent::AdverseEvent {
            severity: protocoop::ledger::Severity::Grave,
            text: None,
            ..
        }
    ));
}

#[test]
fn a_signed_in_delegue_cannot_replace_a_colleagues_record() {
    let dir = ledger_dir();
    let mut k = Kiosk::new(dir.path());
    k.adult().act(Action::OpenSettings);
    let fill = |k: &mut Kiosk, rpps: &str, name: &str| {
        k.act(Action::Edit(Field::DelegueName, name.into()))
            .act(Action::Edit(Field::DelegueRpps, rpps.into()))
            .act(Action::Edit(Field::DelegueTrainedOn, "01/02/2026".into()))
            .act(Action::Edit(Field::DeleguePin, "830571".into()))
            .act(Action::Edit(Field::DeleguePinAgain, "830571".into()))
            .act(Action::AddDelegue);
    };
    fill(&mut k, common::DELEGUE_2, "Quelqu'un d'autre");
    assert!(
        k.error()
            .is_some_and(|e| e.contains("a déjà sa fiche sur cet appareil")),
        "{:?}",
        k.state.message
    );
    let registry = k.services.ledger.registry().unwrap();
    let colleague = registry.delegue(&common::rpps(common::DELEGUE_2)).unwrap();
    assert_eq!(
        colleague.name, "Luc Bernard",
        "the colleague's record is untouched"
    );

    // Her own record she may update (new training date, new PIN).
    fill(&mut k, common::DELEGUE, "Marie Durand");
    assert!(k.error().is_none(), "{:?}", k.state.message);
    let registry = k.services.ledger.registry().unwrap();
    let own = registry.delegue(&common::rpps(common::DELEGUE)).unwrap();
    assert_eq!(own.trained_on, Some("2026-02-01".parse().unwrap()));
}

#[test]
fn reglages_sauvegarde_sur_la_cle_et_accueil_ne_le_rappelle_plus() {
    let dir = ledger_dir();
    let mut k = Kiosk::new(dir.path());
    assert!(
        protocoop::kiosk::backup::reminder(&k.state).is_some(),
        "never backed up: Accueil says so"
    );
    let key = tempfile::tempdir().unwrap();
    let gone = key.path().join("debranchee");
    k.act(Action::NewAct)
        .act(Action::SelectDelegue(common::rpps(common::DELEGUE)));
    for c in "274915".chars() {
        k.act(Action::PinDigit(c));
    }
    k.act(Action::SubmitPin)
        .act(Action::Home)
        .act(Action::OpenSettings);
    k.act(Action::BackupTo(gone));
    assert!(
        k.error().unwrap().contains("clé USB"),
        "{:?}",
        k.state.message
    );
    k.act(Action::BackupTo(key.path().to_path_buf()));
    assert_eq!(k.error(), None, "{:?}", k.state.message);
    let files: Vec<_> = std::fs::read_dir(key.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].to_string_lossy().ends_with(".pcbk"));
    assert!(
        std::fs::read(&files[0])
            .unwrap()
            .starts_with(protocoop::backup::MAGIC)
    );
    assert!(k.state.last_backup.is_some());
    assert!(
        protocoop::kiosk::backup::last_words(&k.state).starts_with("Dernière sauvegarde : le ")
    );
    assert_eq!(protocoop::kiosk::backup::reminder(&k.state), None);
    // A week later, Accueil reminds again.
    k.clock.advance(Duration::days(8));
    k.act(Action::Home);
    assert!(protocoop::kiosk::backup::reminder(&k.state).is_some());
}

/// The on-screen keyboard: a finger on a field brings it up with that
/// field's pad, its keys type into the field, another field takes it over,
/// and it goes with the screen. A mouse click alone does not bring it up;
/// « Clavier » does, on the screen's first field.
#[test]
fn the_on_screen_keyboard_types_into_the_field_touched() {
    use protocoop::kiosk::keyboard::{Key, Pad};
    let dir = ledger_dir();
    let mut k = Kiosk::new(dir.path());
    k.act(Action::NewAct)
        .act(Action::SelectDelegue(common::rpps(common::DELEGUE)));
    for c in "274915".chars() {
        k.act(Action::PinDigit(c));
    }
    k.act(Action::SubmitPin);
    assert!(matches!(k.state.screen, Screen::Patient(_)));
    k.act(Action::FieldTouched {
        field: Field::LastName,
        touch: false,
    });
    assert_eq!(k.state.keyboard, None, "a mouse click brings no keyboard");
    k.act(Action::ToggleKeyboard);
    let kb = k.state.keyboard.expect("« Clavier » brings it up");
    assert_eq!((kb.field, kb.pad), (Field::LastName, Pad::Letters));
    for key in [
        Key::Capitals,
        Key::Char('L'),
        Key::Capitals,
        Key::Char('e'),
        Key::Space,
        Key::Char('g'),
        Key::Char('x'),
        Key::Erase,
        Key::Char('a'),
        Key::Accents,
        Key::Char('ë'),
        Key::Accents,
        Key::Char('l'),
    ] {
        k.act(Action::Key(key));
    }
    k.act(Action::FieldTouched {
        field: Field::BirthDate,
        touch: true,
    });
    assert_eq!(k.state.keyboard.map(|k| k.pad), Some(Pad::Date));
    for c in "02031986".chars() {
        k.act(Action::Key(Key::Char(c)));
    }
    k.act(Action::FieldTouched {
        field: Field::PostalCode,
        touch: true,
    });
    for _ in 0..5 {
        k.act(Action::Key(Key::Erase));
    }
    for c in "79a120".chars() {
        k.act(Action::Key(Key::Char(c)));
    }
    let Screen::Patient(f) = &k.state.screen else {
        panic!("{:?}", k.state.screen)
    };
    assert_eq!(f.last_name, "Le gaël");
    assert_eq!(f.birth_date, "02/03/1986");
    assert_eq!(f.postal_code, "79120", "a letter never lands in a postcode");
    k.act(Action::Key(Key::Hide));
    assert_eq!(k.state.keyboard, None);
    k.act(Action::FieldTouched {
        field: Field::FirstName,
        touch: true,
    });
    for c in "Paul".chars() {
        k.act(Action::Key(Key::Char(c)));
    }
    k.act(Action::SetSex(Sex::M)).act(Action::ConfirmPatient);
    assert!(
        matches!(k.state.screen, Screen::Question(_)),
        "{:?}",
        k.error()
    );
    assert_eq!(k.state.keyboard, None, "the keyboard goes with its screen");
    let p = &k.state.act.as_ref().unwrap().patient;
    assert_eq!(
        (
            p.last_name.as_str(),
            p.first_name.as_str(),
            p.postal_code.as_str()
        ),
        ("Le gaël", "Paul", "79120")
    );
    // A key with no keyboard, or for a field the screen no longer has,
    // changes nothing.
    let before = format!("{:?}", k.state.screen);
    k.act(Action::Key(Key::Char('x')));
    assert_eq!(format!("{:?}", k.state.screen), before);
}

/// Historique finds an act by the patient's name (accents and case aside),
/// its day or its number; a follow-up touched is said back and recorded
/// only when confirmed; voiding offers the usual reasons.
#[test]
fn historique_finds_by_name_day_or_number_and_confirms_each_followup() {
    let dir = ledger_dir();
    {
        let mut l =
            protocoop::vault::open_ledger(dir.path(), "phrase de passe de test", now()).unwrap();
        for (last, first) in [("Martin", "Paul"), ("Le Gall", "Hélène")] {
            let input = common::abscess_input(serde_json::json!({
                "patient": {"last_name": last, "first_name": first, "sex": "F"}
            }));
            common::record(&mut l, &Protocol::bundled(), &input, now()).unwrap();
        }
    }
    let mut k = Kiosk::new(dir.path());
    k.adult().act(Action::OpenHistory);
    let shown = |k: &Kiosk| -> Vec<String> {
        let Screen::Historique(h) = &k.state.screen else {
            panic!("{:?}", k.state.screen)
        };
        h.shown(protocoop::kiosk::forms::paris_day(now()))
            .0
            .iter()
            .map(|r| format!("{} {}", r.act.number, r.patient))
            .collect()
    };
    assert_eq!(
        shown(&k),
        ["2026-0002 LE GALL Hélène", "2026-0001 MARTIN Paul"],
        "newest first, with the patient's name"
    );
    for (search, expected) in [
        ("helene", vec!["2026-0002 LE GALL Hélène"]),
        ("LE GALL", vec!["2026-0002 LE GALL Hélène"]),
        ("2026-0001", vec!["2026-0001 MARTIN Paul"]),
        ("1", vec!["2026-0001 MARTIN Paul"]),
        (
            "23/11",
            vec!["2026-0002 LE GALL Hélène", "2026-0001 MARTIN Paul"],
        ),
        ("24/11", vec![]),
        ("dupont", vec![]),
    ] {
        k.act(Action::Edit(Field::HistorySearch, search.into()));
        assert_eq!(shown(&k), expected, "« {search} »");
    }

    let id = k.services.ledger.act("2026-0001").unwrap().act.id;
    k.act(Action::OpenAct(id.clone()))
        .act(Action::AddSatisfaction(2));
    let Screen::Historique(h) = &k.state.screen else {
        panic!()
    };
    assert!(h.pending.is_some());
    k.act(Action::CancelFollowup);
    assert!(
        k.services.ledger.act(&id).unwrap().followups.is_empty(),
        "a score touched by mistake is never kept"
    );
    k.act(Action::AddSatisfaction(4))
        .act(Action::ConfirmFollowup);
    let followups = k.services.ledger.act(&id).unwrap().followups;
    assert!(matches!(
        followups.as_slice(),
        [f] if matches!(f.event, FollowupEvent::PatientSatisfaction { score: 4, .. })
    ));
    // A confirmation never outlives its act.
    k.act(Action::AddReprise)
        .act(Action::OpenAct(id.clone()))
        .act(Action::ConfirmFollowup);
    assert_eq!(k.services.ledger.act(&id).unwrap().followups.len(), 1);

    // Voiding: a usual reason in one touch, the PIN, and it is done.
    k.act(Action::StartVoid)
        .act(Action::Edit(Field::VoidReason, "Erreur de saisie".into()))
        .act(Action::Edit(Field::VoidPin, "274915".into()))
        .act(Action::ConfirmVoid);
    assert!(
        matches!(
            k.services.ledger.act(&id).unwrap().status,
            protocoop::ledger::ActStatus::Void { ref reason, .. } if reason == "Erreur de saisie"
        ),
        "{:?}",
        k.state.message
    );
}

/// A printer chosen in Réglages is kept in the kiosk's settings and every
/// print goes to it; after a failed print Terminé offers the printers too.
#[test]
fn the_printer_chosen_is_the_one_printed_to() {
    let dir = ledger_dir();
    let mut k = Kiosk::new(dir.path());
    let printer = MemoryPrinter::default();
    k.services.printer = Box::new(printer.clone());
    k.adult().act(Action::Home).act(Action::OpenSettings);
    assert!(
        matches!(k.state.screen, Screen::Reglages(_)),
        "{:?}",
        k.error()
    );
    assert_eq!(k.state.printers, ["Comptoir", "Bureau"]);
    k.act(Action::ChoosePrinter(Some("-oevil".into())));
    assert!(k.error().is_some(), "a name lp would read as an option");
    assert_eq!(k.state.settings.printer, None);
    k.act(Action::ChoosePrinter(Some("Bureau".into())));
    assert_eq!(
        protocoop::kiosk::settings::KioskSettings::load(dir.path())
            .printer
            .as_deref(),
        Some("Bureau"),
        "kept for the next start"
    );
    k.act(Action::Home).act(Action::NewAct);
    k.act(Action::Edit(Field::LastName, "Martin".into()))
        .act(Action::Edit(Field::FirstName, "Paul".into()))
        .act(Action::Edit(Field::BirthDate, "02/03/1986".into()))
        .act(Action::SetSex(Sex::M))
        .act(Action::ConfirmPatient)
        .act(Action::NoneOfThese)
        .act(Action::NoneOfThese);
    k.abscess_validated();
    assert!(
        matches!(k.state.screen, Screen::Termine(_)),
        "{:?}",
        k.error()
    );
    let jobs = printer.jobs();
    assert_eq!(jobs.len(), 2);
    assert!(jobs.iter().all(|j| j.printer.as_deref() == Some("Bureau")));
}

/// A printer that takes the prescription and then refuses the advice
/// sheet: Terminé says which printed, only the prescription is logged, and
/// « Réessayer » prints the advice sheet alone (never a second
/// prescription).
#[test]
fn a_print_refused_halfway_says_what_printed_and_retries_the_rest_only() {
    let dir = ledger_dir();
    let mut k = Kiosk::new(dir.path());
    let printer = MemoryPrinter::default();
    printer.refuse_after(Some(1));
    k.services.printer = Box::new(printer.clone());
    k.adult().act(Action::NoneOfThese).act(Action::NoneOfThese);
    k.abscess_validated();
    let Screen::Termine(done) = &k.state.screen else {
        panic!("{:?}", k.error())
    };
    assert!(done.print_failed, "half a print is not a print");
    let said = done.print.clone().unwrap_or_default();
    assert!(
        said.contains("Imprimé : « Ordonnance 2026-0001 »")
            && said.contains("Pas imprimé : « Fiche conseil 2026-0001 »"),
        "{said}"
    );
    assert_eq!(
        documents_logged(&k, "2026-0001"),
        [("prescription".into(), false)],
        "only what the printer took"
    );

    printer.refuse_after(None);
    k.act(Action::RetryPrint);
    let Screen::Termine(done) = &k.state.screen else {
        panic!("{:?}", k.error())
    };
    assert!(!done.print_failed, "{:?}", done.print);
    let titles: Vec<String> = printer.jobs().into_iter().map(|j| j.title).collect();
    assert_eq!(titles, ["Ordonnance 2026-0001", "Fiche conseil 2026-0001"]);
    assert_eq!(
        documents_logged(&k, "2026-0001"),
        [("prescription".into(), false), ("advice".into(), false)]
    );
}

/// The same refusal halfway, then « Imprimer plus tard »: the act waits
/// in « À imprimer », and « Imprimer » there prints what is missing only.
#[test]
fn an_act_printed_halfway_waits_in_historique_for_its_missing_sheet() {
    let dir = ledger_dir();
    let mut k = Kiosk::new(dir.path());
    let printer = MemoryPrinter::default();
    printer.refuse_after(Some(1));
    k.services.printer = Box::new(printer.clone());
    k.adult().act(Action::NoneOfThese).act(Action::NoneOfThese);
    k.abscess_validated().act(Action::PrintLater);
    k.act(Action::OpenHistory)
        .act(Action::ShowPeriod(protocoop::kiosk::state::Period::ToPrint));
    let waiting = |k: &Kiosk| -> Vec<String> {
        let Screen::Historique(h) = &k.state.screen else {
            panic!("{:?}", k.state.screen)
        };
        h.shown(protocoop::kiosk::forms::paris_day(now()))
            .0
            .iter()
            .map(|r| r.act.number.clone())
            .collect()
    };
    assert_eq!(waiting(&k), ["2026-0001"], "its advice sheet never printed");
    printer.refuse_after(None);
    let id = k.services.ledger.act("2026-0001").unwrap().act.id;
    k.act(Action::OpenAct(id.clone())).act(Action::Reprint);
    let titles: Vec<String> = printer.jobs().into_iter().map(|j| j.title).collect();
    assert_eq!(titles, ["Ordonnance 2026-0001", "Fiche conseil 2026-0001"]);
    assert!(waiting(&k).is_empty(), "{:?}", k.state.message);
    // Printed in full: « Réimprimer » now reprints both.
    k.act(Action::OpenAct(id)).act(Action::Reprint);
    assert_eq!(printer.jobs().len(), 4);
    assert_eq!(
        documents_logged(&k, "2026-0001"),
        [
            ("prescription".into(), false),
            ("advice".into(), false),
            ("prescription".into(), true),
            ("advice".into(), true)
        ]
    );
}

/// An act made under an earlier version of the protocol: its prescription
/// still prints (from the act alone); its advice sheet, which quotes that
/// protocol, cannot, and the screen says whom to ask; the act does not
/// stay « à imprimer » for a sheet this device can never print.
#[test]
fn an_act_of_an_earlier_protocol_prints_its_prescription_and_says_where_the_sheet_is() {
    let dir = ledger_dir();
    let mut k = Kiosk::new(dir.path());
    k.services.printer = Box::new(BrokenPrinter);
    k.adult().act(Action::NoneOfThese).act(Action::NoneOfThese);
    k.abscess_validated().act(Action::PrintLater);
    // The device now runs the next version of the protocol.
    let text = protocoop::protocol::BUNDLED_TEXT.replacen("version = \"", "version = \"9.", 1);
    let next = Protocol::parse(&text, "next.toml").unwrap();
    assert_ne!(next.identity.sha256, k.state.protocol.identity.sha256);
    k.state.protocol = Arc::new(next);
    let printer = MemoryPrinter::default();
    k.services.printer = Box::new(printer.clone());
    k.act(Action::OpenHistory)
        .act(Action::ShowPeriod(protocoop::kiosk::state::Period::ToPrint));
    let to_print = |k: &Kiosk| {
        let Screen::Historique(h) = &k.state.screen else {
            panic!("{:?}", k.state.screen)
        };
        h.rows.iter().filter(|r| r.to_print).count()
    };
    assert_eq!(to_print(&k), 1, "its prescription never printed");
    let id = k.services.ledger.act("2026-0001").unwrap().act.id;
    k.act(Action::OpenAct(id)).act(Action::Reprint);
    let titles: Vec<String> = printer.jobs().into_iter().map(|j| j.title).collect();
    assert_eq!(titles, ["Ordonnance 2026-0001"]);
    assert!(
        matches!(&k.state.message, Some(Message::Info(m)) if m.contains("fiche conseil") && m.contains("coordination de la CPTS")),
        "{:?}",
        k.state.message
    );
    assert_eq!(to_print(&k), 0, "nothing left this device can print");
    assert_eq!(
        documents_logged(&k, "2026-0001"),
        [("prescription".into(), false)]
    );
}
