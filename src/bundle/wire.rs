//! The bundle's payload as written (JSON inside the signed envelope).
//! Version 1; fields are only ever added, with defaults, in a new version.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::crypto::PublicKey;
use crate::ids::Rpps;
use crate::registry::{DelegantProfession, Profession};

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundlePayload {
    pub schema_version: u32,
    /// Grows with every bundle the CPTS writes: a device refuses one not
    /// newer than the last it applied.
    pub serial: u64,
    pub cpts: CptsIdentity,
    pub created_at: DateTime<Utc>,
    pub protocols: Vec<BundleProtocol>,
    pub delegants: Vec<BundleDelegant>,
    pub delegues: Vec<BundleDelegue>,
    /// The duty roster, as a `garde.toml` text.
    pub roster: Option<String>,
    /// Pharmacies of the territory (for the share involved).
    pub pharmacies: Option<u64>,
    pub devices: Vec<BundleDevice>,
    /// The CPTS's recovery key (`age1…`, X25519): each device escrows its
    /// data key to it, so that the CPTS can reopen a device whose
    /// passphrase is lost. Absent from bundles written before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CptsIdentity {
    pub name: String,
    pub public_key: PublicKey,
}

/// A protocol file exactly as the délégant validated it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleProtocol {
    pub text: String,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleDelegant {
    pub rpps: Rpps,
    pub name: String,
    pub profession: DelegantProfession,
    pub address: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DelegueStatus {
    Active,
    Revoked,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleDelegue {
    pub rpps: Rpps,
    pub name: String,
    pub profession: Profession,
    pub trained_on: NaiveDate,
    pub status: DelegueStatus,
    /// The activation code in force, hashed; a reset gives a new one.
    pub activation: Option<Activation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Activation {
    /// Identifies this code: a PIN set with an older code no longer counts.
    pub id: String,
    /// Argon2id PHC string of the code.
    pub code_hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleDevice {
    pub name: String,
    pub public_key: PublicKey,
    /// The last head of this device's log the CPTS acknowledged: the
    /// closure entry of its last signed report (`null` before the first).
    /// A device whose log does not hold it was restored or rewritten.
    #[serde(default)]
    pub acknowledged_head: Option<AcknowledgedHead>,
    /// The CPTS looked into this device's restored or rewritten log and
    /// accepts it as it is now (`cpts device acknowledge`).
    #[serde(default)]
    pub restore_acknowledged: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgedHead {
    pub seq: u64,
    pub hash: String,
}
