//! Everything a user can do on the kiosk. Screens return these; only
//! [`super::reduce()`] applies them.

use std::path::PathBuf;

use crate::act::Sex;
use crate::calendar::Month;
use crate::ids::Rpps;
use crate::ledger::{AdverseNature, Severity};
use crate::protocol::{FactId, MedicineId};
use crate::registry::Profession;
use crate::report::Format;

use super::state::Period;

/// A text field, named so that one `Edit` action serves every form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    LastName,
    FirstName,
    BirthDate,
    Weight,
    PostalCode,
    /// The patient's phone, for the follow-up call (optional).
    PatientPhone,
    /// The médecin traitant (optional): name, then town.
    DoctorName,
    DoctorTown,
    /// A number asked on a question screen (temperature).
    Fact(FactId),
    StructureName,
    StructureAddress,
    StructurePostalCode,
    StructurePhone,
    DelegueName,
    DelegueRpps,
    DelegueTrainedOn,
    DeleguePin,
    DeleguePinAgain,
    DelegantName,
    DelegantRpps,
    VoidReason,
    VoidPin,
    CorrectionReason,
    ExportDir,
    /// Réglages: the folder each month closure backs up to.
    BackupFolder,
    /// The CPTS bundle file to read.
    BundlePath,
    ActivationCode,
    ActivationPin,
    ActivationPinAgain,
    /// Historique: a name, a day or an act number.
    HistorySearch,
    /// À rappeler: the day of the dental appointment, when the patient says.
    AppointmentDate,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The clock moved (every frame): may trigger the idle lock.
    Tick,
    /// Keyboard, pointer or touch input: postpones the idle lock.
    Activity,
    /// Escape: back one step, never losing a recorded act.
    Escape,
    Edit(Field, String),
    /// A text field was touched or took the focus; `touch` when by a
    /// finger (the on-screen keyboard comes up).
    FieldTouched {
        field: Field,
        touch: bool,
    },
    /// « Clavier »: shows or hides the on-screen keyboard.
    ToggleKeyboard,
    /// A key of the on-screen keyboard.
    Key(super::keyboard::Key),

    // Accueil
    NewAct,
    OpenHistory,
    /// « À rappeler ».
    OpenCalls,
    OpenReport,
    OpenSettings,
    /// « Sauvegarder sur clé USB »: a backup written to this drive.
    BackupTo(std::path::PathBuf),
    /// Réglages: `true` keeps the folder typed for a backup at each month
    /// closure, `false` stops those backups.
    SetBackupFolder(bool),
    Lock,
    Home,

    /// Accueil: the quarter's questionnaire, when it is still to be seen.
    OpenSurvey,
    /// A question's score (its place in the questionnaire, 1 to 5).
    SurveyScore(usize, u8),
    /// « Envoyer mes réponses ».
    SendSurvey,
    /// « Plus tard »: asked again next quarter.
    SurveyLater,

    // Identification
    SelectDelegue(Rpps),
    PinDigit(char),
    PinErase,
    SubmitPin,

    // Patient
    SetSex(Sex),
    /// « Patient informé et consentant — continuer ».
    ConfirmPatient,
    RefuseConsent,

    // Questions
    ToggleFact(FactId),
    /// « Aucun de ces signes »: every item of the checklist answered « non ».
    NoneOfThese,
    /// « Continuer » after ticking at least one item or typing a number.
    SubmitQuestion,
    /// A value button (pain 0–10): answers and moves on.
    AnswerNumber(FactId, i64),
    Back,
    /// « Abandonner la prise en charge »: asks to confirm.
    AskAbandon,
    /// « Non, continuer ».
    CancelAbandon,
    /// « Oui, abandonner »: nothing is recorded, the identity is dropped.
    ConfirmAbandon,

    // Résultat
    ShowOrdonnance,
    /// Not taken in charge: record the screening and finish.
    RecordScreening,

    // Ordonnance
    ToggleLine(MedicineId),
    ChooseDelegant(Rpps),
    /// A presentation of a line (its place in the line's presentations).
    ChoosePresentation(MedicineId, usize),
    ValidateAndPrint,

    // Terminé
    /// « Réessayer l'impression » after a print that did not happen.
    RetryPrint,
    /// « Imprimer le compte rendu » (prise en charge) or « le courrier
    /// d'orientation » (Terminé, or an act of Historique).
    PrintLetter,
    /// « Imprimer plus tard »: back to Accueil; Historique lists the act
    /// under « À imprimer » until its documents leave the device.
    PrintLater,
    /// A printer chosen (Réglages, or Terminé after a failure); `None`: the
    /// station's default one.
    ChoosePrinter(Option<String>),

    // Historique
    ShowPeriod(Period),
    OpenAct(String),
    CloseAct,
    Reprint,
    /// « Enregistrer le PDF »: `None` looks for USB keys, `Some` is the one
    /// chosen among several (Terminé or an act of Historique).
    SaveDocuments(Option<PathBuf>),
    /// The follow-ups below are shown to be confirmed first.
    AddReprise,
    AddSatisfaction(u8),
    ChooseAdverseSeverity(Severity),
    AddAdverseEvent(AdverseNature),
    /// « Enregistrer » the follow-up shown: the ledger keeps it for good.
    ConfirmFollowup,
    /// « Ne pas enregistrer ».
    CancelFollowup,
    StartVoid,
    CancelVoid,
    ConfirmVoid,
    /// « Corriger » a follow-up (its ledger entry): a reason, then
    /// « Retirer ce suivi ».
    StartCorrection(u64),
    CancelCorrection,
    ConfirmCorrection,

    // À rappeler
    /// An act of the list (its id): the questions of its calls due.
    OpenCall(String),
    CloseCall,
    AnswerCall(super::rappels::CallAnswer),
    /// « Enregistrer l'appel »: the ledger keeps it for good.
    SaveCall,

    // Rapport du mois
    ShowMonth(Month),
    StartCloseMonth,
    CancelCloseMonth,
    ConfirmCloseMonth,
    ChooseExportDir(PathBuf),
    Export(Format),

    // Réglages and first start
    SetProfession(Profession),
    SaveStructure,
    AddDelegue,
    AddDelegant,
    SetIdleMinutes(u32),
    SubmitSetup,

    // The CPTS bundle (first start and Réglages)
    ChooseBundle(PathBuf),
    /// Reads the bundle file and shows who signed it.
    ReadBundle,
    /// « Chercher à nouveau »: a USB key may just have been plugged in.
    FindBundles,
    /// The fingerprint shown is the one the CPTS gave: apply the bundle.
    ConfirmBundle,
    CancelBundle,

    // First sign-in with the activation code
    SubmitActivation,
}
