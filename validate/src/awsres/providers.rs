//! Which `aws` provider configuration, and so which Region, each `aws_*`
//! resource uses: the `provider` meta-argument (`aws.us_east_1`, default
//! `aws`), the `provider "aws" { alias, region }` blocks of each module,
//! and what module calls pass (`providers = { aws = aws.west }`; without
//! it a module's default `aws` is its parent's). Account quotas are per
//! Region, so the stacks are assembled, and the account rules sum, per
//! Region.

use std::collections::BTreeMap;

use hcl::edit::Span;

use crate::error::InputError;
use crate::hcl::{eval, Eval, Scope, SourceFile};

/// The `aws` provider configurations of a configuration, by full key
/// (`module.api.aws.west`: the module's prefix and the local name).
#[derive(Debug, Default)]
pub(crate) struct AwsProviders {
    /// Configurations declared by a `provider "aws"` block, with their
    /// Region when known.
    declared: BTreeMap<String, Option<String>>,
    /// A module's local name → the caller's configuration it was passed.
    passed: BTreeMap<String, String>,
}

/// The configuration a resource block names, as a full key.
pub(crate) fn of_resource(b: &hcl::edit::structure::Block, prefix: &str) -> String {
    let written = b
        .body
        .get_attribute("provider")
        .map(|a| a.value.to_string().trim().to_string())
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "aws".to_string());
    format!("{prefix}{written}")
}

impl AwsProviders {
    /// Records `provider "aws" { alias = …, region = … }` of the module at
    /// `prefix`. A Region not known (a variable without value) is none.
    pub(crate) fn declare(
        &mut self,
        b: &hcl::edit::structure::Block,
        f: &SourceFile,
        scope: &Scope,
        prefix: &str,
    ) -> Result<(), InputError> {
        // An attribute of the block, evaluated, with where it is written.
        let read = |name: &str| -> Result<Option<(String, Eval)>, InputError> {
            let Some(a) = b.body.get_attribute(name) else {
                return Ok(None);
            };
            let at = format!(
                "{}:{}: {prefix}provider.aws.{name}",
                f.name,
                f.line(a.span())
            );
            let e = eval(&a.value, scope, &[], &at)?;
            Ok(Some((at, e)))
        };
        let alias = match read("alias")? {
            Some((_, Eval::Known(hcl::Value::String(s)))) => Some(s),
            Some((at, _)) => {
                return Err(InputError::Eval {
                    at,
                    reason: "a provider's alias must be a literal name".into(),
                })
            }
            None => None,
        };
        let region = match read("region")? {
            Some((_, Eval::Known(hcl::Value::String(s)))) => Some(s),
            _ => None,
        };
        let key = match alias {
            Some(a) => format!("{prefix}aws.{a}"),
            None => format!("{prefix}aws"),
        };
        self.declared.insert(key, region);
        Ok(())
    }

    /// Records a module call's `providers = { aws = aws.west, aws.x = aws }`.
    pub(crate) fn pass(&mut self, b: &hcl::edit::structure::Block, prefix: &str, child: &str) {
        let Some(a) = b.body.get_attribute("providers") else {
            return;
        };
        let text = a.value.to_string();
        let inner = text.trim().trim_start_matches('{').trim_end_matches('}');
        for entry in inner.split([',', '\n']) {
            let Some((local, from)) = entry.split_once('=') else {
                continue;
            };
            let (local, from) = (local.trim().trim_matches('"'), from.trim());
            if local == "aws" || local.starts_with("aws.") {
                self.passed
                    .insert(format!("{child}{local}"), format!("{prefix}{from}"));
            }
        }
    }

    /// The Region of the configuration `key` names, following what module
    /// calls pass and, for a module's default `aws`, its parent's.
    pub(crate) fn region_of(&self, key: &str) -> Option<String> {
        let mut key = key.to_string();
        for _ in 0..64 {
            if let Some(region) = self.declared.get(&key) {
                return region.clone();
            }
            if let Some(from) = self.passed.get(&key) {
                key = from.clone();
                continue;
            }
            // A module's default configuration is inherited from its caller.
            let (prefix, local) = split(&key);
            if local != "aws" || prefix.is_empty() {
                return None;
            }
            key = format!("{}aws", parent(prefix));
        }
        None
    }
}

/// A plan's `configuration`: the `provider_config_key` of each resource
/// (by configuration address, `module.api.aws_lambda_function.fn`; Terraform
/// resolves what modules are passed and inherit to the root's key) and
/// the Region of each key (`configuration.provider_config.KEY`: a constant,
/// or a root variable's value), of every provider (`aws`, `smuppy.west`).
pub(crate) fn from_plan(
    doc: &serde_json::Value,
) -> (BTreeMap<String, String>, BTreeMap<String, Option<String>>) {
    use serde_json::Value;
    let mut keys = BTreeMap::new();
    super::plan::config_resources(doc, |prefix, r| {
        if let (Some(a), Some(k)) = (
            r.get("address").and_then(Value::as_str),
            r.get("provider_config_key").and_then(Value::as_str),
        ) {
            keys.insert(format!("{prefix}{a}"), k.to_string());
        }
    });
    let mut regions = BTreeMap::new();
    for (key, config) in doc
        .pointer("/configuration/provider_config")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let e = config.pointer("/expressions/region");
        let constant = e
            .and_then(|e| e.get("constant_value"))
            .and_then(Value::as_str)
            .map(str::to_string);
        // `region = var.x` in the root: the variable's value in the plan.
        let from_var = || {
            let refs = e?.get("references")?.as_array()?;
            let [Value::String(r)] = refs.as_slice() else {
                return None;
            };
            let name = r.strip_prefix("var.")?;
            let v = doc.pointer(&format!("/variables/{name}/value"))?;
            v.as_str().map(str::to_string)
        };
        let module = config.get("module_address").and_then(Value::as_str);
        let region = constant.or_else(|| module.is_none().then(from_var).flatten());
        regions.insert(key.clone(), region);
    }
    (keys, regions)
}

/// `module.a.module.b.aws.west` → (`module.a.module.b.`, `aws.west`).
fn split(key: &str) -> (&str, &str) {
    let local_at = |head: &str| (head == "aws" || head.ends_with(".aws")).then(|| head.len() - 3);
    let at = local_at(key).or_else(|| key.rfind('.').and_then(|dot| local_at(&key[..dot])));
    match at {
        Some(i) => (&key[..i], &key[i..]),
        None => ("", key),
    }
}

/// `module.a.module.b.` → `module.a.`.
fn parent(prefix: &str) -> &str {
    let trimmed = prefix.trim_end_matches('.');
    match trimmed.rfind("module.") {
        Some(i) => &prefix[..i],
        None => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_follow_aliases_module_calls_and_inheritance() {
        let mut p = AwsProviders::default();
        p.declared.insert("aws".into(), Some("eu-west-1".into()));
        p.declared
            .insert("aws.us_east_1".into(), Some("us-east-1".into()));
        p.passed
            .insert("module.edge.aws".into(), "aws.us_east_1".into());
        assert_eq!(p.region_of("aws").as_deref(), Some("eu-west-1"));
        assert_eq!(p.region_of("aws.us_east_1").as_deref(), Some("us-east-1"));
        assert_eq!(p.region_of("module.edge.aws").as_deref(), Some("us-east-1"));
        // Not passed: the caller's default.
        assert_eq!(
            p.region_of("module.api.module.db.aws").as_deref(),
            Some("eu-west-1")
        );
        assert_eq!(p.region_of("aws.nowhere"), None);
    }
}
