//! A closed month's report reads its derived rows and compares their digest
//! with the one its closure sealed, checked against the entries just
//! before closing: no act payload is read again, and a row changed since
//! still stops the report.

mod common;

use common::*;
use protocoop::calendar::Month;
use protocoop::ledger::{Ledger, ReadsSeal};
use protocoop::protocol::Protocol;
use protocoop::report::{self, source::Checked};
use rusqlite::params;
use rusqlite::types::Value;
use serde_json::json;

const IN_MONTH: &str = "2026-10-12T09:00:00Z";
const AFTER: &str = "2026-11-02T09:00:00Z";

fn october(dir: &std::path::Path) -> (Ledger, Protocol, Month) {
    let p = Protocol::bundled();
    let mut l = setup_ledger(dir, t(IN_MONTH));
    for _ in 0..3 {
        record(&mut l, &p, &abscess_input(json!({})), t(IN_MONTH)).unwrap();
    }
    (l, p, "2026-10".parse().unwrap())
}

#[test]
fn un_mois_clos_est_relu_par_son_empreinte_scellee() {
    let dir = tempfile::tempdir().unwrap();
    let (mut l, p, m) = october(dir.path());
    let first = report::generate(&mut l, &p, m, t(AFTER)).unwrap();
    let (_, closure) = l.closures().unwrap().pop().unwrap();
    assert_eq!(closure.v, 3);
    assert!(closure.reads_sha256.is_some());
    let (again, checked) = report::final_report_checked(&l, &p, m).unwrap();
    assert_eq!(checked, Checked::SealedByClosure);
    assert_eq!(again, first, "the sealed read gives the same report");
    assert!(l.verify().unwrap().ok);
}

#[test]
fn une_ligne_modifiee_apres_la_cloture_arrete_encore_le_rapport() {
    let dir = tempfile::tempdir().unwrap();
    let (mut l, p, m) = october(dir.path());
    report::generate(&mut l, &p, m, t(AFTER)).unwrap();
    let seq: i64 = l
        .connection()
        .query_row("SELECT MIN(seq) FROM acts", [], |r| r.get(0))
        .unwrap();
    let value = |column: &str| -> Value {
        l.connection()
            .query_row(
                &format!("SELECT {column} FROM acts WHERE seq = ?1"),
                [seq],
                |r| r.get(0),
            )
            .unwrap()
    };
    let set = |column: &str, v: &Value| {
        l.connection()
            .execute(
                &format!("UPDATE acts SET {column} = ?1 WHERE seq = ?2"),
                params![v, seq],
            )
            .unwrap();
    };
    for (column, forged) in [
        ("delegue_cents", Value::Integer(99_900)),
        ("delegue_name", Value::Text("Mallory".into())),
        ("void_seq", Value::Integer(seq)),
        ("month", Value::Text("2026-09".into())),
    ] {
        let original = value(column);
        set(column, &forged);
        let err = report::final_report(&l, &p, m).unwrap_err().to_string();
        assert!(err.contains("altéré"), "{column}: {err}");
        set(column, &original);
        let (_, checked) = report::final_report_checked(&l, &p, m).unwrap();
        assert_eq!(checked, Checked::SealedByClosure, "{column}");
    }
}

#[test]
fn une_cloture_ecrite_apres_une_autre_entree_ne_scelle_rien() {
    let dir = tempfile::tempdir().unwrap();
    let (mut l, p, m) = october(dir.path());
    // A seal taken at an older head (another process appended since).
    let (head, _) = l.head().unwrap();
    let stale = ReadsSeal {
        head_seq: head - 1,
        sha256: [7; 32],
    };
    let (_, closure) = l.close_month_sealed(m, t(AFTER), Some(stale)).unwrap();
    assert_eq!((closure.v, closure.reads_sha256), (2, None));
    let (report, checked) = report::final_report_checked(&l, &p, m).unwrap();
    assert_eq!(checked, Checked::AgainstEntries);
    assert_eq!(report.closure.count, 3);
    assert!(l.verify().unwrap().ok);
}

/// A month's acts are read once each and in order, whether they lie
/// together (the table walked over their seqs, in two halves on two
/// threads) or scattered among another month's (read by the month index).
#[test]
fn les_actes_du_mois_sont_lus_une_fois_chacun_dans_l_ordre() {
    for (october_acts, september_between) in [(1, 0), (2, 0), (7, 0), (8, 1), (3, 4)] {
        let dir = tempfile::tempdir().unwrap();
        let p = Protocol::bundled();
        let mut l = setup_ledger(dir.path(), t(IN_MONTH));
        for _ in 0..october_acts {
            record(&mut l, &p, &abscess_input(json!({})), t(IN_MONTH)).unwrap();
            for _ in 0..september_between {
                let mut late = prepared(&l, &p, &abscess_input(json!({})), t(IN_MONTH)).unwrap();
                late.occurred_at = t("2026-09-28T09:00:00Z");
                l.record_act(late).unwrap();
            }
        }
        let september: Month = "2026-09".parse().unwrap();
        report::close(&mut l, &p, september, t(IN_MONTH)).unwrap();
        let october: Month = "2026-10".parse().unwrap();
        let closed = report::generate(&mut l, &p, october, t(AFTER)).unwrap();
        let (_, c) = l.closures().unwrap().pop().unwrap();
        let expected: Vec<u64> = l
            .connection()
            .prepare("SELECT seq FROM acts WHERE month = '2026-10' AND seq <= ?1 ORDER BY seq")
            .unwrap()
            .query_map([c.last_seq as i64], |r| r.get::<_, i64>(0))
            .unwrap()
            .map(|s| s.unwrap() as u64)
            .collect();
        assert_eq!(expected.len(), october_acts);
        let reads = l
            .month_reads(october, Some(september), c.first_seq, c.last_seq)
            .unwrap();
        let read: Vec<u64> = reads.month_rows.iter().map(|r| r.seq).collect();
        assert_eq!(
            read, expected,
            "{october_acts} acts, {september_between} between"
        );
        assert!(reads.late_rows.is_empty());
        let (again, checked) = report::final_report_checked(&l, &p, october).unwrap();
        assert_eq!(checked, Checked::SealedByClosure);
        assert_eq!(again, closed);
        let i = &again.indicators;
        assert_eq!(i.screenings + i.training_acts, october_acts as u64);
    }
}
