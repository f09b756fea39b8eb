//! `protocoop followup add` and `followup due`.

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};

use chrono::NaiveDate;

use super::{Cli, Context, stdout_error};
use crate::calls::{Adverse, Answers, AppointmentAnswer, DueCall, by_act};
use crate::error::{Error, Result};
use crate::ids::Rpps;
use crate::ledger::{AdverseNature, FollowupEvent, Severity};

#[derive(Debug, Subcommand)]
pub enum FollowupCommand {
    /// Ajouter un suivi à un acte.
    Add(Box<AddArgs>),
    /// Les appels de suivi à passer aujourd'hui ou en retard (« À rappeler ») : patient, téléphone, acte, ce qu'il faut demander.
    Due(DueArgs),
}

#[derive(Debug, Args)]
pub struct DueArgs {
    /// Écrire la liste en JSON (pour un script).
    #[arg(long)]
    json: bool,
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
    /// Rendez-vous dentaire pris ou non (--made oui|non, --on DATE).
    #[value(name = "rendez-vous", alias = "appointment")]
    Appointment,
    /// Un appel du plan de suivi (--call ID, --reached oui|non ; s'il a répondu : --made/--on, --pain, --score, --nature/--severity selon l'appel).
    #[value(name = "appel", alias = "call")]
    Call,
    /// Retirer un suivi enregistré par erreur (--corrects ENTRÉE, --text MOTIF) : il reste au registre, les rapports ne le comptent plus.
    Correction,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// L'acte : numéro (2026-0042) ou identifiant.
    #[arg(long)]
    act: String,
    /// Le suivi : reprise (par le délégant), evenement-indesirable, satisfaction-patient, satisfaction-professionnel, appel (un appel du plan de suivi), rendez-vous ou correction (les noms anglais restent acceptés).
    #[arg(long, value_enum)]
    kind: KindArg,
    /// Gravité d'un événement indésirable : legere, moderee, grave.
    #[arg(long)]
    severity: Option<String>,
    /// Nature d'un événement indésirable : un identifiant de la liste du protocole ([adverse_events] ; celui fourni : allergie, intolerance-digestive, aggravation-infection, douleur-non-soulagee, autre). Par défaut : autre. Pour un appel, obligatoire quand l'appel le demande : « aucun » s'il n'y en a pas eu.
    #[arg(long)]
    nature: Option<String>,
    /// Note de satisfaction, de 1 à 5.
    #[arg(long)]
    score: Option<u8>,
    /// Texte libre ; pour une correction, son motif (obligatoire).
    #[arg(long)]
    text: Option<String>,
    /// Pour un rendez-vous : pris (oui) ou non.
    #[arg(long, value_name = "oui|non")]
    made: Option<String>,
    /// Pour un rendez-vous pris : son jour (JJ/MM/AAAA ou AAAA-MM-JJ), s'il est connu.
    #[arg(long, value_name = "JJ/MM/AAAA")]
    on: Option<String>,
    /// Pour un appel : l'appel du plan de suivi (`followup due` le donne) ; répétez --call quand un même coup de téléphone fait plusieurs appels dus.
    #[arg(long, value_name = "APPEL")]
    call: Vec<String>,
    /// Pour un appel : le patient a répondu (oui) ou non.
    #[arg(long, value_name = "oui|non")]
    reached: Option<String>,
    /// Pour un appel : la douleur, de 0 à 10.
    #[arg(long, value_name = "0-10")]
    pain: Option<u8>,
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
    match cmd {
        FollowupCommand::Add(a) => add(cli, a, out),
        FollowupCommand::Due(a) => due(cli, a, out),
    }
}

/// `oui` / `non` of a flag.
fn yes_no(flag: &str, v: &str) -> Result<bool> {
    match v.trim().to_lowercase().as_str() {
        "oui" | "o" | "yes" | "true" => Ok(true),
        "non" | "n" | "no" | "false" => Ok(false),
        other => Err(Error::input(
            flag,
            format!("« {} » : oui ou non", crate::text::quote(other)),
        )),
    }
}

fn appointment(a: &AddArgs) -> Result<Option<AppointmentAnswer>> {
    let Some(made) = a.made.as_deref() else {
        if a.on.is_some() {
            return Err(Error::input(
                "--on",
                "la date d'un rendez-vous va avec --made oui",
            ));
        }
        return Ok(None);
    };
    let made = yes_no("--made", made)?;
    let on = match a.on.as_deref() {
        None => None,
        Some(d) => Some(crate::fr::parse_day("--on", d)?),
    };
    Ok(Some(AppointmentAnswer { made, on }))
}

/// What a call answers about adverse events: `--nature aucun` for none;
/// otherwise the nature and its severity, both given (never guessed).
fn call_adverse(a: &AddArgs) -> Result<Option<Adverse>> {
    match (a.nature.as_deref().map(str::trim), a.severity.is_some()) {
        (None, false) => Ok(None),
        (Some("aucun"), false) => Ok(Some(Adverse::None)),
        (Some("aucun"), true) => Err(Error::input(
            "--severity",
            "« --nature aucun » : pas d'effet indésirable, donc pas de gravité",
        )),
        (None, true) => Err(Error::input(
            "--nature",
            "la nature de l'effet indésirable est obligatoire (ou --nature aucun, sans --severity)",
        )),
        (Some(_), _) => Ok(adverse(a)?.map(|(n, s)| Adverse::Event(n, s))),
    }
}

/// The severity and the nature id typed, when either is (the nature is
/// checked against the protocol's list where the event is made).
fn adverse(a: &AddArgs) -> Result<Option<(AdverseNature, Severity)>> {
    if a.severity.is_none() && a.nature.is_none() {
        return Ok(None);
    }
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
    let typed = a.nature.as_deref().unwrap_or("autre");
    if typed.trim() == "aucun" {
        return Err(Error::input(
            "--nature",
            "« aucun » ne va qu'avec un appel (--kind appel) : un événement indésirable a une nature",
        ));
    }
    let nature = AdverseNature::parse(typed).ok_or_else(|| {
        Error::input(
            "--nature",
            format!(
                "« {} » : un identifiant de nature du protocole, par exemple intolerance-digestive",
                crate::text::quote(typed)
            ),
        )
    })?;
    Ok(Some((nature, severity)))
}

/// Flags that belong to other kinds, refused rather than silently dropped.
fn refuse_foreign(a: &AddArgs) -> Result<()> {
    let call = matches!(a.kind, KindArg::Call);
    let scored = matches!(
        a.kind,
        KindArg::Call | KindArg::PatientSatisfaction | KindArg::ProfessionalSatisfaction
    );
    let checks: [(&str, bool, bool); 9] = [
        ("--score", a.score.is_some(), scored),
        (
            "--text",
            a.text.is_some(),
            !matches!(a.kind, KindArg::Call | KindArg::Appointment),
        ),
        (
            "--corrects",
            a.corrects.is_some(),
            matches!(a.kind, KindArg::Correction),
        ),
        ("--call", !a.call.is_empty(), call),
        ("--reached", a.reached.is_some(), call),
        ("--pain", a.pain.is_some(), call),
        (
            "--made",
            a.made.is_some(),
            call || matches!(a.kind, KindArg::Appointment),
        ),
        (
            "--on",
            a.on.is_some(),
            call || matches!(a.kind, KindArg::Appointment),
        ),
        (
            "--severity",
            a.severity.is_some() || a.nature.is_some(),
            call || matches!(a.kind, KindArg::AdverseEvent),
        ),
    ];
    match checks.iter().find(|(_, given, allowed)| *given && !allowed) {
        Some(("--corrects", ..)) => Err(Error::input(
            "--corrects",
            "seule une correction (--kind correction) nomme un suivi à retirer",
        )),
        Some((flag, ..)) => Err(Error::input(
            *flag,
            format!("{flag} ne va pas avec ce type de suivi (--kind)"),
        )),
        None => Ok(()),
    }
}

/// What `add` records: one follow-up, or a call with its answers.
enum Adding {
    One(FollowupEvent),
    Call(Vec<String>, Answers),
    /// Checked against the protocol's natures.
    Adverse(AdverseNature, Severity, Option<String>),
}

fn adding(a: &AddArgs) -> Result<Adding> {
    refuse_foreign(a)?;
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
            let (nature, severity) = adverse(a)?.ok_or_else(|| {
                Error::input(
                    "--severity",
                    "gravité obligatoire : legere, moderee ou grave",
                )
            })?;
            return Ok(Adding::Adverse(nature, severity, text));
        }
        KindArg::PatientSatisfaction => FollowupEvent::PatientSatisfaction {
            score: score("la satisfaction du patient")?,
            text,
        },
        KindArg::ProfessionalSatisfaction => FollowupEvent::ProfessionalSatisfaction {
            score: score("la satisfaction du professionnel")?,
            text,
        },
        KindArg::Appointment => {
            let a = appointment(a)?.ok_or_else(|| {
                Error::input("--made", "rendez-vous pris ? --made oui ou --made non")
            })?;
            FollowupEvent::Appointment {
                made: a.made,
                on: a.on,
            }
        }
        KindArg::Call => {
            if a.call.is_empty() {
                return Err(Error::input(
                    "--call",
                    "quel appel du plan ? `protocoop followup due` les donne (par exemple --call j2)",
                ));
            }
            let call = a.call.clone();
            let reached = a.reached.as_deref().ok_or_else(|| {
                Error::input("--reached", "le patient a-t-il répondu ? --reached oui ou non")
            })?;
            let answers = Answers {
                reached: yes_no("--reached", reached)?,
                appointment: appointment(a)?,
                pain: a.pain,
                satisfaction: a.score,
                adverse: call_adverse(a)?,
            };
            return Ok(Adding::Call(call, answers));
        }
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
    Ok(Adding::One(event))
}

fn add(cli: &Cli, a: &AddArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let cx = Context::new(cli)?;
    let adding = adding(a)?;
    let by = Rpps::parse_field("--by", &a.by)?;
    if !a.pin_stdin {
        return Err(Error::input(
            "--pin-stdin",
            "un suivi est signé par le code PIN d'un délégué de cet appareil : passez-le sur la première ligne de l'entrée standard",
        ));
    }
    let stdin = super::read_stdin()?;
    let pin = crate::registry::parse_pin("PIN", stdin.lines().next().unwrap_or(""))?;
    let protocol = match adding {
        Adding::Call(..) | Adding::Adverse(..) => Some(super::load_protocol(cli)?),
        Adding::One(_) => None,
    };
    let adding =
        match (adding, &protocol) {
            (Adding::Adverse(nature, severity, text), Some(p)) => Adding::One(
                FollowupEvent::adverse(&p.adverse, nature.id(), severity, text)?,
            ),
            (other, _) => other,
        };
    let grave = match &adding {
        Adding::One(FollowupEvent::AdverseEvent { severity, .. }) => *severity == Severity::Grave,
        Adding::Call(_, answers) => {
            matches!(answers.adverse, Some(Adverse::Event(_, Severity::Grave)))
        }
        _ => false,
    };
    let mut ledger = cx.existing_ledger()?;
    // Find the act before asking for the PIN, so a typo costs no attempt.
    ledger.act(&a.act)?;
    let author = ledger.authenticate(&by, &pin, cx.now)?;
    let r = match (adding, protocol.as_ref()) {
        (Adding::Call(call, answers), Some(p)) => {
            let ids: Vec<&str> = call.iter().map(String::as_str).collect();
            ledger.record_call(p, &a.act, &author, &ids, &answers, cx.now)?
        }
        (Adding::One(event), _) => ledger.add_followup(&a.act, &author, event, cx.now)?,
        (Adding::Adverse(..), Some(_)) | (Adding::Call(..) | Adding::Adverse(..), None) => {
            return Err(Error::input("--call", "protocole introuvable"));
        }
    };
    writeln!(
        out,
        "Suivi ajouté à l'acte {} (entrée {}).",
        r.number, r.seq
    )
    .map_err(stdout_error)?;
    if grave && let Some(p) = &protocol {
        writeln!(
            out,
            "Événement grave : à déclarer. {}",
            p.adverse.declaration()
        )
        .map_err(stdout_error)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn due(cli: &Cli, a: &DueArgs, out: &mut dyn Write) -> Result<ExitCode> {
    let cx = Context::new(cli)?;
    let protocol = super::load_protocol(cli)?;
    let ledger = cx.existing_ledger()?;
    let today = cx.now.with_timezone(&chrono_tz::Europe::Paris).date_naive();
    let due = ledger.calls_due(&protocol, today)?;
    let text = if a.json {
        let mut s = serde_json::to_string_pretty(&serde_json::json!({
            "today": today,
            "planned": protocol.followup.is_some(),
            "calls": due,
        }))
        .map_err(|e| Error::input("json", e.to_string()))?;
        s.push('\n');
        s
    } else {
        human_due(&protocol, &due, today)
    };
    out.write_all(text.as_bytes()).map_err(stdout_error)?;
    Ok(ExitCode::SUCCESS)
}

fn human_due(protocol: &crate::protocol::Protocol, due: &[DueCall], today: NaiveDate) -> String {
    use std::fmt::Write as _;
    if protocol.followup.is_none() {
        return "Le protocole ne prévoit pas d'appel de suivi.\n".into();
    }
    let acts = by_act(due);
    if acts.is_empty() {
        return format!("Aucun appel à passer le {}.\n", crate::fr::date(today));
    }
    let mut s = format!(
        "{} à appeler le {} :\n",
        crate::fr::plural(acts.len() as u64, "patient", "patients"),
        crate::fr::date(today)
    );
    for calls in acts {
        let Some(c) = calls.first() else {
            continue;
        };
        let _ = writeln!(
            s,
            "\n{} · acte {} du {}",
            c.patient,
            c.act_number,
            crate::fr::date(c.act_day),
        );
        let _ = writeln!(
            s,
            "  Téléphone : {}",
            c.phone.as_deref().unwrap_or("non donné")
        );
        for d in calls {
            let late = match d.days_late(today) {
                0 => String::new(),
                1 => " — en retard d'un jour".into(),
                n => format!(" — en retard de {n} jours"),
            };
            let _ = writeln!(s, "  Appel « {} » : {}{late}", d.call, d.title);
            for q in &d.ask {
                let _ = writeln!(s, "    – {}", q.question());
            }
            if d.tries > 0 {
                let _ = writeln!(
                    s,
                    "    Déjà {} sans réponse (injoignable au {} essai).",
                    crate::fr::plural(u64::from(d.tries), "essai", "essais"),
                    crate::fr::ordinal(u64::from(d.attempts))
                );
            }
        }
    }
    s
}
