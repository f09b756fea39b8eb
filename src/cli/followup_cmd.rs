//! `protocoop followup add`.

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};

use super::{Cli, Context, stdout_error};
use crate::error::{Error, Result};
use crate::ids::Rpps;
use crate::ledger::{AdverseNature, FollowupEvent, Severity};

#[derive(Debug, Subcommand)]
pub enum FollowupCommand {
    /// Ajouter un suivi à un acte.
    Add(AddArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    /// Le délégant a dû reprendre le patient.
    Reprise,
    /// Événement indésirable (avec --severity, --nature).
    #[value(name = "evenement-indesirable", alias = "adverse-event")]
    AdverseEvent,
    /// Satisfaction du patient (--score 1 à 5).
    #[value(name = "satisfaction-patient", alias = "patient-satisfaction")]
    PatientSatisfaction,
    /// Satisfaction du professionnel (--score 1 à 5).
    #[value(
        name = "satisfaction-professionnel",
        alias = "professional-satisfaction"
    )]
    ProfessionalSatisfaction,
    /// Retirer un suivi enregistré par erreur (--corrects ENTRÉE, --text MOTIF) : il reste au registre, les rapports ne le comptent plus.
    Correction,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// L'acte : numéro (2026-0042) ou identifiant.
    #[arg(long)]
    act: String,
    /// Le suivi : reprise (par le délégant), evenement-indesirable, satisfaction-patient, satisfaction-professionnel ou correction (les noms anglais restent acceptés).
    #[arg(long, value_enum)]
    kind: KindArg,
    /// Gravité d'un événement indésirable : legere, moderee, grave.
    #[arg(long)]
    severity: Option<String>,
    /// Nature d'un événement indésirable : allergie, effet-indesirable, aggravation, erreur-de-delivrance, autre.
    #[arg(long)]
    nature: Option<String>,
    /// Note de satisfaction, de 1 à 5.
    #[arg(long)]
    score: Option<u8>,
    /// Texte libre ; pour une correction, son motif (obligatoire).
    #[arg(long)]
    text: Option<String>,
    /// Pour une correction : l'entrée du suivi à retirer (celle que `act show` donne).
    #[arg(long, value_name = "ENTRÉE")]
    corrects: Option<u64>,
    /// RPPS du délégué de cet appareil qui enregistre le suivi (son code PIN sur l'entrée standard).
    #[arg(long, value_name = "RPPS")]
    by: String,
    /// Lire le code PIN du délégué sur la première ligne de l'entrée standard.
    #[arg(long)]
    pin_stdin: bool,
}

pub fn run(cli: &Cli, cmd: &FollowupCommand, out: &mut dyn Write) -> Result<ExitCode> {
    let FollowupCommand::Add(a) = cmd;
    let cx = Context::new(cli)?;
    let text = a
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string);
    let score = |kind: &str| {
        a.score.ok_or_else(|| {
            Error::input("--score", format!("note de 1 à 5 obligatoire pour {kind}"))
        })
    };
    let event = match a.kind {
        KindArg::Reprise => FollowupEvent::Reprise { text },
        KindArg::AdverseEvent => {
            let severity = a.severity.as_deref().ok_or_else(|| {
                Error::input(
                    "--severity",
                    "gravité obligatoire : legere, moderee ou grave",
                )
            })?;
            let severity = Severity::parse(severity).ok_or_else(|| {
                Error::input(
                    "--severity",
                    format!("« {severity} » : legere, moderee ou grave"),
                )
            })?;
            let nature = match a.nature.as_deref() {
                None => AdverseNature::Autre,
                Some(n) => AdverseNature::parse(n).ok_or_else(|| {
                    let all: Vec<&str> = AdverseNature::ALL.iter().map(|n| n.cli_name()).collect();
                    Error::input("--nature", format!("« {n} » : {}", all.join(", ")))
                })?,
            };
            FollowupEvent::AdverseEvent {
                nature,
                severity,
                text,
            }
        }
        KindArg::PatientSatisfaction => FollowupEvent::PatientSatisfaction {
            score: score("la satisfaction du patient")?,
            text,
        },
        KindArg::ProfessionalSatisfaction => FollowupEvent::ProfessionalSatisfaction {
            score: score("la satisfaction du professionnel")?,
            text,
        },
        KindArg::Correction => FollowupEvent::Correction {
            corrects: a.corrects.ok_or_else(|| {
                Error::input(
                    "--corrects",
                    "une correction nomme l'entrée du suivi qu'elle retire (voir `protocoop act show`)",
                )
            })?,
            reason: text.ok_or_else(|| {
                Error::input("--text", "le motif de la correction est obligatoire")
            })?,
        },
    };
    if a.corrects.is_some() && !matches!(a.kind, KindArg::Correction) {
        return Err(Error::input(
            "--corrects",
            "seule une correction (--kind correction) nomme un suivi à retirer",
        ));
    }
    let by = Rpps::parse_field("--by", &a.by)?;
    if !a.pin_stdin {
        return Err(Error::input(
            "--pin-stdin",
            "un suivi est signé par le code PIN d'un délégué de cet appareil : passez-le sur la première ligne de l'entrée standard",
        ));
    }
    let stdin = super::read_stdin()?;
    let pin = crate::registry::parse_pin("PIN", stdin.lines().next().unwrap_or(""))?;
    let mut ledger = cx.existing_ledger()?;
    // Find the act before asking for the PIN, so a typo costs no attempt.
    ledger.act(&a.act)?;
    let author = ledger.authenticate(&by, &pin, cx.now)?;
    let r = ledger.add_followup(&a.act, &author, event, cx.now)?;
    writeln!(
        out,
        "Suivi ajouté à l'acte {} (entrée {}).",
        r.number, r.seq
    )
    .map_err(stdout_error)?;
    Ok(ExitCode::SUCCESS)
}
