#![allow(dead_code)]
//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use copydesk_core::{Bundle, Document, Span};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A parsed-looking document: text = paragraphs (split on blank lines) joined
/// by blank lines, with paragraph spans and naive sentence spans.
pub fn doc(id: &str, raw: &str) -> Document {
    let mut text = String::new();
    let mut paragraphs = Vec::new();
    let mut sentences = Vec::new();
    for para in raw.replace("\r\n", "\n").split("\n\n") {
        let para = para.trim();
        if para.is_empty() {
            continue;
        }
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        let start = text.len();
        text.push_str(para);
        paragraphs.push(Span::new(start, text.len()));
        let mut s = start;
        let bytes = text.as_bytes();
        for i in start..text.len() {
            if matches!(bytes[i], b'.' | b'!' | b'?')
                && (i + 1 == text.len() || bytes[i + 1] == b' ')
            {
                sentences.push(Span::new(s, i + 1));
                s = i + 1;
                while s < text.len() && bytes[s] == b' ' {
                    s += 1;
                }
            }
        }
        if s < text.len() {
            sentences.push(Span::new(s, text.len()));
        }
    }
    let mut doc = Document::new(id, "test");
    doc.text = text;
    doc.paragraphs = paragraphs;
    doc.sentences = sentences;
    doc
}

/// A bundle of documents.
pub fn bundle(docs: Vec<Document>) -> Bundle {
    Bundle::new("test", docs)
}

/// The kerry-syria example bundle.
pub fn kerry() -> Bundle {
    let dir = root().join("examples/bundles/kerry-syria");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("example bundle")
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let opts = copydesk_parse::ParseOptions::default();
    let docs = files
        .iter()
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().to_string();
            let mut doc = Document::unparsed(
                format!("kerry-syria/{name}"),
                "kerry-syria",
                p.display().to_string(),
            );
            doc.raw = Some(std::fs::read_to_string(p).unwrap());
            copydesk_parse::parse(doc, &opts)
                .unwrap_or_else(|e| panic!("{}: {}", p.display(), e.message))
        })
        .collect();
    Bundle::new("kerry-syria", docs)
}
