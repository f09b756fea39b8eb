//! A délégué's first sign-in on a device attached to the CPTS: the
//! activation code the CPTS gave her, and the PIN she chooses (twice).

use chrono::{DateTime, Utc};

use super::services::Services;
use super::session::open_session;
use super::state::{KioskState, Screen};
use crate::error::{Error, Result};

pub fn submit(state: &mut KioskState, services: &mut Services, now: DateTime<Utc>) -> Result<()> {
    let Screen::Identification(form) = &mut state.screen else {
        return Ok(());
    };
    let Some(rpps) = form.selected.clone() else {
        return Err(Error::input("délégué", "touchez votre nom dans la liste"));
    };
    // Taken from the form whatever happens: a code is not left on screen.
    let code = std::mem::take(&mut form.activation.code);
    let pin = std::mem::take(&mut form.activation.pin);
    let again = std::mem::take(&mut form.activation.pin_again);
    if pin != again {
        return Err(Error::input(
            "code PIN",
            "les deux codes PIN saisis sont différents",
        ));
    }
    let then = form.then.clone();
    services.ledger.activate(&rpps, &code, &pin, now)?;
    let auth = services.ledger.authenticate(&rpps, &pin, now)?;
    if let Screen::Identification(form) = &mut state.screen {
        form.activation = Default::default();
    }
    open_session(state, services, auth, then, now)
}
