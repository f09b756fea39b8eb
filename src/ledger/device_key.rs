//! The device's own key pair (Ed25519): it signs the device's closures and
//! reports, and the CPTS enrols the device by its public key. The secret is
//! kept in `device.key`, owner-only, in the data folder, sealed with the
//! data key (a stolen disk does not let anyone sign as the device); its public key is an
//! entry of the chained log, so a key swapped behind the ledger's back is
//! evident.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::entry::Kind;
use super::index::decode;
use super::{Ledger, to_bytes};
use crate::crypto::{DataKey, KeyPair, PublicKey};
use crate::error::{Error, Result};
use crate::files::{Access, write_atomic};

pub const DEVICE_KEY_FILE: &str = "device.key";

/// The key file before encryption at rest: the secret in hex.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClearKeyFile {
    v: u32,
    /// 64 hex digits of the secret key.
    secret: String,
    public_key: PublicKey,
}

/// The key file: the secret sealed with the data key.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyFile {
    v: u32,
    /// Hex of the nonce, ciphertext and tag ([`DataKey::seal`]).
    sealed_secret: String,
    public_key: PublicKey,
}

/// What the sealed secret is, so that no other sealed value passes for it.
const CONTEXT: &[u8] = b"protocoop-device-key-v2";

/// The public key recorded in the log.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DeviceKeyRecord {
    pub v: u32,
    pub public_key: PublicKey,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
}

fn damaged() -> Error {
    Error::Damaged("la clé de l'appareil est illisible".into())
}

/// The key pair in the file, and whether the file is still in clear.
fn read(dir: &Path, key: &DataKey) -> Result<Option<(KeyPair, bool)>> {
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
    let (secret, public, clear) = match serde_json::from_slice::<KeyFile>(&bytes) {
        Ok(file) if file.v == 2 => {
            let sealed = hex::decode(&file.sealed_secret).map_err(|_| damaged())?;
            let secret = key.open(&sealed, CONTEXT).ok_or_else(damaged)?;
            (secret, file.public_key, false)
        }
        Ok(_) => return Err(damaged()),
        Err(_) => {
            let file: ClearKeyFile = serde_json::from_slice(&bytes).map_err(|_| damaged())?;
            let secret = hex::decode(&file.secret).map_err(|_| damaged())?;
            (zeroize::Zeroizing::new(secret), file.public_key, true)
        }
    };
    let secret: [u8; 32] = secret.as_slice().try_into().map_err(|_| damaged())?;
    let pair = KeyPair::from_secret(&secret);
    if pair.public() != public {
        return Err(damaged());
    }
    Ok(Some((pair, clear)))
}

fn write(dir: &Path, pair: &KeyPair, key: &DataKey) -> Result<()> {
    let file = KeyFile {
        v: 2,
        sealed_secret: hex::encode(key.seal(&pair.secret_bytes(), CONTEXT)?),
        public_key: pair.public(),
    };
    // Never an empty file in place of the key.
    let bytes = serde_json::to_vec(&file)
        .map_err(|e| Error::Storage(format!("clé de l'appareil non sérialisable : {e}")))?;
    write_atomic(&dir.join(DEVICE_KEY_FILE), &bytes, Access::Private)
}

/// Writes a new key file if there is none.
pub(super) fn create_file(dir: &Path, key: &DataKey) -> Result<KeyPair> {
    if let Some((pair, _)) = read(dir, key)? {
        return Ok(pair);
    }
    let pair = KeyPair::generate()?;
    write(dir, &pair, key)?;
    Ok(pair)
}

/// A key file written before encryption at rest is sealed with the data
/// key (the same key pair: the device keeps its identity).
pub(super) fn encrypt_clear_file(dir: &Path, key: &DataKey) -> Result<()> {
    if let Some((pair, true)) = read(dir, key)? {
        write(dir, &pair, key)?;
    }
    Ok(())
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
        match (read(&self.dir, &self.key)?.map(|(pair, _)| pair), recorded) {
            (Some(pair), Some(public)) if pair.public() == public => Ok((pair, true)),
            (Some(_), Some(_)) => Err(Error::Damaged(
                "la clé de l'appareil ne correspond plus à celle inscrite au registre : elle a été remplacée".into(),
            )),
            (None, Some(_)) => Err(Error::Damaged(
                "la clé de l'appareil a disparu du dossier de données : restaurez-la depuis la sauvegarde".into(),
            )),
            (_, None) => Ok((create_file(&self.dir, &self.key)?, false)),
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
