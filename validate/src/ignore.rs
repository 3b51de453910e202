//! Inline acknowledgements: `# smuppy:ignore CAP004 reason text` (or `//`)
//! in the comment lines right above a resource block or anywhere inside it.
//! Several ids may be given, separated by commas: `CAP004,CAP005 reason`.

use scaling::Acknowledgement;

/// The marker after the comment sign.
pub const MARKER: &str = "smuppy:ignore";

/// One acknowledgement with the line of its comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineIgnore {
    pub line: usize,
    pub ack: Acknowledgement,
    /// From the resource's `acknowledge` attribute rather than a comment.
    pub from_attribute: bool,
}

/// The acknowledgements of a block spanning lines `first..=last` (1-based)
/// of `text`: inside it, and in the run of comment lines right above it.
pub fn around_block(text: &str, first: usize, last: usize) -> Vec<InlineIgnore> {
    let lines: Vec<&str> = text.lines().collect();
    around_lines(|i| lines.get(i).copied(), first, last)
}

/// [`around_block`] with the file's lines read through `line` (0-based),
/// so a file of many blocks is not split once per block: only the block's
/// lines and the comments above it are read.
pub fn around_lines<'a>(
    line: impl Fn(usize) -> Option<&'a str>,
    first: usize,
    last: usize,
) -> Vec<InlineIgnore> {
    let mut start = first.saturating_sub(1);
    while start > 0 {
        let Some(above) = line(start - 1).map(str::trim_start) else {
            break;
        };
        if above.starts_with('#') || above.starts_with("//") {
            start -= 1;
        } else {
            break;
        }
    }
    let mut out = Vec::new();
    for i in start..last {
        let Some(text) = line(i) else { break };
        if let Some(rest) = directive(text) {
            out.extend(parse(rest).into_iter().map(|ack| InlineIgnore {
                line: i + 1,
                ack,
                from_attribute: false,
            }));
        }
    }
    out
}

/// The text after `smuppy:ignore` when the line holds such a comment.
fn directive(line: &str) -> Option<&str> {
    let mut from = 0;
    while let Some(pos) = line[from..].find(['#', '/']) {
        let at = from + pos;
        let sign = if line[at..].starts_with('#') {
            1
        } else if line[at..].starts_with("//") {
            2
        } else {
            from = at + 1;
            continue;
        };
        let after = line[at + sign..].trim_start();
        if let Some(rest) = after.strip_prefix(MARKER) {
            if rest.is_empty() || rest.starts_with(char::is_whitespace) {
                return Some(rest.trim());
            }
        }
        from = at + sign;
    }
    None
}

/// `CAP004[,CAP005] reason…` → one acknowledgement per id. No id at all is
/// kept as an acknowledgement of "" (reported as an unknown rule).
fn parse(rest: &str) -> Vec<Acknowledgement> {
    let (ids, reason) = match rest.split_once(char::is_whitespace) {
        Some((ids, reason)) => (ids, reason.trim()),
        None => (rest, ""),
    };
    ids.split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty() || ids.trim().is_empty())
        .map(|id| Acknowledgement::new(id, reason))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_above_and_inside_count_others_do_not() {
        let text = "\
# smuppy:ignore SEC001 far above, not adjacent

# smuppy:ignore CAP004 quota raise approved
// smuppy:ignore CAP005,CAP006
resource \"smuppy_scaling_profile\" \"x\" {
  name = \"x\" # smuppy:ignore LIM005 long jobs
  note = \"# smuppy:ignoreX not a directive\"
}
# smuppy:ignore CAP007 after the block
";
        let got: Vec<(usize, String, String)> = around_block(text, 5, 8)
            .into_iter()
            .map(|i| (i.line, i.ack.rule_id, i.ack.reason))
            .collect();
        assert_eq!(
            got,
            vec![
                (3, "CAP004".into(), "quota raise approved".into()),
                (4, "CAP005".into(), "".into()),
                (4, "CAP006".into(), "".into()),
                (6, "LIM005".into(), "long jobs".into()),
            ]
        );
    }

    #[test]
    fn a_bare_marker_is_an_unknown_empty_id() {
        let got = around_block("resource \"a\" \"b\" { # smuppy:ignore\n}\n", 1, 2);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].ack.rule_id, "");
    }

    #[test]
    fn reading_through_lines_finds_the_same_as_the_whole_text() {
        let text = "a = 1\r\n# smuppy:ignore CAP004 above\r\nresource \"x\" \"y\" {\r\n  b = 2 # smuppy:ignore LIM005 in\r\n}\r\n";
        let lines: Vec<&str> = text.lines().collect();
        let via = around_lines(|i| lines.get(i).copied(), 3, 5);
        assert_eq!(via, around_block(text, 3, 5));
        assert_eq!(via.len(), 2);
        assert_eq!(via[0].ack.reason, "above");
        // A block past the end reads what there is.
        assert_eq!(around_lines(|i| lines.get(i).copied(), 3, 99).len(), 2);
    }
}
