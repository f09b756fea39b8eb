//! The continuity proof the CPTS checks on a signed report, from hashes
//! alone: its chain starts at the head the CPTS holds for the device (the
//! previous report's closure entry), every link recomputes by the v2 rule
//! from its payload digest, and it ends at the report's own closure. A
//! device whose log was restored or rewritten after its last report cannot
//! produce such a chain. The rows must name entries of the chain (or of a
//! chain already received), each act once.

use std::collections::BTreeMap;

use crate::ledger::chain::entry_hash_of_digest;
use crate::report::MonthReport;
use crate::report::model::ChainLink;

/// The head the CPTS holds for a device: the closure entry of the last
/// signed report it imported before this one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub month: String,
    pub seq: u64,
    pub hash: String,
}

/// Why a chain does not prove continuity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// The first entry that does not follow.
    pub seq: u64,
    pub detail: String,
}

fn broken(seq: u64, detail: impl Into<String>) -> Broken {
    Broken {
        seq,
        detail: detail.into(),
    }
}

fn hex32(s: &str) -> Option<[u8; 32]> {
    hex::decode(s).ok().and_then(|b| b.try_into().ok())
}

/// Checks the report's chain from `held` (or from its own statement of the
/// previous closure when the CPTS has not received that report yet, or
/// from the start of the log for a first report).
pub fn check_chain(r: &MonthReport, held: Option<&Held>, first_signed: bool) -> Result<(), Broken> {
    let links: &[ChainLink] = r.chain.as_deref().unwrap_or(&[]);
    let c = &r.closure;
    let mut prev = match (&r.previous_closure, held) {
        (None, _) => {
            if c.first_seq != 1 {
                return Err(broken(
                    c.first_seq,
                    "le rapport ne cite aucune clôture précédente mais ne commence pas à la première entrée",
                ));
            }
            [0u8; 32]
        }
        (Some(p), Some(h)) => {
            if p.seq != h.seq || p.hash.as_deref() != Some(h.hash.as_str()) {
                return Err(broken(
                    h.seq,
                    format!(
                        "la clôture de {} reçue est l'entrée {} ({}…), le rapport prolonge l'entrée {} ({}…)",
                        h.month,
                        h.seq,
                        crate::text::prefix(&h.hash, 12),
                        p.seq,
                        p.hash
                            .as_deref()
                            .unwrap_or("")
                            .chars()
                            .take(12)
                            .collect::<String>()
                    ),
                ));
            }
            hex32(&h.hash).ok_or_else(|| broken(h.seq, "empreinte reçue illisible"))?
        }
        (Some(p), None) => p
            .hash
            .as_deref()
            .and_then(hex32)
            .ok_or_else(|| broken(p.seq, "empreinte de la clôture précédente absente"))?,
    };
    if c.first_seq != r.previous_closure.as_ref().map_or(1, |p| p.seq + 1) {
        return Err(broken(
            c.first_seq,
            "la fenêtre du rapport ne commence pas juste après la clôture précédente",
        ));
    }
    let mut expected = c.first_seq;
    // A month without a single entry since the previous closure seals the
    // head that closure left: the chain's start.
    let mut head_at_last =
        (c.last_seq.checked_add(1) == Some(c.first_seq)).then(|| hex::encode(prev));
    for l in links {
        if l.seq != expected {
            return Err(broken(
                expected,
                format!("entrée {expected} absente de la chaîne du rapport"),
            ));
        }
        let hash = hex32(&l.hash).ok_or_else(|| broken(l.seq, "empreinte illisible"))?;
        match l.payload_sha256.as_deref() {
            Some(d) => {
                let digest =
                    hex32(d).ok_or_else(|| broken(l.seq, "empreinte de contenu illisible"))?;
                if entry_hash_of_digest(l.seq, &prev, &l.kind, &digest) != hash {
                    return Err(broken(
                        l.seq,
                        format!(
                            "l'entrée {} ne suit pas la précédente (empreinte recalculée différente)",
                            l.seq
                        ),
                    ));
                }
            }
            // Written before schema v6: only in the device's first signed
            // report, where the CPTS has nothing to compare with.
            None if first_signed => {}
            None => {
                return Err(broken(
                    l.seq,
                    format!(
                        "l'entrée {} ne porte pas l'empreinte de son contenu, alors qu'un rapport signé la précède",
                        l.seq
                    ),
                ));
            }
        }
        if l.seq == c.last_seq {
            head_at_last = Some(l.hash.clone());
        }
        prev = hash;
        expected = expected.saturating_add(1);
    }
    let last = links.last();
    if last.map(|l| l.seq) != Some(c.seq) || last.map(|l| l.kind.as_str()) != Some("closure") {
        return Err(broken(
            c.seq,
            "la chaîne du rapport ne s'arrête pas sur sa clôture",
        ));
    }
    if last.map(|l| &l.hash) != c.hash.as_ref() || head_at_last.as_ref() != Some(&c.head_hash) {
        return Err(broken(
            c.seq,
            "la clôture annoncée ne scelle pas la chaîne du rapport",
        ));
    }
    Ok(())
}

/// Each row names an entry of its kind: in this report's chain when it
/// falls in its window, else in `earlier` (links of the device's reports
/// already received, by seq). An act may be claimed by one report only:
/// `claimed` holds the seqs earlier reports claimed.
pub fn check_rows(
    r: &MonthReport,
    earlier: &BTreeMap<u64, String>,
    claimed: &dyn Fn(u64) -> bool,
) -> Result<(), Broken> {
    let Some(rows) = &r.rows else {
        return Ok(());
    };
    let window: BTreeMap<u64, &str> = r
        .chain
        .iter()
        .flatten()
        .map(|l| (l.seq, l.kind.as_str()))
        .collect();
    let kind_of = |seq: u64| {
        window
            .get(&seq)
            .copied()
            .or_else(|| earlier.get(&seq).map(String::as_str))
    };
    // Before the window: an act of the month recorded before the previous
    // closure. Never after the closure, never entry 0.
    let before_window = |seq: u64| seq >= 1 && seq < r.closure.first_seq;
    let expect = |seq: u64, kind: &str, what: &str| -> Result<(), Broken> {
        match kind_of(seq) {
            Some(k) if k == kind => Ok(()),
            Some(k) => Err(broken(
                seq,
                format!("{what} à l'entrée {seq}, qui est une entrée « {k} »"),
            )),
            // Outside the window and before any chain received: the CPTS
            // has nothing to compare with (a device's first reports).
            None if before_window(seq) && earlier.is_empty() => Ok(()),
            None => Err(broken(
                seq,
                format!("{what} à l'entrée {seq}, absente des chaînes reçues"),
            )),
        }
    };
    let mut seen = std::collections::BTreeSet::new();
    for a in rows.acts.iter().chain(&rows.late_acts) {
        expect(a.seq, "act", &format!("acte {}", a.number))?;
        if !seen.insert(a.seq) || claimed(a.seq) {
            return Err(broken(
                a.seq,
                format!(
                    "l'acte {} (entrée {}) est déclaré deux fois",
                    a.number, a.seq
                ),
            ));
        }
    }
    for (seq, what) in rows
        .followups
        .iter()
        .map(|f| (f.seq, format!("suivi de l'acte {}", f.act_number)))
        .chain(
            rows.late_followups
                .iter()
                .map(|f| (f.seq, format!("suivi de l'acte {}", f.act.number))),
        )
    {
        expect(seq, "followup", &what)?;
    }
    // A questionnaire is reported by the window it was recorded in, once.
    let mut surveys = std::collections::BTreeSet::new();
    for s in &rows.surveys {
        let what = format!("questionnaire à l'entrée {}", s.seq);
        match window.get(&s.seq) {
            Some(&"survey") => {}
            Some(k) => return Err(broken(s.seq, format!("{what}, qui est une entrée « {k} »"))),
            None => {
                return Err(broken(
                    s.seq,
                    format!("{what}, hors de la fenêtre du rapport"),
                ));
            }
        }
        if !surveys.insert(s.seq) {
            return Err(broken(s.seq, format!("{what}, déclaré deux fois")));
        }
    }
    Ok(())
}
