//! The one error type of protocoop.
//!
//! Every message is written for the person at the counter or the CPTS office:
//! it says what is wrong, where, and what to do. Messages are in French because
//! every user of the tool reads French; code identifiers stay in English.

use std::fmt;
use std::path::PathBuf;

/// Result with protocoop's error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong, grouped by what the caller should do about it
/// (see [`Error::exit_code`]).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A protocol file that does not load: every problem found, with positions.
    #[error("{0}")]
    Protocol(#[from] ProtocolErrors),

    /// A file or folder that cannot be read or written.
    #[error("{action} « {} » : {}", path.display(), crate::fr::io_error(source))]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// Input from a user or a script that cannot be accepted as given.
    #[error("{field} : {message}")]
    Input { field: String, message: String },

    /// Facts the decision depends on were not given.
    #[error("{}", missing_message(.0))]
    MissingFacts(Vec<String>),

    /// Questions the kiosk would have asked were left without an answer:
    /// an act is recorded only on explicit answers.
    #[error("{}", unanswered_message(.0))]
    Unanswered(Vec<String>),

    /// The protocol or the rules of the act forbid it; nothing was recorded.
    #[error("refusé : {0}")]
    Refused(#[from] Refusal),

    /// The act ledger could not be read or written.
    #[error("registre des actes : {0}")]
    Storage(String),

    /// The disk is full: nothing was written.
    #[error("disque plein : rien n'a été enregistré. Libérez de la place puis recommencez.")]
    DiskFull,

    /// The data folder cannot be written (read-only disk or rights).
    #[error("le dossier de données « {} » est en lecture seule : rien n'a été enregistré", .0.display())]
    ReadOnly(PathBuf),

    /// A data folder that does not exist: only a first setup creates one.
    #[error("dossier de données introuvable : « {} » (aucun registre protocoop à cet endroit)", .0.display())]
    NoDataDir(PathBuf),

    /// The database file is not a protocoop ledger, or is damaged beyond
    /// what protocoop can read: nothing was changed.
    #[error("registre des actes illisible : {0}")]
    Damaged(String),

    /// The kiosk's window could not be opened.
    #[error("impossible d'ouvrir la fenêtre du kiosque : {0}")]
    Window(String),

    /// The act ledger's content fails a check (an entry unreadable).
    #[error("registre des actes endommagé : {0}")]
    Corrupt(String),
}

/// Why an act (or an action on an act) is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error(
        "registre restauré ou altéré depuis le dernier rapport : la CPTS a reçu l'entrée {0} de ce registre, qui ne l'a plus — aucun acte réel n'est enregistré tant que la CPTS ne l'a pas examiné (elle enverra un lot qui le reconnaît)"
    )]
    LedgerRestored(u64),
    #[error("délégué inconnu (RPPS {0}) : il n'est pas enregistré sur cet appareil")]
    UnknownDelegue(String),
    #[error("délégant inconnu (RPPS {0}) : il n'est pas enregistré sur cet appareil")]
    UnknownDelegant(String),
    /// A délégant's RPPS where a délégué signs (a PIN, a void, a follow-up).
    #[error(
        "{name} (RPPS {rpps}) est délégant sur cet appareil : seul un délégué signe avec son code PIN (un acte, son annulation, un suivi)"
    )]
    NotADelegue { rpps: String, name: String },
    #[error(
        "{name} n'a pas de formation au protocole enregistrée : seul un délégué formé peut réaliser un acte"
    )]
    Untrained { name: String },
    #[error(
        "{name} est formé(e) à partir du {from} seulement : l'acte du {on} ne peut pas être enregistré"
    )]
    TrainedLater {
        name: String,
        from: String,
        on: String,
    },
    #[error("{}", wrong_pin(*.remaining))]
    WrongPin { remaining: u32 },
    #[error("{}", pin_locked(.until, *.remaining))]
    PinLocked {
        until: chrono::DateTime<chrono::Utc>,
        remaining: u32,
    },
    #[error("aucune structure enregistrée : renseignez d'abord la pharmacie ou le cabinet")]
    NoStructure,
    #[error(
        "l'âge calculé d'après la date de naissance ({from_birth} ans) ne correspond pas aux faits ({in_facts} ans)"
    )]
    AgeMismatch { from_birth: i64, in_facts: i64 },
    #[error("le poids du patient ({patient} kg) ne correspond pas aux faits ({in_facts} kg)")]
    WeightMismatch { patient: String, in_facts: String },
    #[error(
        "patient non pris en charge ({orientation}) : aucune ligne de prescription n'est possible"
    )]
    LinesForExcluded { orientation: String },
    #[error("la ligne « {line} » n'est pas proposée par le protocole pour ce patient")]
    LineNotProposed { line: String },
    #[error("la ligne « {line} » est choisie deux fois")]
    DuplicateLine { line: String },
    #[error(
        "la ligne « {line} » est obligatoire pour ce patient (sauf si une ligne qui la remplace est choisie)"
    )]
    MandatoryLineMissing { line: String },
    #[error(
        "« {line} » remplace « {replaced} » : les deux ne peuvent pas être prescrites ensemble"
    )]
    ReplacedTogether { line: String, replaced: String },
    #[error("le patient doit être informé et consentant (protocole de coopération)")]
    NoConsent,
    #[error("date de l'acte dans le futur ({0}) : vérifiez l'horloge ou la date saisie")]
    FutureAct(String),
    #[error("acte daté du {0} : plus de 12 mois, il ne peut plus être saisi")]
    TooOld(String),
    #[error("l'acte {0} n'est pas une prise en charge : il n'a ni ordonnance ni fiche conseil")]
    NoPrescription(String),
    /// The act's advice sheet is written from the protocol it was done
    /// under, which is not the one in use.
    #[error(
        "--protocol : l'acte {number} a été fait avec le protocole « {name} » version {version} (empreinte {fingerprint}…) : indiquez ce fichier de protocole pour imprimer {document}"
    )]
    OtherProtocol {
        /// « sa fiche conseil », « son compte rendu »…: what could not be printed.
        document: &'static str,
        number: String,
        name: String,
        version: String,
        fingerprint: String,
    },
    #[error(
        "le document « {document} » de l'acte {number} ne correspond plus à celui imprimé la première fois : rien n'a été réimprimé ; le registre doit être vérifié"
    )]
    DocumentMismatch { document: String, number: String },
    #[error("l'acte {0} est annulé : aucune action n'est possible dessus")]
    ActVoid(String),
    #[error("le mois {0} est déjà clôturé")]
    MonthAlreadyClosed(String),
    /// A month passed over: a later one is closed, so it never will be.
    #[error(
        "le mois {month} ne peut plus être clôturé ni avoir son propre rapport : {later}, plus récent, est déjà clôturé ; les actes de {month} enregistrés depuis figurent comme saisies tardives dans les rapports suivants"
    )]
    LaterMonthClosed { month: String, later: String },
    #[error(
        "{} n'est pas terminé : il ne peut être clôturé qu'à partir du 1er du mois suivant",
        month_name(.0)
    )]
    MonthNotOver(String),
    #[error("{}", earlier_month_open(.earlier, .month))]
    EarlierMonthOpen { earlier: String, month: String },
    #[error(
        "aucune règle du protocole ne décide pour ce patient : orientez-le vers un chirurgien-dentiste et signalez-le à la CPTS"
    )]
    Undecided,

    // --- Keys, bundles and who may do what ---------------------------------
    #[error("phrase de passe incorrecte : rien n'a été fait")]
    WrongPassphrase,
    #[error(
        "trop de phrases de passe erronées à la suite : attendez {seconds} s avant de réessayer"
    )]
    TooManyPassphraseTries { seconds: i64 },
    #[error("une CPTS existe déjà dans ce dossier (clé {fingerprint}) : rien n'a été remplacé")]
    CptsExists { fingerprint: String },
    #[error("aucune CPTS dans ce dossier : créez-la d'abord")]
    NoCpts,
    #[error(
        "premier lot de la CPTS : comparez l'empreinte de sa clé, {fingerprint}, avec celle que la CPTS vous a donnée, puis confirmez-la"
    )]
    FingerprintRequired { fingerprint: String },
    #[error(
        "l'empreinte de la clé de ce lot ({found}) n'est pas celle attendue ({expected}) : ce lot ne vient pas de votre CPTS ; rien n'a été appliqué"
    )]
    FingerprintMismatch { expected: String, found: String },
    #[error(
        "ce lot est signé par une autre clé que celle de votre CPTS (empreinte {fingerprint}) : rien n'a été appliqué"
    )]
    BundleWrongKey { fingerprint: String },
    #[error(
        "la signature de ce lot est invalide (fichier modifié ou abîmé) : rien n'a été appliqué"
    )]
    BundleBadSignature,
    #[error(
        "ce lot (n° {serial}) n'est pas plus récent que le dernier appliqué (n° {applied}) : un lot ancien ou déjà appliqué est refusé"
    )]
    BundleNotNewer { serial: u64, applied: u64 },
    #[error(
        "cet appareil (empreinte {fingerprint}) ne figure pas dans ce lot : la CPTS doit d'abord l'enregistrer"
    )]
    DeviceNotEnrolled { fingerprint: String },
    #[error(
        "cet appareil est rattaché à la CPTS : délégués et délégants sont enregistrés par la CPTS (demandez à la CPTS)"
    )]
    RegistryFromCpts,
    #[error("{name} n'a pas encore choisi son code PIN : il faut d'abord son code d'activation")]
    NotActivated { name: String },
    #[error("code d'activation incorrect")]
    WrongActivationCode,
    #[error(
        "ce code d'activation a déjà servi sur cet appareil : demandez-en un nouveau à la CPTS"
    )]
    ActivationUsed,
    #[error(
        "trop d'essais de code PIN pour {name} : compte bloqué jusqu'à ce que la CPTS le réactive"
    )]
    PinBlocked { name: String },
    #[error("{name} n'est plus délégué (retiré par la CPTS)")]
    Revoked { name: String },
    #[error("seul le délégué qui a enregistré l'acte {number} peut l'annuler ({recorder})")]
    VoidByOther { number: String, recorder: String },
}

impl Error {
    /// Builds an [`Error::Input`] naming the offending field.
    pub fn input(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Input {
            field: field.into(),
            message: message.into(),
        }
    }

    /// Builds an [`Error::Io`] that says what was being attempted.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }

    /// The process exit code for this error, as documented in the README:
    /// 1 a check failed (invalid protocol), 2 bad input, 3 refused, 4 system.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Protocol(_) | Error::Corrupt(_) => 1,
            Error::Input { .. }
            | Error::MissingFacts(_)
            | Error::Unanswered(_)
            | Error::NoDataDir(_) => 2,
            Error::Refused(_) => 3,
            Error::Io { .. }
            | Error::Storage(_)
            | Error::DiskFull
            | Error::ReadOnly(_)
            | Error::Window(_)
            | Error::Damaged(_) => 4,
        }
    }
}

/// « octobre 2026 » for `2026-10`, as is when it does not parse.
fn month_name(m: &str) -> String {
    m.parse::<crate::calendar::Month>()
        .map_or(m.to_string(), |m| m.name_fr())
}

fn earlier_month_open(earlier: &str, month: &str) -> String {
    format!(
        "{} compte des actes et n'est pas encore clôturé : clôturez-le d'abord, puis {}",
        month_name(earlier),
        month_name(month)
    )
}

fn pin_locked(until: &chrono::DateTime<chrono::Utc>, remaining: u32) -> String {
    let until = crate::fr::datetime(*until);
    format!(
        "trop d'essais de code PIN : verrouillé jusqu'à {until} ; encore {remaining} essai{} avant blocage du compte (réactivation par la CPTS)",
        if remaining > 1 { "s" } else { "" }
    )
}

fn wrong_pin(remaining: u32) -> String {
    match remaining {
        0 => "code PIN incorrect".to_string(),
        1 => "code PIN incorrect — encore 1 essai avant verrouillage de 5 minutes".to_string(),
        n => format!("code PIN incorrect — encore {n} essais avant verrouillage de 5 minutes"),
    }
}

fn missing_message(facts: &[String]) -> String {
    format!(
        "information manquante : {} — la décision en dépend, renseignez {}",
        facts.join(", "),
        if facts.len() > 1 {
            "ces faits"
        } else {
            "ce fait"
        }
    )
}

fn unanswered_message(facts: &[String]) -> String {
    format!(
        "réponse{s} manquante{s} : {} — chaque question posée au comptoir doit avoir une réponse explicite (true ou false ; null pour une mesure non prise) ; rien n'a été enregistré",
        facts.join(", "),
        s = if facts.len() > 1 { "s" } else { "" }
    )
}

/// Where in a protocol file a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// One problem found in a protocol file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub position: Position,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

/// All problems found in one protocol file, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolErrors {
    /// The file as the user named it (or « protocole intégré »).
    pub file: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl std::error::Error for ProtocolErrors {}

impl fmt::Display for ProtocolErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.diagnostics.len();
        writeln!(
            f,
            "{} : {} erreur{} dans le protocole",
            self.file,
            n,
            if n > 1 { "s" } else { "" }
        )?;
        for (i, d) in self.diagnostics.iter().enumerate() {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file, d.position.line, d.position.column, d.message
            )?;
            if let Some(hint) = &d.hint {
                write!(f, "\n    → {hint}")?;
            }
            if i + 1 < n {
                writeln!(f)?;
            }
        }
        Ok(())
    }
}
