//! `report.html` (one per bundle) and `index.html` (one per run):
//! self-contained pages, with every piece of input text escaped.
//!
//! Nothing from the input reaches an attribute except through [`escape`]
//! (titles) or [`percent_encode`] (the bundle link in the index); every
//! `id=` and in-page `href` is built from indices (`doc-3`, `s2`, `p1-0`,
//! `q4-src`), never from document or bundle ids. The pages carry no script
//! and load nothing: one inline style sheet.
//!
//! In the "Sources" section every summary sentence, shared-passage occurrence,
//! quote occurrence and quote source is wrapped in `<mark>` by byte offsets.
//! Spans may overlap: the text is cut at every span and paragraph boundary,
//! and each piece is wrapped in one `<mark>` per span covering it, nested in
//! a fixed order; a span's `id` sits on the mark of its first piece. Spans
//! that do not fit the text (out of range, off a character boundary, empty)
//! get no mark and the links to them are left out.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write;

use crate::report::{date, doc_index, excerpt, headline, outlet};
use copydesk_core::{Bundle, Document, Turn};
use serde::{Deserialize, Serialize};

/// What `index.html` shows of one bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndexEntry {
    /// Bundle id (its directory under the output directory).
    pub id: String,
    /// Headline (first article title), if any.
    pub headline: Option<String>,
    /// Earliest publication date (ISO 8601), if any.
    pub first_date: Option<String>,
    /// Latest publication date (ISO 8601), if any.
    pub last_date: Option<String>,
    /// Documents.
    pub documents: usize,
    /// Documents marked as duplicates.
    pub duplicates: usize,
    /// Shared passages.
    pub shared_passages: usize,
    /// Quotes.
    pub quotes: usize,
    /// Failures recorded for the bundle.
    pub errors: usize,
}

impl IndexEntry {
    /// The entry for a finished bundle.
    pub fn of(bundle: &Bundle, errors: usize) -> Self {
        let mut dates: Vec<&str> = bundle
            .documents
            .iter()
            .filter_map(|d| d.published.as_ref().map(|p| p.value.as_str()))
            .collect();
        dates.sort();
        IndexEntry {
            id: bundle.id.clone(),
            headline: headline(bundle),
            first_date: dates.first().map(|d| d.to_string()),
            last_date: dates.last().map(|d| d.to_string()),
            documents: bundle.documents.len(),
            duplicates: bundle
                .documents
                .iter()
                .filter(|d| d.duplicate_of.is_some())
                .count(),
            shared_passages: bundle.shared_passages.len(),
            quotes: bundle.quotes.len(),
            errors,
        }
    }
}

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // NUL and other C0 controls (but tab and newlines) are parse
            // errors in HTML: show a replacement character instead.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes one URL path segment: everything but `A-Z a-z 0-9 - _ ~`
/// (`.` too, so that a bundle named `..` stays a name).
pub fn percent_encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The style sheet both pages share.
const STYLE: &str = r#"
:root { --ink: #1d1d1f; --muted: #5f6368; --rule: #d9d9de; --accent: #0b57d0;
  --sum: rgba(255, 214, 10, .45); --shared: rgba(52, 168, 83, .28);
  --quote: rgba(66, 133, 244, .25); --src: rgba(171, 71, 188, .25); }
* { box-sizing: border-box; }
html { font-size: 17px; }
body { margin: 0 auto; max-width: 60rem; padding: 2rem 1.25rem 4rem; color: var(--ink);
  background: #fff; font-family: Georgia, "Iowan Old Style", "Times New Roman", serif;
  line-height: 1.6; }
h1, h2, h3, th, .meta, table, nav, .label { font-family: system-ui, -apple-system, "Segoe UI",
  Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 2rem; line-height: 1.2; margin: 0 0 .4rem; overflow-wrap: break-word; }
h2 { font-size: 1.3rem; margin: 2.4rem 0 .8rem; padding-bottom: .25rem;
  border-bottom: 1px solid var(--rule); }
h3 { font-size: 1.05rem; margin: 2rem 0 .3rem; overflow-wrap: break-word; }
.meta { color: var(--muted); font-size: .85rem; margin: 0 0 .5rem; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
.brief { font-size: 1.12rem; }
.brief sup a, sup.cite a { font-family: system-ui, sans-serif; font-size: .72rem; font-weight: 600; }
table { width: 100%; border-collapse: collapse; font-size: .84rem; line-height: 1.4; margin: .5rem 0; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid var(--rule);
  overflow-wrap: break-word; }
td.mid { min-width: 8rem; }
td.wide { min-width: 16rem; }
.brief, .doc p, .doc .meta { max-width: 44rem; }
th { font-weight: 600; color: var(--muted); border-bottom: 2px solid var(--rule); }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
ul { padding-left: 1.2rem; }
li { margin: .3rem 0; }
mark { color: inherit; background: transparent; padding: 0; border-radius: 2px; }
mark.sum { background: var(--sum); }
mark.shared { background: var(--shared); }
mark.quote { background: var(--quote); }
mark.src { background: var(--src); }
mark:target { outline: 2px solid var(--accent); outline-offset: 1px; }
.legend mark { padding: 0 .3rem; }
.doc { margin-top: 2.5rem; }
.doc p { margin: 0 0 .9rem; white-space: pre-line; overflow-wrap: break-word; }
.label { font-size: .8rem; font-weight: 600; color: var(--muted); margin-right: .4rem; }
.flag { color: #b3261e; font-weight: 600; }
del { background: rgba(234, 67, 53, .18); text-decoration: line-through; }
ins { background: rgba(52, 168, 83, .22); text-decoration: none; }
.note { color: var(--muted); font-style: italic; }
.top { font-size: .8rem; font-family: system-ui, sans-serif; }
@media print {
  html { font-size: 11pt; }
  body { max-width: none; padding: 0; }
  a { color: inherit; }
  .top { display: none; }
  mark { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  tr, .brief, h2, h3 { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
}
"#;

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"copydesk\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        escape(title)
    )
}

/// What a mark stands for (also the order marks nest in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum MarkKind {
    Summary,
    Shared,
    Quote,
    Source,
}

impl MarkKind {
    fn class(self) -> &'static str {
        match self {
            MarkKind::Summary => "sum",
            MarkKind::Shared => "shared",
            MarkKind::Quote => "quote",
            MarkKind::Source => "src",
        }
    }
}

/// A span to highlight in one document's text.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Mark {
    start: usize,
    end: usize,
    kind: MarkKind,
    /// Anchor id, made of ASCII letters, digits and `-` only.
    id: String,
    /// Tooltip (escaped when written).
    title: String,
}

/// True when `start..end` is a non-empty span of `text` on character boundaries.
fn fits(text: &str, start: usize, end: usize) -> bool {
    start < end && text.get(start..end).is_some()
}

/// Every mark of the bundle, per document (same order as `bundle.documents`).
fn collect_marks(bundle: &Bundle) -> Vec<Vec<Mark>> {
    let mut marks: Vec<Vec<Mark>> = vec![Vec::new(); bundle.documents.len()];
    let index = doc_index(bundle);
    let mut add =
        |doc: &str, start: usize, end: usize, kind: MarkKind, id: String, title: String| {
            if let Some(&i) = index.get(doc) {
                if fits(&bundle.documents[i].text, start, end) {
                    marks[i].push(Mark {
                        start,
                        end,
                        kind,
                        id,
                        title,
                    });
                }
            }
        };
    if let Some(summary) = &bundle.summary {
        for (k, s) in summary.sentences.iter().enumerate() {
            add(
                &s.doc,
                s.start,
                s.end,
                MarkKind::Summary,
                format!("s{}", k + 1),
                format!("Brief, sentence {}", k + 1),
            );
        }
    }
    for (p, passage) in bundle.shared_passages.iter().enumerate() {
        for (j, o) in passage.occurrences.iter().enumerate() {
            add(
                &o.doc,
                o.start,
                o.end,
                MarkKind::Shared,
                format!("p{}-{}", p + 1, j + 1),
                format!("Shared passage {}", p + 1),
            );
        }
    }
    for (q, quote) in bundle.quotes.iter().enumerate() {
        for (j, o) in quote.occurrences.iter().enumerate() {
            add(
                &o.doc,
                o.start,
                o.end,
                MarkKind::Quote,
                format!("q{}-{}", q + 1, j + 1),
                format!("Quote {}", q + 1),
            );
        }
        if let Some(s) = &quote.source {
            add(
                &s.doc,
                s.start,
                s.end,
                MarkKind::Source,
                format!("q{}-src", q + 1),
                format!("Quote {} in the source", q + 1),
            );
        }
    }
    for m in &mut marks {
        // Outer marks first: earlier start, then longer, then kind, then id.
        m.sort_by(|a, b| {
            (a.start, std::cmp::Reverse(a.end), a.kind, &a.id).cmp(&(
                b.start,
                std::cmp::Reverse(b.end),
                b.kind,
                &b.id,
            ))
        });
    }
    marks
}

/// Anchor ids that exist on the page (marks that fit their text).
fn anchors(marks: &[Vec<Mark>]) -> BTreeSet<String> {
    marks.iter().flatten().map(|m| m.id.clone()).collect()
}

/// Cuts `text` into blocks covering all of it: at each paragraph start (when
/// the document's paragraphs fit), otherwise after each blank line, and at
/// each turn start.
fn blocks(doc: &Document) -> Vec<(usize, usize)> {
    let text = &doc.text;
    let mut cuts: BTreeSet<usize> = BTreeSet::new();
    let paragraphs_fit = !doc.paragraphs.is_empty()
        && doc
            .paragraphs
            .iter()
            .all(|p| p.start <= p.end && text.get(p.start..p.end).is_some());
    if paragraphs_fit {
        cuts.extend(doc.paragraphs.iter().map(|p| p.start));
    } else {
        let bytes = text.as_bytes();
        let mut i = 0;
        while let Some(off) = text[i..].find("\n\n") {
            let mut j = i + off;
            while j < bytes.len() && (bytes[j] == b'\n' || bytes[j] == b'\r') {
                j += 1;
            }
            cuts.insert(j);
            i = j;
            if i >= text.len() {
                break;
            }
        }
    }
    for t in &doc.turns {
        if text.get(t.span.start..t.span.end).is_some() {
            cuts.insert(t.span.start);
        }
    }
    cuts.insert(0);
    cuts.retain(|&c| c < text.len());
    let cuts: Vec<usize> = cuts.into_iter().collect();
    let mut out = Vec::with_capacity(cuts.len());
    for (i, &c) in cuts.iter().enumerate() {
        let end = cuts.get(i + 1).copied().unwrap_or(text.len());
        out.push((c, end));
    }
    out
}

/// Renders a document's text as paragraphs with its marks (sorted as
/// [`collect_marks`] sorts them: by start).
///
/// One sweep over the text: the blocks come in order, each takes the mark
/// boundaries inside it from one sorted list, and the marks covering the
/// current piece are kept in a set (in mark order) that marks enter at
/// their start and leave at their end. So the work is the size of the
/// output, not blocks × marks.
fn render_text(doc: &Document, marks: &[Mark]) -> String {
    let text = &doc.text;
    let mut out = String::new();
    let mut opened = vec![false; marks.len()];
    // Every mark boundary, sorted, and the marks by end.
    let mut bounds: Vec<usize> = marks.iter().flat_map(|m| [m.start, m.end]).collect();
    bounds.sort_unstable();
    bounds.dedup();
    let mut by_end: Vec<usize> = (0..marks.len()).collect();
    by_end.sort_by_key(|&i| marks[i].end);
    let (mut next_bound, mut next_start, mut next_end) = (0, 0, 0);
    // Marks covering the current piece, in mark order.
    let mut active: BTreeSet<usize> = BTreeSet::new();
    // The first turn starting at each offset.
    let mut turn_at: HashMap<usize, &Turn> = HashMap::new();
    for t in &doc.turns {
        turn_at.entry(t.span.start).or_insert(t);
    }
    for (bs, be) in blocks(doc) {
        let block = &text[bs..be];
        let ts = bs + (block.len() - block.trim_start().len());
        let te = bs + block.trim_end().len();
        // Cut points: the block's ends and the mark boundaries inside it.
        let mut cuts: Vec<usize> = vec![bs];
        while next_bound < bounds.len() && bounds[next_bound] <= bs {
            next_bound += 1;
        }
        while next_bound < bounds.len() && bounds[next_bound] < be {
            cuts.push(bounds[next_bound]);
            next_bound += 1;
        }
        cuts.push(be);
        let mut body = String::new();
        for w in cuts.windows(2) {
            let (a, b) = (w[0], w[1]);
            // The visible part of the piece: blocks are trimmed.
            let (va, vb) = (a.max(ts), b.min(te));
            let visible = if va < vb { &text[va..vb] } else { "" };
            // No boundary lies inside the piece, so a mark covers all of it
            // (start <= a, end >= b) exactly when it has started by `a` and
            // not ended by `a`.
            while next_start < marks.len() && marks[next_start].start <= a {
                active.insert(next_start);
                next_start += 1;
            }
            while next_end < by_end.len() && marks[by_end[next_end]].end <= a {
                active.remove(&by_end[next_end]);
                next_end += 1;
            }
            debug_assert!(active
                .iter()
                .all(|&i| marks[i].start <= a && marks[i].end >= b));
            let needs_id = active.iter().any(|&i| !opened[i]);
            if visible.is_empty() && !needs_id {
                continue;
            }
            for &i in &active {
                let m = &marks[i];
                if opened[i] {
                    let _ = write!(body, "<mark class=\"{}\">", m.kind.class());
                } else {
                    opened[i] = true;
                    let _ = write!(
                        body,
                        "<mark class=\"{}\" id=\"{}\" title=\"{}\">",
                        m.kind.class(),
                        m.id,
                        escape(&m.title)
                    );
                }
            }
            body.push_str(&escape(visible));
            for _ in &active {
                body.push_str("</mark>");
            }
        }
        if body.is_empty() {
            continue;
        }
        out.push_str("<p>");
        if let Some(t) = turn_at.get(&bs) {
            let mut label = String::new();
            if let Some(ts) = &t.timestamp {
                let _ = write!(label, "[{}] ", escape(ts));
            }
            label.push_str(&escape(&t.speaker));
            let _ = write!(out, "<span class=\"label\">{label}:</span>");
        }
        out.push_str(&body);
        out.push_str("</p>\n");
    }
    out
}

/// Renders a word-level diff (`[-removed-]`, `{+added+}`) with `<del>`/`<ins>`.
fn render_diff(diff: &str) -> String {
    let mut out = String::new();
    let mut rest = diff;
    loop {
        let del = rest.find("[-");
        let ins = rest.find("{+");
        let (pos, open, close, tag) = match (del, ins) {
            (Some(d), Some(i)) if d <= i => (d, "[-", "-]", "del"),
            (Some(d), None) => (d, "[-", "-]", "del"),
            (_, Some(i)) => (i, "{+", "+}", "ins"),
            (None, None) => break,
        };
        let after = &rest[pos + open.len()..];
        let Some(end) = after.find(close) else {
            break;
        };
        out.push_str(&escape(&rest[..pos]));
        let _ = write!(out, "<{tag}>{}</{tag}>", escape(&after[..end]));
        rest = &after[end + close.len()..];
    }
    out.push_str(&escape(rest));
    out
}

/// Renders `report.html` for one bundle.
pub fn render_bundle(bundle: &Bundle) -> String {
    let marks = collect_marks(bundle);
    let anchors = anchors(&marks);
    let index = doc_index(bundle);
    let number = |doc: &str| index.get(doc).map(|i| i + 1);
    // `[n]` linking to an anchor when it exists, to the document otherwise.
    let cite = |n: Option<usize>, anchor: &str| -> String {
        match n {
            Some(n) if anchors.contains(anchor) => format!("<a href=\"#{anchor}\">[{n}]</a>"),
            Some(n) => format!("<a href=\"#doc-{n}\">[{n}]</a>"),
            None => "[?]".to_string(),
        }
    };
    let doc_link = |n: Option<usize>| -> String {
        match n {
            Some(n) => format!("<a href=\"#doc-{n}\">[{n}]</a>"),
            None => "[?]".to_string(),
        }
    };
    let title = headline(bundle).unwrap_or_else(|| bundle.id.clone());
    let mut out = String::new();

    let _ = writeln!(out, "<header>\n<h1>{}</h1>", escape(&title));
    let dates: BTreeSet<String> = bundle
        .documents
        .iter()
        .filter_map(|d| {
            d.published
                .as_ref()
                .map(|p| p.value.chars().take(10).collect())
        })
        .collect();
    let span = match (dates.first(), dates.last()) {
        (Some(a), Some(b)) if a != b => format!(", {a} – {b}"),
        (Some(a), _) => format!(", {a}"),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "<p class=\"meta\">Bundle <code>{}</code>: {} documents{}. \
         <a href=\"#sources\">Sources</a> · <a href=\"#texts\">Texts</a></p>\n</header>",
        escape(&bundle.id),
        bundle.documents.len(),
        span
    );

    // The brief.
    let _ = writeln!(out, "<section id=\"brief\">\n<h2>Brief</h2>");
    match &bundle.summary {
        Some(s) if !s.sentences.is_empty() => {
            out.push_str("<p class=\"brief\">");
            for (k, sent) in s.sentences.iter().enumerate() {
                if k > 0 {
                    out.push(' ');
                }
                let _ = write!(
                    out,
                    "{}<sup>{}</sup>",
                    escape(&sent.text),
                    cite(number(&sent.doc), &format!("s{}", k + 1))
                );
            }
            out.push_str("</p>\n");
        }
        Some(_) => out.push_str(
            "<p class=\"note\">The summary is empty: see the bundle's diagnostics.</p>\n",
        ),
        None => out.push_str("<p class=\"note\">No summary stage ran.</p>\n"),
    }
    out.push_str("</section>\n");

    // Sources table.
    let _ = writeln!(
        out,
        "<section id=\"sources\">\n<h2>Sources</h2>\n<table>\n<thead><tr><th>#</th><th>Outlet</th>\
         <th>Date</th><th>Byline</th><th>Title</th><th>Words</th><th>Duplicate of</th></tr></thead>\n<tbody>"
    );
    for (i, d) in bundle.documents.iter().enumerate() {
        let dup = d
            .duplicate_of
            .as_deref()
            .map(|x| {
                let sim = d
                    .similarity
                    .map(|s| format!(" ({s:.2})"))
                    .unwrap_or_default();
                format!("{}{sim}", doc_link(number(x)))
            })
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<tr><td class=\"num\"><a href=\"#doc-{n}\">{n}</a></td><td>{}</td><td class=\"num\">{}</td>\
             <td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{dup}</td></tr>",
            escape(&outlet(d)),
            escape(&date(d)),
            escape(d.byline.as_deref().unwrap_or("")),
            escape(d.title.as_deref().unwrap_or("(untitled)")),
            d.word_count(),
            n = i + 1,
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");

    // Quotes.
    if !bundle.quotes.is_empty() {
        let _ = writeln!(
            out,
            "<section id=\"quotes\">\n<h2>Quotes</h2>\n<table>\n<thead><tr><th>#</th><th>Quote</th>\
             <th>Speaker</th><th>Carried by</th><th>Source</th><th>Fidelity</th></tr></thead>\n<tbody>"
        );
        for (q, quote) in bundle.quotes.iter().enumerate() {
            let qn = q + 1;
            // Outlets, each with links to its occurrences.
            let mut carried: Vec<(String, Vec<String>)> = Vec::new();
            let mut slot: HashMap<String, usize> = HashMap::new();
            for (j, o) in quote.occurrences.iter().enumerate() {
                let label = index
                    .get(o.doc.as_str())
                    .map(|&i| outlet(&bundle.documents[i]))
                    .unwrap_or_else(|| o.doc.clone());
                let link = cite(number(&o.doc), &format!("q{qn}-{}", j + 1));
                match slot.get(&label) {
                    Some(&k) => carried[k].1.push(link),
                    None => {
                        slot.insert(label.clone(), carried.len());
                        carried.push((label, vec![link]));
                    }
                }
            }
            let carried: Vec<String> = carried
                .iter()
                .map(|(l, links)| format!("{} {}", escape(l), links.join(" ")))
                .collect();
            let source = match &quote.source {
                Some(s) => {
                    let time = s.timestamp.as_deref().unwrap_or("no time");
                    let time = if anchors.contains(&format!("q{qn}-src")) {
                        format!("<a href=\"#q{qn}-src\">{}</a>", escape(time))
                    } else {
                        escape(time)
                    };
                    let conflict = if quote.attribution_conflict {
                        "<br><span class=\"flag\">⚠ attribution differs</span>"
                    } else {
                        ""
                    };
                    format!(
                        "{time} {}<br>{}{conflict}",
                        doc_link(number(&s.doc)),
                        escape(&s.speaker_label)
                    )
                }
                None => "—".to_string(),
            };
            let fidelity = match (&quote.fidelity, &quote.diff) {
                (Some(f), Some(d)) if f == "altered" => {
                    format!("altered<br><small>{}</small>", render_diff(d))
                }
                (Some(f), _) => escape(&f.replace('_', " ")),
                (None, _) => "no source".into(),
            };
            let _ = writeln!(
                out,
                "<tr><td class=\"num\">{qn}</td><td class=\"wide\">“{}”</td><td>{}</td><td class=\"mid\">{}</td><td class=\"mid\">{source}</td><td class=\"wide\">{fidelity}</td></tr>",
                escape(&excerpt(&quote.text, 300)),
                escape(quote.speaker.as_deref().unwrap_or("unknown")),
                carried.join("<br>"),
            );
        }
        out.push_str("</tbody>\n</table>\n</section>\n");
    }

    // Duplicates.
    let _ = writeln!(out, "<section id=\"duplicates\">\n<h2>Duplicates</h2>");
    if bundle.duplicates.is_empty() {
        out.push_str("<p class=\"note\">No duplicate documents.</p>\n");
    } else {
        out.push_str("<ul>\n");
        for c in &bundle.duplicates {
            let members: Vec<String> = c
                .members
                .iter()
                .filter(|m| m.doc != c.canonical)
                .map(|m| {
                    format!(
                        "{} ({}, similarity {:.2})",
                        doc_link(number(&m.doc)),
                        escape(&m.kind),
                        m.similarity
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "<li>{} is the canonical copy of {}</li>",
                doc_link(number(&c.canonical)),
                members.join(", ")
            );
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");

    // Shared passages.
    let _ = writeln!(out, "<section id=\"shared\">\n<h2>Shared passages</h2>");
    if bundle.shared_passages.is_empty() {
        out.push_str("<p class=\"note\">No passage recurs across documents.</p>\n");
    } else {
        out.push_str("<ol>\n");
        for (p, passage) in bundle.shared_passages.iter().enumerate() {
            let links: Vec<String> = passage
                .occurrences
                .iter()
                .enumerate()
                .map(|(j, o)| cite(number(&o.doc), &format!("p{}-{}", p + 1, j + 1)))
                .collect();
            let sim = if passage.similarity < 1.0 {
                format!(" (similarity ≥ {:.2})", passage.similarity)
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "<li>“{}” in {}{sim}</li>",
                escape(&excerpt(&passage.text, 240)),
                links.join(" ")
            );
        }
        out.push_str("</ol>\n");
    }
    out.push_str("</section>\n");

    // Notes: bundle diagnostics and document warnings.
    let warnings: Vec<(usize, &copydesk_core::Diagnostic)> = bundle
        .documents
        .iter()
        .enumerate()
        .flat_map(|(i, d)| {
            d.diagnostics
                .iter()
                .filter(|x| x.level.is_warning())
                .map(move |x| (i + 1, x))
        })
        .collect();
    if !warnings.is_empty() || !bundle.diagnostics.is_empty() {
        let _ = writeln!(out, "<section id=\"notes\">\n<h2>Notes</h2>\n<ul>");
        for d in &bundle.diagnostics {
            let _ = writeln!(
                out,
                "<li>{} ({}): {}</li>",
                escape(&d.stage),
                escape(&d.code),
                escape(&d.message)
            );
        }
        for (n, d) in warnings {
            let line = d.line.map(|l| format!(", line {l}")).unwrap_or_default();
            let _ = writeln!(
                out,
                "<li><a href=\"#doc-{n}\">[{n}]</a>{line} {} ({}): {}</li>",
                escape(&d.stage),
                escape(&d.code),
                escape(&d.message)
            );
        }
        out.push_str("</ul>\n</section>\n");
    }

    // The texts.
    let _ = writeln!(
        out,
        "<section id=\"texts\">\n<h2>Texts</h2>\n<p class=\"meta legend\">Highlights: \
         <mark class=\"sum\">brief</mark> <mark class=\"shared\">shared passage</mark> \
         <mark class=\"quote\">quote</mark> <mark class=\"src\">quote in the source</mark></p>"
    );
    for (i, d) in bundle.documents.iter().enumerate() {
        let n = i + 1;
        let _ = writeln!(
            out,
            "<article class=\"doc\" id=\"doc-{n}\">\n<h3>[{n}] {}</h3>",
            escape(d.title.as_deref().unwrap_or("(untitled)"))
        );
        let mut meta = vec![escape(&outlet(d)), escape(&date(d))];
        if let Some(b) = d.byline.as_deref().filter(|b| !b.is_empty()) {
            meta.push(format!("by {}", escape(b)));
        }
        if let Some(dl) = d.dateline.as_deref().filter(|b| !b.is_empty()) {
            meta.push(escape(dl));
        }
        if let Some(x) = d.duplicate_of.as_deref() {
            meta.push(format!("duplicate of {}", doc_link(number(x))));
        }
        meta.push(format!("<code>{}</code>", escape(&d.id)));
        let _ = writeln!(out, "<p class=\"meta\">{}</p>", meta.join(" · "));
        if d.text.trim().is_empty() {
            out.push_str("<p class=\"note\">No text.</p>\n");
        } else {
            out.push_str(&render_text(d, &marks[i]));
        }
        out.push_str("<p class=\"top\"><a href=\"#sources\">↑ sources</a></p>\n</article>\n");
    }
    out.push_str("</section>\n");

    page(&title, &out)
}

/// Renders `index.html` for a run.
pub fn render_index(entries: &[IndexEntry]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<header>\n<h1>copydesk run</h1>\n<p class=\"meta\">{} bundles, {} documents.</p>\n</header>",
        entries.len(),
        entries.iter().map(|e| e.documents).sum::<usize>()
    );
    if entries.is_empty() {
        out.push_str("<p class=\"note\">No bundles.</p>\n");
        return page("copydesk run", &out);
    }
    out.push_str(
        "<table>\n<thead><tr><th>Bundle</th><th>Dates</th><th>Documents</th><th>Duplicates</th>\
         <th>Shared passages</th><th>Quotes</th><th>Errors</th></tr></thead>\n<tbody>\n",
    );
    for e in entries {
        let headline = e
            .headline
            .as_deref()
            .filter(|h| !h.trim().is_empty())
            .unwrap_or(&e.id);
        let dates = match (&e.first_date, &e.last_date) {
            (Some(a), Some(b)) if a != b => format!("{} – {}", escape(a), escape(b)),
            (Some(a), _) | (None, Some(a)) => escape(a),
            (None, None) => "n.d.".into(),
        };
        let errors = if e.errors > 0 {
            format!("<span class=\"flag\">{}</span>", e.errors)
        } else {
            "0".into()
        };
        let _ = writeln!(
            out,
            "<tr><td><a href=\"{}/report.html\">{}</a><br><code class=\"meta\">{}</code></td>\
             <td>{dates}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{errors}</td></tr>",
            escape(&percent_encode(&crate::output::bundle_dir_name(&e.id))),
            escape(headline),
            escape(&e.id),
            e.documents,
            e.duplicates,
            e.shared_passages,
            e.quotes,
        );
    }
    out.push_str("</tbody>\n</table>\n");
    page("copydesk run", &out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use copydesk_core::{
        Citation, DocKind, Quote, QuoteOccurrence, SharedPassage, Span, Summary, SummarySentence,
    };

    /// The blocks × marks rendering the sweep replaced, for comparison.
    fn old_render_text(doc: &Document, marks: &[Mark]) -> String {
        let text = &doc.text;
        let mut out = String::new();
        let mut opened = vec![false; marks.len()];
        for (bs, be) in blocks(doc) {
            let block = &text[bs..be];
            let ts = bs + (block.len() - block.trim_start().len());
            let te = bs + block.trim_end().len();
            // Cut points inside the block.
            let mut cuts: BTreeSet<usize> = BTreeSet::new();
            cuts.insert(bs);
            cuts.insert(be);
            for m in marks {
                for c in [m.start, m.end] {
                    if c > bs && c < be {
                        cuts.insert(c);
                    }
                }
            }
            let mut body = String::new();
            let cuts: Vec<usize> = cuts.into_iter().collect();
            for w in cuts.windows(2) {
                let (a, b) = (w[0], w[1]);
                // The visible part of the piece: blocks are trimmed.
                let (va, vb) = (a.max(ts), b.min(te));
                let visible = if va < vb { &text[va..vb] } else { "" };
                let active: Vec<usize> = (0..marks.len())
                    .filter(|&i| marks[i].start <= a && marks[i].end >= b)
                    .collect();
                let needs_id = active.iter().any(|&i| !opened[i]);
                if visible.is_empty() && !needs_id {
                    continue;
                }
                for &i in &active {
                    let m = &marks[i];
                    if opened[i] {
                        let _ = write!(body, "<mark class=\"{}\">", m.kind.class());
                    } else {
                        opened[i] = true;
                        let _ = write!(
                            body,
                            "<mark class=\"{}\" id=\"{}\" title=\"{}\">",
                            m.kind.class(),
                            m.id,
                            escape(&m.title)
                        );
                    }
                }
                body.push_str(&escape(visible));
                for _ in &active {
                    body.push_str("</mark>");
                }
            }
            if body.is_empty() {
                continue;
            }
            out.push_str("<p>");
            if let Some(t) = doc.turns.iter().find(|t| t.span.start == bs) {
                let mut label = String::new();
                if let Some(ts) = &t.timestamp {
                    let _ = write!(label, "[{}] ", escape(ts));
                }
                label.push_str(&escape(&t.speaker));
                let _ = write!(out, "<span class=\"label\">{label}:</span>");
            }
            out.push_str(&body);
            out.push_str("</p>\n");
        }
        out
    }

    #[test]
    fn the_sweep_renders_what_the_scan_of_every_mark_rendered() {
        let mut x = 0x9E3779B97F4A7C15u64;
        let mut next = move |n: usize| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n as u64) as usize
        };
        let kinds = [
            MarkKind::Summary,
            MarkKind::Shared,
            MarkKind::Quote,
            MarkKind::Source,
        ];
        for round in 0..200 {
            // paragraphs with blank lines and stray spaces between them
            let mut text = String::new();
            let mut paragraphs = Vec::new();
            for p in 0..1 + next(6) {
                if p > 0 {
                    text.push_str(["\n\n", "\n\n  ", " \n\n\n"][next(3)]);
                }
                let start = text.len();
                for w in 0..1 + next(12) {
                    if w > 0 {
                        text.push(' ');
                    }
                    text.push_str(["Kerry", "said", "<b>", "é", "the", "war"][next(6)]);
                }
                paragraphs.push(Span::new(start, text.len()));
            }
            let mut d = doc("a", "T", &text);
            if round % 3 != 0 {
                d.paragraphs = paragraphs;
            }
            let mut marks = Vec::new();
            for k in 0..next(10) {
                let (a, b) = (next(text.len() + 1), next(text.len() + 1));
                let (start, end) = (a.min(b), a.max(b));
                if fits(&text, start, end) {
                    marks.push(Mark {
                        start,
                        end,
                        kind: kinds[next(4)],
                        id: format!("m{k}"),
                        title: format!("mark {k}"),
                    });
                }
            }
            marks.sort_by(|a, b| {
                (a.start, std::cmp::Reverse(a.end), a.kind, &a.id).cmp(&(
                    b.start,
                    std::cmp::Reverse(b.end),
                    b.kind,
                    &b.id,
                ))
            });
            assert_eq!(
                render_text(&d, &marks),
                old_render_text(&d, &marks),
                "round {round}: {text:?} {marks:?}"
            );
        }
    }

    fn doc(id: &str, title: &str, text: &str) -> Document {
        let mut d = Document::unparsed(id, "b", format!("{id}.txt"));
        d.kind = DocKind::Article;
        d.title = Some(title.into());
        d.text = text.into();
        d
    }

    /// Tags the page opens, outside the style sheet: a crude scan, enough
    /// to tell markup the renderer wrote from input text.
    fn tags(html: &str) -> Vec<String> {
        let body = html.split("</style>").nth(1).unwrap();
        let mut out = Vec::new();
        let mut rest = body;
        while let Some(i) = rest.find('<') {
            let after = &rest[i + 1..];
            let end = after.find('>').unwrap();
            out.push(after[..end].to_string());
            rest = &after[end..];
        }
        out
    }

    fn hostile() -> Bundle {
        let t = "<script>alert(1)</script> Headline";
        let text = "Hello <img src=x onerror=alert(1)> & <script>alert(2)</script>.\n\n\"Quoted\" 'words'.";
        let mut d = doc("b/<x\" onmouseover=\"y", t, text);
        d.outlet = Some("<b>Outlet</b>".into());
        d.byline = Some("\"><svg onload=alert(3)>".into());
        let id = d.id.clone();
        let mut summary = Summary::new(vec![SummarySentence::new(&text[..44], id.clone(), 0, 44)]);
        summary.text = "Hello".into();
        summary.words = 10;
        let at = text.find("Quoted").unwrap();
        let mut quote = Quote::new(
            "<i>Quoted</i>",
            Some("<u>X</u>".into()),
            vec![QuoteOccurrence::new(id.clone(), at, at + 6, None)],
        );
        quote.fidelity = Some("altered".into());
        quote.diff = Some("a [-<b>-] {+<script>+} c".into());
        quote.attribution_conflict = true;
        let mut bundle = Bundle::new("b\"<'>&", vec![d]);
        bundle.summary = Some(summary);
        bundle.quotes = vec![quote];
        bundle
    }

    #[test]
    fn escapes_everything() {
        let html = render_bundle(&hostile());
        for t in tags(&html) {
            let name = t
                .trim_start_matches('/')
                .split([' ', '>'])
                .next()
                .unwrap()
                .to_ascii_lowercase();
            assert!(
                [
                    "!doctype html",
                    "html",
                    "head",
                    "meta",
                    "title",
                    "style",
                    "body",
                    "header",
                    "h1",
                    "h2",
                    "h3",
                    "p",
                    "code",
                    "a",
                    "section",
                    "sup",
                    "table",
                    "thead",
                    "tbody",
                    "tr",
                    "th",
                    "td",
                    "br",
                    "span",
                    "small",
                    "del",
                    "ins",
                    "mark",
                    "article",
                    "ul",
                    "ol",
                    "li"
                ]
                .contains(&name.as_str())
                    || name == "!doctype",
                "unexpected tag <{t}>"
            );
            assert!(
                !t.contains("onerror") && !t.contains("onload") && !t.contains("onmouseover"),
                "<{t}>"
            );
        }
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; Headline"));
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(html.contains("<del>&lt;b&gt;</del> <ins>&lt;script&gt;</ins>"));
        assert!(html.contains("<title>&lt;script&gt;alert(1)&lt;/script&gt; Headline</title>"));
        assert!(!html.contains("<script"));
        let index = render_index(&[IndexEntry::of(&hostile(), 2)]);
        assert!(
            index.contains("href=\"b%2522%253C%27%253E%2526/report.html\""),
            "{index}"
        );
        assert!(index.contains("&lt;script&gt;alert(1)"));
        assert!(!index.contains("<script"));
    }

    #[test]
    fn overlapping_spans_nest_and_keep_their_ids() {
        // "abcdefghij": summary 0..6, shared 3..9, quote 4..5, source 3..9 (same as shared).
        let d = doc("b/1", "T", "abcdefghij");
        let mut bundle = Bundle::new("b", vec![d]);
        bundle.summary = Some(Summary::new(vec![SummarySentence::new(
            "abcdef", "b/1", 0, 6,
        )]));
        bundle.shared_passages = vec![SharedPassage::new(
            "defghi",
            vec![Citation::new("b/1", 3, 9)],
            1.0,
        )];
        bundle.quotes = vec![Quote::new(
            "e",
            None,
            vec![QuoteOccurrence::new("b/1", 4, 5, None)],
        )];
        let marks = collect_marks(&bundle);
        let html = render_text(&bundle.documents[0], &marks[0]);
        let expected = "<p><mark class=\"sum\" id=\"s1\" title=\"Brief, sentence 1\">abc</mark>\
            <mark class=\"sum\"><mark class=\"shared\" id=\"p1-1\" title=\"Shared passage 1\">d</mark></mark>\
            <mark class=\"sum\"><mark class=\"shared\"><mark class=\"quote\" id=\"q1-1\" title=\"Quote 1\">e</mark></mark></mark>\
            <mark class=\"sum\"><mark class=\"shared\">f</mark></mark>\
            <mark class=\"shared\">ghi</mark>j</p>\n";
        assert_eq!(html, expected);
        // Each id once; the whole text, in order, once.
        for id in ["s1", "p1-1", "q1-1"] {
            assert_eq!(html.matches(&format!("id=\"{id}\"")).count(), 1);
        }
        let full = render_bundle(&bundle);
        assert!(full.contains("<a href=\"#s1\">[1]</a>"));
        assert!(full.contains("<a href=\"#p1-1\">[1]</a>"));
        assert!(full.contains("<a href=\"#q1-1\">[1]</a>"));
    }

    #[test]
    fn spans_across_paragraphs_and_multibyte_boundaries() {
        let text = "Zoë said “héllo”.\n\nNext — para 日本.";
        let mut d = doc("b/1", "T", text);
        let p2 = text.find("Next").unwrap();
        d.paragraphs = vec![
            Span::new(0, text.find('\n').unwrap()),
            Span::new(p2, text.len()),
        ];
        let q = text.find("héllo").unwrap();
        let q_end = q + "héllo".len();
        let nihon = text.find("日本").unwrap();
        let mut bundle = Bundle::new("b", vec![d]);
        bundle.shared_passages = vec![SharedPassage::new(
            // From inside the first paragraph into the second.
            "x",
            vec![
                Citation::new("b/1", q, p2 + 4),
                // Not on a char boundary: dropped, no link.
                Citation::new("b/1", nihon + 1, nihon + 3),
                // Out of range: dropped.
                Citation::new("b/1", 0, text.len() + 1),
            ],
            1.0,
        )];
        bundle.quotes = vec![Quote::new(
            "héllo",
            None,
            vec![QuoteOccurrence::new("b/1", q, q_end, None)],
        )];
        let marks = collect_marks(&bundle);
        assert_eq!(marks[0].len(), 2);
        let html = render_text(&bundle.documents[0], &marks[0]);
        assert_eq!(
            html,
            "<p>Zoë said “<mark class=\"shared\" id=\"p1-1\" title=\"Shared passage 1\">\
             <mark class=\"quote\" id=\"q1-1\" title=\"Quote 1\">héllo</mark></mark>\
             <mark class=\"shared\">”.</mark></p>\n\
             <p><mark class=\"shared\">Next</mark> — para 日本.</p>\n"
        );
        let full = render_bundle(&bundle);
        assert!(full.contains(
            "<a href=\"#p1-1\">[1]</a> <a href=\"#doc-1\">[1]</a> <a href=\"#doc-1\">[1]</a>"
        ));
        assert!(!full.contains("id=\"p1-2\""));
    }

    #[test]
    fn deterministic() {
        let a = render_bundle(&hostile());
        let b = render_bundle(&hostile().clone());
        assert_eq!(a, b);
        let e = [IndexEntry::of(&hostile(), 0)];
        assert_eq!(render_index(&e), render_index(&e));
    }

    #[test]
    fn blank_line_paragraphs_without_spans_and_empty_texts() {
        let d = doc("b/1", "T", "one\n\n\ntwo\nstill two\n\nthree\n");
        let mut e = doc("b/2", "U", "");
        e.kind = DocKind::Transcript;
        let bundle = Bundle::new("b", vec![d, e]);
        let html = render_text(&bundle.documents[0], &[]);
        assert_eq!(html, "<p>one</p>\n<p>two\nstill two</p>\n<p>three</p>\n");
        let full = render_bundle(&bundle);
        assert!(full.contains("No text."));
        assert!(full.contains("No summary stage ran."));
    }

    #[test]
    fn diff_and_percent_encoding() {
        assert_eq!(
            render_diff("I [-lost-] {+'ve lost+} it"),
            "I <del>lost</del> <ins>&#39;ve lost</ins> it"
        );
        assert_eq!(render_diff("unclosed [-x"), "unclosed [-x");
        assert_eq!(percent_encode("a b/ü.."), "a%20b%2F%C3%BC%2E%2E");
    }
}
