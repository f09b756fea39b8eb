//! Writing the next bundle: the registry as it stands, under a serial one
//! higher than the last, signed with the CPTS's key.

use chrono::{DateTime, Utc};

use super::authority;
use super::store::CptsDb;
use crate::bundle::{
    AcknowledgedHead, BundleDelegant, BundleDelegue, BundleDevice, BundlePayload, BundleProtocol,
    CptsIdentity, KIND, SCHEMA_VERSION,
};
use crate::crypto::Envelope;
use crate::error::{Error, Result};

/// A bundle written: its serial, bytes and SHA-256.
pub struct Written {
    pub serial: u64,
    pub bytes: Vec<u8>,
    pub sha256: String,
    pub payload: BundlePayload,
}

/// Builds and signs the next bundle (its serial is reserved in the
/// registry's log by [`CptsDb::bundle_saved`] before the file is written).
pub fn next_bundle(
    db: &CptsDb,
    dir: &std::path::Path,
    passphrase: &str,
    now: DateTime<Utc>,
) -> Result<Written> {
    let (identity, key) = authority::unlock(dir, passphrase)?;
    let recovery = authority::recovery_recipient(dir, passphrase)?;
    let st = db.state()?;
    if st.protocols.is_empty() {
        return Err(Error::input(
            "protocole",
            "aucun protocole validé dans le registre de la CPTS : ajoutez-le d'abord (cpts protocol add)",
        ));
    }
    if st.devices.is_empty() {
        return Err(Error::input(
            "appareils",
            "aucun appareil enregistré : enregistrez d'abord les appareils (cpts device add)",
        ));
    }
    let mut devices = Vec::with_capacity(st.devices.len());
    for d in &st.devices {
        let head = db.acknowledged_head(&d.public_key, d.acknowledged_at)?;
        devices.push(BundleDevice {
            name: d.name.clone(),
            public_key: d.public_key,
            restore_acknowledged: d.acknowledged_at.is_some() && head.is_none(),
            acknowledged_head: head.map(|(seq, hash)| AcknowledgedHead { seq, hash }),
        });
    }
    let payload = BundlePayload {
        schema_version: SCHEMA_VERSION,
        serial: st.last_serial + 1,
        cpts: CptsIdentity {
            name: identity.name.clone(),
            public_key: identity.public_key,
        },
        created_at: now,
        protocols: st
            .protocols
            .iter()
            .map(|p| BundleProtocol {
                text: p.text.clone(),
                sha256: p.sha256.clone(),
            })
            .collect(),
        delegants: st
            .delegants
            .iter()
            .map(|d| BundleDelegant {
                rpps: d.rpps.clone(),
                name: d.name.clone(),
                profession: d.profession,
                address: d.address.clone(),
                phone: d.phone.clone(),
            })
            .collect(),
        delegues: st
            .delegues
            .iter()
            .map(|d| BundleDelegue {
                rpps: d.rpps.clone(),
                name: d.name.clone(),
                profession: d.profession,
                trained_on: d.trained_on,
                status: d.status,
                activation: Some(d.activation.clone()),
            })
            .collect(),
        roster: st.roster.clone(),
        pharmacies: db.pharmacies()?,
        devices,
        recovery_key: Some(recovery.to_string()),
    };
    let text = serde_json::to_string(&payload).expect("a bundle serializes");
    let envelope = Envelope::sign(KIND, text, &key);
    let bytes = envelope.to_bytes();
    Ok(Written {
        serial: payload.serial,
        sha256: crate::protocol::sha256_hex(&bytes),
        bytes,
        payload,
    })
}

impl CptsDb {
    /// Records that a bundle is written: the next one gets a higher serial.
    pub fn bundle_saved(&self, w: &Written, now: DateTime<Utc>) -> Result<()> {
        self.bundle_written(w.serial, &w.sha256, now)
    }
}
