//! `[advice]`, `[territory]` and `[[delegants]]`.

use super::*;

pub(super) fn build_advice(cx: &mut Cx, raw: &RawProtocol, scope: &Scope) -> Option<Advice> {
    let Some(a) = &raw.advice else {
        missing(
            cx,
            "advice",
            "title, intro, sources et des [[advice.sections]]",
        );
        return None;
    };
    let a = a.get_ref();
    let sections = a
        .sections
        .iter()
        .map(|s| {
            let s = s.get_ref();
            if s.items.get_ref().is_empty() {
                cx.err(
                    s.items.span(),
                    "section de conseils vide",
                    Some("ajoutez au moins un conseil dans « items »".into()),
                );
            }
            if let Some(items) = &s.items_parent
                && items.get_ref().is_empty()
            {
                cx.err(
                    items.span(),
                    "section de conseils pour le parent vide",
                    Some("ajoutez au moins un conseil dans « items_parent », ou retirez-le".into()),
                );
            }
            AdviceSection {
                title: cx.text(&s.title, "le titre de la section"),
                when: s.when.as_ref().and_then(|w| cx.condition(w, scope)),
                emergency: s.emergency,
                items: s
                    .items
                    .get_ref()
                    .iter()
                    .map(|i| cx.text(i, "un conseil"))
                    .collect(),
                title_parent: s
                    .title_parent
                    .as_ref()
                    .map(|t| cx.text(t, "le titre de la section pour le parent")),
                items_parent: s.items_parent.as_ref().map(|items| {
                    items
                        .get_ref()
                        .iter()
                        .map(|i| cx.text(i, "un conseil pour le parent"))
                        .collect()
                }),
            }
        })
        .collect();
    Some(Advice {
        title: cx.text(&a.title, "le titre de la fiche conseil"),
        intro: cx.text(&a.intro, "l'introduction de la fiche conseil"),
        intro_parent: a
            .intro_parent
            .as_ref()
            .map(|t| cx.text(t, "l'introduction de la fiche conseil pour le parent")),
        sources: cx.text(&a.sources, "les sources de la fiche conseil"),
        sections,
    })
}

pub(super) fn build_territory(cx: &mut Cx, raw: &RawProtocol) -> Option<Territory> {
    let Some(t) = &raw.territory else {
        missing(
            cx,
            "territory",
            "communes = [{ name = \"Melle\", postal_code = \"79500\" }]",
        );
        return None;
    };
    let t = t.get_ref();
    let mut communes = Vec::new();
    let mut postal_codes = BTreeSet::new();
    for c in &t.communes {
        let c = c.get_ref();
        let code = c.postal_code.get_ref().trim().to_string();
        if !postal_code_valid(&code) {
            cx.err(
                c.postal_code.span(),
                format!("code postal « {code} » invalide"),
                Some("un code postal a cinq chiffres".into()),
            );
        }
        postal_codes.insert(code.clone());
        communes.push(Commune {
            name: cx.text(&c.name, "le nom de la commune"),
            postal_code: code,
        });
    }
    if communes.is_empty() {
        cx.err(
            0..0,
            "le territoire ne liste aucune commune",
            Some("ajoutez les communes et codes postaux de la CPTS".into()),
        );
    }
    Some(Territory {
        sample: t.sample,
        note: cx.opt_text(&t.note, "la note du territoire"),
        communes,
        postal_codes,
    })
}

pub(super) fn build_delegants(cx: &mut Cx, raw: &RawProtocol) -> Vec<ListedDelegant> {
    let mut seen = BTreeSet::new();
    raw.delegants
        .iter()
        .filter_map(|d| {
            let d = d.get_ref();
            let name = cx.text(&d.name, "le nom du délégant");
            let rpps = match Rpps::parse(d.rpps.get_ref()) {
                Ok(r) => r,
                Err(p) => {
                    cx.err(
                        d.rpps.span(),
                        format!("RPPS du délégant « {name} » invalide : {p}"),
                        None,
                    );
                    return None;
                }
            };
            if !seen.insert(rpps.clone()) {
                cx.err(
                    d.rpps.span(),
                    format!("RPPS {rpps} en double dans la liste des délégants"),
                    None,
                );
            }
            Some(ListedDelegant {
                name,
                rpps,
                example: d.example,
            })
        })
        .collect()
}
