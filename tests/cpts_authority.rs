//! The CPTS as the authority, through the real binary: its key, its
//! registry, one signed bundle applied by two devices, délégués activating
//! with their codes, real acts paid — and every attack an attacker at the
//! device would try, refused with its reason, nothing written.

mod common;

use std::path::Path;

use common::*;
use protocoop::cpts::CptsDb;
use serde_json::{Value, json};

use common::fleet::*;

#[test]
fn de_la_cpts_a_deux_appareils_des_actes_reels_et_payes() {
    let a = Device::new("Pharmacie du Marché");
    let b = Device::new("Pharmacie de la Gare");
    let (office, marie, luc) = office_with(&[&a, &b]);
    let fp = office.fingerprint();
    let bundle = office.bundle("lot-1.json");
    for d in [&a, &b] {
        let out = d.ok(
            &[
                "bundle",
                "apply",
                &bundle,
                "--expect-fingerprint",
                &fp.to_lowercase(),
            ],
            "",
        );
        assert!(
            out.stdout
                .contains("Lot n° 1 de « CPTS Sud Deux-Sèvres » appliqué"),
            "{}",
            out.stdout
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
            "830571\n",
        );
        d.ok(
            &[
                "professional",
                "activate",
                "--rpps",
                DELEGUE_2,
                "--code",
                &luc,
                "--pin-stdin",
            ],
            "602948\n",
        );
        let out = d.record(NOW, "830571", json!({}));
        assert_eq!(out.code, 0, "{out:?}");
        let number = serde_json::from_str::<Value>(&out.stdout).unwrap()["number"]
            .as_str()
            .unwrap()
            .to_string();
        let show: Value =
            serde_json::from_str(&d.ok(&["act", "show", &number, "--json"], "").stdout).unwrap();
        assert_eq!(show["act"]["training"], false, "a real act");
        assert_eq!(show["act"]["payment"]["delegue_cents"], 1000);
        assert_eq!(show["act"]["payment"]["delegant_cents"], 1500);
        d.ok(&["verify"], "");
    }
    // Paid in the month's report.
    let report = a.env.path("r.json");
    a.run_at(
        "2026-12-01T08:00:00Z",
        &[
            "report",
            "--month",
            "2026-11",
            "--format",
            "json",
            "--out",
            report.to_str().unwrap(),
        ],
        "",
    );
    let r: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(
        r["remuneration"]["total_cents"], 2500,
        "{}",
        r["remuneration"]
    );

    // The registry lists it all.
    let list: Value = serde_json::from_str(&office.ok(&["list", "--json"], "").stdout).unwrap();
    assert_eq!(list["registry"]["devices"].as_array().unwrap().len(), 2);
    assert_eq!(list["registry"]["last_serial"], 1);
}

#[test]
fn chaque_attaque_a_l_appareil_est_refusee_sans_rien_ecrire() {
    let a = Device::new("Pharmacie du Marché");
    let stranger = Device::new("Pharmacie inconnue");
    let (office, marie, luc) = office_with(&[&a]);
    let fp = office.fingerprint();
    let bundle = office.bundle("lot-1.json");

    // First bundle: no fingerprint, or the wrong one, pins nothing.
    refused(
        &a,
        NOW,
        &["bundle", "apply", &bundle],
        "",
        3,
        "comparez l'empreinte de sa clé",
    );
    refused(
        &a,
        NOW,
        &[
            "bundle",
            "apply",
            &bundle,
            "--expect-fingerprint",
            "AAAA-BBBB-CCCC-DDDD",
        ],
        "",
        3,
        "ne vient pas de votre CPTS",
    );
    // A device the CPTS did not enrol.
    refused(
        &stranger,
        NOW,
        &["bundle", "apply", &bundle, "--expect-fingerprint", &fp],
        "",
        3,
        "ne figure pas dans ce lot",
    );
    a.ok(
        &["bundle", "apply", &bundle, "--expect-fingerprint", &fp],
        "",
    );
    // The same bundle again, and a bundle signed by another CPTS.
    refused(
        &a,
        NOW,
        &["bundle", "apply", &bundle],
        "",
        3,
        "n'est pas plus récent",
    );
    let (other, _, _) = office_with(&[&a]);
    let forged = other.bundle("autre.json");
    refused(
        &a,
        NOW,
        &["bundle", "apply", &forged],
        "",
        3,
        "signé par une autre clé",
    );
    // A bundle whose content was edited after signing.
    let second = office.bundle("lot-2.json");
    let edited = std::fs::read_to_string(&second)
        .unwrap()
        .replace("Marie Durand", "Marie Dupont");
    let edited_path = office.env.write("lot-2-modifie.json", &edited);
    refused(
        &a,
        NOW,
        &["bundle", "apply", edited_path.to_str().unwrap()],
        "",
        3,
        "signature de ce lot est invalide",
    );
    a.ok(&["bundle", "apply", &second], "");
    refused(
        &a,
        NOW,
        &["bundle", "apply", &bundle],
        "",
        3,
        "n'est pas plus récent que le dernier appliqué (n° 2)",
    );

    // Takeover: registering a délégué locally on an attached device.
    refused(
        &a,
        NOW,
        &[
            "professional",
            "add",
            "--role",
            "delegue",
            "--name",
            "Marie Durand",
            "--rpps",
            DELEGUE,
            "--profession",
            "pharmacien",
            "--trained-on",
            "2026-01-15",
            "--pin-stdin",
        ],
        "274916\n",
        3,
        "demandez à la CPTS",
    );
    // Signing in before choosing a PIN; a wrong code; a trivial PIN.
    let out = a.record(NOW, "274915", json!({}));
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("code d'activation"), "{}", out.stderr);
    refused(
        &a,
        NOW,
        &[
            "professional",
            "activate",
            "--rpps",
            DELEGUE,
            "--code",
            &marie,
            "--pin-stdin",
        ],
        "123456\n",
        2,
        "trop facile à deviner",
    );
    let before = a.entries();
    let out = a.run(
        &[
            "professional",
            "activate",
            "--rpps",
            DELEGUE,
            "--code",
            "0000-0000-0000",
            "--pin-stdin",
        ],
        "830571\n",
    );
    assert_eq!(out.code, 3, "{out:?}");
    assert!(
        out.stderr.contains("code d'activation incorrect"),
        "{}",
        out.stderr
    );
    assert_eq!(
        a.entries(),
        before + 1,
        "only the failed attempt is recorded"
    );
    a.ok(
        &[
            "professional",
            "activate",
            "--rpps",
            DELEGUE,
            "--code",
            &marie,
            "--pin-stdin",
        ],
        "830571\n",
    );
    refused(
        &a,
        NOW,
        &[
            "professional",
            "activate",
            "--rpps",
            DELEGUE,
            "--code",
            &marie,
            "--pin-stdin",
        ],
        "550219\n",
        3,
        "a déjà servi",
    );
    a.ok(
        &[
            "professional",
            "activate",
            "--rpps",
            DELEGUE_2,
            "--code",
            &luc,
            "--pin-stdin",
        ],
        "602948\n",
    );
    assert_eq!(a.record(NOW, "830571", json!({})).code, 0);

    // Cross-void: Luc cannot void Marie's act, even with his own PIN.
    refused(
        &a,
        NOW,
        &[
            "act",
            "void",
            "2026-0001",
            "--by",
            DELEGUE_2,
            "--reason",
            "erreur",
            "--pin-stdin",
        ],
        "602948\n",
        3,
        "seul le délégué qui a enregistré l'acte 2026-0001 peut l'annuler",
    );
    // A follow-up by an RPPS registered nowhere, or without any PIN.
    refused(
        &a,
        NOW,
        &[
            "followup",
            "add",
            "--act",
            "2026-0001",
            "--kind",
            "adverse-event",
            "--severity",
            "grave",
            "--by",
            NURSE,
            "--pin-stdin",
        ],
        "602948\n",
        3,
        "délégué inconnu (RPPS 10000000033)",
    );
    refused(
        &a,
        NOW,
        &[
            "followup",
            "add",
            "--act",
            "2026-0001",
            "--kind",
            "adverse-event",
            "--severity",
            "grave",
            "--by",
            DELEGUE,
        ],
        "",
        2,
        "--pin-stdin",
    );
    // Marie changes her PIN with her current one.
    refused(
        &a,
        NOW,
        &["professional", "pin", "--rpps", DELEGUE, "--pin-stdin"],
        "830571\n111111\n",
        2,
        "trop facile",
    );
    a.ok(
        &["professional", "pin", "--rpps", DELEGUE, "--pin-stdin"],
        "830571\n749302\n",
    );
    assert_eq!(
        a.record(NOW, "830571", json!({})).code,
        3,
        "the old PIN is gone"
    );
    assert_eq!(a.record(NOW, "749302", json!({})).code, 0);

    // A validated protocol handed over outside a bundle: training, unpaid.
    let file = a.env.write("valide.toml", &validated_text());
    let out = a.run(
        &[
            "--protocol",
            file.to_str().unwrap(),
            "act",
            "record",
            "--input",
            "-",
            "--pin-stdin",
            "--json",
        ],
        &format!("749302\n{}", abscess_input(json!({}))),
    );
    assert_eq!(out.code, 0, "{out:?}");
    let number = serde_json::from_str::<Value>(&out.stdout).unwrap()["number"]
        .as_str()
        .unwrap()
        .to_string();
    let show: Value =
        serde_json::from_str(&a.ok(&["act", "show", &number, "--json"], "").stdout).unwrap();
    assert_eq!(show["act"]["training"], true);
    assert_eq!(show["act"]["payment"]["delegue_cents"], 0);
}

#[test]
fn dix_echecs_bloquent_malgre_l_horloge_et_le_redemarrage() {
    let a = Device::new("Pharmacie du Marché");
    let (office, marie, _) = office_with(&[&a]);
    let bundle = office.bundle("lot-1.json");
    a.ok(
        &[
            "bundle",
            "apply",
            &bundle,
            "--expect-fingerprint",
            &office.fingerprint(),
        ],
        "",
    );
    a.ok(
        &[
            "professional",
            "activate",
            "--rpps",
            DELEGUE,
            "--code",
            &marie,
            "--pin-stdin",
        ],
        "830571\n",
    );
    // Ten wrong PINs, each time after moving the clock past the lock (five
    // minutes, to the next whole minute): every process is a restart.
    let mut at = chrono::DateTime::parse_from_rfc3339(NOW).unwrap();
    for i in 1..=10 {
        let out = a.record(&at.to_rfc3339(), "999999", json!({}));
        assert_eq!(out.code, 3, "{i}: {out:?}");
        at += chrono::Duration::seconds(360);
    }
    let out = a.record(&at.to_rfc3339(), "999999", json!({}));
    assert!(out.stderr.contains("compte bloqué"), "{}", out.stderr);
    // The right PIN, a day later, is refused too.
    let later = (at + chrono::Duration::days(1)).to_rfc3339();
    let out = a.record(&later, "830571", json!({}));
    assert_eq!(out.code, 3, "{out:?}");
    assert!(
        out.stderr.contains("jusqu'à ce que la CPTS le réactive"),
        "{}",
        out.stderr
    );
    // The CPTS resets her: a new code, a new PIN, and she works again.
    let v: Value = serde_json::from_str(
        &office
            .ok(&["delegue", "reset", "--rpps", DELEGUE, "--json"], "")
            .stdout,
    )
    .unwrap();
    let code = v["activation_code"].as_str().unwrap().to_string();
    let bundle = office.bundle("lot-2.json");
    a.ok(&["bundle", "apply", &bundle], "");
    a.run_at(
        &later,
        &[
            "professional",
            "activate",
            "--rpps",
            DELEGUE,
            "--code",
            &code,
            "--pin-stdin",
        ],
        "918273\n",
    );
    assert_eq!(a.record(&later, "918273", json!({})).code, 0);
    // Deleting one failed sign-in is tampering, named at its seq.
    let db = Path::new(&a.data).join("ledger.sqlite");
    let seq: i64 = {
        let c = common::open_db(&db);
        let seq = c
            .query_row(
                "SELECT MIN(seq) FROM entries WHERE kind = 'signin_failed'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        c.execute_batch("DROP TRIGGER entries_no_delete;").unwrap();
        c.execute("DELETE FROM entries WHERE seq = ?1", [seq])
            .unwrap();
        seq
    };
    let out = a.run(&["verify", "--json"], "");
    assert_eq!(out.code, 1, "{out:?}");
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["problem"]["seq"], seq, "{v}");
}

#[test]
fn un_delegue_retire_ne_s_identifie_plus_ses_actes_restent() {
    let a = Device::new("Pharmacie du Marché");
    let (office, marie, _) = office_with(&[&a]);
    a.ok(
        &[
            "bundle",
            "apply",
            &office.bundle("lot-1.json"),
            "--expect-fingerprint",
            &office.fingerprint(),
        ],
        "",
    );
    a.ok(
        &[
            "professional",
            "activate",
            "--rpps",
            DELEGUE,
            "--code",
            &marie,
            "--pin-stdin",
        ],
        "830571\n",
    );
    assert_eq!(a.record(NOW, "830571", json!({})).code, 0);
    office.ok(&["delegue", "revoke", "--rpps", DELEGUE], "");
    a.ok(&["bundle", "apply", &office.bundle("lot-2.json")], "");
    let out = a.record(NOW, "830571", json!({}));
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("n'est plus délégué"), "{}", out.stderr);
    let list: Value = serde_json::from_str(&a.ok(&["act", "list", "--json"], "").stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1, "her past act stays");
    assert_eq!(a.run(&["verify"], "").code, 0);
}

#[test]
fn la_cpts_refuse_ce_qui_ne_doit_pas_partir_aux_appareils() {
    let env = TestEnv::new();
    let dir = env.path("cpts");
    let o = Office {
        env,
        dir: dir.to_str().unwrap().to_string(),
    };
    let out = o.run(&["key", "show"], "");
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("aucune CPTS"), "{}", out.stderr);
    let out = o.run(&["init", "--name", "CPTS", "--passphrase-stdin"], "court\n");
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("trop courte"), "{}", out.stderr);
    o.ok(
        &[
            "init",
            "--name",
            "CPTS Sud Deux-Sèvres",
            "--passphrase-stdin",
        ],
        &format!("{PASSPHRASE}\n"),
    );
    let out = o.run(
        &["init", "--name", "Autre", "--passphrase-stdin"],
        &format!("{PASSPHRASE}\n"),
    );
    assert_eq!(out.code, 3, "{out:?}");
    assert!(out.stderr.contains("existe déjà"), "{}", out.stderr);
    // The private key is never in clear.
    let key = std::fs::read_to_string(dir.join("cpts.key")).unwrap();
    assert!(
        key.contains("xchacha20poly1305") && key.contains("argon2id"),
        "{key}"
    );
    // A draft, or a protocol edited after its validation, is refused.
    let draft = o
        .env
        .write("brouillon.toml", protocoop::protocol::BUNDLED_TEXT);
    let out = o.run(&["protocol", "add", draft.to_str().unwrap()], "");
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.contains("seul un protocole validé"),
        "{}",
        out.stderr
    );
    let stale = validated_text().replacen("days = 7", "days = 6", 1);
    let stale = o.env.write("perime.toml", &stale);
    assert_eq!(
        o.run(&["protocol", "add", stale.to_str().unwrap()], "")
            .code,
        2
    );
    // No bundle without a protocol and a device; a wrong passphrase signs nothing.
    let out = o.run(
        &[
            "bundle",
            "--out",
            o.env.path("l.json").to_str().unwrap(),
            "--passphrase-stdin",
        ],
        &format!("{PASSPHRASE}\n"),
    );
    assert_eq!(out.code, 2, "{out:?}");
    let valid = o.env.write("valide.toml", &validated_text());
    o.ok(&["protocol", "add", valid.to_str().unwrap()], "");
    let d = Device::new("Pharmacie du Marché");
    o.ok(
        &["device", "add", "--name", "A", "--key", &d.public_key()],
        "",
    );
    let out = o.run(
        &["device", "add", "--name", "B", "--key", &d.public_key()],
        "",
    );
    assert_eq!(out.code, 2, "the same key twice: {out:?}");
    let out = o.run(&["device", "add", "--name", "C", "--key", "1234"], "");
    assert_eq!(out.code, 2, "{out:?}");
    let path = o.env.path("l.json");
    let out = o.run(
        &[
            "bundle",
            "--out",
            path.to_str().unwrap(),
            "--passphrase-stdin",
        ],
        "mauvaise phrase de passe\n",
    );
    assert_eq!(out.code, 3, "{out:?}");
    assert!(
        out.stderr.contains("phrase de passe incorrecte"),
        "{}",
        out.stderr
    );
    assert!(!path.exists());
    let out = o.run(
        &[
            "delegue",
            "add",
            "--name",
            "X Y",
            "--rpps",
            DELEGUE,
            "--profession",
            "pharmacien",
            "--trained-on",
            "2027-01-01",
        ],
        "",
    );
    assert_eq!(out.code, 2, "a training in the future: {out:?}");

    // A roster with two dentists on call the same day never goes out.
    let overlapping = o.env.write(
        "garde.toml",
        "[[garde]]\nfrom = 2026-12-19\nto = 2026-12-21\ndentist = \"Dr A\"\naddress = \"1 rue Haute\"\nphone = \"05 49 00 00 01\"\n\n\
         [[garde]]\nfrom = 2026-12-21\nto = 2026-12-21\ndentist = \"Dr B\"\naddress = \"2 rue Basse\"\nphone = \"05 49 00 00 02\"\n",
    );
    let out = o.run(&["roster", "set", overlapping.to_str().unwrap()], "");
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .contains("n° 1 (Dr A) et n° 2 (Dr B) se chevauchent le 21/12/2026"),
        "{}",
        out.stderr
    );
}

#[test]
fn la_lettre_d_activation_porte_le_code_et_n_est_lisible_que_par_soi() {
    let env = TestEnv::new();
    let dir = env.path("cpts");
    let o = Office {
        env,
        dir: dir.to_str().unwrap().to_string(),
    };
    o.ok(
        &[
            "init",
            "--name",
            "CPTS Sud Deux-Sèvres",
            "--passphrase-stdin",
        ],
        &format!("{PASSPHRASE}\n"),
    );
    let add = |letter: &str| {
        o.run(
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
                "--letter",
                letter,
                "--json",
            ],
            "",
        )
    };
    // A folder that does not exist: refused before any code is made.
    let out = add(o.env.path("absent/lettre.pdf").to_str().unwrap());
    assert_ne!(out.code, 0, "{out:?}");
    assert!(
        CptsDb::open(&dir)
            .unwrap()
            .state()
            .unwrap()
            .delegues
            .is_empty()
    );
    let letter = o.env.path("lettre.pdf");
    let out = add(letter.to_str().unwrap());
    assert_eq!(out.code, 0, "{out:?}");
    let code = serde_json::from_str::<serde_json::Value>(&out.stdout).unwrap()["activation_code"]
        .as_str()
        .unwrap()
        .to_string();
    assert_owner_only(&letter);
    let text = pdf_text(&letter);
    for said in [
        code.as_str(),
        "Marie Durand",
        DELEGUE,
        "15/01/2026",
        "CPTS Sud Deux-Sèvres",
    ] {
        assert!(text.contains(said), "{said} not in\n{text}");
    }
    // A new code: a new letter, saying it replaces the old one.
    let again = o.env.path("nouvelle.pdf");
    let out = o.run(
        &[
            "delegue",
            "reset",
            "--rpps",
            DELEGUE,
            "--letter",
            again.to_str().unwrap(),
            "--json",
        ],
        "",
    );
    assert_eq!(out.code, 0, "{out:?}");
    let new_code =
        serde_json::from_str::<serde_json::Value>(&out.stdout).unwrap()["activation_code"]
            .as_str()
            .unwrap()
            .to_string();
    let text = pdf_text(&again);
    assert!(text.contains(&new_code) && !text.contains(&code), "{text}");
    assert!(text.contains("à la place du précédent"), "{text}");
}

#[test]
fn un_registre_local_ancien_garde_ses_actes_une_fois_rattache() {
    let env = TestEnv::new();
    let data = env.path("data");
    let mut l = setup_ledger(&data, t(NOW));
    let p = protocoop::protocol::Protocol::bundled();
    record(&mut l, &p, &abscess_input(json!({})), t(NOW)).unwrap();
    let before = l.acts(None).unwrap();
    drop(l);
    let d = Device::on(env, data.to_str().unwrap());
    let (office, marie, _) = office_with(&[&d]);
    d.ok(
        &[
            "bundle",
            "apply",
            &office.bundle("lot-1.json"),
            "--expect-fingerprint",
            &office.fingerprint(),
        ],
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
        "830571\n",
    );
    assert_eq!(d.run(&["verify"], "").code, 0);
    let l = protocoop::vault::open_ledger(&data, "phrase de passe de test", t(NOW)).unwrap();
    let after = l.acts(None).unwrap();
    assert_eq!(
        after, before,
        "the acts made under the local registry stay as they were"
    );
    assert!(l.act("2026-0001").unwrap().act.training);
    // The old local PIN no longer signs in: the CPTS's délégués activate.
    drop(l);
    assert_eq!(d.record(NOW, PIN, json!({})).code, 3);
    assert_eq!(d.record(NOW, "830571", json!({})).code, 0);
}

/// Someone with a shell appends, with a correct hash chain, a copy of an
/// older genuine bundle (bringing back revoked délégués and old codes): the
/// registry refuses to follow it, `verify` names its seq, and nothing is
/// recorded under it.
#[test]
fn un_lot_ancien_glisse_a_la_main_dans_le_registre_est_evident() {
    let a = Device::new("Pharmacie du Marché");
    let (office, marie, _) = office_with(&[&a]);
    a.ok(
        &[
            "bundle",
            "apply",
            &office.bundle("lot-1.json"),
            "--expect-fingerprint",
            &office.fingerprint(),
        ],
        "",
    );
    a.ok(
        &[
            "professional",
            "activate",
            "--rpps",
            DELEGUE,
            "--code",
            &marie,
            "--pin-stdin",
        ],
        "830571\n",
    );
    office.ok(&["delegue", "revoke", "--rpps", DELEGUE], "");
    // A revoked délégué cannot be brought back by a « forgotten PIN » reset.
    let out = office.run(&["delegue", "reset", "--rpps", DELEGUE], "");
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("a été retiré"), "{}", out.stderr);
    a.ok(&["bundle", "apply", &office.bundle("lot-2.json")], "");
    assert_eq!(a.record(NOW, "830571", json!({})).code, 3, "revoked");

    let db = Path::new(&a.data).join("ledger.sqlite");
    let seq = {
        let c = common::open_db(&db);
        let old: Vec<u8> = c
            .query_row(
                "SELECT payload FROM entries WHERE kind = 'bundle' ORDER BY seq LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let (last, prev): (i64, Vec<u8>) = c
            .query_row(
                "SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let seq = last as u64 + 1;
        let hash = protocoop::ledger::chain::entry_hash(seq, &prev, "bundle", &old);
        let digest = protocoop::ledger::chain::payload_digest(&old);
        c.execute(
            "INSERT INTO entries (seq, kind, payload, prev_hash, hash, payload_sha256) VALUES (?1, 'bundle', ?2, ?3, ?4, ?5)",
            rusqlite::params![seq as i64, old, prev, hash.to_vec(), digest.to_vec()],
        )
        .unwrap();
        std::fs::write(
            Path::new(&a.data).join("ledger.head"),
            format!("head {seq:020} {}\n", hex::encode(hash)),
        )
        .unwrap();
        seq
    };
    let out = a.run(&["verify", "--json"], "");
    assert_eq!(out.code, 1, "{out:?}");
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["problem"]["seq"], seq, "{v}");
    assert_eq!(v["problem"]["what"], "bundle", "{v}");
    let out = a.record(NOW, "830571", json!({}));
    assert_eq!(out.code, 1, "{out:?}");
    assert!(out.stderr.contains("rejoué"), "{}", out.stderr);
}
