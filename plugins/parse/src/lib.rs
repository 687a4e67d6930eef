//! # copydesk-parse
//!
//! The `parse` plugin: raw input files (plain-text articles, transcripts,
//! TREC/SGML newswire records, JSON Lines records, HTML pages) to clean
//! documents: metadata, body text, paragraph and sentence spans, transcript
//! turns, and a diagnostic for everything removed or not understood.
//!
//! Use it as a plugin (`plugin = "parse"`, stage `parse`) or call [`parse`]
//! directly.
#![deny(missing_docs)]

mod article;
mod common;
pub mod dates;
mod html;
mod jsonl;
mod transcript;
mod trec;

use copydesk_core::{
    Document, DocumentStage, OptionSpec, OptionType, Options, Plugin, Stage, StageError, StageKind,
    StageSpec,
};

pub use dates::{find_date, parse_date};
pub use transcript::{looks_like_transcript, parse_timestamp};
pub use trec::split_trec;

/// The input formats the stage reads.
pub const FORMATS: &[&str] = &["auto", "text", "transcript", "html", "trec", "jsonl"];

/// Options of the `parse` stage.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseOptions {
    /// `auto` (detect from the content) or one of `text`, `transcript`, `html`, `trec`, `jsonl`.
    pub format: String,
    /// JSON Lines: field holding a record id (kept in `ext.parse.record_id`); none by default.
    pub field_id: Option<String>,
    /// JSON Lines: body text fields, comma-separated, first present wins.
    pub field_text: String,
    /// JSON Lines: title field(s).
    pub field_title: String,
    /// JSON Lines: URL field(s).
    pub field_url: String,
    /// JSON Lines: authors field(s): a list of names or one string.
    pub field_authors: String,
    /// JSON Lines: publication date field(s).
    pub field_published: String,
    /// JSON Lines: modification date field(s).
    pub field_updated: String,
    /// JSON Lines: outlet field(s).
    pub field_outlet: String,
    /// JSON Lines: language field(s).
    pub field_language: String,
    /// JSON Lines: remove page furniture lines and a leading dateline from
    /// the body (as for plain text); `false` keeps the body as given.
    pub clean: bool,
    /// Segment paragraphs into sentences (`sentences`); `false` leaves them
    /// out, for pipelines whose later stages do not read them.
    pub sentences: bool,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            format: "auto".into(),
            field_id: None,
            field_text: "maintext,text".into(),
            field_title: "title".into(),
            field_url: "url".into(),
            field_authors: "authors".into(),
            field_published: "date_publish".into(),
            field_updated: "date_modify".into(),
            field_outlet: "source_domain".into(),
            field_language: "language".into(),
            clean: true,
            sentences: true,
        }
    }
}

impl ParseOptions {
    /// Reads the options the host checked against [`option_specs`].
    pub fn from_options(options: &Options) -> Result<Self, StageError> {
        let d = ParseOptions::default();
        let format = options.str_or("format", &d.format)?.to_string();
        if !FORMATS.contains(&format.as_str()) {
            return Err(StageError::new(format!(
                "option `format` must be one of {}, got `{format}`",
                FORMATS.join(", ")
            )));
        }
        let s = |name: &str, fallback: &str| -> Result<String, StageError> {
            Ok(options.str_or(name, fallback)?.to_string())
        };
        Ok(ParseOptions {
            format,
            field_id: options.str("field_id")?.map(String::from),
            field_text: s("field_text", &d.field_text)?,
            field_title: s("field_title", &d.field_title)?,
            field_url: s("field_url", &d.field_url)?,
            field_authors: s("field_authors", &d.field_authors)?,
            field_published: s("field_published", &d.field_published)?,
            field_updated: s("field_updated", &d.field_updated)?,
            field_outlet: s("field_outlet", &d.field_outlet)?,
            field_language: s("field_language", &d.field_language)?,
            clean: options.bool("clean")?.unwrap_or(d.clean),
            sentences: options.bool("sentences")?.unwrap_or(d.sentences),
        })
    }
}

/// The options the stage declares.
pub fn option_specs() -> Vec<OptionSpec> {
    let d = ParseOptions::default();
    vec![
        OptionSpec::new("format", OptionType::String, "auto", "Input format: `auto` takes the pipeline's `[input] format` when that is not `auto`, else detects it from the content (TREC `<DOC>`, JSON object, HTML, transcript, else plain text); or force text, transcript, html, trec, jsonl.").choices(FORMATS),
        OptionSpec::optional("field_id", OptionType::String, "JSON Lines: field holding the record's id (kept in `ext.parse.record_id`)."),
        OptionSpec::new("field_text", OptionType::String, d.field_text.as_str(), "JSON Lines: body text field(s), comma-separated; the first present wins."),
        OptionSpec::new("field_title", OptionType::String, d.field_title.as_str(), "JSON Lines: title field(s), comma-separated."),
        OptionSpec::new("field_url", OptionType::String, d.field_url.as_str(), "JSON Lines: URL field(s), comma-separated."),
        OptionSpec::new("field_authors", OptionType::String, d.field_authors.as_str(), "JSON Lines: authors field(s): a list of names or one byline string."),
        OptionSpec::new("field_published", OptionType::String, d.field_published.as_str(), "JSON Lines: publication date field(s)."),
        OptionSpec::new("field_updated", OptionType::String, d.field_updated.as_str(), "JSON Lines: last-modified date field(s)."),
        OptionSpec::new("field_outlet", OptionType::String, d.field_outlet.as_str(), "JSON Lines: outlet field(s)."),
        OptionSpec::new("field_language", OptionType::String, d.field_language.as_str(), "JSON Lines: language field(s)."),
        OptionSpec::new("clean", OptionType::Boolean, d.clean, "JSON Lines: remove page furniture lines (Advertisement, Related: ...) and a leading dateline from the body; false keeps the body as given (for comparing with other tools on the same text)."),
        OptionSpec::new("sentences", OptionType::Boolean, d.sentences, "Segment paragraphs into sentences (`sentences` spans). false leaves them out: for pipelines whose later stages do not read `sentences` (dedup alone, for example), it saves the segmentation; summary and quotes need them."),
    ]
}

/// Rejects binary input: a NUL byte, or more than 10% control bytes in the first 8 KiB.
fn check_binary(path: &str, bytes: &[u8]) -> Result<(), StageError> {
    if let Some(i) = bytes.iter().position(|&b| b == 0) {
        return Err(StageError::new(format!("{path}: looks like a binary file, not text (NUL byte at offset {i}); give a text, HTML, TREC or JSON Lines file")));
    }
    let head = &bytes[..bytes.len().min(8192)];
    let control = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    if control * 10 > head.len() {
        return Err(StageError::new(format!("{path}: looks like a binary file, not text ({control} control bytes in the first {} bytes); give a text, HTML, TREC or JSON Lines file", head.len())));
    }
    Ok(())
}

fn looks_like_html(text: &str) -> bool {
    let head: String = text
        .chars()
        .take(2048)
        .collect::<String>()
        .to_ascii_lowercase();
    let h = head.trim_start();
    if h.starts_with("<!doctype html")
        || h.starts_with("<html")
        || head.contains("<html")
        || head.contains("<head>")
        || head.contains("<body")
    {
        return true;
    }
    // Many tags for the amount of text.
    let tags = [
        "<p>", "<p ", "<div", "<span", "<a href", "<br", "<meta", "<script",
    ]
    .iter()
    .map(|t| head.matches(t).count())
    .sum::<usize>();
    tags >= 8
}

fn looks_like_trec(text: &str) -> bool {
    let t = text.trim_start();
    let head = &t[..t.char_indices().nth(1024).map_or(t.len(), |x| x.0)];
    t.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("<DOC>"))
        || (head.contains("<DOC>") && head.contains("<DOCNO>"))
}

/// The format to parse as when the stage's own `format` is `auto`: the
/// host's hint (`[input] format`, or the container a record came from:
/// `jsonl` for a JSON Lines line, `trec` for a `<DOC>` record) when it names
/// a format, else what the content looks like.
fn detect(text: &str, hint: Option<&str>) -> &'static str {
    if let Some(hinted) = FORMATS
        .iter()
        .copied()
        .find(|f| *f != "auto" && Some(*f) == hint)
    {
        return hinted;
    }
    if looks_like_trec(text) {
        return "trec";
    }
    let t = text.trim_start();
    if t.starts_with('{')
        && serde_json::from_str::<serde_json::Value>(t.lines().next().unwrap_or("")).is_ok()
    {
        return "jsonl";
    }
    if looks_like_html(text) {
        return "html";
    }
    if transcript::looks_like_transcript(text) {
        return "transcript";
    }
    "text"
}

/// Parses one raw document.
///
/// Errors: empty input, binary input, and (JSON Lines) a record that is not
/// JSON. Everything else is parsed as far as possible, with diagnostics.
pub fn parse(mut doc: Document, opts: &ParseOptions) -> Result<Document, StageError> {
    let path = if doc.source.path.is_empty() {
        doc.id.clone()
    } else {
        doc.source.path.clone()
    };
    let bytes = doc.raw_bytes().ok_or_else(|| {
        if doc.raw_base64.is_some() {
            StageError::new(format!("{path}: raw_base64 is not valid base64"))
        } else {
            StageError::new(format!("{path}: file is empty"))
        }
    })?;
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(StageError::new(if bytes.is_empty() {
            format!("{path}: file is empty")
        } else {
            format!("{path}: file is empty (only white space)")
        }));
    }
    check_binary(&path, &bytes)?;
    let text = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let (s, note) = copydesk_extract::decode(e.as_bytes());
            doc.diagnostics.push(common::warning(
                "encoding",
                format!(
                    "the input is not valid UTF-8: {}",
                    note.unwrap_or_else(|| "decoded".into())
                ),
                None,
            ));
            s
        }
    };
    let text = if text.starts_with('\u{feff}') || text.contains('\r') {
        text.strip_prefix('\u{feff}')
            .unwrap_or(&text)
            .replace("\r\n", "\n")
            .replace('\r', "\n")
    } else {
        text
    };
    doc.raw = None;
    doc.raw_base64 = None;

    let hint = doc.source.format.as_deref();
    let format = match opts.format.as_str() {
        "auto" => detect(&text, hint),
        f => FORMATS.iter().copied().find(|x| *x == f).unwrap_or("text"),
    };
    match format {
        "trec" => trec::parse(&mut doc, &text),
        "jsonl" => jsonl::parse(&mut doc, &text, opts)?,
        "html" => html::parse(&mut doc, &text),
        "transcript" => transcript::parse(&mut doc, &text),
        _ => article::parse(&mut doc, &text),
    }
    doc.source.format = Some(format.to_string());
    if !opts.sentences {
        doc.sentences = Vec::new();
    } else if format != "transcript" {
        // (a transcript's sentences are its speech only: the format sets them)
        common::set_sentences(&mut doc);
    }
    if doc.language.is_none() && looks_english(&doc.text) {
        doc.language = Some("en".into());
    }
    if doc.text.is_empty() {
        doc.diagnostics.push(common::warning(
            "empty-text",
            "no body text was found",
            None,
        ));
    }
    Ok(doc)
}

/// English when at least 30 words and a quarter of them are English stop
/// words, judged on the first 200 words (English prose runs at 40-50 %).
fn looks_english(text: &str) -> bool {
    const SAMPLE: usize = 200;
    let (mut n, mut stop) = (0usize, 0usize);
    for w in copydesk_text::Words::new(text).take(SAMPLE) {
        n += 1;
        stop += usize::from(copydesk_text::stopwords::is_stopword_any_case(w.text));
    }
    n >= 30 && stop * 4 >= n
}

/// The `parse` document stage.
pub struct ParseStage {
    opts: ParseOptions,
}

impl ParseStage {
    /// A stage with these options.
    pub fn new(opts: ParseOptions) -> Self {
        ParseStage { opts }
    }
}

impl DocumentStage for ParseStage {
    fn process(&self, doc: Document) -> Result<Document, StageError> {
        parse(doc, &self.opts)
    }
}

/// The `parse` plugin.
pub struct ParsePlugin;

impl Plugin for ParsePlugin {
    const NAME: &'static str = "parse";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const DESCRIPTION: &'static str =
        "Parses raw news files (text, transcripts, TREC, JSON Lines, HTML) into clean documents.";

    fn stages() -> Vec<StageSpec> {
        let mut spec = StageSpec::new("parse", StageKind::Document, "Raw file to clean document: metadata, body, paragraphs, sentences, transcript turns, boilerplate removed with diagnostics.").provides("text")
            .reads(&["source", "raw", "raw_base64"])
            .writes(&[
                "source", "raw", "raw_base64", "kind", "title", "outlet", "byline", "authors",
                "published", "updated", "dateline", "language", "url", "text", "paragraphs",
                "sentences", "turns", "ext.parse",
            ]);
        for o in option_specs() {
            spec = spec.option(o);
        }
        vec![spec]
    }

    fn create(stage: &str, options: &Options) -> Result<Stage, StageError> {
        match stage {
            "parse" => Ok(Stage::document(ParseStage::new(
                ParseOptions::from_options(options)?,
            ))),
            other => Err(StageError::new(format!(
                "plugin `parse` has no stage `{other}`"
            ))),
        }
    }
}

// The shared library with the export symbol is `cdylib/` (package copydesk-parse-plugin).

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(raw: &str, hint: Option<&str>) -> Document {
        let mut d = Document::unparsed("b/page", "b", "b/page.html");
        d.raw = Some(raw.into());
        d.source.format = hint.map(String::from);
        d
    }

    const PAGE: &str = "<!DOCTYPE html>\n<html><head><title>T</title></head>\n<body>\n<p>Kerry spoke on Monday.</p>\n</body></html>\n";

    #[test]
    fn the_host_format_hint_wins_over_detection() {
        let opts = ParseOptions::default();
        let d = parse(doc(PAGE, None), &opts).unwrap();
        assert_eq!(d.source.format.as_deref(), Some("html"));
        // `[input] format = "text"`: the page is text, markup and all.
        let d = parse(doc(PAGE, Some("text")), &opts).unwrap();
        assert_eq!(d.source.format.as_deref(), Some("text"));
        assert!(
            d.text.contains("<p>Kerry spoke on Monday.</p>"),
            "{}",
            d.text
        );
        // A hint that names no format is ignored.
        let d = parse(doc(PAGE, Some("auto")), &opts).unwrap();
        assert_eq!(d.source.format.as_deref(), Some("html"));
        // The stage's own `format` wins over the hint.
        let forced = ParseOptions {
            format: "html".into(),
            ..ParseOptions::default()
        };
        let d = parse(doc(PAGE, Some("text")), &forced).unwrap();
        assert_eq!(d.source.format.as_deref(), Some("html"));
    }
}
