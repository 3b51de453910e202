//! The traits a provider implements. Protocol messages never reach them:
//! the server translates requests into these types and back.
//!
//! Contracts (Terraform enforces them; see the docs on each method):
//! - values returned carry every schema key (nested block lists as empty
//!   lists, never null);
//! - a plan may only change computed attributes, or optional+computed ones
//!   the configuration leaves null; everything else must equal config or
//!   prior;
//! - apply returns every planned known value unchanged, and no unknowns;
//! - on a partial failure apply still returns what it reached, beside an
//!   error diagnostic, so nothing done is lost.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::diag::{AttributePath, Diagnostics};
use crate::schema::Schema;
use crate::value::Value;

/// ConfigureProvider: the provider block's configuration.
#[derive(Debug, Clone)]
pub struct ConfigureRequest {
    pub terraform_version: String,
    pub config: Value,
}

/// ReadResource (refresh, and the read after import).
#[derive(Debug, Clone)]
pub struct ReadRequest {
    pub type_name: String,
    pub current_state: Value,
    pub private: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct ReadResponse {
    /// The state as the remote side has it now; `Value::Null` means the
    /// object is gone and Terraform drops it from state.
    pub new_state: Value,
    pub private: Vec<u8>,
}

/// PlanResourceChange. `prior_state` is null on create; `proposed_new_state`
/// and `config` are null on destroy (only when the provider asks for
/// destroy plans, which this crate does not).
#[derive(Debug, Clone)]
pub struct PlanRequest {
    pub type_name: String,
    pub prior_state: Value,
    pub proposed_new_state: Value,
    pub config: Value,
    pub prior_private: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct PlanResponse {
    pub planned_state: Value,
    pub requires_replace: Vec<AttributePath>,
    pub planned_private: Vec<u8>,
}

/// ApplyResourceChange. `planned_state` null means destroy.
#[derive(Debug, Clone)]
pub struct ApplyRequest {
    pub type_name: String,
    pub prior_state: Value,
    pub planned_state: Value,
    pub config: Value,
    pub planned_private: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct ApplyResponse {
    /// Null after a destroy. On error, the partial state reached (or null to
    /// keep the prior state).
    pub new_state: Value,
    pub private: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct ImportedResource {
    pub state: Value,
    pub private: Vec<u8>,
}

/// A provider: its configuration schema and its resource types.
#[async_trait::async_trait]
pub trait Provider: Send + Sync + 'static {
    /// The provider block's schema.
    fn provider_schema(&self) -> Schema;

    /// Resource types by name, e.g. `smuppy_scaling_profile`.
    fn resources(&self) -> BTreeMap<String, Arc<dyn Resource>>;

    /// ValidateProviderConfig. The config may contain unknowns.
    fn validate_provider_config(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// ConfigureProvider. Called once per process, or many times in debug
    /// (reattach) mode: must tolerate being called again.
    async fn configure(&self, req: ConfigureRequest, diags: &mut Diagnostics);

    /// StopProvider: cancel in-flight work and return quickly.
    async fn stop(&self) {}
}

/// One resource type.
#[async_trait::async_trait]
pub trait Resource: Send + Sync + 'static {
    fn schema(&self) -> Schema;

    /// ValidateResourceConfig. Unknown values may appear anywhere.
    fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// UpgradeResourceState. `state` has already been decoded from the raw
    /// JSON against the current schema (unknown keys dropped, missing ones
    /// null); `version` is the schema version recorded in state.
    fn upgrade_state(&self, _version: i64, state: Value, _diags: &mut Diagnostics) -> Value {
        state
    }

    async fn read(&self, req: ReadRequest, diags: &mut Diagnostics) -> ReadResponse;

    async fn plan(&self, req: PlanRequest, diags: &mut Diagnostics) -> PlanResponse;

    async fn apply(&self, req: ApplyRequest, diags: &mut Diagnostics) -> ApplyResponse;

    /// ImportResourceState. Terraform reads each imported resource next.
    async fn import(&self, id: &str, diags: &mut Diagnostics) -> Vec<ImportedResource>;
}
