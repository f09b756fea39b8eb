//! Importing a device's monthly report. A signed report (schema v3) is
//! refused unless it is signed by the key the CPTS enrolled for the device,
//! every figure is what its rows give, and its chain extends the head the
//! CPTS holds for the device (« registre réécrit ou restauré » otherwise).
//! A report the CPTS cannot check yet (its previous month not received) is
//! accepted with a gap flag, and checked when the missing one arrives. An
//! unsigned report (schema v2, older protocoop) is imported « non signé »
//! and stays out of the payment list until the coordinator confirms it.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use std::collections::BTreeMap;

use super::proof::{self, Broken, Held};
use super::recompute::{self, Disagreement};
use super::store::CptsDb;
use crate::crypto::PublicKey;
use crate::error::Result;
use crate::report::MonthReport;
use crate::report::json::{Problem, parse_checked};

/// Why a file was not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportProblem {
    /// Not a readable report, another schema, or altered (exit code 1).
    Invalid(Problem),
    /// The same report was already imported (exit code 3).
    Duplicate { source: String, imported_at: String },
    /// Another report for the same device and month is already imported
    /// (exit code 3).
    Conflict {
        device_id: String,
        month: String,
        existing_sha256: String,
    },
    /// Signed by a key the CPTS never enrolled (exit code 1).
    UnknownDevice { device_id: String, key: PublicKey },
    /// Signed by an enrolled key, but not the one this device's earlier
    /// reports were signed with (exit code 1).
    WrongKey {
        device_id: String,
        key: PublicKey,
        expected: PublicKey,
    },
    /// Unsigned, from a device whose reports the CPTS received signed
    /// (exit code 1).
    Downgraded {
        device_id: String,
        expected: PublicKey,
    },
    /// A stated figure that the rows do not give (exit code 1).
    Figures(Result<Disagreement, String>),
    /// The chain does not extend what the CPTS holds (exit code 1).
    Rewritten {
        device_id: String,
        month: String,
        broken: Broken,
    },
}

impl ImportProblem {
    pub fn exit_code(&self) -> u8 {
        match self {
            ImportProblem::Invalid(_)
            | ImportProblem::UnknownDevice { .. }
            | ImportProblem::WrongKey { .. }
            | ImportProblem::Downgraded { .. }
            | ImportProblem::Figures(_)
            | ImportProblem::Rewritten { .. } => 1,
            ImportProblem::Duplicate { .. } | ImportProblem::Conflict { .. } => 3,
        }
    }
}

impl std::fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportProblem::Invalid(p) => write!(f, "refusé : {p}"),
            ImportProblem::Duplicate {
                source,
                imported_at,
            } => write!(
                f,
                "refusé : rapport déjà importé (depuis « {source} », le {imported_at}) — rien n'a été ajouté"
            ),
            ImportProblem::Conflict {
                device_id,
                month,
                existing_sha256,
            } => write!(
                f,
                "refusé : un autre rapport de l'appareil {device_id} pour {month} est déjà importé (empreinte {existing_sha256}) ; deux rapports différents pour un même mois signalent un registre modifié ou restauré : demandez des explications à la structure"
            ),
            ImportProblem::UnknownDevice { device_id, key } => write!(
                f,
                "refusé : signé par la clé {} (appareil {device_id}), qu'aucun appareil enregistré à la CPTS ne porte — enregistrez l'appareil (cpts device add) s'il est bien le vôtre",
                key.fingerprint()
            ),
            ImportProblem::WrongKey {
                device_id,
                key,
                expected,
            } => write!(
                f,
                "refusé : l'appareil {device_id} signe ses rapports avec la clé {}, celui-ci l'est avec la clé {} — il ne vient pas de cet appareil",
                expected.fingerprint(),
                key.fingerprint()
            ),
            ImportProblem::Downgraded {
                device_id,
                expected,
            } => write!(
                f,
                "refusé : rapport non signé, alors que l'appareil {device_id} signe ses rapports (clé {}) — un rapport signé dont on a ôté la signature",
                expected.fingerprint()
            ),
            ImportProblem::Figures(Ok(d)) => write!(
                f,
                "refusé : le chiffre « {} » annonce {}, ses lignes donnent {} — rapport modifié",
                d.figure, d.stated, d.recomputed
            ),
            ImportProblem::Figures(Err(why)) => {
                write!(f, "refusé : lignes du rapport incohérentes ({why})")
            }
            ImportProblem::Rewritten {
                device_id,
                month,
                broken,
            } => write!(
                f,
                "refusé : registre réécrit ou restauré — le rapport de {month} de l'appareil {device_id} ne prolonge pas ce que la CPTS a reçu (entrée {} : {}) ; demandez des explications à la structure avant tout paiement",
                broken.seq, broken.detail
            ),
        }
    }
}

/// How a report's chain relates to the same device's other reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Continuity {
    /// Continues the device's previous report exactly.
    Continuous,
    /// The device's first report (no closure before it).
    First,
    /// The previous report it names has not been received.
    Gap { device_id: String, missing: String },
    /// It does not continue what the CPTS holds.
    Fork {
        device_id: String,
        month: String,
        detail: String,
    },
    /// Schema v2: not signed, out of the payment list until confirmed.
    Unsigned,
}

impl Continuity {
    pub fn is_problem(&self) -> bool {
        matches!(
            self,
            Continuity::Gap { .. } | Continuity::Fork { .. } | Continuity::Unsigned
        )
    }
}

impl std::fmt::Display for Continuity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Continuity::Continuous => write!(f, "chaîne continue avec le mois précédent"),
            Continuity::First => write!(f, "premier rapport de cet appareil"),
            Continuity::Unsigned => write!(
                f,
                "NON SIGNÉ : rapport d'une ancienne version de protocoop, hors de la liste de paiement tant que vous ne l'avez pas confirmé (cpts confirm FICHIER)"
            ),
            Continuity::Gap { device_id, missing } => write!(
                f,
                "TROU : le rapport de {missing} de l'appareil {device_id} n'a pas été reçu — demandez-le à la structure"
            ),
            Continuity::Fork {
                device_id,
                month,
                detail,
            } => write!(
                f,
                "BIFURCATION : le rapport de {month} de l'appareil {device_id} ne prolonge pas la chaîne reçue ({detail}) — registre modifié, restauré ou réinstallé ?"
            ),
        }
    }
}

/// Whether the CPTS may pay from a stored report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payable {
    Signed,
    /// Unsigned, vouched for by the coordinator (`cpts confirm`).
    Confirmed,
    /// Unsigned: out of the payment list.
    Unconfirmed,
}

/// What an accepted import says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub device_id: String,
    pub month: String,
    pub content_sha256: String,
    /// For this report, then for any already-imported later report that
    /// names it as its previous one.
    pub continuity: Vec<Continuity>,
}

/// One stored report's chain markers.
#[derive(Debug, Clone)]
pub(super) struct Stored {
    pub month: String,
    pub closure_seq: u64,
    pub last_seq: u64,
    pub head_hash: String,
    /// The closure entry's hash, for a signed report.
    pub closure_hash: Option<String>,
}

impl CptsDb {
    pub(super) fn stored(&self, device_id: &str, month: &str) -> Result<Option<Stored>> {
        Ok(self
            .conn
            .query_row(
                "SELECT month, closure_seq, last_seq, head_hash, closure_hash FROM reports \
                 WHERE device_id = ?1 AND month = ?2",
                params![device_id, month],
                |r| {
                    Ok(Stored {
                        month: r.get(0)?,
                        closure_seq: r.get::<_, i64>(1)? as u64,
                        last_seq: r.get::<_, i64>(2)? as u64,
                        head_hash: r.get(3)?,
                        closure_hash: r.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    /// Months received from a device strictly between two months (since
    /// the coordinator last accepted its log: the reports of an abandoned
    /// log are not skipped by the one that replaced it).
    fn months_between(
        &self,
        device_id: &str,
        after: &str,
        before: &str,
        since: Option<DateTime<Utc>>,
    ) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT month FROM reports WHERE device_id = ?1 AND month > ?2 AND month < ?3 \
             AND imported_at > ?4 ORDER BY month",
        )?;
        let since = since.map_or(String::new(), |t| t.to_rfc3339());
        let rows = stmt.query_map(params![device_id, after, before, since], |r| r.get(0))?;
        Ok(rows.collect::<Result<Vec<String>, _>>()?)
    }

    /// When the coordinator last accepted the log of the device that
    /// signed `r`.
    fn acknowledged_at(&self, r: &MonthReport) -> Result<Option<DateTime<Utc>>> {
        let Some(key) = r.device_public_key else {
            return Ok(None);
        };
        Ok(self
            .state()?
            .devices
            .into_iter()
            .find(|d| d.public_key == key)
            .and_then(|d| d.acknowledged_at))
    }

    /// The stored report bodies of a month, by device, each with whether
    /// it may be paid from: signed, or unsigned and confirmed.
    pub(super) fn reports_of_month(&self, month: &str) -> Result<Vec<(MonthReport, Payable)>> {
        let mut stmt = self.conn.prepare(
            "SELECT body, signed, confirmed_at IS NOT NULL FROM reports WHERE month = ?1 ORDER BY device_id",
        )?;
        let rows = stmt.query_map([month], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, bool>(1)?,
                r.get::<_, bool>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (body, signed, confirmed) = row?;
            // Checked on import; a failure now means the database was edited.
            let report = parse_checked(body.as_bytes()).map_err(|p| {
                crate::error::Error::Corrupt(format!(
                    "base de la CPTS : un rapport de {month} ne se relit plus ({p})"
                ))
            })?;
            let payable = match (signed, confirmed) {
                (true, _) => Payable::Signed,
                (false, true) => Payable::Confirmed,
                (false, false) => Payable::Unconfirmed,
            };
            out.push((report, payable));
        }
        Ok(out)
    }

    /// Every device known, with the months received.
    pub(super) fn devices(&self) -> Result<Vec<(String, Vec<String>)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT device_id, month FROM reports ORDER BY device_id, month")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for row in rows {
            let (d, m) = row?;
            match out.last_mut() {
                Some((last, months)) if *last == d => months.push(m),
                _ => out.push((d, vec![m])),
            }
        }
        Ok(out)
    }

    /// Reports of a device that name `month` as their previous closure.
    pub(super) fn successors(&self, device_id: &str, month: &str) -> Result<Vec<MonthReport>> {
        let mut stmt = self
            .conn
            .prepare("SELECT body FROM reports WHERE device_id = ?1 AND prev_month = ?2")?;
        let rows = stmt.query_map(params![device_id, month], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for body in rows {
            if let Ok(r) = parse_checked(body?.as_bytes()) {
                out.push(r);
            }
        }
        Ok(out)
    }

    /// How `r` continues the device's chain as the CPTS holds it.
    pub fn continuity(&self, r: &MonthReport) -> Result<Continuity> {
        let device = r.device_id.clone();
        let fork = |month: &str, detail: String| Continuity::Fork {
            device_id: device.clone(),
            month: month.to_string(),
            detail,
        };
        let since = self.acknowledged_at(r)?;
        let Some(prev) = &r.previous_closure else {
            let earlier = self.months_between(&r.device_id, "", &r.month, since)?;
            return Ok(if earlier.is_empty() {
                Continuity::First
            } else {
                fork(
                    &r.month,
                    format!(
                        "il ne cite aucune clôture précédente alors que les rapports de {} ont été reçus",
                        earlier.join(", ")
                    ),
                )
            });
        };
        if prev.month >= r.month {
            return Ok(fork(
                &r.month,
                format!("clôture précédente datée de {}, pas antérieure", prev.month),
            ));
        }
        let skipped = self.months_between(&r.device_id, &prev.month, &r.month, since)?;
        if !skipped.is_empty() {
            return Ok(fork(
                &r.month,
                format!(
                    "il suit directement {} alors que le rapport de {} a été reçu",
                    prev.month,
                    skipped.join(", ")
                ),
            ));
        }
        let Some(p) = self.stored(&r.device_id, &prev.month)? else {
            return Ok(Continuity::Gap {
                device_id: device,
                missing: prev.month.clone(),
            });
        };
        let mut diffs = Vec::new();
        if p.head_hash != prev.head_hash {
            diffs.push(format!(
                "tête {} dans le rapport de {} reçu, {} citée par celui de {}",
                p.head_hash, p.month, prev.head_hash, r.month
            ));
        }
        if p.last_seq != prev.last_seq || p.closure_seq != prev.seq {
            diffs.push(format!(
                "clôture de {} à l'entrée {} (scellant jusqu'à {}) reçue, {} (jusqu'à {}) citée",
                p.month, p.closure_seq, p.last_seq, prev.seq, prev.last_seq
            ));
        }
        if r.closure.first_seq != prev.seq.saturating_add(1) {
            diffs.push(format!(
                "le rapport de {} commence à l'entrée {} au lieu de {}",
                r.month,
                r.closure.first_seq,
                prev.seq.saturating_add(1)
            ));
        }
        Ok(if diffs.is_empty() {
            Continuity::Continuous
        } else {
            fork(&r.month, diffs.join(" ; "))
        })
    }
}

/// Claims and links of a device count from the coordinator's last
/// acceptance of its log on (`cpts device acknowledge`): an abandoned log's
/// seqs are reused by the one that replaced it.
fn epoch_of(acknowledged_at: Option<DateTime<Utc>>) -> String {
    acknowledged_at.map_or(String::new(), |t| t.to_rfc3339())
}

/// The checks only a signed report allows, before anything is stored;
/// passed, they give when the coordinator last accepted the device's log
/// (the epoch its links and claims are stored under).
fn check_signed(
    db: &CptsDb,
    r: &MonthReport,
) -> Result<std::result::Result<Option<DateTime<Utc>>, ImportProblem>> {
    let Some(key) = r.device_public_key else {
        // A device that signs its reports never sends an unsigned one: that
        // is a signed report stripped of its proof.
        if let Some(expected) = db.key_of_device(&r.device_id)? {
            return Ok(Err(ImportProblem::Downgraded {
                device_id: r.device_id.clone(),
                expected,
            }));
        }
        return Ok(Ok(None));
    };
    let st = db.state()?;
    let Some(enrolled) = st.devices.iter().find(|d| d.public_key == key) else {
        return Ok(Err(ImportProblem::UnknownDevice {
            device_id: r.device_id.clone(),
            key,
        }));
    };
    if let Some(expected) = db.key_of_device(&r.device_id)?
        && expected != key
    {
        return Ok(Err(ImportProblem::WrongKey {
            device_id: r.device_id.clone(),
            key,
            expected,
        }));
    }
    if let Some(other) = db.device_of_key(&key)?
        && other != r.device_id
    {
        return Ok(Err(ImportProblem::WrongKey {
            device_id: r.device_id.clone(),
            key,
            expected: db.key_of_device(&other)?.unwrap_or(key),
        }));
    }
    if let Err(d) = recompute::check(r) {
        return Ok(Err(ImportProblem::Figures(d)));
    }
    if let Err(why) = recompute::check_against_protocols(
        r,
        &db.validated_protocols()?,
        db.state()?.delegues.len(),
    ) {
        return Ok(Err(ImportProblem::Figures(Err(why))));
    }
    let rewritten = |broken| ImportProblem::Rewritten {
        device_id: r.device_id.clone(),
        month: r.month.clone(),
        broken,
    };
    let held = match &r.previous_closure {
        None => None,
        Some(p) => db.stored(&r.device_id, &p.month)?.and_then(|s| {
            s.closure_hash.map(|hash| Held {
                month: s.month,
                seq: s.closure_seq,
                hash,
            })
        }),
    };
    // Rolled back: the report continues an older closure than the last
    // one the CPTS received from this device (the months between are gone
    // from its log).
    let latest = db.latest_before(&r.device_id, &r.month, enrolled.acknowledged_at)?;
    let continues = r.previous_closure.as_ref().map(|p| p.month.clone());
    if let Some(latest) = latest
        && continues.as_ref().is_none_or(|m| *m < latest)
    {
        let seq = db
            .stored(&r.device_id, &latest)?
            .map_or(0, |s| s.closure_seq);
        return Ok(Err(rewritten(Broken {
            seq,
            detail: format!(
                "la CPTS a reçu le rapport de {latest} (clôture à l'entrée {seq}), mais celui-ci prolonge {} : le registre est revenu en arrière",
                continues.map_or("le début du registre".to_string(), |m| format!(
                    "la clôture de {m}"
                ))
            ),
        })));
    }
    // Entries without a payload digest (written before ledger schema v6)
    // can only open a device's first signed report.
    let first_signed = db.key_of_device(&r.device_id)?.is_none();
    if let Err(b) = proof::check_chain(r, held.as_ref(), first_signed) {
        return Ok(Err(rewritten(b)));
    }
    let epoch = epoch_of(enrolled.acknowledged_at);
    let earlier = db.links_of(&r.device_id, &epoch)?;
    let claimed = db.claimed_of(&r.device_id, &epoch)?;
    if let Err(b) = proof::check_rows(r, &earlier, &|seq| claimed.contains(&seq)) {
        return Ok(Err(rewritten(b)));
    }
    // A later report received first: it must start where this one ends.
    for next in db.successors(&r.device_id, &r.month)? {
        if let Some(p) = &next.previous_closure
            && next.signature.is_some()
            && (p.seq != r.closure.seq || p.hash != r.closure.hash)
        {
            return Ok(Err(rewritten(Broken {
                seq: r.closure.seq,
                detail: format!(
                    "le rapport de {} déjà reçu prolonge l'entrée {}, pas cette clôture",
                    next.month, p.seq
                ),
            })));
        }
    }
    Ok(Ok(enrolled.acknowledged_at))
}

/// Checks and stores one report file. `source` names it in messages.
pub fn import(
    db: &mut CptsDb,
    bytes: &[u8],
    source: &str,
    now: DateTime<Utc>,
) -> Result<std::result::Result<Imported, ImportProblem>> {
    let report = match parse_checked(bytes) {
        Ok(r) => r,
        Err(p) => return Ok(Err(ImportProblem::Invalid(p))),
    };
    let dup: Option<(String, String)> = db
        .conn
        .query_row(
            "SELECT source, imported_at FROM reports WHERE content_sha256 = ?1",
            [&report.content_sha256],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((source, imported_at)) = dup {
        return Ok(Err(ImportProblem::Duplicate {
            source,
            imported_at,
        }));
    }
    let existing: Option<String> = db
        .conn
        .query_row(
            "SELECT content_sha256 FROM reports WHERE device_id = ?1 AND month = ?2",
            params![report.device_id, report.month],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(existing_sha256) = existing {
        return Ok(Err(ImportProblem::Conflict {
            device_id: report.device_id,
            month: report.month,
            existing_sha256,
        }));
    }
    let acknowledged_at = match check_signed(db, &report)? {
        Ok(at) => at,
        Err(p) => return Ok(Err(p)),
    };
    let signed = report.signature.is_some();
    let epoch = epoch_of(acknowledged_at);
    let mut continuity = vec![db.continuity(&report)?];
    if !signed {
        continuity.push(Continuity::Unsigned);
    }
    let tx = db.conn.transaction()?;
    tx.execute(
        "INSERT INTO reports (device_id, month, content_sha256, closure_seq, first_seq, last_seq, \
         head_hash, prev_month, body, source, imported_at, public_key, closure_hash, signed) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            report.device_id,
            report.month,
            report.content_sha256,
            report.closure.seq as i64,
            report.closure.first_seq as i64,
            report.closure.last_seq as i64,
            report.closure.head_hash,
            report.previous_closure.as_ref().map(|p| p.month.clone()),
            String::from_utf8_lossy(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)),
            source,
            now.to_rfc3339(),
            report.device_public_key.map(|k| k.to_string()),
            report.closure.hash,
            signed,
        ],
    )?;
    for l in report.chain.iter().flatten() {
        tx.execute(
            "INSERT OR IGNORE INTO report_links (device_id, epoch, seq, kind, hash) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![report.device_id, epoch, l.seq as i64, l.kind.as_str(), l.hash],
        )?;
    }
    if let Some(rows) = &report.rows {
        for a in rows.acts.iter().chain(&rows.late_acts) {
            tx.execute(
                "INSERT OR IGNORE INTO report_acts (device_id, epoch, seq, month) VALUES (?1, ?2, ?3, ?4)",
                params![report.device_id, epoch, a.seq as i64, report.month],
            )?;
        }
    }
    tx.commit()?;
    // A later month imported before this one: check it now continues.
    for next in db.successors(&report.device_id, &report.month)? {
        let c = db.continuity(&next)?;
        if c.is_problem() {
            continuity.push(c);
        }
    }
    Ok(Ok(Imported {
        device_id: report.device_id,
        month: report.month,
        content_sha256: report.content_sha256,
        continuity,
    }))
}

impl CptsDb {
    /// The key a device's signed reports were signed with, if any.
    fn key_of_device(&self, device_id: &str) -> Result<Option<PublicKey>> {
        let k: Option<String> = self
            .conn
            .query_row(
                "SELECT public_key FROM reports WHERE device_id = ?1 AND signed = 1 LIMIT 1",
                [device_id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(k.and_then(|k| PublicKey::parse("public_key", &k).ok()))
    }

    fn device_of_key(&self, key: &PublicKey) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT device_id FROM reports WHERE public_key = ?1 AND signed = 1 LIMIT 1",
                [key.to_string()],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Kinds of the entries of a device's chains received so far, by seq,
    /// in its current `epoch` (since the coordinator last accepted its log).
    fn links_of(&self, device_id: &str, epoch: &str) -> Result<BTreeMap<u64, String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT seq, kind FROM report_links WHERE device_id = ?1 AND epoch = ?2")?;
        let rows = stmt.query_map([device_id, epoch], |r| {
            Ok((r.get::<_, i64>(0)? as u64, r.get::<_, String>(1)?))
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Acts already declared by a device's reports, in its current epoch.
    fn claimed_of(&self, device_id: &str, epoch: &str) -> Result<std::collections::BTreeSet<u64>> {
        let mut stmt = self
            .conn
            .prepare("SELECT seq FROM report_acts WHERE device_id = ?1 AND epoch = ?2")?;
        let rows = stmt.query_map([device_id, epoch], |r| Ok(r.get::<_, i64>(0)? as u64))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// The last head the CPTS acknowledged for a device key: the closure
    /// entry of its latest signed report (imported after `since`, when the
    /// coordinator accepted a restored log).
    pub fn acknowledged_head(
        &self,
        key: &PublicKey,
        since: Option<DateTime<Utc>>,
    ) -> Result<Option<(u64, String)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT closure_seq, closure_hash FROM reports WHERE public_key = ?1 AND signed = 1 \
                 AND closure_hash IS NOT NULL AND imported_at > ?2 ORDER BY closure_seq DESC LIMIT 1",
                params![key.to_string(), since.map_or(String::new(), |t| t.to_rfc3339())],
                |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)),
            )
            .optional()?)
    }

    /// The month of the device's latest signed report before `month`
    /// (imported after `since`).
    fn latest_before(
        &self,
        device_id: &str,
        month: &str,
        since: Option<DateTime<Utc>>,
    ) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT month FROM reports WHERE device_id = ?1 AND signed = 1 AND month < ?2 \
                 AND imported_at > ?3 ORDER BY month DESC LIMIT 1",
                params![
                    device_id,
                    month,
                    since.map_or(String::new(), |t| t.to_rfc3339())
                ],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The coordinator vouches for an unsigned report: it enters the
    /// payment list. Returns its device and month.
    pub fn confirm(
        &self,
        bytes: &[u8],
        now: DateTime<Utc>,
    ) -> Result<std::result::Result<(String, String), String>> {
        let report = match parse_checked(bytes) {
            Ok(r) => r,
            Err(p) => return Ok(Err(format!("refusé : {p}"))),
        };
        let found: Option<(String, String, bool, Option<String>)> = self
            .conn
            .query_row(
                "SELECT device_id, month, signed, confirmed_at FROM reports WHERE content_sha256 = ?1",
                [&report.content_sha256],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        Ok(match found {
            None => {
                Err("ce rapport n'a pas été importé : importez-le d'abord (cpts import)".into())
            }
            Some((_, _, true, _)) => Err(
                "ce rapport est signé par l'appareil : il n'a pas besoin de confirmation".into(),
            ),
            Some((d, m, false, Some(at))) => Err(format!(
                "le rapport de {m} de l'appareil {d} est déjà confirmé (le {at})"
            )),
            Some((d, m, false, None)) => {
                self.conn.execute(
                    "UPDATE reports SET confirmed_at = ?1 WHERE content_sha256 = ?2",
                    params![now.to_rfc3339(), report.content_sha256],
                )?;
                Ok((d, m))
            }
        })
    }
}
