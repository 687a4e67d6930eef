//! Two plugin crates in one binary: the parse and summary plugins' rlibs
//! linked into this test and run in-process through their `Plugin` impls
//! (the code their shared libraries run, without the C ABI). This links only
//! because the export symbol lives in the thin `cdylib/` crates, not in the
//! rlibs.

use copydesk_core::{Bundle, Document, Options, Plugin, Stage};
use copydesk_parse::ParsePlugin;
use copydesk_summary::SummaryPlugin;

#[test]
fn parse_then_summary_in_one_process() {
    let Ok(Stage::Document(parse)) = ParsePlugin::create("parse", &Options::default()) else {
        panic!("parse is a document stage")
    };
    let mut words = serde_json::Map::new();
    words.insert("words".into(), 60.into());
    let Ok(Stage::Bundle(summary)) = SummaryPlugin::create("summary", &Options(words)) else {
        panic!("summary is a bundle stage")
    };
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/bundles/kerry-syria"
    );
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let documents: Vec<Document> = paths
        .iter()
        .map(|p| {
            let stem = p.file_stem().unwrap().to_string_lossy();
            let mut doc = Document::unparsed(
                format!("kerry-syria/{stem}"),
                "kerry-syria",
                p.display().to_string(),
            );
            doc.raw = Some(std::fs::read_to_string(p).unwrap());
            parse.process(doc).expect("parses")
        })
        .collect();
    assert_eq!(documents.len(), 5);
    assert!(documents
        .iter()
        .all(|d| d.raw.is_none() && !d.text.is_empty()));
    let bundle = Bundle::new("kerry-syria", documents);
    let out = summary.process(bundle).expect("summarises");
    let s = out.summary.as_ref().expect("a summary");
    assert!(!s.sentences.is_empty());
    assert!(s.text.split_whitespace().count() <= 60, "{}", s.text);
    assert!(s.text.contains("Kerry"), "{}", s.text);
    for sent in &s.sentences {
        let d = out.document(&sent.doc).expect("cites a document");
        assert_eq!(d.text.get(sent.start..sent.end), Some(sent.text.as_str()));
    }
}
