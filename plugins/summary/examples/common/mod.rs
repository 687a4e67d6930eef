//! Documents for the summary plugin's examples and tests, read through the
//! real parse plugin: the `copydesk-parse` rlib's [`parse`], the code that
//! `libcopydesk_parse.so` runs. Files are framed the way the host frames
//! them (a TREC/SGML file is cut into its `<DOC>` records, each one document
//! `<bundle>/<DOCNO>`; any other file is one document `<bundle>/<stem>`).
#![allow(dead_code)]

use std::path::Path;

use copydesk_core::{Bundle, Document, Span};
use copydesk_parse::{parse, split_trec, ParseOptions};
use copydesk_summary::split_sentences;

/// Builds `text`, `paragraphs` and `sentences` of a synthetic document from
/// paragraph strings (for tests that need exact control of the text).
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

fn unparsed(id: String, bundle: &str, path: &Path, raw: &str, hint: Option<&str>) -> Document {
    let mut doc = Document::unparsed(id, bundle, path.display().to_string());
    doc.source.format = hint.map(str::to_owned);
    doc.raw = Some(raw.to_owned());
    doc
}

/// Reads one file into parsed documents of `bundle`; a file the parser
/// refuses (empty, binary) is left out with a message on stderr, as the
/// host would record it in `errors.jsonl`.
pub fn read_file(path: &Path, bundle: &str) -> Vec<Document> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let raw = String::from_utf8_lossy(&bytes);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let records = split_trec(&raw);
    let unparsed: Vec<Document> = if records.len() <= 1 {
        let id = records
            .first()
            .and_then(|(_, r)| copydesk_text::trec::docno(r))
            .map(|d| format!("{bundle}/{d}"))
            .unwrap_or_else(|| format!("{bundle}/{stem}"));
        let hint = (!records.is_empty()).then_some("trec");
        vec![unparsed(id, bundle, path, &raw, hint)]
    } else {
        records
            .iter()
            .enumerate()
            .map(|(i, (line, record))| {
                let id = copydesk_text::trec::docno(record)
                    .map(|d| format!("{bundle}/{d}"))
                    .unwrap_or_else(|| format!("{bundle}/{stem}:{}", i + 1));
                let mut doc = unparsed(id, bundle, path, record, Some("trec"));
                doc.source.record = Some(*line as u64);
                doc
            })
            .collect()
    };
    let opts = ParseOptions::default();
    unparsed
        .into_iter()
        .filter_map(|doc| match parse(doc, &opts) {
            Ok(doc) => Some(doc),
            Err(e) => {
                eprintln!("parse: {}", e.message);
                None
            }
        })
        .collect()
}

/// Reads every file of a folder (sorted by name) into a bundle named after
/// the folder (after its parent for a DUC cluster's `docs/`).
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
    let documents = paths.iter().flat_map(|p| read_file(p, &id)).collect();
    Bundle::new(id, documents)
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
