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
#![deny(missing_docs)]

pub mod detect;
pub mod jsonl;
pub mod minhash;
pub mod par;
pub mod passages;
pub mod tokens;

pub use detect::{find_duplicates, Dedup, Edge, Params, Stats};

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

/// Configuration of the `dedup` stage.
#[derive(Debug, Clone, PartialEq)]
pub struct StageConfig {
    /// Detection parameters.
    pub params: Params,
    /// Canonical choice.
    pub canonical: Canonical,
    /// Annotate or drop.
    pub action: Action,
    /// Passage detection, or `None` when turned off.
    pub passages: Option<PassageParams>,
}

impl Default for StageConfig {
    fn default() -> Self {
        StageConfig {
            params: Params::default(),
            canonical: Canonical::Earliest,
            action: Action::Annotate,
            passages: Some(PassageParams::default()),
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
        match options.str_or("scope", "bundle")? {
            "bundle" => {}
            "corpus" => return Err(StageError::new("option `scope = \"corpus\"` is not implemented yet: duplicates are detected within each bundle (`scope = \"bundle\"`)")),
            other => return Err(StageError::new(format!("option `scope` must be bundle or corpus, got `{other}`"))),
        }
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

/// The `dedup` bundle stage.
pub struct DedupStage {
    config: StageConfig,
}

impl DedupStage {
    /// A stage with this configuration.
    pub fn new(config: StageConfig) -> Self {
        DedupStage { config }
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

/// Runs document- and passage-level detection on a bundle.
pub fn dedup_bundle(mut bundle: Bundle, config: &StageConfig) -> Bundle {
    let n = bundle.documents.len();
    let mut params = config.params.clone();
    if params.threads == 0 && n < 512 {
        params.threads = 1;
    }
    let texts: Vec<&str> = bundle.documents.iter().map(|d| d.text.as_str()).collect();
    let found = find_duplicates(&texts, &params);
    let k = params.shingle;
    let mut clusters = Vec::new();
    let mut dup_of: Vec<Option<(usize, f64)>> = vec![None; n];
    for members in &found.clusters {
        let canon = canonical_of(&bundle.documents, members, config.canonical);
        let cs = tokens::text_shingles(texts[canon], k);
        let mut out = vec![ClusterMember {
            doc: bundle.documents[canon].id.clone(),
            similarity: 1.0,
            kind: "exact".into(),
        }];
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
            out.push(ClusterMember {
                doc: bundle.documents[m].id.clone(),
                similarity: sim,
                kind: if exact { "exact" } else { "near" }.into(),
            });
        }
        clusters.push(DuplicateCluster {
            canonical: bundle.documents[canon].id.clone(),
            members: out,
        });
    }
    let passages = config.passages.as_ref().map(|pp| {
        let keep: Vec<usize> = (0..n).filter(|&i| dup_of[i].is_none()).collect();
        let kept: Vec<&str> = keep.iter().map(|&i| texts[i]).collect();
        shared_passages(&kept, pp)
            .into_iter()
            .map(|p| {
                let first = p.occurrences[0];
                SharedPassage {
                    text: kept[first.doc][first.start..first.end].to_string(),
                    occurrences: p
                        .occurrences
                        .iter()
                        .map(|o| Citation {
                            doc: bundle.documents[keep[o.doc]].id.clone(),
                            start: o.start,
                            end: o.end,
                        })
                        .collect(),
                    similarity: p.similarity,
                }
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
    bundle.duplicates = clusters;
    if let Some(p) = passages {
        bundle.shared_passages = p;
    }
    if config.action == Action::Drop {
        let dropped: Vec<String> = bundle
            .documents
            .iter()
            .filter(|d| d.duplicate_of.is_some())
            .map(|d| {
                format!(
                    "{} (duplicate of {}, J = {:.3})",
                    d.id,
                    d.duplicate_of.as_deref().unwrap_or(""),
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
        Ok(dedup_bundle(bundle, &self.config))
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
            .option(OptionSpec::new("threshold", OptionType::Float, 0.8, "Jaccard similarity of word shingles at or above which two documents are near duplicates; every reported pair is verified exactly."))
            .option(OptionSpec::new("shingle", OptionType::Integer, 5, "Words per shingle (CJK characters count as words); a document with fewer words has one shingle of all of them."))
            .option(OptionSpec::new("num_perm", OptionType::Integer, 128, "MinHash permutations (signature length). More permutations give fewer false candidates, at more cost."))
            .option(OptionSpec::optional(
                "bands",
                OptionType::Integer,
                "LSH bands. Unset: derived from threshold and num_perm, taking the most rows per band (fewest false candidates) among the layouts that make a pair at exactly the threshold a candidate with probability >= 0.9995 (128 permutations at 0.8 give 25 bands x 5 rows).",
            ))
            .option(OptionSpec::new("canonical", OptionType::String, "earliest", "Which member of a cluster is canonical: earliest (published date, then input order), longest (text), first (input order).").choices(&["earliest", "longest", "first"]))
            .option(OptionSpec::new("action", OptionType::String, "annotate", "annotate: set duplicate_of/similarity on duplicates; drop: also remove them from the bundle (a bundle diagnostic lists them, and the clusters keep them).").choices(&["annotate", "drop"]))
            .option(OptionSpec::new("scope", OptionType::String, "bundle", "Where duplicates are looked for: bundle (within each bundle). corpus (across bundles) is not implemented yet.").choices(&["bundle", "corpus"]))
            .option(OptionSpec::new("passages", OptionType::Boolean, true, "Also report passages (sentences, quotes, paragraphs) shared by two or more documents that are not duplicates."))
            .option(OptionSpec::new("passage_min_words", OptionType::Integer, 6, "Fewest matched words for a shared passage."))
            .option(OptionSpec::new("passage_similarity", OptionType::Float, 0.6, "Least Jaccard similarity (word 3-shingles) between two occurrences of a passage; below 1 tolerates small edits."))]
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

copydesk_core::export_plugin!(DedupPlugin);
