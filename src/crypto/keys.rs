//! Ed25519 key pairs; public keys written as 64 hex digits; fingerprints
//! in Crockford base32 (no I, L, O, U: nothing to confuse when read aloud
//! on the phone).

use std::fmt;

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// A public key, as text in files and on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PublicKey([u8; 32]);

impl PublicKey {
    /// Reads 64 hex digits (spaces and case ignored); the error names `field`.
    pub fn parse(field: &str, s: &str) -> Result<PublicKey> {
        let cleaned: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        let bytes = hex::decode(cleaned.to_ascii_lowercase())
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| {
                Error::input(
                    field,
                    format!(
                        "clé publique « {} » illisible : 64 chiffres hexadécimaux attendus",
                        crate::text::quote(s)
                    ),
                )
            })?;
        // Refuse what is not a point of the curve now, not at the first check.
        VerifyingKey::from_bytes(&bytes)
            .map_err(|_| Error::input(field, "ce n'est pas une clé publique Ed25519 valide"))?;
        Ok(PublicKey(bytes))
    }

    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// 80 bits of its SHA-256, as 4 groups of 4 characters: `K7QP-2MXD-94TA-BC3F`.
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::digest(self.0);
        let text = super::codes::base32(&digest[..10]);
        super::codes::group(&text)
    }

    /// Checks `signature` over `message` (strict Ed25519 verification).
    pub fn verifies(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        let Ok(key) = VerifyingKey::from_bytes(&self.0) else {
            return false;
        };
        key.verify_strict(message, &ed25519_dalek::Signature::from_bytes(signature))
            .is_ok()
    }
}

/// Two fingerprints as a person would compare them: case, spaces and
/// dashes ignored, and the characters Crockford base32 reads alike.
pub fn same_fingerprint(a: &str, b: &str) -> bool {
    super::codes::normalise(a) == super::codes::normalise(b)
        && !super::codes::normalise(a).is_empty()
}

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl Serialize for PublicKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for PublicKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PublicKey::parse("clé publique", &s).map_err(serde::de::Error::custom)
    }
}

/// A signing key and its public half. The secret is zeroed on drop
/// (ed25519-dalek's `zeroize`).
pub struct KeyPair {
    secret: SigningKey,
}

impl KeyPair {
    pub fn generate() -> Result<KeyPair> {
        let seed: [u8; 32] = super::random()?;
        Ok(KeyPair {
            secret: SigningKey::from_bytes(&seed),
        })
    }

    /// From the 32 secret bytes kept in a key file.
    pub fn from_secret(bytes: &[u8; 32]) -> KeyPair {
        KeyPair {
            secret: SigningKey::from_bytes(bytes),
        }
    }

    /// The 32 secret bytes, to be sealed or written owner-only.
    pub fn secret_bytes(&self) -> [u8; 32] {
        self.secret.to_bytes()
    }

    pub fn public(&self) -> PublicKey {
        PublicKey(self.secret.verifying_key().to_bytes())
    }

    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.secret.sign(message).to_bytes()
    }
}

impl fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the secret, not even in a debug print.
        write!(f, "KeyPair({})", self.public().fingerprint())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_checks_only_with_its_key_and_message() {
        let a = KeyPair::generate().unwrap();
        let b = KeyPair::generate().unwrap();
        let sig = a.sign(b"bundle");
        assert!(a.public().verifies(b"bundle", &sig));
        assert!(!a.public().verifies(b"bundlf", &sig));
        assert!(!b.public().verifies(b"bundle", &sig));
        let text = a.public().to_string();
        assert_eq!(
            PublicKey::parse("k", &text.to_uppercase()).unwrap(),
            a.public()
        );
        assert!(PublicKey::parse("k", "abcd").is_err());
        let fp = a.public().fingerprint();
        assert_eq!(fp.len(), 19, "{fp}");
        assert!(same_fingerprint(&fp, &fp.to_lowercase().replace('-', " ")));
        assert!(!same_fingerprint(&fp, &b.public().fingerprint()));
        assert!(format!("{a:?}").starts_with("KeyPair("));
    }
}
