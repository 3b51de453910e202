//! `aws_*` resources of a `terraform show -json` plan: their planned values,
//! what `after_unknown` marks known only after apply, and the references
//! the `configuration` section records for each attribute.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::blocks::Unevaluated;

use super::{AwsResource, TYPES};

/// Every `aws_*` resource of a read type in `root` (planned_values'
/// root_module) and its child modules.
pub(crate) fn read(doc: &Value, root: &Value) -> Vec<AwsResource> {
    let refs = configuration_refs(doc);
    let (keys, regions) = super::providers::from_plan(doc);
    let unknown: BTreeMap<&str, &Value> = doc
        .get("resource_changes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|rc| {
            Some((
                rc.get("address")?.as_str()?,
                rc.pointer("/change/after_unknown")?,
            ))
        })
        .collect();
    let mut out = Vec::new();
    walk(root, &refs, &unknown, &mut out, 0);
    for r in &mut out {
        if let Some(k) = keys.get(&strip_key(&r.address)) {
            r.provider = k.clone();
            r.region = regions.get(k).cloned().flatten();
        }
    }
    out
}

fn walk(
    module: &Value,
    refs: &BTreeMap<String, BTreeMap<String, String>>,
    unknown: &BTreeMap<&str, &Value>,
    out: &mut Vec<AwsResource>,
    depth: usize,
) {
    if depth > 32 {
        return;
    }
    for r in module
        .get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let ty = r.get("type").and_then(Value::as_str).unwrap_or_default();
        let mode = r.get("mode").and_then(Value::as_str).unwrap_or("managed");
        if !TYPES.contains(&ty) || mode != "managed" {
            continue;
        }
        let Some(address) = r.get("address").and_then(Value::as_str) else {
            continue;
        };
        let values = match r.get("values") {
            Some(Value::Object(m)) => m.clone(),
            _ => Map::new(),
        };
        // The configuration's address: without the instance key.
        let config_address = strip_key(address);
        let key = r.get("index").and_then(Value::as_str);
        let mut resource_refs = BTreeMap::new();
        for (attr, target) in refs.get(&config_address).into_iter().flatten() {
            let target = match (target.ends_with("[*]"), key) {
                (true, Some(k)) => format!("{}[{k:?}]", target.trim_end_matches("[*]")),
                (true, None) => continue,
                (false, _) => target.clone(),
            };
            resource_refs.insert(attr.clone(), target);
        }
        let mut unevaluated = Vec::new();
        if let Some(Value::Object(u)) = unknown.get(address) {
            for (attr, v) in u {
                if v == &Value::Bool(true) {
                    unevaluated.push(Unevaluated {
                        path: attr.clone(),
                        why: "known only after apply: the plan's after_unknown marks it".into(),
                    });
                }
            }
        }
        out.push(AwsResource {
            address: address.to_string(),
            ty: ty.to_string(),
            values,
            refs: resource_refs,
            file: None,
            lines: BTreeMap::new(),
            unevaluated,
            // A plan does not say what lifecycle ignores.
            ignored: None,
            provider: "aws".into(),
            region: None,
        });
    }
    for c in module
        .get("child_modules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        walk(c, refs, unknown, out, depth + 1);
    }
}

/// `a.b["k"]` → `a.b`; `module.m["x"].a.b` keeps the module's key.
pub(crate) fn strip_key(address: &str) -> String {
    match address.rfind('[') {
        Some(i) if address.ends_with(']') && !address[i..].contains('.') => {
            address[..i].to_string()
        }
        _ => address.to_string(),
    }
}

/// `configuration.root_module` (and module calls): for each resource's
/// address, the resource of a read type each top-level attribute refers to.
/// A reference through `each.key` to a `for_each` resource ends in `[*]`.
fn configuration_refs(doc: &Value) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    config_resources(doc, |prefix, r| {
        let Some(address) = r.get("address").and_then(Value::as_str) else {
            return;
        };
        let mut attrs = BTreeMap::new();
        for (attr, e) in r
            .get("expressions")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            // Nested blocks (a distribution's cache behaviours): `block[i].attr`.
            if let Some(blocks) = e.as_array() {
                for (i, b) in blocks.iter().enumerate() {
                    for (inner, e) in b.as_object().into_iter().flatten() {
                        let target = e
                            .get("references")
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                            .filter_map(Value::as_str)
                            .find_map(resource_of);
                        if let Some(target) = target {
                            attrs.insert(
                                format!("{attr}[{i}].{inner}"),
                                format!("{prefix}{target}"),
                            );
                        }
                    }
                }
                continue;
            }
            let list = e.get("references").and_then(Value::as_array);
            let names: Vec<&str> = list
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let by_each = names.contains(&"each.key");
            if let Some(target) = names.iter().find_map(|n| resource_of(n)) {
                let target = format!("{prefix}{target}");
                let target = if by_each && !target.ends_with(']') {
                    format!("{target}[*]")
                } else {
                    target
                };
                attrs.insert(attr.clone(), target);
            }
        }
        out.insert(format!("{prefix}{address}"), attrs);
    });
    out
}

/// Calls `f` with every resource of a plan's `configuration` (the root
/// module's and, through module calls, at most 32 deep, every module's) and
/// the address prefix of its module (`module.api.`).
pub(crate) fn config_resources(doc: &Value, mut f: impl FnMut(&str, &Value)) {
    fn walk(module: &Value, prefix: &str, f: &mut dyn FnMut(&str, &Value), depth: usize) {
        if depth > 32 {
            return;
        }
        for r in module
            .get("resources")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            f(prefix, r);
        }
        for (name, call) in module
            .get("module_calls")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if let Some(m) = call.get("module") {
                walk(m, &format!("{prefix}module.{name}."), f, depth + 1);
            }
        }
    }
    if let Some(root) = doc.pointer("/configuration/root_module") {
        walk(root, "", &mut f, 0);
    }
}

/// `aws_lambda_function.api.function_name` → `aws_lambda_function.api`.
fn resource_of(reference: &str) -> Option<String> {
    let mut parts = reference.splitn(3, '.');
    let ty = parts.next()?;
    let name = parts.next()?;
    if !TYPES.contains(&ty) || name.is_empty() {
        return None;
    }
    // `name["key"]` keeps its key.
    Some(format!("{ty}.{name}"))
}
