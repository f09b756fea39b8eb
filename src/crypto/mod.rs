//! Keys and signatures, from well-kept crates (never hand-written):
//! Ed25519 (`ed25519-dalek`) for who signs what — the CPTS signs bundles,
//! a device signs its reports —, and a passphrase-sealed secret (Argon2id,
//! then XChaCha20-Poly1305) for the CPTS's private key.
//!
//! - [`keys`]: key pairs, public keys as text, fingerprints a person reads aloud;
//! - [`sealed`]: a secret encrypted under a passphrase;
//! - [`envelope`]: a signed document (exact payload bytes + signature);
//! - [`codes`]: one-time activation codes and their salted hashes;
//! - [`data_key`]: the key that encrypts a device's data at rest;
//! - [`escrow`]: that key sealed to the CPTS's recovery key (`age`, X25519).

pub mod codes;
pub mod data_key;
pub mod envelope;
pub mod escrow;
pub mod keys;
pub mod sealed;

pub use data_key::DataKey;
pub use envelope::Envelope;
pub use keys::{KeyPair, PublicKey};

/// Random bytes from the operating system.
pub fn random<const N: usize>() -> crate::Result<[u8; N]> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| {
        crate::Error::Storage(format!(
            "générateur aléatoire du système indisponible : {e}"
        ))
    })?;
    Ok(b)
}
