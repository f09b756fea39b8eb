//! Everything the screens draw. Plain data: no egui, no I/O. Screens read it
//! and return [`super::Action`]s; only [`super::reduce()`] changes it.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};

use crate::act::{Patient, Sex};
use crate::calendar::{Month, Quarter};
use crate::calls::DueCall;
use crate::documents::Roster;
use crate::ids::Rpps;
use crate::ledger::{ActSummary, ActView, AdverseNature, FollowupEvent, Severity};
use crate::protocol::{FactId, MedicineId, Protocol, Value};
use crate::registry::{Profession, Registry};
use crate::report::{MonthReport, MonthStatus};
use crate::triage::{Facts, Outcome};

use super::settings::KioskSettings;

/// The whole kiosk.
pub struct KioskState {
    pub protocol: Arc<Protocol>,
    /// A copy of the ledger's registry, refreshed after every change.
    pub registry: Registry,
    pub roster: Option<Roster>,
    pub data_dir: PathBuf,
    pub settings: KioskSettings,
    /// The injected clock's time at the last action (screens never read a clock).
    pub now: DateTime<Utc>,
    pub last_activity: DateTime<Utc>,
    pub screen: Screen,
    pub session: Option<Session>,
    /// The délégué who used the kiosk last, preselected on the PIN screen.
    pub last_delegue: Option<Rpps>,
    /// The act in progress, kept across an idle lock.
    pub act: Option<ActDraft>,
    /// A message shown above the screen (refusals in French, confirmations).
    pub message: Option<Message>,
    /// The last backup of this device (Réglages shows it, Accueil reminds).
    pub last_backup: Option<crate::backup::LastBackup>,
    /// « Abandonner la prise en charge » was touched: the screen asks to
    /// confirm before the act in progress is dropped.
    pub abandon_asked: bool,
    /// The on-screen keyboard, when shown.
    pub keyboard: Option<super::keyboard::Keyboard>,
    /// The text field touched last (what « Clavier » types into).
    pub focus: Option<super::action::Field>,
    /// The printers the print system offered when a screen that lets one
    /// choose (Réglages, Terminé after a failed print) appeared.
    pub printers: Vec<String>,
    /// The follow-up calls due on a day (Accueil shows how many), when
    /// the protocol plans calls.
    pub calls_due: Option<(NaiveDate, usize)>,
    /// The délégué signed in has the quarter's questionnaire still to see:
    /// Accueil offers it (her sign-in for a prise en charge did not).
    pub survey_due: Option<Quarter>,
}

/// An authenticated délégué.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub rpps: Rpps,
    pub name: String,
    pub profession: Profession,
    /// The proof of her PIN, which follow-ups require.
    pub auth: crate::ledger::Authenticated,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Info(String),
    Error(String),
}

impl Message {
    pub fn text(&self) -> &str {
        match self {
            Message::Info(s) | Message::Error(s) => s,
        }
    }
}

/// The kiosk's screens (docs/KIOSK.md), each with what it is editing.
#[derive(Debug, Clone)]
pub enum Screen {
    Setup(SetupForm),
    Accueil,
    Identification(IdentForm),
    Patient(PatientForm),
    Question(QuestionForm),
    Resultat,
    /// The patient did not consent: nothing recorded, what to tell them.
    ConsentRefused,
    Ordonnance(OrdonnanceForm),
    Termine(Done),
    Historique(HistoryForm),
    /// « À rappeler »: the follow-up calls due.
    Rappels(CallsForm),
    /// The professionals' questionnaire of the quarter.
    Enquete(SurveyForm),
    Rapport(ReportForm),
    Reglages(SettingsForm),
}

impl Screen {
    /// A step of a prise en charge, which « Abandonner » would drop.
    pub fn is_act_step(&self) -> bool {
        matches!(
            self,
            Screen::Patient(_) | Screen::Question(_) | Screen::Resultat | Screen::Ordonnance(_)
        )
    }

    /// The title shown in the top bar.
    pub fn title(&self) -> &'static str {
        match self {
            Screen::Setup(_) => "Première mise en service",
            Screen::Accueil => "Accueil",
            Screen::Identification(_) => "Qui êtes-vous ?",
            Screen::Patient(_) => "Patient",
            Screen::Question(_) => "Questions",
            Screen::Resultat => "Résultat",
            Screen::ConsentRefused => "Accord refusé",
            Screen::Ordonnance(_) => "Ordonnance",
            Screen::Termine(_) => "Terminé",
            Screen::Historique(_) => "Historique",
            Screen::Rappels(_) => "À rappeler",
            Screen::Enquete(_) => "Votre avis",
            Screen::Rapport(_) => "Rapport du mois",
            Screen::Reglages(_) => "Réglages",
        }
    }
}

/// Where to go once the PIN is accepted.
#[derive(Debug, Clone)]
pub enum After {
    NewAct,
    Historique,
    Rappels,
    Rapport,
    Reglages,
    Accueil,
    /// Back to the screen the idle lock interrupted (same délégué only).
    Resume(Box<Screen>, Rpps),
}

/// The questionnaire being filled in.
#[derive(Debug, Clone)]
pub struct SurveyForm {
    pub quarter: Quarter,
    /// A score (1 to 5) per question of the protocol's questionnaire, in
    /// its order; `None` while unanswered.
    pub scores: Vec<Option<u8>>,
    /// Where the sign-in was going: the kiosk goes on there after.
    pub then: After,
}

#[derive(Debug, Clone)]
pub struct IdentForm {
    pub selected: Option<Rpps>,
    /// First sign-in on a device attached to the CPTS: the activation code
    /// and the PIN she chooses.
    pub activation: ActivationForm,
    /// Digits typed so far (never shown, only counted).
    pub pin: String,
    pub then: After,
    /// Shown when the idle lock brought us here.
    pub locked_by_idle: bool,
    /// Too many wrong PINs for the délégué selected: when her PIN works
    /// again (the screen counts down to it).
    pub locked_until: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct PatientForm {
    pub last_name: String,
    pub first_name: String,
    /// JJ/MM/AAAA as typed.
    pub birth_date: String,
    pub sex: Option<Sex>,
    pub weight: String,
    pub postal_code: String,
    /// Optional: for the follow-up call.
    pub phone: String,
    /// The médecin traitant, optional: for the compte rendu.
    pub doctor_name: String,
    pub doctor_town: String,
}

/// One themed question screen: the toggles and numbers not yet committed.
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionForm {
    /// Index into `Protocol::questions`.
    pub index: usize,
    /// The question's facts that apply to this patient, in protocol order
    /// (pregnancy is not shown for a man): what the screen asks.
    pub facts: Vec<FactId>,
    pub checked: Vec<FactId>,
    pub numbers: BTreeMap<FactId, String>,
    /// Questions answered before this one (for the progress bar).
    pub done: usize,
    /// Questions still to ask, this one included.
    pub remaining: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OrdonnanceForm {
    /// Optional lines the délégué switched on.
    pub optional_on: Vec<MedicineId>,
    pub delegant: Option<Rpps>,
    /// The presentation chosen for a line, when not the default (its
    /// place in the line's presentations).
    pub presentations: BTreeMap<MedicineId, usize>,
    /// A palier-2 line is chosen and « Valider et imprimer » was touched
    /// once: the screen asks for secure paper before anything is recorded.
    pub secure_paper_asked: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Done {
    pub act_id: String,
    pub number: String,
    pub verification_code: String,
    pub taken_in_charge: bool,
    pub print: Option<String>,
    pub print_failed: bool,
    /// USB keys offered by « Enregistrer le PDF » when there are several.
    pub save_choices: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Today,
    Month,
    /// The prises en charge never printed (« Imprimer plus tard »).
    ToPrint,
}

/// Most acts the list shows at once: a search narrows it further.
pub const HISTORY_SHOWN: usize = 200;

/// One act of Historique's list, with its patient's name (read on the
/// device, after the PIN: it never leaves it).
#[derive(Debug, Clone)]
pub struct HistoryRow {
    pub act: ActSummary,
    /// `NOM Prénom`.
    pub patient: String,
    /// The same, folded once for the search (`text::fold`).
    pub folded: String,
    /// The act's day, Paris time.
    pub day: chrono::NaiveDate,
    /// The SHA-256 of the protocol the act was made under.
    pub protocol: String,
    /// A prise en charge with a document this device can print that never
    /// left it: printed « plus tard », or the printer failed (halfway).
    pub to_print: bool,
}

#[derive(Debug, Clone)]
pub struct HistoryForm {
    pub period: Period,
    /// Every act of the device, newest first.
    pub rows: Vec<HistoryRow>,
    /// A name, a day or an act number (see `ledger::search`).
    pub search: String,
    /// A follow-up touched, shown to be confirmed before the ledger keeps
    /// it for good.
    pub pending: Option<FollowupEvent>,
    pub open: Option<Box<ActView>>,
    pub void: Option<VoidForm>,
    /// A follow-up recorded by mistake, being withdrawn.
    pub correcting: Option<CorrectionForm>,
    /// Chosen before the nature of an adverse event: the ledger keeps it
    /// for good, so it is never guessed.
    pub adverse_severity: Option<Severity>,
    /// USB keys offered by « Enregistrer le PDF » when there are several.
    pub save_choices: Vec<PathBuf>,
}

impl OrdonnanceForm {
    /// The presentation a proposed line will be given in: the one chosen
    /// when the line offers it, else the default — what the screen shows
    /// and what the act records.
    pub fn presentation(
        &self,
        protocol: &Protocol,
        line: &crate::triage::ProposedLine,
    ) -> Option<crate::triage::units::Given> {
        crate::triage::units::given_or_default(
            protocol.medicine(line.medicine),
            &line.dose,
            self.presentations.get(&line.medicine).copied(),
        )
    }
}

impl HistoryForm {
    /// What the list shows, and how many acts answer in all: the search's
    /// answers among all acts when one is typed, else the period's acts
    /// (`today` is the Paris day).
    pub fn shown(&self, today: chrono::NaiveDate) -> (Vec<&HistoryRow>, usize) {
        use chrono::Datelike;
        let query = crate::ledger::search::Query::parse(&self.search);
        let all: Vec<&HistoryRow> = self
            .rows
            .iter()
            .filter(|r| match &query {
                Some(q) => q.matches(&r.act.number, &r.folded, r.day),
                None => match self.period {
                    Period::ToPrint => r.to_print,
                    Period::Today => r.day == today,
                    Period::Month => (r.day.year(), r.day.month()) == (today.year(), today.month()),
                },
            })
            .collect();
        let total = all.len();
        (all.into_iter().take(HISTORY_SHOWN).collect(), total)
    }
}

/// « À rappeler »: the calls due today or overdue, read when the screen
/// opens and after each call recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct CallsForm {
    pub due: Vec<DueCall>,
    pub open: Option<CallForm>,
}

/// One phone call being made, for every call due for an act: what the
/// patient answers, as touched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallForm {
    pub act_id: String,
    pub reached: Option<bool>,
    pub appointment_made: Option<bool>,
    /// JJ/MM/AAAA as typed, may stay empty.
    pub appointment_date: String,
    pub pain: Option<u8>,
    /// `Some(None)`: the patient declined to say.
    pub satisfaction: Option<Option<u8>>,
    /// « Aucun effet indésirable ».
    pub no_adverse: bool,
    pub severity: Option<Severity>,
    pub nature: Option<AdverseNature>,
}

impl CallForm {
    pub fn new(act_id: &str) -> CallForm {
        CallForm {
            act_id: act_id.to_string(),
            ..CallForm::default()
        }
    }
}

/// « Rapport du mois »: one month's figures and where to export them.
#[derive(Debug, Clone)]
pub struct ReportForm {
    pub month: Month,
    pub status: MonthStatus,
    /// Final when the month is closed, provisional when open, absent when
    /// the month was passed over.
    pub report: Option<Box<MonthReport>>,
    /// Why the month cannot be closed now (not over, an earlier month
    /// still open…); `None` when « Clôturer » is offered.
    pub close_refusal: Option<String>,
    /// « Clôturer » was touched once: closing is for good, so it asks again.
    pub confirm_close: bool,
    /// The export folder as typed or chosen.
    pub export_dir: String,
    /// Removable drives found when the screen opened (USB keys).
    pub drives: Vec<PathBuf>,
}

/// « Corriger » on a follow-up: the entry it withdraws and why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CorrectionForm {
    pub corrects: u64,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VoidForm {
    pub reason: String,
    pub pin: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SettingsForm {
    pub structure: StructureForm,
    pub delegue: DelegueForm,
    pub delegant: DelegantForm,
    /// « Mettre à jour depuis la CPTS ».
    pub bundle: BundleForm,
    /// Removable drives a backup can be written to.
    pub drives: Vec<PathBuf>,
    /// The folder each month closure backs up to, as typed.
    pub backup_folder: String,
}

/// Choosing a CPTS bundle file (a USB key), then, for the first one,
/// comparing the CPTS key's fingerprint before attaching.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BundleForm {
    pub path: String,
    /// Bundle files found on USB keys (when the screen opened, or at
    /// « Chercher à nouveau »).
    pub found: Vec<super::drives::FoundBundle>,
    /// The bundle read, waiting for confirmation.
    pub read: Option<crate::bundle::Peek>,
}

/// The first sign-in of a délégué of the CPTS.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActivationForm {
    pub code: String,
    pub pin: String,
    pub pin_again: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StructureForm {
    pub name: String,
    pub address: String,
    pub postal_code: String,
    pub phone: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DelegueForm {
    pub name: String,
    pub rpps: String,
    pub profession: Profession,
    /// JJ/MM/AAAA, may be left empty (then no act until it is recorded).
    pub trained_on: String,
    pub pin: String,
    pub pin_again: String,
}

impl Default for DelegueForm {
    fn default() -> Self {
        DelegueForm {
            name: String::new(),
            rpps: String::new(),
            profession: Profession::Pharmacien,
            trained_on: String::new(),
            pin: String::new(),
            pin_again: String::new(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DelegantForm {
    pub name: String,
    pub rpps: String,
}

/// First start: the structure, then either the CPTS bundle (an attached
/// device) or the first délégué and a délégant (a training device).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SetupForm {
    pub structure: StructureForm,
    pub delegue: DelegueForm,
    pub delegant: DelegantForm,
    /// « Rattacher à la CPTS ».
    pub bundle: BundleForm,
}

/// The act being built, screen after screen.
#[derive(Debug, Clone, PartialEq)]
pub struct ActDraft {
    pub patient: Patient,
    /// The patient's earlier prise en charge on this device, when the
    /// protocol reads repeat visits: shown on every question.
    pub earlier: Option<crate::act::EarlierAct>,
    pub doctor: Option<crate::act::Doctor>,
    pub age: i64,
    pub consent: bool,
    pub facts: Facts,
    /// Questions answered, in order (for « Retour »).
    pub asked: Vec<usize>,
    /// Answers taken back by « Retour », shown again (never recorded
    /// unanswered) when their question comes back.
    pub withdrawn: BTreeMap<FactId, Value>,
    pub outcome: Option<Outcome>,
}

impl KioskState {
    pub fn is_training(&self) -> bool {
        self.training_reason().is_some()
    }

    /// Why acts here are training (shown in Réglages and on the badge).
    pub fn training_reason(&self) -> Option<&'static str> {
        crate::act::training_reason(&self.protocol, &self.registry)
    }

    /// The structure's name for the top bar.
    pub fn structure_name(&self) -> &str {
        self.registry
            .structure
            .as_ref()
            .map_or("Structure non renseignée", |s| s.name.as_str())
    }
}
