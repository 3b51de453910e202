//! Live account facts: a `LiveSource` fills `Limits` before the rules run.
//! `--live` uses the AWS one (`crate::aws`); `--live-facts FILE` loads a
//! saved snapshot instead.

use std::path::Path;

use scaling::{Limits, LiveFacts, Profile};

use crate::error::InputError;
use crate::input::{display_path, read};

/// Something that can read the account's limits for a set of profiles.
pub trait LiveSource {
    /// Fills `limits` (usually `limits.live`) with what the account reports
    /// for the profiles' Region(s). An error is one line, shown as is.
    fn fill(&self, profiles: &[Profile], limits: &mut Limits) -> Result<(), String>;
}

/// A saved `LiveFacts` JSON, e.g. from an earlier `--live` run.
pub struct SnapshotSource {
    facts: LiveFacts,
}

impl SnapshotSource {
    pub fn from_file(path: &Path) -> Result<SnapshotSource, InputError> {
        let file = display_path(path);
        let facts = serde_json::from_str(&read(path)?).map_err(|e| InputError::Json {
            file,
            reason: e.to_string(),
        })?;
        Ok(SnapshotSource { facts })
    }
}

impl LiveSource for SnapshotSource {
    fn fill(&self, _profiles: &[Profile], limits: &mut Limits) -> Result<(), String> {
        limits.live = self.facts.clone();
        Ok(())
    }
}
