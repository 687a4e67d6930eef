//! Parses files and prints the documents as JSON: `cargo run -p copydesk-parse --example parse_file -- FILE...`
use copydesk_core::Document;
use copydesk_parse::{parse, ParseOptions};

fn main() {
    let text_only = std::env::var("TEXT_ONLY").is_ok();
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).expect("readable file");
        let mut doc = Document::unparsed(path.clone(), "cli", path.clone());
        doc.set_raw_bytes(bytes);
        match parse(doc, &ParseOptions::default()) {
            Ok(mut d) => {
                if text_only {
                    println!("=== {path}\n{}", d.text);
                    continue;
                }
                let sentences: Vec<String> = d
                    .sentences
                    .iter()
                    .map(|s| d.span_text(*s).to_string())
                    .collect();
                d.sentences.clear();
                d.paragraphs.clear();
                let text = std::mem::take(&mut d.text);
                println!("{}", serde_json::to_string_pretty(&d).unwrap());
                println!("--- text ---\n{text}\n--- sentences ---");
                for s in sentences {
                    println!("| {s}");
                }
            }
            Err(e) => println!("ERROR {e}"),
        }
    }
}
