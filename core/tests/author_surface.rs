//! The SDK as a plugin author outside this crate sees it: the model types
//! are `#[non_exhaustive]`, so everything here is built through
//! constructors (or `Default`) and field assignment. A struct literal in
//! this file would not compile; a constructor that goes missing breaks it.

use copydesk_core::{
    Bundle, BundleStage, Citation, ClusterMember, DateValue, Diagnostic, DocKind, Document,
    DocumentStage, DuplicateCluster, Level, OptionSpec, OptionType, Options, Plugin, Quote,
    QuoteOccurrence, QuoteSource, SharedPassage, Source, Span, Stage, StageError, StageKind,
    StageSpec, Summary, SummarySentence, Turn,
};
use serde_json::json;

const ARTICLE: &str = "Kerry spoke in Geneva. \"We will not stand by,\" Kerry said.";
const TRANSCRIPT: &str = "We will not stand by, and we will not be silent.";

fn article() -> Document {
    let mut doc = Document::new("story/article", "story");
    doc.source = Source::new("story/article.txt");
    doc.source.format = Some("text".into());
    doc.kind = DocKind::Article;
    doc.title = Some("Kerry in Geneva".into());
    doc.published = Some(DateValue::new("2016-10-02", "Oct. 2, 2016", "byline"));
    doc.text = ARTICLE.into();
    doc.paragraphs = vec![Span::new(0, ARTICLE.len())];
    doc.sentences = vec![Span::new(0, 22), Span::new(23, ARTICLE.len())];
    doc
}

fn transcript() -> Document {
    let mut doc = Document::unparsed("story/transcript", "story", "story/transcript.txt");
    doc.set_raw_bytes(TRANSCRIPT.as_bytes().to_vec());
    doc.kind = DocKind::Transcript;
    doc.text = TRANSCRIPT.into();
    let mut turn = Turn::new("Kerry", Span::new(0, TRANSCRIPT.len()));
    turn.timestamp = Some("01:55".into());
    turn.seconds = Some(115.0);
    doc.turns = vec![turn];
    doc
}

fn bundle() -> Bundle {
    let mut bundle = Bundle::new("story", vec![article(), transcript()]);
    bundle.summary = Some(Summary::new(vec![
        SummarySentence::new("Kerry spoke in Geneva.", "story/article", 0, 22),
        SummarySentence::new(&TRANSCRIPT[..21], "story/transcript", 0, 21),
    ]));
    let quoted = ARTICLE.find("We will").unwrap();
    let mut quote = Quote::new(
        "We will not stand by,",
        Some("John Kerry".into()),
        vec![QuoteOccurrence::new(
            "story/article",
            quoted,
            quoted + 21,
            Some("Kerry".into()),
        )],
    );
    let mut source = QuoteSource::new("story/transcript", 0, "Kerry", 0, 21);
    source.timestamp = Some("01:55".into());
    quote.source = Some(source);
    quote.fidelity = Some("verbatim".into());
    bundle.quotes = vec![quote];
    bundle.shared_passages = vec![SharedPassage::new(
        "We will not stand by",
        vec![
            Citation::new("story/article", quoted, quoted + 20),
            Citation::new("story/transcript", 0, 20),
        ],
        1.0,
    )];
    bundle.duplicates = vec![DuplicateCluster::new(
        "story/article",
        vec![ClusterMember::new("story/article", 1.0, "exact")],
    )];
    bundle
}

/// A document stage: counts the sentences that mention a word.
struct Mentions {
    word: String,
}

impl DocumentStage for Mentions {
    fn process(&self, mut doc: Document) -> Result<Document, StageError> {
        if doc.text.is_empty() {
            return Err(StageError::new(format!("{}: no text", doc.id)));
        }
        let n = doc
            .sentences
            .iter()
            .filter(|s| doc.span_text(**s).contains(self.word.as_str()))
            .count();
        doc.ext.insert("mentions".into(), json!({ "sentences": n }));
        doc.diagnostics.push(Diagnostic::new(
            Level::Info,
            "mentions",
            "mentions:counted",
            format!("{n} sentences mention {}", self.word),
        ));
        Ok(doc)
    }
}

/// A bundle stage: checks the quotes against their sources and writes a
/// tally into `bundle.ext`.
struct Tally;

impl BundleStage for Tally {
    fn process(&self, mut bundle: Bundle) -> Result<Bundle, StageError> {
        bundle.check_spans().map_err(StageError::from)?;
        let sourced = bundle.quotes.iter().filter(|q| q.source.is_some()).count();
        let words = bundle.summary.as_ref().map_or(0, |s| s.words);
        bundle.ext.insert(
            "tally".into(),
            json!({ "quotes": bundle.quotes.len(), "sourced": sourced, "summary_words": words }),
        );
        bundle
            .diagnostics
            .push(Diagnostic::warning("tally", "tally:done", "tallied").at_line(1));
        Ok(bundle)
    }
}

struct ThisPlugin;

impl Plugin for ThisPlugin {
    const NAME: &'static str = "surface";
    const VERSION: &'static str = "0.1.0";
    const DESCRIPTION: &'static str = "The author surface, exercised.";
    fn stages() -> Vec<StageSpec> {
        vec![
            StageSpec::new("mentions", StageKind::Document, "Counts mentions.")
                .requires("text")
                .reads(&["text", "sentences"])
                .writes(&["ext.mentions"])
                .option(
                    OptionSpec::new("word", OptionType::String, "Kerry", "The word.").required(),
                ),
            StageSpec::new("tally", StageKind::Bundle, "Tallies quotes.")
                .option(OptionSpec::optional("note", OptionType::String, "A note."))
                .provides("tally"),
        ]
    }
    fn create(stage: &str, options: &Options) -> Result<Stage, StageError> {
        match stage {
            "mentions" => Ok(Stage::document(Mentions {
                word: options.str_or("word", "Kerry")?.to_string(),
            })),
            "tally" => Ok(Stage::bundle(Tally)),
            other => Err(format!("no stage `{other}`").into()),
        }
    }
}

fn document_stage(name: &str, options: &Options) -> Box<dyn DocumentStage> {
    match ThisPlugin::create(name, options) {
        Ok(Stage::Document(stage)) => stage,
        _ => panic!("`{name}` is a document stage"),
    }
}

fn bundle_stage(name: &str) -> Box<dyn BundleStage> {
    match ThisPlugin::create(name, &Options::default()) {
        Ok(Stage::Bundle(stage)) => stage,
        _ => panic!("`{name}` is a bundle stage"),
    }
}

#[test]
fn constructors_fill_what_they_say() {
    let summary = Summary::new(vec![
        SummarySentence::new("One two.", "d", 0, 8),
        SummarySentence::new("Three.", "d", 9, 15),
    ]);
    assert_eq!(summary.text, "One two. Three.");
    assert_eq!(summary.words, 3);
    assert_eq!(Summary::new(Vec::new()).text, "");

    let turn = Turn::new("Kerry?", Span::new(0, 3));
    assert!(turn.speech && !turn.uncertain && turn.timestamp.is_none());

    let quote = Quote::new("words", None, Vec::new());
    assert!(quote.source.is_none() && quote.fidelity.is_none() && !quote.attribution_conflict);

    let doc = Document::new("b/d", "b");
    assert_eq!((doc.id.as_str(), doc.bundle.as_str()), ("b/d", "b"));
    assert_eq!(doc.kind, DocKind::Unknown);

    let mut raw = Document::unparsed("b/x", "b", "x.bin");
    raw.set_raw_bytes(vec![0x66, 0xe9]);
    assert!(raw.raw.is_none() && raw.raw_base64.is_some());
    assert_eq!(raw.raw_bytes().unwrap(), [0x66, 0xe9]);
    raw.set_raw_bytes(b"text".to_vec());
    assert_eq!(raw.raw.as_deref(), Some("text"));
    assert!(raw.raw_base64.is_none());

    let b = Bundle::new("b", vec![doc]);
    assert!(b.summary.is_none() && b.quotes.is_empty() && b.ext.is_empty());
}

#[test]
fn a_bundle_built_from_constructors_is_valid_and_round_trips() {
    let bundle = bundle();
    bundle.check_spans().expect("every span fits");
    let json = serde_json::to_string(&bundle).unwrap();
    let back: Bundle = serde_json::from_str(&json).unwrap();
    assert_eq!(back, bundle);
}

#[test]
fn stages_run_on_constructed_values() {
    let spec = &ThisPlugin::stages()[0];
    assert_eq!(spec.reads, ["text", "sentences"]);
    assert!(spec.options[0].required);

    let options = Options(json!({ "word": "Kerry" }).as_object().unwrap().clone());
    let mentions = document_stage("mentions", &options);
    let out = mentions.process(article()).unwrap();
    assert_eq!(out.ext["mentions"], json!({ "sentences": 2 }));
    assert_eq!(out.diagnostics[0].level, Level::Info);
    assert_eq!(out.diagnostics[0].message, "2 sentences mention Kerry");
    let empty = mentions.process(Document::new("story/empty", "story"));
    assert_eq!(empty.unwrap_err().message, "story/empty: no text");

    let tally = bundle_stage("tally");
    let out = tally.process(bundle()).unwrap();
    assert_eq!(
        out.ext["tally"],
        json!({ "quotes": 1, "sourced": 1, "summary_words": 9 })
    );
    assert_eq!(out.diagnostics[0].line, Some(1));
    assert_eq!(
        out.summary.unwrap().text,
        format!("Kerry spoke in Geneva. {}", &TRANSCRIPT[..21])
    );

    // A span that does not fit is the stage's error, not a panic.
    let mut broken = bundle();
    broken.quotes[0].occurrences[0].end = ARTICLE.len() + 1;
    let e = tally.process(broken).unwrap_err();
    assert!(
        e.message.contains("quotes[0].occurrences[0]"),
        "{}",
        e.message
    );

    assert!(ThisPlugin::create("nope", &Options::default()).is_err());
}
