//! The window's wording of errors and import outcomes: the coordinator's
//! terms, never a command line or an option.

use crate::cpts::import::{Continuity, ImportProblem};
use crate::error::{Error, Refusal};
use crate::fr;

pub fn error(e: &Error) -> String {
    let text = match e {
        Error::Input { field, message } => format!("{} : {message}", label(field)),
        Error::Refused(Refusal::CptsExists { .. }) => {
            "une CPTS existe déjà dans ce dossier".to_string()
        }
        Error::Io { action, source, .. } => format!("{action} : {}", fr::io_error(source)),
        other => other.to_string(),
    };
    fr::capitalised(&text)
}

fn label(field: &str) -> &str {
    match field {
        "--name" => "nom",
        "--rpps" => "RPPS",
        "--key" => "clé de l'appareil",
        "--trained-on" => "date de formation",
        "--address" => "adresse",
        "--phone" => "téléphone",
        "--iban" | "--debtor-iban" => "IBAN",
        "--debtor-name" => "titulaire du compte",
        "--bic" | "--debtor-bic" => "BIC",
        "--month" => "mois",
        "--format" => "paiements",
        "--out" => "dossier",
        other => other.trim_start_matches('-'),
    }
}

pub fn problem(p: &ImportProblem) -> String {
    match p {
        ImportProblem::UnknownDevice { device_id, .. } => format!(
            "refusé : signé par un appareil ({device_id}) que la CPTS n'a pas enregistré — enregistrez-le d'abord s'il est bien le vôtre"
        ),
        ImportProblem::Duplicate {
            source,
            imported_at,
        } => {
            let when = chrono::DateTime::parse_from_rfc3339(imported_at)
                .map_or(imported_at.clone(), |t| {
                    fr::datetime(t.with_timezone(&chrono::Utc))
                });
            format!("déjà importé le {when} (depuis « {source} ») : rien n'a été ajouté")
        }
        other => other.to_string(),
    }
}

pub fn continuity(c: &Continuity) -> String {
    match c {
        Continuity::Unsigned => "NON SIGNÉ : rapport d'une ancienne version de protocoop, hors de la liste de paiement tant qu'il n'est pas confirmé".to_string(),
        other => other.to_string(),
    }
}
