//! API Gateway REST stage throttle: the stage-wide (`*/*`) method setting.
//!
//! A REST stage has no top-level throttle; the stage-wide throttle is the
//! `*/*` method setting, patched at `/*/*/throttling/rateLimit` and
//! `/*/*/throttling/burstLimit` (values sent as strings).
//!
//! Reverting follows what the API reference documents for method settings:
//! the fields of an entry are set with `replace`, and an entry is deleted
//! whole with `remove` of its key path (`/*/*`); a field-level `remove` is
//! not among the documented operations. So a stage that had no `*/*` entry
//! gets the entry removed (AWS's "no method setting" answer means it is
//! already gone), unless someone else has since turned on logging, metrics,
//! data trace or caching in it: then its throttle is set to -1 (no
//! method-level throttle, what AWS reports for an entry never throttled) and
//! their settings stay. A stage that had an entry gets its prior values
//! back, -1 where it had none. Every write is checked by the read that
//! follows it: a write AWS acknowledged but did not apply is an error naming
//! the setting.

use crate::capture_key::CaptureKey;
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
/// The path that deletes the whole `*/*` entry.
pub const ENTRY_PATH: &str = "/*/*";
/// What API Gateway reports for a throttle field that is not set on an
/// existing entry (the stage and account limits apply).
pub const UNTHROTTLED: f64 = -1.0;

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
        CaptureKey::Stage {
            rest_api_id: self.rest_api_id.clone(),
            stage_name: self.stage_name.clone(),
        }
        .to_string()
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

/// Whether a rate read back is the target: `None` as target means "no
/// method-level throttle", which AWS reports as absent or -1.
fn rate_reached(target: Option<f64>, observed: Option<f64>) -> bool {
    match target {
        Some(t) => same_rate(Some(t), observed),
        None => observed.is_none_or(|o| same_rate(Some(o), Some(UNTHROTTLED))),
    }
}

fn burst_reached(target: Option<i64>, observed: Option<i64>) -> bool {
    match target {
        Some(t) => observed == Some(t),
        None => observed.is_none_or(|o| o == UNTHROTTLED as i64),
    }
}

/// The operations that bring `observed` back to the captured prior state:
/// no `*/*` entry (`had_entry = false`), or an entry with the prior rate and
/// burst (`None`: no method-level throttle, sent as -1). Empty when the
/// stage is already there.
pub fn revert_patches(
    had_entry: bool,
    prior_rate: Option<f64>,
    prior_burst: Option<i64>,
    observed: &StageObserved,
) -> Vec<Patch> {
    if !had_entry {
        if !observed.has_stage_wide_settings {
            return Vec::new();
        }
        if !observed.other_stage_wide_settings {
            return vec![Patch {
                op: "remove",
                path: ENTRY_PATH,
                value: None,
            }];
        }
        // Someone else's settings live in the entry now: keep them and
        // take only the throttle off.
    }
    let (prior_rate, prior_burst) = if had_entry {
        (prior_rate, prior_burst)
    } else {
        (None, None)
    };
    let mut ops = Vec::new();
    if !rate_reached(prior_rate, observed.rate_limit) {
        ops.push(Patch {
            op: "replace",
            path: RATE_PATH,
            value: Some(format_rate(prior_rate.unwrap_or(UNTHROTTLED))),
        });
    }
    if !burst_reached(prior_burst, observed.burst_limit) {
        ops.push(Patch {
            op: "replace",
            path: BURST_PATH,
            value: Some(prior_burst.unwrap_or(UNTHROTTLED as i64).to_string()),
        });
    }
    ops
}

/// What a patch still left to do says about the stage read back, naming
/// the setting: the text of a "write acknowledged but not applied" error.
pub fn not_applied(left: &[Patch], observed: &StageObserved) -> String {
    let shown = |v: Option<String>| v.unwrap_or_else(|| "absent".to_string());
    let parts: Vec<String> = left
        .iter()
        .map(|p| match (p.op, p.path) {
            ("remove", ENTRY_PATH) => {
                "methodSettings[\"*/*\"] is still there (it must be removed)".to_string()
            }
            (_, RATE_PATH) => format!(
                "methodSettings[\"*/*\"].throttlingRateLimit (rate_limit) reads {}, expected {}",
                shown(observed.rate_limit.map(format_rate)),
                p.value.as_deref().unwrap_or("absent")
            ),
            (_, BURST_PATH) => format!(
                "methodSettings[\"*/*\"].throttlingBurstLimit (burst_limit) reads {}, expected {}",
                shown(observed.burst_limit.map(|b| b.to_string())),
                p.value.as_deref().unwrap_or("absent")
            ),
            _ => format!("{} {} was not applied", p.op, p.path),
        })
        .collect();
    format!(
        "UpdateStage on stage {:?} of REST API {:?} was acknowledged, but GetStage right after shows it was not applied: {}",
        observed.stage_name,
        observed.rest_api_id,
        parts.join("; ")
    )
}

/// AWS's answer to removing a `*/*` entry that is not there: already gone.
fn entry_already_gone(e: &AwsError) -> bool {
    e.is(&["BadRequestException", "NotFoundException"])
        && e.message.to_ascii_lowercase().contains("no method setting")
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

/// The stage-wide entry as a GetStage JSON body shows it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StageWide {
    /// Whether `methodSettings["*/*"]` exists.
    pub present: bool,
    pub rate: Option<f64>,
    pub burst: Option<i64>,
    /// Whether the entry turns on metrics, logging, data trace or caching.
    pub other: bool,
}

/// The stage-wide entry in a GetStage JSON body; `None` when the body is
/// not JSON.
pub fn throttle_from_body(body: &[u8]) -> Option<StageWide> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let Some(entry) = v.get("methodSettings").and_then(|m| m.get(STAGE_WIDE)) else {
        return Some(StageWide::default());
    };
    let on = |k: &str| entry.get(k).and_then(|x| x.as_bool()) == Some(true);
    let logging = entry
        .get("loggingLevel")
        .and_then(|x| x.as_str())
        .is_some_and(|l| !l.eq_ignore_ascii_case("OFF"));
    Some(StageWide {
        present: true,
        rate: entry.get("throttlingRateLimit").and_then(|x| x.as_f64()),
        burst: entry.get("throttlingBurstLimit").and_then(|x| x.as_i64()),
        other: logging || on("metricsEnabled") || on("dataTraceEnabled") || on("cachingEnabled"),
    })
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
    let wrote = part.errors.is_empty();
    match read(ctx, &id).await {
        Ok(Some(after)) => {
            let left = apply_patches(desired, &after);
            if wrote && !left.is_empty() {
                part.errors.push(ComponentError::message(
                    location().then(if left[0].path == RATE_PATH {
                        "rate_limit"
                    } else {
                        "burst_limit"
                    }),
                    "the stage throttle was not applied",
                    not_applied(&left, &after),
                ));
            }
            part.observed = Some(after);
        }
        Ok(None) => part.errors.push(missing(desired)),
        Err(e) => part.errors.push(ComponentError::aws(
            location(),
            "could not read the stage back",
            e,
        )),
    }
    part
}

/// Restore the captured `*/*` entry of stage `id`, check it by reading
/// back, and forget the capture. A stage that is gone has nothing to restore.
pub(crate) async fn revert(ctx: &Ctx<'_>, id: &StageId) -> Part<StageObserved> {
    let key = id.key();
    let Some(Capture::Stage {
        had_entry,
        rate_limit,
        burst_limit,
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
    let ops = revert_patches(had_entry, rate_limit, burst_limit, &now);
    let mut part = Part::new(Some(now));
    if !ops.is_empty() {
        match update(ctx, id, &ops).await {
            Ok(()) => {}
            Err(e) if entry_already_gone(&e) => {}
            Err(e) => part.errors.push(ComponentError::aws(
                location(),
                "could not restore the stage throttle",
                e,
            )),
        }
        match read(ctx, id).await {
            Ok(Some(after)) => {
                let left = revert_patches(had_entry, rate_limit, burst_limit, &after);
                if part.errors.is_empty() && !left.is_empty() {
                    part.errors.push(ComponentError::message(
                        location(),
                        "the stage throttle was not restored",
                        not_applied(&left, &after),
                    ));
                }
                part.observed = Some(after);
            }
            Ok(None) => part.observed = None,
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

    fn replace(path: &'static str, v: &str) -> Patch {
        Patch {
            op: "replace",
            path,
            value: Some(v.into()),
        }
    }

    #[test]
    fn revert_restores_prior_values_and_minus_one_for_absent_fields() {
        let ops = revert_patches(true, Some(10000.0), Some(5000), &obs(Some(100.0), Some(50)));
        assert_eq!(
            ops,
            vec![replace(RATE_PATH, "10000"), replace(BURST_PATH, "5000")]
        );
        // An entry that had no throttle: -1 (no method-level throttle).
        let ops = revert_patches(true, None, None, &obs(Some(100.0), Some(50)));
        assert_eq!(
            ops,
            vec![replace(RATE_PATH, "-1"), replace(BURST_PATH, "-1")]
        );
        assert!(ops.iter().all(|o| o.op == "replace"));
        // Already there: absent or -1 both mean unthrottled.
        assert!(revert_patches(true, None, None, &obs(Some(-1.0), Some(-1))).is_empty());
        assert!(revert_patches(true, Some(1.0), Some(2), &obs(Some(1.0), Some(2))).is_empty());
    }

    #[test]
    fn revert_removes_the_whole_entry_the_stage_did_not_have() {
        let ops = revert_patches(false, None, None, &obs(Some(100.0), Some(50)));
        assert_eq!(
            ops,
            vec![Patch {
                op: "remove",
                path: "/*/*",
                value: None
            }]
        );
        // No field-level remove, ever.
        for had in [true, false] {
            for o in [obs(Some(1.0), Some(1)), obs(None, Some(1))] {
                let ops = revert_patches(had, None, None, &o);
                assert!(
                    ops.iter().all(|p| p.op != "remove" || p.path == ENTRY_PATH),
                    "{ops:?}"
                );
            }
        }
        let gone = StageObserved {
            has_stage_wide_settings: false,
            ..obs(None, None)
        };
        assert!(revert_patches(false, None, None, &gone).is_empty());
        // Logging someone turned on since: the entry stays, unthrottled.
        let shared = StageObserved {
            other_stage_wide_settings: true,
            ..obs(Some(100.0), Some(50))
        };
        assert_eq!(
            revert_patches(false, None, None, &shared),
            vec![replace(RATE_PATH, "-1"), replace(BURST_PATH, "-1")]
        );
    }

    #[test]
    fn not_applied_names_the_setting() {
        let o = obs(Some(100.0), Some(50));
        let m = not_applied(&revert_patches(false, None, None, &o), &o);
        assert!(m.contains("methodSettings[\"*/*\"] is still there"), "{m}");
        assert!(m.contains("staging") && m.contains("bmkd8zayee"), "{m}");
        let m = not_applied(&apply_patches(&want(Some(2500.0), Some(1200)), &o), &o);
        assert!(m.contains("rate_limit) reads 100, expected 2500"), "{m}");
        assert!(m.contains("burst_limit) reads 50, expected 1200"), "{m}");
    }

    #[test]
    fn no_method_setting_answer_means_gone() {
        let e = AwsError {
            service: "apigateway".into(),
            operation: "UpdateStage".into(),
            code: Some("BadRequestException".into()),
            message: "Cannot remove method setting */* because there is no method setting for this method ".into(),
            request_id: None,
        };
        assert!(entry_already_gone(&e));
        let other = AwsError {
            message: "Invalid method setting path: /*/*/throttling/rateLimit".into(),
            ..e
        };
        assert!(!entry_already_gone(&other));
    }

    #[test]
    fn body_parsing_tells_absent_from_zero() {
        let wide = |present, rate, burst, other| StageWide {
            present,
            rate,
            burst,
            other,
        };
        let b = br#"{"methodSettings":{"*/*":{"metricsEnabled":true,"loggingLevel":"INFO"}}}"#;
        assert_eq!(throttle_from_body(b), Some(wide(true, None, None, true)));
        let b =
            br#"{"methodSettings":{"*/*":{"throttlingRateLimit":0.0,"throttlingBurstLimit":0,"loggingLevel":"OFF","metricsEnabled":false}}}"#;
        assert_eq!(
            throttle_from_body(b),
            Some(wide(true, Some(0.0), Some(0), false))
        );
        assert_eq!(
            throttle_from_body(br#"{"stageName":"s"}"#),
            Some(wide(false, None, None, false))
        );
        assert_eq!(throttle_from_body(b"not json"), None);
    }
}
