//! Data sources (`data "TYPE" "NAME" { … }`): read-only objects a provider
//! looks up each plan.
//!
//! A provider lists its data sources in [`crate::Provider::data_sources`];
//! the server advertises their schemas in GetProviderSchema
//! (`data_source_schemas`) and GetMetadata, and answers:
//!
//! - ValidateDataResourceConfig: the config decoded against the schema, then
//!   [`DataSource::validate`]. Unknown values may appear anywhere (a value
//!   from a resource not yet created);
//! - ReadDataSource: the config decoded against the schema (Terraform only
//!   reads a data source whose config is wholly known; otherwise it waits
//!   for apply), then [`DataSource::read`]; the value returned is conformed
//!   to the schema (every key present) and becomes the data source's state.
//!
//! A type name the provider does not have is an error diagnostic on both
//! RPCs; a panic in either method is an error diagnostic too (the panic
//! guard), and the process keeps serving.
//!
//! Contract of [`DataSource::read`]: return the config with every computed
//! attribute set, and the configured ones unchanged (Terraform rejects a
//! read that changes a configured value). On an error diagnostic the value
//! returned is ignored: return [`Value::Null`].

use crate::diag::Diagnostics;
use crate::schema::Schema;
use crate::value::Value;

/// One data source type.
#[async_trait::async_trait]
pub trait DataSource: Send + Sync + 'static {
    fn schema(&self) -> Schema;

    /// ValidateDataResourceConfig. Unknown values may appear anywhere.
    fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// ReadDataSource: the state for `config` (wholly known), computed
    /// attributes filled in.
    async fn read(&self, config: Value, diags: &mut Diagnostics) -> Value;
}
