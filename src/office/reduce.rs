//! The one place the coordinator's window changes: each action is handed
//! to the file of its screen's job; an error becomes the window's message
//! and changes nothing recorded.

use super::action::{Action, Field, Tab};
use super::state::*;
use super::{bundle, import, month, registry, roster, setup};
use crate::cpts::CptsDb;
use crate::error::Result;
use crate::kiosk::Message;

/// The window as it opens: the setup on an empty folder, else the
/// dashboard.
pub fn open(services: &Services) -> OfficeState {
    let cpts = crate::cpts::authority::identity(&services.dir)
        .ok()
        .flatten()
        .map(|i| i.name);
    let mut state = OfficeState {
        cpts: cpts.clone(),
        screen: Screen::Setup(SetupForm::default()),
        message: None,
    };
    if cpts.is_some()
        && let Err(e) = show(&mut state, services, Tab::Dashboard)
    {
        state.message = Some(Message::Error(super::words::error(&e)));
    }
    state
}

pub fn reduce(state: &mut OfficeState, action: Action, services: &Services) {
    let result = match action {
        Action::Edit(field, value) => {
            edit(state, field, value);
            Ok(())
        }
        Action::SubmitSetup => setup::submit(state, services),
        Action::Show(tab) => {
            state.message = None;
            show(state, services, tab)
        }
        Action::Import(files) => import::files(state, services, &files),
        Action::ImportTyped => import::typed(state, services),
        Action::FindReports => import::find(state, services),
        Action::ShowMonth(m) => month::open(state, services, Some(m)),
        Action::ExportMonth(format) => month::export(state, services, format),
        Action::WritePayments(format) => month::payments(state, services, format),
        Action::MarkPaid => month::mark_paid(state, services),
        Action::ChooseProfession(p) => {
            registry::choose_profession(state, p);
            Ok(())
        }
        Action::AddDelegue => registry::add_delegue(state, services),
        Action::ResetDelegue(rpps) => registry::reset_delegue(state, services, &rpps),
        Action::RevokeDelegue(rpps) => registry::revoke_delegue(state, services, &rpps),
        Action::ChooseDelegantProfession(p) => {
            if let Screen::Registry(f) = &mut state.screen {
                f.delegant_profession = p;
            }
            Ok(())
        }
        Action::AddDelegant => registry::add_delegant(state, services),
        Action::AddDevice => registry::add_device(state, services),
        Action::AddProtocol => registry::add_protocol(state, services),
        Action::SetRoster => roster::from_file(state, services),
        Action::AddDuty => {
            roster::add(state);
            Ok(())
        }
        Action::RemoveDuty(i) => {
            roster::remove(state, i);
            Ok(())
        }
        Action::SaveDuties => roster::save(state, services),
        Action::SaveLetter => registry::save_letter(state),
        Action::SetAccount => registry::set_account(state, services),
        Action::WriteBundle => bundle::write(state, services),
    };
    if let Err(e) = result {
        state.message = Some(Message::Error(super::words::error(&e)));
    }
}

pub(super) fn show(state: &mut OfficeState, services: &Services, tab: Tab) -> Result<()> {
    if state.cpts.is_none() {
        return Ok(());
    }
    match tab {
        Tab::Dashboard => {
            let db = CptsDb::open(&services.dir)?;
            let d = crate::cpts::dashboard::dashboard(&db, services.clock.now())?;
            state.screen = Screen::Dashboard(d);
            Ok(())
        }
        Tab::Import => {
            state.screen = Screen::Import(ImportForm::default());
            import::find(state, services)
        }
        Tab::Month => month::open(state, services, None),
        Tab::Registry => registry::open(state, services),
        Tab::Bundle => bundle::open(state, services),
    }
}

/// Longest text a field takes: a path or a name fits.
const MAX_FIELD_CHARS: usize = 400;

fn edit(state: &mut OfficeState, field: Field, value: String) {
    let value: String = value.chars().take(MAX_FIELD_CHARS).collect();
    if let Field::Duty(line, column) = field {
        roster::edit(state, line, column, value);
        return;
    }
    let slot = match (&mut state.screen, field) {
        (Screen::Setup(f), Field::SetupName) => &mut f.name,
        (Screen::Setup(f), Field::SetupPassphrase) => &mut f.passphrase,
        (Screen::Setup(f), Field::SetupPassphraseAgain) => &mut f.again,
        (Screen::Import(f), Field::ImportPath) => &mut f.path,
        (Screen::Month(f), Field::ExportDir) => &mut f.export_dir,
        (Screen::Month(f), Field::DebtorName) => &mut f.debtor_name,
        (Screen::Month(f), Field::DebtorIban) => &mut f.debtor_iban,
        (Screen::Registry(f), Field::DelegueName) => &mut f.delegue_name,
        (Screen::Registry(f), Field::DelegueRpps) => &mut f.delegue_rpps,
        (Screen::Registry(f), Field::DelegueTrainedOn) => &mut f.delegue_trained_on,
        (Screen::Registry(f), Field::DelegantName) => &mut f.delegant_name,
        (Screen::Registry(f), Field::DelegantRpps) => &mut f.delegant_rpps,
        (Screen::Registry(f), Field::DelegantAddress) => &mut f.delegant_address,
        (Screen::Registry(f), Field::DelegantPhone) => &mut f.delegant_phone,
        (Screen::Registry(f), Field::DeviceName) => &mut f.device_name,
        (Screen::Registry(f), Field::DeviceKey) => &mut f.device_key,
        (Screen::Registry(f), Field::ProtocolFile) => &mut f.protocol_file,
        (Screen::Registry(f), Field::RosterFile) => &mut f.roster_file,
        (Screen::Registry(f), Field::AccountRpps) => &mut f.account_rpps,
        (Screen::Registry(f), Field::AccountIban) => &mut f.account_iban,
        (Screen::Registry(f), Field::AccountBic) => &mut f.account_bic,
        (Screen::Registry(f), Field::LetterFolder) => &mut f.letter_folder,
        (Screen::Bundle(f), Field::BundlePassphrase) => &mut f.passphrase,
        (Screen::Bundle(f), Field::BundleFolder) => &mut f.folder,
        _ => return,
    };
    *slot = value;
}

pub(super) fn info(state: &mut OfficeState, text: String) {
    state.message = Some(Message::Info(text));
}
