//! # copydesk-quotes
//!
//! The `quotes` bundle stage: direct quotes in the articles of a bundle,
//! who said them, which outlets carry them, and whether the primary source
//! (a transcript) has them as printed.
//!
//! ## Extraction ([`extract`])
//!
//! Articles (`kind` `article` or `unknown`, not listed as primary sources)
//! are scanned paragraph by paragraph for curly, straight and guillemet
//! double quotes and for single quotes (`‘argument’`) outside double ones.
//! Apostrophes (`don't`, `Assad’s`, `'90s`, `'em`) are not quote marks. A
//! quote never runs past its paragraph unless it opens at the paragraph
//! start and the next paragraph also opens with a quote mark (the newspaper
//! convention for multi-paragraph quotes). Each occurrence's span covers the
//! quoted words (inside the marks, trailing `,`/`;`/`:` dropped) in the
//! document's `text`.
//!
//! **Titles.** Spans point into `text`, so a quote in `doc.title` that is not
//! also in `text` cannot be an occurrence. Such title quotes are recorded in
//! `bundle.ext.quotes.title_quotes` (`doc`, `text`, byte `start`/`end` in
//! the title) with an informational diagnostic on the document. When the
//! title is repeated in `text` (as some parsers keep it), its quotes are
//! ordinary occurrences.
//!
//! **Short quotes.** Quotes with fewer than `min_words` words (scare quotes
//! like ‘argument’) are not reported as quotes: a single word aligns
//! anywhere in a long transcript, so its "source" would be noise. They are
//! listed in `bundle.ext.quotes.short_quotes` with their speaker.
//!
//! ## Attribution ([`attribution`])
//!
//! Said-after (`"…," Kerry said`, `"…," said Kerry`, `"…," he warned`),
//! said-before (`Kerry said: "…"`, `Kerry told the Syrians that "…"`,
//! `Kerry responded that "…"`, `spokesman John Kirby told CNN: "…"`),
//! `according to`, caption colon forms (`‘…’: John Kerry`); without a speech
//! verb, the one person named in the quote's sentence (`spokesman John Kirby
//! did not deny …, "…"`), else the previous quote's speaker when that quote
//! is in the same or the previous paragraph (continuation). `he`/`she` resolve to the last named speaker of the same
//! document; with none, the speaker is null.
//!
//! **Canonical person.** Titles are stripped (`U.S. Secretary of State John
//! Kerry` → `John Kerry`), names are grouped by surname within the bundle,
//! and the canonical form is the longest full name without middle initials
//! (`John F. Kerry`, `Kerry`, `Secretary Kerry` → `John Kerry`). An
//! occurrence's `speaker` is the name as that document writes it, titles
//! stripped (`John F. Kerry`); for a pronoun, the antecedent as written.
//!
//! ## Grouping
//!
//! Occurrences are compared on normalised word keys (case, punctuation,
//! number forms, fillers and bracketed insertions ignored). Two quotes are
//! one when `2·LCS/(|a|+|b|) ≥ group_threshold` (default 0.8), so `three
//! people, four people` and `three, four people` group, and `firsthand` /
//! `first hand` variants group. **A short partial quote contained in a longer
//! one is not merged into it**: it is a separate [`Quote`] (it often is a
//! fragment of several longer quotes, e.g. `lost the argument`, and it gets
//! its own alignment). The quote's `text` is its first occurrence's.
//! Candidates are found through an inverted index with prefix filtering, so
//! grouping does not compare every quote with every group; a word in the
//! first occurrences of more than [`MAX_GROUP_POSTINGS`] groups is not used
//! to find candidates (see [`group_keys`]: exact below that).
//!
//! ## Primary-source check ([`align`])
//!
//! Sources are the bundle's transcripts (`kind == transcript` with `turns`)
//! and the documents listed in `primary_sources` (a listed document without
//! turns is aligned paragraph by paragraph; `turn` is then the paragraph
//! index and `speaker_label` empty). Only speech turns (`speech == true`)
//! are searched. Each quote (its first occurrence) is aligned with an
//! inverted index of content words plus a banded fitting alignment; see
//! [`align`]. A quote of more than [`align::MAX_QUOTE_TOKENS`] tokens is
//! not aligned (`not_found`, `too_long` in its `ext.quotes.alignment`
//! entry). Fidelity:
//!
//! - `verbatim`: the same words, same case and same inner punctuation;
//! - `verbatim_except_punctuation`: the same words apart from punctuation,
//!   case, number forms (`three`/`3`), fillers, bracketed insertions on
//!   either side, marked elisions (`...`) and one-letter spelling slips of
//!   the transcriber in long words (`Internatinal`);
//! - `altered`: anything else (words changed, added, dropped, contractions
//!   expanded or contracted, unmarked elisions); `diff` shows it from the
//!   source to the quote: `[-said, not printed-] {+printed, not said+}`;
//! - `not_found`: less than `fuzzy_threshold` of the quote's (weighted)
//!   words matched, or fewer than two content words;
//! - null: the bundle has no primary source.
//!
//! **Attribution conflict.** The names in the turn label (generic words like
//! `Female voice`, `someone else`, `translator` dropped) are compared with
//! the quote's canonical speaker. The flag is set when the label names
//! someone and none of its names is the speaker. An uncertain label is still
//! a claim: `Kirby? someone else` names only Kirby, so a quote the articles
//! give to Kerry is a conflict (the label stays visible in
//! `source.speaker_label`); `Kerry? someone else` is not. A label with no
//! name (`Female voice`) never conflicts; neither does an unknown speaker.
#![deny(missing_docs)]

pub mod align;
pub mod attribution;
pub mod extract;

use std::collections::HashMap;

use copydesk_core::{
    Bundle, BundleStage, Diagnostic, DocKind, Document, OptionSpec, OptionType, Options, Plugin,
    Quote, QuoteOccurrence, QuoteSource, Span, Stage, StageError, StageKind, StageSpec,
};
use serde_json::{json, Value};

use align::{SourceIndex, Tok};
use attribution::Attribution;
use extract::Extracted;

/// Stage configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Document ids to use as primary sources besides transcripts.
    pub primary_sources: Vec<String>,
    /// Minimum quote length in words.
    pub min_words: usize,
    /// Minimum weighted share of a quote's words the source must match.
    pub fuzzy_threshold: f64,
    /// Minimum similarity for two quotes to be one.
    pub group_threshold: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            primary_sources: Vec::new(),
            min_words: 3,
            fuzzy_threshold: 0.5,
            group_threshold: 0.8,
        }
    }
}

impl Config {
    /// Reads options (absent ones take the defaults).
    pub fn from_options(options: &Options) -> Result<Self, StageError> {
        let d = Config::default();
        let min_words = options.int("min_words")?.unwrap_or(d.min_words as i64);
        if min_words < 1 {
            return Err(StageError::new("option `min_words` must be at least 1"));
        }
        let fuzzy_threshold = options
            .float("fuzzy_threshold")?
            .unwrap_or(d.fuzzy_threshold);
        let group_threshold = options
            .float("group_threshold")?
            .unwrap_or(d.group_threshold);
        for (name, v) in [
            ("fuzzy_threshold", fuzzy_threshold),
            ("group_threshold", group_threshold),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return Err(StageError::new(format!(
                    "option `{name}` must be between 0 and 1, got {v}"
                )));
            }
        }
        Ok(Config {
            primary_sources: options.str_list("primary_sources")?,
            min_words: min_words as usize,
            fuzzy_threshold,
            group_threshold,
        })
    }
}

/// The `quotes` stage.
pub struct QuotesStage {
    config: Config,
}

impl QuotesStage {
    /// A stage with a configuration.
    pub fn new(config: Config) -> Self {
        QuotesStage { config }
    }
}

impl BundleStage for QuotesStage {
    fn process(&self, bundle: Bundle) -> Result<Bundle, StageError> {
        Ok(run(bundle, &self.config))
    }
}

/// The plugin.
pub struct QuotesPlugin;

impl Plugin for QuotesPlugin {
    const NAME: &'static str = "quotes";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const DESCRIPTION: &'static str = "Direct quotes: extraction, attribution, grouping across outlets, primary-source check against transcripts.";
    fn stages() -> Vec<StageSpec> {
        vec![StageSpec::new("quotes", StageKind::Bundle, "Extracts direct quotes, attributes and groups them, and checks them against transcripts.")
            .reads(&["kind", "title", "text", "paragraphs", "sentences", "turns"])
            .writes(&["bundle.quotes", "bundle.ext.quotes"])
            .option(OptionSpec::new("primary_sources", OptionType::StringList, json!([]), "Ids of documents to check quotes against, besides the bundle's transcripts (documents without turns are searched paragraph by paragraph)."))
            .option(OptionSpec::new("min_words", OptionType::Integer, 3, "Minimum quote length in words; shorter quotes (scare quotes) go to ext.quotes.short_quotes.").min(1.0))
            .option(OptionSpec::new("fuzzy_threshold", OptionType::Float, 0.5, "Minimum weighted share (0..1) of a quote's words the transcript passage must match; below it the quote is not_found.").range(0.0, 1.0))
            .option(OptionSpec::new("group_threshold", OptionType::Float, 0.8, "Minimum word-sequence similarity (2*LCS/(|a|+|b|), 0..1) for two quotes to be grouped as one.").range(0.0, 1.0))
            .requires("text")
            .provides("quotes")]
    }
    fn create(stage: &str, options: &Options) -> Result<Stage, StageError> {
        match stage {
            "quotes" => Ok(Stage::bundle(QuotesStage::new(Config::from_options(
                options,
            )?))),
            other => Err(StageError::new(format!(
                "plugin `quotes` has no stage `{other}`"
            ))),
        }
    }
}

// The shared library with the export symbol is `cdylib/` (package copydesk-quotes-plugin).

const STAGE: &str = "quotes";

struct Occ {
    doc: usize,
    q: Extracted,
    attr: Attribution,
    context: String,
    /// Canonical speaker.
    canonical: Option<String>,
    /// As written.
    written: Option<String>,
}

fn is_source(doc: &Document, config: &Config) -> bool {
    (doc.kind == DocKind::Transcript && !doc.turns.is_empty())
        || config.primary_sources.iter().any(|s| s == &doc.id)
}

struct Source {
    doc: usize,
    index: SourceIndex,
    labels: Vec<(String, Option<String>)>,
}

fn build_source(di: usize, doc: &Document) -> Source {
    let mut toks: Vec<Tok> = Vec::new();
    let mut labels = Vec::new();
    if doc.turns.is_empty() {
        let paras = extract::paragraphs(&doc.text, &doc.paragraphs);
        for (pi, p) in paras.iter().enumerate() {
            toks.extend(align::tokenize(&doc.text, p.start, p.end, pi));
            labels.push((String::new(), None));
        }
    } else {
        for (ti, t) in doc.turns.iter().enumerate() {
            labels.push((t.speaker.clone(), t.timestamp.clone()));
            if t.speech && t.span.slice(&doc.text).is_some() {
                toks.extend(align::tokenize(&doc.text, t.span.start, t.span.end, ti));
            }
        }
    }
    Source {
        doc: di,
        index: SourceIndex::new(toks),
        labels,
    }
}

fn sentence_context(text: &str, pre: &str, post: &str) -> String {
    let _ = text;
    let pre_s = pre.rfind(['.', '!', '?']).map_or(pre, |p| &pre[p + 1..]);
    let post_s = post.find(['.', '!', '?']).map_or(post, |p| &post[..p]);
    format!("{pre_s} {post_s}")
}

/// Runs the stage on a bundle.
pub fn run(mut bundle: Bundle, config: &Config) -> Bundle {
    let mut occs: Vec<Occ> = Vec::new();
    let mut title_quotes: Vec<Value> = Vec::new();
    for (di, doc) in bundle.documents.iter_mut().enumerate() {
        if is_source(doc, config) || !matches!(doc.kind, DocKind::Article | DocKind::Unknown) {
            continue;
        }
        let paras = extract::paragraphs(&doc.text, &doc.paragraphs);
        let (quotes, warnings) = extract::extract(&doc.text, &paras);
        for w in warnings {
            doc.diagnostics.push(Diagnostic::warning(
                STAGE,
                "quotes:unbalanced",
                format!("{} (byte {})", w.message, w.at),
            ));
        }
        // title quotes not repeated in the text
        if let Some(title) = doc.title.clone() {
            if !title.trim().is_empty() && !doc.text.contains(title.trim()) {
                let tparas = [Span::new(0, title.len())];
                let (tq, _) = extract::extract(&title, &tparas);
                for q in tq {
                    let attr = attribution::attribute(&title[..q.open], &title[q.close..]);
                    doc.diagnostics.push(Diagnostic::info(STAGE, "quotes:title", format!("quote in the title recorded in ext.quotes.title_quotes (no span in text): {}", q.text)));
                    title_quotes.push(json!({"doc": doc.id, "text": q.text, "start": q.start, "end": q.end, "attribution": attr_json(&attr)}));
                }
            }
        }
        for (k, q) in quotes.iter().enumerate() {
            let p_open = paras[q.para];
            let p_close = paras[q.para_end];
            let pre_from =
                if k > 0 && quotes[k - 1].para_end == q.para && quotes[k - 1].close <= q.open {
                    quotes[k - 1].close
                } else {
                    p_open.start
                };
            let post_to = match quotes.get(k + 1) {
                Some(n) if n.para == q.para_end && n.open >= q.close => n.open,
                _ => p_close.end.max(q.close),
            };
            let pre = doc.text.get(pre_from..q.open).unwrap_or("");
            let post = doc.text.get(q.close..post_to).unwrap_or("");
            let attr = attribution::attribute(pre, post);
            let context = sentence_context(&doc.text, pre, post);
            occs.push(Occ {
                doc: di,
                q: q.clone(),
                attr,
                context,
                canonical: None,
                written: None,
            });
        }
    }

    // canonical names: surname -> longest full name without initials
    let mut best: HashMap<String, String> = HashMap::new();
    let mut consider = |name: &str| {
        let full = attribution::without_initials(name);
        if let Some(s) = attribution::surname(&full) {
            let e = best.entry(s).or_insert_with(|| full.clone());
            if full.split_whitespace().count() > e.split_whitespace().count() {
                *e = full;
            }
        }
    };
    for o in &occs {
        if let Attribution::Named(p) = &o.attr {
            if let Some(person) = attribution::person_part(p) {
                consider(&person);
            }
        } else if let Some(p) =
            attribution::sole_person(&o.context).and_then(|p| attribution::person_part(&p))
        {
            consider(&p);
        }
    }
    let canonical_of = |person: &str| -> String {
        attribution::surname(person)
            .and_then(|s| best.get(&s).cloned())
            .unwrap_or_else(|| attribution::without_initials(person))
    };

    // resolve per document, in order
    let mut last_named: Option<(String, String)> = None;
    let mut last_doc = usize::MAX;
    for k in 0..occs.len() {
        if occs[k].doc != last_doc {
            last_doc = occs[k].doc;
            last_named = None;
        }
        let resolved: Option<(String, String)> = match &occs[k].attr {
            Attribution::Named(p) => {
                attribution::person_part(p).map(|person| (canonical_of(&person), person))
            }
            Attribution::Pronoun(_) => last_named.clone(),
            Attribution::Continuation => {
                let prev = if k > 0
                    && occs[k - 1].doc == occs[k].doc
                    && occs[k - 1].q.para_end + 1 >= occs[k].q.para
                {
                    occs[k - 1]
                        .canonical
                        .clone()
                        .zip(occs[k - 1].written.clone())
                } else {
                    None
                };
                let sole = attribution::sole_person(&occs[k].context)
                    .and_then(|p| attribution::person_part(&p))
                    .map(|person| (canonical_of(&person), person));
                sole.or(prev)
            }
        };
        if let Some((c, w)) = &resolved {
            occs[k].canonical = Some(c.clone());
            occs[k].written = Some(w.clone());
            if !matches!(occs[k].attr, Attribution::Pronoun(_)) {
                last_named = Some((c.clone(), w.clone()));
            }
        }
    }

    // short quotes aside
    let mut short_quotes = Vec::new();
    let mut kept: Vec<Occ> = Vec::new();
    for o in occs {
        if copydesk_text::words(&o.q.text).len() < config.min_words {
            short_quotes.push(json!({"doc": bundle.documents[o.doc].id, "start": o.q.start, "end": o.q.end, "text": o.q.text, "speaker": o.canonical}));
        } else {
            kept.push(o);
        }
    }

    // grouping
    let keys: Vec<Vec<String>> = kept
        .iter()
        .map(|o| {
            align::tokenize(&bundle.documents[o.doc].text, o.q.start, o.q.end, 0)
                .into_iter()
                .filter(|t| !t.optional)
                .map(|t| t.key)
                .collect()
        })
        .collect();
    let groups = group_keys(&keys, config.group_threshold);

    // sources
    let sources: Vec<Source> = bundle
        .documents
        .iter()
        .enumerate()
        .filter(|(_, d)| is_source(d, config))
        .map(|(i, d)| build_source(i, d))
        .collect();

    let mut quotes = Vec::new();
    let mut align_info = Vec::new();
    for g in &groups {
        let first = &kept[g[0]];
        let doc = &bundle.documents[first.doc];
        let occurrences: Vec<QuoteOccurrence> = g
            .iter()
            .map(|&i| {
                QuoteOccurrence::new(
                    bundle.documents[kept[i].doc].id.clone(),
                    kept[i].q.start,
                    kept[i].q.end,
                    kept[i].written.clone(),
                )
            })
            .collect();
        let speaker = majority(g.iter().filter_map(|&i| kept[i].canonical.clone()));
        let mut quote = Quote::new(first.q.text.clone(), speaker.clone(), occurrences);
        if !sources.is_empty() {
            let qt = align::tokenize(&doc.text, first.q.start, first.q.end, 0);
            let content_total = qt.iter().filter(|t| t.content).count();
            let mut best_al: Option<(usize, align::Alignment)> = None;
            for (si, s) in sources.iter().enumerate() {
                if let Some(a) = align::align(&qt, &s.index) {
                    if best_al.as_ref().map_or(true, |(_, b)| a.ratio > b.ratio) {
                        best_al = Some((si, a));
                    }
                }
            }
            let mut info = json!({"quote": quotes.len(), "ratio": Value::Null});
            if qt.len() > align::MAX_QUOTE_TOKENS {
                // not aligned (see `align::MAX_QUOTE_TOKENS`)
                info["too_long"] = json!(true);
            }
            match best_al {
                Some((si, a))
                    if a.ratio >= config.fuzzy_threshold
                        && a.content_matched >= content_total.min(2)
                        && a.content_matched > 0 =>
                {
                    let s = &sources[si];
                    let src_doc = &bundle.documents[s.doc];
                    let toks = &s.index.toks;
                    let pairs: Vec<usize> = a
                        .ops
                        .iter()
                        .filter_map(|o| {
                            if let align::Op::Pair(_, t, _) = o {
                                Some(*t)
                            } else {
                                None
                            }
                        })
                        .collect();
                    let (start, end) = (
                        toks[pairs[0]].start,
                        toks[*pairs.last().expect("non-empty")].end,
                    );
                    let mut count: HashMap<usize, usize> = HashMap::new();
                    for &t in &pairs {
                        *count.entry(toks[t].turn).or_default() += 1;
                    }
                    let turn = count
                        .iter()
                        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                        .map(|(t, _)| *t)
                        .unwrap_or(0);
                    let (label, timestamp) = s.labels.get(turn).cloned().unwrap_or_default();
                    let fid = align::fidelity(&a, &qt, toks);
                    if fid == "altered" {
                        quote.diff = Some(align::diff(&a, &qt, toks));
                    }
                    quote.fidelity = Some(fid.to_string());
                    quote.attribution_conflict = conflict(&label, speaker.as_deref());
                    let mut source = QuoteSource::new(src_doc.id.clone(), turn, label, start, end);
                    source.timestamp = timestamp;
                    quote.source = Some(source);
                    info["ratio"] = json!(round3(a.ratio));
                }
                other => {
                    quote.fidelity = Some("not_found".into());
                    if let Some((_, a)) = other {
                        info["ratio"] = json!(round3(a.ratio));
                    }
                }
            }
            align_info.push(info);
        }
        quotes.push(quote);
    }
    bundle.quotes = quotes;
    bundle.ext.insert(STAGE.into(), json!({"title_quotes": title_quotes, "short_quotes": short_quotes, "alignment": align_info}));
    bundle
}

/// A word carried by the first occurrences of more groups than this is not
/// used to find grouping candidates (see [`group_keys`]).
pub const MAX_GROUP_POSTINGS: usize = 512;

/// Groups quote keys: each key joins the first group (in order of creation)
/// whose first key shares at least `floor(distinct words * threshold / 2)`
/// of its distinct words (at least one) and has a [`similarity`] of at
/// least `threshold`; otherwise it starts a new group.
///
/// Candidates come from an inverted index (word → groups whose first key
/// has it), probed by prefix filtering: a group that shares `r` of a key's
/// `n` distinct words has one of any `n - r + 1` of them, so only the
/// `n - r + 1` words with the shortest posting lists are probed, `r` being
/// the larger of the required share and the share any group within the
/// threshold must have (`n - len * (2 - 2t)/(2 - t)`, less one for
/// rounding). The share of each candidate is then counted exactly, and
/// candidates whose lengths or shared tokens (an upper bound of the LCS)
/// cannot reach the threshold are skipped before the LCS. A
/// (non-empty) key seen before goes straight to the group the same key went
/// to (the answer cannot change: later groups come after it).
///
/// The cap: a probed word whose posting list is longer than
/// [`MAX_GROUP_POSTINGS`] is skipped (a word in that many distinct quotes,
/// such as `the`, says little about which one this is). So the work per
/// key is bounded, and the grouping is exactly the all-pairs one whenever
/// no probed word is that common, in particular in every bundle with at
/// most that many groups; beyond that, a quote whose words are all very
/// common may start a group of its own instead of joining one.
pub fn group_keys(keys: &[Vec<String>], threshold: f64) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    // the first key of each group: (word id, count) sorted by id, and its length
    let mut firsts: Vec<(Vec<(u32, u32)>, usize)> = Vec::new();
    let mut word_id: HashMap<&str, u32> = HashMap::new();
    let mut postings: Vec<Vec<u32>> = Vec::new();
    let mut same_key: HashMap<&[String], usize> = HashMap::new();
    let mut hits: Vec<u32> = Vec::new();
    let mut touched: Vec<u32> = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        // (an empty key shares no word, so it never joins a group, not even its own)
        if let Some(&g) = same_key.get(key.as_slice()).filter(|_| !key.is_empty()) {
            groups[g].push(i);
            continue;
        }
        let mut sorted: Vec<&str> = key.iter().map(String::as_str).collect();
        sorted.sort_unstable();
        // distinct words with their counts
        let mut distinct: Vec<(&str, u32)> = Vec::new();
        for w in sorted {
            match distinct.last_mut() {
                Some((l, c)) if *l == w => *c += 1,
                _ => distinct.push((w, 1)),
            }
        }
        let n = distinct.len();
        let need = (((n as f64) * threshold * 0.5).floor() as usize).max(1);
        // any group within the threshold shares at least this many words
        let by_sim =
            (n as f64 - key.len() as f64 * (2.0 - 2.0 * threshold) / (2.0 - threshold) - 1.0)
                .floor();
        let r = if by_sim.is_finite() && by_sim > need as f64 {
            by_sim as usize
        } else {
            need
        };
        let mut found = None;
        if r <= n {
            // probe the n - r + 1 words with the shortest posting lists
            let mut probe: Vec<(usize, u32)> = distinct
                .iter()
                .filter_map(|(w, _)| word_id.get(w).map(|&id| (postings[id as usize].len(), id)))
                .collect();
            probe.sort_unstable();
            // words no group has count as empty lists, which come first
            let absent = n - probe.len();
            let take = (n - r + 1).saturating_sub(absent);
            for &(len, id) in probe.iter().take(take) {
                if len > MAX_GROUP_POSTINGS {
                    continue;
                }
                for &g in &postings[id as usize] {
                    if hits[g as usize] == 0 {
                        touched.push(g);
                    }
                    hits[g as usize] = 1;
                }
            }
            touched.sort_unstable();
            let mut ids: Vec<(u32, u32)> = distinct
                .iter()
                .filter_map(|&(w, c)| word_id.get(w).map(|&id| (id, c)))
                .collect();
            ids.sort_unstable();
            for &g in &touched {
                hits[g as usize] = 0;
                if found.is_some() {
                    continue;
                }
                let (first_ids, first_len) = &firsts[g as usize];
                let (a, b) = (key.len(), *first_len);
                if threshold > 0.0 && (2 * a.min(b)) as f64 / ((a + b) as f64) < threshold {
                    continue;
                }
                // shared distinct words (at least `r`, see above), and the
                // shared tokens bound the LCS: 2 * shared / (a + b) >= sim
                let (words, tokens) = intersection(&ids, first_ids);
                if words < r
                    || threshold > 0.0 && (2 * tokens) as f64 / ((a + b) as f64) < threshold
                {
                    continue;
                }
                if similarity(&keys[groups[g as usize][0]], key) >= threshold {
                    found = Some(g as usize);
                }
            }
            touched.clear();
        }
        let g = match found {
            Some(g) => {
                groups[g].push(i);
                g
            }
            None => {
                let g = groups.len();
                let mut ids = Vec::with_capacity(n);
                for (w, c) in distinct {
                    let next = postings.len() as u32;
                    let id = *word_id.entry(w).or_insert(next);
                    if id == next {
                        postings.push(Vec::new());
                    }
                    postings[id as usize].push(g as u32);
                    ids.push((id, c));
                }
                ids.sort_unstable();
                firsts.push((ids, key.len()));
                hits.push(0);
                groups.push(vec![i]);
                g
            }
        };
        same_key.insert(key.as_slice(), g);
    }
    groups
}

/// Of two lists of (word, count) sorted by word: the number of words in
/// both, and of tokens in both (the sum of the smaller counts).
fn intersection(a: &[(u32, u32)], b: &[(u32, u32)]) -> (usize, usize) {
    let (mut i, mut j, mut words, mut tokens) = (0, 0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                words += 1;
                tokens += a[i].1.min(b[j].1) as usize;
                i += 1;
                j += 1;
            }
        }
    }
    (words, tokens)
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn attr_json(a: &Attribution) -> Value {
    match a {
        Attribution::Named(n) => json!(n),
        Attribution::Pronoun(p) => json!(p),
        Attribution::Continuation => Value::Null,
    }
}

fn majority(names: impl Iterator<Item = String>) -> Option<String> {
    // counts in order of first appearance (the first of the most frequent wins)
    let mut counts: Vec<(String, usize)> = Vec::new();
    let mut slot: HashMap<String, usize> = HashMap::new();
    for n in names {
        match slot.get(&n) {
            Some(&k) => counts[k].1 += 1,
            None => {
                slot.insert(n.clone(), counts.len());
                counts.push((n, 1));
            }
        }
    }
    let max = counts.iter().map(|c| c.1).max()?;
    counts.into_iter().find(|c| c.1 == max).map(|c| c.0)
}

/// `2·LCS/(|a|+|b|)` on word keys.
pub fn similarity(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    // the LCS cannot exceed the shorter length: skip hopeless pairs
    if (2 * short.len()) as f64 / ((a.len() + b.len()) as f64) < 0.5 {
        return 0.0;
    }
    let mut prev = vec![0usize; short.len() + 1];
    let mut cur = vec![0usize; short.len() + 1];
    for x in long {
        for (j, y) in short.iter().enumerate() {
            cur[j + 1] = if x == y {
                prev[j] + 1
            } else {
                prev[j + 1].max(cur[j])
            };
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    2.0 * prev[short.len()] as f64 / (a.len() + b.len()) as f64
}

fn name_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_lowercase(), b.to_lowercase());
    if a == b {
        return true;
    }
    let (ca, cb) = (a.chars().count(), b.chars().count());
    ca >= 4
        && cb >= 4
        && ca.abs_diff(cb) <= 1
        && a.chars().next() == b.chars().next()
        && edit_distance(&a, &b) <= 1
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            cur[j] = (prev[j] + 1)
                .min(cur[j - 1] + 1)
                .min(prev[j - 1] + usize::from(a[i - 1] != b[j - 1]));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// True when a transcript label names someone, and none of its names is the speaker.
pub fn conflict(label: &str, speaker: Option<&str>) -> bool {
    let Some(speaker) = speaker else { return false };
    let names = attribution::label_names(label);
    if names.is_empty() {
        return false;
    }
    !names
        .iter()
        .any(|n| speaker.split_whitespace().any(|w| name_eq(n, w)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The all-pairs grouping `group_keys` replaces (every group sharing a
    /// word is a candidate), for comparison.
    fn all_pairs(keys: &[Vec<String>], threshold: f64) -> Vec<Vec<usize>> {
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut by_word: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, key) in keys.iter().enumerate() {
            let mut distinct: Vec<&str> = key.iter().map(String::as_str).collect();
            distinct.sort_unstable();
            distinct.dedup();
            let mut shared: HashMap<usize, usize> = HashMap::new();
            for w in &distinct {
                for &g in by_word.get(w).map(Vec::as_slice).unwrap_or(&[]) {
                    *shared.entry(g).or_default() += 1;
                }
            }
            let need = ((distinct.len() as f64) * threshold * 0.5).floor() as usize;
            let mut cands: Vec<usize> = shared
                .into_iter()
                .filter(|&(_, c)| c >= need.max(1))
                .map(|(g, _)| g)
                .collect();
            cands.sort_unstable();
            match cands
                .into_iter()
                .find(|&g| similarity(&keys[groups[g][0]], key) >= threshold)
            {
                Some(g) => groups[g].push(i),
                None => {
                    for w in distinct {
                        by_word.entry(w).or_default().push(groups.len());
                    }
                    groups.push(vec![i]);
                }
            }
        }
        groups
    }

    /// Pseudo-random keys over a small vocabulary: many near-duplicates,
    /// repeats, short and long keys.
    fn keys(n: usize, vocab: usize, seed: u64) -> Vec<Vec<String>> {
        let mut x = seed;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut out: Vec<Vec<String>> = Vec::new();
        for _ in 0..n {
            let r = next();
            if r % 4 == 0 && !out.is_empty() {
                // an edited copy of an earlier key
                let mut k = out[(next() % out.len() as u64) as usize].clone();
                match next() % 3 {
                    0 if k.len() > 1 => {
                        k.remove((next() % k.len() as u64) as usize);
                    }
                    1 => k.push(format!("w{}", next() % vocab as u64)),
                    _ => {
                        let at = (next() % k.len().max(1) as u64) as usize;
                        if at < k.len() {
                            k[at] = format!("w{}", next() % vocab as u64);
                        }
                    }
                }
                out.push(k);
            } else {
                let len = 1 + (next() % 14) as usize;
                out.push(
                    (0..len)
                        .map(|_| format!("w{}", next() % vocab as u64))
                        .collect(),
                );
            }
        }
        out
    }

    #[test]
    fn grouping_is_the_all_pairs_grouping_below_the_cap() {
        for (n, vocab, seed) in [(300, 12, 1), (400, 40, 2), (300, 200, 3), (200, 6, 4)] {
            let k = keys(n, vocab, seed);
            for t in [0.0, 0.5, 0.8, 1.0] {
                let fast = group_keys(&k, t);
                // the comparison holds only while no word is in more groups than the cap
                assert!(fast.len() <= MAX_GROUP_POSTINGS);
                assert_eq!(fast, all_pairs(&k, t), "n {n} vocab {vocab} threshold {t}");
            }
        }
        assert!(group_keys(&[], 0.8).is_empty());
        let empty = vec![Vec::new(), Vec::new()];
        assert_eq!(group_keys(&empty, 0.8), all_pairs(&empty, 0.8));
    }

    #[test]
    fn many_distinct_quotes_sharing_common_words_stay_apart() {
        // 3,000 distinct quotes that all share `the` and `said`: each is
        // its own group (the common words' posting lists pass the cap)
        let k: Vec<Vec<String>> = (0..3000)
            .map(|i| {
                [
                    "the",
                    &format!("a{i}"),
                    &format!("b{i}"),
                    "said",
                    &format!("c{i}"),
                ]
                .iter()
                .map(|s| s.to_string())
                .collect()
            })
            .collect();
        let g = group_keys(&k, 0.8);
        assert_eq!(g.len(), 3000);
        // and an exact repeat still joins its group
        let mut k2 = k.clone();
        k2.push(k[1234].clone());
        let g2 = group_keys(&k2, 0.8);
        assert_eq!(g2[1234], [1234, 3000]);
    }
}
