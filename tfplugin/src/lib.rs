//! Terraform plugin protocol v6, server side.
//!
//! This crate knows the wire (tfplugin6 over gRPC, go-plugin's handshake and
//! AutoMTLS) and nothing about AWS or smuppy. A provider implements
//! [`Provider`] and [`Resource`] in terms of [`Value`], [`Schema`] and
//! [`Diagnostics`], and calls [`serve`] from `main`.
//!
//! ```text
//! fn main() -> std::process::ExitCode {
//!     tfplugin::main_entry(
//!         MyProvider::new(),
//!         tfplugin::ServeOptions::new(
//!             "registry.terraform.io/smuppy/smuppy",
//!             "terraform-provider-smuppy",
//!         ),
//!     )
//! }
//! ```
//!
//! [`main_entry`] reads `--debug` (reattach mode), installs the hclog
//! logger ([`logging::init`]), builds the tokio runtime and serves; it exits
//! 1 with go-plugin's message when not started by Terraform. Use [`serve`]
//! directly to run inside an existing runtime. Unix only (the server
//! listens on a unix socket).
//!
//! What the server guarantees around the traits:
//! - handler panics become an ERROR diagnostic ("provider internal error:
//!   …") and serving continues;
//! - values Terraform sends that cannot be decoded become ERROR diagnostics
//!   ("Invalid value from Terraform: …"); the trait method is not called;
//! - values returned are passed through [`convert::conform`] (every schema
//!   key present, nested block lists empty rather than null, every inner
//!   key of a nested attribute's objects present) before being encoded as
//!   msgpack;
//! - schemas may use protocol-6 nested attributes ([`ObjectNesting`]:
//!   single, list, set, map; builders in [`schema`]); they are sent as
//!   `nested_type` and their values are objects or collections of objects;
//! - unknown resource and data source type names are ERROR diagnostics;
//! - data sources ([`Provider::data_sources`], [`DataSource`]): schemas in
//!   GetProviderSchema, ValidateDataResourceConfig and ReadDataSource
//!   decode the config against the schema before calling the trait, and
//!   the state read is conformed to the schema;
//! - list resources ([`Provider::list_resources`], [`ListResource`]):
//!   schemas in GetProviderSchema, ValidateListResourceConfig and the
//!   ListResource stream (identities and, when asked, resource objects);
//! - UpgradeResourceState decodes the raw JSON state against the schema of
//!   the version it was written with ([`Resource::schema_for_version`]),
//!   calls [`Resource::upgrade_state`] and conforms the result to the
//!   current schema; a version newer than the schema's, or one the
//!   resource has no schema for, is refused. Private state is not part of
//!   that call (the protocol does not send it); a read may rewrite it;
//! - resource identity (Terraform ≥ 1.12): [`Resource::identity_schema`]
//!   answers GetResourceIdentitySchemas; identities travel in the
//!   `identity` fields of the read, plan, apply and import types, encoded
//!   against the identity schema; an import request carrying an identity
//!   goes to [`Resource::import_by_identity`], one carrying an ID to
//!   [`Resource::import`]; UpgradeResourceIdentity decodes the raw JSON
//!   against the current identity schema and calls
//!   [`Resource::upgrade_identity`];
//! - provider-defined functions ([`Provider::functions`], [`Function`]):
//!   advertised in GetProviderSchema and GetFunctions, called through
//!   CallFunction with each argument decoded against its parameter's type
//!   and the result encoded against the return type; every failure (an
//!   argument that does not decode, a wrong count, an unknown name, a
//!   panic) is a FunctionError, with the argument's index when one is at
//!   fault.

pub mod convert;
pub mod data_source;
pub mod diag;
pub mod function;
mod handshake;
pub mod list_resource;
pub mod logging;
pub mod proto;
pub mod provider;
pub mod schema;
mod server;
mod services;
mod tls;
pub mod value;

pub use data_source::DataSource;
pub use diag::{AttributePath, Diagnostic, Diagnostics, PathStep, Severity};
pub use function::{Function, FunctionDef, FunctionError, Parameter};
pub use handshake::NOT_A_PLUGIN_MESSAGE;
pub use list_resource::{ListResource, Listed};
pub use provider::{
    ApplyRequest, ApplyResponse, ConfigureRequest, ImportedResource, PlanRequest, PlanResponse,
    Provider, ReadRequest, ReadResponse, Resource,
};
pub use schema::{
    Attribute, Block, IdentityAttribute, IdentitySchema, NestedAttributes, NestedBlock, Nesting,
    ObjectNesting, Schema,
};
pub use server::{main_entry, serve, ServeError, ServeOptions};
pub use tls::TlsError;
pub use value::{Number, Type, Value};
