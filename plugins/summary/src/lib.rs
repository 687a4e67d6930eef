//! # copydesk-summary
//!
//! Multi-document extractive summaries of a bundle, by **concept coverage**
//! (Gillick & Favre 2009; Lin & Bilmes 2010):
//!
//! 1. Candidate sentences come from the bundle's articles (transcripts only
//!    when there is nothing else, duplicates skipped), and must pass
//!    [`hygiene`] checks: no dangling pronouns or connectives, questions,
//!    captions, boilerplate, fragments or broken quotations. Datelines are
//!    left out of the cited span.
//! 2. Concepts are bigrams of Porter stems, not both stop words. A concept's
//!    weight grows with the number of documents that report it (source
//!    agreement: a second outlet counts fully, a second story from the same
//!    outlet half), with how early it comes in each (lead position), and
//!    with its overlap with the `focus`, if one is given. Each focus word
//!    is also a concept of its own (covered once, weighted by the number of
//!    documents using it; narrative lines weigh half the title line), and so
//!    is each word found in the headlines of at least two sources: what the
//!    outlets agree the story is about is an implicit information need,
//!    weighted like a narrative line, with or without a `focus`.
//! 3. The summary maximises the total weight of the concepts it covers
//!    under the word budget: greedy by gain per word, then local search
//!    (take out one or two chosen sentences, put in the best partner,
//!    refill; kept only if the covered weight rises, so a longer sentence
//!    carrying more agreed concepts can replace two short ones). A concept counts once, which
//!    is the redundancy control; on top of that, no two sentences whose
//!    content words overlap by more than half are taken together.
//!
//! The budget is a hard limit: sentences are never cut, so the summary
//! may fall short of it, and if no sentence fits, it is empty and a
//! `summary:budget-too-small` diagnostic says so.

pub mod hygiene;
pub mod porter;

/// Maps keyed by token ids and short strings: a fast hash (no HashDoS
/// concern for a summariser's own interned ids; iteration order never
/// reaches the output).
type HashMap<K, V> = std::collections::HashMap<K, V, rustc_hash::FxBuildHasher>;

use copydesk_core::{
    Bundle, Diagnostic, DocKind, Document, OptionSpec, OptionType, Options, Plugin, Span, Stage,
    StageError, StageKind, StageSpec, Summary, SummarySentence,
};
use copydesk_text::stopwords::is_stopword;

const STAGE: &str = "summary";

/// How the chosen sentences are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Order {
    /// By publication date, then document, then position in the document.
    #[default]
    Chronological,
    /// Most important first.
    Salience,
}

/// Options of the summary stage.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryOptions {
    /// Word budget (whitespace-separated words); never exceeded.
    pub words: usize,
    /// An information need: sentences that answer it are favoured.
    pub focus: Option<String>,
    /// Order of the sentences in the summary.
    pub order: Order,
    /// Shorter sentences are not considered.
    pub min_sentence_words: usize,
    /// Longer sentences are not considered.
    pub max_sentence_words: usize,
    /// Ignore documents marked as duplicates (`duplicate_of` set).
    pub skip_duplicates: bool,
    /// At most this many candidate sentences (best by a cheap pre-score) go to the optimiser.
    pub max_candidates: usize,
}

impl Default for SummaryOptions {
    fn default() -> Self {
        SummaryOptions {
            words: 100,
            focus: None,
            order: Order::Chronological,
            min_sentence_words: 8,
            max_sentence_words: 60,
            skip_duplicates: true,
            max_candidates: 1000,
        }
    }
}

impl SummaryOptions {
    /// The option declarations of the stage.
    pub fn specs() -> Vec<OptionSpec> {
        let d = SummaryOptions::default();
        vec![
            OptionSpec::new("words", OptionType::Integer, d.words as i64, "Word budget (whitespace-separated words). The summary never exceeds it; sentences are never cut.").min(1.0),
            OptionSpec::optional("focus", OptionType::String, "An information need (question or topic description); its content words (not how-to-answer words such as `describe`, `include`, `information`) weight the concepts that contain them and count as concepts of their own; lines after the first weigh half. Headline words shared by two sources count likewise, with or without a focus."),
            OptionSpec::new("order", OptionType::String, "chronological", "Sentence order: `chronological` (publication date, then position) or `salience` (most important first).")
                .choices(&["chronological", "salience"]),
            OptionSpec::new("min_sentence_words", OptionType::Integer, d.min_sentence_words as i64, "Sentences with fewer words are not used.").min(0.0),
            OptionSpec::new("max_sentence_words", OptionType::Integer, d.max_sentence_words as i64, "Sentences with more words are not used.").min(1.0),
            OptionSpec::new("skip_duplicates", OptionType::Boolean, d.skip_duplicates, "Ignore documents the dedup stage marked as duplicates (`duplicate_of`)."),
            OptionSpec::new(
                "max_candidates",
                OptionType::Integer,
                d.max_candidates as i64,
                "At most this many candidate sentences (best by a cheap pre-score) go to the optimiser; bounds time on very large bundles.",
            )
            .min(1.0),
        ]
    }

    /// Reads checked stage options (absent ones take their defaults).
    pub fn from_options(options: &Options) -> Result<Self, StageError> {
        let d = SummaryOptions::default();
        // The same least values as the declarations (the host checks them
        // first; this is for callers that bypass the host).
        let count = |name: &str, default: usize, min: i64| -> Result<usize, StageError> {
            match options.int(name)? {
                None => Ok(default),
                Some(v) if v >= min => Ok(v as usize),
                Some(v) => Err(StageError::new(format!(
                    "option `{name}` must be at least {min}, got {v}"
                ))),
            }
        };
        let order = match options.str("order")? {
            None | Some("chronological") => Order::Chronological,
            Some("salience") => Order::Salience,
            Some(other) => {
                return Err(StageError::new(format!(
                    "option `order` must be `chronological` or `salience`, got `{other}`"
                )))
            }
        };
        let focus = options
            .str("focus")?
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from);
        Ok(SummaryOptions {
            words: count("words", d.words, 1)?,
            focus,
            order,
            min_sentence_words: count("min_sentence_words", d.min_sentence_words, 0)?,
            max_sentence_words: count("max_sentence_words", d.max_sentence_words, 1)?,
            skip_duplicates: options
                .bool("skip_duplicates")?
                .unwrap_or(d.skip_duplicates),
            max_candidates: count("max_candidates", d.max_candidates, 1)?,
        })
    }
}

// ---------------------------------------------------------------------------
// tokens

/// Interns stemmed tokens. Keys borrow the bundle's text (no copy of a
/// word), and a word's stem is computed once per process ([`stem_of`]).
#[derive(Default)]
struct Vocab<'a> {
    /// surface form -> token id
    by_word: HashMap<&'a str, u32>,
    /// stem -> token id
    by_stem: HashMap<std::sync::Arc<str>, u32>,
    stop: Vec<bool>,
}

/// The stem of a surface word and whether it is a stop word, cached for
/// the process: news bundles share most of their words, so a batch of
/// thousands of bundles stems each word once, not once per bundle. The
/// cache stops growing at a million words (it then only answers).
fn stem_of(word: &str) -> (std::sync::Arc<str>, bool) {
    type Cache = std::sync::RwLock<HashMap<Box<str>, (std::sync::Arc<str>, bool)>>;
    static CACHE: std::sync::OnceLock<Cache> = std::sync::OnceLock::new();
    const MAX: usize = 1 << 20;
    let cache = CACHE.get_or_init(Default::default);
    if let Some(hit) = cache.read().unwrap_or_else(|e| e.into_inner()).get(word) {
        return hit.clone();
    }
    let folded = copydesk_text::fold(word);
    let base = folded.strip_suffix("'s").unwrap_or(&folded);
    let base: String = base.chars().filter(|&c| c != '\'').collect();
    let stop = is_stopword(&base) || is_stopword(&folded);
    let value = (std::sync::Arc::<str>::from(porter::stem(&base)), stop);
    let mut w = cache.write().unwrap_or_else(|e| e.into_inner());
    if w.len() < MAX {
        w.insert(word.into(), value.clone());
    }
    value
}

impl<'a> Vocab<'a> {
    fn id(&mut self, word: &'a str) -> u32 {
        if let Some(&id) = self.by_word.get(word) {
            return id;
        }
        let (stem, stop) = stem_of(word);
        let next = self.stop.len() as u32;
        let id = *self.by_stem.entry(stem).or_insert(next);
        if id == next {
            self.stop.push(stop);
        }
        self.by_word.insert(word, id);
        id
    }

    fn tokens(&mut self, text: &'a str) -> Vec<u32> {
        copydesk_text::Words::new(text)
            .map(|w| self.id(w.text))
            .collect()
    }
}

fn bigrams<'a>(tokens: &'a [u32], stop: &'a [bool]) -> impl Iterator<Item = (u32, u32)> + 'a {
    tokens
        .windows(2)
        .filter(move |w| !(stop[w[0] as usize] && stop[w[1] as usize]))
        .map(|w| (w[0], w[1]))
}

/// Words of a focus text that say how to answer, not what about.
const QUERY_WORDS: &[&str] = &[
    "describe",
    "discuss",
    "identify",
    "include",
    "including",
    "explain",
    "specify",
    "provide",
    "give",
    "list",
    "report",
    "reported",
    "reports",
    "press",
    "mention",
    "mentioned",
    "detail",
    "details",
    "information",
    "info",
    "find",
    "note",
    "any",
    "well",
    "etc",
    "regarding",
    "concerning",
    "related",
    "relating",
    "tell",
    "know",
    "want",
    "like",
    "happened",
    "happen",
    "happening",
    "summarize",
    "summary",
    "aspects",
    "aspect",
    "issues",
    "issue",
    "events",
    "event",
    "efforts",
    "effort",
    "activities",
    "activity",
    "developments",
    "development",
    "involved",
    "involvement",
    "status",
    "latest",
    "various",
    "kind",
    "kinds",
    "type",
    "types",
    "way",
    "ways",
    "things",
    "thing",
];

// ---------------------------------------------------------------------------
// candidates

struct Cand {
    doc: usize,
    pos: usize,
    start: usize,
    end: usize,
    words: usize,
    concepts: Vec<u32>,
    content: Vec<u32>,
}

fn doc_sentences(doc: &Document, diags: &mut Vec<Diagnostic>) -> Vec<Span> {
    let valid: Vec<Span> = doc
        .sentences
        .iter()
        .copied()
        .filter(|s| s.start < s.end && s.slice(&doc.text).is_some())
        .collect();
    if valid.len() < doc.sentences.len() {
        diags.push(Diagnostic::warning(
            STAGE,
            "summary:bad-span",
            format!(
                "document {}: {} sentence spans do not fit its text and were ignored",
                doc.id,
                doc.sentences.len() - valid.len()
            ),
        ));
    }
    if !valid.is_empty() {
        return valid;
    }
    let paras: Vec<Span> = doc
        .paragraphs
        .iter()
        .copied()
        .filter(|s| s.start < s.end && s.slice(&doc.text).is_some())
        .collect();
    let regions = if paras.is_empty() {
        vec![Span::new(0, doc.text.len())]
    } else {
        paras
    };
    let out: Vec<Span> = regions
        .iter()
        .flat_map(|&r| split_sentences(&doc.text, r))
        .collect();
    if !out.is_empty() {
        diags.push(Diagnostic::info(
            STAGE,
            "summary:split-sentences",
            format!(
                "document {} has no sentence spans; split its text into {} sentences",
                doc.id,
                out.len()
            ),
        ));
    }
    out
}

/// Summarises a bundle: the summary and what the stage noticed.
pub fn summarize(bundle: &Bundle, opts: &SummaryOptions) -> (Summary, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut empty = Summary::new(Vec::new());
    empty.words = opts.words;
    if bundle.documents.is_empty() {
        diags.push(Diagnostic::warning(
            STAGE,
            "summary:empty-bundle",
            format!(
                "bundle {} has no documents; the summary is empty",
                bundle.id
            ),
        ));
        return (empty, diags);
    }

    // 1. source documents
    let usable = |d: &Document| {
        !(d.text.trim().is_empty() || opts.skip_duplicates && d.duplicate_of.is_some())
    };
    let mut sources: Vec<usize> = (0..bundle.documents.len())
        .filter(|&i| {
            usable(&bundle.documents[i]) && bundle.documents[i].kind != DocKind::Transcript
        })
        .collect();
    if sources.is_empty() {
        sources = (0..bundle.documents.len())
            .filter(|&i| usable(&bundle.documents[i]))
            .collect();
        if !sources.is_empty() {
            diags.push(Diagnostic::info(
                STAGE,
                "summary:transcripts-only",
                "the bundle has no articles with text; summarising its transcripts",
            ));
        }
    }
    if sources.is_empty() {
        diags.push(Diagnostic::warning(
            STAGE,
            "summary:no-text",
            format!(
                "no document of bundle {} has usable text; the summary is empty",
                bundle.id
            ),
        ));
        return (empty, diags);
    }

    // 2. sentences and tokens
    let mut vocab = Vocab::default();
    struct DocSents {
        doc: usize,
        spans: Vec<Span>,
        tokens: Vec<Vec<u32>>,
        /// The headline's tokens: they name implicit focus words, never a candidate.
        title: Vec<u32>,
    }
    let mut docs: Vec<DocSents> = Vec::with_capacity(sources.len());
    for &di in &sources {
        let d = &bundle.documents[di];
        let spans = doc_sentences(d, &mut diags);
        let tokens = spans
            .iter()
            .map(|s| vocab.tokens(d.span_text(*s)))
            .collect();
        let title = d
            .title
            .as_deref()
            .map(|t| vocab.tokens(t))
            .unwrap_or_default();
        docs.push(DocSents {
            doc: di,
            spans,
            tokens,
            title,
        });
    }
    let stop = vocab.stop.clone();

    // 3. concept weights: documents grouped by outlet
    let n_docs = docs.len();
    let mut concept_id: HashMap<(u32, u32), u32> = HashMap::default();
    let mut weight: Vec<f64> = Vec::new();
    let mut support: Vec<u32> = Vec::new();
    let mut occurrences: Vec<u32> = Vec::new();
    let outlet_of = |ds: &DocSents| -> String {
        let d = &bundle.documents[ds.doc];
        match d.outlet.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
            Some(o) => o.to_lowercase(),
            None => format!("\u{0}{}", ds.doc),
        }
    };
    let mut by_outlet: Vec<(String, usize)> = docs
        .iter()
        .enumerate()
        .map(|(i, ds)| (outlet_of(ds), i))
        .collect();
    by_outlet.sort();
    let mut group_start = 0;
    // per concept, within the current outlet group: (stamp doc, best contribution, sum of contributions)
    let mut doc_stamp: Vec<u32> = Vec::new();
    let mut doc_best_pos: Vec<u32> = Vec::new();
    let mut grp_stamp: Vec<u32> = Vec::new();
    let mut grp_max: Vec<f64> = Vec::new();
    let mut grp_sum: Vec<f64> = Vec::new();
    let mut grp_touched: Vec<u32> = Vec::new();
    let mut group_no = 0u32;
    // the concept of every bigram of every sentence, as found here, so that
    // candidates need not look their bigrams up again: per document, the ids
    // in sentence order and where each sentence's start
    let mut sent_concepts: Vec<(Vec<u32>, Vec<usize>)> = vec![(Vec::new(), Vec::new()); docs.len()];
    while group_start < by_outlet.len() {
        let mut group_end = group_start;
        while group_end < by_outlet.len() && by_outlet[group_end].0 == by_outlet[group_start].0 {
            group_end += 1;
        }
        group_no += 1;
        grp_touched.clear();
        for &(_, k) in &by_outlet[group_start..group_end] {
            let stamp = k as u32 + 1;
            let mut in_doc: Vec<u32> = Vec::new();
            let (ids, starts) = &mut sent_concepts[k];
            for (pos, toks) in docs[k].tokens.iter().enumerate() {
                starts.push(ids.len());
                for bg in bigrams(toks, &stop) {
                    let next = weight.len() as u32;
                    let c = *concept_id.entry(bg).or_insert(next);
                    ids.push(c);
                    if c == next {
                        weight.push(0.0);
                        support.push(0);
                        occurrences.push(0);
                        doc_stamp.push(0);
                        doc_best_pos.push(0);
                        grp_stamp.push(0);
                        grp_max.push(0.0);
                        grp_sum.push(0.0);
                    }
                    let ci = c as usize;
                    occurrences[ci] += 1;
                    if doc_stamp[ci] != stamp {
                        doc_stamp[ci] = stamp;
                        doc_best_pos[ci] = pos as u32;
                        in_doc.push(c);
                    }
                }
            }
            for &c in &in_doc {
                let ci = c as usize;
                support[ci] += 1;
                let contrib = 1.0 + POSITION_BOOST / (1.0 + doc_best_pos[ci] as f64);
                if grp_stamp[ci] != group_no {
                    grp_stamp[ci] = group_no;
                    grp_max[ci] = 0.0;
                    grp_sum[ci] = 0.0;
                    grp_touched.push(c);
                }
                grp_max[ci] = grp_max[ci].max(contrib);
                grp_sum[ci] += contrib;
            }
        }
        for &c in &grp_touched {
            let ci = c as usize;
            // a second outlet counts fully, more stories from one outlet half
            weight[ci] += grp_max[ci] + SAME_OUTLET * (grp_sum[ci] - grp_max[ci]);
        }
        group_start = group_end;
    }
    let min_support = if n_docs >= 3 { 2 } else { 1 };
    for ci in 0..weight.len() {
        if support[ci] < min_support {
            weight[ci] = 0.0;
        } else if n_docs == 1 {
            weight[ci] += 0.5 * (occurrences[ci] as f64 - 1.0);
        }
    }

    // focus: boost concepts that share stems with the information need
    let mut focus_concept: HashMap<u32, u32> = HashMap::default();
    let mut focus_w: HashMap<u32, f64> = HashMap::default();
    if let Some(focus) = opts.focus.as_deref() {
        for (li, line) in focus.lines().filter(|l| !l.trim().is_empty()).enumerate() {
            let fw = if li == 0 { 1.0 } else { NARRATIVE };
            for w in copydesk_text::words(line) {
                let f = copydesk_text::fold(w.text);
                if is_stopword(&f) || QUERY_WORDS.contains(&f.as_str()) || f.chars().count() < 2 {
                    continue;
                }
                let id = vocab.id(w.text);
                let e = focus_w.entry(id).or_insert(0.0);
                *e = e.max(fw);
            }
        }
    }
    // headlines: a word in the headlines of at least two sources is what the
    // outlets agree the story is about, an implicit information need that
    // weighs like a narrative line of a topic
    let mut word_w: HashMap<u32, f64> = focus_w.clone();
    {
        let mut in_titles: HashMap<u32, usize> = HashMap::default();
        for ds in &docs {
            let mut t: Vec<u32> = ds
                .title
                .iter()
                .copied()
                .filter(|&t| !stop[t as usize])
                .collect();
            t.sort_unstable();
            t.dedup();
            for id in t {
                *in_titles.entry(id).or_insert(0) += 1;
            }
        }
        for (id, n) in in_titles {
            if n >= 2 {
                let e = word_w.entry(id).or_insert(0.0);
                *e = e.max(NARRATIVE);
            }
        }
    }
    {
        // each focus word is also a concept of its own (covered once), weighted
        // by how many documents use it: the summary should touch every aspect
        // of the information need the documents talk about
        let mut focus_ids: Vec<u32> = word_w.keys().copied().collect();
        focus_ids.sort_unstable();
        // documents using each focus word: one pass over every token (not one
        // pass over the bundle per focus word)
        let slot: HashMap<u32, usize> =
            focus_ids.iter().enumerate().map(|(k, &f)| (f, k)).collect();
        let mut docs_with_word = vec![0usize; focus_ids.len()];
        let mut last_doc = vec![usize::MAX; focus_ids.len()];
        for (k, ds) in docs.iter().enumerate() {
            for &t in ds.tokens.iter().flatten() {
                if let Some(&j) = slot.get(&t) {
                    if last_doc[j] != k {
                        last_doc[j] = k;
                        docs_with_word[j] += 1;
                    }
                }
            }
        }
        for (j, &f) in focus_ids.iter().enumerate() {
            let docs_with = docs_with_word[j];
            if docs_with >= min_support as usize {
                focus_concept.insert(f, weight.len() as u32);
                weight.push(FOCUS_WORD * word_w[&f] * docs_with as f64);
            }
        }
        if !focus_w.is_empty() {
            for (&(a, b), &c) in &concept_id {
                let boost = focus_w.get(&a).copied().unwrap_or(0.0)
                    + focus_w.get(&b).copied().unwrap_or(0.0);
                if boost > 0.0 {
                    weight[c as usize] *= 1.0 + FOCUS_BIGRAM * boost;
                }
            }
        }
    }

    // 4. candidate sentences
    let mut cands: Vec<Cand> = Vec::new();
    let mut seen_text: HashMap<String, ()> = HashMap::default();
    let mut rejected = 0usize;
    let mut too_long_for_budget = 0usize;
    for (k, ds) in docs.iter().enumerate() {
        let d = &bundle.documents[ds.doc];
        let (ids, starts) = &sent_concepts[k];
        // a paragraph holding a caption or credit is a caption block: none of its sentences is used
        let in_caption_para = caption_block_sentences(d, &ds.spans);
        for (pos, span) in ds.spans.iter().enumerate() {
            if in_caption_para[pos] {
                continue;
            }
            let raw = d.span_text(*span);
            let skip = hygiene::strip_dateline(raw);
            let start = span.start + skip;
            let s = &d.text[start..span.end];
            let words = copydesk_text::word_count(s);
            // `check` refuses every sentence outside the length bounds: those
            // need none of its text tests
            if words < opts.min_sentence_words
                || words > opts.max_sentence_words
                || hygiene::check(s, words, opts.min_sentence_words, opts.max_sentence_words)
                    .is_err()
            {
                rejected += 1;
                continue;
            }
            let key = copydesk_text::normalize(s);
            if seen_text.insert(key, ()).is_some() {
                continue;
            }
            if words > opts.words {
                too_long_for_budget += 1;
                continue;
            }
            let toks = if skip == 0 {
                ds.tokens[pos].clone()
            } else {
                vocab.tokens(s)
            };
            let bigram_concepts: Vec<u32> = if skip == 0 {
                // the very tokens step 3 went through: their concepts are known
                let end = starts.get(pos + 1).copied().unwrap_or(ids.len());
                ids[starts[pos]..end].to_vec()
            } else {
                bigrams(&toks, &stop)
                    .filter_map(|bg| concept_id.get(&bg).copied())
                    .collect()
            };
            let mut concepts: Vec<u32> = bigram_concepts
                .into_iter()
                .filter(|&c| weight[c as usize] > 0.0)
                .chain(toks.iter().filter_map(|t| focus_concept.get(t).copied()))
                .collect();
            concepts.sort_unstable();
            concepts.dedup();
            let mut content: Vec<u32> = toks
                .iter()
                .copied()
                .filter(|&t| !stop[t as usize])
                .collect();
            content.sort_unstable();
            content.dedup();
            cands.push(Cand {
                doc: ds.doc,
                pos,
                start,
                end: span.end,
                words,
                concepts,
                content,
            });
        }
    }
    let _ = rejected;
    if cands.is_empty() {
        if too_long_for_budget > 0 {
            diags.push(Diagnostic::warning(
                STAGE,
                "summary:budget-too-small",
                format!("no usable sentence fits the budget of {} words ({too_long_for_budget} are longer); the summary is empty", opts.words),
            ));
        } else {
            diags.push(Diagnostic::warning(STAGE, "summary:no-candidates", "no sentence can stand alone in a summary (all are fragments, captions, questions or boilerplate); the summary is empty"));
        }
        return (empty, diags);
    }

    // cheap pre-score cap
    if cands.len() > opts.max_candidates {
        let mut scored: Vec<(f64, usize)> = cands
            .iter()
            .enumerate()
            .map(|(i, c)| {
                (
                    c.concepts.iter().map(|&k| weight[k as usize]).sum::<f64>()
                        / (c.words as f64).sqrt(),
                    i,
                )
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut keep: Vec<usize> = scored
            .into_iter()
            .take(opts.max_candidates)
            .map(|(_, i)| i)
            .collect();
        keep.sort_unstable();
        let mut it = keep.into_iter().peekable();
        let mut idx = 0;
        cands.retain(|_| {
            let k = it.peek() == Some(&idx);
            if k {
                it.next();
            }
            idx += 1;
            k
        });
        diags.push(Diagnostic::info(
            STAGE,
            "summary:candidates-capped",
            format!(
                "kept the {} best of the candidate sentences for optimisation",
                opts.max_candidates
            ),
        ));
    }

    // 5. optimise
    let chosen = optimise(&cands, &weight, opts.words);

    // 6. order and cite
    let mut chosen: Vec<(usize, f64)> = chosen;
    match opts.order {
        Order::Salience => chosen.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))),
        Order::Chronological => chosen.sort_by(|a, b| {
            let (ca, cb) = (&cands[a.0], &cands[b.0]);
            let da = bundle.documents[ca.doc]
                .published
                .as_ref()
                .map(|p| p.value.as_str());
            let db = bundle.documents[cb.doc]
                .published
                .as_ref()
                .map(|p| p.value.as_str());
            (da.is_none(), da, ca.doc, ca.pos).cmp(&(db.is_none(), db, cb.doc, cb.pos))
        }),
    }
    let sentences: Vec<SummarySentence> = chosen
        .iter()
        .map(|&(i, _)| {
            let c = &cands[i];
            let d = &bundle.documents[c.doc];
            SummarySentence::new(&d.text[c.start..c.end], d.id.clone(), c.start, c.end)
        })
        .collect();
    if sentences.is_empty() {
        diags.push(Diagnostic::warning(
            STAGE,
            "summary:budget-too-small",
            format!(
                "no usable sentence fits the budget of {} words; the summary is empty",
                opts.words
            ),
        ));
    }
    let mut summary = Summary::new(sentences);
    summary.words = opts.words;
    (summary, diags)
}

/// For each of `sentences` (spans of `doc.text`), whether it lies in a
/// caption block: a paragraph of `doc.paragraphs` that holds a sentence
/// [`hygiene::is_caption`] flags. In `O((sentences + paragraphs) log)`: the
/// spans may come in any order and overlap, so the two containment tests
/// are binary searches over sorted spans with a running minimum or maximum
/// of their ends, not a scan of every paragraph for every sentence.
fn caption_block_sentences(doc: &Document, sentences: &[Span]) -> Vec<bool> {
    if doc.paragraphs.is_empty() {
        return vec![false; sentences.len()];
    }
    // caption sentences by start, with the least end from each on
    let mut caps: Vec<(usize, usize)> = sentences
        .iter()
        .filter(|s| hygiene::is_caption(doc.span_text(**s)))
        .map(|s| (s.start, s.end))
        .collect();
    if caps.is_empty() {
        return vec![false; sentences.len()];
    }
    caps.sort_unstable();
    let mut min_end_from = vec![usize::MAX; caps.len() + 1];
    for i in (0..caps.len()).rev() {
        min_end_from[i] = min_end_from[i + 1].min(caps[i].1);
    }
    // a paragraph is a caption block when a caption sentence starting in it
    // (start >= p.start) also ends in it (end <= p.end)
    let mut blocks: Vec<(usize, usize)> = doc
        .paragraphs
        .iter()
        .filter(|p| {
            let i = caps.partition_point(|c| c.0 < p.start);
            i < caps.len() && min_end_from[i] <= p.end
        })
        .map(|p| (p.start, p.end))
        .collect();
    blocks.sort_unstable();
    // the greatest end among the blocks starting at or before each start
    let mut max_end_to = Vec::with_capacity(blocks.len());
    let mut m = 0;
    for b in &blocks {
        m = m.max(b.1);
        max_end_to.push(m);
    }
    sentences
        .iter()
        .map(|s| {
            let i = blocks.partition_point(|b| b.0 <= s.start);
            i > 0 && max_end_to[i - 1] >= s.end
        })
        .collect()
}

fn jaccard(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let (mut i, mut j, mut inter) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    inter as f64 / (a.len() + b.len() - inter) as f64
}

const MAX_JACCARD: f64 = 0.5;
/// Greedy ratio: gain / words^LEN_EXP.
const LEN_EXP: f64 = 1.0;
/// Extra weight of a concept in a document's lead: `POSITION_BOOST / (1 + sentence index)`.
const POSITION_BOOST: f64 = 0.5;
/// Weight of a further document from an outlet that already reported a concept.
const SAME_OUTLET: f64 = 0.5;
/// Weight of a focus word, per document that uses it (a full-support bigram weighs about 1.2 per document).
const FOCUS_WORD: f64 = 2.0;
/// A bigram with focus words weighs `1 + FOCUS_BIGRAM * (focus weights of its words)` times more.
const FOCUS_BIGRAM: f64 = 1.0;
/// Weight of a focus word from the narrative (the lines after a topic's title), relative to the title's.
const NARRATIVE: f64 = 0.5;

struct State<'a> {
    cands: &'a [Cand],
    weight: &'a [f64],
    budget: usize,
    covered: Vec<u32>,
    selected: Vec<usize>,
    used: usize,
}

impl<'a> State<'a> {
    fn gain(&self, i: usize) -> f64 {
        self.cands[i]
            .concepts
            .iter()
            .filter(|&&c| self.covered[c as usize] == 0)
            .map(|&c| self.weight[c as usize])
            .sum()
    }
    fn loss(&self, i: usize) -> f64 {
        self.cands[i]
            .concepts
            .iter()
            .filter(|&&c| self.covered[c as usize] == 1)
            .map(|&c| self.weight[c as usize])
            .sum()
    }
    fn compatible(&self, i: usize, except: Option<usize>) -> bool {
        !self.selected.contains(&i)
            && self
                .selected
                .iter()
                .filter(|&&s| Some(s) != except)
                .all(|&s| jaccard(&self.cands[s].content, &self.cands[i].content) <= MAX_JACCARD)
    }
    fn add(&mut self, i: usize) {
        for &c in &self.cands[i].concepts {
            self.covered[c as usize] += 1;
        }
        self.used += self.cands[i].words;
        self.selected.push(i);
    }
    fn remove(&mut self, i: usize) {
        for &c in &self.cands[i].concepts {
            self.covered[c as usize] -= 1;
        }
        self.used -= self.cands[i].words;
        self.selected.retain(|&s| s != i);
    }
    /// The total weight of the covered concepts. The covered concepts are
    /// exactly those of the selected sentences, so this sums over them (a few
    /// hundred) rather than over every concept of the bundle (millions for a
    /// huge document); in ascending concept order, as a scan of `covered`
    /// would, so the sum is the same to the last bit.
    fn value(&self) -> f64 {
        let mut on: Vec<u32> = self
            .selected
            .iter()
            .flat_map(|&i| self.cands[i].concepts.iter().copied())
            .collect();
        on.sort_unstable();
        on.dedup();
        debug_assert!(on.iter().all(|&c| self.covered[c as usize] > 0));
        on.iter().map(|&c| self.weight[c as usize]).sum()
    }
    /// Greedy by gain per word until nothing with a gain fits.
    fn fill(&mut self) {
        loop {
            let mut best: Option<(f64, usize)> = None;
            for i in 0..self.cands.len() {
                let c = &self.cands[i];
                if self.used + c.words > self.budget {
                    continue;
                }
                let g = self.gain(i);
                if g <= 0.0 {
                    continue;
                }
                let r = g / (c.words as f64).powf(LEN_EXP);
                // The redundancy check (Jaccard against every chosen
                // sentence) is the costly one: only for a new best.
                if best.map_or(true, |(b, _)| r > b) && self.compatible(i, None) {
                    best = Some((r, i));
                }
            }
            match best {
                Some((_, i)) => self.add(i),
                None => break,
            }
        }
    }
}

/// Chooses sentences: returns (candidate index, its own weight) pairs.
fn optimise(cands: &[Cand], weight: &[f64], budget: usize) -> Vec<(usize, f64)> {
    let mut st = State {
        cands,
        weight,
        budget,
        covered: vec![0; weight.len()],
        selected: Vec::new(),
        used: 0,
    };
    st.fill();
    // swap partners: the best candidates by standalone weight
    let standalone: Vec<f64> = cands
        .iter()
        .map(|c| c.concepts.iter().map(|&k| weight[k as usize]).sum())
        .collect();
    let mut partners: Vec<usize> = (0..cands.len())
        .filter(|&i| cands[i].words <= budget)
        .collect();
    partners.sort_by(|&a, &b| standalone[b].total_cmp(&standalone[a]).then(a.cmp(&b)));
    partners.truncate(150);
    for _round in 0..10 {
        let mut improved = false;
        // moves: take out one chosen sentence, or two (so that a longer
        // sentence carrying more of the agreed concepts can come in), put in
        // the partner with the largest gain, refill greedily; kept only when
        // the total covered weight rises
        let selected = st.selected.clone();
        let mut moves: Vec<Vec<usize>> = selected.iter().map(|&s| vec![s]).collect();
        for (a, &s) in selected.iter().enumerate() {
            for &s2 in &selected[a + 1..] {
                moves.push(vec![s, s2]);
            }
        }
        for out in moves {
            if !out.iter().all(|s| st.selected.contains(s)) {
                continue;
            }
            let before = st.value();
            let saved = st.selected.clone();
            let mut loss = 0.0;
            for &s in &out {
                loss += st.loss(s);
                st.remove(s);
            }
            let mut best: Option<(f64, usize)> = None;
            for &t in &partners {
                if out.contains(&t) || st.used + cands[t].words > budget {
                    continue;
                }
                let g = st.gain(t);
                if (out.len() > 1 || g > loss + 1e-9)
                    && best.map_or(true, |(b, _)| g > b)
                    && st.compatible(t, None)
                {
                    best = Some((g, t));
                }
            }
            if let Some((_, t)) = best {
                st.add(t);
                st.fill();
                if st.value() > before + 1e-9 {
                    improved = true;
                    continue;
                }
            }
            // undo
            for s in st.selected.clone() {
                st.remove(s);
            }
            for s in saved {
                st.add(s);
            }
        }
        if !improved {
            break;
        }
    }
    // the best single sentence, when it beats the greedy set (Khuller et al.)
    if let Some(best) = partners.first() {
        if standalone[*best] > st.value() {
            return vec![(*best, standalone[*best])];
        }
    }
    st.selected.iter().map(|&i| (i, standalone[i])).collect()
}

// ---------------------------------------------------------------------------
// the plugin

/// The `summary` bundle stage.
pub struct SummaryStage {
    opts: SummaryOptions,
}

impl SummaryStage {
    /// A stage with these options.
    pub fn new(opts: SummaryOptions) -> Self {
        SummaryStage { opts }
    }
}

impl copydesk_core::BundleStage for SummaryStage {
    fn process(&self, mut bundle: Bundle) -> Result<Bundle, StageError> {
        let (summary, diags) = summarize(&bundle, &self.opts);
        bundle.summary = Some(summary);
        bundle.diagnostics.extend(diags);
        Ok(bundle)
    }
}

/// The plugin.
pub struct SummaryPlugin;

impl Plugin for SummaryPlugin {
    const NAME: &'static str = "summary";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const DESCRIPTION: &'static str =
        "Extractive multi-document summaries by concept coverage, with citations.";

    fn stages() -> Vec<StageSpec> {
        let mut spec = StageSpec::new(
            STAGE,
            StageKind::Bundle,
            "Writes a cited extractive summary of the bundle within a word budget.",
        )
        .requires("text")
        .provides("summary")
        .reads(&[
            "kind",
            "title",
            "outlet",
            "published",
            "text",
            "paragraphs",
            "sentences",
            "duplicate_of?",
        ])
        .writes(&["bundle.summary"]);
        for o in SummaryOptions::specs() {
            spec = spec.option(o);
        }
        vec![spec]
    }

    fn create(stage: &str, options: &Options) -> Result<Stage, StageError> {
        match stage {
            STAGE => Ok(Stage::bundle(SummaryStage::new(
                SummaryOptions::from_options(options)?,
            ))),
            other => Err(StageError::new(format!(
                "plugin `summary` has no stage `{other}`"
            ))),
        }
    }
}

// The shared library with the export symbol is `cdylib/` (package copydesk-summary-plugin).

/// Sentence spans inside `region` of `text`, by the shared segmenter.
pub fn split_sentences(text: &str, region: Span) -> Vec<Span> {
    let Some(part) = region.slice(text) else {
        return Vec::new();
    };
    copydesk_text::sentences::split_sentences(part)
        .into_iter()
        .map(|(a, b)| Span::new(region.start + a, region.start + b))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition `caption_block_sentences` implements, by brute force.
    fn brute(doc: &Document, sentences: &[Span]) -> Vec<bool> {
        let blocks: Vec<Span> = doc
            .paragraphs
            .iter()
            .copied()
            .filter(|p| {
                sentences.iter().any(|s| {
                    s.start >= p.start && s.end <= p.end && hygiene::is_caption(doc.span_text(*s))
                })
            })
            .collect();
        sentences
            .iter()
            .map(|s| blocks.iter().any(|p| s.start >= p.start && s.end <= p.end))
            .collect()
    }

    fn doc_with(text: &str, paragraphs: Vec<Span>) -> Document {
        let mut d = Document::unparsed("d", "b", "d.txt");
        d.text = text.to_string();
        d.paragraphs = paragraphs;
        d
    }

    #[test]
    fn caption_paragraphs_exclude_all_their_sentences() {
        let p1 = "Kerry met the opposition leaders in New York on Monday evening.";
        let p2 =
            "Kerry listens to the delegates during the meeting in New York. Photo by Jane Doe/UPI";
        let p3 = "The talks are to resume in Geneva next week, officials said.";
        let text = format!("{p1}\n\n{p2}\n\n{p3}");
        let a = p1.len() + 2;
        let b = a + p2.len() + 2;
        let paras = vec![
            Span::new(0, p1.len()),
            Span::new(a, a + p2.len()),
            Span::new(b, text.len()),
        ];
        let cut = p2.find(" Photo").unwrap();
        let sents = vec![
            Span::new(0, p1.len()),
            Span::new(a, a + cut),
            Span::new(a + cut + 1, a + p2.len()),
            Span::new(b, text.len()),
        ];
        let d = doc_with(&text, paras.clone());
        // the caption's own paragraph goes, with the sentence before the credit
        assert_eq!(
            caption_block_sentences(&d, &sents),
            [false, true, true, false]
        );
        assert_eq!(caption_block_sentences(&d, &sents), brute(&d, &sents));
        // any order and overlapping paragraphs give the same answer as the definition
        let mut shuffled = paras.clone();
        shuffled.reverse();
        shuffled.push(Span::new(0, a + p2.len()));
        shuffled.push(Span::new(a + 3, text.len()));
        shuffled.push(Span::new(5, 2));
        let d = doc_with(&text, shuffled);
        let mut rev = sents.clone();
        rev.reverse();
        assert_eq!(caption_block_sentences(&d, &rev), brute(&d, &rev));
        assert_eq!(caption_block_sentences(&d, &sents), brute(&d, &sents));
        // no paragraphs: nothing is a caption block
        let d = doc_with(&text, Vec::new());
        assert_eq!(caption_block_sentences(&d, &sents), [false; 4]);
    }
}
