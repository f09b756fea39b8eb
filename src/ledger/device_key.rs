//! The device's own key pair (Ed25519): it signs the device's closures and
//! reports, and the CPTS enrols the device by its public key. The secret is
//! kept in `device.key`, owner-only, in the data folder; its public key is an
//! entry of the chained log, so a key swapped behind the ledger's back is
//! evident.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::entry::Kind;
use super::index::decode;
use super::{Ledger, to_bytes};
use crate::crypto::{KeyPair, PublicKey};
use crate::error::{Error, Result};
use crate::files::{Access, write_atomic};

pub const DEVICE_KEY_FILE: &str = "device.key";

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyFile {
    v: u32,
    /// 64 hex digits of the secret key.
    secret: String,
    public_key: PublicKey,
}

/// The public key recorded in the log.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeviceKeyRecord {
    pub v: u32,
    pub public_key: PublicKey,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
}

fn read(dir: &Path) -> Result<Option<KeyPair>> {
    let path = dir.join(DEVICE_KEY_FILE);
    let bytes = match crate::files::read_limited(&path, 4096) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(Error::io(
                "impossible de lire la clé de l'appareil",
                &path,
                e,
            ));
        }
    };
    let damaged = || Error::Damaged("la clé de l'appareil est illisible".into());
    let file: KeyFile = serde_json::from_slice(&bytes).map_err(|_| damaged())?;
    let secret: [u8; 32] = hex::decode(&file.secret)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(damaged)?;
    let pair = KeyPair::from_secret(&secret);
    if pair.public() != file.public_key {
        return Err(damaged());
    }
    Ok(Some(pair))
}

/// Writes a new key file if there is none.
pub(super) fn create_file(dir: &Path) -> Result<KeyPair> {
    if let Some(pair) = read(dir)? {
        return Ok(pair);
    }
    let pair = KeyPair::generate()?;
    let file = KeyFile {
        v: 1,
        secret: hex::encode(pair.secret_bytes()),
        public_key: pair.public(),
    };
    let bytes = serde_json::to_vec(&file).expect("a key file serializes");
    write_atomic(&dir.join(DEVICE_KEY_FILE), &bytes, Access::Private)?;
    Ok(pair)
}

impl Ledger {
    /// The public key recorded in the log, if any.
    pub fn recorded_device_key(&self) -> Result<Option<PublicKey>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT seq, payload FROM entries WHERE {} AND kind = 'device_key' ORDER BY seq DESC LIMIT 1",
            Kind::REGISTRY_SQL
        ))?;
        let mut rows = stmt.query([])?;
        match rows.next()? {
            None => Ok(None),
            Some(r) => {
                let seq = u64::try_from(r.get::<_, i64>(0)?).unwrap_or(0);
                let payload = r.get_ref(1)?.as_blob().unwrap_or(&[]);
                let rec: DeviceKeyRecord = decode(seq, payload)?;
                Ok(Some(rec.public_key))
            }
        }
    }

    /// The device's key pair without writing to the log, and the record to
    /// append when the log does not have its public key yet (so that a
    /// refused operation writes nothing).
    pub(super) fn device_key_pending(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(KeyPair, Option<DeviceKeyRecord>)> {
        let (pair, recorded) = self.key_pair()?;
        let record = (!recorded).then(|| DeviceKeyRecord {
            v: 1,
            public_key: pair.public(),
            recorded_at: now,
        });
        Ok((pair, record))
    }

    /// The key pair that signs this device's closures and reports, without
    /// writing to the log (created on first use).
    pub fn signing_key(&self) -> Result<KeyPair> {
        self.key_pair().map(|(pair, _)| pair)
    }

    /// The key pair, and whether the log already has its public key.
    fn key_pair(&self) -> Result<(KeyPair, bool)> {
        let recorded = self.recorded_device_key()?;
        match (read(&self.dir)?, recorded) {
            (Some(pair), Some(public)) if pair.public() == public => Ok((pair, true)),
            (Some(_), Some(_)) => Err(Error::Damaged(
                "la clé de l'appareil ne correspond plus à celle inscrite au registre : elle a été remplacée".into(),
            )),
            (None, Some(_)) => Err(Error::Damaged(
                "la clé de l'appareil a disparu du dossier de données : restaurez-la depuis la sauvegarde".into(),
            )),
            (_, None) => Ok((create_file(&self.dir)?, false)),
        }
    }

    /// The device's key pair, created (file, then log entry) the first time
    /// it is needed. A key file that does not match the key in the log is
    /// refused: the device's identity does not change silently.
    pub fn device_key(&mut self, now: chrono::DateTime<chrono::Utc>) -> Result<KeyPair> {
        let (pair, pending) = self.device_key_pending(now)?;
        if let Some(record) = pending {
            self.append(Kind::DeviceKey, &to_bytes(&record))?;
        }
        Ok(pair)
    }
}
