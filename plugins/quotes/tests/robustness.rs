//! Unbalanced marks, long documents, odd inputs, options and the plugin declaration.

mod common;

use copydesk_core::{Bundle, DocKind, Document, Options, Plugin, Stage};
use copydesk_quotes::{Config, QuotesPlugin};

fn bundle(docs: Vec<Document>) -> Bundle {
    Bundle::new("t", docs)
}

#[test]
fn unbalanced_marks_do_not_swallow_the_document() {
    let text = "He said “this never closes and goes on.\n\nSecond paragraph with “a real quote here,” Smith said.\n\nA stray ” closing mark and a \"straight one.\n\nThe '90s were fine, we don't mind Assad’s forces.\n\n“Opening at paragraph start is capped\n\nplain paragraph after it.";
    let b = common::run(bundle(vec![common::article("a", text)]));
    let texts: Vec<&str> = b.quotes.iter().map(|q| q.text.as_str()).collect();
    assert_eq!(
        texts,
        ["a real quote here", "Opening at paragraph start is capped"]
    );
    assert_eq!(b.quotes[0].speaker.as_deref(), Some("Smith"));
    let doc = &b.documents[0];
    assert!(doc
        .diagnostics
        .iter()
        .any(|d| d.code == "quotes:unbalanced"));
    for q in &b.quotes {
        assert!(doc
            .text
            .get(q.occurrences[0].start..q.occurrences[0].end)
            .is_some());
    }
}

#[test]
fn multi_paragraph_quote_continues() {
    let text = "“We will not stop. We will keep going until the end.\n\n“And then we will rest,” the minister, Jane Doe, said.\n\nOther text.";
    let b = common::run(bundle(vec![common::article("a", text)]));
    assert_eq!(b.quotes.len(), 1);
    assert_eq!(
        b.quotes[0].text,
        "We will not stop. We will keep going until the end. And then we will rest"
    );
    assert_eq!(b.quotes[0].speaker.as_deref(), Some("Jane Doe"));
}

#[test]
fn pronoun_without_antecedent_is_unknown() {
    let text = "\"We are going to win this one,\" he said.";
    let b = common::run(bundle(vec![common::article("a", text)]));
    assert_eq!(b.quotes[0].speaker, None);
    assert_eq!(b.quotes[0].occurrences[0].speaker, None);
}

#[test]
fn very_long_document_and_transcript() {
    let mut text = String::new();
    for i in 0..1500 {
        text.push_str(&format!("Paragraph {i} says little. “Quote alpha{i} is beta{i} today,” Smith said. An 'odd mark and “another one\n\n"));
    }
    // A transcript opens with its title line, then `label` / `[mm:ss]` / speech.
    let mut tr = String::from("Interview with Smith\n\nSmith\n\n[00:01]\n\n");
    for i in 0..1500 {
        tr.push_str(&format!(
            "quote alpha{i} is beta{i} today and more words follow. "
        ));
    }
    let docs = vec![common::article("a", &text), common::transcript("t", &tr)];
    let b = common::run(bundle(docs));
    assert_eq!(b.quotes.len(), 1500);
    assert!(
        b.quotes
            .iter()
            .all(|q| q.fidelity.as_deref() == Some("verbatim_except_punctuation")),
        "{:?}",
        b.quotes[0]
    );
}

#[test]
fn primary_source_without_turns_is_searched_by_paragraph() {
    let mut statement = Document::new("s", "");
    statement.kind = DocKind::Statement;
    statement.text =
        "We stand with our allies.\n\nWe will decline to comment on private conversations.".into();
    let art = common::article(
        "a",
        "“We will decline to comment on private conversations,” the spokesman, John Kirby, said.",
    );
    let config = Config {
        primary_sources: vec!["s".into()],
        ..Config::default()
    };
    let b = copydesk_quotes::run(bundle(vec![art, statement]), &config);
    let q = &b.quotes[0];
    assert_eq!(q.fidelity.as_deref(), Some("verbatim"));
    assert_eq!(q.source.as_ref().unwrap().turn, 1);
    assert_eq!(q.speaker.as_deref(), Some("John Kirby"));
}

#[test]
fn title_quotes_are_recorded_in_ext() {
    let mut doc = common::article("a", "Body without quotes.");
    doc.title = Some("Kerry admits losing ‘argument’ for force".into());
    let b = common::run(bundle(vec![doc]));
    assert!(b.quotes.is_empty());
    assert_eq!(b.ext["quotes"]["title_quotes"][0]["text"], "argument");
    assert!(b.documents[0]
        .diagnostics
        .iter()
        .any(|d| d.code == "quotes:title"));
}

#[test]
fn caption_colon_form_names_the_speaker() {
    let text = "‘We don’t behave like Russians’: U.S. Secretary of State John Kerry.\n\nThe talks went on.";
    let b = common::run(bundle(vec![common::article("a", text)]));
    assert_eq!(b.quotes.len(), 1, "{:?}", b.quotes);
    assert_eq!(b.quotes[0].text, "We don’t behave like Russians");
    assert_eq!(b.quotes[0].speaker.as_deref(), Some("John Kerry"));
    assert_eq!(
        b.quotes[0].occurrences[0].speaker.as_deref(),
        Some("John Kerry")
    );
}

#[test]
fn empty_and_odd_documents() {
    let docs = vec![
        Document::default(),
        common::article("x", "\"\"\n\n“”\n\n' '\n\n\""),
        // a transcript with a title and no turns: kind transcript, no text
        common::transcript("t", "Only a title"),
    ];
    let b = common::run(bundle(docs));
    assert!(b.quotes.is_empty());
}

#[test]
fn plugin_declares_stage_and_checks_options() {
    let stages = QuotesPlugin::stages();
    assert_eq!(stages.len(), 1);
    assert_eq!(stages[0].name, "quotes");
    assert_eq!(stages[0].requires, ["text"]);
    assert_eq!(stages[0].provides, ["quotes"]);
    let names: Vec<&str> = stages[0].options.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "primary_sources",
            "min_words",
            "fuzzy_threshold",
            "group_threshold"
        ]
    );
    let mut opts = serde_json::Map::new();
    opts.insert("min_words".into(), serde_json::json!(4));
    opts.insert("primary_sources".into(), serde_json::json!(["x"]));
    let stage = QuotesPlugin::create("quotes", &Options(opts)).unwrap();
    let Stage::Bundle(stage) = stage else {
        panic!("a bundle stage")
    };
    // with min_words = 4 the three-word quotes are short quotes
    let b = stage.process(common::example_bundle()).unwrap();
    assert!(b.quotes.iter().all(|q| q.text != "lost the argument"));
    let short = b.ext["quotes"]["short_quotes"].as_array().unwrap();
    assert!(
        short.iter().any(|q| q["text"] == "lost the argument"),
        "{short:?}"
    );
    let mut bad = serde_json::Map::new();
    bad.insert("fuzzy_threshold".into(), serde_json::json!(2.0));
    assert!(QuotesPlugin::create("quotes", &Options(bad)).is_err());
    assert!(QuotesPlugin::create("nope", &Options::default()).is_err());
}
