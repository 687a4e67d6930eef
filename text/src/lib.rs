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
    Words::new(text).collect()
}

/// The word tokens of a text, one at a time (what [`words`] collects), for
/// callers that need only the first few or only count them.
#[derive(Debug, Clone)]
pub struct Words<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Words<'a> {
    /// The words of `text`.
    pub fn new(text: &'a str) -> Self {
        Words { text, pos: 0 }
    }

    /// The character at byte `i` and its length (ASCII without decoding).
    fn char_at(&self, i: usize) -> (char, usize) {
        let b = self.text.as_bytes()[i];
        if b < 0x80 {
            (b as char, 1)
        } else {
            let c = self.text[i..].chars().next().expect("i is a char boundary");
            (c, c.len_utf8())
        }
    }
}

impl<'a> Iterator for Words<'a> {
    type Item = Word<'a>;

    fn next(&mut self) -> Option<Word<'a>> {
        let len = self.text.len();
        let mut i = self.pos;
        let start = loop {
            if i >= len {
                self.pos = len;
                return None;
            }
            let (c, n) = self.char_at(i);
            if c.is_alphanumeric() {
                break i;
            }
            i += n;
        };
        while i < len {
            let (c, n) = self.char_at(i);
            if c.is_alphanumeric() {
                i += n;
                continue;
            }
            if is_apostrophe(c) && i + n < len && self.char_at(i + n).0.is_alphabetic() {
                // inside a word
                i += n;
                continue;
            }
            self.pos = i + n;
            return Some(Word {
                text: &self.text[start..i],
                start,
                end: i,
            });
        }
        self.pos = len;
        Some(Word {
            text: &self.text[start..],
            start,
            end: len,
        })
    }
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
    let mut push = |c: char, out: &mut String| {
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else {
            pending_space = true;
        }
    };
    // NFKC leaves ASCII as it is, and is the costly part: only the stretches
    // with non-ASCII characters go through the normaliser. A stretch runs
    // from the ASCII character before it (which may compose with a combining
    // mark that follows) to the first place where two ASCII characters meet
    // (no character composes with an ASCII one that follows, and ASCII
    // characters are starters: nothing reorders across them), so NFKC of
    // the whole is NFKC of the pieces in order.
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let run = i;
        while i < b.len() && b[i].is_ascii() {
            i += 1;
        }
        if i == b.len() {
            for &c in &b[run..] {
                push(c as char, &mut out);
            }
            break;
        }
        let from = if i > run { i - 1 } else { i };
        for &c in &b[run..from] {
            push(c as char, &mut out);
        }
        let mut j = i;
        while j < b.len() {
            let pair = b[j].is_ascii() && (j + 1 == b.len() || b[j + 1].is_ascii());
            j += 1;
            if pair {
                break;
            }
        }
        for c in text[from..j].nfkc() {
            push(c, &mut out);
        }
        i = j;
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

    /// The first implementation (one pass over `char_indices`), kept as the
    /// reference the iterator must agree with.
    fn reference_words(text: &str) -> Vec<(usize, usize)> {
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
            } else if let Some(s) = start.take() {
                out.push((s, i));
            }
        }
        if let Some(s) = start {
            out.push((s, text.len()));
        }
        out
    }

    #[test]
    fn the_word_iterator_agrees_with_the_reference() {
        let cases = [
            "",
            " ",
            "a",
            "'",
            "don't",
            "don'",
            "'tis o'clock rock'n'roll",
            "Assad\u{2019}s x\u{2019}1 \u{2019}",
            "U.S. Sen. O'Brien -- don't_stop 1.43%!",
            "Ünter straße ÆØÅ 東京 ٣٤ naïve café\u{a0}x",
            "end'",
            "word\u{2019}",
            "tab\tnew\nline",
        ];
        for c in cases {
            let got: Vec<(usize, usize)> = words(c).iter().map(|w| (w.start, w.end)).collect();
            assert_eq!(got, reference_words(c), "{c:?}");
            for w in words(c) {
                assert_eq!(w.text, &c[w.start..w.end]);
            }
        }
    }

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
        // pieces normalised apart give what NFKC of the whole gives
        let whole = |t: &str| -> String {
            let mut out = String::new();
            let mut pending = false;
            for c in t.nfkc() {
                if c.is_alphanumeric() {
                    if pending && !out.is_empty() {
                        out.push(' ');
                    }
                    pending = false;
                    out.extend(c.to_lowercase());
                } else {
                    pending = true;
                }
            }
            out
        };
        let parts = [
            "e",
            "\u{301}",
            "a",
            "\u{308}",
            "ﬁ",
            "Ⅻ",
            "Ｆｕｌｌ",
            "\u{1100}",
            "\u{1161}",
            "\u{11a8}",
            " ",
            "-",
            "É",
            "\u{327}",
            "\u{323}",
            "x",
            "9",
            "\u{2014}",
            "ß",
            "İ",
            "\u{b47}",
            "\u{b3e}",
        ];
        let mut seed = 7u64;
        for _ in 0..3000 {
            let mut t = String::new();
            for _ in 0..12 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                t.push_str(parts[(seed % parts.len() as u64) as usize]);
            }
            assert_eq!(normalize(&t), whole(&t), "{t:?}");
        }
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
