//! Shared helpers for integration tests: build facts quickly, and run the
//! real `protocoop` binary in a temporary folder.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use protocoop::protocol::{Fixed, Protocol, Value};
use protocoop::triage::Facts;

pub mod fleet;
pub mod pdf;

/// Facts from `(id, json value)` pairs, through the same parser as the CLI.
pub fn facts(p: &Protocol, pairs: &[(&str, serde_json::Value)]) -> Facts {
    let map: serde_json::Map<String, serde_json::Value> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    Facts::from_json(p, &serde_json::Value::Object(map)).expect("valid test facts")
}

pub fn set_bool(p: &Protocol, f: &mut Facts, id: &str, v: bool) {
    f.set(p, p.fact_id(id).unwrap(), Value::Bool(v)).unwrap();
}

pub fn set_num(p: &Protocol, f: &mut Facts, id: &str, v: f64) {
    f.set(
        p,
        p.fact_id(id).unwrap(),
        Value::Num(Fixed::from_f64(v).unwrap()),
    )
    .unwrap();
}

/// A temporary folder in which to run the binary.
pub struct TestEnv {
    pub dir: tempfile::TempDir,
}

/// What a run of the binary produced.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl TestEnv {
    pub fn new() -> TestEnv {
        TestEnv {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, content: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, content).unwrap();
        p
    }

    /// Runs `protocoop ARGS` with `stdin` as input, in the temp folder.
    pub fn run(&self, args: &[&str], stdin: &str) -> Output {
        run_in(self.dir.path(), args, stdin, &[])
    }

    pub fn run_env(&self, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
        run_in(self.dir.path(), args, stdin, env)
    }
}

/// The structure's passphrase every test folder is created with.
pub const DEVICE_PASSPHRASE: &str = "phrase de passe de test";

pub fn run_in(dir: &Path, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_protocoop"));
    cmd.args(args)
        .current_dir(dir)
        .env_remove("PROTOCOOP_PROTOCOL")
        .env_remove("PROTOCOOP_DATA_DIR")
        .env("PROTOCOOP_PASSPHRASE", DEVICE_PASSPHRASE)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("run protocoop");
    // A command may exit without reading its input (e.g. a usage error).
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    let out = child.wait_with_output().unwrap();
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

// --- Ledger fixtures --------------------------------------------------------

use chrono::{DateTime, NaiveDate, Utc};
use protocoop::act::{ActRecord, ActRequest, prepare};
use protocoop::ids::Rpps;
use protocoop::ledger::{Ledger, Recorded};
use protocoop::registry::{
    DelegantRecord, DelegueRecord, Profession, ProfessionalRecord, StructureRecord, hash_pin,
};

pub const DELEGUE: &str = "10005173140";
pub const DELEGUE_2: &str = "10000000017";
pub const UNTRAINED: &str = "10000000025";
pub const DELEGANT: &str = "10000000009";
pub const PIN: &str = "274915";

pub fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

pub fn rpps(s: &str) -> Rpps {
    Rpps::parse(s).unwrap()
}

fn delegue(
    rpps_: &str,
    name: &str,
    trained_on: Option<&str>,
    pin_hash: &str,
    now: DateTime<Utc>,
) -> ProfessionalRecord {
    ProfessionalRecord::Delegue(DelegueRecord {
        v: 1,
        rpps: rpps(rpps_),
        name: name.into(),
        profession: Profession::Pharmacien,
        trained_on: trained_on.map(|d| d.parse::<NaiveDate>().unwrap()),
        pin_hash: pin_hash.into(),
        active: true,
        recorded_at: now,
    })
}

/// A ledger with a structure, two trained délégués and one untrained (PIN
/// 274915 for all), and one délégant.
pub fn setup_ledger(dir: &Path, now: DateTime<Utc>) -> Ledger {
    let l = protocoop::vault::open_ledger(dir, DEVICE_PASSPHRASE, now).unwrap();
    register(l, now)
}

/// Records the structure and professionals of [`setup_ledger`] in `l`.
pub fn register(mut l: Ledger, now: DateTime<Utc>) -> Ledger {
    l.set_structure(&StructureRecord {
        v: 1,
        name: "Pharmacie du Marché".into(),
        address: "2 place du Marché, 79500 Melle".into(),
        postal_code: "79500".into(),
        finess: None,
        phone: Some("05 49 00 00 00".into()),
        recorded_at: now,
    })
    .unwrap();
    let pin_hash = hash_pin(PIN).unwrap();
    l.add_professional(&delegue(
        DELEGUE,
        "Marie Durand",
        Some("2026-01-15"),
        &pin_hash,
        now,
    ))
    .unwrap();
    l.add_professional(&delegue(
        DELEGUE_2,
        "Luc Bernard",
        Some("2025-09-01"),
        &pin_hash,
        now,
    ))
    .unwrap();
    l.add_professional(&delegue(UNTRAINED, "Jean Nouveau", None, &pin_hash, now))
        .unwrap();
    l.add_professional(&ProfessionalRecord::Delegant(DelegantRecord {
        v: 1,
        rpps: rpps(DELEGANT),
        name: "Dr Claire Exemple".into(),
        address: Some("1 rue des Dentistes, 79500 Melle".into()),
        phone: None,
        active: true,
        recorded_at: now,
        profession: Default::default(),
    }))
    .unwrap();
    l
}

/// The délégué who recorded `act`, signed in with the fixtures' PIN: every
/// follow-up is authored by a délégué who typed her PIN.
pub fn recorder(l: &mut Ledger, act: &str, now: DateTime<Utc>) -> protocoop::ledger::Authenticated {
    let who = l.act(act).unwrap().act.delegue.rpps;
    l.authenticate(&rpps(&who), PIN, now).unwrap()
}

/// Every question of the bundled protocol answered « non » (temperature
/// not measured): an act is recorded only on explicit answers.
pub fn all_no() -> serde_json::Value {
    let mut facts = serde_json::Map::new();
    for id in [
        "excl.eye_swelling",
        "excl.floor_of_mouth",
        "excl.dysphagia_trismus",
        "excl.nose_wing",
        "excl.facial_trauma",
        "excl.haemorrhage",
        "excl.immunosuppression",
        "excl.antibiotic_allergy",
        "excl.endocarditis_risk",
        "excl.face_radiotherapy",
        "excl.anticoagulant",
        "excl.severe_renal_failure",
        "pregnant",
        "sympt.cold_brushing",
        "sympt.cold_sugar_meals",
        "sympt.heat",
        "sympt.long_tooth_pressure",
        "sympt.abscess",
        "sympt.wisdom_tooth",
        "sympt.mobile_teeth",
        "sympt.cellulitis",
    ] {
        facts.insert(id.into(), serde_json::Value::Bool(false));
    }
    facts.insert("temperature_c".into(), serde_json::Value::Null);
    serde_json::Value::Object(facts)
}

/// An adult abscess, as `act record` takes it, every question answered;
/// `extra` overrides fields.
pub fn abscess_input(extra: serde_json::Value) -> String {
    let mut facts = all_no();
    merge(
        &mut facts,
        serde_json::json!({"pain_score": 6, "sympt.abscess": true}),
    );
    let mut v = serde_json::json!({
        "patient": {"last_name": "Martin", "first_name": "Paul", "birth_date": "1986-03-02", "sex": "M",
                    "weight_kg": 78, "postal_code": "79500"},
        "facts": facts,
        "delegue_rpps": DELEGUE,
        "delegant_rpps": DELEGANT,
        "lines": ["paracetamol", "chlorhexidine", "amoxicilline"]
    });
    merge(&mut v, extra);
    v.to_string()
}

/// The adult abscess of [`abscess_input`] for the `n`-th patient (born `n`
/// days after the first): recorded one after the other, none is a repeat
/// visit.
pub fn abscess_for(n: i64, extra: serde_json::Value) -> String {
    let born = NaiveDate::from_ymd_opt(1986, 3, 2).unwrap() + chrono::Duration::days(n);
    let mut v: serde_json::Value = serde_json::from_str(&abscess_input(
        serde_json::json!({"patient": {"birth_date": born.to_string()}}),
    ))
    .unwrap();
    merge(&mut v, extra);
    v.to_string()
}

fn merge(a: &mut serde_json::Value, b: serde_json::Value) {
    match (a, b) {
        (serde_json::Value::Object(a), serde_json::Value::Object(b)) => {
            for (k, v) in b {
                merge(a.entry(k).or_insert(serde_json::Value::Null), v);
            }
        }
        (a, b) => *a = b,
    }
}

/// Prepares an act from JSON input against `protocol`, as a first visit:
/// the tests record the same patient many times, and a repeat visit would
/// send every act after the first to « avis sous 24 heures ». The repeat
/// visit itself is tested through `Ledger::prepare_act` (tests/recurrence.rs).
pub fn prepared(
    l: &Ledger,
    protocol: &Protocol,
    input: &str,
    now: DateTime<Utc>,
) -> protocoop::Result<ActRecord> {
    let req = ActRequest::from_json(input)?;
    prepare(protocol, &l.registry()?, l.device_id(), &req, None, now)
}

/// Prepares and records an act.
pub fn record(
    l: &mut Ledger,
    protocol: &Protocol,
    input: &str,
    now: DateTime<Utc>,
) -> protocoop::Result<Recorded> {
    let act = prepared(l, protocol, input, now)?;
    l.record_act(act)
}

/// The bundled protocol's text, validated by the example délégant.
pub fn validated_text() -> String {
    protocoop::protocol::validation::validated_copy(
        protocoop::protocol::BUNDLED_TEXT,
        "test",
        "Dr Claire Exemple",
        DELEGANT,
        "2026-01-10".parse().unwrap(),
        "2026-11-23".parse().unwrap(),
    )
    .unwrap()
}

/// The validated protocol as a device receives it from its CPTS (attested:
/// acts under it are real once the device is attached, see [`attach`]).
pub fn validated_protocol() -> Protocol {
    let cpts = protocoop::crypto::KeyPair::generate().unwrap();
    let device = protocoop::crypto::KeyPair::generate().unwrap();
    let text = signed_bundle(&cpts, 1, &validated_text(), &[], &[], &[device.public()]);
    let b = protocoop::bundle::Bundle::open(
        &text,
        protocoop::bundle::Pinned {
            key: None,
            serial: 0,
        },
        Some(&cpts.public().fingerprint()),
        &device.public(),
    )
    .unwrap();
    b.protocol().unwrap()
}

/// A bundle signed by `cpts`, as `protocoop cpts bundle` writes it.
pub fn signed_bundle(
    cpts: &protocoop::crypto::KeyPair,
    serial: u64,
    protocol: &str,
    delegues: &[protocoop::bundle::BundleDelegue],
    delegants: &[protocoop::bundle::BundleDelegant],
    devices: &[protocoop::crypto::PublicKey],
) -> String {
    let devices: Vec<protocoop::bundle::BundleDevice> = devices
        .iter()
        .map(|k| protocoop::bundle::BundleDevice {
            name: "Appareil des tests".into(),
            public_key: *k,
            acknowledged_head: None,
            restore_acknowledged: false,
        })
        .collect();
    signed_bundle_for(cpts, serial, protocol, delegues, delegants, devices)
}

/// [`signed_bundle`] with the device entries as given (acknowledged heads).
pub fn signed_bundle_for(
    cpts: &protocoop::crypto::KeyPair,
    serial: u64,
    protocol: &str,
    delegues: &[protocoop::bundle::BundleDelegue],
    delegants: &[protocoop::bundle::BundleDelegant],
    devices: Vec<protocoop::bundle::BundleDevice>,
) -> String {
    use protocoop::bundle::*;
    let payload = BundlePayload {
        schema_version: SCHEMA_VERSION,
        serial,
        cpts: CptsIdentity {
            name: "CPTS des tests".into(),
            public_key: cpts.public(),
        },
        created_at: t("2026-01-20T09:00:00Z"),
        protocols: vec![BundleProtocol {
            text: protocol.to_string(),
            sha256: protocoop::protocol::sha256_hex(protocol.as_bytes()),
        }],
        delegants: delegants.to_vec(),
        delegues: delegues.to_vec(),
        roster: None,
        pharmacies: Some(24),
        devices,
        recovery_key: None,
    };
    let env =
        protocoop::crypto::Envelope::sign(KIND, serde_json::to_string(&payload).unwrap(), cpts);
    String::from_utf8(env.to_bytes()).unwrap()
}

/// Attaches a test ledger to a CPTS: a bundle carrying the validated
/// protocol, every trained délégué and every délégant registered on it so
/// far, applied; each délégué then activates with the fixtures' PIN.
/// Returns the attested protocol: acts recorded from now on are real.
pub fn attach(l: &mut Ledger, now: DateTime<Utc>) -> Protocol {
    use protocoop::bundle::*;
    let reg = l.registry().unwrap();
    let mut codes = Vec::new();
    let delegues: Vec<BundleDelegue> = reg
        .delegues()
        .into_iter()
        .filter_map(|d| {
            let trained_on = d.trained_on?;
            let code = protocoop::crypto::codes::new_code().unwrap();
            codes.push((d.rpps.clone(), code.clone()));
            Some(BundleDelegue {
                rpps: d.rpps.clone(),
                name: d.name.clone(),
                profession: d.profession,
                trained_on,
                status: DelegueStatus::Active,
                activation: Some(Activation {
                    id: format!("activation-{}", d.rpps),
                    code_hash: protocoop::crypto::codes::hash_code(&code).unwrap(),
                }),
            })
        })
        .collect();
    let delegants: Vec<BundleDelegant> = reg
        .delegants()
        .into_iter()
        .map(|d| BundleDelegant {
            rpps: d.rpps.clone(),
            name: d.name.clone(),
            profession: d.profession,
            address: d.address.clone(),
            phone: d.phone.clone(),
        })
        .collect();
    let cpts = protocoop::crypto::KeyPair::generate().unwrap();
    let device = l.device_key(now).unwrap().public();
    let text = signed_bundle(
        &cpts,
        1,
        &validated_text(),
        &delegues,
        &delegants,
        &[device],
    );
    l.apply_bundle(&text, Some(&cpts.public().fingerprint()), now)
        .unwrap();
    for (rpps, code) in codes {
        l.activate(&rpps, &code, PIN, now).unwrap();
    }
    l.cpts_protocol().unwrap().unwrap()
}

/// Text of a PDF file through poppler's `pdftotext -layout`.
/// A command-line tool the tests read documents with; missing, the test
/// stops saying which Debian package to install (the README lists them).
pub fn tool(name: &str) -> Command {
    let package = match name {
        "pdftotext" | "pdfinfo" | "pdffonts" | "pdftoppm" => "poppler-utils",
        "xmllint" => "libxml2-utils",
        other => other,
    };
    let found = Command::new(name)
        .arg("-v")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    assert!(
        found,
        "« {name} » introuvable : installez le paquet {package} (sudo apt-get install {package}), comme le dit le README"
    );
    Command::new(name)
}

/// The SEPA transfer file is valid against pain.001.001.03, the schema
/// shipped under tests/fixtures (checked by xmllint, libxml2-utils).
pub fn assert_sepa_valid(xml: &Path) {
    let xsd = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pain.001.001.03.xsd");
    let out = tool("xmllint")
        .args(["--noout", "--schema"])
        .arg(xsd)
        .arg(xml)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn pdf_text(path: &Path) -> String {
    let out = tool("pdftotext")
        .args(["-layout", path.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// A raw connection to a ledger database, as a tamper test (or a person who
/// knows the passphrase) would open it: with the data key unlocked from
/// the folder's key file, or plainly for a clear file (an old fixture).
pub fn open_db(db: &Path) -> rusqlite::Connection {
    let clear = std::fs::read(db)
        .map(|b| b.is_empty() || b.starts_with(b"SQLite format 3\0"))
        .unwrap_or(true);
    let c = rusqlite::Connection::open(db).unwrap();
    if !clear {
        let dir = db.parent().unwrap();
        let key = protocoop::vault::unlock(dir, DEVICE_PASSPHRASE, chrono::Utc::now()).unwrap();
        c.pragma_update(None, "key", &*key.sqlcipher_key()).unwrap();
    }
    c
}

/// The file is readable and writable by its owner only (0600).
pub fn assert_owner_only(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600, "{}", path.display());
}
