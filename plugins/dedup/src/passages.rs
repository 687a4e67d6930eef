//! Passages (sentences, quotes, paragraphs) that recur across documents.
//!
//! Seed and extend, as plagiarism detectors do:
//!
//! 1. Every document is tokenised like the document-level detector (lower
//!    case, alphanumeric runs, CJK characters one by one), keeping byte spans.
//! 2. Seeds: word `seed`-grams (default 4) that occur in at least two
//!    documents, found by sorting all `(hash, doc, position)` entries. A gram
//!    carried by more than `max_postings` entries only links each document to
//!    the first one (linear, not quadratic); one carried by more than
//!    `64 * max_postings` entries is ignored as too common to mean anything.
//! 3. For each pair of documents, seeds are chained in order when they follow
//!    each other with at most `max_gap` unmatched tokens on either side: an
//!    edit (a changed, added or dropped word, other punctuation) breaks the
//!    exact run but not the chain.
//! 4. A chain is a match when it covers at least `min_words` tokens and the
//!    Jaccard similarity of the two sides' word 3-shingles is at least
//!    `min_similarity`.
//! 5. Overlapping matched spans of one document are merged, and matches are
//!    grouped with union-find: each group is a passage, with every occurrence.
//!
//! Everything is sorted, so the output does not depend on hashing order.

use std::collections::BTreeMap;

use crate::tokens::{for_each_token, intersection_size, shingle_hash};

/// Parameters of passage detection.
#[derive(Debug, Clone, PartialEq)]
pub struct PassageParams {
    /// Words per seed gram.
    pub seed: usize,
    /// Fewest matched words for a passage that is a whole sentence in one of
    /// its occurrences (shorter recurring sentences are too common to matter).
    pub min_words: usize,
    /// Fewest matched words for a passage that is only part of a sentence
    /// (titles and stock phrases such as "Secretary of State John Kerry" are
    /// shared by many stories without being copy).
    pub min_fragment_words: usize,
    /// Most unmatched tokens between two seeds of one chain, on either side.
    pub max_gap: usize,
    /// Least Jaccard similarity (word 3-shingles) between two occurrences.
    pub min_similarity: f64,
    /// Seed grams with more entries only link documents to the first one.
    pub max_postings: usize,
}

impl Default for PassageParams {
    fn default() -> Self {
        PassageParams {
            seed: 4,
            min_words: 6,
            min_fragment_words: 8,
            max_gap: 3,
            min_similarity: 0.6,
            max_postings: 64,
        }
    }
}

/// One occurrence of a passage: document index and byte span in its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Occurrence {
    /// Index of the document in the input.
    pub doc: usize,
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// A passage found in several documents.
#[derive(Debug, Clone, PartialEq)]
pub struct Passage {
    /// Every occurrence, in document order (then by position).
    pub occurrences: Vec<Occurrence>,
    /// Lowest Jaccard similarity (word 3-shingles) between an occurrence and the first one.
    pub similarity: f64,
}

struct Tok {
    hash: u64,
    start: usize,
    end: usize,
}

fn tokenize(text: &str) -> Vec<Tok> {
    let mut v = Vec::new();
    for_each_token(text, |hash, start, end| v.push(Tok { hash, start, end }));
    v
}

fn shingles3(toks: &[Tok]) -> Vec<u64> {
    let hs: Vec<u64> = toks.iter().map(|t| t.hash).collect();
    let mut v: Vec<u64> = if hs.len() <= 3 {
        vec![shingle_hash(&hs)]
    } else {
        hs.windows(3).map(shingle_hash).collect()
    };
    v.sort_unstable();
    v.dedup();
    v
}

fn jaccard3(a: &[Tok], b: &[Tok]) -> f64 {
    let (x, y) = (shingles3(a), shingles3(b));
    let i = intersection_size(&x, &y);
    let u = x.len() + y.len() - i;
    if u == 0 {
        0.0
    } else {
        i as f64 / u as f64
    }
}

struct Chain {
    s1: usize,
    s2: usize,
    last1: usize,
    last2: usize,
    covered: usize,
}

struct Dsu(Vec<usize>);

impl Dsu {
    fn find(&mut self, mut x: usize) -> usize {
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = (ra.min(rb), ra.max(rb));
            self.0[hi] = lo;
        }
    }
}

/// Extends a span's end over sentence-final punctuation and closing quotes
/// that directly follow it, so that a whole sentence reads as one.
fn extend_end(text: &str, end: usize) -> usize {
    let mut e = end;
    let mut seen_final = false;
    for c in text[end..].chars() {
        match c {
            '.' | '!' | '?' | '…' if !seen_final => seen_final = true,
            '.' | '!' | '?' | '…' => {}
            '"' | '\'' | '”' | '’' | ')' | '»' => {}
            _ => break,
        }
        e += c.len_utf8();
    }
    e
}

fn is_opening(c: char) -> bool {
    matches!(c, '"' | '\'' | '“' | '‘' | '(' | '«' | '-' | '—' | '–')
}

fn is_closing(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | ')' | '»')
}

/// True when the byte span `[start, end)` (word-aligned) is a whole sentence:
/// only whitespace and opening quotes stand between its start and the text's
/// start or a sentence end, and its last word is followed (after closing
/// quotes) by sentence-final punctuation, a line break or the end.
fn is_whole_sentence(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].trim_end_matches(|c: char| is_opening(c) || c == ' ' || c == '\t');
    let starts = before.is_empty()
        || before.ends_with(['.', '!', '?', '\n', '…', ':'])
        || before.ends_with(|c: char| is_closing(c));
    let raw = &text[end..];
    let after = raw.trim_start_matches(is_closing);
    let quoted_comma = raw
        .strip_prefix(',')
        .is_some_and(|r| r.starts_with(is_closing));
    let ends =
        after.is_empty() || after.starts_with(['.', '!', '?', '\n', '\r', '…']) || quoted_comma;
    starts && ends
}

/// Finds passages shared by at least two of `texts`.
pub fn shared_passages<S: AsRef<str>>(texts: &[S], params: &PassageParams) -> Vec<Passage> {
    let k = params.seed.max(1);
    // A passage needs two documents long enough to carry a seed: with fewer
    // (one huge document, say) there is nothing to tokenize and sort.
    if texts.len() < 2 {
        return Vec::new();
    }
    let docs: Vec<Vec<Tok>> = texts.iter().map(|t| tokenize(t.as_ref())).collect();
    if docs
        .iter()
        .filter(|toks| toks.len() >= k.max(params.min_words))
        .count()
        < 2
    {
        return Vec::new();
    }

    // Seeds.
    let mut entries: Vec<(u64, u32, u32)> = Vec::new();
    for (d, toks) in docs.iter().enumerate() {
        if toks.len() < k.max(params.min_words) {
            continue;
        }
        let hs: Vec<u64> = toks.iter().map(|t| t.hash).collect();
        for (p, w) in hs.windows(k).enumerate() {
            entries.push((shingle_hash(w), d as u32, p as u32));
        }
    }
    entries.sort_unstable();
    let mut seeds: Vec<(u32, u32, u32, u32)> = Vec::new();
    let mut i = 0;
    while i < entries.len() {
        let mut j = i + 1;
        while j < entries.len() && entries[j].0 == entries[i].0 {
            j += 1;
        }
        let run = &entries[i..j];
        if run.len() > 1 && run[0].1 != run[run.len() - 1].1 {
            if run.len() <= params.max_postings {
                for x in 0..run.len() {
                    for y in x + 1..run.len() {
                        if run[x].1 != run[y].1 {
                            seeds.push((run[x].1, run[y].1, run[x].2, run[y].2));
                        }
                    }
                }
            } else if run.len() <= params.max_postings * 64 {
                let first = run[0];
                for e in &run[1..] {
                    if e.1 != first.1 {
                        seeds.push((first.1, e.1, first.2, e.2));
                    }
                }
            }
        }
        i = j;
    }
    drop(entries);
    seeds.sort_unstable();

    // Chains per document pair.
    let gap = params.max_gap;
    let mut matches: Vec<(Occ, Occ)> = Vec::new();
    type Occ = (usize, usize, usize); // doc, first token, one past last token
    let mut i = 0;
    while i < seeds.len() {
        let (d1, d2) = (seeds[i].0, seeds[i].1);
        let (t1, t2) = (&docs[d1 as usize], &docs[d2 as usize]);
        let mut j = i;
        let mut chains: Vec<Chain> = Vec::new();
        let mut done: Vec<Chain> = Vec::new();
        while j < seeds.len() && seeds[j].0 == d1 && seeds[j].1 == d2 {
            let (p1, p2) = (seeds[j].2 as usize, seeds[j].3 as usize);
            // Retire chains that can no longer be extended.
            let mut c = 0;
            while c < chains.len() {
                if chains[c].last1 + k + gap < p1 {
                    done.push(chains.swap_remove(c));
                } else {
                    c += 1;
                }
            }
            let mut best: Option<(usize, usize)> = None;
            for (ci, ch) in chains.iter().enumerate() {
                if p1 < ch.last1 || p2 < ch.last2 || (p1 == ch.last1 && p2 == ch.last2) {
                    continue;
                }
                if p1 > ch.last1 + k + gap || p2 > ch.last2 + k + gap {
                    continue;
                }
                let shift = (p1 - ch.last1).abs_diff(p2 - ch.last2);
                if shift > gap {
                    continue;
                }
                if best.map_or(true, |(_, s)| shift < s) {
                    best = Some((ci, shift));
                }
            }
            match best {
                Some((ci, _)) => {
                    let ch = &mut chains[ci];
                    ch.covered += (p1 + k).saturating_sub((ch.last1 + k).max(p1));
                    ch.last1 = p1;
                    ch.last2 = p2;
                }
                None => chains.push(Chain {
                    s1: p1,
                    s2: p2,
                    last1: p1,
                    last2: p2,
                    covered: k,
                }),
            }
            j += 1;
        }
        done.extend(chains);
        for ch in done {
            if ch.covered < params.min_words {
                continue;
            }
            let (e1, e2) = (ch.last1 + k, ch.last2 + k);
            if ch.covered < params.min_fragment_words {
                let whole1 =
                    is_whole_sentence(texts[d1 as usize].as_ref(), t1[ch.s1].start, t1[e1 - 1].end);
                let whole2 =
                    is_whole_sentence(texts[d2 as usize].as_ref(), t2[ch.s2].start, t2[e2 - 1].end);
                if !whole1 && !whole2 {
                    continue;
                }
            }
            if jaccard3(&t1[ch.s1..e1], &t2[ch.s2..e2]) < params.min_similarity {
                continue;
            }
            matches.push(((d1 as usize, ch.s1, e1), (d2 as usize, ch.s2, e2)));
        }
        i = j;
    }

    // Merge overlapping spans of a document into nodes.
    let mut spans: BTreeMap<usize, Vec<(usize, usize)>> = BTreeMap::new();
    for (a, b) in &matches {
        spans.entry(a.0).or_default().push((a.1, a.2));
        spans.entry(b.0).or_default().push((b.1, b.2));
    }
    let mut nodes: Vec<Occ> = Vec::new();
    for (&d, v) in spans.iter_mut() {
        v.sort_unstable();
        let mut cur: Option<(usize, usize)> = None;
        for &(s, e) in v.iter() {
            match cur {
                Some((cs, ce)) if s < ce => cur = Some((cs, ce.max(e))),
                Some(c) => {
                    nodes.push((d, c.0, c.1));
                    cur = Some((s, e));
                }
                None => cur = Some((s, e)),
            }
        }
        if let Some(c) = cur {
            nodes.push((d, c.0, c.1));
        }
    }
    // nodes are sorted by (doc, start).
    let node_of = |o: &Occ| -> usize {
        let idx = nodes.partition_point(|n| (n.0, n.1) <= (o.0, o.1));
        idx - 1
    };
    let mut dsu = Dsu((0..nodes.len()).collect());
    for (a, b) in &matches {
        let (na, nb) = (node_of(a), node_of(b));
        dsu.union(na, nb);
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for n in 0..nodes.len() {
        groups.entry(dsu.find(n)).or_default().push(n);
    }
    let mut out = Vec::new();
    for members in groups.into_values() {
        let occs: Vec<Occ> = members.iter().map(|&n| nodes[n]).collect();
        if occs.iter().all(|o| o.0 == occs[0].0) {
            continue;
        }
        let first = occs[0];
        let ft = &docs[first.0][first.1..first.2];
        let mut sim = 1.0f64;
        for o in &occs[1..] {
            sim = sim.min(jaccard3(ft, &docs[o.0][o.1..o.2]));
        }
        let occurrences = occs
            .iter()
            .map(|&(d, s, e)| {
                let toks = &docs[d];
                let end = extend_end(texts[d].as_ref(), toks[e - 1].end);
                Occurrence {
                    doc: d,
                    start: toks[s].start,
                    end,
                }
            })
            .collect();
        out.push(Passage {
            occurrences,
            similarity: sim,
        });
    }
    out.sort_by(|a, b| a.occurrences[0].cmp(&b.occurrences[0]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_an_edited_quote_in_three_documents() {
        let a = "Intro text here. \"I think you're looking at three people, four people in the administration who have all argued for use of force, and I lost the argument,\" Kerry said.";
        let b = "Kerry could be heard saying \"I think you're looking at three people, four people in the administration who have all argued for use of force, and I lost the argument.\" Other stuff.";
        let c = "\"I think you're looking at three, four people in the administration who have all argued for use of force, and I lost the argument,\" he said.";
        let d =
            "Nothing in common with the others at all, just a different story about the weather.";
        let p = shared_passages(&[a, b, c, d], &PassageParams::default());
        assert_eq!(p.len(), 1, "{p:?}");
        let docs: Vec<usize> = p[0].occurrences.iter().map(|o| o.doc).collect();
        assert_eq!(docs, [0, 1, 2]);
        assert!(a[p[0].occurrences[0].start..p[0].occurrences[0].end].starts_with("I think"));
        assert!(p[0].similarity > 0.6 && p[0].similarity < 1.0);
    }

    #[test]
    fn whole_sentences() {
        let t = "He left. \"You have nobody more frustrated than we are,\" he said. Secretary of State John Kerry spoke.";
        let q = t.find("You").unwrap();
        let qe = t.find("are").unwrap() + 3;
        assert!(is_whole_sentence(t, q, qe));
        let s = t.find("Secretary").unwrap();
        assert!(!is_whole_sentence(t, s, t.find(" spoke").unwrap()));
        assert!(is_whole_sentence(t, s, t.len() - 1));
    }

    #[test]
    fn short_common_phrases_are_not_passages() {
        let p = shared_passages(
            &["He said it was fine.", "She said it was fine."],
            &PassageParams::default(),
        );
        assert!(p.is_empty());
    }
}
