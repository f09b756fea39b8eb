//! Query tables derived from the log (`acts`, `followups`). They are
//! maintained in the same transaction as each append and can be rebuilt from
//! the entries at any time; never the other way round.

use rusqlite::{Transaction, params};

use super::chain::Kind;
use super::followups::{FollowupEvent, FollowupRecord};
use crate::act::ActRecord;
use crate::calendar::Month;
use crate::error::{Error, Result};

/// The record a payload was serialized from, when the appender has it at
/// hand: indexing it then costs no second decoding of the JSON (a tenth of
/// an append). Rebuilding from the log decodes.
#[derive(Clone, Copy)]
pub(super) enum Typed<'a> {
    Act(&'a ActRecord),
    Followup(&'a FollowupRecord),
    Unknown,
}

/// Adds the derived rows of one entry.
pub(super) fn index_entry(
    tx: &Transaction,
    seq: u64,
    kind: Kind,
    payload: &[u8],
    typed: Typed,
) -> Result<()> {
    match kind {
        Kind::Act => {
            let decoded: ActRecord;
            let a = match typed {
                Typed::Act(a) => a,
                _ => {
                    decoded = decode(seq, payload)?;
                    &decoded
                }
            };
            let month = Month::of_instant(a.occurred_at);
            let n = number_within_year(seq, &a.number)?;
            tx.prepare_cached(
                "INSERT INTO acts (seq, id, number, year, n, month, occurred_at, recorded_at, delegue_rpps, \
                 delegant_rpps, taken_in_charge, training, void_seq, delegue_name, delegue_profession, \
                 delegant_name, structure_name, structure_postal_code, structure_finess, \
                 patient_postal_code, protocol_id, protocol_version, protocol_sha256, orientation, \
                 urgency, reasons, delegue_cents, delegant_cents) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, NULL, ?13, ?14, ?15, ?16, \
                 ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27)",
            )?
            .execute(params![
                seq as i64,
                a.id,
                a.number,
                month.year,
                n,
                month.to_string(),
                a.occurred_at.to_rfc3339(),
                a.recorded_at.to_rfc3339(),
                a.delegue.rpps,
                a.delegant.rpps,
                a.taken_in_charge(),
                a.training,
                a.delegue.name,
                a.delegue.profession,
                a.delegant.name,
                a.structure.name,
                a.structure.postal_code,
                a.structure.finess,
                a.patient.postal_code,
                a.protocol.id,
                a.protocol.version,
                a.protocol.sha256,
                a.outcome.orientation,
                a.outcome.urgency,
                serde_json::to_string(&a.outcome.reasons).expect("strings serialize"),
                a.payment.delegue_cents,
                a.payment.delegant_cents,
            ])?;
        }
        Kind::Followup => {
            let decoded: FollowupRecord;
            let f = match typed {
                Typed::Followup(f) => f,
                _ => {
                    decoded = decode(seq, payload)?;
                    &decoded
                }
            };
            tx.prepare_cached("INSERT INTO followups (seq, act_id, type) VALUES (?1, ?2, ?3)")?
                .execute(params![seq as i64, f.act_id, f.event.type_name()])?;
            if let FollowupEvent::Void { .. } = f.event {
                tx.execute(
                    "UPDATE acts SET void_seq = ?1 WHERE id = ?2",
                    params![seq as i64, f.act_id],
                )?;
            }
        }
        Kind::Genesis
        | Kind::Structure
        | Kind::Professional
        | Kind::Closure
        | Kind::Bundle
        | Kind::Pin
        | Kind::SigninFailed
        | Kind::SigninOk
        | Kind::DeviceKey => {}
    }
    Ok(())
}

/// The running number of an act inside its year: `2026-0042` → 42.
fn number_within_year(seq: u64, number: &str) -> Result<i64> {
    number
        .split_once('-')
        .and_then(|(_, n)| n.parse().ok())
        .ok_or_else(|| {
            Error::Corrupt(format!(
                "entrée {seq} : numéro d'acte « {number} » illisible"
            ))
        })
}

/// Rebuilds every derived table from the log.
pub(super) fn rebuild(tx: &Transaction) -> Result<()> {
    tx.execute_batch("DELETE FROM followups; DELETE FROM acts;")?;
    let mut stmt = tx.prepare("SELECT seq, kind, payload FROM entries ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let kind: String = r.get(1)?;
        let payload: Vec<u8> = r.get(2)?;
        if let Some(kind) = Kind::parse(&kind) {
            index_entry(tx, seq as u64, kind, &payload, Typed::Unknown)?;
        }
    }
    Ok(())
}

pub(super) fn decode<T: serde::de::DeserializeOwned>(seq: u64, payload: &[u8]) -> Result<T> {
    serde_json::from_slice(payload)
        .map_err(|e| Error::Corrupt(format!("entrée {seq} illisible : {e}")))
}
