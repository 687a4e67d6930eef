//! The corpus index behind `scope = "corpus"`: duplicates between bundles.
//!
//! The index keeps, per indexed document, only its id, its MinHash signature
//! (`num_perm` `u32`s), the 128-bit hash of its normalised token sequence,
//! and its LSH band keys: about `4 * num_perm + 16 * bands + id + 40` bytes a
//! document (≈ 1.1 KB with 128 permutations, 25 bands). No text is kept, so
//! a match against an earlier bundle cannot be verified with the exact
//! Jaccard: it is reported on the MinHash **estimate** (share of equal
//! signature positions), whose standard error is
//! `sqrt(J (1 - J) / num_perm)` (0.035 at J = 0.8 with 128 permutations).
//! A pair is reported when the estimate is at or above the threshold, so
//! (threshold 0.8, 128 permutations, binomial model) a pair with true J
//! exactly at the threshold is reported half the time, one at 0.85 94 % of
//! the time and one at 0.9 99.96 %, while one at 0.75 is wrongly reported 9 %
//! of the time and one at 0.7 0.5 %.
//! Identical texts (same token sequence) are matched by hash, not estimated.
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
    /// Its id.
    pub id: String,
    /// MinHash estimate of the Jaccard similarity (1.0 for identical texts).
    pub similarity: f64,
    /// True when the texts are identical after normalisation (hash match).
    pub exact: bool,
}

const NONE: u32 = u32::MAX;

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
    heads: HashMap<u64, u32>,
    /// Exact-text hash → first document with it.
    exact: HashMap<u128, u32>,
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
        }
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
    pub fn lookup(&self, sig: &[u32], exact: u128) -> Option<CorpusMatch> {
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
            let key = minhash::band_key(&sig[b * self.rows..(b + 1) * self.rows], b);
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
            let est = minhash::estimate(sig, self.sig(d as usize));
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

    /// Adds a document (its id, signature and exact-text hash).
    pub fn insert(&mut self, id: &str, sig: &[u32], exact: u128) {
        assert_eq!(sig.len(), self.num_perm);
        let d = u32::try_from(self.ids.len()).expect("fewer than 2^32 - 1 documents");
        assert!(d != NONE, "fewer than 2^32 - 1 documents");
        self.ids.push(id.to_string());
        self.sigs.extend_from_slice(sig);
        for b in 0..self.bands {
            let key = minhash::band_key(&sig[b * self.rows..(b + 1) * self.rows], b);
            let prev = self.heads.insert(key, d).unwrap_or(NONE);
            self.next.push(prev);
        }
        self.exact.entry(exact).or_insert(d);
    }

    /// Approximate heap bytes held (signatures, ids, band tables).
    pub fn approx_bytes(&self) -> usize {
        self.sigs.capacity() * 4
            + self.next.capacity() * 4
            + self.ids.iter().map(|s| s.capacity() + 24).sum::<usize>()
            + self.heads.capacity() * 13
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
        idx.insert("x/a", &a, 1);
        assert_eq!(idx.lookup(&a, 9).unwrap().similarity, 1.0);
        assert!(!idx.lookup(&a, 9).unwrap().exact);
        assert!(idx.lookup(&a, 1).unwrap().exact);
        // 6 of 8 positions equal: estimate 0.75, shares bands 0 and 1.
        let near = [1, 2, 3, 4, 5, 6, 0, 0];
        let m = idx.lookup(&near, 2).unwrap();
        assert_eq!((m.id.as_str(), m.similarity), ("x/a", 0.75));
        // Shares band 0 only: estimate 0.25.
        assert!(idx.lookup(&[1, 2, 0, 0, 0, 0, 0, 0], 3).is_none());
        assert!(idx.lookup(&[9; 8], 4).is_none());
    }
}
