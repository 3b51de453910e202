//! Why an input cannot be used. Printed as one line; exit code 2.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot read {path}: {reason}")]
    Read { path: PathBuf, reason: String },
    #[error("{file}:{line}: malformed HCL: {reason}")]
    Hcl {
        file: String,
        line: usize,
        reason: String,
    },
    #[error("{file}: not valid JSON: {reason}")]
    Json { file: String, reason: String },
    #[error("{0}")]
    NoProfiles(String),
    #[error("no value for variable \"{name}\" ({declared}); set it in a .tfvars file, with -var-file or with -var")]
    MissingVariable { name: String, declared: String },
    #[error("{at}: {reason}")]
    Eval { at: String, reason: String },
    /// A limit of the validator was reached (docs/reliability.md, "The
    /// validator's limits").
    #[error("{at}: {reason}")]
    Limit { at: String, reason: String },
    #[error("{at}: {reason}")]
    Schema { at: String, reason: String },
    /// A mistake in the config file (`.smuppy-validate.hcl`).
    #[error("{file}:{line}: {key}: {reason}")]
    Config {
        file: String,
        line: usize,
        key: String,
        reason: String,
    },
    #[error("{0}")]
    Other(String),
}

impl InputError {
    pub fn schema(at: impl Into<String>, reason: impl Into<String>) -> Self {
        InputError::Schema {
            at: at.into(),
            reason: reason.into(),
        }
    }

    /// The message on one line, whatever the underlying error printed.
    pub fn one_line(&self) -> String {
        let s = self.to_string();
        let mut out = String::with_capacity(s.len());
        for (i, part) in s
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .enumerate()
        {
            if i > 0 {
                out.push_str(" / ");
            }
            out.push_str(part);
        }
        out
    }
}
