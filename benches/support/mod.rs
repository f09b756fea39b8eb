//! What the ledger, document and report benchmarks share: a ledger with a
//! structure, a trained délégué and a délégant, and an adult abscess act
//! prepared for it.

use std::path::Path;

use chrono::{DateTime, Utc};
use protocoop::act::{ActRecord, ActRequest, prepare};
use protocoop::ids::Rpps;
use protocoop::ledger::Ledger;
use protocoop::protocol::Protocol;
use protocoop::registry::{
    DelegantRecord, DelegueRecord, Profession, ProfessionalRecord, StructureRecord,
};

/// Opens a ledger in `dir` and registers who works there.
pub fn registered_ledger(dir: &Path, at: DateTime<Utc>) -> Ledger {
    let mut l = Ledger::open(dir, at).unwrap();
    l.set_structure(&StructureRecord {
        v: 1,
        name: "Pharmacie du Marché".into(),
        address: "2 place du Marché, 79500 Melle".into(),
        postal_code: "79500".into(),
        finess: None,
        phone: Some("05 49 00 00 00".into()),
        recorded_at: at,
    })
    .unwrap();
    l.add_professional(&ProfessionalRecord::Delegue(DelegueRecord {
        v: 1,
        rpps: Rpps::parse("10005173140").unwrap(),
        name: "Marie Durand".into(),
        profession: Profession::Pharmacien,
        trained_on: Some("2025-12-15".parse().unwrap()),
        // Never checked: the benchmarks prepare acts without a PIN.
        pin_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        active: true,
        recorded_at: at,
    }))
    .unwrap();
    l.add_professional(&ProfessionalRecord::Delegant(DelegantRecord {
        v: 1,
        rpps: Rpps::parse("10000000009").unwrap(),
        name: "Dr Claire Exemple".into(),
        address: None,
        phone: None,
        active: true,
        recorded_at: at,
    }))
    .unwrap();
    l
}

/// An adult abscess (paracétamol, chlorhexidine, amoxicilline), prepared
/// for this ledger at `at`.
pub fn abscess_act(l: &Ledger, at: DateTime<Utc>) -> ActRecord {
    let req = ActRequest::from_json(
        r#"{"patient": {"last_name": "Martin", "first_name": "Paul", "birth_date": "1986-03-02", "sex": "M",
            "weight_kg": 78, "postal_code": "79500"},
            "facts": {"pain_score": 6, "sympt.abscess": true},
            "delegue_rpps": "10005173140", "delegant_rpps": "10000000009",
            "lines": ["paracetamol", "chlorhexidine", "amoxicilline"]}"#,
    )
    .unwrap();
    prepare(
        &Protocol::bundled(),
        &l.registry().unwrap(),
        l.device_id(),
        &req,
        at,
    )
    .unwrap()
}
