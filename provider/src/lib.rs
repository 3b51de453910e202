//! The smuppy/smuppy provider: mapping between Terraform values and scaling
//! profiles, and the `smuppy_scaling_profile` resource. The binary
//! `terraform-provider-smuppy` serves it; the `smuppy-docs` crate
//! (`docs-gen/`) renders its docs from [`schema`].

pub mod analysis;
pub mod data_sources;
pub mod diagnostics;
pub mod fields;
pub mod functions;
pub mod journal;
pub mod keys;
pub mod list;
pub mod mapping;
pub mod provider;
pub mod provider_config;
pub mod resource;
pub mod schema;
pub mod schema_v0;
pub mod shape;
pub mod state;

/// The provider's source address, as users write it in `required_providers`.
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/smuppy/smuppy";
