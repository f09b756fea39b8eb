//! A follow-up recorded by mistake is corrected by a new entry: the
//! ledger keeps both, refuses what may not be corrected, and the month's
//! figures — on the device and recomputed by the CPTS from the rows — leave
//! the withdrawn one out; after the closure, a correction is a late
//! follow-up that leaves the closed report as it was.

mod common;

use common::*;
use protocoop::calendar::Month;
use protocoop::ledger::{AdverseNature, FollowupEvent, Ledger, Severity};
use protocoop::protocol::Protocol;
use protocoop::report;
use serde_json::json;

fn act(l: &mut Ledger, p: &Protocol, occurred: &str) -> String {
    let input = abscess_input(json!({ "occurred_at": occurred }));
    let recorded = occurred.replace(":00:00Z", ":01:00Z");
    record(l, p, &input, t(&recorded)).unwrap().number
}

/// Appends `event` to `number` at `at`; its ledger entry.
fn followup(l: &mut Ledger, number: &str, at: &str, event: FollowupEvent) -> u64 {
    let by = recorder(l, number, t(at));
    l.add_followup(number, &by, event, t(at)).unwrap().seq
}

fn correction(corrects: u64) -> FollowupEvent {
    FollowupEvent::Correction {
        corrects,
        reason: "touché par erreur".into(),
    }
}

fn score(score: u8) -> FollowupEvent {
    FollowupEvent::PatientSatisfaction { score, text: None }
}

fn head(l: &Ledger) -> u64 {
    l.len().unwrap()
}

#[test]
fn only_an_earlier_reported_follow_up_of_the_same_act_is_corrected_and_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = setup_ledger(dir.path(), t("2026-04-01T08:00:00Z"));
    let p = attach(&mut l, t("2026-04-01T08:00:00Z"));
    let a = act(&mut l, &p, "2026-05-04T08:00:00Z");
    let b = act(&mut l, &p, "2026-05-04T09:00:00Z");
    let wrong = followup(&mut l, &a, "2026-05-05T08:00:00Z", score(2));
    let of_b = followup(&mut l, &b, "2026-05-05T08:10:00Z", score(4));
    let by = recorder(&mut l, &a, t("2026-05-05T09:00:00Z"));
    let at = t("2026-05-05T09:00:00Z");
    let refused = |l: &mut Ledger, event: FollowupEvent| {
        let before = head(l);
        let e = l.add_followup(&a, &by, event, at).unwrap_err();
        assert_eq!(head(l), before, "nothing written for {e}");
        e.to_string()
    };

    // No reason, no entry, another act's follow-up.
    let e = refused(
        &mut l,
        FollowupEvent::Correction {
            corrects: wrong,
            reason: "  ".into(),
        },
    );
    assert!(
        e.contains("le motif de la correction est obligatoire"),
        "{e}"
    );
    let e = refused(&mut l, correction(9_999));
    assert!(
        e.contains(&format!("l'acte {a} n'a pas de suivi à l'entrée 9999")),
        "{e}"
    );
    let e = refused(&mut l, correction(of_b));
    assert!(
        e.contains(&format!("n'a pas de suivi à l'entrée {of_b}")),
        "{e}"
    );

    // A document is what happened to paper: never withdrawn.
    let doc = l
        .add_document(&a, "prescription", &"0".repeat(64), "test", false, at)
        .unwrap()
        .seq;
    let e = refused(&mut l, correction(doc));
    assert!(e.contains("un document émis ne se corrige pas"), "{e}");

    let fixed = l.add_followup(&a, &by, correction(wrong), at).unwrap().seq;
    let e = refused(&mut l, correction(wrong));
    assert!(
        e.contains(&format!("est déjà corrigé, par l'entrée {fixed}")),
        "{e}"
    );
    let e = refused(&mut l, correction(fixed));
    assert!(e.contains("une correction ne se corrige pas"), "{e}");

    // Both stay, in words that say what happened.
    let v = l.act(&a).unwrap();
    assert_eq!(v.withdrawn(), [wrong].into_iter().collect());
    let words: Vec<String> = v.followups.iter().map(|f| v.describe(f)).collect();
    assert_eq!(
        words,
        [
            format!("satisfaction du patient : 2/5 (retiré par la correction de l'entrée {fixed})"),
            "ordonnance émise".to_string(),
            "correction d'un suivi : « satisfaction du patient : 2/5 » retiré — touché par erreur"
                .to_string(),
        ]
    );
    assert_eq!(v.correction_of(wrong).map(|c| c.seq), Some(fixed));

    // A void is undone by nothing.
    let void = followup(
        &mut l,
        &b,
        "2026-05-05T10:00:00Z",
        FollowupEvent::Void {
            reason: "doublon".into(),
        },
    );
    let e = l.add_followup(&b, &by, correction(void), at).unwrap_err();
    assert!(
        e.to_string().contains("une annulation ne se corrige pas"),
        "{e}"
    );
    assert!(l.verify().unwrap().ok);
}

/// May: act A's mistaken score 2 is withdrawn and 5 recorded; its reprise
/// and adverse event were for act B and are withdrawn; B's own reprise
/// stays. June: B's reprise is withdrawn after May's closure.
#[test]
fn the_month_leaves_a_withdrawn_follow_up_out_and_the_cpts_recomputes_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = setup_ledger(dir.path(), t("2026-04-01T08:00:00Z"));
    let p = attach(&mut l, t("2026-04-01T08:00:00Z"));
    let a = act(&mut l, &p, "2026-05-04T08:00:00Z");
    let b = act(&mut l, &p, "2026-05-04T09:00:00Z");
    let wrong_score = followup(&mut l, &a, "2026-05-05T08:00:00Z", score(2));
    let wrong_reprise = followup(
        &mut l,
        &a,
        "2026-05-05T08:05:00Z",
        FollowupEvent::Reprise { text: None },
    );
    let wrong_event = followup(
        &mut l,
        &a,
        "2026-05-05T08:10:00Z",
        FollowupEvent::AdverseEvent {
            nature: AdverseNature::parse("allergie").unwrap(),
            nature_label: None,
            severity: Severity::Grave,
            text: None,
        },
    );
    for (i, seq) in [wrong_score, wrong_reprise, wrong_event]
        .into_iter()
        .enumerate()
    {
        followup(
            &mut l,
            &a,
            &format!("2026-05-05T09:0{i}:00Z"),
            correction(seq),
        );
    }
    followup(&mut l, &a, "2026-05-05T10:00:00Z", score(5));
    let b_reprise = followup(
        &mut l,
        &b,
        "2026-05-05T11:00:00Z",
        FollowupEvent::Reprise { text: None },
    );

    let may_month: Month = "2026-05".parse().unwrap();
    report::generate(&mut l, &p, may_month, t("2026-06-02T08:00:00Z")).unwrap();
    let may = report::final_report(&l, &p, may_month).unwrap();
    let i = &may.indicators;
    assert_eq!(i.prises_en_charge, 2);
    assert_eq!(
        (
            i.satisfaction.patients.responses,
            i.satisfaction.patients.mean
        ),
        (1, 5.0),
        "the withdrawn 2/5 is not in the mean"
    );
    assert_eq!((i.reprises.count, i.reprises.rate), (1, 0.5));
    assert_eq!(i.delegants[0].reprises, 1);
    assert_eq!((i.adverse_events.count, i.adverse_events.acts), (0, 0));
    assert!(i.adverse_events.by_severity.is_empty());
    // The rows say what was withdrawn, and the CPTS gets the same figures.
    let rows = may.rows.as_ref().unwrap();
    let corrections: Vec<Option<u64>> = rows
        .followups
        .iter()
        .filter(|f| f.kind == "correction")
        .map(|f| f.corrects)
        .collect();
    assert_eq!(
        corrections,
        [Some(wrong_score), Some(wrong_reprise), Some(wrong_event)]
    );
    assert_eq!(protocoop::cpts::recompute::check(&may), Ok(()));

    // Rows that withdraw what the ledger would not are refused.
    let forged = |edit: &dyn Fn(&mut report::rows::Rows)| {
        let mut r = may.clone();
        edit(r.rows.as_mut().unwrap());
        match protocoop::cpts::recompute::check(&r) {
            Err(Err(why)) => why,
            other => panic!("accepted: {other:?}"),
        }
    };
    let why = forged(&|rows| {
        let c = rows
            .followups
            .iter_mut()
            .find(|f| f.kind == "correction")
            .unwrap();
        c.corrects = Some(b_reprise);
    });
    assert!(
        why.contains("qui n'est pas un suivi corrigeable antérieur de cet acte"),
        "{why}"
    );
    let why = forged(&|rows| {
        let c = rows
            .followups
            .iter()
            .find(|f| f.kind == "correction")
            .unwrap()
            .clone();
        rows.followups.push(report::rows::FollowupRow {
            seq: c.seq + 100,
            ..c
        });
    });
    assert!(why.contains("est corrigée deux fois"), "{why}");
    let why = forged(&|rows| {
        let c = rows
            .followups
            .iter_mut()
            .find(|f| f.kind == "correction")
            .unwrap();
        c.corrects = None;
    });
    assert!(why.contains("sans suivi corrigé"), "{why}");

    // After May's closure: a late correction, May as it was.
    let late = followup(&mut l, &b, "2026-06-03T09:00:00Z", correction(b_reprise));
    assert_eq!(report::final_report(&l, &p, may_month).unwrap(), may);
    let june_month: Month = "2026-06".parse().unwrap();
    report::generate(&mut l, &p, june_month, t("2026-07-01T08:00:00Z")).unwrap();
    let june = report::final_report(&l, &p, june_month).unwrap();
    let listed: Vec<(&str, &str, Option<u64>, u64)> = june
        .late_followups
        .iter()
        .map(|f| (f.act_number.as_str(), f.kind.as_str(), f.corrects, f.seq))
        .collect();
    assert_eq!(listed, [(b.as_str(), "correction", Some(b_reprise), late)]);
    assert_eq!(june.indicators.reprises.count, 0);
    assert_eq!(june.remuneration.total_cents, 0);
    assert_eq!(protocoop::cpts::recompute::check(&june), Ok(()));
    assert!(l.verify().unwrap().ok);
}
