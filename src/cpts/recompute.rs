//! The CPTS never pays from a figure it did not recompute: a signed
//! report's indicators, payment lines and totals must be exactly what
//! `report::month::compute` gives from the report's own rows.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::report::MonthReport;
use crate::report::{month, rows_input};

/// Keys that are not figures: the rows and proof the figures are checked
/// against, and the seal.
const NOT_FIGURES: [&str; 5] = [
    "rows",
    "chain",
    "device_public_key",
    "content_sha256",
    "signature",
];

/// What each act under a protocol pays (délégué, délégant), by the
/// protocol's SHA-256: every version the CPTS ever validated.
pub type Amounts = BTreeMap<String, (u32, u32)>;

/// Every paid row pays what its protocol says: the device cannot raise an
/// act's price in its rows, whatever figures it computes from them; and
/// every questionnaire counted is under a protocol the CPTS validated.
pub fn check_amounts(r: &MonthReport, amounts: &Amounts) -> Result<(), String> {
    let Some(rows) = &r.rows else {
        return Ok(());
    };
    let acts = rows
        .acts
        .iter()
        .chain(&rows.late_acts)
        .chain(rows.late_followups.iter().map(|f| &f.act));
    for a in acts {
        if !a.taken_in_charge || a.training {
            continue;
        }
        match amounts.get(a.protocol.sha256.as_str()) {
            None => {
                return Err(format!(
                    "l'acte {} relève du protocole {} version {} (empreinte {}…), que la CPTS n'a jamais validé",
                    a.number,
                    a.protocol.id,
                    a.protocol.version,
                    a.protocol.sha256.chars().take(12).collect::<String>()
                ));
            }
            Some(&(delegue, delegant))
                if (a.delegue_cents, a.delegant_cents) != (delegue, delegant) =>
            {
                return Err(format!(
                    "l'acte {} est compté {} + {} centimes, son protocole en prévoit {delegue} + {delegant}",
                    a.number, a.delegue_cents, a.delegant_cents
                ));
            }
            Some(_) => {}
        }
    }
    // A questionnaire counts for the ARS under a protocol the CPTS
    // validated, as a paid act does.
    for s in &rows.surveys {
        if !s.training && !amounts.contains_key(s.protocol.sha256.as_str()) {
            return Err(format!(
                "le questionnaire de l'entrée {} relève du protocole {} version {} (empreinte {}…), que la CPTS n'a jamais validé",
                s.seq,
                s.protocol.id,
                s.protocol.version,
                s.protocol.sha256.chars().take(12).collect::<String>()
            ));
        }
    }
    Ok(())
}

/// A figure the rows do not give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disagreement {
    /// Where, as a JSON path: `remuneration.delegues[0].cents`.
    pub figure: String,
    pub stated: String,
    pub recomputed: String,
}

/// Recomputes every figure of `r` from its rows and names the first that
/// differs. `Err(Err(why))` when the rows themselves cannot be read.
pub fn check(r: &MonthReport) -> Result<(), Result<Disagreement, String>> {
    let Some(rows_of) = &r.rows else {
        return Ok(());
    };
    let input = rows_input::to_input(r, rows_of).map_err(Err)?;
    let recomputed = month::compute(&input, &r.software);
    let strip = |v: Value| match v {
        Value::Object(mut m) => {
            for k in NOT_FIGURES {
                m.remove(k);
            }
            Value::Object(m)
        }
        other => other,
    };
    let stated = strip(serde_json::to_value(r).unwrap_or(Value::Null));
    let again = strip(serde_json::to_value(&recomputed).unwrap_or(Value::Null));
    match first_difference(&stated, &again, String::new()) {
        None => Ok(()),
        Some(d) => Err(Ok(d)),
    }
}

fn first_difference(a: &Value, b: &Value, at: String) -> Option<Disagreement> {
    let show = |v: Option<&Value>| v.map_or("absent".to_string(), |v| v.to_string());
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter().find_map(|k| {
                let path = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                match (x.get(k), y.get(k)) {
                    (Some(p), Some(q)) => first_difference(p, q, path),
                    (p, q) => Some(Disagreement {
                        figure: path,
                        stated: show(p),
                        recomputed: show(q),
                    }),
                }
            })
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| first_difference(p, q, format!("{at}[{i}]"))),
        (Value::Array(x), Value::Array(y)) => Some(Disagreement {
            figure: at,
            stated: format!("{} éléments", x.len()),
            recomputed: format!("{} éléments", y.len()),
        }),
        (p, q) if p == q => None,
        (p, q) => Some(Disagreement {
            figure: at,
            stated: show(Some(p)),
            recomputed: show(Some(q)),
        }),
    }
}
