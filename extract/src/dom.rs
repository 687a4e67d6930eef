//! A tolerant, linear-time HTML tokenizer and tree builder.
//!
//! The tree is a flat arena (`Vec<Node>`) linked by indices, so neither
//! building, walking nor dropping it recurses: 100,000 nested elements cost
//! the same stack as one. Parents always have smaller indices than their
//! children (document order), which lets whole-tree computations run as one
//! forward (top-down) or backward (bottom-up) pass over the arena.

use crate::entities::decode_entities_into;

/// Index of "no node".
pub const NONE: u32 = u32::MAX;

/// Deepest nesting kept: deeper start tags are attached flat to the deepest
/// open element (browsers cap nesting too). Keeps worst-case work linear.
const MAX_DEPTH: usize = 4096;
/// How far down the open-element stack implied end tags look.
const SCOPE_WALK: usize = 64;

/// Tag ids of the tags the extractor cares about; other tags get ids after
/// these, interned per document.
#[allow(missing_docs)]
pub mod tag {
    pub const HTML: u16 = 0;
    pub const HEAD: u16 = 1;
    pub const BODY: u16 = 2;
    pub const TITLE: u16 = 3;
    pub const META: u16 = 4;
    pub const LINK: u16 = 5;
    pub const SCRIPT: u16 = 6;
    pub const STYLE: u16 = 7;
    pub const NOSCRIPT: u16 = 8;
    pub const TEMPLATE: u16 = 9;
    pub const P: u16 = 10;
    pub const DIV: u16 = 11;
    pub const SPAN: u16 = 12;
    pub const A: u16 = 13;
    pub const BR: u16 = 14;
    pub const H1: u16 = 15;
    pub const H2: u16 = 16;
    pub const H3: u16 = 17;
    pub const H4: u16 = 18;
    pub const H5: u16 = 19;
    pub const H6: u16 = 20;
    pub const UL: u16 = 21;
    pub const OL: u16 = 22;
    pub const LI: u16 = 23;
    pub const BLOCKQUOTE: u16 = 24;
    pub const PRE: u16 = 25;
    pub const TABLE: u16 = 26;
    pub const TR: u16 = 27;
    pub const TD: u16 = 28;
    pub const TH: u16 = 29;
    pub const ARTICLE: u16 = 30;
    pub const SECTION: u16 = 31;
    pub const MAIN: u16 = 32;
    pub const HEADER: u16 = 33;
    pub const FOOTER: u16 = 34;
    pub const NAV: u16 = 35;
    pub const ASIDE: u16 = 36;
    pub const FORM: u16 = 37;
    pub const BUTTON: u16 = 38;
    pub const FIGURE: u16 = 39;
    pub const FIGCAPTION: u16 = 40;
    pub const IMG: u16 = 41;
    pub const IFRAME: u16 = 42;
    pub const SVG: u16 = 43;
    pub const TIME: u16 = 44;
    pub const DL: u16 = 45;
    pub const DT: u16 = 46;
    pub const DD: u16 = 47;
    pub const HR: u16 = 48;
    pub const SELECT: u16 = 49;
    pub const OPTION: u16 = 50;
    pub const INPUT: u16 = 51;
    pub const TEXTAREA: u16 = 52;
    pub const LABEL: u16 = 53;
    pub const MENU: u16 = 54;
    pub const ADDRESS: u16 = 55;
    pub const TBODY: u16 = 56;
    pub const THEAD: u16 = 57;
    pub const TFOOT: u16 = 58;
    pub const CAPTION: u16 = 59;
    pub const EM: u16 = 60;
    pub const STRONG: u16 = 61;
    pub const B: u16 = 62;
    pub const I: u16 = 63;
    pub const U: u16 = 64;
    pub const SMALL: u16 = 65;
    pub const SUP: u16 = 66;
    pub const SUB: u16 = 67;
    pub const CODE: u16 = 68;
    pub const CENTER: u16 = 69;
    pub const FONT: u16 = 70;
    pub const VIDEO: u16 = 71;
    pub const AUDIO: u16 = 72;
    pub const CANVAS: u16 = 73;
    pub const OBJECT: u16 = 74;
    pub const EMBED: u16 = 75;
    pub const MATH: u16 = 76;
    pub const XMP: u16 = 77;
    pub const NOEMBED: u16 = 78;
    pub const NOFRAMES: u16 = 79;
    pub const PLAINTEXT: u16 = 80;
    pub const WBR: u16 = 81;
    pub const AREA: u16 = 82;
    pub const BASE: u16 = 83;
    pub const COL: u16 = 84;
    pub const SOURCE: u16 = 85;
    pub const TRACK: u16 = 86;
    pub const PARAM: u16 = 87;
    pub const KEYGEN: u16 = 88;
    pub const PICTURE: u16 = 89;
    pub const FIELDSET: u16 = 90;
    pub const DETAILS: u16 = 91;
    pub const SUMMARY: u16 = 92;
    pub const DIALOG: u16 = 93;
    pub const HGROUP: u16 = 94;
    pub const Q: u16 = 95;
    pub const CITE: u16 = 96;
    pub const ABBR: u16 = 97;
    pub const MARK: u16 = 98;
    pub const S: u16 = 99;
    pub const DEL: u16 = 100;
    pub const INS: u16 = 101;
    pub const KNOWN: &[&str] = &[
        "html",
        "head",
        "body",
        "title",
        "meta",
        "link",
        "script",
        "style",
        "noscript",
        "template",
        "p",
        "div",
        "span",
        "a",
        "br",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "blockquote",
        "pre",
        "table",
        "tr",
        "td",
        "th",
        "article",
        "section",
        "main",
        "header",
        "footer",
        "nav",
        "aside",
        "form",
        "button",
        "figure",
        "figcaption",
        "img",
        "iframe",
        "svg",
        "time",
        "dl",
        "dt",
        "dd",
        "hr",
        "select",
        "option",
        "input",
        "textarea",
        "label",
        "menu",
        "address",
        "tbody",
        "thead",
        "tfoot",
        "caption",
        "em",
        "strong",
        "b",
        "i",
        "u",
        "small",
        "sup",
        "sub",
        "code",
        "center",
        "font",
        "video",
        "audio",
        "canvas",
        "object",
        "embed",
        "math",
        "xmp",
        "noembed",
        "noframes",
        "plaintext",
        "wbr",
        "area",
        "base",
        "col",
        "source",
        "track",
        "param",
        "keygen",
        "picture",
        "fieldset",
        "details",
        "summary",
        "dialog",
        "hgroup",
        "q",
        "cite",
        "abbr",
        "mark",
        "s",
        "del",
        "ins",
    ];
}

/// Elements that never have content.
pub fn is_void(t: u16) -> bool {
    use tag::*;
    matches!(
        t,
        META | LINK
            | BR
            | IMG
            | HR
            | INPUT
            | WBR
            | AREA
            | BASE
            | COL
            | SOURCE
            | TRACK
            | PARAM
            | KEYGEN
            | EMBED
    )
}

/// Block-level elements: they break text into separate blocks.
pub fn is_block(t: u16) -> bool {
    use tag::*;
    matches!(
        t,
        P | DIV
            | H1
            | H2
            | H3
            | H4
            | H5
            | H6
            | UL
            | OL
            | LI
            | BLOCKQUOTE
            | PRE
            | TABLE
            | TR
            | TD
            | TH
            | ARTICLE
            | SECTION
            | MAIN
            | HEADER
            | FOOTER
            | NAV
            | ASIDE
            | FORM
            | FIGURE
            | FIGCAPTION
            | DL
            | DT
            | DD
            | HR
            | BR
            | MENU
            | ADDRESS
            | TBODY
            | THEAD
            | TFOOT
            | CAPTION
            | CENTER
            | FIELDSET
            | DETAILS
            | SUMMARY
            | DIALOG
            | HGROUP
            | BODY
            | HTML
            | OPTION
            | SELECT
            | IFRAME
            | VIDEO
            | AUDIO
    )
}

/// Start tags that close an open `<p>` (HTML's "close a p element").
fn closes_p(t: u16) -> bool {
    use tag::*;
    matches!(
        t,
        P | DIV
            | H1
            | H2
            | H3
            | H4
            | H5
            | H6
            | UL
            | OL
            | BLOCKQUOTE
            | PRE
            | TABLE
            | ARTICLE
            | SECTION
            | MAIN
            | HEADER
            | FOOTER
            | NAV
            | ASIDE
            | FORM
            | FIGURE
            | FIGCAPTION
            | DL
            | HR
            | MENU
            | ADDRESS
            | CENTER
            | FIELDSET
            | DETAILS
            | SUMMARY
            | DIALOG
            | HGROUP
            | LI
            | DD
            | DT
    )
}

/// Scope boundaries for implied end tags.
fn is_scope_boundary(t: u16) -> bool {
    use tag::*;
    matches!(
        t,
        HTML | TABLE | TD | TH | BUTTON | OBJECT | TEMPLATE | CAPTION | SVG | MATH
    )
}

/// "Special" elements that an unmatched inline end tag cannot close through.
fn is_special(t: u16) -> bool {
    is_block(t) && t != tag::BR || matches!(t, tag::TABLE | tag::TD | tag::TH | tag::BUTTON)
}

/// Elements whose content is raw text (no tags inside).
fn is_raw_text(t: u16) -> bool {
    use tag::*;
    matches!(
        t,
        SCRIPT | STYLE | NOSCRIPT | TEXTAREA | TITLE | XMP | NOEMBED | NOFRAMES | IFRAME
    )
}

/// An element.
#[derive(Debug, Clone)]
pub struct Element {
    /// Interned tag id (see [`tag`]).
    pub tag: u16,
    /// Attributes, names lowercased, values entity-decoded.
    pub attrs: Vec<(String, String)>,
}

impl Element {
    /// The value of an attribute.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What a node is.
#[derive(Debug, Clone)]
pub enum Data {
    /// The document root.
    Document,
    /// An element.
    Element(Element),
    /// Text, entities decoded (whitespace as written).
    Text(String),
}

/// A node in the arena.
#[derive(Debug, Clone)]
pub struct Node {
    /// Parent index, [`NONE`] for the root.
    pub parent: u32,
    /// First child.
    pub first_child: u32,
    /// Last child.
    pub last_child: u32,
    /// Next sibling.
    pub next: u32,
    /// Content.
    pub data: Data,
}

/// A parsed document.
#[derive(Debug, Clone)]
pub struct Dom {
    /// The arena; index 0 is the document.
    pub nodes: Vec<Node>,
    /// Names of tags beyond the known ones, by `id - KNOWN.len()`.
    pub extra_tags: Vec<String>,
    /// Index of the last node of each node's subtree.
    subtree_end: Vec<u32>,
}

impl Dom {
    /// Tag id of node `i`, if it is an element.
    #[inline]
    pub fn tag(&self, i: u32) -> Option<u16> {
        match &self.nodes[i as usize].data {
            Data::Element(e) => Some(e.tag),
            _ => None,
        }
    }

    /// The element of node `i`.
    #[inline]
    pub fn elem(&self, i: u32) -> Option<&Element> {
        match &self.nodes[i as usize].data {
            Data::Element(e) => Some(e),
            _ => None,
        }
    }

    /// Name of a tag id.
    pub fn tag_name(&self, t: u16) -> &str {
        let k = tag::KNOWN.len();
        if (t as usize) < k {
            tag::KNOWN[t as usize]
        } else {
            self.extra_tags
                .get(t as usize - k)
                .map(|s| s.as_str())
                .unwrap_or("")
        }
    }

    /// Children of node `i`.
    pub fn children(&self, i: u32) -> Children<'_> {
        Children {
            dom: self,
            cur: self.nodes[i as usize].first_child,
        }
    }

    /// The last descendant of `i` in document order (or `i` itself); the
    /// subtree of `i` is the index range `i..=last_descendant(i)`.
    pub fn last_descendant(&self, i: u32) -> u32 {
        self.subtree_end[i as usize]
    }

    /// Like [`Dom::raw_text`], but looks at no more than `max_nodes` nodes
    /// and stops after `max_bytes` bytes of text: constant work per call.
    pub fn bounded_text(&self, i: u32, max_nodes: usize, max_bytes: usize) -> String {
        let mut s = String::new();
        let end = self.last_descendant(i);
        for j in (i..=end).take(max_nodes) {
            if let Data::Text(t) = &self.nodes[j as usize].data {
                s.push_str(t);
                if s.len() >= max_bytes {
                    break;
                }
            }
        }
        s
    }

    /// Concatenated raw text of the subtree of `i` (no whitespace handling).
    pub fn raw_text(&self, i: u32) -> String {
        let mut s = String::new();
        let end = self.last_descendant(i);
        for j in i..=end {
            if let Data::Text(t) = &self.nodes[j as usize].data {
                s.push_str(t);
            }
        }
        s
    }
}

/// Iterator over children.
pub struct Children<'a> {
    dom: &'a Dom,
    cur: u32,
}

impl Iterator for Children<'_> {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        if self.cur == NONE {
            return None;
        }
        let c = self.cur;
        self.cur = self.dom.nodes[c as usize].next;
        Some(c)
    }
}

struct Builder {
    nodes: Vec<Node>,
    stack: Vec<u32>,
    stack_tags: Vec<u16>,
    open_count: Vec<u32>,
    extra: std::collections::HashMap<String, u16>,
    extra_tags: Vec<String>,
    /// The one `html`, `head` and `body` element, once created.
    singletons: [u32; 3],
}

impl Builder {
    fn intern(&mut self, name: &str) -> u16 {
        if let Some(i) = tag::KNOWN.iter().position(|k| *k == name) {
            return i as u16;
        }
        if let Some(&i) = self.extra.get(name) {
            return i;
        }
        let id = (tag::KNOWN.len() + self.extra_tags.len()).min(u16::MAX as usize) as u16;
        if id < u16::MAX {
            self.extra.insert(name.to_string(), id);
            self.extra_tags.push(name.to_string());
        }
        id
    }

    fn count(&mut self, t: u16) -> &mut u32 {
        let t = t as usize;
        if t >= self.open_count.len() {
            self.open_count.resize(t + 1, 0);
        }
        &mut self.open_count[t]
    }

    fn append(&mut self, data: Data) -> u32 {
        let parent = *self.stack.last().unwrap_or(&0);
        let id = self.nodes.len() as u32;
        self.nodes.push(Node {
            parent,
            first_child: NONE,
            last_child: NONE,
            next: NONE,
            data,
        });
        let p = &mut self.nodes[parent as usize];
        let prev = p.last_child;
        p.last_child = id;
        if prev == NONE {
            p.first_child = id;
        } else {
            self.nodes[prev as usize].next = id;
        }
        id
    }

    fn text(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        // Merge with a preceding text sibling.
        let parent = *self.stack.last().unwrap_or(&0);
        let lc = self.nodes[parent as usize].last_child;
        if lc != NONE {
            if let Data::Text(t) = &mut self.nodes[lc as usize].data {
                decode_entities_into(s, t);
                return;
            }
        }
        let mut t = String::with_capacity(s.len());
        decode_entities_into(s, &mut t);
        self.append(Data::Text(t));
    }

    fn pop(&mut self) {
        if self.stack.len() > 1 {
            self.stack.pop();
            let t = self.stack_tags.pop().unwrap_or(0);
            let c = self.count(t);
            *c = c.saturating_sub(1);
        }
    }

    /// Pops up to and including the nearest open `t`, looking no further than
    /// a scope boundary (or `SCOPE_WALK` entries). Returns whether it did.
    fn close_in_scope(&mut self, t: u16, boundary: impl Fn(u16) -> bool) -> bool {
        if self.open_count.get(t as usize).copied().unwrap_or(0) == 0 {
            return false;
        }
        let n = self.stack_tags.len();
        let mut found = None;
        for k in (1..n).rev().take(SCOPE_WALK) {
            let st = self.stack_tags[k];
            if st == t {
                found = Some(k);
                break;
            }
            if boundary(st) {
                break;
            }
        }
        if let Some(k) = found {
            while self.stack.len() > k {
                self.pop();
            }
            true
        } else {
            false
        }
    }

    fn start(&mut self, t: u16, attrs: Vec<(String, String)>, self_closing: bool) {
        use tag::*;
        // Single html/head/body: merge attributes into the first one.
        if matches!(t, HTML | HEAD | BODY) {
            let existing = self.singletons[t as usize];
            if existing != NONE {
                let id = existing;
                if let Data::Element(e) = &mut self.nodes[id as usize].data {
                    for (n, v) in attrs {
                        if e.attr(&n).is_none() {
                            e.attrs.push((n, v));
                        }
                    }
                }
                return;
            }
            if t == BODY {
                self.close_in_scope(HEAD, |_| false);
            }
        }
        if closes_p(t) {
            self.close_in_scope(P, is_scope_boundary);
        }
        match t {
            LI => {
                self.close_in_scope(LI, |x| is_scope_boundary(x) || x == UL || x == OL);
            }
            DT | DD => {
                let _ = self.close_in_scope(DT, |x| is_scope_boundary(x) || x == DL)
                    || self.close_in_scope(DD, |x| is_scope_boundary(x) || x == DL);
            }
            OPTION => {
                self.close_in_scope(OPTION, |x| is_scope_boundary(x) || x == SELECT);
            }
            TR => {
                self.close_in_scope(TR, |x| x == TABLE);
            }
            TD | TH => {
                let _ = self.close_in_scope(TD, |x| x == TR || x == TABLE)
                    || self.close_in_scope(TH, |x| x == TR || x == TABLE);
            }
            H1 | H2 | H3 | H4 | H5 | H6 => {
                if let Some(&top) = self.stack_tags.last() {
                    if matches!(top, H1 | H2 | H3 | H4 | H5 | H6) {
                        self.pop();
                    }
                }
            }
            A => {
                self.close_in_scope(A, is_scope_boundary);
            }
            _ => {}
        }
        let id = self.append(Data::Element(Element { tag: t, attrs }));
        if matches!(t, HTML | HEAD | BODY) {
            self.singletons[t as usize] = id;
        }
        let foreign = t >= KNOWN.len() as u16 || t == SVG || t == MATH;
        if !(is_void(t) || self_closing && foreign) && self.stack.len() < MAX_DEPTH {
            self.stack.push(id);
            self.stack_tags.push(t);
            *self.count(t) += 1;
        }
    }

    fn end(&mut self, t: u16) {
        use tag::*;
        if matches!(t, HTML | BODY) {
            return;
        }
        if self.open_count.get(t as usize).copied().unwrap_or(0) == 0 {
            return;
        }
        if is_special(t) || matches!(t, HEAD) {
            let stop = |x: u16| is_scope_boundary(x) && x != t;
            if !self.close_in_scope(t, stop) && self.open_count[t as usize] > 0 {
                // Mis-nested across a boundary: only pop when it is near.
                self.close_in_scope(t, |_| false);
            }
        } else {
            // "Any other end tag": cannot close through special elements.
            self.close_in_scope(t, is_special);
        }
    }
}

#[inline]
fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0c)
}

/// Parses HTML into a [`Dom`]. Never fails, never recurses; linear time.
pub fn parse(html: &str) -> Dom {
    let bytes = html.as_bytes();
    let n = bytes.len();
    let mut b = Builder {
        nodes: Vec::with_capacity(n / 40 + 16),
        stack: vec![0],
        stack_tags: vec![u16::MAX],
        open_count: vec![0; tag::KNOWN.len() + 16],
        extra: Default::default(),
        extra_tags: Vec::new(),
        singletons: [NONE; 3],
    };
    b.nodes.push(Node {
        parent: NONE,
        first_child: NONE,
        last_child: NONE,
        next: NONE,
        data: Data::Document,
    });
    let mut name_buf = String::new();
    let mut pos = 0usize;
    while pos < n {
        // Text up to the next '<'.
        let lt = match memchr::memchr(b'<', &bytes[pos..]) {
            Some(k) => pos + k,
            None => n,
        };
        if lt > pos {
            b.text(&html[pos..lt]);
        }
        if lt >= n {
            break;
        }
        pos = lt;
        let next = bytes.get(pos + 1).copied().unwrap_or(0);
        if next == b'!' {
            if bytes[pos..].starts_with(b"<!--") {
                let body = pos + 4;
                pos = match memchr::memmem::find(&bytes[body..], b"-->") {
                    Some(k) => body + k + 3,
                    None => n,
                };
            } else {
                // Doctype, CDATA or bogus comment: skip to '>'.
                pos = match memchr::memchr(b'>', &bytes[pos..]) {
                    Some(k) => pos + k + 1,
                    None => n,
                };
            }
            continue;
        }
        if next == b'?' {
            pos = match memchr::memchr(b'>', &bytes[pos..]) {
                Some(k) => pos + k + 1,
                None => n,
            };
            continue;
        }
        let is_end = next == b'/';
        let name_start = if is_end { pos + 2 } else { pos + 1 };
        if name_start >= n || !bytes[name_start].is_ascii_alphabetic() {
            if is_end && name_start < n {
                // `</ ...>` or `</>`: bogus comment.
                pos = match memchr::memchr(b'>', &bytes[pos..]) {
                    Some(k) => pos + k + 1,
                    None => n,
                };
            } else {
                b.text("<");
                pos += 1;
            }
            continue;
        }
        let mut i = name_start;
        while i < n && !is_ws(bytes[i]) && bytes[i] != b'>' && bytes[i] != b'/' {
            i += 1;
        }
        name_buf.clear();
        name_buf.push_str(&html[name_start..i]);
        name_buf.make_ascii_lowercase();
        let t = b.intern(&name_buf);
        // Attributes.
        let mut attrs: Vec<(String, String)> = Vec::new();
        let mut self_closing = false;
        loop {
            while i < n
                && (is_ws(bytes[i]) || (bytes[i] == b'/' && bytes.get(i + 1) != Some(&b'>')))
            {
                i += 1;
            }
            if i >= n {
                break;
            }
            if bytes[i] == b'>' {
                i += 1;
                break;
            }
            if bytes[i] == b'/' {
                self_closing = true;
                i += 2;
                break;
            }
            let an_start = i;
            i += 1; // first char may be '=' in broken markup
            while i < n
                && !is_ws(bytes[i])
                && bytes[i] != b'>'
                && bytes[i] != b'='
                && bytes[i] != b'/'
            {
                i += 1;
            }
            let an_end = i;
            while i < n && is_ws(bytes[i]) {
                i += 1;
            }
            let mut value = String::new();
            let mut has_value = false;
            if i < n && bytes[i] == b'=' {
                i += 1;
                while i < n && is_ws(bytes[i]) {
                    i += 1;
                }
                if i < n && (bytes[i] == b'"' || bytes[i] == b'\'') {
                    let q = bytes[i];
                    let vs = i + 1;
                    let ve = match memchr::memchr(q, &bytes[vs..]) {
                        Some(k) => vs + k,
                        None => n,
                    };
                    if !is_end {
                        decode_entities_into(&html[vs..ve], &mut value);
                    }
                    has_value = true;
                    i = (ve + 1).min(n);
                } else {
                    let vs = i;
                    while i < n && !is_ws(bytes[i]) && bytes[i] != b'>' {
                        i += 1;
                    }
                    if !is_end {
                        decode_entities_into(&html[vs..i], &mut value);
                    }
                    has_value = true;
                }
            }
            let _ = has_value;
            if !is_end && attrs.len() < 64 {
                let mut an = html[an_start..an_end].to_string();
                an.make_ascii_lowercase();
                if !attrs.iter().any(|(x, _)| *x == an) {
                    attrs.push((an, value));
                }
            }
        }
        pos = i;
        if is_end {
            b.end(t);
            continue;
        }
        if is_raw_text(t) && !self_closing {
            // Raw text up to `</name` (case-insensitive).
            let close = find_close_tag(bytes, pos, &name_buf);
            let content_end = close.unwrap_or(n);
            b.start(t, attrs, false);
            let keep = match t {
                tag::TITLE | tag::TEXTAREA => true,
                tag::SCRIPT => {
                    // Keep JSON-LD (and other JSON) for metadata.
                    b.elem_top_attr("type")
                        .is_some_and(|v| v.to_ascii_lowercase().contains("json"))
                }
                _ => false,
            };
            if keep {
                let raw = &html[pos..content_end];
                if t == tag::SCRIPT {
                    b.append(Data::Text(raw.to_string()));
                } else {
                    b.text(raw);
                }
            }
            b.end(t);
            pos = match close {
                Some(c) => match memchr::memchr(b'>', &bytes[c..]) {
                    Some(k) => c + k + 1,
                    None => n,
                },
                None => n,
            };
            continue;
        }
        if t == tag::PLAINTEXT {
            b.start(t, attrs, false);
            b.text(&html[pos..]);
            break;
        }
        b.start(t, attrs, self_closing);
    }
    // Subtree ends, bottom-up: O(1) `last_descendant` at any depth.
    let nodes = b.nodes;
    let mut subtree_end: Vec<u32> = (0..nodes.len() as u32).collect();
    for i in (0..nodes.len()).rev() {
        let lc = nodes[i].last_child;
        if lc != NONE {
            subtree_end[i] = subtree_end[lc as usize];
        }
    }
    Dom {
        nodes,
        extra_tags: b.extra_tags,
        subtree_end,
    }
}

impl Builder {
    fn elem_top_attr(&self, name: &str) -> Option<&str> {
        let top = *self.stack.last()?;
        match &self.nodes[top as usize].data {
            Data::Element(e) => e.attr(name),
            _ => None,
        }
    }
}

/// Finds `</name` followed by a non-name byte, from `from`.
fn find_close_tag(bytes: &[u8], from: usize, name: &str) -> Option<usize> {
    let nb = name.as_bytes();
    let mut p = from;
    let finder = memchr::memmem::Finder::new(b"</");
    while p < bytes.len() {
        let k = finder.find(&bytes[p..])?;
        let at = p + k;
        let s = at + 2;
        if s + nb.len() <= bytes.len() && bytes[s..s + nb.len()].eq_ignore_ascii_case(nb) {
            let after = bytes.get(s + nb.len()).copied().unwrap_or(b'>');
            if is_ws(after) || after == b'>' || after == b'/' {
                return Some(at);
            }
        }
        p = at + 2;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_tree() {
        let d = parse("<html><body><p>a<b>b</b></p><p>c</div>d</body></html>");
        let texts: Vec<_> = d
            .nodes
            .iter()
            .filter_map(|n| match &n.data {
                Data::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(texts, vec!["a", "b", "cd"]); // a stray </div> is ignored
    }

    #[test]
    fn deep() {
        let s = "<div>".repeat(100_000) + "x" + &"</div>".repeat(100_000);
        let d = parse(&s);
        assert!(d.nodes.len() > 100_000);
    }
}
