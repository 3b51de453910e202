//! API Gateway REST stage throttle: the stage-wide (`*/*`) method setting.
//!
//! A REST stage has no top-level throttle; the stage-wide throttle is the
//! `*/*` method setting, patched at `/*/*/throttling/rateLimit` and
//! `/*/*/throttling/burstLimit` (values sent as strings). Reverting never
//! removes `/*/*` itself, which would also drop the entry's logging, metrics
//! and caching settings: it restores the previous rate and burst, or removes
//! only the two throttling fields.

use crate::error::{absent_if, AwsError, ComponentError};
use crate::run::{Ctx, Part};
use crate::state::{Capture, StageObserved};
use aws_sdk_apigateway::types::{Op, PatchOperation};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::AfterDeserializationInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use scaling::{Location, StageThrottle};
use std::sync::{Arc, Mutex};

const SERVICE: &str = "apigateway";
/// Key of the stage-wide entry in `methodSettings`.
pub const STAGE_WIDE: &str = "*/*";
pub const RATE_PATH: &str = "/*/*/throttling/rateLimit";
pub const BURST_PATH: &str = "/*/*/throttling/burstLimit";

/// The stage a profile names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct StageId {
    pub rest_api_id: String,
    pub stage_name: String,
}

impl StageId {
    pub fn of(t: &StageThrottle) -> Option<StageId> {
        Some(StageId {
            rest_api_id: t.rest_api_id.clone()?,
            stage_name: t.stage_name.clone()?,
        })
    }
    /// Private-state key.
    pub fn key(&self) -> String {
        format!("stage:{}/{}", self.rest_api_id, self.stage_name)
    }
}

fn location() -> Location {
    Location::attr("api_gateway")
}

/// One patch operation, in a form tests can compare.
#[derive(Debug, Clone, PartialEq)]
pub struct Patch {
    pub op: &'static str,
    pub path: &'static str,
    pub value: Option<String>,
}

impl Patch {
    fn to_sdk(&self) -> PatchOperation {
        let op = match self.op {
            "remove" => Op::Remove,
            _ => Op::Replace,
        };
        PatchOperation::builder()
            .op(op)
            .path(self.path)
            .set_value(self.value.clone())
            .build()
    }
}

/// Format a rate the way API Gateway takes it (a string holding a double).
pub fn format_rate(rate: f64) -> String {
    if rate.fract() == 0.0 && rate.abs() < 1e15 {
        format!("{}", rate as i64)
    } else {
        format!("{rate}")
    }
}

fn same_rate(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() < 1e-9,
        (None, None) => true,
        _ => false,
    }
}

/// The operations that bring `observed` to `desired`; empty when nothing
/// differs. Unset desired fields are left alone.
pub fn apply_patches(desired: &StageThrottle, observed: &StageObserved) -> Vec<Patch> {
    let mut ops = Vec::new();
    if let Some(rate) = desired.rate_limit {
        if !same_rate(Some(rate), observed.rate_limit) {
            ops.push(Patch {
                op: "replace",
                path: RATE_PATH,
                value: Some(format_rate(rate)),
            });
        }
    }
    if let Some(burst) = desired.burst_limit {
        if observed.burst_limit != Some(burst) {
            ops.push(Patch {
                op: "replace",
                path: BURST_PATH,
                value: Some(burst.to_string()),
            });
        }
    }
    ops
}

/// The operations that bring `observed` back to the captured prior values:
/// `replace` with the prior value where there was one, `remove` of the
/// single throttling field where there was none. Never `remove /*/*`.
pub fn revert_patches(
    prior_rate: Option<f64>,
    prior_burst: Option<i64>,
    observed: &StageObserved,
) -> Vec<Patch> {
    let mut ops = Vec::new();
    match prior_rate {
        Some(r) if !same_rate(Some(r), observed.rate_limit) => ops.push(Patch {
            op: "replace",
            path: RATE_PATH,
            value: Some(format_rate(r)),
        }),
        None if observed.rate_limit.is_some() => ops.push(Patch {
            op: "remove",
            path: RATE_PATH,
            value: None,
        }),
        _ => {}
    }
    match prior_burst {
        Some(b) if observed.burst_limit != Some(b) => ops.push(Patch {
            op: "replace",
            path: BURST_PATH,
            value: Some(b.to_string()),
        }),
        None if observed.burst_limit.is_some() => ops.push(Patch {
            op: "remove",
            path: BURST_PATH,
            value: None,
        }),
        _ => {}
    }
    ops
}

/// Keeps the raw body of a response: the SDK reports an absent
/// `throttlingRateLimit` as 0, which would read as "block everything".
#[derive(Debug, Clone, Default)]
struct BodyTap(Arc<Mutex<Option<Vec<u8>>>>);

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

/// The stage-wide throttle in a GetStage JSON body: (entry present, rate, burst).
pub fn throttle_from_body(body: &[u8]) -> Option<(bool, Option<f64>, Option<i64>)> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let entry = match v.get("methodSettings").and_then(|m| m.get(STAGE_WIDE)) {
        Some(e) => e,
        None => return Some((false, None, None)),
    };
    let rate = entry.get("throttlingRateLimit").and_then(|x| x.as_f64());
    let burst = entry.get("throttlingBurstLimit").and_then(|x| x.as_i64());
    Some((true, rate, burst))
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
    let (has, rate, burst) = match raw.as_deref().and_then(throttle_from_body) {
        Some(t) => t,
        None => match out.method_settings().and_then(|m| m.get(STAGE_WIDE)) {
            Some(ms) => (
                true,
                Some(ms.throttling_rate_limit()),
                Some(i64::from(ms.throttling_burst_limit())),
            ),
            None => (false, None, None),
        },
    };
    Ok(Some(StageObserved {
        rest_api_id: id.rest_api_id.clone(),
        stage_name: id.stage_name.clone(),
        api_name,
        rate_limit: rate,
        burst_limit: burst,
        has_stage_wide_settings: has,
    }))
}

async fn update(ctx: &Ctx<'_>, id: &StageId, ops: &[Patch]) -> Result<(), AwsError> {
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

fn missing(desired: &StageThrottle) -> ComponentError {
    ComponentError::message(
        location(),
        "stage not found",
        format!(
            "REST API {:?} has no stage {:?} (or the API does not exist); create it first or fix rest_api_id/stage_name",
            desired.rest_api_id.as_deref().unwrap_or(""),
            desired.stage_name.as_deref().unwrap_or("")
        ),
    )
}

/// Read for refresh. `None` when the stage is gone.
pub(crate) async fn refresh(ctx: &Ctx<'_>, desired: &StageThrottle) -> Part<StageObserved> {
    let Some(id) = StageId::of(desired) else {
        return Part::new(None);
    };
    match read(ctx, &id).await {
        Ok(o) => Part::new(o),
        Err(e) => Part::failed(
            None,
            ComponentError::aws(location(), "could not read the stage", e),
        ),
    }
}

/// Read, capture the prior throttle once, patch what differs, read back.
pub(crate) async fn apply(ctx: &Ctx<'_>, desired: &StageThrottle) -> Part<StageObserved> {
    let Some(id) = StageId::of(desired) else {
        return Part::failed(
            None,
            ComponentError::message(
                location(),
                "stage not known",
                "rest_api_id and stage_name must be known to apply the stage throttle",
            ),
        );
    };
    let before = match read(ctx, &id).await {
        Ok(Some(o)) => o,
        Ok(None) => return Part::failed(None, missing(desired)),
        Err(e) => {
            return Part::failed(
                None,
                ComponentError::aws(location(), "could not read the stage", e),
            )
        }
    };
    ctx.capture_once(
        &id.key(),
        Capture::Stage {
            had_entry: before.has_stage_wide_settings,
            rate_limit: before.rate_limit,
            burst_limit: before.burst_limit,
        },
    );
    let ops = apply_patches(desired, &before);
    if ops.is_empty() {
        return Part::new(Some(before));
    }
    let mut part = Part::new(Some(before));
    if let Err(e) = update(ctx, &id, &ops).await {
        part.errors.push(ComponentError::aws(
            location(),
            "could not set the stage throttle",
            e,
        ));
    }
    match read(ctx, &id).await {
        Ok(o) => part.observed = o,
        Err(e) => part.errors.push(ComponentError::aws(
            location(),
            "could not read the stage back",
            e,
        )),
    }
    part
}

/// Restore the captured throttle of stage `id` and forget the capture.
/// A stage that is gone has nothing to restore.
pub(crate) async fn revert(ctx: &Ctx<'_>, id: &StageId) -> Part<StageObserved> {
    let key = id.key();
    let Some(Capture::Stage {
        rate_limit,
        burst_limit,
        ..
    }) = ctx.capture(&key)
    else {
        return Part::new(None);
    };
    let now = match read(ctx, id).await {
        Ok(Some(o)) => o,
        Ok(None) => {
            ctx.release(&key);
            return Part::new(None);
        }
        Err(e) => {
            return Part::failed(
                None,
                ComponentError::aws(location(), "could not read the stage", e),
            )
        }
    };
    let ops = revert_patches(rate_limit, burst_limit, &now);
    let mut part = Part::new(Some(now));
    if !ops.is_empty() {
        if let Err(e) = update(ctx, id, &ops).await {
            // Where a field-level remove is refused, -1 is API Gateway's
            // "no method-level throttle": the account limits apply again.
            if e.is(&["BadRequestException"]) && ops.iter().any(|o| o.op == "remove") {
                let fallback: Vec<Patch> = ops
                    .iter()
                    .map(|o| match o.op {
                        "remove" => Patch {
                            op: "replace",
                            path: o.path,
                            value: Some("-1".to_string()),
                        },
                        _ => o.clone(),
                    })
                    .collect();
                if let Err(e2) = update(ctx, id, &fallback).await {
                    part.errors.push(ComponentError::aws(
                        location(),
                        "could not restore the stage throttle",
                        e2,
                    ));
                }
            } else {
                part.errors.push(ComponentError::aws(
                    location(),
                    "could not restore the stage throttle",
                    e,
                ));
            }
        }
        match read(ctx, id).await {
            Ok(o) => part.observed = o,
            Err(e) => part.errors.push(ComponentError::aws(
                location(),
                "could not read the stage back",
                e,
            )),
        }
    }
    if part.errors.is_empty() {
        ctx.release(&key);
    }
    part
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(rate: Option<f64>, burst: Option<i64>) -> StageObserved {
        StageObserved {
            rest_api_id: "bmkd8zayee".into(),
            stage_name: "staging".into(),
            rate_limit: rate,
            burst_limit: burst,
            has_stage_wide_settings: rate.is_some() || burst.is_some(),
            ..StageObserved::default()
        }
    }

    fn want(rate: Option<f64>, burst: Option<i64>) -> StageThrottle {
        StageThrottle {
            rest_api_id: Some("bmkd8zayee".into()),
            stage_name: Some("staging".into()),
            rate_limit: rate,
            burst_limit: burst,
            integration_timeout_ms: None,
        }
    }

    #[test]
    fn patches_use_stage_wide_method_setting_paths() {
        let ops = apply_patches(&want(Some(100000.0), Some(5000)), &obs(None, None));
        assert_eq!(
            ops,
            vec![
                Patch {
                    op: "replace",
                    path: "/*/*/throttling/rateLimit",
                    value: Some("100000".into())
                },
                Patch {
                    op: "replace",
                    path: "/*/*/throttling/burstLimit",
                    value: Some("5000".into())
                },
            ]
        );
        assert!(ops.iter().all(|o| o.path != "/throttling/rateLimit"));
    }

    #[test]
    fn no_patch_when_already_there_and_only_changed_fields() {
        assert!(
            apply_patches(&want(Some(100.0), Some(50)), &obs(Some(100.0), Some(50))).is_empty()
        );
        assert!(apply_patches(&want(None, None), &obs(Some(1.0), Some(1))).is_empty());
        let ops = apply_patches(&want(Some(100.5), Some(50)), &obs(Some(100.0), Some(50)));
        assert_eq!(ops.len(), 1);
        assert_eq!(ops[0].value.as_deref(), Some("100.5"));
    }

    #[test]
    fn revert_restores_values_or_removes_only_throttle_fields() {
        let ops = revert_patches(Some(10000.0), Some(5000), &obs(Some(100.0), Some(50)));
        assert_eq!(
            ops[0],
            Patch {
                op: "replace",
                path: RATE_PATH,
                value: Some("10000".into())
            }
        );
        assert_eq!(
            ops[1],
            Patch {
                op: "replace",
                path: BURST_PATH,
                value: Some("5000".into())
            }
        );
        let ops = revert_patches(None, None, &obs(Some(100.0), Some(50)));
        assert_eq!(
            ops,
            vec![
                Patch {
                    op: "remove",
                    path: RATE_PATH,
                    value: None
                },
                Patch {
                    op: "remove",
                    path: BURST_PATH,
                    value: None
                },
            ]
        );
        assert!(ops.iter().all(|o| o.path != "/*/*"));
        assert!(revert_patches(Some(1.0), Some(2), &obs(Some(1.0), Some(2))).is_empty());
    }

    #[test]
    fn body_parsing_tells_absent_from_zero() {
        let b = br#"{"methodSettings":{"*/*":{"metricsEnabled":true,"loggingLevel":"INFO"}}}"#;
        assert_eq!(throttle_from_body(b), Some((true, None, None)));
        let b =
            br#"{"methodSettings":{"*/*":{"throttlingRateLimit":0.0,"throttlingBurstLimit":0}}}"#;
        assert_eq!(throttle_from_body(b), Some((true, Some(0.0), Some(0))));
        assert_eq!(
            throttle_from_body(br#"{"stageName":"s"}"#),
            Some((false, None, None))
        );
        assert_eq!(throttle_from_body(b"not json"), None);
    }
}
