//! Hostile and odd inputs: deep nesting, broken markup, huge pages, wrong
//! encodings, odd JSON-LD, scripts in the body.

use copydesk_extract::{decode, extract, BlockKind};
use std::time::Instant;

/// Runs `f` on a thread with a small stack, so that any recursion on
/// nesting depth (including in Drop) would overflow.
fn small_stack<F: FnOnce() + Send + 'static>(f: F) {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("no panic");
}

fn para(i: usize) -> String {
    format!("<p>Paragraph number {i} of the story, with enough words, commas, and detail to count as real content.</p>")
}

#[test]
fn nesting_100k_deep() {
    for t in ["div", "span", "b", "blockquote", "li", "table", "a", "p"] {
        small_stack(move || {
            let n = 100_000;
            let html = format!(
                "<html><body>{}<p>deep text here, with commas, and words.</p>{}</body></html>",
                format!("<{t}>").repeat(n),
                format!("</{t}>").repeat(n)
            );
            let a = extract(&html);
            drop(a);
            // Unclosed too.
            let html = format!("<{t} class=x>").repeat(n) + "tail";
            let a = extract(&html);
            assert!(a.body().len() < 100);
        });
    }
}

#[test]
fn unclosed_tags_and_stray_html_end() {
    let html = "<html><head><title>T</title><body><div><p>First paragraph, unclosed, with words<p>Second paragraph, also unclosed, more words<div>Third in a div, never closed, still text.</html><p>After the stray end tag, more article text, still counted.";
    let a = extract(html);
    let body = a.body();
    for s in [
        "First paragraph",
        "Second paragraph",
        "Third in a div",
        "After the stray end tag",
    ] {
        assert!(body.contains(s), "{s} missing from {body:?}");
    }
    assert!(a.blocks.len() >= 4, "{:?}", a.blocks);
    // Truncated mid-tag, mid-attribute, mid-comment.
    for cut in [
        "<p>text <a href=\"x",
        "<p>text <!-- comment",
        "<p>text <",
        "<p>text </",
        "<p class='a",
        "<script>var x = 1;",
    ] {
        let _ = extract(cut);
    }
}

#[test]
fn fifty_megabyte_page_is_linear() {
    let mut html = String::from("<html><body><article>");
    let mut i = 0;
    while html.len() < 50 * 1024 * 1024 {
        html.push_str(&para(i));
        if i % 7 == 0 {
            html.push_str("<div class=share><a href=#>Share</a></div><span>inline <b>bold</span>");
        }
        i += 1;
    }
    html.push_str("</article></body></html>");
    let small = html[..html.len() / 10].to_string();
    let t = Instant::now();
    let a = extract(&small);
    let t_small = t.elapsed();
    assert!(!a.blocks.is_empty());
    let t = Instant::now();
    let a = extract(&html);
    let t_big = t.elapsed();
    assert!(a.blocks.len() > 100_000);
    // (how time grows is measured by scripts/bench-scaling.sh, not asserted)
    eprintln!("5 MB: {t_small:?}, 50 MB: {t_big:?}");
}

#[test]
fn scripts_styles_comments_never_in_text() {
    let html = r#"<html><body><article>
        <p>Real text one, with words, and more words to be content.</p>
        <script>document.write("<p>EVIL SCRIPT TEXT</p>"); var a = "</div>";</script>
        <style>p { color: red } .EVILSTYLE {}</style>
        <noscript><p>EVIL NOSCRIPT</p></noscript>
        <!-- <p>EVIL COMMENT</p> -->
        <template><p>EVIL TEMPLATE</p></template>
        <p>Real text two, with words, &amp; entities &eacute;t&eacute; &#8217; &#x2014; &nbsp;end.</p>
        <SCRIPT type="text/javascript">EVIL_UPPER()</SCRIPT >
        </article></body></html>"#;
    let a = extract(html);
    let body = a.body();
    assert!(!body.contains("EVIL"), "{body}");
    assert!(body.contains("Real text one"));
    assert!(
        body.contains("Real text two, with words, & entities été ’ — end."),
        "{body}"
    );
}

#[test]
fn whitespace_and_nfc() {
    let html = "<body><article><p>  Cafe\u{301}   au\n\n lait,\t with  \u{a0} spaces, and plenty of words to be content.  </p></article></body>";
    let a = extract(html);
    assert_eq!(
        a.blocks[0].text,
        "Café au lait, with spaces, and plenty of words to be content."
    );
}

#[test]
fn block_kinds() {
    let html = "<body><article><h2>A subheading inside</h2><p>Body paragraph, with commas, and words, and more words here.</p><ul><li>First list item, with some words</li></ul><blockquote><p>A quoted paragraph, said someone, in the text.</p></blockquote></article></body>";
    let a = extract(html);
    let kinds: Vec<BlockKind> = a.blocks.iter().map(|b| b.kind).collect();
    assert_eq!(
        kinds,
        vec![
            BlockKind::Heading,
            BlockKind::Paragraph,
            BlockKind::ListItem,
            BlockKind::Quote
        ],
        "{:?}",
        a.blocks
    );
}

#[test]
fn windows_1252_with_meta_charset() {
    let mut bytes =
        b"<html><head><meta charset=\"windows-1252\"><title>x</title></head><body><p>Caf".to_vec();
    bytes.extend_from_slice(&[0xE9, b' ', 0x93, b'q', 0x94, b' ', 0x80, b'5']);
    bytes.extend_from_slice(b"</p></body></html>");
    let (text, note) = decode(&bytes);
    assert!(text.contains("Café “q” €5"), "{text}");
    let note = note.expect("note");
    assert!(note.contains("windows-1252"), "{note}");
    // http-equiv, ISO-8859-1 label (WHATWG maps it to windows-1252).
    let mut bytes =
        b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-1\"><p>na"
            .to_vec();
    bytes.push(0xEF);
    bytes.extend_from_slice(b"ve</p>");
    let (text, note) = decode(&bytes);
    assert!(text.contains("naïve"), "{text}");
    assert!(note.is_some());
    // Another declared charset: KOI8-R.
    let mut bytes = b"<meta charset=koi8-r><p>".to_vec();
    bytes.extend_from_slice(&[0xF0, 0xD2, 0xC9, 0xD7, 0xC5, 0xD4]);
    let (text, _) = decode(&bytes);
    assert!(text.contains("Привет"), "{text}");
    // No declaration: windows-1252 fallback.
    let (text, note) = decode(&[b'a', 0xE9, 0xFF]);
    assert_eq!(text, "aéÿ");
    assert!(note.expect("note").contains("fallback"));
    // Valid UTF-8: no note.
    assert_eq!(decode("été".as_bytes()), ("été".to_string(), None));
}

#[test]
fn json_ld_odd_shapes() {
    let cases = [
        // @graph with nested author list and publisher object.
        (
            r#"{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"Site"},{"@type":["NewsArticle"],"headline":"H1","datePublished":"2020-01-02","dateModified":"2020-01-03","author":[{"@type":"Person","name":"Jane Doe"},{"@type":"Person","name":"John Roe"}],"publisher":{"@type":"Organization","name":"The Paper"}}]}"#,
            vec!["Jane Doe", "John Roe"],
            Some("2020-01-02"),
            Some("The Paper"),
        ),
        // Top-level array; author as plain string with "By" and "and".
        (
            r#"[{"@type":"BreadcrumbList"},{"@type":"ReportageNewsArticle","author":"By Ann Lee and Bo Chan","datePublished":"2021-05-05T10:00:00Z"}]"#,
            vec!["Ann Lee", "Bo Chan"],
            Some("2021-05-05T10:00:00Z"),
            None,
        ),
        // Author object that is an organisation, and staff/agency names.
        (
            r#"{"@type":"Article","author":[{"@type":"Organization","name":"Reuters"},{"name":"AFP"},{"name":"Staff Writer"},"Mary Major"]}"#,
            vec!["Mary Major"],
            None,
            None,
        ),
        // Broken JSON, raw newline inside a string, wrong types everywhere.
        (
            r#"{"@type":"NewsArticle","headline":"a
b","author":{"name":{"name":"Deep Name"}},"datePublished":12345}"#,
            vec!["Deep Name"],
            Some("12345"),
            None,
        ),
        (
            r#"{"@type": 5, "author": null, "@graph": "x"}"#,
            vec![],
            None,
            None,
        ),
        (r#"{{{{ not json"#, vec![], None, None),
        (
            r#"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]"#,
            vec![],
            None,
            None,
        ),
    ];
    for (json, authors, published, site) in cases {
        let html = format!("<html><head><script type=\"application/ld+json\">{json}</script></head><body><p>x</p></body></html>");
        let a = extract(&html);
        assert_eq!(a.authors, authors, "{json}");
        assert_eq!(
            a.published.as_ref().map(|d| d.raw.as_str()),
            published,
            "{json}"
        );
        if published.is_some() {
            assert_eq!(a.published.as_ref().unwrap().method, "json-ld");
        }
        assert_eq!(a.site_name.as_deref(), site, "{json}");
    }
    // Deeply nested JSON does not overflow either.
    small_stack(|| {
        let json = "[".repeat(100_000) + &"]".repeat(100_000);
        let html = format!("<script type=\"application/ld+json\">{json}</script>");
        let _ = extract(&html);
    });
}

#[test]
fn metadata_from_meta_tags() {
    let html = r#"<html lang="en-GB"><head>
        <title>Big Story Headline | The Daily Site</title>
        <meta property="og:site_name" content="The Daily Site">
        <meta property="article:published_time" content="2019-11-19T11:00:00Z">
        <meta property="article:modified_time" content="2019-11-20T08:00:00Z">
        <meta name="author" content="The Daily Site Staff">
        <link rel="canonical" href="https://example.com/story">
        </head><body><article>
        <div class="byline">By <a rel="author" href="/a">Sam Carter</a></div>
        <time datetime="2019-11-19">Nov 19</time>
        <p>Body text, long enough, with commas, to be the article paragraph.</p>
        <figure><img src=x><figcaption>Photo: Getty Images</figcaption></figure>
        </article></body></html>"#;
    let a = extract(html);
    assert_eq!(a.title.as_deref(), Some("Big Story Headline"));
    assert_eq!(a.site_name.as_deref(), Some("The Daily Site"));
    assert_eq!(a.language.as_deref(), Some("en"));
    assert_eq!(a.url.as_deref(), Some("https://example.com/story"));
    assert_eq!(
        a.published.as_ref().map(|d| d.method.as_str()),
        Some("meta:article:published_time")
    );
    assert_eq!(
        a.modified.as_ref().map(|d| d.raw.as_str()),
        Some("2019-11-20T08:00:00Z")
    );
    assert_eq!(a.authors, vec!["Sam Carter".to_string()]);
    assert_eq!(
        a.body(),
        "Body text, long enough, with commas, to be the article paragraph."
    );
    assert!(a.removed.iter().any(|r| r.rule == "caption"));
}

/// Deterministic random inputs and mutated pages: never panics, bounded time.
#[test]
fn stress_random_and_mutated() {
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut rnd = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let base = r#"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>T &amp; t</title><script type="application/ld+json">{"@type":"NewsArticle","author":[{"name":"A B"}]}</script></head><body><nav><a href=/>Home</a></nav><article class="article-body"><h1>Head</h1><p>Para one, with <a href=#>link</a> &eacute; &#x41;.</p><ul><li>item</li></ul><blockquote>q</blockquote><table><tr><td>c</td></tr></table></article><!-- c --><footer>f</footer></body></html>"#;
    let pieces: &[&[u8]] = &[
        b"<",
        b">",
        b"</",
        b"<!--",
        b"-->",
        b"&",
        b"&#",
        b";",
        b"\"",
        b"'",
        b"=",
        b"<p>",
        b"</div>",
        b"<script>",
        b"<svg/>",
        b"\xff",
        b"\xc3",
        b"\xe2\x80",
        b"<table><td>",
        b"</html>",
        b"<a href=",
        b"&nbsp",
    ];
    // a fixed number of inputs (not a time budget): the same inputs on every machine
    let mut runs = 0;
    while runs < 300 {
        let mut bytes: Vec<u8> = if rnd() % 3 == 0 {
            (0..(rnd() % 2000)).map(|_| rnd() as u8).collect()
        } else {
            base.as_bytes().to_vec()
        };
        for _ in 0..(rnd() % 20) {
            let pos = (rnd() as usize) % (bytes.len() + 1);
            match rnd() % 3 {
                0 => {
                    let p = pieces[(rnd() as usize) % pieces.len()];
                    bytes.splice(pos..pos, p.iter().copied());
                }
                1 if !bytes.is_empty() => {
                    let end = (pos + (rnd() as usize) % 16).min(bytes.len());
                    bytes.drain(pos.min(end)..end);
                }
                _ => {
                    if pos < bytes.len() {
                        bytes[pos] = rnd() as u8;
                    }
                }
            }
        }
        let (text, _) = decode(&bytes);
        let a = extract(&text);
        for b in &a.blocks {
            assert!(!b.text.is_empty());
            assert!(!b.text.starts_with(' ') && !b.text.ends_with(' '));
        }
        runs += 1;
    }
    eprintln!("stress: {runs} inputs");
    assert!(runs > 100);
}

#[test]
fn author_cleaning() {
    use copydesk_extract::clean_author;
    assert_eq!(
        clean_author("By LISA MASCARO", None).as_deref(),
        Some("Lisa Mascaro")
    );
    assert_eq!(
        clean_author("Analysis by Chris Cillizza", None).as_deref(),
        Some("Chris Cillizza")
    );
    assert_eq!(clean_author("정덕현", None).as_deref(), Some("정덕현"));
    for bad in [
        "AFP",
        "Staff",
        "Reuters Staff",
        "The Water Coolest",
        "Getty Images",
        "Jeff Foust Monday",
        "https://x.com/a",
        "@handle",
        "Example News",
        "Alfabetização",
        "news desk",
    ] {
        assert_eq!(clean_author(bad, Some("Example News")), None, "{bad}");
    }
}

#[test]
fn json_ld_article_body_as_fallback() {
    let body: Vec<String> = (0..30)
        .map(|i| format!("Sentence {i} of the declared story &amp; its words number{i}."))
        .collect();
    let json =
        serde_json::json!({"@type": "NewsArticle", "articleBody": body.join("\n")}).to_string();
    // The page shows only a teaser and a link list: the declared body wins.
    let html = format!("<html><head><script type=\"application/ld+json\">{json}</script></head><body><div><p>Teaser paragraph, short, with a comma, and nothing else to read here today.</p></div><ul><li><a href=/a>Link one</a></li></ul></body></html>");
    let a = extract(&html);
    assert_eq!(a.blocks.len(), 30, "{:?}", a.blocks);
    assert_eq!(
        a.blocks[0].text,
        "Sentence 0 of the declared story & its words number0."
    );
}

/// Inputs built to hit any per-tag walk over the open-element stack or over
/// a subtree: each must stay (near) linear.
#[test]
fn pathological_patterns_stay_linear() {
    let n = 200_000;
    let cases: Vec<(&str, String)> = vec![
        (
            "deep then body tags",
            "<div>".repeat(5000) + &"<body class=x>".repeat(n),
        ),
        (
            "p under spans then li",
            "<p>".to_string() + &"<span>".repeat(100) + &"<li>x".repeat(n),
        ),
        ("nested blockquotes with text", "<blockquote>q ".repeat(n)),
        ("nested itemprop=author", "<div itemprop=author>".repeat(n)),
        (
            "nested bylines",
            "<div class=byline>".repeat(n) + "By Jane Doe",
        ),
        ("nested links and divs", "<a href=#><div>t ".repeat(n)),
        ("unclosed formatting", "<b><i><u>".repeat(n)),
        ("stray end tags", "</div></p></span></li></td>".repeat(n)),
        (
            "many attributes",
            format!("<div {}>x</div>", "a=1 ".repeat(n)),
        ),
        ("entities", "&amp;&#x41;&#65;&bogus;&".repeat(n)),
        (
            "unterminated comment",
            "<!--".to_string() + &"x".repeat(n * 10),
        ),
        (
            "unterminated script",
            "<script>".to_string() + &"</scrip".repeat(n),
        ),
    ];
    for (name, html) in cases {
        let t = Instant::now();
        let a = extract(&html);
        let el = t.elapsed();
        eprintln!("{name}: {} KB in {el:?}", html.len() / 1000);
        drop(a);
    }
}

#[test]
fn generic_layouts() {
    // Old table layout, <br>-separated text, no paragraphs.
    let html = r#"<html><body><table><tr><td class="nav"><a href=/>Home</a> | <a href=/n>News</a></td></tr>
<tr><td width=600><font size=2><b>Town council approves budget</b><br><br>
The town council on Monday approved a budget of $3 million, after a long debate about roads, schools and the library.<br><br>
Council member Jane Roe said the vote, which passed 5-2, was "a compromise that nobody loves, but everyone can live with."<br><br>
The budget takes effect in July.</font></td><td width=200><a href=/a>Other story one</a><br><a href=/b>Other story two</a></td></tr></table>
<div class="copyright">© 2019 Town Paper</div></body></html>"#;
    let body = extract(html).body();
    assert!(
        body.contains("The town council on Monday approved"),
        "{body}"
    );
    assert!(body.ends_with("The budget takes effect in July."), "{body}");
    assert!(
        !body.contains("Other story")
            && !body.contains("Home")
            && !body.contains("2019 Town Paper"),
        "{body}"
    );

    // Lead paragraph in its own wrapper before the main text, an ad between,
    // a list inside, a link list after.
    let html = r#"<html><body><div class="wrapper"><div class="main"><div class="story">
<div class="lead"><p>Lead paragraph of the story, with commas, names, and the key facts that matter most.</p></div>
<div class="inline-ad"><p>Advertisement</p></div>
<div class="text"><p>Second paragraph continues the report, quoting officials, who said things.</p>
<p>Things to know:</p><ul><li>First point about the matter at hand.</li><li>Second point, also important to readers.</li></ul>
<p>Final paragraph closes the story, with a last quote from a resident of the town.</p></div>
</div><div class="more"><h3>More stories</h3><ul><li><a href=/1>Headline one here for more</a></li><li><a href=/2>Headline two here for more</a></li></ul></div></div></div></body></html>"#;
    let a = extract(html);
    let body = a.body();
    assert!(body.starts_with("Lead paragraph of the story"), "{body}");
    assert!(
        body.ends_with("a last quote from a resident of the town."),
        "{body}"
    );
    assert!(
        !body.contains("Advertisement")
            && !body.contains("More stories")
            && !body.contains("Headline one"),
        "{body}"
    );
    assert_eq!(
        a.blocks
            .iter()
            .filter(|b| b.kind == BlockKind::ListItem)
            .count(),
        2
    );
}
