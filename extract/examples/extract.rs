//! Prints the article body of an HTML file (for the eval's `--cmd`).
//! `--meta` also prints the metadata to stderr.
use std::io::Write;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let meta = args.iter().any(|a| a == "--meta");
    args.retain(|a| a != "--meta");
    let Some(path) = args.first() else {
        eprintln!("usage: extract [--meta] FILE.html");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let (html, note) = copydesk_extract::decode(&bytes);
    if let Some(k) = args.iter().position(|a| a == "--path") {
        // Debug: ancestor chain of the first text node containing a string.
        let needle = &args[k + 1];
        let dom = copydesk_extract::dom::parse(&html);
        for (i, n) in dom.nodes.iter().enumerate() {
            if let copydesk_extract::dom::Data::Text(t) = &n.data {
                if t.contains(needle.as_str()) {
                    let mut p = n.parent;
                    while p != copydesk_extract::dom::NONE {
                        if let Some(e) = dom.elem(p) {
                            eprintln!(
                                "{p} <{} {:?}>",
                                dom.tag_name(e.tag),
                                e.attrs
                                    .iter()
                                    .filter(|(k, _)| k == "class" || k == "id")
                                    .collect::<Vec<_>>()
                            );
                        }
                        p = dom.nodes[p as usize].parent;
                    }
                    let _ = i;
                    break;
                }
            }
        }
        return;
    }
    let a = copydesk_extract::extract(&html);
    if meta {
        if let Some(n) = note {
            eprintln!("decode: {n}");
        }
        eprintln!("title: {:?}\nauthors: {:?}\npublished: {:?}\nmodified: {:?}\nsite: {:?}\nurl: {:?}\nlang: {:?}", a.title, a.authors, a.published, a.modified, a.site_name, a.url, a.language);
        for r in &a.removed {
            eprintln!("removed [{}] {}", r.rule, r.snippet);
        }
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", a.body());
}
