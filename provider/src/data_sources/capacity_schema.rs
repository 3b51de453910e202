//! The schema of `smuppy_capacity`, cut from `smuppy_scaling_profile`'s own
//! attributes so that each is defined once: `traffic` is the resource's;
//! `api_gateway`, `lambda_functions` and `dynamodb_tables` keep the
//! resource's identifying attributes (stage, function and qualifier, table)
//! as inputs and its settings as computed attributes, filled with what AWS
//! reports.

use scaling::model::{self, names, Described, Mode};
use tfplugin::{Attribute, Block, Schema, Type};

use crate::schema::{capacity_type, resource_schema};

/// A part of the data source: its attribute, the resource's attribute it is
/// cut from, the inputs kept as the resource has them, and the settings
/// read.
pub type Part = (
    &'static str,
    &'static str,
    &'static [&'static str],
    Vec<&'static str>,
);

/// The data source's parts. What is read is the rest of the resource's
/// block: every attribute but the inputs and the settings AWS does not hold
/// (optional only), and its nested blocks.
pub fn parts() -> [Part; 3] {
    let part = |name, block: &dyn Described, inputs: &'static [&'static str]| -> Part {
        let mut read: Vec<&'static str> = block
            .fields()
            .iter()
            .filter(|f| !inputs.contains(&f.name) && f.mode != Mode::Optional)
            .map(|f| f.name)
            .collect();
        read.extend(block.blocks().iter().map(|b| b.name()));
        (name, block.name(), inputs, read)
    };
    [
        part(
            API_GATEWAY,
            &model::API_GATEWAY,
            &[names::STAGE_REST_API_ID, names::STAGE_NAME],
        ),
        part(
            LAMBDA_FUNCTIONS,
            &model::LAMBDA,
            &[names::FUNCTION_NAME, names::LAMBDA_QUALIFIER],
        ),
        part(DYNAMODB_TABLES, &model::DYNAMODB, &[names::TABLE_NAME]),
    ]
}

pub const TRAFFIC: &str = "traffic";
pub const API_GATEWAY: &str = "api_gateway";
pub const LAMBDA_FUNCTIONS: &str = "lambda_functions";
pub const DYNAMODB_TABLES: &str = "dynamodb_tables";

/// What each part is, in the data source (the resource's descriptions say
/// what it sets).
fn part_doc(name: &str) -> &'static str {
    match name {
        API_GATEWAY => "The REST API stage the traffic reaches. Its stage-wide throttle (the `*/*` method setting) is read with `GetStage`; a stage without one is bounded by the account throttle.",
        LAMBDA_FUNCTIONS => "The Lambda functions behind the API, keyed by a name you choose; `qualifier` is the alias or version that serves the traffic (its provisioned concurrency is read). Read with `GetFunctionConfiguration`, `GetFunctionConcurrency`, `GetAlias` and `GetProvisionedConcurrencyConfig`.",
        DYNAMODB_TABLES => "The DynamoDB tables the functions use, keyed by a name you choose. Capacity mode, provisioned throughput and auto scaling are read with `DescribeTable` and Application Auto Scaling's `DescribeScalableTargets` and `DescribeScalingPolicies`.",
        _ => "",
    }
}
pub const MAX_SUSTAINABLE_RPS: &str = "max_sustainable_rps";
pub const HEADROOM: &str = "headroom";
pub const BOTTLENECK: &str = "bottleneck";
pub const CAPACITY: &str = "capacity";
pub const MONTHLY_COST: &str = "monthly_cost";
pub const COST_BREAKDOWN: &str = "cost_breakdown";
pub const FINDINGS: &str = "findings";

/// `a` and everything nested in it computed only.
fn computed(a: &Attribute) -> Attribute {
    match &a.nested {
        None => a.clone().as_computed(),
        Some(n) => {
            let inner = n.attributes.iter().map(computed).collect();
            Attribute::computed_nested(&a.name, n.nesting, inner).describe(&a.description)
        }
    }
}

/// The resource's attribute `from`, renamed `name`, with `inputs` as the
/// resource has them and `read` computed.
fn part(resource: &Block, name: &str, from: &str, inputs: &[&str], read: &[&str]) -> Attribute {
    let Some(a) = resource.attribute(from) else {
        return Attribute::computed(name, Type::String);
    };
    let Some(n) = &a.nested else {
        return computed(a);
    };
    let pick = |names: &[&str]| -> Vec<&Attribute> {
        names
            .iter()
            .filter_map(|x| n.attributes.iter().find(|a| a.name == *x))
            .collect()
    };
    let mut attrs: Vec<Attribute> = pick(inputs).into_iter().cloned().collect();
    attrs.extend(pick(read).into_iter().map(computed));
    Attribute::optional_nested(name, n.nesting, attrs).describe(&format!(
        "{} The attributes besides the identifying ones are what AWS reports, read as `smuppy_scaling_profile` reads them.",
        part_doc(name)
    ))
}

pub fn schema() -> Schema {
    let resource = resource_schema().block;
    let mut block = Block::new(
        "What a stack deployed by any means can carry now: give it a traffic model and the ids of an API Gateway stage, Lambda functions and DynamoDB tables; it reads their settings as AWS reports them at each plan, with the account's limits, and runs the analysis `smuppy_scaling_profile`'s plan runs (capacity, bottleneck, headroom, cost, findings). Needs no `smuppy_scaling_profile`: use it in `check {}` blocks and postconditions. A stage, function, alias or table that does not exist is an error on its attribute.",
    );
    match resource.attribute(TRAFFIC) {
        Some(t) => block = block.attr(t.clone().as_required()),
        None => block = block.attr(Attribute::required(TRAFFIC, Type::Dynamic)),
    }
    for (name, from, inputs, read) in parts() {
        block = block.attr(part(&resource, name, from, inputs, &read));
    }
    let finding = crate::functions::finding_type();
    block = block
        .attr(Attribute::computed(MAX_SUSTAINABLE_RPS, Type::Number).describe("The highest edge rate (requests per second at CloudFront) the chain carries with the settings read: stage and account throttle, Lambda concurrency, table capacity. Null when nothing sets a ceiling."))
        .attr(Attribute::computed(HEADROOM, Type::Number).describe("`max_sustainable_rps ÷ traffic.peak_rps`: below 1 the target cannot be carried. Null without a ceiling or a peak."))
        .attr(Attribute::computed(BOTTLENECK, Type::String).describe("The link that sets `max_sustainable_rps`, with its arithmetic."))
        .attr(Attribute::computed(CAPACITY, capacity_type()).describe("The whole capacity analysis, as `smuppy_scaling_profile`'s `capacity`: origin requests per second after the cache, Lambda concurrency needed, the sustainable rate, its bottleneck and headroom."))
        .attr(Attribute::computed(MONTHLY_COST, Type::Number).describe("Estimated monthly cost of the traffic model in US dollars, from the dated us-east-1 price table."))
        .attr(Attribute::computed(COST_BREAKDOWN, Type::map(Type::Number)).describe("The monthly cost estimate per service, in US dollars."))
        .attr(Attribute::computed(FINDINGS, Type::list(finding)).describe("The rule engine's findings on the settings read, errors first: `rule_id` (see `docs/rules.md`), `severity` (`error`, `warning`, `info`), `location` (the attribute of this data source it concerns, e.g. `api_gateway.rate_limit`; empty for the whole) and `message` (with the arithmetic). The shape of the `check` function's result."));
    Schema { version: 0, block }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inner<'a>(block: &'a Block, part: &str, name: &str) -> &'a Attribute {
        let a = block.attribute(part).and_then(|a| a.nested.as_ref());
        a.and_then(|n| n.attributes.iter().find(|x| x.name == name))
            .unwrap_or_else(|| panic!("{part}.{name} missing"))
    }

    #[test]
    fn the_parts_read_what_aws_holds_of_each_block() {
        let got: Vec<(&str, &str, Vec<&str>, Vec<&str>)> = parts()
            .into_iter()
            .map(|(n, f, i, r)| (n, f, i.to_vec(), r))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "api_gateway",
                    "api_gateway",
                    vec!["rest_api_id", "stage_name"],
                    vec!["rate_limit", "burst_limit"]
                ),
                (
                    "lambda_functions",
                    "lambda_pools",
                    vec!["function_name", "qualifier"],
                    vec![
                        "reserved_concurrency",
                        "provisioned_concurrency",
                        "memory_size",
                        "timeout",
                        "qualifier_version",
                        "provisioned_status"
                    ]
                ),
                (
                    "dynamodb_tables",
                    "dynamodb_tables",
                    vec!["table_name"],
                    vec![
                        "billing_mode",
                        "read_capacity",
                        "write_capacity",
                        "autoscaling"
                    ]
                ),
            ]
        );
    }

    #[test]
    fn parts_are_cut_from_the_resource_inputs_kept_settings_computed() {
        let ds = schema().block;
        let resource = resource_schema().block;
        for (name, from, inputs, read) in parts() {
            for x in inputs.iter().chain(read.iter()) {
                let mine = inner(&ds, name, x);
                let theirs = inner(&resource, from, x);
                assert_eq!(mine.ty, theirs.ty, "{name}.{x}");
                assert_eq!(mine.description, theirs.description, "{name}.{x}");
            }
            for x in inputs {
                let (mine, theirs) = (inner(&ds, name, x), inner(&resource, from, x));
                assert_eq!(
                    (mine.required, mine.optional),
                    (theirs.required, theirs.optional)
                );
            }
            for x in read {
                let a = inner(&ds, name, x);
                assert!(a.computed && !a.optional && !a.required, "{name}.{x}");
            }
        }
        let traffic = ds.attribute(TRAFFIC).expect("traffic");
        assert!(traffic.required);
        assert_eq!(
            Some(&traffic.ty),
            resource.attribute(TRAFFIC).map(|a| &a.ty)
        );
        // Nested settings are computed all the way down.
        let auto = inner(&ds, DYNAMODB_TABLES, "autoscaling");
        let read = auto.nested.as_ref().and_then(|n| n.attributes.first());
        assert!(read.is_some_and(|r| r.computed && !r.optional));
    }
}
