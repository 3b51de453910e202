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
//!   error diagnostic, so nothing done is lost;
//! - a resource with an identity schema returns an identity from read,
//!   plan, apply and import, and keeps it the same for the object's whole
//!   life (Terraform fails a read whose identity changed: "Unexpected
//!   Identity Change"). The `identity` fields are None when the resource
//!   has no identity schema or Terraform sent none (e.g. a state written
//!   before the resource had one, or by Terraform < 1.12); a response's
//!   None sends no identity.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::data_source::DataSource;
use crate::diag::{AttributePath, Diagnostics};
use crate::function::Function;
use crate::list_resource::ListResource;
use crate::schema::{IdentitySchema, Schema};
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
    /// The identity stored with the state (ReadResource.current_identity).
    pub identity: Option<Value>,
}

#[derive(Debug, Clone)]
pub struct ReadResponse {
    /// The state as the remote side has it now; `Value::Null` means the
    /// object is gone and Terraform drops it from state.
    pub new_state: Value,
    pub private: Vec<u8>,
    /// The identity to store (new_identity): the prior one, unchanged, or
    /// a first one for a state that had none.
    pub identity: Option<Value>,
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
    /// The identity stored with the prior state (prior_identity).
    pub identity: Option<Value>,
}

#[derive(Debug, Clone)]
pub struct PlanResponse {
    pub planned_state: Value,
    pub requires_replace: Vec<AttributePath>,
    pub planned_private: Vec<u8>,
    /// The identity planned (planned_identity). Plan it wholly known, on
    /// create too: with an unknown in it, Terraform 1.15's `terraform plan`
    /// fails ("Failed to marshal plan to json: value is not known").
    pub identity: Option<Value>,
}

/// ApplyResourceChange. `planned_state` null means destroy.
#[derive(Debug, Clone)]
pub struct ApplyRequest {
    pub type_name: String,
    pub prior_state: Value,
    pub planned_state: Value,
    pub config: Value,
    pub planned_private: Vec<u8>,
    /// The identity the plan returned (planned_identity).
    pub identity: Option<Value>,
}

#[derive(Debug, Clone)]
pub struct ApplyResponse {
    /// Null after a destroy. On error, the partial state reached (or null to
    /// keep the prior state).
    pub new_state: Value,
    pub private: Vec<u8>,
    /// The identity of the object (new_identity); None after a destroy.
    pub identity: Option<Value>,
}

#[derive(Debug, Clone)]
pub struct ImportedResource {
    pub state: Value,
    pub private: Vec<u8>,
    /// The identity of the imported object.
    pub identity: Option<Value>,
}

/// A provider: its configuration schema and its resource types.
#[async_trait::async_trait]
pub trait Provider: Send + Sync + 'static {
    /// The provider block's schema.
    fn provider_schema(&self) -> Schema;

    /// Resource types by name, e.g. `smuppy_scaling_profile`.
    fn resources(&self) -> BTreeMap<String, Arc<dyn Resource>>;

    /// Provider-defined functions by name (`provider::NAME::FUNC` in
    /// Terraform ≥ 1.8). Terraform calls them without configuring the
    /// provider: a function must not need [`Provider::configure`]. The
    /// default has none.
    fn functions(&self) -> BTreeMap<String, Arc<dyn Function>> {
        BTreeMap::new()
    }

    /// Data source types by name, e.g. `smuppy_account_limits`. Terraform
    /// configures the provider before reading them. The default has none.
    fn data_sources(&self) -> BTreeMap<String, Arc<dyn DataSource>> {
        BTreeMap::new()
    }

    /// List resource types (for `terraform query`), each named after the
    /// managed resource type it finds, which must have an identity schema.
    /// Terraform configures the provider before listing. The default has
    /// none.
    fn list_resources(&self) -> BTreeMap<String, Arc<dyn ListResource>> {
        BTreeMap::new()
    }

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

    /// The schema a state of `version` was written with, to read stored
    /// state of that version. The default knows only the current version;
    /// a resource whose schema changed shape returns its older schemas
    /// here (None: that version cannot be read, and UpgradeResourceState
    /// answers an error naming it).
    fn schema_for_version(&self, version: i64) -> Option<Schema> {
        let current = self.schema();
        (current.version == version).then_some(current)
    }

    /// UpgradeResourceState. `state` has already been decoded from the raw
    /// JSON against [`Resource::schema_for_version`]`(version)` (unknown
    /// keys dropped, missing ones null); `version` is the schema version
    /// recorded in state. Return the value in the current schema's shape;
    /// the server conforms it to the current schema (missing keys null,
    /// block lists empty) and encodes it.
    ///
    /// The protocol gives this call no private state: Terraform keeps the
    /// stored private bytes as they are and hands them to the next read,
    /// which may rewrite them ([`ReadResponse::private`]).
    fn upgrade_state(&self, _version: i64, state: Value, _diags: &mut Diagnostics) -> Value {
        state
    }

    /// The identity schema (GetResourceIdentitySchemas); None (the
    /// default) for a resource type without identity.
    fn identity_schema(&self) -> Option<IdentitySchema> {
        None
    }

    /// UpgradeResourceIdentity: an identity stored with identity schema
    /// `version`, decoded from its raw JSON against the current identity
    /// schema (unknown keys dropped, missing ones null). Return it in the
    /// current shape; the default returns it unchanged.
    fn upgrade_identity(&self, _version: i64, identity: Value, _diags: &mut Diagnostics) -> Value {
        identity
    }

    async fn read(&self, req: ReadRequest, diags: &mut Diagnostics) -> ReadResponse;

    async fn plan(&self, req: PlanRequest, diags: &mut Diagnostics) -> PlanResponse;

    async fn apply(&self, req: ApplyRequest, diags: &mut Diagnostics) -> ApplyResponse;

    /// ImportResourceState by string ID (`terraform import ADDR ID`, or an
    /// `import` block with `id`). Terraform reads each imported resource
    /// next.
    async fn import(&self, id: &str, diags: &mut Diagnostics) -> Vec<ImportedResource>;

    /// ImportResourceState by identity (an `import` block with
    /// `identity = { … }`, Terraform ≥ 1.12). `identity` is an object of
    /// the identity schema's type, every attribute present (null when not
    /// given). The default refuses.
    async fn import_by_identity(
        &self,
        _identity: Value,
        diags: &mut Diagnostics,
    ) -> Vec<ImportedResource> {
        diags.error(
            "Import by identity is not supported",
            "import by identity is not supported by this resource type: import it by its ID \
             instead.",
        );
        Vec::new()
    }
}
