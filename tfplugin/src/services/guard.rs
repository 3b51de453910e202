//! The panic guard every Provider handler runs in: a panic becomes an
//! ERROR diagnostic in an OK response, and each call is logged with its
//! duration (never its values).

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Instant;

use futures::FutureExt;
use tonic::{Response, Status};
use tracing::Instrument;

use crate::diag::{Diagnostic, Severity};
use crate::proto::tfplugin6 as pb;

/// A response that can report a panic in its handler.
pub(super) trait PanicResponse: Default {
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
    pb::upgrade_resource_identity::Response => diagnostics,
    pb::get_resource_identity_schemas::Response => diagnostics,
    pb::configure_provider::Response => diagnostics,
    pb::read_resource::Response => diagnostics,
    pb::plan_resource_change::Response => diagnostics,
    pb::apply_resource_change::Response => diagnostics,
    pb::import_resource_state::Response => diagnostics,
    pb::read_data_source::Response => diagnostics,
    pb::validate_list_resource_config::Response => diagnostics,
}

panic_response! {
    pb::get_functions::Response => diagnostics,
}

impl PanicResponse for pb::call_function::Response {
    fn from_panic(d: pb::Diagnostic) -> Self {
        Self {
            result: None,
            error: Some(pb::FunctionError {
                text: format!("{}: {}", d.summary, d.detail),
                function_argument: None,
            }),
        }
    }
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
pub(super) async fn guard<T, F>(rpc: &'static str, handler: F) -> Result<Response<T>, Status>
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
