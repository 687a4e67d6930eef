//! TREC / SGML newswire records (`<DOC><DOCNO>...</DOCNO>...<TEXT>...</TEXT></DOC>`),
//! as in the AQUAINT and DUC collections (AP, NYT, Xinhua...).

use copydesk_core::{DocKind, Document};

use crate::common::{self, collapse_ws, date_value, info, warning};
use crate::dates::parse_date;

/// Splits a TREC file into its `<DOC>` records: the 1-based line where
/// each starts and its text (up to and including `</DOC>`, or to the next
/// `<DOC>` or the end of the file when the record is cut). The host frames
/// files with the same function ([`copydesk_text::trec::records`]).
pub fn split_trec(text: &str) -> Vec<(usize, &str)> {
    copydesk_text::trec::records(text)
        .into_iter()
        .map(|r| (r.line, &text[r.start..r.end]))
        .collect()
}

/// Case-insensitive find of an ASCII needle.
fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let n = needle.as_bytes();
    hay.as_bytes()
        .windows(n.len())
        .position(|w| w.eq_ignore_ascii_case(n))
}

/// The content of the first `<TAG>...</TAG>` element (to the end when unclosed),
/// with a flag saying whether it was closed.
fn element<'a>(text: &'a str, tag: &str) -> Option<(&'a str, bool)> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let s = find_ci(text, &open)? + open.len();
    match find_ci(&text[s..], &close) {
        Some(e) => Some((&text[s..s + e], true)),
        None => Some((&text[s..], false)),
    }
}

/// Decodes SGML entities: `&AMP;`/`&amp;` and friends, numeric references;
/// formatting codes (`&QL;`, `&UR;`, `&Cx1f;`) are dropped, `&HT;` is a tab.
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map(|e| e + 1);
        match end {
            Some(e) if rest.as_bytes().get(e) == Some(&b';') && e > 1 => {
                let name = &rest[1..e];
                let rep: Option<String> = match name.to_ascii_lowercase().as_str() {
                    "amp" => Some("&".into()),
                    "lt" => Some("<".into()),
                    "gt" => Some(">".into()),
                    "quot" => Some("\"".into()),
                    "apos" => Some("'".into()),
                    "nbsp" => Some(" ".into()),
                    "ht" => Some(" ".into()),
                    "mdash" => Some("—".into()),
                    "ndash" => Some("–".into()),
                    n if n.starts_with("#x") => u32::from_str_radix(&n[2..], 16)
                        .ok()
                        .and_then(char::from_u32)
                        .map(String::from),
                    n if n.starts_with('#') => n[1..]
                        .parse()
                        .ok()
                        .and_then(char::from_u32)
                        .map(String::from),
                    _ => Some(String::new()),
                };
                out.push_str(&rep.unwrap_or_default());
                rest = &rest[e + 1..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Wire-style quotes (``like this'') to typographic ones.
fn fix_quotes(s: &str) -> String {
    s.replace("``", "“").replace("''", "”")
}

/// Removes every `<...>` tag.
fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The outlet named by a DOCNO prefix.
pub fn outlet_for_docno(docno: &str) -> Option<(&'static str, Option<&'static str>)> {
    let prefix: String = docno
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect::<String>()
        .to_ascii_uppercase();
    let r = match prefix.as_str() {
        "APW" | "AP" => ("Associated Press", Some("en")),
        "NYT" => ("New York Times", Some("en")),
        "XIE" => ("Xinhua", Some("en")),
        "XIN" => ("Xinhua", None),
        "LTW" => ("Los Angeles Times-Washington Post", Some("en")),
        "LA" => ("Los Angeles Times", Some("en")),
        "FT" => ("Financial Times", Some("en")),
        "WSJ" => ("Wall Street Journal", Some("en")),
        "SJMN" => ("San Jose Mercury News", Some("en")),
        "FBIS" => ("Foreign Broadcast Information Service", None),
        "AFP" | "AFE" => ("Agence France-Presse", None),
        "CNA" => ("Central News Agency", None),
        "UMD" | "WPB" => ("Washington Post", Some("en")),
        _ => return None,
    };
    Some(r)
}

/// Sign-offs and editorial notes that are not article text.
fn junk_paragraph(p: &str) -> Option<&'static str> {
    let t = p.trim();
    let inner = t.strip_prefix('(').and_then(|x| x.strip_suffix(')'));
    if let Some(inner) = inner {
        if inner.len() <= 6
            && inner
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-' || c == '/' || c == ' ')
        {
            return Some("boilerplate:signoff");
        }
        let upper = inner.to_uppercase();
        if upper.starts_with("STORY CAN END HERE")
            || upper.contains("OPTIONAL MATERIAL")
            || upper.starts_with("ATTN")
            || upper.starts_with("EDS")
            || upper.starts_with("FOR USE BY")
            || upper.starts_with("DISTRIBUTED BY")
            || upper.contains("NEWS SERVICE")
        {
            return Some("boilerplate:editor-note");
        }
    }
    if t.chars().all(|c| !c.is_alphanumeric()) {
        return Some("boilerplate:empty");
    }
    common::boilerplate_rule(t).filter(|r| *r != "boilerplate:caption")
}

/// Paragraphs of a `<TEXT>` body: `<P>` elements, or indented / blank-line
/// separated paragraphs when there are none.
fn paragraphs_of(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    if find_ci(body, "<P>").is_some() {
        let mut rest = body;
        while let Some(s) = find_ci(rest, "<P>") {
            let after = &rest[s + 3..];
            let end = [find_ci(after, "</P>"), find_ci(after, "<P>")]
                .into_iter()
                .flatten()
                .min()
                .unwrap_or(after.len());
            out.push(strip_tags(&after[..end]));
            rest = &after[end..];
        }
    } else {
        let mut cur = String::new();
        for line in body.lines() {
            let indented = line.starts_with('\t') || line.starts_with("   ");
            if (line.trim().is_empty() || indented) && !cur.trim().is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            cur.push_str(line);
            cur.push('\n');
        }
        if !cur.trim().is_empty() {
            out.push(cur);
        }
        out = out.into_iter().map(|p| strip_tags(&p)).collect();
    }
    out.into_iter()
        .map(|p| fix_quotes(&collapse_ws(&decode_entities(&p))))
        .filter(|p| !p.is_empty())
        .collect()
}

/// Parses one TREC record into `doc`.
pub fn parse(doc: &mut Document, text: &str) {
    let records = split_trec(text);
    let record = match records.first() {
        Some(&(_, r)) => {
            if records.len() > 1 {
                doc.diagnostics.push(warning("trec:many-records", format!("the input holds {} <DOC> records; only the first was parsed (split the file into records first)", records.len()), None));
            }
            r
        }
        None => text,
    };
    if find_ci(record, "</DOC>").is_none() {
        doc.diagnostics.push(warning(
            "trec:truncated",
            "the record has no </DOC>: it was cut; parsed as far as it goes",
            None,
        ));
    }
    // Drop <ANNOTATION> elements (editorial notes inside the body).
    let mut cleaned = String::with_capacity(record.len());
    let mut rest = record;
    while let Some(s) = find_ci(rest, "<ANNOTATION>") {
        cleaned.push_str(&rest[..s]);
        let after = &rest[s..];
        let end =
            find_ci(after, "</ANNOTATION>").map_or(after.len(), |e| e + "</ANNOTATION>".len());
        doc.diagnostics.push(info(
            "boilerplate:annotation",
            format!(
                "removed annotation: {}",
                common::snippet(&strip_tags(&decode_entities(&after[..end])), 80)
            ),
            None,
        ));
        rest = &after[end..];
    }
    cleaned.push_str(rest);
    let record = cleaned.as_str();

    let field = |tag: &str| {
        element(record, tag)
            .map(|(v, _)| collapse_ws(&decode_entities(&strip_tags(v))))
            .filter(|v| !v.is_empty())
    };
    let docno = field("DOCNO");
    if let Some(d) = &docno {
        if let Some((outlet, lang)) = outlet_for_docno(d) {
            doc.outlet = Some(outlet.into());
            doc.language = lang.map(String::from);
        }
        doc.ext
            .insert("parse".into(), serde_json::json!({ "docno": d }));
    }
    doc.title = field("HEADLINE")
        .or_else(|| field("HL"))
        .or_else(|| field("TITLE"))
        .map(|t| fix_quotes(&t));
    if doc.title.is_none() {
        doc.diagnostics.push(warning(
            "trec:no-headline",
            "the record has no <HEADLINE>",
            None,
        ));
    }
    let date_raw = field("DATE_TIME").or_else(|| field("DATE"));
    if let Some(raw) = &date_raw {
        match parse_date(raw, None) {
            Some(v) => doc.published = Some(date_value(v, raw, "trec:DATE_TIME")),
            None => doc.diagnostics.push(warning(
                "date:unparsed",
                format!("could not read the date `{raw}`"),
                None,
            )),
        }
    }
    if doc.published.is_none() {
        if let Some(d) = &docno {
            let digits: String = d
                .chars()
                .skip_while(|c| c.is_ascii_alphabetic())
                .take(8)
                .collect();
            if let Some(v) = parse_date(&digits, None) {
                doc.published = Some(date_value(v, d, "trec:DOCNO"));
            }
        }
    }
    // Byline: `<BYLINE>` or a `By ...` line between the headline and the text (NYT).
    let mut byline = field("BYLINE");
    if byline.is_none() {
        let head_end = find_ci(record, "<TEXT>").unwrap_or(0);
        let head_start = find_ci(&record[..head_end], "</HEADLINE>").unwrap_or(head_end);
        for line in record[head_start..head_end].lines() {
            let l = collapse_ws(&strip_tags(line));
            if l.len() > 3 && l[..3].eq_ignore_ascii_case("by ") {
                byline = Some(l);
                break;
            }
        }
    }
    if let Some(b) = byline {
        let names = if b.len() > 3 && b[..3].eq_ignore_ascii_case("by ") {
            &b[3..]
        } else {
            &b[..]
        };
        let parsed = common::parse_byline(names);
        doc.byline = match parsed.authors.as_slice() {
            [] => None,
            [a] => Some(a.clone()),
            [init @ .., last] => Some(format!("{} and {}", init.join(", "), last)),
        };
        doc.authors = parsed.authors;
    }
    let dateline_tag = field("DATELINE");

    let (body, closed) = element(record, "TEXT").unwrap_or(("", true));
    if !closed {
        doc.diagnostics.push(warning(
            "trec:truncated",
            "<TEXT> is not closed; the body may be incomplete",
            None,
        ));
    }
    let mut paragraphs = Vec::new();
    for p in paragraphs_of(body) {
        if let Some(rule) = junk_paragraph(&p) {
            doc.diagnostics.push(info(
                rule,
                format!(
                    "removed {}: {}",
                    rule.trim_start_matches("boilerplate:"),
                    common::snippet(&p, 80)
                ),
                None,
            ));
            continue;
        }
        paragraphs.push(p);
    }
    if body.trim().is_empty() {
        doc.diagnostics
            .push(warning("trec:no-text", "the record has no <TEXT>", None));
    }
    doc.dateline = dateline_tag;
    if let Some(first) = paragraphs.first_mut() {
        if let Some(d) = common::find_dateline(first) {
            *first = first[d.body_start..].to_string();
            doc.diagnostics.push(info(
                "dateline",
                format!("moved the dateline `{}` out of the body", d.text),
                None,
            ));
            doc.dateline = Some(d.text);
        }
    }
    doc.kind = DocKind::Article;
    common::set_body(doc, &paragraphs);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_records_with_lines() {
        let t = "<DOC>\n<DOCNO> A </DOCNO>\n</DOC>\n\n<DOC>\n<DOCNO> B </DOCNO>\n</DOC>\n<DOC>\n<DOCNO> C";
        let r = split_trec(t);
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].0, 1);
        assert_eq!(r[1].0, 5);
        assert!(r[1].1.ends_with("</DOC>") && r[1].1.contains(" B "));
        assert_eq!(r[2], (8, "<DOC>\n<DOCNO> C"));
    }

    #[test]
    fn entities() {
        assert_eq!(
            decode_entities("AT&AMP;T &QL; x&amp;y &#233; a & b &HT;z"),
            "AT&T  x&y é a & b  z"
        );
    }
}
