//! « Mettre à jour les appareils »: the next signed bundle, written in a
//! folder or on a USB key (as `cpts bundle`).

use std::path::PathBuf;

use super::reduce::info;
use super::state::*;
use crate::cpts::{CptsDb, bundle_out};
use crate::error::{Error, Result};
use crate::files::{Access, write_atomic};

pub(super) fn open(state: &mut OfficeState, services: &Services) -> Result<()> {
    let db = CptsDb::open(&services.dir)?;
    let st = db.state()?;
    let changes = crate::cpts::registry::changes(&db.state_at_last_bundle()?, &st);
    let active = st
        .delegues
        .iter()
        .filter(|d| d.status == crate::bundle::DelegueStatus::Active)
        .count();
    let summary = format!(
        "Le registre compte {}, {}, {} et {}{}.",
        crate::fr::plural(active as u64, "délégué actif", "délégués actifs"),
        crate::fr::plural(st.delegants.len() as u64, "délégant", "délégants"),
        crate::fr::plural(
            st.protocols.len() as u64,
            "protocole validé",
            "protocoles validés"
        ),
        crate::fr::plural(st.devices.len() as u64, "appareil", "appareils"),
        if st.roster.is_some() {
            ", avec un tableau de garde"
        } else {
            ""
        }
    );
    let (passphrase, folder) = match &state.screen {
        Screen::Bundle(f) => (String::new(), f.folder.clone()),
        _ => Default::default(),
    };
    let keys = crate::kiosk::drives::removable(&services.media)
        .into_iter()
        .map(|d| (crate::kiosk::drives::name(&d), d))
        .collect();
    state.screen = Screen::Bundle(BundleForm {
        passphrase,
        folder,
        last_serial: st.last_serial,
        summary,
        keys,
        changes,
    });
    Ok(())
}

pub(super) fn write(state: &mut OfficeState, services: &Services) -> Result<()> {
    let Screen::Bundle(f) = &mut state.screen else {
        return Ok(());
    };
    let folder = PathBuf::from(f.folder.trim());
    if f.folder.trim().is_empty() || !folder.is_dir() {
        return Err(Error::input(
            "dossier",
            "indiquez un dossier qui existe (la clé USB à remettre aux structures)",
        ));
    }
    // The passphrase is used once and forgotten, whatever happens.
    let passphrase = std::mem::take(&mut f.passphrase);
    let db = CptsDb::open(&services.dir)?;
    let now = services.clock.now();
    let path = folder.join(format!("lot-{}.json", db.state()?.last_serial + 1));
    crate::files::check_output(&path)?;
    let written = bundle_out::next_bundle(&db, &services.dir, &passphrase, now)?;
    // As the CLI: the serial is taken before the file exists.
    db.bundle_saved(&written, now)?;
    let path = folder.join(format!("lot-{}.json", written.serial));
    write_atomic(&path, &written.bytes, Access::Private)?;
    open(state, services)?;
    info(
        state,
        format!(
            "Lot n° {} écrit : {}. À appliquer sur chaque appareil (Réglages du kiosque, « Lot de la CPTS »).",
            written.serial,
            path.display()
        ),
    );
    Ok(())
}
