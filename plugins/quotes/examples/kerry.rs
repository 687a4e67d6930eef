//! Runs the quotes stage on examples/bundles/kerry-syria (documents made
//! by the parse plugin's rlib, as in the tests) and prints every quote.
//!
//! `cargo run -p copydesk-quotes --example kerry [-- --json]`

#[path = "../tests/common/mod.rs"]
mod common;

fn main() {
    let bundle = common::run(common::example_bundle());
    if std::env::args().any(|a| a == "--json") {
        println!(
            "{}",
            serde_json::to_string_pretty(
                &serde_json::json!({"quotes": bundle.quotes, "ext": bundle.ext})
            )
            .unwrap()
        );
        return;
    }
    for (i, q) in bundle.quotes.iter().enumerate() {
        let outlets: Vec<String> = q
            .occurrences
            .iter()
            .map(|o| {
                format!(
                    "{}[{}]",
                    &o.doc[12..15],
                    o.speaker.as_deref().unwrap_or("?")
                )
            })
            .collect();
        println!(
            "#{i} {:?}\n   speaker: {:?}  in: {}",
            q.text,
            q.speaker,
            outlets.join(", ")
        );
        match &q.source {
            Some(s) => println!(
                "   source: turn {} [{}] label {:?}  fidelity {:?}  conflict {}",
                s.turn,
                s.timestamp.as_deref().unwrap_or("-"),
                s.speaker_label,
                q.fidelity,
                q.attribution_conflict
            ),
            None => println!("   source: none  fidelity {:?}", q.fidelity),
        }
        if let Some(d) = &q.diff {
            println!("   diff: {d}");
        }
    }
    println!("ext: {}", serde_json::to_string(&bundle.ext).unwrap());
}
