//! Réglages and the first start: the structure, the délégués and the
//! délégants of a device not attached to a CPTS, and the idle delay.

use chrono::{DateTime, Utc};

use super::forms;
use super::reduce::{info, refresh};
use super::services::Services;
use super::settings::MAX_IDLE_MINUTES;
use super::state::*;
use crate::error::Result;
use crate::registry::input::Author;
use crate::registry::{self, Profession};

pub(super) fn set_profession(state: &mut KioskState, p: Profession) {
    match &mut state.screen {
        Screen::Setup(f) => f.delegue.profession = p,
        Screen::Reglages(f) => f.delegue.profession = p,
        _ => {}
    }
}

pub(super) fn set_idle_minutes(state: &mut KioskState, m: u32) -> Result<()> {
    state.settings.idle_lock_minutes = m.clamp(1, MAX_IDLE_MINUTES);
    state.settings.save(&state.data_dir)
}

pub(super) fn save_structure(
    state: &mut KioskState,
    services: &mut Services,
    now: DateTime<Utc>,
) -> Result<()> {
    let Screen::Reglages(f) = &state.screen else {
        return Ok(());
    };
    let s = forms::structure(&f.structure, now)?;
    services.ledger.set_structure(&s)?;
    refresh(state, services)?;
    info(state, "Structure enregistrée.");
    Ok(())
}

pub(super) fn add_delegue(
    state: &mut KioskState,
    services: &mut Services,
    now: DateTime<Utc>,
) -> Result<()> {
    let Screen::Reglages(f) = &state.screen else {
        return Ok(());
    };
    let p = match forms::delegue(&f.delegue, now) {
        Ok(p) => p,
        Err(e) => {
            clear_pins(&mut state.screen);
            return Err(e);
        }
    };
    if let crate::registry::ProfessionalRecord::Delegue(d) = &p {
        let by = Author::Kiosk {
            signed_in: state.session.as_ref().map(|s| &s.rpps),
        };
        if let Err(e) = registry::input::may_write(&services.ledger.registry()?, d, by) {
            clear_pins(&mut state.screen);
            return Err(e);
        }
    }
    services.ledger.add_professional(&p)?;
    refresh(state, services)?;
    if let Screen::Reglages(f) = &mut state.screen {
        f.delegue = DelegueForm::default();
    }
    info(state, "Délégué enregistré.");
    Ok(())
}

pub(super) fn add_delegant(
    state: &mut KioskState,
    services: &mut Services,
    now: DateTime<Utc>,
) -> Result<()> {
    let Screen::Reglages(f) = &state.screen else {
        return Ok(());
    };
    let p = forms::delegant(&f.delegant, now)?;
    services.ledger.add_professional(&p)?;
    refresh(state, services)?;
    if let Screen::Reglages(f) = &mut state.screen {
        f.delegant = DelegantForm::default();
    }
    info(state, "Délégant enregistré.");
    Ok(())
}

/// Hidden PIN fields cannot be checked by eye: after a refusal both are
/// emptied and typed again.
fn clear_pins(screen: &mut Screen) {
    if let Screen::Setup(SetupForm { delegue, .. })
    | Screen::Reglages(SettingsForm { delegue, .. }) = screen
    {
        delegue.pin.clear();
        delegue.pin_again.clear();
    }
}

pub(super) fn open_settings(state: &mut KioskState, services: &Services) {
    let drives = super::drives::removable(&services.media);
    let mut form = SettingsForm {
        bundle: crate::kiosk::state::BundleForm {
            found: super::drives::bundles_on(&drives),
            ..Default::default()
        },
        drives,
        ..Default::default()
    };
    form.backup_folder = crate::backup::folder::after_closure(&state.data_dir)
        .ok()
        .flatten()
        .map(|f| f.display().to_string())
        .unwrap_or_default();
    if let Some(s) = &state.registry.structure {
        form.structure = StructureForm {
            name: s.name.clone(),
            address: s.address.clone(),
            postal_code: s.postal_code.clone(),
            phone: s.phone.clone().unwrap_or_default(),
        };
    }
    state.screen = Screen::Reglages(form);
}

/// First start: everything is checked before anything is written, so a
/// mistake never leaves half a registry.
pub(super) fn submit_setup(
    state: &mut KioskState,
    services: &mut Services,
    now: DateTime<Utc>,
) -> Result<()> {
    let Screen::Setup(form) = &state.screen else {
        return Ok(());
    };
    let structure = forms::structure(&form.structure, now)?;
    if state.registry.is_attached() {
        services.ledger.set_structure(&structure)?;
        refresh(state, services)?;
        state.screen = Screen::Accueil;
        info(
            state,
            "Mise en service terminée : chaque délégué choisit son code PIN à sa première connexion, avec le code d'activation remis par la CPTS.",
        );
        return Ok(());
    }
    let delegue = match forms::delegue(&form.delegue, now) {
        Ok(d) => d,
        Err(e) => {
            clear_pins(&mut state.screen);
            return Err(e);
        }
    };
    let delegant = forms::delegant(&form.delegant, now)?;
    let untrained = matches!(&delegue, crate::registry::ProfessionalRecord::Delegue(d) if d.trained_on.is_none());
    services.ledger.set_structure(&structure)?;
    services.ledger.add_professional(&delegue)?;
    services.ledger.add_professional(&delegant)?;
    refresh(state, services)?;
    state.screen = Screen::Accueil;
    info(
        state,
        if untrained {
            "Mise en service terminée. Aucune date de formation : renseignez-la dans les Réglages avant le premier acte."
        } else {
            "Mise en service terminée : vous pouvez commencer une prise en charge."
        },
    );
    Ok(())
}
