//! The command-line shell: parses arguments (clap), calls the core, prints.
//!
//! Exit codes (documented in the README): 0 success; 1 a check failed
//! (invalid protocol, broken ledger); 2 bad input; 3 refused by the
//! protocol or the rules of the act; 4 system error (disk, permissions).

mod act_cmd;
mod backup_cmd;
mod cpts_cmd;
mod cpts_pay_cmd;
mod cpts_registry_cmd;
mod device_cmd;
mod document_cmd;
mod followup_cmd;
mod french;
mod ledger_cmd;
mod passphrase;

pub use passphrase::ENV as PASSPHRASE_ENV;
mod protocol_cmd;
mod registry_cmd;
mod report_cmd;
mod survey_cmd;
mod triage_cmd;

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::error::{Error, Result};
use crate::ledger::{self, Ledger};
use crate::protocol::Protocol;

/// protocoop — urgences dentaires simples en protocole de coopération (CPTS).
///
/// Sans sous-commande : ouvre le kiosque.
#[derive(Debug, Parser)]
#[command(
    name = "protocoop",
    version,
    about = "protocoop — urgences dentaires simples en protocole de coopération (CPTS). Sans commande : ouvre le kiosque.",
    long_about = None,
    after_help = "Codes de sortie : 0 succès · 1 vérification en échec (registre ou protocole, rapport refusé) · 2 saisie invalide (l'option est nommée) · 3 refus (règle du protocole ou du registre) · 4 erreur système (disque, fichier, registre endommagé).",
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    subcommand_value_name = "COMMANDE",
    subcommand_help_heading = "Commandes"
)]
pub struct Cli {
    /// Afficher l'aide (de protocoop ou de la commande).
    #[arg(short = 'h', long = "help", global = true, action = clap::ArgAction::Help)]
    help: Option<bool>,

    /// Afficher la version.
    #[arg(short = 'V', long = "version", action = clap::ArgAction::Version)]
    version: Option<bool>,

    /// Fichier de protocole (TOML) ; par défaut le protocole intégré.
    #[arg(
        long,
        global = true,
        value_name = "FICHIER",
        env = "PROTOCOOP_PROTOCOL"
    )]
    pub protocol: Option<PathBuf>,

    /// Dossier de données (registre) ; par défaut le dossier de données de l'utilisateur.
    #[arg(
        long,
        global = true,
        value_name = "DOSSIER",
        env = "PROTOCOOP_DATA_DIR"
    )]
    pub data_dir: Option<PathBuf>,

    /// Kiosque en plein écran, sans bordure de fenêtre (tablette ou poste de comptoir).
    #[arg(long)]
    pub kiosk: bool,

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
    /// La structure (pharmacie ou cabinet) de cet appareil.
    #[command(subcommand)]
    Structure(registry_cmd::StructureCommand),
    /// Délégués et délégants.
    #[command(subcommand)]
    Professional(registry_cmd::ProfessionalCommand),
    /// Enregistrer, consulter, annuler des actes.
    #[command(subcommand)]
    Act(act_cmd::ActCommand),
    /// Suivis d'un acte (reprise, événement indésirable, satisfaction).
    #[command(subcommand)]
    Followup(followup_cmd::FollowupCommand),
    /// Le questionnaire trimestriel des professionnels (proposé au kiosque à la connexion).
    #[command(subcommand)]
    Survey(survey_cmd::SurveyCommand),
    /// Vérifier la chaîne d'empreintes du registre (code 1 si altéré).
    Verify {
        /// Sortie JSON (forme stable, pour les scripts).
        #[arg(long)]
        json: bool,
    },
    /// Émettre ou réimprimer l'ordonnance (et la fiche conseil) d'un acte.
    Prescription(document_cmd::PrescriptionArgs),
    /// Le courrier d'un acte : compte rendu au médecin traitant, ou courrier d'orientation.
    Letter(document_cmd::LetterArgs),
    /// Clôturer un mois terminé.
    Close {
        /// Le mois à clôturer ; il doit être terminé, et les précédents clôturés.
        #[arg(long, value_name = "AAAA-MM")]
        month: String,
    },
    /// Rapport mensuel pour la CPTS (PDF, CSV ou JSON) ; clôture le mois s'il ne l'est pas.
    Report(report_cmd::ReportArgs),
    /// Côté CPTS : la clé, le registre, les lots, les rapports des appareils et le mois consolidé.
    Cpts(cpts_cmd::CptsArgs),
    /// L'identité de cet appareil (sa clé publique, pour la CPTS).
    #[command(subcommand)]
    Device(device_cmd::DeviceCommand),
    /// Les lots de la CPTS : délégués, délégants, protocole validé, tableau de garde.
    #[command(subcommand)]
    Bundle(device_cmd::BundleCommand),
    /// Sauvegarder l'appareil dans un fichier chiffré (registre, clés, ancres), même kiosque ouvert.
    #[command(group(clap::ArgGroup::new("quoi").required(true).args(["out", "after_closure", "no_after_closure"])))]
    Backup {
        /// Le fichier à écrire (sur une clé USB, par exemple).
        #[arg(long, value_name = "FICHIER")]
        out: Option<PathBuf>,
        /// Écrire désormais une sauvegarde dans ce dossier à chaque clôture de mois (un autre disque, un partage).
        #[arg(long, value_name = "DOSSIER")]
        after_closure: Option<PathBuf>,
        /// Ne plus écrire de sauvegarde à la clôture.
        #[arg(long)]
        no_after_closure: bool,
    },
    /// Restaurer un appareil depuis une sauvegarde, dans un dossier nouveau (--data-dir).
    Restore {
        /// Le fichier de sauvegarde.
        #[arg(value_name = "FICHIER")]
        file: PathBuf,
        /// Une clé rescellée par la CPTS (`cpts recover`), quand la phrase de passe est perdue.
        #[arg(long, value_name = "FICHIER")]
        keys: Option<PathBuf>,
    },
}

/// The command line as parsed and shown: `cpts` works on the CPTS's own
/// folder, so the device's `--data-dir` is neither offered in its help nor
/// read by it (`PROTOCOOP_DATA_DIR` may be set for the device next to it).
pub fn command() -> clap::Command {
    let mut cmd = french::placeholders(Cli::command());
    cmd.build();
    cmd.mut_subcommand("cpts", hide_data_dir)
}

fn hide_data_dir(c: clap::Command) -> clap::Command {
    let names: Vec<String> = c
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    let c = c.mut_arg("data_dir", |a| a.hide(true));
    names
        .iter()
        .fold(c, |c, n| c.mut_subcommand(n, hide_data_dir))
}

/// Runs the CLI with these arguments; never panics on user error.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let matches = command().try_get_matches_from(args);
    // Typed on a `cpts` command, the device's folder would be silently
    // ignored: say where the CPTS's folder is chosen instead.
    if let Ok(m) = &matches
        && m.subcommand_name() == Some("cpts")
        && m.value_source("data_dir") == Some(clap::parser::ValueSource::CommandLine)
    {
        let e = Error::input(
            "--data-dir",
            "le dossier de données d'un appareil ne concerne pas la CPTS : son dossier se choisit avec --cpts-dir (ou PROTOCOOP_CPTS_DIR)",
        );
        let _ = std::io::stderr().write_all(format!("erreur : {e}\n").as_bytes());
        return ExitCode::from(e.exit_code() as u8);
    }
    let parsed = matches.and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            let (text, code) = match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                    (french::help(&e.render().to_string()), 0)
                }
                ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    (french::help(&e.render().to_string()), 2)
                }
                _ => (french::error(&e), 2),
            };
            let written = if code == 0 {
                std::io::stdout().write_all(text.as_bytes())
            } else {
                std::io::stderr().write_all(text.as_bytes())
            };
            drop(written);
            return ExitCode::from(code);
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match dispatch(&cli, &mut out) {
        Ok(code) => code,
        // The reader went away (`… | head -1`): stop quietly, as Unix tools
        // do; whatever was recorded stays recorded.
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            let _ = out.flush();
            let e = as_option(e);
            let mut text = format!("erreur : {e}\n");
            if let Some(h) = hint(&e) {
                text += &format!("  → {h}\n");
            }
            // A closed standard error (`… 2>&1 | head`) is no reason to
            // panic: the exit code still says what happened.
            let _ = std::io::stderr().write_all(text.as_bytes());
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

/// The core names the fields of registry records and follow-ups by id
/// (`delegue.name`, `followup.reason`); here they are the options typed.
fn as_option(e: Error) -> Error {
    match e {
        Error::Input { field, message } => {
            let option = match field.split_once('.') {
                Some(("structure" | "delegue" | "delegant" | "followup", name)) => match name {
                    "pin" => "PIN".to_string(),
                    "name" | "address" | "phone" | "rpps" | "finess" | "reason" | "text"
                    | "score" => format!("--{name}"),
                    other => format!("--{}", other.replace('_', "-")),
                },
                _ => field,
            };
            Error::input(option, message)
        }
        other => other,
    }
}

/// What to type next, for the errors a command line can fix. The core's
/// messages say what is wrong; only this shell names commands and options.
fn hint(e: &Error) -> Option<String> {
    use crate::error::Refusal;
    Some(match e {
        Error::Refused(Refusal::UnknownDelegue(_)) => {
            "sur un appareil de formation : protocoop professional add --role delegue … ; sur un appareil rattaché, demandez à la CPTS".into()
        }
        Error::Refused(Refusal::UnknownDelegant(_)) => {
            "enregistrez-le : protocoop professional add --role delegant …".into()
        }
        Error::Refused(Refusal::NoStructure) => {
            "renseignez-la : protocoop structure set --name … --address … --postal-code …".into()
        }
        Error::Refused(Refusal::DocumentMismatch { .. }) => {
            "vérifiez le registre : protocoop verify".into()
        }
        Error::Refused(Refusal::EarlierMonthOpen { earlier, .. }) => format!(
            "clôturez d'abord ce mois : protocoop report --month {earlier} --format json --out rapport-{earlier}.json"
        ),
        Error::ReadOnly(_) => {
            "vérifiez les droits du dossier, ou choisissez-en un autre avec --data-dir".into()
        }
        Error::NoDataDir(_) => "vérifiez --data-dir (ou PROTOCOOP_DATA_DIR) ; pour mettre en service un nouvel appareil : protocoop structure set …".into(),
        Error::Damaged(_) => {
            "restaurez la dernière sauvegarde du dossier de données, ou indiquez le bon avec --data-dir".into()
        }
        Error::Refused(Refusal::FingerprintRequired { .. }) => {
            "passez l'empreinte que la CPTS vous a donnée (protocoop cpts key show, à son bureau) : protocoop bundle apply FICHIER --expect-fingerprint EMPREINTE".into()
        }
        Error::Refused(Refusal::NoCpts) => {
            "protocoop cpts init --name \"CPTS …\" --passphrase-stdin".into()
        }
        Error::Refused(Refusal::NotActivated { .. }) => {
            "protocoop professional activate --rpps RPPS --code CODE --pin-stdin".into()
        }
        Error::Refused(Refusal::DeviceNotEnrolled { .. }) => {
            "donnez la clé publique de l'appareil (protocoop device show) à la CPTS : cpts device add".into()
        }
        _ => return None,
    })
}

fn dispatch(cli: &Cli, out: &mut dyn Write) -> Result<ExitCode> {
    match &cli.command {
        None => {
            crate::ui::run(crate::ui::LaunchOptions {
                data_dir: cli.data_dir.clone(),
                protocol: cli.protocol.clone(),
                fullscreen: cli.kiosk,
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Protocol(cmd)) => protocol_cmd::run(cli, cmd, out),
        Some(Command::Triage(args)) => triage_cmd::run(cli, args, out),
        Some(Command::Structure(cmd)) => registry_cmd::structure(cli, cmd, out),
        Some(Command::Professional(cmd)) => registry_cmd::professional(cli, cmd, out),
        Some(Command::Act(cmd)) => act_cmd::run(cli, cmd, out),
        Some(Command::Followup(cmd)) => followup_cmd::run(cli, cmd, out),
        Some(Command::Survey(cmd)) => survey_cmd::run(cli, cmd, out),
        Some(Command::Verify { json }) => ledger_cmd::verify(cli, *json, out),
        Some(Command::Close { month }) => ledger_cmd::close(cli, month, out),
        Some(Command::Report(args)) => report_cmd::run(cli, args, out),
        Some(Command::Cpts(args)) => cpts_cmd::run(cli, args, out),
        Some(Command::Device(cmd)) => device_cmd::device(cli, cmd, out),
        Some(Command::Bundle(cmd)) => device_cmd::bundle(cli, cmd, out),
        Some(Command::Prescription(args)) => document_cmd::prescription(cli, args, out),
        Some(Command::Letter(args)) => document_cmd::letter(cli, args, out),
        Some(Command::Backup {
            out: to,
            after_closure,
            no_after_closure,
        }) => match (to, after_closure) {
            (Some(to), _) => backup_cmd::backup(cli, to, out),
            (None, folder) if folder.is_some() || *no_after_closure => {
                backup_cmd::after_closure(cli, folder.as_deref(), out)
            }
            (None, _) => Err(Error::input("--out", "indiquez le fichier à écrire")),
        },
        Some(Command::Restore { file, keys }) => backup_cmd::restore(cli, file, keys.as_ref(), out),
    }
}

/// What commands that touch the ledger share: where, and when.
struct Context {
    data_dir: PathBuf,
    now: DateTime<Utc>,
}

impl Context {
    fn new(cli: &Cli) -> Result<Context> {
        let data_dir = match &cli.data_dir {
            Some(d) => d.clone(),
            None => ledger::default_data_dir()?,
        };
        Ok(Context {
            data_dir,
            now: now()?,
        })
    }

    /// Opens the ledger, creating the data folder and the ledger if needed:
    /// for the first setup only (`structure set`).
    fn ledger_for_setup(&self) -> Result<Ledger> {
        let pass = passphrase::for_folder(&self.data_dir)?;
        crate::vault::open_ledger(&self.data_dir, &pass, self.now)
    }

    /// Opens an existing ledger (read commands never create one).
    fn existing_ledger(&self) -> Result<Ledger> {
        crate::vault::require_existing(&self.data_dir)?;
        let pass = passphrase::for_folder(&self.data_dir)?;
        crate::vault::open_existing_ledger(&self.data_dir, &pass, self.now)
    }
}

/// The current time. Debug builds (tests) may set it with `PROTOCOOP_NOW`
/// (RFC 3339) to exercise lockouts and month boundaries; release builds
/// always use the system clock.
fn now() -> Result<DateTime<Utc>> {
    if cfg!(debug_assertions)
        && let Ok(s) = std::env::var("PROTOCOOP_NOW")
    {
        return DateTime::parse_from_rfc3339(&s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| Error::input("PROTOCOOP_NOW", format!("« {s} » : RFC 3339 attendu")));
    }
    Ok(Utc::now())
}

/// The protocol a command works with: the file given by `--protocol` (a
/// training protocol, even if validated), else the protocol of the CPTS
/// bundle this device applied, else the bundled draft.
fn load_protocol(cli: &Cli) -> Result<Protocol> {
    if cli.protocol.is_some() {
        return Protocol::load(cli.protocol.as_deref());
    }
    let cx = Context::new(cli)?;
    if cx.data_dir.join(ledger::DB_FILE).is_file()
        && let Some(p) = cx.existing_ledger()?.cpts_protocol()?
    {
        return Ok(p);
    }
    Ok(Protocol::bundled())
}

/// The most a command reads from a file or standard input (an act, a
/// case, a report): far above any real one, and a bound on what a wrong
/// file costs.
const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

/// Reads at most [`MAX_INPUT_BYTES`] as UTF-8 text.
fn read_bounded(r: impl std::io::Read, path: &Path) -> Result<String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    r.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("impossible de lire", path, e))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(Error::input(
            path.display().to_string(),
            format!(
                "fichier trop volumineux : plus de {} Mio",
                MAX_INPUT_BYTES / (1024 * 1024)
            ),
        ));
    }
    String::from_utf8(bytes).map_err(|_| {
        Error::input(
            path.display().to_string(),
            "le contenu n'est pas du texte UTF-8 : enregistrez-le en UTF-8",
        )
    })
}

/// All of standard input.
fn read_stdin() -> Result<String> {
    read_bounded(std::io::stdin(), Path::new("-"))
}

/// Reads a file, or standard input for `-`.
fn read_input(path: &Path) -> Result<String> {
    if path.as_os_str() == "-" {
        read_stdin()
    } else {
        let f = std::fs::File::open(path).map_err(|e| Error::io("impossible de lire", path, e))?;
        read_bounded(f, path)
    }
}

/// The file an `--out` names, `None` for standard output (no `--out`, or
/// « - »).
fn file_or_stdout(out: Option<&std::path::Path>) -> Option<&std::path::Path> {
    out.filter(|p| p.as_os_str() != "-")
}

fn stdout_error(e: std::io::Error) -> Error {
    Error::io("impossible d'écrire sur la sortie standard", "-", e)
}
