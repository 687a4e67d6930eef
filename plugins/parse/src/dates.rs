//! Date parsing for the forms news pages and wires use.
//!
//! [`parse_date`] normalises one date string to ISO 8601 and returns `None`
//! rather than a guess: ambiguous numeric dates (`10/01/2016`), unknown
//! words, impossible days, and years it cannot know are all refused.

/// Month number for a month name or abbreviation (`Sept`, `October`).
fn month(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    let m = match w.as_str() {
        "jan" | "january" => 1,
        "feb" | "february" => 2,
        "mar" | "march" => 3,
        "apr" | "april" => 4,
        "may" => 5,
        "jun" | "june" => 6,
        "jul" | "july" => 7,
        "aug" | "august" => 8,
        "sep" | "sept" | "september" => 9,
        "oct" | "october" => 10,
        "nov" | "november" => 11,
        "dec" | "december" => 12,
        _ => return None,
    };
    Some(m)
}

fn is_weekday(word: &str) -> bool {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    matches!(
        w.as_str(),
        "mon"
            | "monday"
            | "tue"
            | "tues"
            | "tuesday"
            | "wed"
            | "wednesday"
            | "thu"
            | "thur"
            | "thurs"
            | "thursday"
            | "fri"
            | "friday"
            | "sat"
            | "saturday"
            | "sun"
            | "sunday"
    )
}

/// UTC offset in minutes of a time-zone abbreviation.
fn zone(word: &str) -> Option<i32> {
    let m = match word.to_ascii_uppercase().as_str() {
        "UTC" | "GMT" | "Z" | "UT" | "WET" => 0,
        "EST" => -5 * 60,
        "EDT" => -4 * 60,
        "CST" => -6 * 60,
        "CDT" => -5 * 60,
        "MST" => -7 * 60,
        "MDT" => -6 * 60,
        "PST" => -8 * 60,
        "PDT" => -7 * 60,
        "AKST" => -9 * 60,
        "AKDT" => -8 * 60,
        "HST" => -10 * 60,
        "IST" => 5 * 60 + 30,
        "PKT" => 5 * 60,
        "BST" | "WEST" => 60,
        "CET" => 60,
        "CEST" | "EET" => 2 * 60,
        "EEST" | "MSK" | "AST" => 3 * 60,
        "GST" => 4 * 60,
        "IRST" => 3 * 60 + 30,
        "ICT" | "WIB" => 7 * 60,
        "HKT" | "SGT" | "PHT" | "AWST" => 8 * 60,
        "JST" | "KST" => 9 * 60,
        "AEST" => 10 * 60,
        "AEDT" => 11 * 60,
        "NZST" => 12 * 60,
        "NZDT" => 13 * 60,
        _ => return None,
    };
    Some(m)
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

#[derive(Debug, Default, Clone, Copy)]
struct Time {
    h: u32,
    m: u32,
    s: u32,
}

fn format(
    year: i32,
    month: u32,
    day: u32,
    time: Option<Time>,
    offset: Option<i32>,
) -> Option<String> {
    if !(1800..=2200).contains(&year)
        || month == 0
        || month > 12
        || day == 0
        || day > days_in_month(year, month)
    {
        return None;
    }
    let mut out = format!("{year:04}-{month:02}-{day:02}");
    if let Some(t) = time {
        if t.h > 23 || t.m > 59 || t.s > 60 {
            return None;
        }
        out.push_str(&format!("T{:02}:{:02}:{:02}", t.h, t.m, t.s));
        if let Some(off) = offset {
            let sign = if off < 0 { '-' } else { '+' };
            let a = off.abs();
            out.push_str(&format!("{sign}{:02}:{:02}", a / 60, a % 60));
        }
    }
    Some(out)
}

/// Parses `H:MM[:SS[.fff]]`.
fn parse_time(s: &str) -> Option<Time> {
    let mut parts = s.split(':');
    let h = parts.next()?.parse().ok()?;
    let m_str = parts.next()?;
    if m_str.len() != 2 {
        return None;
    }
    let m = m_str.parse().ok()?;
    let s = match parts.next() {
        Some(sec) => {
            let sec = sec.split(['.', ',']).next()?;
            if sec.len() != 2 {
                return None;
            }
            sec.parse().ok()?
        }
        None => 0,
    };
    if parts.next().is_some() {
        return None;
    }
    Some(Time { h, m, s })
}

/// Parses a numeric UTC offset: `+0000`, `+05:30`, `-04`, `Z`.
fn parse_offset(s: &str) -> Option<i32> {
    if s == "Z" || s == "z" {
        return Some(0);
    }
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (h, m): (i32, i32) = match digits.len() {
        1 | 2 => (digits.parse().ok()?, 0),
        3 => (digits[..1].parse().ok()?, digits[1..].parse().ok()?),
        4 => (digits[..2].parse().ok()?, digits[2..].parse().ok()?),
        _ => return None,
    };
    if h > 14 || m > 59 {
        return None;
    }
    Some(sign * (h * 60 + m))
}

/// ISO 8601 and its close relatives: `2016-10-01`, `2016-10-01T09:10:00+05:30`,
/// `1998-12-31 16:27`, `2016/10/01`, `20161001`.
fn parse_iso(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let (year, month, day, rest) =
        if b.len() >= 10 && b[4] == b[7] && matches!(b[4], b'-' | b'/' | b'.') {
            let y = s.get(0..4)?.parse().ok()?;
            let m = s.get(5..7)?.parse().ok()?;
            let d = s.get(8..10)?.parse().ok()?;
            (y, m, d, &s[10..])
        } else if b.len() >= 8
            && b[..8].iter().all(u8::is_ascii_digit)
            && (b.len() == 8 || b[8] == b'T')
        {
            (
                s[0..4].parse().ok()?,
                s[4..6].parse().ok()?,
                s[6..8].parse().ok()?,
                &s[8..],
            )
        } else {
            return None;
        };
    if !s[..4].bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let rest = rest.trim();
    if rest.is_empty() {
        return format(year, month, day, None, None);
    }
    let rest = rest.strip_prefix(['T', 't']).unwrap_or(rest).trim_start();
    // Time, then an optional offset or zone.
    let time_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.' || c == ','))
        .unwrap_or(rest.len());
    let time = parse_time(&rest[..time_end])?;
    let zone_str = rest[time_end..].trim();
    let offset = if zone_str.is_empty() {
        None
    } else if let Some(o) = parse_offset(zone_str) {
        Some(o)
    } else {
        Some(zone(zone_str)?)
    };
    format(year, month, day, Some(time), offset)
}

#[derive(Debug)]
enum Tok<'a> {
    Num(&'a str),
    Word(&'a str),
    Time(&'a str),
    Offset(&'a str),
}

fn tokenize(s: &str) -> Option<Vec<Tok<'_>>> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() {
            let start = i;
            while i < b.len()
                && (b[i].is_ascii_digit()
                    || (b[i] == b':' && i + 1 < b.len() && b[i + 1].is_ascii_digit()))
            {
                i += 1;
            }
            let tok = &s[start..i];
            if tok.contains(':') {
                out.push(Tok::Time(tok));
            } else {
                // Ordinal suffix: 2nd, 21st.
                let suffix_end = (i..b.len())
                    .find(|&j| !b[j].is_ascii_alphabetic())
                    .unwrap_or(b.len());
                let suffix = s[i..suffix_end].to_ascii_lowercase();
                if matches!(suffix.as_str(), "st" | "nd" | "rd" | "th") {
                    i = suffix_end;
                } else if matches!(suffix.as_str(), "am" | "pm") {
                    out.push(Tok::Num(tok));
                    out.push(Tok::Word(&s[i..suffix_end]));
                    i = suffix_end;
                    continue;
                }
                out.push(Tok::Num(tok));
            }
        } else if c.is_ascii_alphabetic() {
            let start = i;
            while i < b.len() && b[i].is_ascii_alphabetic() {
                i += 1;
            }
            if i < b.len() && b[i] == b'.' {
                i += 1;
            }
            out.push(Tok::Word(&s[start..i]));
        } else if (c == b'+' || c == b'-')
            && i + 1 < b.len()
            && b[i + 1].is_ascii_digit()
            && out.iter().any(|t| matches!(t, Tok::Time(_)))
        {
            let start = i;
            i += 1;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b':') {
                i += 1;
            }
            out.push(Tok::Offset(&s[start..i]));
        } else if c.is_ascii_whitespace()
            || matches!(c, b',' | b'/' | b'.' | b'-' | b'(' | b')' | b'|')
        {
            i += 1;
        } else {
            // Non-ASCII text or other symbols: not a date we know.
            let ch = s[i..].chars().next()?;
            if ch == '\u{a0}' || ch == '–' || ch == '—' {
                i += ch.len_utf8();
            } else {
                return None;
            }
        }
    }
    Some(out)
}

/// Normalises a date as written in news to ISO 8601.
///
/// Accepted: ISO 8601 (`2016-10-01`, `2016-10-01T09:10:00Z`), `1998-12-31 16:27`,
/// `2016/10/01`, `20161001`, RFC 2822 (`Sat, 01 Oct 2016 09:10:00 +0000`),
/// month-name forms (`October 2, 2016`, `Oct 01, 2016, 09:10 AM IST`,
/// `01 / October / 2016 04:47`, `2 Oct. 2016`), numeric day/month/year when
/// unambiguous (`31/12/2016`), and dates without a year (`Sept. 30`) when
/// `context_year` is given.
///
/// A time gives `YYYY-MM-DDTHH:MM:SS`, with the offset when a zone was
/// written (`IST` is `+05:30`). Returns `None` for anything it is not sure of.
pub fn parse_date(raw: &str, context_year: Option<i32>) -> Option<String> {
    let s = raw
        .trim()
        .trim_matches(|c: char| c == ',' || c == '.' || c.is_whitespace());
    if s.is_empty() || s.len() > 80 {
        return None;
    }
    let b = s.as_bytes();
    if b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && matches!(b[4], b'-' | b'/' | b'.')
        && b[4] == b[7]
    {
        // ISO-shaped: its reading is final (`1998-14-06` is refused, not read as day-month).
        return parse_iso(s);
    }
    if let Some(iso) = parse_iso(s) {
        return Some(iso);
    }
    let lower = s
        .to_ascii_lowercase()
        .replace("a.m.", "am")
        .replace("p.m.", "pm");
    let toks = tokenize(&lower)?;
    let (mut year, mut month_no) = (None::<i32>, None::<u32>);
    let day: Option<u32>;
    let mut time: Option<Time> = None;
    let mut offset: Option<i32> = None;
    let mut ampm: Option<bool> = None;
    let mut small = Vec::new();
    for t in &toks {
        match *t {
            Tok::Num(n) => {
                if n.len() == 4 {
                    if year.replace(n.parse().ok()?).is_some() {
                        return None;
                    }
                } else if n.len() <= 2 {
                    small.push(n.parse::<u32>().ok()?);
                } else {
                    return None;
                }
            }
            Tok::Time(tm) => {
                if time.replace(parse_time(tm)?).is_some() {
                    return None;
                }
            }
            Tok::Offset(o) => offset = Some(parse_offset(o)?),
            Tok::Word(w) => {
                let bare = w.trim_end_matches('.');
                if let Some(m) = month(w) {
                    if month_no.replace(m).is_some() {
                        return None;
                    }
                } else if is_weekday(w) || matches!(bare, "on" | "at" | "the" | "of" | "hrs" | "h")
                {
                } else if bare == "am" || bare == "pm" {
                    ampm = Some(bare == "pm");
                } else if let Some(z) = zone(bare) {
                    offset = Some(z);
                } else {
                    return None;
                }
            }
        }
    }
    // An hour given as `9 am`: the small number right before am/pm.
    if time.is_none() && ampm.is_some() {
        let h = small.pop()?;
        time = Some(Time { h, m: 0, s: 0 });
    }
    if let Some(pm) = ampm {
        let t = time.as_mut()?;
        if t.h == 0 || t.h > 12 {
            return None;
        }
        t.h = match (pm, t.h) {
            (false, 12) => 0,
            (false, h) => h,
            (true, 12) => 12,
            (true, h) => h + 12,
        };
    }
    match (month_no, small.as_slice()) {
        (Some(_), [d]) => day = Some(*d),
        (Some(_), []) => return None,
        (None, [a, b]) => {
            // Numeric day and month: only when unambiguous.
            if *a > 12 && *b <= 12 {
                day = Some(*a);
                month_no = Some(*b);
            } else if *b > 12 && *a <= 12 {
                month_no = Some(*a);
                day = Some(*b);
            } else if a == b {
                day = Some(*a);
                month_no = Some(*b);
            } else {
                return None;
            }
        }
        _ => return None,
    }
    let year = match year {
        Some(y) => y,
        None => context_year?,
    };
    if time.is_none() {
        offset = None;
    }
    format(year, month_no?, day?, time, offset)
}

/// Finds the first date in a line of text: returns its byte range and ISO value.
///
/// Tries each word start in turn and the longest run of date-like words
/// from there, so `by WorldTribune Staff, October 2, 2016` gives the range of
/// `October 2, 2016`.
pub fn find_date(text: &str, context_year: Option<i32>) -> Option<(usize, usize, String)> {
    if text.len() > 400 {
        return None;
    }
    let starts: Vec<usize> = text
        .char_indices()
        .filter(|&(i, c)| {
            c.is_ascii_alphanumeric() && {
                let prev = text[..i].chars().next_back();
                prev.map_or(true, |p| !p.is_alphanumeric())
                    || (c.is_ascii_uppercase() && prev.is_some_and(|p| p.is_lowercase()))
            }
        })
        .map(|(i, _)| i)
        .collect();
    for &s in &starts {
        let word = text[s..]
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or("");
        let plausible = month(word).is_some()
            || is_weekday(word)
            || word.chars().next().is_some_and(|c| c.is_ascii_digit());
        if !plausible {
            continue;
        }
        // Longest end first.
        let mut ends: Vec<usize> = starts
            .iter()
            .copied()
            .filter(|&e| e > s)
            .map(|e| text[..e].trim_end().len())
            .collect();
        ends.push(text.len());
        ends.sort_unstable();
        ends.dedup();
        for &e in ends.iter().rev() {
            if e <= s {
                continue;
            }
            let candidate =
                text[s..e].trim_end_matches(|c: char| !(c.is_alphanumeric() || c == '.'));
            if let Some(v) = parse_date(candidate, context_year) {
                return Some((s, s + candidate.len(), v));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_name_forms() {
        assert_eq!(
            parse_date("October 2, 2016", None).as_deref(),
            Some("2016-10-02")
        );
        assert_eq!(
            parse_date("2 Oct. 2016", None).as_deref(),
            Some("2016-10-02")
        );
        assert_eq!(
            parse_date("Sunday, October 2nd, 2016", None).as_deref(),
            Some("2016-10-02")
        );
        assert_eq!(
            parse_date("01 / October / 2016 04:47", None).as_deref(),
            Some("2016-10-01T04:47:00")
        );
    }

    #[test]
    fn times_and_zones() {
        assert_eq!(
            parse_date("Oct 01, 2016, 09:10 AM IST", None).as_deref(),
            Some("2016-10-01T09:10:00+05:30")
        );
        assert_eq!(
            parse_date("Oct 1, 2016 9:10 p.m. EDT", None).as_deref(),
            Some("2016-10-01T21:10:00-04:00")
        );
        assert_eq!(
            parse_date("Oct 1, 2016 12:05 am GMT", None).as_deref(),
            Some("2016-10-01T00:05:00+00:00")
        );
        assert_eq!(
            parse_date("September 30, 2016 at 4 pm PDT", None).as_deref(),
            Some("2016-09-30T16:00:00-07:00")
        );
        assert_eq!(
            parse_date("30 Sep 2016 18:00 CEST", None).as_deref(),
            Some("2016-09-30T18:00:00+02:00")
        );
        assert_eq!(
            parse_date("30 Sep 2016 18:00 JST", None).as_deref(),
            Some("2016-09-30T18:00:00+09:00")
        );
    }

    #[test]
    fn rfc_2822() {
        assert_eq!(
            parse_date("Sat, 01 Oct 2016 09:10:00 +0000", None).as_deref(),
            Some("2016-10-01T09:10:00+00:00")
        );
        assert_eq!(
            parse_date("Fri, 30 Sep 2016 23:10:00 -0400", None).as_deref(),
            Some("2016-09-30T23:10:00-04:00")
        );
    }

    #[test]
    fn iso_forms() {
        assert_eq!(
            parse_date("2016-10-01", None).as_deref(),
            Some("2016-10-01")
        );
        assert_eq!(
            parse_date("2016-10-01T09:10:00+05:30", None).as_deref(),
            Some("2016-10-01T09:10:00+05:30")
        );
        assert_eq!(
            parse_date("2016-10-01T09:10:00.123Z", None).as_deref(),
            Some("2016-10-01T09:10:00+00:00")
        );
        assert_eq!(
            parse_date("2016-10-01T09:10:00", None).as_deref(),
            Some("2016-10-01T09:10:00")
        );
        assert_eq!(
            parse_date("1998-12-31 16:27", None).as_deref(),
            Some("1998-12-31T16:27:00")
        );
        assert_eq!(
            parse_date("2016/10/01", None).as_deref(),
            Some("2016-10-01")
        );
        assert_eq!(parse_date("20161001", None).as_deref(), Some("2016-10-01"));
        assert_eq!(
            parse_date("2016-10-01 09:10:00", None).as_deref(),
            Some("2016-10-01T09:10:00")
        );
    }

    #[test]
    fn missing_year_needs_context() {
        assert_eq!(parse_date("Sept. 30", None), None);
        assert_eq!(
            parse_date("Sept. 30", Some(2016)).as_deref(),
            Some("2016-09-30")
        );
        assert_eq!(parse_date("Feb. 29", Some(2015)), None);
    }

    #[test]
    fn refuses_wrong_or_ambiguous() {
        assert_eq!(parse_date("1998-14-06 14:27:00", None), None, "month 14");
        assert_eq!(
            parse_date("10/01/2016", None),
            None,
            "day/month order unknown"
        );
        assert_eq!(
            parse_date("31/12/2016", None).as_deref(),
            Some("2016-12-31")
        );
        assert_eq!(
            parse_date("12/31/2016", None).as_deref(),
            Some("2016-12-31")
        );
        assert_eq!(parse_date("February 30, 2016", None), None);
        assert_eq!(parse_date("Oct 01, 2016, 25:10", None), None);
        assert_eq!(parse_date("Kerry said on October 2, 2016", None), None);
        assert_eq!(parse_date("", None), None);
        assert_eq!(parse_date("2016", None), None);
        assert_eq!(parse_date("13:00", Some(2016)), None);
        assert_eq!(parse_date("October 2, 2016 14:00 pm", None), None);
    }

    #[test]
    fn finds_dates_inside_lines() {
        let line = "by WorldTribune Staff, October 2, 2016";
        let (s, e, v) = find_date(line, None).unwrap();
        assert_eq!(&line[s..e], "October 2, 2016");
        assert_eq!(v, "2016-10-02");
        let line = "WashingtonUpdated: Oct 01, 2016, 09:10 AM IST";
        let (s, e, v) = find_date(line, None).unwrap();
        assert_eq!(&line[s..e], "Oct 01, 2016, 09:10 AM IST");
        assert_eq!(v, "2016-10-01T09:10:00+05:30");
        assert_eq!(
            find_date("NEW YORK, Sept. 30 (UPI)", Some(2016))
                .map(|x| x.2)
                .as_deref(),
            Some("2016-09-30")
        );
        assert_eq!(find_date("No date here at all", Some(2016)), None);
    }
}
