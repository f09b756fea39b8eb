//! Recording acts: every refusal with its message (and nothing written),
//! numbering, deferred entries, remuneration, follow-ups, voids, closures.

mod common;

use common::*;
use protocoop::calendar::Month;
use protocoop::error::{Error, Refusal};
use protocoop::ledger::{ActStatus, AdverseNature, FollowupEvent, Severity};
use protocoop::protocol::Protocol;
use serde_json::json;

const NOW: &str = "2026-11-23T10:00:00Z";

fn refused(r: protocoop::Result<impl std::fmt::Debug>) -> Refusal {
    match r {
        Err(Error::Refused(refusal)) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn input_error(r: protocoop::Result<impl std::fmt::Debug>) -> (String, String) {
    match r {
        Err(Error::Input { field, message }) => (field, message),
        other => panic!("expected an input error, got {other:?}"),
    }
}

/// Asserts that `f` fails and leaves the ledger exactly as it was.
fn nothing_written<T: std::fmt::Debug>(
    l: &mut protocoop::ledger::Ledger,
    f: impl FnOnce(&mut protocoop::ledger::Ledger) -> protocoop::Result<T>,
) -> protocoop::Result<T> {
    let before = l.len().unwrap();
    let r = f(l);
    assert!(r.is_err(), "{r:?}");
    assert_eq!(
        l.len().unwrap(),
        before,
        "a refused action wrote to the ledger"
    );
    r
}

#[test]
fn acte_enregistre_numerote_et_relu() {
    let dir = tempfile::tempdir().unwrap();
    let p = Protocol::bundled();
    let mut l = setup_ledger(dir.path(), t(NOW));
    let r = record(&mut l, &p, &abscess_input(json!({})), t(NOW)).unwrap();
    assert_eq!(r.number, "2026-0001");
    assert_eq!(r.id.len(), 16);
    assert_eq!(r.hash.len(), 64);
    let v = l.act("2026-0001").unwrap();
    assert_eq!(v.act.id, r.id);
    assert_eq!(l.act(&r.id).unwrap().seq, r.seq);
    let a = v.act;
    assert_eq!(a.device_id, l.device_id());
    assert_eq!(a.protocol.sha256, p.identity.sha256);
    assert_eq!(a.delegue.name, "Marie Durand");
    assert_eq!(a.delegant.rpps, DELEGANT);
    assert_eq!(a.patient.age_years, 40);
    assert_eq!(a.facts["age_years"], json!(40));
    assert_eq!(a.facts["weight_kg"], json!(78));
    assert_eq!(a.outcome.urgency.as_deref(), Some("24h"));
    let ids: Vec<_> = a.prescription.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["paracetamol", "chlorhexidine", "amoxicilline"]);
    assert!(a.training, "the bundled protocol is a draft");
    assert_eq!(
        (a.payment.delegue_cents, a.payment.delegant_cents),
        (0, 0),
        "training acts are never paid"
    );
    assert_eq!(a.occurred_at, t(NOW));
    assert!(!a.deferred);
    assert!(l.verify().unwrap().ok);
}

#[test]
fn remuneration_avec_un_protocole_valide() {
    let dir = tempfile::tempdir().unwrap();
    let mut l = setup_ledger(dir.path(), t(NOW));
    let p = attach(&mut l, t(NOW));
    record(&mut l, &p, &abscess_input(json!({})), t(NOW)).unwrap();
    let a = l.act("2026-0001").unwrap().act;
    assert!(!a.training);
    assert_eq!(
        (a.payment.delegue_cents, a.payment.delegant_cents),
        (1000, 1500)
    );
    // A screening (not taken in charge) is recorded but not paid.
    let excluded = abscess_input(json!({"facts": {"excl.anticoagulant": true}, "lines": []}));
    record(&mut l, &p, &excluded, t(NOW)).unwrap();
    let a = l.act("2026-0002").unwrap().act;
    assert!(!a.taken_in_charge());
    assert_eq!(a.outcome.orientation.as_deref(), Some("avis_24h"));
    assert!(a.prescription.is_empty());
    assert_eq!((a.payment.delegue_cents, a.payment.delegant_cents), (0, 0));
}

#[test]
fn chaque_refus_avec_son_message_et_rien_d_ecrit() {
    let dir = tempfile::tempdir().unwrap();
    let p = Protocol::bundled();
    let mut l = setup_ledger(dir.path(), t(NOW));
    let now = t(NOW);
    let cases: Vec<(serde_json::Value, &str)> = vec![
        (
            json!({"delegue_rpps": UNTRAINED}),
            "Jean Nouveau n'a pas de formation au protocole enregistrée",
        ),
        (
            json!({"delegue_rpps": "10000000033"}),
            "délégué inconnu (RPPS 10000000033)",
        ),
        (
            json!({"delegant_rpps": "10000000041"}),
            "délégant inconnu (RPPS 10000000041)",
        ),
        (
            json!({"facts": {"age_years": 35}}),
            "l'âge calculé d'après la date de naissance (40 ans) ne correspond pas aux faits (35 ans)",
        ),
        (
            json!({"facts": {"weight_kg": 70}}),
            "le poids du patient (78 kg) ne correspond pas aux faits (70 kg)",
        ),
        (
            json!({"facts": {"sympt.abscess": false, "sympt.heat": true}, "lines": ["paracetamol", "amoxicilline"]}),
            "la ligne « amoxicilline » n'est pas proposée par le protocole pour ce patient",
        ),
        (
            json!({"facts": {"excl.eye_swelling": true}}),
            "patient non pris en charge (urgence) : aucune ligne de prescription n'est possible",
        ),
        (
            json!({"lines": ["chlorhexidine", "amoxicilline"]}),
            "la ligne « paracetamol » est obligatoire",
        ),
        (
            json!({"lines": ["paracetamol", "paracetamol_codeine", "chlorhexidine", "amoxicilline"]}),
            "« paracetamol_codeine » remplace « paracetamol » : les deux ne peuvent pas être prescrites ensemble",
        ),
        (
            json!({"lines": ["paracetamol", "paracetamol", "chlorhexidine", "amoxicilline"]}),
            "la ligne « paracetamol » est choisie deux fois",
        ),
        (
            json!({"consent": false}),
            "le patient doit être informé et consentant",
        ),
        (
            json!({"occurred_at": "2026-11-23T12:00:00Z"}),
            "date de l'acte dans le futur",
        ),
        (
            json!({"occurred_at": "2025-11-01T09:00:00Z"}),
            "plus de 12 mois",
        ),
    ];
    for (extra, message) in cases {
        let input = abscess_input(extra.clone());
        let r = nothing_written(&mut l, |l| record(l, &p, &input, now));
        let refusal = refused(r);
        assert!(refusal.to_string().contains(message), "{extra}: {refusal}");
    }
}

#[test]
fn delegue_forme_apres_la_date_de_l_acte() {
    let dir = tempfile::tempdir().unwrap();
    let p = Protocol::bundled();
    let mut l = setup_ledger(dir.path(), t(NOW));
    // Trained on 15/01/2026: a home visit on 10/01/2026 cannot be recorded.
    let input = abscess_input(json!({"occurred_at": "2026-01-10T09:00:00Z"}));
    let refusal = refused(nothing_written(&mut l, |l| record(l, &p, &input, t(NOW))));
    assert_eq!(
        refusal.to_string(),
        "Marie Durand est formé(e) à partir du 15/01/2026 seulement : l'acte du 10/01/2026 ne peut pas être enregistré"
    );
}

#[test]
fn sans_structure_refuse() {
    let dir = tempfile::tempdir().unwrap();
    let p = Protocol::bundled();
    let mut l =
        protocoop::vault::open_ledger(dir.path(), "phrase de passe de test", t(NOW)).unwrap();
    let r = nothing_written(&mut l, |l| record(l, &p, &abscess_input(json!({})), t(NOW)));
    assert_eq!(refused(r), Refusal::NoStructure);
}

#[test]
fn saisies_invalides_nomment_le_champ() {
    let dir = tempfile::tempdir().unwrap();
    let p = Protocol::bundled();
    let mut l = setup_ledger(dir.path(), t(NOW));
    let cases: Vec<(serde_json::Value, &str, &str)> = vec![
        (
            json!({"patient": {"birth_date": "02/03/1986"}}),
            "patient.birth_date",
            "AAAA-MM-JJ",
        ),
        (
            json!({"patient": {"birth_date": "2027-01-01"}}),
            "patient.birth_date",
            "postérieure",
        ),
        (json!({"patient": {"sex": "X"}}), "patient.sex", "F ou M"),
        (
            json!({"patient": {"postal_code": "7950"}}),
            "patient.postal_code",
            "cinq chiffres",
        ),
        (
            json!({"patient": {"last_name": " "}}),
            "patient.last_name",
            "obligatoire",
        ),
        (
            json!({"patient": {"weight_kg": -3}}),
            "patient.weight_kg",
            "invraisemblable",
        ),
        (
            json!({"delegue_rpps": "10005173141"}),
            "delegue_rpps",
            "clé de contrôle",
        ),
        (json!({"occurred_at": "hier"}), "occurred_at", "RFC 3339"),
        (
            json!({"facts": {"sympt.abcess": true}}),
            "sympt.abcess",
            "fait inconnu",
        ),
        (
            json!({"facts": {"pain_score": 12}}),
            "pain_score",
            "hors limites",
        ),
        (
            json!({"patient": {"birth_date": "2014-05-01", "weight_kg": null}}),
            "patient.weight_kg",
            "obligatoire pour un patient de 12 ans",
        ),
    ];
    for (extra, field, part) in cases {
        let input = abscess_input(extra.clone());
        let (f, m) = input_error(nothing_written(&mut l, |l| record(l, &p, &input, t(NOW))));
        assert_eq!(f, field, "{extra}: {m}");
        assert!(m.contains(part), "{extra}: {m}");
    }
    let (f, m) = input_error(protocoop::act::ActRequest::from_json("{\"patient\": 3}"));
    assert_eq!(f, "patient", "the field is named by its path");
    assert!(
        m.contains("un objet { … } attendu, reçu : le nombre 3"),
        "{m}"
    );
}

#[test]
fn code_pin_cinq_erreurs_verrouillent_cinq_minutes_meme_apres_redemarrage() {
    let dir = tempfile::tempdir().unwrap();
    let now = t(NOW);
    let mut l = setup_ledger(dir.path(), now);
    let who = rpps(DELEGUE);
    for remaining in (1..=4).rev() {
        assert_eq!(
            refused(l.authenticate(&who, "0000", now)),
            Refusal::WrongPin { remaining }
        );
    }
    match refused(l.authenticate(&who, "0000", now)) {
        Refusal::PinLocked { until, .. } => {
            assert_eq!(protocoop::fr::datetime(until), "23/11/2026 à 11:05")
        }
        other => panic!("{other:?}"),
    }
    drop(l);
    // Persisted: a restart does not unlock, and the right PIN is refused too.
    let mut l = protocoop::vault::open_ledger(dir.path(), "phrase de passe de test", now).unwrap();
    let later = now + chrono::Duration::minutes(4);
    assert!(matches!(
        refused(l.authenticate(&who, PIN, later)),
        Refusal::PinLocked { .. }
    ));
    assert!(l.locked_until(&who, later).unwrap().is_some());
    // Other délégués are not affected.
    l.authenticate(&rpps(DELEGUE_2), PIN, later).unwrap();
    // After five minutes, the right PIN works and resets the count.
    let after = now + chrono::Duration::minutes(5) + chrono::Duration::seconds(1);
    assert_eq!(
        l.authenticate(&who, PIN, after).unwrap().delegue().name,
        "Marie Durand"
    );
    assert_eq!(
        refused(l.authenticate(&who, "0000", after)),
        Refusal::WrongPin { remaining: 4 }
    );
}

#[test]
fn un_bon_code_pin_remet_le_compteur_a_zero() {
    let dir = tempfile::tempdir().unwrap();
    let now = t(NOW);
    let mut l = setup_ledger(dir.path(), now);
    let who = rpps(DELEGUE);
    for _ in 0..4 {
        let _ = l.authenticate(&who, "9999", now);
    }
    l.authenticate(&who, PIN, now).unwrap();
    assert_eq!(
        refused(l.authenticate(&who, "9999", now)),
        Refusal::WrongPin { remaining: 4 }
    );
}

#[test]
fn numerotation_par_annee_de_l_acte_et_saisie_differee() {
    let dir = tempfile::tempdir().unwrap();
    let p = Protocol::bundled();
    let jan = t("2027-01-05T10:00:00Z");
    let mut l = setup_ledger(dir.path(), jan);
    assert_eq!(
        record(
            &mut l,
            &p,
            &abscess_input(json!({"occurred_at": "2026-12-30T15:00:00Z"})),
            jan
        )
        .unwrap()
        .number,
        "2026-0001"
    );
    assert_eq!(
        record(&mut l, &p, &abscess_input(json!({})), jan)
            .unwrap()
            .number,
        "2027-0001"
    );
    assert_eq!(
        record(&mut l, &p, &abscess_input(json!({})), jan)
            .unwrap()
            .number,
        "2027-0002"
    );
    // A home visit of New Year's Eve, entered back at the office.
    let r = record(
        &mut l,
        &p,
        &abscess_input(json!({"occurred_at": "2026-12-31T23:30:00Z"})),
        jan,
    )
    .unwrap();
    // 23:30 UTC on 31 December is already 1 January in Paris (UTC+1).
    assert_eq!(r.number, "2027-0003");
    let r = record(
        &mut l,
        &p,
        &abscess_input(json!({"occurred_at": "2026-12-31T18:00:00+01:00"})),
        jan,
    )
    .unwrap();
    assert_eq!(r.number, "2026-0002");
    let a = l.act("2026-0002").unwrap().act;
    assert!(a.deferred);
    assert_eq!(a.recorded_at, jan);
    assert!(!l.act("2027-0001").unwrap().act.deferred);
    assert_eq!(
        l.acts(Some(Month {
            year: 2026,
            month: 12
        }))
        .unwrap()
        .len(),
        2
    );
    assert_eq!(l.acts(None).unwrap().len(), 5);
}

#[test]
fn suivis_et_annulation() {
    let dir = tempfile::tempdir().unwrap();
    let p = Protocol::bundled();
    let now = t(NOW);
    let mut l = setup_ledger(dir.path(), now);
    let r = record(&mut l, &p, &abscess_input(json!({})), now).unwrap();
    let by = recorder(&mut l, &r.number, now);
    l.add_followup(
        &r.number,
        &by,
        FollowupEvent::Reprise {
            text: Some("douleur persistante".into()),
        },
        now,
    )
    .unwrap();
    l.add_followup(
        &r.id,
        &by,
        FollowupEvent::AdverseEvent {
            nature: AdverseNature::parse("allergie").unwrap(),
            nature_label: None,
            severity: Severity::Moderee,
            text: Some("urticaire".into()),
        },
        now,
    )
    .unwrap();
    l.add_followup(
        &r.number,
        &by,
        FollowupEvent::PatientSatisfaction {
            score: 5,
            text: None,
        },
        now,
    )
    .unwrap();
    l.add_followup(
        &r.number,
        &by,
        FollowupEvent::ProfessionalSatisfaction {
            score: 4,
            text: None,
        },
        now,
    )
    .unwrap();
    let (f, _) = input_error(nothing_written(&mut l, |l| {
        l.add_followup(
            &r.number,
            &by,
            FollowupEvent::PatientSatisfaction {
                score: 6,
                text: None,
            },
            now,
        )
    }));
    assert_eq!(f, "followup.score");
    let (f, m) = input_error(nothing_written(&mut l, |l| {
        l.add_followup("2026-0999", &by, FollowupEvent::Reprise { text: None }, now)
    }));
    assert_eq!(f, "acte");
    assert!(m.contains("aucun acte « 2026-0999 »"), "{m}");

    let (f, _) = input_error(nothing_written(&mut l, |l| {
        l.add_followup(
            &r.number,
            &by,
            FollowupEvent::Void {
                reason: "  ".into(),
            },
            now,
        )
    }));
    assert_eq!(f, "followup.reason");
    l.add_followup(
        &r.number,
        &by,
        FollowupEvent::Void {
            reason: "patient enregistré deux fois".into(),
        },
        now,
    )
    .unwrap();
    let v = l.act(&r.number).unwrap();
    assert_eq!(v.followups.len(), 5);
    match v.status {
        ActStatus::Void { reason, by, .. } => {
            assert_eq!(reason, "patient enregistré deux fois");
            assert_eq!(by.as_deref(), Some(DELEGUE));
        }
        other => panic!("{other:?}"),
    }
    // The act stays, marked void; nothing more can be added to it.
    assert!(l.acts(None).unwrap()[0].void);
    let refusal = refused(nothing_written(&mut l, |l| {
        l.add_followup(&r.number, &by, FollowupEvent::Reprise { text: None }, now)
    }));
    assert_eq!(refusal, Refusal::ActVoid("2026-0001".into()));
    assert!(l.verify().unwrap().ok);
}

#[test]
fn cloture_du_mois_compte_et_totaux() {
    let dir = tempfile::tempdir().unwrap();
    let nov = t("2026-11-20T10:00:00Z");
    let mut l = setup_ledger(dir.path(), nov);
    let p = attach(&mut l, nov);
    record(&mut l, &p, &abscess_input(json!({})), nov).unwrap();
    record(&mut l, &p, &abscess_input(json!({})), nov).unwrap();
    record(
        &mut l,
        &p,
        &abscess_input(json!({"facts": {"excl.haemorrhage": true}, "lines": []})),
        nov,
    )
    .unwrap();
    let voided = record(&mut l, &p, &abscess_input(json!({})), nov).unwrap();
    let by = recorder(&mut l, &voided.number, nov);
    l.add_followup(
        &voided.number,
        &by,
        FollowupEvent::Void {
            reason: "erreur".into(),
        },
        nov,
    )
    .unwrap();
    let month = Month {
        year: 2026,
        month: 11,
    };
    assert_eq!(
        refused(l.close_month(month, nov)),
        Refusal::MonthNotOver("2026-11".into())
    );
    let dec = t("2026-12-01T08:00:00Z");
    let head_before = l.verify().unwrap().head.unwrap();
    let (r, c) = l.close_month(month, dec).unwrap();
    assert_eq!((c.count, c.screenings, c.prises_en_charge), (4, 3, 2));
    assert_eq!(c.remuneration_cents, 2 * 2500);
    assert_eq!((c.first_seq, c.last_seq), (1, head_before.seq));
    assert_eq!(c.head_hash, head_before.hash);
    assert_eq!(r.seq, head_before.seq + 1);
    assert_eq!(
        refused(l.close_month(month, dec)),
        Refusal::MonthAlreadyClosed("2026-11".into())
    );
    let anchors = std::fs::read_to_string(dir.path().join("closures.log")).unwrap();
    assert_eq!(anchors, format!("2026-11 {} {}\n", r.seq, r.hash));
    // The next closure starts right after this one.
    let jan = t("2027-01-02T08:00:00Z");
    let (_, c2) = l
        .close_month(
            Month {
                year: 2026,
                month: 12,
            },
            jan,
        )
        .unwrap();
    assert_eq!(c2.first_seq, r.seq + 1);
    assert_eq!(c2.count, 0);
    assert!(l.verify().unwrap().ok);
}

#[test]
fn cloture_refusee_si_un_mois_anterieur_avec_actes_est_ouvert() {
    let dir = tempfile::tempdir().unwrap();
    let nov = t("2026-11-20T10:00:00Z");
    let mut l = setup_ledger(dir.path(), nov);
    let p = attach(&mut l, nov);
    let october = abscess_input(json!({"occurred_at": "2026-10-15T08:00:00Z"}));
    record(&mut l, &p, &october, nov).unwrap();
    let dec = t("2026-12-01T08:00:00Z");
    let month = |m: u32| Month {
        year: 2026,
        month: m,
    };
    // November cannot be closed over October, which has an act: October's
    // act would never get a report of its own.
    let refusal = refused(nothing_written(&mut l, |l| l.close_month(month(11), dec)));
    assert_eq!(
        refusal,
        Refusal::EarlierMonthOpen {
            earlier: "2026-10".into(),
            month: "2026-11".into()
        }
    );
    assert!(
        refusal.to_string().contains("octobre 2026"),
        "the core names the month in words; the shells say what to do"
    );
    // September had no act: closing October first is fine, then November.
    l.close_month(month(10), dec).unwrap();
    l.close_month(month(11), dec).unwrap();
    assert_eq!(l.closures().unwrap().len(), 2);
}
