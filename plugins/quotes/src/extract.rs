//! Finding direct quotes: quote marks, paragraphs and their continuation.
//!
//! Rules (see the crate docs for the reasoning):
//!
//! - double marks: curly `“ ”`, straight `"` (opening/closing decided by
//!   state: the first `"` in a paragraph opens, the next closes), guillemets
//!   `« »`;
//! - single marks `‘ ’` and straight `'` count as quote marks only outside a
//!   double quote, when the opening mark stands at a word start (after a
//!   space, a bracket or the paragraph start) and is followed by a letter,
//!   and a closing mark (after a non-space, before a non-letter) follows in
//!   the same paragraph. So `don't`, `Assad’s`, `'90s` and `'em` stay
//!   apostrophes;
//! - a quote never runs past its paragraph, except the newspaper convention:
//!   a quote that opens at the start of a paragraph and is not closed there
//!   continues when the next paragraph also starts with an opening mark;
//! - an unclosed quote that opened at a paragraph start is capped at the
//!   paragraph end (kept, with a warning); one that opened mid-paragraph is
//!   dropped (stray mark, warning).

use copydesk_core::Span;

/// One quote found in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Extracted {
    /// First byte of the quoted words (inside the marks, trimmed).
    pub start: usize,
    /// One past the last byte of the quoted words.
    pub end: usize,
    /// Byte of the opening mark.
    pub open: usize,
    /// One past the closing mark (or the paragraph end when capped).
    pub close: usize,
    /// Paragraph index of the opening mark.
    pub para: usize,
    /// Paragraph index of the closing mark.
    pub para_end: usize,
    /// The quoted words, with continuation marks and paragraph breaks
    /// collapsed to single spaces.
    pub text: String,
    /// True when the quote was closed by a mark (false: capped at the paragraph end).
    pub closed: bool,
    /// True for single quote marks.
    pub single: bool,
}

/// A warning about quote marks (unbalanced, stray).
#[derive(Debug, Clone, PartialEq)]
pub struct MarkWarning {
    /// Byte of the mark.
    pub at: usize,
    /// What happened.
    pub message: String,
}

/// Paragraph spans of `text`: `given` when it is usable, otherwise the text
/// split on blank lines.
pub fn paragraphs(text: &str, given: &[Span]) -> Vec<Span> {
    if !given.is_empty()
        && given
            .iter()
            .all(|s| s.start <= s.end && s.slice(text).is_some())
    {
        let mut v = given.to_vec();
        v.sort();
        return v;
    }
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut last_end = 0;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        if content.trim().is_empty() {
            if let Some(s) = start.take() {
                out.push(Span::new(s, last_end));
            }
        } else {
            if start.is_none() {
                start = Some(pos + (content.len() - content.trim_start().len()));
            }
            last_end = pos + content.trim_end().len();
        }
        pos += line.len();
    }
    if let Some(s) = start {
        out.push(Span::new(s, last_end));
    }
    out
}

fn is_open_double(c: char) -> bool {
    matches!(c, '“' | '«' | '„')
}
fn is_close_double(c: char) -> bool {
    matches!(c, '”' | '»')
}

/// Words after an apostrophe that mark an elision, not a quote (`'em`, `'til`).
const ELISIONS: &[&str] = &[
    "em", "til", "tis", "twas", "cause", "bout", "n", "round", "till", "s",
];

struct Open {
    mark: usize,
    content: usize,
    para: usize,
    at_para_start: bool,
    pieces: Vec<(usize, usize)>,
}

/// Finds the quotes of `text`, paragraph by paragraph.
pub fn extract(text: &str, paragraphs: &[Span]) -> (Vec<Extracted>, Vec<MarkWarning>) {
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    let mut carried: Option<Open> = None;
    for (pi, para) in paragraphs.iter().enumerate() {
        let Some(ptext) = para.slice(text) else {
            continue;
        };
        let chars: Vec<(usize, char)> = ptext
            .char_indices()
            .map(|(i, c)| (i + para.start, c))
            .collect();
        let first_non_space = chars.iter().position(|&(_, c)| !c.is_whitespace());
        let mut single_close = SingleClose::default();
        let mut state: Option<Open> = None;
        let mut k = 0;
        // A quote continued from the previous paragraph resumes after this
        // paragraph's opening mark.
        if let Some(mut open) = carried.take() {
            let fi =
                first_non_space.expect("continuation only into a paragraph with an opening mark");
            let (at, c) = chars[fi];
            open.pieces.push((at + c.len_utf8(), at + c.len_utf8()));
            k = fi + 1;
            state = Some(open);
        }
        while k < chars.len() {
            let (at, c) = chars[k];
            let prev = if k > 0 { Some(chars[k - 1].1) } else { None };
            let next = chars.get(k + 1).map(|&(_, c)| c);
            let in_double = state.is_some();
            if c == '"' || is_open_double(c) || is_close_double(c) {
                let opening = match c {
                    '"' => !in_double,
                    c => is_open_double(c),
                };
                if opening {
                    if c == '"' && next.map_or(true, char::is_whitespace) {
                        warnings.push(MarkWarning {
                            at,
                            message: "stray closing quote mark ignored".into(),
                        });
                    } else {
                        if let Some(old) = state.take() {
                            warnings.push(MarkWarning { at: old.mark, message: "quote mark never closed: a new quote opens before it closes; dropped".into() });
                        }
                        state = Some(Open {
                            mark: at,
                            content: at + c.len_utf8(),
                            para: pi,
                            at_para_start: Some(k) == first_non_space,
                            pieces: Vec::new(),
                        });
                    }
                } else if let Some(mut open) = state.take() {
                    if let Some(last) = open.pieces.last_mut() {
                        last.1 = at;
                    } else {
                        open.pieces.push((open.content, at));
                    }
                    push_quote(text, &mut out, open, at + c.len_utf8(), pi, true, false);
                } else {
                    warnings.push(MarkWarning {
                        at,
                        message: "closing quote mark without an opening one ignored".into(),
                    });
                }
                k += 1;
                continue;
            }
            if !in_double && (c == '‘' || c == '\'') {
                let word_start = prev.map_or(true, |p| {
                    p.is_whitespace() || matches!(p, '(' | '[' | '{' | '—' | '–' | '-' | '/')
                });
                if word_start && next.is_some_and(char::is_alphabetic) {
                    // elision like 'em?
                    let word: String = chars[k + 1..]
                        .iter()
                        .map(|&(_, c)| c)
                        .take_while(|c| c.is_alphabetic())
                        .collect();
                    let after = chars.get(k + 1 + word.chars().count()).map(|&(_, c)| c);
                    let elision = ELISIONS.contains(&word.to_lowercase().as_str())
                        && after.map_or(true, |a| !a.is_alphanumeric());
                    if !elision {
                        if let Some(close_k) = single_close.find(&chars, k + 1) {
                            let (cat, cc) = chars[close_k];
                            let open = Open {
                                mark: at,
                                content: at + c.len_utf8(),
                                para: pi,
                                at_para_start: Some(k) == first_non_space,
                                pieces: vec![(at + c.len_utf8(), cat)],
                            };
                            push_quote(text, &mut out, open, cat + cc.len_utf8(), pi, true, true);
                            k = close_k + 1;
                            continue;
                        }
                    }
                }
            }
            k += 1;
        }
        if let Some(mut open) = state.take() {
            if open.pieces.is_empty() {
                open.pieces.push((open.content, para.end));
            } else if let Some(last) = open.pieces.last_mut() {
                last.1 = para.end;
            }
            let next_opens = paragraphs
                .get(pi + 1)
                .and_then(|n| n.slice(text))
                .and_then(|t| t.trim_start().chars().next())
                .is_some_and(|c| c == '"' || is_open_double(c));
            if open.at_para_start && next_opens {
                carried = Some(open);
            } else if open.at_para_start {
                warnings.push(MarkWarning {
                    at: open.mark,
                    message: "quote not closed; capped at the end of its paragraph".into(),
                });
                push_quote(text, &mut out, open, para.end, pi, false, false);
            } else {
                warnings.push(MarkWarning {
                    at: open.mark,
                    message: "quote mark opened mid-paragraph and never closed; ignored".into(),
                });
            }
        }
    }
    if let Some(open) = carried.take() {
        // cannot happen (continuation needs a next paragraph), but stay safe
        let end = open.pieces.last().map(|p| p.1).unwrap_or(open.content);
        push_quote(
            text,
            &mut out,
            open,
            end,
            paragraphs.len().saturating_sub(1),
            false,
            false,
        );
    }
    out.sort_by_key(|q| (q.start, q.end));
    (out, warnings)
}

/// [`find_single_close`] for searches from increasing positions of one
/// paragraph, remembering where the last search stopped: the answer from
/// `from` is the first closing single mark or double mark at or after
/// `from` (whether a character is one depends only on it and its
/// neighbours), so a later search that starts at or before that stop has
/// the same answer. Every character is scanned at most once per
/// paragraph, where a fresh search from each opening mark would make a
/// paragraph of many unclosed `'word`s quadratic.
#[derive(Default)]
struct SingleClose {
    /// (index the last search stopped at, its answer)
    last: Option<(usize, Option<usize>)>,
}

impl SingleClose {
    fn find(&mut self, chars: &[(usize, char)], from: usize) -> Option<usize> {
        if let Some((stop, answer)) = self.last {
            if from <= stop {
                return answer;
            }
        }
        let (answer, stop) = find_single_close(chars, from);
        self.last = Some((stop, answer));
        answer
    }
}

/// The closing single mark of a quote opened before `from`, unless a double
/// mark comes first; with the index the search stopped at.
fn find_single_close(chars: &[(usize, char)], from: usize) -> (Option<usize>, usize) {
    for k in from..chars.len() {
        let c = chars[k].1;
        if c == '"' || is_open_double(c) || is_close_double(c) {
            return (None, k);
        }
        if c == '’' || c == '\'' {
            let prev = chars[k - 1].1;
            let next = chars.get(k + 1).map(|&(_, c)| c);
            if !prev.is_whitespace() && next.map_or(true, |n| !n.is_alphanumeric()) {
                // `students’ books`: a plural possessive looks the same; accept.
                return (Some(k), k);
            }
        }
    }
    (None, chars.len())
}

fn trim_span(text: &str, start: usize, end: usize) -> (usize, usize) {
    let s = &text[start..end];
    let lead = s.len() - s.trim_start().len();
    let trimmed = s
        .trim_start()
        .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':'));
    (start + lead, start + lead + trimmed.len())
}

fn push_quote(
    text: &str,
    out: &mut Vec<Extracted>,
    open: Open,
    close: usize,
    para_end: usize,
    closed: bool,
    single: bool,
) {
    let pieces: Vec<(usize, usize)> = open
        .pieces
        .iter()
        .map(|&(s, e)| trim_span(text, s, e.max(s)))
        .filter(|(s, e)| e > s)
        .collect();
    let (Some(first), Some(last)) = (pieces.first(), pieces.last()) else {
        return;
    };
    let joined: Vec<&str> = pieces.iter().map(|&(s, e)| &text[s..e]).collect();
    let clean = joined
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    out.push(Extracted {
        start: first.0,
        end: last.1,
        open: open.mark,
        close,
        para: open.para,
        para_end,
        text: clean,
        closed,
        single,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(text: &str) -> Vec<String> {
        let paras = paragraphs(text, &[]);
        let (q, _) = extract(text, &paras);
        for e in &q {
            assert!(text.get(e.start..e.end).is_some());
        }
        q.into_iter().map(|e| e.text).collect()
    }

    #[test]
    fn single_marks_after_a_search_that_stopped() {
        // `'one` and `'three` find no close before the double quote; `'seven`
        // opens after it and finds its own
        assert_eq!(
            ex("'one two 'three \"four five six\" 'seven eight' nine."),
            ["four five six", "seven eight"]
        );
        // many unclosed openings, then one close: the first opening takes it
        let mut t = String::new();
        for i in 0..2000 {
            t.push_str(&format!("'w{i} "));
        }
        t.push_str("end' done.");
        let q = ex(&t);
        assert_eq!(q.len(), 1);
        assert!(q[0].starts_with("w0 'w1 ") && q[0].ends_with("'w1999 end"));
    }

    #[test]
    fn marks_and_apostrophes() {
        assert_eq!(
            ex("Kerry admits losing ‘argument’ for force against Assad’s forces"),
            ["argument"]
        );
        assert_eq!(ex("he “lost the argument” within"), ["lost the argument"]);
        assert_eq!(
            ex("\"We don't go,\" he said. \"Never.\""),
            ["We don't go", "Never."]
        );
        assert_eq!(
            ex("In the '90s we didn't 'cause it's 'em"),
            Vec::<String>::new()
        );
        assert_eq!(
            ex("'We don't behave like Russians': Kerry."),
            ["We don't behave like Russians"]
        );
        assert_eq!(ex("it could be soon, \" Toner said."), Vec::<String>::new());
        assert_eq!(
            ex("\"It's hard, it could be soon, \" Toner said."),
            ["It's hard, it could be soon"]
        );
    }

    #[test]
    fn continuation_and_caps() {
        let t = "“First part.\n\n“Second part,” he said.\n\nNext.";
        assert_eq!(ex(t), ["First part. Second part"]);
        let t = "“Unclosed at start\n\nNot continued “here.";
        assert_eq!(ex(t), ["Unclosed at start"]);
        let t = "He said “oops and then\n\nmore text “real quote” end.";
        assert_eq!(ex(t), ["real quote"]);
    }
}
