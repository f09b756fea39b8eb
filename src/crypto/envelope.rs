//! A signed document: the payload's exact bytes (kept as a string, so that
//! no re-serialisation can change what was signed), the signer's public key
//! and the signature over a domain tag and the payload. The domain tag keeps
//! a signature made for one kind of document (a bundle) from being passed
//! off as another (a report).

use serde::{Deserialize, Serialize};

use super::keys::{KeyPair, PublicKey};
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    /// What this is: `protocoop-bundle`, `protocoop-report`…
    pub kind: String,
    /// The envelope's own version.
    pub v: u32,
    pub signer: PublicKey,
    /// 128 hex digits.
    pub signature: String,
    /// The signed document, as the exact JSON text that was signed.
    pub payload: String,
}

fn message(kind: &str, payload: &str) -> Vec<u8> {
    let mut m = Vec::with_capacity(kind.len() + payload.len() + 8);
    m.extend_from_slice(b"protocoop-signed-v1\0");
    m.extend_from_slice(kind.as_bytes());
    m.push(0);
    m.extend_from_slice(payload.as_bytes());
    m
}

impl Envelope {
    pub fn sign(kind: &str, payload: String, key: &KeyPair) -> Envelope {
        let signature = hex::encode(key.sign(&message(kind, &payload)));
        Envelope {
            kind: kind.to_string(),
            v: 1,
            signer: key.public(),
            signature,
            payload,
        }
    }

    /// Whether the signature is the signer's over this kind and payload.
    pub fn signed_by(&self, key: &PublicKey) -> bool {
        let Some(sig) = hex::decode(&self.signature)
            .ok()
            .and_then(|b| <[u8; 64]>::try_from(b).ok())
        else {
            return false;
        };
        self.v == 1
            && *key == self.signer
            && key.verifies(&message(&self.kind, &self.payload), &sig)
    }

    /// The envelope as a file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut b = serde_json::to_vec_pretty(self).expect("an envelope serializes");
        b.push(b'\n');
        b
    }

    /// Reads an envelope of `kind` from a file's text.
    pub fn parse(text: &str, kind: &str, what: &str) -> Result<Envelope> {
        let e: Envelope = crate::json_input::parse(text, what)?;
        if e.kind != kind {
            return Err(Error::input(
                what,
                format!(
                    "ce fichier est un « {} », pas un « {kind} »",
                    crate::text::quote(&e.kind)
                ),
            ));
        }
        Ok(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_payload_or_kind_breaks_the_signature() {
        let k = KeyPair::generate().unwrap();
        let e = Envelope::sign("protocoop-bundle", "{\"serial\":1}".into(), &k);
        assert!(e.signed_by(&k.public()));
        let mut changed = e.clone();
        changed.payload = "{\"serial\":2}".into();
        assert!(!changed.signed_by(&k.public()));
        let mut other_kind = e.clone();
        other_kind.kind = "protocoop-report".into();
        assert!(!other_kind.signed_by(&k.public()));
        let other = KeyPair::generate().unwrap();
        let mut resigned = e.clone();
        resigned.signer = other.public();
        assert!(
            !resigned.signed_by(&k.public()),
            "the pinned key decides, not the signer field"
        );
        let text = String::from_utf8(e.to_bytes()).unwrap();
        assert_eq!(
            Envelope::parse(&text, "protocoop-bundle", "lot").unwrap(),
            e
        );
        assert!(Envelope::parse(&text, "protocoop-report", "lot").is_err());
    }
}
