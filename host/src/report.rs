//! `report.md`: the brief a reader opens.

use std::collections::{HashMap, HashSet};
use std::fmt::Write;

use copydesk_core::{Bundle, DocKind, Document};

/// Escapes text for a Markdown table cell or paragraph.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// At most `max_chars` characters of `text`, with an ellipsis when cut.
pub(crate) fn excerpt(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((i, _)) => format!("{}…", text[..i].trim_end()),
        None => text.to_string(),
    }
}

/// The date shown for a document: published, else updated, else `n.d.`.
pub(crate) fn date(d: &Document) -> String {
    d.published
        .as_ref()
        .or(d.updated.as_ref())
        .map(|v| v.value.chars().take(10).collect())
        .unwrap_or_else(|| "n.d.".into())
}

/// The outlet shown for a document.
pub(crate) fn outlet(d: &Document) -> String {
    d.outlet.clone().unwrap_or_else(|| {
        if d.kind == DocKind::Transcript {
            "(transcript)".into()
        } else {
            "(unknown outlet)".into()
        }
    })
}

/// The headline: the first non-blank title of a document that is not a transcript.
/// Index of each document id in `bundle.documents` (the first, as a
/// search from the front finds it): one map per report, so that every
/// citation is looked up in constant time, not by a scan of the bundle.
pub(crate) fn doc_index(bundle: &Bundle) -> HashMap<&str, usize> {
    let mut m = HashMap::with_capacity(bundle.documents.len());
    for (i, d) in bundle.documents.iter().enumerate() {
        m.entry(d.id.as_str()).or_insert(i);
    }
    m
}

pub(crate) fn headline(bundle: &Bundle) -> Option<String> {
    bundle
        .documents
        .iter()
        .filter(|d| d.kind != DocKind::Transcript)
        .find_map(|d| d.title.clone())
        .filter(|t| !t.trim().is_empty())
}

/// Renders the report for one bundle.
pub fn render(bundle: &Bundle) -> String {
    let mut out = String::new();
    let index = doc_index(bundle);
    let number = |doc: &str| index.get(doc).map(|i| i + 1);
    let headline = headline(bundle).unwrap_or_else(|| bundle.id.clone());
    let _ = writeln!(out, "# {}\n", md(&headline));
    let _ = writeln!(
        out,
        "Bundle `{}`: {} documents.\n",
        bundle.id,
        bundle.documents.len()
    );

    let _ = writeln!(out, "## Brief\n");
    match &bundle.summary {
        Some(s) if !s.sentences.is_empty() => {
            let mut para = String::new();
            for sent in &s.sentences {
                let cite = number(&sent.doc)
                    .map(|n| format!(" [{n}]"))
                    .unwrap_or_default();
                let _ = write!(para, "{}{} ", md(&sent.text), cite);
            }
            let _ = writeln!(out, "{}\n", para.trim_end());
        }
        Some(_) => {
            let _ = writeln!(
                out,
                "_The summary is empty: see the bundle's diagnostics._\n"
            );
        }
        None => {
            let _ = writeln!(out, "_No summary stage ran._\n");
        }
    }

    let _ = writeln!(out, "## Sources\n");
    let _ = writeln!(
        out,
        "| # | Outlet | Date | Byline | Title | Words | Duplicate of |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|");
    for (i, d) in bundle.documents.iter().enumerate() {
        let dup = d
            .duplicate_of
            .as_deref()
            .and_then(number)
            .map(|n| format!("[{n}]"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            i + 1,
            md(&outlet(d)),
            date(d),
            md(d.byline.as_deref().unwrap_or("")),
            md(d.title.as_deref().unwrap_or("(untitled)")),
            d.word_count(),
            dup
        );
    }
    out.push('\n');

    if !bundle.quotes.is_empty() {
        let _ = writeln!(out, "## Quotes\n");
        let _ = writeln!(
            out,
            "| Quote | Speaker | Carried by | Source time | Fidelity |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|");
        for q in &bundle.quotes {
            let mut carried: Vec<String> = Vec::new();
            let mut seen: HashSet<String> = HashSet::new();
            for o in &q.occurrences {
                let label = index
                    .get(o.doc.as_str())
                    .map(|&i| outlet(&bundle.documents[i]))
                    .unwrap_or_else(|| o.doc.clone());
                let label = format!("{} [{}]", label, number(&o.doc).unwrap_or(0));
                if seen.insert(label.clone()) {
                    carried.push(label);
                }
            }
            let time = q.source.as_ref().map(|s| {
                let label = if q.attribution_conflict {
                    format!(" ({}; attribution differs)", s.speaker_label)
                } else {
                    format!(" ({})", s.speaker_label)
                };
                format!(
                    "{}{}",
                    s.timestamp.clone().unwrap_or_else(|| "no time".into()),
                    label
                )
            });
            let fidelity = match (&q.fidelity, &q.diff) {
                (Some(f), Some(d)) if f == "altered" => format!("altered: {}", excerpt(d, 160)),
                (Some(f), _) => f.replace('_', " "),
                (None, _) => "no source".into(),
            };
            let _ = writeln!(
                out,
                "| “{}” | {} | {} | {} | {} |",
                md(&excerpt(&q.text, 200)),
                md(q.speaker.as_deref().unwrap_or("unknown")),
                md(&carried.join(", ")),
                md(&time.unwrap_or_else(|| "—".into())),
                md(&fidelity)
            );
        }
        out.push('\n');
    }

    let _ = writeln!(out, "## Duplicates\n");
    if bundle.duplicates.is_empty() {
        let _ = writeln!(out, "No duplicate documents.\n");
    } else {
        for c in &bundle.duplicates {
            let members: Vec<String> = c
                .members
                .iter()
                .filter(|m| m.doc != c.canonical)
                .map(|m| {
                    format!(
                        "[{}] ({}, similarity {:.2})",
                        number(&m.doc).unwrap_or(0),
                        m.kind,
                        m.similarity
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "- [{}] is the canonical copy of {}",
                number(&c.canonical).unwrap_or(0),
                members.join(", ")
            );
        }
        out.push('\n');
    }

    let _ = writeln!(out, "## Shared passages\n");
    if bundle.shared_passages.is_empty() {
        let _ = writeln!(out, "No passage recurs across documents.\n");
    } else {
        for p in &bundle.shared_passages {
            let mut docs: Vec<String> = p
                .occurrences
                .iter()
                .map(|o| format!("[{}]", number(&o.doc).unwrap_or(0)))
                .collect();
            docs.dedup();
            let _ = writeln!(
                out,
                "- “{}” in {}",
                md(&excerpt(&p.text, 240)),
                docs.join(", ")
            );
        }
        out.push('\n');
    }

    let warnings: usize = bundle
        .documents
        .iter()
        .map(|d| {
            d.diagnostics
                .iter()
                .filter(|x| x.level.is_warning())
                .count()
        })
        .sum();
    if warnings > 0 || !bundle.diagnostics.is_empty() {
        let _ = writeln!(out, "## Notes\n");
        for d in &bundle.diagnostics {
            let _ = writeln!(out, "- {} ({}): {}", d.stage, d.code, md(&d.message));
        }
        for doc in &bundle.documents {
            for d in doc.diagnostics.iter().filter(|x| x.level.is_warning()) {
                let line = d.line.map(|l| format!(", line {l}")).unwrap_or_default();
                let _ = writeln!(
                    out,
                    "- [{}]{line} {} ({}): {}",
                    number(&doc.id).unwrap_or(0),
                    d.stage,
                    d.code,
                    md(&d.message)
                );
            }
        }
        out.push('\n');
    }
    out
}
