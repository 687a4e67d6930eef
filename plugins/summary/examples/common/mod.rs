//! Minimal document readers for the summary plugin's examples and tests,
//! used where the parse plugin is not available: TREC/SGML news files and
//! plain-text articles (paragraphs separated by blank lines).
#![allow(dead_code)]

use std::path::Path;

use copydesk_core::{Bundle, DateValue, DocKind, Document, Source, Span};
use copydesk_summary::split_sentences;

/// Replaces SGML entities; unknown ones (`&HT;`, `&QL;`: wire control codes) become a space.
fn entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        let after = &rest[p..];
        match after[1..].find(';').filter(|&e| {
            e <= 8
                && after[1..1 + e]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '#')
        }) {
            Some(e) => {
                let name = &after[1..1 + e];
                out.push_str(match name.to_ascii_lowercase().as_str() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    "md" | "mdash" => "--",
                    _ => " ",
                });
                rest = &after[2 + e..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn between<'a>(s: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let a = s.find(open)? + open.len();
    let b = s[a..].find(close)? + a;
    Some(&s[a..b])
}

fn drop_element(s: &str, tag: &str) -> String {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let mut out = String::new();
    let mut rest = s;
    while let Some(a) = rest.find(&open) {
        out.push_str(&rest[..a]);
        match rest[a..].find(&close) {
            Some(b) => rest = &rest[a + b + close.len()..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Builds `text`, `paragraphs` and `sentences` from paragraph strings.
pub fn fill_text(doc: &mut Document, paragraphs: &[String]) {
    let mut text = String::new();
    for p in paragraphs.iter().filter(|p| !p.trim().is_empty()) {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        let start = text.len();
        text.push_str(p.trim());
        doc.paragraphs.push(Span::new(start, text.len()));
    }
    doc.text = text;
    doc.sentences = doc
        .paragraphs
        .iter()
        .flat_map(|&p| split_sentences(&doc.text, p))
        .collect();
}

/// Reads one TREC/SGML file (one or more `<DOC>`s).
pub fn read_trec(path: &Path, bundle: &str) -> Vec<Document> {
    let raw = std::fs::read(path).unwrap_or_default();
    let raw = String::from_utf8_lossy(&raw);
    let mut docs = Vec::new();
    for (n, chunk) in raw.split("<DOC>").skip(1).enumerate() {
        let chunk = chunk.split("</DOC>").next().unwrap_or("");
        let docno = between(chunk, "<DOCNO>", "</DOCNO>")
            .map(str::trim)
            .unwrap_or("")
            .to_string();
        let mut doc = Document::unparsed(
            format!("{bundle}/{docno}"),
            bundle,
            path.display().to_string(),
        );
        doc.source = Source {
            path: path.display().to_string(),
            format: Some("trec".into()),
            record: Some(n as u64 + 1),
        };
        doc.kind = DocKind::Article;
        doc.title = between(chunk, "<HEADLINE>", "</HEADLINE>")
            .map(|h| squash(&entities(h)))
            .filter(|h| !h.is_empty());
        let prefix: String = docno
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect();
        doc.outlet = Some(match prefix.as_str() {
            "APW" => "AP".to_string(),
            "NYT" => "New York Times".to_string(),
            "XIE" => "Xinhua".to_string(),
            other => other.to_string(),
        });
        let digits: String = docno
            .chars()
            .skip_while(|c| c.is_ascii_alphabetic())
            .take(8)
            .collect();
        let raw_date = between(chunk, "<DATE_TIME>", "</DATE_TIME>")
            .map(str::trim)
            .unwrap_or("")
            .to_string();
        if digits.len() == 8 && digits.chars().all(|c| c.is_ascii_digit()) {
            let time = raw_date
                .split_whitespace()
                .nth(1)
                .filter(|t| t.len() >= 5 && t.as_bytes()[2] == b':')
                .map(|t| &t[..5]);
            let mut value = format!("{}-{}-{}", &digits[..4], &digits[4..6], &digits[6..8]);
            if let Some(t) = time {
                value = format!("{value}T{t}");
            }
            doc.published = Some(DateValue {
                value,
                raw: raw_date.clone(),
                method: "trec".into(),
            });
        }
        let body = between(chunk, "<TEXT>", "</TEXT>").unwrap_or("");
        let body = drop_element(body, "ANNOTATION");
        let paragraphs: Vec<String> = if body.contains("<P>") {
            body.split("<P>")
                .map(|p| squash(&entities(&strip_tags(p))))
                .collect()
        } else {
            // paragraphs start at indented lines
            let mut paras: Vec<String> = Vec::new();
            for line in body.lines() {
                if line.starts_with([' ', '\t']) || paras.is_empty() {
                    paras.push(String::new());
                }
                let last = paras.last_mut().expect("pushed");
                last.push(' ');
                last.push_str(line);
            }
            paras
                .iter()
                .map(|p| squash(&entities(&strip_tags(p))))
                .collect()
        };
        fill_text(&mut doc, &paragraphs);
        docs.push(doc);
    }
    docs
}

/// Reads a plain-text article: blocks separated by blank lines; a file with
/// timestamp lines (`[0:07]`) is taken as a transcript.
pub fn read_plain(path: &Path, bundle: &str) -> Document {
    let raw = std::fs::read_to_string(path).unwrap_or_default();
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut doc = Document::unparsed(
        format!("{bundle}/{stem}"),
        bundle,
        path.display().to_string(),
    );
    let stamps = raw
        .lines()
        .filter(|l| l.trim().starts_with('[') && l.trim().ends_with(']') && l.contains(':'))
        .count();
    doc.kind = if stamps >= 3 {
        DocKind::Transcript
    } else {
        DocKind::Article
    };
    let paragraphs: Vec<String> = raw
        .split("\n\n")
        .map(|p| p.lines().map(str::trim).collect::<Vec<_>>().join("\n"))
        .collect();
    fill_text(&mut doc, &paragraphs);
    doc
}

/// Reads every file of a folder (sorted by name) into a bundle.
pub fn read_dir(dir: &Path) -> Bundle {
    let id = dir
        .file_name()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let id = if id == "docs" {
        dir.parent()
            .and_then(|p| p.file_name())
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or(id)
    } else {
        id
    };
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map(|r| {
            r.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    paths.sort();
    let mut documents = Vec::new();
    for p in paths {
        let head = std::fs::read(&p)
            .map(|b| String::from_utf8_lossy(&b[..b.len().min(400)]).to_string())
            .unwrap_or_default();
        if head.contains("<DOC>") {
            documents.extend(read_trec(&p, &id));
        } else {
            documents.push(read_plain(&p, &id));
        }
    }
    Bundle {
        id,
        documents,
        ..Bundle::default()
    }
}

/// The docs folder of a DUC cluster folder (or the folder itself).
pub fn docs_dir(dir: &Path) -> std::path::PathBuf {
    let d = dir.join("docs");
    if d.is_dir() {
        d
    } else {
        dir.to_path_buf()
    }
}
