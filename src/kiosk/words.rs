//! The kiosk's wording of errors: what the person at the counter can do
//! about them, in the kiosk's own terms (« dans les Réglages »), never a
//! command line, an option or a file of the data folder.

use crate::error::{Error, Refusal};
use crate::fr;

/// The sentence shown for an error, without the CLI's « refusé : » prefix
/// doubling what the screen already says.
pub fn error(e: &Error) -> String {
    let text = match e {
        Error::Refused(r) => refusal(r),
        Error::Io { action, source, .. } => format!("{action} : {}", fr::io_error(source)),
        Error::ReadOnly(_) => {
            "le dossier de données est en lecture seule : rien n'a été enregistré. Prévenez la personne qui s'occupe de l'appareil.".into()
        }
        Error::NoDataDir(_) => {
            "le dossier de données de l'appareil est introuvable : rien n'a été enregistré. Prévenez la personne qui s'occupe de l'appareil.".into()
        }
        Error::Input { field, message } => format!("{} : {message}", label(field)),
        Error::Protocol(p) => format!(
            "le protocole ne peut pas être lu ({} erreur{}) : prévenez la coordination de la CPTS",
            p.diagnostics.len(),
            if p.diagnostics.len() > 1 { "s" } else { "" }
        ),
        other => other.to_string(),
    };
    fr::capitalised(&text)
}

/// The core names fields by id (`patient.weight_kg`, `delegue.name`); the
/// kiosk says the words on screen.
fn label(field: &str) -> &str {
    match field {
        "patient.last_name" => "nom",
        "patient.first_name" => "prénom",
        "patient.birth_date" => "date de naissance",
        "patient.sex" => "sexe",
        "patient.weight_kg" | "weight_kg" => "poids",
        "patient.postal_code" => "code postal",
        "patient.phone" => "téléphone",
        "structure.name" => "nom de la structure",
        "structure.address" => "adresse de la structure",
        "structure.postal_code" => "code postal de la structure",
        "structure.phone" => "téléphone de la structure",
        "structure.finess" => "numéro FINESS",
        "delegue.name" => "nom du délégué",
        "delegue.rpps" => "RPPS du délégué",
        "delegue.trained_on" => "date de formation",
        "delegue.pin" => "code PIN",
        "delegant.name" => "nom du délégant",
        "delegant.rpps" => "RPPS du délégant",
        "delegant.address" => "adresse du délégant",
        "delegant.phone" => "téléphone du délégant",
        "followup.reason" => "motif",
        "followup.text" => "texte",
        "followup.score" => "note",
        "followup.pain" => "douleur",
        "followup.appointment" => "rendez-vous",
        "appointment" => "rendez-vous",
        "pain" => "douleur",
        "satisfaction" => "satisfaction",
        "adverse_event" => "effet indésirable",
        other => other,
    }
}

fn refusal(r: &Refusal) -> String {
    match r {
        Refusal::UnknownDelegue(_) => {
            "ce délégué n'est pas enregistré sur cet appareil : ajoutez-le dans les Réglages".into()
        }
        Refusal::UnknownDelegant(_) => {
            "aucun délégant enregistré sur cet appareil : ajoutez-en un dans les Réglages".into()
        }
        Refusal::NoStructure => {
            "renseignez d'abord la pharmacie ou le cabinet dans les Réglages".into()
        }
        Refusal::EarlierMonthOpen { earlier, month } => {
            let name = |m: &str| {
                m.parse::<crate::calendar::Month>()
                    .map_or(m.to_string(), |m| m.name_fr())
            };
            format!(
                "{} compte des actes et n'est pas encore clôturé : ouvrez d'abord {} ici et clôturez-le, puis {}",
                name(earlier),
                name(earlier),
                name(month)
            )
        }
        Refusal::OtherProtocol {
            document,
            number,
            version,
            ..
        } => format!(
            "l'acte {number} a été fait avec une autre version du protocole ({version}) : {document} ne peut pas être imprimé(e) sur cet appareil ; demandez-le à la coordination de la CPTS"
        ),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// Nothing the kiosk says names a command, an option or a file.
    #[test]
    fn no_command_line_and_no_file_on_screen() {
        let errors = [
            Error::Refused(Refusal::UnknownDelegant("aucun".into())),
            Error::Refused(Refusal::UnknownDelegue("10005173140".into())),
            Error::Refused(Refusal::NoStructure),
            Error::Refused(Refusal::OtherProtocol {
                document: "sa fiche conseil",
                number: "2026-0001".into(),
                name: "Urgences dentaires".into(),
                version: "2026.0".into(),
                fingerprint: "5a23f3c71b2c".into(),
            }),
            Error::Refused(Refusal::DocumentMismatch {
                document: "ordonnance".into(),
                number: "2026-0001".into(),
            }),
            Error::Refused(Refusal::EarlierMonthOpen {
                earlier: "2026-10".into(),
                month: "2026-11".into(),
            }),
            Error::ReadOnly(PathBuf::from("/var/lib/protocoop")),
            Error::NoDataDir(PathBuf::from("/var/lib/protocoop")),
            Error::io(
                "impossible d'écrire",
                "/var/lib/protocoop/documents/ordonnance-2026-0001.pdf",
                std::io::Error::from(std::io::ErrorKind::StorageFull),
            ),
            Error::DiskFull,
            Error::input("followup.reason", "le motif d'annulation est obligatoire"),
        ];
        for e in errors {
            let text = error(&e);
            for forbidden in ["protocoop ", "--", ".pdf", ".toml", ".sqlite", "/var/"] {
                assert!(!text.contains(forbidden), "{text}");
            }
            assert!(
                text.chars().next().is_some_and(char::is_uppercase),
                "{text}"
            );
        }
    }
}
