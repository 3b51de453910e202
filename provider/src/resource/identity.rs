//! Resource identity (identity schema version 0): the parts a profile was
//! created or imported with, in the import ID's syntax, so that
//! `import { to = …, identity = { … } }` works as the string ID does.
//!
//! Terraform requires an object's identity never to change, so it is
//! computed once, at create or import, and every later read, plan and apply
//! hands back the prior identity unchanged: it names the parts the profile
//! was created or imported with, not those it manages after later changes.

use std::collections::BTreeMap;

use scaling::model::{self, Described};
use tfplugin::{IdentityAttribute, IdentitySchema, Type, Value};

/// The identity's attributes: (name, is a list, required for import, description).
pub const ATTRIBUTES: &[(&str, bool, bool, &str)] = &[
    (
        "account_id",
        false,
        false,
        "The AWS account the profile lives in.",
    ),
    (
        "region",
        false,
        false,
        "The region of the profile's regional services.",
    ),
    ("name", false, true, "The profile's name."),
    (
        "api_gateway",
        false,
        false,
        "The stage, as `REST_API_ID/STAGE_NAME`.",
    ),
    ("cache_policy", false, false, "The cache policy id."),
    ("dashboard", false, false, "The dashboard name."),
    ("global_accelerator", false, false, "The accelerator ARN."),
    (
        "lambda_pools",
        true,
        false,
        "The Lambda pools, each `FUNCTION[:QUALIFIER]@KEY`.",
    ),
    (
        "dynamodb_tables",
        true,
        false,
        "The tables, each `TABLE@KEY`.",
    ),
    (
        "quota_requests",
        true,
        false,
        "The quota requests, each `SERVICE_CODE/QUOTA_CODE@KEY`.",
    ),
];

/// The identity schema (version 0).
pub fn schema() -> IdentitySchema {
    IdentitySchema::new(
        0,
        ATTRIBUTES
            .iter()
            .map(|(name, list, required, what)| {
                let ty = if *list { Type::list(Type::String) } else { Type::String };
                let a = if *required {
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
    for (attr, block, inner) in [
        ("name", None, "name"),
        ("cache_policy", Some(model::CACHE_POLICY.name), "id"),
        ("global_accelerator", Some(model::ACCELERATOR.name), "arn"),
        ("dashboard", Some(model::DASHBOARD.name), "name"),
    ] {
        let v = match block {
            Some(b) => state.get(b).and_then(|o| o.get(inner)),
            None => state.get(inner),
        };
        if v.is_some_and(Value::is_unknown)
            || block.is_some_and(|b| state.get(b).is_some_and(Value::is_unknown))
        {
            m.insert(attr.to_string(), Value::unknown());
        }
    }
    for b in [
        &model::LAMBDA as &dyn Described,
        &model::DYNAMODB,
        &model::QUOTA,
        &model::API_GATEWAY,
    ] {
        if state.get(b.name()).is_some_and(has_unknown_name) {
            m.insert(b.name().to_string(), Value::unknown());
        }
    }
    Value::Object(m)
}

/// Whether a part's names (not its settings) are unknown.
fn has_unknown_name(v: &Value) -> bool {
    const NAMES: [&str; 6] = [
        "function_name",
        "qualifier",
        "table_name",
        "service_code",
        "quota_code",
        "rest_api_id",
    ];
    match v {
        Value::Unknown(_) => true,
        Value::Map(m) => m.values().any(has_unknown_name),
        Value::Object(o) => NAMES
            .iter()
            .chain(["stage_name"].iter())
            .any(|n| o.get(*n).is_some_and(Value::is_unknown)),
        _ => false,
    }
}

fn known_parts(state: &Value, account_id: Option<&str>, region: Option<&str>) -> Value {
    let str_or_null = |v: Option<String>| v.map_or(Value::Null, Value::String);
    let list = |items: Vec<String>| Value::List(items.into_iter().map(Value::String).collect());
    let agw = state.get(model::API_GATEWAY.name);
    let api_gateway = match (s(agw, "rest_api_id"), s(agw, "stage_name")) {
        (Some(a), Some(st)) => Some(format!("{a}/{st}")),
        _ => None,
    };
    let lambdas = entries(state, &model::LAMBDA)
        .into_iter()
        .filter_map(|(k, v)| {
            let f = s(Some(v), "function_name")?;
            Some(match s(Some(v), "qualifier") {
                Some(q) => format!("{f}:{q}@{k}"),
                None => format!("{f}@{k}"),
            })
        })
        .collect();
    let tables = entries(state, &model::DYNAMODB)
        .into_iter()
        .filter_map(|(k, v)| Some(format!("{}@{k}", s(Some(v), "table_name")?)))
        .collect();
    let quotas = entries(state, &model::QUOTA)
        .into_iter()
        .filter_map(|(k, v)| {
            Some(format!(
                "{}/{}@{k}",
                s(Some(v), "service_code")?,
                s(Some(v), "quota_code")?
            ))
        })
        .collect();
    Value::Object(BTreeMap::from([
        (
            "account_id".into(),
            str_or_null(account_id.map(str::to_string)),
        ),
        ("region".into(), str_or_null(region.map(str::to_string))),
        ("name".into(), str_or_null(s(Some(state), "name"))),
        ("api_gateway".into(), str_or_null(api_gateway)),
        (
            "cache_policy".into(),
            str_or_null(s(state.get(model::CACHE_POLICY.name), "id")),
        ),
        (
            "dashboard".into(),
            str_or_null(s(state.get(model::DASHBOARD.name), "name")),
        ),
        (
            "global_accelerator".into(),
            str_or_null(s(state.get(model::ACCELERATOR.name), "arn")),
        ),
        ("lambda_pools".into(), list(lambdas)),
        ("dynamodb_tables".into(), list(tables)),
        ("quota_requests".into(), list(quotas)),
    ]))
}

/// An identity as the string import ID that names the same parts; import
/// by identity then goes through the one parser ([`super::import_id::parse`]).
pub fn to_import_id(identity: &Value) -> Result<String, String> {
    let name =
        s(Some(identity), "name").ok_or("the identity has no name; it is required for import")?;
    let mut parts = vec![format!("name={name}")];
    for (attr, key) in [
        ("api_gateway", "api_gateway"),
        ("cache_policy", "cache_policy"),
        ("dashboard", "dashboard"),
        ("global_accelerator", "global_accelerator"),
    ] {
        if let Some(v) = s(Some(identity), attr) {
            parts.push(format!("{key}={v}"));
        }
    }
    for (attr, key) in [
        (model::LAMBDA.name, "lambda"),
        (model::DYNAMODB.name, "dynamodb"),
        (model::QUOTA.name, "quota_request"),
    ] {
        for item in identity
            .get(attr)
            .and_then(Value::as_elements)
            .unwrap_or(&[])
        {
            let Some(v) = item.as_str() else { continue };
            if v.contains(';') || v.contains('=') {
                return Err(format!("{attr} entry {v:?} is not a valid entry"));
            }
            parts.push(format!("{key}={v}"));
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
