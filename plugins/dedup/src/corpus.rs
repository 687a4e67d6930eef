//! The corpus index behind `scope = "corpus"`: duplicates between bundles.
//!
//! Two ways of verifying a candidate pair found by LSH against an earlier
//! bundle (`corpus_verify`):
//!
//! * **exact** (the default): the index keeps each indexed document's set
//!   of shingle hashes (sorted `u32`s: about 4 bytes a word), and a
//!   candidate is reported when the Jaccard similarity of the two sets is at
//!   or above the threshold, as within a bundle. The index keeps 24 bits of
//!   each shingle hash (three bytes): see [`stored_shingles`] for why the
//!   similarity is then exact for all practical purposes. Per document: id,
//!   shingle hashes, exact-text hash and band links, about
//!   `3 * words + 12 * bands + 60` bytes (≈ 1.8 KB for a 500-word article).
//! * **estimate**: only the MinHash signature is kept (`num_perm` `u32`s), and
//!   a pair is reported on the MinHash estimate (share of equal signature
//!   positions), whose standard error is `sqrt(J (1 - J) / num_perm)` (0.035
//!   at J = 0.8 with 128 permutations): a pair with true J exactly at the
//!   threshold is reported half the time, one at 0.85 94 % of the time and
//!   one at 0.9 99.96 %, while one at 0.75 is wrongly reported 9 % of the
//!   time. About `4 * num_perm + 16 * bands + 60` bytes a document (≈ 1.1 KB),
//!   whatever its length.
//!
//! Identical texts (same token sequence) are matched by hash in both.
//!
//! Buckets are linked lists through a `next` array (one `u32` per document
//! and band) with the newest document at the head of a `HashMap` entry, so a
//! bucket costs one map entry however many documents share it.

use std::collections::HashMap;

use crate::minhash;

/// A match of a document against the index.
#[derive(Debug, Clone, PartialEq)]
pub struct CorpusMatch {
    /// Index (insertion order) of the earlier document.
    pub index: usize,
    /// The id it was indexed under: its own, or that of its cluster's
    /// canonical document (see [`CorpusIndex::insert`]).
    pub id: String,
    /// MinHash estimate of the Jaccard similarity (1.0 for identical texts).
    pub similarity: f64,
    /// True when the texts are identical after normalisation (hash match).
    pub exact: bool,
}

const NONE: u32 = u32::MAX;

/// A band key folded to 32 bits.
fn fold(key: u64) -> u32 {
    (key ^ (key >> 32)) as u32
}

/// Signatures of earlier documents, with LSH band tables, for look-ups.
#[derive(Debug, Clone)]
pub struct CorpusIndex {
    num_perm: usize,
    bands: usize,
    rows: usize,
    threshold: f64,
    max_walk: usize,
    ids: Vec<String>,
    sigs: Vec<u32>,
    /// `next[d * bands + b]`: the previous document in the bucket of band
    /// `b` of document `d` (`NONE` at the end).
    next: Vec<u32>,
    /// Band key → newest document in that bucket.
    /// (keys folded to 32 bits: two buckets that share a key only give
    /// extra candidates, which verification removes)
    heads: HashMap<u32, u32>,
    /// Exact-text hash → first document with it.
    exact: HashMap<u128, u32>,
    /// Exact verification: every document's sorted shingle hashes (`None`:
    /// estimates). One allocation a document, not one growing array, whose
    /// doubling would hold two copies of every set at once.
    shingles: Option<Vec<Box<[u8]>>>,
}

/// Bits of a shingle hash the exact index keeps.
pub const STORED_BITS: u32 = 24;

/// The shingle hashes the exact index keeps of a document: the high 24 bits
/// of its 64-bit shingle hashes, sorted and deduplicated. Two distinct
/// shingles of a pair of 500-word documents share 24 bits with probability
/// about `100 * 100 / 2^24` over the ones they do not share (6e-4), so the
/// similarity is exact to well within 0.001 for articles, and within about
/// 0.002 for a 50,000-word document.
pub fn stored_shingles(shingles: &[u64]) -> Vec<u32> {
    // (with repeats and in any order: sorted and deduplicated here)
    let mut v: Vec<u32> = shingles
        .iter()
        .map(|&h| (h >> (64 - STORED_BITS)) as u32)
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Three bytes a value (little-endian): what the index stores of a set.
fn pack24(v: &[u32]) -> Box<[u8]> {
    v.iter()
        .flat_map(|x| x.to_le_bytes().into_iter().take(3))
        .collect()
}

fn jaccard24(a: &[u32], packed: &[u8]) -> f64 {
    let blen = packed.len() / 3;
    if a.is_empty() && blen == 0 {
        return 0.0;
    }
    let b = |j: usize| u32::from_le_bytes([packed[3 * j], packed[3 * j + 1], packed[3 * j + 2], 0]);
    let (mut i, mut j, mut n) = (0, 0, 0usize);
    while i < a.len() && j < blen {
        match a[i].cmp(&b(j)) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n as f64 / (a.len() + blen - n) as f64
}

impl CorpusIndex {
    /// An empty index for signatures of `num_perm` values banded as
    /// `bands x rows`, reporting matches with estimate `>= threshold`.
    /// A look-up visits at most `max_walk` documents of each bucket, newest
    /// first (bounds the cost of a bucket that many distinct documents share).
    pub fn new(
        num_perm: usize,
        bands: usize,
        rows: usize,
        threshold: f64,
        max_walk: usize,
    ) -> Self {
        assert!(bands * rows <= num_perm && bands > 0 && rows > 0);
        CorpusIndex {
            num_perm,
            bands,
            rows,
            threshold,
            max_walk: max_walk.max(1),
            ids: Vec::new(),
            sigs: Vec::new(),
            next: Vec::new(),
            heads: HashMap::new(),
            exact: HashMap::new(),
            shingles: None,
        }
    }

    /// An empty index that verifies candidates with the exact Jaccard of
    /// stored shingle hashes ([`stored_shingles`]) instead of estimating it:
    /// signatures are then not kept.
    pub fn new_exact(
        num_perm: usize,
        bands: usize,
        rows: usize,
        threshold: f64,
        max_walk: usize,
    ) -> Self {
        let mut idx = CorpusIndex::new(num_perm, bands, rows, threshold, max_walk);
        idx.shingles = Some(Vec::new());
        idx
    }

    /// Number of indexed documents.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    fn sig(&self, d: usize) -> &[u32] {
        &self.sigs[d * self.num_perm..(d + 1) * self.num_perm]
    }

    /// The best earlier match of a document with signature `sig` and
    /// exact-text hash `exact`: an identical text if there is one (the first
    /// indexed), otherwise the LSH candidate with the highest estimate, if it
    /// is `>= threshold` (ties: the earliest indexed). Deterministic.
    /// With an exact index, `shingles` (the document's [`stored_shingles`])
    /// verifies each candidate; it is ignored by an estimating index.
    pub fn lookup(&self, sig: &[u32], exact: u128, shingles: &[u32]) -> Option<CorpusMatch> {
        assert_eq!(sig.len(), self.num_perm);
        if let Some(&d) = self.exact.get(&exact) {
            let d = d as usize;
            return Some(CorpusMatch {
                index: d,
                id: self.ids[d].clone(),
                similarity: 1.0,
                exact: true,
            });
        }
        let mut seen: Vec<u32> = Vec::new();
        for b in 0..self.bands {
            let key = fold(minhash::band_key(
                &sig[b * self.rows..(b + 1) * self.rows],
                b,
            ));
            let mut d = self.heads.get(&key).copied().unwrap_or(NONE);
            let mut walked = 0;
            while d != NONE && walked < self.max_walk {
                walked += 1;
                seen.push(d);
                d = self.next[d as usize * self.bands + b];
            }
        }
        seen.sort_unstable();
        seen.dedup();
        let mut best: Option<(usize, f64)> = None;
        for &d in &seen {
            let est = match &self.shingles {
                Some(store) => jaccard24(shingles, &store[d as usize]),
                None => minhash::estimate(sig, self.sig(d as usize)),
            };
            if est >= self.threshold && best.map_or(true, |(_, e)| est > e) {
                best = Some((d as usize, est));
            }
        }
        best.map(|(d, est)| CorpusMatch {
            index: d,
            id: self.ids[d].clone(),
            similarity: est,
            exact: false,
        })
    }

    /// Adds a document (the id a match reports, its signature, exact-text
    /// hash and, for an exact index, its [`stored_shingles`]). A duplicate is
    /// indexed under its canonical document's id, so that a later document
    /// that matches only the duplicate still joins the cluster.
    pub fn insert(&mut self, id: &str, sig: &[u32], exact: u128, shingles: &[u32]) {
        assert_eq!(sig.len(), self.num_perm);
        let d = u32::try_from(self.ids.len()).expect("fewer than 2^32 - 1 documents");
        assert!(d != NONE, "fewer than 2^32 - 1 documents");
        self.ids.push(id.to_string());
        match &mut self.shingles {
            Some(store) => store.push(pack24(shingles)),
            None => self.sigs.extend_from_slice(sig),
        }
        for b in 0..self.bands {
            let key = fold(minhash::band_key(
                &sig[b * self.rows..(b + 1) * self.rows],
                b,
            ));
            let prev = self.heads.insert(key, d).unwrap_or(NONE);
            self.next.push(prev);
        }
        self.exact.entry(exact).or_insert(d);
    }

    /// Approximate heap bytes held (signatures, ids, band tables).
    pub fn approx_bytes(&self) -> usize {
        self.sigs.capacity() * 4
            + self.shingles.as_ref().map_or(0, |s| {
                s.capacity() * 16 + s.iter().map(|x| x.len() + 16).sum::<usize>()
            })
            + self.next.capacity() * 4
            + self.ids.iter().map(|s| s.capacity() + 24).sum::<usize>()
            + self.heads.capacity() * 9
            + self.exact.capacity() * 21
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_finds_identical_and_close_signatures_only() {
        let mut idx = CorpusIndex::new(8, 4, 2, 0.7, 1000);
        let a = [1, 2, 3, 4, 5, 6, 7, 8];
        idx.insert("x/a", &a, 1, &[]);
        assert_eq!(idx.lookup(&a, 9, &[]).unwrap().similarity, 1.0);
        assert!(!idx.lookup(&a, 9, &[]).unwrap().exact);
        assert!(idx.lookup(&a, 1, &[]).unwrap().exact);
        // 6 of 8 positions equal: estimate 0.75, shares bands 0 and 1.
        let near = [1, 2, 3, 4, 5, 6, 0, 0];
        let m = idx.lookup(&near, 2, &[]).unwrap();
        assert_eq!((m.id.as_str(), m.similarity), ("x/a", 0.75));
        // Shares band 0 only: estimate 0.25.
        assert!(idx.lookup(&[1, 2, 0, 0, 0, 0, 0, 0], 3, &[]).is_none());
        assert!(idx.lookup(&[9; 8], 4, &[]).is_none());
    }

    #[test]
    fn an_exact_index_reports_the_true_jaccard_not_the_estimate() {
        let mut idx = CorpusIndex::new_exact(8, 4, 2, 0.7, 1000);
        let a = [1, 2, 3, 4, 5, 6, 7, 8];
        let set_a: Vec<u32> = (0..10).collect();
        idx.insert("x/a", &a, 1, &set_a);
        // the same signature (a candidate), sets sharing 8 of 12: J = 0.667
        let set_b: Vec<u32> = (2..12).collect();
        assert!(idx.lookup(&a, 2, &set_b).is_none());
        // sharing 9 of 11: J = 0.818, whatever the estimate says
        let set_c: Vec<u32> = (1..11).collect();
        let near = [1, 2, 0, 0, 0, 0, 0, 0];
        let m = idx.lookup(&near, 3, &set_c).unwrap();
        assert_eq!(m.id, "x/a");
        assert!((m.similarity - 9.0 / 11.0).abs() < 1e-12);
        assert!(!m.exact);
        // identical text: by hash
        assert!(idx.lookup(&a, 1, &[]).unwrap().exact);
        assert_eq!(stored_shingles(&[5 << 40, 1 << 40, (5 << 40) | 7]), [1, 5]);
        assert_eq!(jaccard24(&[1, 5], &pack24(&[1, 5, 0xFF_FFFF])), 2.0 / 3.0);
    }
}
