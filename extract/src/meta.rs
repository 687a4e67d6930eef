//! Metadata: `<title>`, `<meta>`, JSON-LD, canonical link, language, dates,
//! bylines.

use crate::dom::{tag, Data, Dom, NONE};
use crate::text::clean;
use crate::RawDate;
use serde_json::Value;

/// Metadata found in a page.
#[derive(Debug, Default, Clone)]
pub struct Meta {
    pub title: Option<String>,
    pub authors: Vec<String>,
    pub published: Option<RawDate>,
    pub modified: Option<RawDate>,
    pub site_name: Option<String>,
    pub url: Option<String>,
    pub language: Option<String>,
    /// JSON-LD `articleBody`, when present.
    pub ld_body: Option<String>,
}

#[derive(Default)]
struct Ld {
    headline: Option<String>,
    authors: Vec<String>,
    published: Option<String>,
    modified: Option<String>,
    publisher: Option<String>,
    url: Option<String>,
    language: Option<String>,
    body: Option<String>,
}

fn set(slot: &mut Option<String>, v: &str) {
    if slot.is_none() {
        let v = clean(v);
        if !v.is_empty() {
            *slot = Some(v);
        }
    }
}

fn set_date(slot: &mut Option<RawDate>, v: &str, method: &str) {
    if slot.is_none() {
        let v = clean(v);
        if !v.is_empty() && v.chars().any(|c| c.is_ascii_digit()) {
            *slot = Some(RawDate {
                raw: v,
                method: method.to_string(),
            });
        }
    }
}

const ARTICLE_TYPES: &[&str] = &[
    "NewsArticle",
    "Article",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "ReviewNewsArticle",
    "BackgroundNewsArticle",
    "BlogPosting",
    "LiveBlogPosting",
    "Report",
    "TechArticle",
    "ScholarlyArticle",
    "SocialMediaPosting",
];

fn type_rank(v: &Value) -> Option<u8> {
    let t = v.get("@type")?;
    let mut best: Option<u8> = None;
    let mut consider = |s: &str| {
        let s = s.rsplit('/').next().unwrap_or(s);
        let r = if ARTICLE_TYPES.contains(&s) {
            Some(0)
        } else if s == "WebPage" || s == "ItemPage" {
            Some(1)
        } else {
            None
        };
        if let Some(r) = r {
            best = Some(best.map_or(r, |b: u8| b.min(r)));
        }
    };
    match t {
        Value::String(s) => consider(s),
        Value::Array(a) => a.iter().filter_map(|x| x.as_str()).for_each(&mut consider),
        _ => {}
    }
    best
}

/// A string from a value that may be a string, an object with `name` /
/// `@value` / `@id`, or an array of those.
fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Object(o) => o.get("name").or_else(|| o.get("@value")).and_then(text_of),
        Value::Array(a) => a.iter().find_map(text_of),
        _ => None,
    }
}

fn names_of(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Object(o) => {
            let is_org = o
                .get("@type")
                .and_then(|t| t.as_str())
                .is_some_and(|t| t.contains("Organization") || t == "NewsMediaOrganization");
            if !is_org {
                if let Some(n) = o.get("name") {
                    names_of(n, out);
                } else if let (Some(g), Some(f)) = (o.get("givenName"), o.get("familyName")) {
                    if let (Some(g), Some(f)) = (g.as_str(), f.as_str()) {
                        out.push(format!("{g} {f}"));
                    }
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| names_of(x, out)),
        _ => {}
    }
}

fn url_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if s.starts_with("http") => Some(s.clone()),
        Value::Object(o) => o.get("@id").or_else(|| o.get("url")).and_then(url_of),
        Value::Array(a) => a.iter().find_map(url_of),
        _ => None,
    }
}

/// Collects all objects (top level, arrays, `@graph`) without recursion
/// beyond serde_json's own bounded depth.
fn objects(v: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    let mut stack = vec![v];
    while let Some(x) = stack.pop() {
        match x {
            Value::Array(a) => stack.extend(a.iter().rev()),
            Value::Object(o) => {
                out.push(x);
                if let Some(g) = o.get("@graph") {
                    stack.push(g);
                }
                if let Some(m) = o.get("mainEntity") {
                    if m.is_object() {
                        stack.push(m);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn parse_ld(raw: &str, ld: &mut Ld) {
    let s = raw.trim();
    let s = s.strip_prefix("<!--").unwrap_or(s);
    let s = s.strip_suffix("-->").unwrap_or(s);
    let s = s
        .trim()
        .trim_start_matches("//<![CDATA[")
        .trim_end_matches("//]]>")
        .trim();
    let v: Value = match serde_json::from_str(s) {
        Ok(v) => v,
        Err(_) => {
            // Common breakage: raw newlines inside strings.
            let fixed: String = s
                .chars()
                .map(|c| {
                    if c == '\n' || c == '\r' || c == '\t' {
                        ' '
                    } else {
                        c
                    }
                })
                .collect();
            match serde_json::from_str(&fixed) {
                Ok(v) => v,
                Err(_) => return,
            }
        }
    };
    let objs = objects(&v);
    let mut ranked: Vec<(u8, &Value)> = objs
        .iter()
        .filter_map(|o| type_rank(o).map(|r| (r, *o)))
        .collect();
    ranked.sort_by_key(|(r, _)| *r);
    for (_, o) in ranked {
        if let Some(h) = o.get("headline").and_then(text_of) {
            set(&mut ld.headline, &h);
        }
        if ld.authors.is_empty() {
            if let Some(a) = o.get("author").or_else(|| o.get("creator")) {
                names_of(a, &mut ld.authors);
            }
        }
        if let Some(d) = o
            .get("datePublished")
            .or_else(|| o.get("dateCreated"))
            .and_then(text_of)
        {
            set(&mut ld.published, &d);
        }
        if let Some(d) = o.get("dateModified").and_then(text_of) {
            set(&mut ld.modified, &d);
        }
        if let Some(p) = o.get("publisher").and_then(text_of) {
            set(&mut ld.publisher, &p);
        }
        if let Some(u) = o
            .get("url")
            .and_then(url_of)
            .or_else(|| o.get("mainEntityOfPage").and_then(url_of))
        {
            set(&mut ld.url, &u);
        }
        if let Some(l) = o.get("inLanguage").and_then(text_of) {
            set(&mut ld.language, &l);
        }
        if ld.body.is_none() {
            if let Some(b) = o.get("articleBody").and_then(|b| b.as_str()) {
                if !b.trim().is_empty() {
                    ld.body = Some(b.to_string());
                }
            }
        }
    }
    if ld.publisher.is_none() {
        for o in &objs {
            let t = o.get("@type").and_then(|t| t.as_str()).unwrap_or("");
            if t == "WebSite" || t.contains("Organization") {
                if let Some(n) = o.get("name").and_then(text_of) {
                    set(&mut ld.publisher, &n);
                }
            }
        }
    }
}

/// Words that mark a "name" as not a person.
const NOT_PERSON: &[&str] = &[
    "staff",
    "afp",
    "reuters",
    "associated press",
    "ap",
    "news",
    "desk",
    "team",
    "editor",
    "editors",
    "editorial",
    "agency",
    "agencies",
    "wire",
    "service",
    "media",
    "press",
    "correspondent",
    "contributor",
    "contributors",
    "bureau",
    "online",
    "newsroom",
    "admin",
    "administrator",
    "guest",
    "getty",
    "images",
    "photo",
    "photos",
    "photograph",
    "image",
    "shutterstock",
    "pti",
    "ians",
    "ani",
    "bloomberg",
    "times",
    "post",
    "daily",
    "channel",
    "reporter",
    "reporters",
    "writer",
    "group",
    "inc",
    "ltd",
    "llc",
    "company",
    "magazine",
    "journal",
    "tribune",
    "herald",
    "gazette",
    "network",
    "tv",
    "radio",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "september",
    "october",
    "november",
    "december",
    "updated",
    "published",
    "ago",
    "unknown",
    "anonymous",
    "various",
    "sources",
    "source",
];

/// Cleans a candidate author name; `None` when it is not a person's name.
pub fn clean_author(raw: &str, site: Option<&str>) -> Option<String> {
    let mut s = clean(raw);
    if s.is_empty()
        || s.len() > 80
        || s.contains('@')
        || s.contains("://")
        || s.contains('/') && s.contains('.')
    {
        return None;
    }
    for p in [
        "By ",
        "by ",
        "BY ",
        "Written by ",
        "Posted by ",
        "Author: ",
        "Words by ",
    ] {
        if let Some(r) = s.strip_prefix(p) {
            s = r.trim().to_string();
        }
    }
    // "Analysis by X", "Opinion by X", "Story by X": one word before " by ".
    if let Some(k) = s.find(" by ").or_else(|| s.find(" By ")) {
        if !s[..k].contains(' ') {
            s = s[k + 4..].trim().to_string();
        }
    }
    let s = s
        .trim_matches(|c: char| c == ',' || c == '|' || c == '-' || c == ':' || c.is_whitespace())
        .to_string();
    if s.chars().any(|c| c.is_ascii_digit()) || s.contains('|') {
        return None;
    }
    let lower = s.to_lowercase();
    if let Some(site) = site {
        let sl = site.to_lowercase();
        if !sl.is_empty() && (lower.contains(&sl) || sl.contains(&lower)) {
            return None;
        }
    }
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if words.iter().any(|w| NOT_PERSON.contains(w)) {
        return None;
    }
    let n_words = s.split_whitespace().count();
    let ascii = s.is_ascii();
    if ascii {
        if !(2..=5).contains(&n_words) {
            return None;
        }
        // Person names are capitalised words (particles allowed).
        let caps = s
            .split_whitespace()
            .filter(|w| w.chars().next().is_some_and(|c| c.is_uppercase()))
            .count();
        if caps * 2 < n_words + 1 {
            return None;
        }
    } else if n_words > 5 || s.chars().count() < 2 {
        return None;
    } else if n_words < 2 && !s.chars().any(is_spaceless_script) {
        // Scripts written with spaces need a given name and a family name.
        return None;
    }
    if s.split_whitespace()
        .next()
        .is_some_and(|w| w.eq_ignore_ascii_case("the"))
    {
        return None;
    }
    // "LISA MASCARO" -> "Lisa Mascaro".
    if s.chars().any(|c| c.is_alphabetic()) && !s.chars().any(|c| c.is_lowercase()) {
        return Some(title_case(&s));
    }
    Some(s)
}

/// Scripts whose names are written without spaces (CJK, kana, Hangul, Thai).
fn is_spaceless_script(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0x0E00..=0x0E7F | 0xF900..=0xFAFF)
}

fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = !c.is_alphabetic() && c != '\'';
    }
    out
}

/// A site name that is really a URL or handle is dropped.
fn clean_site(s: String) -> Option<String> {
    let t = s.trim_start_matches(['/', '@']).to_string();
    if t.is_empty() || t.contains("://") || t.starts_with("www.") {
        None
    } else {
        Some(t)
    }
}

/// Removes the site name from a title: "Headline | Site", "Site - Headline".
fn strip_known_site(title: String, site: Option<&str>) -> String {
    let Some(site) = site else { return title };
    let lt = title.to_lowercase();
    let ls = site.to_lowercase();
    if lt.len() != title.len() || ls.len() != site.len() {
        return title; // case mapping changed byte lengths: leave as is
    }
    for sep in [" | ", " - ", " – ", " — ", " :: ", " : "] {
        let suffix = format!("{sep}{ls}");
        if lt.len() > suffix.len() + 5 && lt.ends_with(&suffix) {
            return title[..title.len() - suffix.len()].trim().to_string();
        }
        let prefix = format!("{ls}{sep}");
        if lt.len() > prefix.len() + 5 && lt.starts_with(&prefix) {
            return title[prefix.len()..].trim().to_string();
        }
    }
    title
}

/// Splits "A and B", "A, B & C" into names.
fn split_names(s: &str) -> Vec<String> {
    let s = s
        .replace(" and ", ",")
        .replace(" & ", ",")
        .replace(" And ", ",")
        .replace(';', ",");
    s.split(',')
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

fn add_authors(out: &mut Vec<String>, cands: &[String], site: Option<&str>) {
    for c in cands {
        for n in split_names(c) {
            if let Some(a) = clean_author(&n, site) {
                if !out.iter().any(|x| x.eq_ignore_ascii_case(&a)) {
                    out.push(a);
                }
            }
        }
    }
}

fn clean_lang(l: &str) -> Option<String> {
    let p = l.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    if (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()) {
        Some(p)
    } else {
        None
    }
}

fn class_id(e: &crate::dom::Element) -> String {
    let mut s = String::new();
    if let Some(c) = e.attr("class") {
        s.push_str(c);
    }
    s.push(' ');
    if let Some(c) = e.attr("id") {
        s.push_str(c);
    }
    s.to_ascii_lowercase()
}

/// Reads the metadata of a parsed page.
pub fn extract_meta(dom: &Dom) -> Meta {
    let mut m = Meta::default();
    let mut ld = Ld::default();
    let mut doc_title: Option<String> = None;
    let (mut og_title, mut tw_title, mut og_site, mut og_url, mut meta_lang) =
        (None, None, None, None, None);
    let mut h1: Option<String> = None;
    let mut meta_authors: Vec<String> = Vec::new();
    let mut byline_authors: Vec<String> = Vec::new();
    let (mut pub_meta, mut mod_meta, mut pub_time, mut pub_item, mut mod_item) = (
        None::<RawDate>,
        None::<RawDate>,
        None::<RawDate>,
        None::<RawDate>,
        None::<RawDate>,
    );
    let mut in_svg_until = 0u32;
    let nodes = &dom.nodes;
    for i in 0..nodes.len() as u32 {
        let Data::Element(e) = &nodes[i as usize].data else {
            continue;
        };
        if i <= in_svg_until && in_svg_until != 0 {
            continue;
        }
        match e.tag {
            tag::SVG => {
                in_svg_until = dom.last_descendant(i);
            }
            tag::HTML => {
                if m.language.is_none() {
                    m.language = e.attr("lang").or(e.attr("xml:lang")).and_then(clean_lang);
                }
            }
            tag::TITLE => {
                if doc_title.is_none() {
                    let t = clean(&dom.raw_text(i));
                    if !t.is_empty() {
                        doc_title = Some(t);
                    }
                }
            }
            tag::H1 => {
                if h1.is_none() {
                    let t = clean(&dom.bounded_text(i, 2000, 2000));
                    if t.len() > 10 {
                        h1 = Some(t);
                    }
                }
            }
            tag::META => {
                let key = e
                    .attr("property")
                    .or(e.attr("name"))
                    .or(e.attr("itemprop"))
                    .or(e.attr("http-equiv"))
                    .unwrap_or("")
                    .to_ascii_lowercase();
                let Some(content) = e.attr("content").or(e.attr("value")) else {
                    continue;
                };
                let itemprop = e.attr("itemprop").is_some();
                match key.as_str() {
                    "og:title" => set(&mut og_title, content),
                    "twitter:title" => set(&mut tw_title, content),
                    "og:site_name" | "application-name" | "twitter:site"
                        if !content.starts_with('@') =>
                    {
                        set(&mut og_site, content)
                    }
                    "og:site_name" | "application-name" => {}
                    "og:url" => set(&mut og_url, content),
                    "content-language" | "og:locale" | "language" | "dc.language" => {
                        set(&mut meta_lang, content)
                    }
                    "author" | "article:author" | "dc.creator" | "byl" | "sailthru.author"
                    | "parsely-author" | "dcterms.creator" | "twitter:creator"
                        if !content.starts_with("http") && !content.starts_with('@') =>
                    {
                        meta_authors.push(content.to_string());
                    }
                    "article:published_time"
                    | "og:published_time"
                    | "published_time"
                    | "article:published"
                    | "pubdate"
                    | "publishdate"
                    | "publish-date"
                    | "date"
                    | "dc.date"
                    | "dc.date.issued"
                    | "dcterms.created"
                    | "dcterms.date"
                    | "sailthru.date"
                    | "parsely-pub-date"
                    | "article.published"
                    | "originalpublicationdate"
                    | "datepublished"
                    | "date.available" => {
                        let method = if itemprop {
                            "itemprop:datePublished".to_string()
                        } else {
                            format!("meta:{key}")
                        };
                        set_date(&mut pub_meta, content, &method)
                    }
                    "article:modified_time"
                    | "og:updated_time"
                    | "modified_time"
                    | "article:modified"
                    | "dcterms.modified"
                    | "last-modified"
                    | "datemodified"
                    | "article.updated"
                    | "lastmod" => {
                        let method = if itemprop {
                            "itemprop:dateModified".to_string()
                        } else {
                            format!("meta:{key}")
                        };
                        set_date(&mut mod_meta, content, &method)
                    }
                    _ => {}
                }
            }
            tag::LINK => {
                let rel = e.attr("rel").unwrap_or("").to_ascii_lowercase();
                if rel.split_whitespace().any(|r| r == "canonical") {
                    if let Some(h) = e.attr("href") {
                        set(&mut m.url, h);
                    }
                }
            }
            tag::SCRIPT => {
                let ty = e.attr("type").unwrap_or("").to_ascii_lowercase();
                if ty.contains("ld+json") {
                    let c = nodes[i as usize].first_child;
                    if c != NONE {
                        if let Data::Text(t) = &nodes[c as usize].data {
                            parse_ld(t, &mut ld);
                        }
                    }
                }
            }
            tag::TIME => {
                let dt = e.attr("datetime").or(e.attr("content"));
                if let Some(dt) = dt {
                    match e.attr("itemprop").unwrap_or("") {
                        "dateModified" => set_date(&mut mod_item, dt, "itemprop:dateModified"),
                        "datePublished" => set_date(&mut pub_item, dt, "itemprop:datePublished"),
                        _ => set_date(&mut pub_time, dt, "time[datetime]"),
                    }
                }
            }
            _ => {
                // Bylines: itemprop=author, rel=author, class byline/author.
                let ip = e.attr("itemprop").unwrap_or("");
                let rel = e.attr("rel").unwrap_or("");
                if (ip == "author" || ip == "creator") && byline_authors.len() < 8 {
                    // Prefer a nested itemprop=name.
                    let end = dom.last_descendant(i);
                    let mut got = false;
                    for j in (i + 1..=end).take(200) {
                        if let Some(ej) = dom.elem(j) {
                            if ej.attr("itemprop") == Some("name") {
                                let t = ej
                                    .attr("content")
                                    .map(|s| s.to_string())
                                    .unwrap_or_else(|| dom.bounded_text(j, 2000, 2000));
                                byline_authors.push(t);
                                got = true;
                                break;
                            }
                        }
                    }
                    if !got {
                        let t = e
                            .attr("content")
                            .map(|s| s.to_string())
                            .unwrap_or_else(|| dom.bounded_text(i, 2000, 2000));
                        byline_authors.push(t);
                    }
                } else if rel == "author" && e.tag == tag::A && byline_authors.len() < 8 {
                    byline_authors.push(dom.bounded_text(i, 2000, 2000));
                } else if byline_authors.is_empty() && e.tag != tag::BODY && e.tag != tag::ARTICLE {
                    let ci = class_id(e);
                    if (ci.contains("byline")
                        || ci.contains("author-name")
                        || ci.contains("authorname"))
                        && dom.last_descendant(i) - i < 40
                    {
                        // Links inside a byline are usually the names.
                        let end = dom.last_descendant(i);
                        let links: Vec<String> = (i + 1..=end)
                            .filter(|&j| {
                                dom.elem(j).is_some_and(|a| {
                                    a.tag == tag::A && {
                                        let h = a.attr("href").unwrap_or("").to_ascii_lowercase();
                                        a.attr("rel") == Some("author")
                                            || [
                                                "author",
                                                "autor",
                                                "profile",
                                                "people",
                                                "staff",
                                                "writer",
                                                "contributor",
                                                "byline",
                                                "journalist",
                                            ]
                                            .iter()
                                            .any(|k| h.contains(k))
                                    }
                                })
                            })
                            .map(|j| clean(&dom.bounded_text(j, 2000, 2000)))
                            .filter(|t| !t.is_empty())
                            .collect();
                        if !links.is_empty() {
                            byline_authors.extend(links);
                        } else {
                            let t = clean(&spaced_text(dom, i));
                            if t.len() < 120 {
                                byline_authors.push(t);
                            }
                        }
                    }
                }
            }
        }
    }
    // Title: page metadata first (it is the headline without the site
    // suffix), then the first large heading, then <title>.
    m.title = og_title
        .or(ld.headline.clone())
        .or(tw_title)
        .or(h1)
        .or(doc_title.map(|t| strip_site_suffix(&t)));
    m.site_name = og_site
        .and_then(clean_site)
        .or(ld.publisher.clone().and_then(clean_site));
    let site = m.site_name.clone();
    m.title = m.title.map(|t| strip_known_site(t, site.as_deref()));
    add_authors(&mut m.authors, &ld.authors, site.as_deref());
    if m.authors.is_empty() {
        add_authors(&mut m.authors, &meta_authors, site.as_deref());
    }
    if m.authors.is_empty() {
        add_authors(&mut m.authors, &byline_authors, site.as_deref());
    }
    m.published = pub_meta
        .or(ld.published.map(|raw| RawDate {
            raw,
            method: "json-ld".into(),
        }))
        .or(pub_item)
        .or(pub_time);
    m.modified = mod_meta
        .or(ld.modified.map(|raw| RawDate {
            raw,
            method: "json-ld".into(),
        }))
        .or(mod_item);
    if m.url.is_none() {
        m.url = og_url.or(ld.url);
    }
    if m.language.is_none() {
        m.language = meta_lang.or(ld.language).and_then(|l| clean_lang(&l));
    }
    m.ld_body = ld.body;
    m
}

/// Text of a subtree with a space between text nodes.
fn spaced_text(dom: &Dom, i: u32) -> String {
    let mut s = String::new();
    for j in i..=dom.last_descendant(i) {
        if let Data::Text(t) = &dom.nodes[j as usize].data {
            s.push_str(t);
            s.push(' ');
        }
    }
    s
}

fn strip_site_suffix(t: &str) -> String {
    for sep in [" | ", " - ", " – ", " — ", " :: "] {
        if let Some(k) = t.rfind(sep) {
            if k > t.len() / 3 {
                return t[..k].trim().to_string();
            }
        }
    }
    t.to_string()
}
