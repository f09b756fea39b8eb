//! « Sauvegarder sur clé USB » (Réglages): a backup of the device written
//! to a removable drive, the date of the last one, and Accueil's reminder
//! when it is older than a week (`backup::DUE_AFTER_DAYS`).

use std::path::Path;

use chrono::{DateTime, Utc};

use super::reduce::info;
use super::{KioskState, Screen, Services};
use crate::error::{Error, Result};
use crate::fr;

/// Writes a backup to `drive`, named for the day and time (Paris).
pub fn to_drive(
    state: &mut KioskState,
    services: &Services,
    drive: &Path,
    now: DateTime<Utc>,
) -> Result<()> {
    super::printing::plugged_in(drive)?;
    let name = crate::backup::folder::file_name(now);
    let w = crate::backup::write(&services.ledger, &drive.join(name), now)?;
    state.last_backup = crate::backup::last(&state.data_dir);
    info(
        state,
        format!(
            "Sauvegarde écrite sur la clé ({} entrées). Elle ne s'ouvre qu'avec la phrase de passe de la structure : rangez la clé en lieu sûr.",
            fr::int(w.entries)
        ),
    );
    Ok(())
}

/// « Sauvegarder à chaque clôture dans ce dossier » (or stop).
pub fn set_after_closure(state: &mut KioskState, on: bool) -> Result<()> {
    let Screen::Reglages(form) = &mut state.screen else {
        return Ok(());
    };
    let typed = form.backup_folder.trim().to_string();
    let folder = match (on, typed.is_empty()) {
        (false, _) => None,
        (true, true) => {
            return Err(Error::input(
                "dossier",
                "écrivez le dossier où sauvegarder à chaque clôture (un autre disque, un partage)",
            ));
        }
        (true, false) => Some(std::path::PathBuf::from(&typed)),
    };
    crate::backup::folder::set_after_closure(&state.data_dir, folder.as_deref())?;
    if folder.is_none() {
        form.backup_folder.clear();
    }
    info(
        state,
        match folder {
            Some(f) => format!(
                "Chaque clôture de mois écrira une sauvegarde dans « {} ».",
                f.display()
            ),
            None => "Plus de sauvegarde à la clôture des mois.".into(),
        },
    );
    Ok(())
}

/// What Réglages says of the last backup.
pub fn last_words(state: &KioskState) -> String {
    match &state.last_backup {
        Some(l) => format!("Dernière sauvegarde : le {}.", fr::datetime(l.at)),
        None => "Aucune sauvegarde de cet appareil.".into(),
    }
}

/// Accueil's reminder, when the last backup is more than a week old.
pub fn reminder(state: &KioskState) -> Option<String> {
    let due = state
        .last_backup
        .as_ref()
        .is_none_or(|l| state.now - l.at > chrono::Duration::days(crate::backup::DUE_AFTER_DAYS));
    due.then(|| match &state.last_backup {
        Some(l) => format!(
            "Dernière sauvegarde le {} : faites-en une (Réglages, clé USB).",
            fr::date(l.at.with_timezone(&chrono_tz::Europe::Paris).date_naive())
        ),
        None => "Aucune sauvegarde : faites-en une (Réglages, clé USB).".into(),
    })
}
