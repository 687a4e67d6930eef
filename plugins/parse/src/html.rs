//! HTML pages: main-content extraction is `copydesk_extract`'s job; this
//! module turns its [`copydesk_extract::Article`] into the document.

use copydesk_core::{DocKind, Document};
use copydesk_extract::{extract, BlockKind};

use crate::common::{self, date_value, info, warning};
use crate::dates::parse_date;

/// Parses an HTML page into `doc`.
pub fn parse(doc: &mut Document, html: &str) {
    let a = extract(html);
    doc.title = a
        .title
        .map(|t| common::collapse_ws(&t))
        .filter(|t| !t.is_empty());
    doc.byline = match a.authors.as_slice() {
        [] => None,
        [x] => Some(x.clone()),
        [init @ .., last] => Some(format!("{} and {}", init.join(", "), last)),
    };
    doc.authors = a.authors;
    doc.outlet = a.site_name;
    doc.url = a.url;
    doc.language = a.language;
    for (raw, slot) in [
        (a.published, &mut doc.published),
        (a.modified, &mut doc.updated),
    ] {
        if let Some(r) = raw {
            match parse_date(&r.raw, None) {
                Some(v) => *slot = Some(date_value(v, &r.raw, &r.method)),
                None => doc.diagnostics.push(warning(
                    "date:unparsed",
                    format!("could not read the date `{}` ({})", r.raw, r.method),
                    None,
                )),
            }
        }
    }
    for r in &a.removed {
        doc.diagnostics.push(info(
            &format!("boilerplate:{}", r.rule),
            format!("removed {}: {}", r.rule, r.snippet),
            None,
        ));
    }
    let paragraphs: Vec<String> = a
        .blocks
        .iter()
        .filter(|b| {
            matches!(
                b.kind,
                BlockKind::Paragraph | BlockKind::Heading | BlockKind::ListItem | BlockKind::Quote
            )
        })
        .map(|b| common::collapse_ws(&b.text))
        .collect();
    if paragraphs.is_empty() {
        doc.diagnostics.push(warning(
            "html:no-text",
            "no article text was found in the page",
            None,
        ));
    }
    doc.kind = DocKind::Article;
    common::set_body(doc, &paragraphs);
}
