//! What AWS reports ([`Observed`]) and what must be restored on destroy
//! ([`PrivateState`]).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What AWS reports for each component of a profile, plus computed ids and
/// statuses. A component is `None` when the profile does not have it or its
/// target is gone (stage, function or table deleted outside Terraform): the
/// provider drops it from state so the next plan shows it again.
///
/// Vectors run parallel to the profile's: `lambdas[i]` belongs to
/// `profile.lambdas[i]`. Entries carry their AWS identity, so an `Observed`
/// passed back as `known` is matched by identity, not by position.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Observed {
    pub api_gateway: Option<StageObserved>,
    pub lambdas: Vec<Option<LambdaObserved>>,
    pub dynamodb: Vec<Option<TableObserved>>,
    pub quota_requests: Vec<Option<QuotaObserved>>,
    pub cache_policy: Option<CachePolicyObserved>,
    pub dashboard: Option<DashboardObserved>,
    pub global_accelerator: Option<AcceleratorObserved>,
}

/// A stage's `*/*` method setting.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StageObserved {
    pub rest_api_id: String,
    pub stage_name: String,
    /// The API's name (CloudWatch's `ApiName` dimension).
    pub api_name: Option<String>,
    /// `methodSettings["*/*"].throttlingRateLimit`; `None` when the stage has
    /// no `*/*` entry or the entry carries no rate (account default applies).
    pub rate_limit: Option<f64>,
    /// `methodSettings["*/*"].throttlingBurstLimit`, likewise.
    pub burst_limit: Option<i64>,
    /// Whether a `*/*` method-settings entry exists at all.
    pub has_stage_wide_settings: bool,
    /// Whether that entry carries settings besides the throttle (metrics,
    /// logging, data trace, caching turned on): removing the entry would
    /// drop them.
    #[serde(default)]
    pub other_stage_wide_settings: bool,
}

/// One Lambda function.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LambdaObserved {
    pub function_name: String,
    pub function_arn: Option<String>,
    /// `$LATEST` memory (MB).
    pub memory_size: Option<i64>,
    /// `$LATEST` timeout (s).
    pub timeout: Option<i64>,
    /// `$LATEST` `LastUpdateStatus` (Successful, InProgress, Failed).
    pub last_update_status: Option<String>,
    /// Reserved concurrency; `None` = unreserved.
    pub reserved_concurrency: Option<i64>,
    /// The qualifier asked for and what it resolves to.
    pub qualifier: Option<String>,
    /// The version the alias points at (the qualifier itself for a version).
    pub qualifier_version: Option<String>,
    /// That version's memory and timeout: what the alias really serves.
    pub qualifier_memory_size: Option<i64>,
    pub qualifier_timeout: Option<i64>,
    /// Provisioned concurrency on the qualifier.
    pub provisioned: Option<ProvisionedObserved>,
}

/// A provisioned-concurrency config as AWS reports it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ProvisionedObserved {
    pub requested: i64,
    pub allocated: i64,
    pub available: i64,
    /// IN_PROGRESS, READY or FAILED.
    pub status: String,
    pub status_reason: Option<String>,
}

/// One DynamoDB table's capacity.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TableObserved {
    pub table_name: String,
    pub table_arn: Option<String>,
    /// PROVISIONED or PAY_PER_REQUEST.
    pub billing_mode: Option<String>,
    pub table_status: Option<String>,
    pub read_capacity: Option<i64>,
    pub write_capacity: Option<i64>,
    pub read_autoscaling: Option<AutoScalingObserved>,
    pub write_autoscaling: Option<AutoScalingObserved>,
}

/// An Application Auto Scaling target with its target-tracking policy.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AutoScalingObserved {
    pub min_capacity: i64,
    pub max_capacity: i64,
    /// The policy this profile manages, if present.
    pub policy_name: Option<String>,
    pub target_utilization: Option<f64>,
    pub scale_in_cooldown: Option<i64>,
    pub scale_out_cooldown: Option<i64>,
}

/// One Service Quotas increase.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct QuotaObserved {
    pub service_code: String,
    pub quota_code: String,
    pub quota_name: Option<String>,
    /// The value in force (the AWS default when never changed).
    pub applied_value: Option<f64>,
    pub default_value: Option<f64>,
    /// The increase request this profile filed or adopted.
    pub request_id: Option<String>,
    /// PENDING, CASE_OPENED, APPROVED, DENIED, CASE_CLOSED, NOT_APPROVED, INVALID_REQUEST.
    pub request_status: Option<String>,
    pub requested_value: Option<f64>,
}

/// A CloudFront cache policy.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CachePolicyObserved {
    pub id: String,
    pub etag: Option<String>,
    pub name: String,
    pub comment: Option<String>,
    pub min_ttl: i64,
    pub default_ttl: Option<i64>,
    pub max_ttl: Option<i64>,
    pub enable_gzip: bool,
    pub enable_brotli: bool,
    pub header_behavior: String,
    pub headers: Vec<String>,
    pub cookie_behavior: String,
    pub cookies: Vec<String>,
    pub query_string_behavior: String,
    pub query_strings: Vec<String>,
}

/// A CloudWatch dashboard.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DashboardObserved {
    pub name: String,
    pub arn: Option<String>,
    /// The body AWS holds, normalised (sorted keys, no whitespace).
    pub body: String,
    /// Whether the body equals the one generated from the profile.
    pub matches_profile: bool,
}

/// A Global Accelerator with its listener and endpoint group.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AcceleratorObserved {
    pub arn: String,
    pub name: String,
    pub enabled: bool,
    pub ip_address_type: Option<String>,
    pub status: Option<String>,
    pub dns_name: Option<String>,
    pub ip_addresses: Vec<String>,
    pub listener_arn: Option<String>,
    pub ports: Vec<i64>,
    pub protocol: Option<String>,
    pub endpoint_group_arn: Option<String>,
    pub endpoint_group_region: Option<String>,
    pub endpoint_ids: Vec<String>,
}

impl Observed {
    pub(crate) fn quota(&self, service: &str, code: &str) -> Option<&QuotaObserved> {
        self.quota_requests
            .iter()
            .flatten()
            .find(|q| q.service_code == service && q.quota_code == code)
    }
}

/// The private-state format version this crate writes.
pub const PRIVATE_STATE_VERSION: u32 = 1;

/// Values that were in place before the profile first took over each
/// component, keyed by AWS identity: a [`CaptureKey`](crate::CaptureKey)
/// written as a string (`stage:API/STAGE`, `lambda:FN`, …). A capture is
/// written once, the first time, and never overwritten; destroy restores it
/// and removes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrivateState {
    version: u32,
    #[serde(default)]
    captures: BTreeMap<String, Capture>,
    /// The resource instance these captures belong to (set by the provider,
    /// which journals them under it; see its `journal` module).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    instance: Option<String>,
}

impl Default for PrivateState {
    fn default() -> Self {
        PrivateState {
            version: PRIVATE_STATE_VERSION,
            captures: BTreeMap::new(),
            instance: None,
        }
    }
}

/// Why private state could not be read.
#[derive(Debug, thiserror::Error)]
pub enum PrivateStateError {
    #[error("private state is not valid JSON for this provider: {0}")]
    Malformed(#[from] serde_json::Error),
    #[error("private state has version {found}, newer than this provider understands ({supported}); use a newer provider")]
    FromTheFuture { found: u32, supported: u32 },
}

#[derive(Deserialize)]
struct VersionOnly {
    version: u32,
}

impl PrivateState {
    /// Serialise (JSON). Never contains credentials: only prior settings.
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Parse bytes written by [`to_bytes`](Self::to_bytes) of this or an
    /// older version. Empty bytes give an empty state.
    pub fn from_bytes(bytes: &[u8]) -> Result<PrivateState, PrivateStateError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(PrivateState::default());
        }
        let v: VersionOnly = serde_json::from_slice(bytes)?;
        if v.version > PRIVATE_STATE_VERSION {
            return Err(PrivateStateError::FromTheFuture {
                found: v.version,
                supported: PRIVATE_STATE_VERSION,
            });
        }
        let mut state: PrivateState = serde_json::from_slice(bytes)?;
        state.version = PRIVATE_STATE_VERSION;
        Ok(state)
    }

    pub fn version(&self) -> u32 {
        self.version
    }

    /// The resource instance id, if one was set.
    pub fn instance(&self) -> Option<&str> {
        self.instance.as_deref()
    }

    pub fn set_instance(&mut self, id: &str) {
        self.instance = Some(id.to_string());
    }

    /// The capture for `key`, if any.
    pub fn capture(&self, key: &str) -> Option<&Capture> {
        self.captures.get(key)
    }

    /// All captures.
    pub fn captures(&self) -> &BTreeMap<String, Capture> {
        &self.captures
    }

    /// Record `capture` under `key` unless something is already recorded
    /// there (the first capture is the one that holds the true prior state).
    /// Returns whether it was recorded.
    pub fn capture_once(&mut self, key: &str, capture: Capture) -> bool {
        if self.captures.contains_key(key) {
            return false;
        }
        self.captures.insert(key.to_string(), capture);
        true
    }

    /// Forget `key` (after a successful revert).
    pub fn release(&mut self, key: &str) -> Option<Capture> {
        self.captures.remove(key)
    }

    /// Adds the captures of `other` this state does not have (its own win:
    /// a capture is never overwritten).
    pub fn absorb(&mut self, other: PrivateState) {
        for (k, v) in other.captures {
            self.captures.entry(k).or_insert(v);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.captures.is_empty()
    }
}

/// The settings one component had before the profile took over.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Capture {
    /// The stage's `*/*` throttle. `had_entry = false`: the stage had no
    /// `*/*` method setting at all. `None` fields were absent from an entry
    /// that existed (AWS reports such a field as -1: no method-level
    /// throttle, the stage and account limits apply).
    Stage {
        had_entry: bool,
        rate_limit: Option<f64>,
        burst_limit: Option<i64>,
    },
    /// A function's `$LATEST` settings and reserved concurrency.
    Lambda {
        memory_size: Option<i64>,
        timeout: Option<i64>,
        reserved_concurrency: Option<i64>,
    },
    /// The alias target and provisioned concurrency of one qualifier.
    Qualifier {
        alias_version: Option<String>,
        provisioned: Option<i64>,
    },
    /// A table's billing mode and provisioned throughput.
    Table {
        billing_mode: String,
        read_capacity: Option<i64>,
        write_capacity: Option<i64>,
    },
    /// An auto-scaling target. `registered = false`: the profile registered it.
    ScalableTarget {
        registered: bool,
        min_capacity: Option<i64>,
        max_capacity: Option<i64>,
    },
    /// A dashboard's body before (`None`: the profile created it).
    Dashboard { body: Option<String> },
    /// Something the profile created and destroy deletes (cache policy,
    /// accelerator).
    Created { id: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_state_round_trips() {
        let mut s = PrivateState::default();
        assert!(s.capture_once(
            "stage:bmkd8zayee/staging",
            Capture::Stage {
                had_entry: true,
                rate_limit: Some(500.0),
                burst_limit: Some(200)
            }
        ));
        assert!(!s.capture_once(
            "stage:bmkd8zayee/staging",
            Capture::Stage {
                had_entry: true,
                rate_limit: Some(1.0),
                burst_limit: Some(1)
            }
        ));
        s.capture_once(
            "table:t",
            Capture::Table {
                billing_mode: "PROVISIONED".into(),
                read_capacity: Some(5),
                write_capacity: Some(5),
            },
        );
        let bytes = s.to_bytes();
        let back = PrivateState::from_bytes(&bytes).unwrap();
        assert_eq!(back, s);
        assert_eq!(
            back.capture("stage:bmkd8zayee/staging"),
            Some(&Capture::Stage {
                had_entry: true,
                rate_limit: Some(500.0),
                burst_limit: Some(200)
            })
        );
    }

    #[test]
    fn empty_bytes_are_an_empty_state() {
        assert_eq!(
            PrivateState::from_bytes(b"").unwrap(),
            PrivateState::default()
        );
        assert!(PrivateState::from_bytes(b"").unwrap().is_empty());
    }

    #[test]
    fn a_future_version_is_refused() {
        let err = PrivateState::from_bytes(br#"{"version":2,"captures":{},"new":1}"#).unwrap_err();
        assert!(matches!(
            err,
            PrivateStateError::FromTheFuture {
                found: 2,
                supported: 1
            }
        ));
        assert!(err.to_string().contains("newer provider"));
        assert!(matches!(
            PrivateState::from_bytes(b"{not json"),
            Err(PrivateStateError::Malformed(_))
        ));
    }
}
