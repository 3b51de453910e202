//! The pure side: which stage, the patch operations that bring its `*/*`
//! entry to a throttle or back to a capture, and how AWS's answers read.

use crate::capture_key::CaptureKey;
use crate::error::{AwsError, ComponentError};
use crate::state::StageObserved;
use aws_sdk_apigateway::types::{Op, PatchOperation};
use scaling::model;
use scaling::{Location, StageThrottle};

pub(super) const SERVICE: &str = "apigateway";

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

pub(super) fn location() -> Location {
    Location::attr(model::API_GATEWAY.location)
}

/// One patch operation, in a form tests can compare.
#[derive(Debug, Clone, PartialEq)]
pub struct Patch {
    pub op: &'static str,
    pub path: &'static str,
    pub value: Option<String>,
}

impl Patch {
    pub(super) fn to_sdk(&self) -> PatchOperation {
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

pub(super) fn same_rate(a: Option<f64>, b: Option<f64>) -> bool {
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
pub(super) fn rate_reached(target: Option<f64>, observed: Option<f64>) -> bool {
    match target {
        Some(t) => same_rate(Some(t), observed),
        None => observed.is_none_or(|o| same_rate(Some(o), Some(UNTHROTTLED))),
    }
}

pub(super) fn burst_reached(target: Option<i64>, observed: Option<i64>) -> bool {
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
pub(super) fn entry_already_gone(e: &AwsError) -> bool {
    e.is(&["BadRequestException", "NotFoundException"])
        && e.message.to_ascii_lowercase().contains("no method setting")
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

pub(super) fn missing(desired: &StageThrottle) -> ComponentError {
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
            methods: Vec::new(),
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
