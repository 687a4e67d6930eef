//! Who said it: speaker phrases around a quote, and canonical person names.
//!
//! The attribution of a quote is looked for, in order:
//!
//! 1. right after the closing mark, in the same sentence: `"…," Kerry said`,
//!    `"…," he warned`, `"…," said Kerry`, `‘…’: U.S. Secretary of State John Kerry`,
//!    `"…," according to Kerry`;
//! 2. before the opening mark, in the same sentence, at the speech verb
//!    nearest the quote: `Kerry said: "…"`, `Kerry told the Syrians that "…"`,
//!    `Kerry could be heard saying "…"`, `spokesman John Kirby told CNN: "…"`,
//!    `one woman, Marcell Shehwaro, asked "…"`, `according to Kerry, "…"`;
//! 3. the one person named in the quote's sentence, when there is exactly
//!    one (`spokesman John Kirby did not deny …, "…"`);
//! 4. otherwise the quote continues the previous quote's speaker when that
//!    quote is in the same or the previous paragraph (`"…," Kerry said. "…"`
//!    and stand-alone quote paragraphs). Rules 3 and 4 are applied in
//!    `lib.rs`, where the previous quote is known.
//!
//! `he`/`she` resolve later (see `lib.rs`) to the last named speaker of the
//! document.

/// What the text around a quote says about its speaker.
#[derive(Debug, Clone, PartialEq)]
pub enum Attribution {
    /// A name phrase as written (`U.S. Secretary of State John Kerry`).
    Named(String),
    /// `he` / `she`.
    Pronoun(String),
    /// Nothing in the sentence; may continue the previous quote's speaker.
    Continuation,
}

#[derive(Debug, Clone)]
struct Tok<'a> {
    text: &'a str,
    word: bool,
}

const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "sen", "rep", "gov", "gen", "lt", "col", "sgt", "capt", "prof", "rev",
    "hon", "st", "jr", "sr", "no", "sept", "oct", "nov", "dec", "jan", "feb", "aug", "vs",
];

fn tokens(s: &str) -> Vec<Tok<'_>> {
    let mut out = Vec::new();
    let b: Vec<(usize, char)> = s.char_indices().collect();
    let mut k = 0;
    let is_wordc = |c: char| c.is_alphanumeric() || matches!(c, '\'' | '’' | '-' | '.');
    while k < b.len() {
        let (i, c) = b[k];
        if c.is_whitespace() {
            k += 1;
            continue;
        }
        if c.is_alphanumeric() {
            let mut j = k;
            while j < b.len() && is_wordc(b[j].1) {
                j += 1;
            }
            let end = b.get(j).map_or(s.len(), |&(e, _)| e);
            let mut w = &s[i..end];
            // trailing dots belong to the word only for abbreviations
            let mut trailing = "";
            while let Some(last) = w
                .chars()
                .next_back()
                .filter(|c| matches!(c, '\'' | '’' | '-'))
            {
                // `’` is three bytes: trim by the character's length.
                w = &w[..w.len() - last.len_utf8()];
            }
            if w.ends_with('.') {
                let base = w.trim_end_matches('.');
                let abbrev = base.contains('.')
                    || (base.chars().count() == 1 && base.chars().all(char::is_uppercase))
                    || ABBREVIATIONS.contains(&base.to_lowercase().as_str());
                if !abbrev {
                    trailing = &s[i + base.len()..i + base.len() + 1];
                    w = base;
                }
            }
            out.push(Tok {
                text: w,
                word: true,
            });
            if !trailing.is_empty() {
                out.push(Tok {
                    text: trailing,
                    word: false,
                });
            }
            // continue after the consumed word (re-scan anything we trimmed except the dot)
            let consumed = i + w.len() + trailing.len();
            while k < b.len() && b[k].0 < consumed {
                k += 1;
            }
            continue;
        }
        out.push(Tok {
            text: &s[i..i + c.len_utf8()],
            word: false,
        });
        k += 1;
    }
    out
}

fn is_sentence_end(t: &Tok) -> bool {
    !t.word && matches!(t.text, "." | "!" | "?")
}

const VERBS: &[&str] = &[
    "said",
    "says",
    "say",
    "saying",
    "told",
    "tells",
    "telling",
    "added",
    "adds",
    "adding",
    "warned",
    "warns",
    "warning",
    "asked",
    "asks",
    "asking",
    "responded",
    "responds",
    "replied",
    "replies",
    "explained",
    "explains",
    "insisted",
    "insists",
    "stated",
    "states",
    "declared",
    "declares",
    "noted",
    "notes",
    "argued",
    "argues",
    "admitted",
    "admits",
    "acknowledged",
    "wrote",
    "writes",
    "recalled",
    "continued",
    "conceded",
    "claimed",
    "claims",
    "complained",
    "remarked",
    "stressed",
    "urged",
    "announced",
    "according",
    "lamented",
    "laments",
    "agreed",
    "countered",
    "cautioned",
    "predicted",
    "suggested",
    "concluded",
    "joked",
    "quipped",
    "shouted",
    "tweeted",
    "observed",
    "emphasized",
    "emphasised",
    "vowed",
    "promised",
    "pleaded",
    "answered",
    "confirmed",
    "denied",
    "reiterated",
    "testified",
    "recounted",
    "mused",
    "sighed",
];

const AUX: &[&str] = &[
    "could",
    "can",
    "be",
    "heard",
    "has",
    "have",
    "had",
    "was",
    "were",
    "is",
    "are",
    "also",
    "then",
    "later",
    "again",
    "would",
    "will",
    "did",
    "does",
    "do",
    "not",
    "once",
    "just",
    "still",
    "had",
    "may",
    "might",
    "reportedly",
    "repeatedly",
    "quoted",
    "as",
    "being",
    "seen",
];

/// Title and function words that can precede a name in a speaker phrase.
const TITLES: &[&str] = &[
    "secretary",
    "state",
    "department",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "president",
    "minister",
    "foreign",
    "prime",
    "vice",
    "deputy",
    "general",
    "gen",
    "sen",
    "senator",
    "rep",
    "representative",
    "gov",
    "governor",
    "mr",
    "mrs",
    "ms",
    "dr",
    "ambassador",
    "chief",
    "director",
    "chairman",
    "chairwoman",
    "chair",
    "official",
    "u.s",
    "us",
    "un",
    "u.n",
    "of",
    "the",
    "former",
    "defense",
    "defence",
    "treasury",
    "senior",
    "press",
    "white",
    "house",
    "mayor",
    "king",
    "queen",
    "prince",
    "pope",
    "judge",
    "justice",
    "attorney",
    "commander",
    "colonel",
    "col",
    "lt",
    "captain",
    "capt",
    "sgt",
    "professor",
    "prof",
    "adviser",
    "advisor",
    "envoy",
    "special",
    "top",
    "diplomat",
    "leader",
    "lawmaker",
    "officer",
    "head",
    "executive",
    "ceo",
    "analyst",
    "activist",
    "national",
    "security",
    "council",
    "un's",
    "nations",
    "united",
];

/// Last words that make a capitalised phrase an organisation, not a person.
const ORGS: &[&str] = &[
    "times",
    "post",
    "journal",
    "reuters",
    "ministry",
    "department",
    "agency",
    "news",
    "office",
    "council",
    "committee",
    "government",
    "administration",
    "pentagon",
    "kremlin",
    "house",
    "nations",
    "union",
    "party",
    "press",
    "television",
    "radio",
    "network",
    "bank",
    "court",
    "police",
    "army",
    "state",
    "congress",
    "senate",
    "guardian",
    "telegraph",
    "tribune",
    "herald",
    "associated",
    "it",
    "they",
    "we",
    "i",
    "you",
    "this",
    "that",
];

const PRONOUNS: &[&str] = &["he", "she"];

fn lower(s: &str) -> String {
    s.to_lowercase().replace('’', "'")
}

fn is_cap(t: &Tok) -> bool {
    t.word && t.text.chars().next().is_some_and(char::is_uppercase)
}

fn is_title(t: &Tok) -> bool {
    t.word && TITLES.contains(&lower(t.text).trim_end_matches('.'))
}

/// Name tokens of a speaker phrase: the trailing run of capitalised
/// non-title words (`U.S. Secretary of State John F. Kerry` → `John F. Kerry`).
pub fn person_part(phrase: &str) -> Option<String> {
    let toks = tokens(phrase);
    let words: Vec<&Tok> = toks.iter().filter(|t| t.word).collect();
    let mut run: Vec<&str> = Vec::new();
    for t in words.iter().rev() {
        if is_cap(t) && !is_title(t) {
            run.push(t.text);
        } else {
            break;
        }
    }
    run.reverse();
    let last = run.last()?;
    let l = lower(last);
    if ORGS.contains(&l.as_str())
        || (last.len() >= 2 && last.chars().all(|c| c.is_uppercase() || c == '.'))
    {
        return None;
    }
    Some(run.join(" "))
}

/// The name without middle initials (`John F. Kerry` → `John Kerry`).
pub fn without_initials(name: &str) -> String {
    name.split_whitespace()
        .filter(|w| {
            !(w.trim_end_matches('.').chars().count() == 1
                && w.chars().next().is_some_and(char::is_uppercase))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The surname key of a person name (last word, lower case).
pub fn surname(name: &str) -> Option<String> {
    without_initials(name).split_whitespace().last().map(lower)
}

/// Parses a name phrase backwards from word index `end` (inclusive) in `words`.
fn phrase_back(words: &[&Tok], end: usize) -> Option<String> {
    if !is_cap(words[end]) {
        return None;
    }
    let mut s = end;
    while s > 0 {
        let p = words[s - 1];
        if is_cap(p) || is_title(p) {
            s -= 1;
        } else {
            break;
        }
    }
    while s < end && matches!(lower(words[s].text).as_str(), "of" | "the" | "a" | "an") {
        s += 1;
    }
    let phrase = words[s..=end]
        .iter()
        .map(|t| t.text)
        .collect::<Vec<_>>()
        .join(" ");
    person_part(&phrase).map(|_| phrase)
}

/// Parses a name phrase forwards from word index `start`.
fn phrase_fwd(words: &[&Tok], start: usize) -> Option<(String, usize)> {
    let mut e = start;
    let mut last_cap = None;
    while e < words.len() && (is_cap(words[e]) || is_title(words[e])) {
        if is_cap(words[e]) && !is_title(words[e]) {
            last_cap = Some(e);
        }
        e += 1;
    }
    let last = last_cap?;
    let mut s = start;
    while s < last && matches!(lower(words[s].text).as_str(), "of" | "the" | "a" | "an") {
        s += 1;
    }
    let phrase = words[s..=last]
        .iter()
        .map(|t| t.text)
        .collect::<Vec<_>>()
        .join(" ");
    person_part(&phrase).map(|_| (phrase, last))
}

fn subject_or_name(words: &[&Tok], verb: usize) -> Option<Attribution> {
    // `according to NAME`
    if lower(words[verb].text) == "according" {
        if words.get(verb + 1).is_some_and(|t| lower(t.text) == "to") {
            return phrase_fwd(words, verb + 2).map(|(p, _)| Attribution::Named(p));
        }
        return None;
    }
    // subject before the verb, skipping auxiliaries and adverbs
    let mut k = verb;
    let mut skipped = 0;
    while k > 0 && skipped < 4 {
        let t = words[k - 1];
        let l = lower(t.text);
        if AUX.contains(&l.as_str()) || (l.ends_with("ly") && !is_cap(t)) {
            k -= 1;
            skipped += 1;
        } else {
            break;
        }
    }
    if k > 0 {
        let t = words[k - 1];
        let l = lower(t.text);
        if PRONOUNS.contains(&l.as_str()) {
            return Some(Attribution::Pronoun(l));
        }
        if let Some(p) = phrase_back(words, k - 1) {
            return Some(Attribution::Named(p));
        }
    }
    // `said Kerry`
    if let Some(t) = words.get(verb + 1) {
        let l = lower(t.text);
        if PRONOUNS.contains(&l.as_str()) {
            return Some(Attribution::Pronoun(l));
        }
        if let Some((p, _)) = phrase_fwd(words, verb + 1) {
            return Some(Attribution::Named(p));
        }
    }
    None
}

/// Appositive subject: `one woman, Marcell Shehwaro, asked`.
fn appositive(toks: &[Tok], verb_tok: usize) -> Option<Attribution> {
    if verb_tok < 2 || toks[verb_tok - 1].text != "," {
        return None;
    }
    let mut s = verb_tok - 1;
    while s > 0 && toks[s - 1].word {
        s -= 1;
    }
    if s == 0 || toks[s - 1].text != "," {
        return None;
    }
    let words: Vec<&Tok> = toks[s..verb_tok - 1].iter().collect();
    if words.is_empty() {
        return None;
    }
    phrase_back(&words, words.len() - 1).map(Attribution::Named)
}

/// The attribution found after a closing mark (`post`, up to the next quote
/// or the paragraph end) or before the opening mark (`pre`, from the
/// previous quote or the paragraph start).
pub fn attribute(pre: &str, post: &str) -> Attribution {
    // 1. after the quote, strict forms only
    let post_toks = tokens(post);
    let mut i = 0;
    while i < post_toks.len()
        && !post_toks[i].word
        && matches!(
            post_toks[i].text,
            "," | "—" | "–" | "-" | "\"" | "”" | "’" | "'"
        )
    {
        i += 1;
    }
    let sentence: Vec<Tok> = post_toks[i..]
        .iter()
        .take_while(|t| !is_sentence_end(t))
        .cloned()
        .collect();
    if post_toks.get(i).is_some_and(|t| t.text == ":") {
        let words: Vec<&Tok> = post_toks[i + 1..].iter().take_while(|t| t.word).collect();
        if let Some((p, _)) = (!words.is_empty()).then(|| phrase_fwd(&words, 0)).flatten() {
            return Attribution::Named(p);
        }
    }
    let words: Vec<&Tok> = sentence
        .iter()
        .take_while(|t| t.word || t.text == ",")
        .filter(|t| t.word)
        .collect();
    if let Some(first) = words.first() {
        let l = lower(first.text);
        if VERBS.contains(&l.as_str()) {
            if let Some(a) = subject_or_name(&words, 0) {
                return a;
            }
        } else {
            // NAME/pronoun then (aux/adverbs) then a verb, within a few words
            let verb = words
                .iter()
                .take(12)
                .position(|t| VERBS.contains(&lower(t.text).as_str()));
            if let Some(v) = verb {
                let before_ok = words[..v].iter().all(|t| {
                    is_cap(t)
                        || is_title(t)
                        || AUX.contains(&lower(t.text).as_str())
                        || lower(t.text).ends_with("ly")
                        || PRONOUNS.contains(&lower(t.text).as_str())
                });
                if before_ok && v > 0 {
                    if let Some(a) = subject_or_name(&words, v) {
                        return a;
                    }
                }
            }
        }
    }
    // 2. before the quote, in its sentence
    let pre_toks = tokens(pre);
    let start = pre_toks
        .iter()
        .rposition(is_sentence_end)
        .map_or(0, |p| p + 1);
    let sent = &pre_toks[start..];
    let word_idx: Vec<usize> = (0..sent.len()).filter(|&k| sent[k].word).collect();
    let words: Vec<&Tok> = word_idx.iter().map(|&k| &sent[k]).collect();
    for wi in (0..words.len()).rev() {
        if VERBS.contains(&lower(words[wi].text).as_str()) {
            if let Some(a) = appositive(sent, word_idx[wi]) {
                return a;
            }
            if let Some(a) = subject_or_name(&words, wi) {
                return a;
            }
        }
    }
    Attribution::Continuation
}

/// The single person named in `text` (for the last-resort rule), if exactly one.
pub fn sole_person(text: &str) -> Option<String> {
    let toks = tokens(text);
    let words: Vec<&Tok> = toks.iter().filter(|t| t.word).collect();
    let mut found: Vec<String> = Vec::new();
    // the surnames of `found`, so that each name is checked in constant time
    let mut found_surnames: std::collections::HashSet<Option<String>> =
        std::collections::HashSet::new();
    let mut k = 0;
    while k < words.len() {
        if is_cap(words[k]) || is_title(words[k]) {
            let mut e = k;
            while e + 1 < words.len() && (is_cap(words[e + 1]) || is_title(words[e + 1])) {
                e += 1;
            }
            // a person: two capitalised non-title words at the end of the run
            let phrase = words[k..=e]
                .iter()
                .map(|t| t.text)
                .collect::<Vec<_>>()
                .join(" ");
            if let Some(p) = person_part(&phrase) {
                let n = without_initials(&p);
                let has_title = words[k..e].iter().any(|t| is_title(t));
                if n.split_whitespace().count() >= 2 || has_title {
                    let s = surname(&n);
                    if !found_surnames.contains(&s) {
                        found_surnames.insert(surname(&phrase));
                        found.push(phrase);
                    }
                }
            }
            k = e + 1;
        } else {
            k += 1;
        }
    }
    if found.len() == 1 {
        found.pop()
    } else {
        None
    }
}

/// Name words of a transcript speaker label (`Kirby? someone else` → `["Kirby"]`;
/// `Female voice` → `[]`).
pub fn label_names(label: &str) -> Vec<String> {
    const GENERIC: &[&str] = &[
        "male",
        "female",
        "voice",
        "someone",
        "else",
        "translator",
        "translates",
        "syrian",
        "speaker",
        "unknown",
        "man",
        "woman",
        "moderator",
        "audience",
        "interviewer",
        "reporter",
        "narrator",
        "host",
        "participant",
        "question",
        "questioner",
        "unidentified",
        "other",
        "and",
        "or",
        "voices",
        "multiple",
        "crowd",
        "all",
        "everyone",
        "announcer",
        "interpreter",
        "off",
        "camera",
        "mic",
        "q",
        "a",
    ];
    label
        .split(|c: char| !c.is_alphabetic() && c != '\'' && c != '’' && c != '-')
        .filter(|w| !w.is_empty())
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase) || w.len() > 2)
        .filter(|w| !GENERIC.contains(&lower(w).as_str()))
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .map(|w| w.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_trim_multibyte_closing_quotes() {
        // Found by the batch benchmark: `’` after a word used to be cut mid-character.
        let t: Vec<&str> = tokens("they told them.’ Then")
            .iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(t, ["they", "told", "them", ".", "’", "Then"]);
    }

    fn named(a: Attribution) -> String {
        match a {
            Attribution::Named(s) => s,
            Attribution::Pronoun(p) => format!("<{p}>"),
            Attribution::Continuation => "<none>".into(),
        }
    }

    #[test]
    fn forms() {
        assert_eq!(named(attribute("", ",” Kerry said.")), "Kerry");
        assert_eq!(named(attribute("", ",\" he warned.")), "<he>");
        assert_eq!(named(attribute("", ",\" said John Kerry.")), "John Kerry");
        assert_eq!(
            named(attribute("", ": U.S. Secretary of State John Kerry. /AP")),
            "U.S. Secretary of State John Kerry"
        );
        assert_eq!(
            named(attribute("Kerry told the Syrians that ", ".")),
            "Kerry"
        );
        assert_eq!(
            named(attribute(
                "Asked about the recording, State Department spokesman John Kirby told CNN: ",
                ""
            )),
            "State Department spokesman John Kirby"
        );
        assert_eq!(
            named(attribute(
                "In the leaked audio recording, Kerry could be heard saying ",
                ". The"
            )),
            "Kerry"
        );
        assert_eq!(
            named(attribute(
                "It said one woman, Marcell Shehwaro, asked ",
                " had to be killed"
            )),
            "Marcell Shehwaro"
        );
        assert_eq!(
            named(attribute(
                " could push the Obama administration, the Times said, but he also said that ",
                "."
            )),
            "<he>"
        );
        assert_eq!(
            named(attribute(
                "",
                ",\" Secretary of State John Kerry reportedly said of the Syrian peace process."
            )),
            "Secretary of State John Kerry"
        );
        assert_eq!(
            named(attribute(
                "",
                ", \" State Department spokesperson Mark Toner said Friday."
            )),
            "State Department spokesperson Mark Toner"
        );
        assert_eq!(named(attribute("A frustrated U.S. Secretary of State John Kerry told a group of Syrian civilians last week that he ", " within")), "U.S. Secretary of State John Kerry");
        assert_eq!(
            named(attribute("", ",” Kerry told the Syrians in a meeting")),
            "Kerry"
        );
        assert_eq!(
            named(attribute("Kerry responded that ", " could push")),
            "Kerry"
        );
        assert_eq!(named(attribute("", ", according to Kerry.")), "Kerry");
        assert_eq!(named(attribute("", "")), "<none>");
        assert_eq!(named(attribute("", ", CNN reported.")), "<none>");
    }

    #[test]
    fn names() {
        assert_eq!(
            person_part("U.S. Secretary of State John F. Kerry").as_deref(),
            Some("John F. Kerry")
        );
        assert_eq!(without_initials("John F. Kerry"), "John Kerry");
        assert_eq!(person_part("Secretary Kerry").as_deref(), Some("Kerry"));
        assert_eq!(person_part("the Times"), None);
        assert_eq!(sole_person("State department spokesman John Kirby did not deny that the audio clip was authentic,").as_deref(), Some("State department spokesman John Kirby"));
        assert_eq!(label_names("Kirby? someone else"), ["Kirby"]);
        assert_eq!(
            label_names("Female voice2, translator"),
            Vec::<String>::new()
        );
        assert_eq!(label_names("Kerry"), ["Kerry"]);
    }
}
