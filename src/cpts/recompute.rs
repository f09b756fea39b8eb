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

/// What the CPTS knows of a protocol version it validated: what an act
/// pays, and its questionnaire's questions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validated {
    pub id: String,
    pub delegue_cents: u32,
    pub delegant_cents: u32,
    /// The questionnaire's question ids, in its order, when it has one.
    pub questions: Option<Vec<String>>,
}

/// Every protocol version the CPTS ever validated, by SHA-256.
pub type ValidatedProtocols = BTreeMap<String, Validated>;

/// Every paid row pays what its protocol says: the device cannot raise an
/// act's price in its rows, whatever figures it computes from them; and
/// every questionnaire counted is under a protocol the CPTS validated.
pub fn check_against_protocols(
    r: &MonthReport,
    validated: &ValidatedProtocols,
    delegues: usize,
) -> Result<(), String> {
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
        match validated.get(a.protocol.sha256.as_str()) {
            None => {
                return Err(format!(
                    "l'acte {} relève du protocole {} version {} (empreinte {}…), que la CPTS n'a jamais validé",
                    a.number,
                    a.protocol.id,
                    a.protocol.version,
                    crate::text::prefix(&a.protocol.sha256, 12)
                ));
            }
            Some(v)
                if (a.delegue_cents, a.delegant_cents) != (v.delegue_cents, v.delegant_cents) =>
            {
                return Err(format!(
                    "l'acte {} est compté {} + {} centimes, son protocole en prévoit {} + {}",
                    a.number, a.delegue_cents, a.delegant_cents, v.delegue_cents, v.delegant_cents
                ));
            }
            Some(_) => {}
        }
    }
    check_surveys(r, validated, delegues)
}

/// A questionnaire counts for the ARS only as the device could have
/// recorded it: under a protocol version the CPTS validated, that has a
/// questionnaire, answering its questions in its order, on a day before
/// the closure; and no more in a quarter than the délégués the CPTS has
/// trained (each answers once a quarter — what the device enforces; rows
/// name no one, so the CPTS can only bound them).
fn check_surveys(
    r: &MonthReport,
    validated: &ValidatedProtocols,
    delegues: usize,
) -> Result<(), String> {
    let Some(rows) = &r.rows else {
        return Ok(());
    };
    let closed_on = r
        .closure
        .closed_at
        .with_timezone(&chrono_tz::Europe::Paris)
        .date_naive();
    let mut per_quarter: BTreeMap<crate::calendar::Quarter, usize> = BTreeMap::new();
    for s in rows.surveys.iter().filter(|s| !s.training) {
        let what = format!("le questionnaire de l'entrée {}", s.seq);
        let Some(v) = validated.get(s.protocol.sha256.as_str()) else {
            return Err(format!(
                "{what} relève du protocole {} version {} (empreinte {}…), que la CPTS n'a jamais validé",
                s.protocol.id,
                s.protocol.version,
                crate::text::prefix(&s.protocol.sha256, 12)
            ));
        };
        if s.protocol.id.as_str() != v.id {
            return Err(format!(
                "{what} se dit du protocole {}, mais son empreinte est celle du protocole {}",
                s.protocol.id, v.id
            ));
        }
        let Some(questions) = &v.questions else {
            return Err(format!(
                "{what} relève d'une version du protocole {} sans questionnaire",
                v.id
            ));
        };
        let mut after = None;
        for a in &s.answers {
            let Some(at) = questions.iter().position(|q| *q == a.question) else {
                return Err(format!(
                    "{what} répond à « {} », que le questionnaire de son protocole ne pose pas",
                    crate::text::quote(&a.question)
                ));
            };
            if after.is_some_and(|b| at <= b) {
                return Err(format!(
                    "{what} ne suit pas l'ordre des questions de son protocole"
                ));
            }
            after = Some(at);
        }
        if s.on > closed_on {
            return Err(format!(
                "{what} est daté du {}, après la clôture du {}",
                crate::fr::date(s.on),
                crate::fr::date(closed_on)
            ));
        }
        let quarter = crate::calendar::Quarter::of_date(s.on);
        let n = per_quarter.entry(quarter).or_default();
        *n += 1;
        if *n > delegues {
            return Err(format!(
                "{n} questionnaires du {} sur un seul appareil, pour {delegues} délégués formés par la CPTS : chacun n'y répond qu'une fois par trimestre",
                quarter.name_fr(),
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
