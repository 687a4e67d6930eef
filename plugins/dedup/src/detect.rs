//! Document-level duplicate detection: exact groups, MinHash LSH candidates,
//! exact Jaccard verification, union-find clustering.

use crate::minhash::{self, choose_bands};
use crate::par;
use crate::tokens::{self, jaccard};

/// Parameters of the detector.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// Jaccard threshold: every reported near pair has exact J >= threshold.
    pub threshold: f64,
    /// Tokens per shingle.
    pub shingle: usize,
    /// MinHash permutations.
    pub num_perm: usize,
    /// Bands; `None` derives them from `threshold` and `num_perm` ([`choose_bands`]).
    pub bands: Option<usize>,
    /// Worker threads (0: all cores). Results never depend on it.
    pub threads: usize,
    /// LSH buckets with more representatives than this are not expanded to
    /// all pairs: each member is only compared with the bucket's first member
    /// and its neighbour in the bucket (bounds the work on huge swarms of
    /// near-identical documents; exact copies are collapsed before LSH anyway).
    pub max_bucket: usize,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            threshold: 0.8,
            shingle: 5,
            num_perm: 128,
            bands: None,
            threads: 0,
            max_bucket: 1000,
        }
    }
}

impl Params {
    /// `(bands, rows)` actually used.
    pub fn layout(&self) -> (usize, usize) {
        match self.bands {
            Some(b) if b > 0 => {
                let b = b.min(self.num_perm.max(1));
                (b, (self.num_perm.max(1) / b).max(1))
            }
            _ => choose_bands(self.threshold, self.num_perm),
        }
    }

    /// Checks the values.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.threshold > 0.0 && self.threshold <= 1.0) {
            return Err(format!(
                "threshold must be in (0, 1], got {}",
                self.threshold
            ));
        }
        if self.shingle == 0 || self.shingle > 64 {
            return Err(format!(
                "shingle must be between 1 and 64, got {}",
                self.shingle
            ));
        }
        if self.num_perm == 0 || self.num_perm > 4096 {
            return Err(format!(
                "num_perm must be between 1 and 4096, got {}",
                self.num_perm
            ));
        }
        Ok(())
    }
}

/// What detection keeps of each document: its exact-text hash and its
/// MinHash signature. About `4 * num_perm + 24`
/// bytes a document; the text itself is not kept.
#[derive(Debug, Clone, Default)]
pub struct Sketches {
    num_perm: usize,
    sigs: Vec<u32>,
    exact: Vec<Option<u128>>,
}

impl Sketches {
    /// Empty, for signatures of `num_perm` values.
    pub fn new(num_perm: usize) -> Self {
        Sketches {
            num_perm,
            ..Default::default()
        }
    }
    /// Number of documents.
    pub fn len(&self) -> usize {
        self.exact.len()
    }
    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.exact.is_empty()
    }
    /// Signature of document `i`.
    pub fn sig(&self, i: usize) -> &[u32] {
        &self.sigs[i * self.num_perm..(i + 1) * self.num_perm]
    }
    /// Exact-text hash of document `i` (`None`: no tokens).
    pub fn exact(&self, i: usize) -> Option<u128> {
        self.exact[i]
    }
    /// Appends all documents of `other`.
    pub fn append(&mut self, mut other: Sketches) {
        assert_eq!(self.num_perm, other.num_perm);
        self.sigs.append(&mut other.sigs);
        self.exact.append(&mut other.exact);
    }
}

/// Computes sketches of texts; one per thread (holds scratch buffers).
pub struct Sketcher {
    seeds: Vec<[u32; 2]>,
    shingle: usize,
    tokens: Vec<u64>,
    scratch: Vec<u32>,
    /// Shingle hashes of the last text, for [`Sketcher::push_stored`].
    shingles: Vec<u64>,
}

impl Sketcher {
    /// A sketcher for `params`.
    pub fn new(params: &Params) -> Self {
        Sketcher {
            seeds: minhash::seeds(params.num_perm),
            shingle: params.shingle,
            tokens: Vec::new(),
            scratch: Vec::new(),
            shingles: Vec::new(),
        }
    }

    /// Sketches `text` and appends it to `out`.
    pub fn push(&mut self, text: &str, out: &mut Sketches) {
        tokens::token_hashes(text, &mut self.tokens);
        let start = out.sigs.len();
        out.sigs.resize(start + self.seeds.len(), u32::MAX);
        minhash::signature(
            &self.tokens,
            self.shingle,
            &self.seeds,
            &mut out.sigs[start..],
            &mut self.scratch,
        );
        out.exact.push(tokens::sequence_hash(&self.tokens));
    }

    /// [`Sketcher::push`], also returning the 24-bit shingle set the exact
    /// corpus index keeps ([`crate::corpus::stored_shingles`]), from the same
    /// tokens.
    pub fn push_stored(&mut self, text: &str, out: &mut Sketches) -> Vec<u32> {
        self.push(text, out);
        let shingles = &mut self.shingles;
        shingles.clear();
        tokens::for_each_shingle(&self.tokens, self.shingle, |h| shingles.push(h));
        crate::corpus::stored_shingles(shingles)
    }
}

/// [`sketch_all`], with every text's stored shingle set (see
/// [`Sketcher::push_stored`]).
pub fn sketch_all_stored<S: AsRef<str> + Sync>(
    texts: &[S],
    params: &Params,
) -> (Sketches, Vec<Vec<u32>>) {
    let threads = par::threads(params.threads);
    let parts = par::map_chunks(texts, threads, 256, |chunk| {
        let mut sk = Sketcher::new(params);
        let mut out = Sketches::new(params.num_perm);
        let stored: Vec<Vec<u32>> = chunk
            .iter()
            .map(|t| sk.push_stored(t.as_ref(), &mut out))
            .collect();
        (out, stored)
    });
    let mut all = Sketches::new(params.num_perm);
    let mut sets = Vec::with_capacity(texts.len());
    for (p, s) in parts {
        all.append(p);
        sets.extend(s);
    }
    (all, sets)
}

/// Sketches many texts in parallel (results in input order).
pub fn sketch_all<S: AsRef<str> + Sync>(texts: &[S], params: &Params) -> Sketches {
    let threads = par::threads(params.threads);
    let parts = par::map_chunks(texts, threads, 256, |chunk| {
        let mut sk = Sketcher::new(params);
        let mut out = Sketches::new(params.num_perm);
        for t in chunk {
            sk.push(t.as_ref(), &mut out);
        }
        out
    });
    let mut all = Sketches::new(params.num_perm);
    for p in parts {
        all.append(p);
    }
    all
}

/// A verified near-duplicate pair of group representatives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Edge {
    /// Smaller document index.
    pub a: usize,
    /// Larger document index.
    pub b: usize,
    /// Exact Jaccard similarity of their shingle sets (>= threshold).
    pub jaccard: f64,
}

/// Counters, for diagnostics and benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Documents.
    pub documents: usize,
    /// Documents without tokens (never duplicates).
    pub empty: usize,
    /// Representatives after collapsing exact copies.
    pub representatives: usize,
    /// Distinct LSH candidate pairs.
    pub candidates: usize,
    /// Candidates left after the MinHash-estimate filter (verified exactly).
    pub verified: usize,
    /// Verified pairs at or above the threshold.
    pub edges: usize,
    /// LSH buckets too large to expand to all pairs.
    pub capped_buckets: usize,
}

/// The result of detection. Documents are input indices.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dedup {
    /// Exact-duplicate groups (identical after normalisation) with at least
    /// two members, each ascending; ordered by first member. The first member
    /// is the group's representative.
    pub groups: Vec<Vec<usize>>,
    /// Verified near-duplicate pairs between representatives (a document
    /// that is in no group is its own representative), ordered by `(a, b)`.
    pub edges: Vec<Edge>,
    /// Connected components of groups and edges (union-find) with at least
    /// two documents, each ascending; ordered by first member.
    pub clusters: Vec<Vec<usize>>,
    /// Representative of every document (itself when not in a group).
    pub rep: Vec<usize>,
    /// Counters.
    pub stats: Stats,
}

struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
        }
    }
    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            // The smaller index becomes the root: deterministic.
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[hi] = lo;
        }
    }
}

/// How far below the threshold a MinHash estimate may fall before the
/// candidate is dropped without exact verification: five standard deviations
/// of the estimate at the threshold, plus 0.02.
pub fn estimate_margin(threshold: f64, num_perm: usize) -> f64 {
    5.0 * (threshold * (1.0 - threshold) / num_perm.max(1) as f64).sqrt() + 0.02
}

/// Runs detection over precomputed sketches. `load` returns the shingle sets
/// (sorted, deduplicated hashes, as [`tokens::text_shingles`]) of the given
/// documents, in the given order; it is called only for documents that are
/// candidates, in batches of at most `16384` documents.
pub fn dedup_sketches(
    sk: &Sketches,
    params: &Params,
    load: &(dyn Fn(&[usize]) -> Vec<Vec<u64>> + Sync),
) -> Dedup {
    let n = sk.len();
    let threads = par::threads(params.threads);
    let mut stats = Stats {
        documents: n,
        ..Stats::default()
    };

    // 1. Exact groups by hash of the normalised token sequence.
    let mut order: Vec<(u128, usize)> =
        (0..n).filter_map(|i| sk.exact(i).map(|h| (h, i))).collect();
    stats.empty = n - order.len();
    order.sort_unstable();
    let mut rep: Vec<usize> = (0..n).collect();
    let mut groups = Vec::new();
    let mut reps = Vec::new();
    let mut i = 0;
    while i < order.len() {
        let mut j = i + 1;
        while j < order.len() && order[j].0 == order[i].0 {
            j += 1;
        }
        let first = order[i].1;
        reps.push(first);
        if j - i > 1 {
            let members: Vec<usize> = order[i..j].iter().map(|&(_, d)| d).collect();
            for &m in &members {
                rep[m] = first;
            }
            groups.push(members);
        }
        i = j;
    }
    drop(order);
    reps.sort_unstable();
    groups.sort_unstable_by_key(|g| g[0]);
    stats.representatives = reps.len();

    // 2. LSH banding over representatives.
    let (bands, rows) = params.layout();
    let band_ids: Vec<usize> = (0..bands).collect();
    let per_band = par::map(&band_ids, threads.min(bands.max(1)), |&band| {
        let mut keys: Vec<(u64, u32)> = reps
            .iter()
            .map(|&d| {
                let s = &sk.sig(d)[band * rows..(band + 1) * rows];
                (minhash::band_key(s, band), d as u32)
            })
            .collect();
        keys.sort_unstable();
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        let mut capped = 0usize;
        let mut i = 0;
        while i < keys.len() {
            let mut j = i + 1;
            while j < keys.len() && keys[j].0 == keys[i].0 {
                j += 1;
            }
            let run = &keys[i..j];
            if run.len() > 1 {
                if run.len() <= params.max_bucket {
                    for x in 0..run.len() {
                        for y in x + 1..run.len() {
                            pairs.push((run[x].1, run[y].1));
                        }
                    }
                } else {
                    capped += 1;
                    for y in 1..run.len() {
                        pairs.push((run[0].1, run[y].1));
                        pairs.push((run[y - 1].1, run[y].1));
                    }
                }
            }
            i = j;
        }
        pairs.sort_unstable();
        pairs.dedup();
        (pairs, capped)
    });
    let mut cand: Vec<(u32, u32)> = Vec::new();
    for (p, c) in per_band {
        stats.capped_buckets += c;
        cand.extend(p);
        if cand.len() > 1 << 22 {
            cand.sort_unstable();
            cand.dedup();
        }
    }
    cand.sort_unstable();
    cand.dedup();
    stats.candidates = cand.len();

    // 3. Cheap filter: the MinHash estimate.
    let t = params.threshold;
    let margin = estimate_margin(t, params.num_perm);
    let keep = par::map(&cand, threads, |&(a, b)| {
        minhash::estimate(sk.sig(a as usize), sk.sig(b as usize)) >= t - margin
    });
    let cand: Vec<(u32, u32)> = cand
        .into_iter()
        .zip(keep)
        .filter(|&(_, k)| k)
        .map(|(p, _)| p)
        .collect();
    stats.verified = cand.len();

    // 4. Exact verification, in batches of at most BATCH distinct documents.
    const BATCH: usize = 16384;
    let mut edges = Vec::new();
    let mut start = 0;
    while start < cand.len() {
        let mut docs: Vec<usize> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut end = start;
        while end < cand.len() {
            let (a, b) = cand[end];
            let new = (!seen.contains(&a)) as usize + (!seen.contains(&b)) as usize;
            if !docs.is_empty() && seen.len() + new > BATCH {
                break;
            }
            for d in [a, b] {
                if seen.insert(d) {
                    docs.push(d as usize);
                }
            }
            end += 1;
        }
        docs.sort_unstable();
        let sets = load(&docs);
        assert_eq!(
            sets.len(),
            docs.len(),
            "loader returned the wrong number of shingle sets"
        );
        let pos = |d: u32| docs.binary_search(&(d as usize)).expect("loaded");
        let batch = &cand[start..end];
        let js = par::map(batch, threads, |&(a, b)| {
            jaccard(&sets[pos(a)], &sets[pos(b)])
        });
        for (&(a, b), j) in batch.iter().zip(js) {
            if j >= t {
                edges.push(Edge {
                    a: a as usize,
                    b: b as usize,
                    jaccard: j,
                });
            }
        }
        start = end;
    }
    stats.edges = edges.len();

    // 5. Union-find over exact groups and verified edges.
    let mut uf = UnionFind::new(n);
    for g in &groups {
        for &m in &g[1..] {
            uf.union(g[0], m);
        }
    }
    for e in &edges {
        uf.union(e.a, e.b);
    }
    let mut by_root: std::collections::BTreeMap<usize, Vec<usize>> =
        std::collections::BTreeMap::new();
    let mut in_cluster = vec![false; n];
    for g in &groups {
        for &m in g {
            in_cluster[m] = true;
        }
    }
    for e in &edges {
        in_cluster[e.a] = true;
        in_cluster[e.b] = true;
    }
    for (d, &inside) in in_cluster.iter().enumerate() {
        if inside {
            by_root.entry(uf.find(d)).or_default().push(d);
        }
    }
    let mut clusters: Vec<Vec<usize>> = by_root.into_values().collect();
    clusters.sort_unstable_by_key(|c| c[0]);

    Dedup {
        groups,
        edges,
        clusters,
        rep,
        stats,
    }
}

impl Dedup {
    /// Members of the exact group of representative `r` (just `[r]` when it has none).
    fn group_of(&self, r: usize) -> Vec<usize> {
        match self.groups.binary_search_by_key(&r, |g| g[0]) {
            Ok(i) => self.groups[i].clone(),
            Err(_) => vec![r],
        }
    }

    /// Sets of documents in which every pair is verified (identical after
    /// normalisation, or exact Jaccard >= threshold), covering every verified
    /// pair: a whole cluster when all its representatives are pairwise
    /// verified, otherwise each exact group and, for each edge, the union of
    /// the two groups it joins. This is what the JSON Lines output lists, so
    /// that no pair below the threshold is implied by transitivity. Sorted.
    pub fn verified_sets(&self) -> Vec<Vec<usize>> {
        let mut out = Vec::new();
        let mut edges_by_cluster: std::collections::HashMap<usize, Vec<Edge>> =
            std::collections::HashMap::new();
        let mut cluster_of = std::collections::HashMap::new();
        for (ci, c) in self.clusters.iter().enumerate() {
            for &d in c {
                cluster_of.insert(d, ci);
            }
        }
        for e in &self.edges {
            edges_by_cluster
                .entry(cluster_of[&e.a])
                .or_default()
                .push(*e);
        }
        for (ci, c) in self.clusters.iter().enumerate() {
            let mut reps: Vec<usize> = c.iter().copied().filter(|&d| self.rep[d] == d).collect();
            reps.sort_unstable();
            let edges = edges_by_cluster.remove(&ci).unwrap_or_default();
            let k = reps.len();
            if k == 1 || edges.len() == k * (k - 1) / 2 {
                out.push(c.clone());
                continue;
            }
            for &r in &reps {
                let g = self.group_of(r);
                if g.len() > 1 {
                    out.push(g);
                }
            }
            for e in edges {
                let mut s = self.group_of(e.a);
                s.extend(self.group_of(e.b));
                s.sort_unstable();
                out.push(s);
            }
        }
        out.sort();
        out
    }

    /// Every verified pair `(a, b, jaccard)` with `a < b`, exact copies
    /// included (J = 1). Quadratic in the size of exact groups: for
    /// reporting and tests, not for huge inputs.
    pub fn pairs(&self) -> Vec<(usize, usize, f64)> {
        let mut out = Vec::new();
        for g in &self.groups {
            for x in 0..g.len() {
                for y in x + 1..g.len() {
                    out.push((g[x], g[y], 1.0));
                }
            }
        }
        for e in &self.edges {
            for a in self.group_of(e.a) {
                for b in self.group_of(e.b) {
                    out.push((a.min(b), a.max(b), e.jaccard));
                }
            }
        }
        out.sort_by_key(|x| (x.0, x.1));
        out
    }
}

/// Finds exact and near duplicates among in-memory texts.
pub fn find_duplicates<S: AsRef<str> + Sync>(texts: &[S], params: &Params) -> Dedup {
    let sk = sketch_all(texts, params);
    let threads = par::threads(params.threads);
    let k = params.shingle;
    dedup_sketches(&sk, params, &|docs: &[usize]| {
        par::map(docs, threads, |&d| {
            tokens::text_shingles(texts[d].as_ref(), k)
        })
    })
}
