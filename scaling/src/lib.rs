//! Scaling profiles: a typed description of everything that must hold for
//! an API to carry a target load, and the pure checks over it.
//!
//! This crate is pure: no AWS SDK, no protocol. The AWS side lives in
//! `scaling-aws`, the Terraform side in the provider; both speak [`Profile`].

pub mod profile;

pub use profile::*;
