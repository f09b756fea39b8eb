//! PDFs read back through poppler-utils, for the documents' tests.

use super::tool;

/// Text of a PDF (or of one page), horizontal text only, with every run
/// of whitespace (line breaks, no-break spaces) as one space, so that
/// assertions do not depend on where a line wraps.
pub fn words_of(pdf: &[u8], page: Option<u32>) -> String {
    run_pdftotext(pdf, page, &["-nodiag"])
        .split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Everything on a page with whitespace removed: rotated text (the
/// watermark) comes out one glyph per line.
pub fn pdf_glyphs(pdf: &[u8], page: u32) -> String {
    run_pdftotext(pdf, Some(page), &["-raw"])
        .split_whitespace()
        .collect()
}

pub fn run_pdftotext(pdf: &[u8], page: Option<u32>, extra: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("d.pdf");
    std::fs::write(&f, pdf).unwrap();
    let mut cmd = tool("pdftotext");
    cmd.args(extra);
    if let Some(p) = page {
        cmd.args(["-f", &p.to_string(), "-l", &p.to_string()]);
    }
    let out = cmd
        .arg(&f)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub fn page_count(pdf: &[u8]) -> u32 {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("d.pdf");
    std::fs::write(&f, pdf).unwrap();
    let out = tool("pdfinfo").arg(&f).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .map(|n| n.trim().parse().unwrap())
        .unwrap()
}

pub fn assert_all(text: &str, expected: &[&str]) {
    for e in expected {
        assert!(text.contains(e), "« {e} » manque dans :\n{text}");
    }
}
