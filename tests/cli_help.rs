//! The command line's help: every option of every command says what it
//! does, and a command is offered only the options it reads.

mod common;

use common::TestEnv;

/// Every argument without a description, as `command path: --option`.
fn undescribed(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
    for a in cmd.get_arguments() {
        let described = a
            .get_help()
            .is_some_and(|h| !h.to_string().trim().is_empty());
        if !a.is_hide_set() && !described {
            out.push(format!("{path} : {}", a.get_id()));
        }
    }
    for s in cmd.get_subcommands() {
        if s.get_about()
            .is_none_or(|h| h.to_string().trim().is_empty())
        {
            out.push(format!("{path} {} : (la commande)", s.get_name()));
        }
        undescribed(s, &format!("{path} {}", s.get_name()), out);
    }
}

#[test]
fn chaque_option_de_chaque_commande_est_decrite() {
    let mut missing = Vec::new();
    undescribed(&protocoop::cli::command(), "protocoop", &mut missing);
    assert!(
        missing.is_empty(),
        "sans description :\n{}",
        missing.join("\n")
    );
}

#[test]
fn la_cpts_n_offre_ni_ne_lit_le_dossier_d_un_appareil() {
    let env = TestEnv::new();
    for args in [
        &["cpts", "--help"][..],
        &["cpts", "import", "--help"],
        &["cpts", "device", "add", "--help"],
    ] {
        let out = env.run(args, "");
        assert_eq!(out.code, 0, "{out:?}");
        assert!(
            out.stdout.contains("--cpts-dir"),
            "{args:?}: {}",
            out.stdout
        );
        assert!(
            !out.stdout.contains("--data-dir"),
            "{args:?}: {}",
            out.stdout
        );
    }
    let out = env.run(&["act", "list", "--help"], "");
    assert!(out.stdout.contains("--data-dir"), "{}", out.stdout);

    // Set for the device next to it, the variable does not move the CPTS.
    let device = env.path("appareil");
    let cpts = env.path("cpts");
    let out = env.run_env(
        &[
            "cpts",
            "--cpts-dir",
            cpts.to_str().unwrap(),
            "set",
            "--pharmacies",
            "24",
        ],
        "",
        &[("PROTOCOOP_DATA_DIR", device.to_str().unwrap())],
    );
    assert_eq!(out.code, 0, "{out:?}");
    assert!(cpts.is_dir());
    assert!(!device.exists(), "nothing written to the device's folder");
    // Typed, it is refused, saying which option chooses the CPTS's folder.
    let out = env.run(
        &[
            "--data-dir",
            device.to_str().unwrap(),
            "cpts",
            "set",
            "--pharmacies",
            "24",
        ],
        "",
    );
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("--cpts-dir"), "{}", out.stderr);
    assert!(!device.exists());
}

/// Every value placeholder of the tree.
fn placeholders(cmd: &clap::Command, out: &mut Vec<String>) {
    for a in cmd.get_arguments() {
        for n in a.get_value_names().unwrap_or_default() {
            out.push(format!("{} --{}: {n}", cmd.get_name(), a.get_id()));
        }
    }
    for s in cmd.get_subcommands() {
        placeholders(s, out);
    }
}

#[test]
fn les_valeurs_attendues_sont_nommees_en_francais() {
    let mut all = Vec::new();
    placeholders(&protocoop::cli::command(), &mut all);
    assert!(all.iter().any(|p| p.ends_with(": NOM")), "{all:?}");
    let english = [
        "NAME",
        "ADDRESS",
        "POSTAL_CODE",
        "PHONE",
        "REASON",
        "PAPER",
        "KIND",
        "FILE",
        "ACT",
        "BY",
        "TRAINED_ON",
        "DATE",
        "TEXT",
        "SEVERITY",
        "SCORE",
        "ID",
    ];
    let left: Vec<&String> = all
        .iter()
        .filter(|p| english.iter().any(|e| p.ends_with(&format!(": {e}"))))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn l_aide_donne_les_codes_de_sortie() {
    let env = TestEnv::new();
    let out = env.run(&["--help"], "");
    assert_eq!(out.code, 0, "{out:?}");
    // Wrapped to the terminal's width: compared word by word.
    let text = out.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    for code in [
        "0 succès",
        "1 vérification en échec",
        "2 saisie invalide",
        "3 refus",
        "4 erreur système",
    ] {
        assert!(text.contains(code), "{code}: {text}");
    }
}
