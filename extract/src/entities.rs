//! Character reference decoding: named (the full HTML5 list), decimal and hex.

use crate::entity_table::ENTITIES;

fn lookup(name: &str) -> Option<&'static str> {
    ENTITIES
        .binary_search_by(|(k, _)| k.as_bytes().cmp(name.as_bytes()))
        .ok()
        .map(|i| ENTITIES[i].1)
}

/// Windows-1252 meanings of the C1 range, as HTML maps numeric references.
const C1: [u32; 32] = [
    0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
    0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
];

/// Appends `s` to `out` with character references decoded.
pub fn decode_entities_into(s: &str, out: &mut String) {
    let bytes = s.as_bytes();
    let mut last = 0;
    let mut pos = 0;
    while let Some(k) = memchr::memchr(b'&', &bytes[pos..]) {
        let amp = pos + k;
        pos = amp + 1;
        if let Some((rep, len)) = decode_one(&bytes[amp + 1..]) {
            out.push_str(&s[last..amp]);
            match rep {
                Rep::Str(r) => out.push_str(r),
                Rep::Char(c) => out.push(c),
            }
            pos = amp + 1 + len;
            last = pos;
        }
    }
    out.push_str(&s[last..]);
}

/// Decodes into a new string.
pub fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    decode_entities_into(s, &mut out);
    out
}

enum Rep {
    Str(&'static str),
    Char(char),
}

/// `b` starts just after `&`. Returns the replacement and bytes consumed.
fn decode_one(b: &[u8]) -> Option<(Rep, usize)> {
    if b.first() == Some(&b'#') {
        let (hex, start) = match b.get(1) {
            Some(b'x') | Some(b'X') => (true, 2),
            _ => (false, 1),
        };
        let mut i = start;
        let mut v: u32 = 0;
        while i < b.len() && i < start + 10 {
            let d = match (b[i], hex) {
                (c @ b'0'..=b'9', _) => (c - b'0') as u32,
                (c @ b'a'..=b'f', true) => (c - b'a' + 10) as u32,
                (c @ b'A'..=b'F', true) => (c - b'A' + 10) as u32,
                _ => break,
            };
            v = v
                .saturating_mul(if hex { 16 } else { 10 })
                .saturating_add(d);
            i += 1;
        }
        if i == start {
            return None;
        }
        // Skip any further digits of an overlong number.
        while i < b.len() && b[i].is_ascii_hexdigit() && (hex || b[i].is_ascii_digit()) {
            i += 1;
        }
        if b.get(i) == Some(&b';') {
            i += 1;
        }
        let c = if (0x80..0xA0).contains(&v) {
            char::from_u32(C1[(v - 0x80) as usize]).unwrap_or('\u{FFFD}')
        } else if v == 0 {
            '\u{FFFD}'
        } else {
            char::from_u32(v).unwrap_or('\u{FFFD}')
        };
        return Some((Rep::Char(c), i));
    }
    let mut i = 0;
    while i < b.len() && i < 32 && b[i].is_ascii_alphanumeric() {
        i += 1;
    }
    if i == 0 {
        return None;
    }
    let name = std::str::from_utf8(&b[..i]).ok()?;
    if b.get(i) == Some(&b';') {
        let mut key = String::with_capacity(i + 1);
        key.push_str(name);
        key.push(';');
        if let Some(r) = lookup(&key) {
            return Some((Rep::Str(r), i + 1));
        }
    }
    // Legacy references without `;` (at most 6 characters long), not when
    // followed by an alphanumeric (`&copy2019` in a URL stays as is).
    for l in (2..=i.min(6)).rev() {
        if let Some(r) = lookup(&name[..l]) {
            if l == i || !b[l].is_ascii_alphanumeric() {
                return Some((Rep::Str(r), l));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn refs() {
        assert_eq!(
            decode_entities("a&amp;b &lt;&gt; &nbsp;x"),
            "a&b <> \u{a0}x"
        );
        assert_eq!(decode_entities("&#8217;&#x2019;&#X2019;&rsquo;"), "’’’’");
        assert_eq!(
            decode_entities("&#150; &#0; &#99999999999;"),
            "– \u{FFFD} \u{FFFD}"
        );
        assert_eq!(
            decode_entities("&amp &copy2019 &notit; &bogus; &"),
            "& &copy2019 &notit; &bogus; &"
        );
        assert_eq!(decode_entities("&eacute;t&eacute"), "été");
    }
}
