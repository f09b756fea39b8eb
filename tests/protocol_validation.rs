//! Malformed protocol files: each is refused with a message that says what
//! is wrong, where (line and column), and how to fix it.

use protocoop::Error;
use protocoop::error::Diagnostic;
use protocoop::protocol::{BUNDLED_TEXT, Protocol, ValidationStatus};

/// The bundled protocol with `from` replaced by `to` (exactly once).
fn mutate(from: &str, to: &str) -> String {
    assert_eq!(
        BUNDLED_TEXT.matches(from).count(),
        1,
        "ambiguous or missing: {from:?}"
    );
    BUNDLED_TEXT.replacen(from, to, 1)
}

/// 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("not found: {needle:?}"));
    text[..at].matches('\n').count() + 1
}

fn errors(text: &str) -> Vec<Diagnostic> {
    match Protocol::parse(text, "test.toml") {
        Err(Error::Protocol(e)) => {
            assert_eq!(e.file, "test.toml");
            e.diagnostics
        }
        Ok(_) => panic!("accepted a malformed protocol"),
        Err(other) => panic!("unexpected error {other}"),
    }
}

/// 1-based line of the last occurrence of `needle` in `text`.
fn last_line_of(text: &str, needle: &str) -> usize {
    let at = text
        .rfind(needle)
        .unwrap_or_else(|| panic!("not found: {needle:?}"));
    text[..at].matches('\n').count() + 1
}

/// Exactly one problem, on `line`, whose message contains `message`.
fn expect_one(text: &str, line: usize, message: &str) -> Diagnostic {
    let errs = errors(text);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    let d = errs.into_iter().next().unwrap();
    assert!(
        d.message.contains(message),
        "{:?} does not contain {message:?}",
        d.message
    );
    assert_eq!(d.position.line, line, "{d:?}");
    d
}

#[test]
fn le_protocole_integre_est_valide_et_brouillon() {
    let p = Protocol::bundled();
    assert_eq!(p.validation, ValidationStatus::Draft);
    assert!(p.is_training());
    assert_eq!(p.identity.sha256.len(), 64);
}

#[test]
fn erreur_de_syntaxe_toml() {
    let text = mutate("name = \"Dr Claire Exemple\"", "name = \"Dr Claire Exemple");
    let d = expect_one(
        &text,
        line_of(&text, "name = \"Dr Claire Exemple"),
        "syntaxe TOML",
    );
    assert!(d.position.column > 1);
}

#[test]
fn section_inconnue_avec_suggestion() {
    let text = mutate("[remuneration]", "[remuneratoin]");
    let errs = errors(&text);
    let d = errs
        .iter()
        .find(|d| d.message == "section inconnue « remuneratoin »")
        .expect("reported");
    assert_eq!(d.position.line, line_of(&text, "[remuneratoin]"));
    assert_eq!(
        d.hint.as_deref(),
        Some("vouliez-vous dire « remuneration » ?")
    );
    // The real section is then missing, and that is said too.
    assert!(
        errs.iter()
            .any(|d| d.message == "section [remuneration] manquante"),
        "{errs:#?}"
    );
}

#[test]
fn champ_inconnu_avec_suggestion() {
    let text = mutate("max_per_dose = 400\n", "max_per_dos = 400\n");
    let d = expect_one(
        &text,
        line_of(&text, "max_per_dos ="),
        "champ inconnu « max_per_dos »",
    );
    assert_eq!(
        d.hint.as_deref(),
        Some("vouliez-vous dire « max_per_dose » ?")
    );
}

#[test]
fn champ_obligatoire_manquant() {
    let text = mutate(
        "text = \"Hors protocole : orienter vers le médecin traitant ou un chirurgien-dentiste.\"\n",
        "",
    );
    let errs = errors(&text);
    assert!(
        errs.iter()
            .any(|d| d.message == "champ obligatoire « text » manquant"),
        "{errs:#?}"
    );
}

#[test]
fn orientation_sans_texte() {
    let text = mutate(
        "text = \"Hors protocole : orienter vers le médecin traitant ou un chirurgien-dentiste.\"",
        "text = \"  \"",
    );
    expect_one(
        &text,
        line_of(&text, "text = \"  \""),
        "le texte de l'orientation est vide",
    );
}

#[test]
fn mauvais_type() {
    let text = mutate("\nper_dose = 400\n", "\nper_dose = \"400 mg\"\n");
    let d = expect_one(
        &text,
        line_of(&text, "per_dose = \"400 mg\""),
        "type invalide",
    );
    assert!(
        d.message
            .contains("un texte trouvé, un nombre entier attendu"),
        "{}",
        d.message
    );
}

#[test]
fn fait_inconnu_dans_une_regle() {
    let text = mutate(
        "\"excl.nose_wing\",\n  \"excl.facial_trauma\", \"excl.haemorrhage\", \"temperature_c > 38.5\"",
        "\"excl.nose_wnig\",\n  \"excl.facial_trauma\", \"excl.haemorrhage\", \"temperature_c > 38.5\"",
    );
    let d = expect_one(
        &text,
        line_of(&text, "excl.nose_wnig"),
        "fait inconnu « excl.nose_wnig »",
    );
    assert_eq!(
        d.hint.as_deref(),
        Some("vouliez-vous dire « excl.nose_wing » ?")
    );
    let col = text
        .lines()
        .nth(d.position.line - 1)
        .unwrap()
        .find("excl.nose_wnig")
        .unwrap()
        + 1;
    assert_eq!(d.position.column, col, "the column points at the fact");
}

#[test]
fn fait_inconnu_dans_une_ligne_de_medicament() {
    let text = mutate(
        "when = \"any(sympt.abscess, sympt.cellulitis)\"",
        "when = \"any(sympt.abscess, sympt.celulitis)\"",
    );
    expect_one(
        &text,
        line_of(&text, "sympt.celulitis"),
        "fait inconnu « sympt.celulitis »",
    );
}

#[test]
fn condition_mal_ecrite() {
    let text = mutate(
        "when = \"pain_score >= 5 and age_years >= 15 and not pregnant\"",
        "when = \"pain_score >= and age_years >= 15\"",
    );
    expect_one(
        &text,
        line_of(&text, "pain_score >= and"),
        "un nombre est attendu après « pain_score >= »",
    );
}

#[test]
fn identifiant_de_fait_en_double() {
    let text = mutate(
        "[[facts]]\nid = \"excl.haemorrhage\"",
        "[[facts]]\nid = \"excl.nose_wing\"\ntype = \"bool\"\nlabel = \"doublon\"\n\n[[facts]]\nid = \"excl.haemorrhage\"",
    );
    let errs = errors(&text);
    let dup = errs
        .iter()
        .find(|d| {
            d.message
                .contains("identifiant de fait en double : « excl.nose_wing »")
        })
        .expect("duplicate reported");
    assert_eq!(
        dup.position.line,
        last_line_of(&text, "id = \"excl.nose_wing\"")
    );
    let first = line_of(&text, "id = \"excl.nose_wing\"");
    assert!(
        dup.message.contains(&format!("déjà déclaré ligne {first}")),
        "{}",
        dup.message
    );
}

#[test]
fn identifiant_de_medicament_en_double() {
    let text = mutate("id = \"chlorhexidine\"\ndci", "id = \"amoxicilline\"\ndci");
    let errs = errors(&text);
    assert!(
        errs.iter().any(|d| d
            .message
            .contains("identifiant de médicament en double : « amoxicilline »")),
        "{errs:#?}"
    );
}

#[test]
fn question_qui_ne_renseigne_aucun_fait() {
    let text = mutate("facts = [\"pain_score\"]", "facts = []");
    let errs = errors(&text);
    let d = errs
        .iter()
        .find(|d| d.message.contains("ne renseigne aucun fait"))
        .expect("reported");
    assert_eq!(d.position.line, line_of(&text, "facts = []"));
    // And pain_score, no longer asked anywhere, is reported too.
    assert!(errs.iter().any(|d| {
        d.message
            .contains("« pain_score » n'est demandé par aucune question")
    }));
}

#[test]
fn fait_demande_deux_fois() {
    let text = mutate(
        "facts = [\"pain_score\"]",
        "facts = [\"pain_score\", \"pregnant\"]",
    );
    expect_one(
        &text,
        line_of(&text, "\"pregnant\"]"),
        "le fait « pregnant » est déjà demandé par la question « antecedents »",
    );
}

#[test]
fn regle_qui_ne_peut_jamais_s_appliquer() {
    // The catch-all 31-day rule moved before the 24-hour one.
    let r24 = "[[rules]]\nid = \"prise_en_charge_24h\"";
    let r31 = "[[rules]]\nid = \"prise_en_charge_31j\"\nurgency = \"31j\"\nwhen_any = [\"any(symptomes)\"]\n";
    let text = mutate(r31, "").replacen(r24, &format!("{r31}\n{r24}"), 1);
    expect_one(
        &text,
        line_of(&text, "id = \"prise_en_charge_24h\"") - 1,
        "la règle « prise_en_charge_24h » ne peut jamais s'appliquer",
    );
}

#[test]
fn condition_impossible() {
    // A rule whose whole condition can never hold.
    let text = mutate(
        "when_any = [\"any(symptomes)\"]",
        "when_any = [\"any(symptomes) and age_years > 200\"]",
    );
    let errs = errors(&text);
    assert!(
        errs.iter().any(|d| d
            .message
            .contains("« prise_en_charge_31j » ne peut jamais s'appliquer")),
        "{errs:#?}"
    );
}

#[test]
fn patients_qu_aucune_regle_ne_decide() {
    let text = mutate(
        "[[rules]]\nid = \"prise_en_charge_31j\"\nurgency = \"31j\"\nwhen_any = [\"any(symptomes)\"]\n",
        "",
    );
    let d = expect_one(
        &text,
        line_of(&text, "id = \"prise_en_charge_24h\"") - 1,
        "aucune règle ne décide pour certains patients",
    );
    assert!(
        d.message.contains("sympt.cold_brushing")
            || d.message.contains("sympt.cold_sugar_meals")
            || d.message.contains("sympt.mobile_teeth"),
        "the example names a 31-day symptom: {}",
        d.message
    );
}

#[test]
fn ligne_sans_plafonds() {
    let text = mutate(
        "[medicines.caps]\nmax_per_dose = 400\nmax_per_day = 1200\nmax_per_dose_per_kg = 10\nmax_per_day_per_kg = 30\nmax_days = 3\n",
        "",
    );
    expect_one(
        &text,
        line_of(&text, "id = \"ibuprofene\"\ndci"),
        "la ligne « ibuprofene » n'a pas de plafonds [medicines.caps]",
    );
}

#[test]
fn plafond_manquant() {
    let text = mutate(
        "max_per_dose = 15\nmax_per_day = 45\nmax_days = 5\n",
        "max_per_dose = 15\nmax_per_day = 45\n",
    );
    let errs = errors(&text);
    assert!(
        errs.iter().any(|d| d
            .message
            .contains("plafond « max_days » manquant pour la ligne « chlorhexidine »")),
        "{errs:#?}"
    );
}

#[test]
fn dose_superieure_au_plafond() {
    // The HAS 2026 regimen typed in without raising the cap.
    let text = mutate(
        "[medicines.adult]\nper_dose = 1000\nmax_per_day = 2000\ndays = 7",
        "[medicines.adult]\nper_dose = 1000\nmax_per_day = 3000\ndays = 3",
    );
    let errs = errors(&text);
    let d = errs.iter().find(|d| d.message.contains("ligne « amoxicilline » : le maximum adulte par jour (3000) dépasse le plafond max_per_day (2000)")).expect("reported");
    assert_eq!(
        d.position.line,
        last_line_of(
            &text,
            "[medicines.adult]\nper_dose = 1000\nmax_per_day = 3000"
        )
    );
}

#[test]
fn plafond_incompatible_avec_la_substance() {
    let text = mutate(
        "[medicines.caps]\nmax_per_dose = 2\nmax_per_day = 6",
        "[medicines.caps]\nmax_per_dose = 2\nmax_per_day = 8",
    );
    let errs = errors(&text);
    assert!(
        errs.iter().any(|d| d
            .message
            .contains("plus que le maximum de la substance (3000 mg)")),
        "{errs:#?}"
    );
    assert!(
        errs.iter().any(|d| d.message.contains("codéine")),
        "{errs:#?}"
    );
}

#[test]
fn quantite_negative() {
    let text = mutate(
        "days = 7\n\n[medicines.by_weight]",
        "days = -7\n\n[medicines.by_weight]",
    );
    expect_one(
        &text,
        line_of(&text, "days = -7"),
        "quantité négative pour days : -7",
    );
}

#[test]
fn remuneration_negative() {
    let text = mutate("delegant_cents = 1500", "delegant_cents = -1500");
    expect_one(&text, line_of(&text, "delegant_cents"), "quantité négative");
}

#[test]
fn orientation_inconnue() {
    let text = mutate("orientation = \"avis_24h\"", "orientation = \"avis_48h\"");
    let d = expect_one(
        &text,
        line_of(&text, "avis_48h"),
        "orientation inconnue « avis_48h »",
    );
    assert_eq!(d.hint.as_deref(), Some("vouliez-vous dire « avis_24h » ?"));
}

#[test]
fn regle_qui_oriente_et_prend_en_charge() {
    let text = mutate(
        "id = \"prise_en_charge_24h\"\nurgency = \"24h\"",
        "id = \"prise_en_charge_24h\"\nurgency = \"24h\"\norientation = \"urgence\"",
    );
    expect_one(
        &text,
        line_of(
            &text,
            "orientation = \"urgence\"\nwhen_any = [\n  \"sympt.heat\"",
        ),
        "à la fois « orientation » et « urgency »",
    );
}

#[test]
fn deux_lignes_de_paracetamol() {
    let text = mutate("replaces = \"paracetamol\"\n", "");
    let errs = errors(&text);
    assert!(
        errs.iter().any(|d| d.message.contains(
            "« paracetamol » et « paracetamol_codeine » contiennent toutes deux du paracétamol"
        )),
        "{errs:#?}"
    );
}

#[test]
fn ligne_jamais_proposee() {
    let text = mutate(
        "when = \"any(sympt.abscess, sympt.cellulitis)\"",
        "when = \"sympt.abscess and age_years < 10\"",
    );
    expect_one(
        &text,
        line_of(&text, "id = \"amoxicilline\"\ndci"),
        "la ligne « amoxicilline » ne peut jamais être proposée",
    );
}

#[test]
fn rpps_du_delegant_invalide() {
    let text = mutate("rpps = \"10005173140\"", "rpps = \"10005173141\"");
    expect_one(
        &text,
        line_of(&text, "10005173141"),
        "RPPS du délégant « Dr Claire Exemple » invalide : la clé de contrôle",
    );
}

#[test]
fn code_postal_invalide() {
    let text = mutate(
        "{ name = \"Rom\", postal_code = \"79120\" }",
        "{ name = \"Rom\", postal_code = \"7912\" }",
    );
    expect_one(
        &text,
        line_of(&text, "\"7912\""),
        "code postal « 7912 » invalide",
    );
}

#[test]
fn format_non_pris_en_charge() {
    let text = mutate("format = 1", "format = 2");
    expect_one(
        &text,
        line_of(&text, "format = 2"),
        "format de fichier 2 non pris en charge",
    );
}

#[test]
fn liste_a_cocher_sans_reponse_aucun() {
    let text = mutate("none = \"Aucune de ces situations\"\n", "");
    expect_one(
        &text,
        line_of(&text, "id = \"antecedents\""),
        "pas de réponse « aucun » explicite",
    );
}

#[test]
fn motif_manquant_pour_une_condition_composee() {
    let text = mutate(
        "{ if = \"none(symptomes)\", reason = \"no_symptom\" }",
        "\"none(symptomes)\"",
    );
    expect_one(
        &text,
        line_of(&text, "\"none(symptomes)\""),
        "son motif doit être précisé",
    );
}

#[test]
fn toutes_les_erreurs_sont_rapportees_pas_seulement_la_premiere() {
    let text = mutate("delegant_cents = 1500", "delegant_cents = -1500")
        .replacen(
            "orientation = \"avis_24h\"",
            "orientation = \"avis_48h\"",
            1,
        )
        .replacen("rpps = \"10005173140\"", "rpps = \"123\"", 1)
        .replacen("max_per_dose = 400\n", "max_per_dos = 400\n", 1);
    let errs = errors(&text);
    assert_eq!(errs.len(), 4, "{errs:#?}");
    let lines: Vec<usize> = errs.iter().map(|d| d.position.line).collect();
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted, "reported in file order");
}

#[test]
fn message_complet_avec_fichier_ligne_colonne() {
    let text = mutate("orientation = \"avis_24h\"", "orientation = \"avis_48h\"");
    let err = Protocol::parse(&text, "protocols/x.toml")
        .unwrap_err()
        .to_string();
    let line = line_of(&text, "avis_48h");
    assert!(
        err.starts_with("protocols/x.toml : 1 erreur dans le protocole\n"),
        "{err}"
    );
    assert!(err.contains(&format!("protocols/x.toml:{line}:15: orientation inconnue « avis_48h »\n    → vouliez-vous dire « avis_24h » ?")), "{err}");
}

/// The worked example of docs/PROTOCOL-FORMAT.md: amoxicillin 1 g three
/// times a day for 3 days. Raising the regimen alone is refused; raising
/// the ceilings with it is accepted and changes the proposed doses.
#[test]
fn exemple_de_la_documentation_schema_amoxicilline() {
    let amox = BUNDLED_TEXT.find("id = \"amoxicilline\"\ndci").unwrap();
    let (head, tail) = BUNDLED_TEXT.split_at(amox);
    let regimen_only = format!(
        "{head}{}",
        tail.replacen(
            "[medicines.adult]\nper_dose = 1000\nmax_per_day = 2000\ndays = 7",
            "[medicines.adult]\nper_dose = 1000\nmax_per_day = 3000\ndays = 3",
            1
        )
    );
    let errs = errors(&regimen_only);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(
        errs[0]
            .message
            .contains("le maximum adulte par jour (3000) dépasse le plafond max_per_day (2000)")
    );

    let (head2, tail2) = regimen_only.split_at(amox);
    let complete = format!(
        "{}{}",
        head2.replacen(
            "name = \"amoxicilline\"\nunit = \"mg\"\nmax_per_day = 2000",
            "name = \"amoxicilline\"\nunit = \"mg\"\nmax_per_day = 3000",
            1
        ),
        tail2
            .replacen(
                "[medicines.caps]\nmax_per_dose = 1000\nmax_per_day = 2000",
                "[medicines.caps]\nmax_per_dose = 1000\nmax_per_day = 3000",
                1
            )
            .replacen(
                "max_per_day_per_kg = 50\ndays = 7",
                "max_per_day_per_kg = 50\ndays = 3",
                1
            )
            .replacen("max_days = 7", "max_days = 3", 1)
    );
    let p = Protocol::parse(&complete, "amox.toml").unwrap_or_else(|e| panic!("{e}"));
    let f = protocoop::triage::Facts::from_json(
        &p,
        &serde_json::json!({"age_years": 40, "pain_score": 6, "sympt.abscess": true}),
    )
    .unwrap();
    let o = protocoop::triage::evaluate(&p, &f).unwrap();
    let l = o.line(p.medicine_id("amoxicilline").unwrap()).unwrap();
    assert_eq!(
        (l.dose.per_dose, l.dose.max_per_day, l.dose.days),
        (1000, 3000, 3)
    );
    assert_ne!(p.identity.sha256, Protocol::bundled().identity.sha256);
}

/// `ask_when` only on an optional yes/no fact, and reading only what the
/// Patient screen sets: whether a question applies never depends on an
/// answer given later, and a question left out is « non ».
#[test]
fn ask_when_sur_un_fait_oui_non_et_ne_lisant_que_l_ecran_patient() {
    let text = mutate(
        "ask_when = \"sex == F\"",
        "ask_when = \"sex == F and not sympt.abscess\"",
    );
    let d = expect_one(&text, line_of(&text, "ask_when ="), "« sympt.abscess »");
    assert!(d.message.contains("écran Patient"), "{d:?}");

    let text = mutate(
        "statement = \"température\"\n",
        "statement = \"température\"\nask_when = \"age_years >= 15\"\n",
    );
    expect_one(
        &text,
        line_of(&text, "ask_when = \"age"),
        "ne s'applique qu'à un fait oui/non facultatif",
    );

    for (cond, what) in [
        ("sex == X", "se compare à F ou M"),
        ("sex > 3", "se compare à F ou M"),
        ("sex", "se compare à F ou M"),
        ("any(sex)", "n'accepte que des faits oui/non"),
    ] {
        let text = mutate("ask_when = \"sex == F\"", &format!("ask_when = \"{cond}\""));
        expect_one(&text, line_of(&text, "ask_when ="), what);
    }
}

/// A fact of type sex must be the one [patient] fills; it takes no bounds.
#[test]
fn le_fait_sexe_est_celui_de_l_ecran_patient() {
    let text = mutate("sex_fact = \"sex\"\n", "");
    let errs = errors(&text);
    assert!(
        errs.iter().any(|d| d
            .message
            .contains("de type sex, mais [patient] ne le nomme pas")),
        "{errs:#?}"
    );
    let text = mutate("sex_fact = \"sex\"", "sex_fact = \"pregnant\"");
    let errs = errors(&text);
    assert!(
        errs.iter()
            .any(|d| d.message.contains("« pregnant » doit être de type sex")),
        "{errs:#?}"
    );
    let text = mutate("type = \"sex\"\n", "type = \"sex\"\nmin = 0\n");
    expect_one(
        &text,
        line_of(&text, "min = 0\nlabel = \"Sexe"),
        "« min » n'a pas de sens",
    );
}
