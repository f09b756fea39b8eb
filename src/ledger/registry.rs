//! The registry in the ledger: the structure, the professionals entered on
//! a training device, the CPTS bundles applied, the PINs délégués set, and
//! sign-ins — all appended to the chained log, so that the lock-out cannot
//! be undone by deleting a row or moving the clock.

use chrono::{DateTime, Duration, Timelike, Utc};
use rusqlite::{Connection, OptionalExtension};

use super::chain;
use super::device_key::DeviceKeyRecord;
use super::entry::Kind;
use super::entry::Typed;
use super::index::decode;
use super::{Authenticated, Ledger, Recorded, to_bytes};
use crate::bundle::{Bundle, BundleRecord, DelegueStatus};
use crate::crypto::PublicKey;
use crate::crypto::codes;
use crate::error::{Error, Refusal, Result};
use crate::ids::Rpps;
use crate::registry::{
    ActivationInForce, Attachment, DelegantRecord, DelegueRecord, PIN_BLOCK_FAILURES,
    PIN_LOCK_MINUTES, PIN_MAX_FAILURES, PinRecord, ProfessionalRecord, Registry, Restored,
    SigninRecord, StructureRecord, hash_pin, parse_new_pin, verify_pin,
};

/// Stored payload of an `alarm` entry: what a bundle found (`restored`:
/// the log lacks the head the CPTS acknowledged) or cleared
/// (`acknowledged`). The state itself is folded from the bundles; this
/// entry says it in the log where a person reading it will see it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct AlarmRecord {
    pub v: u32,
    pub what: String,
    pub bundle_serial: u64,
    pub acknowledged_seq: Option<u64>,
    pub acknowledged_hash: Option<String>,
    pub recorded_at: DateTime<Utc>,
}

/// A bundle entry the log should not hold (see [`attach`]).
pub(super) struct BundleProblem {
    pub seq: u64,
    pub message: String,
}

/// The registry folded from these entries, in log order.
pub(super) fn fold(conn: &Connection) -> Result<Registry> {
    fold_checked(conn)?.map_err(|p| Error::Corrupt(p.message))
}

/// The registry, or the first bundle entry that breaks the CPTS's rules.
pub(super) fn fold_checked(
    conn: &Connection,
) -> Result<std::result::Result<Registry, BundleProblem>> {
    let mut reg = Registry::default();
    let mut device_key: Option<PublicKey> = None;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT seq, kind, payload FROM entries WHERE {} AND kind IN ('structure', 'professional', 'bundle', 'pin', 'device_key') ORDER BY seq",
        Kind::REGISTRY_SQL
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let seq = u64::try_from(r.get::<_, i64>(0)?).unwrap_or(0);
        let kind: String = r.get(1)?;
        let payload = r.get_ref(2)?.as_blob().unwrap_or(&[]);
        match Kind::parse(&kind) {
            Some(Kind::Structure) => reg.apply_structure(decode(seq, payload)?),
            Some(Kind::Professional) => reg.apply_professional(decode(seq, payload)?),
            Some(Kind::Pin) => reg.apply_pin(decode(seq, payload)?),
            Some(Kind::DeviceKey) => {
                let k: DeviceKeyRecord = decode(seq, payload)?;
                device_key = Some(k.public_key);
            }
            Some(Kind::Bundle) => {
                let record: BundleRecord = decode(seq, payload)?;
                match attach(&mut reg, seq, &record) {
                    Err(message) => return Ok(Err(BundleProblem { seq, message })),
                    Ok(bundle) => check_head(conn, &mut reg, seq, &bundle, device_key.as_ref())?,
                }
            }
            _ => {}
        }
    }
    Ok(Ok(reg))
}

/// Replaces the professionals with a bundle's — after checking, against the
/// log itself, what `Bundle::open` checked when it was applied: signed by the
/// key the first bundle pinned, a serial higher than the one before, and the
/// record's serial and SHA-256 those of its text. A bundle entry slipped into
/// the log by hand (another key, an older bundle replayed) is evident here
/// and refused, not obeyed.
fn attach(
    reg: &mut Registry,
    seq: u64,
    record: &BundleRecord,
) -> std::result::Result<Bundle, String> {
    let tampered = |why: &str| format!("entrée {seq} : lot de la CPTS {why}");
    let bundle = Bundle::reread(&record.text).map_err(|_| tampered("illisible ou mal signé"))?;
    let p = &bundle.payload;
    if let Some(pinned) = &reg.attachment {
        if pinned.cpts_key != p.cpts.public_key {
            return Err(tampered("signé par une autre clé que celle épinglée"));
        }
        if p.serial <= pinned.serial {
            return Err(tampered("plus ancien que le précédent (rejoué)"));
        }
    }
    if record.serial != p.serial
        || record.sha256 != bundle.sha256
        || record.cpts_fingerprint != p.cpts.public_key.fingerprint()
    {
        return Err(tampered("dont l'inscription ne correspond pas au contenu"));
    }
    let delegues = p
        .delegues
        .iter()
        .map(|d| {
            let record = DelegueRecord {
                v: 1,
                rpps: d.rpps.clone(),
                name: d.name.clone(),
                profession: d.profession,
                trained_on: Some(d.trained_on),
                pin_hash: String::new(),
                active: d.status == DelegueStatus::Active,
                recorded_at: p.created_at,
            };
            let activation = d.activation.as_ref().map(|a| ActivationInForce {
                id: a.id.clone(),
                code_hash: a.code_hash.clone(),
            });
            (record, activation)
        })
        .collect();
    let delegants = p
        .delegants
        .iter()
        .map(|d| DelegantRecord {
            v: 1,
            rpps: d.rpps.clone(),
            name: d.name.clone(),
            address: d.address.clone(),
            phone: d.phone.clone(),
            active: true,
            recorded_at: p.created_at,
            profession: d.profession,
        })
        .collect();
    reg.attach(
        Attachment {
            serial: p.serial,
            created_at: p.created_at,
            applied_at: record.applied_at,
            cpts_name: p.cpts.name.clone(),
            cpts_key: p.cpts.public_key,
            bundle_sha256: record.sha256.clone(),
            pharmacies: p.pharmacies,
            roster: p.roster.clone(),
            text: record.text.clone(),
        },
        delegues,
        delegants,
    );
    Ok(bundle)
}

/// Whether this log still holds the head the CPTS acknowledged for this
/// device when bundle `seq` was written: an entry before the bundle with
/// that seq and hash. The log is append-only, so the answer is the same
/// every time the log is folded: a restore, once found, stays found until
/// a later bundle acknowledges it.
fn check_head(
    conn: &Connection,
    reg: &mut Registry,
    seq: u64,
    bundle: &Bundle,
    device_key: Option<&PublicKey>,
) -> Result<()> {
    let Some(me) =
        device_key.and_then(|k| bundle.payload.devices.iter().find(|d| d.public_key == *k))
    else {
        return Ok(());
    };
    if me.restore_acknowledged {
        reg.restored = None;
        return Ok(());
    }
    if let Some(h) = &me.acknowledged_head {
        let held: Option<Vec<u8>> = conn
            .prepare_cached("SELECT hash FROM entries WHERE seq = ?1")?
            .query_row([h.seq as i64], |r| r.get(0))
            .optional()?;
        let holds = h.seq < seq && held.is_some_and(|x| hex::encode(x) == h.hash);
        if !holds && reg.restored.is_none() {
            reg.restored = Some(Restored {
                bundle_seq: seq,
                acknowledged_seq: h.seq,
                acknowledged_hash: h.hash.clone(),
            });
        }
    }
    Ok(())
}

/// Wrong PINs (or activation codes) in a row for a délégué, and when the
/// last one was tried. Failures made under an older activation code, or
/// before the PIN was last set, or before a right PIN, do not count.
fn failures(
    conn: &Connection,
    rpps: &Rpps,
    activation: Option<&str>,
) -> Result<(u32, Option<DateTime<Utc>>)> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT seq, kind, payload FROM entries WHERE {} AND kind IN ('professional', 'pin', 'signin_failed', 'signin_ok') ORDER BY seq DESC",
        Kind::REGISTRY_SQL
    ))?;
    let mut rows = stmt.query([])?;
    let mut count = 0u32;
    let mut last = None;
    while let Some(r) = rows.next()? {
        let seq = u64::try_from(r.get::<_, i64>(0)?).unwrap_or(0);
        let kind: String = r.get(1)?;
        let payload = r.get_ref(2)?.as_blob().unwrap_or(&[]);
        match Kind::parse(&kind) {
            Some(Kind::SigninFailed) => {
                let s: SigninRecord = decode(seq, payload)?;
                if s.rpps == *rpps && s.activation_id.as_deref() == activation {
                    count = count.saturating_add(1);
                    last = last.or(Some(s.at));
                }
            }
            Some(Kind::SigninOk) => {
                let s: SigninRecord = decode(seq, payload)?;
                if s.rpps == *rpps {
                    break;
                }
            }
            Some(Kind::Pin) => {
                let p: PinRecord = decode(seq, payload)?;
                if p.rpps == *rpps {
                    break;
                }
            }
            Some(Kind::Professional) => {
                let p: ProfessionalRecord = decode(seq, payload)?;
                if matches!(&p, ProfessionalRecord::Delegue(d) if d.rpps == *rpps) {
                    break;
                }
            }
            _ => {}
        }
    }
    Ok((count, last))
}

/// What a sign-in attempt found, decided inside the write transaction and
/// told after it committed (a refusal must not roll back its own record).
enum Attempt {
    /// The délégué, and the activation code her PIN descends from.
    Accepted(DelegueRecord, Option<String>),
    Refused(Refusal),
}

/// One sign-in, inside a write transaction: the lock-out, the PIN, and the
/// failure (or the end of the failures) appended to the log.
fn sign_in(
    tx: &rusqlite::Transaction,
    rpps: &Rpps,
    pin: &str,
    now: DateTime<Utc>,
) -> Result<Attempt> {
    let reg = fold(tx)?;
    let delegue = reg
        .delegue_any(rpps)
        .cloned()
        .ok_or_else(|| match reg.delegant(rpps) {
            Some(d) => Refusal::NotADelegue {
                rpps: rpps.to_string(),
                name: d.name.clone(),
            },
            None => Refusal::UnknownDelegue(rpps.to_string()),
        })?;
    if !delegue.active {
        return Ok(Attempt::Refused(Refusal::Revoked { name: delegue.name }));
    }
    let activation = reg.activation(rpps).map(|a| a.id.clone());
    let Some(pin_hash) = reg.pin_hash(rpps).map(str::to_string) else {
        return Ok(Attempt::Refused(Refusal::NotActivated {
            name: delegue.name,
        }));
    };
    let (count, last) = failures(tx, rpps, activation.as_deref())?;
    if let Some(r) = lockout(&delegue, count, last, now) {
        return Ok(Attempt::Refused(r));
    }
    let signin = SigninRecord {
        v: 1,
        rpps: rpps.clone(),
        activation_id: activation.clone(),
        at: now,
    };
    if verify_pin(pin, &pin_hash) {
        if count > 0 {
            chain::append(tx, Kind::SigninOk, &to_bytes(&signin), Typed::Unknown)?;
        }
        return Ok(Attempt::Accepted(
            DelegueRecord {
                pin_hash,
                ..delegue
            },
            activation,
        ));
    }
    chain::append(tx, Kind::SigninFailed, &to_bytes(&signin), Typed::Unknown)?;
    Ok(Attempt::Refused(after_failure(&delegue, count + 1, now)))
}

impl Ledger {
    /// The current registry.
    pub fn registry(&self) -> Result<Registry> {
        fold(&self.conn)
    }

    /// The protocol of the CPTS bundle in force, attested (acts under it are
    /// real), or `None` on a training device.
    pub fn cpts_protocol(&self) -> Result<Option<crate::protocol::Protocol>> {
        let reg = self.registry()?;
        match &reg.attachment {
            None => Ok(None),
            Some(a) => Bundle::reread(&a.text)?.protocol().map(Some),
        }
    }

    pub fn set_structure(&mut self, s: &StructureRecord) -> Result<Recorded> {
        let (seq, hash) = self.append(Kind::Structure, &to_bytes(s))?;
        Ok(Recorded {
            id: s.name.clone(),
            number: String::new(),
            seq,
            hash,
        })
    }

    /// Registers a professional on a training device. Once the device is
    /// attached to a CPTS, professionals come from its bundles only.
    pub fn add_professional(&mut self, p: &ProfessionalRecord) -> Result<Recorded> {
        if self.registry()?.is_attached() {
            return Err(Refusal::RegistryFromCpts.into());
        }
        let rpps = match p {
            ProfessionalRecord::Delegue(d) => d.rpps.to_string(),
            ProfessionalRecord::Delegant(d) => d.rpps.to_string(),
        };
        let (seq, hash) = self.append(Kind::Professional, &to_bytes(p))?;
        Ok(Recorded {
            id: rpps,
            number: String::new(),
            seq,
            hash,
        })
    }

    /// Checks a délégué's PIN. Five wrong ones in a row lock her for five
    /// minutes (each further one for five more); ten block her until the
    /// CPTS reactivates her. Every failure is an entry of the chained log:
    /// neither a restart, nor a clock moved forward, nor a deleted row
    /// gives the guesses back.
    pub fn authenticate(
        &mut self,
        rpps: &Rpps,
        pin: &str,
        now: DateTime<Utc>,
    ) -> Result<Authenticated> {
        let attempt = self.write(|tx| sign_in(tx, rpps, pin, now))?;
        match attempt {
            Attempt::Accepted(d, _) => Ok(Authenticated::new(d)),
            Attempt::Refused(r) => Err(r.into()),
        }
    }

    /// Whether this délégué is locked out right now, and until when (for
    /// the kiosk's countdown).
    pub fn locked_until(&self, rpps: &Rpps, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
        let reg = self.registry()?;
        let activation = reg.activation(rpps).map(|a| a.id.clone());
        let (count, last) = failures(&self.conn, rpps, activation.as_deref())?;
        Ok(match last {
            Some(at) if (PIN_MAX_FAILURES..PIN_BLOCK_FAILURES).contains(&count) => {
                let until = lock_end(at);
                (until > now).then_some(until)
            }
            _ => None,
        })
    }

    /// The délégué sets her PIN with the activation code the CPTS gave her
    /// (attached devices only). A wrong code counts as a wrong PIN; a code
    /// already used on this device is refused.
    pub fn activate(
        &mut self,
        rpps: &Rpps,
        code: &str,
        new_pin: &str,
        now: DateTime<Utc>,
    ) -> Result<Recorded> {
        let new_pin = parse_new_pin("PIN", new_pin)?;
        let pin_hash = hash_pin(&new_pin)?;
        let outcome = self.write(|tx| {
            let reg = fold(tx)?;
            if !reg.is_attached() {
                return Err(Error::input(
                    "--code",
                    "appareil de formation (non rattaché à une CPTS) : le délégué est enregistré avec son code PIN, sans code d'activation",
                ));
            }
            let delegue = reg
                .delegue_any(rpps)
                .cloned()
                .ok_or_else(|| Refusal::UnknownDelegue(rpps.to_string()))?;
            if !delegue.active {
                return Ok(Err(Refusal::Revoked { name: delegue.name }));
            }
            let Some(activation) = reg.activation(rpps).cloned() else {
                return Ok(Err(Refusal::WrongActivationCode));
            };
            let (count, last) = failures(tx, rpps, Some(&activation.id))?;
            if let Some(r) = lockout(&delegue, count, last, now) {
                return Ok(Err(r));
            }
            if !codes::code_matches(code, &activation.code_hash) {
                let signin = SigninRecord {
                    v: 1,
                    rpps: rpps.clone(),
                    activation_id: Some(activation.id.clone()),
                    at: now,
                };
                chain::append(tx, Kind::SigninFailed, &to_bytes(&signin), Typed::Unknown)?;
                return Ok(Err(match after_failure(&delegue, count + 1, now) {
                    Refusal::WrongPin { .. } => Refusal::WrongActivationCode,
                    other => other,
                }));
            }
            if used(tx, rpps, &activation.id)? {
                return Ok(Err(Refusal::ActivationUsed));
            }
            let record = PinRecord {
                v: 1,
                rpps: rpps.clone(),
                pin_hash: pin_hash.clone(),
                via: "activation".into(),
                activation_id: Some(activation.id),
                recorded_at: now,
            };
            append_pin(tx, &record).map(Ok)
        })?;
        outcome.map_err(Error::from)
    }

    /// The délégué changes her PIN with her current one — checked and
    /// replaced in one transaction, under the activation code that current
    /// PIN was verified against (a reset by the CPTS in between cannot be
    /// slipped past).
    pub fn change_pin(
        &mut self,
        rpps: &Rpps,
        current: &str,
        new_pin: &str,
        now: DateTime<Utc>,
    ) -> Result<Recorded> {
        let new_pin = parse_new_pin("PIN", new_pin)?;
        let pin_hash = hash_pin(&new_pin)?;
        let outcome = self.write(|tx| match sign_in(tx, rpps, current, now)? {
            Attempt::Refused(r) => Ok(Err(r)),
            Attempt::Accepted(_, activation) => {
                let record = PinRecord {
                    v: 1,
                    rpps: rpps.clone(),
                    pin_hash: pin_hash.clone(),
                    via: "change".into(),
                    activation_id: activation,
                    recorded_at: now,
                };
                append_pin(tx, &record).map(Ok)
            }
        })?;
        outcome.map_err(Error::from)
    }

    /// Applies a CPTS bundle (see [`Bundle::open`] for every check); the
    /// whole file is appended to the log.
    pub fn apply_bundle(
        &mut self,
        text: &str,
        expect_fingerprint: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(Recorded, Bundle)> {
        let (pair, pending_key) = self.device_key_pending(now)?;
        let device = pair.public();
        let bundle = self.write(|tx| {
            let reg = fold(tx)?;
            let pinned = crate::bundle::Pinned {
                key: reg.attachment.as_ref().map(|a| &a.cpts_key),
                serial: reg.attachment.as_ref().map_or(0, |a| a.serial),
            };
            let bundle = Bundle::open(text, pinned, expect_fingerprint, &device)?;
            if let Some(key) = &pending_key {
                chain::append(tx, Kind::DeviceKey, &to_bytes(key), Typed::Unknown)?;
            }
            let record = BundleRecord {
                v: 1,
                serial: bundle.payload.serial,
                sha256: bundle.sha256.clone(),
                cpts_fingerprint: bundle.payload.cpts.public_key.fingerprint(),
                applied_at: now,
                text: text.to_string(),
            };
            let before = reg.restored.clone();
            let (mut seq, mut hash) =
                chain::append(tx, Kind::Bundle, &to_bytes(&record), Typed::Unknown)?;
            let after = fold(tx)?.restored;
            if before != after {
                let alarm = AlarmRecord {
                    v: 1,
                    what: if after.is_some() {
                        "restored".into()
                    } else {
                        "acknowledged".into()
                    },
                    bundle_serial: bundle.payload.serial,
                    acknowledged_seq: after.as_ref().map(|r| r.acknowledged_seq),
                    acknowledged_hash: after.as_ref().map(|r| r.acknowledged_hash.clone()),
                    recorded_at: now,
                };
                (seq, hash) = chain::append(tx, Kind::Alarm, &to_bytes(&alarm), Typed::Unknown)?;
            }
            Ok((seq, hash, bundle))
        })?;
        let (seq, hash, bundle) = bundle;
        // The data key goes in escrow to the CPTS's recovery key. The
        // bundle is applied whatever happens here: a key file that cannot
        // be written now is escrowed at the next bundle.
        if let Ok(Some(to)) = bundle.recovery_key() {
            let _ = super::key_file::escrow_to(&self.dir, &self.key, &to);
        }
        Ok((
            Recorded {
                id: bundle.sha256.clone(),
                number: bundle.payload.serial.to_string(),
                seq,
                hash: hex::encode(hash),
            },
            bundle,
        ))
    }
}

fn append_pin(tx: &rusqlite::Transaction, record: &PinRecord) -> Result<Recorded> {
    let (seq, hash) = chain::append(tx, Kind::Pin, &to_bytes(record), Typed::Unknown)?;
    Ok(Recorded {
        id: record.rpps.to_string(),
        number: String::new(),
        seq,
        hash: hex::encode(hash),
    })
}

/// Whether an activation code already set a PIN on this device.
fn used(conn: &Connection, rpps: &Rpps, activation: &str) -> Result<bool> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT seq, payload FROM entries WHERE {} AND kind = 'pin' ORDER BY seq",
        Kind::REGISTRY_SQL
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let seq = u64::try_from(r.get::<_, i64>(0)?).unwrap_or(0);
        let payload = r.get_ref(1)?.as_blob().unwrap_or(&[]);
        let p: PinRecord = decode(seq, payload)?;
        if p.rpps == *rpps
            && p.via == "activation"
            && p.activation_id.as_deref() == Some(activation)
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The refusal in force before any try, if any.
fn lockout(
    d: &DelegueRecord,
    count: u32,
    last: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<Refusal> {
    if count >= PIN_BLOCK_FAILURES {
        return Some(Refusal::PinBlocked {
            name: d.name.clone(),
        });
    }
    if count >= PIN_MAX_FAILURES
        && let Some(at) = last
    {
        // A clock set back before the last failure keeps the lock.
        let until = lock_end(at);
        if now < until {
            return Some(Refusal::PinLocked {
                until,
                remaining: PIN_BLOCK_FAILURES - count,
            });
        }
    }
    None
}

/// When a lock-out that began at `at` ends: `PIN_LOCK_MINUTES` later,
/// rounded up to the whole minute, so that the time shown (« verrouillé
/// jusqu'à 09:56 », in minutes) is the moment the right PIN works again.
fn lock_end(at: DateTime<Utc>) -> DateTime<Utc> {
    let end = at + Duration::minutes(PIN_LOCK_MINUTES);
    let into = Duration::seconds(i64::from(end.second()))
        + Duration::nanoseconds(i64::from(end.nanosecond() % 1_000_000_000));
    if into.is_zero() {
        end
    } else {
        end - into + Duration::minutes(1)
    }
}

/// The refusal after the `count`-th failure in a row.
fn after_failure(d: &DelegueRecord, count: u32, now: DateTime<Utc>) -> Refusal {
    if count >= PIN_BLOCK_FAILURES {
        Refusal::PinBlocked {
            name: d.name.clone(),
        }
    } else if count >= PIN_MAX_FAILURES {
        Refusal::PinLocked {
            until: lock_end(now),
            remaining: PIN_BLOCK_FAILURES - count,
        }
    } else {
        Refusal::WrongPin {
            remaining: PIN_MAX_FAILURES - count,
        }
    }
}

#[cfg(test)]
mod lock_tests {
    use super::*;
    use crate::fr;

    /// Whatever the second of the last failure, the lock ends on the
    /// minute shown, at least five minutes later and less than six.
    #[test]
    fn le_verrouillage_finit_a_la_minute_affichee() {
        let base: DateTime<Utc> = "2026-11-23T08:50:00Z".parse().unwrap();
        for ms in (0..60_000).step_by(250).chain([1, 59_999]) {
            let at = base + Duration::milliseconds(ms);
            let end = lock_end(at);
            assert_eq!((end.second(), end.nanosecond()), (0, 0), "{at}");
            assert!(end >= at + Duration::minutes(PIN_LOCK_MINUTES), "{at}");
            assert!(end < at + Duration::minutes(PIN_LOCK_MINUTES + 1), "{at}");
            // The minute shown is the end itself.
            assert_eq!(fr::datetime(end), fr::datetime(end + Duration::seconds(59)));
        }
    }
}
