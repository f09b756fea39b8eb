//! The kinds of entries of the log, and the typed record an appender may
//! hand over with a payload. Shared by the chain (which appends), the
//! derived tables (which index) and every module that writes an entry, so
//! that none of them depends on another for these names.

use super::followup_record::FollowupRecord;
use crate::act::ActRecord;

/// What an entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// First entry: the device's identity.
    Genesis,
    Structure,
    Professional,
    Act,
    Followup,
    /// A month closed: count, totals, head hash.
    Closure,
    /// A CPTS bundle applied (its whole text, serial and SHA-256).
    Bundle,
    /// A PIN a délégué set (activation code or change); only its hash.
    Pin,
    /// A wrong PIN or activation code.
    SigninFailed,
    /// A right PIN after wrong ones: the failures stop counting.
    SigninOk,
    /// The device's public key.
    DeviceKey,
    /// Something a person must look at: a bundle found this log without
    /// the head the CPTS acknowledged (restored or rewritten), or the
    /// CPTS's acknowledgement of it.
    Alarm,
    /// A délégué's answers to the protocol's quarterly questionnaire (or
    /// « plus tard »).
    Survey,
}

impl Kind {
    pub const ALL: [Kind; 13] = [
        Kind::Genesis,
        Kind::Structure,
        Kind::Professional,
        Kind::Act,
        Kind::Followup,
        Kind::Closure,
        Kind::Bundle,
        Kind::Pin,
        Kind::SigninFailed,
        Kind::SigninOk,
        Kind::DeviceKey,
        Kind::Alarm,
        Kind::Survey,
    ];

    /// The kinds the registry is folded from, in the form of the partial
    /// index `entries_registry` (schema v5): queries repeat this exact list
    /// so that SQLite uses the index.
    pub const REGISTRY_SQL: &'static str = "kind IN ('structure', 'professional', 'bundle', 'pin', 'signin_failed', 'signin_ok', 'device_key')";

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Genesis => "genesis",
            Kind::Structure => "structure",
            Kind::Professional => "professional",
            Kind::Act => "act",
            Kind::Followup => "followup",
            Kind::Closure => "closure",
            Kind::Bundle => "bundle",
            Kind::Pin => "pin",
            Kind::SigninFailed => "signin_failed",
            Kind::SigninOk => "signin_ok",
            Kind::DeviceKey => "device_key",
            Kind::Alarm => "alarm",
            Kind::Survey => "survey",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The record a payload was serialized from, when the appender has it at
/// hand: indexing it then costs no second decoding of the JSON (a tenth of
/// an append). Rebuilding from the log decodes.
#[derive(Clone, Copy)]
pub(super) enum Typed<'a> {
    Act(&'a ActRecord),
    Followup(&'a FollowupRecord),
    Unknown,
}
