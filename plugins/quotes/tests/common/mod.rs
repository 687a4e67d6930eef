//! Documents for the quotes plugin's tests and examples. Files and
//! transcripts go through the real parse plugin: the `copydesk-parse`
//! rlib's [`parse`], the code that `libcopydesk_parse.so` runs.
#![allow(dead_code)]

use copydesk_core::{Bundle, DocKind, Document};
use copydesk_parse::{parse, ParseOptions};

/// `text` parsed as `format` (`text`, `transcript`, ... or `auto`) into a
/// document `id` of bundle `test`.
pub fn parsed(id: &str, text: &str, format: &str) -> Document {
    let mut doc = Document::unparsed(id, "test", format!("{id}.txt"));
    doc.raw = Some(text.to_string());
    let opts = ParseOptions {
        format: format.into(),
        ..ParseOptions::default()
    };
    parse(doc, &opts).unwrap_or_else(|e| panic!("{id}: {}", e.message))
}

/// A synthetic article for tests of the quotes logic itself: `text` as
/// given (no title, byline or furniture heuristics), paragraphs split on
/// blank lines by the quotes stage's own rule.
pub fn article(id: &str, text: &str) -> Document {
    let mut doc = Document::new(id, "test");
    doc.kind = DocKind::Article;
    doc.text = text.trim().to_string();
    doc.paragraphs = copydesk_quotes::extract::paragraphs(&doc.text, &[]);
    doc
}

/// A transcript: `text` (`label` / `[mm:ss]` / speech blocks) through the
/// parse plugin as a transcript.
pub fn transcript(id: &str, text: &str) -> Document {
    parsed(id, text, "transcript")
}

/// examples/bundles/kerry-syria, every file through the parse plugin
/// (format detected, as in the example pipeline).
pub fn example_bundle() -> Bundle {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/bundles/kerry-syria"
    );
    let mut paths: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    let opts = ParseOptions::default();
    let documents = paths
        .iter()
        .map(|p| {
            let stem = p.file_stem().unwrap().to_string_lossy();
            let mut doc = Document::unparsed(
                format!("kerry-syria/{stem}"),
                "kerry-syria",
                p.display().to_string(),
            );
            doc.raw = Some(std::fs::read_to_string(p).unwrap());
            parse(doc, &opts).unwrap_or_else(|e| panic!("{}: {}", p.display(), e.message))
        })
        .collect();
    Bundle::new("kerry-syria", documents)
}

pub fn run(bundle: Bundle) -> Bundle {
    copydesk_quotes::run(bundle, &copydesk_quotes::Config::default())
}
