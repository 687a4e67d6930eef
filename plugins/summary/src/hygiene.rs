//! Sentence hygiene: which sentences may stand alone in a summary.
//!
//! Every check works on the sentence as written; none of them changes text,
//! except [`strip_dateline`], which tells how many leading bytes (a dateline
//! such as `NEW YORK, Sept. 30 (UPI) --`) to leave out of the citation.

/// Why a sentence was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reject {
    /// Starts with a pronoun or connective that needs the sentence before it.
    Dangling,
    /// A question.
    Question,
    /// A photo caption or credit.
    Caption,
    /// Site furniture: `Advertisement`, `RELATED`, `Send comments`, URLs.
    Boilerplate,
    /// Too short, no verb, no final punctuation, or shouting capitals.
    Fragment,
    /// Unbalanced quote marks (part of a longer quotation).
    BrokenQuote,
    /// A bare quotation with no speaker.
    UnattributedQuote,
    /// Too long for a summary sentence.
    TooLong,
}

const DANGLING: &[&str] = &[
    "he",
    "she",
    "it",
    "they",
    "this",
    "that",
    "these",
    "those",
    "his",
    "her",
    "its",
    "their",
    "him",
    "them",
    "but",
    "and",
    "however",
    "also",
    "yet",
    "so",
    "or",
    "nor",
    "moreover",
    "furthermore",
    "besides",
    "instead",
    "still",
    "then",
    "thus",
    "hence",
    "otherwise",
    "nevertheless",
    "nonetheless",
    "meanwhile",
    "such",
    "another",
    "others",
    "likewise",
    "similarly",
    "additionally",
    "accordingly",
    "consequently",
    "therefore",
];

/// Openers that point back at an earlier sentence.
const DANGLING_PHRASES: &[&str] = &[
    "as a result",
    "in addition",
    "on the other hand",
    "in response",
    "by contrast",
    "in contrast",
    "even so",
    "at the same time",
    "after that",
    "in that case",
    "for that reason",
    "because of this",
    "because of that",
    "despite this",
    "despite that",
    "the same day",
];

const CAPTION_MARKS: &[&str] = &[
    "Photo by",
    "Photograph:",
    "Photograph by",
    "Photo:",
    "Photos:",
    "Image:",
    "Image by",
    "Picture:",
    "File photo",
    "FILE PHOTO",
    "License Photo",
    "Getty Images",
    "/AP",
    "/ AP",
    "/UPI",
    "/ UPI",
    "/AFP",
    "/ AFP",
    "/Reuters",
    "/ Reuters",
    "Credit:",
    "(Photo",
    "(AP Photo",
    "Pictured:",
    "main img",
    "ugc_banner",
];

const BOILER_START: &[&str] = &[
    "Advertisement",
    "ADVERTISEMENT",
    "RELATED",
    "Related:",
    "Related Articles",
    "Send comments",
    "Latest Headlines",
    "Read more",
    "Read More",
    "READ MORE",
    "Click here",
    "Sign up",
    "Subscribe",
    "Follow us",
    "Follow @",
    "Copyright",
    "All rights reserved",
    "News ID",
    "Updated:",
    "Share this",
    "Share on",
    "Tags:",
    "Contact ",
    "Email ",
    "Reporting by",
    "Editing by",
    "Additional reporting",
    "Watch:",
    "WATCH:",
    "Video:",
    "Listen:",
    "This story",
    "This article",
    "(",
    "[",
];

const BOILER_ANY: &[&str] = &[
    "http://",
    "https://",
    "www.",
    "All rights reserved",
    "Send comments",
    "contributed to this report",
    "@",
];

const VERBS: &[&str] = &[
    "is", "are", "was", "were", "be", "been", "being", "am", "has", "have", "had", "do", "does",
    "did", "will", "would", "can", "could", "shall", "should", "may", "might", "must", "said",
    "says", "say", "told", "tells", "tell", "made", "make", "makes", "took", "take", "takes",
    "gave", "give", "gives", "got", "get", "gets", "went", "go", "goes", "came", "come", "comes",
    "saw", "see", "sees", "knew", "know", "knows", "thought", "think", "thinks", "found", "find",
    "finds", "left", "leave", "lost", "lose", "won", "win", "wins", "met", "meet", "meets", "held",
    "hold", "holds", "kept", "keep", "began", "begin", "begins", "ran", "run", "runs", "set",
    "sets", "put", "puts", "hit", "hits", "cut", "cuts", "led", "lead", "leads", "fell", "fall",
    "falls", "rose", "rise", "rises", "sent", "send", "sends", "spent", "spend", "paid", "pay",
    "pays", "brought", "bring", "built", "sold", "sell", "bought", "buy", "became", "become",
    "becomes", "shows", "show", "seems", "seem", "wants", "want", "needs", "need", "plans", "plan",
    "aims", "calls", "call", "expects", "expect", "believes", "believe", "remains", "remain",
    "includes", "include", "ended", "wrote", "spoke", "chose", "stood", "grew", "drew", "flew",
    "threw", "fought", "sought", "taught", "caught", "struck", "hung", "swore", "withdrew",
    "forbade", "arose", "shut",
];

/// Bytes to skip at the start of `s` to drop a dateline such as
/// `NEW YORK, Sept. 30 (UPI) --` or `WASHINGTON (AP) _`; 0 when there is none.
pub fn strip_dateline(s: &str) -> usize {
    // `EghtesadOnline: U.S. Secretary of State ...`: a one-word source label
    if let Some(p) = s.as_bytes().windows(2).position(|w| w == b": ") {
        let label = &s[..p];
        let rest = &s[p + 2..];
        if p <= 30
            && !label.is_empty()
            && !label.contains(char::is_whitespace)
            && label.chars().next().is_some_and(char::is_uppercase)
            && label
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-')
            && rest.chars().next().is_some_and(|c| c.is_uppercase())
            && rest.split_whitespace().count() >= 6
        {
            return p + 2;
        }
    }
    let head_end = s.char_indices().nth(90).map_or(s.len(), |(i, _)| i);
    let head = &s[..head_end];
    // Every separator holds `-`, `_` or the lead byte of `—`/`–` (0xE2).
    if !head.bytes().any(|b| matches!(b, b'-' | b'_' | 0xE2)) {
        return 0;
    }
    let seps = ["--", "\u{2014}", "\u{2013}", " _ ", " - "];
    let Some((pos, sep)) = seps
        .iter()
        .filter_map(|sep| head.find(sep).map(|p| (p, *sep)))
        .min_by_key(|&(p, _)| p)
    else {
        return 0;
    };
    let prefix = head[..pos].trim();
    if prefix.is_empty() || prefix.split_whitespace().count() > 9 {
        return 0;
    }
    let first: String = prefix
        .chars()
        .take_while(|c| c.is_alphabetic() || *c == '.' || *c == ' ')
        .collect();
    let first_word = first.split_whitespace().next().unwrap_or("");
    let letters: Vec<char> = first_word.chars().filter(|c| c.is_alphabetic()).collect();
    let caps = letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase());
    let agency = prefix.ends_with(')') && prefix.contains('(');
    if !(caps || agency) {
        return 0;
    }
    let mut rest = pos + sep.len();
    while let Some(c) = s[rest..].chars().next() {
        if c.is_whitespace() || c == '-' || c == '_' {
            rest += c.len_utf8();
        } else {
            break;
        }
    }
    match s[rest..].chars().next() {
        Some(c)
            if c.is_uppercase()
                || c.is_ascii_digit()
                || matches!(c, '"' | '\u{201C}' | '\'' | '\u{2018}') =>
        {
            rest
        }
        _ => 0,
    }
}

/// True when the sentence carries a photo caption or credit mark.
pub fn is_caption(s: &str) -> bool {
    contains_any(s, CAPTION_MARKS, &CAPTION_FIRST)
}

/// Which bytes start one of `pats` (a pattern that is empty starts everywhere).
const fn first_bytes(pats: &[&str]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < pats.len() {
        let b = pats[i].as_bytes();
        if b.is_empty() {
            let mut k = 0;
            while k < 256 {
                t[k] = true;
                k += 1;
            }
        } else {
            t[b[0] as usize] = true;
        }
        i += 1;
    }
    t
}

static CAPTION_FIRST: [bool; 256] = first_bytes(CAPTION_MARKS);
static BOILER_ANY_FIRST: [bool; 256] = first_bytes(BOILER_ANY);

/// `pats.iter().any(|p| s.contains(p))` in one pass over `s`: a pattern is
/// tried only where `s` has one of their first bytes (`first`, from
/// [`first_bytes`]). Every sentence goes through these tests, and a
/// separate substring search per pattern was most of the stage's time.
fn contains_any(s: &str, pats: &[&str], first: &[bool; 256]) -> bool {
    if pats.iter().any(|p| p.is_empty()) {
        return true;
    }
    let h = s.as_bytes();
    (0..h.len()).any(|i| {
        first[h[i] as usize]
            && pats.iter().any(|p| {
                let p = p.as_bytes();
                p[0] == h[i] && h[i..].starts_with(p)
            })
    })
}

/// `s.matches(pair).count()` for the pattern of two `b` bytes: matches
/// counted left to right without overlap, in one pass.
fn pairs(s: &str, b: u8) -> usize {
    let h = s.as_bytes();
    let (mut i, mut n) = (0, 0);
    while i + 1 < h.len() {
        if h[i] == b && h[i + 1] == b {
            n += 1;
            i += 2;
        } else {
            i += 1;
        }
    }
    n
}

/// [`VERBS`] as a set, built once (`check` looks up most words of every sentence).
fn verbs() -> &'static std::collections::HashSet<&'static str> {
    static SET: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    SET.get_or_init(|| VERBS.iter().copied().collect())
}

fn first_word_lower(s: &str) -> String {
    s.trim_start_matches(|c: char| !c.is_alphanumeric())
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '\u{2019}'))
        .next()
        .unwrap_or("")
        .to_lowercase()
}

/// Checks one sentence (after any dateline was stripped); `words` is its
/// whitespace word count.
pub fn check(s: &str, words: usize, min_words: usize, max_words: usize) -> Result<(), Reject> {
    let t = s.trim();
    if BOILER_START.iter().any(|b| t.starts_with(b))
        || contains_any(t, BOILER_ANY, &BOILER_ANY_FIRST)
    {
        return Err(Reject::Boilerplate);
    }
    if is_caption(t) {
        return Err(Reject::Caption);
    }
    let trimmed_end = t.trim_end_matches(['"', '\'', ')', '\u{201D}', '\u{2019}', ' ']);
    if trimmed_end.ends_with('?') {
        return Err(Reject::Question);
    }
    if !(trimmed_end.ends_with('.') || trimmed_end.ends_with('!')) {
        return Err(Reject::Fragment);
    }
    if words < min_words {
        return Err(Reject::Fragment);
    }
    if words > max_words {
        return Err(Reject::TooLong);
    }
    let first = t.chars().next().unwrap_or(' ');
    if first.is_lowercase() {
        return Err(Reject::Fragment);
    }
    if DANGLING.contains(&first_word_lower(t).as_str()) {
        return Err(Reject::Dangling);
    }
    let head: String = t.chars().take(40).collect::<String>().to_lowercase();
    if DANGLING_PHRASES
        .iter()
        .any(|p| head.starts_with(p) && head[p.len()..].starts_with([' ', ',']))
    {
        return Err(Reject::Dangling);
    }
    // shouting capitals (headlines, kickers)
    // (words with a letter; those of two or more letters, all capitals)
    let (mut alpha, mut caps) = (0usize, 0usize);
    for w in t.split_whitespace() {
        let (mut letters, mut upper) = (0usize, true);
        for c in w.chars().filter(|c| c.is_alphabetic()) {
            letters += 1;
            upper &= c.is_uppercase();
        }
        if letters > 0 {
            alpha += 1;
            if letters > 1 && upper {
                caps += 1;
            }
        }
    }
    if caps * 2 > alpha {
        return Err(Reject::Fragment);
    }
    let mut verbish = false;
    let mut ascii = String::new();
    for w in t.split(|c: char| !(c.is_alphanumeric() || c == '\'')) {
        // lower case without an allocation per word when it is ASCII
        let owned;
        let lw: &str = if w.is_ascii() {
            ascii.clear();
            ascii.extend(w.bytes().map(|b| b.to_ascii_lowercase() as char));
            &ascii
        } else {
            owned = w.to_lowercase();
            &owned
        };
        if verbs().contains(lw)
            || (lw.len() > 4 && (lw.ends_with("ed") || lw.ends_with("ing")))
            || lw.ends_with("n't")
        {
            verbish = true;
            break;
        }
    }
    if !verbish {
        return Err(Reject::Fragment);
    }
    // quotes must be whole
    let straight = t.matches('"').count();
    let open = t.matches('\u{201C}').count();
    let close = t.matches('\u{201D}').count();
    // newswire `` and '' quotes
    let ticks = pairs(t, b'`');
    let tails = pairs(t, b'\'');
    if straight % 2 == 1 || open != close || ticks != tails {
        return Err(Reject::BrokenQuote);
    }
    let lsq = t.matches('\u{2018}').count();
    let rsq = t.matches('\u{2019}').count();
    if lsq > rsq {
        return Err(Reject::BrokenQuote);
    }
    // a sentence that is nothing but a quotation: who said it?
    if matches!(first, '"' | '\u{201C}') || t.starts_with("``") {
        // `"...," he said.`: the speaker is only a pronoun, named in an earlier sentence.
        let tail_at = t
            .char_indices()
            .rev()
            .find(|&(_, c)| matches!(c, '"' | '\u{201D}'))
            .map_or(t.len(), |(i, c)| i + c.len_utf8());
        let tail = first_word_lower(&t[tail_at..]);
        if tail_at < t.len() && matches!(tail.as_str(), "he" | "she" | "they" | "it" | "we") {
            return Err(Reject::Dangling);
        }
        let last = t.chars().last().unwrap_or(' ');
        if (matches!(last, '"' | '\u{201D}') || t.ends_with("''"))
            && (straight == 2 || open == 1 || ticks == 1)
        {
            return Err(Reject::UnattributedQuote);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> Result<(), Reject> {
        check(s, s.split_whitespace().count(), 6, 60)
    }

    #[test]
    fn quotes_attributed_to_a_bare_pronoun_dangle() {
        let s = "\"I think you're looking at three, four people in the administration who have all argued for use of force, and I lost the argument,\" he said.";
        assert_eq!(ok(s), Err(Reject::Dangling));
        let s = "\"We're trying to pursue the diplomacy, and I understand it's frustrating,\" Kerry said.";
        assert_eq!(ok(s), Ok(()));
        let s = "\u{201C}You can be mad at us, but what we are trying to do is help Syrians,\u{201D} she told them.";
        assert_eq!(ok(s), Err(Reject::Dangling));
    }

    #[test]
    fn pairs_count_like_matches() {
        for t in [
            "",
            "`",
            "``",
            "```",
            "````",
            "a``b''c",
            "''''' x ''",
            "caf\u{e9}``",
        ] {
            assert_eq!(pairs(t, b'`'), t.matches("``").count(), "{t:?}");
            assert_eq!(pairs(t, b'\''), t.matches("''").count(), "{t:?}");
        }
    }

    #[test]
    fn contains_any_is_any_contains() {
        let hays = [
            "",
            "Kerry spoke. /AP",
            "Photo by Jane Doe",
            "see www.example.com",
            "mail me @home",
            "no marks here at all",
            "ugc_banner and main img",
            "caf\u{e9} /Reuters",
            "(AP Photo/Evan Vucci)",
        ];
        for h in hays {
            assert_eq!(
                is_caption(h),
                CAPTION_MARKS.iter().any(|m| h.contains(m)),
                "{h:?}"
            );
            assert_eq!(
                contains_any(h, BOILER_ANY, &BOILER_ANY_FIRST),
                BOILER_ANY.iter().any(|m| h.contains(m)),
                "{h:?}"
            );
        }
    }

    #[test]
    fn datelines() {
        let s = "NEW YORK, Sept. 30 (UPI) -- As the United States and opposition forces continue to tangle.";
        assert_eq!(
            &s[strip_dateline(s)..],
            "As the United States and opposition forces continue to tangle."
        );
        let s = "BRUSSELS, January 22 (Xinhua) -- Two recent Eurobarometer polls showed it.";
        assert_eq!(
            &s[strip_dateline(s)..],
            "Two recent Eurobarometer polls showed it."
        );
        let s = "WASHINGTON (AP) _ The Senate voted.";
        assert_eq!(&s[strip_dateline(s)..], "The Senate voted.");
        let s = "EghtesadOnline: U.S. Secretary of State John Kerry said he had lost an argument.";
        assert_eq!(
            &s[strip_dateline(s)..],
            "U.S. Secretary of State John Kerry said he had lost an argument."
        );
        let s = "The euro -- a new currency -- was launched.";
        assert_eq!(strip_dateline(s), 0);
    }

    #[test]
    fn rejects() {
        assert_eq!(
            ok("He also said the coalition forces don't have legal justification."),
            Err(Reject::Dangling)
        );
        assert_eq!(
            ok("But the plan was approved by the council on Monday."),
            Err(Reject::Dangling)
        );
        assert_eq!(
            ok("How many Syrians have to be killed before you act?"),
            Err(Reject::Question)
        );
        assert_eq!(
            ok("Secretary of State John Kerry speaks in New York. /AP"),
            Err(Reject::Caption)
        );
        assert_eq!(ok("Advertisement"), Err(Reject::Boilerplate));
        assert_eq!(
            ok("RELATED Secretary of State John Kerry warns Russia to stop bombing of Aleppo"),
            Err(Reject::Boilerplate)
        );
        assert_eq!(
            ok("\"The problem is the Russians don't care about international law and we do."),
            Err(Reject::BrokenQuote)
        );
        assert_eq!(
            ok("\"You have nobody more frustrated than we are.\""),
            Err(Reject::UnattributedQuote)
        );
        assert_eq!(
            ok("Kerry laments lack of Syria options in leaked audio"),
            Err(Reject::Fragment)
        );
        assert_eq!(
            ok("The meeting took place days after a ceasefire had collapsed."),
            Ok(())
        );
        assert_eq!(
            ok("\"I lost the argument,\" Kerry told the Syrians in a meeting."),
            Ok(())
        );
    }
}
