//! The gRPC services a Terraform provider process serves:
//!
//! - `tfplugin6.Provider`, translated to the [`Provider`] and [`Resource`]
//!   traits. RPCs for features this crate does not offer (ephemeral, list,
//!   action and state-store resources, functions, moves, config generation,
//!   identity upgrades) answer Unimplemented, which Terraform accepts as
//!   long as the schema does not advertise them.
//! - `plugin.GRPCController` (Shutdown), `plugin.GRPCStdio` (a stream that
//!   stays open and sends nothing), `plugin.GRPCBroker` (accepted, idle).
//!
//! Every Provider handler runs inside a panic guard: a panic becomes an
//! ERROR diagnostic "provider internal error: …" in an OK response, and the
//! process keeps serving. Errors are always diagnostics, never gRPC errors.

use std::collections::BTreeMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use futures::FutureExt;
use tonic::{Request, Response, Status};
use tracing::Instrument;

use crate::convert::{
    decode_request_value, diagnostics_to_proto, encode_response_value, path_to_proto,
    schema_to_proto, server_capabilities,
};
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::proto::tfplugin6 as pb;
use crate::provider::{
    ApplyRequest, ConfigureRequest, PlanRequest, Provider, ReadRequest, Resource,
};
use crate::schema::Schema;
use crate::value::Value;

mod go_plugin;
mod state;

pub(crate) use go_plugin::{Broker, Controller, ShutdownSignal, Stdio};

/// Largest message accepted or sent (terraform-plugin-go uses the same).
pub(crate) const MAX_MESSAGE_SIZE: usize = 256 * 1024 * 1024;

/// The schemas, computed once (lazily, inside the panic guard).
struct Catalog {
    provider_schema: Schema,
    resources: BTreeMap<String, (Arc<dyn Resource>, Schema)>,
}

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
        self.inner.catalog.get_or_init(|| {
            let provider_schema = self.inner.provider.provider_schema();
            let resources = self
                .inner
                .provider
                .resources()
                .into_iter()
                .map(|(name, r)| {
                    let schema = r.schema();
                    (name, (r, schema))
                })
                .collect();
            Catalog {
                provider_schema,
                resources,
            }
        })
    }

    /// The resource and its schema, or an error diagnostic.
    fn resource(
        &self,
        type_name: &str,
        diags: &mut Diagnostics,
    ) -> Option<(Arc<dyn Resource>, Schema)> {
        match self.catalog().resources.get(type_name) {
            Some((r, s)) => Some((Arc::clone(r), s.clone())),
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

fn unknown_data_source(type_name: &str) -> Vec<pb::Diagnostic> {
    let mut d = Diagnostics::new();
    d.error(
        "Unknown data source",
        format!("This provider does not implement the data source {type_name:?}."),
    );
    diagnostics_to_proto(&d)
}

/// A response that can report a panic in its handler.
trait PanicResponse: Default {
    fn from_panic(d: pb::Diagnostic) -> Self;
}

macro_rules! panic_response {
    ($($t:ty => $field:ident),* $(,)?) => {
        $(impl PanicResponse for $t {
            fn from_panic(d: pb::Diagnostic) -> Self {
                let mut r = Self::default();
                r.$field.push(d);
                r
            }
        })*
    };
}

panic_response! {
    pb::get_metadata::Response => diagnostics,
    pb::get_provider_schema::Response => diagnostics,
    pb::validate_provider_config::Response => diagnostics,
    pb::validate_resource_config::Response => diagnostics,
    pb::validate_data_resource_config::Response => diagnostics,
    pb::upgrade_resource_state::Response => diagnostics,
    pb::get_resource_identity_schemas::Response => diagnostics,
    pb::configure_provider::Response => diagnostics,
    pb::read_resource::Response => diagnostics,
    pb::plan_resource_change::Response => diagnostics,
    pb::apply_resource_change::Response => diagnostics,
    pb::import_resource_state::Response => diagnostics,
    pb::read_data_source::Response => diagnostics,
}

impl PanicResponse for pb::stop_provider::Response {
    fn from_panic(d: pb::Diagnostic) -> Self {
        Self { error: d.summary }
    }
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic with a non-text payload".to_string()
    }
}

/// Runs a handler: logs its name and duration (never its values), and turns
/// a panic into an error diagnostic.
async fn guard<T, F>(rpc: &'static str, handler: F) -> Result<Response<T>, Status>
where
    T: PanicResponse,
    F: Future<Output = T>,
{
    let span = tracing::debug_span!("rpc", tf_rpc = rpc);
    async move {
        let started = Instant::now();
        tracing::debug!("received request");
        let result = AssertUnwindSafe(handler).catch_unwind().await;
        let response = match result {
            Ok(r) => r,
            Err(payload) => {
                let text = panic_text(payload.as_ref());
                tracing::error!(panic = %text, "handler panicked");
                T::from_panic(crate::convert::diagnostic_to_proto(&Diagnostic {
                    severity: Severity::Error,
                    summary: format!("provider internal error: {text}"),
                    detail: format!(
                        "The provider panicked while handling {rpc}. This is a bug in the \
                         provider; its log (TF_LOG_PROVIDER=DEBUG) has the details."
                    ),
                    attribute: None,
                }))
            }
        };
        tracing::debug!(
            duration_ms = started.elapsed().as_secs_f64() * 1000.0,
            "served request"
        );
        Ok(Response::new(response))
    }
    .instrument(span)
    .await
}

#[tonic::async_trait]
impl<P: Provider> pb::provider_server::Provider for ProviderService<P> {
    async fn get_metadata(
        &self,
        _request: Request<pb::get_metadata::Request>,
    ) -> Result<Response<pb::get_metadata::Response>, Status> {
        guard("GetMetadata", async {
            let catalog = self.catalog();
            pb::get_metadata::Response {
                server_capabilities: Some(server_capabilities()),
                resources: catalog
                    .resources
                    .keys()
                    .map(|name| pb::get_metadata::ResourceMetadata {
                        type_name: name.clone(),
                    })
                    .collect(),
                ..Default::default()
            }
        })
        .await
    }

    async fn get_provider_schema(
        &self,
        _request: Request<pb::get_provider_schema::Request>,
    ) -> Result<Response<pb::get_provider_schema::Response>, Status> {
        guard("GetProviderSchema", async {
            let catalog = self.catalog();
            pb::get_provider_schema::Response {
                provider: Some(schema_to_proto(&catalog.provider_schema)),
                resource_schemas: catalog
                    .resources
                    .iter()
                    .map(|(name, (_, schema))| (name.clone(), schema_to_proto(schema)))
                    .collect(),
                server_capabilities: Some(server_capabilities()),
                ..Default::default()
            }
        })
        .await
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
            if let Some((resource, schema)) = self.resource(&req.type_name, &mut diags) {
                let ty = schema.block.implied_type();
                if let Some(config) =
                    decode_request_value(req.config.as_ref(), &ty, "config", &mut diags)
                {
                    resource.validate(&config, &mut diags);
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
            pb::validate_data_resource_config::Response {
                diagnostics: unknown_data_source(&req.type_name),
            }
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
            if let Some((resource, schema)) = self.resource(&req.type_name, &mut diags) {
                upgraded_state = state::upgrade_state(resource.as_ref(), &schema, &req, &mut diags);
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
        // No resource identities: an empty map, as Terraform expects from
        // providers without them.
        guard("GetResourceIdentitySchemas", async {
            pb::get_resource_identity_schemas::Response::default()
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
            if let Some((resource, schema)) = self.resource(&req.type_name, &mut diags) {
                let ty = schema.block.implied_type();
                if let Some(current_state) = decode_request_value(
                    req.current_state.as_ref(),
                    &ty,
                    "current state",
                    &mut diags,
                ) {
                    let read = ReadRequest {
                        type_name: req.type_name.clone(),
                        current_state,
                        private: req.private.clone(),
                    };
                    let resp = resource.read(read, &mut diags).await;
                    out.new_state =
                        encode_response_value(resp.new_state, &schema.block, "state", &mut diags);
                    out.private = resp.private;
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
            if let Some((resource, schema)) = self.resource(&req.type_name, &mut diags) {
                let ty = schema.block.implied_type();
                let prior =
                    decode_request_value(req.prior_state.as_ref(), &ty, "prior state", &mut diags);
                let proposed = decode_request_value(
                    req.proposed_new_state.as_ref(),
                    &ty,
                    "proposed new state",
                    &mut diags,
                );
                let config = decode_request_value(req.config.as_ref(), &ty, "config", &mut diags);
                if let (Some(prior_state), Some(proposed_new_state), Some(config)) =
                    (prior, proposed, config)
                {
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
            if let Some((resource, schema)) = self.resource(&req.type_name, &mut diags) {
                let ty = schema.block.implied_type();
                let prior =
                    decode_request_value(req.prior_state.as_ref(), &ty, "prior state", &mut diags);
                let planned = decode_request_value(
                    req.planned_state.as_ref(),
                    &ty,
                    "planned state",
                    &mut diags,
                );
                let config = decode_request_value(req.config.as_ref(), &ty, "config", &mut diags);
                if let (Some(prior_state), Some(planned_state), Some(config)) =
                    (prior, planned, config)
                {
                    let apply = ApplyRequest {
                        type_name: req.type_name.clone(),
                        prior_state,
                        planned_state,
                        config,
                        planned_private: req.planned_private.clone(),
                    };
                    let resp = resource.apply(apply, &mut diags).await;
                    out.new_state =
                        encode_response_value(resp.new_state, &schema.block, "state", &mut diags);
                    out.private = resp.private;
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
            if let Some((resource, schema)) = self.resource(&req.type_name, &mut diags) {
                let imported = resource.import(&req.id, &mut diags).await;
                for item in imported {
                    let state =
                        encode_response_value(item.state, &schema.block, "state", &mut diags);
                    out.imported_resources
                        .push(pb::import_resource_state::ImportedResource {
                            type_name: req.type_name.clone(),
                            state,
                            private: item.private,
                            identity: None,
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
            pb::read_data_source::Response {
                diagnostics: unknown_data_source(&req.type_name),
                ..Default::default()
            }
        })
        .await
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
