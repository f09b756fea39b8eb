//! Query tables derived from the log (`acts`, `followups`). They are
//! maintained in the same transaction as each append and can be rebuilt from
//! the entries at any time; never the other way round.

use rusqlite::types::Value;
use rusqlite::{Transaction, params};

use super::act_columns::ActColumns;
use super::entry::{Kind, Typed};
use super::followup_record::{FollowupEvent, FollowupRecord};
use crate::calendar::Month;
use crate::error::{Error, Result};

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
            let a: ActColumns = match typed {
                Typed::Act(a) => a.into(),
                _ => decode(seq, payload)?,
            };
            let values = act_values(seq, &a)?;
            tx.prepare_cached(&format!(
                "INSERT INTO acts ({ACT_COLUMNS}) VALUES ({})",
                vec!["?"; ACT_COLUMN_COUNT].join(", ")
            ))?
            .execute(rusqlite::params_from_iter(values.iter()))?;
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
        | Kind::DeviceKey
        | Kind::Alarm
        | Kind::Survey => {}
    }
    Ok(())
}

/// The columns of `acts` an act entry fills in, in the order of
/// [`act_values`]; `void_seq` is set by the void follow-up.
pub(super) const ACT_COLUMNS: &str = "seq, id, number, year, n, month, occurred_at, recorded_at, \
     delegue_rpps, delegant_rpps, taken_in_charge, training, delegue_name, delegue_profession, \
     delegant_name, structure_name, structure_postal_code, structure_finess, patient_postal_code, \
     protocol_id, protocol_version, protocol_sha256, orientation, urgency, reasons, delegue_cents, \
     delegant_cents";
pub(super) const ACT_COLUMN_COUNT: usize = 27;

/// The `acts` row an act entry gives: one function for the insert and for
/// `verify`, which compares every row with it.
pub(super) fn act_values(seq: u64, a: &ActColumns) -> Result<[Value; ACT_COLUMN_COUNT]> {
    let month = Month::of_instant(a.occurred_at);
    let n = number_within_year(seq, &a.number)?;
    let text = |s: &str| Value::Text(s.to_string());
    let opt = |s: &Option<String>| s.as_deref().map_or(Value::Null, text);
    Ok([
        Value::Integer(seq as i64),
        text(&a.id),
        text(&a.number),
        Value::Integer(i64::from(month.year)),
        Value::Integer(n),
        text(&month.to_string()),
        text(&a.occurred_at.to_rfc3339()),
        text(&a.recorded_at.to_rfc3339()),
        text(&a.delegue.rpps),
        text(&a.delegant.rpps),
        Value::Integer(i64::from(a.outcome.taken_in_charge)),
        Value::Integer(i64::from(a.training)),
        text(&a.delegue.name),
        opt(&a.delegue.profession),
        text(&a.delegant.name),
        text(&a.structure.name),
        text(&a.structure.postal_code),
        opt(&a.structure.finess),
        text(&a.patient.postal_code),
        text(&a.protocol.id),
        text(&a.protocol.version),
        text(&a.protocol.sha256),
        opt(&a.outcome.orientation),
        opt(&a.outcome.urgency),
        Value::Text(serde_json::to_string(&a.outcome.reasons).unwrap_or_default()),
        Value::Integer(i64::from(a.payment.delegue_cents)),
        Value::Integer(i64::from(a.payment.delegant_cents)),
    ])
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
