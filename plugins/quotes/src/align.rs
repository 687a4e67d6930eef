//! Aligning a quote to a primary source (transcript).
//!
//! Method, per source document (built once per bundle):
//!
//! 1. the source's speech turns are cut into word tokens, each with a
//!    comparison key (lower case, typographic apostrophes folded, number
//!    words as digits: `three` → `3`); fillers (`um`, `uh`, `ah`, `er`,
//!    `like`, `you know`) and bracketed insertions (`[White Helmet]`,
//!    `(chemical)`) are *optional*: skipping them costs nothing, matching
//!    them still scores;
//! 2. an inverted index maps each content word (not a stop word, not
//!    optional) to its positions;
//! 3. for a quote, each content word votes for the diagonal `position -
//!    index in quote` of every place it occurs, in buckets of 16 tokens; the
//!    best few buckets give candidate windows of a few times the quote's
//!    length;
//! 4. inside each window a *fitting* alignment (Smith-Waterman-like local in
//!    the transcript, global in the quote) on word tokens: match +2, near
//!    match (contraction, colloquial form) +1, substitution −1, gap −1,
//!    optional tokens 0; at an ellipsis in the quote (`...`, `…`) the
//!    transcript may be skipped for free (marked elision); at a sentence
//!    start in the quote it may be skipped for −3 (unmarked elision, which
//!    makes the quote `altered`).
//!
//! The cost per quote is the sum of the posting lists of its (at most
//! twelve) anchor words plus `O(windows × quote × window)` for the
//! alignment, a window being a few times the quote's length: linear in the
//! number of places its words occur, never `quote × transcript` (see
//! `examples/bench_align.rs`). The quote × window part is quadratic in the
//! quote's length, so a quote of more than [`MAX_QUOTE_TOKENS`] tokens (a
//! run-away quote mark that swallowed a whole long paragraph, not a quote
//! anyone checks word by word) is not aligned: [`align`] returns `None`.

use std::collections::HashMap;

use copydesk_text::stopwords::is_stopword;

/// How a token may be elided before it (quote side only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Jump {
    /// No elision allowed.
    None,
    /// After an ellipsis: free.
    Ellipsis,
    /// At a sentence start: allowed at a cost, counts as an alteration.
    Sentence,
}

/// A word token for alignment.
#[derive(Debug, Clone)]
pub struct Tok {
    /// Comparison key.
    pub key: String,
    /// The word as written, apostrophes folded (case kept).
    pub raw: String,
    /// First byte in the document's text.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// Filler or bracketed insertion.
    pub optional: bool,
    /// Elision allowed before this token.
    pub jump: Jump,
    /// A content word (not a stop word, not optional).
    pub content: bool,
    /// Punctuation (no spaces, quote marks dropped) between the previous token and this one.
    pub sep: String,
    /// Turn index (source side).
    pub turn: usize,
}

const FILLERS: &[&str] = &[
    "um", "uh", "ah", "er", "erm", "eh", "hmm", "mm", "mhm", "heh", "uhm", "umm", "uhh", "like",
];

fn number_key(w: &str) -> Option<&'static str> {
    Some(match w {
        "zero" => "0",
        "one" => "1",
        "two" => "2",
        "three" => "3",
        "four" => "4",
        "five" => "5",
        "six" => "6",
        "seven" => "7",
        "eight" => "8",
        "nine" => "9",
        "ten" => "10",
        "eleven" => "11",
        "twelve" => "12",
        "thirteen" => "13",
        "fourteen" => "14",
        "fifteen" => "15",
        "sixteen" => "16",
        "seventeen" => "17",
        "eighteen" => "18",
        "nineteen" => "19",
        "twenty" => "20",
        "thirty" => "30",
        "forty" => "40",
        "fifty" => "50",
        "sixty" => "60",
        "seventy" => "70",
        "eighty" => "80",
        "ninety" => "90",
        "hundred" => "100",
        "thousand" => "1000",
        "million" => "1000000",
        _ => return None,
    })
}

/// Cuts `text[range]` into alignment tokens (byte offsets stay those of `text`).
pub fn tokenize(text: &str, start: usize, end: usize, turn: usize) -> Vec<Tok> {
    let Some(slice) = text.get(start..end) else {
        return Vec::new();
    };
    let words = copydesk_text::words(slice);
    let mut out: Vec<Tok> = Vec::with_capacity(words.len());
    let mut depth: i32 = 0;
    let mut prev_end = 0;
    for w in &words {
        let between = &slice[prev_end..w.start];
        let mut ellipsis =
            between.contains("...") || between.contains('…') || between.contains(". . .");
        let mut sentence = false;
        for c in between.chars() {
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => depth = (depth - 1).max(0),
                '.' | '!' | '?' => sentence = true,
                _ => {}
            }
        }
        if out.is_empty() {
            ellipsis = false;
            sentence = false;
        }
        let sep: String = between
            .chars()
            .filter(|c| {
                !c.is_whitespace() && !matches!(c, '"' | '“' | '”' | '‘' | '’' | '\'' | '«' | '»')
            })
            .collect();
        let raw = copydesk_text::fold(w.text);
        let lower = raw.clone();
        let raw_cased: String = w
            .text
            .chars()
            .map(|c| if c == '’' { '\'' } else { c })
            .collect();
        let key = number_key(&lower).map(str::to_string).unwrap_or(lower);
        let optional = depth > 0 || FILLERS.contains(&key.as_str());
        let jump = if ellipsis {
            Jump::Ellipsis
        } else if sentence {
            Jump::Sentence
        } else {
            Jump::None
        };
        let content = !optional
            && !is_stopword(&key)
            && (key.chars().count() >= 3 || key.chars().all(|c| c.is_ascii_digit()));
        out.push(Tok {
            key,
            raw: raw_cased,
            start: start + w.start,
            end: start + w.end,
            optional,
            jump,
            content,
            sep,
            turn,
        });
        prev_end = w.end;
    }
    // `you know` as a filler
    for k in 0..out.len().saturating_sub(1) {
        if out[k].key == "you"
            && out[k + 1].key == "know"
            && !matches!(
                out.get(k + 2).map(|t| t.key.as_str()),
                Some("what" | "how" | "that" | "it" | "why" | "who" | "where" | "when")
            )
        {
            out[k].optional = true;
            out[k + 1].optional = true;
            out[k].content = false;
            out[k + 1].content = false;
        }
    }
    out
}

/// How two tokens compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sim {
    /// Same word as written (apostrophe style aside).
    Exact,
    /// Same word apart from case, number form, or a one-letter typo.
    Equiv,
    /// Close but different: a contraction or colloquial form (`I've`/`I`, `gonna`/`going`).
    Near,
    /// Different words.
    Diff,
}

fn base(w: &str) -> &str {
    for suf in ["n't", "'ve", "'re", "'m", "'ll", "'d", "'s"] {
        if let Some(b) = w.strip_suffix(suf) {
            if !b.is_empty() {
                return b;
            }
        }
    }
    w
}

fn colloquial(w: &str) -> &str {
    match w {
        "gonna" => "going",
        "wanna" => "want",
        "gotta" => "got",
        "lotta" => "lot",
        "kinda" => "kind",
        "sorta" => "sort",
        "ya" => "you",
        "'em" => "them",
        "cause" | "'cause" => "because",
        "ok" => "okay",
        "we'd" => "we",
        "won't" => "will",
        "can't" => "can",
        other => other,
    }
}

fn edit1(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let (mut i, mut j, mut edits) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            i += 1;
            j += 1;
            continue;
        }
        edits += 1;
        if edits > 1 {
            return false;
        }
        match a.len().cmp(&b.len()) {
            std::cmp::Ordering::Greater => i += 1,
            std::cmp::Ordering::Less => j += 1,
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
        }
    }
    edits + (a.len() - i) + (b.len() - j) <= 1
}

/// Compares a quote token with a source token.
pub fn sim(q: &Tok, t: &Tok) -> Sim {
    if q.key == t.key {
        return if q.raw == t.raw {
            Sim::Exact
        } else {
            Sim::Equiv
        };
    }
    let (a, b) = (q.key.as_str(), t.key.as_str());
    // fast path: every near form below shares the first letter, except these
    if a.as_bytes().first() != b.as_bytes().first()
        && !matches!(a, "'em" | "cause" | "'cause")
        && !matches!(b, "'em" | "cause" | "'cause")
    {
        return Sim::Diff;
    }
    if a.chars().count() >= 6
        && b.chars().count() >= 6
        && a.chars().next() == b.chars().next()
        && a.chars().last() == b.chars().last()
        && edit1(a, b)
    {
        return Sim::Equiv;
    }
    let (ca, cb) = (colloquial(a), colloquial(b));
    if ca == cb || base(ca) == base(cb) {
        return Sim::Near;
    }
    Sim::Diff
}

fn score(s: Sim) -> i32 {
    match s {
        Sim::Exact | Sim::Equiv => 4,
        Sim::Near => 2,
        Sim::Diff => -3,
    }
}
const GAP: i32 = -2;
const SENTENCE_JUMP: i32 = -6;

/// Weight of a quote token in the match ratio.
fn weight(t: &Tok) -> f64 {
    if t.optional {
        0.0
    } else if t.content {
        1.0
    } else {
        0.35
    }
}

/// An indexed source document.
pub struct SourceIndex {
    /// Its tokens, in text order.
    pub toks: Vec<Tok>,
    postings: HashMap<String, Vec<u32>>,
}

impl SourceIndex {
    /// Indexes tokens.
    pub fn new(toks: Vec<Tok>) -> Self {
        let mut postings: HashMap<String, Vec<u32>> = HashMap::new();
        for (i, t) in toks.iter().enumerate() {
            if t.content {
                postings.entry(t.key.clone()).or_default().push(i as u32);
            }
        }
        SourceIndex { toks, postings }
    }
}

/// One step of an alignment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    /// Quote token `q` aligned with source token `t`.
    Pair(usize, usize, Sim),
    /// Quote token only.
    QuoteOnly(usize),
    /// Source token only.
    SourceOnly(usize),
    /// Source tokens `from..to` skipped at an elision before quote token `q`.
    Elide {
        /// The quote token after the elision.
        q: usize,
        /// First skipped source token.
        from: usize,
        /// One past the last skipped source token.
        to: usize,
        /// True for an elision marked by an ellipsis in the quote.
        marked: bool,
    },
}

/// The best alignment of a quote in a source.
#[derive(Debug, Clone)]
pub struct Alignment {
    /// Steps, in order, trimmed to the first and last pair.
    pub ops: Vec<Op>,
    /// Weighted share of the quote's words matched (0..1).
    pub ratio: f64,
    /// Number of content words matched.
    pub content_matched: usize,
}

/// Longest quote (in tokens) that [`align`] aligns: its windows hold
/// `quote × (2.5 quote + 96)` cells, about 35 MB at this length.
pub const MAX_QUOTE_TOKENS: usize = 1000;

const BUCKET: i64 = 16;
const MAX_WINDOWS: usize = 3;
const MAX_ANCHORS: usize = 12;

/// Aligns quote tokens `q` in `src`; `None` when no window has any anchor.
pub fn align(q: &[Tok], src: &SourceIndex) -> Option<Alignment> {
    if q.is_empty() || src.toks.is_empty() || q.len() > MAX_QUOTE_TOKENS {
        return None;
    }
    let m = q.len() as i64;
    let n = src.toks.len() as i64;
    // votes per diagonal bucket (two bucketings, the second shifted by half a
    // bucket): (number of quote anchors, last anchor index voting)
    let mut votes: HashMap<(u8, i64), (u32, usize)> = HashMap::new();
    // the rarest content words are the anchors (at most MAX_ANCHORS)
    let mut anchors: Vec<(usize, usize, &Vec<u32>)> = q
        .iter()
        .enumerate()
        .filter(|(_, t)| t.content)
        .filter_map(|(i, t)| src.postings.get(&t.key).map(|p| (p.len(), i, p)))
        .collect();
    anchors.sort_by_key(|&(len, i, _)| (len, i));
    anchors.truncate(MAX_ANCHORS);
    anchors.sort_by_key(|&(_, i, _)| i);
    for &(_, i, post) in &anchors {
        {
            for &p in post {
                let d = p as i64 - i as i64;
                for key in [
                    (0u8, d.div_euclid(BUCKET)),
                    (1u8, (d + BUCKET / 2).div_euclid(BUCKET)),
                ] {
                    let e = votes.entry(key).or_insert((0, usize::MAX));
                    if e.1 != i {
                        e.0 += 1;
                        e.1 = i;
                    }
                }
            }
        }
    }
    if votes.is_empty() {
        return None;
    }
    // the best few diagonals (most votes, then leftmost), in one pass
    let keep = MAX_WINDOWS * 3;
    let mut ranked: Vec<(i64, u32)> = Vec::with_capacity(keep + 1);
    for ((shift, b), (c, _)) in votes {
        let d = b * BUCKET - i64::from(shift) * (BUCKET / 2);
        let worse = |x: &(i64, u32)| x.1 < c || (x.1 == c && x.0 > d);
        if ranked.len() < keep || ranked.last().is_some_and(worse) {
            let at = ranked.iter().position(worse).unwrap_or(ranked.len());
            ranked.insert(at, (d, c));
            ranked.truncate(keep);
        }
    }
    let mut windows: Vec<(usize, usize)> = Vec::new();
    for &(d, _) in ranked.iter().take(MAX_WINDOWS * 3) {
        let lo = (d - m / 2 - 2 * BUCKET).clamp(0, n) as usize;
        let hi = (d + 2 * m + 4 * BUCKET).clamp(0, n) as usize;
        if hi > lo && !windows.iter().any(|&(a, z)| lo >= a && hi <= z) {
            windows.push((lo, hi));
        }
        if windows.len() >= MAX_WINDOWS {
            break;
        }
    }
    let mut best: Option<(i32, Alignment)> = None;
    for (lo, hi) in windows {
        let (s, a) = fit(q, &src.toks[lo..hi], lo);
        let better = match &best {
            None => true,
            Some((bs, ba)) => {
                a.ratio > ba.ratio + 1e-9 || ((a.ratio - ba.ratio).abs() <= 1e-9 && s > *bs)
            }
        };
        if better {
            best = Some((s, a));
        }
    }
    best.map(|(_, a)| a)
}

/// The same fitting alignment over the whole source, without the index:
/// `O(quote × source)` per quote. For benchmarks and tests only.
pub fn align_exhaustive(q: &[Tok], src: &SourceIndex) -> Option<Alignment> {
    if q.is_empty() || src.toks.is_empty() {
        return None;
    }
    Some(fit(q, &src.toks, 0).1)
}

#[derive(Clone, Copy)]
enum Dir {
    Diag,
    Up,
    Left,
}

/// Fitting alignment of all of `q` inside `t` (offset `base` in the source).
fn fit(q: &[Tok], t: &[Tok], base: usize) -> (i32, Alignment) {
    let m = q.len();
    let w = t.len();
    let width = w + 1;
    let neg = i32::MIN / 4;
    let mut d = vec![neg; (m + 1) * width];
    let mut dir = vec![Dir::Left; (m + 1) * width];
    // jfrom[r * width + j]: the column of row r-1 that the jump into row r at column j came from
    let mut jfrom = vec![usize::MAX; (m + 1) * width];
    d[..width].fill(0);
    let gapt = |tok: &Tok| if tok.optional { 0 } else { GAP };
    let mut jrow = vec![neg; width];
    for r in 1..=m {
        let qt = &q[r - 1];
        let gapq = if qt.optional { 0 } else { GAP };
        // J: best predecessor in row r-1 at each column, with elision
        let prev = &d[(r - 1) * width..r * width];
        let pen = match qt.jump {
            Jump::None => None,
            Jump::Ellipsis => Some(0),
            Jump::Sentence => Some(SENTENCE_JUMP),
        };
        let mut pm = neg;
        let mut pm_at = 0;
        for j in 0..=w {
            if prev[j] > pm {
                pm = prev[j];
                pm_at = j;
            }
            jrow[j] = prev[j];
            jfrom[r * width + j] = usize::MAX;
            if let Some(p) = pen {
                if r > 1 && pm + p > prev[j] && pm_at < j {
                    jrow[j] = pm + p;
                    jfrom[r * width + j] = pm_at;
                }
            }
        }
        let row = r * width;
        d[row] = jrow[0] + gapq;
        dir[row] = Dir::Up;
        for j in 1..=w {
            let sv = sim(qt, &t[j - 1]);
            // a filler or bracketed word is skipped, never substituted
            let diag = if sv == Sim::Diff && (qt.optional || t[j - 1].optional) {
                neg
            } else {
                jrow[j - 1] + score(sv)
            };
            let up = jrow[j] + gapq;
            let left = d[row + j - 1] + gapt(&t[j - 1]);
            let (v, dd) = if diag >= up && diag >= left {
                (diag, Dir::Diag)
            } else if up >= left {
                (up, Dir::Up)
            } else {
                (left, Dir::Left)
            };
            d[row + j] = v;
            dir[row + j] = dd;
        }
    }
    let last = m * width;
    let mut j_end = 0;
    for j in 0..=w {
        if d[last + j] >= d[last + j_end] {
            j_end = j;
        }
    }
    let best = d[last + j_end];
    // traceback
    let mut ops = Vec::new();
    let (mut r, mut j) = (m, j_end);
    while r > 0 {
        match dir[r * width + j] {
            Dir::Diag => {
                ops.push(Op::Pair(r - 1, base + j - 1, sim(&q[r - 1], &t[j - 1])));
                let jj = j - 1;
                let from = jfrom[r * width + jj];
                if from != usize::MAX {
                    ops.push(Op::Elide {
                        q: r - 1,
                        from: base + from,
                        to: base + jj,
                        marked: q[r - 1].jump == Jump::Ellipsis,
                    });
                    j = from;
                } else {
                    j = jj;
                }
                r -= 1;
            }
            Dir::Up => {
                ops.push(Op::QuoteOnly(r - 1));
                let from = jfrom[r * width + j];
                if from != usize::MAX {
                    ops.push(Op::Elide {
                        q: r - 1,
                        from: base + from,
                        to: base + j,
                        marked: q[r - 1].jump == Jump::Ellipsis,
                    });
                    j = from;
                }
                r -= 1;
            }
            Dir::Left => {
                ops.push(Op::SourceOnly(base + j - 1));
                j -= 1;
            }
        }
    }
    ops.reverse();
    // trim source-only steps outside the first and last pair
    let first = ops.iter().position(|o| matches!(o, Op::Pair(..)));
    let last = ops.iter().rposition(|o| matches!(o, Op::Pair(..)));
    let ops = match (first, last) {
        (Some(f), Some(l)) => {
            let mut v: Vec<Op> = ops[..f]
                .iter()
                .filter(|o| matches!(o, Op::QuoteOnly(_)))
                .copied()
                .collect();
            v.extend_from_slice(&ops[f..=l]);
            v.extend(
                ops[l + 1..]
                    .iter()
                    .filter(|o| matches!(o, Op::QuoteOnly(_)))
                    .copied(),
            );
            v
        }
        _ => ops
            .into_iter()
            .filter(|o| matches!(o, Op::QuoteOnly(_)))
            .collect(),
    };
    let total: f64 = q.iter().map(weight).sum();
    let mut got = 0.0;
    let mut content_matched = 0;
    for o in &ops {
        if let Op::Pair(qi, _, s) = *o {
            let wgt = weight(&q[qi]);
            match s {
                Sim::Exact | Sim::Equiv => {
                    got += wgt;
                    if q[qi].content {
                        content_matched += 1;
                    }
                }
                Sim::Near => got += wgt * 0.5,
                Sim::Diff => {}
            }
        }
    }
    let ratio = if total > 0.0 { got / total } else { 0.0 };
    (
        best,
        Alignment {
            ops,
            ratio,
            content_matched,
        },
    )
}

/// Fidelity class of an alignment.
pub fn fidelity(a: &Alignment, q: &[Tok], src: &[Tok]) -> &'static str {
    let mut pairs = Vec::new();
    let mut altered = false;
    let mut clean = true;
    for o in &a.ops {
        match *o {
            Op::Pair(qi, ti, s) => {
                match s {
                    Sim::Exact => {}
                    Sim::Equiv => clean = false,
                    Sim::Near | Sim::Diff => altered = true,
                }
                pairs.push((qi, ti));
            }
            Op::QuoteOnly(qi) => {
                if q[qi].optional {
                    clean = false
                } else {
                    altered = true
                }
            }
            Op::SourceOnly(ti) => {
                if src[ti].optional {
                    clean = false
                } else {
                    altered = true
                }
            }
            Op::Elide {
                from, to, marked, ..
            } => {
                if marked {
                    clean = false
                } else if src[from..to].iter().any(|t| !t.optional) {
                    altered = true
                } else {
                    clean = false
                }
            }
        }
    }
    if altered {
        return "altered";
    }
    // punctuation between consecutive matched words
    for w in pairs.windows(2) {
        let ((q1, t1), (q2, t2)) = (w[0], w[1]);
        if q2 == q1 + 1 && t2 == t1 + 1 && q[q2].sep != src[t2].sep {
            clean = false;
        }
    }
    if clean {
        "verbatim"
    } else {
        "verbatim_except_punctuation"
    }
}

/// Word-level diff from the source (what was said) to the quote (what was
/// printed): common words plain, `[-said, not printed-]`, `{+printed, not
/// said+}`; a marked elision shows as `...`; fillers of the source are left out.
pub fn diff(a: &Alignment, q: &[Tok], src: &[Tok]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut removed: Vec<String> = Vec::new();
    let mut added: Vec<String> = Vec::new();
    fn flush(out: &mut Vec<String>, removed: &mut Vec<String>, added: &mut Vec<String>) {
        if !removed.is_empty() {
            out.push(format!("[-{}-]", removed.join(" ")));
            removed.clear();
        }
        if !added.is_empty() {
            out.push(format!("{{+{}+}}", added.join(" ")));
            added.clear();
        }
    }
    for o in &a.ops {
        match *o {
            Op::Pair(qi, ti, s) => match s {
                Sim::Exact | Sim::Equiv => {
                    flush(&mut out, &mut removed, &mut added);
                    out.push(q[qi].raw.clone());
                }
                _ => {
                    removed.push(src[ti].raw.clone());
                    added.push(q[qi].raw.clone());
                }
            },
            Op::QuoteOnly(qi) => {
                if q[qi].optional {
                    flush(&mut out, &mut removed, &mut added);
                    out.push(format!("({})", q[qi].raw));
                } else {
                    added.push(q[qi].raw.clone());
                }
            }
            Op::SourceOnly(ti) => {
                if !src[ti].optional {
                    removed.push(src[ti].raw.clone());
                }
            }
            Op::Elide {
                from, to, marked, ..
            } => {
                if marked {
                    flush(&mut out, &mut removed, &mut added);
                    out.push("...".into());
                } else {
                    let words: Vec<String> = src[from..to]
                        .iter()
                        .filter(|t| !t.optional)
                        .map(|t| t.raw.clone())
                        .collect();
                    if words.len() > 12 {
                        removed.extend(words[..4].iter().cloned());
                        removed.push(format!("…({} words)…", words.len() - 8));
                        removed.extend(words[words.len() - 4..].iter().cloned());
                    } else {
                        removed.extend(words);
                    }
                }
            }
        }
    }
    flush(&mut out, &mut removed, &mut added);
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<Tok> {
        tokenize(s, 0, s.len(), 0)
    }

    #[test]
    fn tokens_mark_fillers_brackets_ellipses() {
        let t = toks("the use of (chemical) weapons ... um, you know, 3 people [White Helmet]");
        let opt: Vec<(&str, bool)> = t.iter().map(|t| (t.key.as_str(), t.optional)).collect();
        assert_eq!(opt[3], ("chemical", true));
        assert_eq!(opt[5], ("um", true));
        assert_eq!(opt[6], ("you", true));
        assert_eq!(t[5].jump, Jump::Ellipsis);
        assert_eq!(t[8].key, "3");
        assert!(t[10].optional && t[11].optional);
        assert_eq!(toks("three")[0].key, "3");
    }

    #[test]
    fn quotes_over_the_cap_are_not_aligned() {
        let words: Vec<String> = (0..MAX_QUOTE_TOKENS + 1)
            .map(|i| format!("word{i}"))
            .collect();
        let text = words.join(" ");
        let src = SourceIndex::new(toks(&text));
        let q = toks(&text);
        assert_eq!(q.len(), MAX_QUOTE_TOKENS + 1);
        assert!(align(&q, &src).is_none());
        // at the cap it is aligned as before
        let q = toks(&words[..MAX_QUOTE_TOKENS].join(" "));
        assert!(align(&q, &src).is_some_and(|a| a.ratio > 0.99));
    }

    #[test]
    fn fits_inside_a_long_source() {
        let src = SourceIndex::new(toks("blah blah. I think you're looking at 3 people, 4 people in the administration. More blah here and there."));
        let q = toks("three people, four people in the administration");
        let a = align(&q, &src).unwrap();
        assert!(a.ratio > 0.99, "{a:?}");
        assert_eq!(fidelity(&a, &q, &src.toks), "verbatim_except_punctuation");
        let q = toks("people in the administration");
        let a = align(&q, &src).unwrap();
        assert_eq!(fidelity(&a, &q, &src.toks), "verbatim");
    }
}
