//! `protocoop protocol check | validate | summary | export`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::{Cli, read_input, stdout_error};
use crate::error::Result;
use crate::files;
use crate::fr;
use crate::protocol::{self, Protocol};

#[derive(Debug, Subcommand)]
pub enum ProtocolCommand {
    /// Vérifier un fichier de protocole : résumé d'une ligne, ou toutes les erreurs.
    Check {
        /// Le fichier ; par défaut celui de --protocol, sinon le protocole intégré.
        file: Option<PathBuf>,
    },
    /// Écrire une copie validée par un délégant (bloc [validation]).
    Validate(ValidateArgs),
    /// Imprimer le protocole en PDF (critères, règles, schémas, sources, statut).
    Summary(super::document_cmd::SummaryArgs),
    /// Écrire le protocole intégré dans un fichier, pour l'adapter ou le faire valider.
    Export {
        /// Fichier à écrire (« - » : la sortie standard).
        #[arg(long, value_name = "FICHIER")]
        out: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Le fichier de protocole à valider.
    file: PathBuf,
    /// Nom du délégant qui valide (« Dr Prénom Nom »).
    #[arg(long)]
    name: String,
    /// RPPS du délégant (11 chiffres, clé vérifiée).
    #[arg(long)]
    rpps: String,
    /// Date de la validation (AAAA-MM-JJ).
    #[arg(long)]
    date: String,
    /// Fichier à écrire (la copie validée).
    #[arg(long, value_name = "FICHIER")]
    out: PathBuf,
}

pub fn run(cli: &Cli, cmd: &ProtocolCommand, out: &mut dyn Write) -> Result<ExitCode> {
    match cmd {
        ProtocolCommand::Summary(args) => super::document_cmd::summary(cli, args, out),
        ProtocolCommand::Check { file } => {
            let path = file.as_deref().or(cli.protocol.as_deref());
            let p = Protocol::load(path)?;
            writeln!(out, "OK — {}", summary(&p)).map_err(stdout_error)?;
            Ok(ExitCode::SUCCESS)
        }
        ProtocolCommand::Export { out: path } => {
            let text = protocol::BUNDLED_TEXT.as_bytes();
            if path.as_os_str() == "-" {
                out.write_all(text).map_err(stdout_error)?;
            } else {
                files::write_atomic(path, text, files::Access::Shared)?;
                writeln!(
                    out,
                    "Écrit {} — {}",
                    path.display(),
                    summary(&Protocol::bundled())
                )
                .map_err(stdout_error)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        ProtocolCommand::Validate(args) => {
            let text = read_input(&args.file)?;
            let date = protocol::parse_date("--date", &args.date)?;
            let origin = args.file.display().to_string();
            let copy = protocol::validation::validated_copy(
                &text,
                &origin,
                &args.name,
                &args.rpps,
                date,
                fr::today(),
            )?;
            files::write_atomic(&args.out, copy.as_bytes(), files::Access::Shared)?;
            let p = Protocol::parse(&copy, &args.out.display().to_string())?;
            writeln!(out, "Écrit {} — {}", args.out.display(), summary(&p))
                .map_err(stdout_error)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// One line: what the protocol is, how big, its hash and its status.
fn summary(p: &Protocol) -> String {
    format!(
        "{} : {} version {} — {} faits, {} questions, {} règles, {} lignes de prescription — sha256 {} — {}",
        p.origin,
        p.meta.id,
        p.meta.version,
        p.facts.len(),
        p.questions.len(),
        p.rules.len(),
        p.medicines.len(),
        p.identity.sha256,
        p.validation.describe()
    )
}
