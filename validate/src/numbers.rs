//! Numbers HCL accepts that the parser underneath does not: whole numbers
//! beyond 18446744073709551615 are read as (approximate) numbers, and a
//! number beyond the largest float is refused saying so, instead of
//! "malformed HCL".

use hcl::edit::structure::Body;

/// Why a file does not parse: at `line`; `number` when it is a number too
/// large, which is not malformed HCL.
#[derive(Debug)]
pub struct ParseError {
    pub line: usize,
    pub reason: String,
    pub number: bool,
}

/// Parses a file's body.
pub fn parse_body(text: &str) -> Result<Body, ParseError> {
    parse(text).map_err(|(line, reason)| ParseError {
        number: reason.starts_with(TOO_LARGE),
        line,
        reason,
    })
}

const TOO_LARGE: &str = "the number ";

fn parse(text: &str) -> Result<Body, (usize, String)> {
    let first = match hcl::edit::parser::parse_body(text) {
        Ok(body) => return Ok(body),
        Err(e) => (e.location().line(), e.message().to_string()),
    };
    // Only a file that does not parse is looked at for big numbers.
    let bigs = big_literals(text);
    if let Some((at, lit)) = bigs.iter().find_map(|b| match b {
        Big::TooLarge(at, lit) => Some((*at, lit)),
        Big::Whole(_) => None,
    }) {
        let line = text.as_bytes()[..at]
            .iter()
            .filter(|c| **c == b'\n')
            .count()
            + 1;
        return Err((
            line,
            format!("{TOO_LARGE}{lit} is too large (the largest number is about 1.8e308)"),
        ));
    }
    if bigs.is_empty() {
        return Err(first);
    }
    // `123...` beyond u64 is read as the float `123....0`; lines stay.
    let mut fixed = text.to_string();
    for b in bigs.iter().rev() {
        if let Big::Whole(end) = b {
            fixed.insert_str(*end, ".0");
        }
    }
    hcl::edit::parser::parse_body(&fixed)
        .map_err(|e| (e.location().line(), e.message().to_string()))
}

#[derive(Debug, PartialEq)]
enum Big {
    /// A whole number beyond u64 ending at this byte offset.
    Whole(usize),
    /// A number beyond the largest float, starting at this byte offset.
    TooLarge(usize, String),
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// Expression; in an interpolation when the flag is set, with its open braces.
    Expr {
        interp: bool,
        braces: usize,
    },
    Str,
}

/// Number literals outside strings, heredocs and comments that the parser
/// cannot read, in order.
fn big_literals(text: &str) -> Vec<Big> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut stack = vec![Mode::Expr {
        interp: false,
        braces: 0,
    }];
    let mut i = 0;
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
    let ident_start = |c: u8| c.is_ascii_alphabetic() || c == b'_' || c >= 0x80;
    while i < b.len() {
        let c = b[i];
        let Some(mode) = stack.last_mut() else { break };
        match mode {
            Mode::Str => match c {
                b'\\' => i += 1,
                b'"' => {
                    stack.pop();
                }
                b'$' | b'%' if b.get(i + 1) == Some(&b'{') => {
                    i += 1;
                    stack.push(Mode::Expr {
                        interp: true,
                        braces: 0,
                    });
                }
                _ => {}
            },
            Mode::Expr { interp, braces } => match c {
                b'"' => stack.push(Mode::Str),
                b'{' => *braces += 1,
                b'}' if *braces == 0 && *interp => {
                    stack.pop();
                }
                b'}' => *braces = braces.saturating_sub(1),
                b'#' => i = skip_line(b, i),
                b'/' if b.get(i + 1) == Some(&b'/') => i = skip_line(b, i),
                b'/' if b.get(i + 1) == Some(&b'*') => {
                    i = text[i + 2..]
                        .find("*/")
                        .map(|p| i + 2 + p + 1)
                        .unwrap_or(b.len())
                }
                b'<' if b.get(i + 1) == Some(&b'<') => i = skip_heredoc(text, i),
                // An identifier (`a-1`, `x2`) is no number.
                c if ident_start(c) => {
                    while i < b.len() && (ident(b[i]) || b[i] >= 0x80) {
                        i += 1;
                    }
                    continue;
                }
                b'0'..=b'9' if i == 0 || b[i - 1] != b'.' => {
                    let (end, big) = literal(text, i);
                    out.extend(big);
                    i = end;
                    continue;
                }
                _ => {}
            },
        }
        i += 1;
    }
    out
}

fn skip_line(b: &[u8], i: usize) -> usize {
    b[i..]
        .iter()
        .position(|c| *c == b'\n')
        .map(|p| i + p)
        .unwrap_or(b.len())
}

/// `<<EOF` or `<<-EOF` up to the line that closes it; returns the last byte.
fn skip_heredoc(text: &str, i: usize) -> usize {
    let rest = &text[i + 2..];
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if name.is_empty() {
        return i + 1;
    }
    let mut pos = skip_line(text.as_bytes(), i);
    while pos < text.len() {
        let line_end = skip_line(text.as_bytes(), pos + 1);
        if text[pos + 1..line_end].trim() == name {
            return line_end;
        }
        pos = line_end;
    }
    text.len()
}

/// The number literal at `start`: where it ends, and whether the parser
/// cannot read it.
fn literal(text: &str, start: usize) -> (usize, Option<Big>) {
    let b = text.as_bytes();
    let digits = |mut i: usize| {
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    let int_end = digits(start);
    let mut end = int_end;
    if end + 1 < b.len() && b[end] == b'.' && b[end + 1].is_ascii_digit() {
        end = digits(end + 1);
    }
    if end < b.len() && matches!(b[end], b'e' | b'E') {
        let mut e = end + 1;
        if e < b.len() && matches!(b[e], b'+' | b'-') {
            e += 1;
        }
        if e < b.len() && b[e].is_ascii_digit() {
            end = digits(e);
        }
    }
    let lit = &text[start..end];
    let big = if end == int_end {
        match lit.parse::<u64>() {
            Ok(_) => None,
            Err(_) if lit.parse::<f64>().is_ok_and(f64::is_finite) => Some(Big::Whole(end)),
            Err(_) => Some(Big::TooLarge(start, lit.to_string())),
        }
    } else {
        match lit.parse::<f64>() {
            Ok(f) if !f.is_finite() => Some(Big::TooLarge(start, lit.to_string())),
            _ => None,
        }
    };
    (end, big)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(src: &str) -> Result<hcl::Value, (usize, String)> {
        let body = parse(src)?;
        let attr = body.get_attribute("x").expect("x");
        let e: hcl::Expression = attr.value.clone().into();
        let budget = crate::eval::Budget::default();
        Ok(crate::eval::evaluate_literal(&e, &budget).expect("value"))
    }

    #[test]
    fn whole_numbers_beyond_u64_are_numbers() {
        let v = value("x = 99999999999999999999999\n").unwrap();
        assert_eq!(v.as_f64(), Some(99999999999999999999999.0));
        let v = value("x = [1, 99999999999999999999, -18446744073709551616]\n").unwrap();
        let items = v.as_array().expect("a list");
        assert_eq!(items[1].as_f64(), Some(1e20));
        assert_eq!(items[2].as_f64(), Some(-18446744073709551616.0));
    }

    #[test]
    fn numbers_beyond_floats_say_so() {
        let (line, reason) = value("a = 1\nx = 1e400\n").unwrap_err();
        assert_eq!(line, 2);
        assert!(reason.contains("1e400 is too large"), "{reason}");
        let (_, reason) = value("x = 2.5E+999\n").unwrap_err();
        assert!(reason.contains("2.5E+999 is too large"), "{reason}");
    }

    #[test]
    fn strings_comments_and_heredocs_are_left_alone() {
        let src = "# 1e400\n/* 99999999999999999999 */\ny = \"99999999999999999999 ${1}\"\nz = <<EOT\n1e999\nEOT\nx = 99999999999999999999\n";
        let body = parse(src).unwrap();
        let y: hcl::Expression = body.get_attribute("y").unwrap().value.clone().into();
        assert!(format!("{y:?}").contains("99999999999999999999 "), "{y:?}");
        assert_eq!(value(src).unwrap().as_f64(), Some(1e20));
    }

    #[test]
    fn other_errors_stay() {
        let (_, reason) = value("x = 12abc\n").unwrap_err();
        assert!(!reason.contains("too large"), "{reason}");
        assert_eq!(value("x = 1e-400\n").unwrap().as_f64(), Some(0.0));
    }
}
