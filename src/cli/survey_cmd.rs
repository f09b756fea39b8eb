//! `protocoop survey show|due|add`: the professionals' quarterly
//! questionnaire from the command line (the kiosk offers it at sign-in).

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::{Cli, Context, stdout_error};
use crate::calendar::Quarter;
use crate::error::{Error, Result};
use crate::ids::Rpps;
use crate::ledger::SurveyResponse;
use crate::protocol::{Protocol, Survey, SurveyAnswer, survey::SCALE_HINT};

#[derive(Debug, Subcommand)]
pub enum SurveyCommand {
    /// Les questions du questionnaire du protocole, avec leurs identifiants.
    Show,
    /// Si un délégué a encore le questionnaire du trimestre à remplir.
    Due(DueArgs),
    /// Enregistrer les réponses d'un délégué (--answer ID=NOTE, répété) ou son « plus tard » (--later).
    Add(AddArgs),
}

#[derive(Debug, Args)]
pub struct DueArgs {
    /// RPPS du délégué.
    #[arg(long, value_name = "RPPS")]
    by: String,
    /// Écrire la réponse en JSON (pour un script).
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// RPPS du délégué de cet appareil qui répond (son code PIN sur l'entrée standard).
    #[arg(long, value_name = "RPPS")]
    by: String,
    /// Une réponse : l'identifiant de la question (`survey show` les donne) et une note de 1 (pas du tout) à 5 (tout à fait), par exemple --answer global=4.
    #[arg(long, value_name = "ID=NOTE")]
    answer: Vec<String>,
    /// Remettre le questionnaire au trimestre suivant, sans répondre.
    #[arg(long)]
    later: bool,
    /// Lire le code PIN du délégué sur la première ligne de l'entrée standard.
    #[arg(long)]
    pin_stdin: bool,
}

pub fn run(cli: &Cli, cmd: &SurveyCommand, out: &mut dyn Write) -> Result<ExitCode> {
    match cmd {
        SurveyCommand::Show => show(cli, out),
        SurveyCommand::Due(a) => due(cli, a, out),
        SurveyCommand::Add(a) => add(cli, a, out),
    }
}

fn survey_of(protocol: &Protocol) -> Result<&Survey> {
    protocol.survey.as_ref().ok_or_else(|| {
        Error::input(
            "questionnaire",
            "le protocole en vigueur ne prévoit pas de questionnaire des professionnels ([survey])",
        )
    })
}

fn show(cli: &Cli, out: &mut dyn Write) -> Result<ExitCode> {
    use std::fmt::Write as _;
    let protocol = super::load_protocol(cli)?;
    let survey = survey_of(&protocol)?;
    let mut s = format!("{}\n", survey.title);
    if let Some(intro) = &survey.intro {
        let _ = writeln!(s, "{intro}");
    }
    let _ = writeln!(s, "Notes de 1 à 5 ({SCALE_HINT}) :");
    for q in &survey.questions {
        let _ = writeln!(s, "  {} — {}", q.id, q.text);
    }
    out.write_all(s.as_bytes()).map_err(stdout_error)?;
    Ok(ExitCode::SUCCESS)
}

fn due(cli: &Cli, a: &DueArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let cx = Context::new(cli)?;
    let protocol = super::load_protocol(cli)?;
    let by = Rpps::parse_field("--by", &a.by)?;
    let ledger = cx.existing_ledger()?;
    let registry = ledger.registry()?;
    let delegue = registry
        .delegue(&by)
        .ok_or_else(|| crate::error::Refusal::UnknownDelegue(by.to_string()))?;
    let today = cx.now.with_timezone(&chrono_tz::Europe::Paris).date_naive();
    let due = ledger.survey_due(&protocol, &by, today)?;
    let quarter = Quarter::of_date(today);
    let text = if a.json {
        let mut s = serde_json::to_string_pretty(&serde_json::json!({
            "quarter": quarter.to_string(),
            "planned": protocol.survey.is_some(),
            "due": due.is_some(),
        }))
        .map_err(|e| Error::input("json", e.to_string()))?;
        s.push('\n');
        s
    } else if protocol.survey.is_none() {
        "Le protocole ne prévoit pas de questionnaire des professionnels.\n".into()
    } else if due.is_some() {
        format!(
            "{} n'a pas encore rempli le questionnaire du {}.\n",
            delegue.name,
            quarter.name_fr()
        )
    } else {
        format!(
            "{} a déjà répondu au questionnaire du {} (ou l'a remis à plus tard).\n",
            delegue.name,
            quarter.name_fr()
        )
    };
    out.write_all(text.as_bytes()).map_err(stdout_error)?;
    Ok(ExitCode::SUCCESS)
}

/// `ID=NOTE`, the note a whole number (checked 1 to 5 by the core).
fn answer(typed: &str) -> Result<SurveyAnswer> {
    let bad = || {
        Error::input(
            "--answer",
            format!(
                "« {} » : IDENTIFIANT=NOTE attendu, par exemple global=4",
                crate::text::quote(typed)
            ),
        )
    };
    let (id, score) = typed.split_once('=').ok_or_else(bad)?;
    let score: u8 = score.trim().parse().map_err(|_| bad())?;
    Ok(SurveyAnswer {
        question: id.trim().to_string(),
        score,
    })
}

fn add(cli: &Cli, a: &AddArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let response = match (a.later, a.answer.is_empty()) {
        (true, false) => {
            return Err(Error::input(
                "--later",
                "--later et --answer s'excluent : --later remet le questionnaire au trimestre suivant, sans réponse",
            ));
        }
        (true, true) => SurveyResponse::Declined,
        (false, true) => {
            return Err(Error::input(
                "--answer",
                "donnez au moins une réponse (--answer ID=NOTE), ou --later pour remettre le questionnaire au trimestre suivant",
            ));
        }
        (false, false) => {
            SurveyResponse::Answered(a.answer.iter().map(|t| answer(t)).collect::<Result<_>>()?)
        }
    };
    let cx = Context::new(cli)?;
    let by = Rpps::parse_field("--by", &a.by)?;
    if !a.pin_stdin {
        return Err(Error::input(
            "--pin-stdin",
            "les réponses sont signées par le code PIN du délégué : passez-le sur la première ligne de l'entrée standard",
        ));
    }
    let protocol = super::load_protocol(cli)?;
    let survey = survey_of(&protocol)?;
    // Answers checked before the PIN is, so a typo costs no attempt.
    if let SurveyResponse::Answered(answers) = &response {
        survey.check(answers)?;
    }
    let stdin = super::read_stdin()?;
    let pin = crate::registry::parse_pin("PIN", stdin.lines().next().unwrap_or(""))?;
    let mut ledger = cx.existing_ledger()?;
    let author = ledger.authenticate(&by, &pin, cx.now)?;
    let declined = response == SurveyResponse::Declined;
    let seq = ledger.record_survey(&protocol, &author, response, cx.now)?;
    let quarter = Quarter::of_instant(cx.now);
    let said = if declined {
        "remis au trimestre suivant"
    } else {
        "enregistré"
    };
    writeln!(
        out,
        "Questionnaire du {} {said} (entrée {seq}).",
        quarter.name_fr()
    )
    .map_err(stdout_error)?;
    Ok(ExitCode::SUCCESS)
}
