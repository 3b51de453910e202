//! `resource "aws_*"` blocks of a module as [`AwsResource`]s: one per
//! `for_each` instance, their attributes evaluated as the loader evaluates
//! a profile's, and the resources each attribute refers to.

use crate::blocks::{block_tree, Found, Unevaluated};
use crate::error::InputError;
use crate::hcl::{eval, Eval, Iters, Scope, SourceFile};

use super::{AwsResource, TYPES};

/// Reads `resource "TY" "NAME"` into `out`.
pub(crate) fn read(
    b: &hcl::edit::structure::Block,
    ty: &str,
    name: &str,
    f: &SourceFile,
    scope: &Scope,
    prefix: &str,
    out: &mut Vec<AwsResource>,
) -> Result<(), InputError> {
    use hcl::edit::Span;
    let base = format!("{prefix}{ty}.{name}");
    let line = f.line(b.span());
    // (instance key, iterator value) for each instance.
    let mut instances: Vec<(Option<String>, Option<hcl::Value>)> = vec![(None, None)];
    // `for_each = aws_x.y` over another read resource's instances: each.value
    // is that instance.
    let mut over: Option<String> = None;
    if let Some(fe) = b.body.get_attribute("for_each") {
        let text = fe.value.to_string();
        if let Some(target) = reference(&text, prefix, None)
            .filter(|t| text.trim() == t.strip_prefix(prefix).unwrap_or(t) && !t.ends_with(']'))
        {
            // each.value: the instance's attributes as far as they are known.
            let found: Vec<(Option<String>, Option<hcl::Value>)> = out
                .iter()
                .filter_map(|r| {
                    let k = r.address.strip_prefix(&format!("{target}["))?;
                    let k = serde_json::from_str::<String>(k.strip_suffix(']')?).ok()?;
                    let v = hcl::to_value(&r.values).ok()?;
                    Some((Some(k), Some(v)))
                })
                .collect();
            if !found.is_empty() {
                instances = found;
                over = Some(target);
            }
        }
    }
    if let Some(fe) = b.body.get_attribute("for_each").filter(|_| over.is_none()) {
        let at = format!("{}:{}: {base}.for_each", f.name, f.line(fe.span()));
        instances = match eval(&fe.value, scope, &[], &at)? {
            Eval::Known(hcl::Value::Object(m)) => {
                m.into_iter().map(|(k, v)| (Some(k), Some(v))).collect()
            }
            Eval::Known(hcl::Value::Array(items)) => items
                .into_iter()
                .map(|v| match v {
                    hcl::Value::String(s) => Ok((Some(s.clone()), Some(hcl::Value::String(s)))),
                    other => Err(InputError::Eval {
                        at: at.clone(),
                        reason: format!("for_each over a set needs strings, got {other}"),
                    }),
                })
                .collect::<Result<_, _>>()?,
            Eval::Known(other) => {
                return Err(InputError::Eval {
                    at,
                    reason: format!("for_each must be a map or a set of strings, got {other}"),
                })
            }
            Eval::Unknown(why) => {
                // Its instances are not known: none is read, and that is said.
                out.push(AwsResource {
                    address: base.clone(),
                    ty: ty.to_string(),
                    file: Some(f.name.clone()),
                    unevaluated: vec![Unevaluated {
                        path: "for_each".into(),
                        why: format!("for_each {why}; no instance read"),
                    }],
                    ..Default::default()
                });
                return Ok(());
            }
        };
    }
    // (address, the key references through each.key or count.index take,
    // iterator variables) of each instance.
    let mut all: Vec<(String, Option<String>, Iters)> = Vec::new();
    if let Some(c) = b.body.get_attribute("count") {
        let at = format!("{}:{}: {base}.count", f.name, f.line(c.span()));
        let n = match eval(&c.value, scope, &[], &at)? {
            Eval::Known(hcl::Value::Number(n)) if n.as_u64().is_some() => n.as_u64().unwrap_or(0),
            Eval::Known(other) => {
                return Err(InputError::Eval {
                    at,
                    reason: format!("count must be a whole number, got {other}"),
                })
            }
            Eval::Unknown(why) => {
                out.push(AwsResource {
                    address: base.clone(),
                    ty: ty.to_string(),
                    file: Some(f.name.clone()),
                    unevaluated: vec![Unevaluated {
                        path: "count".into(),
                        why: format!("count {why}; no instance read"),
                    }],
                    ..Default::default()
                });
                return Ok(());
            }
        };
        for i in 0..n {
            let mut index = hcl::Map::new();
            index.insert("index".to_string(), hcl::Value::from(i));
            all.push((
                format!("{base}[{i}]"),
                Some(i.to_string()),
                vec![("count".to_string(), hcl::Value::Object(index))],
            ));
        }
        instances.clear();
    }
    for (key, value) in instances {
        let address = match &key {
            Some(k) => format!("{base}[{k:?}]"),
            None => base.clone(),
        };
        let mut iters = Vec::new();
        if let (Some(k), Some(v)) = (&key, value) {
            let mut each = hcl::Map::new();
            each.insert("key".to_string(), hcl::Value::String(k.clone()));
            each.insert("value".to_string(), v);
            iters.push(("each".to_string(), hcl::Value::Object(each)));
        }
        all.push((address, key, iters));
    }
    for (address, key, iters) in all {
        let mut found = Found::default();
        found.lines.insert(String::new(), line);
        let values = block_tree(&b.body, f, scope, &iters, "", &mut found, &address, true)?;
        let mut refs = std::collections::BTreeMap::new();
        for a in b.body.attributes() {
            let text = a.value.to_string();
            if let (Some(t), Some(k)) = (&over, &key) {
                if text.contains("each.value") {
                    refs.insert(a.key.as_str().to_string(), format!("{t}[{k:?}]"));
                    continue;
                }
            }
            if let Some(target) = reference(&text, prefix, key.as_deref()) {
                refs.insert(a.key.as_str().to_string(), target);
            }
        }
        // In nested blocks (a distribution's cache behaviours): `block[i].attr`.
        let mut seen: std::collections::BTreeMap<String, usize> = Default::default();
        for blk in b.body.blocks() {
            let ident = blk.ident.as_str().to_string();
            let i = seen.entry(ident.clone()).or_default();
            for a in blk.body.attributes() {
                let text = a.value.to_string();
                if let Some(target) = reference(&text, prefix, key.as_deref()) {
                    refs.insert(format!("{ident}[{i}].{}", a.key.as_str()), target);
                }
            }
            *i += 1;
        }
        out.push(AwsResource {
            address,
            ty: ty.to_string(),
            values,
            refs,
            file: Some(f.name.clone()),
            lines: found.lines,
            unevaluated: found.unevaluated,
            ignored: Some(ignored(b)),
            provider: super::providers::of_resource(b, prefix),
            region: None,
        });
    }
    Ok(())
}

/// What a module's other resources may refer to: by type, name (and
/// instance key), the known attributes of the resources read.
pub(crate) fn known(read: &[AwsResource], prefix: &str) -> hcl::Map<String, hcl::Value> {
    let mut out = hcl::Map::new();
    for r in read {
        let Some(local) = r.address.strip_prefix(prefix) else {
            continue;
        };
        let Some((ty, rest)) = local.split_once('.') else {
            continue;
        };
        let values: hcl::Map<String, hcl::Value> = r
            .values
            .iter()
            .filter(|(_, v)| !v.is_null())
            .filter_map(|(k, v)| Some((k.clone(), hcl::to_value(v).ok()?)))
            .collect();
        let (name, key) = match rest.split_once('[') {
            Some((n, k)) => (n, Some(k.trim_end_matches(']'))),
            None => (rest, None),
        };
        let by_name = out
            .entry(ty.to_string())
            .or_insert_with(|| hcl::Value::Object(hcl::Map::new()));
        let hcl::Value::Object(by_name) = by_name else {
            continue;
        };
        match key {
            None => {
                by_name.insert(name.to_string(), hcl::Value::Object(values));
            }
            // count: instances in order, as a list.
            Some(k) if k.parse::<u64>().is_ok() => {
                let entry = by_name
                    .entry(name.to_string())
                    .or_insert_with(|| hcl::Value::Array(Vec::new()));
                if let hcl::Value::Array(items) = entry {
                    items.push(hcl::Value::Object(values));
                }
            }
            Some(k) => {
                let Ok(k) = serde_json::from_str::<String>(k) else {
                    continue;
                };
                let entry = by_name
                    .entry(name.to_string())
                    .or_insert_with(|| hcl::Value::Object(hcl::Map::new()));
                if let hcl::Value::Object(m) = entry {
                    m.insert(k, hcl::Value::Object(values));
                }
            }
        }
    }
    out
}

/// The attributes `lifecycle { ignore_changes = [...] }` names.
fn ignored(b: &hcl::edit::structure::Block) -> Vec<String> {
    let Some(lifecycle) = b.body.get_blocks("lifecycle").next() else {
        return Vec::new();
    };
    let Some(a) = lifecycle.body.get_attribute("ignore_changes") else {
        return Vec::new();
    };
    a.value
        .to_string()
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The first resource of a read type an expression refers to, as a full
/// address: `aws_lambda_function.fn[each.key].arn` in instance `"a"` of a
/// module `module.api.` gives `module.api.aws_lambda_function.fn["a"]`.
fn reference(text: &str, prefix: &str, key: Option<&str>) -> Option<String> {
    for ty in TYPES {
        let pat = format!("{ty}.");
        let mut from = 0;
        while let Some(i) = text[from..].find(&pat) {
            let start = from + i;
            from = start + pat.len();
            // Not the tail of a longer name (`aws_lambda_function_url.`).
            let before = text[..start].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
                continue;
            }
            let rest = &text[from..];
            let name_len = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
                .unwrap_or(rest.len());
            if name_len == 0 {
                continue;
            }
            let name = &rest[..name_len];
            let mut address = format!("{prefix}{ty}.{name}");
            if let Some(index) = rest[name_len..].strip_prefix('[') {
                let inner = &index[..index.find(']')?];
                let inner = inner.trim();
                if inner == "each.key" {
                    address.push_str(&format!("[{:?}]", key?));
                } else if inner == "count.index" || inner.parse::<u64>().is_ok() {
                    let i = if inner == "count.index" { key? } else { inner };
                    address.push_str(&format!("[{i}]"));
                } else if let Some(lit) = inner.strip_prefix('"').and_then(|s| s.strip_suffix('"'))
                {
                    address.push_str(&format!("[{lit:?}]"));
                } else {
                    return None;
                }
            }
            return Some(address);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::reference;

    #[test]
    fn references_name_the_instance() {
        assert_eq!(
            reference(" aws_lambda_function.api.function_name", "", None).as_deref(),
            Some("aws_lambda_function.api")
        );
        assert_eq!(
            reference(
                "\"table/${aws_dynamodb_table.feeds.name}\"",
                "module.m.",
                None
            )
            .as_deref(),
            Some("module.m.aws_dynamodb_table.feeds")
        );
        assert_eq!(
            reference("aws_lambda_alias.live[each.key].name", "", Some("orders")).as_deref(),
            Some("aws_lambda_alias.live[\"orders\"]")
        );
        assert_eq!(reference("var.name", "", None), None);
        assert_eq!(reference("aws_lambda_function_url.x.url", "", None), None);
    }
}
