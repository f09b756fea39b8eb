//! Before the kiosk: the structure's passphrase unlocks the data key
//! (chosen, typed twice, at the first start). Nothing of the ledger is
//! opened, and nothing written, until it is right.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, Refusal};
use crate::ledger::Ledger;
use crate::vault::{self, State};

/// What the unlock screen holds.
#[derive(Debug)]
pub struct UnlockForm {
    pub dir: PathBuf,
    pub state: State,
    pub passphrase: Zeroizing<String>,
    /// The second typing, when the passphrase is being chosen.
    pub again: Zeroizing<String>,
    pub error: Option<String>,
}

impl UnlockForm {
    pub fn new(dir: &Path) -> UnlockForm {
        UnlockForm {
            dir: dir.to_path_buf(),
            state: vault::state(dir),
            passphrase: Zeroizing::default(),
            again: Zeroizing::default(),
            error: None,
        }
    }

    /// Whether the passphrase is being chosen (typed twice).
    pub fn choosing(&self) -> bool {
        self.state != State::Locked
    }

    /// Opens the ledger with what was typed, or says why not in the
    /// kiosk's words (the fields are cleared after a wrong try).
    pub fn submit(&mut self, now: DateTime<Utc>) -> Option<Ledger> {
        if self.choosing() && *self.passphrase != *self.again {
            self.error =
                Some("Les deux saisies diffèrent : tapez la même phrase deux fois.".into());
            self.again.zeroize();
            return None;
        }
        match vault::open_ledger(&self.dir, &self.passphrase, now) {
            Ok(ledger) => {
                // Not kept in memory past the unlock.
                self.error = None;
                self.passphrase.zeroize();
                self.again.zeroize();
                Some(ledger)
            }
            Err(e) => {
                self.error = Some(words(&e));
                self.passphrase.zeroize();
                self.again.zeroize();
                self.state = vault::state(&self.dir);
                None
            }
        }
    }
}

/// An unlock failure, for the person at the counter.
pub fn words(e: &Error) -> String {
    match e {
        Error::Refused(Refusal::WrongPassphrase) => {
            "Phrase de passe incorrecte. Vérifiez les majuscules et les accents, puis réessayez."
                .into()
        }
        Error::Refused(Refusal::TooManyPassphraseTries { seconds }) => format!(
            "Trop d'essais erronés à la suite : attendez {} avant de réessayer.",
            crate::fr::duration_seconds(*seconds)
        ),
        Error::Input { message, .. } => format!("{}.", crate::fr::capitalised(message)),
        other => format!("Le registre ne s'ouvre pas : {other}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: &str = "2026-12-01T08:00:00Z";

    #[test]
    fn first_start_chooses_then_unlocks_and_a_wrong_try_opens_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let now: DateTime<Utc> = NOW.parse().unwrap();
        let mut form = UnlockForm::new(&data);
        assert!(form.choosing());
        *form.passphrase = "cheval agrafe pile correcte".into();
        *form.again = "cheval agrafe pile correcta".into();
        assert!(form.submit(now).is_none());
        assert!(form.error.as_deref().unwrap().contains("diffèrent"));
        assert!(!data.exists(), "nothing created on a mismatch");
        *form.again = "cheval agrafe pile correcte".into();
        drop(form.submit(now).expect("created"));

        let mut form = UnlockForm::new(&data);
        assert!(!form.choosing());
        *form.passphrase = "mauvaise phrase de passe".into();
        assert!(form.submit(now).is_none());
        assert!(form.error.as_deref().unwrap().contains("incorrecte"));
        assert!(form.passphrase.is_empty());
        *form.passphrase = "cheval agrafe pile correcte".into();
        assert!(form.submit(now).is_some());
    }
}
