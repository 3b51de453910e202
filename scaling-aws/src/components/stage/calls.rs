//! The AWS calls: GetStage, keeping the raw body the SDK would misread,
//! and UpdateStage.

use super::model::{throttle_from_body, Patch, StageId, StageWide, SERVICE, STAGE_WIDE};
use crate::error::{absent_if, AwsError};
use crate::run::Ctx;
use crate::state::StageObserved;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::AfterDeserializationInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use std::sync::{Arc, Mutex};

/// Keeps the raw body of a response: the SDK reports an absent
/// `throttlingRateLimit` as 0, which would read as "block everything".
#[derive(Debug, Clone, Default)]
pub(super) struct BodyTap(Arc<Mutex<Option<Vec<u8>>>>);

impl Intercept for BodyTap {
    fn name(&self) -> &'static str {
        "BodyTap"
    }
    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(bytes) = context.response().body().bytes() {
            if let Ok(mut slot) = self.0.lock() {
                *slot = Some(bytes.to_vec());
            }
        }
        Ok(())
    }
}

/// GetStage. `Ok(None)` when the API or the stage is gone.
pub(crate) async fn read(ctx: &Ctx<'_>, id: &StageId) -> Result<Option<StageObserved>, AwsError> {
    let tap = BodyTap::default();
    // The stage and its API's name (for the dashboard) at once.
    let stage_f = async {
        let out = ctx
            .aws
            .apigateway()
            .get_stage()
            .rest_api_id(&id.rest_api_id)
            .stage_name(&id.stage_name)
            .customize()
            .interceptor(tap.clone())
            .send()
            .await
            .map_err(crate::error::sdk(SERVICE, "GetStage"));
        absent_if(out, &["NotFoundException"])
    };
    let api_f = async {
        let api = ctx
            .aws
            .apigateway()
            .get_rest_api()
            .rest_api_id(&id.rest_api_id)
            .send()
            .await
            .map_err(crate::error::sdk(SERVICE, "GetRestApi"));
        absent_if(api, &["NotFoundException"])
    };
    let (Some(out), Some(api)) = futures::try_join!(stage_f, api_f)? else {
        return Ok(None);
    };
    let api_name = api.name().map(str::to_string);
    let raw = tap.0.lock().ok().and_then(|mut s| s.take());
    let wide = match raw.as_deref().and_then(throttle_from_body) {
        Some(t) => t,
        None => match out.method_settings().and_then(|m| m.get(STAGE_WIDE)) {
            Some(ms) => StageWide {
                present: true,
                rate: Some(ms.throttling_rate_limit()),
                burst: Some(i64::from(ms.throttling_burst_limit())),
                other: ms.metrics_enabled()
                    || ms.data_trace_enabled()
                    || ms.caching_enabled()
                    || ms
                        .logging_level()
                        .is_some_and(|l| !l.eq_ignore_ascii_case("OFF")),
            },
            None => StageWide::default(),
        },
    };
    Ok(Some(StageObserved {
        rest_api_id: id.rest_api_id.clone(),
        stage_name: id.stage_name.clone(),
        api_name,
        rate_limit: wide.rate,
        burst_limit: wide.burst,
        has_stage_wide_settings: wide.present,
        other_stage_wide_settings: wide.other,
    }))
}

pub(super) async fn update(ctx: &Ctx<'_>, id: &StageId, ops: &[Patch]) -> Result<(), AwsError> {
    ctx.wrote();
    ctx.aws
        .apigateway()
        .update_stage()
        .rest_api_id(&id.rest_api_id)
        .stage_name(&id.stage_name)
        .set_patch_operations(Some(ops.iter().map(Patch::to_sdk).collect()))
        .send()
        .await
        .map(|_| ())
        .map_err(|e| AwsError::from_sdk(SERVICE, "UpdateStage", e))
}
