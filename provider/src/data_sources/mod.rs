//! The provider's data sources: what AWS reports now, for configurations
//! with or without a `smuppy_scaling_profile` (a `check {}` block or a
//! postcondition on a stack managed by any provider).
//!
//! - `smuppy_account_limits`: the account's limits, each with the call it
//!   came from ([`account_limits`]);
//! - `smuppy_capacity`: a traffic model and the ids of a stage, functions
//!   and tables → their settings and the resource's analysis of them
//!   ([`capacity`]).
//!
//! A read that fails is an error diagnostic on the attribute it would have
//! filled, naming the call, AWS's error code and the IAM action (the
//! wording of `LIV001`); a data source has no partial result.

pub mod account_limits;
pub mod capacity;
pub mod capacity_schema;

use std::collections::BTreeMap;
use std::sync::Arc;

use tfplugin::{DataSource, Number, Schema, Value};

use crate::provider::Configured;

/// Every data source by type name.
pub fn all(configured: &Arc<Configured>) -> BTreeMap<String, Arc<dyn DataSource>> {
    let list: [(&str, Arc<dyn DataSource>); 2] = [
        (
            account_limits::TYPE_NAME,
            Arc::new(account_limits::AccountLimits::new(configured.clone())),
        ),
        (
            capacity::TYPE_NAME,
            Arc::new(capacity::Capacity::new(configured.clone())),
        ),
    ];
    list.into_iter()
        .map(|(name, d)| (name.to_string(), d))
        .collect()
}

/// Every data source's schema by type name (for the docs; needs no
/// configured provider).
pub fn schemas() -> BTreeMap<&'static str, Schema> {
    BTreeMap::from([
        (account_limits::TYPE_NAME, account_limits::schema()),
        (capacity::TYPE_NAME, capacity_schema::schema()),
    ])
}

/// A whole number as a Terraform value, null when absent.
pub(crate) fn int(v: Option<i64>) -> Value {
    v.map_or(Value::Null, Value::int)
}

/// A number as a Terraform value, null when absent.
pub(crate) fn float(v: Option<f64>) -> Value {
    v.map_or(Value::Null, |f| Value::Number(Number::from_f64(f)))
}

/// `config` with `values` set (a data source's state: its config, computed
/// attributes filled in).
pub(crate) fn with(config: Value, values: Vec<(&str, Value)>) -> Value {
    let mut out = match config {
        Value::Object(m) => m,
        _ => BTreeMap::new(),
    };
    for (k, v) in values {
        out.insert(k.to_string(), v);
    }
    Value::Object(out)
}
