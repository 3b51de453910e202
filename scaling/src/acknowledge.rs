//! Acknowledged findings: a team accepts a rule's finding on the record,
//! with a reason. Decided here once, for every front end (the validator's
//! inline comments and config file, the provider's `acknowledge` block).
//!
//! An acknowledged error becomes a warning, an acknowledged warning becomes
//! info; either carries the reason in its message (`acknowledged: …`).
//! Info findings keep their severity and gain the reason too. An
//! acknowledgement naming no rule of the catalogue is an error of its own
//! ([`UNKNOWN_RULE`]); one without a reason still applies but is a warning
//! ([`NO_REASON`]).

use crate::finding::{Finding, Severity};
use crate::profile::Location;
use crate::rules::{RuleInfo, RULES};

pub use crate::rules::catalogue::ACK_RULES;

/// The resource attribute that lists a profile's acknowledgements, rule id
/// to reason (`acknowledge = { CAP004 = "quota increase approved, OPS-42" }`),
/// read by the provider at plan time and by `smuppy-validate` alike.
pub const ATTRIBUTE: &str = "acknowledge";
use crate::rules::catalogue::{ACK001, ACK002};

/// Id of the error reported for an acknowledgement of an unknown rule id.
pub const UNKNOWN_RULE: &str = ACK001.id;
/// Id of the warning reported for an acknowledgement without a reason.
pub const NO_REASON: &str = ACK002.id;

/// One accepted finding: the rule, why, and optionally the one resource it
/// is accepted for (a Terraform address; `None` = wherever it applies).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledgement {
    pub rule_id: String,
    /// Why the team accepts it; empty when none was given.
    pub reason: String,
    pub address: Option<String>,
}

impl Acknowledgement {
    pub fn new(rule_id: &str, reason: &str) -> Self {
        Acknowledgement {
            rule_id: rule_id.trim().to_string(),
            reason: reason.trim().to_string(),
            address: None,
        }
    }

    /// Whether it applies to the resource at `address`.
    pub fn applies_to(&self, address: &str) -> bool {
        self.address.as_deref().is_none_or(|a| a == address)
    }

    fn matches(&self, f: &Finding) -> bool {
        self.rule_id.eq_ignore_ascii_case(f.rule_id)
    }
}

/// The catalogue entry (of [`RULES`] or [`ACK_RULES`]) of a rule id.
pub fn rule_info(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().chain(ACK_RULES).find(|r| r.id == id)
}

/// Whether `id` names a rule that can be acknowledged (case-insensitive).
pub fn is_known(id: &str) -> bool {
    RULES.iter().any(|r| r.id.eq_ignore_ascii_case(id.trim()))
}

/// What is wrong with an acknowledgement, if anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The rule id is not in the catalogue.
    UnknownRule(String),
    /// No reason was given.
    NoReason(String),
}

/// Checks each acknowledgement against the catalogue: one problem per
/// acknowledgement at most (an unknown id is not also asked for a reason).
pub fn check(acks: &[Acknowledgement]) -> Vec<(usize, Problem)> {
    acks.iter()
        .enumerate()
        .filter_map(|(i, a)| {
            if !is_known(&a.rule_id) {
                Some((i, Problem::UnknownRule(a.rule_id.clone())))
            } else if a.reason.is_empty() {
                Some((i, Problem::NoReason(a.rule_id.clone())))
            } else {
                None
            }
        })
        .collect()
}

impl Problem {
    /// The problem as a finding at `location`.
    pub fn finding(&self, location: Location) -> Finding {
        match self {
            Problem::UnknownRule(id) => ACK001.finding(
                location,
                format!("acknowledgement of {id:?}: no such rule; the rules are listed by `smuppy-validate --list-rules`"),
            ),
            Problem::NoReason(id) => ACK002.finding(
                location,
                format!("{id} is acknowledged without a reason; give the reason the finding is accepted"),
            ),
        }
    }
}

/// Applies acknowledgements to one resource's findings: a finding whose
/// rule is acknowledged is lowered one severity (error → warning, warning
/// → info) and its message carries the reason. The caller passes only the
/// acknowledgements that apply to the resource ([`Acknowledgement::applies_to`]).
/// Findings keep their order; the first matching acknowledgement wins.
pub fn apply(findings: &[Finding], acks: &[Acknowledgement]) -> Vec<Finding> {
    findings
        .iter()
        .map(|f| match acks.iter().find(|a| a.matches(f)) {
            None => f.clone(),
            Some(a) => {
                let severity = match f.severity {
                    Severity::Error => Severity::Warning,
                    Severity::Warning | Severity::Info => Severity::Info,
                };
                let reason = if a.reason.is_empty() {
                    "no reason given"
                } else {
                    &a.reason
                };
                Finding {
                    severity,
                    message: format!("{} (acknowledged: {reason})", f.message),
                    ..f.clone()
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(id: &'static str, sev: Severity) -> Finding {
        Finding::new(id, sev, Location::attr("api_gateway"), "too low".into())
    }

    #[test]
    fn an_acknowledged_error_becomes_a_warning_with_the_reason() {
        let out = apply(
            &[f("CAP004", Severity::Error), f("CAP005", Severity::Error)],
            &[Acknowledgement::new(
                "cap004",
                "quota raise filed, ticket 42",
            )],
        );
        assert_eq!(out[0].severity, Severity::Warning);
        assert_eq!(
            out[0].message,
            "too low (acknowledged: quota raise filed, ticket 42)"
        );
        assert_eq!(out[0].rule_id, "CAP004");
        assert_eq!(out[1], f("CAP005", Severity::Error));
    }

    #[test]
    fn an_acknowledged_warning_becomes_info() {
        let out = apply(
            &[f("SEC001", Severity::Warning)],
            &[Acknowledgement::new("SEC001", "per-user cache wanted")],
        );
        assert_eq!(out[0].severity, Severity::Info);
    }

    #[test]
    fn unknown_ids_and_missing_reasons_are_reported() {
        let acks = [
            Acknowledgement::new("CAP999", "typo"),
            Acknowledgement::new("CAP004", " "),
            Acknowledgement::new("CAP004", "fine"),
        ];
        let p = check(&acks);
        assert_eq!(
            p,
            vec![
                (0, Problem::UnknownRule("CAP999".into())),
                (1, Problem::NoReason("CAP004".into()))
            ]
        );
        assert_eq!(p[0].1.finding(Location::root()).severity, Severity::Error);
        assert_eq!(p[0].1.finding(Location::root()).rule_id, UNKNOWN_RULE);
        assert_eq!(p[1].1.finding(Location::root()).severity, Severity::Warning);
    }

    #[test]
    fn an_address_limits_where_it_applies() {
        let mut a = Acknowledgement::new("CAP004", "r");
        assert!(a.applies_to("smuppy_scaling_profile.x"));
        a.address = Some("module.m.smuppy_scaling_profile.x".into());
        assert!(a.applies_to("module.m.smuppy_scaling_profile.x"));
        assert!(!a.applies_to("smuppy_scaling_profile.x"));
    }

    #[test]
    fn acknowledgement_ids_are_not_rule_ids() {
        for r in ACK_RULES {
            assert!(!is_known(r.id));
            assert!(rule_info(r.id).is_some());
        }
    }
}
