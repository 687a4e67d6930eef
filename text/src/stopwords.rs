//! A small English stop-word list (function words only).

const WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "me",
    "more",
    "most",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "said",
    "same",
    "says",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "mr",
    "mrs",
    "ms",
    "s",
    "t",
    "would",
    "may",
    "might",
    "must",
    "shall",
    "us",
    "one",
    "two",
    "new",
];

/// The longest stop word, in bytes.
const MAX_LEN: usize = 16;

/// A word of at most 16 ASCII bytes as one integer (zero-padded; the words
/// hold no NUL), so that a look-up compares integers, not strings.
fn pack(word: &[u8], lower: bool) -> u128 {
    let mut buf = [0u8; MAX_LEN];
    for (b, &c) in buf.iter_mut().zip(word) {
        *b = if lower { c.to_ascii_lowercase() } else { c };
    }
    u128::from_be_bytes(buf)
}

/// Open-addressing table of the packed words (0 marks an empty slot; no
/// word packs to 0).
struct Table {
    slots: Vec<u128>,
    mask: usize,
}

impl Table {
    fn slot(&self, w: u128) -> usize {
        let h = ((w >> 64) as u64 ^ w as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (h >> 32) as usize & self.mask
    }

    fn contains(&self, w: u128) -> bool {
        let mut i = self.slot(w);
        loop {
            match self.slots[i] {
                0 => return false,
                x if x == w => return true,
                _ => i = (i + 1) & self.mask,
            }
        }
    }
}

fn table() -> &'static Table {
    static TABLE: std::sync::OnceLock<Table> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let size = (WORDS.len() * 4).next_power_of_two();
        let mut t = Table {
            slots: vec![0; size],
            mask: size - 1,
        };
        for w in WORDS {
            let p = pack(w.as_bytes(), false);
            let mut i = t.slot(p);
            while t.slots[i] != 0 && t.slots[i] != p {
                i = (i + 1) & t.mask;
            }
            t.slots[i] = p;
        }
        t
    })
}

/// The look-up both forms share: `lower` folds ASCII letters first.
fn lookup(word: &str, lower: bool) -> bool {
    !word.is_empty()
        && word.len() <= MAX_LEN
        && !word.contains('\0')
        && table().contains(pack(word.as_bytes(), lower))
}

/// True for an English function word (`word` must be lower case).
pub fn is_stopword(word: &str) -> bool {
    lookup(word, false)
}

/// True for an English function word in any letter case (`The`, `THE`),
/// without allocating for ASCII words: the same answer as
/// `is_stopword(&fold(word))`.
pub fn is_stopword_any_case(word: &str) -> bool {
    if !word.is_ascii() {
        return is_stopword(&crate::fold(word));
    }
    lookup(word, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_is_found_in_any_case_and_fits_the_buffer() {
        for w in WORDS {
            assert!(w.len() <= MAX_LEN, "{w}");
            assert!(is_stopword(w), "{w}");
            assert!(is_stopword_any_case(&w.to_uppercase()), "{w}");
        }
        assert!(!is_stopword("kerry"));
        assert!(!is_stopword("The"));
        assert!(is_stopword_any_case("The"));
        assert!(!is_stopword_any_case("Theodore"));
        assert!(!is_stopword_any_case("ünter"));
        assert!(!is_stopword_any_case(""));
        assert!(!is_stopword("a\0"));
        assert!(!is_stopword("yourselvesyourselves"));
    }
}
