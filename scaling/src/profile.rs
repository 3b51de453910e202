//! The profile value every layer exchanges.
//!
//! `Option` fields are `None` when the configuration leaves them unset *or*
//! when their value is not known yet (plan time, "known after apply"): rules
//! skip what they cannot know instead of guessing.

use serde::{Deserialize, Serialize};

/// Where an attribute sits in the resource, e.g. `lambda[1].memory_size`.
/// Rules attach findings to these paths; the provider turns them into
/// Terraform attribute paths and the CLI prints them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub struct Location(pub Vec<LocationStep>);

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LocationStep {
    Attr(String),
    Index(usize),
}

impl Location {
    pub fn root() -> Self {
        Location(Vec::new())
    }
    pub fn attr(name: &str) -> Self {
        Location(vec![LocationStep::Attr(name.to_string())])
    }
    pub fn then(mut self, name: &str) -> Self {
        self.0.push(LocationStep::Attr(name.to_string()));
        self
    }
    pub fn index(mut self, i: usize) -> Self {
        self.0.push(LocationStep::Index(i));
        self
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut first = true;
        for s in &self.0 {
            match s {
                LocationStep::Attr(a) => {
                    if !first {
                        f.write_str(".")?;
                    }
                    f.write_str(a)?;
                }
                LocationStep::Index(i) => write!(f, "[{i}]")?,
            }
            first = false;
        }
        Ok(())
    }
}

/// One `smuppy_scaling_profile`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Profile {
    pub name: String,
    /// AWS region the profile's regional services live in (from the provider).
    pub region: Option<String>,
    pub traffic: Traffic,
    pub quota_requests: Vec<QuotaRequest>,
    pub api_gateway: Option<StageThrottle>,
    pub lambdas: Vec<LambdaPool>,
    pub dynamodb: Vec<TableCapacity>,
    pub cache_policy: Option<CachePolicy>,
    pub dashboard: Option<Dashboard>,
    pub global_accelerator: Option<Accelerator>,
    pub budget: Option<Budget>,
}

/// The traffic model: what the profile must carry.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Traffic {
    /// Target peak requests per second at the edge.
    pub peak_rps: Option<f64>,
    /// Average origin latency (Lambda duration) in milliseconds.
    pub latency_ms: Option<f64>,
    /// Share of requests CloudFront answers from cache (0..1).
    pub cache_hit_ratio: Option<f64>,
    /// DynamoDB reads per origin request.
    pub reads_per_request: Option<f64>,
    /// DynamoDB writes per origin request.
    pub writes_per_request: Option<f64>,
    /// Average / peak traffic over a month (0..1]; cost uses it.
    pub average_to_peak_ratio: Option<f64>,
    /// Monthly requests, if known directly (overrides peak × ratio).
    pub monthly_requests: Option<f64>,
    /// Response size in bytes (CloudFront data transfer).
    pub response_bytes: Option<f64>,
    /// Item size in KB for reads (4 KB per RCU).
    pub item_size_kb: Option<f64>,
    /// Strongly consistent reads (1 RCU per 4 KB) or eventually (0.5).
    pub strongly_consistent_reads: Option<bool>,
    /// Lambda architecture: "x86_64" or "arm64".
    pub architecture: Option<String>,
}

/// A Service Quotas increase request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuotaRequest {
    pub service_code: String,
    pub quota_code: String,
    pub desired_value: Option<f64>,
}

/// The stage-wide throttle of an API Gateway REST stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageThrottle {
    pub rest_api_id: Option<String>,
    pub stage_name: Option<String>,
    /// Requests per second, stage-wide (`*/*`).
    pub rate_limit: Option<f64>,
    /// Token-bucket burst, stage-wide.
    pub burst_limit: Option<i64>,
    /// Integration timeout in milliseconds (29,000 unless raised by quota).
    pub integration_timeout_ms: Option<i64>,
    /// Throttles of single methods, each overriding the stage-wide one for
    /// its method alone (read from `aws_api_gateway_method_settings`; the
    /// provider's resource has none). The capacity analysis keeps the
    /// stage-wide rate as the stage's limit: the traffic model does not say
    /// which share of the requests each method gets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub methods: Vec<MethodThrottle>,
}

/// The throttle of one method of a stage: `method_path` is
/// `resource_path/HTTP_METHOD` as API Gateway keys it (`items/GET`, no
/// leading slash). Every method stays bound by the account throttle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MethodThrottle {
    pub method_path: String,
    /// Requests per second for this method.
    pub rate_limit: Option<f64>,
    /// Token-bucket burst for this method.
    pub burst_limit: Option<i64>,
}

/// One Lambda function ("pool").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LambdaPool {
    pub function_name: String,
    pub reserved_concurrency: Option<i64>,
    pub provisioned_concurrency: Option<i64>,
    /// Alias or published version carrying provisioned concurrency.
    pub qualifier: Option<String>,
    pub memory_size: Option<i64>,
    /// Seconds.
    pub timeout: Option<i64>,
    /// Publish a new version and move the alias when memory or timeout
    /// change, so the alias serves the new settings.
    pub publish_on_change: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BillingMode {
    PayPerRequest,
    Provisioned,
}

impl BillingMode {
    pub fn as_aws(&self) -> &'static str {
        match self {
            BillingMode::PayPerRequest => "PAY_PER_REQUEST",
            BillingMode::Provisioned => "PROVISIONED",
        }
    }
    pub fn parse(s: &str) -> Option<BillingMode> {
        match s {
            "PAY_PER_REQUEST" => Some(BillingMode::PayPerRequest),
            "PROVISIONED" => Some(BillingMode::Provisioned),
            _ => None,
        }
    }
}

/// One DynamoDB table's capacity mode and auto scaling.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableCapacity {
    pub table_name: String,
    pub billing_mode: Option<BillingMode>,
    /// Provisioned read/write units when switching to PROVISIONED.
    pub read_capacity: Option<i64>,
    pub write_capacity: Option<i64>,
    pub read_autoscaling: Option<AutoScaling>,
    pub write_autoscaling: Option<AutoScaling>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AutoScaling {
    pub min_capacity: Option<i64>,
    pub max_capacity: Option<i64>,
    /// Percent, 20–90 for DynamoDB.
    pub target_utilization: Option<f64>,
    pub scale_in_cooldown: Option<i64>,
    pub scale_out_cooldown: Option<i64>,
}

impl AutoScaling {
    /// Target utilization, percent, when the profile leaves it out: the
    /// value the schema documents, apply sends and state records.
    pub const DEFAULT_TARGET_UTILIZATION: f64 = 70.0;
    /// Scale-in and scale-out cooldown, seconds, when the profile leaves
    /// them out (AWS's own default for DynamoDB would be 0).
    pub const DEFAULT_COOLDOWN_SECONDS: i64 = 60;

    /// The target utilization to apply.
    pub fn target(&self) -> f64 {
        self.target_utilization
            .unwrap_or(Self::DEFAULT_TARGET_UTILIZATION)
    }
    /// The scale-in cooldown to apply.
    pub fn scale_in(&self) -> i64 {
        self.scale_in_cooldown
            .unwrap_or(Self::DEFAULT_COOLDOWN_SECONDS)
    }
    /// The scale-out cooldown to apply.
    pub fn scale_out(&self) -> i64 {
        self.scale_out_cooldown
            .unwrap_or(Self::DEFAULT_COOLDOWN_SECONDS)
    }
}

/// A CloudFront cache policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CachePolicy {
    pub name: String,
    pub comment: Option<String>,
    pub min_ttl: Option<i64>,
    pub default_ttl: Option<i64>,
    pub max_ttl: Option<i64>,
    pub enable_gzip: bool,
    pub enable_brotli: bool,
    /// "none" | "whitelist"
    pub header_behavior: String,
    pub headers: Vec<String>,
    /// "none" | "whitelist" | "allExcept" | "all"
    pub cookie_behavior: String,
    pub cookies: Vec<String>,
    /// "none" | "whitelist" | "allExcept" | "all"
    pub query_string_behavior: String,
    pub query_strings: Vec<String>,
}

/// A CloudWatch dashboard generated from the profile's components.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub name: String,
}

/// A Global Accelerator with one listener and one endpoint group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Accelerator {
    pub name: String,
    pub enabled: bool,
    /// "IPV4" | "DUAL_STACK"
    pub ip_address_type: String,
    /// Listener ports.
    pub ports: Vec<i64>,
    /// "TCP" | "UDP"
    pub protocol: String,
    /// Region of the endpoint group.
    pub endpoint_group_region: Option<String>,
    /// ALB/NLB ARN, EC2 instance id or Elastic IP allocation id.
    pub endpoint_id: Option<String>,
}

/// A monthly budget the estimated cost is held against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Budget {
    pub monthly_usd: f64,
    /// Fail (error) rather than warn when over budget.
    pub enforce: bool,
}
