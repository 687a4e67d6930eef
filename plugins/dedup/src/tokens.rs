//! Tokens and shingles, as the evaluation defines them.
//!
//! * Text is lower-cased; for non-ASCII text it is first NFKC-normalised
//!   (through [`copydesk_text::normalize`]), so that full-width letters,
//!   ligatures and compatibility forms compare equal to their plain forms.
//! * A token is a maximal run of alphanumeric characters; everything else only
//!   separates tokens (`don't` gives `don` and `t`, as in the scorer).
//! * Scripts written without spaces (Han, Hiragana, Katakana) make every
//!   character a token of its own, so Chinese and Japanese text gets character
//!   shingles and compares meaningfully; mixed scripts just interleave.
//! * Tokens are hashed to `u64`; a shingle is the order-sensitive hash of
//!   `k` consecutive token hashes. A text with `1..k` tokens has one shingle of
//!   all of them, a text without tokens has none.

/// True for characters of scripts written without spaces between words.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF     // Hiragana, Katakana
        | 0x31F0..=0x31FF   // Katakana phonetic extensions
        | 0x3400..=0x4DBF   // CJK extension A
        | 0x4E00..=0x9FFF   // CJK unified ideographs
        | 0xF900..=0xFAFF   // CJK compatibility ideographs
        | 0xFF66..=0xFF9F   // half-width Katakana
        | 0x20000..=0x3FFFF // CJK extensions B..
        | 0x0E00..=0x0E7F   // Thai
        | 0x0E80..=0x0EFF   // Lao
        | 0x1000..=0x109F   // Myanmar
        | 0x1780..=0x17FF // Khmer
    )
}

/// Final mixer of MurmurHash3 (64-bit): a bijection with good avalanche.
#[inline]
pub fn fmix64(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^= x >> 33;
    x
}

const K1: u64 = 0x9e37_79b9_7f4a_7c15;

/// Hash of a token's bytes, eight at a time. Every byte is OR-ed with
/// `or_mask`'s byte: `0x20` lower-cases ASCII letters and leaves digits alone,
/// which is how the ASCII fast path lower-cases; already lower-case ASCII
/// tokens give the same hash with a mask of 0.
#[inline]
fn hash_bytes(bytes: &[u8], or_mask: u64) -> u64 {
    let mut h = K1 ^ (bytes.len() as u64).wrapping_mul(0xff51_afd7_ed55_8ccd);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let v = u64::from_le_bytes(c.try_into().expect("8 bytes")) | or_mask;
        h = (h ^ v).wrapping_mul(K1).rotate_left(29);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut buf = [0u8; 8];
        buf[..rest.len()].copy_from_slice(rest);
        let mask = or_mask >> (8 * (8 - rest.len()));
        let v = u64::from_le_bytes(buf) | mask;
        h = (h ^ v).wrapping_mul(K1).rotate_left(29);
    }
    fmix64(h)
}

/// Hash of one token given in lower case (the hash [`for_each_token`] gives it).
pub fn hash_token(lower: &str) -> u64 {
    hash_bytes(lower.as_bytes(), 0)
}

static ASCII_ALNUM: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = (i as u8).is_ascii_alphanumeric();
        i += 1;
    }
    t
};

/// Calls `emit(hash, start, end)` for every token of `text`, with byte spans
/// into `text`. Tokens are hashed lower-cased ([`hash_token`]). NFKC is not
/// applied here (see [`token_hashes`]).
pub fn for_each_token(text: &str, mut emit: impl FnMut(u64, usize, usize)) {
    let bytes = text.as_bytes();
    if text.is_ascii() {
        let mut i = 0;
        let n = bytes.len();
        while i < n {
            while i < n && !ASCII_ALNUM[bytes[i] as usize] {
                i += 1;
            }
            let s = i;
            while i < n && ASCII_ALNUM[bytes[i] as usize] {
                i += 1;
            }
            if i > s {
                emit(hash_bytes(&bytes[s..i], 0x2020_2020_2020_2020), s, i);
            }
        }
        return;
    }
    let mut lower = String::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() {
            if is_cjk(c) {
                if let Some(s) = start.take() {
                    emit(hash_token(&lower), s, i);
                }
                lower.clear();
                lower.extend(c.to_lowercase());
                emit(hash_token(&lower), i, i + c.len_utf8());
                lower.clear();
            } else {
                if start.is_none() {
                    start = Some(i);
                    lower.clear();
                }
                lower.extend(c.to_lowercase());
            }
        } else if let Some(s) = start.take() {
            emit(hash_token(&lower), s, i);
        }
    }
    if let Some(s) = start {
        emit(hash_token(&lower), s, bytes.len());
    }
}

/// Token hashes of `text` (NFKC-normalised first when it is not ASCII).
pub fn token_hashes(text: &str, out: &mut Vec<u64>) {
    out.clear();
    if text.is_ascii() {
        for_each_token(text, |h, _, _| out.push(h));
    } else {
        let norm = copydesk_text::normalize(text);
        for_each_token(&norm, |h, _, _| out.push(h));
    }
}

/// Hash of a shingle made of the given token hashes (order-sensitive).
#[inline]
pub fn shingle_hash(tokens: &[u64]) -> u64 {
    let mut h: u64 = 0x9e37_79b9_7f4a_7c15 ^ tokens.len() as u64;
    for &t in tokens {
        h = (h.rotate_left(23) ^ t).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    fmix64(h)
}

/// Calls `emit` with the hash of every shingle of `k` tokens (with repeats,
/// in text order). Fewer than `k` tokens (but at least one) give one shingle.
pub fn for_each_shingle(tokens: &[u64], k: usize, mut emit: impl FnMut(u64)) {
    let k = k.max(1);
    if tokens.is_empty() {
        return;
    }
    if tokens.len() <= k {
        emit(shingle_hash(tokens));
        return;
    }
    for w in tokens.windows(k) {
        emit(shingle_hash(w));
    }
}

/// The shingle set of a token sequence: sorted, deduplicated hashes.
pub fn shingle_set(tokens: &[u64], k: usize) -> Vec<u64> {
    let mut v = Vec::with_capacity(tokens.len());
    for_each_shingle(tokens, k, |h| v.push(h));
    v.sort_unstable();
    v.dedup();
    v
}

/// The shingle set of a text.
pub fn text_shingles(text: &str, k: usize) -> Vec<u64> {
    let mut toks = Vec::new();
    token_hashes(text, &mut toks);
    shingle_set(&toks, k)
}

/// A 128-bit hash of a token sequence: equal for texts that are identical
/// after normalisation. `None` for a text without tokens.
pub fn sequence_hash(tokens: &[u64]) -> Option<u128> {
    if tokens.is_empty() {
        return None;
    }
    let mut a: u64 = 0x243f_6a88_85a3_08d3;
    let mut b: u64 = 0x1319_8a2e_0370_7344 ^ tokens.len() as u64;
    for &t in tokens {
        a = (a ^ t).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29);
        b = (b.rotate_left(17) ^ fmix64(t ^ 0xa409_3822_299f_31d0))
            .wrapping_mul(0xff51_afd7_ed55_8ccd);
    }
    Some(((fmix64(a) as u128) << 64) | fmix64(b) as u128)
}

/// Number of elements two sorted, deduplicated slices have in common.
pub fn intersection_size(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Exact Jaccard similarity of two sorted, deduplicated sets (0 when both are empty).
pub fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    let inter = intersection_size(a, b);
    inter as f64 / (a.len() + b.len() - inter) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let norm = if text.is_ascii() {
            text.to_string()
        } else {
            copydesk_text::normalize(text)
        };
        for_each_token(&norm, |_, s, e| out.push(norm[s..e].to_lowercase()));
        out
    }

    #[test]
    fn tokens_follow_the_scorer() {
        assert_eq!(
            toks("U.S. Sen. O'Brien -- don't_stop 1.43%!"),
            ["u", "s", "sen", "o", "brien", "don", "t", "stop", "1", "43"]
        );
        assert_eq!(toks("东京abc 日本"), ["东", "京", "abc", "日", "本"]);
        assert_eq!(toks("Ｆｕｌｌ width"), ["full", "width"]);
    }

    #[test]
    fn case_and_punctuation_do_not_matter() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        token_hashes("Hello,   WORLD -- it's me!", &mut a);
        token_hashes("hello world it s me", &mut b);
        assert_eq!(a, b);
        assert_eq!(sequence_hash(&a), sequence_hash(&b));
    }

    #[test]
    fn short_texts_have_one_shingle() {
        assert_eq!(text_shingles("one two three", 5).len(), 1);
        assert!(text_shingles(" -- ", 5).is_empty());
        assert_eq!(text_shingles("a b c d e f", 5).len(), 2);
    }
}
