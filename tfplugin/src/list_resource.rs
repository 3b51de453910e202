//! List resources (`list "TYPE" "NAME" { config { … } }` in a
//! `.tfquery.hcl` file, run by `terraform query`): a search for existing
//! objects of a managed resource type, each found object given by its
//! identity so that Terraform can import it.
//!
//! A provider lists them in [`crate::Provider::list_resources`], keyed by
//! the managed resource type they find (a list resource has the name of
//! the resource type it lists, and that type must have an identity
//! schema). The server advertises their config schemas in
//! GetProviderSchema (`list_resource_schemas`) and GetMetadata, and
//! answers:
//!
//! - ValidateListResourceConfig: the config decoded against the list
//!   resource's schema, then [`ListResource::validate`]; unknown values
//!   may appear anywhere;
//! - ListResource (a server stream): the config decoded, then
//!   [`ListResource::list`]; each [`Listed`] is one event, its identity
//!   encoded against the resource type's identity schema and, when
//!   Terraform asked for it, its object against the resource type's
//!   schema (conformed: every key present). At most `limit` events are
//!   sent (Terraform stops reading there anyway).
//!
//! Errors are diagnostics: one event carrying them (after the objects
//! found before the error, if any). A type name the provider does not
//! have, a list resource whose resource type has no identity schema, and
//! a panic in either method are error diagnostics too; the process keeps
//! serving.

use crate::diag::Diagnostics;
use crate::schema::Schema;
use crate::value::Value;

/// One object found by [`ListResource::list`].
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    /// Its identity, a value of the resource type's identity schema.
    pub identity: Value,
    /// A short human name shown by `terraform query`.
    pub display_name: String,
    /// The resource object (what an import would put in state); `None`
    /// when Terraform did not ask for it.
    pub object: Option<Value>,
}

/// One list resource type (named after the managed resource type it lists).
#[async_trait::async_trait]
pub trait ListResource: Send + Sync + 'static {
    /// The schema of the `config { … }` block.
    fn schema(&self) -> Schema;

    /// ValidateListResourceConfig. Unknown values may appear anywhere.
    fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// ListResource: what exists for `config` (wholly known). Fill in
    /// [`Listed::object`] only when `include_object`; return at most
    /// `limit` objects when `limit` is positive (more are cut off).
    async fn list(
        &self,
        config: Value,
        include_object: bool,
        limit: i64,
        diags: &mut Diagnostics,
    ) -> Vec<Listed>;
}
