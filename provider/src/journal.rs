//! A crash journal of the "before" values a profile must restore.
//!
//! Terraform stores what destroy needs (private state) only when apply
//! returns. If the provider process dies mid-apply — killed, out of memory,
//! the machine gone — the values captured before the first changes would be
//! lost with it, and a later destroy could not put them back. So each new
//! capture is also written here, before the change it protects, and the next
//! apply of the same profile takes back what Terraform never received.
//!
//! The journal lives beside Terraform's own working data, in
//! `.terraform/smuppy/<profile>.json` of the working directory (override with
//! `SMUPPY_JOURNAL_DIR`). Writes are atomic (temporary file, fsync, rename).
//! A successful destroy removes the profile's journal. Failing to write it
//! is logged, never fatal: it is a safety net, not the source of truth.

use std::io::Write;
use std::path::{Path, PathBuf};

use scaling_aws::PrivateState;

fn dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("SMUPPY_JOURNAL_DIR") {
        return Some(PathBuf::from(d));
    }
    std::env::current_dir()
        .ok()
        .map(|d| d.join(".terraform").join("smuppy"))
}

/// The journal file of profile `name` (names are made file-safe).
pub fn path(name: &str) -> Option<PathBuf> {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    dir().map(|d| d.join(format!("{safe}.json")))
}

fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let tmp = path.with_extension("json.tmp");
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}

/// Persists `state` as the journal of profile `name`.
pub fn write(name: &str, state: &PrivateState) {
    let Some(p) = path(name) else { return };
    if let Err(e) = write_atomic(&p, &state.to_bytes()) {
        tracing::warn!(path = %p.display(), error = %e, "cannot write the crash journal");
    }
}

/// The journal of profile `name`, if there is a readable one.
pub fn read(name: &str) -> Option<PrivateState> {
    let p = path(name)?;
    let bytes = std::fs::read(&p).ok()?;
    match PrivateState::from_bytes(&bytes) {
        Ok(s) => Some(s),
        Err(e) => {
            tracing::warn!(path = %p.display(), error = %e, "ignoring an unreadable crash journal");
            None
        }
    }
}

/// Removes the journal of profile `name` (after a complete destroy).
pub fn remove(name: &str) {
    if let Some(p) = path(name) {
        let _ = std::fs::remove_file(p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_file_safe() {
        std::env::set_var("SMUPPY_JOURNAL_DIR", "/j");
        assert_eq!(path("a/b c").unwrap(), PathBuf::from("/j/a_b_c.json"));
    }
}
