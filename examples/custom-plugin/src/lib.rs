//! # copydesk-entities
//!
//! An out-of-tree copydesk plugin, written the way a plugin author outside
//! the project would write one: it depends on `copydesk-core` only (plus
//! `serde_json`), declares one document stage, and is exported with
//! [`copydesk_core::export_plugin!`].
//!
//! The `entities` stage tags people, places and organisations in `doc.text`
//! with small, explainable rules (no model, no statistics):
//!
//! 1. **Candidates** are runs of capitalised words on one line with nothing
//!    but spaces between them. A run may contain connectors (`of`, `bin`,
//!    `al-`…), initials (`F.`) and dotted abbreviations (`U.S.`, `U.N.`).
//!    Commas, quotes, possessives (`Assad’s`) and line breaks end a run.
//! 2. **Cues** classify a run:
//!    - a title or role (`Mr.`, `Dr.`, `President`, `Secretary of State`,
//!      `spokesman`, `Gen.`, `Prime Minister`…) right before a name makes it
//!      a *person*; words before the title are classified on their own
//!      (`U.S.` in `U.S. Secretary of State John Kerry` is a place);
//!    - an organisation keyword (`Department`, `Council`, `Times`, `Party`,
//!      `Nations`, `Helmets`…) makes the run an *organisation*;
//!    - a built-in gazetteer of countries, cities and regions makes it a
//!      *place*; a few well-known organisations and all-capital acronyms
//!      (`CNN`) are *organisations*;
//!    - otherwise a run of two or three words not at the start of a sentence
//!      is a *person*. Other runs are left alone (a sentence-initial single
//!      word is only tagged when it is in the gazetteer).
//! 3. **Merging**: mentions with the same name form one entity; a surname on
//!    its own (`Kerry`, also at the start of a sentence) joins the full-name
//!    entity (`John Kerry`) from the same document.
//!
//! The result goes to `doc.ext["entities"]`:
//! `{"people": [{"name", "mentions": [{"start", "end"}]}], "places": [...], "organisations": [...]}`,
//! with byte spans into `doc.text`, entities ordered by first mention.

use std::collections::{BTreeMap, HashSet};

use copydesk_core::{
    Diagnostic, Document, DocumentStage, OptionSpec, OptionType, Options, Plugin, Span, Stage,
    StageError, StageKind, StageSpec,
};
use serde_json::{json, Value};

/// The plugin (and its only stage).
pub struct Entities {
    min_mentions: usize,
    types: Vec<Kind>,
}

/// The three entity groups, in output order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Kind {
    Person,
    Place,
    Organisation,
}

impl Kind {
    const ALL: [Kind; 3] = [Kind::Person, Kind::Place, Kind::Organisation];

    fn key(self) -> &'static str {
        match self {
            Kind::Person => "people",
            Kind::Place => "places",
            Kind::Organisation => "organisations",
        }
    }

    fn from_key(key: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.key() == key)
    }
}

// ---------------------------------------------------------------------------
// Word lists. Everything the stage knows is here.
// ---------------------------------------------------------------------------

/// Titles and roles written before a name (matched case-sensitively, longest first).
const TITLES: &[&str] = &[
    "Secretary of State",
    "Secretary-General",
    "Prime Minister",
    "Foreign Minister",
    "Defense Minister",
    "Defence Minister",
    "Vice President",
    "Mr.",
    "Mrs.",
    "Ms.",
    "Dr.",
    "Gen.",
    "Sen.",
    "Rep.",
    "Gov.",
    "Col.",
    "Lt.",
    "Adm.",
    "Prof.",
    "President",
    "Secretary",
    "Minister",
    "Senator",
    "General",
    "Ambassador",
    "Envoy",
    "King",
    "Queen",
    "Pope",
    "Chancellor",
];

/// Lower-case role words right before a capitalised run (`spokesman John Kirby`).
const ROLE_WORDS: &[&str] = &[
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "president",
    "secretary",
    "minister",
    "envoy",
    "ambassador",
    "senator",
    "chairman",
    "leader",
    "commander",
    "correspondent",
    "reporter",
    "analyst",
    "official",
    "mr.",
    "dr.",
];

/// A run containing one of these words is an organisation.
const ORG_WORDS: &[&str] = &[
    "Department",
    "Ministry",
    "Council",
    "Organization",
    "Organisation",
    "Agency",
    "Times",
    "News",
    "Post",
    "Journal",
    "Press",
    "Party",
    "Force",
    "Forces",
    "Assembly",
    "Nations",
    "Union",
    "Army",
    "Committee",
    "Commission",
    "Inc.",
    "Corp.",
    "Ltd.",
    "Group",
    "Mission",
    "Helmets",
    "University",
    "Institute",
    "Bank",
    "Front",
    "Congress",
    "Senate",
    "Parliament",
    "Administration",
    "Office",
    "Pentagon",
    "Kremlin",
    "Observatory",
    "Staff",
    "Defense",
    "Defence",
    "Helmet",
];

/// Places: (name as written, canonical name). Multi-word entries are matched
/// on whole runs, single words anywhere.
const PLACES: &[(&str, &str)] = &[
    ("U.S.", "United States"),
    ("US", "United States"),
    ("U.S.A.", "United States"),
    ("USA", "United States"),
    ("America", "United States"),
    ("United States", "United States"),
    ("United States of America", "United States"),
    ("U.K.", "United Kingdom"),
    ("UK", "United Kingdom"),
    ("Britain", "United Kingdom"),
    ("Great Britain", "United Kingdom"),
    ("United Kingdom", "United Kingdom"),
    ("Syria", "Syria"),
    ("Russia", "Russia"),
    ("Iran", "Iran"),
    ("Iraq", "Iraq"),
    ("Turkey", "Turkey"),
    ("Lebanon", "Lebanon"),
    ("Israel", "Israel"),
    ("Jordan", "Jordan"),
    ("Egypt", "Egypt"),
    ("Libya", "Libya"),
    ("Yemen", "Yemen"),
    ("Saudi Arabia", "Saudi Arabia"),
    ("Qatar", "Qatar"),
    ("Afghanistan", "Afghanistan"),
    ("Pakistan", "Pakistan"),
    ("India", "India"),
    ("China", "China"),
    ("Japan", "Japan"),
    ("Ukraine", "Ukraine"),
    ("Crimea", "Crimea"),
    ("France", "France"),
    ("Germany", "Germany"),
    ("Italy", "Italy"),
    ("Spain", "Spain"),
    ("Switzerland", "Switzerland"),
    ("Europe", "Europe"),
    ("Middle East", "Middle East"),
    ("Gulf", "Gulf"),
    ("Canada", "Canada"),
    ("Mexico", "Mexico"),
    ("Aleppo", "Aleppo"),
    ("Damascus", "Damascus"),
    ("Homs", "Homs"),
    ("Idlib", "Idlib"),
    ("Raqqa", "Raqqa"),
    ("Palmyra", "Palmyra"),
    ("Daraa", "Daraa"),
    ("Baghdad", "Baghdad"),
    ("Mosul", "Mosul"),
    ("Tehran", "Tehran"),
    ("Ankara", "Ankara"),
    ("Istanbul", "Istanbul"),
    ("Beirut", "Beirut"),
    ("Kabul", "Kabul"),
    ("Geneva", "Geneva"),
    ("Moscow", "Moscow"),
    ("Washington", "Washington"),
    ("New York", "New York"),
    ("New York City", "New York"),
    ("London", "London"),
    ("Paris", "Paris"),
    ("Berlin", "Berlin"),
    ("Brussels", "Brussels"),
    ("Vienna", "Vienna"),
    ("Beijing", "Beijing"),
    ("New Delhi", "New Delhi"),
    ("Jerusalem", "Jerusalem"),
    ("Cairo", "Cairo"),
    ("Riyadh", "Riyadh"),
];

/// Well-known organisations: (as written, canonical name).
const ORGS: &[(&str, &str)] = &[
    ("U.N.", "United Nations"),
    ("UN", "United Nations"),
    ("United Nations", "United Nations"),
    ("NATO", "NATO"),
    ("EU", "European Union"),
    ("E.U.", "European Union"),
    ("Reuters", "Reuters"),
    ("Islamic State", "Islamic State"),
    ("Hezbollah", "Hezbollah"),
    ("Kremlin", "Kremlin"),
    ("Pentagon", "Pentagon"),
];

/// Connectors allowed inside a run when a capitalised word follows.
const CONNECTORS: &[&str] = &[
    "of", "bin", "ibn", "al", "el", "de", "del", "da", "van", "von", "der", "la", "le",
];

/// Capitalised words that are not names: they end a run (months, days) or
/// are dropped from the start of one (`The State Department`).
const BREAKERS: &[&str] = &[
    "I",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Jan.",
    "Feb.",
    "Aug.",
    "Sept.",
    "Sep.",
    "Oct.",
    "Nov.",
    "Dec.",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const LEADING_STOPWORDS: &[&str] = &[
    "The",
    "A",
    "An",
    "In",
    "On",
    "At",
    "By",
    "For",
    "From",
    "To",
    "Of",
    "With",
    "As",
    "And",
    "But",
    "Or",
    "If",
    "When",
    "While",
    "After",
    "Before",
    "Since",
    "This",
    "That",
    "These",
    "Those",
    "It",
    "He",
    "She",
    "We",
    "They",
    "You",
    "His",
    "Her",
    "Our",
    "Their",
    "Its",
    "My",
    "Your",
    "Asked",
    "According",
    "Nobody",
    "There",
    "Here",
    "What",
    "Why",
    "How",
    "Who",
    "Yes",
    "No",
    "So",
    "Then",
    "Now",
    "Meanwhile",
    "However",
    "Also",
    "Not",
];
/// All-capital words that are not acronyms of organisations.
const NOT_ACRONYMS: &[&str] = &[
    "TV", "OK", "AM", "PM", "GMT", "UTC", "IST", "EST", "EDT", "BST", "CEO", "ID", "II", "III",
    "IV",
];

/// Abbreviations that keep their final period.
const ABBREVIATIONS: &[&str] = &[
    "Mr.", "Mrs.", "Ms.", "Dr.", "Gen.", "Sen.", "Rep.", "Gov.", "Col.", "Lt.", "Adm.", "Prof.",
    "Capt.", "Sgt.", "Maj.", "St.", "Jr.", "Sr.", "Inc.", "Corp.", "Ltd.", "Co.", "Jan.", "Feb.",
    "Aug.", "Sept.", "Sep.", "Oct.", "Nov.", "Dec.", "mr.", "dr.",
];

// ---------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------

/// One word of the text, with what surrounds it.
#[derive(Debug, Clone)]
struct Token<'a> {
    text: &'a str,
    start: usize,
    end: usize,
    /// Punctuation stripped from the front (quote, parenthesis...).
    lead_punct: bool,
    /// Punctuation or a possessive stripped from the back: the token ends a run.
    trail_punct: bool,
    /// First word of a sentence, a line or a quotation.
    sentence_start: bool,
}

fn is_open_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '‘' | '\'' | '«')
}

/// `U.S.`, `F.`, `U.N.`: one or more single letters each followed by a period.
fn is_dotted(word: &str) -> bool {
    let b = word.as_bytes();
    !b.is_empty()
        && b.chunks(2)
            .all(|c| c.len() == 2 && c[0].is_ascii_alphabetic() && c[1] == b'.')
}

fn tokenize<'a>(text: &'a str, sentence_starts: &HashSet<usize>) -> Vec<Token<'a>> {
    let mut tokens: Vec<Token> = Vec::new();
    let mut prev_end = 0usize;
    let mut prev_ends_sentence = true;
    for (chunk_start, chunk) in split_whitespace_indices(text) {
        // Strip leading punctuation.
        let lead = chunk
            .char_indices()
            .find(|&(_, c)| c.is_alphanumeric())
            .map(|(i, _)| i);
        let Some(lead) = lead else {
            // A chunk of pure punctuation (a dash, a lone quote): sentence
            // punctuation in it ends the sentence.
            // It also ends a run (`UPI | License`, `Syrian ... He`).
            if chunk.contains(['.', '!', '?']) {
                prev_ends_sentence = true;
            }
            if let Some(last) = tokens.last_mut() {
                last.trail_punct = true;
            }
            continue;
        };
        let lead_str = &chunk[..lead];
        let mut word = &chunk[lead..];
        // Strip trailing punctuation, keeping the period of abbreviations.
        let mut trail = false;
        let mut ends_sentence = false;
        while let Some(last) = word.chars().last() {
            if last.is_alphanumeric() {
                break;
            }
            if last == '.' && (is_dotted(word) || ABBREVIATIONS.contains(&word)) {
                break;
            }
            if matches!(last, '.' | '!' | '?') {
                ends_sentence = true;
            }
            trail = true;
            word = &word[..word.len() - last.len_utf8()];
        }
        // `Assad’s` → `Assad`; a possessive ends the run.
        for suffix in ["’s", "'s"] {
            if word.len() > suffix.len() && word.ends_with(suffix) {
                word = &word[..word.len() - suffix.len()];
                trail = true;
            }
        }
        // Inner punctuation such as `./AP`: keep the first word-like part.
        if let Some(cut) = word.find(['/', '(', ')', '"', '“', '”', ',', ';', ':']) {
            word = &word[..cut];
            trail = true;
        }
        if word.is_empty() {
            continue;
        }
        let start = chunk_start + lead;
        let newline_before = text[prev_end..start].contains('\n') || tokens.is_empty();
        let quoted = lead_str.chars().any(is_open_quote);
        tokens.push(Token {
            text: word,
            start,
            end: start + word.len(),
            lead_punct: !lead_str.is_empty(),
            trail_punct: trail,
            sentence_start: prev_ends_sentence
                || newline_before
                || quoted
                || sentence_starts.contains(&start),
        });
        prev_end = chunk_start + chunk.len();
        prev_ends_sentence = ends_sentence;
    }
    tokens
}

fn split_whitespace_indices(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push((s, &text[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &text[s..]));
    }
    out.into_iter()
}

/// Capitalised name word: `Kerry`, `U.S.`, `F.`, `al-Assad`, `CNN`.
fn is_capitalised(word: &str) -> bool {
    let rest = ["al-", "el-", "Al-", "El-"]
        .iter()
        .find_map(|p| word.strip_prefix(p))
        .unwrap_or(word);
    let contraction = ["'", "’"]
        .iter()
        .any(|a| word.starts_with(&format!("I{a}")) || word.contains(&format!("n{a}t")));
    rest.chars().next().is_some_and(char::is_uppercase) && !BREAKERS.contains(&word) && !contraction
}

fn is_acronym(word: &str) -> bool {
    (2..=6).contains(&word.len())
        && word.chars().all(|c| c.is_ascii_uppercase())
        && !NOT_ACRONYMS.contains(&word)
}

// ---------------------------------------------------------------------------
// Runs and their classification
// ---------------------------------------------------------------------------

/// A classified stretch of tokens `[from, to)`.
#[derive(Debug, Clone)]
struct Mention {
    kind: Kind,
    from: usize,
    to: usize,
    /// Canonical name (gazetteer entries), else the text.
    name: Option<&'static str>,
}

/// Runs of capitalised tokens: `[from, to)` token ranges.
fn runs(text: &str, tokens: &[Token]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if !is_capitalised(tokens[i].text) {
            i += 1;
            continue;
        }
        let from = i;
        let mut to = i + 1;
        loop {
            let prev = &tokens[to - 1];
            if prev.trail_punct || to >= tokens.len() {
                break;
            }
            let joins = |a: &Token, b: &Token| {
                !a.trail_punct && !b.lead_punct && !text[a.end..b.start].contains('\n')
            };
            let next = &tokens[to];
            if !joins(prev, next) {
                break;
            }
            if is_capitalised(next.text) {
                to += 1;
                continue;
            }
            // A connector joins only when a capitalised word follows it.
            if CONNECTORS.contains(&next.text)
                && to + 1 < tokens.len()
                && joins(next, &tokens[to + 1])
                && is_capitalised(tokens[to + 1].text)
            {
                to += 2;
                continue;
            }
            break;
        }
        out.push((from, to));
        i = to;
    }
    out
}

fn words_of<'a>(tokens: &'a [Token]) -> Vec<&'a str> {
    tokens.iter().map(|t| t.text).collect()
}

/// Longest entry of `list` (split on spaces) matching `words` at `at`; returns its length in words.
fn match_at(list: &[&str], words: &[&str], at: usize) -> Option<usize> {
    list.iter()
        .filter_map(|entry| {
            let parts: Vec<&str> = entry.split(' ').collect();
            (words.len() >= at + parts.len() && words[at..at + parts.len()] == parts[..])
                .then_some(parts.len())
        })
        .max()
}

fn lookup(table: &[(&str, &'static str)], phrase: &str) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == phrase).map(|(_, v)| *v)
}

/// Classifies the run `[from, to)`; pushes mentions.
fn classify(
    text: &str,
    tokens: &[Token],
    from: usize,
    to: usize,
    forced_person: bool,
    out: &mut Vec<Mention>,
) {
    let mut from = from;
    // Drop capitalised function words at the start (`The`, `In`...).
    while from < to && LEADING_STOPWORDS.contains(&tokens[from].text) {
        from += 1;
    }
    if from >= to {
        return;
    }
    let words = words_of(&tokens[from..to]);
    let phrase = text[tokens[from].start..tokens[to - 1].end].to_string();
    let n = to - from;

    // 1. A run ending in an organisation keyword is an organisation, even
    //    with a title word inside (`UN General Assembly`).
    if !forced_person && ORG_WORDS.contains(&words[n - 1]) {
        out.push(Mention {
            kind: Kind::Organisation,
            from,
            to,
            name: None,
        });
        return;
    }
    // 2. A title inside the run: what follows is a person, what precedes is classified on its own.
    if !forced_person {
        for at in 0..n {
            if let Some(len) = match_at(TITLES, &words, at) {
                if at + len < n {
                    if at > 0 {
                        classify(text, tokens, from, from + at, false, out);
                    }
                    classify(text, tokens, from + at + len, to, true, out);
                    return;
                }
            }
        }
    }
    if forced_person {
        out.push(Mention {
            kind: Kind::Person,
            from,
            to,
            name: None,
        });
        return;
    }
    // 3. Organisation keywords anywhere, and known organisations.
    if words.iter().any(|w| ORG_WORDS.contains(w)) {
        out.push(Mention {
            kind: Kind::Organisation,
            from,
            to,
            name: None,
        });
        return;
    }
    if let Some(name) = lookup(ORGS, &phrase) {
        out.push(Mention {
            kind: Kind::Organisation,
            from,
            to,
            name: Some(name),
        });
        return;
    }
    // 4. Gazetteer: the whole run, or places at the edges of a longer run
    //    (`U.S. John Kerry` is rare; `Syria Aleppo` never), so whole runs only,
    //    plus single words when the run is a list of places.
    if let Some(name) = lookup(PLACES, &phrase) {
        out.push(Mention {
            kind: Kind::Place,
            from,
            to,
            name: Some(name),
        });
        return;
    }
    if n > 1 {
        if let Some(name) = lookup(PLACES, words[0])
            .filter(|_| is_capitalised(words[1]) && !tokens[from].text.contains('-'))
        {
            // `Syrian`-style adjectives are not in the gazetteer; a place
            // followed by a name-like run: split (`Moscow Putin` is rare,
            // `U.S. Army` was caught above).
            if n == 2 && lookup(PLACES, words[1]).is_some() {
                out.push(Mention {
                    kind: Kind::Place,
                    from,
                    to: from + 1,
                    name: Some(name),
                });
                classify(text, tokens, from + 1, to, false, out);
                return;
            }
        }
    }
    // 5. Acronyms (`CNN`).
    if n == 1 && is_acronym(words[0]) {
        out.push(Mention {
            kind: Kind::Organisation,
            from,
            to,
            name: None,
        });
        return;
    }
    // 6. Two or three capitalised words, not at a sentence start: a person.
    //    Not when a word is all capitals (`AM IST`), a dotted abbreviation
    //    other than an initial, or a place (`Geneva Communique`, `Friends of Syria`).
    let name_like = |w: &&str| w.chars().any(char::is_lowercase) || (is_dotted(w) && w.len() == 2);
    let has_place = words.iter().any(|w| lookup(PLACES, w).is_some());
    if (2..=3).contains(&n)
        && !tokens[from].sentence_start
        && words.iter().all(|w| name_like(w) || CONNECTORS.contains(w))
        && !has_place
    {
        out.push(Mention {
            kind: Kind::Person,
            from,
            to,
            name: None,
        });
    }
}

// ---------------------------------------------------------------------------
// Entities
// ---------------------------------------------------------------------------

#[derive(Debug)]
struct Entity {
    kind: Kind,
    name: String,
    mentions: Vec<Span>,
}

/// Surname keys of a full name: `Bashar al-Assad` → `al-Assad`, `Assad`.
fn surname_keys(name: &str) -> Vec<String> {
    let last = name.rsplit(' ').next().unwrap_or(name);
    let mut keys = vec![last.to_string()];
    if let Some(bare) = ["al-", "el-", "Al-", "El-"]
        .iter()
        .find_map(|p| last.strip_prefix(p))
    {
        keys.push(bare.to_string());
    }
    keys
}

/// Finds and merges the entities of `text`.
fn extract(text: &str, sentences: &[Span]) -> Vec<Entity> {
    let starts: HashSet<usize> = sentences.iter().map(|s| s.start).collect();
    let tokens = tokenize(text, &starts);
    let mut mentions = Vec::new();
    let runs = runs(text, &tokens);
    for &(from, to) in &runs {
        // A lower-case role word right before the run: `spokesman John Kirby`.
        let role = from > 0
            && ROLE_WORDS.contains(&tokens[from - 1].text)
            && !tokens[from - 1].trail_punct
            && !tokens[from].lead_punct;
        classify(text, &tokens, from, to, role, &mut mentions);
    }
    let span_of = |m: &Mention| Span::new(tokens[m.from].start, tokens[m.to - 1].end);
    let text_of = |m: &Mention| {
        text[tokens[m.from].start..tokens[m.to - 1].end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };

    let mut entities: Vec<Entity> = Vec::new();
    let mut index: BTreeMap<(Kind, String), usize> = BTreeMap::new();
    let mut add = |entities: &mut Vec<Entity>, kind: Kind, name: String, span: Span| {
        // `John F. Kerry` and `John Kerry` are one person: people are keyed without initials.
        let key = if kind == Kind::Person {
            name.split(' ')
                .filter(|w| !(is_dotted(w) && w.len() == 2))
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            name.clone()
        };
        let i = *index.entry((kind, key)).or_insert_with(|| {
            entities.push(Entity {
                kind,
                name,
                mentions: Vec::new(),
            });
            entities.len() - 1
        });
        if !entities[i].mentions.contains(&span) {
            entities[i].mentions.push(span);
        }
    };
    // Full names and places/organisations first; single-word people after,
    // so that `Secretary Kerry` can join `John Kerry` wherever it appears.
    let (single, rest): (Vec<&Mention>, Vec<&Mention>) = mentions
        .iter()
        .partition(|m| m.kind == Kind::Person && m.to - m.from == 1);
    for m in &rest {
        let name = m.name.map(str::to_string).unwrap_or_else(|| text_of(m));
        add(&mut entities, m.kind, name, span_of(m));
    }
    let surnames = |entities: &[Entity]| -> BTreeMap<String, usize> {
        let mut map = BTreeMap::new();
        for (i, e) in entities.iter().enumerate() {
            if e.kind == Kind::Person && e.name.contains(' ') {
                for key in surname_keys(&e.name) {
                    map.entry(key).or_insert(i);
                }
            }
        }
        map
    };
    let known = surnames(&entities);
    for m in &single {
        let name = text_of(m);
        let span = span_of(m);
        match known.get(&name) {
            Some(&i) => {
                if !entities[i].mentions.contains(&span) {
                    entities[i].mentions.push(span);
                }
            }
            None => add(&mut entities, Kind::Person, name, span),
        }
    }
    // Surnames and full names anywhere else (headlines, sentence starts,
    // runs no rule claimed) join the person they name.
    let known = surnames(&entities);
    let full: BTreeMap<String, usize> = entities
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == Kind::Person && e.name.contains(' '))
        .map(|(i, e)| (e.name.clone(), i))
        .collect();
    let claimed: Vec<Span> = entities
        .iter()
        .flat_map(|e| e.mentions.iter().copied())
        .collect();
    let free = |s: Span| !claimed.iter().any(|c| c.start < s.end && s.start < c.end);
    for &(from, to) in &runs {
        let span = Span::new(tokens[from].start, tokens[to - 1].end);
        let phrase = text[span.start..span.end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if let Some(&i) = full.get(&phrase) {
            if free(span) {
                entities[i].mentions.push(span);
            }
            continue;
        }
        for t in &tokens[from..to] {
            let span = Span::new(t.start, t.end);
            if let Some(&i) = known.get(t.text) {
                if free(span) {
                    entities[i].mentions.push(span);
                }
            }
        }
    }
    for e in &mut entities {
        e.mentions.sort();
        e.mentions.dedup();
    }
    entities.sort_by_key(|e| (e.mentions[0], e.kind));
    entities
}

impl Entities {
    fn to_json(&self, entities: &[Entity]) -> Value {
        let mut out = serde_json::Map::new();
        for &kind in &self.types {
            let list: Vec<Value> = entities
                .iter()
                .filter(|e| e.kind == kind && e.mentions.len() >= self.min_mentions)
                .map(|e| json!({"name": e.name, "mentions": e.mentions.iter().map(|s| json!({"start": s.start, "end": s.end})).collect::<Vec<_>>()}))
                .collect();
            out.insert(kind.key().to_string(), Value::Array(list));
        }
        Value::Object(out)
    }
}

impl DocumentStage for Entities {
    fn process(&self, mut doc: Document) -> Result<Document, StageError> {
        let entities = extract(&doc.text, &doc.sentences);
        let value = self.to_json(&entities);
        let counts: Vec<String> = self
            .types
            .iter()
            .map(|k| {
                format!(
                    "{} {}",
                    value[k.key()].as_array().map_or(0, Vec::len),
                    k.key()
                )
            })
            .collect();
        doc.diagnostics.push(Diagnostic::info(
            Self::NAME,
            "entities:count",
            format!("tagged {}", counts.join(", ")),
        ));
        doc.ext.insert(Self::NAME.to_string(), value);
        Ok(doc)
    }
}

impl Plugin for Entities {
    const NAME: &'static str = "entities";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const DESCRIPTION: &'static str = "Tags people, places and organisations with explainable rules (an example out-of-tree plugin).";

    fn stages() -> Vec<StageSpec> {
        vec![StageSpec::new(
            "entities",
            StageKind::Document,
            "Tags people, places and organisations in the text; writes ext.entities.",
        )
        .requires("text")
        .option(OptionSpec::new(
            "min_mentions",
            OptionType::Integer,
            1,
            "Drop entities mentioned fewer times than this in a document.",
        ))
        .option(OptionSpec::new(
            "types",
            OptionType::StringList,
            json!(["people", "places", "organisations"]),
            "Which groups to output: any of \"people\", \"places\", \"organisations\".",
        ))]
    }

    fn create(stage: &str, options: &Options) -> Result<Stage, StageError> {
        if stage != "entities" {
            return Err(StageError::new(format!(
                "plugin `entities` has no stage `{stage}`"
            )));
        }
        Ok(Stage::document(Entities::from_options(options)?))
    }
}

impl Entities {
    /// Reads the stage's options (defaults filled in by the host; absent ones default here too).
    fn from_options(options: &Options) -> Result<Entities, StageError> {
        let min_mentions = options.int("min_mentions")?.unwrap_or(1);
        if min_mentions < 1 {
            return Err(StageError::new(format!(
                "option `min_mentions` must be at least 1, got {min_mentions}"
            )));
        }
        let types = match options.get("types") {
            None => Kind::ALL.to_vec(),
            Some(_) => {
                let mut kinds = Vec::new();
                for name in options.str_list("types")? {
                    let kind = Kind::from_key(&name).ok_or_else(|| {
                        StageError::new(format!("option `types`: unknown type `{name}` (expected \"people\", \"places\" or \"organisations\")"))
                    })?;
                    if !kinds.contains(&kind) {
                        kinds.push(kind);
                    }
                }
                kinds.sort();
                kinds
            }
        };
        Ok(Entities {
            min_mentions: min_mentions as usize,
            types,
        })
    }
}

copydesk_core::export_plugin!(Entities);

#[cfg(test)]
mod tests {
    use super::*;

    const ARTICLE: &str = include_str!("../../bundles/kerry-syria/000_3e3a64f0fc0f036f.txt");

    fn names(entities: &[Entity], kind: Kind) -> Vec<&str> {
        entities
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| e.name.as_str())
            .collect()
    }

    fn find<'a>(entities: &'a [Entity], name: &str) -> &'a Entity {
        entities
            .iter()
            .find(|e| e.name == name)
            .unwrap_or_else(|| panic!("no entity {name} in {entities:?}"))
    }

    fn stage(options: Value) -> Result<Entities, StageError> {
        let mut map = serde_json::Map::new();
        for spec in &Entities::stages()[0].options {
            map.insert(spec.name.clone(), spec.default.clone());
        }
        map.extend(options.as_object().cloned().unwrap_or_default());
        Entities::from_options(&Options(map))
    }

    #[test]
    fn secretary_of_state_john_kerry() {
        let text = "A frustrated U.S. Secretary of State John Kerry told a group of Syrian civilians last week that he “lost the argument” within the Obama administration for the use of force against the regime of Syrian President Bashar Assad.";
        let e = extract(text, &[]);
        assert_eq!(names(&e, Kind::Person), ["John Kerry", "Bashar Assad"]);
        assert_eq!(names(&e, Kind::Place), ["United States"]);
        assert_eq!(
            find(&e, "United States").mentions[0].slice(text),
            Some("U.S.")
        );
        assert!(names(&e, Kind::Organisation).is_empty(), "{e:?}");
    }

    #[test]
    fn spokesman_and_department() {
        let text = "Asked about the recording, State Department spokesman John Kirby told CNN: “While we will decline to comment on a private conversation, Secretary Kerry was grateful.”";
        let e = extract(text, &[]);
        assert_eq!(names(&e, Kind::Person), ["John Kirby", "Kerry"]);
        assert_eq!(names(&e, Kind::Organisation), ["State Department", "CNN"]);
    }

    #[test]
    fn places_from_the_gazetteer() {
        let text = "The meeting occurred just days after the United States and Russia announced a ceasefire agreement in Geneva. That agreement quickly collapsed as Russia and Assad’s air force bombarded Aleppo in preparation for an all-out attack on the city.";
        let e = extract(text, &[]);
        assert_eq!(
            names(&e, Kind::Place),
            ["United States", "Russia", "Geneva", "Aleppo"]
        );
        assert_eq!(find(&e, "Russia").mentions.len(), 2);
        assert!(names(&e, Kind::Person).is_empty(), "{e:?}");
    }

    #[test]
    fn surname_joins_full_name() {
        let e = extract(ARTICLE, &[]);
        let kerry = find(&e, "John Kerry");
        assert_eq!(kerry.kind, Kind::Person);
        // Headline, three `John Kerry`s, the sentence-initial and mid-sentence `Kerry`s, `Secretary Kerry`.
        assert!(kerry.mentions.len() >= 8, "{:?}", kerry.mentions);
        assert!(
            !e.iter().any(|e| e.name == "Kerry"),
            "surname left on its own: {e:?}"
        );
        assert_eq!(find(&e, "Bashar Assad").kind, Kind::Person);
        assert!(find(&e, "Bashar Assad").mentions.len() >= 4);
        assert_eq!(find(&e, "John Kirby").kind, Kind::Person);
        assert_eq!(find(&e, "Aleppo").kind, Kind::Place);
        assert_eq!(find(&e, "State Department").kind, Kind::Organisation);
        assert_eq!(find(&e, "CNN").kind, Kind::Organisation);
        assert_eq!(find(&e, "CNN").mentions.len(), 3);
        assert_eq!(find(&e, "UN General Assembly").kind, Kind::Organisation);
    }

    #[test]
    fn spans_slice_the_text_exactly() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../bundles/kerry-syria");
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for e in extract(&text, &[]) {
                for s in &e.mentions {
                    let slice = s.slice(&text).expect("span on char boundaries");
                    assert!(!slice.is_empty() && slice.trim() == slice, "{slice:?}");
                    let canonical = lookup(PLACES, slice)
                        .or(lookup(ORGS, slice))
                        .map(str::to_string);
                    let no_initials = |s: &str| {
                        s.split(' ')
                            .filter(|w| !is_dotted(w))
                            .collect::<Vec<_>>()
                            .join(" ")
                    };
                    let matches = slice == e.name
                        || no_initials(slice) == no_initials(&e.name)
                        || canonical.as_deref() == Some(e.name.as_str())
                        || surname_keys(&e.name).iter().any(|k| k == slice);
                    assert!(matches, "mention {slice:?} of {:?}", e.name);
                }
            }
        }
    }

    /// `cargo test -- --ignored --nocapture dump` prints what the stage finds in the example bundle.
    #[test]
    #[ignore]
    fn dump() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../bundles/kerry-syria");
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap();
            println!("== {}", path.display());
            for e in extract(&text, &[]) {
                let forms: std::collections::BTreeSet<&str> =
                    e.mentions.iter().map(|s| &text[s.start..s.end]).collect();
                println!(
                    "{:?}\t{}\t{}\t{:?}",
                    e.kind,
                    e.name,
                    e.mentions.len(),
                    forms
                );
            }
        }
    }

    #[test]
    fn sorted_by_first_mention() {
        let e = extract(ARTICLE, &[]);
        let firsts: Vec<Span> = e.iter().map(|e| e.mentions[0]).collect();
        let mut sorted = firsts.clone();
        sorted.sort();
        assert_eq!(firsts, sorted);
    }

    #[test]
    fn sentence_initial_words_are_ignored_unless_known() {
        let e = extract(
            "Nobody was frustrated. Syria was quiet. Frustration grew in Damascus.",
            &[],
        );
        assert_eq!(names(&e, Kind::Place), ["Syria", "Damascus"]);
        assert!(names(&e, Kind::Person).is_empty());
        // Initials and connectors stay inside a name.
        let e = extract("Officials said Abu Bakr al-Baghdadi and John F. Kennedy were named. Officials said John Kennedy was not.", &[]);
        assert_eq!(
            names(&e, Kind::Person),
            ["Abu Bakr al-Baghdadi", "John F. Kennedy"]
        );
        assert_eq!(find(&e, "John F. Kennedy").mentions.len(), 2);
    }

    #[test]
    fn options_and_output() {
        let mut doc = Document::default();
        doc.text =
            "State Department spokesman John Kirby spoke in Geneva. Kirby said Geneva was calm."
                .into();
        let entities = stage(json!({})).unwrap();
        let out = entities.process(doc.clone()).unwrap();
        let ext = &out.ext["entities"];
        assert_eq!(ext["people"][0]["name"], "John Kirby");
        assert_eq!(ext["people"][0]["mentions"].as_array().unwrap().len(), 2);
        assert_eq!(ext["places"][0]["name"], "Geneva");
        assert_eq!(ext["organisations"][0]["name"], "State Department");

        let only = Entities {
            min_mentions: 2,
            types: vec![Kind::Place],
        };
        let out = only.process(doc).unwrap();
        assert_eq!(
            out.ext["entities"],
            json!({"places": [{"name": "Geneva", "mentions": [{"start": 47, "end": 53}, {"start": 66, "end": 72}]}]})
        );

        let bad = |o: Value| stage(o).err().map(|e| e.message);
        assert!(bad(json!({"types": ["people", "things"]}))
            .unwrap()
            .contains("things"));
        assert!(bad(json!({"min_mentions": 0}))
            .unwrap()
            .contains("at least 1"));
        assert!(bad(json!({})).is_none());
        assert!(matches!(
            Entities::create("entities", &Options::default()),
            Ok(Stage::Document(_))
        ));
        assert!(Entities::create("nope", &Options::default()).is_err());
    }
}
