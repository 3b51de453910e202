//! hashicorp/aws resources read as one request path: the Lambda functions
//! (with their aliases and provisioned concurrency), the API Gateway stages
//! (with the throttle of their `*/*` method settings, the throttles of
//! single methods and the shortest
//! timeout of their API's integrations), the DynamoDB tables (with their
//! Application Auto Scaling targets and policies), the Service Quotas
//! values, the CloudFront cache policy a distribution uses, the Global
//! Accelerator and the monthly cost budget of a run become profiles the same
//! rules check. Each setting keeps the
//! `aws_*` address and attribute it was read from, and findings name it.
//!
//! Resources are linked by reference (`function_name =
//! aws_lambda_function.api.function_name`) or, where the value is known, by
//! equal names (a plan's values are often known where the configuration
//! refers).

mod accelerator;
mod aws_attrs;
mod budget;
mod cloudfront;
pub(crate) mod hcl;
mod index;
mod link;
pub(crate) mod plan;
pub(crate) mod providers;

use std::collections::BTreeMap;

use scaling::model::{names, API_GATEWAY};
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
    "aws_budgets_budget",
    "aws_globalaccelerator_accelerator",
    "aws_globalaccelerator_listener",
    "aws_globalaccelerator_endpoint_group",
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
    /// Attributes `lifecycle { ignore_changes }` names: Terraform sets them
    /// at create and leaves them to others after (a table's capacity under
    /// auto scaling is written so). None when not known: plan JSON (as
    /// `terraform show -json` writes it) does not carry `lifecycle`.
    pub ignored: Option<Vec<String>>,
    /// Its `aws` provider configuration (HCL: the full key,
    /// `module.api.aws.west`; plan: the `provider_config_key`).
    pub provider: String,
    /// The Region of that configuration, when known.
    pub region: Option<String>,
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
            (Some(v), Some(n)) => {
                v == n || v.strip_suffix(n).is_some_and(|rest| rest.ends_with('/'))
            }
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
    /// The method settings of single methods of the stage, in the order of
    /// the profile's `api_gateway.methods`.
    methods: Vec<&'a AwsResource>,
    /// What linking could not tell, said on the `aws_*` attribute.
    said: Vec<Unevaluated>,
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
            methods: Vec::new(),
            said: Vec::new(),
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

/// Types whose resources are global, or whose API lives in one Region
/// whatever the provider's: they belong to no Region's stack.
const GLOBAL: &[&str] = &[
    "aws_budgets_budget",
    "aws_cloudfront_cache_policy",
    "aws_cloudfront_distribution",
    "aws_globalaccelerator_accelerator",
    "aws_globalaccelerator_listener",
    "aws_globalaccelerator_endpoint_group",
];

/// The profiles of the `aws_*` resources of a run, Region by Region (the
/// Region of each resource's provider configuration; quotas are per
/// account and Region): one per API Gateway stage, the first (by address)
/// also holding every function and table of its Region; without a stage,
/// one for the functions and tables. The CloudFront cache policy and the
/// Global Accelerator go to the first profile. `traffic` is the traffic
/// block of a `smuppy_scaling_profile` of the same run, if any.
pub fn assemble(
    all: &[AwsResource],
    traffic: Option<&scaling::profile::Traffic>,
) -> Result<Vec<LoadedProfile>, InputError> {
    let regional = |r: &AwsResource| !GLOBAL.contains(&r.ty.as_str());
    let mut regions: Vec<Option<String>> = Vec::new();
    for r in all.iter().filter(|r| regional(r)) {
        if !regions.contains(&r.region) {
            regions.push(r.region.clone());
        }
    }
    // One index per Region over the run's resources (none copied).
    let indexes: Vec<index::Index> = regions
        .iter()
        .map(|region| index::Index::keeping(all, |r| regional(r) && &r.region == region))
        .collect();
    let mut stacks: Vec<(Stack, &Option<String>)> = Vec::new();
    // Resources of a Region with no stage, function or table (a quota
    // raised in another Region): said, not counted anywhere.
    let mut elsewhere = Vec::new();
    for (region, ix) in regions.iter().zip(&indexes) {
        let found = region_stacks(ix);
        if found.is_empty() {
            elsewhere.extend(ix.members().into_iter().map(|r| Unevaluated {
                path: r.address.clone(),
                why: format!(
                    "in {}, where the run has no API Gateway stage, Lambda function or DynamoDB table: not read (quotas are per Region)",
                    region.as_deref().unwrap_or("a Region not known")
                ),
            }));
        }
        stacks.extend(found.into_iter().map(|s| (s, region)));
    }
    let Some((main, _)) = stacks.first_mut() else {
        return Ok(Vec::new());
    };
    // What belongs to no Region, looked up among every resource of the run.
    let global = index::Index::new(all);
    cloudfront::add_cache_policy(main, &global);
    let unlinked = accelerator::add(main, &global);
    let budgets_left_out = budget::add_budget(main, &global);
    let mut out = Vec::new();
    for (stack, region) in stacks {
        let mut l = loaded(stack, traffic)?;
        if region.is_some() {
            l.profile.region = region.clone();
        }
        out.push(l);
    }
    out[0].unevaluated.extend(unlinked);
    out[0].unevaluated.extend(budgets_left_out);
    out[0].unevaluated.extend(elsewhere);
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

/// The stacks of one Region's resources (those `ix` keeps).
fn region_stacks<'a>(ix: &index::Index<'a>) -> Vec<Stack<'a>> {
    let stages = ix.of_type("aws_api_gateway_stage");
    let functions = ix.of_type("aws_lambda_function");
    let tables = ix.of_type("aws_dynamodb_table");
    let mut stacks: Vec<Stack> = stages.iter().map(|s| Stack::new(s)).collect();
    if stacks.is_empty() {
        match functions.first().or(tables.first()) {
            Some(first) => stacks.push(Stack::new(first)),
            None => return stacks,
        }
    }
    for (stack, stage) in stacks.iter_mut().zip(&stages) {
        link::add_stage(stack, stage, ix);
    }
    let main = &mut stacks[0];
    for f in &functions {
        link::add_function(main, f, ix);
    }
    for t in &tables {
        link::add_table(main, t, ix);
    }
    for q in ix.of_type("aws_servicequotas_service_quota") {
        link::add_quota(main, q);
    }
    stacks
}

fn loaded(
    mut s: Stack,
    traffic: Option<&scaling::profile::Traffic>,
) -> Result<LoadedProfile, InputError> {
    let address = s.anchor.address.clone();
    s.put(&[names::NAME], Json::String(address.clone()));
    let mut profile = profile_from_tree(&address, &s.tree, false)
        .and_then(|mut p| {
            add_methods(&address, &s.methods, &mut p)?;
            Ok(p)
        })
        .map_err(|e| match e {
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
    let mut unevaluated = std::mem::take(&mut s.said);
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

/// The throttles of single methods (`items/GET`) on the profile's stage.
/// The AWS provider's -1 (its default) is no throttle of the method's own.
fn add_methods(
    address: &str,
    methods: &[&AwsResource],
    p: &mut scaling::Profile,
) -> Result<(), InputError> {
    let Some(stage) = p.api_gateway.as_mut() else {
        return Ok(());
    };
    for (i, m) in methods.iter().enumerate() {
        let number = |attr: &str, field: &str| -> Result<Option<f64>, InputError> {
            let at = || format!("{address}.{}.methods[{i}].{field}", API_GATEWAY.name);
            match m.get(attr) {
                None => Ok(None),
                Some(Json::Number(n)) => match n.as_f64() {
                    Some(-1.0) => Ok(None),
                    Some(v) if v >= 0.0 => Ok(Some(v)),
                    _ => Err(InputError::schema(
                        at(),
                        format!(
                            "{n} is neither -1 (no throttle of the method's own) nor 0 or more"
                        ),
                    )),
                },
                Some(_) => Err(InputError::schema(at(), "expected a number")),
            }
        };
        let rate = number("settings.throttling_rate_limit", names::STAGE_RATE_LIMIT)?;
        let burst = number("settings.throttling_burst_limit", names::STAGE_BURST_LIMIT)?;
        if burst.is_some_and(|b| b.fract() != 0.0) {
            return Err(InputError::schema(
                format!(
                    "{address}.{}.methods[{i}].{}",
                    API_GATEWAY.name,
                    names::STAGE_BURST_LIMIT
                ),
                "expected a whole number",
            ));
        }
        stage.methods.push(scaling::MethodThrottle {
            method_path: m.str("method_path").unwrap_or_default(),
            rate_limit: rate,
            burst_limit: burst.map(|b| b as i64),
        });
    }
    Ok(())
}

/// A location as the configuration writes it (`lambda_pools["x"].timeout`)
/// turned into the `aws_*` address and attribute it was read from, when the
/// profile was assembled from such resources.
pub fn aws_location(renames: &BTreeMap<String, String>, shown: &str) -> Option<String> {
    if let Some(a) = renames.get(shown) {
        return Some(a.clone());
    }
    // The longest renamed prefix that ends before a `.` or `[`, then the
    // rest of the path: each such prefix looked up, longest first.
    shown
        .match_indices(['.', '['])
        .map(|(end, _)| end)
        .rev()
        .find_map(|end| renames.get(&shown[..end]).map(|a| (end, a)))
        .map(|(end, a)| format!("{a}{}", &shown[end..]))
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

    /// A location is renamed by its longest renamed prefix that ends
    /// before a `.` or `[`, the rest kept.
    #[test]
    fn aws_location_takes_the_longest_renamed_prefix() {
        let renames: BTreeMap<String, String> = [
            ("lambda_pools[\"f\"]", "aws_lambda_function.f"),
            (
                "lambda_pools[\"f\"].timeout",
                "aws_lambda_function.f.timeout",
            ),
            ("api_gateway", "aws_api_gateway_stage.s"),
            ("api", "wrong"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let at = |shown: &str| aws_location(&renames, shown);
        assert_eq!(
            at("lambda_pools[\"f\"].timeout").as_deref(),
            Some("aws_lambda_function.f.timeout")
        );
        assert_eq!(
            at("lambda_pools[\"f\"].timeout.x").as_deref(),
            Some("aws_lambda_function.f.timeout.x")
        );
        assert_eq!(
            at("lambda_pools[\"f\"].memory_size").as_deref(),
            Some("aws_lambda_function.f.memory_size")
        );
        assert_eq!(
            at("api_gateway.rate_limit").as_deref(),
            Some("aws_api_gateway_stage.s.rate_limit")
        );
        assert_eq!(at("api_gateway_x.rate_limit"), None);
        assert_eq!(at("lambda_pools[\"g\"].timeout"), None);
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
