//! The example bundle examples/bundles/kerry-syria: four articles and the
//! transcript of the recording.

mod common;

use copydesk_core::{Bundle, Quote};

fn bundle() -> Bundle {
    common::run(common::example_bundle())
}

fn find<'a>(b: &'a Bundle, start: &str) -> &'a Quote {
    b.quotes
        .iter()
        .find(|q| q.text.starts_with(start))
        .unwrap_or_else(|| {
            panic!(
                "no quote starting {start:?}; have {:#?}",
                b.quotes.iter().map(|q| &q.text).collect::<Vec<_>>()
            )
        })
}

fn ts(q: &Quote) -> Option<&str> {
    q.source.as_ref().and_then(|s| s.timestamp.as_deref())
}

fn docs(q: &Quote) -> Vec<&str> {
    q.occurrences
        .iter()
        .map(|o| &o.doc["kerry-syria/".len().."kerry-syria/".len() + 3])
        .collect()
}

#[test]
fn spans_point_at_the_quoted_words() {
    let b = bundle();
    for q in &b.quotes {
        for o in &q.occurrences {
            let doc = b.document(&o.doc).unwrap();
            let s = doc
                .text
                .get(o.start..o.end)
                .expect("span on char boundaries");
            assert!(
                !s.starts_with(['"', '“', '‘', '\'', ' '])
                    && !s.ends_with(['"', '”', '’', ' ', ',']),
                "{s:?}"
            );
        }
        if let Some(src) = &q.source {
            let doc = b.document(&src.doc).unwrap();
            assert!(doc.text.get(src.start..src.end).is_some());
            assert!(doc.turns[src.turn].span.start <= src.start);
        }
    }
}

#[test]
fn multi_sentence_quote_is_altered_at_33_56() {
    let b = bundle();
    let q = find(
        &b,
        "I lost the argument. I’ve argued for the use of force. I’m the guy who stood up",
    );
    assert_eq!(q.speaker.as_deref(), Some("John Kerry"));
    assert_eq!(ts(q), Some("33:56"));
    assert_eq!(q.fidelity.as_deref(), Some("altered"));
    let diff = q.diff.as_deref().unwrap();
    // the bracket insertion is kept as an insertion, not a substitution
    assert!(diff.contains("(chemical) weapons"), "{diff}");
    assert!(diff.contains("[-gonna-] {+going to+}"), "{diff}");
    assert!(!q.attribution_conflict);
}

#[test]
fn three_people_four_people_grouped_and_aligned_to_digits() {
    let b = bundle();
    let q = find(&b, "I think you're looking at three people, four people");
    // NYT-derived wording in WION, EghtesadOnline and UPI ("three, four people")
    assert_eq!(docs(q), ["001", "002", "003"]);
    assert_eq!(ts(q), Some("33:56"));
    let diff = q.diff.as_deref().unwrap();
    // the number forms are not a difference
    assert!(
        diff.starts_with(
            "I think you're looking at three people four people in the administration"
        ),
        "{diff}"
    );
    assert_eq!(q.speaker.as_deref(), Some("John Kerry"));
}

#[test]
fn ellipsis_quote_elides_freely() {
    let b = bundle();
    let q = find(
        &b,
        "I've argued for the use of force ... but things evolved",
    );
    assert_eq!(ts(q), Some("33:56"));
    assert_eq!(
        q.speaker.as_deref(),
        Some("John Kerry"),
        "stand-alone quote paragraph continues Kerry"
    );
    // the only change is the added "but": the elided words are not a difference
    assert_eq!(
        q.diff.as_deref(),
        Some(
            "I've argued for the use of force ... {+but+} things evolved into a different process"
        )
    );
}

#[test]
fn pronoun_he_warned_resolves_to_kerry() {
    let b = bundle();
    let q = find(
        &b,
        "Look, I get it, a lot of us wish there was an enforcement mechanism",
    );
    assert_eq!(q.speaker.as_deref(), Some("John Kerry"));
    assert_eq!(q.occurrences[0].speaker.as_deref(), Some("Kerry"));
    assert_eq!(ts(q), Some("02:21"));
    assert_eq!(q.fidelity.as_deref(), Some("altered"));
    let q = find(&b, "We're trying to pursue the diplomacy");
    assert_eq!(docs(q), ["001", "002"]);
    assert_eq!(q.speaker.as_deref(), Some("John Kerry"));
    assert_eq!(ts(q), Some("02:21"));
}

#[test]
fn statements_not_in_the_transcript_are_not_found() {
    let b = bundle();
    let q = find(
        &b,
        "While we will decline to comment on a private conversation",
    );
    assert_eq!(
        docs(q),
        ["000", "001"],
        "firsthand / first hand variants group"
    );
    assert_eq!(q.speaker.as_deref(), Some("John Kirby"));
    assert!(q
        .occurrences
        .iter()
        .all(|o| o.speaker.as_deref() == Some("John Kirby")));
    assert_eq!(q.fidelity.as_deref(), Some("not_found"));
    assert!(q.source.is_none());
    let q = find(&b, "It's hard to say when and if a city");
    assert_eq!(q.speaker.as_deref(), Some("Mark Toner"));
    assert_eq!(q.fidelity.as_deref(), Some("not_found"));
    let q = find(&b, "any further American effort to arm rebels");
    assert_eq!(q.fidelity.as_deref(), Some("not_found"));
    assert_eq!(
        q.speaker.as_deref(),
        Some("John Kerry"),
        "\"but he also said that\""
    );
}

#[test]
fn uncertain_label_naming_kirby_is_a_conflict() {
    let b = bundle();
    for start in [
        "The problem is the Russians don’t care",
        "The problem is the Russians don't care",
        "We don’t behave like Russians. It’s just",
        "if we were going after Assad",
    ] {
        let q = find(&b, start);
        assert_eq!(q.speaker.as_deref(), Some("John Kerry"), "{start}");
        assert_eq!(ts(q), Some("18:48"), "{start}");
        let src = q.source.as_ref().unwrap();
        assert_eq!(src.speaker_label, "Kirby? someone else");
        assert!(q.attribution_conflict, "{start}");
    }
    // "Kerry? someone else" names Kerry: no conflict
    let q = find(&b, "Assad's indifference to anything");
    assert_eq!(
        q.source.as_ref().unwrap().speaker_label,
        "Kerry? someone else"
    );
    assert_eq!(ts(q), Some("34:54"));
    assert_eq!(q.fidelity.as_deref(), Some("verbatim"));
    assert!(!q.attribution_conflict);
}

#[test]
fn typo_and_punctuation_only_differences() {
    let b = bundle();
    // UPI: "international law, and we do" vs transcript "Internatinal law and we do"
    let q = find(
        &b,
        "The problem is the Russians don't care about international law, and we do",
    );
    assert_eq!(q.fidelity.as_deref(), Some("verbatim_except_punctuation"));
    assert!(q.diff.is_none());
}

#[test]
fn photo_captions_are_removed_by_the_parser_not_quoted() {
    let b = bundle();
    // 000 has the caption `‘We don’t behave like Russians’: ... Kerry. /AP`
    // twice (straight and curly); the parse plugin removes both as captions,
    // so only the sentence of the body is a quote.
    let d = b.document("kerry-syria/000_3e3a64f0fc0f036f").unwrap();
    let captions = d
        .diagnostics
        .iter()
        .filter(|x| x.code == "boilerplate:caption")
        .count();
    assert_eq!(captions, 2, "{:?}", d.diagnostics);
    assert!(!d.text.contains("/AP"));
    let q = find(
        &b,
        "We don’t behave like Russians. It’s just a different standard",
    );
    assert_eq!(q.occurrences.len(), 1);
    assert_eq!(q.speaker.as_deref(), Some("John Kerry"));
    assert!(b
        .quotes
        .iter()
        .all(|q| q.text != "We don't behave like Russians"));
}

#[test]
fn headline_scare_quote_goes_to_ext() {
    let b = bundle();
    assert!(b.quotes.iter().all(|q| q.text != "argument"));
    // The parse plugin makes the first line of 000 its title, so the
    // headline's ‘argument’ is a title quote; the body has no short quote.
    let ext = &b.ext["quotes"];
    assert_eq!(ext["title_quotes"][0]["text"], "argument");
    assert_eq!(
        ext["title_quotes"][0]["doc"],
        "kerry-syria/000_3e3a64f0fc0f036f"
    );
    assert_eq!(ext["short_quotes"], serde_json::json!([]));
}

#[test]
fn order_is_document_then_position() {
    let b = bundle();
    let firsts: Vec<(usize, usize)> = b
        .quotes
        .iter()
        .map(|q| {
            (
                b.documents
                    .iter()
                    .position(|d| d.id == q.occurrences[0].doc)
                    .unwrap(),
                q.occurrences[0].start,
            )
        })
        .collect();
    let mut sorted = firsts.clone();
    sorted.sort();
    assert_eq!(firsts, sorted);
    assert_eq!(b.quotes.len(), 18);
}

#[test]
fn without_transcript_fidelity_is_null() {
    let mut input = common::example_bundle();
    input.documents.retain(|d| !d.id.contains("/004_"));
    let b = common::run(input);
    assert_eq!(b.quotes.len(), 18);
    assert!(b
        .quotes
        .iter()
        .all(|q| q.fidelity.is_none() && q.source.is_none() && !q.attribution_conflict));
    let q = find(&b, "I think you're looking at three people, four people");
    assert_eq!(docs(q), ["001", "002", "003"]);
}
