//! The upgrade of a 0.x state (schema version 0) to 1.0, pure.
//!
//! The state arrives decoded with the frozen 0.x schema
//! ([`crate::schema_v0`]). What changes:
//!
//! - the list blocks of at most one item (`traffic`, `api_gateway`,
//!   `cache_policy`, `dashboard`, `global_accelerator`, `budget`, and inside
//!   a table `autoscaling` with its `read` and `write`) become single
//!   objects, or null when the list was empty;
//! - the positional `quota_request`, `lambda` and `dynamodb` blocks become
//!   the maps `quota_requests`, `lambda_pools` and `dynamodb_tables`, keyed
//!   by [`crate::keys::default_keys`] (null when there was none);
//! - `wait_timeout_seconds` becomes `timeouts` with the same duration for
//!   create, update and delete (`"600s"`), or null when it was unset.
//!
//! Every other attribute and every inner value is kept as it was; the
//! computed analysis (`capacity`, costs) is recomputed by the read that
//! follows. Private state and crash-journal captures are keyed by the AWS
//! objects they hold (`lambda:FUNCTION`, `table:TABLE`, ...), not by block
//! position, so they need no upgrade.

use std::collections::BTreeMap;

use tfplugin::{Diagnostics, Schema, Value};

use crate::keys::{default_keys, Part};
use crate::{schema, schema_v0};

/// The schema a state of `version` was written with, to decode it before
/// [`upgrade_state`] (the resource's `schema_for_version`): the current
/// schema, the frozen 0.x one, or None for a version this provider never
/// wrote.
pub fn schema_for_version(version: i64) -> Option<Schema> {
    if version == schema::RESOURCE_SCHEMA_VERSION {
        Some(schema::resource_schema())
    } else if version == schema_v0::VERSION {
        Some(schema_v0::resource_schema())
    } else {
        None
    }
}

/// UpgradeResourceState: `state`, decoded with the schema of `version`,
/// turned into the current version's shape. A state written by a newer
/// provider cannot be read back: an error, and the state is returned as is.
pub fn upgrade_state(version: i64, state: Value, diags: &mut Diagnostics) -> Value {
    if version == schema::RESOURCE_SCHEMA_VERSION {
        state
    } else if version == schema_v0::VERSION {
        upgrade_v0(state)
    } else {
        diags.error(
            "State written by another provider version",
            format!(
                "This state of {} has schema version {version}; this provider reads versions {} to {}. Use the provider version that wrote it.",
                schema::RESOURCE_TYPE,
                schema_v0::VERSION,
                schema::RESOURCE_SCHEMA_VERSION
            ),
        );
        state
    }
}

/// 0.x list blocks of at most one item, at the top level.
const SINGLE_BLOCKS: &[&str] = &[
    "traffic",
    "api_gateway",
    "cache_policy",
    "dashboard",
    "global_accelerator",
    "budget",
];

/// The timeouts `wait_timeout_seconds` stood for.
const TIMEOUT_OPERATIONS: &[&str] = &["create", "update", "delete"];

/// A decoded 0.x state turned into 1.0 (a null state stays null).
pub fn upgrade_v0(value: Value) -> Value {
    let Value::Object(mut top) = value else {
        return value;
    };
    for name in SINGLE_BLOCKS {
        lift(&mut top, name);
    }
    let tables = take_list(&mut top, "dynamodb")
        .into_iter()
        .map(|mut table| {
            if let Value::Object(t) = &mut table {
                lift(t, "autoscaling");
                if let Some(Value::Object(a)) = t.get_mut("autoscaling") {
                    lift(a, "read");
                    lift(a, "write");
                }
            }
            table
        })
        .collect();
    keyed(&mut top, "dynamodb_tables", tables, |o| Part::Dynamodb {
        table_name: text(o, "table_name").unwrap_or_default(),
    });
    let pools = take_list(&mut top, "lambda");
    keyed(&mut top, "lambda_pools", pools, |o| Part::Lambda {
        function_name: text(o, "function_name").unwrap_or_default(),
        qualifier: text(o, "qualifier"),
    });
    let quotas = take_list(&mut top, "quota_request");
    keyed(&mut top, "quota_requests", quotas, |o| Part::Quota {
        service_code: text(o, "service_code").unwrap_or_default(),
        quota_code: text(o, "quota_code").unwrap_or_default(),
    });
    let timeouts = match top.remove("wait_timeout_seconds") {
        Some(Value::Number(n)) => {
            let duration = Value::string(format!("{}s", n.as_str()));
            Value::Object(
                TIMEOUT_OPERATIONS
                    .iter()
                    .map(|op| (op.to_string(), duration.clone()))
                    .collect(),
            )
        }
        _ => Value::Null,
    };
    top.insert("timeouts".into(), timeouts);
    Value::Object(top)
}

/// Replaces the list `name` of at most one item by that item (null if none).
fn lift(obj: &mut BTreeMap<String, Value>, name: &str) {
    if let Some(v) = obj.get_mut(name) {
        let single = match std::mem::replace(v, Value::Null) {
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                items.into_iter().next().unwrap_or(Value::Null)
            }
            other => other,
        };
        *v = single;
    }
}

/// Removes the positional list `name` and returns its items.
fn take_list(obj: &mut BTreeMap<String, Value>, name: &str) -> Vec<Value> {
    match obj.remove(name) {
        Some(Value::List(items) | Value::Set(items) | Value::Tuple(items)) => items,
        _ => Vec::new(),
    }
}

/// Inserts `items` as the map `name`, keyed by their default keys (null when
/// there is none).
fn keyed(
    obj: &mut BTreeMap<String, Value>,
    name: &str,
    items: Vec<Value>,
    part: impl for<'a> Fn(&'a Value) -> Part<'a>,
) {
    let value = if items.is_empty() {
        Value::Null
    } else {
        let keys = default_keys(&items.iter().map(&part).collect::<Vec<_>>());
        Value::Map(keys.into_iter().zip(items).collect())
    };
    obj.insert(name.to_string(), value);
}

fn text<'a>(obj: &'a Value, name: &str) -> Option<&'a str> {
    obj.get(name).and_then(Value::as_str)
}

#[cfg(test)]
#[path = "upgrade_tests.rs"]
mod tests;
