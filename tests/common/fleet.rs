//! A CPTS and its devices through the real binary: the office (its key,
//! registry and bundles) and devices (a data folder each), for the tests
//! that follow a fleet from enrolment to payment.

use serde_json::Value;

use super::*;

pub const NOW: &str = "2026-11-23T10:00:00Z";
pub const PASSPHRASE: &str = "cheval agrafe pile correcte";
pub const NURSE: &str = "10000000033";

pub struct Office {
    pub env: TestEnv,
    pub dir: String,
}

impl Office {
    pub fn run(&self, args: &[&str], stdin: &str) -> Output {
        self.run_at(NOW, args, stdin)
    }

    pub fn run_at(&self, at: &str, args: &[&str], stdin: &str) -> Output {
        let mut a = vec!["cpts", "--cpts-dir", self.dir.as_str()];
        a.extend_from_slice(args);
        self.env.run_env(&a, stdin, &[("PROTOCOOP_NOW", at)])
    }

    pub fn ok(&self, args: &[&str], stdin: &str) -> Output {
        let out = self.run(args, stdin);
        assert_eq!(out.code, 0, "{args:?}: {out:?}");
        out
    }

    pub fn fingerprint(&self) -> String {
        let v: Value =
            serde_json::from_str(&self.ok(&["key", "show", "--json"], "").stdout).unwrap();
        v["fingerprint"].as_str().unwrap().to_string()
    }

    pub fn bundle(&self, name: &str) -> String {
        let path = self.env.path(name);
        self.ok(
            &[
                "bundle",
                "--out",
                path.to_str().unwrap(),
                "--passphrase-stdin",
            ],
            &format!("{PASSPHRASE}\n"),
        );
        path.to_str().unwrap().to_string()
    }
}

pub struct Device {
    pub env: TestEnv,
    pub data: String,
    /// Acts recorded by [`Device::record`]: each is another patient.
    recorded: std::cell::Cell<i64>,
}

impl Device {
    pub fn new(name: &str) -> Device {
        let env = TestEnv::new();
        let data = env.path("data").to_str().unwrap().to_string();
        let d = Device {
            env,
            data,
            recorded: std::cell::Cell::new(0),
        };
        d.ok(
            &[
                "structure",
                "set",
                "--name",
                name,
                "--address",
                "2 place du Marché, 79500 Melle",
                "--postal-code",
                "79500",
                "--phone",
                "05 49 00 00 00",
            ],
            "",
        );
        d
    }

    /// A device on a data folder set up otherwise (by the library).
    pub fn on(env: TestEnv, data: &str) -> Device {
        Device {
            env,
            data: data.to_string(),
            recorded: std::cell::Cell::new(0),
        }
    }

    pub fn run_at(&self, at: &str, args: &[&str], stdin: &str) -> Output {
        let mut a = vec!["--data-dir", self.data.as_str()];
        a.extend_from_slice(args);
        self.env.run_env(&a, stdin, &[("PROTOCOOP_NOW", at)])
    }

    pub fn run(&self, args: &[&str], stdin: &str) -> Output {
        self.run_at(NOW, args, stdin)
    }

    pub fn ok(&self, args: &[&str], stdin: &str) -> Output {
        let out = self.run(args, stdin);
        assert_eq!(out.code, 0, "{args:?}: {out:?}");
        out
    }

    pub fn public_key(&self) -> String {
        let v: Value =
            serde_json::from_str(&self.ok(&["device", "show", "--json"], "").stdout).unwrap();
        v["public_key"].as_str().unwrap().to_string()
    }

    pub fn entries(&self) -> u64 {
        let out = self.run(&["verify", "--json"], "");
        let v: Value = serde_json::from_str(&out.stdout).unwrap();
        v["entries"].as_u64().unwrap()
    }

    /// Records an abscess through the CLI; each call is another patient
    /// (born a day later), so that none is a repeat visit, unless `extra`
    /// names the patient's birth date.
    pub fn record(&self, at: &str, pin: &str, extra: Value) -> Output {
        let n = self.recorded.get();
        self.recorded.set(n + 1);
        let input = abscess_for(n, extra);
        self.run_at(
            at,
            &["act", "record", "--input", "-", "--pin-stdin", "--json"],
            &format!("{pin}\n{input}"),
        )
    }
}

/// A refusal: its exit code and reason, and not one entry written.
pub fn refused(d: &Device, at: &str, args: &[&str], stdin: &str, code: i32, reason: &str) {
    let before = d.entries();
    let out = d.run_at(at, args, stdin);
    assert_eq!(out.code, code, "{args:?}: {out:?}");
    assert!(out.stderr.contains(reason), "{args:?}: {}", out.stderr);
    assert_eq!(d.entries(), before, "{args:?} wrote something");
}

/// The CPTS Sud Deux-Sèvres of the tests: two délégués, a délégant, the
/// validated protocol, two enrolled devices; returns the activation codes.
pub fn office_with(devices: &[&Device]) -> (Office, String, String) {
    let env = TestEnv::new();
    let dir = env.path("cpts").to_str().unwrap().to_string();
    let o = Office { env, dir };
    let out = o.ok(
        &[
            "init",
            "--name",
            "CPTS Sud Deux-Sèvres",
            "--passphrase-stdin",
        ],
        &format!("{PASSPHRASE}\n"),
    );
    assert!(out.stdout.contains("Empreinte"), "{}", out.stdout);
    let code = |out: Output| {
        let v: Value = serde_json::from_str(&out.stdout).unwrap();
        v["activation_code"].as_str().unwrap().to_string()
    };
    let marie = code(o.ok(
        &[
            "delegue",
            "add",
            "--name",
            "Marie Durand",
            "--rpps",
            DELEGUE,
            "--profession",
            "pharmacien",
            "--trained-on",
            "2026-01-15",
            "--json",
        ],
        "",
    ));
    let luc = code(o.ok(
        &[
            "delegue",
            "add",
            "--name",
            "Luc Bernard",
            "--rpps",
            DELEGUE_2,
            "--profession",
            "infirmier",
            "--trained-on",
            "2025-09-01",
            "--json",
        ],
        "",
    ));
    o.ok(
        &[
            "delegant",
            "add",
            "--name",
            "Dr Claire Exemple",
            "--rpps",
            DELEGANT,
            "--address",
            "1 rue des Dentistes, 79500 Melle",
        ],
        "",
    );
    let protocol = o.env.write("valide.toml", &validated_text());
    o.ok(&["protocol", "add", protocol.to_str().unwrap()], "");
    for (i, d) in devices.iter().enumerate() {
        o.ok(
            &[
                "device",
                "add",
                "--name",
                &format!("Appareil {i}"),
                "--key",
                &d.public_key(),
            ],
            "",
        );
    }
    (o, marie, luc)
}

/// Marie's PIN on every device of a [`fleet`].
pub const MARIE_PIN: &str = "830571";

/// A CPTS with `names.len()` devices, each attached by the first bundle,
/// Marie Durand activated on each.
pub fn fleet(names: &[&str]) -> (Office, Vec<Device>) {
    let devices: Vec<Device> = names.iter().map(|n| Device::new(n)).collect();
    let refs: Vec<&Device> = devices.iter().collect();
    let (office, marie, _) = office_with(&refs);
    let bundle = office.bundle("lot-1.json");
    let fp = office.fingerprint();
    for d in &devices {
        d.ok(
            &["bundle", "apply", &bundle, "--expect-fingerprint", &fp],
            "",
        );
        d.ok(
            &[
                "professional",
                "activate",
                "--rpps",
                DELEGUE,
                "--code",
                &marie,
                "--pin-stdin",
            ],
            &format!("{MARIE_PIN}\n"),
        );
    }
    (office, devices)
}

impl Device {
    /// The JSON report of `month`, exported at `at` (closing the month).
    pub fn report(&self, at: &str, month: &str) -> std::path::PathBuf {
        let path = self.env.path(&format!("rapport-{month}.json"));
        let out = self.run_at(
            at,
            &[
                "report",
                "--month",
                month,
                "--format",
                "json",
                "--out",
                path.to_str().unwrap(),
            ],
            "",
        );
        assert_eq!(out.code, 0, "report {month}: {out:?}");
        path
    }
}

/// A schema 3 report as an older protocoop (schema 2, unsigned) would have
/// written it, with `edit` applied before its content hash is recomputed.
pub fn as_schema_2(mut v: Value, edit: impl FnOnce(&mut Value)) -> Value {
    if let Some(m) = v.as_object_mut() {
        for k in ["rows", "chain", "device_public_key", "signature"] {
            m.remove(k);
        }
        m.insert("schema_version".into(), serde_json::json!(2));
        for c in ["closure", "previous_closure"] {
            if let Some(c) = m.get_mut(c).and_then(Value::as_object_mut) {
                c.remove("hash");
            }
        }
    }
    edit(&mut v);
    let hash = protocoop::report::json::content_sha256(&v);
    v["content_sha256"] = serde_json::json!(hash);
    v
}
