//! The data key: 32 random bytes that encrypt the ledger (SQLCipher, raw
//! key: no key derivation at each of the report's connections) and, with
//! XChaCha20-Poly1305, the small secrets beside it (the device's signing
//! key). It never leaves memory in clear; `Debug` does not show it.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

#[derive(Clone)]
pub struct DataKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(…)")
    }
}

/// What [`DataKey::seal`] writes before the ciphertext.
const NONCE_BYTES: usize = 24;

impl DataKey {
    pub fn generate() -> Result<DataKey> {
        crate::crypto::random::<32>().map(|b| DataKey(Zeroizing::new(b)))
    }

    /// A key from its bytes (unsealed from the key file or an escrow).
    pub fn from_bytes(bytes: &[u8]) -> Option<DataKey> {
        let b: [u8; 32] = bytes.try_into().ok()?;
        Some(DataKey(Zeroizing::new(b)))
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The value of SQLCipher's `PRAGMA key` for a raw 256-bit key.
    /// (Public for tools that open the database themselves: tamper tests,
    /// the `sqlcipher` shell after a recovery.)
    pub fn sqlcipher_key(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("x'{}'", hex::encode(*self.0)))
    }

    /// Encrypts `plain` for this key: a random nonce, then the ciphertext
    /// and tag. `context` names what it is, so that one sealed secret is
    /// never accepted as another.
    pub fn seal(&self, plain: &[u8], context: &[u8]) -> Result<Vec<u8>> {
        let nonce: [u8; NONCE_BYTES] = crate::crypto::random()?;
        let cipher = XChaCha20Poly1305::new(self.0.as_ref().into());
        let sealed = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plain,
                    aad: context,
                },
            )
            .map_err(|_| Error::Storage("chiffrement impossible".into()))?;
        let mut out = nonce.to_vec();
        out.extend(sealed);
        Ok(out)
    }

    /// Decrypts what [`DataKey::seal`] wrote; `None` for another key, another
    /// context, or a changed byte.
    pub fn open(&self, sealed: &[u8], context: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        let (nonce, body) = sealed.split_at_checked(NONCE_BYTES)?;
        let cipher = XChaCha20Poly1305::new(self.0.as_ref().into());
        cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: context,
                },
            )
            .ok()
            .map(Zeroizing::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_only_with_its_key_and_context() {
        let (k, other) = (DataKey::generate().unwrap(), DataKey::generate().unwrap());
        let sealed = k.seal(b"secret", b"ctx").unwrap();
        assert_eq!(k.open(&sealed, b"ctx").unwrap().as_slice(), b"secret");
        assert!(other.open(&sealed, b"ctx").is_none());
        assert!(k.open(&sealed, b"other").is_none());
        for i in 0..sealed.len() {
            let mut bad = sealed.clone();
            bad[i] ^= 1;
            assert!(k.open(&bad, b"ctx").is_none(), "byte {i}");
        }
        assert!(k.open(&sealed[..10], b"ctx").is_none());
        assert_eq!(format!("{k:?}"), "DataKey(…)");
    }
}
