//! Which text of which form a [`Field`] edits: one map, used by typing on
//! a physical keyboard (`Action::Edit`) and by the on-screen keyboard.

use super::action::Field;
use super::state::*;

/// Longest text accepted in a field: names and addresses fit, pasted
/// garbage does not.
pub const MAX_FIELD_CHARS: usize = 120;

/// The text `field` edits on the current screen, if the screen has it
/// (looking changes nothing: see [`changed`]).
pub fn text(state: &mut KioskState, field: Field) -> Option<&mut String> {
    match (&mut state.screen, field) {
        (Screen::Patient(f), Field::LastName) => Some(&mut f.last_name),
        (Screen::Patient(f), Field::FirstName) => Some(&mut f.first_name),
        (Screen::Patient(f), Field::BirthDate) => Some(&mut f.birth_date),
        (Screen::Patient(f), Field::Weight) => Some(&mut f.weight),
        (Screen::Patient(f), Field::PostalCode) => Some(&mut f.postal_code),
        (Screen::Patient(f), Field::PatientPhone) => Some(&mut f.phone),
        (Screen::Patient(f), Field::DoctorName) => Some(&mut f.doctor_name),
        (Screen::Patient(f), Field::DoctorTown) => Some(&mut f.doctor_town),
        (Screen::Question(q), Field::Fact(id)) if q.facts.contains(&id) => {
            Some(q.numbers.entry(id).or_default())
        }
        (Screen::Historique(h), Field::VoidReason) => h.void.as_mut().map(|v| &mut v.reason),
        (Screen::Historique(h), Field::VoidPin) => h.void.as_mut().map(|v| &mut v.pin),
        (Screen::Historique(h), Field::CorrectionReason) => {
            h.correcting.as_mut().map(|c| &mut c.reason)
        }
        (Screen::Historique(h), Field::HistorySearch) => Some(&mut h.search),
        (Screen::Rappels(f), Field::AppointmentDate) => f
            .open
            .as_mut()
            .filter(|c| c.appointment_made == Some(true))
            .map(|c| &mut c.appointment_date),
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
            Field::BundlePath => Some(&mut bundle.path),
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
    }
}

/// Replaces the text of `field` (cut to [`MAX_FIELD_CHARS`]).
pub(super) fn edit(state: &mut KioskState, field: Field, value: String) {
    let value: String = value.chars().take(MAX_FIELD_CHARS).collect();
    if let Some(s) = text(state, field)
        && *s != value
    {
        *s = value;
        changed(state, field);
    }
}

/// What a change of text undoes: another bundle file typed is not the
/// one read.
pub(super) fn changed(state: &mut KioskState, field: Field) {
    if field == Field::BundlePath {
        match &mut state.screen {
            Screen::Setup(f) => f.bundle.read = None,
            Screen::Reglages(f) => f.bundle.read = None,
            _ => {}
        }
    }
}

/// The field the on-screen keyboard types into when it is asked for
/// before any field was touched: the screen's first one.
pub fn first(state: &KioskState) -> Option<Field> {
    match &state.screen {
        Screen::Patient(_) => Some(Field::LastName),
        Screen::Question(q) => q
            .facts
            .iter()
            .copied()
            .find(|&f| state.protocol.fact(f).ty.range().is_some())
            .map(Field::Fact),
        Screen::Historique(h) if h.void.is_some() => Some(Field::VoidReason),
        Screen::Historique(h) if h.correcting.is_some() => Some(Field::CorrectionReason),
        Screen::Historique(_) => Some(Field::HistorySearch),
        Screen::Rappels(f)
            if f.open
                .as_ref()
                .is_some_and(|c| c.appointment_made == Some(true)) =>
        {
            Some(Field::AppointmentDate)
        }
        Screen::Rapport(_) => Some(Field::ExportDir),
        Screen::Setup(_) | Screen::Reglages(_) => Some(Field::StructureName),
        _ => None,
    }
}
