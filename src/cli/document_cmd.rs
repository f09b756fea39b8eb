//! `protocoop prescription` (issue or reprint an act's documents),
//! `protocoop letter` (the compte rendu or the courrier d'orientation) and
//! `protocoop protocol summary`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::{Cli, Context, load_protocol, stdout_error};
use crate::documents::{self, Paper, Roster, print};
use crate::error::{Error, Result};
use crate::files::{self, Access};

#[derive(Debug, Args)]
pub struct PrescriptionArgs {
    /// L'acte : numéro (2026-0042) ou identifiant.
    #[arg(long)]
    act: String,
    /// Fichier PDF de l'ordonnance à écrire.
    #[arg(long, value_name = "FICHIER")]
    out: PathBuf,
    /// Écrire aussi la fiche conseil du patient dans ce fichier.
    #[arg(long, value_name = "FICHIER")]
    advice: Option<PathBuf>,
    /// Envoyer à l'imprimante (lp) ; sinon indique où sont les fichiers.
    #[arg(long)]
    print: bool,
    /// Format du papier : A4 (défaut) ou A5.
    #[arg(long, default_value = "A4", value_parser = parse_paper)]
    paper: Paper,
    /// Tableau de garde des dentistes (TOML) ; par défaut garde.toml dans le dossier de données, s'il existe.
    #[arg(long, value_name = "FICHIER", env = "PROTOCOOP_ROSTER")]
    roster: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct LetterArgs {
    /// L'acte : numéro (2026-0042) ou identifiant.
    #[arg(long)]
    act: String,
    /// Fichier PDF à écrire : le compte rendu au médecin traitant (prise en charge) ou le courrier d'orientation (patient orienté).
    #[arg(long, value_name = "FICHIER")]
    out: PathBuf,
    /// Envoyer à l'imprimante (lp).
    #[arg(long)]
    print: bool,
    /// Format du papier : A4 (défaut) ou A5.
    #[arg(long, default_value = "A4", value_parser = parse_paper)]
    paper: Paper,
}

#[derive(Debug, Args)]
pub struct SummaryArgs {
    /// Fichier PDF à écrire.
    #[arg(long, value_name = "FICHIER")]
    out: PathBuf,
    /// Format du papier : A4 (défaut) ou A5.
    #[arg(long, default_value = "A4", value_parser = parse_paper)]
    paper: Paper,
}

fn parse_paper(s: &str) -> std::result::Result<Paper, String> {
    Paper::parse(s).ok_or_else(|| format!("« {s} » : A4 ou A5"))
}

/// The roster file: `--roster`, else `garde.toml` in the data folder.
pub fn roster_path(explicit: Option<&Path>, data_dir: &Path) -> PathBuf {
    explicit.map_or_else(|| data_dir.join("garde.toml"), Path::to_path_buf)
}

pub fn prescription(cli: &Cli, args: &PrescriptionArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let ctx = Context::new(cli)?;
    let protocol = load_protocol(cli)?;
    let path = roster_path(args.roster.as_deref(), &ctx.data_dir);
    let roster = Roster::load(&path)?;
    if args.roster.is_some() && roster.is_none() {
        return Err(Error::input(
            "--roster",
            format!("« {} » introuvable", path.display()),
        ));
    }
    if args.advice.as_deref() == Some(args.out.as_path()) {
        return Err(Error::input(
            "--advice",
            "l'ordonnance et la fiche conseil doivent aller dans deux fichiers différents",
        ));
    }
    let mut ledger = ctx.existing_ledger()?;
    // Issuing is logged: make sure the files can be written first.
    files::check_output(&args.out)?;
    if let Some(advice) = &args.advice {
        files::check_output(advice)?;
    }
    let issued = documents::issue_to(
        &mut ledger,
        &protocol,
        roster.as_ref(),
        &args.act,
        args.paper,
        &args.out,
        args.advice.as_deref(),
        ctx.now,
    )?;
    let w = |out: &mut dyn Write, s: String| writeln!(out, "{s}").map_err(stdout_error);
    let what = if issued.reprint {
        "Réimpression conforme"
    } else {
        "Documents émis"
    };
    w(
        out,
        format!("{what} — code de vérification {}", issued.verification_code),
    )?;
    w(
        out,
        format!("Ordonnance : {}", issued.prescription.display()),
    )?;
    if let Some(a) = &issued.advice {
        w(out, format!("Fiche conseil : {}", a.display()))?;
    }
    if args.print {
        let mut files = vec![issued.prescription.as_path()];
        files.extend(issued.advice.as_deref());
        w(
            out,
            format!("Impression : {}", print::print(&files).describe()),
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn letter(cli: &Cli, args: &LetterArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let ctx = Context::new(cli)?;
    let protocol = load_protocol(cli)?;
    let mut ledger = ctx.existing_ledger()?;
    files::check_output(&args.out)?;
    let rendered = documents::issue_letter(
        &mut ledger,
        &protocol,
        &args.act,
        args.paper,
        &args.out,
        ctx.now,
    )?;
    let title = rendered
        .docs
        .first()
        .map_or("Courrier", |d| d.title.as_str());
    let what = if rendered.reprint {
        "réimpression conforme"
    } else {
        "émis"
    };
    let w = |out: &mut dyn Write, s: String| writeln!(out, "{s}").map_err(stdout_error);
    w(
        out,
        format!(
            "{title} — {what} — code de vérification {} : {}",
            rendered.verification_code,
            args.out.display()
        ),
    )?;
    if args.print {
        w(
            out,
            format!(
                "Impression : {}",
                print::print(&[args.out.as_path()]).describe()
            ),
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn summary(cli: &Cli, args: &SummaryArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let protocol = load_protocol(cli)?;
    let bytes = documents::summary::render(&protocol, args.paper);
    files::write_atomic(&args.out, &bytes, Access::Shared)?;
    writeln!(
        out,
        "Résumé du protocole {} v{} : {}",
        protocol.identity.id,
        protocol.identity.version,
        args.out.display()
    )
    .map_err(stdout_error)?;
    Ok(ExitCode::SUCCESS)
}
