//! The blocks of a profile that one verb could not handle while the others
//! went through: a refresh keeps the prior state of a block it could not
//! read, and a destroy that restored some parts keeps in state only the
//! blocks still to be restored, so the next destroy retries just those.

use scaling::model::{self, Mode};
use scaling::LocationStep;
use scaling_aws::ComponentError;
use tfplugin::Value;

/// The blocks that stand for something on AWS: those AWS reports a value
/// of (an optional+computed setting or a computed id or status).
pub fn component_blocks() -> Vec<&'static str> {
    model::RESOURCE
        .blocks
        .iter()
        .filter(|b| {
            b.fields()
                .iter()
                .any(|f| matches!(f.mode, Mode::Computed | Mode::OptionalComputed))
        })
        .map(|b| b.location())
        .collect()
}

/// The top-level block an error concerns, and the element when it names one.
fn block_of(e: &ComponentError) -> Option<(&str, Option<usize>)> {
    let mut steps = e.location.0.iter();
    let LocationStep::Attr(name) = steps.next()? else {
        return None;
    };
    let index = match steps.next() {
        Some(LocationStep::Index(i)) => Some(*i),
        _ => None,
    };
    Some((name.as_str(), index))
}

fn object_mut(v: &mut Value) -> Option<&mut std::collections::BTreeMap<String, Value>> {
    match v {
        Value::Object(m) => Some(m),
        _ => None,
    }
}

/// Puts the prior value of each block (or block element) an error concerns
/// back into `new`: what could not be read must not look like drift.
pub fn keep_prior(new: &mut Value, prior: &Value, errors: &[ComponentError]) {
    for e in errors {
        let Some((name, index)) = block_of(e) else {
            continue;
        };
        let Some(before) = prior.get(name) else {
            continue;
        };
        let Some(obj) = object_mut(new) else {
            return;
        };
        let element = |v: &Value, i: usize| match v {
            Value::List(items) => items.get(i).cloned(),
            _ => None,
        };
        match (index, obj.get_mut(name)) {
            (Some(i), Some(Value::List(items))) if i < items.len() => {
                if let Some(old) = element(before, i) {
                    items[i] = old;
                    continue;
                }
                obj.insert(name.to_string(), before.clone());
            }
            _ => {
                obj.insert(name.to_string(), before.clone());
            }
        }
    }
}

/// `prior` with only the component blocks that `errors` concern: what a
/// destroy restored leaves the state, what it could not stays.
pub fn only_unrestored(prior: &Value, errors: &[ComponentError]) -> Value {
    let mut out = prior.clone();
    let concerned: Vec<&str> = errors
        .iter()
        .filter_map(|e| block_of(e).map(|b| b.0))
        .collect();
    if let Some(obj) = object_mut(&mut out) {
        for name in component_blocks() {
            if !concerned.contains(&name) && obj.contains_key(name) {
                obj.insert(name.to_string(), Value::List(Vec::new()));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use scaling::Location;
    use std::collections::BTreeMap;

    #[test]
    fn the_component_blocks_are_those_on_aws() {
        let mut got = component_blocks();
        got.sort();
        assert_eq!(
            got,
            [
                "api_gateway",
                "cache_policy",
                "dashboard",
                "dynamodb",
                "global_accelerator",
                "lambda",
                "quota_request",
            ]
        );
    }

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect::<BTreeMap<_, _>>(),
        )
    }

    fn err(loc: Location) -> ComponentError {
        ComponentError::message(loc, "could not read", "AccessDenied")
    }

    #[test]
    fn unreadable_block_keeps_its_prior_value_and_others_take_the_new_one() {
        let prior = obj(&[
            ("name", Value::String("p".into())),
            (
                "cache_policy",
                Value::List(vec![obj(&[("id", Value::String("old".into()))])]),
            ),
            (
                "dynamodb",
                Value::List(vec![
                    obj(&[("read_capacity", Value::int(5))]),
                    obj(&[("read_capacity", Value::int(7))]),
                ]),
            ),
            (
                "api_gateway",
                Value::List(vec![obj(&[("rate_limit", Value::int(1))])]),
            ),
        ]);
        let mut new = obj(&[
            ("name", Value::String("p".into())),
            ("cache_policy", Value::List(vec![])),
            (
                "dynamodb",
                Value::List(vec![
                    obj(&[("read_capacity", Value::int(50))]),
                    obj(&[("read_capacity", Value::Null)]),
                ]),
            ),
            (
                "api_gateway",
                Value::List(vec![obj(&[("rate_limit", Value::int(9))])]),
            ),
        ]);
        keep_prior(
            &mut new,
            &prior,
            &[
                err(Location::attr("cache_policy").then("name")),
                err(Location::attr("dynamodb").index(1)),
            ],
        );
        assert_eq!(new.get("cache_policy"), prior.get("cache_policy"));
        let Some(Value::List(tables)) = new.get("dynamodb") else {
            panic!("{new:?}")
        };
        assert_eq!(tables[0].get("read_capacity"), Some(&Value::int(50)));
        assert_eq!(tables[1].get("read_capacity"), Some(&Value::int(7)));
        let Some(Value::List(stage)) = new.get("api_gateway") else {
            panic!("{new:?}")
        };
        assert_eq!(stage[0].get("rate_limit"), Some(&Value::int(9)));
    }

    #[test]
    fn destroy_state_keeps_only_the_blocks_not_restored() {
        let prior = obj(&[
            ("name", Value::String("p".into())),
            (
                "cache_policy",
                Value::List(vec![obj(&[("id", Value::String("x".into()))])]),
            ),
            (
                "api_gateway",
                Value::List(vec![obj(&[("rate_limit", Value::int(1))])]),
            ),
            ("dynamodb", Value::List(vec![obj(&[])])),
        ]);
        let left = only_unrestored(&prior, &[err(Location::attr("cache_policy"))]);
        assert_eq!(left.get("cache_policy"), prior.get("cache_policy"));
        assert_eq!(left.get("api_gateway"), Some(&Value::List(vec![])));
        assert_eq!(left.get("dynamodb"), Some(&Value::List(vec![])));
        assert_eq!(left.get("name"), prior.get("name"));
    }
}
