//! The monthly report over a generated ledger whose every figure is known:
//! Fridays, Saturdays, eves of Ascension, Whit Monday and 8 May, a 1 May,
//! out-of-territory patients, exclusions, a void and a training act,
//! deferred entries across the month boundary, reprises, adverse events,
//! satisfaction, then a late entry and late follow-ups in the next month.

mod common;

use common::*;
use protocoop::calendar::Month;
use protocoop::ledger::{AdverseNature, FollowupEvent, Ledger, Severity};
use protocoop::protocol::Protocol;
use protocoop::registry::{DelegueRecord, Profession, ProfessionalRecord, hash_pin};
use protocoop::report::{self, MonthReport};
use serde_json::json;

const NURSE: &str = "10000000033";

fn input(occurred: &str, extra: serde_json::Value) -> String {
    let mut v = json!({ "occurred_at": occurred });
    if let (Some(a), serde_json::Value::Object(b)) = (v.as_object_mut(), extra) {
        a.extend(b);
    }
    abscess_input(v)
}

fn act(
    l: &mut Ledger,
    p: &Protocol,
    occurred: &str,
    recorded: &str,
    extra: serde_json::Value,
) -> String {
    record(l, p, &input(occurred, extra), t(recorded))
        .unwrap_or_else(|e| panic!("act at {occurred}: {e}"))
        .number
}

fn followup(l: &mut Ledger, number: &str, at: &str, event: FollowupEvent) {
    let by = recorder(l, number, t(at));
    l.add_followup(number, &by, event, t(at)).unwrap();
}

/// May 2026 in Paris (UTC+2): Ascension 14 May (eve Wed 13), Whit Monday
/// 25 May (eve Sun 24), 8 May a Friday (eve Thu 7), 1 May a Friday.
struct Fixture {
    _dir: tempfile::TempDir,
    ledger: Ledger,
    protocol: Protocol,
    a1: String,
    a2: String,
    /// The only act of `DELEGUE_2`.
    a4: String,
}

fn may_ledger() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut l = setup_ledger(dir.path(), t("2026-04-01T08:00:00Z"));
    l.add_professional(&ProfessionalRecord::Delegue(DelegueRecord {
        v: 1,
        rpps: rpps(NURSE),
        name: "Inès Soignant".into(),
        profession: Profession::Infirmier,
        trained_on: Some("2026-02-01".parse().unwrap()),
        pin_hash: hash_pin(PIN).unwrap(),
        active: true,
        recorded_at: t("2026-04-01T08:00:00Z"),
    }))
    .unwrap();
    let p = attach(&mut l, t("2026-04-01T08:00:00Z"));
    let one_minute_later = |s: &str| s.replace(":00:00Z", ":01:00Z");
    let put = |l: &mut Ledger, p: &Protocol, occurred: &str, extra| {
        act(l, p, occurred, &one_minute_later(occurred), extra)
    };
    // A1 Friday 1 May (a holiday, and a Friday).
    let a1 = put(&mut l, &p, "2026-05-01T08:00:00Z", json!({}));
    // A2 Saturday, Paris patient: out of territory.
    let a2 = put(
        &mut l,
        &p,
        "2026-05-02T09:00:00Z",
        json!({"patient": {"postal_code": "75011"}}),
    );
    // A3 eve of Ascension, by the nurse, a 31-day urgency.
    put(
        &mut l,
        &p,
        "2026-05-13T13:00:00Z",
        json!({"delegue_rpps": NURSE, "facts": {"sympt.abscess": false, "sympt.cold_brushing": true},
               "lines": ["paracetamol"]}),
    );
    // A4 eve of Whit Monday (a Sunday), patient abroad (99000).
    let a4 = put(
        &mut l,
        &p,
        "2026-05-24T08:00:00Z",
        json!({"delegue_rpps": DELEGUE_2, "patient": {"postal_code": "99000"}}),
    );
    // A5 a plain Monday: reprise (twice), two adverse events, satisfaction.
    let a5 = put(&mut l, &p, "2026-05-04T08:00:00Z", json!({}));
    // A6, A7 not taken in charge.
    put(
        &mut l,
        &p,
        "2026-05-05T08:00:00Z",
        json!({"facts": {"excl.anticoagulant": true}, "lines": []}),
    );
    put(
        &mut l,
        &p,
        "2026-05-06T08:00:00Z",
        json!({"facts": {"excl.eye_swelling": true}, "lines": []}),
    );
    // A8 voided the same day.
    let a8 = put(&mut l, &p, "2026-05-12T08:00:00Z", json!({}));
    // A9 under the draft protocol: training, never paid.
    put(
        &mut l,
        &Protocol::bundled(),
        "2026-05-21T08:00:00Z",
        json!({}),
    );
    // A12 eve of 8 May (Thursday 7).
    put(&mut l, &p, "2026-05-07T08:00:00Z", json!({}));

    followup(
        &mut l,
        &a5,
        "2026-05-05T08:00:00Z",
        FollowupEvent::Reprise { text: None },
    );
    followup(
        &mut l,
        &a5,
        "2026-05-06T08:00:00Z",
        FollowupEvent::Reprise { text: None },
    );
    followup(
        &mut l,
        &a5,
        "2026-05-06T09:00:00Z",
        FollowupEvent::AdverseEvent {
            nature: AdverseNature::parse("allergie").unwrap(),
            nature_label: None,
            severity: Severity::Legere,
            text: None,
        },
    );
    followup(
        &mut l,
        &a5,
        "2026-05-07T09:00:00Z",
        FollowupEvent::AdverseEvent {
            nature: AdverseNature::parse("aggravation").unwrap(),
            nature_label: None,
            severity: Severity::Grave,
            text: None,
        },
    );
    followup(
        &mut l,
        &a5,
        "2026-05-08T09:00:00Z",
        FollowupEvent::PatientSatisfaction {
            score: 4,
            text: None,
        },
    );
    followup(
        &mut l,
        &a5,
        "2026-05-08T09:30:00Z",
        FollowupEvent::ProfessionalSatisfaction {
            score: 5,
            text: None,
        },
    );
    followup(
        &mut l,
        &a8,
        "2026-05-12T09:00:00Z",
        FollowupEvent::Void {
            reason: "saisie en double".into(),
        },
    );
    // A10 deferred: Sunday 31 May 23:30 in Paris, entered on 1 June.
    act(
        &mut l,
        &p,
        "2026-05-31T21:30:00Z",
        "2026-06-01T07:00:00Z",
        json!({}),
    );
    // A11 31 May 22:30 UTC is already 1 June in Paris: a June act.
    act(
        &mut l,
        &p,
        "2026-05-31T22:30:00Z",
        "2026-06-01T07:05:00Z",
        json!({}),
    );
    Fixture {
        _dir: dir,
        ledger: l,
        protocol: p,
        a1,
        a2,
        a4,
    }
}

fn month(s: &str) -> Month {
    s.parse().unwrap()
}

fn counts(v: &serde_json::Value, key: &str) -> (u64, u64) {
    (
        v[key]["screenings"].as_u64().unwrap(),
        v[key]["prises_en_charge"].as_u64().unwrap(),
    )
}

#[test]
fn chaque_chiffre_de_mai_et_les_saisies_tardives_de_juin() {
    let mut f = may_ledger();
    let may = report::generate(
        &mut f.ledger,
        &f.protocol,
        month("2026-05"),
        t("2026-06-02T08:00:00Z"),
    )
    .unwrap();
    let v = serde_json::to_value(&may).unwrap();
    let i = &may.indicators;

    assert_eq!(may.schema_version, 3);
    assert_eq!(may.month, "2026-05");
    assert_eq!(may.device_id, f.ledger.device_id());
    // 11 acts of May (A10 deferred included, A11 is June's).
    assert_eq!(may.closure.count, 11);
    assert_eq!((i.void_acts, i.training_acts), (1, 1));
    assert_eq!(i.screenings, 9);
    assert_eq!(i.prises_en_charge, 7);
    assert_eq!(i.exclusions.count, 2);
    assert_eq!(
        serde_json::to_value(&i.exclusions.by_orientation).unwrap(),
        json!({"avis_24h": 1, "urgence": 1})
    );
    assert!(i.exclusions.by_reason.values().sum::<u64>() >= 2);
    assert_eq!(
        serde_json::to_value(&i.urgency).unwrap(),
        json!({"24h": 6, "31j": 1})
    );
    // Friday 1 May, Saturday 2, eves of 8 May, Ascension, Whit Monday.
    assert_eq!(i.friday_saturday_holiday_eve, 5);
    assert_eq!(v["share_friday_saturday_holiday_eve"], json!(0.7143));
    assert_eq!(v["out_of_territory"], json!(2));
    assert_eq!(
        serde_json::to_value(&i.out_of_territory_postal_codes).unwrap(),
        json!({"75011": 1, "99000": 1})
    );
    let weekdays: Vec<(String, u64, u64)> = i
        .by_weekday
        .iter()
        .map(|w| {
            (
                w.day.clone(),
                w.counts.screenings,
                w.counts.prises_en_charge,
            )
        })
        .collect();
    assert_eq!(
        weekdays,
        [
            ("lundi", 1, 1),
            ("mardi", 1, 0),
            ("mercredi", 2, 1),
            ("jeudi", 1, 1),
            ("vendredi", 1, 1),
            ("samedi", 1, 1),
            ("dimanche", 2, 2)
        ]
        .map(|(d, s, p)| (d.to_string(), s, p))
    );
    assert_eq!(counts(&v["by_profession"], "pharmacien"), (8, 6));
    assert_eq!(counts(&v["by_profession"], "infirmier"), (1, 1));
    let delegues: Vec<(&str, u64, u64)> = i
        .delegues
        .iter()
        .map(|d| {
            (
                d.rpps.as_str(),
                d.counts.screenings,
                d.counts.prises_en_charge,
            )
        })
        .collect();
    // Sorted by RPPS.
    assert_eq!(
        delegues,
        [(DELEGUE_2, 1, 1), (NURSE, 1, 1), (DELEGUE, 7, 5)]
    );
    assert_eq!(i.delegants.len(), 1);
    assert_eq!(
        (i.delegants[0].prises_en_charge, i.delegants[0].reprises),
        (7, 1)
    );
    assert_eq!(i.structures.len(), 1);
    assert_eq!(i.structures[0].name, "Pharmacie du Marché");
    assert!(i.structures[0].pharmacy);
    // A reprise recorded twice on one act is one reprise.
    assert_eq!((i.reprises.count, i.reprises.rate), (1, 0.1429));
    assert_eq!(
        (
            i.adverse_events.count,
            i.adverse_events.acts,
            i.adverse_events.rate
        ),
        (2, 1, 0.1429)
    );
    assert_eq!(
        serde_json::to_value(&i.adverse_events.by_nature).unwrap(),
        json!({"allergie": 1, "aggravation": 1})
    );
    assert_eq!(
        serde_json::to_value(&i.adverse_events.by_severity).unwrap(),
        json!({"legere": 1, "grave": 1})
    );
    assert_eq!(
        (
            i.satisfaction.patients.responses,
            i.satisfaction.patients.mean
        ),
        (1, 4.0)
    );
    assert_eq!(
        (
            i.satisfaction.professionals.responses,
            i.satisfaction.professionals.mean
        ),
        (1, 5.0)
    );
    // Two protocol versions: the validated one and the draft (training).
    assert_eq!(i.protocol_versions.len(), 2);
    assert_eq!(
        i.protocol_versions
            .iter()
            .map(|p| (p.acts, p.training_acts))
            .collect::<std::collections::BTreeSet<_>>(),
        [(9, 0), (1, 1)].into_iter().collect()
    );
    // 7 prises en charge × (10 € + 15 €); void, training, excluded unpaid.
    assert_eq!(
        v["remuneration"]["total_cents"],
        json!(17_500),
        "{}",
        v["remuneration"]
    );
    let pay: Vec<(String, u64, i64)> = may
        .remuneration
        .delegues
        .iter()
        .map(|l| (l.rpps.clone(), l.acts, l.cents))
        .collect();
    let mut expected = vec![
        (DELEGUE.to_string(), 5, 5000),
        (DELEGUE_2.to_string(), 1, 1000),
        (NURSE.to_string(), 1, 1000),
    ];
    expected.sort();
    assert_eq!(pay, expected);
    assert_eq!(
        v["remuneration"]["delegants"],
        json!([{"rpps": DELEGANT, "name": "Dr Claire Exemple", "acts": 7, "deducted_acts": 0, "cents": 10_500}])
    );
    assert_eq!(may.late_entries.count, 0);
    assert!(may.previous_closure.is_none());
    for key in [
        "schema_version",
        "month",
        "screenings",
        "prises_en_charge",
        "share_friday_saturday_holiday_eve",
        "out_of_territory",
        "remuneration",
        "closure",
        "device_id",
        "previous_closure",
        "content_sha256",
    ] {
        assert!(v.get(key).is_some(), "clé {key} absente");
    }
    for key in ["first_seq", "last_seq", "count", "head_hash"] {
        assert!(v["closure"].get(key).is_some(), "closure.{key} absente");
    }
    // Closing the month was part of reporting it.
    let closures = f.ledger.closures().unwrap();
    assert_eq!(closures.len(), 1);
    assert_eq!(closures[0].1.month, "2026-05");
    assert_eq!(closures[0].1.screenings, i.screenings);
    assert_eq!(closures[0].1.prises_en_charge, i.prises_en_charge);
    assert_eq!(closures[0].1.remuneration_cents, 17_500);
    // No patient identity anywhere.
    let text = String::from_utf8(report::render(&may, report::Format::Json, &f.protocol).unwrap())
        .unwrap();
    for secret in ["Martin", "Paul", "1986-03-02"] {
        assert!(!text.contains(secret), "{secret} dans le rapport");
    }

    // After the closure: an act of 28 May entered on 3 June, a reprise on
    // A2 and a void of A1, both already reported.
    let a13 = act(
        &mut f.ledger,
        &f.protocol,
        "2026-05-28T08:00:00Z",
        "2026-06-03T08:00:00Z",
        json!({}),
    );
    followup(
        &mut f.ledger,
        &f.a2,
        "2026-06-03T09:00:00Z",
        FollowupEvent::Reprise { text: None },
    );
    followup(
        &mut f.ledger,
        &f.a1,
        "2026-06-03T10:00:00Z",
        FollowupEvent::Void {
            reason: "erreur de patient".into(),
        },
    );
    // May's report does not change: same content, same hash.
    let again = report::generate(
        &mut f.ledger,
        &f.protocol,
        month("2026-05"),
        t("2026-06-04T08:00:00Z"),
    )
    .unwrap();
    assert_eq!(again, may);

    let june = report::generate(
        &mut f.ledger,
        &f.protocol,
        month("2026-06"),
        t("2026-07-01T08:00:00Z"),
    )
    .unwrap();
    assert_eq!(
        (june.indicators.screenings, june.indicators.prises_en_charge),
        (1, 1)
    );
    assert_eq!(june.late_entries.count, 1);
    assert_eq!(june.late_entries.acts[0].number, a13);
    assert_eq!(june.late_entries.acts[0].month, "2026-05");
    assert_eq!(june.late_entries.cents, 2500);
    assert_eq!(june.remuneration.month_cents, 2500);
    assert_eq!(june.remuneration.late_cents, 2500);
    // A1, paid by May's report and voided in June, is taken back from the
    // same délégué and délégant: June pays 2 acts less 1.
    assert_eq!(june.remuneration.deducted_cents, 2500);
    assert_eq!(june.remuneration.total_cents, 2500);
    let lines = |ls: &[report::model::PayLine]| {
        ls.iter()
            .map(|l| (l.rpps.clone(), l.acts, l.deducted_acts, l.cents))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        lines(&june.remuneration.delegues),
        [(DELEGUE.to_string(), 2, 1, 1000)]
    );
    assert_eq!(
        lines(&june.remuneration.delegants),
        [(DELEGANT.to_string(), 2, 1, 1500)]
    );
    let late: Vec<(&str, &str, u64)> = june
        .late_followups
        .iter()
        .map(|x| (x.act_number.as_str(), x.kind.as_str(), x.cents_to_deduct))
        .collect();
    assert_eq!(
        late,
        [(f.a2.as_str(), "reprise", 0), (f.a1.as_str(), "void", 2500)]
    );
    // The reprise of an act already reported is not in June's rate.
    assert_eq!(june.indicators.reprises.count, 0);
    let prev = june.previous_closure.as_ref().unwrap();
    assert_eq!(prev.month, "2026-05");
    assert_eq!(prev.head_hash, may.closure.head_hash);
    assert_eq!(june.closure.first_seq, prev.seq + 1);

    // July: no act, only the void of A4 (DELEGUE_2's one act, paid in May).
    // Her line goes negative: money the CPTS recovers, in every output.
    followup(
        &mut f.ledger,
        &f.a4,
        "2026-07-05T10:00:00Z",
        FollowupEvent::Void {
            reason: "doublon".into(),
        },
    );
    let july = report::generate(
        &mut f.ledger,
        &f.protocol,
        month("2026-07"),
        t("2026-08-01T08:00:00Z"),
    )
    .unwrap();
    assert_eq!(july.indicators.screenings, 0);
    assert_eq!(
        (
            july.remuneration.total_cents,
            july.remuneration.deducted_cents
        ),
        (-2500, 2500)
    );
    assert_eq!(
        lines(&july.remuneration.delegues),
        [(DELEGUE_2.to_string(), 0, 1, -1000)]
    );
    assert_eq!(
        lines(&july.remuneration.delegants),
        [(DELEGANT.to_string(), 0, 1, -1500)]
    );
    let csv = report::render(&july, report::Format::Csv, &f.protocol).unwrap();
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    assert!(
        text.contains(&format!(
            "2026-07;délégué;{DELEGUE_2};Luc Bernard;0;1;-10,00;\r\n"
        )),
        "{text}"
    );
    assert!(text.contains("2026-07;total;;;0;1;-25,00;\r\n"), "{text}");
    // The board's PDF shows the negative lines and the breakdown.
    let pdf = f._dir.path().join("juillet.pdf");
    std::fs::write(
        &pdf,
        report::render(&july, report::Format::Pdf, &f.protocol).unwrap(),
    )
    .unwrap();
    let text = pdf_text(&pdf);
    for expected in [
        "Déduits",
        "-10,00",
        "-25,00",
        "(2026-05) : annulation — déjà déduit du total : 25,00",
        "Total = mois 0,00 € + saisies tardives 0,00 € - déductions 25,00 €",
    ] {
        assert!(text.contains(expected), "« {expected} » absent :\n{text}");
    }
    // Over May, June and July, A1 and A4 end up unpaid: 7 - 2 + 2 acts.
    let paid: i64 = [&may, &june, &july]
        .iter()
        .map(|r| r.remuneration.total_cents)
        .sum();
    assert_eq!(paid, 7 * 2500);
}

#[test]
fn refus_mois_en_cours_ou_mois_sautes() {
    let mut f = may_ledger();
    // May is not over on 31 May.
    let e = report::generate(
        &mut f.ledger,
        &f.protocol,
        month("2026-05"),
        t("2026-05-31T10:00:00Z"),
    )
    .unwrap_err();
    assert_eq!(e.exit_code(), 3, "{e}");
    // June cannot be reported while May, which has acts, has no report.
    let e = report::generate(
        &mut f.ledger,
        &f.protocol,
        month("2026-06"),
        t("2026-07-02T10:00:00Z"),
    )
    .unwrap_err();
    assert_eq!(e.exit_code(), 3);
    assert!(e.to_string().contains("mai 2026"), "{e}");
    assert!(f.ledger.closures().unwrap().is_empty());
}

#[test]
fn json_aller_retour_et_empreinte() {
    let mut f = may_ledger();
    let may: MonthReport = report::generate(
        &mut f.ledger,
        &f.protocol,
        month("2026-05"),
        t("2026-06-02T08:00:00Z"),
    )
    .unwrap();
    let bytes = report::render(&may, report::Format::Json, &f.protocol).unwrap();
    let back = report::json::parse_checked(&bytes).unwrap();
    assert_eq!(back, may);
    // Re-indenting does not change the content hash; changing a figure does.
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let compact = serde_json::to_vec(&v).unwrap();
    assert!(report::json::parse_checked(&compact).is_ok());
    let altered = String::from_utf8(bytes.clone())
        .unwrap()
        .replace("\"prises_en_charge\": 7", "\"prises_en_charge\": 8");
    assert_ne!(altered.as_bytes(), &bytes[..]);
    assert!(matches!(
        report::json::parse_checked(altered.as_bytes()),
        Err(report::json::Problem::Hash { .. })
    ));
    let next = report::SCHEMA_VERSION + 1;
    let newer = String::from_utf8(bytes).unwrap().replace(
        &format!("\"schema_version\": {}", report::SCHEMA_VERSION),
        &format!("\"schema_version\": {next}"),
    );
    assert!(matches!(
        report::json::parse_checked(newer.as_bytes()),
        Err(report::json::Problem::Schema { found: Some(v) }) if v == u64::from(next)
    ));
    // A report of an older schema says where to act: the device.
    let older = String::from_utf8(report::render(&may, report::Format::Json, &f.protocol).unwrap())
        .unwrap()
        .replace(
            &format!("\"schema_version\": {}", report::SCHEMA_VERSION),
            "\"schema_version\": 1",
        );
    let problem = report::json::parse_checked(older.as_bytes()).unwrap_err();
    assert!(
        problem
            .to_string()
            .contains("mettez à jour protocoop sur l'appareil"),
        "{problem}"
    );
}
