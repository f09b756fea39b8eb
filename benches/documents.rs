//! Document rendering (see docs/BENCHMARKS.md): the prescription and the
//! advice sheet of an adult abscess, together. Goal: < 20 ms in release.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use divan::{Bencher, black_box};
use protocoop::act::{ActRequest, prepare};
use protocoop::documents::{Paper, Roster, advice, prescription, summary};
use protocoop::ledger::{ActView, Ledger};
use protocoop::protocol::Protocol;
use protocoop::registry::{
    DelegantRecord, DelegueRecord, Profession, ProfessionalRecord, StructureRecord,
};

fn main() {
    divan::main();
}

fn now() -> DateTime<Utc> {
    "2026-11-23T10:00:00Z".parse().unwrap()
}

/// One recorded act, read back as the renderers see it.
static ACT: LazyLock<ActView> = LazyLock::new(|| {
    let dir = std::env::temp_dir().join(format!("protocoop-bench-docs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut l = Ledger::open(&dir, now()).unwrap();
    l.set_structure(&StructureRecord {
        v: 1,
        name: "Pharmacie du Marché".into(),
        address: "2 place du Marché, 79500 Melle".into(),
        postal_code: "79500".into(),
        finess: None,
        phone: Some("05 49 00 00 00".into()),
        recorded_at: now(),
    })
    .unwrap();
    l.add_professional(&ProfessionalRecord::Delegue(DelegueRecord {
        v: 1,
        rpps: protocoop::ids::Rpps::parse("10005173140").unwrap(),
        name: "Marie Durand".into(),
        profession: Profession::Pharmacien,
        trained_on: Some("2026-01-15".parse().unwrap()),
        pin_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        active: true,
        recorded_at: now(),
    }))
    .unwrap();
    l.add_professional(&ProfessionalRecord::Delegant(DelegantRecord {
        v: 1,
        rpps: protocoop::ids::Rpps::parse("10000000009").unwrap(),
        name: "Dr Claire Exemple".into(),
        address: None,
        phone: None,
        active: true,
        recorded_at: now(),
    }))
    .unwrap();
    let req = ActRequest::from_json(
        r#"{"patient": {"last_name": "Martin", "first_name": "Paul", "birth_date": "1986-03-02", "sex": "M",
            "weight_kg": 78, "postal_code": "79500"},
            "facts": {"pain_score": 6, "sympt.abscess": true},
            "delegue_rpps": "10005173140", "delegant_rpps": "10000000009",
            "lines": ["paracetamol", "chlorhexidine", "amoxicilline"]}"#,
    )
    .unwrap();
    let act = prepare(
        &Protocol::bundled(),
        &l.registry().unwrap(),
        l.device_id(),
        &req,
        now(),
    )
    .unwrap();
    let number = l.record_act(act).unwrap().number;
    let view = l.act(&number).unwrap();
    drop(l);
    let _ = std::fs::remove_dir_all(&dir);
    view
});

static PROTOCOL: LazyLock<Protocol> = LazyLock::new(Protocol::bundled);

#[divan::bench(sample_count = 50)]
fn prescription_and_advice(bencher: Bencher) {
    let roster = Roster::example();
    let (act, protocol) = (&*ACT, &*PROTOCOL);
    bencher.bench(|| {
        let p = prescription::render(black_box(act), Paper::A4).unwrap();
        let a = advice::render(black_box(act), protocol, Some(&roster), Paper::A4).unwrap();
        (p, a)
    });
}

#[divan::bench(sample_count = 50)]
fn prescription_only(bencher: Bencher) {
    let act = &*ACT;
    bencher.bench(|| prescription::render(black_box(act), Paper::A4).unwrap());
}

#[divan::bench(sample_count = 20)]
fn protocol_summary(bencher: Bencher) {
    let protocol = &*PROTOCOL;
    bencher.bench(|| summary::render(black_box(protocol), Paper::A4));
}
