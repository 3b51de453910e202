//! The gRPC services a Terraform provider process serves:
//!
//! - `tfplugin6.Provider`, translated to the [`Provider`] and [`Resource`]
//!   traits, CallFunction / GetFunctions to [`crate::Function`], and
//!   ValidateDataResourceConfig / ReadDataSource to
//!   [`crate::DataSource`], ValidateListResourceConfig / ListResource to
//!   [`crate::ListResource`]. RPCs
//!   for features this crate does not offer (ephemeral,
//!   action and state-store resources, moves, config
//!   generation) answer Unimplemented, which Terraform accepts as
//!   long as the schema does not advertise them.
//! - `plugin.GRPCController` (Shutdown), `plugin.GRPCStdio` (a stream that
//!   stays open and sends nothing), `plugin.GRPCBroker` (accepted, idle).
//!
//! Every Provider handler runs inside a panic guard: a panic becomes an
//! ERROR diagnostic "provider internal error: …" in an OK response, and the
//! process keeps serving. Errors are always diagnostics, never gRPC errors.

use std::sync::{Arc, OnceLock};

use futures::StreamExt;
use tonic::codegen::BoxStream;
use tonic::{Request, Response, Status};

use crate::convert::{
    decode_identity, decode_request_value, diagnostics_to_proto, encode_identity,
    encode_response_value, identity_schema_to_proto, path_to_proto,
};
use crate::diag::Diagnostics;
use crate::proto::tfplugin6 as pb;
use crate::provider::{ApplyRequest, ConfigureRequest, PlanRequest, Provider, ReadRequest};
use crate::value::Value;

mod catalog;
mod data_sources;
mod functions;
mod go_plugin;
mod guard;
mod list_resources;
mod state;

use catalog::{Catalog, Entry};
use guard::guard;

pub(crate) use go_plugin::{Broker, Controller, ShutdownSignal, Stdio};

/// Largest message accepted or sent (terraform-plugin-go uses the same).
pub(crate) const MAX_MESSAGE_SIZE: usize = 256 * 1024 * 1024;

struct Inner<P> {
    provider: P,
    catalog: OnceLock<Catalog>,
}

/// `tfplugin6.Provider` over a [`Provider`].
pub(crate) struct ProviderService<P> {
    inner: Arc<Inner<P>>,
}

impl<P: Provider> ProviderService<P> {
    pub(crate) fn new(provider: P) -> Self {
        ProviderService {
            inner: Arc::new(Inner {
                provider,
                catalog: OnceLock::new(),
            }),
        }
    }

    fn catalog(&self) -> &Catalog {
        self.inner
            .catalog
            .get_or_init(|| Catalog::new(&self.inner.provider))
    }

    /// The resource and its schemas, or an error diagnostic.
    fn resource(&self, type_name: &str, diags: &mut Diagnostics) -> Option<Entry> {
        match self.catalog().resources.get(type_name) {
            Some(entry) => Some(entry.clone()),
            None => {
                diags.error(
                    "Unknown resource type",
                    format!("This provider does not implement the resource type {type_name:?}."),
                );
                None
            }
        }
    }
}

#[tonic::async_trait]
impl<P: Provider> pb::provider_server::Provider for ProviderService<P> {
    async fn get_metadata(
        &self,
        _request: Request<pb::get_metadata::Request>,
    ) -> Result<Response<pb::get_metadata::Response>, Status> {
        guard("GetMetadata", async { self.catalog().metadata() }).await
    }

    async fn get_functions(
        &self,
        _request: Request<pb::get_functions::Request>,
    ) -> Result<Response<pb::get_functions::Response>, Status> {
        guard("GetFunctions", async {
            pb::get_functions::Response {
                functions: functions::protos(&self.catalog().functions),
                diagnostics: Vec::new(),
            }
        })
        .await
    }

    async fn call_function(
        &self,
        request: Request<pb::call_function::Request>,
    ) -> Result<Response<pb::call_function::Response>, Status> {
        let req = request.into_inner();
        guard("CallFunction", async {
            let entry = self.catalog().functions.get(&req.name);
            functions::call(&req.name, entry, &req.arguments)
        })
        .await
    }

    async fn get_provider_schema(
        &self,
        _request: Request<pb::get_provider_schema::Request>,
    ) -> Result<Response<pb::get_provider_schema::Response>, Status> {
        guard("GetProviderSchema", async { self.catalog().schema() }).await
    }

    async fn validate_provider_config(
        &self,
        request: Request<pb::validate_provider_config::Request>,
    ) -> Result<Response<pb::validate_provider_config::Response>, Status> {
        let req = request.into_inner();
        guard("ValidateProviderConfig", async {
            let mut diags = Diagnostics::new();
            let ty = self.catalog().provider_schema.block.implied_type();
            if let Some(config) =
                decode_request_value(req.config.as_ref(), &ty, "config", &mut diags)
            {
                self.inner
                    .provider
                    .validate_provider_config(&config, &mut diags);
            }
            pb::validate_provider_config::Response {
                diagnostics: diagnostics_to_proto(&diags),
            }
        })
        .await
    }

    async fn validate_resource_config(
        &self,
        request: Request<pb::validate_resource_config::Request>,
    ) -> Result<Response<pb::validate_resource_config::Response>, Status> {
        let req = request.into_inner();
        guard("ValidateResourceConfig", async {
            let mut diags = Diagnostics::new();
            if let Some(entry) = self.resource(&req.type_name, &mut diags) {
                let ty = entry.schema.block.implied_type();
                if let Some(config) =
                    decode_request_value(req.config.as_ref(), &ty, "config", &mut diags)
                {
                    entry.resource.validate(&config, &mut diags);
                }
            }
            pb::validate_resource_config::Response {
                diagnostics: diagnostics_to_proto(&diags),
            }
        })
        .await
    }

    async fn validate_data_resource_config(
        &self,
        request: Request<pb::validate_data_resource_config::Request>,
    ) -> Result<Response<pb::validate_data_resource_config::Response>, Status> {
        let req = request.into_inner();
        guard("ValidateDataResourceConfig", async {
            data_sources::validate(&self.catalog().data_sources, &req)
        })
        .await
    }

    async fn upgrade_resource_state(
        &self,
        request: Request<pb::upgrade_resource_state::Request>,
    ) -> Result<Response<pb::upgrade_resource_state::Response>, Status> {
        let req = request.into_inner();
        guard("UpgradeResourceState", async {
            let mut diags = Diagnostics::new();
            let mut upgraded_state = None;
            if let Some(entry) = self.resource(&req.type_name, &mut diags) {
                upgraded_state =
                    state::upgrade_state(entry.resource.as_ref(), &entry.schema, &req, &mut diags);
            }
            pb::upgrade_resource_state::Response {
                upgraded_state,
                diagnostics: diagnostics_to_proto(&diags),
            }
        })
        .await
    }

    async fn get_resource_identity_schemas(
        &self,
        _request: Request<pb::get_resource_identity_schemas::Request>,
    ) -> Result<Response<pb::get_resource_identity_schemas::Response>, Status> {
        // Resource types without identity are left out (an empty map when
        // none has one, as Terraform expects of such providers).
        guard("GetResourceIdentitySchemas", async {
            pb::get_resource_identity_schemas::Response {
                identity_schemas: self
                    .catalog()
                    .resources
                    .iter()
                    .filter_map(|(name, e)| {
                        Some((name.clone(), identity_schema_to_proto(e.identity.as_ref()?)))
                    })
                    .collect(),
                diagnostics: Vec::new(),
            }
        })
        .await
    }

    async fn upgrade_resource_identity(
        &self,
        request: Request<pb::upgrade_resource_identity::Request>,
    ) -> Result<Response<pb::upgrade_resource_identity::Response>, Status> {
        let req = request.into_inner();
        guard("UpgradeResourceIdentity", async {
            let mut diags = Diagnostics::new();
            let mut upgraded_identity = None;
            if let Some(entry) = self.resource(&req.type_name, &mut diags) {
                upgraded_identity = state::upgrade_identity(
                    entry.resource.as_ref(),
                    entry.identity.as_ref(),
                    &req,
                    &mut diags,
                );
            }
            pb::upgrade_resource_identity::Response {
                upgraded_identity,
                diagnostics: diagnostics_to_proto(&diags),
            }
        })
        .await
    }

    async fn configure_provider(
        &self,
        request: Request<pb::configure_provider::Request>,
    ) -> Result<Response<pb::configure_provider::Response>, Status> {
        let req = request.into_inner();
        guard("ConfigureProvider", async {
            let mut diags = Diagnostics::new();
            let ty = self.catalog().provider_schema.block.implied_type();
            if let Some(config) =
                decode_request_value(req.config.as_ref(), &ty, "config", &mut diags)
            {
                let configure = ConfigureRequest {
                    terraform_version: req.terraform_version.clone(),
                    config,
                };
                self.inner.provider.configure(configure, &mut diags).await;
            }
            pb::configure_provider::Response {
                diagnostics: diagnostics_to_proto(&diags),
            }
        })
        .await
    }

    async fn read_resource(
        &self,
        request: Request<pb::read_resource::Request>,
    ) -> Result<Response<pb::read_resource::Response>, Status> {
        let req = request.into_inner();
        guard("ReadResource", async {
            let mut diags = Diagnostics::new();
            let mut out = pb::read_resource::Response::default();
            if let Some(entry) = self.resource(&req.type_name, &mut diags) {
                let ty = entry.schema.block.implied_type();
                let current = decode_request_value(
                    req.current_state.as_ref(),
                    &ty,
                    "current state",
                    &mut diags,
                );
                let identity = decode_identity(
                    req.current_identity.as_ref(),
                    entry.identity.as_ref(),
                    "current identity",
                    &mut diags,
                );
                if let (Some(current_state), Some(identity)) = (current, identity) {
                    let read = ReadRequest {
                        type_name: req.type_name.clone(),
                        current_state,
                        private: req.private.clone(),
                        identity,
                    };
                    let resp = entry.resource.read(read, &mut diags).await;
                    out.new_state = encode_response_value(
                        resp.new_state,
                        &entry.schema.block,
                        "state",
                        &mut diags,
                    );
                    out.private = resp.private;
                    out.new_identity =
                        encode_identity(resp.identity, entry.identity.as_ref(), &mut diags);
                }
            }
            out.diagnostics = diagnostics_to_proto(&diags);
            out
        })
        .await
    }

    async fn plan_resource_change(
        &self,
        request: Request<pb::plan_resource_change::Request>,
    ) -> Result<Response<pb::plan_resource_change::Response>, Status> {
        let req = request.into_inner();
        guard("PlanResourceChange", async {
            let mut diags = Diagnostics::new();
            let mut out = pb::plan_resource_change::Response::default();
            if let Some(entry) = self.resource(&req.type_name, &mut diags) {
                let (resource, schema) = (&entry.resource, &entry.schema);
                if let Some(Change {
                    prior: prior_state,
                    new: proposed_new_state,
                    config,
                    identity,
                }) = decode_change(
                    &entry,
                    req.prior_state.as_ref(),
                    (req.prior_identity.as_ref(), "prior identity"),
                    (req.proposed_new_state.as_ref(), "proposed new state"),
                    req.config.as_ref(),
                    &mut diags,
                ) {
                    if proposed_new_state.is_null() {
                        // A destroy plan (only sent if a provider asked for
                        // them): nothing to plan, the object goes away.
                        out.planned_state =
                            encode_response_value(Value::Null, &schema.block, "plan", &mut diags);
                        out.planned_private = req.prior_private.clone();
                    } else {
                        let plan = PlanRequest {
                            type_name: req.type_name.clone(),
                            prior_state,
                            proposed_new_state,
                            config,
                            prior_private: req.prior_private.clone(),
                            identity,
                        };
                        let resp = resource.plan(plan, &mut diags).await;
                        out.planned_state = encode_response_value(
                            resp.planned_state,
                            &schema.block,
                            "plan",
                            &mut diags,
                        );
                        out.requires_replace =
                            resp.requires_replace.iter().map(path_to_proto).collect();
                        out.planned_private = resp.planned_private;
                        out.planned_identity =
                            encode_identity(resp.identity, entry.identity.as_ref(), &mut diags);
                    }
                }
            }
            out.diagnostics = diagnostics_to_proto(&diags);
            out
        })
        .await
    }

    async fn apply_resource_change(
        &self,
        request: Request<pb::apply_resource_change::Request>,
    ) -> Result<Response<pb::apply_resource_change::Response>, Status> {
        let req = request.into_inner();
        guard("ApplyResourceChange", async {
            let mut diags = Diagnostics::new();
            let mut out = pb::apply_resource_change::Response::default();
            if let Some(entry) = self.resource(&req.type_name, &mut diags) {
                let (resource, schema) = (&entry.resource, &entry.schema);
                if let Some(Change {
                    prior: prior_state,
                    new: planned_state,
                    config,
                    identity,
                }) = decode_change(
                    &entry,
                    req.prior_state.as_ref(),
                    (req.planned_identity.as_ref(), "planned identity"),
                    (req.planned_state.as_ref(), "planned state"),
                    req.config.as_ref(),
                    &mut diags,
                ) {
                    let apply = ApplyRequest {
                        type_name: req.type_name.clone(),
                        prior_state,
                        planned_state,
                        config,
                        planned_private: req.planned_private.clone(),
                        identity,
                    };
                    let resp = resource.apply(apply, &mut diags).await;
                    out.new_state =
                        encode_response_value(resp.new_state, &schema.block, "state", &mut diags);
                    out.private = resp.private;
                    out.new_identity =
                        encode_identity(resp.identity, entry.identity.as_ref(), &mut diags);
                }
            }
            out.diagnostics = diagnostics_to_proto(&diags);
            out
        })
        .await
    }

    async fn import_resource_state(
        &self,
        request: Request<pb::import_resource_state::Request>,
    ) -> Result<Response<pb::import_resource_state::Response>, Status> {
        let req = request.into_inner();
        guard("ImportResourceState", async {
            let mut diags = Diagnostics::new();
            let mut out = pb::import_resource_state::Response::default();
            if let Some(entry) = self.resource(&req.type_name, &mut diags) {
                let imported = match decode_identity(
                    req.identity.as_ref(),
                    entry.identity.as_ref(),
                    "identity",
                    &mut diags,
                ) {
                    None => Vec::new(),
                    Some(Some(identity)) => {
                        entry
                            .resource
                            .import_by_identity(identity, &mut diags)
                            .await
                    }
                    Some(None) if req.id.is_empty() && req.identity.is_some() => {
                        diags.error(
                            "Import by identity is not supported",
                            format!(
                                "import by identity is not supported: the resource type {} \
                                 has no identity schema. Import it by its ID instead.",
                                req.type_name
                            ),
                        );
                        Vec::new()
                    }
                    Some(None) => entry.resource.import(&req.id, &mut diags).await,
                };
                for item in imported {
                    let state =
                        encode_response_value(item.state, &entry.schema.block, "state", &mut diags);
                    let identity =
                        encode_identity(item.identity, entry.identity.as_ref(), &mut diags);
                    out.imported_resources
                        .push(pb::import_resource_state::ImportedResource {
                            type_name: req.type_name.clone(),
                            state,
                            private: item.private,
                            identity,
                        });
                }
            }
            out.diagnostics = diagnostics_to_proto(&diags);
            out
        })
        .await
    }

    async fn read_data_source(
        &self,
        request: Request<pb::read_data_source::Request>,
    ) -> Result<Response<pb::read_data_source::Response>, Status> {
        let req = request.into_inner();
        guard("ReadDataSource", async {
            data_sources::read(&self.catalog().data_sources, &req).await
        })
        .await
    }

    async fn validate_list_resource_config(
        &self,
        request: Request<pb::validate_list_resource_config::Request>,
    ) -> Result<Response<pb::validate_list_resource_config::Response>, Status> {
        let req = request.into_inner();
        guard("ValidateListResourceConfig", async {
            list_resources::validate(&self.catalog().list_resources, &req)
        })
        .await
    }

    async fn list_resource(
        &self,
        request: Request<pb::list_resource::Request>,
    ) -> Result<Response<BoxStream<pb::list_resource::Event>>, Status> {
        let req = request.into_inner();
        let events = guard("ListResource", async {
            let catalog = self.catalog();
            let resource = catalog.resources.get(&req.type_name);
            list_resources::list(&catalog.list_resources, resource, &req).await
        })
        .await?
        .into_inner();
        Ok(Response::new(
            futures::stream::iter(events.0.into_iter().map(Ok)).boxed(),
        ))
    }

    async fn stop_provider(
        &self,
        _request: Request<pb::stop_provider::Request>,
    ) -> Result<Response<pb::stop_provider::Response>, Status> {
        guard("StopProvider", async {
            self.inner.provider.stop().await;
            pb::stop_provider::Response::default()
        })
        .await
    }
}

/// What a plan or apply request carries, decoded against the resource's
/// schema and identity schema.
struct Change {
    prior: Value,
    /// The proposed (plan) or planned (apply) new state.
    new: Value,
    config: Value,
    identity: Option<Value>,
}

/// Decodes a change request's values in the order Terraform sends them;
/// `None` when one could not be decoded (a diagnostic says which).
fn decode_change(
    entry: &Entry,
    prior: Option<&pb::DynamicValue>,
    identity: (Option<&pb::ResourceIdentityData>, &str),
    new: (Option<&pb::DynamicValue>, &str),
    config: Option<&pb::DynamicValue>,
    diags: &mut Diagnostics,
) -> Option<Change> {
    let ty = entry.schema.block.implied_type();
    let prior = decode_request_value(prior, &ty, "prior state", diags);
    let identity = decode_identity(identity.0, entry.identity.as_ref(), identity.1, diags);
    let new = decode_request_value(new.0, &ty, new.1, diags);
    let config = decode_request_value(config, &ty, "config", diags);
    Some(Change {
        prior: prior?,
        new: new?,
        config: config?,
        identity: identity?,
    })
}

/// The entry of `type_name` among `entries`, or an error diagnostic naming
/// the `kind` of thing this provider does not implement.
fn find_entry<'a, E>(
    entries: &'a std::collections::BTreeMap<String, E>,
    type_name: &str,
    kind: &str,
    diags: &mut Diagnostics,
) -> Option<&'a E> {
    let found = entries.get(type_name);
    if found.is_none() {
        diags.error(
            format!("Unknown {kind}"),
            format!("This provider does not implement the {kind} {type_name:?}."),
        );
    }
    found
}

/// A request's configuration decoded against `schema`.
fn decode_config(
    schema: &crate::schema::Schema,
    config: Option<&pb::DynamicValue>,
    diags: &mut Diagnostics,
) -> Option<Value> {
    decode_request_value(config, &schema.block.implied_type(), "config", diags)
}
