//! hashicorp/aws resources read as one request path: the Lambda functions
//! (with their aliases and provisioned concurrency), the API Gateway stages
//! (with the throttle of their `*/*` method settings and the shortest
//! timeout of their API's integrations), the DynamoDB tables (with their
//! Application Auto Scaling targets and policies), the Service Quotas
//! values and the CloudFront cache policy a distribution uses of a run
//! become profiles the same rules check. Each setting keeps the
//! `aws_*` address and attribute it was read from, and findings name it.
//!
//! Resources are linked by reference (`function_name =
//! aws_lambda_function.api.function_name`) or, where the value is known, by
//! equal names (a plan's values are often known where the configuration
//! refers).

mod cloudfront;
pub(crate) mod hcl;
pub(crate) mod plan;

use std::collections::BTreeMap;

use serde_json::{json, Map, Value as Json};

use crate::blocks::Unevaluated;
use crate::error::InputError;
use crate::input::{LoadedProfile, DEFAULT_PROVIDER};
use crate::mapping::profile_from_tree;

/// The resource types read.
pub const TYPES: &[&str] = &[
    "aws_lambda_function",
    "aws_lambda_alias",
    "aws_lambda_provisioned_concurrency_config",
    "aws_api_gateway_rest_api",
    "aws_api_gateway_stage",
    "aws_api_gateway_method_settings",
    "aws_api_gateway_integration",
    "aws_dynamodb_table",
    "aws_appautoscaling_target",
    "aws_appautoscaling_policy",
    "aws_servicequotas_service_quota",
    "aws_cloudfront_cache_policy",
    "aws_cloudfront_distribution",
];

/// One `aws_*` resource instance as read from HCL or a plan.
#[derive(Debug, Clone, Default)]
pub struct AwsResource {
    /// Full address: `module.api.aws_lambda_function.fn["orders"]`.
    pub address: String,
    pub ty: String,
    /// Attributes; nested blocks as lists of objects. Values not known are null.
    pub values: Map<String, Json>,
    /// The resource each top-level attribute refers to, by full address.
    pub refs: BTreeMap<String, String>,
    /// File and line of the block and of each attribute path (HCL only).
    pub file: Option<String>,
    pub lines: BTreeMap<String, usize>,
    /// Values not evaluated, by attribute path, with why.
    pub unevaluated: Vec<Unevaluated>,
    /// Attributes `lifecycle { ignore_changes }` names (HCL only): Terraform
    /// sets them at create and leaves them to others after (a table's
    /// capacity under auto scaling is written so).
    pub ignored: Vec<String>,
}

impl AwsResource {
    /// A top-level or `block.attribute` value, through nested blocks (the
    /// first of each).
    fn get(&self, path: &str) -> Option<&Json> {
        let mut parts = path.split('.');
        let mut v = self.values.get(parts.next()?)?;
        for step in parts {
            let block = match v {
                Json::Array(items) => items.first()?,
                other => other,
            };
            v = block.get(step)?;
        }
        Some(v).filter(|v| !v.is_null())
    }
    fn str(&self, path: &str) -> Option<String> {
        match self.get(path)? {
            Json::String(s) => Some(s.clone()),
            Json::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }
    fn attr_address(&self, path: &str) -> String {
        format!("{}.{path}", self.address)
    }
    /// Whether `attr` links this resource to `target`: by reference, or by
    /// the equal known value `name`. A reference to another resource of the
    /// target's type (another instance of one `for_each`, sharing its name)
    /// is no link, whatever the values.
    fn links(&self, attr: &str, target: &AwsResource, name: Option<&str>) -> bool {
        if let Some(r) = self.refs.get(attr) {
            if r == &target.address {
                return true;
            }
            if strip_instance_key(r).rsplit('.').nth(1) == Some(target.ty.as_str()) {
                return false;
            }
        }
        match (self.str(attr), name) {
            (Some(v), Some(n)) => v == n || v.ends_with(&format!("/{n}")),
            _ => false,
        }
    }
}

/// What one assembled profile is made of, before it becomes a profile.
struct Stack<'a> {
    tree: Map<String, Json>,
    /// Profile path (as the configuration writes it) → `aws_*` address.attribute.
    renames: BTreeMap<String, String>,
    anchor: &'a AwsResource,
    parts: Vec<&'a AwsResource>,
    /// The addresses of `parts`, so that adding one stays O(log n).
    part_addresses: std::collections::BTreeSet<&'a str>,
    /// (address, attribute) of every setting read: a value among them not
    /// known is reported; others matter to no rule.
    asked: std::collections::BTreeSet<(String, String)>,
}

impl<'a> Stack<'a> {
    fn new(anchor: &'a AwsResource) -> Self {
        Stack {
            tree: Map::new(),
            renames: BTreeMap::new(),
            anchor,
            parts: vec![anchor],
            part_addresses: [anchor.address.as_str()].into(),
            asked: Default::default(),
        }
    }
    /// Sets `path` (`lambda_pools.KEY.memory_size`) from `r`'s `attr`.
    /// A finding on the setting names `attr` even when it is not set.
    fn set(&mut self, path: &[&str], shown: String, r: &'a AwsResource, attr: &str) {
        self.renames.insert(shown, r.attr_address(attr));
        self.asked.insert((r.address.clone(), attr.to_string()));
        if self.part_addresses.insert(r.address.as_str()) {
            self.parts.push(r);
        }
        let Some(v) = r.get(attr).cloned() else {
            return;
        };
        self.put(path, v);
    }
    fn put(&mut self, path: &[&str], v: Json) {
        let mut node = &mut self.tree;
        for step in &path[..path.len() - 1] {
            node = match node
                .entry(step.to_string())
                .or_insert_with(|| Json::Object(Map::new()))
            {
                Json::Object(m) => m,
                _ => return,
            };
        }
        node.insert(path[path.len() - 1].to_string(), v);
    }
}

/// `aws_x.y["k"]` → `aws_x.y`.
fn strip_instance_key(address: &str) -> &str {
    match address.strip_suffix(']').and_then(|a| a.rfind('[')) {
        Some(i) => &address[..i],
        None => address,
    }
}

fn by_type<'a>(all: &'a [AwsResource], ty: &str) -> Vec<&'a AwsResource> {
    all.iter().filter(|r| r.ty == ty).collect()
}

/// The profiles of the `aws_*` resources of a run: one per API Gateway
/// stage, the first (by address) also holding every function and table;
/// without a stage, one for the functions and tables. `traffic` is the
/// traffic block of a `smuppy_scaling_profile` of the same run, if any.
pub fn assemble(
    all: &[AwsResource],
    traffic: Option<&scaling::profile::Traffic>,
) -> Result<Vec<LoadedProfile>, InputError> {
    let stages = by_type(all, "aws_api_gateway_stage");
    let functions = by_type(all, "aws_lambda_function");
    let tables = by_type(all, "aws_dynamodb_table");
    let mut stacks: Vec<Stack> = stages.iter().map(|s| Stack::new(s)).collect();
    if stacks.is_empty() {
        match functions.first().or(tables.first()) {
            Some(first) => stacks.push(Stack::new(first)),
            None => return Ok(Vec::new()),
        }
    }
    for (stack, stage) in stacks.iter_mut().zip(&stages) {
        add_stage(stack, stage, all);
    }
    let main = &mut stacks[0];
    for f in &functions {
        add_function(main, f, all);
    }
    for t in &tables {
        add_table(main, t, all);
    }
    for q in by_type(all, "aws_servicequotas_service_quota") {
        add_quota(main, q);
    }
    cloudfront::add_cache_policy(main, all);
    let mut out = Vec::new();
    for stack in stacks {
        out.push(loaded(stack, traffic)?);
    }
    // Resources whose instances are not known are said on the first profile.
    for r in all {
        for u in r
            .unevaluated
            .iter()
            .filter(|u| u.path == "for_each" || u.path == "count")
        {
            out[0].unevaluated.push(Unevaluated {
                path: r.attr_address("for_each"),
                why: u.why.clone(),
            });
        }
    }
    Ok(out)
}

fn add_stage<'a>(s: &mut Stack<'a>, stage: &'a AwsResource, all: &'a [AwsResource]) {
    let id = stage
        .str("rest_api_id")
        .or_else(|| stage.refs.get("rest_api_id").cloned())
        .unwrap_or_else(|| stage.address.clone());
    s.put(&["api_gateway", "rest_api_id"], Json::String(id));
    s.renames.insert(
        "api_gateway.rest_api_id".into(),
        stage.attr_address("rest_api_id"),
    );
    let name = stage.str("stage_name");
    s.set(
        &["api_gateway", "stage_name"],
        "api_gateway.stage_name".into(),
        stage,
        "stage_name",
    );
    for m in by_type(all, "aws_api_gateway_method_settings") {
        if !m.links("stage_name", stage, name.as_deref()) {
            continue;
        }
        // Only the stage-wide throttle; per-method settings override it
        // for their method alone.
        if m.str("method_path").as_deref() != Some("*/*") {
            continue;
        }
        s.set(
            &["api_gateway", "rate_limit"],
            "api_gateway.rate_limit".into(),
            m,
            "settings.throttling_rate_limit",
        );
        s.set(
            &["api_gateway", "burst_limit"],
            "api_gateway.burst_limit".into(),
            m,
            "settings.throttling_burst_limit",
        );
    }
    // The integrations of the stage's API that call a function: the
    // shortest timeout is the one a function must finish within (29,000 ms
    // when none is set).
    let api_ref = stage.refs.get("rest_api_id");
    let api_id = stage.str("rest_api_id");
    let shortest = by_type(all, "aws_api_gateway_integration")
        .into_iter()
        .filter(|i| {
            let by_ref = api_ref.is_some() && i.refs.get("rest_api_id") == api_ref;
            let by_id = api_id.is_some() && i.str("rest_api_id") == api_id;
            by_ref || by_id
        })
        .filter(|i| i.get("timeout_milliseconds").is_some() && calls_function(i, all))
        .min_by(|a, b| {
            let ms = |r: &AwsResource| r.get("timeout_milliseconds").and_then(Json::as_f64);
            ms(a)
                .partial_cmp(&ms(b))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
    if let Some(i) = shortest {
        s.set(
            &["api_gateway", "integration_timeout_ms"],
            "api_gateway.integration_timeout_ms".into(),
            i,
            "timeout_milliseconds",
        );
    }
    s.renames
        .insert("api_gateway".into(), stage.address.clone());
}

/// Whether an integration's `uri` is a function's (or alias's) invoke ARN:
/// by reference, or a known `…:lambda:path/…/functions/ARN/invocations`
/// naming a function of the run.
fn calls_function(i: &AwsResource, all: &[AwsResource]) -> bool {
    let lambda = |address: &str| {
        all.iter().any(|r| {
            r.address == address
                && matches!(r.ty.as_str(), "aws_lambda_function" | "aws_lambda_alias")
        })
    };
    if i.refs.get("uri").is_some_and(|t| lambda(t)) {
        return true;
    }
    let Some(uri) = i.str("uri").filter(|u| u.contains(":lambda:path/")) else {
        return false;
    };
    by_type(all, "aws_lambda_function").iter().any(|f| {
        f.str("function_name").is_some_and(|n| {
            uri.contains(&format!(":function:{n}/")) || uri.contains(&format!(":function:{n}:"))
        })
    })
}

/// A quota's value in force, as a request for it: the rules that compare a
/// setting with an account limit see the raised limit.
fn add_quota<'a>(s: &mut Stack<'a>, q: &'a AwsResource) {
    let key = q.address.as_str();
    let shown = |attr: &str| format!("quota_requests[{key:?}].{attr}");
    s.renames
        .insert(format!("quota_requests[{key:?}]"), q.address.clone());
    for (attr, from) in [
        ("service_code", "service_code"),
        ("quota_code", "quota_code"),
        ("desired_value", "value"),
    ] {
        s.set(&["quota_requests", key, attr], shown(attr), q, from);
    }
}

fn add_function<'a>(s: &mut Stack<'a>, f: &'a AwsResource, all: &'a [AwsResource]) {
    let key = f.address.as_str();
    let shown = |attr: &str| format!("lambda_pools[{key:?}].{attr}");
    let name = f.str("function_name");
    s.put(
        &["lambda_pools", key, "function_name"],
        Json::String(name.clone().unwrap_or_else(|| f.address.clone())),
    );
    s.renames
        .insert(format!("lambda_pools[{key:?}]"), f.address.clone());
    s.renames
        .insert(shown("function_name"), f.attr_address("function_name"));
    s.set(
        &["lambda_pools", key, "memory_size"],
        shown("memory_size"),
        f,
        "memory_size",
    );
    s.set(
        &["lambda_pools", key, "timeout"],
        shown("timeout"),
        f,
        "timeout",
    );
    // -1, the provider's default, is no reservation.
    if f.get("reserved_concurrent_executions")
        .and_then(Json::as_f64)
        != Some(-1.0)
    {
        s.set(
            &["lambda_pools", key, "reserved_concurrency"],
            shown("reserved_concurrency"),
            f,
            "reserved_concurrent_executions",
        );
    }
    s.set(
        &["lambda_pools", key, "publish_on_change"],
        shown("publish_on_change"),
        f,
        "publish",
    );
    let aliases: Vec<&AwsResource> = by_type(all, "aws_lambda_alias")
        .into_iter()
        .filter(|a| a.links("function_name", f, name.as_deref()))
        .collect();
    // Without a provisioned concurrency config, a finding about it is on the function.
    for attr in ["provisioned_concurrency", "qualifier"] {
        s.renames.insert(shown(attr), f.address.clone());
    }
    for p in by_type(all, "aws_lambda_provisioned_concurrency_config") {
        // Its function_name names the function, or refers to an alias of it.
        let through_alias = aliases
            .iter()
            .any(|a| p.refs.get("function_name") == Some(&a.address));
        if !through_alias && !p.links("function_name", f, name.as_deref()) {
            continue;
        }
        s.set(
            &["lambda_pools", key, "provisioned_concurrency"],
            shown("provisioned_concurrency"),
            p,
            "provisioned_concurrent_executions",
        );
        let alias = aliases
            .iter()
            .find(|a| p.links("qualifier", a, a.str("name").as_deref()));
        match alias {
            Some(a) => s.set(
                &["lambda_pools", key, "qualifier"],
                shown("qualifier"),
                a,
                "name",
            ),
            None => s.set(
                &["lambda_pools", key, "qualifier"],
                shown("qualifier"),
                p,
                "qualifier",
            ),
        }
    }
}

fn add_table<'a>(s: &mut Stack<'a>, t: &'a AwsResource, all: &'a [AwsResource]) {
    let key = t.address.as_str();
    let shown = |attr: &str| format!("dynamodb_tables[{key:?}].{attr}");
    let name = t.str("name");
    s.put(
        &["dynamodb_tables", key, "table_name"],
        Json::String(name.clone().unwrap_or_else(|| t.address.clone())),
    );
    s.renames
        .insert(format!("dynamodb_tables[{key:?}]"), t.address.clone());
    s.renames
        .insert(shown("table_name"), t.attr_address("name"));
    // The provider's default billing mode is PROVISIONED.
    if t.get("billing_mode").is_none() && !t.unevaluated.iter().any(|u| u.path == "billing_mode") {
        s.put(
            &["dynamodb_tables", key, "billing_mode"],
            json!("PROVISIONED"),
        );
        s.renames.insert(shown("billing_mode"), t.address.clone());
    }
    s.set(
        &["dynamodb_tables", key, "billing_mode"],
        shown("billing_mode"),
        t,
        "billing_mode",
    );
    let targets: Vec<&AwsResource> = by_type(all, "aws_appautoscaling_target")
        .into_iter()
        .filter(|g| {
            g.str("service_namespace").as_deref() == Some("dynamodb")
                && g.links("resource_id", t, name.as_deref())
        })
        .collect();
    // On demand, the capacity attributes are computed and not used. Under
    // auto scaling, a capacity in ignore_changes is only where it starts.
    if t.str("billing_mode").as_deref() != Some("PAY_PER_REQUEST") {
        for (attr, dim) in [("read_capacity", "read"), ("write_capacity", "write")] {
            let scaled = targets
                .iter()
                .any(|g| dimension(g.str("scalable_dimension").as_deref()) == Some(dim));
            if scaled && t.ignored.iter().any(|i| i == attr) {
                continue;
            }
            s.set(&["dynamodb_tables", key, attr], shown(attr), t, attr);
        }
    }
    for g in &targets {
        let Some(dim) = dimension(g.str("scalable_dimension").as_deref()) else {
            continue;
        };
        let base = format!("dynamodb_tables[{key:?}].autoscaling.{dim}");
        for attr in ["min_capacity", "max_capacity"] {
            s.set(
                &["dynamodb_tables", key, "autoscaling", dim, attr],
                format!("{base}.{attr}"),
                g,
                attr,
            );
        }
        for p in by_type(all, "aws_appautoscaling_policy") {
            let on_target = p.links("resource_id", g, None)
                || p.links("scalable_dimension", g, None)
                || (p.links("resource_id", t, name.as_deref())
                    && dimension(p.str("scalable_dimension").as_deref()) == Some(dim));
            if !on_target {
                continue;
            }
            let conf = "target_tracking_scaling_policy_configuration";
            for (from, to) in [
                ("target_value", "target_utilization"),
                ("scale_in_cooldown", "scale_in_cooldown"),
                ("scale_out_cooldown", "scale_out_cooldown"),
            ] {
                s.set(
                    &["dynamodb_tables", key, "autoscaling", dim, to],
                    format!("{base}.{to}"),
                    p,
                    &format!("{conf}.{from}"),
                );
            }
        }
    }
}

/// `dynamodb:table:ReadCapacityUnits` → `read`.
fn dimension(d: Option<&str>) -> Option<&'static str> {
    match d? {
        "dynamodb:table:ReadCapacityUnits" => Some("read"),
        "dynamodb:table:WriteCapacityUnits" => Some("write"),
        _ => None,
    }
}

fn loaded(
    mut s: Stack,
    traffic: Option<&scaling::profile::Traffic>,
) -> Result<LoadedProfile, InputError> {
    let address = s.anchor.address.clone();
    s.put(&["name"], Json::String(address.clone()));
    let mut profile = profile_from_tree(&address, &s.tree, false).map_err(|e| match e {
        // Said on the aws_* attribute the value came from, with its line.
        InputError::Schema { at, reason } => {
            let shown = at
                .strip_prefix(&format!("{address}."))
                .and_then(|rest| aws_location(&s.renames, rest))
                .unwrap_or(at);
            let line = s.parts.iter().find_map(|p| {
                let attr = shown.strip_prefix(&format!("{}.", p.address))?;
                // Nested blocks are recorded with their index (`block[0].attr`).
                let line = p.lines.get(attr).or_else(|| {
                    p.lines
                        .iter()
                        .find(|(k, _)| k.replace("[0]", "") == attr)
                        .map(|(_, l)| l)
                })?;
                Some(format!("{}:{line}: ", p.file.as_deref()?))
            });
            InputError::Schema {
                at: format!("{}{shown}", line.unwrap_or_default()),
                reason,
            }
        }
        other => other,
    })?;
    if let Some(t) = traffic {
        profile.traffic = t.clone();
    }
    let file = s.anchor.file.clone();
    let mut lines = BTreeMap::new();
    let mut unevaluated = Vec::new();
    for p in &s.parts {
        for u in &p.unevaluated {
            // A reference to another resource read is followed, not a gap.
            let path = u.path.replace("[0]", "");
            let asked = s.asked.contains(&(p.address.clone(), path.clone()));
            if asked && !p.refs.contains_key(&path) {
                unevaluated.push(Unevaluated {
                    path: p.attr_address(&path),
                    why: u.why.clone(),
                });
            }
        }
        if p.file != file {
            continue;
        }
        if let Some(l) = p.lines.get("") {
            lines.insert(p.address.clone(), *l);
        }
        for (path, l) in &p.lines {
            if !path.is_empty() {
                lines.insert(p.attr_address(&path.replace("[0]", "")), *l);
            }
        }
    }
    if let Some(l) = s.anchor.lines.get("") {
        lines.insert(String::new(), *l);
    }
    Ok(LoadedProfile {
        address,
        file,
        lines,
        keys: crate::locations::map_keys(&s.tree),
        profile,
        ignores: Vec::new(),
        provider: DEFAULT_PROVIDER.to_string(),
        unevaluated,
        aws: s.renames,
    })
}

/// A location as the configuration writes it (`lambda_pools["x"].timeout`)
/// turned into the `aws_*` address and attribute it was read from, when the
/// profile was assembled from such resources.
pub fn aws_location(renames: &BTreeMap<String, String>, shown: &str) -> Option<String> {
    if let Some(a) = renames.get(shown) {
        return Some(a.clone());
    }
    // The longest renamed prefix, then the rest of the path.
    renames
        .iter()
        .filter(|(k, _)| {
            shown.starts_with(k.as_str())
                && matches!(shown.as_bytes().get(k.len()), Some(b'.') | Some(b'['))
        })
        .max_by_key(|(k, _)| k.len())
        .map(|(k, a)| format!("{a}{}", &shown[k.len()..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(address: &str, ty: &str, values: Json, refs: &[(&str, &str)]) -> AwsResource {
        AwsResource {
            address: address.into(),
            ty: ty.into(),
            values: values.as_object().cloned().unwrap_or_default(),
            refs: refs
                .iter()
                .map(|(a, t)| (a.to_string(), t.to_string()))
                .collect(),
            ..Default::default()
        }
    }

    /// Stages of one for_each share a stage name: each takes the throttle
    /// of the method settings that refer to it, not of the last one.
    #[test]
    fn method_settings_follow_their_stage_instance_not_the_shared_name() {
        let mut all = Vec::new();
        for (k, rate) in [("a", 7), ("b", 100)] {
            let stage = format!("aws_api_gateway_stage.prod[\"{k}\"]");
            all.push(res(
                &stage,
                "aws_api_gateway_stage",
                json!({"stage_name": "prod"}),
                &[],
            ));
            all.push(res(
                &format!("aws_api_gateway_method_settings.all[\"{k}\"]"),
                "aws_api_gateway_method_settings",
                json!({"stage_name": "prod", "method_path": "*/*",
                       "settings": [{"throttling_rate_limit": rate, "throttling_burst_limit": 5}]}),
                &[("stage_name", &stage)],
            ));
        }
        let profiles = assemble(&all, None).expect("assembled");
        let rates: Vec<(String, Option<f64>)> = profiles
            .iter()
            .map(|p| {
                let gw = p.profile.api_gateway.as_ref();
                (p.address.clone(), gw.and_then(|g| g.rate_limit))
            })
            .collect();
        assert_eq!(
            rates,
            vec![
                ("aws_api_gateway_stage.prod[\"a\"]".to_string(), Some(7.0)),
                ("aws_api_gateway_stage.prod[\"b\"]".to_string(), Some(100.0)),
            ]
        );
    }
}
