//! The attribute path the codecs build while recursing, for errors.

use super::CodecError;
use crate::diag::{AttributePath, PathStep};

/// A path under construction. Inside a set, steps are not recorded: set
/// elements cannot be addressed, so a path stops at the set.
#[derive(Debug, Clone, Default)]
pub(crate) struct PathBuilder {
    steps: Vec<PathStep>,
    /// How many sets we are inside.
    sets: u32,
    /// Steps pushed (and not yet popped) while inside a set.
    hidden: u32,
}

impl PathBuilder {
    fn push(&mut self, step: PathStep) {
        if self.sets > 0 {
            self.hidden += 1;
        } else {
            self.steps.push(step);
        }
    }

    pub(crate) fn push_attr(&mut self, name: &str) {
        self.push(PathStep::Attr(name.to_string()));
    }

    pub(crate) fn push_key(&mut self, key: &str) {
        self.push(PathStep::Key(key.to_string()));
    }

    pub(crate) fn push_index(&mut self, i: usize) {
        self.push(PathStep::Index(i64::try_from(i).unwrap_or(i64::MAX)));
    }

    pub(crate) fn pop(&mut self) {
        if self.hidden > 0 {
            self.hidden -= 1;
        } else {
            self.steps.pop();
        }
    }

    pub(crate) fn enter_set(&mut self) {
        self.sets += 1;
    }

    pub(crate) fn leave_set(&mut self) {
        self.sets = self.sets.saturating_sub(1);
    }

    pub(crate) fn path(&self) -> AttributePath {
        AttributePath(self.steps.clone())
    }

    pub(crate) fn error(&self, message: impl Into<String>) -> CodecError {
        CodecError {
            path: self.path(),
            message: message.into(),
        }
    }
}
