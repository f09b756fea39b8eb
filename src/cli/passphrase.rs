//! The structure's passphrase for a command that opens the ledger: from
//! `PROTOCOOP_PASSPHRASE` (meant for scripts, tests and unattended use:
//! whoever reads the environment of the process can read it), else typed
//! at the terminal without echo — twice when it is being chosen.

use std::io::IsTerminal;
use std::path::Path;

use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::vault::{self, State};

pub const ENV: &str = "PROTOCOOP_PASSPHRASE";

pub(super) fn for_folder(dir: &Path) -> Result<Zeroizing<String>> {
    ask(vault::state(dir) != State::Locked)
}

/// The passphrase of a key that exists elsewhere (a backup's).
pub(super) fn for_existing() -> Result<Zeroizing<String>> {
    ask(false)
}

fn ask(new: bool) -> Result<Zeroizing<String>> {
    if let Ok(p) = std::env::var(ENV)
        && !p.is_empty()
    {
        return Ok(Zeroizing::new(p));
    }
    if !std::io::stderr().is_terminal() {
        return Err(Error::input(
            ENV,
            "la phrase de passe de la structure est requise : tapez-la dans un terminal, ou, pour un script, donnez-la dans PROTOCOOP_PASSPHRASE",
        ));
    }
    let first = prompt(if new {
        "Choisissez la phrase de passe de la structure (au moins 12 caractères) : "
    } else {
        "Phrase de passe de la structure : "
    })?;
    if new {
        let again = prompt("Retapez-la : ")?;
        if *again != *first {
            return Err(Error::input(
                "phrase de passe",
                "les deux saisies diffèrent : rien n'a été créé",
            ));
        }
    }
    Ok(first)
}

fn prompt(text: &str) -> Result<Zeroizing<String>> {
    rpassword::prompt_password(text)
        .map(Zeroizing::new)
        .map_err(|_| Error::input(ENV, "lecture de la phrase de passe impossible"))
}
