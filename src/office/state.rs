//! What the coordinator's window shows: plain data the screens draw.

use std::path::PathBuf;

use crate::calendar::Month;
use crate::cpts::consolidate::Consolidated;
use crate::cpts::dashboard::Dashboard;
use crate::cpts::payments::Plan;
use crate::kiosk::drives::FoundBundle;
use crate::kiosk::{Clock, Message};

/// What the window's actions reach: the CPTS folder, the clock, and where
/// USB keys are mounted (tests plug in their own).
pub struct Services {
    pub dir: PathBuf,
    pub clock: Box<dyn Clock>,
    pub media: Vec<PathBuf>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OfficeState {
    /// The CPTS's name, once it was created.
    pub cpts: Option<String>,
    pub screen: Screen,
    pub message: Option<Message>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    Setup(SetupForm),
    Dashboard(Dashboard),
    Import(ImportForm),
    Month(Box<MonthForm>),
    Registry(Box<RegistryForm>),
    Bundle(BundleForm),
}

impl Screen {
    pub fn tab(&self) -> Option<super::Tab> {
        match self {
            Screen::Setup(_) => None,
            Screen::Dashboard(_) => Some(super::Tab::Dashboard),
            Screen::Import(_) => Some(super::Tab::Import),
            Screen::Month(_) => Some(super::Tab::Month),
            Screen::Registry(_) => Some(super::Tab::Registry),
            Screen::Bundle(_) => Some(super::Tab::Bundle),
        }
    }
}

/// The first start: the CPTS's name and its passphrase, twice.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SetupForm {
    pub name: String,
    pub passphrase: String,
    pub again: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportForm {
    /// Reports found at the top of the USB keys.
    pub found: Vec<FoundBundle>,
    /// A file typed by hand.
    pub path: String,
    /// One line per file imported, newest import last.
    pub lines: Vec<ImportLine>,
}

/// What became of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportLine {
    pub file: String,
    pub outcome: Outcome,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Imported,
    /// Imported, with something to look into (gap, fork, unsigned).
    Warning,
    AlreadyImported,
    Refused,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MonthForm {
    pub month: Month,
    /// Months with at least one report, oldest first.
    pub months: Vec<Month>,
    pub consolidated: Consolidated,
    /// The figures in words, titled by the CPTS's validated protocol.
    pub figures: Vec<(String, String)>,
    /// The name each device was enrolled under, by its device id.
    pub device_names: std::collections::BTreeMap<String, String>,
    pub plan: Plan,
    pub paid: Option<crate::cpts::registry::Written>,
    pub export_dir: String,
    pub debtor_name: String,
    pub debtor_iban: String,
    /// The CPTS's account is already recorded.
    pub debtor_known: bool,
}

/// « Registre »: who and what the CPTS's bundle carries, and the forms to
/// add to it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RegistryForm {
    pub registry: crate::cpts::registry::State,
    pub delegue_name: String,
    pub delegue_rpps: String,
    pub delegue_profession: Option<crate::registry::Profession>,
    pub delegue_trained_on: String,
    pub delegant_name: String,
    pub delegant_rpps: String,
    pub delegant_address: String,
    pub delegant_phone: String,
    /// Chirurgien-dentiste unless chosen otherwise.
    pub delegant_profession: crate::registry::DelegantProfession,
    pub device_name: String,
    /// The key a device shows, or the file it exported.
    pub device_key: String,
    pub protocol_file: String,
    pub roster_file: String,
    pub account_rpps: String,
    pub account_iban: String,
    pub account_bic: String,
    /// The activation code just made, shown once: (name, code).
    pub code: Option<(String, String)>,
    /// Its letter, held in memory until written where the coordinator
    /// chose: (file name, PDF).
    pub letter: Option<(String, Vec<u8>)>,
    pub letter_folder: String,
    /// USB keys plugged in, offered as the letter's folder.
    pub keys: Vec<(String, PathBuf)>,
    /// The duty roster as a table being edited (the one recorded, at first).
    pub duties: Vec<DutyRow>,
    /// The last protocol validated, in words: by whom, when, or stale.
    pub protocol_status: Option<String>,
}

/// One line of the duty roster as typed: checked only when saved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DutyRow {
    pub from: String,
    pub to: String,
    pub dentist: String,
    pub address: String,
    pub phone: String,
}

/// « Mettre à jour les appareils »: the next signed bundle.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BundleForm {
    pub passphrase: String,
    pub folder: String,
    /// The serial of the last bundle written (0 before the first).
    pub last_serial: u64,
    /// What the registry holds now, in words, against the last bundle.
    pub summary: String,
    /// What the next bundle changes since the last one, in words.
    pub changes: Vec<String>,
    /// USB keys plugged in: one touch chooses the folder.
    pub keys: Vec<(String, PathBuf)>,
}
