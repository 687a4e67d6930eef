//! The example bundle `examples/bundles/kerry-syria`: every field of every document.

use copydesk_core::{DocKind, Document, Level};
use copydesk_parse::{parse, ParseOptions};

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/bundles/kerry-syria"
);

fn load(prefix: &str) -> Document {
    let entry = std::fs::read_dir(DIR)
        .expect("bundle dir")
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .expect("file");
    let stem = entry.file_stem().unwrap().to_string_lossy().to_string();
    let mut doc = Document::unparsed(
        format!("kerry-syria/{stem}"),
        "kerry-syria",
        entry.to_string_lossy().to_string(),
    );
    doc.raw = Some(std::fs::read_to_string(&entry).unwrap());
    let doc = parse(doc, &ParseOptions::default()).expect("parses");
    doc.check_spans().expect("spans fit");
    assert!(doc.raw.is_none() && doc.raw_base64.is_none());
    for s in &doc.sentences {
        assert!(
            !doc.span_text(*s).contains("\n\n"),
            "sentence spans a paragraph break"
        );
    }
    doc
}

fn codes(doc: &Document) -> Vec<&str> {
    doc.diagnostics.iter().map(|d| d.code.as_str()).collect()
}

fn sentences(doc: &Document) -> Vec<&str> {
    doc.sentences.iter().map(|s| doc.span_text(*s)).collect()
}

const FURNITURE: &[&str] = &[
    "ugc_banner",
    "main img",
    "Advertisement",
    "RELATED",
    "Latest Headlines",
    "Send comments",
    "News ID",
    "/AP",
    "Photograph:",
    "Photo by",
    "License Photo",
    "with inputs from",
    "EghtesadOnline:",
    "(UPI) --",
];

fn assert_clean(doc: &Document) {
    for f in FURNITURE {
        assert!(!doc.text.contains(f), "{}: `{f}` left in the text", doc.id);
    }
    assert_eq!(doc.paragraphs.len(), doc.text.split("\n\n").count());
}

#[test]
fn doc_000_worldtribune() {
    let d = load("000_");
    assert_eq!(d.kind, DocKind::Article);
    assert_eq!(d.source.format.as_deref(), Some("text"));
    assert_eq!(d.title.as_deref(), Some("In leaked audio, Kerry admits losing ‘argument’ for force against Assad’s forces in Syria"));
    assert_eq!(d.outlet.as_deref(), Some("WorldTribune"));
    assert_eq!(d.byline, None);
    assert!(d.authors.is_empty());
    let p = d.published.as_ref().unwrap();
    assert_eq!(
        (p.value.as_str(), p.raw.as_str(), p.method.as_str()),
        ("2016-10-02", "October 2, 2016", "byline")
    );
    assert_eq!(d.updated, None);
    assert_eq!(d.dateline, None);
    assert_eq!(d.language.as_deref(), Some("en"));
    assert_clean(&d);
    assert!(
        !d.text.contains("behave like Russians’: U.S."),
        "caption left"
    );
    assert_eq!(d.paragraphs.len(), 9);
    assert!(d
        .text
        .starts_with("A frustrated U.S. Secretary of State John Kerry told"));
    assert!(d.text.ends_with("ending this civil war.”"));
    assert_eq!(
        codes(&d)
            .iter()
            .filter(|c| **c == "boilerplate:caption")
            .count(),
        2
    );
    let s = sentences(&d);
    assert_eq!(s[0], "A frustrated U.S. Secretary of State John Kerry told a group of Syrian civilians last week that he “lost the argument” within the Obama administration for the use of force against the regime of Syrian President Bashar Assad.");
    assert!(s.contains(&"“You can be mad at us, but what we are trying to do is help Syrians to fight for their own country, and we have been spending a lot of money, a lot of effort,” Kerry said."));
}

#[test]
fn doc_001_wion() {
    let d = load("001_");
    assert_eq!(
        d.title.as_deref(),
        Some("Kerry laments lack of Syria options in leaked audio")
    );
    assert_eq!(d.outlet.as_deref(), Some("WION"));
    assert_eq!(d.byline, None);
    assert!(d.authors.is_empty());
    assert_eq!(d.published, None);
    let u = d.updated.as_ref().unwrap();
    assert_eq!(
        (u.value.as_str(), u.raw.as_str()),
        ("2016-10-01T09:10:00+05:30", "Oct 01, 2016, 09:10 AM IST")
    );
    assert_eq!(d.dateline.as_deref(), Some("Washington"));
    assert_clean(&d);
    assert!(!d.text.contains("WION"));
    assert!(
        !d.text.contains("Kerry has been pressuring President Obama"),
        "caption left"
    );
    assert!(!d.text.contains('\u{a0}'));
    assert!(d
        .text
        .starts_with("The New York Times released a recording on Friday"));
    assert!(d.text.ends_with("have overlooked Assad and his forces."));
    assert_eq!(d.paragraphs.len(), 10);
    for c in [
        "boilerplate:placeholder",
        "boilerplate:caption",
        "boilerplate:credit",
    ] {
        assert!(codes(&d).contains(&c), "{c}");
    }
    assert_eq!(
        codes(&d)
            .iter()
            .filter(|c| **c == "boilerplate:placeholder")
            .count(),
        2,
        "ugc_banner and main img"
    );
    let s = sentences(&d);
    assert!(s.contains(
        &"\"I've argued for the use of force ... but things evolved into a different process.\""
    ));
    assert!(s.contains(&"You have nobody more frustrated than we are,\" he told the Syrians."));
}

#[test]
fn doc_002_eghtesad() {
    let d = load("002_");
    assert_eq!(
        d.title.as_deref(),
        Some("Kerry said he lost argument to back Syria diplomacy with force: NYT")
    );
    assert_eq!(d.outlet.as_deref(), Some("EghtesadOnline"));
    assert_eq!(d.byline, None);
    let p = d.published.as_ref().unwrap();
    assert_eq!(
        (p.value.as_str(), p.raw.as_str()),
        ("2016-10-01T04:47:00", "01 / October / 2016 04:47")
    );
    assert_eq!(d.updated, None);
    assert_eq!(d.dateline, None);
    assert_clean(&d);
    assert_eq!(
        d.text.matches("Kerry said he lost argument").count(),
        0,
        "headline stays out of the body"
    );
    assert!(codes(&d).contains(&"boilerplate:duplicate-headline"));
    assert!(codes(&d).contains(&"boilerplate:news-id"));
    assert!(codes(&d).contains(&"boilerplate:comments"));
    assert!(d
        .text
        .starts_with("U.S. Secretary of State John Kerry, in a meeting last week"));
    assert!(d
        .text
        .ends_with("did not immediately respond to a Reuters request for comment."));
    assert_eq!(d.paragraphs.len(), 12);
}

#[test]
fn doc_003_upi() {
    let d = load("003_");
    assert_eq!(
        d.title.as_deref(),
        Some("Audio tape shows Kerry frustrated about Syria as Aleppo nears collapse")
    );
    assert_eq!(d.outlet.as_deref(), Some("UPI"));
    assert_eq!(d.byline.as_deref(), Some("Doug G. Ware"));
    assert_eq!(d.authors, ["Doug G. Ware"]);
    let p = d.published.as_ref().unwrap();
    assert_eq!(
        (p.value.as_str(), p.raw.as_str()),
        ("2016-09-30", "Sept. 30")
    );
    assert!(p.method.contains("inferred"), "{}", p.method);
    assert_eq!(d.dateline.as_deref(), Some("NEW YORK, Sept. 30 (UPI)"));
    assert_clean(&d);
    assert!(
        !d.text.contains("Syrian citizens survey burning"),
        "caption left"
    );
    assert!(
        !d.text
            .contains("addresses recent attacks in Syria during the Security Council"),
        "caption left"
    );
    assert!(
        d.text
            .contains("\n\nAs the United States and opposition forces continue"),
        "dateline cut from the lead"
    );
    assert_eq!(
        codes(&d)
            .iter()
            .filter(|c| **c == "boilerplate:advertisement")
            .count(),
        4
    );
    assert_eq!(
        codes(&d)
            .iter()
            .filter(|c| **c == "boilerplate:caption")
            .count(),
        3
    );
    assert_eq!(
        codes(&d)
            .iter()
            .filter(|c| **c == "boilerplate:related")
            .count(),
        3
    );
    assert_eq!(d.paragraphs.len(), 15);
    assert!(d
        .text
        .ends_with("State Department spokesperson Mark Toner said Friday."));
    let s = sentences(&d);
    assert!(s.contains(&"Friday, The New York Times published excerpts of a tape that was recorded last week during the United Nations General Assembly -- in which Secretary of State John F. Kerry is heard backing the U.S.-led effort to end Syria's civil war, but also voicing concerns that it's getting more difficult to achieve peace."));
}

#[test]
fn doc_004_transcript() {
    let d = load("004_");
    assert_eq!(d.kind, DocKind::Transcript);
    assert_eq!(d.source.format.as_deref(), Some("transcript"));
    assert_eq!(
        d.title.as_deref(),
        Some("Audio reveals what John Kerry told Syrians behind closed doors")
    );
    // 108 timestamp lines, 5 labels without a timestamp.
    assert_eq!(d.turns.len(), 113);
    assert_eq!(
        d.turns.iter().filter(|t| t.timestamp.is_some()).count(),
        108
    );
    assert_eq!(
        d.turns
            .iter()
            .filter(|t| t.timestamp.is_some() && t.seconds.is_none())
            .count(),
        2
    );
    for t in &d.turns {
        assert!(!t.speaker.is_empty());
        assert!(
            !t.span.is_empty(),
            "turn of {} at {:?} is empty",
            t.speaker,
            t.timestamp
        );
        assert!(
            !t.speech || !d.span_text(t.span).starts_with("Translates"),
            "direction left in speech"
        );
    }
    let t0 = &d.turns[0];
    assert_eq!(
        (t0.speaker.as_str(), t0.timestamp.as_deref(), t0.seconds),
        ("Male voice", Some("0:00"), Some(0.0))
    );
    assert_eq!(d.span_text(t0.span), "Coming from Aleppo into BBC world.");
    let kerry = &d.turns[2];
    assert_eq!(
        (
            kerry.speaker.as_str(),
            kerry.timestamp.as_deref(),
            kerry.seconds,
            kerry.uncertain
        ),
        ("Kerry", Some("01:55"), Some(115.0), false)
    );
    assert_eq!(d.turns[3].speaker, "Female voic");
    assert!(d.turns.iter().any(|t| t.speaker == "Keirry"));
    let bad = d
        .turns
        .iter()
        .find(|t| t.timestamp.as_deref() == Some("31:99"))
        .unwrap();
    assert_eq!(
        (bad.speaker.as_str(), bad.seconds, bad.uncertain),
        ("Kerry? someone else", None, true)
    );
    assert!(d
        .span_text(bad.span)
        .starts_with("Well ... Look. It's a hard choice."));
    let flagged: Vec<_> = d
        .diagnostics
        .iter()
        .filter(|x| x.code == "transcript:bad-timestamp")
        .collect();
    assert_eq!(flagged.len(), 2);
    assert_eq!(
        (flagged[0].level.clone(), flagged[0].line),
        (Level::Warning, Some(603))
    );
    assert!(flagged[0].message.contains("31:99"));
    assert_eq!(flagged[1].line, Some(615));
    // Uncertain labels kept as written.
    for label in [
        "Kerry?",
        "Kirby?",
        "Kirby? someone else",
        "Kerry? someone else",
        "Michael?:",
        "Kirby ? someone else",
    ] {
        let t = d
            .turns
            .iter()
            .find(|t| t.speaker == label)
            .unwrap_or_else(|| panic!("no turn for {label}"));
        assert!(t.uncertain, "{label}");
    }
    // Labels without a timestamp.
    let m = d.turns.iter().find(|t| t.speaker == "Michael?:").unwrap();
    assert_eq!(m.timestamp, None);
    assert!(d.span_text(m.span).starts_with("Yeah, and I have to say"));
    assert!(
        d.span_text(m.span).ends_with("And you end up with Aleppo."),
        "three paragraphs in one turn"
    );
    // Stage directions.
    let directions: Vec<_> = d.turns.iter().filter(|t| !t.speech).collect();
    assert!(directions.iter().all(|t| matches!(
        d.span_text(t.span),
        "Speaks Arabic/Syrian" | "Translates. Speaks Arabic/Syrian"
    )));
    assert_eq!(directions.len(), 20, "20 lines are only a stage direction");
    let cut = d
        .turns
        .iter()
        .find(|t| t.timestamp.as_deref() == Some("08:50") && t.speech)
        .unwrap();
    assert_eq!(d.span_text(cut.span), "To be honest, I don't think that the United States should have a monitoring role inside Syria.");
    assert_eq!(
        d.diagnostics
            .iter()
            .filter(|x| x.code == "transcript:stage-direction")
            .count(),
        7
    );
    // Labels and directions are not sentences.
    for s in sentences(&d) {
        assert!(
            !s.starts_with("Speaks ") && !s.starts_with("Translates") && s != "Kerry",
            "{s}"
        );
    }
    assert!(!d.text.contains("\n\nKerry\n\n"));
}
