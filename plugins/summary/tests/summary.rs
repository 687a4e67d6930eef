//! End-to-end tests of the summary stage: the example bundle, bad input,
//! determinism and the plugin surface.

#[path = "../examples/common/mod.rs"]
mod common;

use std::path::PathBuf;

use copydesk_core::{Bundle, DateValue, DocKind, Document, Options, Plugin, Span, Stage, Summary};
use copydesk_summary::{summarize, Order, SummaryOptions, SummaryPlugin};

fn kerry() -> Bundle {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/bundles/kerry-syria");
    common::read_dir(&dir)
}

fn doc(id: &str, paragraphs: &[&str]) -> Document {
    let mut d = Document::unparsed(id, "b", format!("{id}.txt"));
    d.kind = DocKind::Article;
    common::fill_text(
        &mut d,
        &paragraphs.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
    );
    d
}

fn bundle(docs: Vec<Document>) -> Bundle {
    Bundle::new("b", docs)
}

fn opts(words: usize) -> SummaryOptions {
    SummaryOptions {
        words,
        ..SummaryOptions::default()
    }
}

/// Every sentence is cited exactly, the text is the sentences joined by one space, the budget holds.
fn check_summary(b: &Bundle, s: &Summary, budget: usize) {
    for sent in &s.sentences {
        let d = b
            .document(&sent.doc)
            .unwrap_or_else(|| panic!("unknown doc {}", sent.doc));
        assert_eq!(
            d.text.get(sent.start..sent.end),
            Some(sent.text.as_str()),
            "citation of {sent:?}"
        );
    }
    let joined = s
        .sentences
        .iter()
        .map(|x| x.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(s.text, joined);
    assert!(
        s.text.split_whitespace().count() <= budget,
        "{} words > {budget}: {}",
        s.text.split_whitespace().count(),
        s.text
    );
    assert_eq!(s.words, budget);
}

fn codes(d: &[copydesk_core::Diagnostic]) -> Vec<&str> {
    d.iter().map(|d| d.code.as_str()).collect()
}

#[test]
fn kerry_brief_says_he_lost_the_argument_for_force() {
    let b = kerry();
    assert_eq!(b.documents.len(), 5);
    let (s, _) = summarize(&b, &opts(100));
    check_summary(&b, &s, 100);
    let text = &s.text;
    assert!(text.contains("Kerry"), "{text}");
    assert!(text.contains("lost"), "{text}");
    assert!(
        text.contains("argument") && text.contains("force"),
        "{text}"
    );
    assert!(text.contains("Syrian"), "{text}");
    // the story is a recording: the brief must say so
    assert!(
        text.contains("audio") || text.contains("recording"),
        "{text}"
    );
    // no quote whose speaker is only `he` (named in a sentence left out)
    assert!(
        !text.contains("\" he said") && !text.contains(",\" he "),
        "{text}"
    );
    for bad in [
        "Photo",
        "/AP",
        "(UPI)",
        "Advertisement",
        "RELATED",
        "Send comments",
        "Photograph",
        "[0:",
        "voice",
    ] {
        assert!(!text.contains(bad), "{bad:?} in {text}");
    }
    // the transcript is not a source while there are articles
    let transcript = b
        .documents
        .iter()
        .find(|d| d.kind == DocKind::Transcript)
        .expect("a transcript")
        .id
        .clone();
    assert!(s.sentences.iter().all(|x| x.doc != transcript));
    // no near-duplicate sentences
    for (i, a) in s.sentences.iter().enumerate() {
        for c in &s.sentences[i + 1..] {
            assert_ne!(
                copydesk_text::normalize(&a.text),
                copydesk_text::normalize(&c.text)
            );
        }
    }
}

#[test]
fn kerry_focus_and_orders() {
    let b = kerry();
    let mut o = opts(100);
    // A focus the generic brief does not answer pulls in the sentence that does.
    o.focus = Some("Russia and international law".into());
    let (s, _) = summarize(&b, &o);
    check_summary(&b, &s, 100);
    assert!(s.text.contains("international law"), "{}", s.text);
    o.focus =
        Some("Why did the ceasefire with Russia collapse and what happened in Aleppo?".into());
    let (s, _) = summarize(&b, &o);
    check_summary(&b, &s, 100);
    assert!(
        s.text.contains("Aleppo") || s.text.contains("ceasefire") || s.text.contains("cease-fire"),
        "{}",
        s.text
    );
    o.order = Order::Salience;
    let (s2, _) = summarize(&b, &o);
    check_summary(&b, &s2, 100);
    let mut a: Vec<_> = s.sentences.iter().map(|x| (&x.doc, x.start)).collect();
    let mut c: Vec<_> = s2.sentences.iter().map(|x| (&x.doc, x.start)).collect();
    a.sort();
    c.sort();
    assert_eq!(a, c, "order changes the order only");
}

#[test]
fn deterministic() {
    let b = kerry();
    let first = summarize(&b, &opts(100));
    for _ in 0..3 {
        assert_eq!(summarize(&b, &opts(100)), first);
    }
}

#[test]
fn empty_bundle() {
    let b = bundle(vec![]);
    let (s, d) = summarize(&b, &opts(100));
    assert!(s.text.is_empty() && s.sentences.is_empty());
    assert_eq!(s.words, 100);
    assert!(codes(&d).contains(&"summary:empty-bundle"));
}

#[test]
fn documents_without_text() {
    let b = bundle(vec![Document::unparsed("x", "b", "x.txt")]);
    let (s, d) = summarize(&b, &opts(100));
    assert!(s.sentences.is_empty());
    assert!(codes(&d).contains(&"summary:no-text"));
}

#[test]
fn one_document() {
    let d = doc(
        "one",
        &[
            "The city council approved a new budget for the public library on Monday evening.",
            "The budget adds money for longer opening hours and new books for the public library.",
            "Council members said the library had been underfunded for a decade.",
        ],
    );
    let b = bundle(vec![d]);
    let (s, _) = summarize(&b, &opts(30));
    check_summary(&b, &s, 30);
    assert!(!s.sentences.is_empty());
}

#[test]
fn document_without_sentence_spans_is_split() {
    let mut d = doc("nosent", &["The central bank raised interest rates by half a point on Tuesday. Analysts had expected a smaller rise in the rates."]);
    d.sentences.clear();
    let mut e = d.clone();
    e.id = "nopara".into();
    e.paragraphs.clear();
    for x in [d, e] {
        let b = bundle(vec![x]);
        let (s, diags) = summarize(&b, &opts(15));
        check_summary(&b, &s, 15);
        assert_eq!(s.sentences.len(), 1, "{s:?}");
        assert!(s.text.starts_with("The central bank") || s.text.starts_with("Analysts"));
        assert!(codes(&diags).contains(&"summary:split-sentences"));
    }
}

#[test]
fn bad_spans_are_ignored() {
    let mut d = doc(
        "bad",
        &["The central bank raised interest rates by half a point on Tuesday."],
    );
    d.sentences.push(Span::new(5, 10_000));
    let b = bundle(vec![d]);
    let (s, diags) = summarize(&b, &opts(50));
    check_summary(&b, &s, 50);
    assert!(codes(&diags).contains(&"summary:bad-span"));
}

#[test]
fn budget_too_small_picks_nothing() {
    let b = kerry();
    for budget in [0, 5] {
        let (s, d) = summarize(&b, &opts(budget));
        assert!(s.sentences.is_empty(), "{s:?}");
        assert!(s.text.is_empty());
        assert!(codes(&d).contains(&"summary:budget-too-small"), "{d:?}");
    }
}

#[test]
fn duplicates_are_skipped() {
    let a = doc(
        "a",
        &["Floods forced thousands of residents from their homes in the river valley on Sunday."],
    );
    let mut c = doc(
        "c",
        &["Floods forced thousands of residents from their homes in the valley on Sunday night."],
    );
    c.duplicate_of = Some("a".into());
    let b = bundle(vec![a, c]);
    let (s, _) = summarize(&b, &opts(100));
    check_summary(&b, &s, 100);
    assert!(s.sentences.iter().all(|x| x.doc == "a"));
    let mut o = opts(100);
    o.skip_duplicates = false;
    let (s, _) = summarize(&b, &o);
    // near-duplicate sentences are never both chosen
    assert_eq!(s.sentences.len(), 1);
}

#[test]
fn transcript_only_bundle_is_summarised() {
    let mut t = doc(
        "t",
        &["The minister said the government would review the decision before the end of the year.", "Reporters asked whether the review would include the budget."],
    );
    t.kind = DocKind::Transcript;
    let b = bundle(vec![t]);
    let (s, d) = summarize(&b, &opts(40));
    check_summary(&b, &s, 40);
    assert!(!s.sentences.is_empty());
    assert!(codes(&d).contains(&"summary:transcripts-only"));
}

#[test]
fn chronological_order_follows_dates() {
    let mut a = doc(
        "a",
        &["Rescue teams reached the flooded villages in the river valley on Monday morning."],
    );
    let mut c = doc(
        "c",
        &["The flooded villages in the river valley were evacuated by the army on Sunday."],
    );
    a.published = Some(DateValue::new("2020-05-02", "x", "t"));
    c.published = Some(DateValue::new("2020-05-01", "x", "t"));
    let b = bundle(vec![a, c]);
    let (s, _) = summarize(&b, &opts(100));
    let ids: Vec<&str> = s.sentences.iter().map(|x| x.doc.as_str()).collect();
    assert_eq!(ids, ["c", "a"]);
}

/// A deterministic pseudo-random bundle of `n` documents on a few shared stories.
fn synthetic(n: usize) -> Bundle {
    let mut seed = 0x2545F4914F6CDD1Du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let subjects = [
        "The minister",
        "The central bank",
        "Rescue workers",
        "The city council",
        "Protesters",
        "The company",
        "Police officers",
        "The court",
    ];
    let verbs = [
        "announced",
        "rejected",
        "approved",
        "criticised",
        "delayed",
        "reported",
        "investigated",
        "welcomed",
    ];
    let objects = [
        "a plan to cut emissions from coal plants",
        "new rules for the housing market",
        "the results of the regional election",
        "an increase in fuel prices",
        "a report on flood damage in the north",
        "the merger of two large airlines",
        "a strike by public transport workers",
        "the budget for the coming year",
    ];
    let tails = [
        "on Monday.",
        "after a long debate.",
        "in a statement on Friday.",
        "despite strong opposition.",
        "for the second time this year.",
    ];
    let docs = (0..n)
        .map(|i| {
            let paras: Vec<String> = (0..8)
                .map(|_| {
                    (0..3)
                        .map(|_| {
                            let r = next();
                            format!(
                                "{} {} {} {}",
                                subjects[(r % 8) as usize],
                                verbs[((r >> 8) % 8) as usize],
                                objects[((r >> 16) % 8) as usize],
                                tails[((r >> 24) % 5) as usize]
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect();
            let mut d = doc(&format!("d{i:04}"), &[]);
            common::fill_text(&mut d, &paras);
            d.outlet = Some(format!("outlet{}", i % 37));
            d
        })
        .collect();
    bundle(docs)
}

#[test]
fn two_thousand_documents() {
    // (how long it takes is measured by scripts/bench-scaling.sh, not here)
    let b = synthetic(2000);
    let (s, d) = summarize(&b, &opts(100));
    check_summary(&b, &s, 100);
    assert!(!s.sentences.is_empty());
    assert!(codes(&d).contains(&"summary:candidates-capped"));
}

#[test]
fn plugin_surface() {
    let stages = SummaryPlugin::stages();
    assert_eq!(stages.len(), 1);
    let st = &stages[0];
    assert_eq!(st.name, "summary");
    assert_eq!(st.requires, ["text"]);
    assert_eq!(st.provides, ["summary"]);
    for name in [
        "words",
        "focus",
        "order",
        "min_sentence_words",
        "max_sentence_words",
        "skip_duplicates",
    ] {
        assert!(st.options.iter().any(|o| o.name == name), "{name}");
    }
    let mut map = serde_json::Map::new();
    map.insert("words".into(), 40.into());
    map.insert("order".into(), "salience".into());
    let Ok(Stage::Bundle(stage)) = SummaryPlugin::create("summary", &Options(map)) else {
        panic!("a bundle stage")
    };
    let out = stage.process(kerry()).expect("runs");
    let s = out.summary.clone().expect("a summary");
    check_summary(&out, &s, 40);
    let mut bad = serde_json::Map::new();
    bad.insert("words".into(), (-3).into());
    assert!(SummaryPlugin::create("summary", &Options(bad)).is_err());
    let mut bad = serde_json::Map::new();
    bad.insert("order".into(), "random".into());
    assert!(SummaryPlugin::create("summary", &Options(bad)).is_err());
    assert!(SummaryPlugin::create("nope", &Options::default()).is_err());
}
