//! `[[substances]]` and `[[medicines]]`: regimens, caps and their consistency.

use super::*;

pub(super) fn build_substances(cx: &mut Cx, raw: &RawProtocol) -> Vec<Substance> {
    let mut seen = BTreeMap::new();
    raw.substances
        .iter()
        .map(|s| {
            let s = s.get_ref();
            cx.unique(&mut seen, &s.id, "substance");
            Substance {
                id: s.id.get_ref().trim().to_string(),
                name: cx.text(&s.name, "le nom de la substance"),
                unit: unit(cx, &s.unit),
                max_per_day: cx.count(&s.max_per_day, "le maximum par jour de la substance", 1),
                max_per_day_per_kg: s
                    .max_per_day_per_kg
                    .as_ref()
                    .map(|n| cx.positive(n, "le maximum par kg et par jour")),
            }
        })
        .collect()
}

pub(super) fn unit(cx: &mut Cx, s: &S<String>) -> Unit {
    Unit::parse(s.get_ref()).unwrap_or_else(|| {
        cx.err(
            s.span(),
            format!("unité inconnue « {} »", s.get_ref()),
            Some("unités possibles : mg, comprimé, mL".into()),
        );
        Unit::Mg
    })
}

pub(super) fn build_medicines(
    cx: &mut Cx,
    raw: &RawProtocol,
    scope: &Scope,
    substances: &[Substance],
) -> (Vec<Medicine>, Vec<Range<usize>>) {
    let mut seen = BTreeMap::new();
    let ids: Vec<String> = raw
        .medicines
        .iter()
        .map(|m| m.get_ref().id.get_ref().trim().to_string())
        .collect();
    let mut out = Vec::new();
    let mut spans = Vec::new();
    for m in &raw.medicines {
        spans.push(m.get_ref().id.span());
        let m = m.get_ref();
        cx.unique(&mut seen, &m.id, "médicament");
        let id = m.id.get_ref().trim().to_string();
        let line_unit = unit(cx, &m.unit);

        let mut contains = Vec::new();
        if m.contains.get_ref().is_empty() {
            cx.err(
                m.contains.span(),
                format!("la ligne « {id} » ne dit pas ce qu'elle contient"),
                Some("contains = { paracetamol = 1 }".into()),
            );
        }
        for (name, amount) in m.contains.get_ref() {
            let amount_v = cx.count(amount, &format!("la teneur en {name}"), 1);
            match substances.iter().position(|s| &s.id == name) {
                Some(i) => contains.push((SubstanceId(i as u16), amount_v)),
                None => {
                    let names: Vec<&str> = substances.iter().map(|s| s.id.as_str()).collect();
                    cx.err(
                        amount.span(),
                        format!("substance inconnue « {name} » dans la ligne « {id} »"),
                        Some(match expr::closest(name, &names) {
                            Some(b) => format!("vouliez-vous dire « {b} » ?"),
                            None => "déclarez-la dans une section [[substances]]".into(),
                        }),
                    );
                }
            }
        }

        let when = cx.condition(&m.when, scope);
        let adult = match &m.adult {
            Some(a) => {
                let span = a.span();
                let a = a.get_ref();
                let r = AdultRegimen {
                    per_dose_min: a
                        .per_dose_min
                        .as_ref()
                        .map(|n| cx.count(n, "per_dose_min", 1)),
                    per_dose: cx.count(&a.per_dose, "per_dose", 1),
                    max_per_day: cx.count(&a.max_per_day, "max_per_day", 1),
                    days: cx.count(&a.days, "days", 1),
                };
                Some((r, span))
            }
            None => {
                cx.err(
                    m.id.span(),
                    format!("la ligne « {id} » n'a pas de posologie [medicines.adult]"),
                    Some("ajoutez per_dose, max_per_day et days".into()),
                );
                None
            }
        };
        let by_weight = m.by_weight.as_ref().map(|w| {
            let span = w.span();
            let w = w.get_ref();
            (
                WeightRegimen {
                    per_dose_per_kg: cx.positive(&w.per_dose_per_kg, "per_dose_per_kg"),
                    max_per_day_per_kg: cx.positive(&w.max_per_day_per_kg, "max_per_day_per_kg"),
                    days: cx.count(&w.days, "days", 1),
                    step: w.step.as_ref().map_or(1, |s| cx.count(s, "step", 1)),
                },
                span,
            )
        });
        if m.weight_independent && by_weight.is_some() {
            cx.err(
                m.id.span(),
                format!(
                    "la ligne « {id} » est « weight_independent » mais a une posologie au poids"
                ),
                Some("gardez l'un ou l'autre".into()),
            );
        }
        let caps = match &m.caps {
            Some(c) => {
                let span = c.span();
                let c = c.get_ref();
                let need = |cx: &mut Cx, v: &Option<S<i64>>, name: &str| match v {
                    Some(n) => cx.count(n, name, 1),
                    None => {
                        cx.err(
                            span.clone(),
                            format!("plafond « {name} » manquant pour la ligne « {id} »"),
                            Some(
                                "chaque ligne a un plafond par prise, par jour et de durée".into(),
                            ),
                        );
                        0
                    }
                };
                let caps = Caps {
                    max_per_dose: need(cx, &c.max_per_dose, "max_per_dose"),
                    max_per_day: need(cx, &c.max_per_day, "max_per_day"),
                    max_days: need(cx, &c.max_days, "max_days"),
                    max_per_dose_per_kg: c
                        .max_per_dose_per_kg
                        .as_ref()
                        .map(|n| cx.positive(n, "max_per_dose_per_kg")),
                    max_per_day_per_kg: c
                        .max_per_day_per_kg
                        .as_ref()
                        .map(|n| cx.positive(n, "max_per_day_per_kg")),
                };
                if by_weight.is_some()
                    && (caps.max_per_dose_per_kg.is_none() || caps.max_per_day_per_kg.is_none())
                {
                    cx.err(
                        span.clone(),
                        format!("la ligne « {id} » a une posologie au poids sans plafonds par kg"),
                        Some("ajoutez max_per_dose_per_kg et max_per_day_per_kg dans [medicines.caps]".into()),
                    );
                }
                Some((caps, span))
            }
            None => {
                cx.err(
                    m.id.span(),
                    format!("la ligne « {id} » n'a pas de plafonds [medicines.caps]"),
                    Some(
                        "ajoutez max_per_dose, max_per_day et max_days : aucune ligne sans plafond"
                            .into(),
                    ),
                );
                None
            }
        };
        if let (Some((a, a_span)), Some((c, c_span))) = (&adult, &caps) {
            check_consistency(
                cx,
                &id,
                a,
                a_span,
                by_weight.as_ref(),
                c,
                c_span,
                &contains,
                substances,
            );
        }
        let replaces = m.replaces.as_ref().and_then(|r| {
            let target = r.get_ref().trim();
            if target == id {
                cx.err(r.span(), format!("la ligne « {id} » se remplace elle-même"), None);
                return None;
            }
            let i = find(cx, r, ids.iter().map(String::as_str), "ligne")?;
            if !m.optional {
                cx.err(
                    r.span(),
                    format!("la ligne « {id} » remplace « {target} » mais n'est pas facultative"),
                    Some("une ligne de remplacement est un choix du délégué : ajoutez optional = true".into()),
                );
            }
            Some(MedicineId(i as u16))
        });
        let mut names = BTreeSet::new();
        let presentations = m
            .presentations
            .iter()
            .map(|raw| {
                let p = presentation(cx, &id, line_unit, raw)?;
                // An act names its presentation by form and label: two
                // alike could not be told apart.
                if !names.insert(Presentation::key(&p.name())) {
                    cx.err(
                        raw.span(),
                        format!("la ligne « {id} » a deux présentations « {} »", p.name()),
                        Some("donnez à chacune une forme ou un libellé différent (« comprimé 500 mg, boîte de 100 »)".into()),
                    );
                }
                Some(p)
            })
            .collect::<Vec<_>>();
        if let (Some(when), Some((adult, _)), Some((caps, _))) = (when, adult, caps) {
            out.push(Medicine {
                id,
                dci: cx.text(&m.dci, "la DCI"),
                class: cx.text(&m.class, "la classe"),
                strength: cx.text(&m.strength, "le dosage"),
                form: cx.text(&m.form, "la forme"),
                unit: line_unit,
                contains,
                optional: m.optional,
                replaces,
                secure_prescription: m.secure_prescription,
                weight_independent: m.weight_independent,
                when,
                frequency: cx.text(&m.frequency, "la fréquence"),
                advice: cx.text(&m.advice, "le conseil au patient"),
                source: cx.opt_text(&m.source, "la source"),
                adult,
                by_weight: by_weight.map(|(w, _)| w),
                caps,
                presentations: presentations.into_iter().flatten().collect(),
            });
        }
    }
    // Never two lines with the same substance, unless one replaces the other.
    for (i, a) in out.iter().enumerate() {
        for b in &out[i + 1..] {
            let shared = a
                .contains
                .iter()
                .find(|(s, _)| b.contains.iter().any(|(t, _)| t == s));
            let linked = a.replaces.is_some_and(|r| out[usize::from(r.0)].id == b.id)
                || b.replaces.is_some_and(|r| out[usize::from(r.0)].id == a.id);
            if let (Some((s, _)), false) = (shared, linked) {
                let span = raw
                    .medicines
                    .iter()
                    .find(|m| m.get_ref().id.get_ref().trim() == b.id)
                    .map_or(0..0, |m| m.get_ref().id.span());
                cx.err(
                    span,
                    format!("les lignes « {} » et « {} » contiennent toutes deux du {}", a.id, b.id, substances[usize::from(s.0)].name),
                    Some(format!("deux lignes d'une même substance ne doivent jamais être prescrites ensemble : ajoutez replaces = \"{}\" à « {} »", a.id, b.id)),
                );
            }
        }
    }
    (out, spans)
}

/// One presentation of the line `id`: sizes positive, the step a part of a
/// unit (or whole units), the pack a whole number of steps, and a strength
/// of 1 when the line is already counted in what is given.
fn presentation(
    cx: &mut Cx,
    id: &str,
    line_unit: Unit,
    raw: &S<RawPresentation>,
) -> Option<Presentation> {
    let span = raw.span();
    let p = raw.get_ref();
    let before = cx.error_count();
    let strength = cx.count(&p.strength, "strength", 1);
    if line_unit != Unit::Mg && strength != 1 {
        cx.err(
            p.strength.span(),
            format!(
                "ligne « {id} » : elle est comptée en {line_unit}, une présentation en donne donc 1 par unité (strength = 1), pas {strength}"
            ),
            Some("strength est la quantité de l'unité de la ligne dans une unité donnée".into()),
        );
    }
    let step = match &p.step {
        Some(n) => cx.positive(n, "step"),
        None => Fixed::from_int(1),
    };
    let whole = Fixed::SCALE;
    let divides = step.0 > 0 && (whole % step.0 == 0 || step.0 % whole == 0);
    if step.0 > 0 && !divides {
        let at = p.step.as_ref().map_or(span.clone(), |s| s.span());
        cx.err(
            at,
            format!(
                "ligne « {id} » : le pas {} ne partage pas une unité",
                step.to_f64()
            ),
            Some("step = 1 (entier), 0.5 (moitié d'un comprimé sécable, 0,5 mL), 0.25…".into()),
        );
    }
    let pack = cx.count(&p.pack, "pack", 1);
    if step.0 > 0 && (i64::from(pack) * whole) % step.0 != 0 {
        cx.err(
            p.pack.span(),
            format!(
                "ligne « {id} » : une boîte de {pack} n'est pas un nombre entier de pas de {}",
                step.to_f64()
            ),
            None,
        );
    }
    let unit = cx.text(&p.unit, "l'unité donnée");
    let units = match &p.units {
        Some(u) => cx.text(u, "l'unité donnée au pluriel"),
        None => unit.clone(),
    };
    let out = Presentation {
        form: cx.text(&p.form, "la forme"),
        label: cx.text(&p.label, "le dosage"),
        unit,
        units,
        strength,
        step,
        pack,
        pack_name: cx.text(&p.pack_name, "le nom du conditionnement"),
    };
    (cx.error_count() == before).then_some(out)
}

#[allow(clippy::too_many_arguments)]
pub(super) fn check_consistency(
    cx: &mut Cx,
    id: &str,
    a: &AdultRegimen,
    a_span: &Range<usize>,
    w: Option<&(WeightRegimen, Range<usize>)>,
    c: &Caps,
    c_span: &Range<usize>,
    contains: &[(SubstanceId, u32)],
    substances: &[Substance],
) {
    let over = |cx: &mut Cx, span: &Range<usize>, what: String, fix: String| {
        cx.err(span.clone(), format!("ligne « {id} » : {what}"), Some(fix));
    };
    if a.per_dose > c.max_per_dose {
        over(
            cx,
            a_span,
            format!(
                "la dose adulte par prise ({}) dépasse le plafond max_per_dose ({})",
                a.per_dose, c.max_per_dose
            ),
            "baissez per_dose ou relevez le plafond (après avis du délégant)".into(),
        );
    }
    if a.max_per_day > c.max_per_day {
        over(
            cx,
            a_span,
            format!(
                "le maximum adulte par jour ({}) dépasse le plafond max_per_day ({})",
                a.max_per_day, c.max_per_day
            ),
            "baissez max_per_day ou relevez le plafond (après avis du délégant)".into(),
        );
    }
    if a.per_dose > a.max_per_day {
        over(
            cx,
            a_span,
            format!(
                "la dose par prise ({}) dépasse le maximum par jour ({})",
                a.per_dose, a.max_per_day
            ),
            "une prise ne peut pas dépasser la dose quotidienne".into(),
        );
    }
    if let Some(min) = a.per_dose_min
        && min > a.per_dose
    {
        over(
            cx,
            a_span,
            format!("per_dose_min ({min}) dépasse per_dose ({})", a.per_dose),
            "per_dose_min est la plus petite dose par prise".into(),
        );
    }
    if a.days > c.max_days {
        over(
            cx,
            a_span,
            format!(
                "la durée adulte ({} jours) dépasse max_days ({})",
                a.days, c.max_days
            ),
            "raccourcissez la durée ou relevez max_days".into(),
        );
    }
    if c.max_per_dose > c.max_per_day {
        over(
            cx,
            c_span,
            format!(
                "le plafond par prise ({}) dépasse le plafond par jour ({})",
                c.max_per_dose, c.max_per_day
            ),
            "corrigez les plafonds".into(),
        );
    }
    if let Some((w, w_span)) = w {
        if let Some(cap) = c.max_per_dose_per_kg
            && w.per_dose_per_kg > cap
        {
            over(
                cx,
                w_span,
                format!(
                    "la dose par kg ({}) dépasse le plafond max_per_dose_per_kg ({cap})",
                    w.per_dose_per_kg
                ),
                "baissez per_dose_per_kg ou relevez le plafond".into(),
            );
        }
        if let Some(cap) = c.max_per_day_per_kg
            && w.max_per_day_per_kg > cap
        {
            over(
                cx,
                w_span,
                format!(
                    "le maximum par kg et par jour ({}) dépasse le plafond max_per_day_per_kg ({cap})",
                    w.max_per_day_per_kg
                ),
                "baissez max_per_day_per_kg ou relevez le plafond".into(),
            );
        }
        if w.per_dose_per_kg > w.max_per_day_per_kg {
            over(
                cx,
                w_span,
                "la dose par kg et par prise dépasse le maximum par kg et par jour".into(),
                "corrigez la posologie au poids".into(),
            );
        }
        if w.days > c.max_days {
            over(
                cx,
                w_span,
                format!(
                    "la durée au poids ({} jours) dépasse max_days ({})",
                    w.days, c.max_days
                ),
                "raccourcissez la durée ou relevez max_days".into(),
            );
        }
    }
    for &(s, per_unit) in contains {
        let sub = &substances[usize::from(s.0)];
        let daily = u64::from(c.max_per_day) * u64::from(per_unit);
        if daily > u64::from(sub.max_per_day) {
            over(
                cx,
                c_span,
                format!(
                    "au plafond par jour, la ligne apporte {daily} {} de {} : plus que le maximum de la substance ({} {})",
                    sub.unit, sub.name, sub.max_per_day, sub.unit
                ),
                "baissez max_per_day de la ligne".into(),
            );
        }
        if let (Some(line_kg), Some(sub_kg)) = (c.max_per_day_per_kg, sub.max_per_day_per_kg)
            && i128::from(line_kg.0) * i128::from(per_unit) > i128::from(sub_kg.0)
        {
            over(
                cx,
                c_span,
                format!(
                    "au plafond par kg, la ligne dépasse le maximum par kg et par jour de {} ({sub_kg} {}/kg)",
                    sub.name, sub.unit
                ),
                "baissez max_per_day_per_kg de la ligne".into(),
            );
        }
    }
}
