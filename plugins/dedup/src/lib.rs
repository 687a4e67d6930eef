//! # copydesk-dedup
//!
//! Duplicate detection for copydesk bundles, and the algorithms behind it as a
//! library.
//!
//! * Document level ([`detect`]): documents identical after normalisation are
//!   grouped by a hash of their token sequence; near duplicates are found with
//!   MinHash signatures of word shingles and LSH banding, and every candidate
//!   is verified with the exact Jaccard similarity of the shingle sets, so
//!   every reported pair meets the threshold. Groups and verified pairs are
//!   clustered with union-find.
//! * Passage level ([`passages`]): sentences and longer passages that recur
//!   across documents of a bundle, tolerant of small edits.
//! * [`jsonl`]: the same detection streamed over a JSON Lines file.
//! * [`corpus`]: with `scope = "corpus"`, duplicates between bundles, from a
//!   signature-only index of earlier bundles (MinHash *estimate*, not
//!   verified exactly: see the module).
#![deny(missing_docs)]

pub mod corpus;
pub mod detect;
pub mod jsonl;
pub mod minhash;
pub mod par;
pub mod passages;
pub mod tokens;

pub use corpus::{CorpusIndex, CorpusMatch};
pub use detect::{find_duplicates, Dedup, Edge, Params, Stats};

use std::sync::Mutex;

use copydesk_core::{
    Bundle, BundleStage, Citation, ClusterMember, Diagnostic, Document, DuplicateCluster,
    OptionSpec, OptionType, Options, Plugin, SharedPassage, Stage, StageError, StageKind,
    StageSpec,
};
use passages::{shared_passages, PassageParams};

/// How the canonical document of a cluster is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Canonical {
    /// Earliest `published` date (documents without one come last), then input order.
    Earliest,
    /// Longest text, then input order.
    Longest,
    /// First in input order.
    First,
}

/// What happens to duplicates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Keep them, with `duplicate_of` and `similarity` set.
    Annotate,
    /// Remove them from the bundle (they stay listed in `bundle.duplicates`).
    Drop,
}

/// Where duplicates are looked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Within each bundle (exactly verified).
    Bundle,
    /// Also between a bundle and every earlier bundle of the run (ordered
    /// stage; cross-bundle pairs are MinHash estimates).
    Corpus,
}

/// Configuration of the `dedup` stage.
#[derive(Debug, Clone, PartialEq)]
pub struct StageConfig {
    /// Detection parameters.
    pub params: Params,
    /// Canonical choice.
    pub canonical: Canonical,
    /// Annotate or drop.
    pub action: Action,
    /// Within bundles only, or across the corpus.
    pub scope: Scope,
    /// Passage detection, or `None` when turned off.
    pub passages: Option<PassageParams>,
    /// Corpus scope: verify cross-bundle pairs exactly (stored shingle
    /// hashes) rather than on the MinHash estimate.
    pub corpus_exact: bool,
}

impl Default for StageConfig {
    fn default() -> Self {
        StageConfig {
            params: Params::default(),
            canonical: Canonical::Earliest,
            action: Action::Annotate,
            scope: Scope::Bundle,
            passages: Some(PassageParams::default()),
            corpus_exact: true,
        }
    }
}

impl StageConfig {
    /// Reads the options declared in [`DedupPlugin::stages`].
    pub fn from_options(options: &Options) -> Result<Self, StageError> {
        let mut c = StageConfig::default();
        if let Some(t) = options.float("threshold")? {
            c.params.threshold = t;
        }
        let positive = |name: &str, v: i64| -> Result<usize, StageError> {
            if v <= 0 {
                Err(StageError::new(format!(
                    "option `{name}` must be positive, got {v}"
                )))
            } else {
                Ok(v as usize)
            }
        };
        if let Some(v) = options.int("shingle")? {
            c.params.shingle = positive("shingle", v)?;
        }
        if let Some(v) = options.int("num_perm")? {
            c.params.num_perm = positive("num_perm", v)?;
        }
        if let Some(v) = options.int("bands")? {
            let b = positive("bands", v)?;
            if b > c.params.num_perm {
                return Err(StageError::new(format!(
                    "option `bands` ({b}) cannot exceed `num_perm` ({})",
                    c.params.num_perm
                )));
            }
            c.params.bands = Some(b);
        }
        c.params.validate().map_err(StageError::new)?;
        c.canonical = match options.str_or("canonical", "earliest")? {
            "earliest" => Canonical::Earliest,
            "longest" => Canonical::Longest,
            "first" => Canonical::First,
            other => {
                return Err(StageError::new(format!(
                    "option `canonical` must be earliest, longest or first, got `{other}`"
                )))
            }
        };
        c.action = match options.str_or("action", "annotate")? {
            "annotate" => Action::Annotate,
            "drop" => Action::Drop,
            other => {
                return Err(StageError::new(format!(
                    "option `action` must be annotate or drop, got `{other}`"
                )))
            }
        };
        c.scope = match options.str_or("scope", "bundle")? {
            "bundle" => Scope::Bundle,
            "corpus" => Scope::Corpus,
            other => {
                return Err(StageError::new(format!(
                    "option `scope` must be bundle or corpus, got `{other}`"
                )))
            }
        };
        c.corpus_exact = match options.str_or("corpus_verify", "exact")? {
            "exact" => true,
            "estimate" => false,
            other => {
                return Err(StageError::new(format!(
                    "option `corpus_verify` must be exact or estimate, got `{other}`"
                )))
            }
        };
        if options.bool("passages")? == Some(false) {
            c.passages = None;
        } else {
            let mut p = PassageParams::default();
            if let Some(v) = options.int("passage_min_words")? {
                p.min_words = positive("passage_min_words", v)?;
            }
            if let Some(v) = options.float("passage_similarity")? {
                if !(0.0..=1.0).contains(&v) {
                    return Err(StageError::new(format!(
                        "option `passage_similarity` must be between 0 and 1, got {v}"
                    )));
                }
                p.min_similarity = v;
            }
            c.passages = Some(p);
        }
        Ok(c)
    }
}

/// The `dedup` bundle stage. With `scope = "corpus"` it holds the corpus
/// index of every bundle processed so far (the host calls such a stage on
/// one bundle at a time, in input order).
pub struct DedupStage {
    config: StageConfig,
    corpus: Option<Mutex<CorpusIndex>>,
}

impl DedupStage {
    /// A stage with this configuration.
    pub fn new(config: StageConfig) -> Self {
        let corpus = (config.scope == Scope::Corpus).then(|| {
            let (bands, rows) = config.params.layout();
            let p = &config.params;
            Mutex::new(if config.corpus_exact {
                CorpusIndex::new_exact(p.num_perm, bands, rows, p.threshold, p.max_bucket)
            } else {
                CorpusIndex::new(p.num_perm, bands, rows, p.threshold, p.max_bucket)
            })
        });
        DedupStage { config, corpus }
    }

    /// Documents in the corpus index so far (0 with `scope = "bundle"`).
    pub fn indexed(&self) -> usize {
        self.corpus
            .as_ref()
            .map_or(0, |c| c.lock().unwrap_or_else(|e| e.into_inner()).len())
    }
}

fn canonical_of(docs: &[Document], members: &[usize], how: Canonical) -> usize {
    let mut best = members[0];
    for &m in &members[1..] {
        let better = match how {
            Canonical::First => false,
            Canonical::Longest => docs[m].text.len() > docs[best].text.len(),
            Canonical::Earliest => {
                let date = |d: usize| docs[d].published.as_ref().map(|p| p.value.as_str());
                match (date(m), date(best)) {
                    (Some(a), Some(b)) => a < b,
                    (Some(_), None) => true,
                    _ => false,
                }
            }
        };
        if better {
            best = m;
        }
    }
    best
}

/// Runs document- and passage-level detection on a bundle (within the
/// bundle only, whatever `config.scope` says: corpus scope needs the state
/// kept by a [`DedupStage`]).
pub fn dedup_bundle(bundle: Bundle, config: &StageConfig) -> Bundle {
    dedup_bundle_in(bundle, config, None)
}

/// [`dedup_bundle`], then, when `corpus` is given, a look-up of every
/// canonical document of the bundle in the index of earlier bundles, and
/// the insertion of the bundle's remaining canonical documents.
fn dedup_bundle_in(
    mut bundle: Bundle,
    config: &StageConfig,
    corpus: Option<&Mutex<CorpusIndex>>,
) -> Bundle {
    let n = bundle.documents.len();
    let mut params = config.params.clone();
    if params.threads == 0 {
        // the host's budget for this call (1 unless it has cores to spare)
        params.threads = if n < 512 { 1 } else { copydesk_core::threads() };
    }
    let texts: Vec<&str> = bundle.documents.iter().map(|d| d.text.as_str()).collect();
    let k = params.shingle;
    let exact_corpus = corpus.is_some() && config.corpus_exact;
    let (sk, mut stored_sets) = if exact_corpus {
        let (sk, sets) = detect::sketch_all_stored(&texts, &params);
        (sk, Some(sets))
    } else {
        (detect::sketch_all(&texts, &params), None)
    };
    let found = {
        let threads = par::threads(params.threads);
        detect::dedup_sketches(&sk, &params, &|docs: &[usize]| {
            par::map(docs, threads, |&d| tokens::text_shingles(texts[d], k))
        })
    };
    let mut clusters = Vec::new();
    let mut dup_of: Vec<Option<(usize, f64)>> = vec![None; n];
    for members in &found.clusters {
        let canon = canonical_of(&bundle.documents, members, config.canonical);
        let cs = tokens::text_shingles(texts[canon], k);
        let mut out = vec![ClusterMember::new(
            bundle.documents[canon].id.clone(),
            1.0,
            "exact",
        )];
        for &m in members {
            if m == canon {
                continue;
            }
            let exact = found.rep[m] == found.rep[canon];
            let sim = if exact {
                1.0
            } else {
                tokens::jaccard(&tokens::text_shingles(texts[m], k), &cs)
            };
            dup_of[m] = Some((canon, sim));
            out.push(ClusterMember::new(
                bundle.documents[m].id.clone(),
                sim,
                if exact { "exact" } else { "near" },
            ));
        }
        clusters.push(DuplicateCluster::new(
            bundle.documents[canon].id.clone(),
            out,
        ));
    }
    // Corpus scope: canonical documents of this bundle against earlier
    // bundles (estimates), then this bundle's survivors into the index.
    let mut corpus_dup: Vec<Option<CorpusMatch>> = vec![None; n];
    // the member of a document's cluster that matched, when not itself
    let mut corpus_via: Vec<Option<usize>> = vec![None; n];
    if let Some(index) = corpus {
        // A panic while the lock was held can only have left an index
        // that misses some documents of one bundle: keep going.
        let mut index = index.lock().unwrap_or_else(|e| e.into_inner());
        // Every document is looked up, duplicates within the bundle too: a
        // cluster joins an earlier document when any member matches it (as
        // one bundle holding both would have clustered them), and the link
        // is set on the cluster's canonical document.
        let looked: Vec<usize> = (0..n).filter(|&i| sk.exact(i).is_some()).collect();
        // (an exact index: the sets sketching kept; an estimating one needs none)
        let stored: Vec<Vec<u32>> = match stored_sets.take() {
            Some(mut sets) => looked
                .iter()
                .map(|&d| std::mem::take(&mut sets[d]))
                .collect(),
            None => vec![Vec::new(); looked.len()],
        };
        // Look-ups only read the index: they run in parallel (the host's
        // thread budget), and are folded in input order below.
        let pairs: Vec<(usize, &Vec<u32>)> = looked.iter().copied().zip(&stored).collect();
        let found: Vec<Option<CorpusMatch>> = {
            let index = &*index;
            par::map(&pairs, par::threads(params.threads), |&(i, set)| {
                index.lookup(sk.sig(i), sk.exact(i).expect("filtered above"), set)
            })
        };
        for (&i, m) in looked.iter().zip(found) {
            let Some(m) = m else {
                continue;
            };
            let canon = dup_of[i].map_or(i, |(c, _)| c);
            let better = corpus_dup[canon].as_ref().map_or(true, |b| {
                (m.exact, m.similarity) > (b.exact, b.similarity)
                    || ((m.exact, m.similarity) == (b.exact, b.similarity) && m.index < b.index)
            });
            if better {
                corpus_dup[canon] = Some(m);
                corpus_via[canon] = (canon != i).then_some(i);
            }
        }
        // Every document goes into the index under the id of its cluster's
        // root (the earlier document its cluster joined, else its canonical
        // document), so that a later document matching any member finds it.
        for (&i, set) in looked.iter().zip(&stored) {
            let canon = dup_of[i].map_or(i, |(c, _)| c);
            let root = corpus_dup[canon]
                .as_ref()
                .map_or(bundle.documents[canon].id.as_str(), |m| m.id.as_str());
            let h = sk.exact(i).expect("filtered above");
            index.insert(root, sk.sig(i), h, set);
        }
    }
    let drop_corpus = config.action == Action::Drop;
    let passages = config.passages.as_ref().map(|pp| {
        let keep: Vec<usize> = (0..n)
            .filter(|&i| dup_of[i].is_none() && !(drop_corpus && corpus_dup[i].is_some()))
            .collect();
        let kept: Vec<&str> = keep.iter().map(|&i| texts[i]).collect();
        shared_passages(&kept, pp)
            .into_iter()
            .map(|p| {
                let first = p.occurrences[0];
                SharedPassage::new(
                    &kept[first.doc][first.start..first.end],
                    p.occurrences
                        .iter()
                        .map(|o| {
                            Citation::new(bundle.documents[keep[o.doc]].id.clone(), o.start, o.end)
                        })
                        .collect(),
                    p.similarity,
                )
            })
            .collect::<Vec<_>>()
    });
    for (i, d) in dup_of.iter().enumerate() {
        if let Some((c, sim)) = *d {
            let id = bundle.documents[c].id.clone();
            let doc = &mut bundle.documents[i];
            doc.duplicate_of = Some(id);
            doc.similarity = Some(sim);
        }
    }
    let num_perm = params.num_perm;
    let member_ids: Vec<Option<String>> = corpus_via
        .iter()
        .map(|v| v.map(|m| bundle.documents[m].id.clone()))
        .collect();
    for ((doc, m), via) in bundle.documents.iter_mut().zip(&corpus_dup).zip(member_ids) {
        let Some(m) = m else { continue };
        let message = if let Some(member) = via {
            format!(
                "its cluster joins {} from an earlier bundle: its member {member} matches it ({} {:.3})",
                m.id,
                if m.exact { "identical," } else if config.corpus_exact { "Jaccard" } else { "estimated Jaccard" },
                m.similarity
            )
        } else if m.exact {
            format!(
                "duplicate of {} from an earlier bundle: identical after normalisation (128-bit hash of the token sequence)",
                m.id
            )
        } else if config.corpus_exact {
            format!(
                "near duplicate of {} from an earlier bundle: Jaccard {:.3} of their shingle sets (24-bit shingle hashes)",
                m.id, m.similarity
            )
        } else {
            format!(
                "near duplicate of {} from an earlier bundle: estimated Jaccard {:.3} (MinHash, {} permutations, standard error {:.3}); not verified exactly, since the text of earlier bundles is not kept",
                m.id,
                m.similarity,
                num_perm,
                minhash::estimate_std_error(m.similarity, num_perm)
            )
        };
        doc.duplicate_of = Some(m.id.clone());
        doc.similarity = Some(m.similarity);
        doc.diagnostics
            .push(Diagnostic::info("dedup", "dedup:corpus-duplicate", message));
    }
    bundle.duplicates = clusters;
    if let Some(p) = passages {
        bundle.shared_passages = p;
    }
    if config.action == Action::Drop {
        let dropped: Vec<String> = bundle
            .documents
            .iter()
            .zip(&corpus_dup)
            .filter(|(d, _)| d.duplicate_of.is_some())
            .map(|(d, m)| {
                let estimated = !config.corpus_exact && m.as_ref().is_some_and(|m| !m.exact);
                format!(
                    "{} (duplicate of {}, {} = {:.3})",
                    d.id,
                    d.duplicate_of.as_deref().unwrap_or(""),
                    if estimated { "estimated J" } else { "J" },
                    d.similarity.unwrap_or(1.0)
                )
            })
            .collect();
        if !dropped.is_empty() {
            bundle.documents.retain(|d| d.duplicate_of.is_none());
            bundle.diagnostics.push(Diagnostic::info(
                "dedup",
                "dedup:dropped",
                format!(
                    "dropped {} duplicate document(s): {}",
                    dropped.len(),
                    dropped.join("; ")
                ),
            ));
        }
    }
    bundle
}

impl BundleStage for DedupStage {
    fn process(&self, bundle: Bundle) -> Result<Bundle, StageError> {
        Ok(dedup_bundle_in(bundle, &self.config, self.corpus.as_ref()))
    }
}

/// The `dedup` plugin.
pub struct DedupPlugin;

impl Plugin for DedupPlugin {
    const NAME: &'static str = "dedup";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const DESCRIPTION: &'static str = "Exact and near-duplicate documents (MinHash LSH, verified exact Jaccard) and passages shared across documents.";

    fn stages() -> Vec<StageSpec> {
        vec![StageSpec::new("dedup", StageKind::Bundle, "Clusters duplicate documents (exact and near, by word-shingle Jaccard) and finds passages shared across documents.")
            .requires("text")
            .provides("duplicates")
            .reads(&["text", "published"])
            .writes(&[
                "duplicate_of",
                "similarity",
                "bundle.duplicates",
                "bundle.shared_passages",
                "bundle.documents",
            ])
            .ordered_when("scope", "corpus")
            .option(OptionSpec::new("threshold", OptionType::Float, 0.8, "Jaccard similarity of word shingles at or above which two documents are near duplicates; every reported pair is verified exactly.").range(0.0, 1.0))
            .option(OptionSpec::new("shingle", OptionType::Integer, 5, "Words per shingle (CJK characters count as words); a document with fewer words has one shingle of all of them.").range(1.0, 64.0))
            .option(OptionSpec::new("num_perm", OptionType::Integer, 128, "MinHash permutations (signature length). More permutations give fewer false candidates, at more cost.").range(1.0, 4096.0))
            .option(OptionSpec::optional(
                "bands",
                OptionType::Integer,
                "LSH bands. Unset: derived from threshold and num_perm, taking the most rows per band (fewest false candidates) among the layouts that make a pair at exactly the threshold a candidate with probability >= 0.9995 (128 permutations at 0.8 give 25 bands x 5 rows).",
            ).min(1.0))
            .option(OptionSpec::new("canonical", OptionType::String, "earliest", "Which member of a cluster is canonical: earliest (published date, then input order), longest (text), first (input order).").choices(&["earliest", "longest", "first"]))
            .option(OptionSpec::new("action", OptionType::String, "annotate", "annotate: set duplicate_of/similarity on duplicates; drop: also remove them from the bundle (a bundle diagnostic lists them, and the clusters keep them).").choices(&["annotate", "drop"]))
            .option(OptionSpec::new("scope", OptionType::String, "bundle", "Where duplicates are looked for: bundle (within each bundle, every pair verified exactly); corpus (also against every earlier bundle: the stage is then ordered, one bundle at a time in input order; cross-bundle pairs are verified as `corpus_verify` says).").choices(&["bundle", "corpus"]))
            .option(OptionSpec::new("corpus_verify", OptionType::String, "exact", "With scope = corpus, how a pair with an earlier bundle is verified: exact (the Jaccard of stored 24-bit shingle hashes, as within a bundle; memory about 3 bytes a word of every document, ≈ 1.8 KB for a 500-word article) or estimate (the MinHash estimate, standard error sqrt(J(1-J)/num_perm), 0.035 at J = 0.8 with 128 permutations; about 1 KB a document, whatever its length). Identical texts are matched by hash either way.").choices(&["exact", "estimate"]))
            .option(OptionSpec::new("passages", OptionType::Boolean, true, "Also report passages (sentences, quotes, paragraphs) shared by two or more documents that are not duplicates."))
            .option(OptionSpec::new("passage_min_words", OptionType::Integer, 6, "Fewest matched words for a shared passage.").min(1.0))
            .option(OptionSpec::new("passage_similarity", OptionType::Float, 0.6, "Least Jaccard similarity (word 3-shingles) between two occurrences of a passage; below 1 tolerates small edits.").range(0.0, 1.0))]
    }

    fn create(stage: &str, options: &Options) -> Result<Stage, StageError> {
        match stage {
            "dedup" => Ok(Stage::bundle(DedupStage::new(StageConfig::from_options(
                options,
            )?))),
            other => Err(StageError::new(format!(
                "plugin dedup has no stage `{other}`"
            ))),
        }
    }
}

// The shared library with the export symbol is `cdylib/` (package copydesk-dedup-plugin).

#[cfg(test)]
mod corpus_scope_tests {
    use super::*;
    use serde_json::json;

    /// A deterministic pseudo-article of `words` words from `seed`.
    fn article(seed: u64, words: usize) -> String {
        const VOCAB: &[&str] = &[
            "minister",
            "talks",
            "said",
            "government",
            "city",
            "council",
            "report",
            "police",
            "vote",
            "budget",
            "market",
            "river",
            "school",
            "health",
            "court",
            "judge",
            "power",
            "plant",
            "storm",
            "road",
            "bridge",
            "union",
            "strike",
            "price",
            "oil",
            "farm",
            "water",
            "border",
            "army",
            "peace",
            "deal",
            "crowd",
            "mayor",
            "fire",
            "train",
            "port",
            "bank",
            "rate",
            "trade",
            "film",
            "museum",
            "team",
            "match",
            "season",
            "coach",
            "hospital",
            "doctor",
            "nurse",
            "village",
            "island",
        ];
        let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let mut out = Vec::with_capacity(words);
        for i in 0..words {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            out.push(VOCAB[(x % VOCAB.len() as u64) as usize]);
            if i % 12 == 11 {
                out.push("and");
            }
        }
        out.join(" ") + "."
    }

    fn doc(bundle: &str, name: &str, text: &str) -> Document {
        let mut doc = Document::new(format!("{bundle}/{name}"), bundle);
        doc.text = text.into();
        doc
    }

    fn bundle(id: &str, docs: Vec<Document>) -> Bundle {
        Bundle::new(id, docs)
    }

    fn corpus_stage(extra: serde_json::Value) -> Box<dyn BundleStage> {
        let mut o = json!({"scope": "corpus"}).as_object().unwrap().clone();
        o.extend(extra.as_object().unwrap().clone());
        match DedupPlugin::create("dedup", &Options(o)).unwrap() {
            Stage::Bundle(b) => b,
            _ => panic!("dedup is a bundle stage"),
        }
    }

    /// `text` with every 60th word replaced.
    fn edited(text: &str) -> String {
        text.split(' ')
            .enumerate()
            .map(|(i, w)| if i % 60 == 30 { "EDITED" } else { w })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn bundles() -> (Bundle, Bundle) {
        let a1 = article(1, 400);
        let a2 = article(2, 400);
        let a = bundle(
            "a",
            vec![
                doc("a", "000", &a1),
                doc("a", "001", &a2),
                doc("a", "002", &edited(&a2)),
            ],
        );
        let b = bundle(
            "b",
            vec![
                doc("b", "000", &article(3, 400)),
                doc("b", "001", &edited(&a1)),
                doc("b", "002", &a2),
                doc("b", "003", ""),
            ],
        );
        (a, b)
    }

    #[test]
    fn spec_is_ordered_only_for_corpus_scope() {
        let spec = &DedupPlugin::stages()[0];
        let opts = |s: &str| json!({"scope": s}).as_object().unwrap().clone();
        assert!(spec.is_ordered(&opts("corpus")));
        assert!(!spec.is_ordered(&opts("bundle")));
    }

    #[test]
    fn edited_copy_in_a_later_bundle_points_to_the_earlier_article() {
        let stage = corpus_stage(json!({}));
        let (a, b) = bundles();
        let a = stage.process(a).unwrap();
        // Bundle a: only the within-bundle pair (exact verification).
        assert_eq!(a.documents[0].duplicate_of, None);
        assert_eq!(a.documents[2].duplicate_of.as_deref(), Some("a/001"));
        assert!(a.documents.iter().all(|d| d.diagnostics.is_empty()));
        let b = stage.process(b).unwrap();
        // A different article: no duplicate.
        assert_eq!(b.documents[0].duplicate_of, None);
        assert!(b.documents[0].diagnostics.is_empty());
        // The lightly edited copy of a/000.
        let d = &b.documents[1];
        assert_eq!(d.duplicate_of.as_deref(), Some("a/000"));
        let sim = d.similarity.unwrap();
        assert!((0.8..1.0).contains(&sim), "{sim}");
        let diag = &d.diagnostics[0];
        assert_eq!(diag.code, "dedup:corpus-duplicate");
        assert!(
            diag.message.contains("Jaccard 0.") && !diag.message.contains("estimated"),
            "{}",
            diag.message
        );
        // An identical copy: matched by hash, similarity 1.
        assert_eq!(b.documents[2].duplicate_of.as_deref(), Some("a/001"));
        assert_eq!(b.documents[2].similarity, Some(1.0));
        // No text: never a duplicate.
        assert_eq!(b.documents[3].duplicate_of, None);
        // Cross-bundle pairs are not listed as clusters of bundle b.
        assert!(b.duplicates.is_empty());
    }

    #[test]
    fn estimated_corpus_pairs_say_so() {
        let stage = corpus_stage(json!({"corpus_verify": "estimate"}));
        let (a, b) = bundles();
        stage.process(a).unwrap();
        let b = stage.process(b).unwrap();
        let d = &b.documents[1];
        assert_eq!(d.duplicate_of.as_deref(), Some("a/000"));
        let msg = &d.diagnostics[0].message;
        assert!(msg.contains("estimated Jaccard"), "{msg}");
        assert!(StageConfig::from_options(&Options(
            json!({"corpus_verify": "guess"})
                .as_object()
                .unwrap()
                .clone()
        ))
        .is_err());
    }

    #[test]
    fn bundle_scope_ignores_earlier_bundles() {
        let stage = corpus_stage(json!({"scope": "bundle"}));
        let (a, b) = bundles();
        stage.process(a).unwrap();
        let b = stage.process(b).unwrap();
        assert!(b.documents.iter().all(|d| d.duplicate_of.is_none()));
    }

    #[test]
    fn empty_bundles_are_fine_anywhere() {
        let stage = corpus_stage(json!({}));
        let (a, b) = bundles();
        let e = stage.process(bundle("e0", vec![])).unwrap();
        assert!(e.documents.is_empty() && e.duplicates.is_empty());
        stage.process(a).unwrap();
        stage.process(bundle("e1", vec![])).unwrap();
        let b = stage.process(b).unwrap();
        assert_eq!(b.documents[1].duplicate_of.as_deref(), Some("a/000"));
    }

    #[test]
    fn drop_removes_cross_bundle_duplicates_and_says_so() {
        let stage = corpus_stage(json!({"action": "drop"}));
        let (a, b) = bundles();
        let a = stage.process(a).unwrap();
        assert_eq!(a.documents.len(), 2);
        let b = stage.process(b).unwrap();
        let ids: Vec<&str> = b.documents.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["b/000", "b/003"]);
        let msg = &b.diagnostics[0].message;
        assert!(msg.contains("b/001 (duplicate of a/000, J = 0."), "{msg}");
        assert!(
            msg.contains("b/002 (duplicate of a/001, J = 1.000)"),
            "{msg}"
        );
    }

    #[test]
    fn every_document_with_words_is_indexed() {
        let stage = DedupStage::new(
            StageConfig::from_options(&Options(
                json!({"scope": "corpus"}).as_object().unwrap().clone(),
            ))
            .unwrap(),
        );
        let (a, b) = bundles();
        stage.process(a).unwrap();
        // a/002 duplicates a/001 within the bundle: indexed too (under
        // a/001), so that a later document matching only it finds the cluster.
        assert_eq!(stage.indexed(), 3);
        stage.process(b).unwrap();
        // b/003 has no words.
        assert_eq!(stage.indexed(), 6);
    }

    #[test]
    fn deterministic_across_instances_and_thread_counts() {
        let run = |threads: i64| {
            let stage = DedupStage::new({
                let mut c = StageConfig::from_options(&Options(
                    json!({"scope": "corpus"}).as_object().unwrap().clone(),
                ))
                .unwrap();
                c.params.threads = threads as usize;
                c
            });
            let (a, b) = bundles();
            let a = stage.process(a).unwrap();
            let b = stage.process(b).unwrap();
            serde_json::to_string(&(a, b)).unwrap()
        };
        let first = run(1);
        assert_eq!(first, run(1));
        assert_eq!(first, run(4));
    }
}
