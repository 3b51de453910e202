//! The tables: every block of `smuppy_scaling_profile`, its attributes in
//! schema order.

use super::reported::{
    AcceleratorReported, CachePolicyReported, DashboardReported, LambdaReported, QuotaReported,
};
use super::{
    billing, Access, Block, Check, Default, DefaultUse, DefaultValue, Field, Kind, Mode, Nesting,
    Renew, Val,
};
use crate::bounds::AWS_INTEGER_MAX;
use crate::ids;
use crate::profile::{
    Accelerator, AutoScaling, Budget, CachePolicy, Dashboard, LambdaPool, Profile, QuotaRequest,
    StageThrottle, TableCapacity, Traffic,
};
use crate::traffic as tm;

use Kind::{Bool, Int, Ints, Number, Strings};
use Mode::{Computed, Optional, OptionalComputed, Required};

const fn field<T, R>(
    name: &'static str,
    kind: Kind,
    mode: Mode,
    text: &'static str,
) -> Field<T, R> {
    Field {
        name,
        kind,
        mode,
        default: None,
        text,
        check: Check::None,
        renew: Renew::Never,
        access: None,
        report: None,
    }
}

impl<T, R> Field<T, R> {
    const fn renew(mut self, renew: Renew) -> Self {
        self.renew = renew;
        self
    }
    const fn check(mut self, check: Check) -> Self {
        self.check = check;
        self
    }
    const fn default(mut self, value: DefaultValue, used: DefaultUse) -> Self {
        self.default = Some(Default { value, used });
        self
    }
    const fn access(mut self, get: fn(&T) -> Val, set: fn(&mut T, Val)) -> Self {
        self.access = Some(Access { get, set });
        self
    }
    const fn report(mut self, get: fn(&R) -> Val, set: fn(&mut R, Val)) -> Self {
        self.report = Some(Access { get, set });
        self
    }
}

const fn int(min: i64, max: Option<i64>, what: &'static str) -> Check {
    Check::Int { min, max, what }
}

const fn range(min: f64, max: Option<f64>, what: &'static str) -> Check {
    Check::Range { min, max, what }
}

const INT32: Option<i64> = Some(AWS_INTEGER_MAX);

/// The names the front ends refer to one attribute by (the path of a
/// message, a value a check compares), each the name of its field below.
pub mod names {
    /// The resource's id (computed: the profile's name).
    pub const ID: &str = "id";
    /// The profile's name, and the name of a named thing on AWS (cache
    /// policy, dashboard, accelerator).
    pub const NAME: &str = "name";
    /// What identifies the thing on AWS an element stands for (two profiles
    /// must not both manage it): a stage, a function, a table, a quota.
    pub const STAGE_REST_API_ID: &str = "rest_api_id";
    pub const STAGE_NAME: &str = "stage_name";
    pub const FUNCTION_NAME: &str = "function_name";
    pub const TABLE_NAME: &str = "table_name";
    pub const QUOTA_SERVICE_CODE: &str = "service_code";
    pub const QUOTA_CODE: &str = "quota_code";
    pub const CACHE_POLICY_ID: &str = "id";
    pub const ACCELERATOR_ARN: &str = "arn";
    /// Attributes a front end checks beyond their table's [`Check`](super::Check)
    /// (a relation between two, a list's elements, a length).
    pub const TRAFFIC_AVERAGE_TO_PEAK: &str = "average_to_peak_ratio";
    pub const STAGE_RATE_LIMIT: &str = "rate_limit";
    pub const STAGE_BURST_LIMIT: &str = "burst_limit";
    /// The integration timeout a stage's functions are checked against
    /// (the validator reads it from an `aws_*` stack's integrations).
    pub const STAGE_INTEGRATION_TIMEOUT_MS: &str = "integration_timeout_ms";
    pub const LAMBDA_QUALIFIER: &str = "qualifier";
    pub const CACHE_COMMENT: &str = "comment";
    /// A cache policy's settings, as the AWS layer reports what a write
    /// left differing.
    pub const CACHE_MIN_TTL: &str = "min_ttl";
    pub const CACHE_DEFAULT_TTL: &str = "default_ttl";
    pub const CACHE_MAX_TTL: &str = "max_ttl";
    pub const CACHE_GZIP: &str = "enable_accept_encoding_gzip";
    pub const CACHE_BROTLI: &str = "enable_accept_encoding_brotli";
    pub const CACHE_HEADER_BEHAVIOR: &str = "header_behavior";
    pub const CACHE_HEADERS: &str = "headers";
    pub const CACHE_COOKIE_BEHAVIOR: &str = "cookie_behavior";
    pub const CACHE_COOKIES: &str = "cookies";
    pub const CACHE_QUERY_STRING_BEHAVIOR: &str = "query_string_behavior";
    pub const CACHE_QUERY_STRINGS: &str = "query_strings";
    pub const ACCELERATOR_PORTS: &str = "ports";
    /// An accelerator's settings, as the AWS layer reports what a write
    /// left differing.
    pub const ACCELERATOR_ENABLED: &str = "enabled";
    pub const ACCELERATOR_IP_ADDRESS_TYPE: &str = "ip_address_type";
    pub const ACCELERATOR_PROTOCOL: &str = "protocol";
    pub const ACCELERATOR_ENDPOINT_GROUP_REGION: &str = "endpoint_group_region";
    pub const ACCELERATOR_ENDPOINT_ID: &str = "endpoint_id";
    /// A quota request's desired value.
    pub const QUOTA_DESIRED_VALUE: &str = "desired_value";
    /// A quota request's status.
    pub const QUOTA_STATUS: &str = "status";
    /// A profile's monthly request count: its own, never a default a
    /// validator config file gives every profile.
    pub const TRAFFIC_MONTHLY_REQUESTS: &str = "monthly_requests";
    /// The flag that publishes a function's new version on a change of a
    /// [`LAMBDA_PUBLISHED`] setting.
    pub const LAMBDA_PUBLISH_FLAG: &str = "publish_on_change";
    /// The settings a published version carries: they reach the alias only
    /// through a publish.
    pub const LAMBDA_PUBLISHED: &[&str] = &[LAMBDA_MEMORY_SIZE, LAMBDA_TIMEOUT];
    /// A function's settings, as the AWS layer reports where a write failed.
    pub const LAMBDA_MEMORY_SIZE: &str = "memory_size";
    pub const LAMBDA_TIMEOUT: &str = "timeout";
    pub const LAMBDA_RESERVED_CONCURRENCY: &str = "reserved_concurrency";
    pub const LAMBDA_PROVISIONED_CONCURRENCY: &str = "provisioned_concurrency";
    /// A table's and its auto scaling's settings, as the AWS layer reports
    /// where a write failed.
    pub const TABLE_BILLING_MODE: &str = "billing_mode";
    pub const TABLE_READ_CAPACITY: &str = "read_capacity";
    pub const TABLE_WRITE_CAPACITY: &str = "write_capacity";
    pub const SCALING_MIN_CAPACITY: &str = "min_capacity";
    pub const SCALING_MAX_CAPACITY: &str = "max_capacity";
    pub const SCALING_SCALE_IN_COOLDOWN: &str = "scale_in_cooldown";
    pub const SCALING_SCALE_OUT_COOLDOWN: &str = "scale_out_cooldown";
    pub const SCALING_TARGET_UTILIZATION: &str = "target_utilization";
    /// The budget's monthly amount (the validator reads it from an
    /// `aws_budgets_budget`).
    pub const BUDGET_MONTHLY_USD: &str = "monthly_usd";
    /// Whether the dashboard AWS holds is the generated one.
    pub const DASHBOARD_BODY_IN_SYNC: &str = "body_in_sync";
}
use names::{LAMBDA_PUBLISHED, LAMBDA_PUBLISH_FLAG};

/// The cookie and query string behaviours CloudFront accepts.
pub const LIST_BEHAVIORS: &[&str] = &["none", "whitelist", "allExcept", "all"];

macro_rules! text {
    ($name:literal, $kind:expr, $mode:expr, $text:expr) => {
        field($name, $kind, $mode, $text)
    };
}

// Accessors: the struct field an attribute fills, by the field's Rust type.
macro_rules! opt_str {
    ($t:ty, $f:ident) => {
        (
            |x: &$t| Val::opt_str(&x.$f),
            |x: &mut $t, v: Val| x.$f = v.str(),
        )
    };
}
macro_rules! string {
    ($t:ty, $f:ident) => {
        (
            |x: &$t| Val::Str(x.$f.clone()),
            |x: &mut $t, v: Val| x.$f = v.str().unwrap_or_default(),
        )
    };
}
macro_rules! opt_int {
    ($t:ty, $f:ident) => {
        (
            |x: &$t| Val::opt_int(x.$f),
            |x: &mut $t, v: Val| x.$f = v.int(),
        )
    };
}
macro_rules! opt_num {
    ($t:ty, $f:ident) => {
        (
            |x: &$t| Val::opt_num(x.$f),
            |x: &mut $t, v: Val| x.$f = v.num(),
        )
    };
}
macro_rules! flag {
    ($t:ty, $f:ident) => {
        (
            |x: &$t| Val::Bool(x.$f),
            |x: &mut $t, v: Val| x.$f = v.bool().unwrap_or_default(),
        )
    };
}
macro_rules! strs {
    ($t:ty, $f:ident) => {
        (
            |x: &$t| Val::Strs(x.$f.clone()),
            |x: &mut $t, v: Val| x.$f = v.strs(),
        )
    };
}

/// Expands an accessor pair into the field's `.access(get, set)`.
macro_rules! with {
    ($field:expr, $acc:expr) => {{
        let (get, set) = $acc;
        $field.access(get, set)
    }};
}

/// Expands an accessor pair into a computed field's `.report(get, set)`.
macro_rules! reported {
    ($field:expr, $acc:expr) => {{
        let (get, set) = $acc;
        $field.report(get, set)
    }};
}

/// The resource's own attributes (the computed analysis outputs, the
/// timeouts and other protocol-side attributes are the provider's).
pub static RESOURCE: Block<Profile> = Block {
    name: "",
    location: "",
    nesting: Nesting::Single,
    text: "Everything that must hold for an API (CloudFront → API Gateway → Lambda → DynamoDB) to carry a target load, as one resource: Service Quotas requests, the stage throttle, Lambda concurrency and memory, DynamoDB capacity, a CloudFront cache policy, a CloudWatch dashboard and optionally a Global Accelerator. The plan checks capacity, AWS limits, safety and cost; apply changes only what differs and runs independent components concurrently; destroy returns every setting to what it was before the profile took over.",
    fields: &[
        field(names::ID, Kind::String, Computed, "The profile's name."),
        with!(
            field(names::NAME, Kind::String, Required, "Name of the profile, e.g. `staging`."),
            string!(Profile, name)
        ),
    ],
    blocks: &[
        &TRAFFIC,
        &QUOTA,
        &API_GATEWAY,
        &LAMBDA,
        &DYNAMODB,
        &CACHE_POLICY,
        &DASHBOARD,
        &ACCELERATOR,
        &BUDGET,
    ],
};

pub static TRAFFIC: Block<Traffic> = Block {
    name: "traffic",
    location: "traffic",
    nesting: Nesting::Single,
    text: "The traffic model the profile must carry. The rule engine checks capacity, limits and cost against it at plan time; nothing here is sent to AWS.",
    fields: &[
        with!(text!("peak_rps", Number, Optional, "Target peak requests per second at the edge (CloudFront), e.g. `100000`.")
            .check(range(0.0, None, "peak_rps")), opt_num!(Traffic, peak_rps)),
        with!(text!("latency_ms", Number, Optional, "Average origin latency (Lambda duration) in milliseconds, e.g. the measured `55`. Drives the concurrency needed (Little's law).")
            .check(range(0.0, Some(900_000.0), "latency_ms")), opt_num!(Traffic, latency_ms)),
        with!(text!("cache_hit_ratio", Number, Optional, "Share of requests CloudFront answers from its cache, 0 to 1. Only the rest reaches API Gateway.")
            .check(range(0.0, Some(1.0), "cache_hit_ratio")), opt_num!(Traffic, cache_hit_ratio)),
        with!(text!("reads_per_request", Number, Optional, "DynamoDB reads per origin request.")
            .default(DefaultValue::Number(tm::DEFAULT_READS_PER_REQUEST), DefaultUse::Modelled)
            .check(range(0.0, None, "reads_per_request")), opt_num!(Traffic, reads_per_request)),
        with!(text!("writes_per_request", Number, Optional, "DynamoDB writes per origin request.")
            .default(DefaultValue::Number(tm::DEFAULT_WRITES_PER_REQUEST), DefaultUse::Modelled)
            .check(range(0.0, None, "writes_per_request")), opt_num!(Traffic, writes_per_request)),
        // Its range, above 0 and at most 1, is checked by the front ends.
        with!(field(names::TRAFFIC_AVERAGE_TO_PEAK, Number, Optional, "Average traffic over a month divided by the peak, 0 to 1; the cost estimate uses it. Default {default} (peak sustained all month).")
            .default(DefaultValue::Number(tm::DEFAULT_AVERAGE_TO_PEAK), DefaultUse::Modelled), opt_num!(Traffic, average_to_peak_ratio)),
        with!(field(names::TRAFFIC_MONTHLY_REQUESTS, Number, Optional, "Requests per month, when known directly; overrides `peak_rps × average_to_peak_ratio` for cost.")
            .check(range(0.0, None, "monthly_requests")), opt_num!(Traffic, monthly_requests)),
        with!(text!("response_bytes", Number, Optional, "Average response size in bytes (CloudFront data transfer).")
            .default(DefaultValue::Number(tm::DEFAULT_RESPONSE_BYTES), DefaultUse::Modelled)
            .check(range(0.0, None, "response_bytes")), opt_num!(Traffic, response_bytes)),
        with!(text!("item_size_kb", Number, Optional, "Size of a DynamoDB item read, in KB (one read unit per 4 KB).")
            .default(DefaultValue::Number(tm::DEFAULT_ITEM_SIZE_KB), DefaultUse::Modelled)
            .check(range(0.0, Some(400.0), "item_size_kb")), opt_num!(Traffic, item_size_kb)),
        with!(text!("strongly_consistent_reads", Bool, Optional, "Whether reads are strongly consistent (1 unit per 4 KB) or eventually consistent (0.5).")
            .default(DefaultValue::Bool(tm::DEFAULT_STRONGLY_CONSISTENT), DefaultUse::Modelled),
            (|x: &Traffic| Val::opt_bool(x.strongly_consistent_reads), |x: &mut Traffic, v: Val| x.strongly_consistent_reads = v.bool())),
        with!(text!("architecture", Kind::String, Optional, "Lambda architecture for pricing: `x86_64` or `arm64`.")
            .default(DefaultValue::Str("x86_64"), DefaultUse::Modelled)
            .check(Check::OneOf(&["x86_64", "arm64"])), opt_str!(Traffic, architecture)),
    ],
    blocks: &[],
};

pub static QUOTA: Block<QuotaRequest, QuotaReported> = Block {
    name: "quota_requests",
    location: "quota_request",
    nesting: Nesting::Map,
    text: "A Service Quotas increase request, e.g. API Gateway's account throttle `apigateway`/`L-8A5B8E43` or Lambda's concurrent executions `lambda`/`L-B99A9384`. A request is filed only when the applied value is below `desired_value` and no request for that quota is open; an open request is adopted, so re-applies never file twice. When the last request is closed (denied, for instance) and the quota is still below `desired_value`, the plan warns and the apply files a new one. A request cannot be withdrawn: destroy only forgets it, with a warning.",
    fields: &[
        with!(field(names::QUOTA_SERVICE_CODE, Kind::String, Required, "Service Quotas service code, e.g. `apigateway`.")
            .check(Check::Id(ids::service_code, "Invalid service_code")), string!(QuotaRequest, service_code)),
        with!(field(names::QUOTA_CODE, Kind::String, Required, "Quota code, e.g. `L-8A5B8E43`.")
            .check(Check::Id(ids::quota_code, "Invalid quota_code")), string!(QuotaRequest, quota_code)),
        with!(field(names::QUOTA_DESIRED_VALUE, Number, Required, "The value to ask for. Must not be below the applied value.")
            .check(range(0.0, Some(1e10), "desired_value")), opt_num!(QuotaRequest, desired_value)),
        reported!(field("applied_value", Number, Computed, "The value in force now (the AWS default when the quota was never raised).").renew(Renew::AnySetting),
            opt_num!(QuotaReported, applied_value)),
        reported!(field("request_id", Kind::String, Computed, "Id of the increase request filed or adopted, if any.").renew(Renew::AnySetting),
            opt_str!(QuotaReported, request_id)),
        reported!(field(names::QUOTA_STATUS, Kind::String, Computed, "Status of that request as AWS reports it: `PENDING`, `CASE_OPENED`, `APPROVED`, `DENIED`, `CASE_CLOSED`, `NOT_APPROVED` or `INVALID_REQUEST`; `APPLIED` when no request is needed.").renew(Renew::AnySetting),
            opt_str!(QuotaReported, status)),
    ],
    blocks: &[],
};

pub static API_GATEWAY: Block<StageThrottle> = Block {
    name: "api_gateway",
    location: "api_gateway",
    nesting: Nesting::Single,
    text: "The stage-wide throttle of a REST API stage, set as the `*/*` method setting (patch paths `/*/*/throttling/rateLimit` and `/*/*/throttling/burstLimit`). Destroy restores the throttle that was there before and leaves the stage's other method settings (logging, metrics, caching) alone.",
    fields: &[
        with!(field(names::STAGE_REST_API_ID, Kind::String, Required, "Id of the REST API, e.g. `bmkd8zayee`.")
            .check(Check::Id(ids::rest_api_id, "Invalid rest_api_id")), opt_str!(StageThrottle, rest_api_id)),
        with!(field(names::STAGE_NAME, Kind::String, Required, "Name of the stage, e.g. `staging`.")
            .check(Check::Id(ids::stage_name, "Invalid stage_name")), opt_str!(StageThrottle, stage_name)),
        with!(field(names::STAGE_RATE_LIMIT, Number, OptionalComputed, "Steady-state requests per second for the whole stage. It cannot exceed the account throttle (10,000 by default; quota `L-8A5B8E43`).")
            .check(range(0.0, None, "rate_limit")), opt_num!(StageThrottle, rate_limit)),
        with!(field(names::STAGE_BURST_LIMIT, Int, OptionalComputed, "Token-bucket burst for the whole stage. AWS caps it at the account burst (5,000 by default), which customers cannot raise. Requires `rate_limit`.")
            .check(int(0, INT32, "burst_limit")), opt_int!(StageThrottle, burst_limit)),
        with!(field(names::STAGE_INTEGRATION_TIMEOUT_MS, Int, Optional, "The integration timeout in milliseconds the API uses; 29,000 unless raised by a quota. The rule engine checks Lambda timeouts against it; nothing is sent to AWS.")
            .check(int(50, Some(300_000), names::STAGE_INTEGRATION_TIMEOUT_MS)), opt_int!(StageThrottle, integration_timeout_ms)),
    ],
    blocks: &[],
};

pub static LAMBDA: Block<LambdaPool, LambdaReported> = Block {
    name: "lambda_pools",
    location: "lambda",
    nesting: Nesting::Map,
    text: "One Lambda function (a pool of the architecture). Order of changes: memory and timeout (then, with `publish_on_change`, a new version and the alias moved to it), reserved concurrency, provisioned concurrency (waited on until READY). Destroy removes provisioned and reserved concurrency and restores the memory and timeout that were there before.",
    fields: &[
        with!(field(names::FUNCTION_NAME, Kind::String, Required, "Name of the function, e.g. `smuppy-api-handler`.")
            .check(Check::Id(ids::function_name, "Invalid function_name")), string!(LambdaPool, function_name)),
        // Lambda takes these as `integer` shapes (32-bit). Ranges (128 to
        // 10,240 MB, 1 to 900 s), the qualifier and provisioned ≤ reserved
        // are the rule engine's (LIM002, LIM004, LIM006, LIM010).
        with!(field(names::LAMBDA_RESERVED_CONCURRENCY, Int, OptionalComputed, "Reserved concurrent executions for the function (`PutFunctionConcurrency`). The account must keep 100 unreserved.")
            .check(int(0, INT32, "reserved_concurrency")), opt_int!(LambdaPool, reserved_concurrency)),
        with!(field(names::LAMBDA_PROVISIONED_CONCURRENCY, Int, OptionalComputed, "Provisioned concurrent executions on `qualifier`. Must not exceed `reserved_concurrency`.")
            .check(int(1, INT32, "provisioned_concurrency")), opt_int!(LambdaPool, provisioned_concurrency)),
        with!(field(names::LAMBDA_QUALIFIER, Kind::String, Optional, "Alias or published version that carries the provisioned concurrency, e.g. `prod`. `$LATEST` is not accepted by AWS.")
            .check(Check::Id(ids::qualifier, "Invalid qualifier")), opt_str!(LambdaPool, qualifier)),
        with!(field(names::LAMBDA_MEMORY_SIZE, Int, OptionalComputed, "Memory in MB, 128 to 10,240. A change reaches `$LATEST` only: the alias keeps its published version's memory unless `publish_on_change` is set.")
            .check(int(1, INT32, "memory_size (MB)")), opt_int!(LambdaPool, memory_size)),
        with!(field(names::LAMBDA_TIMEOUT, Int, OptionalComputed, "Timeout in seconds, 1 to 900. Behind API Gateway it should stay under the integration timeout (29 s).")
            .check(int(1, INT32, "timeout (seconds)")), opt_int!(LambdaPool, timeout)),
        with!(field(LAMBDA_PUBLISH_FLAG, Bool, Optional, "When memory or timeout change, publish a new version and move the `qualifier` alias to it, so the alias serves the new settings. This re-allocates provisioned concurrency on the new version. Default {default}: the plan warns that the alias keeps its old settings.")
            .default(DefaultValue::Bool(false), DefaultUse::Mapped), flag!(LambdaPool, publish_on_change)),
        reported!(field("qualifier_version", Kind::String, Computed, "The published version the qualifier points to.")
            .renew(Renew::With { names: &["function_name", "qualifier"], flag: LAMBDA_PUBLISH_FLAG, published: LAMBDA_PUBLISHED }),
            opt_str!(LambdaReported, qualifier_version)),
        reported!(field("provisioned_status", Kind::String, Computed, "Provisioned concurrency status: `READY`, `IN_PROGRESS` or `FAILED`.")
            .renew(Renew::With { names: &["function_name", "qualifier", "provisioned_concurrency"], flag: LAMBDA_PUBLISH_FLAG, published: LAMBDA_PUBLISHED }),
            opt_str!(LambdaReported, provisioned_status)),
    ],
    blocks: &[],
};

pub static DYNAMODB: Block<TableCapacity> = Block {
    name: "dynamodb_tables",
    location: "dynamodb",
    nesting: Nesting::Map,
    text: "One DynamoDB table's capacity mode. AWS limits switches to on-demand (4 per rolling 24 h); a refused switch is reported as such. Destroy restores the mode and throughput that were there before and deregisters the auto scaling the profile added.",
    fields: &[
        with!(field(names::TABLE_NAME, Kind::String, Required, "Name of the table, e.g. `smuppy-feeds-staging`.")
            .check(Check::Id(ids::table_name, "Invalid table_name")), string!(TableCapacity, table_name)),
        with!(field(names::TABLE_BILLING_MODE, Kind::String, Required, "`PAY_PER_REQUEST` (on-demand) or `PROVISIONED`.")
            .check(Check::OneOf(&["PAY_PER_REQUEST", "PROVISIONED"])),
            (|x: &TableCapacity| x.billing_mode.map_or(Val::Null, |m| Val::Str(m.as_aws().to_string())),
             |x: &mut TableCapacity, v: Val| x.billing_mode = billing(v))),
        with!(field(names::TABLE_READ_CAPACITY, Int, OptionalComputed, "Provisioned read units when `PROVISIONED` (the starting point under auto scaling).")
            .check(int(1, None, names::TABLE_READ_CAPACITY)), opt_int!(TableCapacity, read_capacity)),
        with!(field(names::TABLE_WRITE_CAPACITY, Int, OptionalComputed, "Provisioned write units when `PROVISIONED`.")
            .check(int(1, None, names::TABLE_WRITE_CAPACITY)), opt_int!(TableCapacity, write_capacity)),
    ],
    blocks: &[&AUTOSCALING],
};

/// The auto scaling of a table: a grouping of its two dimensions, which
/// fill the table's `read_autoscaling` and `write_autoscaling`.
pub static AUTOSCALING: Block<TableCapacity> = Block {
    name: "autoscaling",
    location: "autoscaling",
    nesting: Nesting::Single,
    text: "Auto scaling for a PROVISIONED table. Switching the table to PAY_PER_REQUEST deregisters it, since AWS would otherwise keep the settings.",
    fields: &[],
    blocks: &[&SCALING_READ, &SCALING_WRITE],
};

macro_rules! dimension {
    ($name:literal, $text:literal) => {
        Block {
            name: $name,
            location: $name,
            nesting: Nesting::Single,
            text: $text,
            fields: &[
                with!(
                    field(
                        names::SCALING_MIN_CAPACITY,
                        Int,
                        Required,
                        "Minimum provisioned units (at least 1)."
                    )
                    .check(int(1, INT32, "min_capacity")),
                    opt_int!(AutoScaling, min_capacity)
                ),
                with!(
                    field(
                        names::SCALING_MAX_CAPACITY,
                        Int,
                        Required,
                        "Maximum provisioned units. The default per-table quota is 40,000."
                    )
                    .check(int(1, INT32, "max_capacity")),
                    opt_int!(AutoScaling, max_capacity)
                ),
                with!(
                    field(
                        names::SCALING_TARGET_UTILIZATION,
                        Number,
                        OptionalComputed,
                        "Target utilization in percent, 20 to 90."
                    )
                    .default(
                        DefaultValue::Number(AutoScaling::DEFAULT_TARGET_UTILIZATION),
                        DefaultUse::Planned
                    )
                    .check(range(0.0, None, "target_utilization (percent)")),
                    opt_num!(AutoScaling, target_utilization)
                ),
                with!(
                    field(
                        names::SCALING_SCALE_IN_COOLDOWN,
                        Int,
                        OptionalComputed,
                        "Seconds between scale-in activities."
                    )
                    .default(
                        DefaultValue::Int(AutoScaling::DEFAULT_COOLDOWN_SECONDS),
                        DefaultUse::Planned
                    )
                    .check(int(0, INT32, "scale_in_cooldown")),
                    opt_int!(AutoScaling, scale_in_cooldown)
                ),
                with!(
                    field(
                        names::SCALING_SCALE_OUT_COOLDOWN,
                        Int,
                        OptionalComputed,
                        "Seconds between scale-out activities."
                    )
                    .default(
                        DefaultValue::Int(AutoScaling::DEFAULT_COOLDOWN_SECONDS),
                        DefaultUse::Planned
                    )
                    .check(int(0, INT32, "scale_out_cooldown")),
                    opt_int!(AutoScaling, scale_out_cooldown)
                ),
            ],
            blocks: &[],
        }
    };
}

pub static SCALING_READ: Block<AutoScaling> = dimension!(
    "read",
    "Target tracking auto scaling of the table's read capacity (Application Auto Scaling scalable target and policy)."
);
pub static SCALING_WRITE: Block<AutoScaling> = dimension!(
    "write",
    "Target tracking auto scaling of the table's write capacity (Application Auto Scaling scalable target and policy)."
);

const TTL_MAX: Option<i64> = Some(31_536_000 * 100);

pub static CACHE_POLICY: Block<CachePolicy, CachePolicyReported> = Block {
    name: "cache_policy",
    location: "cache_policy",
    nesting: Nesting::Single,
    text: "A CloudFront cache policy. It has no effect until a distribution's cache behaviour uses it. Updates use the policy's ETag; destroy deletes it, and says which distributions still use it if AWS refuses.",
    fields: &[
        with!(field(names::NAME, Kind::String, Required, "Unique name of the policy in the account, e.g. `SmuppyAPICache`.")
            .check(Check::Id(ids::cache_policy_name, "Invalid cache policy name")), string!(CachePolicy, name)),
        // Its length (at most 128 characters) is checked by the front ends.
        with!(field(names::CACHE_COMMENT, Kind::String, OptionalComputed, "Comment, up to 128 characters."), opt_str!(CachePolicy, comment)),
        with!(field(names::CACHE_MIN_TTL, Int, Required, "Minimum TTL in seconds. Above 0, CloudFront caches even `no-store` and `private` responses.")
            .check(int(0, TTL_MAX, names::CACHE_MIN_TTL)), opt_int!(CachePolicy, min_ttl)),
        with!(field(names::CACHE_DEFAULT_TTL, Int, OptionalComputed, "Default TTL in seconds (AWS default 86,400).")
            .check(int(0, TTL_MAX, names::CACHE_DEFAULT_TTL)), opt_int!(CachePolicy, default_ttl)),
        with!(field(names::CACHE_MAX_TTL, Int, OptionalComputed, "Maximum TTL in seconds (AWS default 31,536,000).")
            .check(int(0, TTL_MAX, names::CACHE_MAX_TTL)), opt_int!(CachePolicy, max_ttl)),
        with!(field(names::CACHE_GZIP, Bool, OptionalComputed, "Normalise `Accept-Encoding: gzip` into the cache key.")
            .default(DefaultValue::Bool(false), DefaultUse::Mapped), flag!(CachePolicy, enable_gzip)),
        with!(field(names::CACHE_BROTLI, Bool, OptionalComputed, "Normalise `Accept-Encoding: br` into the cache key.")
            .default(DefaultValue::Bool(false), DefaultUse::Mapped), flag!(CachePolicy, enable_brotli)),
        with!(field(names::CACHE_HEADER_BEHAVIOR, Kind::String, OptionalComputed, "`none` or `whitelist`. Whitelisted headers are part of the cache key: `Authorization` there means one cache entry per token.")
            .default(DefaultValue::Str("none"), DefaultUse::Mapped)
            .check(Check::OneOf(&["none", "whitelist"])), string!(CachePolicy, header_behavior)),
        with!(field(names::CACHE_HEADERS, Strings, OptionalComputed, "Headers in the cache key when `header_behavior` is `whitelist` (at most 10)."), strs!(CachePolicy, headers)),
        with!(field(names::CACHE_COOKIE_BEHAVIOR, Kind::String, OptionalComputed, "`none`, `whitelist`, `allExcept` or `all`.")
            .default(DefaultValue::Str("none"), DefaultUse::Mapped)
            .check(Check::OneOf(LIST_BEHAVIORS)), string!(CachePolicy, cookie_behavior)),
        with!(field(names::CACHE_COOKIES, Strings, OptionalComputed, "Cookie names for `whitelist` or `allExcept`."), strs!(CachePolicy, cookies)),
        with!(field(names::CACHE_QUERY_STRING_BEHAVIOR, Kind::String, OptionalComputed, "`none`, `whitelist`, `allExcept` or `all`.")
            .default(DefaultValue::Str("none"), DefaultUse::Mapped)
            .check(Check::OneOf(LIST_BEHAVIORS)), string!(CachePolicy, query_string_behavior)),
        with!(field(names::CACHE_QUERY_STRINGS, Strings, OptionalComputed, "Query string names for `whitelist` or `allExcept`."), strs!(CachePolicy, query_strings)),
        reported!(field(names::CACHE_POLICY_ID, Kind::String, Computed, "Id of the cache policy.").renew(Renew::WhenGone),
            opt_str!(CachePolicyReported, id)),
        reported!(field("etag", Kind::String, Computed, "Current ETag of the policy (its version).").renew(Renew::AnySetting),
            opt_str!(CachePolicyReported, etag)),
    ],
    blocks: &[],
};

pub static DASHBOARD: Block<Dashboard, DashboardReported> = Block {
    name: "dashboard",
    location: "dashboard",
    nesting: Nesting::Single,
    text: "A CloudWatch dashboard generated from the profile's components: API Gateway 5XXError, Latency and Count; Lambda ConcurrentExecutions, Duration, Errors and Throttles; DynamoDB ConsumedReadCapacityUnits and ThrottledRequests. The body is generated deterministically, so it never shows a spurious diff.",
    fields: &[
        with!(field(names::NAME, Kind::String, Required, "Dashboard name (letters, digits, `-` and `_`, up to 255), e.g. `SmuppyScaling`.")
            .check(Check::Id(ids::dashboard_name, "Invalid dashboard name")), string!(Dashboard, name)),
        reported!(field("arn", Kind::String, Computed, "ARN of the dashboard.").renew(Renew::with(&["name"])),
            opt_str!(DashboardReported, arn)),
        reported!(field(names::DASHBOARD_BODY_IN_SYNC, Bool, Computed, "Whether the dashboard AWS holds is the one generated from the profile. A change made outside Terraform, or a deleted dashboard, reads as `false`, and the next apply puts the generated body back.")
            .renew(Renew::Planned(DefaultValue::Bool(true))), flag!(DashboardReported, body_in_sync)),
    ],
    blocks: &[],
};

pub static ACCELERATOR: Block<Accelerator, AcceleratorReported> = Block {
    name: "global_accelerator",
    location: "global_accelerator",
    nesting: Nesting::Single,
    text: "An optional Global Accelerator (accelerator, one listener, one endpoint group). Its endpoints can only be Application or Network Load Balancers, EC2 instances or Elastic IPs: it cannot front API Gateway. Its API lives in us-west-2 whatever the provider's region. Destroy disables it, then deletes the endpoint group, listener and accelerator; its static IPs are lost.",
    fields: &[
        with!(field(names::NAME, Kind::String, Required, "Accelerator name (up to 64 letters, digits, `.` and `-`).")
            .check(Check::Id(ids::accelerator_name, "Invalid accelerator name")), string!(Accelerator, name)),
        with!(field(names::ACCELERATOR_ENABLED, Bool, OptionalComputed, "Whether the accelerator is enabled.")
            .default(DefaultValue::Bool(true), DefaultUse::Mapped), flag!(Accelerator, enabled)),
        with!(field(names::ACCELERATOR_IP_ADDRESS_TYPE, Kind::String, OptionalComputed, "`IPV4` or `DUAL_STACK`.")
            .default(DefaultValue::Str("IPV4"), DefaultUse::Mapped)
            .check(Check::OneOf(&["IPV4", "DUAL_STACK"])), string!(Accelerator, ip_address_type)),
        // Each port's range (1 to 65535) is checked by the front ends.
        with!(field(names::ACCELERATOR_PORTS, Ints, OptionalComputed, "Listener ports.")
            .default(DefaultValue::Ints(&[443]), DefaultUse::Mapped),
            (|x: &Accelerator| Val::Ints(x.ports.clone()), |x: &mut Accelerator, v: Val| x.ports = v.ints())),
        with!(field(names::ACCELERATOR_PROTOCOL, Kind::String, OptionalComputed, "Listener protocol, `TCP` or `UDP`.")
            .default(DefaultValue::Str("TCP"), DefaultUse::Mapped)
            .check(Check::OneOf(&["TCP", "UDP"])), string!(Accelerator, protocol)),
        with!(field(names::ACCELERATOR_ENDPOINT_GROUP_REGION, Kind::String, OptionalComputed, "Region of the endpoint group. Defaults to the provider's region.")
            .check(Check::Id(ids::region, "Invalid endpoint_group_region")), opt_str!(Accelerator, endpoint_group_region)),
        with!(field(names::ACCELERATOR_ENDPOINT_ID, Kind::String, Required, "ALB or NLB ARN, EC2 instance id (`i-…`) or Elastic IP allocation id (`eipalloc-…`).")
            .check(Check::Id(ids::endpoint_id, "Invalid endpoint_id")), opt_str!(Accelerator, endpoint_id)),
        reported!(field(names::ACCELERATOR_ARN, Kind::String, Computed, "ARN of the accelerator.").renew(Renew::WhenGone),
            opt_str!(AcceleratorReported, arn)),
        reported!(field("dns_name", Kind::String, Computed, "DNS name of the accelerator."),
            opt_str!(AcceleratorReported, dns_name)),
        reported!(field("ip_addresses", Strings, Computed, "Static IP addresses of the accelerator.").renew(Renew::with(&[names::ACCELERATOR_IP_ADDRESS_TYPE])),
            strs!(AcceleratorReported, ip_addresses)),
    ],
    blocks: &[],
};

pub static BUDGET: Block<Budget> = Block {
    name: "budget",
    location: "budget",
    nesting: Nesting::Single,
    text: "A monthly budget the cost estimate is held against.",
    fields: &[
        with!(
            field(
                names::BUDGET_MONTHLY_USD,
                Number,
                Required,
                "Monthly budget in US dollars."
            )
            .check(range(0.0, None, names::BUDGET_MONTHLY_USD)),
            (
                |x: &Budget| Val::Num(x.monthly_usd),
                |x: &mut Budget, v: Val| x.monthly_usd = v.num().unwrap_or(f64::NAN)
            )
        ),
        with!(
            text!(
                "enforce",
                Bool,
                Optional,
                "Fail the plan (instead of warning) when the estimate exceeds the budget."
            )
            .default(DefaultValue::Bool(false), DefaultUse::Mapped),
            flag!(Budget, enforce)
        ),
    ],
    blocks: &[],
};
