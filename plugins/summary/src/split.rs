//! A fallback sentence splitter, for documents that reach the summary stage
//! without `sentences` (and for the example tools, which build documents
//! without the parse plugin).
//!
//! Rule-based: a sentence ends at `.`, `!` or `?` (plus closing quotes and
//! brackets) followed by white space and an upper-case letter, a digit or an
//! opening quote, unless the period belongs to a known abbreviation
//! (`Mr.`, `Sept.`, `Gen.`), an initial (`John F. Kennedy`), a decimal
//! number, or a dotted acronym followed by a lower-case word (`U.S. officials`).
//! A blank line or a line break followed by an indented/empty line also ends one.

use copydesk_core::Span;

/// Abbreviations that do not end a sentence when followed by a capitalised word.
const ABBREV: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "gen", "lt", "col", "maj", "capt", "cmdr",
    "adm", "sgt", "cpl", "pvt", "gov", "sen", "rep", "reps", "sens", "rev", "hon", "pres", "supt",
    "insp", "det", "atty", "messrs", "mt", "ft", "ave", "blvd", "rd", "no", "nos", "vol", "vs",
    "v", "etc", "inc", "corp", "co", "ltd", "bros", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "ala", "ariz", "ark", "calif", "colo", "conn",
    "del", "fla", "ga", "ill", "ind", "kan", "kans", "ky", "la", "md", "mass", "mich", "minn",
    "miss", "mo", "mont", "neb", "nev", "okla", "ore", "pa", "penn", "tenn", "tex", "va", "vt",
    "wash", "wis", "wyo", "e.g", "i.e", "approx", "dept", "est", "fig", "govt", "univ", "assn",
];

/// Abbreviations that end a sentence only rarely even before a capitalised
/// word that is a common sentence opener (titles, always followed by a name).
const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "cmdr", "adm", "sgt",
    "cpl", "pvt", "gov", "sen", "rep", "rev", "hon", "pres", "st", "messrs", "mt", "ft", "no",
    "nos", "vs", "v",
];

fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | ')' | ']' | '\u{201D}' | '\u{2019}' | '\u{BB}'
    )
}

fn is_opener(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '(' | '[' | '\u{201C}' | '\u{2018}' | '\u{AB}'
    )
}

/// Splits `text[span]` into sentence spans (trimmed, non-empty).
pub fn split_sentences(text: &str, span: Span) -> Vec<Span> {
    let mut out = Vec::new();
    let Some(region) = span.slice(text) else {
        return out;
    };
    let base = span.start;
    let chars: Vec<(usize, char)> = region.char_indices().collect();
    let mut start = 0usize; // byte offset in region
    let mut i = 0usize;
    while i < chars.len() {
        let (pos, c) = chars[i];
        // a short line without final punctuation (headline, byline) before a capitalised line
        if c == '\n' {
            let line_start = region[..pos].rfind('\n').map_or(0, |p| p + 1);
            let line = region[line_start..pos].trim();
            let ends_open = line.chars().last().is_some_and(|l| l.is_alphanumeric());
            let next = region[pos..].trim_start().chars().next();
            if ends_open
                && line.chars().count() < 60
                && next.is_some_and(|n| n.is_uppercase() || is_opener(n))
                && line_start >= start
            {
                push(&mut out, region, base, start, pos);
                start = pos;
                i += 1;
                continue;
            }
        }
        // paragraph break inside the region: a blank line
        if c == '\n' {
            let mut j = i + 1;
            while j < chars.len() && chars[j].1 != '\n' && chars[j].1.is_whitespace() {
                j += 1;
            }
            if j < chars.len() && chars[j].1 == '\n' {
                push(&mut out, region, base, start, pos);
                start = chars[j].0;
                i = j;
                continue;
            }
        }
        if matches!(c, '.' | '!' | '?') {
            // extend over repeated terminators and closers
            let mut j = i + 1;
            while j < chars.len()
                && (matches!(chars[j].1, '.' | '!' | '?') || is_closer(chars[j].1))
            {
                j += 1;
            }
            let end = if j < chars.len() {
                chars[j].0
            } else {
                region.len()
            };
            // need white space next
            if j < chars.len() && !chars[j].1.is_whitespace() {
                i = j;
                continue;
            }
            let mut k = j;
            while k < chars.len() && chars[k].1.is_whitespace() {
                k += 1;
            }
            if k >= chars.len() {
                break;
            }
            let next = chars[k].1;
            let next_ok = next.is_uppercase() || next.is_ascii_digit() || is_opener(next);
            if next_ok && (c != '.' || period_ends(region, pos, &chars, k)) {
                push(&mut out, region, base, start, end);
                start = chars[k].0;
                i = k;
                continue;
            }
            i = j;
            continue;
        }
        i += 1;
    }
    push(&mut out, region, base, start, region.len());
    out
}

fn push(out: &mut Vec<Span>, region: &str, base: usize, start: usize, end: usize) {
    if start >= end {
        return;
    }
    let s = &region[start..end];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead + trail >= s.len() {
        return;
    }
    out.push(Span::new(base + start + lead, base + end - trail));
}

/// Decides whether the period at byte `pos` of `region` ends a sentence, given
/// that the next non-space character (index `k` in `chars`) starts like a sentence.
fn period_ends(region: &str, pos: usize, chars: &[(usize, char)], k: usize) -> bool {
    // the token before the period
    let before = &region[..pos];
    let tok_start = before
        .rfind(|c: char| c.is_whitespace() || is_opener(c))
        .map(|p| p + before[p..].chars().next().map_or(1, char::len_utf8))
        .unwrap_or(0);
    let tok = &before[tok_start..];
    if tok.is_empty() {
        return true;
    }
    let lower = tok.to_lowercase();
    let next_word: String = chars[k..]
        .iter()
        .map(|&(_, c)| c)
        .take_while(|c| c.is_alphanumeric())
        .collect();
    // single upper-case initial: "John F. Kennedy"
    if tok.chars().count() == 1 && tok.chars().all(|c| c.is_uppercase()) {
        return false;
    }
    // decimal / number with a period followed by a digit never reaches here (no space)
    if TITLES.contains(&lower.as_str()) {
        return false;
    }
    if ABBREV.contains(&lower.as_str()) {
        // months and states before a number or a capitalised name: keep going
        // unless the next word is a common sentence opener
        return is_common_opener(&next_word);
    }
    // dotted acronym: "U.S." "U.N." "p.m."
    if tok.contains('.')
        && tok.chars().filter(|c| c.is_alphabetic()).count() <= 4
        && tok.split('.').all(|p| p.chars().count() <= 2)
    {
        return is_common_opener(&next_word);
    }
    true
}

fn is_common_opener(word: &str) -> bool {
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
        "In",
        "On",
        "At",
        "But",
        "And",
        "This",
        "That",
        "These",
        "Those",
        "There",
        "His",
        "Her",
        "Their",
        "Its",
        "Our",
        "If",
        "When",
        "While",
        "After",
        "Before",
        "As",
        "For",
        "Some",
        "Many",
        "Most",
        "Officials",
        "However",
        "Meanwhile",
        "Still",
        "Yet",
        "So",
        "Also",
        "Under",
        "According",
        "Last",
        "Since",
        "During",
        "By",
        "One",
        "Two",
        "Three",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
    ];
    OPENERS.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(t: &str) -> Vec<&str> {
        split_sentences(t, Span::new(0, t.len()))
            .into_iter()
            .map(|s| &t[s.start..s.end])
            .collect()
    }

    #[test]
    fn survives_abbreviations() {
        let t = "Gen. John F. Kennedy met Mr. Smith in Washington on Sept. 30. The U.S. economy grew 2.5 percent in the U.S. Officials said so. \"It works,\" he said. Then it ended!";
        assert_eq!(
            split(t),
            [
                "Gen. John F. Kennedy met Mr. Smith in Washington on Sept. 30.",
                "The U.S. economy grew 2.5 percent in the U.S.",
                "Officials said so.",
                "\"It works,\" he said.",
                "Then it ended!"
            ]
        );
    }

    #[test]
    fn short_lines_split() {
        assert_eq!(
            split("By Doug G. Ware\nSyrian citizens survey the damage."),
            ["By Doug G. Ware", "Syrian citizens survey the damage."]
        );
        assert_eq!(split("The minister said on Tuesday that the government plan to spend more on\nRoads and bridges was approved."), ["The minister said on Tuesday that the government plan to spend more on\nRoads and bridges was approved."]);
    }

    #[test]
    fn blank_lines_split() {
        assert_eq!(
            split("Headline here\n\nBody starts. Ends."),
            ["Headline here", "Body starts.", "Ends."]
        );
    }
}
