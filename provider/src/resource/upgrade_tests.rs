//! The upgrade run on the real 0.x states of `tests/fixtures/state-0.x/`.

use std::collections::BTreeMap;

use tfplugin::value::json;
use tfplugin::Value;

use super::upgrade_v0;
use crate::schema_v0;

const FIXTURES: &[(&str, &str)] = &[
    (
        "full",
        include_str!("../../../tests/fixtures/state-0.x/full/terraform.tfstate"),
    ),
    (
        "minimal",
        include_str!("../../../tests/fixtures/state-0.x/minimal/terraform.tfstate"),
    ),
    (
        "journal",
        include_str!("../../../tests/fixtures/state-0.x/journal/terraform.tfstate"),
    ),
];

/// The raw attributes of the one instance of a fixture, as Terraform wrote them.
fn raw_attributes(state: &str) -> serde_json::Value {
    let doc: serde_json::Value = serde_json::from_str(state).expect("fixture is JSON");
    let instance = &doc["resources"][0]["instances"][0];
    assert_eq!(instance["schema_version"], 0, "a 0.x fixture");
    instance["attributes"].clone()
}

/// A fixture decoded with the 0.x schema, as the protocol layer decodes it.
fn decoded(state: &str) -> Value {
    let raw = serde_json::to_vec(&raw_attributes(state)).unwrap();
    json::decode(&raw, &schema_v0::resource_schema().block.implied_type()).expect("decodes")
}

fn fixture(name: &str) -> Value {
    let (_, text) = FIXTURES.iter().find(|(n, _)| *n == name).unwrap();
    decoded(text)
}

fn elements<'a>(v: &'a Value, name: &str) -> &'a [Value] {
    v.get(name).and_then(Value::as_elements).unwrap_or(&[])
}

fn map<'a>(v: &'a Value, name: &str) -> &'a BTreeMap<String, Value> {
    match v.get(name) {
        Some(Value::Map(m)) => m,
        other => panic!("{name} is not a map: {other:?}"),
    }
}

#[test]
fn every_fixture_decodes_with_the_frozen_schema_without_losing_a_key() {
    let ty = schema_v0::resource_schema().block.implied_type();
    for (name, text) in FIXTURES {
        let value = decoded(text);
        // Decoding drops keys the type lacks and nulls the ones it has in
        // excess: a round trip equal to the file shows neither happened.
        let again: serde_json::Value =
            serde_json::from_slice(&json::encode(&value, &ty).unwrap()).unwrap();
        assert_eq!(again, raw_attributes(text), "fixture {name}");
    }
}

#[test]
fn positional_blocks_become_maps_keyed_by_the_aws_object() {
    let old = fixture("full");
    let new = upgrade_v0(old.clone());

    let pools = map(&new, "lambda_pools");
    assert_eq!(pools.len(), 2);
    for pool in elements(&old, "lambda") {
        let function = pool.get("function_name").and_then(Value::as_str).unwrap();
        assert_eq!(pools.get(function), Some(pool), "pool {function}");
    }

    let tables = map(&new, "dynamodb_tables");
    assert_eq!(tables.len(), 2);
    for table in elements(&old, "dynamodb") {
        let name = table.get("table_name").and_then(Value::as_str).unwrap();
        let upgraded = &tables[name];
        for attr in [
            "table_name",
            "billing_mode",
            "read_capacity",
            "write_capacity",
        ] {
            assert_eq!(upgraded.get(attr), table.get(attr), "{name}.{attr}");
        }
        match elements(table, "autoscaling") {
            [] => assert_eq!(upgraded.get("autoscaling"), Some(&Value::Null)),
            [auto] => {
                let lifted = upgraded.get("autoscaling").unwrap();
                for dim in ["read", "write"] {
                    assert_eq!(
                        lifted.get(dim),
                        Some(&elements(auto, dim)[0]),
                        "{name} {dim}"
                    );
                }
            }
            more => panic!("{} autoscaling blocks", more.len()),
        }
    }
    let read = tables["smuppy-feeds-5eed0001"]
        .get("autoscaling")
        .and_then(|a| a.get("read"))
        .unwrap();
    assert_eq!(read.get("scale_in_cooldown"), Some(&Value::int(120)));

    let quotas = map(&new, "quota_requests");
    let keys: Vec<&str> = quotas.keys().map(String::as_str).collect();
    assert_eq!(keys, ["apigateway/L-8A5B8E43", "lambda/L-B99A9384"]);
    for q in elements(&old, "quota_request") {
        let key = format!(
            "{}/{}",
            q.get("service_code").and_then(Value::as_str).unwrap(),
            q.get("quota_code").and_then(Value::as_str).unwrap()
        );
        assert_eq!(quotas.get(&key), Some(q));
    }
    for gone in [
        "lambda",
        "dynamodb",
        "quota_request",
        "wait_timeout_seconds",
    ] {
        assert!(new.get(gone).is_none(), "{gone} is still there");
    }
}

#[test]
fn single_blocks_become_objects() {
    let old = fixture("full");
    let new = upgrade_v0(old.clone());
    for name in super::SINGLE_BLOCKS {
        assert_eq!(new.get(name), Some(&elements(&old, name)[0]), "{name}");
    }
    let policy = new.get("cache_policy").unwrap();
    assert!(policy
        .get("id")
        .and_then(Value::as_str)
        .is_some_and(|id| !id.is_empty()));
    assert!(new
        .get("dashboard")
        .and_then(|d| d.get("arn"))
        .and_then(Value::as_str)
        .is_some_and(|a| a.starts_with("arn:aws:cloudwatch:")));
}

#[test]
fn wait_timeout_seconds_becomes_the_same_timeout_for_each_operation() {
    let new = upgrade_v0(fixture("full"));
    let timeouts = new.get("timeouts").unwrap();
    for op in ["create", "update", "delete"] {
        assert_eq!(timeouts.get(op), Some(&Value::string("600s")), "{op}");
    }
    assert_eq!(
        upgrade_v0(fixture("minimal")).get("timeouts"),
        Some(&Value::Null)
    );
}

#[test]
fn a_profile_without_blocks_upgrades_to_nulls() {
    let new = upgrade_v0(fixture("minimal"));
    for name in
        super::SINGLE_BLOCKS
            .iter()
            .chain(&["lambda_pools", "dynamodb_tables", "quota_requests"])
    {
        assert_eq!(new.get(name), Some(&Value::Null), "{name}");
    }
    assert_eq!(new.get("name"), fixture("minimal").get("name"));
}

#[test]
fn a_null_state_stays_null() {
    assert_eq!(upgrade_v0(Value::Null), Value::Null);
}

/// Every leaf of a value (a primitive, or a collection of primitives) with
/// the names leading to it, positions and keys of objects left out, the 0.x names of the keyed blocks spelled as in 1.0.
fn leaves(v: &Value, path: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let k = match k.as_str() {
                    "lambda" => "lambda_pools",
                    "dynamodb" => "dynamodb_tables",
                    "quota_request" => "quota_requests",
                    other => other,
                };
                leaves(x, &format!("{path}.{k}"), out);
            }
        }
        Value::Map(m) if m.values().all(|x| matches!(x, Value::Object(_))) => {
            m.values().for_each(|x| leaves(x, path, out))
        }
        Value::List(xs) if xs.iter().all(|x| matches!(x, Value::Object(_))) => {
            xs.iter().for_each(|x| leaves(x, path, out))
        }
        Value::Null => {}
        other => out.push((path.to_string(), format!("{other:?}"))),
    }
}

#[test]
fn every_value_is_kept() {
    for (name, text) in FIXTURES {
        let old = decoded(text);
        let new = upgrade_v0(old.clone());
        let (mut before, mut after) = (Vec::new(), Vec::new());
        leaves(&old, "", &mut before);
        leaves(&new, "", &mut after);
        before.retain(|(p, _)| p != ".wait_timeout_seconds");
        after.retain(|(p, _)| !p.starts_with(".timeouts"));
        before.sort();
        after.sort();
        assert!(!before.is_empty());
        assert_eq!(before, after, "fixture {name}");
    }
}

#[test]
fn an_unknown_version_is_an_error_and_keeps_the_state() {
    let mut diags = tfplugin::Diagnostics::new();
    let state = fixture("minimal");
    assert_eq!(super::upgrade_state(7, state.clone(), &mut diags), state);
    assert!(diags.has_errors());
    assert!(super::schema_for_version(7).is_none());
}

#[test]
fn version_0_is_decoded_with_the_frozen_schema_once_the_current_one_moved_on() {
    let current = crate::schema::RESOURCE_SCHEMA_VERSION;
    assert_eq!(
        super::schema_for_version(current),
        Some(crate::schema::resource_schema())
    );
    if current > 0 {
        let mut diags = tfplugin::Diagnostics::new();
        let v0 = super::schema_for_version(0).expect("version 0 has a schema");
        assert_eq!(v0.version, 0);
        let upgraded = super::upgrade_state(0, fixture("full"), &mut diags);
        assert!(diags.is_empty());
        assert_eq!(upgraded, upgrade_v0(fixture("full")));
    }
}

#[test]
fn every_upgraded_fixture_conforms_to_the_current_schema() {
    if crate::schema::RESOURCE_SCHEMA_VERSION == 0 {
        return; // still the 0.x schema: nothing to conform to
    }
    let ty = crate::schema::resource_schema().block.implied_type();
    for (name, text) in FIXTURES {
        let upgraded = upgrade_v0(decoded(text));
        // What the protocol layer does with the answer of UpgradeResourceState.
        let conformed = upgraded
            .conform(&ty)
            .unwrap_or_else(|e| panic!("fixture {name}: {e:?}"));
        json::encode(&conformed, &ty).unwrap_or_else(|e| panic!("fixture {name}: {e:?}"));
        // Conforming only adds the attributes 1.0 has and 0.x had not (as nulls).
        let Value::Object(up) = &upgraded else {
            panic!()
        };
        for (k, v) in up {
            assert_eq!(conformed.get(k), Some(v), "fixture {name}: {k} changed");
        }
    }
}
