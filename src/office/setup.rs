//! The first start on an empty CPTS folder: `cpts init` from a form.

use super::action::Tab;
use super::reduce::{info, show};
use super::state::*;
use crate::error::{Error, Result};

pub(super) fn submit(state: &mut OfficeState, services: &Services) -> Result<()> {
    let Screen::Setup(f) = &mut state.screen else {
        return Ok(());
    };
    if f.passphrase != f.again {
        f.passphrase.clear();
        f.again.clear();
        return Err(Error::input(
            "phrase de passe",
            "les deux phrases de passe diffèrent : tapez-les à nouveau",
        ));
    }
    let id = crate::cpts::authority::init(&services.dir, &f.name, &f.passphrase)?;
    state.cpts = Some(id.name.clone());
    show(state, services, Tab::Dashboard)?;
    info(
        state,
        format!(
            "{} est créée. Empreinte de sa clé : {} — notez-la : chaque appareil la vérifie.",
            id.name,
            id.fingerprint()
        ),
    );
    Ok(())
}
