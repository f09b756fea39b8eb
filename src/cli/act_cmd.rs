//! `protocoop act record | show | list | void`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

use super::{Cli, Context, read_input, read_stdin, stdout_error};
use crate::act::ActRequest;
use crate::calendar::Month;
use crate::error::{Error, Result};
use crate::fr;
use crate::ids::Rpps;
use crate::ledger::{ActStatus, ActView, FollowupEvent};
use crate::protocol::Protocol;
use crate::registry::parse_pin;
use crate::report::source::{VoidPay, void_pay};
use crate::triage::describe;
use crate::triage::json::OutcomeJson;

#[derive(Debug, Subcommand)]
pub enum ActCommand {
    /// Enregistrer un acte (faits, patient, délégué, délégant, lignes choisies).
    Record {
        /// L'acte en JSON ; « - » pour l'entrée standard (après la ligne du PIN).
        #[arg(long, value_name = "FICHIER|-")]
        input: PathBuf,
        /// Lire le code PIN du délégué sur la première ligne de l'entrée standard.
        #[arg(long)]
        pin_stdin: bool,
        /// Sortie JSON (forme stable, pour les scripts).
        #[arg(long)]
        json: bool,
    },
    /// Afficher un acte (par numéro, 2026-0042, ou identifiant).
    Show {
        /// Numéro de l'acte (2026-0042) ou son identifiant.
        #[arg(value_name = "ACTE")]
        id: String,
        /// Sortie JSON (forme stable, pour les scripts).
        #[arg(long)]
        json: bool,
    },
    /// Lister les actes, tous ou d'un mois.
    List {
        /// Seulement les actes de ce mois (heure de Paris) ; sans lui, tous.
        #[arg(long, value_name = "AAAA-MM")]
        month: Option<String>,
        /// Sortie JSON (forme stable, pour les scripts).
        #[arg(long)]
        json: bool,
    },
    /// Annuler un acte (il reste au registre, marqué annulé, hors totaux).
    Void {
        /// Numéro de l'acte (2026-0042) ou son identifiant.
        #[arg(value_name = "ACTE")]
        id: String,
        /// RPPS du délégué qui annule.
        #[arg(long)]
        by: String,
        /// Pourquoi l'acte est annulé (« doublon », « erreur de patient »…), inscrit au registre.
        #[arg(long)]
        reason: String,
        /// Lire le code PIN du délégué sur la première ligne de l'entrée standard.
        #[arg(long)]
        pin_stdin: bool,
    },
}

/// `--pin-stdin`: the PIN on the first line, the rest (if any) for `-`.
fn pin_and_rest(pin_stdin: bool) -> Result<(String, String)> {
    if !pin_stdin {
        return Err(Error::input(
            "--pin-stdin",
            "le code PIN du délégué est obligatoire : passez-le sur la première ligne de l'entrée standard",
        ));
    }
    let stdin = read_stdin()?;
    let (first, rest) = stdin.split_once('\n').unwrap_or((stdin.as_str(), ""));
    Ok((parse_pin("PIN", first)?, rest.to_string()))
}

pub fn run(cli: &Cli, cmd: &ActCommand, out: &mut dyn Write) -> Result<ExitCode> {
    let cx = Context::new(cli)?;
    match cmd {
        ActCommand::Record {
            input,
            pin_stdin,
            json,
        } => {
            let (pin, rest) = pin_and_rest(*pin_stdin)?;
            let text = if input.as_os_str() == "-" {
                rest
            } else {
                read_input(input)?
            };
            let req = ActRequest::from_json(&text)?;
            let protocol = super::load_protocol(cli)?;
            let mut ledger = cx.existing_ledger()?;
            ledger.authenticate(&req.delegue, &pin, cx.now)?;
            let act = ledger.prepare_act(&protocol, &req, cx.now)?;
            let training = act.training;
            let decided = decision(&act.outcome, Some(&protocol));
            let r = ledger.record_act(act)?;
            if *json {
                writeln!(out, "{}", serde_json::to_string(&r).expect("serializes"))
                    .map_err(stdout_error)?;
            } else {
                writeln!(
                    out,
                    "Acte {} enregistré (entrée {}, code de vérification {}) : {decided}{}",
                    r.number,
                    r.seq,
                    crate::documents::verification_code(&r.hash),
                    if training {
                        " — MODE FORMATION, non rémunéré"
                    } else {
                        ""
                    }
                )
                .map_err(stdout_error)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        ActCommand::Show { id, json } => {
            let view = cx.existing_ledger()?.act(id)?;
            if *json {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&view).expect("serializes")
                )
                .map_err(stdout_error)?;
            } else {
                // The protocol words the decision; an act stays readable
                // when the protocol file does not load.
                let protocol = super::load_protocol(cli).ok();
                write!(out, "{}", human(&view, protocol.as_ref())).map_err(stdout_error)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        ActCommand::List { month, json } => {
            let month: Option<Month> = month.as_deref().map(str::parse).transpose()?;
            let acts = cx.existing_ledger()?.acts(month)?;
            if *json {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&acts).expect("serializes")
                )
                .map_err(stdout_error)?;
                return Ok(ExitCode::SUCCESS);
            }
            if acts.is_empty() {
                writeln!(out, "Aucun acte.").map_err(stdout_error)?;
            }
            for a in &acts {
                let when = fr::datetime(a.occurred_at);
                writeln!(
                    out,
                    "{}  {}  délégué {}  {}{}{}",
                    a.number,
                    when,
                    a.delegue_rpps,
                    if a.taken_in_charge {
                        "prise en charge"
                    } else {
                        "orientation"
                    },
                    if a.training { "  [formation]" } else { "" },
                    if a.void { "  [ANNULÉ]" } else { "" }
                )
                .map_err(stdout_error)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        ActCommand::Void {
            id,
            by,
            reason,
            pin_stdin,
        } => {
            let by = Rpps::parse_field("--by", by)?;
            if reason.trim().is_empty() {
                return Err(Error::input(
                    "--reason",
                    "le motif d'annulation est obligatoire",
                ));
            }
            let (pin, _) = pin_and_rest(*pin_stdin)?;
            let mut ledger = cx.existing_ledger()?;
            // Find the act before asking for the PIN, so a typo costs no attempt.
            let view = ledger.act(id)?;
            let effect = void_pay(&ledger, &view.act, view.seq)?;
            let author = ledger.authenticate(&by, &pin, cx.now)?;
            let r = ledger.add_followup(
                id,
                &author,
                FollowupEvent::Void {
                    reason: reason.trim().to_string(),
                },
                cx.now,
            )?;
            writeln!(
                out,
                "Acte {} annulé (entrée {}) : il reste au registre, hors totaux.{}",
                r.number,
                r.seq,
                void_pay_words(&effect)
            )
            .map_err(stdout_error)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// What the void does to the pay, in words (empty for an unpaid act).
fn void_pay_words(effect: &VoidPay) -> String {
    let pay = |p: &crate::act::Payment| {
        format!(
            "{} (délégué) et {} (délégant)",
            fr::money(i64::from(p.delegue_cents)),
            fr::money(i64::from(p.delegant_cents))
        )
    };
    match effect {
        VoidPay::Unpaid => String::new(),
        VoidPay::NotYetReported(p) => format!(
            "\nSon mois n'est pas encore clôturé : {} ne seront pas payés.",
            pay(p)
        ),
        VoidPay::DeductedLater { month, payment } => {
            let reported = month
                .parse::<Month>()
                .map_or_else(|_| month.clone(), |m| m.name_fr());
            format!(
                "\nIl figurait au rapport {} : {} seront déduits au rapport du prochain mois clôturé.",
                fr::de(&reported),
                pay(payment)
            )
        }
    }
}

/// The decision in the protocol's words (its ids when it did not load).
fn decision(o: &OutcomeJson, protocol: Option<&Protocol>) -> String {
    match (&o.orientation, &o.urgency) {
        (Some(id), _) => format!(
            "non pris en charge — {}",
            protocol.and_then(|p| p.orientation_title(id)).unwrap_or(id)
        ),
        (None, Some(u)) => format!(
            "prise en charge — {}",
            protocol
                .and_then(|p| p.urgency_title(u))
                .map_or_else(|| format!("rendez-vous dentaire ({u})"), str::to_lowercase)
        ),
        (None, None) => "sans décision enregistrée".to_string(),
    }
}

fn human(v: &ActView, protocol: Option<&Protocol>) -> String {
    let a = &v.act;
    let mut s = format!(
        "Acte {} — {}{}\n",
        a.number,
        fr::datetime(a.occurred_at),
        if a.deferred {
            format!(" (saisi le {})", fr::datetime(a.recorded_at))
        } else {
            String::new()
        }
    );
    if let ActStatus::Void { reason, at, .. } = &v.status {
        s += &format!("ANNULÉ le {} : {reason}\n", fr::datetime(*at));
    }
    if a.training {
        s += "MODE FORMATION (protocole non validé) — non rémunéré\n";
    }
    s += &format!(
        "Protocole : {} version {}\nStructure : {}\nDélégué : {} ({}, RPPS {})\nDélégant : {} (RPPS {})\n",
        a.protocol.id,
        a.protocol.version,
        a.structure.name,
        a.delegue.name,
        a.delegue.profession.as_deref().unwrap_or(""),
        a.delegue.rpps,
        a.delegant.name,
        a.delegant.rpps
    );
    s += &format!(
        "Patient : {} {}, né(e) le {}, {} ans{}\n",
        a.patient.last_name.to_uppercase(),
        a.patient.first_name,
        fr::date(a.patient.birth_date),
        a.patient.age_years,
        a.patient
            .weight_kg
            .map(|w| format!(", {} kg", w.to_string().replace('.', ",")))
            .unwrap_or_default()
    );
    s += &format!("Décision : {}\n", decision(&a.outcome, protocol));
    if a.outcome.orientation.is_some() {
        let reasons: Vec<String> = a
            .outcome
            .reasons
            .iter()
            .map(|r| protocol.map_or_else(|| r.clone(), |p| describe::reason_label(p, r)))
            .collect();
        s += &format!("Motifs : {}\n", reasons.join(" ; "));
    }
    for l in &a.prescription {
        s += &format!("  - {} : {}\n", l.title(), l.regimen_fr());
    }
    s += &format!(
        "Rémunération : délégué {}, délégant {}\n",
        fr::money(i64::from(a.payment.delegue_cents)),
        fr::money(i64::from(a.payment.delegant_cents))
    );
    for f in &v.followups {
        s += &format!(
            "Suivi du {} (entrée {}) : {}\n",
            fr::datetime(f.recorded_at),
            f.seq,
            v.describe(f)
        );
    }
    s += &format!("Registre : entrée {}, empreinte {}\n", v.seq, v.hash);
    s
}
