//! The served `aws_api_gateway_*` schemas of REST APIs: the API, its
//! resources and methods, deployments, stages, method settings and
//! integrations (types and flags from the AWS provider's documentation).

use tfplugin::{Attribute, Block, NestedBlock, Nesting, Type, Value};

use crate::schemas::{b, computed, req, s, schema, tags, Served};

pub fn resources() -> Vec<Served> {
    vec![
        (
            "aws_api_gateway_rest_api",
            schema(
                0,
                tags(computed(
                    Block::new("A REST API.")
                        .attr(Attribute::optional_computed("name", Type::String))
                        .attr(s("description"))
                        .attr(Attribute::optional_computed("body", Type::String)),
                    &[
                        "id",
                        "arn",
                        "root_resource_id",
                        "execution_arn",
                        "created_date",
                    ],
                )),
            ),
            vec![],
        ),
        (
            "aws_api_gateway_deployment",
            schema(
                0,
                computed(
                    Block::new("A deployment of a REST API.")
                        .attr(req("rest_api_id", Type::String))
                        .attr(s("description"))
                        .attr(Attribute::optional("triggers", Type::map(Type::String))),
                    &["id", "created_date"],
                ),
            ),
            vec![],
        ),
        (
            "aws_api_gateway_stage",
            schema(
                0,
                tags(computed(
                    Block::new("A stage of a REST API.")
                        .attr(req("rest_api_id", Type::String))
                        .attr(req("deployment_id", Type::String))
                        .attr(req("stage_name", Type::String))
                        .attr(s("description"))
                        .attr(b("cache_cluster_enabled"))
                        .attr(s("cache_cluster_size"))
                        .attr(b("xray_tracing_enabled"))
                        .attr(Attribute::optional("variables", Type::map(Type::String))),
                    &["id", "arn", "invoke_url", "execution_arn"],
                )),
            ),
            vec![],
        ),
        (
            "aws_api_gateway_method_settings",
            schema(
                0,
                computed(
                    Block::new("Method settings of a stage.")
                        .attr(req("rest_api_id", Type::String))
                        .attr(req("stage_name", Type::String))
                        .attr(req("method_path", Type::String))
                        .block(
                            NestedBlock::new(
                                "settings",
                                Nesting::List,
                                Block::new("The settings.")
                                    .attr(Attribute::optional_computed(
                                        "metrics_enabled",
                                        Type::Bool,
                                    ))
                                    .attr(Attribute::optional_computed(
                                        "logging_level",
                                        Type::String,
                                    ))
                                    .attr(Attribute::optional_computed(
                                        "data_trace_enabled",
                                        Type::Bool,
                                    ))
                                    .attr(Attribute::optional_computed(
                                        "throttling_burst_limit",
                                        Type::Number,
                                    ))
                                    .attr(Attribute::optional_computed(
                                        "throttling_rate_limit",
                                        Type::Number,
                                    ))
                                    .attr(Attribute::optional_computed(
                                        "caching_enabled",
                                        Type::Bool,
                                    ))
                                    .attr(Attribute::optional_computed(
                                        "cache_ttl_in_seconds",
                                        Type::Number,
                                    ))
                                    .attr(Attribute::optional_computed(
                                        "cache_data_encrypted",
                                        Type::Bool,
                                    ))
                                    .attr(Attribute::optional_computed(
                                        "require_authorization_for_cache_control",
                                        Type::Bool,
                                    ))
                                    .attr(Attribute::optional_computed(
                                        "unauthorized_cache_control_header_strategy",
                                        Type::String,
                                    )),
                            )
                            .min_items(1)
                            .max_items(1),
                        ),
                    &["id"],
                ),
            ),
            vec![
                (&["settings", "throttling_burst_limit"], Value::int(-1)),
                (&["settings", "throttling_rate_limit"], Value::int(-1)),
            ],
        ),
        (
            "aws_api_gateway_integration",
            schema(
                0,
                computed(
                    Block::new("An integration of a method.")
                        .attr(req("rest_api_id", Type::String))
                        .attr(req("resource_id", Type::String))
                        .attr(req("http_method", Type::String))
                        .attr(req("type", Type::String))
                        .attr(s("integration_http_method"))
                        .attr(s("uri"))
                        .attr(Attribute::optional_computed(
                            "timeout_milliseconds",
                            Type::Number,
                        )),
                    &["id"],
                ),
            ),
            vec![(&["timeout_milliseconds"], Value::int(29000))],
        ),
        (
            "aws_api_gateway_resource",
            schema(
                0,
                computed(
                    Block::new("A resource (path part) of a REST API.")
                        .attr(req("rest_api_id", Type::String))
                        .attr(req("parent_id", Type::String))
                        .attr(req("path_part", Type::String)),
                    &["id", "path"],
                ),
            ),
            vec![],
        ),
        (
            "aws_api_gateway_method",
            schema(
                0,
                computed(
                    Block::new("A method of a resource of a REST API.")
                        .attr(req("rest_api_id", Type::String))
                        .attr(req("resource_id", Type::String))
                        .attr(req("http_method", Type::String))
                        .attr(req("authorization", Type::String))
                        .attr(s("authorizer_id"))
                        .attr(b("api_key_required"))
                        .attr(s("operation_name"))
                        .attr(s("request_validator_id"))
                        .attr(Attribute::optional(
                            "authorization_scopes",
                            Type::set(Type::String),
                        ))
                        .attr(Attribute::optional(
                            "request_models",
                            Type::map(Type::String),
                        ))
                        .attr(Attribute::optional(
                            "request_parameters",
                            Type::map(Type::Bool),
                        )),
                    &["id"],
                ),
            ),
            vec![],
        ),
    ]
}
