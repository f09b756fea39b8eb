//! The `[validation]` block: who validated, and whether it still matches.

use super::*;

pub(super) fn build_validation(cx: &mut Cx, raw: &RawProtocol) -> ValidationStatus {
    let Some(v) = &raw.validation else {
        return ValidationStatus::Draft;
    };
    let span = v.span();
    let v = v.get_ref();
    let rpps = Rpps::parse(v.rpps.get_ref())
        .map_err(|p| {
            cx.err(
                v.rpps.span(),
                format!("RPPS de validation invalide : {p}"),
                None,
            )
        })
        .ok();
    let date = v.date.get_ref();
    let date = match (date.date, date.time) {
        (Some(d), None) => {
            chrono::NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
        }
        _ => None,
    };
    if date.is_none() {
        cx.err(
            v.date.span(),
            "date de validation invalide",
            Some("écrivez une date sans heure : date = 2026-11-20".into()),
        );
    }
    let hash = v.content_sha256.get_ref().trim().to_ascii_lowercase();
    if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        cx.err(
            v.content_sha256.span(),
            "empreinte content_sha256 invalide (64 caractères hexadécimaux attendus)",
            Some(
                "ne modifiez pas ce bloc à la main : utilisez « protocoop protocol validate »"
                    .into(),
            ),
        );
    }
    let by = cx.text(&v.by, "le nom du délégant validateur");
    match validation::block_start(cx.text) {
        None => cx.err(
            span,
            "la validation doit être une section [validation] sur sa propre ligne",
            Some("utilisez « protocoop protocol validate » pour l'écrire".into()),
        ),
        Some(start) => {
            let after = cx.text.get(start..).unwrap_or("");
            if after
                .lines()
                .skip(1)
                .any(|l| l.trim_start().starts_with('['))
            {
                cx.err(
                    span,
                    "la section [validation] doit être la dernière du fichier",
                    Some(
                        "déplacez les sections qui la suivent au-dessus, puis faites revalider"
                            .into(),
                    ),
                );
            }
        }
    }
    let (Some(rpps), Some(date)) = (rpps, date) else {
        return ValidationStatus::Draft;
    };
    let validation = Validation {
        by,
        rpps,
        date,
        content_sha256: hash.clone(),
    };
    if sha256_hex(validation::content(cx.text).as_bytes()) == hash {
        ValidationStatus::Validated(validation)
    } else {
        ValidationStatus::Stale(validation)
    }
}
