//! Scaling profiles: a typed description of everything that must hold for
//! an API to carry a target load, and the pure checks over it.
//!
//! This crate is pure: no AWS SDK, no protocol. The AWS side lives in
//! `scaling-aws`, the Terraform side in the provider; both speak [`Profile`].
//!
//! Entry point: [`analyze`] (or [`analyze_with`] for a measured load), which
//! returns the findings of every rule in [`rules::RULES`], the capacity of
//! the chain and a monthly cost estimate.

pub mod acknowledge;
pub mod analysis;
pub mod bounds;
pub mod capacity;
pub mod cost;
pub mod finding;
pub mod ids;
pub mod limits;
pub mod model;
pub mod prices;
pub mod profile;
pub mod rules;
pub mod traffic;
pub mod unread;

pub use acknowledge::Acknowledgement;
pub use analysis::{
    analyze, analyze_with, Analysis, Options, DEFAULT_EARLY_WARNING, DEFAULT_EXTRAPOLATION_FACTOR,
};
pub use capacity::{Capacity, LinkLimit};
pub use cost::{CostEstimate, ServiceCost};
pub use finding::{Finding, Severity};
pub use limits::{
    AccountThrottle, Limits, LiveFacts, OpenQuotaRequest, ReservedElsewhere, ScalingBounds,
    TableFacts,
};
pub use prices::{PriceError, PriceItem, PriceTable};
pub use profile::*;
pub use rules::{check_account, not_evaluated, Member, RuleInfo, RULES};
pub use traffic::{Architecture, Measured, TrafficModel};
pub use unread::{FactKey, UnreadFact};
