//! The stage on bundles: the example bundle, planted duplicates, options.

mod common;

use common::{bundle, doc, kerry};
use copydesk_core::{BundleStage, Options, Plugin, Stage};
use copydesk_dedup::{dedup_bundle, DedupPlugin, StageConfig};
use serde_json::json;

fn stage(opts: serde_json::Value) -> Box<dyn BundleStage> {
    let options = Options(opts.as_object().unwrap().clone());
    match DedupPlugin::create("dedup", &options).unwrap() {
        Stage::Bundle(b) => b,
        _ => panic!("dedup is a bundle stage"),
    }
}

fn docs_of(b: &copydesk_core::Bundle, needle: &str) -> Vec<Vec<String>> {
    b.shared_passages
        .iter()
        .filter(|p| {
            p.occurrences.iter().any(|o| {
                let d = b.document(&o.doc).unwrap();
                d.text[o.start..o.end].contains(needle)
            })
        })
        .map(|p| {
            p.occurrences
                .iter()
                .map(|o| o.doc.rsplit('/').next().unwrap()[..3].to_string())
                .collect()
        })
        .collect()
}

#[test]
fn kerry_syria_shared_quotes() {
    let out = dedup_bundle(kerry(), &StageConfig::default());
    for p in &out.shared_passages {
        println!("{:.2} {:?}", p.similarity, p.text);
        for o in &p.occurrences {
            let d = out.document(&o.doc).unwrap();
            assert_eq!(&d.text[o.start..o.end], &d.text[o.start..o.end]);
            println!("    {} {}..{}", o.doc, o.start, o.end);
        }
    }
    assert!(
        out.duplicates.is_empty(),
        "no duplicate documents in the example: {:?}",
        out.duplicates
    );
    let frustrated = docs_of(&out, "You have nobody more frustrated than we are");
    assert!(
        frustrated.iter().any(|d| ["001", "002", "003"]
            .iter()
            .all(|x| d.iter().any(|y| y == x))),
        "{frustrated:?}"
    );
    let lost = docs_of(&out, "four people in the administration who have all argued for use of force, and I lost the argument");
    assert!(
        lost.iter().any(|d| ["001", "002", "003"]
            .iter()
            .all(|x| d.iter().any(|y| y == x))),
        "{lost:?}"
    );
    // Spans point into the documents' text, occurrences in document order.
    for p in &out.shared_passages {
        let first = &p.occurrences[0];
        assert_eq!(
            p.text,
            out.document(&first.doc).unwrap().text[first.start..first.end]
        );
        assert!(p
            .occurrences
            .windows(2)
            .all(|w| (w[0].doc.as_str(), w[0].start) < (w[1].doc.as_str(), w[1].start)));
        assert!(p.similarity > 0.0 && p.similarity <= 1.0);
    }
}

fn planted() -> copydesk_core::Bundle {
    let base = "The city council voted on Tuesday to approve a new budget that raises spending on schools and roads by almost a fifth over the next two years.\n\nThe mayor said the plan would be paid for by a small increase in the sales tax, which opponents on the council called an unfair burden on working families who are already struggling with rising rents.\n\nSupporters argued that the city had neglected its schools for a decade and that the roads in the northern districts were among the worst in the state.\n\nA final vote is expected next month after public hearings in each of the seven districts, the council's chairwoman said in a statement.";
    let near = base.replace("the worst", "the poorest");
    let exact = base.to_uppercase().replace(". ", " . ");
    let other = "Heavy rain flooded several streets downtown on Monday, and the weather service warned of more storms later in the week across the region.";
    let mut docs = vec![
        doc("a", other),
        doc("b", &near),
        doc("c", base),
        doc("d", &exact),
        doc("e", ""),
    ];
    docs[1].published = Some(copydesk_core::DateValue::new("2016-10-02", "x", "test"));
    docs[2].published = Some(copydesk_core::DateValue::new("2016-10-01", "x", "test"));
    bundle(docs)
}

#[test]
fn planted_duplicates_are_clustered_with_the_earliest_canonical() {
    let out = stage(json!({})).process(planted()).unwrap();
    assert_eq!(out.duplicates.len(), 1, "{:?}", out.duplicates);
    let c = &out.duplicates[0];
    assert_eq!(c.canonical, "c");
    let m: Vec<(&str, &str)> = c
        .members
        .iter()
        .map(|m| (m.doc.as_str(), m.kind.as_str()))
        .collect();
    assert_eq!(m, [("c", "exact"), ("b", "near"), ("d", "exact")]);
    assert!(c.members[1].similarity >= 0.8 && c.members[1].similarity < 1.0);
    assert_eq!(
        out.document("b").unwrap().duplicate_of.as_deref(),
        Some("c")
    );
    assert_eq!(out.document("d").unwrap().similarity, Some(1.0));
    assert_eq!(out.document("a").unwrap().duplicate_of, None);
    assert_eq!(out.document("e").unwrap().duplicate_of, None);
    assert_eq!(out.documents.len(), 5);
    // Duplicates are not reported again as shared passages.
    assert!(out.shared_passages.is_empty(), "{:?}", out.shared_passages);
}

#[test]
fn canonical_choices_and_drop() {
    let out = stage(json!({"canonical": "first", "action": "drop"}))
        .process(planted())
        .unwrap();
    assert_eq!(out.duplicates[0].canonical, "b");
    let ids: Vec<&str> = out.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "e"]);
    assert_eq!(out.duplicates[0].members.len(), 3);
    let diag = out
        .diagnostics
        .iter()
        .find(|d| d.code == "dedup:dropped")
        .expect("drop diagnostic");
    assert!(
        diag.message.contains("c (duplicate of b") && diag.message.contains("d (duplicate of b"),
        "{}",
        diag.message
    );

    let out = stage(json!({"canonical": "longest"}))
        .process(planted())
        .unwrap();
    assert_eq!(out.duplicates[0].canonical, "b");
}

#[test]
fn options_are_checked() {
    let options = |v: serde_json::Value| Options(v.as_object().unwrap().clone());
    assert!(DedupPlugin::create("dedup", &options(json!({"threshold": 1.5}))).is_err());
    assert!(DedupPlugin::create("dedup", &options(json!({"canonical": "newest"}))).is_err());
    assert!(DedupPlugin::create("dedup", &options(json!({"scope": "corpus"}))).is_ok());
    assert!(DedupPlugin::create("dedup", &options(json!({"scope": "world"}))).is_err());
    assert!(DedupPlugin::create("dedup", &options(json!({"shingle": 0}))).is_err());
    assert!(DedupPlugin::create("nope", &options(json!({}))).is_err());
    let spec = &DedupPlugin::stages()[0];
    assert_eq!(spec.requires, ["text"]);
    assert_eq!(spec.provides, ["duplicates"]);
    for o in &spec.options {
        assert!(!o.doc.is_empty());
    }
}

#[test]
fn same_output_for_any_thread_count() {
    let b = kerry();
    let mut c1 = StageConfig::default();
    c1.params.threads = 1;
    let mut c4 = StageConfig::default();
    c4.params.threads = 4;
    let mut planted_many = planted();
    let more = planted_many.documents.clone();
    for (i, mut d) in more.into_iter().cycle().take(600).enumerate() {
        d.id = format!("x{i}");
        planted_many.documents.push(d);
    }
    for input in [b, planted_many] {
        assert_eq!(dedup_bundle(input.clone(), &c1), dedup_bundle(input, &c4));
    }
}
