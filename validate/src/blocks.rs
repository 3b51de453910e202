//! Resource block bodies as attribute trees, with `dynamic` blocks expanded.

use std::collections::BTreeMap;

use hcl::edit::structure::{Body, Structure};
use hcl::edit::Span;
use serde_json::{Map, Value as Json};

use crate::error::InputError;
use crate::hcl::{eval, to_json, Eval, Iters, Scope, SourceFile};

/// A value the loader could not evaluate: where (the attribute path in the
/// resource, `lambda_pools.api.reserved_concurrency`) and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Unevaluated {
    pub path: String,
    pub why: String,
}

/// What reading a resource block records beside its tree.
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// The line of every attribute and block, by path.
    pub(crate) lines: BTreeMap<String, usize>,
    pub(crate) unevaluated: Vec<Unevaluated>,
}

/// An attribute's value. An object constructor is evaluated entry by entry,
/// as Terraform does: one entry not known (or not evaluated) leaves that
/// entry null, recorded with why, and the others known.
fn partial(
    e: &hcl::edit::expr::Expression,
    scope: &Scope,
    iters: &Iters,
    at: &str,
    here: &str,
    found: &mut Found,
) -> Result<Json, InputError> {
    use hcl::edit::expr::{Expression, ObjectKey};
    if let Expression::Object(o) = e {
        let mut map = Map::new();
        for (k, v) in o.iter() {
            let key = match k {
                ObjectKey::Ident(id) => id.as_str().to_string(),
                ObjectKey::Expression(ke) => match eval(ke, scope, iters, at)? {
                    Eval::Known(hcl::Value::String(s)) => s,
                    Eval::Known(hcl::Value::Number(n)) => n.to_string(),
                    Eval::Known(hcl::Value::Bool(b)) => b.to_string(),
                    Eval::Known(other) => {
                        return Err(InputError::Eval {
                            at: at.to_string(),
                            reason: format!("an object key must be a string, got {other}"),
                        })
                    }
                    Eval::Unknown(why) => {
                        found.unevaluated.push(Unevaluated {
                            path: here.to_string(),
                            why: format!("a key {why}"),
                        });
                        continue;
                    }
                },
            };
            let inner = format!("{here}.{key}");
            let value = partial(v.expr(), scope, iters, at, &inner, found)?;
            map.insert(key, value);
        }
        return Ok(Json::Object(map));
    }
    match eval(e, scope, iters, at)? {
        Eval::Known(v) => to_json(v, at),
        Eval::Unknown(why) => {
            found.unevaluated.push(Unevaluated {
                path: here.to_string(),
                why,
            });
            Ok(Json::Null)
        }
    }
}

/// A block body as an attribute tree: attributes by name, nested blocks as
/// lists of objects. Records the line of every attribute and block.
#[allow(clippy::too_many_arguments)]
pub(crate) fn block_tree(
    body: &Body,
    f: &SourceFile,
    scope: &Scope,
    iters: &Iters,
    loc: &str,
    found: &mut Found,
    address: &str,
    top: bool,
) -> Result<Map<String, Json>, InputError> {
    let mut map = Map::new();
    let join = |name: &str| {
        if loc.is_empty() {
            name.to_string()
        } else {
            format!("{loc}.{name}")
        }
    };
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => {
                let key = a.key.as_str();
                if top && ["count", "for_each", "depends_on", "provider"].contains(&key) {
                    continue;
                }
                let here = join(key);
                let line = f.line(a.span());
                found.lines.insert(here.clone(), line);
                object_lines(&a.value, f, &here, &mut found.lines);
                let at = format!("{}:{line}: {address}.{here}", f.name);
                let v = partial(&a.value, scope, iters, &at, &here, found)?;
                map.insert(key.to_string(), v);
            }
            Structure::Block(b) => {
                let ident = b.ident.as_str();
                if top && ident == "lifecycle" {
                    continue;
                }
                if ident == "dynamic" {
                    dynamic_block(b, f, scope, iters, loc, found, address, &mut map)?;
                    continue;
                }
                let entry = map
                    .entry(ident.to_string())
                    .or_insert_with(|| Json::Array(Vec::new()));
                let Json::Array(items) = entry else {
                    return Err(InputError::Hcl {
                        file: f.name.clone(),
                        line: f.line(b.span()),
                        reason: format!("{address}: \"{ident}\" is both an argument and a block"),
                    });
                };
                let here = format!("{}[{}]", join(ident), items.len());
                found.lines.insert(here.clone(), f.line(b.span()));
                let child = block_tree(&b.body, f, scope, iters, &here, found, address, false)?;
                if let Some(Json::Array(items)) = map.get_mut(ident) {
                    items.push(Json::Object(child));
                }
            }
        }
    }
    Ok(map)
}

/// Records the line of every entry of an object expression (`lambda_pools =
/// { api = { timeout = 10 } }` gives `lambda_pools.api` and
/// `lambda_pools.api.timeout`), so findings on nested attributes point at
/// their line.
fn object_lines(
    e: &hcl::edit::expr::Expression,
    f: &SourceFile,
    here: &str,
    lines: &mut BTreeMap<String, usize>,
) {
    use hcl::edit::expr::{Expression, ObjectKey};
    let Expression::Object(o) = e else { return };
    for (k, v) in o.iter() {
        let key = match k {
            ObjectKey::Ident(id) => id.as_str().to_string(),
            ObjectKey::Expression(Expression::String(s)) => s.as_str().to_string(),
            _ => continue,
        };
        let at = format!("{here}.{key}");
        lines.insert(at.clone(), f.line(k.span()));
        object_lines(v.expr(), f, &at, lines);
    }
}

/// Expands `dynamic "NAME" { for_each = ...  iterator = ...  content { ... } }`
/// into NAME blocks. An unknown `for_each` expands to no block.
#[allow(clippy::too_many_arguments)]
fn dynamic_block(
    b: &hcl::edit::structure::Block,
    f: &SourceFile,
    scope: &Scope,
    iters: &Iters,
    loc: &str,
    found: &mut Found,
    address: &str,
    map: &mut Map<String, Json>,
) -> Result<(), InputError> {
    let line = f.line(b.span());
    let bad = |reason: String| InputError::Hcl {
        file: f.name.clone(),
        line,
        reason: format!("{address}: {reason}"),
    };
    let Some(name) = b.labels.first().map(|l| l.as_str().to_string()) else {
        return Err(bad("a dynamic block needs a label".into()));
    };
    let Some(for_each) = b.body.get_attribute("for_each") else {
        return Err(bad(format!("dynamic \"{name}\" has no for_each")));
    };
    let iter_name = match b.body.get_attribute("iterator") {
        Some(a) => match hcl::Expression::from(a.value.clone()) {
            hcl::Expression::Variable(v) => v.as_str().to_string(),
            _ => return Err(bad(format!("dynamic \"{name}\": iterator must be a name"))),
        },
        None => name.clone(),
    };
    let Some(content) = b.body.get_blocks("content").next() else {
        return Err(bad(format!("dynamic \"{name}\" has no content block")));
    };
    let at = format!("{}:{}: {address}", f.name, f.line(for_each.span()));
    let items: Vec<(hcl::Value, hcl::Value)> = match eval(&for_each.value, scope, iters, &at)? {
        Eval::Unknown(why) => {
            let here = if loc.is_empty() {
                name.clone()
            } else {
                format!("{loc}.{name}")
            };
            found.unevaluated.push(Unevaluated {
                path: here,
                why: format!("dynamic \"{name}\": for_each {why}; no block expanded"),
            });
            return Ok(());
        }
        Eval::Known(hcl::Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| (hcl::Value::from(i as u64), v))
            .collect(),
        Eval::Known(hcl::Value::Object(obj)) => obj
            .into_iter()
            .map(|(k, v)| (hcl::Value::String(k), v))
            .collect(),
        Eval::Known(other) => {
            return Err(bad(format!(
                "dynamic \"{name}\": for_each must be a list, set or map, got {other}"
            )))
        }
    };
    let prefix = if loc.is_empty() {
        name.clone()
    } else {
        format!("{loc}.{name}")
    };
    for (key, value) in items {
        scope.budget.spend(1).map_err(|reason| InputError::Limit {
            at: at.clone(),
            reason,
        })?;
        let start = match map.get(&name) {
            Some(Json::Array(a)) => a.len(),
            Some(_) => return Err(bad(format!("\"{name}\" is both an argument and a block"))),
            None => 0,
        };
        let here = format!("{prefix}[{start}]");
        found.lines.insert(here.clone(), f.line(content.span()));
        let mut obj = hcl::Map::new();
        obj.insert("key".to_string(), key);
        obj.insert("value".to_string(), value);
        let mut inner = iters.clone();
        inner.push((iter_name.clone(), hcl::Value::Object(obj)));
        let child = block_tree(
            &content.body,
            f,
            scope,
            &inner,
            &here,
            found,
            address,
            false,
        )?;
        if let Json::Array(a) = map
            .entry(name.clone())
            .or_insert_with(|| Json::Array(Vec::new()))
        {
            a.push(Json::Object(child));
        }
    }
    Ok(())
}
