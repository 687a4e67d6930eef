//! Sentence segmentation for English news text.
//!
//! [`split_sentences`] returns trimmed byte spans. It is rule based and
//! linear in the length of the input:
//!
//! - a sentence ends at `.`, `!`, `?` or `…` (or a run of them, `?!`,
//!   `...`), followed by any closing quotes or brackets, then white space;
//! - no break when the next word starts with a lower-case letter (ellipses
//!   inside a quote, `"Are you?" he asked`), or after a title
//!   (`Mr.`, `Gen.`, `Sen.`...);
//! - after other abbreviations (`U.S.`, `Sept.`, `Inc.`, initials such as
//!   `John F. Kerry`) a break happens only when the next word is a common
//!   sentence opener (`The`, `He`, `But`...);
//! - no break inside numbers (`1.43`) or where no white space follows the
//!   mark;
//! - a blank line always ends a sentence: sentences never span paragraphs.

/// Titles and other abbreviations that are (almost) never the end of a sentence.
const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "messrs", "mme", "dr", "prof", "gen", "sen", "sens", "rep", "reps", "gov",
    "lt", "col", "sgt", "capt", "cpl", "maj", "adm", "cmdr", "rev", "fr", "hon", "pres", "supt",
    "st", "ft", "mt", "gens", "brig", "pvt", "amb", "atty", "insp", "det", "vs", "v", "no", "nos",
    "art", "fig", "op", "vol", "pp", "approx", "ca", "cf", "e.g", "i.e", "viz",
];

/// Abbreviations that may end a sentence: a break happens after them only
/// when the next word is a common sentence opener.
const ABBREVIATIONS: &[&str] = &[
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon",
    "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "inc", "corp", "co", "ltd",
    "llc", "plc", "bros", "jr", "sr", "etc", "al", "ave", "blvd", "rd", "dept", "univ", "assn",
    "est", "govt", "ariz", "ark", "calif", "colo", "conn", "del", "fla", "ga", "ill", "ind", "kan",
    "ky", "la", "md", "mass", "mich", "minn", "miss", "mo", "mont", "neb", "nev", "okla", "ore",
    "pa", "tenn", "tex", "va", "vt", "wash", "wis", "wyo",
];

/// Words that commonly open a sentence, so that an abbreviation before them
/// probably ended the previous one.
const OPENERS: &[&str] = &[
    "The",
    "A",
    "An",
    "He",
    "She",
    "It",
    "They",
    "We",
    "I",
    "You",
    "But",
    "And",
    "In",
    "On",
    "At",
    "This",
    "That",
    "These",
    "Those",
    "There",
    "His",
    "Her",
    "Its",
    "Their",
    "Our",
    "My",
    "If",
    "When",
    "While",
    "After",
    "Before",
    "As",
    "Asked",
    "However",
    "Meanwhile",
    "So",
    "Yet",
    "Some",
    "Many",
    "Most",
    "No",
    "Not",
    "What",
    "Why",
    "How",
    "Who",
    "Where",
    "Officials",
    "Still",
    "Then",
    "For",
    "Now",
    "Also",
    "One",
    "Two",
];

fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…')
}

fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | ')' | ']' | '»' | '›')
}

fn is_opener(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '“' | '‘' | '(' | '[' | '«' | '‹' | '¿' | '¡'
    )
}

/// Splits `text` into sentences: trimmed byte spans `(start, end)`, in order,
/// every span on character boundaries. Blank lines are hard breaks.
pub fn split_sentences(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (s, e) in split_blocks(text) {
        for (a, b) in split_paragraph(&text[s..e]) {
            out.push((a + s, b + s));
        }
    }
    out
}

/// Blocks separated by blank lines (lines holding only white space).
fn split_blocks(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut pos = 0;
    let bytes = text.as_bytes();
    while pos < bytes.len() {
        if bytes[pos] == b'\n' {
            // Look for another newline with only white space in between.
            let mut j = pos + 1;
            while j < bytes.len() && matches!(bytes[j], b' ' | b'\t' | b'\r') {
                j += 1;
            }
            if j < bytes.len() && bytes[j] == b'\n' {
                out.push((start, pos));
                while j < bytes.len() && matches!(bytes[j], b' ' | b'\t' | b'\r' | b'\n') {
                    j += 1;
                }
                start = j;
                pos = j;
                continue;
            }
        }
        pos += 1;
    }
    out.push((start, bytes.len()));
    out
}

fn trim_span(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let s = &text[start..end];
    let lead = s.len() - s.trim_start().len();
    let trimmed = s.trim();
    if trimmed.is_empty() {
        None
    } else {
        Some((start + lead, start + lead + trimmed.len()))
    }
}

/// The word just before byte `end` (letters, digits and inner dots), lower-cased.
fn word_before(text: &str, end: usize) -> &str {
    let before = &text[..end];
    let start = before
        .rfind(|c: char| !(c.is_alphanumeric() || c == '.' || c == '-'))
        .map_or(0, |i| {
            i + before[i..].chars().next().map_or(1, char::len_utf8)
        });
    before[start..].trim_start_matches(['.', '-'])
}

fn split_paragraph(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut sent_start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len();
    let mut i = 0;
    while i < n {
        let (pos, c) = chars[i];
        if !is_terminator(c) {
            i += 1;
            continue;
        }
        // Run of terminators.
        let mut j = i;
        while j < n && is_terminator(chars[j].1) {
            j += 1;
        }
        let run = &text[pos..chars.get(j).map_or(text.len(), |x| x.0)];
        // Closing quotes and brackets.
        let mut k = j;
        while k < n && is_closer(chars[k].1) {
            k += 1;
        }
        let end = chars.get(k).map_or(text.len(), |x| x.0);
        // White space must follow (or the end of the paragraph).
        if k < n && !chars[k].1.is_whitespace() {
            i = k.max(i + 1);
            continue;
        }
        if k >= n {
            break;
        }
        // Next word, after white space and opening quotes.
        let mut m = k;
        while m < n && chars[m].1.is_whitespace() {
            m += 1;
        }
        while m < n && is_opener(chars[m].1) {
            m += 1;
        }
        if m >= n {
            break;
        }
        let next = chars[m].1;
        let next_word_end = chars[m..]
            .iter()
            .find(|x| !x.1.is_alphanumeric())
            .map_or(text.len(), |x| x.0);
        let next_word = &text[chars[m].0..next_word_end];
        let mut split = !next.is_lowercase();
        if split && run == "." {
            let word = word_before(text, pos);
            let lower = word.to_lowercase();
            let single_initial =
                word.chars().count() == 1 && word.chars().all(|c| c.is_uppercase());
            let dotted = word.contains('.') && word.split('.').all(|p| p.chars().count() <= 2);
            if TITLES.contains(&lower.as_str()) && k == j {
                split = false;
            } else if ABBREVIATIONS.contains(&lower.as_str()) || single_initial || dotted {
                split = OPENERS.contains(&next_word) && k == j;
                if k > j {
                    // `U.S.")` — a closing quote after the abbreviation ends the sentence.
                    split = true;
                }
            }
            if next.is_ascii_digit()
                && (TITLES.contains(&lower.as_str()) || ABBREVIATIONS.contains(&lower.as_str()))
            {
                split = false;
            }
        }
        if split {
            if let Some(span) = trim_span(text, sent_start, end) {
                out.push(span);
            }
            sent_start = end;
        }
        i = k.max(i + 1);
    }
    if let Some(span) = trim_span(text, sent_start, text.len()) {
        out.push(span);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sents(text: &str) -> Vec<&str> {
        split_sentences(text)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect()
    }

    #[test]
    fn abbreviations_and_initials_do_not_split() {
        let t = "A frustrated U.S. Secretary of State John F. Kerry told Sen. Rubio and Gen. Dunford about it on Sept. 22 in New York. Doug G. Ware reported for UPI.";
        assert_eq!(
            sents(t),
            ["A frustrated U.S. Secretary of State John F. Kerry told Sen. Rubio and Gen. Dunford about it on Sept. 22 in New York.", "Doug G. Ware reported for UPI."]
        );
        let t = "Mr. and Mrs. Smith met Dr. Jones at No. 10 St. James Place. Lt. Col. Ward of Acme Corp. was there.";
        assert_eq!(
            sents(t),
            [
                "Mr. and Mrs. Smith met Dr. Jones at No. 10 St. James Place.",
                "Lt. Col. Ward of Acme Corp. was there."
            ]
        );
    }

    #[test]
    fn abbreviation_before_sentence_opener_splits() {
        let t = "The deal was signed in the U.S. The Russians did not sign it.";
        assert_eq!(
            sents(t),
            [
                "The deal was signed in the U.S.",
                "The Russians did not sign it."
            ]
        );
        let t = "Shares of Acme Inc. rose. It was a good day for Acme Inc. But not for Rep. Smith.";
        assert_eq!(
            sents(t),
            [
                "Shares of Acme Inc. rose.",
                "It was a good day for Acme Inc.",
                "But not for Rep. Smith."
            ]
        );
    }

    #[test]
    fn decimals_and_missing_space() {
        let t = "The index rose 1.43 percent to 2,034.5 points. Oil fell.";
        assert_eq!(
            sents(t),
            [
                "The index rose 1.43 percent to 2,034.5 points.",
                "Oil fell."
            ]
        );
        let t = "It confirmed its authenticity.Russian forces joined the war.";
        assert_eq!(sents(t).len(), 1);
    }

    #[test]
    fn quotes_end_sentences_after_the_closing_mark() {
        let t = "\"The problem is the Russians don't care about international law,\" Kerry said. \"We don't behave like Russians.\" He left.";
        assert_eq!(
            sents(t),
            [
                "\"The problem is the Russians don't care about international law,\" Kerry said.",
                "\"We don't behave like Russians.\"",
                "He left."
            ]
        );
        let t = "“You have nobody more frustrated than we are,” he told the Syrians. “It’s just a different standard.” Kirby declined.";
        assert_eq!(
            sents(t),
            [
                "“You have nobody more frustrated than we are,” he told the Syrians.",
                "“It’s just a different standard.”",
                "Kirby declined."
            ]
        );
    }

    #[test]
    fn ellipsis_before_lower_case_does_not_split() {
        let t = "\"I've argued for the use of force ... but things evolved into a different process.\" Kerry said so.";
        assert_eq!(sents(t), ["\"I've argued for the use of force ... but things evolved into a different process.\"", "Kerry said so."]);
        let t = "I stood up… and then it was over. Then… Nothing.";
        assert_eq!(
            sents(t),
            ["I stood up… and then it was over.", "Then…", "Nothing."]
        );
    }

    #[test]
    fn question_and_exclamation_marks() {
        let t =
            "How many Syrians? What is the bottom line! \"Are you serious?\" he asked. Yes?! Fine.";
        assert_eq!(
            sents(t),
            [
                "How many Syrians?",
                "What is the bottom line!",
                "\"Are you serious?\" he asked.",
                "Yes?!",
                "Fine."
            ]
        );
    }

    #[test]
    fn paragraphs_are_hard_breaks_and_spans_are_trimmed() {
        let t = "  First paragraph without a stop\n\nSecond one. Two sentences.  \n \n\nThird\nwrapped line.";
        let spans = split_sentences(t);
        let got: Vec<&str> = spans.iter().map(|&(s, e)| &t[s..e]).collect();
        assert_eq!(
            got,
            [
                "First paragraph without a stop",
                "Second one.",
                "Two sentences.",
                "Third\nwrapped line."
            ]
        );
        assert!(split_sentences("").is_empty());
        assert!(split_sentences(" \n\n ").is_empty());
    }

    #[test]
    fn unbalanced_quotes_and_unicode_are_safe() {
        let t = "He said \"this will never end. Then it did. «Ça va?» Ja… ‘Oops";
        let spans = split_sentences(t);
        assert_eq!(
            sents(t),
            [
                "He said \"this will never end.",
                "Then it did.",
                "«Ça va?»",
                "Ja…",
                "‘Oops"
            ]
        );
        for (s, e) in spans {
            assert!(t.is_char_boundary(s) && t.is_char_boundary(e));
        }
    }

    #[test]
    fn newswire_sentences() {
        let t = "NEW YORK, Sept. 30 (UPI) -- As the United States and opposition forces continue to tangle with Russia, Obama's chief diplomat is frustrated. Friday, The New York Times published excerpts of a tape.";
        assert_eq!(sents(t).len(), 2);
        let t = "The meeting was at 6 p.m. on Monday. Police arrested 120 people.";
        assert_eq!(
            sents(t),
            [
                "The meeting was at 6 p.m. on Monday.",
                "Police arrested 120 people."
            ]
        );
    }
}
