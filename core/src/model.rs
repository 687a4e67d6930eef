//! The document model: what flows between stages and what the host writes out.
//!
//! Every type here is serialised as JSON when it crosses the plugin boundary
//! (see `docs/abi.md`), so field names are part of the ABI. Fields are only
//! ever added, never renamed; every optional field may be absent on the wire.
//!
//! So every struct here is `#[non_exhaustive]`: outside this crate, build
//! one with its constructor (`Document::new`, `Bundle::new`, `Quote::new`,
//! ...) or `Default::default()`, then assign the public fields; a struct
//! literal would break when a field is added.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A half-open byte range `[start, end)` into a document's `text`.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A new span; `start <= end` is the caller's promise.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }
    /// True when the span covers no bytes.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The text the span covers, or `None` if it does not fit `text` or
    /// does not fall on character boundaries.
    pub fn slice<'a>(&self, text: &'a str) -> Option<&'a str> {
        text.get(self.start..self.end)
    }
}

/// What kind of text a document holds.
///
/// On the wire a lower-case string; a value this version does not know (from
/// a newer plugin) is kept as [`DocKind::Other`], never refused.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum DocKind {
    /// Not yet known (before parsing).
    #[default]
    Unknown,
    /// A news article.
    Article,
    /// A transcript of a recording, speech or meeting.
    Transcript,
    /// A primary source other than a transcript (statement, release).
    Statement,
    /// A kind this version does not know, as written.
    Other(String),
}

impl DocKind {
    /// The wire name (`article`, ...).
    pub fn as_str(&self) -> &str {
        match self {
            DocKind::Unknown => "unknown",
            DocKind::Article => "article",
            DocKind::Transcript => "transcript",
            DocKind::Statement => "statement",
            DocKind::Other(s) => s,
        }
    }
    /// The kind a wire name stands for.
    pub fn from_name(s: &str) -> Self {
        match s {
            "unknown" => DocKind::Unknown,
            "article" => DocKind::Article,
            "transcript" => DocKind::Transcript,
            "statement" => DocKind::Statement,
            other => DocKind::Other(other.to_string()),
        }
    }
}

impl Serialize for DocKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for DocKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        Ok(DocKind::from_name(&s))
    }
}

/// Where a document came from.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Source {
    /// Path of the input file, as given to the host.
    #[serde(default)]
    pub path: String,
    /// Format the file was read as (`text`, `transcript`, `html`, `trec`, `jsonl`, ...).
    #[serde(default)]
    pub format: Option<String>,
    /// For containers holding many records (TREC, JSON Lines): the record's
    /// 1-based line or record number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<u64>,
}

impl Source {
    /// The source of a file read from `path`; `format` and `record` are
    /// unset (assign them when known).
    pub fn new(path: impl Into<String>) -> Self {
        Source {
            path: path.into(),
            ..Source::default()
        }
    }
}

/// A date as found in the source: the raw string, the normalised value and how it was found.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DateValue {
    /// ISO 8601: `2016-10-02`, or `2016-10-01T09:10:00+05:30` when a time was given.
    pub value: String,
    /// The string as written in the source.
    pub raw: String,
    /// How it was found (`byline`, `header-line`, `meta:article:published_time`, `json-ld`, ...).
    pub method: String,
}

impl DateValue {
    /// A date: the normalised `value` (ISO 8601), the `raw` string as
    /// written and the `method` that found it.
    pub fn new(
        value: impl Into<String>,
        raw: impl Into<String>,
        method: impl Into<String>,
    ) -> Self {
        DateValue {
            value: value.into(),
            raw: raw.into(),
            method: method.into(),
        }
    }
}

/// A turn in a transcript: one speaker, one stretch of speech.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Turn {
    /// Speaker label as written (`Kerry`, `Female voice`, `Kirby? someone else`).
    pub speaker: String,
    /// True when the label expresses doubt (`Kerry?`, `someone else`).
    #[serde(default)]
    pub uncertain: bool,
    /// Timestamp as written (`[01:55]` gives `01:55`), if any.
    #[serde(default)]
    pub timestamp: Option<String>,
    /// The timestamp in seconds, when it is a valid time.
    #[serde(default)]
    pub seconds: Option<f64>,
    /// Byte span of the turn's text in the document's `text`.
    pub span: Span,
    /// False for stage directions and other non-speech (`Speaks Arabic/Syrian`).
    #[serde(default = "yes")]
    pub speech: bool,
}

impl Turn {
    /// A turn of speech by `speaker` covering `span` of the document's text:
    /// certain, without a timestamp, and speech (assign `uncertain`,
    /// `timestamp`, `seconds` and `speech` to change that).
    pub fn new(speaker: impl Into<String>, span: Span) -> Self {
        Turn {
            speaker: speaker.into(),
            uncertain: false,
            timestamp: None,
            seconds: None,
            span,
            speech: true,
        }
    }
}

fn yes() -> bool {
    true
}

/// Severity of a diagnostic. On the wire a lower-case string; a level this
/// version does not know (from a newer plugin) is kept as
/// [`Level::Other`], and reports show it with the warnings, so it is
/// never hidden.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Level {
    /// Informational: what a stage did (boilerplate removed, ...).
    Info,
    /// Something looked wrong but was handled.
    Warning,
    /// A level this version does not know, as written.
    Other(String),
}

impl Level {
    /// The wire name (`info`, `warning`, ...).
    pub fn as_str(&self) -> &str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Other(s) => s,
        }
    }
    /// True for anything but `info`: what reports list as warnings.
    pub fn is_warning(&self) -> bool {
        *self != Level::Info
    }
}

impl Serialize for Level {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Level {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        Ok(match s.as_ref() {
            "info" => Level::Info,
            "warning" => Level::Warning,
            other => Level::Other(other.to_string()),
        })
    }
}

/// A note a stage leaves on a document or bundle.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Diagnostic {
    /// Severity.
    pub level: Level,
    /// Stage that wrote it.
    pub stage: String,
    /// Short machine-readable rule or code (`boilerplate:advertisement`).
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
    /// Where in the *input* (1-based line), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

impl Diagnostic {
    /// A diagnostic of any level.
    pub fn new(level: Level, stage: &str, code: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            level,
            stage: stage.into(),
            code: code.into(),
            message: message.into(),
            line: None,
        }
    }
    /// An informational diagnostic.
    pub fn info(stage: &str, code: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            level: Level::Info,
            stage: stage.into(),
            code: code.into(),
            message: message.into(),
            line: None,
        }
    }
    /// A warning.
    pub fn warning(stage: &str, code: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            level: Level::Warning,
            stage: stage.into(),
            code: code.into(),
            message: message.into(),
            line: None,
        }
    }
    /// The same diagnostic pointing at a line of the input.
    pub fn at_line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }
}

/// One document of a bundle: an article, a transcript, a statement.
///
/// Before the parse stage only `id`, `bundle`, `source` and `raw` are set;
/// the parse stage fills the rest and clears `raw`.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Document {
    /// Stable id, unique within the run (`kerry-syria/000_3e3a64f0fc0f036f`).
    pub id: String,
    /// Id of the bundle the document belongs to.
    #[serde(default)]
    pub bundle: String,
    /// Input file and format.
    #[serde(default)]
    pub source: Source,
    /// The file's content as UTF-8, when it was valid UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw: Option<String>,
    /// The file's bytes, base64-encoded (RFC 4648, with padding), when they
    /// were not valid UTF-8. Exactly one of `raw` and `raw_base64` is set
    /// before parsing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_base64: Option<String>,
    /// Article, transcript, ...
    #[serde(default)]
    pub kind: DocKind,
    /// Headline or title.
    #[serde(default)]
    pub title: Option<String>,
    /// Publishing outlet (`WION`, `UPI`).
    #[serde(default)]
    pub outlet: Option<String>,
    /// The byline as a display string (`Doug G. Ware`), credits removed.
    #[serde(default)]
    pub byline: Option<String>,
    /// Person names of the authors, in order.
    #[serde(default)]
    pub authors: Vec<String>,
    /// Publication date.
    #[serde(default)]
    pub published: Option<DateValue>,
    /// Last update, kept apart from publication.
    #[serde(default)]
    pub updated: Option<DateValue>,
    /// Dateline (`NEW YORK, Sept. 30 (UPI)`).
    #[serde(default)]
    pub dateline: Option<String>,
    /// BCP 47 language tag, when known.
    #[serde(default)]
    pub language: Option<String>,
    /// Canonical URL, when known.
    #[serde(default)]
    pub url: Option<String>,
    /// Clean body text. All spans point into this string.
    #[serde(default)]
    pub text: String,
    /// Paragraphs as byte spans into `text`.
    #[serde(default)]
    pub paragraphs: Vec<Span>,
    /// Sentences as byte spans into `text`, in order.
    #[serde(default)]
    pub sentences: Vec<Span>,
    /// Transcript turns (empty for articles).
    #[serde(default)]
    pub turns: Vec<Turn>,
    /// Id of the canonical document this one duplicates, if any.
    #[serde(default)]
    pub duplicate_of: Option<String>,
    /// Jaccard similarity to `duplicate_of`.
    #[serde(default)]
    pub similarity: Option<f64>,
    /// What stages noticed or did.
    #[serde(default)]
    pub diagnostics: Vec<Diagnostic>,
    /// Namespaced data from third-party stages: each stage writes under its
    /// own key (its plugin name), never into another's.
    #[serde(default)]
    pub ext: BTreeMap<String, Value>,
    /// Fields this version does not know, written by a newer plugin: the
    /// host keeps them, sends them to stages that read them and writes them
    /// to `documents.jsonl`.
    #[serde(skip)]
    pub extra: BTreeMap<String, Value>,
}

impl Document {
    /// An empty document `id` of bundle `bundle`; every other field is
    /// empty or unset (assign the ones a stage fills).
    pub fn new(id: impl Into<String>, bundle: impl Into<String>) -> Self {
        Document {
            id: id.into(),
            bundle: bundle.into(),
            ..Document::default()
        }
    }

    /// A document before parsing.
    pub fn unparsed(
        id: impl Into<String>,
        bundle: impl Into<String>,
        path: impl Into<String>,
    ) -> Self {
        Document {
            id: id.into(),
            bundle: bundle.into(),
            source: Source {
                path: path.into(),
                ..Source::default()
            },
            ..Document::default()
        }
    }

    /// The text a span covers (empty if the span is out of range).
    pub fn span_text(&self, span: Span) -> &str {
        span.slice(&self.text).unwrap_or("")
    }

    /// The raw input bytes (decoded from `raw_base64` when needed).
    pub fn raw_bytes(&self) -> Option<Vec<u8>> {
        if let Some(raw) = &self.raw {
            return Some(raw.clone().into_bytes());
        }
        self.raw_base64.as_deref().and_then(crate::base64::decode)
    }

    /// Sets the raw input: `raw` when the bytes are UTF-8, else
    /// `raw_base64` (the other one is cleared).
    pub fn set_raw_bytes(&mut self, bytes: Vec<u8>) {
        match String::from_utf8(bytes) {
            Ok(text) => {
                self.raw = Some(text);
                self.raw_base64 = None;
            }
            Err(e) => {
                self.raw = None;
                self.raw_base64 = Some(crate::base64::encode(e.as_bytes()));
            }
        }
    }

    /// Word count of the clean text (whitespace-separated).
    pub fn word_count(&self) -> usize {
        self.text.split_whitespace().count()
    }

    /// Checks that every span lies inside `text` on character boundaries.
    pub fn check_spans(&self) -> Result<(), String> {
        let spans = self
            .paragraphs
            .iter()
            .chain(&self.sentences)
            .copied()
            .chain(self.turns.iter().map(|t| t.span));
        for span in spans {
            if span.start > span.end || span.slice(&self.text).is_none() {
                return Err(format!(
                    "span {}..{} does not fit the text of document {} ({} bytes)",
                    span.start,
                    span.end,
                    self.id,
                    self.text.len()
                ));
            }
        }
        Ok(())
    }
}

/// Where a passage occurs: document id and byte span in its `text`.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Citation {
    /// Document id.
    pub doc: String,
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Citation {
    /// Bytes `start..end` of document `doc`'s text.
    pub fn new(doc: impl Into<String>, start: usize, end: usize) -> Self {
        Citation {
            doc: doc.into(),
            start,
            end,
        }
    }
}

/// One sentence of a summary, with where it came from.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SummarySentence {
    /// The sentence, exactly as in the source document's `text[start..end]`.
    pub text: String,
    /// Source document id.
    pub doc: String,
    /// First byte in the source document's text.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl SummarySentence {
    /// A sentence of a summary: `text` must be exactly bytes `start..end`
    /// of document `doc`'s text (the host checks).
    pub fn new(text: impl Into<String>, doc: impl Into<String>, start: usize, end: usize) -> Self {
        SummarySentence {
            text: text.into(),
            doc: doc.into(),
            start,
            end,
        }
    }
}

/// A bundle's summary.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Summary {
    /// The sentences joined by single spaces.
    pub text: String,
    /// Each sentence with its citation.
    pub sentences: Vec<SummarySentence>,
    /// Word budget the summary was made for.
    #[serde(default)]
    pub words: usize,
}

impl Summary {
    /// A summary of these sentences: `text` is their texts joined by single
    /// spaces and `words` its word count (assign the budget to `words` when
    /// the summary was made for a different one).
    pub fn new(sentences: Vec<SummarySentence>) -> Self {
        let text = sentences
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let words = text.split_whitespace().count();
        Summary {
            text,
            sentences,
            words,
        }
    }
}

/// A cluster of duplicate documents.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DuplicateCluster {
    /// The document kept as canonical.
    pub canonical: String,
    /// Every member, canonical first, each with its similarity to the canonical.
    pub members: Vec<ClusterMember>,
}

impl DuplicateCluster {
    /// A cluster kept as `canonical`, with every member (canonical first).
    pub fn new(canonical: impl Into<String>, members: Vec<ClusterMember>) -> Self {
        DuplicateCluster {
            canonical: canonical.into(),
            members,
        }
    }
}

/// A member of a duplicate cluster.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ClusterMember {
    /// Document id.
    pub doc: String,
    /// Jaccard similarity to the canonical document (1.0 for itself).
    pub similarity: f64,
    /// `exact` (same normalised text) or `near`.
    pub kind: String,
}

impl ClusterMember {
    /// Document `doc`, with its similarity to the canonical document and
    /// its kind (`exact` or `near`).
    pub fn new(doc: impl Into<String>, similarity: f64, kind: impl Into<String>) -> Self {
        ClusterMember {
            doc: doc.into(),
            similarity,
            kind: kind.into(),
        }
    }
}

/// A passage (sentence or paragraph) that recurs in several documents.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SharedPassage {
    /// The passage as written in its first occurrence.
    pub text: String,
    /// Every occurrence, in document order.
    pub occurrences: Vec<Citation>,
    /// Lowest similarity between an occurrence and the first one (1.0 when identical after normalisation).
    #[serde(default = "one")]
    pub similarity: f64,
}

impl SharedPassage {
    /// A passage as written in its first occurrence, every occurrence, and
    /// the lowest similarity between an occurrence and the first (1.0 when
    /// identical).
    pub fn new(text: impl Into<String>, occurrences: Vec<Citation>, similarity: f64) -> Self {
        SharedPassage {
            text: text.into(),
            occurrences,
            similarity,
        }
    }
}

fn one() -> f64 {
    1.0
}

/// One place a quote occurs in an article.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct QuoteOccurrence {
    /// Document id.
    pub doc: String,
    /// First byte of the quoted words (inside the quote marks).
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// The speaker as written in that document, or null when unknown.
    pub speaker: Option<String>,
}

impl QuoteOccurrence {
    /// The quoted words at bytes `start..end` of document `doc`'s text,
    /// with the speaker as written there (`None` when unknown).
    pub fn new(doc: impl Into<String>, start: usize, end: usize, speaker: Option<String>) -> Self {
        QuoteOccurrence {
            doc: doc.into(),
            start,
            end,
            speaker,
        }
    }
}

/// Where a quote was found in the primary source.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct QuoteSource {
    /// The primary source document (transcript).
    pub doc: String,
    /// Index of the turn in the document's `turns`.
    pub turn: usize,
    /// The turn's timestamp as written, if any.
    pub timestamp: Option<String>,
    /// The turn's speaker label as written (`Kirby? someone else`).
    pub speaker_label: String,
    /// First byte of the matched words in the transcript's text.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl QuoteSource {
    /// Bytes `start..end` of primary source `doc`, in its turn number
    /// `turn` whose speaker label is `speaker_label`; `timestamp` is unset
    /// (assign the turn's when it has one).
    pub fn new(
        doc: impl Into<String>,
        turn: usize,
        speaker_label: impl Into<String>,
        start: usize,
        end: usize,
    ) -> Self {
        QuoteSource {
            doc: doc.into(),
            turn,
            timestamp: None,
            speaker_label: speaker_label.into(),
            start,
            end,
        }
    }
}

/// A direct quote, grouped across the documents that carry it.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Quote {
    /// The quote's words, from its first occurrence.
    pub text: String,
    /// Canonical speaker (`John Kerry`), or null when unknown.
    pub speaker: Option<String>,
    /// Every occurrence.
    pub occurrences: Vec<QuoteOccurrence>,
    /// The aligned passage of the primary source, or null.
    pub source: Option<QuoteSource>,
    /// `verbatim`, `verbatim_except_punctuation`, `altered`, `not_found`, or null without a source.
    pub fidelity: Option<String>,
    /// Word-level diff (for `altered`): `[-removed-]`/`{+added+}` markup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
    /// True when the transcript's label names someone other than the speaker.
    #[serde(default)]
    pub attribution_conflict: bool,
}

impl Quote {
    /// A quote's words, its canonical speaker (`None` when unknown) and
    /// every occurrence; `source`, `fidelity` and `diff` are unset and
    /// `attribution_conflict` is false (assign them once the quote is
    /// checked against a primary source).
    pub fn new(
        text: impl Into<String>,
        speaker: Option<String>,
        occurrences: Vec<QuoteOccurrence>,
    ) -> Self {
        Quote {
            text: text.into(),
            speaker,
            occurrences,
            source: None,
            fidelity: None,
            diff: None,
            attribution_conflict: false,
        }
    }
}

/// A story: documents plus what bundle stages found across them.
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Bundle {
    /// Bundle id (the input directory's name).
    pub id: String,
    /// Documents in input order (sorted by path).
    pub documents: Vec<Document>,
    /// Summary, once a summary stage ran.
    #[serde(default)]
    pub summary: Option<Summary>,
    /// Clusters of duplicate documents.
    #[serde(default)]
    pub duplicates: Vec<DuplicateCluster>,
    /// Passages shared between documents.
    #[serde(default)]
    pub shared_passages: Vec<SharedPassage>,
    /// Quotes, once a quotes stage ran.
    #[serde(default)]
    pub quotes: Vec<Quote>,
    /// Bundle-level diagnostics.
    #[serde(default)]
    pub diagnostics: Vec<Diagnostic>,
    /// Namespaced data from third-party stages.
    #[serde(default)]
    pub ext: BTreeMap<String, Value>,
    /// Bundle-level fields this version does not know (see [`Document::extra`]).
    #[serde(skip)]
    pub extra: BTreeMap<String, Value>,
}

impl Bundle {
    /// A bundle `id` of these documents, with nothing found across them
    /// yet.
    pub fn new(id: impl Into<String>, documents: Vec<Document>) -> Self {
        Bundle {
            id: id.into(),
            documents,
            ..Bundle::default()
        }
    }

    /// Looks a document up by id.
    pub fn document(&self, id: &str) -> Option<&Document> {
        self.documents.iter().find(|d| d.id == id)
    }

    /// Checks every span the bundle holds: each document's, and every
    /// citation of the summary, shared passages and quotes (the document
    /// exists, the span fits its text on character boundaries, and a summary
    /// sentence's text is exactly the span's text).
    pub fn check_spans(&self) -> Result<(), String> {
        let index: std::collections::HashMap<&str, &Document> =
            self.documents.iter().map(|d| (d.id.as_str(), d)).collect();
        let cite = |what: &str, doc: &str, start: usize, end: usize| -> Result<&str, String> {
            let d = index.get(doc).ok_or_else(|| {
                format!("{what} cites document `{doc}`, which is not in the bundle")
            })?;
            d.text.get(start..end).filter(|_| start <= end).ok_or_else(|| {
                format!(
                    "{what} cites {start}..{end} of document `{doc}`, which does not fit its text ({} bytes) on character boundaries",
                    d.text.len()
                )
            })
        };
        for d in &self.documents {
            d.check_spans()?;
        }
        if let Some(summary) = &self.summary {
            for (i, s) in summary.sentences.iter().enumerate() {
                let what = format!("summary.sentences[{i}]");
                let text = cite(&what, &s.doc, s.start, s.end)?;
                if text != s.text {
                    return Err(format!("{what}: its text is not the cited span's text"));
                }
            }
        }
        for (i, p) in self.shared_passages.iter().enumerate() {
            for (j, o) in p.occurrences.iter().enumerate() {
                cite(
                    &format!("shared_passages[{i}].occurrences[{j}]"),
                    &o.doc,
                    o.start,
                    o.end,
                )?;
            }
        }
        for (i, q) in self.quotes.iter().enumerate() {
            for (j, o) in q.occurrences.iter().enumerate() {
                cite(
                    &format!("quotes[{i}].occurrences[{j}]"),
                    &o.doc,
                    o.start,
                    o.end,
                )?;
            }
            if let Some(src) = &q.source {
                cite(&format!("quotes[{i}].source"), &src.doc, src.start, src.end)?;
            }
        }
        Ok(())
    }
}
