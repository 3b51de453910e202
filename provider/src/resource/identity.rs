//! Resource identity (identity schema version 0): the parts a profile was
//! created or imported with, in the import ID's syntax, so that
//! `import { to = …, identity = { … } }` works as the string ID does.
//!
//! Terraform requires an object's identity never to change, so it is
//! computed once, at create or import, and every later read, plan and apply
//! hands back the prior identity unchanged: it names the parts the profile
//! was created or imported with, not those it manages after later changes.

use std::collections::BTreeMap;

use super::import_id;
use scaling::model::{self, names, Described};
use tfplugin::{IdentityAttribute, IdentitySchema, Type, Value};

/// Where the profile lives: the identity's own attributes (the resource
/// has none of that name).
const ACCOUNT_ID: &str = "account_id";
const REGION: &str = "region";

/// The parts an identity names, each by the resource's own name for it (its
/// name, a block): an identity attribute `lambda_pools` is the resource's
/// `lambda_pools`, so the model names both.
fn single_parts() -> [&'static (dyn Described + Sync); 4] {
    [
        &model::API_GATEWAY,
        &model::CACHE_POLICY,
        &model::DASHBOARD,
        &model::ACCELERATOR,
    ]
}

fn list_parts() -> [&'static (dyn Described + Sync); 3] {
    [&model::LAMBDA, &model::DYNAMODB, &model::QUOTA]
}

/// The identity's attributes: (name, is a list, required for import, description).
pub fn attributes() -> [(&'static str, bool, bool, &'static str); 10] {
    [
        (
            ACCOUNT_ID,
            false,
            false,
            "The AWS account the profile lives in.",
        ),
        (
            REGION,
            false,
            false,
            "The region of the profile's regional services.",
        ),
        (names::NAME, false, true, "The profile's name."),
        (
            model::API_GATEWAY.name,
            false,
            false,
            "The stage, as `REST_API_ID/STAGE_NAME`.",
        ),
        (
            model::CACHE_POLICY.name,
            false,
            false,
            "The cache policy id.",
        ),
        (model::DASHBOARD.name, false, false, "The dashboard name."),
        (
            model::ACCELERATOR.name,
            false,
            false,
            "The accelerator ARN.",
        ),
        (
            model::LAMBDA.name,
            true,
            false,
            "The Lambda pools, each `FUNCTION[:QUALIFIER]@KEY`.",
        ),
        (
            model::DYNAMODB.name,
            true,
            false,
            "The tables, each `TABLE@KEY`.",
        ),
        (
            model::QUOTA.name,
            true,
            false,
            "The quota requests, each `SERVICE_CODE/QUOTA_CODE@KEY`.",
        ),
    ]
}

/// The identity schema (version 0).
pub fn schema() -> IdentitySchema {
    IdentitySchema::new(
        0,
        attributes()
            .into_iter()
            .map(|(name, list, required, what)| {
                let ty = if list { Type::list(Type::String) } else { Type::String };
                let a = if required {
                    IdentityAttribute::required_for_import(name, ty)
                } else {
                    IdentityAttribute::optional_for_import(name, ty)
                };
                IdentityAttribute {
                    description: format!("{what} Set by the provider when the profile is created or imported, and unchanged after: it names the parts the profile was created or imported with."),
                    ..a
                }
            })
            .collect(),
    )
}

fn s(v: Option<&Value>, k: &str) -> Option<String> {
    v?.get(k)?.as_str().map(str::to_string)
}

/// The entries of a map nested attribute, key by key.
fn entries<'a>(state: &'a Value, block: &dyn Described) -> Vec<(&'a String, &'a Value)> {
    match state.get(block.name()) {
        Some(Value::Map(m)) => m.iter().collect(),
        _ => Vec::new(),
    }
}

/// Whether a value holds an unknown anywhere.
pub fn has_unknown(v: &Value) -> bool {
    match v {
        Value::Unknown(_) => true,
        Value::List(e) | Value::Set(e) | Value::Tuple(e) => e.iter().any(has_unknown),
        Value::Map(m) | Value::Object(m) => m.values().any(has_unknown),
        _ => false,
    }
}

/// The identity of a 1.0 state value: what it manages now, each repeatable
/// part with its key. In a plan, a part not known yet (a cache policy's
/// id before its create) is unknown: apply fills it in.
pub fn from_state(state: &Value, account_id: Option<&str>, region: Option<&str>) -> Value {
    let known = known_parts(state, account_id, region);
    let Value::Object(mut m) = known else {
        return known;
    };
    if state.get(names::NAME).is_some_and(Value::is_unknown) {
        m.insert(names::NAME.to_string(), Value::unknown());
    }
    for (b, inner) in [
        (
            &model::CACHE_POLICY as &dyn Described,
            names::CACHE_POLICY_ID,
        ),
        (&model::ACCELERATOR, names::ACCELERATOR_ARN),
        (&model::DASHBOARD, names::NAME),
    ] {
        let block = state.get(b.name());
        if block.is_some_and(Value::is_unknown)
            || block
                .and_then(|o| o.get(inner))
                .is_some_and(Value::is_unknown)
        {
            m.insert(b.name().to_string(), Value::unknown());
        }
    }
    for b in list_parts().into_iter().chain([&model::API_GATEWAY as _]) {
        if state.get(b.name()).is_some_and(has_unknown_name) {
            m.insert(b.name().to_string(), Value::unknown());
        }
    }
    Value::Object(m)
}

/// Whether a part's names (not its settings) are unknown.
fn has_unknown_name(v: &Value) -> bool {
    const NAMES: [&str; 7] = [
        names::FUNCTION_NAME,
        names::LAMBDA_QUALIFIER,
        names::TABLE_NAME,
        names::QUOTA_SERVICE_CODE,
        names::QUOTA_CODE,
        names::STAGE_REST_API_ID,
        names::STAGE_NAME,
    ];
    match v {
        Value::Unknown(_) => true,
        Value::Map(m) => m.values().any(has_unknown_name),
        Value::Object(o) => NAMES
            .iter()
            .any(|n| o.get(*n).is_some_and(Value::is_unknown)),
        _ => false,
    }
}

fn known_parts(state: &Value, account_id: Option<&str>, region: Option<&str>) -> Value {
    let str_or_null = |v: Option<String>| v.map_or(Value::Null, Value::String);
    let list = |items: Vec<String>| Value::List(items.into_iter().map(Value::String).collect());
    let agw = state.get(model::API_GATEWAY.name);
    let api_gateway = match (s(agw, names::STAGE_REST_API_ID), s(agw, names::STAGE_NAME)) {
        (Some(a), Some(st)) => Some(format!("{a}/{st}")),
        _ => None,
    };
    let lambdas = entries(state, &model::LAMBDA)
        .into_iter()
        .filter_map(|(k, v)| {
            let f = s(Some(v), names::FUNCTION_NAME)?;
            Some(match s(Some(v), names::LAMBDA_QUALIFIER) {
                Some(q) => format!("{f}:{q}@{k}"),
                None => format!("{f}@{k}"),
            })
        })
        .collect();
    let tables = entries(state, &model::DYNAMODB)
        .into_iter()
        .filter_map(|(k, v)| Some(format!("{}@{k}", s(Some(v), names::TABLE_NAME)?)))
        .collect();
    let quotas = entries(state, &model::QUOTA)
        .into_iter()
        .filter_map(|(k, v)| {
            Some(format!(
                "{}/{}@{k}",
                s(Some(v), names::QUOTA_SERVICE_CODE)?,
                s(Some(v), names::QUOTA_CODE)?
            ))
        })
        .collect();
    let inner = |b: &dyn Described, attr: &str| str_or_null(s(state.get(b.name()), attr));
    Value::Object(BTreeMap::from([
        (
            ACCOUNT_ID.into(),
            str_or_null(account_id.map(str::to_string)),
        ),
        (REGION.into(), str_or_null(region.map(str::to_string))),
        (names::NAME.into(), str_or_null(s(Some(state), names::NAME))),
        (model::API_GATEWAY.name.into(), str_or_null(api_gateway)),
        (
            model::CACHE_POLICY.name.into(),
            inner(&model::CACHE_POLICY, names::CACHE_POLICY_ID),
        ),
        (
            model::DASHBOARD.name.into(),
            inner(&model::DASHBOARD, names::NAME),
        ),
        (
            model::ACCELERATOR.name.into(),
            inner(&model::ACCELERATOR, names::ACCELERATOR_ARN),
        ),
        (model::LAMBDA.name.into(), list(lambdas)),
        (model::DYNAMODB.name.into(), list(tables)),
        (model::QUOTA.name.into(), list(quotas)),
    ]))
}

/// An identity as the string import ID that names the same parts; import
/// by identity then goes through the one parser ([`super::import_id::parse`]).
pub fn to_import_id(identity: &Value) -> Result<String, String> {
    let name = s(Some(identity), names::NAME)
        .ok_or("the identity has no name; it is required for import")?;
    let mut parts = vec![format!("{}={name}", import_id::NAME)];
    for b in single_parts() {
        if let Some(v) = s(Some(identity), b.name()) {
            parts.push(format!("{}={v}", import_id::key(b)));
        }
    }
    for b in list_parts() {
        let attr = b.name();
        for item in identity
            .get(attr)
            .and_then(Value::as_elements)
            .unwrap_or(&[])
        {
            let Some(v) = item.as_str() else { continue };
            if v.contains(';') || v.contains('=') {
                return Err(format!("{attr} entry {v:?} is not a valid entry"));
            }
            parts.push(format!("{}={v}", import_id::key(b)));
        }
    }
    if name.contains(';') {
        return Err(format!("name {name:?} may not contain ';'"));
    }
    Ok(parts.join(";"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::import;
    use tfplugin::Diagnostics;

    fn import_by_id(id: &str) -> Value {
        let mut d = Diagnostics::new();
        let got = import::import(id, &mut d);
        assert!(
            !d.has_errors(),
            "{id}: {:?}",
            d.iter().map(|d| &d.detail).collect::<Vec<_>>()
        );
        got.into_iter().next().expect("one resource").state
    }

    /// Import by identity (the identity of an imported state, turned into
    /// the import ID it stands for) yields the same state as import by ID.
    #[test]
    fn import_by_identity_is_import_by_id() {
        let id = "name=prod;api_gateway=bmkd8zayee/prod;lambda=smuppy-api-handler:prod@api;lambda=smuppy-feed:prod;dynamodb=smuppy-feeds-prod@feeds;quota_request=lambda/L-B99A9384;dashboard=SmuppyScaling;cache_policy=abc-123;global_accelerator=arn:aws:globalaccelerator::123456789012:accelerator/x";
        let by_id = import_by_id(id);
        let identity = from_state(&by_id, Some("123456789012"), Some("us-east-1"));
        // The identity names every part with its key.
        assert_eq!(
            identity.get("lambda_pools"),
            Some(&Value::List(vec![
                Value::string("smuppy-api-handler:prod@api"),
                Value::string("smuppy-feed:prod@smuppy-feed"),
            ]))
        );
        assert_eq!(
            identity.get("quota_requests"),
            Some(&Value::List(vec![Value::string(
                "lambda/L-B99A9384@lambda/L-B99A9384"
            )]))
        );
        assert_eq!(
            identity.get("cache_policy"),
            Some(&Value::string("abc-123"))
        );
        let again = to_import_id(&identity).unwrap();
        let by_identity = import_by_id(&again);
        assert_eq!(by_identity, by_id);
        // And the identity is stable through the round trip.
        assert_eq!(
            from_state(&by_identity, Some("123456789012"), Some("us-east-1")),
            identity
        );
    }

    #[test]
    fn the_identity_schema_follows_the_surface() {
        let s = schema();
        assert_eq!(s.version, 0);
        let names: Vec<&str> = s.attributes.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "account_id",
                "region",
                "name",
                "api_gateway",
                "cache_policy",
                "dashboard",
                "global_accelerator",
                "lambda_pools",
                "dynamodb_tables",
                "quota_requests"
            ]
        );
        for a in &s.attributes {
            assert_eq!(a.required_for_import, a.name == "name", "{}", a.name);
            assert_eq!(a.optional_for_import, a.name != "name", "{}", a.name);
            let list = matches!(
                a.name.as_str(),
                "lambda_pools" | "dynamodb_tables" | "quota_requests"
            );
            assert_eq!(a.ty == Type::list(Type::String), list, "{}", a.name);
            assert!(a.description.contains("created or imported with"));
        }
        // The map attributes' names are the schema's.
        for b in [
            &model::LAMBDA as &dyn Described,
            &model::DYNAMODB,
            &model::QUOTA,
        ] {
            assert!(s.attribute(b.name()).is_some(), "{}", b.name());
        }
    }

    /// A create's planned identity leaves what AWS has yet to give unknown,
    /// and knows the names the configuration gives.
    #[test]
    fn a_planned_create_leaves_ids_unknown() {
        let planned = Value::Object(BTreeMap::from([
            ("name".to_string(), Value::string("p")),
            (
                "cache_policy".to_string(),
                Value::Object(BTreeMap::from([
                    ("name".to_string(), Value::string("c")),
                    ("id".to_string(), Value::unknown()),
                ])),
            ),
            (
                "dynamodb_tables".to_string(),
                Value::Map(BTreeMap::from([(
                    "feeds".to_string(),
                    Value::Object(BTreeMap::from([(
                        "table_name".to_string(),
                        Value::string("t"),
                    )])),
                )])),
            ),
        ]));
        let id = from_state(&planned, None, Some("us-east-1"));
        assert!(id.get("cache_policy").is_some_and(Value::is_unknown));
        assert_eq!(
            id.get("dynamodb_tables"),
            Some(&Value::List(vec![Value::string("t@feeds")]))
        );
        assert_eq!(id.get("name"), Some(&Value::string("p")));
        assert!(has_unknown(&id));
    }

    #[test]
    fn an_identity_without_a_name_is_refused() {
        let identity = Value::Object(BTreeMap::from([(
            "lambda_pools".to_string(),
            Value::List(vec![Value::string("f@k")]),
        )]));
        assert!(to_import_id(&identity).unwrap_err().contains("name"));
    }
}
