//! Collecting diagnostics with positions, and turning serde's English into French.

use super::*;

/// The longest identifier (fact, rule, line…).
pub(super) const MAX_ID_LEN: usize = 64;

/// The most diagnostics kept for one file: enough to fix a file, and a
/// bound on the work a hostile one can cause.
pub(super) const MAX_DIAGNOSTICS: usize = 200;

/// Collects diagnostics and turns byte offsets into positions.
pub(super) struct Cx<'t> {
    pub(super) text: &'t str,
    pub(super) diags: Vec<Diagnostic>,
    /// Diagnostics beyond [`MAX_DIAGNOSTICS`], counted only.
    pub(super) dropped: usize,
    /// Byte offset of each line's start, for positions in O(log n).
    line_starts: Vec<usize>,
}

impl<'t> Cx<'t> {
    pub(super) fn new(text: &'t str) -> Cx<'t> {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Cx {
            text,
            diags: Vec::new(),
            dropped: 0,
            line_starts,
        }
    }

    pub(super) fn position(&self, offset: usize) -> Position {
        // An offset computed inside a string with escapes may fall inside
        // a character: step back to the character it belongs to.
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let line_start = self.line_starts.get(line - 1).copied().unwrap_or(0);
        let column = self
            .text
            .get(line_start..offset)
            .unwrap_or("")
            .chars()
            .count()
            + 1;
        Position { line, column }
    }

    /// Diagnostics so far, dropped ones included: a part is kept only when
    /// building it added none.
    pub(super) fn error_count(&self) -> usize {
        self.diags.len() + self.dropped
    }

    pub(super) fn err(
        &mut self,
        span: Range<usize>,
        message: impl Into<String>,
        hint: Option<String>,
    ) {
        if self.diags.len() >= MAX_DIAGNOSTICS {
            self.dropped += 1;
            return;
        }
        let position = self.position(span.start);
        // A message quoting a huge or hostile piece of the file stays short
        // and harmless.
        let shorten = |m: String| {
            let m = crate::text::for_display(&m);
            if m.chars().count() > 400 {
                m.chars().take(400).collect::<String>() + "…"
            } else {
                m
            }
        };
        self.diags.push(Diagnostic {
            position,
            message: shorten(message.into()),
            hint: hint.map(shorten),
        });
    }

    pub(super) fn toml_error(&mut self, e: &toml::de::Error, fallback: Range<usize>) {
        let span = e.span().unwrap_or(fallback);
        let (message, hint) = translate(e.message());
        self.err(span, message, hint);
    }

    /// A text that must not be blank, nor longer than
    /// [`crate::text::PROTOCOL_TEXT_MAX`], nor hold characters that change
    /// how other text reads (it is shown at the counter and printed).
    pub(super) fn text(&mut self, s: &S<String>, what: &str) -> String {
        let v = s.get_ref().trim();
        if v.is_empty() {
            self.err(
                s.span(),
                format!("{what} est vide"),
                Some("écrivez un texte entre les guillemets".into()),
            );
        }
        if let Err(crate::error::Error::Input { message, .. }) =
            crate::text::note(what, v, crate::text::PROTOCOL_TEXT_MAX)
        {
            self.err(s.span(), format!("{what} : {message}"), None);
        }
        let missing = crate::documents::fonts::missing_glyphs(v);
        if !missing.is_empty() {
            let chars: String = missing.iter().map(|c| format!("« {c} » ")).collect();
            self.err(
                s.span(),
                format!("{what} : caractères que les documents ne peuvent pas imprimer : {chars}"),
                Some("remplacez-les par des lettres, chiffres ou signes courants".into()),
            );
        }
        v.to_string()
    }

    pub(super) fn opt_text(&mut self, s: &Option<S<String>>, what: &str) -> Option<String> {
        s.as_ref().map(|s| self.text(s, what))
    }

    /// A whole number that must be ≥ `min` (amounts, days, cents).
    pub(super) fn count(&mut self, n: &S<i64>, what: &str, min: i64) -> u32 {
        let v = *n.get_ref();
        if v < 0 {
            self.err(
                n.span(),
                format!("quantité négative pour {what} : {v}"),
                Some("une quantité est un nombre positif".into()),
            );
            0
        } else if v < min {
            self.err(
                n.span(),
                format!("{what} doit valoir au moins {min} (trouvé {v})"),
                None,
            );
            0
        } else if v > i64::from(u32::MAX / 1000) {
            self.err(
                n.span(),
                format!("{what} est invraisemblablement grand : {v}"),
                None,
            );
            0
        } else {
            v as u32
        }
    }

    /// A strictly positive decimal (per-kilogram amounts).
    pub(super) fn positive(&mut self, n: &S<RawNum>, what: &str) -> Fixed {
        match self.number(n, what) {
            Some(v) if v.0 > 0 => v,
            Some(v) if v.0 < 0 => {
                self.err(
                    n.span(),
                    format!("quantité négative pour {what} : {v}"),
                    Some("une quantité est un nombre positif".into()),
                );
                Fixed(0)
            }
            Some(_) => {
                self.err(n.span(), format!("{what} doit être positif"), None);
                Fixed(0)
            }
            None => Fixed(0),
        }
    }

    pub(super) fn number(&mut self, n: &S<RawNum>, what: &str) -> Option<Fixed> {
        let v = match *n.get_ref() {
            RawNum::Int(i) => Fixed::from_int(i).into(),
            RawNum::Float(f) => Fixed::from_f64(f).filter(|x| (x.to_f64() - f).abs() < 1e-9),
        };
        if v.is_none() {
            self.err(
                n.span(),
                format!("{what} : nombre illisible ou avec plus de trois décimales"),
                None,
            );
        }
        v
    }

    pub(super) fn condition(&mut self, s: &S<String>, scope: &Scope) -> Option<Condition> {
        // +1 skips the opening quote of a basic string.
        self.condition_at(s.get_ref(), s.span().start + 1, scope)
    }

    pub(super) fn condition_at(
        &mut self,
        text: &str,
        base: usize,
        scope: &Scope,
    ) -> Option<Condition> {
        match expr::parse(text, scope) {
            Ok(expr) => Some(Condition {
                expr,
                text: text.to_string(),
            }),
            Err(ExprError {
                offset,
                message,
                hint,
            }) => {
                self.err(base + offset..base + offset, message, hint);
                None
            }
        }
    }

    /// Records `id` in `seen`, reporting a duplicate.
    pub(super) fn unique(
        &mut self,
        seen: &mut BTreeMap<String, usize>,
        id: &S<String>,
        what: &str,
    ) -> bool {
        let name = id.get_ref().trim().to_string();
        if name.is_empty() {
            self.err(
                id.span(),
                format!("identifiant de {what} vide"),
                Some("donnez un identifiant court, sans espace".into()),
            );
            return false;
        }
        if name.chars().any(|c| c.is_whitespace()) {
            self.err(
                id.span(),
                format!(
                    "l'identifiant de {what} « {} » contient une espace",
                    crate::text::quote(&name)
                ),
                Some("utilisez _ ou . à la place des espaces".into()),
            );
        } else if name.len() > MAX_ID_LEN
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        {
            // Ids are read by scripts and reports, and named in conditions:
            // plain ASCII, short.
            self.err(
                id.span(),
                format!(
                    "identifiant de {what} « {} » : lettres sans accent, chiffres, « _ », « . » ou « - », au plus {MAX_ID_LEN} caractères",
                    crate::text::quote(&name)
                ),
                None,
            );
            return false;
        }
        if let Some(&first) = seen.get(&name) {
            let line = self.position(first).line;
            self.err(
                id.span(),
                format!("identifiant de {what} en double : « {name} » (déjà déclaré ligne {line})"),
                Some(
                    "chaque identifiant doit être unique : renommez ou supprimez l'un des deux"
                        .into(),
                ),
            );
            return false;
        }
        seen.insert(name, id.span().start);
        true
    }
}

/// Turns serde/toml's English messages into French ones with a hint.
pub(crate) fn translate(msg: &str) -> (String, Option<String>) {
    let msg = msg.trim();
    let ticked = |s: &str| -> Vec<String> {
        s.split('`')
            .enumerate()
            .filter(|(i, _)| i % 2 == 1)
            .map(|(_, w)| w.to_string())
            .collect()
    };
    if let Some(rest) = msg.strip_prefix("missing field ") {
        let name = ticked(rest).into_iter().next().unwrap_or_default();
        return (
            format!("champ obligatoire « {name} » manquant"),
            Some(format!("ajoutez « {name} = … » dans cette section")),
        );
    }
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let mut words = ticked(rest);
        let name = if words.is_empty() {
            String::new()
        } else {
            words.remove(0)
        };
        let choices: Vec<&str> = words.iter().map(String::as_str).collect();
        let hint = match expr::closest(&name, &choices) {
            Some(best) => format!("vouliez-vous dire « {best} » ?"),
            None if choices.is_empty() => "cette section n'accepte aucun champ".into(),
            None => format!("champs possibles : {}", choices.join(", ")),
        };
        return (format!("champ inconnu « {name} »"), Some(hint));
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return (
            format!(
                "type invalide : {} trouvé, {} attendu",
                type_fr(found),
                type_fr(expected)
            ),
            None,
        );
    }
    if msg.contains("untagged enum RawNum") {
        return ("un nombre est attendu ici".into(), None);
    }
    if msg.contains("untagged enum RawWhen") {
        return (
            "une condition est attendue ici".into(),
            Some("écrivez \"condition\" ou { if = \"condition\", reason = \"motif\" }".into()),
        );
    }
    if msg.contains("duplicate key") {
        return (
            format!("clé en double : {msg}"),
            Some("une clé ne peut apparaître qu'une fois par section".into()),
        );
    }
    (format!("syntaxe TOML : {msg}"), None)
}

pub(super) fn type_fr(s: &str) -> String {
    let s = s.trim();
    if s.starts_with("string") || s == "a string" {
        "un texte".into()
    } else if s.starts_with("integer") || s == "i64" || s == "u32" || s == "u64" {
        "un nombre entier".into()
    } else if s.starts_with("floating point") || s == "f64" {
        "un nombre décimal".into()
    } else if s.starts_with("boolean") || s == "a boolean" {
        "true ou false".into()
    } else if s.starts_with("sequence") || s == "a sequence" {
        "une liste [ … ]".into()
    } else if s.starts_with("map") || s.starts_with("struct") || s == "a map" {
        "une section ou { … }".into()
    } else if s.contains("date") {
        "une date AAAA-MM-JJ".into()
    } else {
        s.to_string()
    }
}
