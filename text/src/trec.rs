//! Framing of TREC/SGML newswire files: one `<DOC>` … `</DOC>` record
//! after another, as in the AQUAINT, DUC and Gigaword collections.
//!
//! The host splits files into records with [`records`] and the parse
//! plugin uses the same function, so both agree on where a record starts
//! and ends. Tags are matched without case (`<doc>` is `<DOC>`), an opening
//! tag may carry attributes (`<DOC id="AFP_ENG_1" type="story">`), and a
//! record without its `</DOC>` ends where the next `<DOC>` begins (it never
//! swallows the next record). One pass over the bytes: linear in the size
//! of the file.

/// One record: where it is in the file and whether it was closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    /// 1-based line of its `<DOC>` tag.
    pub line: usize,
    /// Byte offset of its `<DOC>` tag.
    pub start: usize,
    /// One past its last byte: the end of `</DOC>`, or (a record cut short)
    /// the start of the next record or the end of the file.
    pub end: usize,
    /// False when the record has no `</DOC>`.
    pub closed: bool,
}

/// The length of a `<DOC>` opening tag at `at` (with attributes), if one
/// starts there. `<DOCNO>`, `<DOCID>` and `<DOCTYPE>` are not `<DOC>`.
fn open_tag(bytes: &[u8], at: usize) -> Option<usize> {
    let rest = &bytes[at..];
    if rest.len() < 5 || !rest[..4].eq_ignore_ascii_case(b"<DOC") {
        return None;
    }
    match rest[4] {
        b'>' => Some(5),
        c if c.is_ascii_whitespace() => rest[4..]
            .iter()
            .position(|&b| b == b'>' || b == b'<')
            .filter(|&i| rest[4 + i] == b'>')
            .map(|i| 4 + i + 1),
        _ => None,
    }
}

fn close_tag(bytes: &[u8], at: usize) -> bool {
    bytes.len() >= at + 6 && bytes[at..at + 6].eq_ignore_ascii_case(b"</DOC>")
}

/// Splits a TREC/SGML text into its `<DOC>` records, in order. Text outside
/// records is ignored.
pub fn records(text: &str) -> Vec<Record> {
    let bytes = text.as_bytes();
    let mut out: Vec<Record> = Vec::new();
    let mut line = 1;
    // The record being read: its line and start.
    let mut open: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                line += 1;
                i += 1;
            }
            b'<' => {
                if let Some(len) = open_tag(bytes, i) {
                    if let Some((l, s)) = open.take() {
                        out.push(Record {
                            line: l,
                            start: s,
                            end: i,
                            closed: false,
                        });
                    }
                    open = Some((line, i));
                    i += len;
                } else if open.is_some() && close_tag(bytes, i) {
                    let (l, s) = open.take().expect("checked");
                    out.push(Record {
                        line: l,
                        start: s,
                        end: i + 6,
                        closed: true,
                    });
                    i += 6;
                } else {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    if let Some((l, s)) = open {
        out.push(Record {
            line: l,
            start: s,
            end: bytes.len(),
            closed: false,
        });
    }
    out
}

/// True when the text starts (after white space and a byte order mark)
/// with a `<DOC>` tag.
pub fn starts_with_doc(text: &str) -> bool {
    let t = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    open_tag(t.as_bytes(), 0).is_some()
}

/// The trimmed content of a record's first `<DOCNO>` element (any case),
/// or of the `id` attribute of its `<DOC>` tag, if not empty.
pub fn docno(record: &str) -> Option<&str> {
    let lower = |s: &str| s.to_ascii_lowercase();
    let head = &record[..record.len().min(4096)];
    if let Some(s) = find_ci(record, "<DOCNO>") {
        let from = s + "<DOCNO>".len();
        if let Some(e) = find_ci(&record[from..], "</DOCNO>") {
            let v = record[from..from + e].trim();
            if !v.is_empty() {
                return Some(v);
            }
        }
    }
    // <DOC id="...">
    let tag_end = head.find('>')?;
    let tag = &head[..tag_end];
    let at = lower(tag).find(" id=")? + 4;
    let value = &tag[at..];
    let quote = value.chars().next()?;
    let value = if quote == '"' || quote == '\'' {
        let v = &value[1..];
        &v[..v.find(quote)?]
    } else {
        value.split_whitespace().next()?
    };
    Some(value.trim()).filter(|v| !v.is_empty())
}

/// Case-insensitive find of an ASCII needle.
pub fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let n = needle.as_bytes();
    if n.is_empty() || hay.len() < n.len() {
        return None;
    }
    let first = n[0].to_ascii_lowercase();
    hay.as_bytes()
        .windows(n.len())
        .enumerate()
        .find(|(_, w)| w[0].to_ascii_lowercase() == first && w.eq_ignore_ascii_case(n))
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(t: &str) -> Vec<&str> {
        records(t).iter().map(|r| &t[r.start..r.end]).collect()
    }

    #[test]
    fn splits_records_with_lines_and_any_case() {
        let t = "<DOC>\n<DOCNO> A </DOCNO>\n</DOC>\n\n<doc>\n<DOCNO> B </DOCNO>\n</doc>\n<DOC>\n<DOCNO> C";
        let r = records(t);
        assert_eq!(r.len(), 3);
        assert_eq!((r[0].line, r[1].line, r[2].line), (1, 5, 8));
        assert!(r[1].closed && !r[2].closed);
        assert_eq!(texts(t)[2], "<DOC>\n<DOCNO> C");
        assert_eq!(docno(texts(t)[1]), Some("B"));
    }

    #[test]
    fn a_record_without_its_end_does_not_swallow_the_next() {
        let t = "<DOC>\n<DOCNO>A</DOCNO>\ncut here\n<DOC>\n<DOCNO>B</DOCNO>\n</DOC>\n";
        let r = records(t);
        assert_eq!(r.len(), 2);
        assert!(!r[0].closed && r[1].closed);
        assert_eq!(texts(t)[0], "<DOC>\n<DOCNO>A</DOCNO>\ncut here\n");
        assert_eq!(docno(texts(t)[1]), Some("B"));
    }

    #[test]
    fn attributes_and_lookalike_tags() {
        let t = "<DOC id=\"AFP_1\" type=\"story\">\n<DOCID>x</DOCID><DOCTYPE>y</DOCTYPE>\n</DOC>";
        let r = records(t);
        assert_eq!(r.len(), 1);
        assert_eq!(docno(t), Some("AFP_1"));
        assert!(starts_with_doc("\u{feff}\n  <doc>"));
        assert!(!starts_with_doc("<DOCNO>"));
    }

    #[test]
    fn twenty_thousand_records() {
        let mut t = String::new();
        for i in 0..20_000 {
            t.push_str(&format!(
                "<DOC>\n<DOCNO> D{i} </DOCNO>\n<TEXT>\nline\n</TEXT>\n</DOC>\n"
            ));
        }
        let r = records(&t);
        assert_eq!(r.len(), 20_000);
        assert_eq!(r[19_999].line, 19_999 * 6 + 1);
        assert_eq!(docno(&t[r[12_345].start..r[12_345].end]), Some("D12345"));
    }
}
