//! clap in French: its own words in help pages (« Usage: », « [default:
//! … ] ») and its errors (« unexpected argument »), which clap only writes
//! in English.

use std::error::Error as _;

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// The placeholders clap derives from our field names, in French. Applied
/// to every argument of the command tree once ([`placeholders`]), so that
/// help pages and errors say `--name <NOM>`, not `<NAME>`.
const PLACEHOLDERS: &[(&str, &str)] = &[
    ("NAME", "NOM"),
    ("ADDRESS", "ADRESSE"),
    ("POSTAL_CODE", "CODE_POSTAL"),
    ("PHONE", "TELEPHONE"),
    ("ROLE", "ROLE"),
    ("REASON", "MOTIF"),
    ("PAPER", "PAPIER"),
    ("KIND", "TYPE"),
    ("FILE", "FICHIER"),
    ("ACT", "ACTE"),
    ("BY", "RPPS"),
    ("TRAINED_ON", "AAAA-MM-JJ"),
    ("DATE", "AAAA-MM-JJ"),
    ("TEXT", "TEXTE"),
    ("SEVERITY", "GRAVITE"),
    ("SCORE", "NOTE"),
];

/// [`PLACEHOLDERS`] over `cmd` and all its subcommands.
pub fn placeholders(cmd: clap::Command) -> clap::Command {
    let renamed: Vec<(String, &str)> = cmd
        .get_arguments()
        .filter_map(|a| {
            let names = a.get_value_names()?;
            let [one] = names else { return None };
            PLACEHOLDERS
                .iter()
                .find(|(en, _)| one.as_str() == *en)
                .map(|(_, fr)| (a.get_id().to_string(), *fr))
        })
        .collect();
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    let cmd = renamed
        .into_iter()
        .fold(cmd, |c, (id, fr)| c.mut_arg(id, |a| a.value_name(fr)));
    subs.iter()
        .fold(cmd, |c, n| c.mut_subcommand(n, placeholders))
}

/// clap's fixed words in a rendered help page, and ours instead.
const HELP_WORDS: &[(&str, &str)] = &[
    ("Usage:", "Utilisation :"),
    ("Options:", "Options :"),
    ("Commands:", "Commandes :"),
    ("Commandes:", "Commandes :"),
    ("Arguments:", "Arguments :"),
    ("Possible values:", "Valeurs possibles :"),
    ("[possible values:", "[valeurs possibles :"),
    ("[default:", "[par défaut :"),
    ("[env:", "[variable d'environnement :"),
    ("[aliases:", "[autres noms :"),
    ("[alias:", "[autre nom :"),
    ("<COMMAND>", "<COMMANDE>"),
    ("[COMMAND]", "[COMMANDE]"),
    (
        "(see more with '--help')",
        "(plus de détails avec « --help »)",
    ),
    ("(see a summary with '-h')", "(résumé avec « -h »)"),
];

/// A help page (or a version line) with clap's words in French.
pub fn help(text: &str) -> String {
    let mut s = text.to_string();
    for (en, fr) in HELP_WORDS {
        s = s.replace(en, fr);
    }
    s
}

fn context(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join(", ")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(v) => Some(
            v.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ContextValue::Number(n) => Some(n.to_string()),
        ContextValue::Bool(b) => Some(b.to_string()),
        ContextValue::None => None,
        _ => None,
    }
}

fn quoted(list: &str) -> String {
    list.split(", ")
        .map(|v| format!("« {v} »"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A clap error in French: what is wrong, a suggestion when clap has one,
/// and the usage line.
pub fn error(e: &clap::Error) -> String {
    let arg = || context(e, ContextKind::InvalidArg).unwrap_or_default();
    let value = || context(e, ContextKind::InvalidValue).unwrap_or_default();
    let mut text = match e.kind() {
        ErrorKind::InvalidValue => {
            let mut t = if value().is_empty() {
                format!("une valeur est attendue après {}", arg())
            } else {
                format!(
                    "valeur « {} » invalide pour {}",
                    crate::text::quote(&value()),
                    arg()
                )
            };
            if let Some(valid) = context(e, ContextKind::ValidValue).filter(|v| !v.is_empty()) {
                t += &format!(" ; valeurs possibles : {}", quoted(&valid));
            }
            t
        }
        ErrorKind::UnknownArgument => {
            format!("option inconnue « {} »", crate::text::quote(&arg()))
        }
        ErrorKind::InvalidSubcommand => format!(
            "commande inconnue « {} »",
            crate::text::quote(&context(e, ContextKind::InvalidSubcommand).unwrap_or_default())
        ),
        ErrorKind::MissingRequiredArgument => {
            format!("il manque : {}", arg().replace(", ", " ; "))
        }
        ErrorKind::MissingSubcommand => "il manque la commande à exécuter".to_string(),
        ErrorKind::ArgumentConflict => format!(
            "{} ne peut pas s'employer avec {}",
            arg(),
            context(e, ContextKind::PriorArg).unwrap_or_else(|| "une autre option".into())
        ),
        ErrorKind::ValueValidation => {
            let why = e
                .source()
                .map(|s| s.to_string())
                .unwrap_or_else(|| "valeur refusée".into());
            format!(
                "valeur « {} » invalide pour {} : {why}",
                crate::text::quote(&value()),
                arg()
            )
        }
        ErrorKind::TooManyValues => format!(
            "trop de valeurs pour {} (« {} » en trop)",
            arg(),
            crate::text::quote(&value())
        ),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("nombre de valeurs incorrect pour {}", arg())
        }
        ErrorKind::NoEquals => format!("{} s'écrit avec « = » : {}=VALEUR", arg(), arg()),
        ErrorKind::InvalidUtf8 => "un argument n'est pas du texte (UTF-8) : retapez-le".to_string(),
        _ => "ligne de commande incorrecte".to_string(),
    };
    if let Some(s) = context(e, ContextKind::SuggestedArg)
        .or_else(|| context(e, ContextKind::SuggestedSubcommand))
        .or_else(|| context(e, ContextKind::SuggestedValue))
    {
        text += &format!(" — vouliez-vous dire « {s} » ?");
    }
    let mut out = format!("erreur : {text}\n");
    if let Some(usage) = context(e, ContextKind::Usage) {
        out += &format!("\n{}\n", help(&usage));
    }
    out += "\nPour en savoir plus : ajoutez --help\n";
    out
}
