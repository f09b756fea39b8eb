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
