//! Diagnostics with attribute paths, as Terraform shows them.

use std::fmt;

/// How bad a diagnostic is. Terraform stops on errors and shows warnings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// One step of an attribute path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathStep {
    /// An object attribute or a nested block type name.
    Attr(String),
    /// A map key or a map-nested block label.
    Key(String),
    /// A list or tuple index, or the index of a list-nested block.
    Index(i64),
}

/// The path of an attribute inside a resource or provider configuration.
/// Set elements cannot be addressed: a path stops at the set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct AttributePath(pub Vec<PathStep>);

impl AttributePath {
    pub fn root() -> Self {
        AttributePath(Vec::new())
    }

    /// A path of one attribute name.
    pub fn attr(name: impl Into<String>) -> Self {
        AttributePath(vec![PathStep::Attr(name.into())])
    }

    /// This path followed by an attribute or block name.
    pub fn then_attr(mut self, name: impl Into<String>) -> Self {
        self.0.push(PathStep::Attr(name.into()));
        self
    }

    /// This path followed by a list index.
    pub fn then_index(mut self, index: i64) -> Self {
        self.0.push(PathStep::Index(index));
        self
    }

    /// This path followed by a map key.
    pub fn then_key(mut self, key: impl Into<String>) -> Self {
        self.0.push(PathStep::Key(key.into()));
        self
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for AttributePath {
    /// Terraform's own notation: `lambda[0].memory_size`, `tags["a"]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for step in &self.0 {
            match step {
                PathStep::Attr(name) => {
                    if !first {
                        f.write_str(".")?;
                    }
                    f.write_str(name)?;
                }
                PathStep::Key(key) => write!(f, "[{key:?}]")?,
                PathStep::Index(i) => write!(f, "[{i}]")?,
            }
            first = false;
        }
        Ok(())
    }
}

/// One diagnostic: a summary line, a detail paragraph, and optionally the
/// attribute it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub summary: String,
    pub detail: String,
    pub attribute: Option<AttributePath>,
}

/// The diagnostics a request collects. Handlers append to it instead of
/// returning early, so a partial result can still be returned beside errors.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn error(&mut self, summary: impl Into<String>, detail: impl Into<String>) {
        self.push(Diagnostic {
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
            attribute: None,
        });
    }

    pub fn warning(&mut self, summary: impl Into<String>, detail: impl Into<String>) {
        self.push(Diagnostic {
            severity: Severity::Warning,
            summary: summary.into(),
            detail: detail.into(),
            attribute: None,
        });
    }

    pub fn attribute_error(
        &mut self,
        path: AttributePath,
        summary: impl Into<String>,
        detail: impl Into<String>,
    ) {
        self.push(Diagnostic {
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
            attribute: Some(path),
        });
    }

    pub fn attribute_warning(
        &mut self,
        path: AttributePath,
        summary: impl Into<String>,
        detail: impl Into<String>,
    ) {
        self.push(Diagnostic {
            severity: Severity::Warning,
            summary: summary.into(),
            detail: detail.into(),
            attribute: Some(path),
        });
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }
}
