//! `protocoop cpts import | report | set` (and, through their own files,
//! the registry and the payments): the CPTS office's consolidation
//! of the devices' monthly reports, in its own data folder.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::cpts_pay_cmd as pay;
use super::cpts_registry_cmd as reg;
use super::{Cli, now, stdout_error};
use crate::calendar::Month;
use crate::cpts::{self, CptsDb};
use crate::error::{Error, Result};
use crate::files::{Access, write_atomic};
use crate::fr;
use crate::protocol::Protocol;
use crate::report::Format;

#[derive(Debug, Args)]
pub struct CptsArgs {
    /// Dossier de la base de la CPTS ; par défaut « cpts » dans le dossier de données de l'utilisateur.
    #[arg(
        long,
        global = true,
        value_name = "DOSSIER",
        env = "PROTOCOOP_CPTS_DIR"
    )]
    pub cpts_dir: Option<PathBuf>,
    /// Sans commande : la fenêtre de la CPTS (tableau de bord, import, paiements).
    #[command(subcommand)]
    pub command: Option<CptsCommand>,
}

#[derive(Debug, Subcommand)]
pub enum CptsCommand {
    /// Importer des rapports mensuels (JSON) des appareils, après vérification.
    Import {
        /// Un ou plusieurs rapports JSON (protocoop-rapport-AAAA-MM-….json).
        #[arg(required = true, value_name = "FICHIER")]
        files: Vec<PathBuf>,
    },
    /// Confirmer un rapport non signé (ancienne version de protocoop) déjà importé : il entre dans la liste de paiement.
    Confirm {
        /// Le rapport non signé, tel qu'il a été importé.
        #[arg(value_name = "FICHIER")]
        file: PathBuf,
    },
    /// Le mois consolidé, tous appareils confondus ; avec --year, le rapport annuel pour l'ARS (depuis les seuls rapports mensuels importés).
    Report {
        /// Le mois à consolider.
        #[arg(
            long,
            value_name = "AAAA-MM",
            required_unless_present = "year",
            conflicts_with = "year"
        )]
        month: Option<String>,
        /// L'année du rapport annuel (provisoire tant qu'elle n'est pas finie ou qu'un rapport manque).
        #[arg(long, value_name = "AAAA")]
        year: Option<i32>,
        /// pdf (bureau de la CPTS), csv (trésorier) ou json.
        #[arg(long, value_name = "FORMAT")]
        format: String,
        /// Fichier à écrire ; sans lui, ou avec « - », CSV et JSON vont sur la
        /// sortie standard.
        #[arg(long, value_name = "FICHIER")]
        out: Option<PathBuf>,
    },
    /// Réglages de la CPTS.
    Set {
        /// Nombre de pharmacies du territoire (pour la part de pharmacies impliquées).
        #[arg(long, value_name = "N")]
        pharmacies: u64,
    },
    /// Créer la CPTS : sa clé de signature, protégée par une phrase de passe.
    Init {
        /// Le nom de la CPTS (« CPTS Sud Deux-Sèvres »).
        #[arg(long, value_name = "NOM")]
        name: String,
        /// Lire la phrase de passe (12 caractères au moins) sur la première ligne de l'entrée standard.
        #[arg(long)]
        passphrase_stdin: bool,
    },
    /// La clé de la CPTS.
    #[command(subcommand)]
    Key(reg::KeyCommand),
    /// Les délégués formés : enregistrer, réactiver, retirer.
    #[command(subcommand)]
    Delegue(reg::DelegueCommand),
    /// Les délégants.
    #[command(subcommand)]
    Delegant(reg::DelegantCommand),
    /// Le protocole validé, transmis aux appareils.
    #[command(subcommand)]
    Protocol(reg::ProtocolCommand),
    /// Le tableau de garde des dentistes, transmis aux appareils.
    #[command(subcommand)]
    Roster(reg::RosterCommand),
    /// Les appareils (tablettes, postes de comptoir) rattachés à la CPTS.
    #[command(subcommand)]
    Device(reg::DeviceCommand),
    /// Les comptes bancaires des professionnels, pour les virements.
    #[command(subcommand)]
    Iban(pay::IbanCommand),
    /// Écrire les paiements d'un mois : liste du trésorier (CSV, avec les IBAN) ou fichier de virements SEPA (pain.001) pour la banque.
    Payments(pay::PaymentsArgs),
    /// Marquer un mois « payé » (avec la date et l'empreinte du fichier de paiement écrit).
    Paid {
        /// Le mois payé (AAAA-MM).
        #[arg(long)]
        month: String,
    },
    /// Tout le registre de la CPTS.
    List {
        /// Sortie JSON.
        #[arg(long)]
        json: bool,
    },
    /// Rouvrir un appareil dont la phrase de passe est perdue : sa clé (keys.json, ou une sauvegarde) rescellée sous une nouvelle phrase de passe.
    Recover {
        /// Le keys.json du dossier de données de l'appareil, ou une sauvegarde.
        #[arg(value_name = "FICHIER")]
        file: PathBuf,
        /// La nouvelle clé à écrire, à déposer dans le dossier de l'appareil (ou à donner à `restore --keys`).
        #[arg(long, value_name = "FICHIER")]
        out: PathBuf,
        /// Lire sur l'entrée standard la phrase de passe de la CPTS (ligne 1) et la nouvelle de la structure (ligne 2).
        #[arg(long)]
        passphrase_stdin: bool,
    },
    /// Écrire le lot signé qui met à jour tous les appareils.
    Bundle {
        /// Le fichier à écrire (par exemple sur une clé USB).
        #[arg(long, value_name = "FICHIER")]
        out: PathBuf,
        /// Lire la phrase de passe sur la première ligne de l'entrée standard.
        #[arg(long)]
        passphrase_stdin: bool,
    },
}

fn dir(args: &CptsArgs) -> Result<PathBuf> {
    match &args.cpts_dir {
        Some(d) => Ok(d.clone()),
        None => cpts::default_dir(),
    }
}

pub fn run(cli: &Cli, args: &CptsArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let dir = dir(args)?;
    let Some(command) = &args.command else {
        crate::ui::office::run(dir)?;
        return Ok(ExitCode::SUCCESS);
    };
    match command {
        CptsCommand::Init {
            name,
            passphrase_stdin,
        } => reg::init(&dir, name, *passphrase_stdin, out),
        CptsCommand::Key(c) => reg::key(&dir, c, out),
        CptsCommand::Delegue(c) => reg::delegue(&dir, c, out),
        CptsCommand::Delegant(c) => reg::delegant(&dir, c, out),
        CptsCommand::Protocol(c) => reg::protocol(&dir, c, out),
        CptsCommand::Roster(c) => reg::roster(&dir, c, out),
        CptsCommand::Device(c) => reg::device(&dir, c, out),
        CptsCommand::List { json } => reg::list(&dir, *json, out),
        CptsCommand::Iban(c) => pay::iban(&dir, c, out),
        CptsCommand::Payments(a) => pay::payments(&dir, a, out),
        CptsCommand::Paid { month } => pay::paid(&dir, month, out),
        CptsCommand::Bundle {
            out: file,
            passphrase_stdin,
        } => reg::bundle(&dir, file, *passphrase_stdin, out),
        CptsCommand::Recover {
            file,
            out: to,
            passphrase_stdin,
        } => reg::recover(&dir, file, to, *passphrase_stdin, out),
        CptsCommand::Import { files } => import(&mut CptsDb::open(&dir)?, files, out),
        CptsCommand::Confirm { file } => confirm(&CptsDb::open(&dir)?, file, out),
        CptsCommand::Report {
            year: Some(year),
            format,
            out: file,
            ..
        } => year_report(
            cli,
            &dir,
            &CptsDb::open(&dir)?,
            *year,
            format,
            super::file_or_stdout(file.as_deref()),
            out,
        ),
        CptsCommand::Report {
            month: None,
            year: None,
            ..
        } => Err(Error::input(
            "--month",
            "indiquez --month AAAA-MM ou --year AAAA",
        )),
        CptsCommand::Report {
            month: Some(month),
            format,
            out: file,
            ..
        } => report(
            cli,
            &CptsDb::open(&dir)?,
            month,
            format,
            super::file_or_stdout(file.as_deref()),
            out,
        ),
        CptsCommand::Set { pharmacies } => {
            CptsDb::open(&dir)?.set_pharmacies(*pharmacies)?;
            writeln!(out, "Pharmacies du territoire : {pharmacies}").map_err(stdout_error)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `--protocol` if given, else the last protocol the CPTS validated, else
/// the bundled one. Never a device's data folder: `cpts` has none.
fn cpts_protocol(cli: &Cli, db: &CptsDb) -> Result<Protocol> {
    if cli.protocol.is_some() {
        return Protocol::load(cli.protocol.as_deref());
    }
    cpts::export::protocol(db)
}

/// `cpts report --year`: the consolidated year, as JSON, CSV or PDF.
fn year_report(
    cli: &Cli,
    dir: &std::path::Path,
    db: &CptsDb,
    year: i32,
    format: &str,
    file: Option<&std::path::Path>,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    let format = Format::parse(format)?;
    if file.is_none() && format == Format::Pdf {
        return Err(Error::input(
            "--out",
            "un PDF s'écrit dans un fichier : indiquez --out rapport-annuel.pdf",
        ));
    }
    let protocol = cpts_protocol(cli, db)?;
    let scope = cpts::authority::identity(dir)?.map_or("CPTS".to_string(), |i| i.name);
    let r = cpts::year::year_report(db, &protocol, &scope, year, super::now()?)?;
    super::report_cmd::write_year(&r, format, file, out)
}

/// `cpts report`: the consolidated month, as JSON, CSV or PDF.
fn report(
    cli: &Cli,
    db: &CptsDb,
    month: &str,
    format: &str,
    file: Option<&std::path::Path>,
    out: &mut dyn Write,
) -> Result<ExitCode> {
    let month: Month = month.parse()?;
    let format = Format::parse(format)?;
    let c = cpts::consolidate(db, month)?;
    // The territory's protocol words orientations and reasons: the one
    // the CPTS validated, not a device's.
    let protocol = match format {
        Format::Pdf => cpts_protocol(cli, db)?,
        _ => Protocol::bundled(),
    };
    let bytes = cpts::export::render(&c, format, &protocol)?;
    match file {
        Some(path) => {
            write_atomic(path, &bytes, Access::Private)?;
            writeln!(
                out,
                "Mois consolidé {} : {} appareil(s), {} prises en charge, à payer {}, {} anomalie(s) — écrit dans {}",
                c.month,
                c.devices.len(),
                fr::int(c.indicators.prises_en_charge),
                fr::money(c.remuneration.total_cents),
                c.anomalies.len(),
                path.display()
            )
            .map_err(stdout_error)?;
        }
        None if format == Format::Pdf => {
            return Err(Error::input(
                "--out",
                "un PDF s'écrit dans un fichier : indiquez --out rapport.pdf",
            ));
        }
        None => out.write_all(&bytes).map_err(stdout_error)?,
    }
    for a in &c.anomalies {
        let _ = writeln!(std::io::stderr(), "attention : {}", a.message);
    }
    Ok(ExitCode::SUCCESS)
}

/// Vouches for an unsigned report already imported.
fn confirm(db: &CptsDb, path: &Path, out: &mut dyn Write) -> Result<ExitCode> {
    let name = path.display().to_string();
    let bytes = crate::files::read_limited(path, 16 * 1024 * 1024)
        .map_err(|e| Error::io("impossible de lire", path, e))?;
    match db.confirm(&bytes, now()?)? {
        Ok((device, month)) => {
            writeln!(
                out,
                "{name} : confirmé — le rapport de {month} de l'appareil {device} entre dans la liste de paiement"
            )
            .map_err(stdout_error)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(why) => {
            writeln!(out, "{name} : {why}").map_err(stdout_error)?;
            Ok(ExitCode::from(1))
        }
    }
}

/// Imports every file, reporting on each; the exit code is the worst
/// outcome: 1 when a check failed (altered, unreadable, gap or fork), else
/// 3 when a file was refused as a duplicate, else 0.
fn import(db: &mut CptsDb, files: &[PathBuf], out: &mut dyn Write) -> Result<ExitCode> {
    let now = now()?;
    let mut worst = 0u8;
    for path in files {
        let name = path.display().to_string();
        // A monthly report is a few kilobytes; 16 Mio is far beyond any.
        let bytes = crate::files::read_limited(path, 16 * 1024 * 1024)
            .map_err(|e| Error::io("impossible de lire", path, e))?;
        match cpts::import(db, &bytes, &name, now)? {
            Ok(imported) => {
                let mut line = format!(
                    "{name} : importé — appareil {}, {}",
                    imported.device_id, imported.month
                );
                for c in &imported.continuity {
                    line.push_str(&format!(" ; {c}"));
                    if c.is_problem() {
                        worst = 1;
                    }
                }
                writeln!(out, "{line}").map_err(stdout_error)?;
            }
            Err(problem) => {
                let code = problem.exit_code();
                if worst == 0 || code == 1 {
                    worst = code;
                }
                writeln!(out, "{name} : {problem}").map_err(stdout_error)?;
            }
        }
    }
    Ok(ExitCode::from(worst))
}
