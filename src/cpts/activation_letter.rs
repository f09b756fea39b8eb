//! The activation letter: what the CPTS hands a délégué with the one-time
//! code that lets them choose a PIN on a device (`cpts delegue add|reset
//! --letter`, and « Enregistrer la lettre » in the coordinator's window).
//!
//! The code is a secret until it is used once: the letter is only ever
//! written where the coordinator chose, owner-only, and says to destroy it.

use chrono::{DateTime, Utc};

use super::registry::Delegue;
use crate::documents::layout::{Doc, Ink, Paper, Style};
use crate::fr;

const TITLE: Style = Style::new(16.0).bold();
const BODY: Style = Style::new(11.0);
const CODE: Style = Style::new(24.0).bold();

/// Why the letter is written: a first code, or a new one replacing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Enrolled,
    NewCode,
}

/// The letter for `d`, from the CPTS `cpts`, with `code`.
pub fn render(cpts: &str, d: &Delegue, code: &str, reason: Reason, now: DateTime<Utc>) -> Vec<u8> {
    let mut doc = Doc::new(
        "Lettre d'activation",
        Paper::A4,
        &format!("{cpts} — lettre d'activation — à détruire après la première connexion"),
        None,
    );
    doc.paragraph(cpts, BODY.bold());
    doc.paragraph(&format!("Le {}", fr::day_of(now)), BODY);
    doc.space(6.0);
    doc.paragraph(
        &format!("{} — {} — RPPS {}", d.name, d.profession.as_str(), d.rpps),
        BODY.bold(),
    );
    doc.space(6.0);
    doc.paragraph("Votre code d'activation protocoop", TITLE);
    doc.space(2.0);
    let intro = match reason {
        Reason::Enrolled => format!(
            "Formé(e) au protocole de coopération le {}, vous êtes enregistré(e) comme délégué(e) de la CPTS. \
             Ce code vous permet de choisir votre code PIN sur les appareils de la CPTS.",
            fr::date(d.trained_on)
        ),
        Reason::NewCode => "Voici un nouveau code, à la place du précédent (code PIN oublié ou compte bloqué). \
             L'ancien code et l'ancien code PIN ne valent plus une fois l'appareil mis à jour par la CPTS."
            .to_string(),
    };
    doc.paragraph(&intro, BODY);
    doc.space(6.0);
    let top = doc.y;
    doc.rect(doc.margin, top, doc.text_width(), 16.0, Ink::Grey, false);
    doc.y = top + 4.0;
    doc.put(doc.margin + 6.0, code, CODE);
    doc.y = top + 20.0;
    doc.paragraph("Pour l'utiliser :", BODY.bold());
    for step in [
        "Sur l'appareil, touchez « Qui êtes-vous ? », puis votre nom.",
        "Tapez ce code d'activation, puis choisissez votre code PIN (6 chiffres au moins, ni suite ni motif répété).",
        "Le code ne sert qu'une fois. Il n'est accepté que sur un appareil mis à jour par la CPTS depuis cette lettre ; sinon, demandez la mise à jour à la CPTS.",
        "Une fois votre code PIN choisi, détruisez cette lettre. Ne confiez ni ce code ni votre code PIN à personne.",
    ] {
        doc.bullet(step, BODY);
    }
    doc.finish()
}

/// `activation-12345678901.pdf`.
pub fn file_name(d: &Delegue) -> String {
    format!("activation-{}.pdf", d.rpps)
}

/// The letter of the délégué `rpps` just given `code`, with the CPTS's
/// name from its folder `dir`: what the CLI and the window both write.
pub fn of_delegue(
    dir: &std::path::Path,
    db: &super::CptsDb,
    rpps: &crate::ids::Rpps,
    code: &str,
    reason: Reason,
    now: DateTime<Utc>,
) -> crate::error::Result<(String, Vec<u8>)> {
    let cpts = super::authority::identity(dir)?
        .map(|i| i.name)
        .unwrap_or_else(|| "CPTS".to_string());
    let st = db.state()?;
    let d = st
        .delegues
        .iter()
        .find(|d| d.rpps == *rpps)
        .ok_or_else(|| crate::error::Error::input("rpps", format!("délégué {rpps} inconnu")))?;
    Ok((file_name(d), render(&cpts, d, code, reason, now)))
}
