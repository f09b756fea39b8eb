//! Everything a person can do in the coordinator's window.

use std::path::PathBuf;

use crate::calendar::Month;

/// The window's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Dashboard,
    Import,
    Month,
    Registry,
    Bundle,
}

/// The text fields, each edited by [`Action::Edit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    SetupName,
    SetupPassphrase,
    SetupPassphraseAgain,
    ImportPath,
    ExportDir,
    DebtorName,
    DebtorIban,
    DelegueName,
    DelegueRpps,
    DelegueTrainedOn,
    DelegantName,
    DelegantRpps,
    DelegantAddress,
    DelegantPhone,
    DeviceName,
    DeviceKey,
    ProtocolFile,
    RosterFile,
    BundlePassphrase,
    BundleFolder,
    AccountRpps,
    AccountIban,
    AccountBic,
    LetterFolder,
    /// A cell of the duty roster's table: its line, its column.
    Duty(usize, DutyColumn),
}

/// The columns of the duty roster's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DutyColumn {
    From,
    To,
    Dentist,
    Address,
    Phone,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Edit(Field, String),
    /// « Créer la CPTS » on the first start.
    SubmitSetup,
    Show(Tab),
    /// Files chosen, found on a USB key, or dropped onto the window.
    Import(Vec<PathBuf>),
    /// « Importer » the path typed.
    ImportTyped,
    /// « Chercher à nouveau » on the USB keys.
    FindReports,
    ShowMonth(Month),
    /// The consolidated month as PDF, CSV or JSON, in the export folder.
    ExportMonth(crate::report::Format),
    /// The treasurer's list (`csv`) or the SEPA transfer file (`sepa`).
    WritePayments(&'static str),
    MarkPaid,
    ChooseProfession(crate::registry::Profession),
    AddDelegue,
    /// A new activation code for a délégué (forgotten PIN, lock-out).
    ResetDelegue(String),
    RevokeDelegue(String),
    ChooseDelegantProfession(crate::registry::DelegantProfession),
    AddDelegant,
    AddDevice,
    AddProtocol,
    /// The roster read from a `garde.toml` file.
    SetRoster,
    /// « Ajouter une garde »: an empty line at the end of the table.
    AddDuty,
    RemoveDuty(usize),
    /// « Enregistrer le tableau de garde » as the table shows it.
    SaveDuties,
    /// The activation letter, written in the folder chosen.
    SaveLetter,
    /// A professional's bank account, for the transfers.
    SetAccount,
    /// « Écrire le lot » in the folder chosen, with the passphrase.
    WriteBundle,
}
