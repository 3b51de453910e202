//! `analyze`: the one entry point the provider and the CLI call.

use serde::Serialize;

use crate::capacity::{self, Capacity};
use crate::cost::{self, CostEstimate};
use crate::finding::Finding;
use crate::limits::Limits;
use crate::prices::PriceTable;
use crate::profile::Profile;
use crate::rules::{self, Ctx};
use crate::traffic::{Measured, TrafficModel};

/// Target ÷ measured rate above which `TRF002` warns, by default.
pub const DEFAULT_EXTRAPOLATION_FACTOR: f64 = 3.0;

/// Share of a limit from which `CAP013` warns that a need is getting close,
/// by default (like Trusted Advisor's and awslimitchecker's 80 %).
pub const DEFAULT_EARLY_WARNING: f64 = 0.8;

/// Knobs beyond the profile, limits and prices.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// A load test's figures: its average latency replaces the profile's.
    pub measured: Option<Measured>,
    /// `TRF002` fires when peak_rps > measured rps × this.
    pub extrapolation_factor: f64,
    /// `CAP013` fires when a need reaches this share of its limit without
    /// passing it (passing it is an error of its own rule). 1 turns the
    /// early warnings off.
    pub early_warning: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            measured: None,
            extrapolation_factor: DEFAULT_EXTRAPOLATION_FACTOR,
            early_warning: DEFAULT_EARLY_WARNING,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analysis {
    /// Sorted: errors first, then warnings, then info; by rule id and location within each.
    pub findings: Vec<Finding>,
    pub capacity: Capacity,
    pub cost: CostEstimate,
    /// The traffic model the figures rest on, with its assumptions.
    pub traffic: TrafficModel,
}

impl Analysis {
    pub fn errors(&self) -> usize {
        self.count(crate::Severity::Error)
    }
    pub fn warnings(&self) -> usize {
        self.count(crate::Severity::Warning)
    }
    fn count(&self, s: crate::Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == s).count()
    }
}

/// Checks a profile with the default options.
pub fn analyze(profile: &Profile, limits: &Limits, prices: &PriceTable) -> Analysis {
    analyze_with(profile, limits, prices, &Options::default())
}

/// Checks a profile: capacity, limits, security and cost. Pure and deterministic.
pub fn analyze_with(
    profile: &Profile,
    limits: &Limits,
    prices: &PriceTable,
    options: &Options,
) -> Analysis {
    let traffic = TrafficModel::from_profile(profile, options.measured.as_ref());
    let capacity = capacity::compute(profile, limits, &traffic);
    let cost = cost::estimate(profile, &traffic, &capacity, prices);
    let ctx = Ctx {
        p: profile,
        l: limits,
        t: &traffic,
        cap: &capacity,
        cost: &cost,
        extrapolation_factor: options.extrapolation_factor,
        early_warning: options.early_warning,
    };
    let mut findings = rules::run(&ctx);
    for u in &limits.live.unread {
        u.emit(&mut findings);
    }
    sort_findings(&mut findings);
    Analysis {
        findings,
        capacity,
        cost,
        traffic,
    }
}

/// Puts findings in report order: errors first, then warnings, then info;
/// by rule id, location and message within each.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        a.severity
            .cmp(&b.severity)
            .then_with(|| a.rule_id.cmp(b.rule_id))
            .then_with(|| a.location.to_string().cmp(&b.location.to_string()))
            .then_with(|| a.message.cmp(&b.message))
    });
}
