//! The data key escrowed to the CPTS: sealed with `age` to the CPTS's
//! recovery key (X25519), a public key its bundles carry. Only the CPTS,
//! with its passphrase, can open it — to rebuild a device whose structure
//! lost its passphrase. The format is age's own, so a CPTS can also open it
//! with the stock `age` tool.

use std::io::Write;
use std::str::FromStr;

use age::secrecy::ExposeSecret;

use super::DataKey;
use crate::error::{Error, Result};

/// The CPTS's recovery key as the bundle gives it (`age1…`).
#[derive(Clone, PartialEq, Eq)]
pub struct Recipient(age::x25519::Recipient);

impl std::fmt::Debug for Recipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Recipient({})", self.0)
    }
}

impl std::fmt::Display for Recipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl Recipient {
    pub fn parse(field: &str, text: &str) -> Result<Recipient> {
        age::x25519::Recipient::from_str(text.trim())
            .map(Recipient)
            .map_err(|_| {
                Error::input(
                    field,
                    "clé de recouvrement illisible : une clé « age1… » est attendue",
                )
            })
    }
}

/// The CPTS's secret recovery key (kept sealed in the CPTS folder).
pub struct Identity(age::x25519::Identity);

impl Identity {
    pub fn generate() -> Identity {
        Identity(age::x25519::Identity::generate())
    }

    pub fn recipient(&self) -> Recipient {
        Recipient(self.0.to_public())
    }

    /// The secret as text (`AGE-SECRET-KEY-1…`), to be sealed at once.
    pub fn to_secret_text(&self) -> zeroize::Zeroizing<String> {
        zeroize::Zeroizing::new(self.0.to_string().expose_secret().to_string())
    }

    pub fn from_secret_text(text: &str) -> Result<Identity> {
        age::x25519::Identity::from_str(text.trim())
            .map(Identity)
            .map_err(|_| Error::Damaged("clé de recouvrement de la CPTS illisible".into()))
    }
}

/// The data key sealed to `to`, ASCII-armoured.
pub fn seal(key: &DataKey, to: &Recipient) -> Result<String> {
    let failed = || Error::Storage("mise sous séquestre de la clé impossible".into());
    let encryptor = age::Encryptor::with_recipients(std::iter::once(&to.0 as &dyn age::Recipient))
        .map_err(|_| failed())?;
    let mut out = Vec::new();
    let armor = age::armor::ArmoredWriter::wrap_output(&mut out, age::armor::Format::AsciiArmor)
        .map_err(|_| failed())?;
    let mut writer = encryptor.wrap_output(armor).map_err(|_| failed())?;
    writer.write_all(key.bytes()).map_err(|_| failed())?;
    writer
        .finish()
        .and_then(|armor| armor.finish())
        .map_err(|_| failed())?;
    String::from_utf8(out).map_err(|_| failed())
}

/// The data key from its escrow, with the CPTS's recovery key.
pub fn open(armored: &str, identity: &Identity) -> Result<DataKey> {
    let refused = || {
        Error::input(
            "séquestre",
            "la clé de recouvrement de la CPTS n'ouvre pas ce séquestre (autre CPTS, ou fichier altéré)",
        )
    };
    let reader = age::armor::ArmoredReader::new(armored.as_bytes());
    let decryptor = age::Decryptor::new(reader).map_err(|_| refused())?;
    let mut plain = zeroize::Zeroizing::new(Vec::new());
    let mut r = decryptor
        .decrypt(std::iter::once(&identity.0 as &dyn age::Identity))
        .map_err(|_| refused())?;
    std::io::Read::read_to_end(&mut r, &mut plain).map_err(|_| refused())?;
    DataKey::from_bytes(&plain).ok_or_else(refused)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_cpts_recovery_key_opens_the_escrow() {
        let key = DataKey::generate().unwrap();
        let (cpts, other) = (Identity::generate(), Identity::generate());
        let escrow = seal(&key, &cpts.recipient()).unwrap();
        assert!(escrow.starts_with("-----BEGIN AGE ENCRYPTED FILE-----"));
        assert_eq!(open(&escrow, &cpts).unwrap().bytes(), key.bytes());
        assert!(open(&escrow, &other).is_err());
        let again = Identity::from_secret_text(&cpts.to_secret_text()).unwrap();
        assert_eq!(open(&escrow, &again).unwrap().bytes(), key.bytes());
        let text = cpts.recipient().to_string();
        assert_eq!(Recipient::parse("r", &text).unwrap(), cpts.recipient());
        assert!(Recipient::parse("r", "age1nope").is_err());
    }
}
