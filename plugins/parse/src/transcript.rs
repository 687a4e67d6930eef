//! Transcripts: a title line, then turns: a speaker label line, an optional
//! timestamp line (`[01:55]`, `[1:02:03]`, `(00:01:02)`, `00:12`), and the
//! speech paragraphs up to the next label.
//!
//! - A label is a short line (at most 6 words, no closing `.`/`!`/`,`) followed
//!   by a timestamp, or a line repeating such a label (turns without a
//!   timestamp). Labels are kept as written; `?`, `someone else`,
//!   `unidentified` or `[?]` in a label make the turn `uncertain`.
//! - Stage directions (`Speaks Arabic/Syrian`, `Translates.`, `[inaudible]`,
//!   `(laughter)`): a paragraph made only of directions stays in the text
//!   as a turn with `speech: false` (and gets no sentences); a direction
//!   opening a paragraph of speech (`Translates. Speaks English ... To be
//!   honest`) is cut from the text, with a `transcript:stage-direction`
//!   diagnostic, and the rest is the turn's speech.
//! - A timestamp that is not a valid time (`[31:99]`) is kept as written with
//!   `seconds: None` and a `transcript:bad-timestamp` warning.
//! - Labels stay out of `text`; each turn's span covers its paragraphs.

use std::collections::HashSet;

use copydesk_core::{DocKind, Document, Span, Turn};
use copydesk_text::sentences::split_sentences;

use crate::common::{collapse_ws, info, warning};

/// A timestamp line: the text inside the brackets, and its value when valid.
pub fn parse_timestamp(line: &str) -> Option<(String, Option<f64>)> {
    let t = line.trim();
    let inner = if let Some(x) = t.strip_prefix('[').and_then(|x| x.strip_suffix(']')) {
        x
    } else if let Some(x) = t.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
        x
    } else {
        t
    }
    .trim();
    let parts: Vec<&str> = inner.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let (last, frac) = match parts[parts.len() - 1].split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (parts[parts.len() - 1], None),
    };
    let mut nums = parts[..parts.len() - 1].to_vec();
    nums.push(last);
    if nums
        .iter()
        .any(|p| p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    if frac.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let v: Vec<u32> = nums.iter().map(|p| p.parse().unwrap_or(0)).collect();
    let valid = v[1..].iter().all(|&x| x < 60) && nums[1..].iter().all(|p| p.len() == 2);
    let seconds = valid.then(|| {
        let base = v.iter().fold(0u64, |acc, &x| acc * 60 + x as u64) as f64;
        base + frac.map_or(0.0, |f| format!("0.{f}").parse::<f64>().unwrap_or(0.0))
    });
    Some((inner.to_string(), seconds))
}

/// A short line shaped like a speaker label.
fn label_shape(s: &str) -> bool {
    let words = s.split_whitespace().count();
    (1..=6).contains(&words)
        && s.chars().count() <= 40
        && s.chars().next().is_some_and(|c| c.is_uppercase())
        && !s.ends_with(['.', '!', ',', ';', '"', '”'])
        && parse_timestamp(s).is_none()
}

fn label_key(s: &str) -> String {
    collapse_ws(s.trim_end_matches(':')).to_lowercase()
}

/// True when the text reads as a transcript: at least three timestamp lines,
/// most of them right after a label-shaped line.
pub fn looks_like_transcript(text: &str) -> bool {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(2000)
        .collect();
    let mut stamps = 0;
    let mut labelled = 0;
    for (i, l) in lines.iter().enumerate() {
        if parse_timestamp(l).is_some() {
            stamps += 1;
            if i > 0 && label_shape(lines[i - 1]) {
                labelled += 1;
            }
        }
    }
    stamps >= 3 && labelled * 10 >= stamps * 6
}

const DIRECTIVE_WORDS: &[&str] = &[
    "inaudible",
    "laughter",
    "laughs",
    "crosstalk",
    "applause",
    "unintelligible",
    "music",
    "pause",
    "silence",
    "indistinct",
    "coughs",
    "background noise",
    "overlapping",
];

/// Splits stage directions off the start of a paragraph: returns the
/// direction text (if any) and the speech after it.
pub fn split_direction(p: &str) -> (Option<&str>, &str) {
    let mut rest = p.trim_start();
    loop {
        let before = rest;
        for verb in [
            "Translates",
            "Translating",
            "Translation",
            "Interpreting",
            "Interprets",
        ] {
            if let Some(r) = rest.strip_prefix(verb) {
                if r.is_empty() || r.starts_with(['.', ':', ' ']) {
                    rest = r.trim_start_matches(['.', ':']).trim_start();
                }
            }
        }
        for verb in ["Speaks ", "Speaking ", "Speaks in ", "Speaking in ", "In "] {
            if let Some(r) = rest.strip_prefix(verb) {
                let lang_end = r
                    .find(|c: char| !(c.is_alphabetic() || c == '/'))
                    .unwrap_or(r.len());
                let lang = &r[..lang_end];
                let is_lang = lang.chars().next().is_some_and(|c| c.is_uppercase())
                    && (lang.ends_with("ish")
                        || lang.ends_with("ic")
                        || lang.ends_with("an")
                        || lang.ends_with("ese")
                        || lang.contains('/')
                        || matches!(
                            lang,
                            "Farsi"
                                | "Urdu"
                                | "Hindi"
                                | "Hebrew"
                                | "Dutch"
                                | "French"
                                | "Greek"
                                | "Kurdish"
                                | "Pashto"
                                | "Dari"
                                | "Thai"
                                | "Czech"
                        ));
                if is_lang && (verb != "In " || r[lang_end..].starts_with(')')) {
                    let after = r[lang_end..].trim_start();
                    let after = after
                        .strip_prefix("...")
                        .or_else(|| after.strip_prefix('…'))
                        .or_else(|| after.strip_prefix('.'))
                        .or_else(|| after.strip_prefix(':'))
                        .unwrap_or(after);
                    rest = after.trim_start();
                    break;
                }
            }
        }
        if rest.starts_with(['[', '(']) {
            let close = if rest.starts_with('[') { ']' } else { ')' };
            if let Some(end) = rest.find(close) {
                let inner = rest[1..end].to_lowercase();
                if DIRECTIVE_WORDS.iter().any(|w| inner.contains(w))
                    || inner.starts_with("speaks")
                    || inner.starts_with("speaking")
                    || inner.starts_with("in ") && inner.split_whitespace().count() <= 2
                {
                    rest = rest[end + 1..].trim_start();
                }
            }
        }
        if rest.len() == before.len() {
            break;
        }
    }
    let cut = p.len() - rest.len();
    if cut == 0 {
        (None, p)
    } else {
        (Some(p[..cut].trim()), rest)
    }
}

fn uncertain(label: &str) -> bool {
    let l = label.to_lowercase();
    l.contains('?')
        || l.contains("someone else")
        || l.contains("unidentified")
        || l.contains("unknown")
        || l.contains("[?]")
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Stamp,
    Label,
    Text,
}

struct Pending {
    speaker: String,
    line: u64,
    timestamp: Option<String>,
    seconds: Option<f64>,
    paragraphs: Vec<(u64, String)>,
}

/// Parses a transcript into `doc`.
pub fn parse(doc: &mut Document, text: &str) {
    let lines: Vec<(u64, String)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i as u64 + 1, collapse_ws(l)))
        .filter(|(_, l)| !l.is_empty())
        .collect();
    let Some(((_, title), body)) = lines.split_first() else {
        return;
    };
    doc.title = Some(title.clone());
    doc.kind = DocKind::Transcript;

    let mut kinds: Vec<Kind> = body
        .iter()
        .map(|(_, l)| {
            if parse_timestamp(l).is_some() {
                Kind::Stamp
            } else {
                Kind::Text
            }
        })
        .collect();
    let mut known = HashSet::new();
    for i in 0..body.len() {
        if kinds[i] == Kind::Text
            && label_shape(&body[i].1)
            && kinds.get(i + 1) == Some(&Kind::Stamp)
        {
            kinds[i] = Kind::Label;
            known.insert(label_key(&body[i].1));
        }
    }
    for i in 0..body.len() {
        let prev_is_stamp = i > 0 && kinds[i - 1] == Kind::Stamp;
        let next_is_text = kinds.get(i + 1) == Some(&Kind::Text);
        if kinds[i] == Kind::Text
            && !prev_is_stamp
            && next_is_text
            && label_shape(&body[i].1)
            && known.contains(&label_key(&body[i].1))
        {
            kinds[i] = Kind::Label;
        }
    }

    let mut turns: Vec<Pending> = Vec::new();
    let mut loose: Vec<(u64, String)> = Vec::new();
    for (i, (line, l)) in body.iter().enumerate() {
        match kinds[i] {
            Kind::Label => turns.push(Pending {
                speaker: l.clone(),
                line: *line,
                timestamp: None,
                seconds: None,
                paragraphs: Vec::new(),
            }),
            Kind::Stamp => {
                let (raw, seconds) = parse_timestamp(l).expect("classified as a timestamp");
                if seconds.is_none() {
                    doc.diagnostics.push(warning(
                        "transcript:bad-timestamp",
                        format!("timestamp `{raw}` is not a valid time; kept as written"),
                        Some(*line),
                    ));
                }
                match turns.last_mut() {
                    Some(t) if t.timestamp.is_none() && t.paragraphs.is_empty() => {
                        t.timestamp = Some(raw);
                        t.seconds = seconds;
                    }
                    Some(t) => {
                        // A new timestamp inside a turn: same speaker, new turn.
                        let speaker = t.speaker.clone();
                        turns.push(Pending {
                            speaker,
                            line: *line,
                            timestamp: Some(raw),
                            seconds,
                            paragraphs: Vec::new(),
                        });
                    }
                    None => doc.diagnostics.push(warning(
                        "transcript:unlabelled",
                        format!("timestamp `{raw}` before any speaker label; ignored"),
                        Some(*line),
                    )),
                }
            }
            Kind::Text => match turns.last_mut() {
                Some(t) => t.paragraphs.push((*line, l.clone())),
                None => loose.push((*line, l.clone())),
            },
        }
    }
    if !loose.is_empty() {
        doc.diagnostics.push(warning(
            "transcript:unlabelled",
            format!(
                "{} paragraph(s) before the first speaker label kept without a turn",
                loose.len()
            ),
            Some(loose[0].0),
        ));
    }

    let mut text_out = String::new();
    let mut paragraphs = Vec::new();
    let mut sentences = Vec::new();
    let mut push_para = |text_out: &mut String, p: &str, speech: bool| -> Span {
        if !text_out.is_empty() {
            text_out.push_str("\n\n");
        }
        let start = text_out.len();
        text_out.push_str(p);
        let span = Span::new(start, text_out.len());
        paragraphs.push(span);
        if speech {
            for (s, e) in split_sentences(p) {
                sentences.push(Span::new(start + s, start + e));
            }
        }
        span
    };
    for (_, p) in &loose {
        push_para(&mut text_out, p, true);
    }
    let mut last_seconds: Option<(f64, String)> = None;
    let mut out_turns = Vec::new();
    for t in turns {
        if let (Some(sec), Some(raw)) = (t.seconds, &t.timestamp) {
            if let Some((prev, prev_raw)) = &last_seconds {
                if sec < *prev {
                    doc.diagnostics.push(warning(
                        "transcript:timestamp-order",
                        format!("timestamp `{raw}` is earlier than the previous one `{prev_raw}`"),
                        Some(t.line),
                    ));
                }
            }
            last_seconds = Some((sec, raw.clone()));
        }
        // Split the turn's paragraphs into speech and stage directions.
        let mut pieces: Vec<(String, bool)> = Vec::new();
        for (line, p) in &t.paragraphs {
            match split_direction(p) {
                (None, speech) => pieces.push((speech.to_string(), true)),
                (Some(dir), "") => pieces.push((dir.to_string(), false)),
                (Some(dir), speech) => {
                    doc.diagnostics.push(info(
                        "transcript:stage-direction",
                        format!(
                            "cut the stage direction `{dir}` from the speech of `{}`",
                            t.speaker
                        ),
                        Some(*line),
                    ));
                    pieces.push((speech.to_string(), true));
                }
            }
        }
        let speech = pieces.iter().any(|(_, s)| *s);
        if pieces.is_empty() {
            doc.diagnostics.push(warning(
                "transcript:empty-turn",
                format!("speaker label `{}` has no text", t.speaker),
                Some(t.line),
            ));
        }
        // A turn mixing directions and speech keeps only its speech in the span:
        // directions become turns of their own.
        let mut groups: Vec<(bool, Vec<String>)> = Vec::new();
        for (p, s) in pieces {
            match groups.last_mut() {
                Some((gs, v)) if *gs == s => v.push(p),
                _ => groups.push((s, vec![p])),
            }
        }
        let turn = |span: Span, speech: bool| {
            let mut turn = Turn::new(t.speaker.clone(), span);
            turn.uncertain = uncertain(&t.speaker);
            turn.timestamp = t.timestamp.clone();
            turn.seconds = t.seconds;
            turn.speech = speech;
            turn
        };
        if groups.is_empty() {
            let at = text_out.len();
            out_turns.push(turn(Span::new(at, at), speech));
        }
        for (s, ps) in groups {
            let mut span: Option<Span> = None;
            for p in ps {
                let sp = push_para(&mut text_out, &p, s);
                span = Some(span.map_or(sp, |x| Span::new(x.start, sp.end)));
            }
            let span = span.expect("groups are not empty");
            out_turns.push(turn(span, s));
        }
    }
    doc.text = text_out;
    doc.paragraphs = paragraphs;
    doc.sentences = sentences;
    doc.turns = out_turns;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(
            parse_timestamp("[01:55]"),
            Some(("01:55".into(), Some(115.0)))
        );
        assert_eq!(parse_timestamp("[0:00]"), Some(("0:00".into(), Some(0.0))));
        assert_eq!(
            parse_timestamp("[1:02:03]"),
            Some(("1:02:03".into(), Some(3723.0)))
        );
        assert_eq!(
            parse_timestamp("(00:01:02)"),
            Some(("00:01:02".into(), Some(62.0)))
        );
        assert_eq!(parse_timestamp("00:12"), Some(("00:12".into(), Some(12.0))));
        assert_eq!(parse_timestamp("[31:99]"), Some(("31:99".into(), None)));
        assert_eq!(parse_timestamp("[31:95]"), Some(("31:95".into(), None)));
        assert_eq!(parse_timestamp("Kerry"), None);
        assert_eq!(parse_timestamp("At 10:30 we met."), None);
    }

    #[test]
    fn stage_directions() {
        assert_eq!(
            split_direction("Speaks Arabic/Syrian"),
            (Some("Speaks Arabic/Syrian"), "")
        );
        assert_eq!(
            split_direction("Translates. Speaks Arabic/Syrian"),
            (Some("Translates. Speaks Arabic/Syrian"), "")
        );
        assert_eq!(
            split_direction("Translates. Speaks English ... To be honest, I don't."),
            (
                Some("Translates. Speaks English ..."),
                "To be honest, I don't."
            )
        );
        assert_eq!(
            split_direction("[inaudible] and so on"),
            (Some("[inaudible]"), "and so on")
        );
        assert_eq!(
            split_direction("Speaks of the devil, he said."),
            (None, "Speaks of the devil, he said.")
        );
        assert_eq!(
            split_direction("In the long term I think"),
            (None, "In the long term I think")
        );
    }

    #[test]
    fn labels() {
        assert!(label_shape("Kirby? someone else"));
        assert!(label_shape("Michael?:"));
        assert!(label_shape("Female voice2, translator"));
        assert!(!label_shape("Yes."));
        assert!(uncertain("Kirby ? someone else"));
        assert!(uncertain("Michael?:"));
        assert!(!uncertain("Female voic"));
    }
}
