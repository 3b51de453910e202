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
    let mut start = first.saturating_sub(1).min(lines.len());
    while start > 0 {
        let above = lines[start - 1].trim_start();
        if above.starts_with('#') || above.starts_with("//") {
            start -= 1;
        } else {
            break;
        }
    }
    let end = last.min(lines.len());
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate().take(end).skip(start) {
        if let Some(rest) = directive(line) {
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
}
