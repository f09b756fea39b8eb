//! Shared helpers for integration tests: build facts quickly, and run the
//! real `protocoop` binary in a temporary folder.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use protocoop::protocol::{Fixed, Protocol, Value};
use protocoop::triage::Facts;

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

pub fn run_in(dir: &Path, args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_protocoop"));
    cmd.args(args)
        .current_dir(dir)
        .env_remove("PROTOCOOP_PROTOCOL")
        .env_remove("PROTOCOOP_DATA_DIR")
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("run protocoop");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
