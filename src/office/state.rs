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
}

impl Screen {
    pub fn tab(&self) -> Option<super::Tab> {
        match self {
            Screen::Setup(_) => None,
            Screen::Dashboard(_) => Some(super::Tab::Dashboard),
            Screen::Import(_) => Some(super::Tab::Import),
            Screen::Month(_) => Some(super::Tab::Month),
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
    pub plan: Plan,
    pub paid: Option<crate::cpts::registry::Written>,
    pub export_dir: String,
    pub debtor_name: String,
    pub debtor_iban: String,
    /// The CPTS's account is already recorded.
    pub debtor_known: bool,
}
