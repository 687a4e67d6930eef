//! HTML news page → main article text and metadata.
//!
//! A pure library (no I/O, no copydesk types): `copydesk-parse` turns its
//! result into a `Document`.
#![deny(missing_docs)]

mod content;
pub mod dom;
mod entities;
mod entity_table;
mod meta;
mod text;

pub use entities::decode_entities;
pub use meta::clean_author;

/// A date as found in the page, not yet normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawDate {
    /// The string as written (`2016-10-01T09:10:00+05:30`, `Oct 01, 2016, 09:10 AM IST`).
    pub raw: String,
    /// Where it was found (`meta:article:published_time`, `json-ld`, `time[datetime]`, `visible`).
    pub method: String,
}

/// The kind of a body block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// A paragraph.
    Paragraph,
    /// A heading inside the article.
    Heading,
    /// A list item.
    ListItem,
    /// A block quote.
    Quote,
}

/// One block of the article body, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Its kind.
    pub kind: BlockKind,
    /// Its text, entities decoded, whitespace collapsed.
    pub text: String,
}

/// Something left out of the body, and the rule that left it out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    /// Rule name (`nav`, `share-bar`, `caption`, `comments`, `related`, `cookie-notice`, ...).
    pub rule: String,
    /// The start of what was removed (at most ~80 characters).
    pub snippet: String,
}

/// What [`extract`] finds in a page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Article {
    /// Headline.
    pub title: Option<String>,
    /// Author person names, in order, credits removed.
    pub authors: Vec<String>,
    /// Publication date as found.
    pub published: Option<RawDate>,
    /// Last modification date as found.
    pub modified: Option<RawDate>,
    /// Outlet / site name.
    pub site_name: Option<String>,
    /// Canonical URL.
    pub url: Option<String>,
    /// Language (`en`, `ko`), from `<html lang>` or meta.
    pub language: Option<String>,
    /// Body blocks in order.
    pub blocks: Vec<Block>,
    /// What was removed, and why.
    pub removed: Vec<Removed>,
}

/// Extracts the main article and its metadata from an HTML page.
pub fn extract(html: &str) -> Article {
    let dom = dom::parse(html);
    extract_dom(&dom)
}

/// [`extract`] on an already parsed page.
pub fn extract_dom(dom: &dom::Dom) -> Article {
    let m = meta::extract_meta(dom);
    let c = content::extract_content(dom, m.title.as_deref());
    let mut blocks = c.blocks;
    // JSON-LD articleBody as a cross-check: when the page declares a long
    // body that the extracted blocks barely cover, the detection picked the
    // wrong part of the page, and the declared body is the better answer.
    let use_ld = m.ld_body.as_deref().is_some_and(|ld| {
        let ld_words = words(ld);
        if ld.contains('<') && ld.contains('>') {
            return false; // HTML inside JSON: not usable as plain text
        }
        let n_tokens = ld
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .count();
        if n_tokens < 80 {
            return blocks.is_empty();
        }
        let ours: std::collections::HashSet<String> =
            blocks.iter().flat_map(|b| words(&b.text)).collect();
        let covered = ld_words.iter().filter(|w| ours.contains(*w)).count();
        covered * 5 < ld_words.len() * 2
    });
    if blocks.is_empty() || use_ld {
        if let Some(b) = &m.ld_body {
            blocks = b
                .split('\n')
                .map(|t| text::clean(&entities::decode_entities(t)))
                .filter(|t| !t.is_empty())
                .map(|text| Block {
                    kind: BlockKind::Paragraph,
                    text,
                })
                .collect();
        }
    }
    Article {
        title: m.title,
        authors: m.authors,
        published: m.published,
        modified: m.modified,
        site_name: m.site_name,
        url: m.url,
        language: m.language,
        blocks,
        removed: c.removed,
    }
}

/// Lowercased word set of a text.
fn words(s: &str) -> std::collections::HashSet<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect()
}

impl Article {
    /// The body text: blocks joined with blank lines.
    pub fn body(&self) -> String {
        let mut s = String::new();
        for b in &self.blocks {
            if !s.is_empty() {
                s.push_str("\n\n");
            }
            s.push_str(&b.text);
        }
        s
    }
}

/// Decodes page bytes to text: UTF-8 when valid, else the charset the page
/// declares (`<meta charset>`, `http-equiv`), else windows-1252. Returns the
/// text and, when it was not plain UTF-8, a note saying how it was decoded.
pub fn decode(bytes: &[u8]) -> (String, Option<String>) {
    // Byte-order marks win.
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _, had_errors) = enc.decode(bytes);
        let _ = bom;
        let note = if enc == encoding_rs::UTF_8 && !had_errors {
            None
        } else {
            Some(format!(
                "decoded as {} (byte-order mark){}",
                enc.name(),
                if had_errors {
                    ", invalid bytes replaced"
                } else {
                    ""
                }
            ))
        };
        return (text.into_owned(), note);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return (s.to_string(), None);
    }
    let declared = sniff_charset(&bytes[..bytes.len().min(8192)]);
    let (enc, how) = match declared
        .and_then(|l| encoding_rs::Encoding::for_label(l.as_bytes()).map(|e| (e, l)))
    {
        // A page that declares UTF-8 but is not: fall back to windows-1252.
        Some((e, l)) if e != encoding_rs::UTF_8 => (e, format!("declared charset \"{l}\"")),
        Some(_) => (
            encoding_rs::WINDOWS_1252,
            "declared UTF-8 but invalid; fallback".to_string(),
        ),
        None => (
            encoding_rs::WINDOWS_1252,
            "no valid declaration; fallback".to_string(),
        ),
    };
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    let note = format!(
        "not UTF-8: decoded as {} ({how}){}",
        enc.name(),
        if had_errors {
            ", invalid bytes replaced"
        } else {
            ""
        }
    );
    (text.into_owned(), Some(note))
}

/// Finds `charset=...` in `<meta charset>` or `http-equiv` content.
fn sniff_charset(head: &[u8]) -> Option<String> {
    let lower: Vec<u8> = head.iter().map(|b| b.to_ascii_lowercase()).collect();
    let mut from = 0;
    while let Some(k) = memchr::memmem::find(&lower[from..], b"<meta") {
        let start = from + k;
        let end = memchr::memchr(b'>', &lower[start..])
            .map(|e| start + e)
            .unwrap_or(lower.len());
        let tag = &lower[start..end];
        if let Some(c) = memchr::memmem::find(tag, b"charset") {
            let mut i = c + 7;
            while i < tag.len() && (tag[i] == b' ' || tag[i] == b'=') {
                i += 1;
            }
            while i < tag.len() && (tag[i] == b'"' || tag[i] == b'\'') {
                i += 1;
            }
            let vs = i;
            while i < tag.len()
                && (tag[i].is_ascii_alphanumeric() || matches!(tag[i], b'-' | b'_' | b'.' | b':'))
            {
                i += 1;
            }
            if i > vs {
                return Some(String::from_utf8_lossy(&tag[vs..i]).into_owned());
            }
        }
        from = end.max(start + 1);
    }
    None
}
