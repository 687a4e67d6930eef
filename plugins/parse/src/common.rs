//! Pieces every format shares: the body assembler, bylines, datelines,
//! boilerplate line rules, whitespace clean-up.

use copydesk_core::{DateValue, Diagnostic, Document, Span};
use copydesk_text::sentences::split_sentences;

use crate::dates::{find_date, parse_date};

pub const STAGE: &str = "parse";

/// Collapses runs of white space (including no-break spaces) to one space and trims.
pub fn collapse_ws(s: &str) -> String {
    let space = |c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{200b}' || c == '\u{feff}';
    // most lines need nothing: single ASCII spaces between words
    let b = s.as_bytes();
    let clean = b.first().is_some_and(|&c| c != b' ')
        && b.last().is_some_and(|&c| c != b' ')
        && !b.windows(2).any(|w| w == b"  ")
        && if s.is_ascii() {
            !b.iter()
                .any(|&c| c != b' ' && (c.is_ascii_whitespace() || c == 0x0b))
        } else {
            !s.chars().any(|c| c != ' ' && space(c))
        };
    if clean {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    for w in s.split(space) {
        if w.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Fills `text` and `paragraphs` from clean paragraphs (sentences are
/// [`set_sentences`]' job, done once for every format).
pub fn set_body(doc: &mut Document, paragraphs: &[String]) {
    let mut text = String::with_capacity(paragraphs.iter().map(|p| p.len() + 2).sum());
    let mut spans = Vec::with_capacity(paragraphs.len());
    for p in paragraphs {
        let p = p.trim();
        if p.is_empty() {
            continue;
        }
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        let start = text.len();
        text.push_str(p);
        spans.push(Span::new(start, text.len()));
    }
    doc.text = text;
    doc.paragraphs = spans;
    doc.sentences = Vec::new();
}

/// Fills `sentences` from `paragraphs`: each paragraph segmented alone.
pub fn set_sentences(doc: &mut Document) {
    let mut sentences = Vec::new();
    for p in &doc.paragraphs {
        for (s, e) in split_sentences(&doc.text[p.start..p.end]) {
            sentences.push(Span::new(p.start + s, p.start + e));
        }
    }
    doc.sentences = sentences;
}

pub fn date_value(value: String, raw: &str, method: &str) -> DateValue {
    DateValue::new(value, raw.trim(), method)
}

/// Words in a byline that mark a credit, not a person (`WorldTribune Staff`).
const CREDIT_WORDS: &[&str] = &[
    "staff",
    "staff writer",
    "staff writers",
    "staff reporter",
    "reporter",
    "reporters",
    "correspondent",
    "correspondents",
    "desk",
    "news desk",
    "bureau",
    "wire",
    "wires",
    "news service",
    "news agency",
    "agencies",
    "team",
    "editors",
    "editorial board",
    "online",
    "web desk",
    "news",
];

/// A parsed byline: person names, and an outlet when the byline was a credit.
#[derive(Debug, Default, PartialEq)]
pub struct Byline {
    pub authors: Vec<String>,
    pub outlet: Option<String>,
}

fn title_case_word(w: &str) -> String {
    // DENNIS -> Dennis, McDONALD stays, O'BRIEN -> O'Brien.
    let mut out = String::new();
    let mut upper_next = true;
    for c in w.chars() {
        if upper_next {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        upper_next = !c.is_alphanumeric();
    }
    out
}

/// True when `name` looks like a person's name: 2 to 5 capitalised words.
fn looks_like_person(name: &str) -> bool {
    let words: Vec<&str> = name.split_whitespace().collect();
    (2..=5).contains(&words.len())
        && words.iter().all(|w| {
            w.chars().next().is_some_and(|c| c.is_uppercase())
                || matches!(
                    *w,
                    "de" | "van" | "von" | "al" | "bin" | "da" | "del" | "la" | "le"
                )
        })
        && !name.chars().any(|c| c.is_ascii_digit())
}

/// Parses the names of a byline (without the `By`): `Doug G. Ware`,
/// `DENNIS BERNSTEIN AND LESLIE KEAN`, `WorldTribune Staff`.
pub fn parse_byline(names: &str) -> Byline {
    let mut out = Byline::default();
    let names = collapse_ws(names);
    let all_caps =
        names.chars().any(|c| c.is_alphabetic()) && !names.chars().any(|c| c.is_lowercase());
    let mut parts = Vec::new();
    for chunk in names.split([',', ';', '&']) {
        for p in split_words_ci(chunk, "and") {
            let p = p.trim().trim_end_matches('.').trim();
            if !p.is_empty() {
                parts.push(p.to_string());
            }
        }
    }
    for p in parts {
        let lower = p.to_lowercase();
        if let Some(credit) = CREDIT_WORDS
            .iter()
            .find(|c| lower.ends_with(&format!(" {c}")) || lower == **c)
        {
            let who = p[..p.len() - credit.len()].trim();
            if !who.is_empty() && out.outlet.is_none() {
                out.outlet = Some(who.to_string());
            }
            continue;
        }
        let name = if all_caps {
            p.split_whitespace()
                .map(title_case_word)
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            p.clone()
        };
        if looks_like_person(&name) {
            out.authors.push(name);
        }
    }
    out
}

fn split_words_ci<'a>(s: &'a str, word: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut start = 0;
    let lower = s.to_ascii_lowercase();
    let pat = format!(" {word} ");
    let mut from = 0;
    while let Some(i) = lower[from..].find(&pat) {
        let at = from + i;
        out.push(&s[start..at]);
        start = at + pat.len();
        from = start;
    }
    out.push(&s[start..]);
    out
}

/// A dateline found at the start of a paragraph.
#[derive(Debug, PartialEq)]
pub struct Dateline {
    /// The dateline as written, without the dash (`NEW YORK, Sept. 30 (UPI)`).
    pub text: String,
    /// Agency in parentheses (`UPI`), if any.
    pub agency: Option<String>,
    /// Byte offset of the body after the dash.
    pub body_start: usize,
}

/// Detects a wire dateline: an upper-case place, optionally a date and
/// `(AGENCY)`, then ` -- `, ` — `, ` – ` or ` _ `.
pub fn find_dateline(para: &str) -> Option<Dateline> {
    let head_len = para.char_indices().nth(90).map_or(para.len(), |x| x.0);
    let head = &para[..head_len];
    let (sep_at, sep_len) = [" -- ", " — ", " – ", " _ ", " - "]
        .iter()
        .filter_map(|sep| head.find(sep).map(|i| (i, sep.len())))
        .min()?;
    let prefix = para[..sep_at].trim();
    // First word all upper case (at least two letters): NEW, WASHINGTON, BRUSSELS.
    let first = prefix.split([' ', ',']).next()?;
    let letters: Vec<char> = first.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() < 2 || letters.iter().any(|c| c.is_lowercase()) {
        return None;
    }
    if prefix.contains(". ") && !prefix.split(". ").all(|p| p.len() <= 12 || p.contains(',')) {
        return None;
    }
    if prefix.split_whitespace().count() > 10 || prefix.contains('"') || prefix.contains('“') {
        return None;
    }
    let agency = prefix.rfind('(').and_then(|o| {
        let close = prefix[o..].find(')')? + o;
        let a = prefix[o + 1..close].trim();
        (!a.is_empty() && a.len() <= 20 && a.chars().next()?.is_uppercase()).then(|| a.to_string())
    });
    let body = para[sep_at + sep_len..].trim_start();
    if body.is_empty() {
        return None;
    }
    Some(Dateline {
        text: prefix.to_string(),
        agency,
        body_start: para.len() - body.len(),
    })
}

/// The date in a dateline (`NEW YORK, Sept. 30 (UPI)`), with the year from context.
pub fn dateline_date(dateline: &str, context_year: Option<i32>) -> Option<(String, String, bool)> {
    // Only the part between the first comma and the agency.
    let inner = dateline.split_once(',').map(|x| x.1).unwrap_or("");
    let inner = inner.split('(').next().unwrap_or("");
    let (s, e, _) = find_date(inner, None).or_else(|| find_date(inner, context_year))?;
    let raw = &inner[s..e];
    if let Some(v) = parse_date(raw, None) {
        return Some((v, raw.to_string(), false));
    }
    parse_date(raw, context_year).map(|v| (v, raw.to_string(), true))
}

/// The most recent year of the full dates (`Sept. 20, 2016`) written in the text.
pub fn context_year(paragraphs: &[String]) -> Option<i32> {
    let mut best: Option<i32> = None;
    for p in paragraphs {
        let b = p.as_bytes();
        let mut i = 0;
        while i + 4 <= b.len() {
            if b[i..i + 4].iter().all(u8::is_ascii_digit)
                && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
                && (i + 4 == b.len() || !b[i + 4].is_ascii_alphanumeric())
            {
                // Preceded by a month name and day within a few words: `Sept. 20, 2016`.
                let before_start = p[..i].char_indices().rev().nth(16).map_or(0, |x| x.0);
                let before = &p[before_start..i + 4];
                if find_date(before, None).is_some_and(|(_, e, _)| before_start + e == i + 4) {
                    let y: i32 = p[i..i + 4].parse().unwrap_or(0);
                    best = Some(best.map_or(y, |b| b.max(y)));
                }
                i += 4;
            } else {
                i += 1;
            }
        }
    }
    best
}

/// Why a line is boilerplate, with its rule code, or `None` for a real line.
pub fn boilerplate_rule(line: &str) -> Option<&'static str> {
    let t = collapse_ws(line);
    let lower = t.to_lowercase();
    let bare = lower.trim_matches(|c: char| !c.is_alphanumeric());
    match bare {
        "advertisement"
        | "advertisements"
        | "sponsored"
        | "sponsored content"
        | "story continues below"
        | "story continues below advertisement"
        | "ad"
        | "promoted"
        | "paid content" => return Some("boilerplate:advertisement"),
        "ugc_banner" | "main img" | "image" | "img" | "photo" | "video" | "play video"
        | "watch" | "loading" | "loading..." | "gallery" | "view gallery" | "expand" => {
            return Some("boilerplate:placeholder")
        }
        "latest headlines" | "related" | "related articles" | "related stories"
        | "related news" | "more stories" | "you may also like" | "recommended" | "trending"
        | "most read" | "most popular" | "read more" | "more from" | "top stories"
        | "also read" => return Some("boilerplate:related"),
        "send comments"
        | "comments"
        | "leave a comment"
        | "post a comment"
        | "add comment"
        | "comment"
        | "show comments"
        | "join the conversation" => return Some("boilerplate:comments"),
        "share" | "share this" | "share this article" | "share this story"
        | "share on facebook" | "share on twitter" | "tweet" | "email" | "print" | "facebook"
        | "twitter" | "whatsapp" | "linkedin" | "share via email" => {
            return Some("boilerplate:share")
        }
        "subscribe" | "sign up" | "newsletter" | "sign up for our newsletter" | "subscribe now" => {
            return Some("boilerplate:subscribe")
        }
        _ => {}
    }
    // `News ID: 737252`, `Story ID 1234`
    if let Some((label, value)) = lower.split_once(':').or_else(|| lower.rsplit_once(' ')) {
        let label = label.trim();
        if matches!(
            label,
            "news id" | "story id" | "article id" | "news code" | "id" | "post id"
        ) && !value.trim().is_empty()
            && value
                .trim()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Some("boilerplate:news-id");
        }
    }
    // `RELATED Secretary of State John Kerry warns ...`, `READ MORE: ...`, `ALSO READ | ...`
    for prefix in [
        "RELATED ",
        "RELATED:",
        "READ MORE",
        "ALSO READ",
        "SEE ALSO",
        "MORE:",
        "WATCH:",
        "Related:",
        "Read more:",
        "Also read:",
        "See also:",
        "Related Articles",
        "Read More:",
    ] {
        if t.starts_with(prefix) && t.split_whitespace().count() <= 25 {
            return Some("boilerplate:related");
        }
    }
    if lower.starts_with("share this")
        || lower.starts_with("click here to")
        || lower.starts_with("follow us on")
        || lower.starts_with("follow @")
        || lower.starts_with("sign up for")
    {
        return Some("boilerplate:share");
    }
    if lower.starts_with("copyright ")
        || lower.starts_with("© ")
        || lower.starts_with("(c) ")
        || lower.starts_with("all rights reserved")
    {
        return Some("boilerplate:copyright");
    }
    if is_caption(&t) {
        return Some("boilerplate:caption");
    }
    if is_credit(&t) {
        return Some("boilerplate:credit");
    }
    None
}

const AGENCIES: &[&str] = &[
    "AP",
    "AFP",
    "UPI",
    "Reuters",
    "REUTERS",
    "EPA",
    "Getty",
    "Getty Images",
    "Xinhua",
    "XINHUA",
    "Anadolu",
    "ANSA",
    "DPA",
    "dpa",
    "PA",
    "TASS",
    "Sputnik",
    "Bloomberg",
    "Shutterstock",
    "AP Photo",
    "File",
    "Handout",
    "Twitter",
    "Facebook",
];

/// A photo caption or credit line: ends with a photo credit
/// (`/AP`, `Photograph:(AFP)`, `Photo by Monika Graff/UPI`, `| License Photo`).
pub fn is_caption(line: &str) -> bool {
    let t = line.trim();
    if t.ends_with("| License Photo") || t.ends_with("License Photo") && t.contains("Photo by") {
        return true;
    }
    // The last credit-like phrase.
    let tail_start = t.char_indices().rev().nth(80).map_or(0, |x| x.0);
    let tail = &t[tail_start..];
    // Every marker below holds one of these words: without them, none can match.
    let any_marker = ["Photo", "Image", "Picture", "Credit:", "Illustration"]
        .iter()
        .any(|k| tail.contains(k));
    for marker in [
        "Photograph:",
        "Photograph by",
        "Photo by ",
        "Photo:",
        "Photos:",
        "Photo credit",
        "Image:",
        "Image by",
        "Image copyright",
        "Picture:",
        "Pictures:",
        "(AP Photo",
        "(Photo:",
        "(Photo by",
        "Credit:",
        "Illustration by",
        "Picture by",
        "Photographer:",
    ]
    .into_iter()
    .filter(|_| any_marker)
    {
        if let Some(i) = tail.rfind(marker) {
            let rest = &tail[i + marker.len()..];
            // The credit runs to the end of the line and is short.
            if rest.len() <= 70 && !rest.contains(". ") {
                return true;
            }
        }
    }
    // `... John Kerry. /AP`, `... Aleppo. Omar Haj Kadour/ UPI`
    if let Some(slash) = t.rfind('/') {
        let agency = t[slash + 1..].trim().trim_end_matches(['.', ')']);
        if AGENCIES.contains(&agency) && t.split_whitespace().count() >= 3 {
            return true;
        }
    }
    for suffix in [
        "Getty Images",
        "(Reuters)",
        "(AFP)",
        "(AP)",
        "(EPA)",
        "(Getty Images)",
    ] {
        if let Some(before) = t.strip_suffix(suffix) {
            let before = before.trim_end();
            if before.ends_with(['.', '|', '-', '—', ':', '/']) || before.ends_with("Photo") {
                return true;
            }
        }
    }
    false
}

/// A credit line: `(WION with inputs from AFP)`, `(Reporting by ...; Editing by ...)`.
pub fn is_credit(line: &str) -> bool {
    let t = line.trim();
    let inner = t
        .strip_prefix('(')
        .and_then(|x| x.strip_suffix(')'))
        .unwrap_or(t);
    let lower = inner.to_lowercase();
    if inner.split_whitespace().count() > 30 {
        return false;
    }
    let paren = inner.len() != t.len();
    [
        "with inputs from",
        "with agency inputs",
        "reporting by",
        "editing by",
        "additional reporting",
        "writing by",
        "compiled by",
        "edited by",
        "with input from",
        "contributed to this report",
        "contributed reporting",
    ]
    .iter()
    .any(|m| {
        if m.starts_with("contributed") {
            lower.contains(m)
        } else {
            (paren && lower.contains(m)) || lower.starts_with(m)
        }
    })
}

/// The outlet named by a credit line (`(WION with inputs from AFP)` gives `WION`).
pub fn credit_outlet(line: &str) -> Option<String> {
    let t = line.trim();
    let inner = t.strip_prefix('(')?.strip_suffix(')')?;
    let lower = inner.to_lowercase();
    let at = lower.find(" with input")?;
    let who = inner[..at].trim();
    (!who.is_empty() && who.split_whitespace().count() <= 3 && who.chars().next()?.is_uppercase())
        .then(|| who.to_string())
}

pub fn info(code: &str, message: impl Into<String>, line: Option<u64>) -> Diagnostic {
    let d = Diagnostic::info(STAGE, code, message);
    match line {
        Some(l) => d.at_line(l),
        None => d,
    }
}

pub fn warning(code: &str, message: impl Into<String>, line: Option<u64>) -> Diagnostic {
    let d = Diagnostic::warning(STAGE, code, message);
    match line {
        Some(l) => d.at_line(l),
        None => d,
    }
}

/// At most `n` characters of `s`, for messages.
pub fn snippet(s: &str, n: usize) -> String {
    let s = collapse_ws(s);
    match s.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bylines() {
        assert_eq!(
            parse_byline("Doug G. Ware"),
            Byline {
                authors: vec!["Doug G. Ware".into()],
                outlet: None
            }
        );
        assert_eq!(
            parse_byline("WorldTribune Staff"),
            Byline {
                authors: vec![],
                outlet: Some("WorldTribune".into())
            }
        );
        assert_eq!(
            parse_byline("DENNIS BERNSTEIN AND LESLIE KEAN").authors,
            ["Dennis Bernstein", "Leslie Kean"]
        );
        assert_eq!(
            parse_byline("Jane Doe, John Roe and Ann Poe").authors,
            ["Jane Doe", "John Roe", "Ann Poe"]
        );
    }

    #[test]
    fn datelines() {
        let p = "NEW YORK, Sept. 30 (UPI) -- As the United States and opposition forces continue";
        let d = find_dateline(p).unwrap();
        assert_eq!(d.text, "NEW YORK, Sept. 30 (UPI)");
        assert_eq!(d.agency.as_deref(), Some("UPI"));
        assert_eq!(&p[d.body_start..d.body_start + 6], "As the");
        assert_eq!(
            find_dateline("WASHINGTON _ The Thai government")
                .unwrap()
                .text,
            "WASHINGTON"
        );
        assert_eq!(
            find_dateline("FRANKFURT, Germany (AP) _ Europe's new currency")
                .unwrap()
                .agency
                .as_deref(),
            Some("AP")
        );
        assert_eq!(
            find_dateline("The meeting -- held in secret -- ended."),
            None
        );
        assert_eq!(find_dateline("I think -- well -- no."), None);
        assert_eq!(
            dateline_date("NEW YORK, Sept. 30 (UPI)", Some(2016)),
            Some(("2016-09-30".into(), "Sept. 30".into(), true))
        );
        assert_eq!(dateline_date("NEW YORK, Sept. 30 (UPI)", None), None);
    }

    #[test]
    fn captions_and_boilerplate() {
        assert!(is_caption(
            "'We don't behave like Russians': U.S. Secretary of State John Kerry. /AP"
        ));
        assert!(is_caption(
            "Kerry has been pressuring President Obama. Photograph:(AFP)"
        ));
        assert!(is_caption(
            "Syrian citizens survey trucks. Photo by Omar Haj Kadour/ UPI | License Photo"
        ));
        assert!(is_caption(
            "Kerry addresses the Council. Photo by Monika Graff/UPI"
        ));
        assert!(!is_caption(
            "The problem is the Russians don't care about international law, and we do."
        ));
        assert!(!is_caption(
            "He said the 24/7 coverage was a problem for AP."
        ));
        assert_eq!(
            boilerplate_rule("News ID: 737252"),
            Some("boilerplate:news-id")
        );
        assert_eq!(
            boilerplate_rule(
                "RELATED How to understand Syria's proxy war -- and who's fighting for whom"
            ),
            Some("boilerplate:related")
        );
        assert_eq!(
            boilerplate_rule("Advertisement"),
            Some("boilerplate:advertisement")
        );
        assert_eq!(
            boilerplate_rule("(WION with inputs from AFP)"),
            Some("boilerplate:credit")
        );
        assert_eq!(
            credit_outlet("(WION with inputs from AFP)").as_deref(),
            Some("WION")
        );
        assert_eq!(
            boilerplate_rule(
                "Related parties met in Geneva and agreed on a plan to end the fighting."
            ),
            None
        );
        assert_eq!(boilerplate_rule("Kerry said the deal was over."), None);
    }

    #[test]
    fn context_year_from_full_dates() {
        let p = vec![
            "The convoy was hit on Sept. 20, 2016. In 1998 something else.".to_string(),
            "On Sept. 21, 2016, Kerry spoke.".to_string(),
        ];
        assert_eq!(context_year(&p), Some(2016));
        assert_eq!(context_year(&["In 2013 Kerry spoke.".to_string()]), None);
    }
}
