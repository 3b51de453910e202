//! `smuppy_capacity`: a traffic model and the ids of a stage, functions and
//! tables → their settings as AWS reports them (the resource's own reads,
//! `scaling_aws::read_profile`) → the analysis the resource's plan runs,
//! against the account's limits the plan uses.
//!
//! The configuration is turned into a `smuppy_scaling_profile` value
//! (`lambda_functions` is the resource's `lambda_pools`), so the resource's
//! checks, reads, mapping and analysis all apply unchanged; paths and
//! finding locations are named back in the data source's terms.

use std::collections::BTreeMap;
use std::sync::Arc;

use scaling::model::{self, names, Described};
use scaling::PriceTable;
use scaling_aws::Observed;
use tfplugin::{
    Attribute, AttributePath, DataSource, Diagnostics, ObjectNesting, PathStep, Schema, Value,
};

use super::capacity_schema::{self as s, parts};
use super::with;
use crate::analysis::{number, opt_number};
use crate::provider::Configured;
use crate::shape::{self, Shapes};

pub const TYPE_NAME: &str = "smuppy_capacity";

pub struct Capacity {
    configured: Arc<Configured>,
}

impl Capacity {
    pub fn new(configured: Arc<Configured>) -> Self {
        Capacity { configured }
    }
}

/// A resource path (`lambda_pools["api"].memory_size`) in the data
/// source's terms (`lambda_functions["api"].memory_size`).
fn rename(mut p: AttributePath) -> AttributePath {
    if let Some(PathStep::Attr(first)) = p.0.first_mut() {
        if let Some((name, ..)) = parts().into_iter().find(|(_, from, ..)| from == first) {
            *first = name.to_string();
        }
    }
    p
}

fn rename_diags(d: Diagnostics, shapes: &Shapes) -> Diagnostics {
    let mut d = shape::diags_from_lists(d, shapes);
    for x in &mut d.0 {
        x.attribute = x.attribute.take().map(rename);
    }
    d
}

/// The configuration as a `smuppy_scaling_profile` value, in the shape the
/// resource's verbs take, with the keys of its maps.
fn as_profile(config: &Value) -> (Value, Shapes) {
    let mut m = BTreeMap::from([
        (names::NAME.to_string(), Value::string(TYPE_NAME)),
        (
            s::TRAFFIC.to_string(),
            config.get(s::TRAFFIC).cloned().unwrap_or(Value::Null),
        ),
    ]);
    for (name, from, ..) in parts() {
        m.insert(
            from.to_string(),
            config.get(name).cloned().unwrap_or(Value::Null),
        );
    }
    let block = crate::schema::resource_schema().block;
    let value = tfplugin::convert::conform(Value::Object(m), &block);
    shape::to_lists(&value)
}

/// The parts of a resource value the data source shows, cut to its schema.
fn pick(v: &Value, attr: &Attribute) -> Value {
    let Some(n) = &attr.nested else {
        return v.clone();
    };
    let object = |o: &Value| match o {
        Value::Object(m) => Value::Object(
            n.attributes
                .iter()
                .map(|a| {
                    (
                        a.name.clone(),
                        m.get(&a.name).cloned().unwrap_or(Value::Null),
                    )
                })
                .collect(),
        ),
        other => other.clone(),
    };
    match (n.nesting, v) {
        (ObjectNesting::Map, Value::Map(m)) => {
            Value::Map(m.iter().map(|(k, o)| (k.clone(), object(o))).collect())
        }
        (ObjectNesting::Single, o) => object(o),
        (_, other) => other.clone(),
    }
}

/// Stages, functions, aliases and tables AWS does not have, as errors on
/// the attribute that names them.
fn missing(
    profile: &scaling::Profile,
    observed: &Observed,
    shapes: &Shapes,
    diags: &mut Diagnostics,
) {
    if let (Some(stage), None) = (&profile.api_gateway, &observed.api_gateway) {
        diags.attribute_error(
            AttributePath::attr(s::API_GATEWAY).then_attr(names::STAGE_NAME),
            "Stage not found",
            format!(
                "REST API {:?} has no stage {:?} (apigateway GetStage answered not found), or the API does not exist.",
                stage.rest_api_id, stage.stage_name
            ),
        );
    }
    let keys = shapes.keys(model::LAMBDA.location());
    for (i, pool) in profile.lambdas.iter().enumerate() {
        let at = AttributePath::attr(s::LAMBDA_FUNCTIONS)
            .then_key(keys.get(i).cloned().unwrap_or_default());
        match observed.lambdas.get(i).and_then(Option::as_ref) {
            None => diags.attribute_error(
                at.then_attr(names::FUNCTION_NAME),
                "Function not found",
                format!("There is no Lambda function {:?} (lambda GetFunctionConfiguration answered not found).", pool.function_name),
            ),
            Some(o) => {
                let alias = pool
                    .qualifier
                    .as_deref()
                    .filter(|q| *q != "$LATEST" && !scaling_aws::components::lambda::is_version(q));
                if let (Some(q), None) = (alias, &o.qualifier_version) {
                    diags.attribute_error(
                        at.then_attr(names::LAMBDA_QUALIFIER),
                        "Alias not found",
                        format!("Lambda function {:?} has no alias {q:?} (lambda GetAlias answered not found).", pool.function_name),
                    );
                }
            }
        }
    }
    let keys = shapes.keys(model::DYNAMODB.location());
    for (i, table) in profile.dynamodb.iter().enumerate() {
        if observed.dynamodb.get(i).and_then(Option::as_ref).is_none() {
            diags.attribute_error(
                AttributePath::attr(s::DYNAMODB_TABLES)
                    .then_key(keys.get(i).cloned().unwrap_or_default())
                    .then_attr(names::TABLE_NAME),
                "Table not found",
                format!(
                    "There is no DynamoDB table {:?} (dynamodb DescribeTable answered not found).",
                    table.table_name
                ),
            );
        }
    }
}

#[async_trait::async_trait]
impl DataSource for Capacity {
    fn schema(&self) -> Schema {
        s::schema()
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        let (lists, shapes) = as_profile(config);
        let mut own = Diagnostics::new();
        crate::resource::validate::own_checks(&lists, &shapes, &mut own);
        diags.extend(rename_diags(own, &shapes));
    }

    async fn read(&self, config: Value, diags: &mut Diagnostics) -> Value {
        let Some(aws) = self.configured.aws(diags) else {
            return Value::Null;
        };
        let region = aws.region().to_string();
        let (lists, shapes) = as_profile(&config);
        let profile = crate::mapping::profile_from_value(&lists, Some(&region));
        let (observed, errors) =
            scaling_aws::read_profile(&aws, &profile, &Observed::default()).await;
        let internal = crate::schema::internal_schema().block;
        let mut read_errors = Diagnostics::new();
        for e in &errors {
            crate::diagnostics::push_component(e, &internal, true, &mut read_errors);
        }
        diags.extend(rename_diags(read_errors, &shapes));
        missing(&profile, &observed, &shapes, diags);
        if diags.has_errors() {
            return Value::Null;
        }

        let read = crate::state::apply_observed(&lists, &observed);
        let profile = crate::mapping::profile_from_value(&read, Some(&region));
        let limits = self.configured.limits(diags).await;
        let options = self.configured.options();
        let a = scaling::analyze_with(&profile, &limits, &PriceTable::us_east_1(), &options);

        let public = shape::from_lists(&read, &shapes);
        let schema = s::schema().block;
        let mut values: Vec<(&str, Value)> = Vec::new();
        for (name, from, ..) in parts() {
            if let (Some(attr), Some(v)) = (schema.attribute(name), public.get(from)) {
                values.push((name, pick(v, attr)));
            }
        }
        let c = &a.capacity;
        let (capacity, breakdown) = crate::analysis::values(&a);
        values.extend([
            (s::MAX_SUSTAINABLE_RPS, opt_number(c.max_sustainable_rps)),
            (s::HEADROOM, opt_number(c.headroom)),
            (s::BOTTLENECK, Value::String(c.bottleneck.clone())),
            (s::CAPACITY, capacity),
            (s::MONTHLY_COST, number(a.cost.monthly_total_usd)),
            (s::COST_BREAKDOWN, breakdown),
            (
                s::FINDINGS,
                crate::functions::findings_value(&a.findings, &shapes, rename),
            ),
        ]);
        with(config, values)
    }
}
