//! Importing a device's monthly report: refused when it is not a report,
//! of another schema, altered since it was produced, or already imported;
//! accepted with a flag when its ledger chain does not continue the same
//! device's previous report (a gap or a fork is reported, never swallowed).

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::store::CptsDb;
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
}

impl ImportProblem {
    pub fn exit_code(&self) -> u8 {
        match self {
            ImportProblem::Invalid(_) => 1,
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
}

impl Continuity {
    pub fn is_problem(&self) -> bool {
        matches!(self, Continuity::Gap { .. } | Continuity::Fork { .. })
    }
}

impl std::fmt::Display for Continuity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Continuity::Continuous => write!(f, "chaîne continue avec le mois précédent"),
            Continuity::First => write!(f, "premier rapport de cet appareil"),
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
}

impl CptsDb {
    pub(super) fn stored(&self, device_id: &str, month: &str) -> Result<Option<Stored>> {
        Ok(self
            .conn
            .query_row(
                "SELECT month, closure_seq, last_seq, head_hash FROM reports \
                 WHERE device_id = ?1 AND month = ?2",
                params![device_id, month],
                |r| {
                    Ok(Stored {
                        month: r.get(0)?,
                        closure_seq: r.get::<_, i64>(1)? as u64,
                        last_seq: r.get::<_, i64>(2)? as u64,
                        head_hash: r.get(3)?,
                    })
                },
            )
            .optional()?)
    }

    /// Months received from a device strictly between two months.
    fn months_between(&self, device_id: &str, after: &str, before: &str) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT month FROM reports WHERE device_id = ?1 AND month > ?2 AND month < ?3 ORDER BY month",
        )?;
        let rows = stmt.query_map(params![device_id, after, before], |r| r.get(0))?;
        Ok(rows.collect::<Result<Vec<String>, _>>()?)
    }

    /// The stored report bodies of a month, oldest import first.
    pub(super) fn reports_of_month(&self, month: &str) -> Result<Vec<MonthReport>> {
        let mut stmt = self
            .conn
            .prepare("SELECT body FROM reports WHERE month = ?1 ORDER BY device_id")?;
        let rows = stmt.query_map([month], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for body in rows {
            let body = body?;
            // Checked on import; a failure now means the database was edited.
            let report = parse_checked(body.as_bytes()).map_err(|p| {
                crate::error::Error::Corrupt(format!(
                    "base de la CPTS : un rapport de {month} ne se relit plus ({p})"
                ))
            })?;
            out.push(report);
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
        let Some(prev) = &r.previous_closure else {
            let earlier = self.months_between(&r.device_id, "", &r.month)?;
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
        let skipped = self.months_between(&r.device_id, &prev.month, &r.month)?;
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
    let mut continuity = vec![db.continuity(&report)?];
    db.conn.execute(
        "INSERT INTO reports (device_id, month, content_sha256, closure_seq, first_seq, last_seq, \
         head_hash, prev_month, body, source, imported_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
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
        ],
    )?;
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
