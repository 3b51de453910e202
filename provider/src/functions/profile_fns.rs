//! `monthly_cost`, `max_sustainable_rps` and `check`: the rule engine's
//! analysis (`scaling::analyze`) of a profile-like object, against AWS's
//! default account limits (a function makes no AWS call) and the pinned
//! us-east-1 price table, as `smuppy_scaling_profile` would plan it.

use std::collections::BTreeMap;

use scaling::{Analysis, Limits, PriceTable};
use tfplugin::{Function, FunctionDef, FunctionError, Parameter, Type, Value};

use super::profile_arg::{parameter, profile_arg, ProfileArg};
use crate::analysis::{number, opt_number};

const PROFILE_DOC: &str = "An object with the attributes of a `smuppy_scaling_profile` (`traffic`, `api_gateway`, `lambda_pools`, `dynamodb_tables`, `cache_policy`, …), any of them left out; `name` is not needed. Checked as the resource checks its configuration.";

fn profile_param(name: &str) -> Parameter {
    parameter(name, PROFILE_DOC)
}

fn analyze(args: &[Value], name: &str) -> Result<(ProfileArg, Analysis), FunctionError> {
    let arg = profile_arg(args, 0, name)?;
    let analysis = scaling::analyze(&arg.profile, &Limits::default(), &PriceTable::us_east_1());
    Ok((arg, analysis))
}

fn obj<const N: usize>(items: [(&str, Value); N]) -> Value {
    Value::Object(items.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

pub struct MonthlyCost;

pub fn monthly_cost_type() -> Type {
    Type::object([
        ("total_usd", Type::Number),
        ("per_service", Type::map(Type::Number)),
    ])
}

impl Function for MonthlyCost {
    fn definition(&self) -> FunctionDef {
        FunctionDef::new(monthly_cost_type(), "Monthly cost of a traffic model, per service.")
            .describe(
                "The cost of a 30-day month of the profile's traffic model, priced with the dated us-east-1 price table the resource uses: `total_usd` and `per_service` (US dollars by service, rounded to cents). Only the services the object has a block for are priced (a `cache_policy` prices CloudFront, `api_gateway` API Gateway, `lambda_pools` Lambda, `dynamodb_tables` DynamoDB, …), so give it the parts of the stack as well as `traffic`. The same figures as `estimated_monthly_cost_usd` and `cost_breakdown` of `smuppy_scaling_profile`.",
            )
            .param(profile_param("profile"))
    }

    fn call(&self, args: Vec<Value>) -> Result<Value, FunctionError> {
        let (_, a) = analyze(&args, "profile")?;
        let per_service: BTreeMap<String, Value> = a
            .cost
            .per_service
            .iter()
            .map(|s| (s.service.clone(), number(s.usd)))
            .collect();
        Ok(obj([
            ("total_usd", number(a.cost.monthly_total_usd)),
            ("per_service", Value::Map(per_service)),
        ]))
    }
}

pub struct MaxSustainableRps;

pub fn max_sustainable_type() -> Type {
    Type::object([
        ("rps", Type::Number),
        ("bottleneck", Type::String),
        ("headroom", Type::Number),
    ])
}

impl Function for MaxSustainableRps {
    fn definition(&self) -> FunctionDef {
        FunctionDef::new(
            max_sustainable_type(),
            "The highest edge rate the chain carries, and what limits it.",
        )
        .describe(
            "The capacity model of the profile against AWS's default account limits (10,000 rps API Gateway throttle, 1,000 Lambda concurrent executions, DynamoDB's per-table quotas): `rps` is the most requests per second at the edge that CloudFront → API Gateway → Lambda → DynamoDB carries (null when no block sets a ceiling), `bottleneck` the link that gives out first with its arithmetic, and `headroom` `rps ÷ traffic.peak_rps` (below 1 the target cannot be carried; null without a peak). The same figures as `capacity` of `smuppy_scaling_profile`, which uses the account's real limits instead.",
        )
        .param(profile_param("settings"))
    }

    fn call(&self, args: Vec<Value>) -> Result<Value, FunctionError> {
        let (_, a) = analyze(&args, "settings")?;
        let c = &a.capacity;
        Ok(obj([
            ("rps", opt_number(c.max_sustainable_rps)),
            ("bottleneck", Value::String(c.bottleneck.clone())),
            ("headroom", opt_number(c.headroom)),
        ]))
    }
}

pub struct Check;

pub fn finding_type() -> Type {
    Type::object([
        ("rule_id", Type::String),
        ("severity", Type::String),
        ("location", Type::String),
        ("message", Type::String),
    ])
}

impl Function for Check {
    fn definition(&self) -> FunctionDef {
        FunctionDef::new(
            Type::list(finding_type()),
            "The rule engine's findings on a profile: capacity, limits, safety and cost.",
        )
        .describe(
            "Runs every rule of `smuppy-validate` and of the resource's plan on the profile, against AWS's default account limits and the pinned price table. Returns the findings, errors first, then warnings, then info: `rule_id` (see `docs/rules.md`), `severity` (`error`, `warning`, `info`), `location` (the attribute, as Terraform addresses it in the resource, e.g. `lambda_pools[\"api\"].memory_size`; empty for the profile as a whole) and `message` (with the arithmetic). An empty list means nothing to report. Use it in a `check {}` block or a `precondition`.",
        )
        .param(profile_param("profile"))
    }

    fn call(&self, args: Vec<Value>) -> Result<Value, FunctionError> {
        let (arg, a) = analyze(&args, "profile")?;
        Ok(findings_value(&a.findings, &arg.shapes, |p| p))
    }
}

/// Findings as a list of [`finding_type`] objects, each `location` the
/// attribute as Terraform addresses it in the resource (`shapes` gives the
/// keys of its maps), passed through `rename` (a data source names some
/// attributes its own way).
pub fn findings_value(
    findings: &[scaling::Finding],
    shapes: &crate::shape::Shapes,
    rename: impl Fn(tfplugin::AttributePath) -> tfplugin::AttributePath,
) -> Value {
    let internal = crate::schema::internal_schema().block;
    let findings = findings
        .iter()
        .map(|f| {
            let path = crate::mapping::location_to_path(&f.location, &internal);
            let path = rename(crate::shape::path_from_lists(&path, shapes));
            obj([
                ("rule_id", Value::string(f.rule_id)),
                ("severity", Value::string(severity(f.severity))),
                ("location", Value::string(path.to_string())),
                ("message", Value::string(f.message.clone())),
            ])
        })
        .collect();
    Value::List(findings)
}

fn severity(s: scaling::Severity) -> &'static str {
    match s {
        scaling::Severity::Error => "error",
        scaling::Severity::Warning => "warning",
        scaling::Severity::Info => "info",
    }
}
