//! `protocoop device show` and `protocoop bundle apply`: this device's
//! identity, and the CPTS bundles that configure it.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use serde_json::json;

use super::{Cli, Context, read_input, stdout_error};
use crate::error::Result;
use crate::files::{self, Access};

#[derive(Debug, Subcommand)]
pub enum DeviceCommand {
    /// Afficher l'identité de l'appareil : sa clé publique, à donner à la CPTS.
    Show {
        /// Sortie JSON : {"device_id", "public_key", "fingerprint"}.
        #[arg(long)]
        json: bool,
        /// Écrire aussi la sortie JSON dans ce fichier (pour la CPTS, sur une clé USB).
        #[arg(long, value_name = "FICHIER")]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum BundleCommand {
    /// Appliquer un lot de la CPTS (le premier rattache l'appareil à la CPTS).
    Apply {
        /// Le fichier du lot, écrit par « protocoop cpts bundle ».
        #[arg(value_name = "FICHIER")]
        file: PathBuf,
        /// Pour le premier lot : l'empreinte de la clé de la CPTS, telle qu'elle vous a été donnée.
        #[arg(long, value_name = "EMPREINTE")]
        expect_fingerprint: Option<String>,
    },
}

pub fn device(cli: &Cli, cmd: &DeviceCommand, out: &mut dyn Write) -> Result<ExitCode> {
    let DeviceCommand::Show { json, out: file } = cmd;
    let cx = Context::new(cli)?;
    let mut ledger = cx.existing_ledger()?;
    let key = ledger.device_key(cx.now)?;
    let v = json!({
        "device_id": ledger.device_id(),
        "public_key": key.public().to_string(),
        "fingerprint": key.public().fingerprint(),
    });
    let text = serde_json::to_string_pretty(&v).expect("json");
    if let Some(path) = file {
        files::write_atomic(path, format!("{text}\n").as_bytes(), Access::Shared)?;
    }
    if *json {
        writeln!(out, "{text}")
    } else {
        writeln!(
            out,
            "Appareil {}\nClé publique : {}\nEmpreinte : {}\nDonnez la clé publique à la CPTS (cpts device add --key …) ; l'empreinte permet de la vérifier au téléphone.",
            ledger.device_id(),
            key.public(),
            key.public().fingerprint()
        )
    }
    .map_err(stdout_error)?;
    Ok(ExitCode::SUCCESS)
}

pub fn bundle(cli: &Cli, cmd: &BundleCommand, out: &mut dyn Write) -> Result<ExitCode> {
    let BundleCommand::Apply {
        file,
        expect_fingerprint,
    } = cmd;
    let cx = Context::new(cli)?;
    let text = read_input(file)?;
    let mut ledger = cx.existing_ledger()?;
    let (r, bundle) = ledger.apply_bundle(&text, expect_fingerprint.as_deref(), cx.now)?;
    let p = &bundle.payload;
    writeln!(
        out,
        "Lot n° {} de « {} » appliqué (entrée {}) : {} délégué(s), {} délégant(s), protocole {} ; créé le {}.",
        p.serial,
        p.cpts.name,
        r.seq,
        p.delegues.len(),
        p.delegants.len(),
        bundle.protocol().map(|p| format!("{} version {}", p.meta.name, p.identity.version)).unwrap_or_default(),
        crate::fr::datetime(p.created_at)
    )
    .map_err(stdout_error)?;
    if let Some(r) = ledger.registry()?.restored {
        writeln!(
            out,
            "ATTENTION : registre restauré ou altéré depuis le dernier rapport — la CPTS a reçu l'entrée {} ({}…), que ce registre n'a plus. Aucun acte réel n'est enregistré tant que la CPTS ne l'a pas examiné et n'a pas envoyé un lot qui le reconnaît.",
            r.acknowledged_seq,
            crate::text::prefix(&r.acknowledged_hash, 12)
        )
        .map_err(stdout_error)?;
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
