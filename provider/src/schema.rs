//! The schemas of the provider block and of `smuppy_scaling_profile`.
//!
//! Every attribute has a description (markdown); the registry-style docs are
//! generated from them. Settings a profile manages are optional+computed:
//! left out, the provider leaves the setting as AWS has it and shows the
//! value it read; set, the provider converges AWS onto it. A setting with a
//! documented default AWS would not pick by itself (the auto scaling target
//! and cooldowns) is planned as that default when left out
//! ([`planned_default`]): apply sends it, state records what AWS reports,
//! and any other value on AWS is drift.

use scaling::AutoScaling;
use tfplugin::{Attribute, Block, NestedBlock, Nesting, Schema, Type, Value};

/// Name of the one resource type.
pub const RESOURCE_TYPE: &str = "smuppy_scaling_profile";

/// Current schema version of `smuppy_scaling_profile` state.
pub const RESOURCE_SCHEMA_VERSION: i64 = 0;

/// The AWS services whose endpoints the provider block can override, in the
/// order the docs list them. Keys are the official AWS provider's names.
pub const ENDPOINT_SERVICES: &[(&str, &str)] = &[
    ("apigateway", "API Gateway (REST stages, account throttle)"),
    ("lambda", "Lambda"),
    ("dynamodb", "DynamoDB"),
    (
        "applicationautoscaling",
        "Application Auto Scaling (DynamoDB auto scaling)",
    ),
    ("cloudfront", "CloudFront (cache policies)"),
    ("cloudwatch", "CloudWatch (dashboards)"),
    ("servicequotas", "Service Quotas"),
    (
        "globalaccelerator",
        "Global Accelerator (its API lives in us-west-2)",
    ),
    (
        "sts",
        "STS (GetCallerIdentity for the account guard, AssumeRole and AssumeRoleWithWebIdentity)",
    ),
];

/// Role session durations the provider accepts (STS's own bounds: 15 minutes
/// up to the role's maximum, at most 12 hours).
pub const ROLE_DURATION_MIN_SECS: u64 = 15 * 60;
pub const ROLE_DURATION_MAX_SECS: u64 = 12 * 3600;

/// `retry_mode` values.
pub const RETRY_MODES: &[&str] = &["standard", "adaptive"];

fn duration_doc() -> String {
    format!(
        "How long the role session lasts, as a duration string of numbers with units `h`, `m`, `s` (also `ms`, `us`, `ns`), e.g. `\"1h\"` or `\"1h30m\"`, between 15 minutes and 12 hours (and no longer than the role's maximum session duration). Default `{}s`.",
        scaling_aws::credentials::DEFAULT_ROLE_DURATION.as_secs()
    )
}

fn assume_role_block() -> NestedBlock {
    let b = Block::new(
        "A role to assume with STS AssumeRole, as in the official AWS provider: the provider's other credentials (the standard chain, `profile`, or `assume_role_with_web_identity`) call AssumeRole and every AWS call then uses the role's temporary credentials.",
    )
    .attr(Attribute::required("role_arn", Type::String).describe("ARN of the IAM role to assume, e.g. `arn:aws:iam::210987654321:role/smuppy-deploy`."))
    .attr(Attribute::optional("session_name", Type::String).describe(&format!("Role session name (2 to 64 characters of `[\\w+=,.@-]`), visible in CloudTrail and in the assumed role's ARN. Default `{}`.", scaling_aws::credentials::DEFAULT_SESSION_NAME)))
    .attr(Attribute::optional("external_id", Type::String).describe("External ID the role's trust policy requires (2 to 1,224 characters of `[\\w+=,.@:/-]`)."))
    .attr(Attribute::optional("duration", Type::String).describe(&duration_doc()))
    .attr(Attribute::optional("policy", Type::String).describe("IAM policy JSON that further restricts the session's permissions (a session policy)."))
    .attr(Attribute::optional("tags", Type::map(Type::String)).describe("Session tags, key to value."));
    NestedBlock::new("assume_role", Nesting::List, b).max_items(1)
}

fn web_identity_block() -> NestedBlock {
    let b = Block::new(
        "A role to assume with STS AssumeRoleWithWebIdentity (an OIDC token, e.g. from a CI system), as in the official AWS provider. It replaces the standard credential chain; with `assume_role` also set, that role is assumed from this one.",
    )
    .attr(Attribute::required("role_arn", Type::String).describe("ARN of the IAM role to assume."))
    .attr(Attribute::optional("session_name", Type::String).describe(&format!("Role session name (2 to 64 characters of `[\\w+=,.@-]`). Default `{}`.", scaling_aws::credentials::DEFAULT_SESSION_NAME)))
    .attr(Attribute::optional("web_identity_token", Type::String).sensitive().describe("The OIDC token itself. Sensitive: never shown in plans, logs or diagnostics. Conflicts with `web_identity_token_file`; one of the two is required."))
    .attr(Attribute::optional("web_identity_token_file", Type::String).describe("Path of a file holding the OIDC token, read again whenever the credentials are refreshed."))
    .attr(Attribute::optional("duration", Type::String).describe(&duration_doc()))
    .attr(Attribute::optional("policy", Type::String).describe("IAM policy JSON that further restricts the session's permissions."));
    NestedBlock::new("assume_role_with_web_identity", Nesting::List, b).max_items(1)
}

pub fn provider_schema() -> Schema {
    let mut endpoints = Block::new(
        "Per-service endpoint URLs, as in the official AWS provider: point a service at an emulator or a VPC endpoint. Unset services use AWS's regular endpoints.",
    );
    for (name, what) in ENDPOINT_SERVICES {
        endpoints = endpoints.attr(
            Attribute::optional(name, Type::String).describe(&format!("Endpoint URL for {what}.")),
        );
    }
    Schema {
        version: 0,
        block: Block::new(
            "The smuppy provider turns an API scaling plan into AWS settings. Credentials come from the standard AWS chain (environment, shared config and credentials files with `profile`, SSO, web identity, container and instance roles), optionally followed by an assumed role (`assume_role`, `assume_role_with_web_identity`); the provider block takes no access keys. Set `allowed_account_ids` so a run against the wrong account stops before it changes anything.",
        )
        .attr(Attribute::optional("region", Type::String).describe(
            "AWS region of the regional services (API Gateway, Lambda, DynamoDB, Application Auto Scaling, Service Quotas). Defaults to the standard chain (`AWS_REGION`, the profile's region). CloudFront is always called in us-east-1 and Global Accelerator in us-west-2.",
        ))
        .attr(Attribute::optional("profile", Type::String).describe(
            "Named profile of the shared AWS config and credentials files. Defaults to `AWS_PROFILE` or `default`.",
        ))
        .attr(Attribute::optional("max_retries", Type::Number).describe(&format!(
            "How many times a throttled or failed AWS call is retried (exponential backoff with jitter, paced by retry_mode). Default {}; 0 disables retries.",
            scaling_aws::client::DEFAULT_MAX_RETRIES
        ),
        ))
        .attr(Attribute::optional("retry_mode", Type::String).describe(
            "How retries are paced: `standard` (default: exponential backoff with jitter) or `adaptive` (standard, plus a client-side rate limiter that slows the provider down while AWS throttles).",
        ))
        .attr(Attribute::optional("shared_config_files", Type::list(Type::String)).describe(
            "Paths of the shared config files to read instead of `~/.aws/config` (`~` is expanded). Every file listed must exist.",
        ))
        .attr(Attribute::optional("shared_credentials_files", Type::list(Type::String)).describe(
            "Paths of the shared credentials files to read instead of `~/.aws/credentials` (`~` is expanded). Every file listed must exist.",
        ))
        .attr(Attribute::optional("allowed_account_ids", Type::set(Type::String)).describe(
            "The only AWS accounts the provider may work in. When the provider is configured (every plan and apply), STS GetCallerIdentity tells which account the credentials reach; any other account stops the run before any AWS write, with an error naming both. Conflicts with `forbidden_account_ids`.",
        ))
        .attr(Attribute::optional("forbidden_account_ids", Type::set(Type::String)).describe(
            "AWS accounts the provider must never work in, checked like `allowed_account_ids`. Conflicts with it.",
        ))
        .attr(Attribute::optional("custom_ca_bundle", Type::String).describe(
            "Path of a PEM file of extra trusted CA certificates (a TLS-inspecting proxy's, or a private endpoint's), added to the system's roots for every AWS call.",
        ))
        .attr(Attribute::optional("http_proxy", Type::String).sensitive().describe(
            "URL of the proxy (`http://` or `https://`) every AWS API request goes through, HTTPS ones included. Unset: no proxy (the `HTTP_PROXY` and `HTTPS_PROXY` environment variables are not read). Sensitive, since a proxy URL may carry a password.",
        ))
        .block(assume_role_block())
        .block(web_identity_block())
        .block(
            NestedBlock::new("endpoints", Nesting::List, endpoints).max_items(1),
        ),
    }
}

fn num(name: &str, what: &str) -> Attribute {
    Attribute::optional_computed(name, Type::Number).describe(what)
}

fn traffic_block() -> NestedBlock {
    let b = Block::new(
        "The traffic model the profile must carry. The rule engine checks capacity, limits and cost against it at plan time; nothing here is sent to AWS.",
    )
    .attr(Attribute::optional("peak_rps", Type::Number).describe("Target peak requests per second at the edge (CloudFront), e.g. `100000`."))
    .attr(Attribute::optional("latency_ms", Type::Number).describe("Average origin latency (Lambda duration) in milliseconds, e.g. the measured `55`. Drives the concurrency needed (Little's law)."))
    .attr(Attribute::optional("cache_hit_ratio", Type::Number).describe("Share of requests CloudFront answers from its cache, 0 to 1. Only the rest reaches API Gateway."))
    .attr(Attribute::optional("reads_per_request", Type::Number).describe("DynamoDB reads per origin request. Default 1."))
    .attr(Attribute::optional("writes_per_request", Type::Number).describe("DynamoDB writes per origin request. Default 0."))
    .attr(Attribute::optional("average_to_peak_ratio", Type::Number).describe("Average traffic over a month divided by the peak, 0 to 1; the cost estimate uses it. Default 1 (peak sustained all month)."))
    .attr(Attribute::optional("monthly_requests", Type::Number).describe("Requests per month, when known directly; overrides `peak_rps × average_to_peak_ratio` for cost."))
    .attr(Attribute::optional("response_bytes", Type::Number).describe("Average response size in bytes (CloudFront data transfer). Default 1024."))
    .attr(Attribute::optional("item_size_kb", Type::Number).describe("Size of a DynamoDB item read, in KB (one read unit per 4 KB). Default 4."))
    .attr(Attribute::optional("strongly_consistent_reads", Type::Bool).describe("Whether reads are strongly consistent (1 unit per 4 KB) or eventually consistent (0.5). Default true."))
    .attr(Attribute::optional("architecture", Type::String).describe("Lambda architecture for pricing: `x86_64` (default) or `arm64`."));
    NestedBlock::new("traffic", Nesting::List, b).max_items(1)
}

fn quota_block() -> NestedBlock {
    let b = Block::new(
        "A Service Quotas increase request, e.g. API Gateway's account throttle `apigateway`/`L-8A5B8E43` or Lambda's concurrent executions `lambda`/`L-B99A9384`. A request is filed only when the applied value is below `desired_value` and no request for that quota is open; an open request is adopted, so re-applies never file twice. When the last request is closed (denied, for instance) and the quota is still below `desired_value`, the plan warns and the apply files a new one. A request cannot be withdrawn: destroy only forgets it, with a warning.",
    )
    .attr(Attribute::required("service_code", Type::String).describe("Service Quotas service code, e.g. `apigateway`."))
    .attr(Attribute::required("quota_code", Type::String).describe("Quota code, e.g. `L-8A5B8E43`."))
    .attr(Attribute::required("desired_value", Type::Number).describe("The value to ask for. Must not be below the applied value."))
    .attr(Attribute::computed("applied_value", Type::Number).describe("The value in force now (the AWS default when the quota was never raised)."))
    .attr(Attribute::computed("request_id", Type::String).describe("Id of the increase request filed or adopted, if any."))
    .attr(Attribute::computed("status", Type::String).describe("Status of that request as AWS reports it: `PENDING`, `CASE_OPENED`, `APPROVED`, `DENIED`, `CASE_CLOSED`, `NOT_APPROVED` or `INVALID_REQUEST`; `APPLIED` when no request is needed."));
    NestedBlock::new("quota_request", Nesting::List, b)
}

fn api_gateway_block() -> NestedBlock {
    let b = Block::new(
        "The stage-wide throttle of a REST API stage, set as the `*/*` method setting (patch paths `/*/*/throttling/rateLimit` and `/*/*/throttling/burstLimit`). Destroy restores the throttle that was there before and leaves the stage's other method settings (logging, metrics, caching) alone.",
    )
    .attr(Attribute::required("rest_api_id", Type::String).describe("Id of the REST API, e.g. `bmkd8zayee`."))
    .attr(Attribute::required("stage_name", Type::String).describe("Name of the stage, e.g. `staging`."))
    .attr(num("rate_limit", "Steady-state requests per second for the whole stage. It cannot exceed the account throttle (10,000 by default; quota `L-8A5B8E43`)."))
    .attr(num("burst_limit", "Token-bucket burst for the whole stage. AWS caps it at the account burst (5,000 by default), which customers cannot raise. Requires `rate_limit`."))
    .attr(Attribute::optional("integration_timeout_ms", Type::Number).describe("The integration timeout in milliseconds the API uses; 29,000 unless raised by a quota. The rule engine checks Lambda timeouts against it; nothing is sent to AWS."));
    NestedBlock::new("api_gateway", Nesting::List, b).max_items(1)
}

fn lambda_block() -> NestedBlock {
    let b = Block::new(
        "One Lambda function (a pool of the architecture). Order of changes: memory and timeout (then, with `publish_on_change`, a new version and the alias moved to it), reserved concurrency, provisioned concurrency (waited on until READY). Destroy removes provisioned and reserved concurrency and restores the memory and timeout that were there before.",
    )
    .attr(Attribute::required("function_name", Type::String).describe("Name of the function, e.g. `smuppy-api-handler`."))
    .attr(num("reserved_concurrency", "Reserved concurrent executions for the function (`PutFunctionConcurrency`). The account must keep 100 unreserved."))
    .attr(num("provisioned_concurrency", "Provisioned concurrent executions on `qualifier`. Must not exceed `reserved_concurrency`."))
    .attr(Attribute::optional("qualifier", Type::String).describe("Alias or published version that carries the provisioned concurrency, e.g. `prod`. `$LATEST` is not accepted by AWS."))
    .attr(num("memory_size", "Memory in MB, 128 to 10,240. A change reaches `$LATEST` only: the alias keeps its published version's memory unless `publish_on_change` is set."))
    .attr(num("timeout", "Timeout in seconds, 1 to 900. Behind API Gateway it should stay under the integration timeout (29 s)."))
    .attr(Attribute::optional("publish_on_change", Type::Bool).describe("When memory or timeout change, publish a new version and move the `qualifier` alias to it, so the alias serves the new settings. This re-allocates provisioned concurrency on the new version. Default false: the plan warns that the alias keeps its old settings."))
    .attr(Attribute::computed("qualifier_version", Type::String).describe("The published version the qualifier points to."))
    .attr(Attribute::computed("provisioned_status", Type::String).describe("Provisioned concurrency status: `READY`, `IN_PROGRESS` or `FAILED`."));
    NestedBlock::new("lambda", Nesting::List, b)
}

/// The value the plan fills in for an attribute of the block `block` (the
/// type name of a nested block) that the configuration leaves out, where the
/// schema documents a default AWS would not apply by itself: apply sends it,
/// state records what AWS reports, and a different value on AWS is drift.
/// The constants are the one source; the descriptions quote them.
pub fn planned_default(block: &str, attr: &str) -> Option<Value> {
    match (block, attr) {
        ("read" | "write", "target_utilization") => {
            Some(Value::float(AutoScaling::DEFAULT_TARGET_UTILIZATION))
        }
        ("read" | "write", "scale_in_cooldown" | "scale_out_cooldown") => {
            Some(Value::int(AutoScaling::DEFAULT_COOLDOWN_SECONDS))
        }
        _ => None,
    }
}

fn autoscaling_dimension(name: &str, what: &str) -> NestedBlock {
    let b = Block::new(&format!(
        "Target tracking auto scaling of the table's {what} capacity (Application Auto Scaling scalable target and policy)."
    ))
    .attr(Attribute::required("min_capacity", Type::Number).describe("Minimum provisioned units (at least 1)."))
    .attr(Attribute::required("max_capacity", Type::Number).describe("Maximum provisioned units. The default per-table quota is 40,000."))
    .attr(Attribute::optional_computed("target_utilization", Type::Number).describe(&format!("Target utilization in percent, 20 to 90. Default {}.", AutoScaling::DEFAULT_TARGET_UTILIZATION)))
    .attr(Attribute::optional_computed("scale_in_cooldown", Type::Number).describe(&format!("Seconds between scale-in activities. Default {}.", AutoScaling::DEFAULT_COOLDOWN_SECONDS)))
    .attr(Attribute::optional_computed("scale_out_cooldown", Type::Number).describe(&format!("Seconds between scale-out activities. Default {}.", AutoScaling::DEFAULT_COOLDOWN_SECONDS)));
    NestedBlock::new(name, Nesting::List, b).max_items(1)
}

fn dynamodb_block() -> NestedBlock {
    let autoscaling = Block::new(
        "Auto scaling for a PROVISIONED table. Switching the table to PAY_PER_REQUEST deregisters it, since AWS would otherwise keep the settings.",
    )
    .block(autoscaling_dimension("read", "read"))
    .block(autoscaling_dimension("write", "write"));
    let b = Block::new(
        "One DynamoDB table's capacity mode. AWS limits switches to on-demand (4 per rolling 24 h); a refused switch is reported as such. Destroy restores the mode and throughput that were there before and deregisters the auto scaling the profile added.",
    )
    .attr(Attribute::required("table_name", Type::String).describe("Name of the table, e.g. `smuppy-feeds-staging`."))
    .attr(Attribute::required("billing_mode", Type::String).describe("`PAY_PER_REQUEST` (on-demand) or `PROVISIONED`."))
    .attr(num("read_capacity", "Provisioned read units when `PROVISIONED` (the starting point under auto scaling)."))
    .attr(num("write_capacity", "Provisioned write units when `PROVISIONED`."))
    .block(NestedBlock::new("autoscaling", Nesting::List, autoscaling).max_items(1));
    NestedBlock::new("dynamodb", Nesting::List, b)
}

fn cache_policy_block() -> NestedBlock {
    let b = Block::new(
        "A CloudFront cache policy. It has no effect until a distribution's cache behaviour uses it. Updates use the policy's ETag; destroy deletes it, and says which distributions still use it if AWS refuses.",
    )
    .attr(Attribute::required("name", Type::String).describe("Unique name of the policy in the account, e.g. `SmuppyAPICache`."))
    .attr(Attribute::optional_computed("comment", Type::String).describe("Comment, up to 128 characters."))
    .attr(Attribute::required("min_ttl", Type::Number).describe("Minimum TTL in seconds. Above 0, CloudFront caches even `no-store` and `private` responses."))
    .attr(num("default_ttl", "Default TTL in seconds (AWS default 86,400)."))
    .attr(num("max_ttl", "Maximum TTL in seconds (AWS default 31,536,000)."))
    .attr(Attribute::optional_computed("enable_accept_encoding_gzip", Type::Bool).describe("Normalise `Accept-Encoding: gzip` into the cache key. Default false."))
    .attr(Attribute::optional_computed("enable_accept_encoding_brotli", Type::Bool).describe("Normalise `Accept-Encoding: br` into the cache key. Default false."))
    .attr(Attribute::optional_computed("header_behavior", Type::String).describe("`none` (default) or `whitelist`. Whitelisted headers are part of the cache key: `Authorization` there means one cache entry per token."))
    .attr(Attribute::optional_computed("headers", Type::list(Type::String)).describe("Headers in the cache key when `header_behavior` is `whitelist` (at most 10)."))
    .attr(Attribute::optional_computed("cookie_behavior", Type::String).describe("`none` (default), `whitelist`, `allExcept` or `all`."))
    .attr(Attribute::optional_computed("cookies", Type::list(Type::String)).describe("Cookie names for `whitelist` or `allExcept`."))
    .attr(Attribute::optional_computed("query_string_behavior", Type::String).describe("`none` (default), `whitelist`, `allExcept` or `all`."))
    .attr(Attribute::optional_computed("query_strings", Type::list(Type::String)).describe("Query string names for `whitelist` or `allExcept`."))
    .attr(Attribute::computed("id", Type::String).describe("Id of the cache policy."))
    .attr(Attribute::computed("etag", Type::String).describe("Current ETag of the policy (its version)."));
    NestedBlock::new("cache_policy", Nesting::List, b).max_items(1)
}

fn dashboard_block() -> NestedBlock {
    let b = Block::new(
        "A CloudWatch dashboard generated from the profile's components: API Gateway 5XXError, Latency and Count; Lambda ConcurrentExecutions, Duration, Errors and Throttles; DynamoDB ConsumedReadCapacityUnits and ThrottledRequests. The body is generated deterministically, so it never shows a spurious diff.",
    )
    .attr(Attribute::required("name", Type::String).describe("Dashboard name (letters, digits, `-` and `_`, up to 255), e.g. `SmuppyScaling`."))
    .attr(Attribute::computed("arn", Type::String).describe("ARN of the dashboard."))
    .attr(Attribute::computed("body_in_sync", Type::Bool).describe("Whether the dashboard AWS holds is the one generated from the profile. A change made outside Terraform, or a deleted dashboard, reads as `false`, and the next apply puts the generated body back."));
    NestedBlock::new("dashboard", Nesting::List, b).max_items(1)
}

fn accelerator_block() -> NestedBlock {
    let b = Block::new(
        "An optional Global Accelerator (accelerator, one listener, one endpoint group). Its endpoints can only be Application or Network Load Balancers, EC2 instances or Elastic IPs: it cannot front API Gateway. Its API lives in us-west-2 whatever the provider's region. Destroy disables it, then deletes the endpoint group, listener and accelerator; its static IPs are lost.",
    )
    .attr(Attribute::required("name", Type::String).describe("Accelerator name (up to 64 letters, digits, `.` and `-`)."))
    .attr(Attribute::optional_computed("enabled", Type::Bool).describe("Whether the accelerator is enabled. Default true."))
    .attr(Attribute::optional_computed("ip_address_type", Type::String).describe("`IPV4` (default) or `DUAL_STACK`."))
    .attr(Attribute::optional_computed("ports", Type::list(Type::Number)).describe("Listener ports. Default `[443]`."))
    .attr(Attribute::optional_computed("protocol", Type::String).describe("Listener protocol, `TCP` (default) or `UDP`."))
    .attr(Attribute::optional_computed("endpoint_group_region", Type::String).describe("Region of the endpoint group. Defaults to the provider's region."))
    .attr(Attribute::required("endpoint_id", Type::String).describe("ALB or NLB ARN, EC2 instance id (`i-…`) or Elastic IP allocation id (`eipalloc-…`)."))
    .attr(Attribute::computed("arn", Type::String).describe("ARN of the accelerator."))
    .attr(Attribute::computed("dns_name", Type::String).describe("DNS name of the accelerator."))
    .attr(Attribute::computed("ip_addresses", Type::list(Type::String)).describe("Static IP addresses of the accelerator."));
    NestedBlock::new("global_accelerator", Nesting::List, b).max_items(1)
}

fn budget_block() -> NestedBlock {
    let b = Block::new("A monthly budget the cost estimate is held against.")
        .attr(Attribute::required("monthly_usd", Type::Number).describe("Monthly budget in US dollars."))
        .attr(Attribute::optional("enforce", Type::Bool).describe("Fail the plan (instead of warning) when the estimate exceeds the budget. Default false."));
    NestedBlock::new("budget", Nesting::List, b).max_items(1)
}

/// The type of the computed `capacity` attribute.
pub fn capacity_type() -> Type {
    Type::object([
        ("origin_rps", Type::Number),
        ("required_concurrency", Type::Number),
        ("max_sustainable_rps", Type::Number),
        ("bottleneck", Type::String),
        ("headroom", Type::Number),
    ])
}

pub fn resource_schema() -> Schema {
    Schema {
        version: RESOURCE_SCHEMA_VERSION,
        block: Block::new(
            "Everything that must hold for an API (CloudFront → API Gateway → Lambda → DynamoDB) to carry a target load, as one resource: Service Quotas requests, the stage throttle, Lambda concurrency and memory, DynamoDB capacity, a CloudFront cache policy, a CloudWatch dashboard and optionally a Global Accelerator. The plan checks capacity, AWS limits, safety and cost; apply changes only what differs and runs independent components concurrently; destroy returns every setting to what it was before the profile took over.",
        )
        .attr(Attribute::computed("id", Type::String).describe("The profile's name."))
        .attr(Attribute::required("name", Type::String).describe("Name of the profile, e.g. `staging`."))
        .attr(Attribute::optional("wait_timeout_seconds", Type::Number).describe(&format!("How long apply waits for asynchronous AWS work (provisioned concurrency allocation, table and function updates) before failing. Default {}.", scaling_aws::run::DEFAULT_WAIT.as_secs())))
        .attr(Attribute::computed("capacity", capacity_type()).describe("Capacity analysis of the traffic model against the profile: origin requests per second after the cache, Lambda concurrency needed (Little's law), the highest sustainable rate of the whole chain, its bottleneck, and headroom (sustainable ÷ target)."))
        .attr(Attribute::computed("estimated_monthly_cost_usd", Type::Number).describe("Estimated monthly cost of the traffic model, from the dated price table."))
        .attr(Attribute::computed("cost_breakdown", Type::map(Type::Number)).describe("The monthly cost estimate per service, in US dollars."))
        .block(traffic_block())
        .block(quota_block())
        .block(api_gateway_block())
        .block(lambda_block())
        .block(dynamodb_block())
        .block(cache_policy_block())
        .block(dashboard_block())
        .block(accelerator_block())
        .block(budget_block()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_described(block: &Block, path: &str, missing: &mut Vec<String>) {
        for a in &block.attributes {
            if a.description.trim().is_empty() {
                missing.push(format!("{path}{}", a.name));
            }
        }
        for b in &block.blocks {
            if b.block.description.trim().is_empty() {
                missing.push(format!("{path}{}", b.type_name));
            }
            all_described(&b.block, &format!("{path}{}.", b.type_name), missing);
        }
    }

    #[test]
    fn every_attribute_and_block_is_described() {
        let mut missing = Vec::new();
        all_described(&resource_schema().block, "", &mut missing);
        all_described(&provider_schema().block, "provider.", &mut missing);
        assert!(missing.is_empty(), "undescribed: {missing:?}");
    }

    #[test]
    fn attribute_flags_are_consistent() {
        fn check(block: &Block) {
            for a in &block.attributes {
                assert!(
                    a.required || a.optional || a.computed,
                    "{} has no mode",
                    a.name
                );
                assert!(!(a.required && a.computed), "{} required+computed", a.name);
            }
            for b in &block.blocks {
                check(&b.block);
            }
        }
        check(&resource_schema().block);
        check(&provider_schema().block);
    }
}
