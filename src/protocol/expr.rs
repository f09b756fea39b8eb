//! The small condition language of protocol files.
//!
//! Rules, medicine lines and advice sections say *when* they apply with a
//! condition such as `age_years >= 12 and not any(infection) and not pregnant`.
//! Keeping conditions as data (not Rust `match` arms) lets a CPTS change its
//! protocol without a new release; the délégant validates the file instead.
//!
//! Grammar (keywords are lower case):
//!
//! ```text
//! expr    := and ("or" and)*
//! and     := unary ("and" unary)*
//! unary   := "not" unary | primary
//! primary := "(" expr ")" | "true" | "false"
//!          | ("any" | "all" | "none") "(" name ("," name)* ")"   -- yes/no facts or groups
//!          | "known" "(" fact ")"
//!          | fact (op number)?                                    -- op: < <= > >= == !=
//!          | sex_fact ("==" | "!=") ("F" | "M")                   -- the patient's sex
//! ```
//!
//! Evaluation is three-valued (true / false / unknown) so that the kiosk can
//! tell, from the answers given so far, whether a question can still change
//! the outcome.

use std::fmt;

use super::fact::{FactId, FactType, Fixed, Sex, Value};

/// A parsed, type-checked condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    Const(bool),
    /// A yes/no fact.
    Fact(FactId),
    /// A numeric fact compared with a constant.
    Cmp(FactId, CmpOp, Fixed),
    /// The patient's sex is (`equal`) or is not this one.
    SexIs {
        fact: FactId,
        sex: Sex,
        equal: bool,
    },
    /// Whether a fact has a value at all.
    Known(FactId),
    /// At least one of these yes/no facts is true.
    Any(Vec<FactId>),
    /// All of them are true.
    All(Vec<FactId>),
    /// None of them is true.
    None(Vec<FactId>),
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl CmpOp {
    pub fn holds(self, left: Fixed, right: Fixed) -> bool {
        match self {
            CmpOp::Lt => left < right,
            CmpOp::Le => left <= right,
            CmpOp::Gt => left > right,
            CmpOp::Ge => left >= right,
            CmpOp::Eq => left == right,
            CmpOp::Ne => left != right,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
        }
    }
}

impl fmt::Display for CmpOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

/// Three-valued truth: `Unknown` when a fact it depends on is not known yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tri {
    False,
    True,
    Unknown,
}

impl Tri {
    pub fn from_bool(b: bool) -> Tri {
        if b { Tri::True } else { Tri::False }
    }

    pub fn is_true(self) -> bool {
        self == Tri::True
    }

    pub fn is_false(self) -> bool {
        self == Tri::False
    }

    fn not(self) -> Tri {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }
}

/// What is known of one fact while evaluating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    Known(Value),
    /// Definitely without a value (an optional measurement not taken).
    Absent,
    /// Not known yet: the condition may go either way.
    Unknown,
}

/// Anything that can say what is known of a fact.
pub trait Env {
    fn lookup(&self, fact: FactId) -> Lookup;
}

impl Expr {
    /// Three-valued evaluation. Comparisons and yes/no tests on an absent
    /// fact are false; use `known(fact)` to test for absence explicitly.
    pub fn eval(&self, env: &impl Env) -> Tri {
        match self {
            Expr::Const(b) => Tri::from_bool(*b),
            Expr::Fact(id) => bool_of(env.lookup(*id)),
            Expr::Cmp(id, op, rhs) => match env.lookup(*id) {
                Lookup::Known(Value::Num(v)) => Tri::from_bool(op.holds(v, *rhs)),
                Lookup::Known(Value::Bool(_) | Value::Sex(_)) | Lookup::Absent => Tri::False,
                Lookup::Unknown => Tri::Unknown,
            },
            Expr::SexIs { fact, sex, equal } => match env.lookup(*fact) {
                Lookup::Known(Value::Sex(s)) => Tri::from_bool((s == *sex) == *equal),
                Lookup::Known(_) | Lookup::Absent => Tri::False,
                Lookup::Unknown => Tri::Unknown,
            },
            Expr::Known(id) => match env.lookup(*id) {
                Lookup::Known(_) => Tri::True,
                Lookup::Absent => Tri::False,
                Lookup::Unknown => Tri::Unknown,
            },
            Expr::Any(ids) => any(ids.iter().map(|id| bool_of(env.lookup(*id)))),
            Expr::All(ids) => all(ids.iter().map(|id| bool_of(env.lookup(*id)))),
            Expr::None(ids) => any(ids.iter().map(|id| bool_of(env.lookup(*id)))).not(),
            Expr::Not(e) => e.eval(env).not(),
            Expr::And(es) => all(es.iter().map(|e| e.eval(env))),
            Expr::Or(es) => any(es.iter().map(|e| e.eval(env))),
        }
    }

    /// Every fact this condition reads, in order of appearance (may repeat).
    pub fn facts(&self, out: &mut Vec<FactId>) {
        match self {
            Expr::Const(_) => {}
            Expr::Fact(id) | Expr::Cmp(id, _, _) | Expr::Known(id) => out.push(*id),
            Expr::SexIs { fact, .. } => out.push(*fact),
            Expr::Any(ids) | Expr::All(ids) | Expr::None(ids) => out.extend(ids),
            Expr::Not(e) => e.facts(out),
            Expr::And(es) | Expr::Or(es) => es.iter().for_each(|e| e.facts(out)),
        }
    }
}

fn bool_of(l: Lookup) -> Tri {
    match l {
        Lookup::Known(Value::Bool(b)) => Tri::from_bool(b),
        Lookup::Known(Value::Num(_) | Value::Sex(_)) | Lookup::Absent => Tri::False,
        Lookup::Unknown => Tri::Unknown,
    }
}

fn any(items: impl Iterator<Item = Tri>) -> Tri {
    let mut result = Tri::False;
    for t in items {
        match t {
            Tri::True => return Tri::True,
            Tri::Unknown => result = Tri::Unknown,
            Tri::False => {}
        }
    }
    result
}

fn all(items: impl Iterator<Item = Tri>) -> Tri {
    let mut result = Tri::True;
    for t in items {
        match t {
            Tri::False => return Tri::False,
            Tri::Unknown => result = Tri::Unknown,
            Tri::True => {}
        }
    }
    result
}

/// What a condition may name: the protocol's facts and groups of facts.
pub trait Names {
    fn fact(&self, name: &str) -> Option<(FactId, &FactType)>;
    fn group(&self, name: &str) -> Option<&[FactId]>;
    /// Every fact id, to suggest a correction for a misspelt one.
    fn fact_names(&self) -> Vec<&str>;
}

/// A parse or type error, at a byte offset within the condition text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    pub offset: usize,
    pub message: String,
    pub hint: Option<String>,
}

/// Parses and type-checks one condition.
pub fn parse(text: &str, names: &dyn Names) -> Result<Expr, ExprError> {
    let tokens = lex(text)?;
    let mut p = Parser {
        tokens,
        pos: 0,
        names,
        end: text.len(),
        depth: 0,
    };
    let e = p.or()?;
    if let Some(t) = p.tokens.get(p.pos) {
        return Err(ExprError {
            offset: t.offset,
            message: format!("« {} » inattendu dans la condition", t.text),
            hint: Some("reliez les conditions par « and » ou « or »".into()),
        });
    }
    Ok(e)
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident,
    Number(Fixed),
    Op(CmpOp),
    LParen,
    RParen,
    Comma,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    text: String,
    offset: usize,
}

fn lex(text: &str) -> Result<Vec<Token>, ExprError> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        let next = chars.peek().map(|&(_, n)| n);
        let mut end = start + c.len_utf8();
        let tok = if c.is_ascii_alphabetic() || c == '_' {
            while let Some(&(i, n)) = chars.peek() {
                if !(n.is_ascii_alphanumeric() || n == '_' || n == '.') {
                    break;
                }
                end = i + n.len_utf8();
                chars.next();
            }
            Tok::Ident
        } else if c.is_ascii_digit() || (c == '-' && next.is_some_and(|n| n.is_ascii_digit())) {
            while let Some(&(i, n)) = chars.peek() {
                if !(n.is_ascii_digit() || n == '.') {
                    break;
                }
                end = i + 1;
                chars.next();
            }
            let mut rest = text.get(end..).unwrap_or("").chars();
            if rest.next() == Some(',') && rest.next().is_some_and(|n| n.is_ascii_digit()) {
                return Err(ExprError {
                    offset: start,
                    message: "nombre écrit avec une virgule".into(),
                    hint: Some("écrivez les décimales avec un point : 38.5".into()),
                });
            }
            let s = text.get(start..end).unwrap_or("");
            match parse_decimal(s) {
                Some(v) => Tok::Number(v),
                None => {
                    return Err(ExprError {
                        offset: start,
                        message: format!("nombre illisible « {s} »"),
                        hint: Some("au plus trois décimales, avec un point : 38.5".into()),
                    });
                }
            }
        } else {
            let pair = |second: char| next == Some(second);
            let tok = match c {
                '<' if pair('=') => Tok::Op(CmpOp::Le),
                '>' if pair('=') => Tok::Op(CmpOp::Ge),
                '=' if pair('=') => Tok::Op(CmpOp::Eq),
                '!' if pair('=') => Tok::Op(CmpOp::Ne),
                // What a coordinator types from a French keyboard or a
                // word processor means the same as the ASCII operators.
                '≤' => Tok::Op(CmpOp::Le),
                '≥' => Tok::Op(CmpOp::Ge),
                '≠' => Tok::Op(CmpOp::Ne),
                '<' => Tok::Op(CmpOp::Lt),
                '>' => Tok::Op(CmpOp::Gt),
                '(' => Tok::LParen,
                ')' => Tok::RParen,
                ',' => Tok::Comma,
                '=' => {
                    return Err(ExprError {
                        offset: start,
                        message: "« = » seul n'est pas une comparaison".into(),
                        hint: Some("écrivez « == » pour l'égalité".into()),
                    });
                }
                _ => {
                    return Err(ExprError {
                        offset: start,
                        message: format!("caractère « {c} » inattendu dans la condition"),
                        hint: Some(
                            "une condition s'écrit avec des identifiants de faits, and, or, not, \
                             any(…), none(…), known(…) et les comparaisons < <= > >= == != \
                             (ou ≤ ≥ ≠)"
                                .into(),
                        ),
                    });
                }
            };
            if matches!(tok, Tok::Op(_))
                && c.is_ascii()
                && next == Some('=')
                && let Some((i, n)) = chars.next()
            {
                end = i + n.len_utf8();
            }
            tok
        };
        out.push(Token {
            tok,
            text: text.get(start..end).unwrap_or("").to_string(),
            offset: start,
        });
    }
    Ok(out)
}

/// Parses `38.5`, `-2`, `10` into a [`Fixed`]; at most three decimals.
pub fn parse_decimal(s: &str) -> Option<Fixed> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (whole, frac) = match digits.split_once('.') {
        Some((w, f)) => (w, f),
        None => (digits, ""),
    };
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 3
        || (digits.contains('.') && frac.is_empty())
        || whole.len() > 12
    {
        return None;
    }
    let w: i64 = whole.parse().ok()?;
    let f: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<3}").parse().ok()?
    };
    let v = w * Fixed::SCALE + f;
    Some(Fixed(if neg { -v } else { v }))
}

/// How deeply parentheses and `not` may nest. Real conditions use two or
/// three levels; the limit keeps a hostile file from exhausting the stack
/// (parsing, evaluating and dropping a condition all recurse).
pub const MAX_DEPTH: usize = 32;

struct Parser<'a> {
    tokens: Vec<Token>,
    pos: usize,
    names: &'a dyn Names,
    end: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn peek_word(&self, word: &str) -> bool {
        self.peek()
            .is_some_and(|t| t.tok == Tok::Ident && t.text == word)
    }

    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn here(&self) -> usize {
        self.peek().map_or(self.end, |t| t.offset)
    }

    /// Enters one more level of nesting, refusing past [`MAX_DEPTH`].
    fn descend(&mut self) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ExprError {
                offset: self.here(),
                message: format!(
                    "condition trop imbriquée : plus de {MAX_DEPTH} niveaux de parenthèses ou de « not »"
                ),
                hint: Some("simplifiez la condition ou découpez-la en groupes".into()),
            });
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Expr, ExprError> {
        let mut items = vec![self.and()?];
        while self.peek_word("or") {
            self.pos += 1;
            items.push(self.and()?);
        }
        Ok(match items.len() {
            1 => items.remove(0),
            _ => Expr::Or(items),
        })
    }

    fn and(&mut self) -> Result<Expr, ExprError> {
        let mut items = vec![self.unary()?];
        while self.peek_word("and") {
            self.pos += 1;
            items.push(self.unary()?);
        }
        Ok(match items.len() {
            1 => items.remove(0),
            _ => Expr::And(items),
        })
    }

    fn unary(&mut self) -> Result<Expr, ExprError> {
        if self.peek_word("not") {
            self.pos += 1;
            self.descend()?;
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        self.primary()
    }

    fn expect(&mut self, tok: Tok, what: &str) -> Result<(), ExprError> {
        let offset = self.here();
        match self.next() {
            Some(t) if t.tok == tok => Ok(()),
            Some(t) => Err(ExprError {
                offset,
                message: format!("{what} attendu, « {} » trouvé", t.text),
                hint: None,
            }),
            None => Err(ExprError {
                offset,
                message: format!("{what} attendu en fin de condition"),
                hint: None,
            }),
        }
    }

    fn primary(&mut self) -> Result<Expr, ExprError> {
        let offset = self.here();
        let Some(t) = self.next() else {
            return Err(ExprError {
                offset,
                message: "condition incomplète".into(),
                hint: Some(
                    "il manque un fait ou une comparaison après « and », « or » ou « not »".into(),
                ),
            });
        };
        match t.tok {
            Tok::LParen => {
                self.descend()?;
                let e = self.or()?;
                self.depth -= 1;
                self.expect(Tok::RParen, "« ) »")?;
                Ok(e)
            }
            Tok::Ident => match t.text.as_str() {
                "true" => Ok(Expr::Const(true)),
                "false" => Ok(Expr::Const(false)),
                "and" | "or" => Err(ExprError {
                    offset,
                    message: format!("« {} » sans condition avant", t.text),
                    hint: None,
                }),
                "any" | "all" | "none" if self.peek().is_some_and(|n| n.tok == Tok::LParen) => {
                    let ids = self.fact_list(&t.text)?;
                    Ok(match t.text.as_str() {
                        "any" => Expr::Any(ids),
                        "all" => Expr::All(ids),
                        _ => Expr::None(ids),
                    })
                }
                "known" if self.peek().is_some_and(|n| n.tok == Tok::LParen) => {
                    self.pos += 1;
                    let name_offset = self.here();
                    let name = self.next();
                    let id = match name {
                        Some(n) if n.tok == Tok::Ident => {
                            self.resolve_fact(&n.text, name_offset)?.0
                        }
                        _ => {
                            return Err(ExprError {
                                offset: name_offset,
                                message: "known(…) attend un identifiant de fait".into(),
                                hint: Some("par exemple known(weight_kg)".into()),
                            });
                        }
                    };
                    self.expect(Tok::RParen, "« ) »")?;
                    Ok(Expr::Known(id))
                }
                name => self.fact_or_comparison(name, offset),
            },
            _ => Err(ExprError {
                offset,
                message: format!(
                    "« {} » inattendu : un fait ou « ( » est attendu ici",
                    t.text
                ),
                hint: None,
            }),
        }
    }

    fn fact_or_comparison(&mut self, name: &str, offset: usize) -> Result<Expr, ExprError> {
        let (id, ty) = self.resolve_fact(name, offset)?;
        if ty == FactType::Sex {
            return self.sex_comparison(id, name, offset);
        }
        if let Some(Tok::Op(op)) = self.peek().map(|t| t.tok.clone()) {
            self.pos += 1;
            if ty.is_bool() {
                return Err(ExprError {
                    offset,
                    message: format!(
                        "« {name} » est un fait oui/non : il ne se compare pas à un nombre"
                    ),
                    hint: Some(format!("écrivez « {name} » ou « not {name} »")),
                });
            }
            let n_offset = self.here();
            return match self.next() {
                Some(Token {
                    tok: Tok::Number(v),
                    ..
                }) if !ty.precise_enough(v) => Err(ExprError {
                    offset: n_offset,
                    message: format!(
                        "{v} a plus de décimales que « {name} » n'en accepte ({})",
                        ty.decimals()
                    ),
                    hint: Some(
                        "comparez avec une valeur que le fait peut prendre, ou augmentez « decimals »"
                            .into(),
                    ),
                }),
                Some(Token {
                    tok: Tok::Number(v),
                    ..
                }) => Ok(Expr::Cmp(id, op, v)),
                _ => Err(ExprError {
                    offset: n_offset,
                    message: format!("un nombre est attendu après « {name} {op} »"),
                    hint: None,
                }),
            };
        }
        if !ty.is_bool() {
            return Err(ExprError {
                offset,
                message: format!(
                    "« {name} » est un nombre : comparez-le (par exemple « {name} >= 10 »)"
                ),
                hint: None,
            });
        }
        Ok(Expr::Fact(id))
    }

    /// `sex == F`, `sex != M`: the only comparisons a sex fact takes.
    fn sex_comparison(
        &mut self,
        fact: FactId,
        name: &str,
        offset: usize,
    ) -> Result<Expr, ExprError> {
        let wrong = |offset| ExprError {
            offset,
            message: format!("« {name} » se compare à F ou M, avec == ou !="),
            hint: Some(format!("par exemple « {name} == F »")),
        };
        let equal = match self.peek().map(|t| t.tok.clone()) {
            Some(Tok::Op(CmpOp::Eq)) => true,
            Some(Tok::Op(CmpOp::Ne)) => false,
            _ => return Err(wrong(offset)),
        };
        self.pos += 1;
        let value_offset = self.here();
        match self.next() {
            Some(t) if t.tok == Tok::Ident => match Sex::parse(&t.text) {
                Some(sex) => Ok(Expr::SexIs { fact, sex, equal }),
                None => Err(wrong(value_offset)),
            },
            _ => Err(wrong(value_offset)),
        }
    }

    fn fact_list(&mut self, func: &str) -> Result<Vec<FactId>, ExprError> {
        self.expect(Tok::LParen, "« ( »")?;
        let mut ids = Vec::new();
        loop {
            let offset = self.here();
            match self.next() {
                Some(t) if t.tok == Tok::Ident => {
                    if let Some(group) = self.names.group(&t.text) {
                        ids.extend_from_slice(group);
                    } else {
                        let (id, ty) = self.resolve_fact(&t.text, offset)?;
                        if !ty.is_bool() {
                            return Err(ExprError {
                                offset,
                                message: format!(
                                    "{func}(…) n'accepte que des faits oui/non ; « {} » est un nombre",
                                    t.text
                                ),
                                hint: None,
                            });
                        }
                        ids.push(id);
                    }
                }
                _ => {
                    return Err(ExprError {
                        offset,
                        message: format!(
                            "{func}(…) attend des faits oui/non ou des groupes, séparés par des virgules"
                        ),
                        hint: Some(format!("par exemple {func}(infection)")),
                    });
                }
            }
            let offset = self.here();
            match self.next() {
                Some(t) if t.tok == Tok::Comma => continue,
                Some(t) if t.tok == Tok::RParen => break,
                _ => {
                    return Err(ExprError {
                        offset,
                        message: format!("« , » ou « ) » attendu dans {func}(…)"),
                        hint: None,
                    });
                }
            }
        }
        Ok(ids)
    }

    fn resolve_fact(&self, name: &str, offset: usize) -> Result<(FactId, FactType), ExprError> {
        if let Some((id, ty)) = self.names.fact(name) {
            return Ok((id, ty.clone()));
        }
        let hint = if self.names.group(name).is_some() {
            Some(format!(
                "« {name} » est un groupe : écrivez any({name}) ou none({name})"
            ))
        } else {
            match closest(name, &self.names.fact_names()) {
                Some(best) => Some(format!("vouliez-vous dire « {best} » ?")),
                None => Some("déclarez-le dans une section [[facts]]".into()),
            }
        };
        Err(ExprError {
            offset,
            message: format!("fait inconnu « {} »", crate::text::quote(name)),
            hint,
        })
    }
}

/// The candidate closest to `word` by edit distance, if reasonably close.
/// Long words get no suggestion (the distance costs their product).
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    const LONGEST: usize = 64;
    if word.len() > LONGEST {
        return None;
    }
    candidates
        .iter()
        .filter(|c| c.len() <= LONGEST)
        .map(|c| (edit_distance(word, c), *c))
        .filter(|(d, c)| *d <= 3.max(c.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    struct TestNames {
        facts: Vec<(String, FactType)>,
        infection: Vec<FactId>,
    }

    impl Names for TestNames {
        fn fact(&self, name: &str) -> Option<(FactId, &FactType)> {
            self.facts
                .iter()
                .position(|(n, _)| n == name)
                .map(|i| (FactId(i as u16), &self.facts[i].1))
        }
        fn group(&self, name: &str) -> Option<&[FactId]> {
            (name == "infection").then_some(self.infection.as_slice())
        }
        fn fact_names(&self) -> Vec<&str> {
            self.facts.iter().map(|(n, _)| n.as_str()).collect()
        }
    }

    fn names() -> TestNames {
        let num = FactType::Number {
            min: Fixed::from_int(0),
            max: Fixed::from_int(300),
            decimals: 1,
        };
        TestNames {
            facts: vec![
                ("age_years".into(), num.clone()),
                ("sympt.abscess".into(), FactType::Bool),
                ("sympt.cellulitis".into(), FactType::Bool),
                ("pregnant".into(), FactType::Bool),
                ("weight_kg".into(), num),
            ],
            infection: vec![FactId(1), FactId(2)],
        }
    }

    struct Map(Vec<Lookup>);
    impl Env for Map {
        fn lookup(&self, fact: FactId) -> Lookup {
            self.0[fact.index()]
        }
    }

    fn num(x: i64) -> Lookup {
        Lookup::Known(Value::Num(Fixed::from_int(x)))
    }
    fn yes(b: bool) -> Lookup {
        Lookup::Known(Value::Bool(b))
    }

    #[test]
    fn precedence_and_binds_tighter_than_or() {
        let e = parse("pregnant or age_years < 12 and sympt.abscess", &names()).unwrap();
        // pregnant or (age < 12 and abscess)
        let env = Map(vec![
            num(40),
            yes(false),
            yes(false),
            yes(true),
            Lookup::Absent,
        ]);
        assert_eq!(e.eval(&env), Tri::True);
        let env = Map(vec![
            num(40),
            yes(true),
            yes(false),
            yes(false),
            Lookup::Absent,
        ]);
        assert_eq!(e.eval(&env), Tri::False);
    }

    #[test]
    fn groups_expand_and_unknown_propagates() {
        let e = parse(
            "not any(infection) and (not known(weight_kg) or weight_kg >= 30)",
            &names(),
        )
        .unwrap();
        let env = Map(vec![
            num(12),
            yes(false),
            Lookup::Unknown,
            yes(false),
            Lookup::Absent,
        ]);
        assert_eq!(e.eval(&env), Tri::Unknown);
        let env = Map(vec![
            num(12),
            yes(true),
            Lookup::Unknown,
            yes(false),
            Lookup::Absent,
        ]);
        assert_eq!(
            e.eval(&env),
            Tri::False,
            "a known infection decides despite the unknown"
        );
        let env = Map(vec![num(12), yes(false), yes(false), yes(false), num(29)]);
        assert_eq!(e.eval(&env), Tri::False);
        let env = Map(vec![num(12), yes(false), yes(false), yes(false), num(30)]);
        assert_eq!(e.eval(&env), Tri::True);
    }

    #[test]
    fn comparisons_on_absent_facts_are_false() {
        let e = parse("weight_kg < 50", &names()).unwrap();
        let env = Map(vec![
            num(1),
            yes(false),
            yes(false),
            yes(false),
            Lookup::Absent,
        ]);
        assert_eq!(e.eval(&env), Tri::False);
    }

    #[test]
    fn decimals_are_exact() {
        assert_eq!(parse_decimal("38.5"), Some(Fixed(38_500)));
        assert_eq!(parse_decimal("38.55"), Some(Fixed(38_550)));
        assert_eq!(parse_decimal("-2"), Some(Fixed(-2000)));
        assert_eq!(parse_decimal("1.2345"), None);
        assert_eq!(parse_decimal("3."), None);
        assert_eq!(parse_decimal(".5"), None);
    }

    #[test]
    fn errors_say_where_and_what() {
        let err = parse("sympt.abcess or pregnant", &names()).unwrap_err();
        assert_eq!(err.offset, 0);
        assert_eq!(err.message, "fait inconnu « sympt.abcess »");
        assert_eq!(
            err.hint.as_deref(),
            Some("vouliez-vous dire « sympt.abscess » ?")
        );

        let err = parse("age_years > 38,5", &names()).unwrap_err();
        assert_eq!(err.offset, 12);
        assert!(err.hint.unwrap().contains("point"));

        let err = parse("pregnant > 1", &names()).unwrap_err();
        assert!(err.message.contains("oui/non"), "{}", err.message);

        let err = parse("age_years", &names()).unwrap_err();
        assert!(err.message.contains("comparez"), "{}", err.message);

        let err = parse("pregnant and", &names()).unwrap_err();
        assert_eq!(err.offset, 12);

        let err = parse("(pregnant", &names()).unwrap_err();
        assert!(err.message.contains("« ) »"), "{}", err.message);

        let err = parse("age_years = 3", &names()).unwrap_err();
        assert!(err.hint.unwrap().contains("=="));

        let err = parse("any(age_years)", &names()).unwrap_err();
        assert!(err.message.contains("nombre"), "{}", err.message);

        let err = parse("infection", &names()).unwrap_err();
        assert!(err.hint.unwrap().contains("any(infection)"));
    }

    #[test]
    fn french_comparison_signs_are_aliases() {
        let n = names();
        assert_eq!(
            parse("age_years ≥ 15", &n).unwrap(),
            parse("age_years >= 15", &n).unwrap()
        );
        assert_eq!(
            parse("age_years≤15", &n).unwrap(),
            parse("age_years <= 15", &n).unwrap()
        );
        assert_eq!(
            parse("age_years ≠ 15", &n).unwrap(),
            parse("age_years != 15", &n).unwrap()
        );
    }

    #[test]
    fn any_unicode_is_refused_without_panicking() {
        let n = names();
        for text in [
            "âge_years >= 15",
            "age_years >= 15 ét pregnant",
            "age_years >= 1é",
            "pregnant or «",
            "é",
            "age_years > 38,",
            "age_years\u{202e} > 3",
            "😀",
        ] {
            let err = parse(text, &n).unwrap_err();
            assert!(err.offset <= text.len(), "{text}: {err:?}");
            assert!(text.is_char_boundary(err.offset), "{text}: {err:?}");
        }
    }

    #[test]
    fn nesting_is_bounded_with_a_clear_error() {
        let n = names();
        let ok = format!("{}pregnant{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert!(parse(&ok, &n).is_ok());
        for deep in [
            format!("{}pregnant{}", "(".repeat(9_870), ")".repeat(9_870)),
            format!("{}pregnant", "not ".repeat(100_000)),
            "(".repeat(200_000),
        ] {
            let err = parse(&deep, &n).unwrap_err();
            assert!(err.message.contains("trop imbriquée"), "{}", err.message);
        }
    }
}
