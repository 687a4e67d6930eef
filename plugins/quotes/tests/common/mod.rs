//! Builds documents the way a parser would, for tests: articles split on
//! blank lines; transcripts cut into turns from their `label` / `[mm:ss]` /
//! speech structure.
#![allow(dead_code)]

use copydesk_core::{Bundle, DocKind, Document, Span, Turn};

pub fn paragraphs(text: &str) -> Vec<Span> {
    copydesk_quotes::extract::paragraphs(text, &[])
}

pub fn article(id: &str, text: &str) -> Document {
    let text = text.trim().to_string();
    Document {
        id: id.into(),
        bundle: "test".into(),
        kind: DocKind::Article,
        paragraphs: paragraphs(&text),
        text,
        ..Document::default()
    }
}

fn is_timestamp(p: &str) -> Option<String> {
    let p = p.trim();
    let inner = p.strip_prefix('[')?.strip_suffix(']')?;
    if inner.chars().all(|c| c.is_ascii_digit() || c == ':') && inner.contains(':') {
        Some(inner.to_string())
    } else {
        None
    }
}

fn seconds(ts: &str) -> Option<f64> {
    let parts: Vec<u32> = ts
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    if parts.iter().skip(1).any(|&p| p >= 60) {
        return None;
    }
    Some(parts.iter().fold(0.0, |acc, &p| acc * 60.0 + p as f64))
}

fn looks_like_label(p: &str) -> bool {
    let p = p.trim();
    !p.contains('\n')
        && p.split_whitespace().count() <= 5
        && !p.ends_with('.')
        && !p.starts_with('.')
        && !p.ends_with("...")
        && p.chars().next().is_some_and(char::is_uppercase)
}

pub fn transcript(id: &str, text: &str) -> Document {
    let text = text.trim().to_string();
    let paras = paragraphs(&text);
    let mut turns: Vec<Turn> = Vec::new();
    let mut prev_kind = "none"; // none | label | ts | speech
    let mut seen_label = false;
    for p in &paras {
        let s = &text[p.start..p.end];
        if let Some(ts) = is_timestamp(s) {
            if let Some(t) = turns.last_mut() {
                if t.timestamp.is_none() {
                    t.seconds = seconds(&ts);
                    t.timestamp = Some(ts);
                }
            }
            prev_kind = "ts";
            continue;
        }
        if prev_kind != "ts" && prev_kind != "label" && looks_like_label(s) {
            let label = s.trim().trim_end_matches(':').to_string();
            let uncertain = label.contains('?') || label.to_lowercase().contains("someone else");
            turns.push(Turn {
                speaker: label,
                uncertain,
                timestamp: None,
                seconds: None,
                span: Span::new(p.end, p.end),
                speech: true,
            });
            prev_kind = "label";
            seen_label = true;
            continue;
        }
        if !seen_label {
            prev_kind = "none";
            continue;
        }
        let t = turns.last_mut().expect("a label first");
        if t.span.is_empty() {
            t.span = *p;
            let st = s.trim();
            t.speech = !(st == "Speaks Arabic/Syrian" || st == "Translates. Speaks Arabic/Syrian");
        } else {
            t.span.end = p.end;
        }
        prev_kind = "speech";
    }
    Document {
        id: id.into(),
        bundle: "test".into(),
        kind: DocKind::Transcript,
        paragraphs: paras,
        turns,
        text,
        ..Document::default()
    }
}

pub fn example_bundle() -> Bundle {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/bundles/kerry-syria"
    );
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    names.sort();
    let mut docs = Vec::new();
    for n in names {
        let text = std::fs::read_to_string(format!("{dir}/{n}")).unwrap();
        let id = format!("kerry-syria/{}", n.trim_end_matches(".txt"));
        if n.starts_with("004") {
            docs.push(transcript(&id, &text));
        } else {
            docs.push(article(&id, &text));
        }
    }
    Bundle {
        id: "kerry-syria".into(),
        documents: docs,
        ..Bundle::default()
    }
}

pub fn run(bundle: Bundle) -> Bundle {
    copydesk_quotes::run(bundle, &copydesk_quotes::Config::default())
}
