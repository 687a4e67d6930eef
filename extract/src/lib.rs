//! HTML news page → main article text and metadata.
//!
//! A pure library (no I/O, no copydesk types): `copydesk-parse` turns its
//! result into a `Document`.
#![deny(missing_docs)]

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
    let _ = html;
    Article::default()
}

/// Decodes page bytes to text: UTF-8 when valid, else the charset the page
/// declares (`<meta charset>`, `http-equiv`), else windows-1252. Returns the
/// text and, when it was not plain UTF-8, a note saying how it was decoded.
pub fn decode(bytes: &[u8]) -> (String, Option<String>) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), None),
        Err(_) => (String::from_utf8_lossy(bytes).into_owned(), Some("invalid UTF-8 replaced with U+FFFD".into())),
    }
}
