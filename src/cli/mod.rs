//! The command-line shell: parses arguments (clap), calls the core, prints.
//!
//! Exit codes (documented in the README): 0 success; 1 a check failed
//! (invalid protocol, broken ledger); 2 bad input; 3 refused by the
//! protocol or the rules of the act; 4 system error (disk, permissions).

mod protocol_cmd;
mod triage_cmd;

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::error::{Error, Result};
use crate::protocol::Protocol;

/// protocoop — urgences dentaires simples en protocole de coopération (CPTS).
///
/// Sans sous-commande : ouvre le kiosque.
#[derive(Debug, Parser)]
#[command(name = "protocoop", version, about, long_about = None)]
pub struct Cli {
    /// Fichier de protocole (TOML) ; par défaut le protocole intégré.
    #[arg(
        long,
        global = true,
        value_name = "FICHIER",
        env = "PROTOCOOP_PROTOCOL"
    )]
    pub protocol: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Vérifier, valider ou imprimer un protocole.
    #[command(subcommand)]
    Protocol(protocol_cmd::ProtocolCommand),
    /// Évaluer un cas (faits en JSON) sans rien enregistrer.
    Triage(triage_cmd::TriageArgs),
}

/// Runs the CLI with these arguments; never panics on user error.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match dispatch(&cli, &mut out) {
        Ok(code) => code,
        Err(e) => {
            let _ = out.flush();
            eprintln!("erreur : {e}");
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

fn dispatch(cli: &Cli, out: &mut dyn Write) -> Result<ExitCode> {
    match &cli.command {
        None => {
            use clap::CommandFactory;
            writeln!(
                out,
                "Le kiosque n'est pas encore disponible dans cette version : utilisez les commandes ci-dessous.\n"
            )
            .map_err(stdout_error)?;
            write!(out, "{}", Cli::command().render_help()).map_err(stdout_error)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Protocol(cmd)) => protocol_cmd::run(cli, cmd, out),
        Some(Command::Triage(args)) => triage_cmd::run(cli, args, out),
    }
}

/// The protocol selected by `--protocol`, or the bundled one.
fn load_protocol(cli: &Cli) -> Result<Protocol> {
    Protocol::load(cli.protocol.as_deref())
}

/// Reads a file, or standard input for `-`.
fn read_input(path: &Path) -> Result<String> {
    if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .map_err(|e| Error::io("impossible de lire l'entrée standard", "-", e))?;
        Ok(s)
    } else {
        std::fs::read_to_string(path).map_err(|e| Error::io("impossible de lire", path, e))
    }
}

fn stdout_error(e: std::io::Error) -> Error {
    Error::io("impossible d'écrire sur la sortie standard", "-", e)
}
