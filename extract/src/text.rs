//! Whitespace collapsing and Unicode normalisation.

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Characters dropped from text: zero-width and soft hyphen.
#[inline]
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    )
}

/// Appends `s` to `out`, collapsing runs of whitespace to one space. `out`
/// never gets a leading space, and `pending_space` carries a trailing one.
pub fn push_collapsed(out: &mut String, s: &str, pending_space: &mut bool) {
    // Fast path for ASCII without doubled whitespace is not worth the
    // complexity: this loop is a small part of the total.
    for c in s.chars() {
        if c.is_whitespace() || c.is_control() {
            *pending_space = true;
        } else if is_invisible(c) {
            continue;
        } else {
            if *pending_space && !out.is_empty() {
                out.push(' ');
            }
            *pending_space = false;
            out.push(c);
        }
    }
}

/// Collapses whitespace and trims.
pub fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut sp = false;
    push_collapsed(&mut out, s, &mut sp);
    out
}

/// Unicode NFC, without allocating when the text already is.
pub fn nfc(s: String) -> String {
    if is_nfc_quick(s.chars()) == IsNormalized::Yes {
        s
    } else {
        s.nfc().collect()
    }
}

/// Collapses, trims and NFC-normalises.
pub fn clean(s: &str) -> String {
    nfc(collapse(s))
}

/// Count of non-whitespace characters.
pub fn visible_len(s: &str) -> u32 {
    if s.is_ascii() {
        s.bytes().filter(|b| !b.is_ascii_whitespace()).count() as u32
    } else {
        s.chars().filter(|c| !c.is_whitespace()).count() as u32
    }
}
