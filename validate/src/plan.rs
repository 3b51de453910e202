//! `terraform show -json` plans (and state): `planned_values.root_module`
//! (or `values.root_module`), with child modules, resources of type
//! `smuppy_scaling_profile`.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use scaling::model::{self, Described, Nesting};

use crate::blocks::Unevaluated;
use crate::error::InputError;
use crate::input::{display_path, read, LoadedProfile, DEFAULT_PROVIDER};
use crate::mapping::profile_from_tree;

pub fn load_plan(path: &Path) -> Result<Vec<LoadedProfile>, InputError> {
    let text = read(path)?;
    let file = display_path(path);
    let doc: Value = serde_json::from_str(&text).map_err(|e| InputError::Json {
        file: file.clone(),
        reason: e.to_string(),
    })?;
    let root = doc
        .pointer("/planned_values/root_module")
        .or_else(|| doc.pointer("/values/root_module"))
        .ok_or_else(|| {
            InputError::NoProfiles(format!(
                "{file}: not a Terraform plan or state in JSON (no planned_values.root_module); produce it with `terraform show -json`"
            ))
        })?;
    // Each profile's provider configuration and the Region of each.
    let (keys, regions) = crate::awsres::providers::from_plan(&doc);
    let mut out = Vec::new();
    walk(root, &mut out, 0)?;
    for p in &mut out {
        let config_address = crate::awsres::plan::strip_key(&p.address);
        if let Some(k) = keys.get(&config_address) {
            p.provider = k.clone();
        }
    }
    let unknown = after_unknown(&doc);
    for p in &mut out {
        if let Some(u) = unknown.get(p.address.as_str()) {
            unknown_leaves(u, &model::RESOURCE, "", &mut p.unevaluated);
        }
    }
    let aws = crate::awsres::plan::read(&doc, root);
    let traffic = out.first().map(|p| p.profile.traffic.clone());
    out.extend(crate::awsres::assemble(&aws, traffic.as_ref())?);
    if out.is_empty() {
        return Err(InputError::NoProfiles(format!(
            "{file}: the plan has no smuppy_scaling_profile resources nor aws_* resources the validator reads"
        )));
    }
    // A profile's Region is its provider configuration's; profiles of
    // aws_* resources count as the default configuration's.
    for p in &mut out {
        if p.profile.region.is_none() {
            p.profile.region = regions.get(&p.provider).cloned().flatten();
        }
    }
    Ok(out)
}

fn walk(module: &Value, out: &mut Vec<LoadedProfile>, depth: usize) -> Result<(), InputError> {
    if depth > 32 {
        return Err(InputError::Other(
            "plan modules nest deeper than 32 levels".into(),
        ));
    }
    if let Some(resources) = module.get("resources").and_then(Value::as_array) {
        for r in resources {
            let ty = r.get("type").and_then(Value::as_str).unwrap_or_default();
            let mode = r.get("mode").and_then(Value::as_str).unwrap_or("managed");
            if ty != "smuppy_scaling_profile" || mode != "managed" {
                continue;
            }
            let address = r
                .get("address")
                .and_then(Value::as_str)
                .unwrap_or("smuppy_scaling_profile")
                .to_string();
            let empty = serde_json::Map::new();
            let values = match r.get("values") {
                Some(Value::Object(m)) => m,
                None | Some(Value::Null) => &empty,
                Some(_) => {
                    return Err(InputError::schema(&address, "values is not an object"));
                }
            };
            let profile = profile_from_tree(&address, values, false)?;
            let ignores = crate::mapping::acknowledgements(&address, values)?
                .into_iter()
                .map(|ack| crate::ignore::InlineIgnore {
                    line: 0,
                    ack,
                    from_attribute: true,
                })
                .collect();
            out.push(LoadedProfile {
                address,
                file: None,
                lines: BTreeMap::new(),
                keys: crate::locations::map_keys(values),
                profile,
                ignores,
                // The configuration's provider_config_key, set after.
                provider: DEFAULT_PROVIDER.to_string(),
                unevaluated: Vec::new(),
                aws: BTreeMap::new(),
            });
        }
    }
    if let Some(children) = module.get("child_modules").and_then(Value::as_array) {
        for c in children {
            walk(c, out, depth + 1)?;
        }
    }
    Ok(())
}

/// `resource_changes[].change.after_unknown` by resource address: which
/// planned values are known only after apply (they are absent from
/// `planned_values`).
fn after_unknown(doc: &Value) -> BTreeMap<&str, &Value> {
    doc.get("resource_changes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|rc| {
            let address = rc.get("address")?.as_str()?;
            let u = rc.pointer("/change/after_unknown")?;
            Some((address, u))
        })
        .collect()
}

/// The settable attributes of `block` that `u` (an `after_unknown` tree)
/// marks unknown, by their path in the resource.
fn unknown_leaves(u: &Value, block: &dyn Described, at: &str, out: &mut Vec<Unevaluated>) {
    let join = |k: &str| {
        if at.is_empty() {
            k.to_string()
        } else {
            format!("{at}.{k}")
        }
    };
    let Value::Object(m) = u else { return };
    for (k, v) in m {
        if let Some(f) = block.field(k).filter(|f| f.mode.settable()) {
            if v == &Value::Bool(true) {
                out.push(Unevaluated {
                    path: join(f.name),
                    why: "known only after apply: the plan's after_unknown marks it".into(),
                });
            }
            continue;
        }
        let Some(child) = block.block(k) else {
            continue;
        };
        match (child.nesting(), v) {
            (_, Value::Bool(true)) => out.push(Unevaluated {
                path: join(k),
                why: "known only after apply: the plan's after_unknown marks it".into(),
            }),
            (Nesting::Single, _) => unknown_leaves(v, child, &join(k), out),
            (Nesting::Map, Value::Object(entries)) => {
                for (key, e) in entries {
                    unknown_leaves(e, child, &join(&format!("{k}.{key}")), out);
                }
            }
            _ => {}
        }
    }
}
