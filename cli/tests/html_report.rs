//! `report.html` and `index.html` end to end: a hostile article shows as
//! text and runs nothing, in the written files and in a real browser
//! (headless Chromium, when installed; `.ci/run` installs it on CI).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

const HOSTILE: &str = r#"<script>alert(1)</script> Headline

By Jane <b>Doe</b>

GENEVA, Oct. 1 -- The minister said "we will not retreat from these talks <img src=x onerror=alert(1)>" at a press conference on Friday.

<img src=x onerror="document.title='pwned'">

<script>document.title='pwned'</script>

The talks resume next week in Geneva, officials said, after two days of meetings that ended without an agreement on the ceasefire.
"#;

const NORMAL: &str = r#"Ceasefire talks stall in Geneva

By John Smith

GENEVA, Oct. 2 -- Negotiators left Geneva without a deal on Saturday. The minister said "we will not retreat from these talks" before leaving the hall.

The talks resume next week in Geneva, officials said, after two days of meetings that ended without an agreement on the ceasefire.

Diplomats expect a new draft text to circulate before then & the mood is cautious.
"#;

/// Writes the two-bundle input (the example bundle and a hostile one) and a
/// pipeline with every format; runs copydesk; returns the output directory.
fn run_hostile(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    let input = example_input(&dir);
    let hostile = input.join("hostile <&> bundle");
    std::fs::create_dir_all(&hostile).unwrap();
    std::fs::write(hostile.join("a.txt"), HOSTILE).unwrap();
    std::fs::write(hostile.join("b.txt"), NORMAL).unwrap();
    pipeline(
        &dir,
        r#"
[input]
path = "bundles"

[output]
dir = "out"
formats = ["json", "markdown", "html"]

[[stage]]
plugin = "parse"

[[stage]]
plugin = "dedup"

[[stage]]
plugin = "summary"
[stage.options]
words = 100

[[stage]]
plugin = "quotes"
"#,
    );
    let out = copydesk(&dir, &["run", "pipeline.toml"]);
    let (stdout, stderr) = text(&out);
    assert!(
        out.status.success(),
        "copydesk run failed ({:?})\n{stdout}\n{stderr}",
        out.status.code()
    );
    dir.join("out")
}

/// Every `<...>` the page opens: markup, as opposed to escaped text.
fn tags(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        let after = &rest[i + 1..];
        let end = after.find('>').expect("unclosed tag");
        out.push(&after[..end]);
        rest = &after[end + 1..];
    }
    out
}

/// The page with its tags removed: the text a reader sees (still escaped).
/// The quotes stage may mark text inside the hostile markup, so the escaped
/// The bundle `hostile <&> bundle` lives in this directory: characters
/// that are unsafe in file names are percent-encoded (docs/output.md).
const HOSTILE_DIR: &str = "hostile %3C%26%3E bundle";

/// markup is looked for here, not in the raw page.
fn untagged(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let end = rest[i..].find('>').expect("unclosed tag");
        rest = &rest[i + end + 1..];
    }
    out.push_str(rest);
    out
}

fn assert_inert(html: &str, what: &str) {
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "{what} has a <script> element");
    assert!(!lower.contains("<img"), "{what} has an <img> element");
    for t in tags(&lower) {
        assert!(
            !t.contains("onerror") && !t.contains("onload") && !t.contains("javascript:"),
            "{what} has an active attribute: <{t}>"
        );
    }
}

#[test]
fn hostile_article_is_escaped_in_report_and_index() {
    let out = run_hostile("html-escape");
    let report = out.join(HOSTILE_DIR).join("report.html");
    let html =
        std::fs::read_to_string(&report).unwrap_or_else(|e| panic!("{}: {e}", report.display()));
    assert!(html.starts_with("<!doctype html>"));
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt; Headline"),
        "the hostile title is not shown escaped:\n{html}"
    );
    let shown = untagged(&html);
    assert!(shown.contains("&lt;img src=x onerror=&quot;document.title=&#39;pwned&#39;&quot;&gt;"));
    assert!(shown.contains("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;"));
    assert_inert(&html, "report.html");
    // Self-contained: nothing loaded from elsewhere.
    for t in tags(&html) {
        assert!(
            !t.contains("src=") && !t.contains("http:") && !t.contains("https:"),
            "<{t}>"
        );
    }
    // The example bundle's report has the brief's citations resolving to marks.
    let kerry = std::fs::read_to_string(out.join("kerry-syria/report.html")).unwrap();
    assert_inert(&kerry, "kerry-syria/report.html");
    let mut cited = 0;
    for t in tags(&kerry) {
        if let Some(anchor) = t
            .strip_prefix("a href=\"#")
            .and_then(|r| r.strip_suffix('"'))
        {
            assert!(
                kerry.contains(&format!("id=\"{anchor}\"")),
                "link to #{anchor} has no target"
            );
            cited += 1;
        }
    }
    assert!(cited > 10, "only {cited} in-page links");
    assert!(kerry.contains("<mark class=\"sum\" id=\"s1\""));
    assert!(kerry.contains("<h2>Quotes</h2>"));

    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert_inert(&index, "index.html");
    assert!(
        index.contains("href=\"kerry-syria/report.html\""),
        "{index}"
    );
    assert!(
        index.contains("href=\"hostile%20%253C%2526%253E%20bundle/report.html\""),
        "{index}"
    );
    assert!(index.contains("&lt;script&gt;alert(1)&lt;/script&gt; Headline"));

    // Deterministic: a second run writes the same bytes.
    let again = run_hostile("html-escape-again");
    for f in [
        "index.html",
        "kerry-syria/report.html",
        "hostile %3C%26%3E bundle/report.html",
    ] {
        assert_eq!(
            std::fs::read(out.join(f)).unwrap(),
            std::fs::read(again.join(f)).unwrap(),
            "{f} differs between runs"
        );
    }
}

const CHROMIUM: &str = "/usr/bin/chromium";

/// Runs headless Chromium with a fresh profile; returns stdout. Kills it
/// after two minutes.
fn chromium(work: &Path, name: &str, args: &[String]) -> String {
    let profile = work.join(format!("profile-{name}"));
    let _ = std::fs::remove_dir_all(&profile);
    let mut child = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).unwrap();
        s
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "chromium {args:?} failed: {status}");
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium {args:?} did not finish in 2 minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    reader.join().unwrap()
}

fn file_url(path: &Path) -> String {
    let path = path.canonicalize().unwrap();
    let mut url = String::from("file://");
    for b in path.to_str().unwrap().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

fn screenshot(work: &Path, name: &str, page: &Path) -> Vec<u8> {
    let png = work.join(format!("{name}.png"));
    let _ = std::fs::remove_file(&png);
    chromium(
        work,
        name,
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1200,2000".into(),
            file_url(page),
        ],
    );
    let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("{}: {e}", png.display()));
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{} is not a PNG",
        png.display()
    );
    bytes
}

#[test]
fn hostile_article_runs_nothing_in_a_browser() {
    if !Path::new(CHROMIUM).exists() {
        if std::env::var_os("CI").is_some() {
            panic!("{CHROMIUM} is missing: .ci/run should have installed it (apt-get install chromium)");
        }
        eprintln!("skipping the browser test: {CHROMIUM} is missing (apt-get install chromium)");
        return;
    }
    let out = run_hostile("html-browser");
    let work = out.parent().unwrap().to_path_buf();
    let report = out.join(HOSTILE_DIR).join("report.html");

    let dom = chromium(&work, "dom", &["--dump-dom".into(), file_url(&report)]);
    let title = dom
        .split("<title>")
        .nth(1)
        .and_then(|t| t.split("</title>").next())
        .unwrap_or_else(|| panic!("no <title> in the DOM:\n{dom}"));
    assert!(!title.contains("pwned"), "a script ran: title is {title:?}");
    assert_eq!(title, "&lt;script&gt;alert(1)&lt;/script&gt; Headline");
    let shown = untagged(&dom);
    assert!(shown.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"));
    assert!(shown.contains("&lt;img src=x onerror=\"document.title='pwned'\"&gt;"));
    assert_inert(
        dom.split("</style>").nth(1).unwrap_or(&dom),
        "the browser's DOM",
    );

    let index_dom = chromium(
        &work,
        "index-dom",
        &["--dump-dom".into(), file_url(&out.join("index.html"))],
    );
    assert!(index_dom.contains("&lt;script&gt;alert(1)&lt;/script&gt; Headline"));
    assert_inert(&index_dom, "the index's DOM");

    // Screenshots: a blank page gives the size of an empty image; the
    // reports must be far from empty.
    let blank = work.join("blank.html");
    std::fs::write(&blank, "<!doctype html><title>blank</title>").unwrap();
    let blank_png = screenshot(&work, "blank", &blank).len();
    for (name, page) in [
        ("hostile", report.clone()),
        ("kerry", out.join("kerry-syria/report.html")),
        ("index", out.join("index.html")),
    ] {
        let png = screenshot(&work, name, &page).len();
        eprintln!("screenshot {name}: {png} bytes (blank page: {blank_png} bytes)");
        assert!(png > 10_000, "{name}.png is only {png} bytes");
        assert!(
            png >= 2 * blank_png,
            "{name}.png ({png} bytes) is barely larger than a blank page ({blank_png} bytes)"
        );
    }
}
