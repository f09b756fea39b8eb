//! The act-input examples of `examples/actes/` (docs/ACT-INPUT.md),
//! recorded through the real binary on a fresh training device set up by
//! the commands the document gives.

mod common;

use common::TestEnv;
use serde_json::Value;

const NOW: &str = "2026-11-23T10:00:00Z";

fn run(env: &TestEnv, args: &[&str], stdin: &str) -> common::Output {
    let data = env.path("data");
    let mut a = vec!["--data-dir", data.to_str().unwrap()];
    a.extend_from_slice(args);
    env.run_env(&a, stdin, &[("PROTOCOOP_NOW", NOW)])
}

fn example(name: &str) -> String {
    format!("{}/examples/actes/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn les_trois_exemples_s_enregistrent_comme_la_doc_le_dit() {
    let env = TestEnv::new();
    for (args, stdin) in [
        (
            vec![
                "structure",
                "set",
                "--name",
                "Pharmacie du Marché",
                "--address",
                "2 place du Marché, 79500 Melle",
                "--postal-code",
                "79500",
            ],
            "",
        ),
        (
            vec![
                "professional",
                "add",
                "--role",
                "delegue",
                "--name",
                "Marie Durand",
                "--rpps",
                "10005173140",
                "--profession",
                "pharmacien",
                "--trained-on",
                "2026-01-15",
                "--pin-stdin",
            ],
            "274915\n",
        ),
        (
            vec![
                "professional",
                "add",
                "--role",
                "delegant",
                "--name",
                "Dr Claire Exemple",
                "--rpps",
                "10000000009",
            ],
            "",
        ),
    ] {
        let out = run(&env, &args, stdin);
        assert_eq!(out.code, 0, "{args:?}: {out:?}");
    }
    let mut numbers = Vec::new();
    for name in [
        "adulte-abces.json",
        "enfant-35-kg.json",
        "exclusion-anticoagulant.json",
    ] {
        let path = example(name);
        let out = run(
            &env,
            &["act", "record", "--input", &path, "--pin-stdin", "--json"],
            "274915\n",
        );
        assert_eq!(out.code, 0, "{name}: {out:?}");
        let v: Value = serde_json::from_str(&out.stdout).unwrap();
        numbers.push(v["number"].as_str().unwrap().to_string());
    }
    let show = |n: &str| -> Value {
        let out = run(&env, &["act", "show", n, "--json"], "");
        assert_eq!(out.code, 0, "{out:?}");
        serde_json::from_str::<Value>(&out.stdout).unwrap()["act"].clone()
    };
    let lines = |a: &Value| -> Vec<(String, i64)> {
        a["prescription"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    l["id"].as_str().unwrap().to_string(),
                    l["per_dose"].as_i64().unwrap(),
                )
            })
            .collect()
    };
    let adult = show(&numbers[0]);
    assert_eq!(adult["outcome"]["taken_in_charge"], true);
    assert_eq!(adult["outcome"]["urgency"], "24h");
    assert_eq!(
        lines(&adult),
        [
            ("paracetamol".into(), 1000),
            ("chlorhexidine".into(), 15),
            ("amoxicilline".into(), 1000)
        ]
    );
    let child = show(&numbers[1]);
    assert_eq!(child["outcome"]["taken_in_charge"], true);
    let child_lines = lines(&child);
    // Computed for 35 kg, below the adult doses.
    assert!(
        child_lines
            .iter()
            .any(|(id, d)| id == "amoxicilline" && *d < 1000),
        "{child_lines:?}"
    );
    assert!(
        child_lines
            .iter()
            .any(|(id, d)| id == "paracetamol" && *d < 1000),
        "{child_lines:?}"
    );
    let excluded = show(&numbers[2]);
    assert_eq!(excluded["outcome"]["taken_in_charge"], false);
    assert!(excluded["prescription"].as_array().unwrap().is_empty());
    assert!(
        excluded["outcome"]["reasons"]
            .to_string()
            .contains("excl.anticoagulant"),
        "{}",
        excluded["outcome"]
    );
}

#[test]
fn chaque_exemple_de_la_doc_existe() {
    let doc = std::fs::read_to_string(format!("{}/docs/ACT-INPUT.md", env!("CARGO_MANIFEST_DIR")))
        .unwrap();
    for name in [
        "adulte-abces.json",
        "enfant-35-kg.json",
        "exclusion-anticoagulant.json",
    ] {
        assert!(doc.contains(name), "{name}");
        assert!(std::path::Path::new(&example(name)).is_file(), "{name}");
    }
}
