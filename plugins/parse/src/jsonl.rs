//! JSON Lines records (news-please, Common Crawl News dumps...): one JSON
//! object per record, mapped to a document through the `field_*` options.

use copydesk_core::{DocKind, Document, StageError};
use serde_json::Value;

use crate::common::{self, date_value, info, warning};
use crate::dates::parse_date;
use crate::ParseOptions;

fn string_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The first field of a comma-separated list that is present and not empty.
fn first_field<'a>(
    obj: &'a serde_json::Map<String, Value>,
    names: &str,
) -> Option<(&'a str, &'a Value)> {
    names
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .find_map(|n| {
            obj.get_key_value(n)
                .filter(|(_, v)| !v.is_null() && v.as_str().map_or(true, |s| !s.trim().is_empty()))
                .map(|(k, v)| (k.as_str(), v))
        })
}

/// Parses one JSON object into `doc`.
pub fn parse(doc: &mut Document, text: &str, opts: &ParseOptions) -> Result<(), StageError> {
    let record = doc.source.record;
    let line_no = record.unwrap_or(1);
    let trimmed = text.trim();
    let mut lines = trimmed.lines().filter(|l| !l.trim().is_empty());
    let first = lines.next().unwrap_or("");
    let rest = lines.count();
    // One record per document; a whole file given as one document: parse its first line.
    let value: Value = match serde_json::from_str(trimmed) {
        Ok(v) => v,
        Err(e) if rest > 0 => {
            let v = serde_json::from_str(first).map_err(|e2| {
                StageError::new(format!(
                    "{}: line {line_no}: not valid JSON: {e2}",
                    doc.source.path
                ))
            })?;
            let _ = e;
            doc.diagnostics.push(warning("jsonl:many-records", format!("the input holds {} JSON lines; only the first was parsed (split the file into records first)", rest + 1), Some(line_no)));
            v
        }
        Err(e) => {
            return Err(StageError::new(format!(
                "{}: line {line_no}: not valid JSON: {e}",
                doc.source.path
            )))
        }
    };
    let Value::Object(obj) = value else {
        return Err(StageError::new(format!(
            "{}: line {line_no}: expected a JSON object, found {}",
            doc.source.path,
            kind_of(&value)
        )));
    };
    let get = |names: &str| first_field(&obj, names).and_then(|(_, v)| string_of(v));

    if let Some(id) = opts.field_id.as_deref().and_then(get) {
        doc.ext
            .insert("parse".into(), serde_json::json!({ "record_id": id }));
    }
    doc.title = get(&opts.field_title).map(|t| common::collapse_ws(&t));
    doc.url = get(&opts.field_url);
    doc.outlet = get(&opts.field_outlet);
    doc.language = get(&opts.field_language);
    if let Some((_, v)) = first_field(&obj, &opts.field_authors) {
        let names: Vec<String> = match v {
            Value::Array(a) => a.iter().filter_map(string_of).collect(),
            Value::String(s) => {
                let b = common::parse_byline(s.trim().strip_prefix("By ").unwrap_or(s.trim()));
                if doc.outlet.is_none() {
                    doc.outlet = b.outlet;
                }
                b.authors
            }
            _ => Vec::new(),
        };
        doc.byline = match names.as_slice() {
            [] => None,
            [a] => Some(a.clone()),
            [init @ .., last] => Some(format!("{} and {}", init.join(", "), last)),
        };
        doc.authors = names;
    }
    for (names, slot, method) in [
        (&opts.field_published, &mut doc.published, "jsonl"),
        (&opts.field_updated, &mut doc.updated, "jsonl"),
    ] {
        if let Some((key, v)) = first_field(&obj, names) {
            if let Some(raw) = string_of(v) {
                match parse_date(&raw, None) {
                    Some(iso) => *slot = Some(date_value(iso, &raw, &format!("{method}:{key}"))),
                    None => doc.diagnostics.push(warning(
                        "date:unparsed",
                        format!("could not read the date `{raw}` in field `{key}`"),
                        Some(line_no),
                    )),
                }
            }
        }
    }
    let body = match first_field(&obj, &opts.field_text) {
        Some((_, v)) => string_of(v).unwrap_or_default(),
        None => {
            doc.diagnostics.push(warning(
                "jsonl:no-text",
                format!("none of the text fields `{}` is present", opts.field_text),
                Some(line_no),
            ));
            String::new()
        }
    };
    // Paragraphs are lines; page furniture is removed as in plain text.
    let mut paragraphs = Vec::new();
    for l in body.lines() {
        let l = common::collapse_ws(l);
        if l.is_empty() {
            continue;
        }
        if let Some(rule) = opts.clean.then(|| common::boilerplate_rule(&l)).flatten() {
            doc.diagnostics.push(info(
                rule,
                format!(
                    "removed {}: {}",
                    rule.trim_start_matches("boilerplate:"),
                    common::snippet(&l, 80)
                ),
                Some(line_no),
            ));
            continue;
        }
        paragraphs.push(l);
    }
    if let Some(first) = paragraphs.first_mut().filter(|_| opts.clean) {
        if let Some(d) = common::find_dateline(first) {
            *first = first[d.body_start..].to_string();
            doc.dateline = Some(d.text);
        }
    }
    doc.kind = DocKind::Article;
    common::set_body(doc, &paragraphs);
    Ok(())
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
