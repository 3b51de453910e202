//! The rule engine at plan time: findings become diagnostics on the
//! attribute they concern, and the capacity and cost analysis become the
//! computed attributes the plan shows.

use std::collections::BTreeMap;

use scaling::{
    acknowledge, Acknowledgement, Finding, Limits, Location, PriceTable, Profile, Severity,
};
use tfplugin::{AttributePath, Block, Diagnostics, Number, Value};

use crate::mapping::location_to_path;

pub struct PlanAnalysis {
    pub capacity: Value,
    pub monthly_cost: Value,
    pub cost_breakdown: Value,
}

/// Runs the rules on `profile` and attaches the findings to `diags`.
/// Where the configuration still has unknown values in what the analysis
/// reads, its results are unknown too: they are not guessed.
pub fn analyze(
    profile: &Profile,
    limits: &Limits,
    options: &scaling::Options,
    schema: &Block,
    config: &Value,
    diags: &mut Diagnostics,
) -> PlanAnalysis {
    let analysis = scaling::analyze_with(profile, limits, &PriceTable::us_east_1(), options);
    let acks = acknowledgements(config);
    for f in &acknowledge::apply(&analysis.findings, &acks) {
        push_finding(f, schema, diags);
    }
    for (i, problem) in acknowledge::check(&acks) {
        let f = problem.finding(Location::root());
        let path = AttributePath::root()
            .then_attr(acknowledge::ATTRIBUTE)
            .then_key(acks[i].rule_id.clone());
        let title = acknowledge::rule_info(f.rule_id)
            .map(|r| r.title)
            .unwrap_or("");
        let summary = format!("{} {title}", f.rule_id);
        match f.severity {
            Severity::Error => diags.attribute_error(path, summary, f.message),
            _ => diags.attribute_warning(path, summary, f.message),
        }
    }
    if inputs_unknown(config) {
        return PlanAnalysis {
            capacity: Value::unknown(),
            monthly_cost: Value::unknown(),
            cost_breakdown: Value::unknown(),
        };
    }
    let (capacity, breakdown) = values(&analysis);
    PlanAnalysis {
        capacity,
        monthly_cost: number(analysis.cost.monthly_total_usd),
        cost_breakdown: breakdown,
    }
}

/// The analysis as Terraform values: the `capacity` object and the cost
/// breakdown map (the resource's and the `smuppy_capacity` data source's).
pub fn values(analysis: &scaling::Analysis) -> (Value, Value) {
    let c = &analysis.capacity;
    let capacity = Value::Object(BTreeMap::from([
        ("origin_rps".to_string(), opt_number(c.origin_rps)),
        (
            "required_concurrency".to_string(),
            opt_number(c.required_concurrency),
        ),
        (
            "max_sustainable_rps".to_string(),
            opt_number(c.max_sustainable_rps),
        ),
        (
            "bottleneck".to_string(),
            Value::String(c.bottleneck.clone()),
        ),
        ("headroom".to_string(), opt_number(c.headroom)),
    ]));
    let breakdown: BTreeMap<String, Value> = analysis
        .cost
        .per_service
        .iter()
        .map(|s| (s.service.clone(), number(s.usd)))
        .collect();
    (capacity, Value::Map(breakdown))
}

/// The configuration's `acknowledge` entries (known ones; an unknown map
/// or value acknowledges nothing until it is known).
fn acknowledgements(config: &Value) -> Vec<Acknowledgement> {
    match config.get(acknowledge::ATTRIBUTE) {
        Some(Value::Map(m)) | Some(Value::Object(m)) => m
            .iter()
            .filter_map(|(id, reason)| match reason {
                Value::String(r) => Some(Acknowledgement::new(id, r)),
                Value::Null => Some(Acknowledgement::new(id, "")),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// One finding as a diagnostic. Info findings are not shown in the plan
/// (the CLI prints them); errors and warnings are, with their rule id.
pub fn push_finding(f: &Finding, schema: &Block, diags: &mut Diagnostics) {
    let path = location_to_path(&f.location, schema);
    let title = scaling::rules::rule(f.rule_id)
        .map(|r| r.title)
        .unwrap_or("");
    let summary = format!("{} {title}", f.rule_id);
    match f.severity {
        Severity::Error => diags.attribute_error(path, summary, f.message.clone()),
        Severity::Warning => diags.attribute_warning(path, summary, f.message.clone()),
        Severity::Info => {}
    }
}

/// Numbers are rounded to cents/hundredths so that the plan shows stable,
/// readable figures and the final plan at apply time matches exactly.
pub(crate) fn number(v: f64) -> Value {
    if !v.is_finite() {
        return Value::Null;
    }
    let rounded = (v * 100.0).round() / 100.0;
    Value::Number(Number::from_f64(rounded))
}

pub(crate) fn opt_number(v: Option<f64>) -> Value {
    v.map(number).unwrap_or(Value::Null)
}

/// Whether anything the analysis reads is still unknown.
fn inputs_unknown(config: &Value) -> bool {
    use scaling::model::Described;
    scaling::model::RESOURCE.blocks().iter().any(|b| {
        config
            .get(b.location())
            .is_some_and(Value::contains_unknown)
    })
}

/// Sets the analysis attributes of a resource value from the value itself
/// (used on read, where there is no configuration). Findings are not
/// reported here: the plan reports them.
pub fn set_computed(value: &mut Value, limits: &Limits, schema: &Block, region: Option<&str>) {
    let profile = crate::mapping::profile_from_value(value, region);
    let mut ignored = Diagnostics::new();
    let outcome = analyze(
        &profile,
        limits,
        &scaling::Options::default(),
        schema,
        value,
        &mut ignored,
    );
    if let Value::Object(top) = value {
        top.insert("capacity".into(), outcome.capacity);
        top.insert("estimated_monthly_cost_usd".into(), outcome.monthly_cost);
        top.insert("cost_breakdown".into(), outcome.cost_breakdown);
    }
}

/// Rules that judge the configuration alone (no traffic model, no account
/// limits): their errors are reported by `terraform validate`, so a profile
/// AWS would reject never reaches a plan. Everything else waits for the plan,
/// where the account's real limits are known.
pub const VALIDATE_TIME_RULES: &[&str] = &[
    "LIM002", "LIM004", "LIM006", "LIM007", "LIM008", "LIM009", "LIM010", "LIM014", "LIM017",
    "LIM018", "LIM020", "LIM021", "SEC003", "TRF003",
];

/// Reports the errors of [`VALIDATE_TIME_RULES`] for a configuration, with
/// the rule id in the summary, on the attribute concerned.
pub fn validate_time_findings(config: &Value, diags: &mut Diagnostics) {
    let schema = crate::schema::internal_schema().block;
    let profile = crate::mapping::profile_from_value(config, None);
    let analysis = scaling::analyze(&profile, &Limits::default(), &PriceTable::us_east_1());
    for f in &analysis.findings {
        if f.severity == Severity::Error && VALIDATE_TIME_RULES.contains(&f.rule_id) {
            push_finding(f, &schema, diags);
        }
    }
}
