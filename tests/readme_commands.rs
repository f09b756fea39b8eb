//! Every shell command shown in the README and the user docs runs as
//! pasted: one command (no `a|b` alternative that the shell would take for
//! a pipe, no `[--option]` it would take for a glob), and the harmless ones
//! (protocol check and export, triage, help) succeed with the real binary.

mod common;

use common::TestEnv;

const DOCS: &[&str] = &[
    "README.md",
    "docs/ACT-INPUT.md",
    "docs/KIOSK.md",
    "docs/PROTOCOL-FORMAT.md",
    "docs/REPORT-FORMAT.md",
    "docs/BUNDLE-FORMAT.md",
];

/// A line of a shell block: the command, its words (quotes removed), and
/// the shell operators found outside quotes.
#[derive(Debug)]
struct Line {
    doc: &'static str,
    text: String,
    words: Vec<String>,
    operators: Vec<char>,
}

/// Splits like a POSIX shell would, enough to see operators: single and
/// double quotes, backslash escapes, `#` comments after a blank.
fn split(text: &str) -> (Vec<String>, Vec<char>) {
    let (mut words, mut ops) = (Vec::new(), Vec::new());
    let mut word: Option<String> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    w.push(q);
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' => w.extend(chars.next()),
                        _ => w.push(q),
                    }
                }
            }
            '\\' => word.get_or_insert_with(String::new).extend(chars.next()),
            '#' if word.is_none() => break,
            c if c.is_whitespace() => words.extend(word.take()),
            '|' | '&' | ';' | '<' | '>' | '(' | ')' | '[' | ']' | '{' | '}' => {
                words.extend(word.take());
                ops.push(c);
            }
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    (words, ops)
}

fn shell_lines() -> Vec<Line> {
    let mut out = Vec::new();
    for doc in DOCS {
        let path = format!("{}/{doc}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap();
        let mut in_block = false;
        let mut block: Vec<&str> = Vec::new();
        for line in text.lines() {
            if line.trim_start().starts_with("```") {
                if in_block {
                    // A block with prompts shows output too: only `$ ` lines
                    // are commands there.
                    let prompted = block.iter().any(|l| l.starts_with("$ "));
                    for l in block.drain(..) {
                        let command = match (prompted, l.strip_prefix("$ ")) {
                            (true, Some(c)) => c,
                            (true, None) => continue,
                            (false, _) => l,
                        };
                        let (words, operators) = split(command);
                        if !words.is_empty() {
                            out.push(Line {
                                doc,
                                text: command.to_string(),
                                words,
                                operators,
                            });
                        }
                    }
                    in_block = false;
                } else {
                    in_block = matches!(line.trim(), "```sh" | "```bash" | "```console");
                }
            } else if in_block {
                block.push(line);
            } else {
                // Inline: `protocoop …` in a sentence is a command too.
                for (i, span) in line.split('`').enumerate() {
                    if i % 2 == 1 && span.starts_with("protocoop ") {
                        let (words, operators) = split(span);
                        out.push(Line {
                            doc,
                            text: span.to_string(),
                            words,
                            operators,
                        });
                    }
                }
            }
        }
    }
    out
}

/// `echo … | protocoop …` is a pipe meant as one; any other operator is
/// not something a reader meant to type.
fn meant(line: &Line) -> bool {
    match line.operators.as_slice() {
        [] => true,
        ['|'] => matches!(
            line.words.first().map(String::as_str),
            Some("echo" | "printf")
        ),
        _ => false,
    }
}

#[test]
fn chaque_commande_des_docs_est_une_seule_commande() {
    let lines = shell_lines();
    assert!(lines.len() > 60, "{} commands found", lines.len());
    let bad: Vec<String> = lines
        .iter()
        .filter(|l| !meant(l))
        .map(|l| format!("{} : {}  ({:?})", l.doc, l.text, l.operators))
        .collect();
    assert!(
        bad.is_empty(),
        "commands a shell would misread:\n{}",
        bad.join("\n")
    );
}

#[test]
fn les_commandes_sans_danger_reussissent_telles_quelles() {
    let env = TestEnv::new();
    let mut ran = 0;
    for line in shell_lines() {
        let pipe = line.operators == ['|'];
        let (input, command): (String, &[String]) = if pipe {
            let at = line.words.iter().position(|w| w == "protocoop").unwrap();
            (line.words[1..at].join(" ") + "\n", &line.words[at..])
        } else {
            (String::new(), &line.words[..])
        };
        let Some(("protocoop", args)) = command.split_first().map(|(a, b)| (a.as_str(), b)) else {
            continue;
        };
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let safe = matches!(
            args.as_slice(),
            ["protocol", "check"]
                | ["protocol", "export", ..]
                | ["--help"]
                | ["triage", "--facts", "-", ..]
        ) || args.last() == Some(&"--help");
        if !safe {
            continue;
        }
        let out = env.run(&args, &input);
        assert_eq!(out.code, 0, "{} : {}\n{out:?}", line.doc, line.text);
        ran += 1;
    }
    assert!(ran >= 3, "{ran} commands run");
}
