//! One module per AWS component of a profile. Each follows the same life:
//! read → diff (pure) → apply (only the calls needed) → read back, and
//! revert to the values captured in private state.

pub mod accelerator;
pub mod cache_policy;
pub mod dashboard;
pub mod dynamodb;
pub mod lambda;
pub mod quota;
pub mod stage;
