//! The CPTS's own key: created once (`cpts init`), its private half sealed
//! under the coordinator's passphrase (see [`crate::crypto::sealed`]) in
//! `cpts.key`, owner-only. It signs every bundle; devices pin its public
//! key on their first bundle.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::crypto::escrow;
use crate::crypto::sealed::{self, Sealed};
use crate::crypto::{KeyPair, PublicKey};
use crate::error::{Error, Refusal, Result};
use crate::files::{Access, write_atomic};

pub const KEY_FILE: &str = "cpts.key";

/// The key file: the CPTS's name and public key in clear, the secret sealed.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyFile {
    pub v: u32,
    pub name: String,
    pub public_key: PublicKey,
    pub sealed_secret: Sealed,
    /// The recovery key devices escrow their data key to (added to a CPTS
    /// created before it at its next bundle).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery: Option<RecoveryKey>,
}

/// The CPTS's recovery key: its public half in clear, the secret sealed
/// under the same passphrase as the signing key.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecoveryKey {
    pub recipient: String,
    pub sealed_identity: Sealed,
}

fn new_recovery(passphrase: &str) -> Result<RecoveryKey> {
    let identity = escrow::Identity::generate();
    Ok(RecoveryKey {
        recipient: identity.recipient().to_string(),
        sealed_identity: sealed::seal(identity.to_secret_text().as_bytes(), passphrase)?,
    })
}

/// What anyone may know of the CPTS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub name: String,
    pub public_key: PublicKey,
}

impl Identity {
    pub fn fingerprint(&self) -> String {
        self.public_key.fingerprint()
    }
}

/// Creates the CPTS's key in `dir`; refuses if one exists.
pub fn init(dir: &Path, name: &str, passphrase: &str) -> Result<Identity> {
    let name = crate::text::name("--name", name)?;
    sealed::check_new_passphrase(passphrase)?;
    if let Some(existing) = identity(dir)? {
        return Err(Refusal::CptsExists {
            fingerprint: existing.fingerprint(),
        }
        .into());
    }
    if !dir.exists() {
        crate::files::create_private_dir(dir, "impossible de créer le dossier de la CPTS")?;
    }
    let pair = KeyPair::generate()?;
    let file = KeyFile {
        v: 1,
        name: name.clone(),
        public_key: pair.public(),
        sealed_secret: sealed::seal(&pair.secret_bytes(), passphrase)?,
        recovery: Some(new_recovery(passphrase)?),
    };
    write_file(dir, &file)?;
    Ok(Identity {
        name,
        public_key: pair.public(),
    })
}

fn write_file(dir: &Path, file: &KeyFile) -> Result<()> {
    let mut bytes = serde_json::to_vec_pretty(file)
        .map_err(|e| Error::Storage(format!("clé de la CPTS : {e}")))?;
    bytes.push(b'\n');
    write_atomic(&dir.join(KEY_FILE), &bytes, Access::Private)
}

/// The recovery key's public half, created (sealed under `passphrase`) for
/// a CPTS that has none yet. The passphrase is checked (a slow key
/// derivation) only then: reading the public half needs none.
pub fn recovery_recipient(dir: &Path, passphrase: &str) -> Result<escrow::Recipient> {
    let mut file = read(dir)?.ok_or(Refusal::NoCpts)?;
    let recovery = match &file.recovery {
        Some(r) => r.clone(),
        None => {
            unlock(dir, passphrase)?;
            let r = new_recovery(passphrase)?;
            file.recovery = Some(r.clone());
            write_file(dir, &file)?;
            r
        }
    };
    escrow::Recipient::parse("cpts.key", &recovery.recipient)
}

/// The recovery key's secret, unsealed with the CPTS's passphrase.
pub fn recovery_identity(dir: &Path, passphrase: &str) -> Result<escrow::Identity> {
    let file = read(dir)?.ok_or(Refusal::NoCpts)?;
    let Some(r) = &file.recovery else {
        return Err(Error::input(
            "clé de recouvrement",
            "cette CPTS n'a pas encore de clé de recouvrement : elle est créée au prochain lot, et chaque appareil y met sa clé en séquestre en l'appliquant",
        ));
    };
    let secret = sealed::open(&r.sealed_identity, passphrase)?;
    let text = std::str::from_utf8(&secret)
        .map_err(|_| Error::Damaged("clé de recouvrement de la CPTS illisible".into()))?;
    escrow::Identity::from_secret_text(text)
}

fn read(dir: &Path) -> Result<Option<KeyFile>> {
    let path = dir.join(KEY_FILE);
    match crate::files::read_limited(&path, 64 * 1024) {
        Ok(b) => serde_json::from_slice(&b)
            .map(Some)
            .map_err(|_| Error::Damaged("la clé de la CPTS (cpts.key) est illisible".into())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io("impossible de lire la clé de la CPTS", &path, e)),
    }
}

/// The CPTS's name and public key, if it was created here.
pub fn identity(dir: &Path) -> Result<Option<Identity>> {
    Ok(read(dir)?.map(|f| Identity {
        name: f.name,
        public_key: f.public_key,
    }))
}

/// The signing key, unsealed with the passphrase.
pub fn unlock(dir: &Path, passphrase: &str) -> Result<(Identity, KeyPair)> {
    let file = read(dir)?.ok_or(Refusal::NoCpts)?;
    let secret = sealed::open(&file.sealed_secret, passphrase)?;
    let bytes: [u8; 32] = secret
        .as_slice()
        .try_into()
        .map_err(|_| Error::Damaged("la clé de la CPTS est illisible".into()))?;
    let pair = KeyPair::from_secret(&bytes);
    if pair.public() != file.public_key {
        return Err(Error::Damaged(
            "la clé privée de la CPTS ne correspond pas à sa clé publique".into(),
        ));
    }
    Ok((
        Identity {
            name: file.name,
            public_key: file.public_key,
        },
        pair,
    ))
}
