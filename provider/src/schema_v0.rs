//! The frozen 0.x schema of `smuppy_scaling_profile` (schema version 0):
//! list blocks of at most one item for the single parts, positional
//! `lambda`, `dynamodb` and `quota_request` blocks, `wait_timeout_seconds`.
//!
//! Only used to decode a state written by a 0.x provider before
//! [`crate::resource::upgrade::upgrade_v0`] turns it into 1.0; it is never
//! sent to Terraform, so it carries types and modes, not descriptions. Do not
//! change it: it is what 0.x states were written with
//! (`tests/fixtures/state-0.x/` holds real ones).

use tfplugin::{Attribute, Block, NestedBlock, Nesting, Schema, Type};

/// Version of the states this schema decodes.
pub const VERSION: i64 = 0;

#[derive(Clone, Copy)]
enum Mode {
    Required,
    Optional,
    Computed,
    OptionalComputed,
}
use Mode::*;

fn attrs(list: &[(&str, Type, Mode)]) -> Block {
    list.iter().fold(Block::default(), |b, (name, ty, mode)| {
        b.attr(match mode {
            Required => Attribute::required(name, ty.clone()),
            Optional => Attribute::optional(name, ty.clone()),
            Computed => Attribute::computed(name, ty.clone()),
            OptionalComputed => Attribute::optional_computed(name, ty.clone()),
        })
    })
}

/// A list block; `single` ones held at most one item.
fn list(name: &str, block: Block, single: bool) -> NestedBlock {
    let b = NestedBlock::new(name, Nesting::List, block);
    if single {
        b.max_items(1)
    } else {
        b
    }
}

fn autoscaling() -> NestedBlock {
    let dimension = || {
        attrs(&[
            ("min_capacity", Type::Number, Required),
            ("max_capacity", Type::Number, Required),
            ("target_utilization", Type::Number, OptionalComputed),
            ("scale_in_cooldown", Type::Number, OptionalComputed),
            ("scale_out_cooldown", Type::Number, OptionalComputed),
        ])
    };
    let b = Block::default()
        .block(list("read", dimension(), true))
        .block(list("write", dimension(), true));
    list("autoscaling", b, true)
}

/// The 0.x resource schema.
pub fn resource_schema() -> Schema {
    use Type::{Bool, Number, String};
    let strings = || Type::list(String);
    let traffic = attrs(&[
        ("peak_rps", Number, Optional),
        ("latency_ms", Number, Optional),
        ("cache_hit_ratio", Number, Optional),
        ("reads_per_request", Number, Optional),
        ("writes_per_request", Number, Optional),
        ("average_to_peak_ratio", Number, Optional),
        ("monthly_requests", Number, Optional),
        ("response_bytes", Number, Optional),
        ("item_size_kb", Number, Optional),
        ("strongly_consistent_reads", Bool, Optional),
        ("architecture", String, Optional),
    ]);
    let quota = attrs(&[
        ("service_code", String, Required),
        ("quota_code", String, Required),
        ("desired_value", Number, Required),
        ("applied_value", Number, Computed),
        ("request_id", String, Computed),
        ("status", String, Computed),
    ]);
    let api_gateway = attrs(&[
        ("rest_api_id", String, Required),
        ("stage_name", String, Required),
        ("rate_limit", Number, OptionalComputed),
        ("burst_limit", Number, OptionalComputed),
        ("integration_timeout_ms", Number, Optional),
    ]);
    let lambda = attrs(&[
        ("function_name", String, Required),
        ("reserved_concurrency", Number, OptionalComputed),
        ("provisioned_concurrency", Number, OptionalComputed),
        ("qualifier", String, Optional),
        ("memory_size", Number, OptionalComputed),
        ("timeout", Number, OptionalComputed),
        ("publish_on_change", Bool, Optional),
        ("qualifier_version", String, Computed),
        ("provisioned_status", String, Computed),
    ]);
    let dynamodb = attrs(&[
        ("table_name", String, Required),
        ("billing_mode", String, Required),
        ("read_capacity", Number, OptionalComputed),
        ("write_capacity", Number, OptionalComputed),
    ])
    .block(autoscaling());
    let cache_policy = attrs(&[
        ("name", String, Required),
        ("comment", String, OptionalComputed),
        ("min_ttl", Number, Required),
        ("default_ttl", Number, OptionalComputed),
        ("max_ttl", Number, OptionalComputed),
        ("enable_accept_encoding_gzip", Bool, OptionalComputed),
        ("enable_accept_encoding_brotli", Bool, OptionalComputed),
        ("header_behavior", String, OptionalComputed),
        ("headers", strings(), OptionalComputed),
        ("cookie_behavior", String, OptionalComputed),
        ("cookies", strings(), OptionalComputed),
        ("query_string_behavior", String, OptionalComputed),
        ("query_strings", strings(), OptionalComputed),
        ("id", String, Computed),
        ("etag", String, Computed),
    ]);
    let dashboard = attrs(&[
        ("name", String, Required),
        ("arn", String, Computed),
        ("body_in_sync", Bool, Computed),
    ]);
    let accelerator = attrs(&[
        ("name", String, Required),
        ("enabled", Bool, OptionalComputed),
        ("ip_address_type", String, OptionalComputed),
        ("ports", Type::list(Number), OptionalComputed),
        ("protocol", String, OptionalComputed),
        ("endpoint_group_region", String, OptionalComputed),
        ("endpoint_id", String, Required),
        ("arn", String, Computed),
        ("dns_name", String, Computed),
        ("ip_addresses", strings(), Computed),
    ]);
    let budget = attrs(&[
        ("monthly_usd", Number, Required),
        ("enforce", Bool, Optional),
    ]);
    let capacity = Type::object([
        ("origin_rps", Number),
        ("required_concurrency", Number),
        ("max_sustainable_rps", Number),
        ("bottleneck", String),
        ("headroom", Number),
    ]);
    let top = attrs(&[
        ("id", String, Computed),
        ("name", String, Required),
        ("wait_timeout_seconds", Number, Optional),
        ("capacity", capacity, Computed),
        ("estimated_monthly_cost_usd", Number, Computed),
        ("cost_breakdown", Type::map(Number), Computed),
    ])
    .block(list("traffic", traffic, true))
    .block(list("quota_request", quota, false))
    .block(list("api_gateway", api_gateway, true))
    .block(list("lambda", lambda, false))
    .block(list("dynamodb", dynamodb, false))
    .block(list("cache_policy", cache_policy, true))
    .block(list("dashboard", dashboard, true))
    .block(list("global_accelerator", accelerator, true))
    .block(list("budget", budget, true));
    Schema {
        version: VERSION,
        block: top,
    }
}
