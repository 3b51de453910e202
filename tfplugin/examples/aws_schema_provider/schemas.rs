//! The served subset of the `hashicorp/aws` schemas (types and flags from the
//! AWS provider's documentation) and the defaults it plans for unset
//! attributes. See `main.rs` for what is left out.

use tfplugin::{Attribute, Block, NestedBlock, Nesting, Schema, Type, Value};

/// A served resource: its type name, schema and planned defaults.
pub type Served = (&'static str, Schema, Vec<(&'static [&'static str], Value)>);

pub fn provider() -> Schema {
    Schema {
        version: 0,
        block: Block::new("The AWS provider's settings used by the tests.")
            .attr(Attribute::optional("region", Type::String))
            .attr(Attribute::optional(
                "skip_credentials_validation",
                Type::Bool,
            ))
            .attr(Attribute::optional(
                "skip_requesting_account_id",
                Type::Bool,
            )),
    }
}

pub(crate) fn s(name: &str) -> Attribute {
    Attribute::optional(name, Type::String)
}
pub(crate) fn n(name: &str) -> Attribute {
    Attribute::optional(name, Type::Number)
}
pub(crate) fn b(name: &str) -> Attribute {
    Attribute::optional(name, Type::Bool)
}
pub(crate) fn req(name: &str, ty: Type) -> Attribute {
    Attribute::required(name, ty)
}
pub(crate) fn computed(block: Block, names: &[&str]) -> Block {
    names.iter().fold(block, |blk, name| {
        blk.attr(Attribute::computed(name, Type::String))
    })
}
pub(crate) fn tags(block: Block) -> Block {
    block
        .attr(Attribute::optional("tags", Type::map(Type::String)))
        .attr(Attribute::optional_computed(
            "tags_all",
            Type::map(Type::String),
        ))
}
pub(crate) fn schema(version: i64, block: Block) -> Schema {
    Schema { version, block }
}

pub fn resources() -> Vec<Served> {
    vec![
        (
            "aws_iam_role",
            schema(
                0,
                tags(computed(
                    Block::new("An IAM role.")
                        .attr(Attribute::optional_computed("name", Type::String))
                        .attr(req("assume_role_policy", Type::String)),
                    &["id", "arn", "unique_id"],
                )),
            ),
            vec![],
        ),
        (
            "aws_lambda_function",
            schema(
                0,
                tags(computed(
                    Block::new("A Lambda function.")
                        .attr(req("function_name", Type::String))
                        .attr(req("role", Type::String))
                        .attr(s("handler"))
                        .attr(s("runtime"))
                        .attr(s("filename"))
                        .attr(s("image_uri"))
                        .attr(s("s3_bucket"))
                        .attr(s("s3_key"))
                        .attr(Attribute::optional_computed(
                            "source_code_hash",
                            Type::String,
                        ))
                        .attr(s("description"))
                        .attr(Attribute::optional_computed("package_type", Type::String))
                        .attr(Attribute::optional_computed(
                            "architectures",
                            Type::list(Type::String),
                        ))
                        .attr(Attribute::optional_computed("memory_size", Type::Number))
                        .attr(Attribute::optional_computed("timeout", Type::Number))
                        .attr(Attribute::optional_computed(
                            "reserved_concurrent_executions",
                            Type::Number,
                        ))
                        .attr(b("publish"))
                        .block(
                            NestedBlock::new(
                                "environment",
                                Nesting::List,
                                Block::new("Environment variables.").attr(Attribute::optional(
                                    "variables",
                                    Type::map(Type::String),
                                )),
                            )
                            .max_items(1),
                        ),
                    &[
                        "id",
                        "arn",
                        "invoke_arn",
                        "qualified_arn",
                        "qualified_invoke_arn",
                        "version",
                        "last_modified",
                    ],
                )),
            ),
            vec![
                (&["memory_size"], Value::int(128)),
                (&["timeout"], Value::int(3)),
                (&["reserved_concurrent_executions"], Value::int(-1)),
                (&["package_type"], Value::string("Zip")),
            ],
        ),
        (
            "aws_lambda_alias",
            schema(
                0,
                computed(
                    Block::new("A Lambda alias.")
                        .attr(req("name", Type::String))
                        .attr(req("function_name", Type::String))
                        .attr(req("function_version", Type::String))
                        .attr(s("description")),
                    &["id", "arn", "invoke_arn"],
                ),
            ),
            vec![],
        ),
        (
            "aws_lambda_provisioned_concurrency_config",
            schema(
                1,
                computed(
                    Block::new("Provisioned concurrency of an alias or version.")
                        .attr(req("function_name", Type::String))
                        .attr(req("qualifier", Type::String))
                        .attr(req("provisioned_concurrent_executions", Type::Number))
                        .attr(b("skip_destroy")),
                    &["id"],
                ),
            ),
            vec![],
        ),
        (
            "aws_dynamodb_table",
            schema(
                1,
                tags(computed(
                    Block::new("A DynamoDB table.")
                        .attr(req("name", Type::String))
                        .attr(Attribute::optional_computed("hash_key", Type::String))
                        .attr(Attribute::optional_computed("range_key", Type::String))
                        .attr(Attribute::optional_computed("billing_mode", Type::String))
                        .attr(Attribute::optional_computed("read_capacity", Type::Number))
                        .attr(Attribute::optional_computed("write_capacity", Type::Number))
                        .attr(b("stream_enabled"))
                        .attr(Attribute::optional_computed(
                            "stream_view_type",
                            Type::String,
                        ))
                        .attr(Attribute::optional_computed("table_class", Type::String))
                        .block(NestedBlock::new(
                            "attribute",
                            Nesting::Set,
                            Block::new("A key attribute.")
                                .attr(req("name", Type::String))
                                .attr(req("type", Type::String)),
                        ))
                        .block(NestedBlock::new(
                            "global_secondary_index",
                            Nesting::Set,
                            Block::new("A global secondary index.")
                                .attr(req("name", Type::String))
                                .attr(Attribute::optional("hash_key", Type::String))
                                .attr(s("range_key"))
                                .attr(req("projection_type", Type::String))
                                .attr(Attribute::optional(
                                    "non_key_attributes",
                                    Type::set(Type::String),
                                ))
                                .attr(n("read_capacity"))
                                .attr(n("write_capacity")),
                        ))
                        .block(
                            NestedBlock::new(
                                "ttl",
                                Nesting::List,
                                Block::new("Time to live.")
                                    .attr(s("attribute_name"))
                                    .attr(b("enabled")),
                            )
                            .max_items(1),
                        ),
                    &["id", "arn", "stream_arn", "stream_label"],
                )),
            ),
            vec![(&["billing_mode"], Value::string("PROVISIONED"))],
        ),
        (
            "aws_appautoscaling_target",
            schema(
                2,
                tags(computed(
                    Block::new("A scalable target.")
                        .attr(req("service_namespace", Type::String))
                        .attr(req("resource_id", Type::String))
                        .attr(req("scalable_dimension", Type::String))
                        .attr(req("min_capacity", Type::Number))
                        .attr(req("max_capacity", Type::Number))
                        .attr(Attribute::optional_computed("role_arn", Type::String)),
                    &["id", "arn"],
                )),
            ),
            vec![],
        ),
        (
            "aws_appautoscaling_policy",
            schema(
                0,
                computed(
                    Block::new("A scaling policy.")
                        .attr(req("name", Type::String))
                        .attr(req("resource_id", Type::String))
                        .attr(req("scalable_dimension", Type::String))
                        .attr(req("service_namespace", Type::String))
                        .attr(Attribute::optional("policy_type", Type::String))
                        .attr(Attribute::computed("alarm_arns", Type::list(Type::String)))
                        .block(
                            NestedBlock::new(
                                "target_tracking_scaling_policy_configuration",
                                Nesting::List,
                                Block::new("Target tracking.")
                                    .attr(req("target_value", Type::Number))
                                    .attr(b("disable_scale_in"))
                                    .attr(n("scale_in_cooldown"))
                                    .attr(n("scale_out_cooldown"))
                                    .block(
                                        NestedBlock::new(
                                            "predefined_metric_specification",
                                            Nesting::List,
                                            Block::new("A predefined metric.")
                                                .attr(req("predefined_metric_type", Type::String))
                                                .attr(s("resource_label")),
                                        )
                                        .max_items(1),
                                    ),
                            )
                            .max_items(1),
                        ),
                    &["id", "arn"],
                ),
            ),
            vec![],
        ),
        (
            "aws_servicequotas_service_quota",
            schema(
                0,
                computed(
                    Block::new(
                        "A Service Quotas value (an increase request when above the applied one).",
                    )
                    .attr(req("service_code", Type::String))
                    .attr(req("quota_code", Type::String))
                    .attr(req("value", Type::Number))
                    .attr(Attribute::computed("adjustable", Type::Bool))
                    .attr(Attribute::computed("default_value", Type::Number)),
                    &[
                        "id",
                        "arn",
                        "quota_name",
                        "service_name",
                        "request_id",
                        "request_status",
                    ],
                ),
            ),
            vec![],
        ),
        (
            "aws_budgets_budget",
            schema(
                0,
                tags(computed(
                    Block::new("A budget (AWS Budgets): an amount of cost or usage over a period.")
                        .attr(Attribute::optional_computed("name", Type::String))
                        .attr(Attribute::optional_computed("name_prefix", Type::String))
                        .attr(Attribute::optional_computed("account_id", Type::String))
                        .attr(req("budget_type", Type::String))
                        // A string in the AWS provider, as in the Budgets API.
                        .attr(Attribute::optional_computed("limit_amount", Type::String))
                        .attr(Attribute::optional_computed("limit_unit", Type::String))
                        .attr(req("time_unit", Type::String))
                        .attr(Attribute::optional_computed(
                            "time_period_start",
                            Type::String,
                        ))
                        .attr(Attribute::optional_computed(
                            "time_period_end",
                            Type::String,
                        ))
                        .block(NestedBlock::new(
                            "cost_filter",
                            Nesting::Set,
                            Block::new("A cost filter: the budget tracks only what matches.")
                                .attr(req("name", Type::String))
                                .attr(req("values", Type::list(Type::String))),
                        )),
                    &["id", "arn"],
                )),
            ),
            vec![],
        ),
        (
            "aws_cloudfront_cache_policy",
            schema(
                0,
                computed(
                    Block::new("A CloudFront cache policy.")
                        .attr(req("name", Type::String))
                        .attr(s("comment"))
                        .attr(n("min_ttl"))
                        .attr(Attribute::optional_computed("default_ttl", Type::Number))
                        .attr(Attribute::optional_computed("max_ttl", Type::Number))
                        .block(
                            NestedBlock::new(
                                "parameters_in_cache_key_and_forwarded_to_origin",
                                Nesting::List,
                                Block::new("The cache key.")
                                    .attr(b("enable_accept_encoding_gzip"))
                                    .attr(b("enable_accept_encoding_brotli"))
                                    .block(names_config(
                                        "headers_config",
                                        "header_behavior",
                                        "headers",
                                        false,
                                    ))
                                    .block(names_config(
                                        "cookies_config",
                                        "cookie_behavior",
                                        "cookies",
                                        true,
                                    ))
                                    .block(names_config(
                                        "query_strings_config",
                                        "query_string_behavior",
                                        "query_strings",
                                        true,
                                    )),
                            )
                            .min_items(1)
                            .max_items(1),
                        ),
                    &["id", "etag", "arn"],
                ),
            ),
            vec![(&["min_ttl"], Value::int(0))],
        ),
        (
            "aws_cloudfront_distribution",
            schema(
                1,
                computed(
                    Block::new("A CloudFront distribution (origins and cache behaviours only).")
                        .attr(req("enabled", Type::Bool))
                        .attr(s("comment"))
                        .block(
                            NestedBlock::new(
                                "origin",
                                Nesting::Set,
                                Block::new("An origin.")
                                    .attr(req("origin_id", Type::String))
                                    .attr(req("domain_name", Type::String))
                                    .attr(s("origin_path"))
                                    .block(
                                        NestedBlock::new(
                                            "custom_origin_config",
                                            Nesting::List,
                                            Block::new("A custom origin.")
                                                .attr(req("http_port", Type::Number))
                                                .attr(req("https_port", Type::Number))
                                                .attr(req("origin_protocol_policy", Type::String))
                                                .attr(req(
                                                    "origin_ssl_protocols",
                                                    Type::set(Type::String),
                                                )),
                                        )
                                        .max_items(1),
                                    ),
                            )
                            .min_items(1),
                        )
                        .block(
                            behavior("default_cache_behavior", false)
                                .min_items(1)
                                .max_items(1),
                        )
                        .block(behavior("ordered_cache_behavior", true))
                        .block(
                            NestedBlock::new(
                                "restrictions",
                                Nesting::List,
                                Block::new("Restrictions.").block(
                                    NestedBlock::new(
                                        "geo_restriction",
                                        Nesting::List,
                                        Block::new("Geo restriction.")
                                            .attr(req("restriction_type", Type::String))
                                            .attr(Attribute::optional_computed(
                                                "locations",
                                                Type::set(Type::String),
                                            )),
                                    )
                                    .min_items(1)
                                    .max_items(1),
                                ),
                            )
                            .min_items(1)
                            .max_items(1),
                        )
                        .block(
                            NestedBlock::new(
                                "viewer_certificate",
                                Nesting::List,
                                Block::new("The certificate.")
                                    .attr(b("cloudfront_default_certificate"))
                                    .attr(s("acm_certificate_arn"))
                                    .attr(s("ssl_support_method"))
                                    .attr(s("minimum_protocol_version")),
                            )
                            .min_items(1)
                            .max_items(1),
                        ),
                    &[
                        "id",
                        "arn",
                        "domain_name",
                        "etag",
                        "status",
                        "hosted_zone_id",
                    ],
                ),
            ),
            vec![],
        ),
    ]
}

/// A cache key part of a cache policy: its behaviour and, in a nested
/// block, the names it lists.
fn names_config(block: &str, behavior: &str, names: &str, required: bool) -> NestedBlock {
    let behavior = if required {
        req(behavior, Type::String)
    } else {
        s(behavior)
    };
    NestedBlock::new(
        block,
        Nesting::List,
        Block::new("A part of the cache key.").attr(behavior).block(
            NestedBlock::new(
                names,
                Nesting::List,
                Block::new("The names.")
                    .attr(Attribute::optional("items", Type::set(Type::String))),
            )
            .max_items(1),
        ),
    )
    .min_items(1)
    .max_items(1)
}

/// A cache behaviour of a distribution (`ordered` ones have a path pattern).
fn behavior(name: &str, ordered: bool) -> NestedBlock {
    let mut b = Block::new("A cache behaviour.")
        .attr(req("target_origin_id", Type::String))
        .attr(req("viewer_protocol_policy", Type::String))
        .attr(req("allowed_methods", Type::set(Type::String)))
        .attr(req("cached_methods", Type::set(Type::String)))
        .attr(s("cache_policy_id"))
        .attr(s("origin_request_policy_id"));
    if ordered {
        b = b.attr(req("path_pattern", Type::String));
    }
    NestedBlock::new(name, Nesting::List, b)
}
