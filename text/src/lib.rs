//! Text utilities shared by copydesk's plugins.
//!
//! - [`words`]: word tokens with their byte spans;
//! - [`normalize`]: a comparison key (lower case, NFKC, punctuation dropped);
//! - [`stopwords`]: a small English stop-word list;
//! - [`trec`]: framing TREC/SGML files into `<DOC>` records.
//!
//! Kept apart from `copydesk-core` so that plugin authors do not compile it
//! unless they want it.
#![deny(missing_docs)]

pub mod sentences;
pub mod stopwords;
pub mod trec;

use unicode_normalization::UnicodeNormalization;

/// A word token: a maximal run of alphanumeric characters (apostrophes
/// inside a word, as in `don't`, are kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word<'a> {
    /// The word as written.
    pub text: &'a str,
    /// First byte in the input.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// Splits text into word tokens with byte spans. Apostrophes between two
/// letters stay in the word (`don't`, `Assad’s`).
pub fn words(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_alphanumeric() {
            if start.is_none() {
                start = Some(i);
            }
        } else if is_apostrophe(c)
            && start.is_some()
            && chars.peek().is_some_and(|&(_, n)| n.is_alphabetic())
        {
            // inside a word
        } else if let Some(s) = start.take() {
            out.push(Word {
                text: &text[s..i],
                start: s,
                end: i,
            });
        }
    }
    if let Some(s) = start {
        out.push(Word {
            text: &text[s..],
            start: s,
            end: text.len(),
        });
    }
    out
}

/// Lower-cases a word and folds typographic apostrophes to `'`.
pub fn fold(word: &str) -> String {
    word.chars()
        .flat_map(char::to_lowercase)
        .map(|c| if is_apostrophe(c) { '\'' } else { c })
        .collect()
}

/// A comparison key for text: NFKC, lower case, every run of
/// non-alphanumeric characters replaced by one space, trimmed.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    if text.is_ascii() {
        // NFKC leaves ASCII as it is: the same key without the normaliser
        // (most news text is ASCII, and NFKC is the costly part).
        for &b in text.as_bytes() {
            if b.is_ascii_alphanumeric() {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(b.to_ascii_lowercase() as char);
            } else {
                pending_space = true;
            }
        }
        return out;
    }
    for c in text.nfkc() {
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else {
            pending_space = true;
        }
    }
    out
}

/// Number of whitespace-separated words, as budgets count them.
pub fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_inner_apostrophes_and_spans() {
        let text = "Kerry’s “lost the argument,” don't 3.5";
        let w: Vec<&str> = words(text).iter().map(|w| w.text).collect();
        assert_eq!(w, ["Kerry’s", "lost", "the", "argument", "don't", "3", "5"]);
        for w in words(text) {
            assert_eq!(&text[w.start..w.end], w.text);
        }
    }

    #[test]
    fn normalize_drops_case_and_punctuation() {
        assert_eq!(
            normalize("  U.S. Sen. O'Brien -- don't_stop 1.43%!"),
            "u s sen o brien don t stop 1 43"
        );
        assert_eq!(normalize("ﬁne"), "fine");
        // the ASCII fast path gives what the general (NFKC) path gives
        for t in [
            "  U.S. Sen. O'Brien -- don't_stop 1.43%!",
            "A\tB\n\nC--d 9",
            "...",
            "x",
            "",
        ] {
            let general = format!("{t}\u{2014}");
            assert!(!general.is_ascii());
            assert_eq!(normalize(t), normalize(&general), "{t:?}");
        }
        assert_eq!(normalize(""), "");
    }
}
