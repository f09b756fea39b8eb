//! The registry in the ledger: structure and professionals appended as
//! entries (latest wins), and PIN authentication with a persisted lockout.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{OptionalExtension, params};

use super::chain::Kind;
use super::index::decode;
use super::{Ledger, Recorded, to_bytes};
use crate::error::{Refusal, Result};
use crate::fr;
use crate::ids::Rpps;
use crate::registry::{
    DelegueRecord, PIN_LOCK_MINUTES, PIN_MAX_FAILURES, ProfessionalRecord, Registry,
    StructureRecord, verify_pin,
};

impl Ledger {
    /// The current registry: every structure and professional entry, in order.
    pub fn registry(&self) -> Result<Registry> {
        let mut reg = Registry::default();
        let mut stmt = self
            .conn
            .prepare("SELECT seq, kind, payload FROM entries WHERE kind IN ('structure', 'professional') ORDER BY seq")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let seq = r.get::<_, i64>(0)? as u64;
            let kind: String = r.get(1)?;
            let payload = r.get_ref(2)?.as_blob().unwrap_or(&[]);
            if kind == Kind::Structure.as_str() {
                reg.apply_structure(decode(seq, payload)?);
            } else {
                reg.apply_professional(decode(seq, payload)?);
            }
        }
        Ok(reg)
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

    pub fn add_professional(&mut self, p: &ProfessionalRecord) -> Result<Recorded> {
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

    /// Checks a délégué's PIN. Five wrong PINs in a row lock the délégué for
    /// five minutes; the count survives restarts. A correct PIN resets it.
    pub fn authenticate(
        &mut self,
        rpps: &Rpps,
        pin: &str,
        now: DateTime<Utc>,
    ) -> Result<DelegueRecord> {
        let reg = self.registry()?;
        let delegue = reg
            .delegue(rpps)
            .cloned()
            .ok_or_else(|| Refusal::UnknownDelegue(rpps.to_string()))?;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let state: Option<(i64, Option<String>)> = tx
            .query_row(
                "SELECT failures, locked_until FROM pin_attempts WHERE rpps = ?1",
                [rpps.as_str()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (failures, locked_until) = state.unwrap_or((0, None));
        if let Some(until) = locked_until.and_then(|u| DateTime::parse_from_rfc3339(&u).ok()) {
            let until = until.with_timezone(&Utc);
            if until > now {
                return Err(Refusal::PinLocked {
                    until: fr::datetime(until),
                }
                .into());
            }
        }
        if verify_pin(pin, &delegue.pin_hash) {
            tx.execute("DELETE FROM pin_attempts WHERE rpps = ?1", [rpps.as_str()])?;
            tx.commit()?;
            return Ok(delegue);
        }
        // A count edited below zero or past the limit locks, never panics.
        let failures = u32::try_from(failures)
            .unwrap_or(PIN_MAX_FAILURES)
            .saturating_add(1);
        let refusal = if failures >= PIN_MAX_FAILURES {
            let until = now + Duration::minutes(PIN_LOCK_MINUTES);
            tx.execute(
                "INSERT OR REPLACE INTO pin_attempts (rpps, failures, locked_until) VALUES (?1, 0, ?2)",
                params![rpps.as_str(), until.to_rfc3339()],
            )?;
            Refusal::PinLocked {
                until: fr::datetime(until),
            }
        } else {
            tx.execute(
                "INSERT OR REPLACE INTO pin_attempts (rpps, failures, locked_until) VALUES (?1, ?2, NULL)",
                params![rpps.as_str(), failures],
            )?;
            Refusal::WrongPin {
                remaining: PIN_MAX_FAILURES - failures,
            }
        };
        tx.commit()?;
        Err(refusal.into())
    }

    /// Whether this délégué is locked out right now (for the kiosk).
    pub fn locked_until(&self, rpps: &Rpps, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
        let until: Option<Option<String>> = self
            .conn
            .query_row(
                "SELECT locked_until FROM pin_attempts WHERE rpps = ?1",
                [rpps.as_str()],
                |r| r.get(0),
            )
            .optional()?;
        Ok(until
            .flatten()
            .and_then(|u| DateTime::parse_from_rfc3339(&u).ok())
            .map(|u| u.with_timezone(&Utc))
            .filter(|u| *u > now))
    }
}
