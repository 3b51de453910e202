//! What the team decided about the findings, applied after the rules ran:
//! rules off, severities changed, acknowledgements (through
//! `scaling::acknowledge`, the same as the provider), and the baseline of
//! findings already known.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use scaling::{acknowledge, Acknowledgement, Analysis, Finding, Location};

use crate::config::Config;
use crate::error::InputError;
use crate::input::{display_path, read, LoadedProfile};

/// A finding's identity across runs: rule id, resource address, attribute
/// path. Messages (with their figures) are not part of it.
pub type Key = (String, String, String);

pub fn key(address: &str, f: &Finding) -> Key {
    (
        f.rule_id.to_string(),
        address.to_string(),
        f.location.to_string(),
    )
}

/// The findings of a previous JSON report (`--format json`).
#[derive(Debug, Default)]
pub struct Baseline {
    keys: BTreeSet<Key>,
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline, InputError> {
        let file = display_path(path);
        let doc: Value = serde_json::from_str(&read(path)?).map_err(|e| InputError::Json {
            file: file.clone(),
            reason: e.to_string(),
        })?;
        let bad = |what: &str| {
            InputError::Other(format!(
                "--baseline {file}: not a smuppy-validate JSON report ({what}); write one with --format json"
            ))
        };
        let profiles = doc
            .get("profiles")
            .and_then(Value::as_array)
            .ok_or_else(|| bad("no profiles list"))?;
        let mut keys = BTreeSet::new();
        for p in profiles {
            let address = p
                .get("address")
                .and_then(Value::as_str)
                .ok_or_else(|| bad("a profile without address"))?;
            let findings = p
                .get("findings")
                .and_then(Value::as_array)
                .ok_or_else(|| bad("a profile without findings"))?;
            for f in findings {
                let rule = f.get("rule_id").and_then(Value::as_str);
                let loc = f.get("location").and_then(Value::as_str);
                match (rule, loc) {
                    (Some(r), Some(l)) => {
                        keys.insert((r.to_string(), address.to_string(), l.to_string()));
                    }
                    _ => return Err(bad("a finding without rule_id or location")),
                }
            }
        }
        Ok(Baseline { keys })
    }

    pub fn contains(&self, k: &Key) -> bool {
        self.keys.contains(k)
    }
}

/// The findings of one profile as the team decided: rules off dropped,
/// severities overridden, acknowledgements applied and checked (their
/// problems added as findings), sorted like the analysis. A problem of an
/// inline comment is located at the comment (`# smuppy:ignore ID`, on its
/// line); one of the config file at the resource.
pub fn decide(config: &Config, loaded: &mut LoadedProfile, analysis: &mut Analysis) {
    let mut findings: Vec<Finding> = analysis
        .findings
        .iter()
        .filter_map(|f| match config.rules.get(f.rule_id) {
            Some(p) if !p.enabled => None,
            Some(p) => {
                let mut f = f.clone();
                if let Some(s) = p.severity {
                    f.severity = s;
                }
                Some(f)
            }
            None => Some(f.clone()),
        })
        .collect();
    let mut acks: Vec<Acknowledgement> = config
        .ignores
        .iter()
        .filter(|a| a.applies_to(&loaded.address))
        .cloned()
        .collect();
    let from_file = acks.len();
    acks.extend(loaded.ignores.iter().map(|i| i.ack.clone()));
    findings = acknowledge::apply(&findings, &acks);
    for (i, problem) in acknowledge::check(&acks) {
        let location = match i.checked_sub(from_file).and_then(|j| loaded.ignores.get(j)) {
            Some(inline) => {
                let at = if inline.from_attribute {
                    format!(
                        "{}[{:?}]",
                        scaling::acknowledge::ATTRIBUTE,
                        inline.ack.rule_id
                    )
                } else {
                    format!("# {} {}", crate::ignore::MARKER, inline.ack.rule_id)
                };
                let at = at.trim_end().to_string();
                if inline.line > 0 {
                    loaded.lines.insert(at.clone(), inline.line);
                }
                Location::attr(&at)
            }
            None => Location::root(),
        };
        findings.push(problem.finding(location));
    }
    findings.sort_by(|a, b| {
        a.severity
            .cmp(&b.severity)
            .then_with(|| a.rule_id.cmp(b.rule_id))
            .then_with(|| a.location.to_string().cmp(&b.location.to_string()))
            .then_with(|| a.message.cmp(&b.message))
    });
    analysis.findings = findings;
}
