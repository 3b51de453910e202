//! One configuration file as the loader reads it: its text, its line
//! breaks (to give any span its line without rescanning the file) and its
//! parsed body.

use std::path::Path;

use hcl::edit::structure::Body;

use crate::error::InputError;
use crate::eval::Budget;
use crate::input::{display_path, read_config};

pub(crate) struct SourceFile {
    pub(crate) name: String,
    /// The file's text (inline `# smuppy:ignore` comments are read from it).
    pub(crate) text: String,
    /// Byte offsets of the file's line breaks.
    breaks: Vec<usize>,
    pub(crate) body: Body,
}

impl SourceFile {
    pub(crate) fn parse(path: &Path, budget: &Budget) -> Result<SourceFile, InputError> {
        let text = read_config(path, budget)?;
        let name = display_path(path);
        let body = crate::numbers::parse_body(&text).map_err(|e| {
            if e.number {
                InputError::Eval {
                    at: format!("{name}:{}", e.line),
                    reason: e.reason,
                }
            } else {
                InputError::Hcl {
                    file: name.clone(),
                    line: e.line,
                    reason: e.reason,
                }
            }
        })?;
        let breaks = text
            .bytes()
            .enumerate()
            .filter(|(_, b)| *b == b'\n')
            .map(|(i, _)| i)
            .collect();
        Ok(SourceFile {
            name,
            text,
            breaks,
            body,
        })
    }

    /// The line a span starts on (a binary search: files of many
    /// attributes are not read once per attribute).
    pub(crate) fn line(&self, span: Option<std::ops::Range<usize>>) -> usize {
        let at = span.map(|s| s.start).unwrap_or(0);
        self.breaks.partition_point(|b| *b < at) + 1
    }

    /// Line `i` (0-based) of the file, without its line break.
    pub(crate) fn line_text(&self, i: usize) -> Option<&str> {
        let start = match i {
            0 => 0,
            _ => self.breaks.get(i - 1)? + 1,
        };
        let end = self.breaks.get(i).copied().unwrap_or(self.text.len());
        self.text
            .get(start..end)
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
    }

    /// The lines a span covers, first and last.
    pub(crate) fn lines(&self, span: Option<std::ops::Range<usize>>) -> (usize, usize) {
        let first = self.line(span.clone());
        let last = span
            .map(|s| {
                self.breaks
                    .partition_point(|b| *b < s.end.saturating_sub(1))
                    + 1
            })
            .unwrap_or(first);
        (first, last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_text_gives_the_lines_text_lines_gives() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("main.tf");
        let text = "a = 1\r\n\n# note\nb = \"x\"";
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
        let f = SourceFile::parse(&path, &Budget::default()).unwrap_or_else(|e| panic!("{e}"));
        let want: Vec<&str> = text.lines().collect();
        let got: Vec<&str> = (0..).map_while(|i| f.line_text(i)).collect();
        assert_eq!(got, want);
    }
}
