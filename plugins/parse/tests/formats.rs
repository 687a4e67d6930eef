//! TREC, JSON Lines, HTML and bad input.

use copydesk_core::{DocKind, Document, Level, Plugin, StageKind};
use copydesk_parse::{parse, split_trec, ParseOptions, ParsePlugin};

fn doc_from(path: &str, raw: &str) -> Document {
    let mut d = Document::unparsed("b/x", "b", path);
    d.raw = Some(raw.to_string());
    d
}

fn run(path: &str, raw: &str) -> Document {
    let d = parse(doc_from(path, raw), &ParseOptions::default()).expect("parses");
    d.check_spans().expect("spans fit");
    d
}

fn has(d: &Document, code: &str) -> bool {
    d.diagnostics.iter().any(|x| x.code == code)
}

#[test]
fn duc_trec_files() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/duc2007-update");
    if !dir.exists() {
        println!("skipped: {} is absent", dir.display());
        return;
    }
    let read = |rel: &str| std::fs::read_to_string(dir.join(rel)).unwrap();
    // Xinhua, with <P> paragraphs and a dateline.
    let d = run(
        "XIE19960123.0270.sgml",
        &read("D0703A-A/docs/XIE19960123.0270.sgml"),
    );
    assert_eq!(d.source.format.as_deref(), Some("trec"));
    assert_eq!(d.kind, DocKind::Article);
    assert_eq!(
        d.title.as_deref(),
        Some("Majority of EU Citizens in Favor of Single Currency")
    );
    assert_eq!(d.outlet.as_deref(), Some("Xinhua"));
    assert_eq!(d.published.as_ref().unwrap().value, "1996-01-22T21:11:00");
    assert_eq!(d.dateline.as_deref(), Some("BRUSSELS, January 22 (Xinhua)"));
    assert_eq!(d.paragraphs.len(), 5);
    assert!(d
        .text
        .starts_with("Two recent Eurobarometer opinion polls showed"));
    // AP: no <P>, indented paragraphs, a broken DATE_TIME (month 14), a sign-off.
    let d = run(
        "APW19980614.0676.sgml",
        &read("D0703A-B/docs/APW19980614.0676.sgml"),
    );
    assert_eq!(d.outlet.as_deref(), Some("Associated Press"));
    assert_eq!(
        d.title.as_deref(),
        Some("European central bank chief says euro will rival U.S. dollar")
    );
    let p = d.published.as_ref().unwrap();
    assert_eq!(
        (p.value.as_str(), p.method.as_str()),
        ("1998-06-14", "trec:DOCNO")
    );
    assert!(has(&d, "date:unparsed"));
    assert_eq!(d.dateline.as_deref(), Some("FRANKFURT, Germany (AP)"));
    assert_eq!(d.paragraphs.len(), 5);
    assert!(!d.text.contains("(gb)") && !d.text.contains("PROFILE") && !d.text.contains("``"));
    assert!(d.text.contains("“That which the Americans see"));
    // NYT: byline outside <TEXT>, ANNOTATION, `_` dateline.
    let d = run(
        "NYT19981020.0317.sgml",
        &read("D0721E-A/docs/NYT19981020.0317.sgml"),
    );
    assert_eq!(d.outlet.as_deref(), Some("New York Times"));
    assert_eq!(d.authors, ["Michael Cooper"]);
    assert_eq!(d.dateline.as_deref(), Some("NEW YORK"));
    assert!(d.text.starts_with("For some of the younger marchers"));
    assert!(has(&d, "boilerplate:annotation"));
    assert!(
        !d.text.contains("STORY CAN END HERE") && !d.text.contains("&QL;") && !d.text.contains('<')
    );
    // Every DUC file parses, with a title, a date and a body.
    let mut n = 0;
    for folder in std::fs::read_dir(&dir).unwrap() {
        let docs = folder.unwrap().path().join("docs");
        if !docs.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(docs).unwrap() {
            let f = f.unwrap().path();
            let d = run(&f.to_string_lossy(), &std::fs::read_to_string(&f).unwrap());
            assert_eq!(d.source.format.as_deref(), Some("trec"), "{}", f.display());
            assert!(
                d.published.is_some() && d.outlet.is_some(),
                "{}",
                f.display()
            );
            assert!(
                d.title.is_some() || has(&d, "trec:no-headline"),
                "{}",
                f.display()
            );
            assert!(d.sentences.len() >= 2, "{}", f.display());
            assert!(
                !d.text.contains('<') && !d.text.contains("&AMP;"),
                "{}",
                f.display()
            );
            n += 1;
        }
    }
    assert!(n >= 100, "{n} files");
}

const TREC: &str = "<DOC>\n<DOCNO> APW19981231.0443 </DOCNO>\n<DOCTYPE> NEWS STORY </DOCTYPE>\n<DATE_TIME> 1998-12-31 16:27 </DATE_TIME>\n<BODY>\n<HEADLINE> Euro debuts &AMP; rises </HEADLINE>\n<TEXT>\n<P>\n   BRUSSELS, Belgium (AP) _ The euro rose on its first day. It was\nwelcomed by ``traders,'' officials said.\n</P>\n<P>\n   Markets were calm.\n</P>\n</TEXT>\n</BODY>\n</DOC>\n";

#[test]
fn trec_record_fields() {
    let d = run("a.sgml", TREC);
    assert_eq!(d.title.as_deref(), Some("Euro debuts & rises"));
    assert_eq!(d.published.as_ref().unwrap().value, "1998-12-31T16:27:00");
    assert_eq!(d.outlet.as_deref(), Some("Associated Press"));
    assert_eq!(d.dateline.as_deref(), Some("BRUSSELS, Belgium (AP)"));
    assert_eq!(d.text, "The euro rose on its first day. It was welcomed by “traders,” officials said.\n\nMarkets were calm.");
    assert_eq!(d.sentences.len(), 3);
    assert!(d.diagnostics.iter().all(|x| x.level == Level::Info));
}

#[test]
fn trec_record_cut_in_the_middle() {
    let cut = &TREC[..TREC.find("officials said").unwrap()];
    let d = run("cut.sgml", cut);
    assert_eq!(d.source.format.as_deref(), Some("trec"));
    assert_eq!(d.title.as_deref(), Some("Euro debuts & rises"));
    assert!(d.text.starts_with("The euro rose on its first day."));
    assert!(d
        .diagnostics
        .iter()
        .any(|x| x.code == "trec:truncated" && x.level == Level::Warning));
}

#[test]
fn trec_many_records_parse_the_first_and_split() {
    let two = format!(
        "{TREC}\n{}",
        TREC.replace("APW19981231.0443", "NYT19990101.0001")
            .replace("Euro debuts", "Second")
    );
    let d = run("two.sgml", &two);
    assert_eq!(d.title.as_deref(), Some("Euro debuts & rises"));
    assert!(has(&d, "trec:many-records"));
    let recs = split_trec(&two);
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0].0, 1);
    assert_eq!(recs[1].0, TREC.lines().count() + 2);
    assert!(
        recs[1].1.starts_with("<DOC>")
            && recs[1].1.ends_with("</DOC>")
            && recs[1].1.contains("NYT19990101")
    );
}

#[test]
fn jsonl_records() {
    let line = r#"{"title": "Kerry  lost the argument", "maintext": "NEW YORK (AP) -- Kerry spoke. He said so.\nAdvertisement\nSecond paragraph here.", "authors": ["Jane Doe", "John Roe"], "date_publish": "2016-10-01 09:10:00", "source_domain": "apnews.com", "url": "https://apnews.com/x", "language": "en", "id": "r1"}"#;
    let mut doc = doc_from("a.jsonl", line);
    doc.source.format = Some("jsonl".into());
    doc.source.record = Some(7);
    let opts = ParseOptions {
        field_id: Some("id".into()),
        ..ParseOptions::default()
    };
    let d = parse(doc, &opts).unwrap();
    assert_eq!(d.source.format.as_deref(), Some("jsonl"));
    assert_eq!(d.title.as_deref(), Some("Kerry lost the argument"));
    assert_eq!(d.authors, ["Jane Doe", "John Roe"]);
    assert_eq!(d.byline.as_deref(), Some("Jane Doe and John Roe"));
    assert_eq!(d.published.as_ref().unwrap().value, "2016-10-01T09:10:00");
    assert_eq!(d.outlet.as_deref(), Some("apnews.com"));
    assert_eq!(d.url.as_deref(), Some("https://apnews.com/x"));
    assert_eq!(d.language.as_deref(), Some("en"));
    assert_eq!(d.dateline.as_deref(), Some("NEW YORK (AP)"));
    assert_eq!(d.text, "Kerry spoke. He said so.\n\nSecond paragraph here.");
    assert!(has(&d, "boilerplate:advertisement"));
    assert_eq!(d.ext["parse"]["record_id"], "r1");
    // `text` when `maintext` is absent; authors as one string.
    let d = run(
        "b.jsonl",
        r#"{"text": "Body text.", "authors": "Jane Doe and John Roe"}"#,
    );
    assert_eq!(d.text, "Body text.");
    assert_eq!(d.authors, ["Jane Doe", "John Roe"]);
}

#[test]
fn jsonl_line_that_is_not_json() {
    let mut doc = doc_from("feed.jsonl", "{\"title\": \"cut here");
    doc.source.format = Some("jsonl".into());
    doc.source.record = Some(42);
    let e = parse(doc, &ParseOptions::default()).unwrap_err();
    assert!(
        e.message
            .starts_with("feed.jsonl: line 42: not valid JSON:"),
        "{}",
        e.message
    );
    let mut doc = doc_from("feed.jsonl", "[1, 2]");
    doc.source.format = Some("jsonl".into());
    let e = parse(doc, &ParseOptions::default()).unwrap_err();
    assert!(
        e.message.contains("expected a JSON object"),
        "{}",
        e.message
    );
}

#[test]
fn html_is_detected_and_handed_to_extract() {
    let page = "<!DOCTYPE html><html lang=\"en\"><head><title>T</title></head><body><p>Hello.</p></body></html>";
    let d = run("page.html", page);
    assert_eq!(d.source.format.as_deref(), Some("html"));
    assert_eq!(d.kind, DocKind::Article);
    assert!(d.raw.is_none());
}

#[test]
fn empty_input_is_an_error() {
    let e = parse(doc_from("in/empty.txt", ""), &ParseOptions::default()).unwrap_err();
    assert_eq!(e.message, "in/empty.txt: file is empty");
    let e = parse(
        doc_from("in/blank.txt", " \n\n\t "),
        &ParseOptions::default(),
    )
    .unwrap_err();
    assert!(
        e.message.starts_with("in/blank.txt: file is empty"),
        "{}",
        e.message
    );
}

#[test]
fn binary_input_is_an_error() {
    let mut doc = Document::unparsed("b/x", "b", "in/photo.jpg");
    doc.set_raw_bytes(vec![
        0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00,
    ]);
    let e = parse(doc, &ParseOptions::default()).unwrap_err();
    assert_eq!(e.message, "in/photo.jpg: looks like a binary file, not text (NUL byte at offset 4); give a text, HTML, TREC or JSON Lines file");
    let controls: String = (0..200)
        .map(|i| if i % 3 == 0 { 'a' } else { '\u{1}' })
        .collect();
    let e = parse(doc_from("in/ctl.bin", &controls), &ParseOptions::default()).unwrap_err();
    assert!(
        e.message.contains("looks like a binary file"),
        "{}",
        e.message
    );
}

#[test]
fn windows_1252_bytes_are_decoded_with_a_warning() {
    let bytes =
        b"Caf\xe9 talks\n\nKerry said the caf\xe9 was closed \x93today\x94. Officials agreed.";
    let mut doc = Document::unparsed("b/x", "b", "in/cp1252.txt");
    doc.set_raw_bytes(bytes.to_vec());
    let d = parse(doc, &ParseOptions::default()).unwrap();
    d.check_spans().unwrap();
    assert!(d
        .diagnostics
        .iter()
        .any(|x| x.code == "encoding" && x.level == Level::Warning));
    assert!(d.title.as_deref().unwrap().starts_with("Caf"));
    assert!(d.text.starts_with("Kerry said the caf"));
    assert!(d.raw_base64.is_none());
}

#[test]
fn huge_plain_text_is_linear() {
    let para = "The ceasefire collapsed after a week, officials said. \"We don't behave like Russians,\" Kerry said on Sept. 22 in New York.\n\n";
    let mut big = String::from("Headline of a very long file\n\n");
    let mut i = 0;
    while big.len() < 10_000_000 {
        i += 1;
        big.push_str(&para.replace("a week", &format!("{i} days")));
    }
    // And one enormous paragraph with no line breaks at all.
    let mut one_line = String::from("Another headline\n\n");
    while one_line.len() < 2_000_000 {
        one_line.push_str("word and more words, ");
    }
    let d = run("big.txt", &big);
    let d2 = run("one.txt", &one_line);
    assert_eq!(d.title.as_deref(), Some("Headline of a very long file"));
    assert!(d.paragraphs.len() > 70_000);
    assert_eq!(d.sentences.len(), d.paragraphs.len() * 2);
    assert_eq!(d2.paragraphs.len(), 1);
}

#[test]
fn unbalanced_quotes_do_not_break_parsing() {
    let text = "Headline with a “quote\n\nHe said “this never ends. And then it did.\n\n“Another open quote, Kerry said. Then a closing one” and more.\n";
    let d = run("q.txt", text);
    assert_eq!(d.title.as_deref(), Some("Headline with a “quote"));
    assert_eq!(d.paragraphs.len(), 2);
    let s: Vec<&str> = d.sentences.iter().map(|x| d.span_text(*x)).collect();
    assert_eq!(
        s,
        [
            "He said “this never ends.",
            "And then it did.",
            "“Another open quote, Kerry said.",
            "Then a closing one” and more."
        ]
    );
}

#[test]
fn format_option_forces_a_format() {
    let opts = ParseOptions {
        format: "text".into(),
        ..ParseOptions::default()
    };
    let d = parse(doc_from("a.sgml", TREC), &opts).unwrap();
    assert_eq!(d.source.format.as_deref(), Some("text"));
    let transcript = "Title\n\nKerry\n\n[00:01]\n\nHello there.\n\nKirby\n\n(00:00:05)\n\nHi.\n\nKerry\n\n00:09\n\nBye.\n";
    let d = run("t.txt", transcript);
    assert_eq!(d.kind, DocKind::Transcript);
    assert_eq!(d.turns.len(), 3);
    assert_eq!(d.turns[1].seconds, Some(5.0));
}

#[test]
fn plugin_declares_its_stage_and_options() {
    let stages = ParsePlugin::stages();
    assert_eq!(stages.len(), 1);
    let s = &stages[0];
    assert_eq!((s.name.as_str(), s.kind), ("parse", StageKind::Document));
    assert_eq!(s.provides, ["text"]);
    let names: Vec<&str> = s.options.iter().map(|o| o.name.as_str()).collect();
    for n in [
        "format",
        "field_id",
        "field_text",
        "field_title",
        "field_url",
        "field_authors",
        "field_published",
        "field_outlet",
        "field_language",
    ] {
        assert!(names.contains(&n), "{n}");
    }
    let format = s.options.iter().find(|o| o.name == "format").unwrap();
    assert_eq!(
        format.choices,
        ["auto", "text", "transcript", "html", "trec", "jsonl"]
    );
    assert_eq!(format.default, "auto");
    let text = s.options.iter().find(|o| o.name == "field_text").unwrap();
    assert_eq!(text.default, "maintext,text");
    let mut o = copydesk_core::Options::default();
    o.0.insert("format".into(), "xml".into());
    assert!(ParseOptions::from_options(&o).is_err());
    o.0.insert("format".into(), "trec".into());
    assert_eq!(ParseOptions::from_options(&o).unwrap().format, "trec");
}

#[test]
fn jsonl_clean_false_keeps_the_body_as_given() {
    let line = r#"{"id": "x", "text": "WASHINGTON (AP) -- The Senate voted on Monday.\nAdvertisement\nThe bill now goes to the House."}"#;
    let doc = || {
        let mut d = doc_from("a.jsonl", line);
        d.source.format = Some("jsonl".into());
        d
    };
    let cleaned = parse(doc(), &ParseOptions::default()).unwrap();
    assert!(
        !cleaned.text.contains("Advertisement") && !cleaned.text.contains("WASHINGTON"),
        "{}",
        cleaned.text
    );
    let kept = parse(
        doc(),
        &ParseOptions {
            clean: false,
            ..ParseOptions::default()
        },
    )
    .unwrap();
    assert!(
        kept.text.contains("Advertisement") && kept.text.starts_with("WASHINGTON (AP) --"),
        "{}",
        kept.text
    );
}
