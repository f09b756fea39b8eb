//! `protocoop triage --facts FILE|- [--json]`: evaluate a case, write nothing.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::{Cli, load_protocol, read_input, stdout_error};
use crate::error::Result;
use crate::protocol::{Decision, Protocol};
use crate::triage::json::OutcomeJson;
use crate::triage::{Facts, Outcome, describe, evaluate, sequence};
use serde::Serialize;

#[derive(Debug, Args)]
pub struct TriageArgs {
    /// Faits du cas en JSON ({"age_years": 40, "sympt.abscess": true, …}) ; « - » pour l'entrée standard.
    #[arg(long, value_name = "FICHIER|-")]
    facts: PathBuf,
    /// Sortie JSON (forme stable, pour les scripts).
    #[arg(long)]
    json: bool,
}

pub fn run(cli: &Cli, args: &TriageArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let protocol = load_protocol(cli)?;
    let text = read_input(&args.facts)?;
    let facts = Facts::from_json_text(&protocol, &text)?;
    let outcome = evaluate(&protocol, &facts)?;
    let assumed: Vec<String> = sequence::unanswered(&protocol, &facts)
        .into_iter()
        .map(|f| protocol.fact(f).id.clone())
        .collect();
    if args.json {
        let j = TriageJson {
            outcome: OutcomeJson::with_presentations(&protocol, &outcome),
            assumed,
        };
        let s = serde_json::to_string_pretty(&j).expect("outcome serializes");
        writeln!(out, "{s}").map_err(stdout_error)?;
    } else {
        write!(out, "{}", human(&protocol, &facts, &outcome)).map_err(stdout_error)?;
        if !assumed.is_empty() {
            writeln!(
                out,
                "Non renseignés, supposés « non » (ou non mesurés) : {} — pour enregistrer l'acte, chacun doit avoir une réponse",
                assumed.join(", ")
            )
            .map_err(stdout_error)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `triage --json`: the public outcome form, plus the facts a script left
/// out that the kiosk would have asked (read as « non » here).
#[derive(Serialize)]
struct TriageJson {
    #[serde(flatten)]
    outcome: OutcomeJson,
    assumed: Vec<String>,
}

/// The outcome in French, for a person reading a terminal.
fn human(p: &Protocol, facts: &Facts, outcome: &Outcome) -> String {
    let mut s = format!(
        "Protocole : {} version {} (sha256 {}…){}\n",
        p.meta.id,
        p.meta.version,
        crate::text::prefix(&p.identity.sha256, 12),
        p.training_reason()
            .map(|why| format!(" — MODE FORMATION ({why})"))
            .unwrap_or_default()
    );
    match outcome.decision {
        Decision::Orient(o) => {
            let o = p.orientation(o);
            s += &format!("Décision : NON PRIS EN CHARGE — {}\n{}\n", o.title, o.text);
            s += "Motifs :\n";
            for r in &outcome.reasons {
                s += &format!("  - {}\n", describe::reason(p, facts, r));
            }
        }
        Decision::TakeInCharge(u) => {
            let u = p.urgency(u);
            s += &format!("Décision : PRIS EN CHARGE — {}\n", u.title);
            let pictures = describe::pictures(p, facts);
            if !pictures.is_empty() {
                s += &format!("Tableau probable : {}\n", pictures.join(" ; "));
            }
            s += "Ordonnance proposée :\n";
            for l in &outcome.lines {
                let m = p.medicine(l.medicine);
                let mut notes = Vec::new();
                if l.optional {
                    notes.push("facultatif".to_string());
                }
                if let Some(r) = m.replaces {
                    notes.push(format!("remplace {}", p.medicine(r).dci));
                }
                if m.secure_prescription {
                    notes.push("ordonnance sécurisée".into());
                }
                if let Some(w) = l.dose.weight {
                    notes.push(format!("calculé pour {} kg", crate::fr::decimal(w)));
                }
                let notes = if notes.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", notes.join(", "))
                };
                s += &format!(
                    "  [{}] {} : {}{}\n",
                    if l.selected { "x" } else { " " },
                    describe::medicine(p, l),
                    describe::dose(&l.dose, l.unit),
                    notes
                );
            }
        }
    }
    s
}
