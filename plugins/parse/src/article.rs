//! Plain-text news articles: a headline, header lines (byline, dates,
//! outlet), a body of paragraphs, with captions and page furniture mixed in.
//!
//! Each non-blank line is a unit (hard-wrapped files are re-joined first).
//! Rules, in order:
//!
//! 1. boilerplate lines anywhere (see [`common::boilerplate_rule`]) are removed
//!    with a diagnostic; a line of 4+ words seen before is removed as a duplicate;
//! 2. the top ten units are read as a header: a line that is only a date is the
//!    publication date; `By ...` is the byline (a credit such as
//!    `WorldTribune Staff` gives the outlet, not an author); a line with
//!    `Updated`/`Published` and a date gives that date; the first other line
//!    is the headline; a one-to-three-word line before the body is the outlet;
//! 3. the first body paragraph may open with `Outlet:` (`EghtesadOnline:`),
//!    which is removed and gives the outlet; the first three may open with a wire
//!    dateline (`NEW YORK, Sept. 30 (UPI) --`), which is removed and kept in
//!    `dateline`, giving the outlet (agency) and, when no other date was found,
//!    the publication date (year from the latest full date written in the file).

use std::collections::HashMap;

use copydesk_core::{DocKind, Document};

use crate::common::{self, collapse_ws, date_value, info};
use crate::dates::{find_date, parse_date};

struct Unit {
    line: u64,
    text: String,
    /// `boilerplate_rule(text)`, when `units` computed it for this very text
    /// (not for a unit it joined lines into).
    rule: Option<Option<&'static str>>,
}

fn ends_sentence(s: &str) -> bool {
    s.trim_end()
        .ends_with(['.', '!', '?', '"', '”', '’', '\'', ':', ';', ')'])
}

/// Non-blank lines as units, re-joining hard-wrapped paragraphs.
fn units(text: &str) -> Vec<Unit> {
    let lines: Vec<(u64, String, bool)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            let indented = l.starts_with([' ', '\t']);
            (i as u64 + 1, collapse_ws(l), indented)
        })
        .collect();
    // Hard-wrapped when most adjacent non-blank line pairs start with a line of 50-100 characters.
    let (mut pairs, mut wrapped_pairs) = (0usize, 0usize);
    for w in lines.windows(2) {
        if !w[0].1.is_empty() && !w[1].1.is_empty() {
            pairs += 1;
            let n = w[0].1.chars().count();
            if (50..=100).contains(&n) {
                wrapped_pairs += 1;
            }
        }
    }
    let wrapped = pairs >= 3 && wrapped_pairs * 10 >= pairs * 6;
    let mut out: Vec<Unit> = Vec::new();
    let mut prev_blank = true;
    // The previous line: its length in characters and whether it is boilerplate.
    let mut prev: (usize, bool, bool) = (0, false, false);
    for (line, l, indented) in lines {
        if l.is_empty() {
            prev_blank = true;
            continue;
        }
        let len = l.chars().count();
        let rule = common::boilerplate_rule(&l);
        let furniture = rule.is_some();
        let starts_lower = l.chars().next().is_some_and(|c| c.is_lowercase());
        let (prev_len, prev_furniture, prev_ends) = prev;
        let join = !prev_blank
            && !out.is_empty()
            && !furniture
            && !prev_furniture
            && ((starts_lower && prev_len >= 40 && !prev_ends)
                || (wrapped && !indented && prev_len >= 50));
        prev = (len, furniture, ends_sentence(&l));
        if join {
            let u = out.last_mut().expect("checked");
            u.text.push(' ');
            u.text.push_str(&l);
            u.rule = None;
        } else {
            out.push(Unit {
                line,
                text: l,
                rule: Some(rule),
            });
        }
        prev_blank = false;
    }
    out
}

fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

fn is_byline(s: &str) -> bool {
    let lower = s.to_lowercase();
    lower.starts_with("by ")
        && word_count(s) <= 14
        && !ends_sentence(s.trim_end_matches(|c: char| c.is_ascii_digit()))
}

/// A short line naming the outlet: 1-3 words, no sentence punctuation.
fn is_outlet_line(s: &str) -> bool {
    let n = word_count(s);
    (1..=3).contains(&n)
        && !ends_sentence(s)
        && s.chars().next().is_some_and(|c| c.is_uppercase())
        && parse_date(s, None).is_none()
        && !s.contains(',')
}

/// `EghtesadOnline: U.S. Secretary ...`: a one-word outlet (CamelCase or with an
/// outlet-like suffix) before a colon at the start of the lead.
fn lead_outlet(p: &str) -> Option<(String, usize)> {
    let (head, rest) = p.split_once(": ")?;
    if head.is_empty()
        || head.contains(' ')
        || head.len() > 30
        || rest.trim().is_empty()
        || !head.chars().next()?.is_uppercase()
    {
        return None;
    }
    let camel =
        head.chars().skip(1).any(|c| c.is_uppercase()) && head.chars().any(|c| c.is_lowercase());
    let suffix = [
        "Online", "News", "Times", "Post", "Press", "Daily", "TV", "Agency", "Today", "Wire",
    ]
    .iter()
    .any(|s| head.ends_with(s) && head.len() > s.len());
    (camel || suffix).then(|| (head.to_string(), head.len() + 2))
}

fn join_authors(authors: &[String]) -> Option<String> {
    match authors {
        [] => None,
        [a] => Some(a.clone()),
        [init @ .., last] => Some(format!("{} and {}", init.join(", "), last)),
    }
}

/// Parses a plain-text article into `doc`.
pub fn parse(doc: &mut Document, text: &str) {
    let units = units(text);
    let mut removed = vec![false; units.len()];
    let mut consumed = vec![false; units.len()];
    let mut credit_outlet = None;

    // 1. Boilerplate and duplicate lines.
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, u) in units.iter().enumerate() {
        let rule = match u.rule {
            Some(r) => r,
            None => common::boilerplate_rule(&u.text),
        };
        if let Some(rule) = rule {
            removed[i] = true;
            if rule == "boilerplate:credit" {
                credit_outlet = credit_outlet.or_else(|| common::credit_outlet(&u.text));
            }
            doc.diagnostics.push(info(
                rule,
                format!(
                    "removed {}: {}",
                    rule.trim_start_matches("boilerplate:"),
                    common::snippet(&u.text, 80)
                ),
                Some(u.line),
            ));
        }
        if word_count(&u.text) >= 4 {
            let key = copydesk_text::normalize(&u.text);
            match seen.get(&key) {
                Some(&first) if !removed[i] => {
                    removed[i] = true;
                    let code = if removed[first] {
                        "boilerplate:duplicate"
                    } else {
                        "boilerplate:duplicate-line"
                    };
                    doc.diagnostics.push(info(
                        code,
                        format!(
                            "removed a repeat of line {}: {}",
                            units[first].line,
                            common::snippet(&u.text, 80)
                        ),
                        Some(u.line),
                    ));
                }
                Some(_) => {}
                None => {
                    seen.insert(key, i);
                }
            }
        }
    }

    // 2. Header.
    let mut title_idx = None;
    let mut outlet: Option<String> = None;
    let mut body_seen = false;
    let mut dateline: Option<String> = None;
    let mut examined = 0;
    for i in 0..units.len() {
        if removed[i] {
            continue;
        }
        examined += 1;
        if examined > 10 {
            break;
        }
        let t = units[i].text.as_str();
        let line = units[i].line;
        if let Some(v) = parse_date(t, None) {
            if doc.published.is_none() {
                doc.published = Some(date_value(v, t, "header-line"));
                consumed[i] = true;
                continue;
            }
        }
        if is_byline(t) {
            let names = &t[3..];
            let names = match find_date(names, None) {
                Some((s, e, v)) => {
                    if doc.published.is_none() {
                        doc.published = Some(date_value(v, &names[s..e], "byline"));
                    }
                    names[..s].trim_end_matches(|c: char| {
                        c == ',' || c == '|' || c == '-' || c.is_whitespace()
                    })
                }
                None => names,
            };
            let b = common::parse_byline(names);
            if doc.authors.is_empty() {
                doc.byline = join_authors(&b.authors);
                doc.authors = b.authors;
            }
            if outlet.is_none() {
                outlet = b.outlet;
            }
            consumed[i] = true;
            let _ = line;
            continue;
        }
        let lower = t.to_lowercase();
        let labelled = [
            "updated",
            "published",
            "posted",
            "last modified",
            "first published",
        ]
        .iter()
        .find_map(|k| lower.find(k).map(|at| (at, *k)));
        if let Some((at, key)) = labelled {
            if word_count(t) <= 16 {
                if let Some((s, e, v)) = find_date(&t[at..], None) {
                    let raw = &t[at + s..at + e];
                    let slot = if key == "updated" || key == "last modified" {
                        &mut doc.updated
                    } else {
                        &mut doc.published
                    };
                    if slot.is_none() {
                        *slot = Some(date_value(v, raw, "header-line"));
                    }
                    let place = t[..at].trim().trim_end_matches(['|', '-', ',', ':']).trim();
                    if !place.is_empty()
                        && word_count(place) <= 3
                        && place.chars().next().is_some_and(|c| c.is_uppercase())
                        && dateline.is_none()
                    {
                        dateline = Some(place.to_string());
                    }
                    consumed[i] = true;
                    continue;
                }
            }
        }
        if title_idx.is_none() {
            if word_count(t) <= 40 {
                title_idx = Some(i);
                consumed[i] = true;
            }
            continue;
        }
        if !body_seen && outlet.is_none() && is_outlet_line(t) {
            outlet = Some(t.to_string());
            consumed[i] = true;
            continue;
        }
        if word_count(t) >= 12 {
            body_seen = true;
        }
    }
    if let Some(ti) = title_idx {
        doc.title = Some(units[ti].text.clone());
        // A repeat of the headline was removed as a duplicate: say so precisely.
        let key = copydesk_text::normalize(&units[ti].text);
        // The first duplicate diagnostic of each line (one map, not a scan
        // of every diagnostic for every repeat of the headline).
        let mut dup_at: HashMap<u64, usize> = HashMap::new();
        for (k, d) in doc.diagnostics.iter().enumerate() {
            if let Some(line) = d.line {
                if d.code.starts_with("boilerplate:duplicate") {
                    dup_at.entry(line).or_insert(k);
                }
            }
        }
        for (j, u) in units.iter().enumerate() {
            if j != ti && removed[j] && copydesk_text::normalize(&u.text) == key {
                if let Some(d) = dup_at.get(&u.line).map(|&k| &mut doc.diagnostics[k]) {
                    d.code = "boilerplate:duplicate-headline".into();
                    d.message = format!(
                        "removed a repeat of the headline: {}",
                        common::snippet(&u.text, 80)
                    );
                }
            }
        }
    }

    // 3. Body, lead outlet, dateline.
    let mut paragraphs: Vec<String> = units
        .iter()
        .enumerate()
        .filter(|(i, _)| !removed[*i] && !consumed[*i])
        .map(|(_, u)| u.text.clone())
        .collect();
    let body_lines: Vec<u64> = units
        .iter()
        .enumerate()
        .filter(|(i, _)| !removed[*i] && !consumed[*i])
        .map(|(_, u)| u.line)
        .collect();
    if let Some(first) = paragraphs.first_mut() {
        if let Some((name, cut)) = lead_outlet(first) {
            doc.diagnostics.push(info(
                "lead:outlet",
                format!("removed the outlet name `{name}:` opening the first paragraph"),
                body_lines.first().copied(),
            ));
            *first = first[cut..].trim_start().to_string();
            outlet = outlet.or(Some(name));
        }
    }
    let all_text: Vec<String> = units.iter().map(|u| u.text.clone()).collect();
    for (k, p) in paragraphs.iter_mut().enumerate().take(3) {
        if let Some(d) = common::find_dateline(p) {
            let line = body_lines.get(k).copied();
            if doc.published.is_none() {
                if let Some((v, raw, inferred)) =
                    common::dateline_date(&d.text, common::context_year(&all_text))
                {
                    let method = if inferred {
                        "dateline, year inferred from dates in the text"
                    } else {
                        "dateline"
                    };
                    doc.published = Some(date_value(v, &raw, method));
                }
            }
            if outlet.is_none() {
                outlet = d.agency.clone();
            }
            doc.diagnostics.push(info(
                "dateline",
                format!("moved the dateline `{}` out of the body", d.text),
                line,
            ));
            *p = p[d.body_start..].to_string();
            dateline = Some(d.text);
            break;
        }
    }
    doc.outlet = outlet.or(credit_outlet);
    doc.dateline = dateline;
    doc.kind = DocKind::Article;
    common::set_body(doc, &paragraphs);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hard_wrapped_paragraphs_are_joined() {
        let text = "Headline here\n\nThe first paragraph is wrapped at about seventy characters as\nold wire copy often is, and goes on for a few lines before it\nends with a full stop.\n\nThe second paragraph is also wrapped at seventy characters or so\nand ends here.\n";
        let u = units(text);
        assert_eq!(u.len(), 3);
        assert!(u[1].text.ends_with("ends with a full stop."));
        assert_eq!(u[2].line, 7);
    }

    #[test]
    fn lead_outlets() {
        assert_eq!(
            lead_outlet("EghtesadOnline: U.S. Secretary of State"),
            Some(("EghtesadOnline".into(), 16))
        );
        assert_eq!(lead_outlet("Washington: The U.S. said"), None);
        assert_eq!(lead_outlet("He said: no"), None);
    }
}
