//! Main-content detection: boilerplate removal, paragraph scoring and block
//! assembly. Every pass is a linear scan over the arena (no recursion).

use crate::dom::{is_block, tag, Data, Dom, Element, NONE};
use crate::text::{nfc, push_collapsed, visible_len};
use crate::{Block, BlockKind, Removed};
use aho_corasick::AhoCorasick;
use std::sync::OnceLock;

/// Class/id substrings that mark boilerplate, with the rule name.
const NEG_SUBSTR: &[(&str, &str)] = &[
    ("comment", "comments"),
    ("disqus", "comments"),
    ("respond", "comments"),
    ("share", "share-bar"),
    ("sharing", "share-bar"),
    ("social", "share-bar"),
    ("newsletter", "newsletter"),
    ("subscribe", "newsletter"),
    ("signup", "newsletter"),
    ("sign-up", "newsletter"),
    ("cookie", "cookie-notice"),
    ("consent", "cookie-notice"),
    ("gdpr", "cookie-notice"),
    ("related", "related"),
    ("recommend", "related"),
    ("more-stories", "related"),
    ("morestories", "related"),
    ("read-more", "related"),
    ("readmore", "related"),
    ("also-read", "related"),
    ("popular", "related"),
    ("trending", "related"),
    ("outbrain", "related"),
    ("taboola", "related"),
    ("sidebar", "sidebar"),
    ("side-bar", "sidebar"),
    ("widget", "sidebar"),
    ("breadcrumb", "nav"),
    ("navigation", "nav"),
    ("navbar", "nav"),
    ("menu", "nav"),
    ("pagination", "nav"),
    ("pager", "nav"),
    ("masthead", "nav"),
    ("skip-link", "nav"),
    ("footer", "footer"),
    ("promo", "ad"),
    ("sponsor", "ad"),
    ("advert", "ad"),
    ("adslot", "ad"),
    ("ad-slot", "ad"),
    ("ad-container", "ad"),
    ("ad-wrapper", "ad"),
    ("dfp", "ad"),
    ("banner", "ad"),
    ("caption", "caption"),
    ("credit", "caption"),
    ("byline", "byline"),
    ("author", "byline"),
    ("dateline", "byline"),
    ("timestamp", "byline"),
    ("popup", "popup"),
    ("modal", "popup"),
    ("overlay", "popup"),
    ("paywall", "popup"),
    ("login", "popup"),
    ("toolbar", "share-bar"),
    ("print", "share-bar"),
    ("visually-hidden", "hidden"),
    ("visuallyhidden", "hidden"),
    ("sr-only", "hidden"),
    ("screen-reader", "hidden"),
    ("carousel", "related"),
    ("slideshow", "gallery"),
    ("gallery", "gallery"),
    ("tags", "tags"),
    ("taglist", "tags"),
    ("keywords", "tags"),
    ("topics", "tags"),
    ("rating", "widget"),
    ("copyright", "footer"),
    ("disclaimer", "footer"),
];

/// Class/id whole tokens that mark boilerplate.
fn neg_token(t: &str) -> Option<&'static str> {
    Some(match t {
        "ad" | "ads" | "adv" | "advertisement" | "advertising" | "teaser" => "ad",
        "nav" | "header" | "skip" => "nav",
        "tag" | "meta" | "date" | "time" => "byline",
        "email" | "mail" | "whatsapp" | "pinterest" | "linkedin" => "share-bar",
        "aside" => "sidebar",
        "bio" => "byline",
        "foot" => "footer",
        "player" => "media",
        _ => return None,
    })
}

/// Class/id substrings that mark the article body.
const POS_SUBSTR: &[&str] = &[
    "articlebody",
    "article-body",
    "article_body",
    "article-content",
    "article_content",
    "articlecontent",
    "article-text",
    "articletext",
    "post-content",
    "postcontent",
    "post-body",
    "post_content",
    "entry-content",
    "entry_content",
    "story-body",
    "storybody",
    "story-content",
    "story_body",
    "storycontent",
    "story-text",
    "content-body",
    "body-text",
    "bodytext",
    "main-content",
    "article__body",
    "article__content",
    "rich-text",
    "richtext",
    "text-content",
    "article-main",
    "post-text",
    "single-content",
    "td-post-content",
    "blog-content",
];

/// Weaker positive words.
const POS_WORDS: &[&str] = &[
    "article", "content", "story", "entry", "post", "text", "body", "main", "blog",
];

struct Patterns {
    neg: AhoCorasick,
    pos: AhoCorasick,
    posw: AhoCorasick,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        neg: AhoCorasick::new(NEG_SUBSTR.iter().map(|(p, _)| *p)).expect("patterns"),
        pos: AhoCorasick::new(POS_SUBSTR).expect("patterns"),
        posw: AhoCorasick::new(POS_WORDS).expect("patterns"),
    })
}

/// Class/id verdict of an element.
#[derive(Clone, Copy, Default)]
struct ClassInfo {
    neg: Option<&'static str>,
    strong_pos: bool,
    weak_pos: bool,
}

fn class_info(e: &Element, buf: &mut String) -> ClassInfo {
    buf.clear();
    for a in ["class", "id", "itemprop", "role", "data-component"] {
        if let Some(v) = e.attr(a) {
            buf.push_str(v);
            buf.push(' ');
        }
    }
    if buf.is_empty() {
        return ClassInfo::default();
    }
    // Split camelCase: insert '-' before an uppercase letter after lowercase.
    let mut s = String::with_capacity(buf.len() + 8);
    let mut prev_lower = false;
    for c in buf.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            s.push('-');
        }
        prev_lower = c.is_ascii_lowercase();
        s.push(c.to_ascii_lowercase());
    }
    let p = patterns();
    let mut info = ClassInfo::default();
    if e.attr("itemprop")
        .is_some_and(|v| v.eq_ignore_ascii_case("articleBody") || v == "text")
        || p.pos.is_match(&s)
    {
        info.strong_pos = true;
    }
    info.weak_pos = p.posw.is_match(&s);
    if let Some(c) = e.attr("class") {
        if c.split_ascii_whitespace().any(|w| {
            matches!(
                w.to_ascii_lowercase().as_str(),
                "hidden"
                    | "hide"
                    | "d-none"
                    | "is-hidden"
                    | "element-hidden"
                    | "invisible"
                    | "offscreen"
                    | "u-hidden"
            )
        }) {
            info.neg = Some("hidden");
            return info;
        }
    }
    if let Some(m) = p.neg.find(&s) {
        info.neg = Some(NEG_SUBSTR[m.pattern().as_usize()].1);
    } else {
        for t in s.split(|c: char| !c.is_ascii_alphanumeric()) {
            if let Some(r) = neg_token(t) {
                info.neg = Some(r);
                break;
            }
        }
    }
    if let Some(r) = e.attr("role") {
        match r {
            "navigation" | "menu" | "menubar" => info.neg = Some("nav"),
            "complementary" => info.neg = Some("sidebar"),
            "contentinfo" => info.neg = Some("footer"),
            "banner" => info.neg = Some("nav"),
            "dialog" | "alertdialog" => info.neg = Some("popup"),
            _ => {}
        }
    }
    info
}

fn tag_rule(t: u16) -> Option<&'static str> {
    use tag::*;
    Some(match t {
        SCRIPT | STYLE | NOSCRIPT | TEMPLATE | HEAD | TITLE | META | LINK => "script",
        NAV | MENU => "nav",
        FOOTER => "footer",
        ASIDE => "sidebar",
        HEADER => "header",
        FORM | BUTTON | SELECT | OPTION | INPUT | TEXTAREA | LABEL => "form",
        FIGURE | FIGCAPTION | PICTURE => "caption",
        IFRAME | SVG | CANVAS | VIDEO | AUDIO | OBJECT | EMBED | MATH => "media",
        DIALOG => "popup",
        ADDRESS => "byline",
        _ => return None,
    })
}

fn is_hidden(e: &Element) -> bool {
    if e.attr("hidden").is_some()
        || e.attr("aria-hidden")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    {
        return true;
    }
    if let Some(st) = e.attr("style") {
        let st: String = st
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if st.contains("display:none") || st.contains("visibility:hidden") {
            return true;
        }
    }
    false
}

/// Boilerplate phrases that, alone in a short block, are dropped.
fn is_boiler_line(t: &str) -> bool {
    let l = t.to_lowercase();
    let l = l.trim_matches(|c: char| !c.is_alphanumeric());
    if l.is_empty() {
        return true;
    }
    if t.len() > 100 {
        return false;
    }
    const EXACT: &[&str] = &[
        "advertisement",
        "advert",
        "adverts",
        "ads",
        "ad",
        "sponsored",
        "share",
        "share this",
        "share this article",
        "share this story",
        "tweet",
        "email",
        "print",
        "comments",
        "read more",
        "continue reading",
        "related",
        "related articles",
        "related stories",
        "read next",
        "more",
        "loading",
        "skip to content",
        "skip advertisement",
        "story continues below advertisement",
        "article continues below advertisement",
        "click here",
        "subscribe",
        "sign up",
        "follow us",
        "recommended",
        "see also",
        "you may also like",
        "back to top",
        "close",
        "menu",
        "search",
        "topics",
        "tags",
        "iklan",
        "anzeige",
        "publicité",
        "publicidad",
        "pubblicità",
        "реклама",
        "광고",
        "広告",
    ];
    if EXACT.contains(&l) {
        return true;
    }
    const PREFIX: &[&str] = &[
        "read more:",
        "read more about",
        "related:",
        "also read:",
        "also read",
        "read also",
        "recommended:",
        "sign up for",
        "subscribe to",
        "follow us on",
        "click here to",
        "photo:",
        "image:",
        "image source",
        "photo by",
        "photograph:",
        "(photo",
        "getty images",
        "image copyright",
        "copyright ©",
        "all rights reserved",
        "this article was",
        "advertisement",
        "watch:",
        "listen to this",
        "share on",
        "share this",
        "follow @",
        "we use cookies",
        "filed under",
        "posted on",
        "posted in",
        "like this story",
        "related roundup",
        "tags:",
        "topics:",
        "updated at",
        "updated:",
        "last updated",
        "published:",
        "don't miss",
        "don’t miss",
        "more from",
        "trending now",
        "most read",
    ];
    PREFIX.iter().any(|p| {
        let p = p.trim_start_matches(|c: char| !c.is_alphanumeric());
        !p.is_empty() && l.starts_with(p)
    })
}

/// Result of content extraction.
pub struct Content {
    pub blocks: Vec<Block>,
    pub removed: Vec<Removed>,
}

fn snippet(dom: &Dom, i: u32) -> String {
    let end = dom.last_descendant(i);
    let mut s = String::new();
    let mut sp = false;
    for j in i..=end {
        if let Data::Text(t) = &dom.nodes[j as usize].data {
            if text_node_is_script(dom, j) {
                continue;
            }
            push_collapsed(&mut s, t, &mut sp);
            if s.len() > 80 {
                break;
            }
        }
    }
    if s.len() > 80 {
        let mut k = 80;
        while !s.is_char_boundary(k) {
            k -= 1;
        }
        s.truncate(k);
    }
    s
}

fn text_node_is_script(dom: &Dom, i: u32) -> bool {
    let p = dom.nodes[i as usize].parent;
    p != NONE
        && matches!(
            dom.tag(p),
            Some(tag::SCRIPT | tag::STYLE | tag::TITLE | tag::TEXTAREA | tag::NOSCRIPT)
        )
}

/// Finds the article body.
pub fn extract_content(dom: &Dom, title: Option<&str>) -> Content {
    let n = dom.nodes.len();
    let nodes = &dom.nodes;
    // Pass 1 (bottom-up): raw text and paragraph-text amounts.
    let mut raw_len = vec![0u32; n];
    let mut p_len = vec![0u32; n];
    let mut a_len = vec![0u32; n];
    let mut in_a = vec![false; n];
    for i in 1..n {
        in_a[i] = in_a[nodes[i].parent as usize] || dom.tag(i as u32) == Some(tag::A);
    }
    for i in (1..n).rev() {
        let node = &nodes[i];
        match &node.data {
            Data::Text(t) => {
                if !text_node_is_script(dom, i as u32) {
                    raw_len[i] = visible_len(t);
                    if in_a[i] {
                        a_len[i] = raw_len[i];
                    }
                }
            }
            Data::Element(e) => {
                if e.tag == tag::P {
                    p_len[i] = raw_len[i];
                }
            }
            Data::Document => {}
        }
        let p = node.parent as usize;
        raw_len[p] += raw_len[i];
        p_len[p] += p_len[i];
        a_len[p] += a_len[i];
    }
    let total_p = p_len[0].max(1);
    let total_plain = raw_len[0] - a_len[0];
    // Embedded social posts (tweets, Instagram) are part of the story.
    let mut has_embed = vec![false; n];
    for i in (1..n).rev() {
        if let Data::Element(e) = &nodes[i].data {
            if e.tag == tag::BLOCKQUOTE
                && e.attr("class").is_some_and(|c| {
                    let c = c.to_ascii_lowercase();
                    c.contains("tweet") || c.contains("twitter") || c.contains("instagram")
                })
            {
                has_embed[i] = true;
            }
        }
        if has_embed[i] {
            has_embed[nodes[i].parent as usize] = true;
        }
    }

    // Pass 2 (top-down): boilerplate removal and class weights.
    let mut dead = vec![false; n];
    let mut weight = vec![0i32; n];
    let mut removed: Vec<Removed> = Vec::new();
    let mut buf = String::new();
    for i in 1..n {
        let parent = nodes[i].parent as usize;
        if dead[parent] {
            dead[i] = true;
            continue;
        }
        let Data::Element(e) = &nodes[i].data else {
            continue;
        };
        let ci = class_info(e, &mut buf);
        let mut rule = if is_hidden(e) {
            Some("hidden")
        } else {
            tag_rule(e.tag)
        };
        // A date standing alone (not inside a sentence) is a dateline.
        if e.tag == tag::TIME && rule.is_none() && dom.tag(parent as u32) != Some(tag::P) {
            rule = Some("byline");
        }
        if rule.is_none()
            && !ci.strong_pos
            && !matches!(e.tag, tag::HTML | tag::BODY | tag::MAIN | tag::ARTICLE)
        {
            rule = if has_embed[i] { None } else { ci.neg };
            // Inline elements with "date"/"meta" classes inside paragraphs are text.
            if rule.is_some()
                && !is_block(e.tag)
                && e.tag != tag::A
                && raw_len[i] > 0
                && e.tag != tag::SPAN
            {
                rule = None;
            }
        }
        // Never drop the bulk of the page's paragraphs on a class name.
        if let Some(r) = rule {
            let plain = raw_len[i] - a_len[i];
            let big = (p_len[i] as u64 * 10 > total_p as u64 * 4 && total_p > 400)
                || (plain as u64 * 2 > total_plain as u64 && total_plain > 500);
            if big && r != "script" && r != "hidden" {
                rule = None;
            }
        }
        if let Some(r) = rule {
            dead[i] = true;
            if r != "script" && raw_len[i] > 0 && removed.len() < 500 {
                removed.push(Removed {
                    rule: r.to_string(),
                    snippet: snippet(dom, i as u32),
                });
            }
            continue;
        }
        let mut w = 0;
        if ci.strong_pos {
            w += 40;
        } else if ci.weak_pos {
            w += 10;
        }
        if e.tag == tag::ARTICLE {
            w += 15;
        }
        if e.tag == tag::MAIN {
            w += 5;
        }
        weight[i] = w;
    }

    // Pass 3 (top-down): owning block of each node.
    let mut owner = vec![0u32; n];
    for i in 1..n {
        let p = nodes[i].parent as usize;
        owner[i] = match &nodes[i].data {
            Data::Element(e) if is_block(e.tag) && e.tag != tag::BR => i as u32,
            _ => owner[p],
        };
    }
    // Pass 4 (bottom-up): live text per owning block and link text.
    let mut own_len = vec![0u32; n];
    let mut own_link = vec![0u32; n];
    let mut own_commas = vec![0u32; n];
    let mut live_len = vec![0u32; n];
    let mut link_len = vec![0u32; n];
    for i in (1..n).rev() {
        if dead[i] {
            continue;
        }
        if let Data::Text(t) = &nodes[i].data {
            let l = raw_len[i];
            let o = owner[i] as usize;
            own_len[o] += l;
            own_commas[o] += t.bytes().filter(|&b| b == b',').count() as u32
                + t.matches(['，', '、', '。']).count() as u32;
            live_len[i] = l;
        }
        if dom.tag(i as u32) == Some(tag::A) {
            link_len[i] = live_len[i];
        }
        let p = nodes[i].parent as usize;
        live_len[p] += live_len[i];
        link_len[p] += link_len[i];
    }
    // Link text per owner: text nodes under <a> counted for their owner.
    {
        let mut in_link = vec![false; n];
        for i in 1..n {
            if dead[i] {
                continue;
            }
            let p = nodes[i].parent as usize;
            in_link[i] = in_link[p] || dom.tag(i as u32) == Some(tag::A);
            if in_link[i] {
                if let Data::Text(_) = nodes[i].data {
                    own_link[owner[i] as usize] += raw_len[i];
                }
            }
        }
    }

    // Pass 5: paragraph scores to ancestors.
    let mut score = vec![0f32; n];
    let mut is_cand = vec![false; n];
    for i in 1..n {
        if dead[i] || own_len[i] < 25 {
            continue;
        }
        let Some(t) = dom.tag(i as u32) else { continue };
        let ld = own_link[i] as f32 / own_len[i] as f32;
        if ld > 0.5 {
            continue;
        }
        let s = (1.0 + own_commas[i].min(20) as f32 + (own_len[i] as f32 / 100.0).min(3.0))
            * (1.0 - ld);
        let para_like = matches!(
            t,
            tag::P
                | tag::PRE
                | tag::BLOCKQUOTE
                | tag::LI
                | tag::H2
                | tag::H3
                | tag::H4
                | tag::TD
                | tag::DD
                | tag::DT
        );
        let (first, s1) = if para_like {
            (nodes[i].parent, s)
        } else {
            (i as u32, s)
        };
        let mut a = first;
        let mut f = 1.0;
        for _ in 0..3 {
            if a == NONE || a == 0 {
                break;
            }
            score[a as usize] += s1 * f;
            is_cand[a as usize] = true;
            a = nodes[a as usize].parent;
            f = if f == 1.0 { 0.5 } else { f / 1.5 };
        }
        let _ = s1;
    }
    let mut best = NONE;
    let mut best_score = 0f32;
    for i in 1..n {
        if !is_cand[i] || dead[i] {
            continue;
        }
        let ld = if live_len[i] > 0 {
            link_len[i] as f32 / live_len[i] as f32
        } else {
            0.0
        };
        let s = (score[i] + weight[i] as f32) * (1.0 - ld);
        score[i] = s;
        if s > best_score {
            best_score = s;
            best = i as u32;
        }
    }

    let mut roots: Vec<u32> = Vec::new();
    if best != NONE {
        // Siblings that look like continued content.
        let parent = nodes[best as usize].parent;
        let threshold = (best_score * 0.2).max(10.0);
        for s in dom.children(parent) {
            let si = s as usize;
            if s == best {
                roots.push(s);
                continue;
            }
            if dead[si] || live_len[si] == 0 {
                continue;
            }
            let ld = link_len[si] as f32 / live_len[si] as f32;
            let keep = if is_cand[si] && score[si] >= threshold {
                true
            } else if dom.tag(s) == Some(tag::P) || matches!(nodes[si].data, Data::Text(_)) {
                let l = live_len[si];
                (l > 65 && ld < 0.25)
                    || (l > 0 && ld == 0.0 && {
                        let t = dom.raw_text(s);
                        let t = t.trim_end();
                        t.ends_with('.') || t.ends_with('"') || t.ends_with('”')
                    })
            } else {
                // A wrapper of paragraphs (a lead or a continuation).
                let l = live_len[si];
                l > 50 && ld < 0.2 && p_len[si] * 10 >= l * 7 && p_len[si] <= l + l / 2
            };
            if keep {
                roots.push(s);
            }
        }
    } else {
        roots.push(0);
    }

    let (blocks, dropped) = assemble(dom, &roots, &dead, owner.as_slice(), title);
    removed.extend(dropped.into_iter().take(500));
    Content { blocks, removed }
}

fn block_kind(dom: &Dom, owner: u32, in_quote: bool) -> BlockKind {
    match dom.tag(owner) {
        Some(tag::H1 | tag::H2 | tag::H3 | tag::H4 | tag::H5 | tag::H6) => BlockKind::Heading,
        Some(tag::LI | tag::DD | tag::DT) => BlockKind::ListItem,
        _ if in_quote => BlockKind::Quote,
        Some(tag::BLOCKQUOTE) => BlockKind::Quote,
        _ => BlockKind::Paragraph,
    }
}

fn norm_cmp(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(|c| c.to_lowercase())
        .collect()
}

/// Walks the chosen subtrees in order and builds blocks.
fn assemble(
    dom: &Dom,
    roots: &[u32],
    dead: &[bool],
    owner: &[u32],
    title: Option<&str>,
) -> (Vec<Block>, Vec<Removed>) {
    let nodes = &dom.nodes;
    let mut blocks: Vec<Result<Block, Removed>> = Vec::new();
    let title_key = title.map(norm_cmp).unwrap_or_default();
    let mut cur = String::new();
    let mut cur_link = 0usize;
    let mut cur_owner = NONE;
    let mut cur_quote = false;
    let mut sp = false;
    let flush = |cur: &mut String,
                 cur_link: &mut usize,
                 owner: u32,
                 quote: bool,
                 blocks: &mut Vec<Result<Block, Removed>>| {
        if !cur.is_empty() {
            let text = std::mem::take(cur);
            let len = text.chars().count();
            let kind = block_kind(dom, owner, quote);
            let link_heavy =
                *cur_link * 10 > len * 9 || (*cur_link * 2 > len && len - *cur_link < 50);
            // The headline is not part of the body: a heading equal to the
            // title, or any <h1> (a page has one headline).
            let is_title = kind == BlockKind::Heading
                && (dom.tag(owner) == Some(tag::H1)
                    || !title_key.is_empty() && {
                        let k = norm_cmp(&text);
                        k == title_key || k.len() > 20 && title_key.contains(&k)
                    });
            let rule = if is_title {
                Some("headline")
            } else if link_heavy {
                Some("links")
            } else if is_boiler_line(&text) {
                Some("boilerplate-line")
            } else {
                None
            };
            match rule {
                None => blocks.push(Ok(Block {
                    kind,
                    text: nfc(text),
                })),
                Some(rule) => blocks.push(Err(Removed {
                    rule: rule.to_string(),
                    snippet: text.chars().take(80).collect(),
                })),
            }
        }
        *cur_link = 0;
    };
    for &r in roots {
        let end = dom.last_descendant(r);
        let mut i = r;
        // Ancestors' quote state for the root.
        let mut quote_until: Vec<u32> = Vec::new();
        let mut link_until = 0u32;
        let mut in_link_active = false;
        while i <= end {
            while quote_until.last().is_some_and(|&q| i > q) {
                quote_until.pop();
            }
            if in_link_active && i > link_until {
                in_link_active = false;
            }
            let iu = i as usize;
            if dead[iu] {
                i = dom.last_descendant(i) + 1;
                continue;
            }
            match &nodes[iu].data {
                Data::Element(e) => {
                    if e.tag == tag::BLOCKQUOTE {
                        quote_until.push(dom.last_descendant(i));
                    }
                    if e.tag == tag::A && !in_link_active {
                        in_link_active = true;
                        link_until = dom.last_descendant(i);
                    }
                    if e.tag == tag::BR {
                        flush(&mut cur, &mut cur_link, cur_owner, cur_quote, &mut blocks);
                        sp = false;
                    }
                }
                Data::Text(t) => {
                    let o = owner[iu];
                    if o != cur_owner {
                        flush(&mut cur, &mut cur_link, cur_owner, cur_quote, &mut blocks);
                        sp = false;
                        cur_owner = o;
                        cur_quote = !quote_until.is_empty();
                    }
                    let before = cur.len();
                    push_collapsed(&mut cur, t, &mut sp);
                    if in_link_active {
                        cur_link += cur[before..].chars().count();
                    }
                }
                Data::Document => {}
            }
            i += 1;
        }
        flush(&mut cur, &mut cur_link, cur_owner, cur_quote, &mut blocks);
        cur_owner = NONE;
    }
    let mut kept = Vec::with_capacity(blocks.len());
    let mut dropped = Vec::new();
    for b in blocks {
        match b {
            Ok(b) => kept.push(b),
            Err(r) => dropped.push(r),
        }
    }
    (kept, dropped)
}
