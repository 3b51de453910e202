//! The served `aws_globalaccelerator_*` schemas: accelerator, listener and
//! endpoint group (types and flags from the AWS provider's documentation;
//! the accelerator's `attributes` block, BYOIP `ip_addresses`, the
//! endpoint group's health checks and port overrides are left out).

use tfplugin::{Attribute, Block, NestedBlock, Nesting, Schema, Type, Value};

use crate::schemas::Served;

fn schema(block: Block) -> Schema {
    Schema { version: 0, block }
}

pub fn resources() -> Vec<Served> {
    vec![
        (
            "aws_globalaccelerator_accelerator",
            schema(
                Block::new("A Global Accelerator accelerator.")
                    .attr(Attribute::required("name", Type::String))
                    // Defaults IPV4 and true in the AWS provider, planned as such.
                    .attr(Attribute::optional_computed(
                        "ip_address_type",
                        Type::String,
                    ))
                    .attr(Attribute::optional_computed("enabled", Type::Bool))
                    .attr(Attribute::optional("tags", Type::map(Type::String)))
                    .attr(Attribute::optional_computed(
                        "tags_all",
                        Type::map(Type::String),
                    ))
                    .attr(Attribute::computed("id", Type::String))
                    .attr(Attribute::computed("arn", Type::String))
                    .attr(Attribute::computed("dns_name", Type::String))
                    .attr(Attribute::computed("dual_stack_dns_name", Type::String))
                    .attr(Attribute::computed("hosted_zone_id", Type::String)),
            ),
            vec![
                (&["ip_address_type"], Value::string("IPV4")),
                (&["enabled"], Value::Bool(true)),
            ],
        ),
        (
            "aws_globalaccelerator_listener",
            schema(
                Block::new("A listener of an accelerator.")
                    .attr(Attribute::required("accelerator_arn", Type::String))
                    .attr(Attribute::required("protocol", Type::String))
                    // Defaults NONE in the AWS provider, planned as such.
                    .attr(Attribute::optional_computed(
                        "client_affinity",
                        Type::String,
                    ))
                    .attr(Attribute::computed("id", Type::String))
                    .attr(Attribute::computed("arn", Type::String))
                    .block(
                        NestedBlock::new(
                            "port_range",
                            Nesting::Set,
                            Block::new("A range of listener ports.")
                                .attr(Attribute::optional("from_port", Type::Number))
                                .attr(Attribute::optional("to_port", Type::Number)),
                        )
                        .min_items(1)
                        .max_items(10),
                    ),
            ),
            vec![(&["client_affinity"], Value::string("NONE"))],
        ),
        (
            "aws_globalaccelerator_endpoint_group",
            schema(
                Block::new("An endpoint group of a listener, in one Region.")
                    .attr(Attribute::required("listener_arn", Type::String))
                    .attr(Attribute::optional_computed(
                        "endpoint_group_region",
                        Type::String,
                    ))
                    .attr(Attribute::optional_computed(
                        "traffic_dial_percentage",
                        Type::Number,
                    ))
                    .attr(Attribute::computed("id", Type::String))
                    .attr(Attribute::computed("arn", Type::String))
                    .block(
                        NestedBlock::new(
                            "endpoint_configuration",
                            Nesting::Set,
                            Block::new(
                                "An endpoint: a load balancer, an instance or an Elastic IP.",
                            )
                            .attr(Attribute::optional("endpoint_id", Type::String))
                            .attr(Attribute::optional("weight", Type::Number))
                            .attr(Attribute::optional_computed(
                                "client_ip_preservation_enabled",
                                Type::Bool,
                            )),
                        )
                        .max_items(10),
                    ),
            ),
            vec![(&["traffic_dial_percentage"], Value::int(100))],
        ),
    ]
}
