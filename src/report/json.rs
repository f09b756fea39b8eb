//! The JSON form of a report (docs/REPORT-FORMAT.md), its content hash and
//! its signature.
//!
//! The hash covers the *canonical content*: the document without its
//! `content_sha256` and `signature` keys, object keys sorted, no whitespace,
//! numbers as serde_json prints them. It depends on the values only, not on
//! how the file was indented, so the CPTS recomputes it from what it
//! parsed. The signature (schema v3) covers the domain
//! [`SIGNING_DOMAIN`] then the 64 hex digits of `content_sha256`.

use std::io::Write;

use serde_json::Value;

use super::canonical::{Canonical, EncodedChain, Sink};
use super::model::{MonthReport, REPORT_KIND, SCHEMA_VERSION, UNSIGNED_SCHEMA_VERSION};
use crate::crypto::{KeyPair, PublicKey};

/// Prefixed to what a report's signature covers, so that it can never be
/// taken for the signature of anything else the device signs.
pub const SIGNING_DOMAIN: &[u8] = b"protocoop-month-report-v3\n";

/// Why a report file was not accepted as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    NotJson(String),
    NotAReport,
    Schema {
        found: Option<u64>,
    },
    Hash {
        stated: String,
        computed: String,
    },
    Shape(String),
    /// A count, an amount or a list far beyond any real month's.
    Implausible(String),
    /// Schema v3 without a valid signature by the key it states.
    Signature(String),
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::NotJson(e) => write!(f, "pas un fichier JSON lisible ({e})"),
            Problem::NotAReport => write!(
                f,
                "pas un rapport mensuel protocoop (clé « kind » ≠ « {REPORT_KIND} »)"
            ),
            Problem::Schema { found: Some(v) } if *v < u64::from(UNSIGNED_SCHEMA_VERSION) => {
                write!(
                    f,
                    "rapport au schéma {v}, d'une version plus ancienne de protocoop (attendu : {SCHEMA_VERSION}) : mettez à jour protocoop sur l'appareil et produisez à nouveau ce rapport ; un mois clôturé redonne les mêmes actes"
                )
            }
            Problem::Schema { found: Some(v) } => write!(
                f,
                "version de schéma {v} non prise en charge (attendue : {SCHEMA_VERSION}) : mettez protocoop à jour"
            ),
            Problem::Schema { found: None } => write!(f, "clé « schema_version » absente"),
            Problem::Hash { stated, computed } => write!(
                f,
                "contenu modifié après sa production : empreinte annoncée {stated}, empreinte du contenu {computed}"
            ),
            Problem::Shape(e) => write!(f, "rapport incomplet ou mal formé : {e}"),
            Problem::Implausible(what) => write!(f, "chiffres invraisemblables : {what}"),
            Problem::Signature(why) => write!(
                f,
                "signature de l'appareil invalide ({why}) : le rapport a été modifié ou ne vient pas de l'appareil qu'il nomme"
            ),
        }
    }
}

/// Canonical bytes of a JSON value: keys sorted at every level, compact.
pub fn canonical(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = write_canonical(v, &[], &mut out);
    out
}

/// Writes the canonical bytes of `v`, leaving out the top-level keys in
/// `skip`, straight to `out`: a report of 100 000 rows is hashed without a
/// copy of its tree or of its bytes.
fn write_canonical<W: Write>(v: &Value, skip: &[&str], out: &mut W) -> std::io::Result<()> {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> =
                map.keys().filter(|k| !skip.contains(&k.as_str())).collect();
            keys.sort();
            out.write_all(b"{")?;
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                serde_json::to_writer(&mut *out, k)?;
                out.write_all(b":")?;
                if let Some(item) = map.get(k) {
                    write_canonical(item, &[], out)?;
                }
            }
            out.write_all(b"}")
        }
        Value::Array(items) => {
            out.write_all(b"[")?;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                write_canonical(item, &[], out)?;
            }
            out.write_all(b"]")
        }
        scalar => Ok(serde_json::to_writer(&mut *out, scalar)?),
    }
}

/// SHA-256 (hex) of a document's canonical content: without its
/// `content_sha256` and `signature`.
pub fn content_sha256(doc: &Value) -> String {
    hash_with(|out| write_canonical(doc, &["content_sha256", "signature"], out))
}

fn hash_with(write: impl FnOnce(&mut Sink) -> std::io::Result<()>) -> String {
    let mut out = Sink::hasher();
    // Writing to a hash cannot fail.
    let _ = write(&mut out);
    hex::encode(out.finish())
}

/// [`content_sha256`] of a report, its rows and chain written straight
/// from their structs (declared in canonical key order: see
/// [`super::rows`]) rather than through a JSON tree of 100 000 objects.
/// `chain_bytes`, when given, is the canonical form of `report.chain`, encoded
/// beforehand ([`EncodedChain`]).
fn report_sha256(report: &mut MonthReport, chain_bytes: Option<&[u8]>) -> String {
    let rows = report.rows.take();
    let chain = report.chain.take();
    let head = serde_json::to_value(&*report).expect("reports serialize");
    report.rows = rows;
    report.chain = chain;
    let Value::Object(map) = &head else {
        return content_sha256(&head);
    };
    let mut keys: Vec<&str> = map
        .keys()
        .map(String::as_str)
        .filter(|k| !["content_sha256", "signature"].contains(k))
        .collect();
    if report.rows.is_some() {
        keys.push("rows");
    }
    if report.chain.is_some() {
        keys.push("chain");
    }
    keys.sort_unstable();
    hash_with(|out| {
        out.write_all(b"{")?;
        for (i, k) in keys.into_iter().enumerate() {
            if i > 0 {
                out.write_all(b",")?;
            }
            serde_json::to_writer(&mut *out, k)?;
            out.write_all(b":")?;
            match (k, map.get(k)) {
                // Both keys are only listed when present.
                ("rows", _) => report.rows.iter().for_each(|r| r.write_parallel(out)),
                ("chain", _) => match chain_bytes {
                    Some(bytes) => out.write_bytes(bytes),
                    None => report.chain.iter().for_each(|c| c.write(out)),
                },
                (_, Some(v)) => write_canonical(v, &[], out)?,
                (_, None) => {}
            }
        }
        out.write_all(b"}")
    })
}

/// What the signature covers: the domain, then the content hash (the 64
/// hex digits of `content_sha256`), which covers everything else.
pub fn signing_input(content_sha256: &str) -> Vec<u8> {
    let mut out = SIGNING_DOMAIN.to_vec();
    out.extend(content_sha256.as_bytes());
    out
}

/// Fills in the report's `content_sha256` (a preview, or a test's report:
/// nothing is signed).
pub fn seal(report: &mut MonthReport) {
    report.content_sha256 = report_sha256(report, None);
}

/// Names the device's key, fills in `content_sha256`, and signs it.
pub fn seal_signed(report: &mut MonthReport, key: &KeyPair) {
    sign(report, key, None);
}

/// [`seal_signed`], the report's chain being `chain`, already encoded.
pub(super) fn seal_signed_with_chain(report: &mut MonthReport, key: &KeyPair, chain: EncodedChain) {
    let EncodedChain { links, bytes } = chain;
    report.chain = Some(links);
    sign(report, key, Some(&bytes));
}

fn sign(report: &mut MonthReport, key: &KeyPair, chain: Option<&[u8]>) {
    report.device_public_key = Some(key.public());
    report.signature = None;
    report.content_sha256 = report_sha256(report, chain);
    report.signature = Some(hex::encode(
        key.sign(&signing_input(&report.content_sha256)),
    ));
}

/// Checks a v3 document's signature against the key it states.
fn check_signature(doc: &Value, content_sha256: &str) -> Result<PublicKey, Problem> {
    let key = doc
        .get("device_public_key")
        .and_then(Value::as_str)
        .ok_or_else(|| Problem::Signature("clé « device_public_key » absente".into()))
        .and_then(|k| {
            PublicKey::parse("device_public_key", k)
                .map_err(|_| Problem::Signature("clé « device_public_key » illisible".into()))
        })?;
    let sig: [u8; 64] = doc
        .get("signature")
        .and_then(Value::as_str)
        .and_then(|s| hex::decode(s).ok())
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| Problem::Signature("clé « signature » absente ou illisible".into()))?;
    if key.verifies(&signing_input(content_sha256), &sig) {
        Ok(key)
    } else {
        Err(Problem::Signature(format!(
            "elle ne correspond pas à la clé {}",
            key.fingerprint()
        )))
    }
}

/// The file: indented for people, final newline.
pub fn to_bytes(report: &MonthReport) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(report).expect("reports serialize");
    out.push(b'\n');
    out
}

/// Parses a report file and checks, in this order, that it is a protocoop
/// report, of a schema this version reads, unaltered, and (schema v3)
/// signed by the key it states. Whether that key is the device's is the
/// CPTS's check (`cpts::import`). A v2 report comes back unsigned
/// (`signature` is `None`).
pub fn parse_checked(bytes: &[u8]) -> Result<MonthReport, Problem> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| Problem::NotJson(crate::json_input::describe(&e)))?;
    if value.get("kind").and_then(Value::as_str) != Some(REPORT_KIND) {
        return Err(Problem::NotAReport);
    }
    let signed = match value.get("schema_version").and_then(Value::as_u64) {
        Some(v) if v == u64::from(SCHEMA_VERSION) => true,
        Some(v) if v == u64::from(UNSIGNED_SCHEMA_VERSION) => false,
        found => return Err(Problem::Schema { found }),
    };
    let stated = value
        .get("content_sha256")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let computed = content_sha256(&value);
    if stated != computed {
        return Err(Problem::Hash { stated, computed });
    }
    if signed {
        check_signature(&value, &computed)?;
    } else if ["signature", "rows", "chain", "device_public_key"]
        .iter()
        .any(|k| value.get(k).is_some())
        || value.pointer("/closure/hash").is_some()
        || value.pointer("/previous_closure/hash").is_some()
    {
        return Err(Problem::Shape(
            "un rapport au schéma 2 ne porte ni signature, ni clé, ni lignes, ni chaîne".into(),
        ));
    }
    plausible(&value, "rapport")?;
    let report: MonthReport = serde_json::from_value(value)
        .map_err(|e| Problem::Shape(crate::json_input::describe(&e)))?;
    if signed && (report.rows.is_none() || report.chain.is_none() || report.closure.hash.is_none())
    {
        return Err(Problem::Shape(
            "un rapport au schéma 3 porte ses lignes (« rows »), sa chaîne (« chain ») et l'empreinte de sa clôture".into(),
        ));
    }
    Ok(report)
}

/// The largest number a report may hold (cents of a month of a whole
/// region are far below), and the longest list: the CPTS adds reports up,
/// so a forged huge value must be refused before it overflows a sum or
/// makes a merge quadratic.
const MAX_NUMBER: u64 = 1_000_000_000_000;
const MAX_LIST: usize = 10_000;

fn plausible(v: &Value, at: &str) -> Result<(), Problem> {
    match v {
        Value::Number(n) => {
            let big = n
                .as_u64()
                .map(|x| x > MAX_NUMBER)
                .or_else(|| n.as_i64().map(|x| x.unsigned_abs() > MAX_NUMBER))
                .unwrap_or_else(|| {
                    n.as_f64()
                        .is_none_or(|x| !x.is_finite() || x.abs() > MAX_NUMBER as f64)
                });
            if big {
                return Err(Problem::Implausible(format!("{at} = {n}")));
            }
        }
        Value::Array(items) => {
            if items.len() > MAX_LIST {
                return Err(Problem::Implausible(format!(
                    "{at} : {} éléments",
                    items.len()
                )));
            }
            for (i, item) in items.iter().enumerate() {
                plausible(item, &format!("{at}[{i}]"))?;
            }
        }
        Value::Object(map) => {
            if map.len() > MAX_LIST {
                return Err(Problem::Implausible(format!("{at} : {} champs", map.len())));
            }
            for (k, item) in map {
                plausible(item, &format!("{at}.{}", crate::text::quote(k)))?;
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::facts::{ProtocolKey, StructureKey};
    use crate::ledger::{AdverseNature, Severity};
    use crate::report::model::ChainLink;
    use crate::report::rows::{ActRow, EventRow, FollowupRow, LateFollowupRow, Rows, SurveyRow};

    fn act(optional: bool) -> ActRow {
        let some = |s: &str| optional.then(|| s.into());
        ActRow {
            delegant_cents: 1500,
            delegant_name: "Dr « Ex » \"emple\"".into(),
            delegant_rpps: "10000000009".into(),
            delegue_cents: 1000,
            delegue_name: "Marie Durand\u{1}é".into(),
            delegue_rpps: "10005173140".into(),
            in_territory: optional,
            month: "2026-12".into(),
            number: "2026-0001".into(),
            occurred_on: "2026-12-04".parse().unwrap(),
            orientation: some("avis_24h"),
            postal_code: "79500".into(),
            profession: some("pharmacien"),
            protocol: ProtocolKey {
                id: "p".into(),
                sha256: "ab".into(),
                version: "1".into(),
            },
            reasons: vec!["excl.fievre".into()],
            seq: 7,
            structure: StructureKey {
                finess: some("790000000"),
                name: "Pharmacie".into(),
                postal_code: "79500".into(),
            },
            taken_in_charge: optional,
            training: false,
            urgency: some("24h"),
            void: !optional,
        }
    }

    /// The structs' own JSON is their canonical form: what lets `seal`
    /// hash a report's rows and chain without a JSON tree.
    #[test]
    fn rows_and_links_serialize_in_canonical_order() {
        let rows = Rows {
            acts: vec![act(true), act(false)],
            followups: vec![
                FollowupRow::new(
                    "2026-0001".into(),
                    9,
                    EventRow {
                        kind: "adverse_event".into(),
                        nature: AdverseNature::parse("allergie"),
                        severity: Some(Severity::Grave),
                        ..EventRow::default()
                    },
                ),
                FollowupRow::new(
                    "2026-0001".into(),
                    10,
                    EventRow {
                        kind: "patient_satisfaction".into(),
                        score: Some(4),
                        ..EventRow::default()
                    },
                ),
                FollowupRow::new(
                    "2026-0001".into(),
                    12,
                    EventRow {
                        kind: "correction".into(),
                        corrects: Some(10),
                        ..EventRow::default()
                    },
                ),
                FollowupRow::new(
                    "2026-0001".into(),
                    13,
                    EventRow {
                        kind: "call".into(),
                        call: Some("j2".into()),
                        reached: Some(true),
                        ..EventRow::default()
                    },
                ),
                FollowupRow::new(
                    "2026-0001".into(),
                    14,
                    EventRow {
                        kind: "appointment".into(),
                        made: Some(true),
                        on: chrono::NaiveDate::from_ymd_opt(2026, 5, 4),
                        ..EventRow::default()
                    },
                ),
            ],
            late_acts: vec![act(true)],
            late_followups: vec![LateFollowupRow::new(
                act(false),
                11,
                EventRow {
                    kind: "void".into(),
                    ..EventRow::default()
                },
            )],
            surveys: vec![SurveyRow {
                answers: vec![crate::protocol::SurveyAnswer {
                    question: "global".into(),
                    score: 4,
                }],
                declined: false,
                on: chrono::NaiveDate::from_ymd_opt(2026, 5, 4).unwrap(),
                profession: "pharmacien".into(),
                protocol: act(true).protocol,
                seq: 15,
                training: false,
            }],
        };
        let direct = serde_json::to_vec(&rows).unwrap();
        assert_eq!(direct, canonical(&serde_json::to_value(&rows).unwrap()));
        let chain = vec![
            ChainLink {
                hash: "00".into(),
                kind: "act".into(),
                payload_sha256: None,
                seq: 1,
            },
            ChainLink {
                hash: "11".into(),
                kind: "closure".into(),
                payload_sha256: Some("22".into()),
                seq: 2,
            },
        ];
        let direct = serde_json::to_vec(&chain).unwrap();
        assert_eq!(direct, canonical(&serde_json::to_value(&chain).unwrap()));
    }
}
