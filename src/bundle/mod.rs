//! The bundle: one file, signed by the CPTS, that configures every device of
//! its fleet — the validated protocol, the délégants, the trained délégués
//! (with their activation codes, hashed), the duty roster, the number of
//! pharmacies of the territory, the enrolled devices. Its format is
//! `docs/BUNDLE-FORMAT.md`.
//!
//! - [`wire`]: the payload as written (serde, versioned);
//! - this file: reading a bundle file into a checked [`Bundle`], the
//!   checks that pin the CPTS's key on first use and refuse an older or
//!   replayed bundle afterwards (TUF-style growing serials).

pub mod wire;

use chrono::{DateTime, Utc};

use crate::crypto::keys::same_fingerprint;
use crate::crypto::{Envelope, PublicKey};
use crate::documents::Roster;
use crate::error::{Error, Refusal, Result};
use crate::protocol::{Protocol, ValidationStatus};
pub use wire::{
    AcknowledgedHead, Activation, BundleDelegant, BundleDelegue, BundleDevice, BundlePayload,
    BundleProtocol, CptsIdentity, DelegueStatus, SCHEMA_VERSION,
};

/// The envelope kind of a bundle file.
pub const KIND: &str = "protocoop-bundle";

/// A bundle as the ledger keeps it once applied.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BundleRecord {
    pub v: u32,
    pub serial: u64,
    pub sha256: String,
    pub cpts_fingerprint: String,
    pub applied_at: DateTime<Utc>,
    /// The bundle file's exact text.
    pub text: String,
}

/// A bundle whose signature, content and protocols were checked.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub payload: BundlePayload,
    /// SHA-256 of the bundle file's bytes, as recorded in the ledger.
    pub sha256: String,
    /// The exact file text (kept in the ledger, so that the registry is
    /// rebuilt from the log alone).
    pub text: String,
}

#[derive(serde::Deserialize)]
struct SchemaOnly {
    schema_version: u32,
}

/// A bundle as shown before it is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peek {
    pub cpts_name: String,
    pub fingerprint: String,
    pub serial: u64,
    pub created_at: DateTime<Utc>,
    pub delegues: usize,
}

/// What the device already trusts when a bundle arrives.
#[derive(Debug, Clone, Copy)]
pub struct Pinned<'a> {
    /// The CPTS key pinned by the first bundle applied, if any.
    pub key: Option<&'a PublicKey>,
    /// The serial of the last bundle applied.
    pub serial: u64,
}

impl Bundle {
    /// Reads and checks a bundle file for this device: signed by the
    /// pinned CPTS key (or, for the first one, by a key whose fingerprint a
    /// person compared: `expect_fingerprint`), newer than the last one
    /// applied, listing this device, with sound content.
    pub fn open(
        text: &str,
        pinned: Pinned,
        expect_fingerprint: Option<&str>,
        device: &PublicKey,
    ) -> Result<Bundle> {
        let envelope = Envelope::parse(text, KIND, "lot de la CPTS")?;
        // The version first: a newer format says « update », not « unknown field ».
        let version: SchemaOnly = crate::json_input::parse(&envelope.payload, "lot de la CPTS")?;
        if version.schema_version != SCHEMA_VERSION {
            return Err(Error::input(
                "lot de la CPTS",
                format!(
                    "version de format {} non prise en charge (attendue : {SCHEMA_VERSION}) : mettez protocoop à jour",
                    version.schema_version
                ),
            ));
        }
        let payload: BundlePayload = crate::json_input::parse(&envelope.payload, "lot de la CPTS")?;
        let key = payload.cpts.public_key;
        match pinned.key {
            None => {
                let Some(expected) = expect_fingerprint else {
                    return Err(Refusal::FingerprintRequired {
                        fingerprint: key.fingerprint(),
                    }
                    .into());
                };
                if !same_fingerprint(expected, &key.fingerprint()) {
                    return Err(Refusal::FingerprintMismatch {
                        expected: crate::text::quote(expected),
                        found: key.fingerprint(),
                    }
                    .into());
                }
            }
            Some(p) if *p != key => {
                return Err(Refusal::BundleWrongKey {
                    fingerprint: key.fingerprint(),
                }
                .into());
            }
            Some(_) => {}
        }
        if !envelope.signed_by(&key) {
            return Err(Refusal::BundleBadSignature.into());
        }
        if payload.serial <= pinned.serial {
            return Err(Refusal::BundleNotNewer {
                serial: payload.serial,
                applied: pinned.serial,
            }
            .into());
        }
        if !payload.devices.iter().any(|d| d.public_key == *device) {
            return Err(Refusal::DeviceNotEnrolled {
                fingerprint: device.fingerprint(),
            }
            .into());
        }
        let bundle = Bundle {
            sha256: crate::protocol::sha256_hex(text.as_bytes()),
            text: text.to_string(),
            payload,
        };
        bundle.check_content()?;
        Ok(bundle)
    }

    /// The CPTS's recovery key, if the bundle gives one (checked at
    /// [`Bundle::open`]: a bundle with an unreadable one is refused).
    pub fn recovery_key(&self) -> Result<Option<crate::crypto::escrow::Recipient>> {
        self.payload
            .recovery_key
            .as_deref()
            .map(|k| crate::crypto::escrow::Recipient::parse("lot de la CPTS", k))
            .transpose()
    }

    /// What a person checks before attaching a device: who signed, the
    /// key's fingerprint, the serial. The signature is checked against the
    /// key the bundle names; whether that key is the CPTS's is what the
    /// person confirms by comparing the fingerprint.
    pub fn peek(text: &str) -> Result<Peek> {
        let b = Bundle::reread(text).map_err(|_| Refusal::BundleBadSignature)?;
        let p = &b.payload;
        Ok(Peek {
            cpts_name: p.cpts.name.clone(),
            fingerprint: p.cpts.public_key.fingerprint(),
            serial: p.serial,
            created_at: p.created_at,
            delegues: p.delegues.len(),
        })
    }

    /// Reads back a bundle already applied (from the ledger): its signature
    /// by the key recorded with it is checked again; nothing else can have
    /// changed without breaking the chain.
    pub fn reread(text: &str) -> Result<Bundle> {
        let envelope = Envelope::parse(text, KIND, "lot de la CPTS")?;
        let payload: BundlePayload = crate::json_input::parse(&envelope.payload, "lot de la CPTS")?;
        if !envelope.signed_by(&payload.cpts.public_key) {
            return Err(Error::Corrupt(
                "lot de la CPTS enregistré : signature invalide".into(),
            ));
        }
        Ok(Bundle {
            sha256: crate::protocol::sha256_hex(text.as_bytes()),
            text: text.to_string(),
            payload,
        })
    }

    /// Every protocol parses and is validated by a délégant, the roster
    /// parses, no RPPS is listed twice.
    fn check_content(&self) -> Result<()> {
        let p = &self.payload;
        self.recovery_key()?;
        if p.protocols.is_empty() {
            return Err(Error::input(
                "lot de la CPTS",
                "aucun protocole dans le lot",
            ));
        }
        for (i, bp) in p.protocols.iter().enumerate() {
            let protocol = Protocol::parse(&bp.text, &format!("protocole n° {} du lot", i + 1))?;
            if !matches!(protocol.validation, ValidationStatus::Validated(_)) {
                return Err(Error::input(
                    "lot de la CPTS",
                    format!(
                        "le protocole « {} » du lot n'est pas validé par un délégant : {}",
                        protocol.meta.name,
                        protocol.validation.describe()
                    ),
                ));
            }
        }
        if let Some(r) = &p.roster {
            Roster::parse(r, "tableau de garde du lot")?;
        }
        let mut seen = std::collections::BTreeSet::new();
        for rpps in p
            .delegues
            .iter()
            .map(|d| &d.rpps)
            .chain(p.delegants.iter().map(|d| &d.rpps))
        {
            if !seen.insert(rpps.clone()) {
                return Err(Error::input(
                    "lot de la CPTS",
                    format!("le RPPS {rpps} figure deux fois dans le lot"),
                ));
            }
        }
        for d in &p.delegues {
            crate::text::name("délégué", &d.name)?;
        }
        for d in &p.delegants {
            crate::text::name("délégant", &d.name)?;
        }
        Ok(())
    }

    /// The protocol devices use: the last one of the bundle, attested by
    /// the CPTS (so its validation counts: acts under it are paid).
    pub fn protocol(&self) -> Result<Protocol> {
        let bp = self
            .payload
            .protocols
            .last()
            .ok_or_else(|| Error::Corrupt("lot de la CPTS sans protocole".into()))?;
        let mut p = Protocol::parse(&bp.text, "protocole de la CPTS")?;
        p.attest_from_cpts(self.payload.serial);
        Ok(p)
    }

    pub fn created_at(&self) -> DateTime<Utc> {
        self.payload.created_at
    }
}
