//! Account and AWS limits the rules check against.
//!
//! Defaults are the documented AWS defaults (us-east-1, standard functions).
//! `live` holds what was read from the account, when it was; every rule
//! prefers a live value to a default and says which one it used.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::unread::{FactKey, UnreadFact};

/// Service Quotas code of the API Gateway throttle rate (per account, per Region).
pub const QUOTA_APIGW_RATE: &str = "L-8A5B8E43";
/// Service Quotas code of Lambda concurrent executions (per Region).
pub const QUOTA_LAMBDA_CONCURRENCY: &str = "L-B99A9384";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Limits {
    /// API Gateway account throttle rate, requests/s (REST + HTTP + WebSocket).
    pub apigw_account_rps: f64,
    /// API Gateway account burst bucket. Set by AWS from the rate; not requestable.
    pub apigw_account_burst: f64,
    /// REST integration timeout, ms.
    pub apigw_integration_timeout_ms: i64,
    /// Lambda concurrent executions per Region.
    pub lambda_account_concurrency: i64,
    /// Executions that must stay unreserved.
    pub lambda_unreserved_min: i64,
    /// Lambda scaling: new execution environments per period, per function.
    pub lambda_scaling_envs: f64,
    /// Lambda scaling period, seconds.
    pub lambda_scaling_period_s: f64,
    pub lambda_memory_min_mb: i64,
    pub lambda_memory_max_mb: i64,
    pub lambda_timeout_max_s: i64,
    /// DynamoDB provisioned throughput per table.
    pub ddb_table_rcu: f64,
    pub ddb_table_wcu: f64,
    /// DynamoDB on-demand throughput per table, request units per second.
    pub ddb_table_rru: f64,
    pub ddb_table_wru: f64,
    /// DynamoDB provisioned throughput per account (sum of tables and GSIs).
    pub ddb_account_rcu: f64,
    pub ddb_account_wcu: f64,
    /// Application Auto Scaling target for DynamoDB, percent.
    pub ddb_target_min: f64,
    pub ddb_target_max: f64,
    /// CloudFront: headers, cookies and query strings per cache policy.
    pub cf_policy_items_max: usize,
    /// What was read from the account, if anything.
    pub live: LiveFacts,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            apigw_account_rps: 10_000.0,
            apigw_account_burst: 5_000.0,
            apigw_integration_timeout_ms: 29_000,
            lambda_account_concurrency: 1_000,
            lambda_unreserved_min: 100,
            lambda_scaling_envs: 1_000.0,
            lambda_scaling_period_s: 10.0,
            lambda_memory_min_mb: 128,
            lambda_memory_max_mb: 10_240,
            lambda_timeout_max_s: 900,
            ddb_table_rcu: 40_000.0,
            ddb_table_wcu: 40_000.0,
            ddb_table_rru: 40_000.0,
            ddb_table_wru: 40_000.0,
            ddb_account_rcu: 80_000.0,
            ddb_account_wcu: 80_000.0,
            ddb_target_min: 20.0,
            ddb_target_max: 90.0,
            cf_policy_items_max: 10,
            live: LiveFacts::default(),
        }
    }
}

/// Facts read from the account. Every field is optional: absent means "not read".
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LiveFacts {
    /// Applied Service Quotas values, keyed `service_code/quota_code`.
    pub applied_quotas: BTreeMap<String, f64>,
    /// Quota increase requests still open (PENDING or CASE_OPENED).
    pub open_requests: Vec<OpenQuotaRequest>,
    /// `apigateway:GetAccount` throttle settings: what is in force.
    pub account_throttle: Option<AccountThrottle>,
    /// `lambda:GetAccountSettings` AccountLimit.ConcurrentExecutions.
    pub account_concurrency: Option<i64>,
    /// `lambda:GetAccountSettings` AccountLimit.UnreservedConcurrentExecutions.
    pub unreserved_concurrency: Option<i64>,
    /// Reserved concurrency of functions the profile does not manage.
    pub reserved_outside_profile: Vec<ReservedElsewhere>,
    /// The profiles' DynamoDB tables as the account has them (tables that do
    /// not exist yet are absent).
    pub tables: Vec<TableFacts>,
    /// What the account did not give (each falls back to AWS's published
    /// default, reported as a `LIV001` warning).
    pub unread: Vec<UnreadFact>,
}

impl LiveFacts {
    /// True when the fact `key` could not be read.
    pub fn is_unread(&self, key: &FactKey) -> bool {
        let key = key.to_string();
        self.unread.iter().any(|u| u.key == key)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenQuotaRequest {
    pub service_code: String,
    pub quota_code: String,
    pub desired_value: f64,
    pub status: String,
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AccountThrottle {
    pub rate_limit: f64,
    pub burst_limit: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReservedElsewhere {
    pub function_name: String,
    pub reserved_concurrency: i64,
}

/// One table's capacity mode and auto scaling, from `DescribeTable` and
/// `DescribeScalableTargets`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableFacts {
    pub table_name: String,
    /// `PAY_PER_REQUEST` or `PROVISIONED`.
    pub billing_mode: Option<String>,
    /// Provisioned read/write capacity units (0 on on-demand tables).
    pub read_capacity: Option<i64>,
    pub write_capacity: Option<i64>,
    /// Registered scalable targets, if any.
    pub read_autoscaling: Option<ScalingBounds>,
    pub write_autoscaling: Option<ScalingBounds>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScalingBounds {
    pub min_capacity: i64,
    pub max_capacity: i64,
}

/// The source of a default the account could not confirm (see `LIV001`).
pub const ASSUMED_DEFAULT: &str = "AWS default, assumed: not readable from the account, see LIV001";

/// A limit value together with where it came from, for messages.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sourced {
    pub value: f64,
    pub source: &'static str,
}

impl Limits {
    pub fn quota_key(service_code: &str, quota_code: &str) -> String {
        format!("{service_code}/{quota_code}")
    }

    /// The API Gateway account rate in force: `GetAccount`, else the applied
    /// quota, else the default.
    pub fn apigw_rate(&self) -> Sourced {
        if let Some(t) = self.live.account_throttle {
            return Sourced {
                value: t.rate_limit,
                source: "live account throttle",
            };
        }
        if let Some(v) = self
            .live
            .applied_quotas
            .get(&Self::quota_key("apigateway", QUOTA_APIGW_RATE))
        {
            return Sourced {
                value: *v,
                source: "live applied quota",
            };
        }
        Sourced {
            value: self.apigw_account_rps,
            source: self.default_source(&[
                FactKey::ApiGatewayAccount,
                FactKey::Quota("apigateway", QUOTA_APIGW_RATE),
            ]),
        }
    }

    pub fn apigw_burst(&self) -> Sourced {
        match self.live.account_throttle {
            Some(t) => Sourced {
                value: t.burst_limit,
                source: "live account throttle",
            },
            None => Sourced {
                value: self.apigw_account_burst,
                source: self.default_source(&[FactKey::ApiGatewayAccount]),
            },
        }
    }

    /// Lambda concurrent executions in force.
    pub fn lambda_concurrency(&self) -> Sourced {
        if let Some(v) = self.live.account_concurrency {
            return Sourced {
                value: v as f64,
                source: "live account settings",
            };
        }
        if let Some(v) = self
            .live
            .applied_quotas
            .get(&Self::quota_key("lambda", QUOTA_LAMBDA_CONCURRENCY))
        {
            return Sourced {
                value: *v,
                source: "live applied quota",
            };
        }
        Sourced {
            value: self.lambda_account_concurrency as f64,
            source: self.default_source(&[
                FactKey::LambdaAccount,
                FactKey::Quota("lambda", QUOTA_LAMBDA_CONCURRENCY),
            ]),
        }
    }

    /// How a default is named: an assumption when the account was asked and
    /// one of the facts that would have replaced it could not be read.
    fn default_source(&self, keys: &[FactKey]) -> &'static str {
        if keys.iter().any(|k| self.live.is_unread(k)) {
            ASSUMED_DEFAULT
        } else {
            "AWS default"
        }
    }

    /// Reserved concurrency held by functions outside the profile.
    pub fn reserved_elsewhere(&self) -> i64 {
        self.live
            .reserved_outside_profile
            .iter()
            .map(|r| r.reserved_concurrency.max(0))
            .sum()
    }

    /// The applied value of a quota, if it was read.
    pub fn applied_quota(&self, service_code: &str, quota_code: &str) -> Option<f64> {
        self.live
            .applied_quotas
            .get(&Self::quota_key(service_code, quota_code))
            .copied()
    }

    /// What the account reports for a table, if it was read.
    pub fn table(&self, table_name: &str) -> Option<&TableFacts> {
        self.live.tables.iter().find(|t| t.table_name == table_name)
    }

    pub fn open_request(&self, service_code: &str, quota_code: &str) -> Option<&OpenQuotaRequest> {
        self.live
            .open_requests
            .iter()
            .find(|r| r.service_code == service_code && r.quota_code == quota_code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_documented_ones() {
        let l = Limits::default();
        assert_eq!(l.apigw_rate().value, 10_000.0);
        assert_eq!(l.apigw_burst().value, 5_000.0);
        assert_eq!(l.apigw_integration_timeout_ms, 29_000);
        assert_eq!(l.lambda_concurrency().value, 1_000.0);
        assert_eq!(l.lambda_unreserved_min, 100);
        assert_eq!(l.ddb_table_rru, 40_000.0);
        assert_eq!(l.ddb_account_rcu, 80_000.0);
    }

    #[test]
    fn live_values_win_over_defaults() {
        let mut l = Limits::default();
        l.live
            .applied_quotas
            .insert(Limits::quota_key("apigateway", QUOTA_APIGW_RATE), 20_000.0);
        assert_eq!(l.apigw_rate().value, 20_000.0);
        assert_eq!(l.apigw_rate().source, "live applied quota");
        l.live.account_throttle = Some(AccountThrottle {
            rate_limit: 15_000.0,
            burst_limit: 7_500.0,
        });
        assert_eq!(l.apigw_rate().value, 15_000.0);
        assert_eq!(l.apigw_burst().value, 7_500.0);
        l.live.account_concurrency = Some(3_000);
        assert_eq!(l.lambda_concurrency().value, 3_000.0);
        l.live.reserved_outside_profile.push(ReservedElsewhere {
            function_name: "other".into(),
            reserved_concurrency: 250,
        });
        assert_eq!(l.reserved_elsewhere(), 250);
    }

    #[test]
    fn a_default_the_account_did_not_confirm_is_named_an_assumption() {
        let mut l = Limits::default();
        assert_eq!(l.lambda_concurrency().source, "AWS default");
        l.live.unread.push(UnreadFact {
            key: FactKey::LambdaAccount.to_string(),
            fact: "Lambda account concurrency".into(),
            call: "lambda GetAccountSettings".into(),
            error_code: None,
            message: "unreachable".into(),
            iam_action: "lambda:GetAccountSettings".into(),
            assumed: "1,000".into(),
        });
        assert_eq!(l.lambda_concurrency().value, 1_000.0);
        assert_eq!(l.lambda_concurrency().source, ASSUMED_DEFAULT);
        assert_eq!(l.apigw_rate().source, "AWS default");
    }
}
