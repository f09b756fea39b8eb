//! A secret sealed under a passphrase: Argon2id stretches the passphrase
//! into a key (memory-hard, so each guess costs 64 MiB and a fraction of a
//! second), XChaCha20-Poly1305 encrypts and authenticates the secret (a
//! random 24-byte nonce cannot repeat in practice; a wrong passphrase or a
//! changed byte fails the tag). The file says which algorithms and
//! parameters it used, so they can be raised later.

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::{Error, Refusal, Result};

/// Argon2id memory, in KiB (64 MiB).
const M_KIB: u32 = 64 * 1024;
const T_COST: u32 = 3;
const P_COST: u32 = 1;

/// The shortest passphrase accepted for a new key.
pub const MIN_PASSPHRASE_CHARS: usize = 12;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sealed {
    pub v: u32,
    pub kdf: String,
    pub m_kib: u32,
    pub t: u32,
    pub p: u32,
    pub salt: String,
    pub aead: String,
    pub nonce: String,
    pub ciphertext: String,
}

fn stretch(passphrase: &str, salt: &[u8], m: u32, t: u32, p: u32) -> Result<Zeroizing<[u8; 32]>> {
    let params = Params::new(m, t, p, Some(32))
        .map_err(|_| Error::Damaged("paramètres de la clé chiffrée invalides".into()))?;
    let mut key = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), salt, key.as_mut())
        .map_err(|_| Error::Damaged("dérivation de la clé impossible".into()))?;
    Ok(key)
}

/// Checks a new passphrase: long enough to resist guessing.
pub fn check_new_passphrase(passphrase: &str) -> Result<()> {
    let n = passphrase.chars().count();
    if n < MIN_PASSPHRASE_CHARS {
        return Err(Error::input(
            "phrase de passe",
            format!(
                "trop courte ({n} caractères) : au moins {MIN_PASSPHRASE_CHARS}, par exemple quatre mots sans rapport"
            ),
        ));
    }
    Ok(())
}

/// Seals `secret` under `passphrase`.
pub fn seal(secret: &[u8], passphrase: &str) -> Result<Sealed> {
    let salt: [u8; 16] = super::random()?;
    let nonce: [u8; 24] = super::random()?;
    let key = stretch(passphrase, &salt, M_KIB, T_COST, P_COST)?;
    let cipher = XChaCha20Poly1305::new(key.as_ref().into());
    let ciphertext = cipher
        .encrypt(XNonce::from_slice(&nonce), secret)
        .map_err(|_| Error::Storage("chiffrement impossible".into()))?;
    Ok(Sealed {
        v: 1,
        kdf: "argon2id".into(),
        m_kib: M_KIB,
        t: T_COST,
        p: P_COST,
        salt: hex::encode(salt),
        aead: "xchacha20poly1305".into(),
        nonce: hex::encode(nonce),
        ciphertext: hex::encode(ciphertext),
    })
}

/// Opens a sealed secret; a wrong passphrase is a refusal, a damaged file
/// [`Error::Damaged`]. Parameters far above ours (a file edited to make
/// every try cost minutes or gigabytes) are refused before any work.
pub fn open(s: &Sealed, passphrase: &str) -> Result<Zeroizing<Vec<u8>>> {
    let damaged = |what: &str| Error::Damaged(format!("clé chiffrée illisible ({what})"));
    if s.v != 1 || s.kdf != "argon2id" || s.aead != "xchacha20poly1305" {
        return Err(damaged("format inconnu"));
    }
    if s.m_kib > 4 * M_KIB || s.t > 4 * T_COST || s.p > 4 * P_COST {
        return Err(damaged("paramètres démesurés"));
    }
    let salt = hex::decode(&s.salt).map_err(|_| damaged("sel"))?;
    let nonce = hex::decode(&s.nonce)
        .ok()
        .filter(|n| n.len() == 24)
        .ok_or_else(|| damaged("nonce"))?;
    let ciphertext = hex::decode(&s.ciphertext).map_err(|_| damaged("contenu"))?;
    let key = stretch(passphrase, &salt, s.m_kib, s.t, s.p)?;
    let cipher = XChaCha20Poly1305::new(key.as_ref().into());
    cipher
        .decrypt(XNonce::from_slice(&nonce), ciphertext.as_slice())
        .map(Zeroizing::new)
        .map_err(|_| Refusal::WrongPassphrase.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_opens_only_with_its_passphrase() {
        let s = seal(b"secret de la CPTS", "cheval agrafe pile correcte").unwrap();
        assert!(!s.ciphertext.contains(&hex::encode(b"secret")));
        assert_eq!(
            open(&s, "cheval agrafe pile correcte").unwrap().as_slice(),
            b"secret de la CPTS"
        );
        assert!(matches!(
            open(&s, "mauvaise phrase"),
            Err(Error::Refused(Refusal::WrongPassphrase))
        ));
        let mut changed = s.clone();
        changed.ciphertext.replace_range(
            0..2,
            if &s.ciphertext[..2] == "00" {
                "01"
            } else {
                "00"
            },
        );
        assert!(open(&changed, "cheval agrafe pile correcte").is_err());
        let mut costly = s.clone();
        costly.t = 1_000_000;
        assert!(matches!(open(&costly, "x"), Err(Error::Damaged(_))));
        assert!(check_new_passphrase("court").is_err());
    }
}
