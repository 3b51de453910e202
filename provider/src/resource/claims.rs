//! Two profiles must not manage the same AWS thing: each would undo the
//! other's changes and restore the other's "before" values on destroy.
//!
//! Terraform plans every resource of a configuration in one provider
//! process, so the claims of all profiles meet here. The first profile to
//! claim a thing keeps it; any other profile claiming it gets an error on the
//! attribute, naming both.

use std::collections::BTreeMap;
use std::sync::Mutex;

use scaling::model::{self, names, Described};
use tfplugin::{AttributePath, Diagnostics, Value};

use crate::fields::Obj;

/// Claims seen in this process: thing → profile name.
#[derive(Default)]
pub struct Claims(Mutex<BTreeMap<String, String>>);

/// The things a profile configuration manages, each with its attribute.
fn things(config: &Value) -> Vec<(String, String, AttributePath)> {
    let root_path = AttributePath::root();
    let root = Obj::new(config, &root_path);
    let mut out = Vec::new();
    if let Some((p, v)) = root.single(model::API_GATEWAY.location) {
        let a = Obj::new(v, &p);
        if let (Some(api), Some(stage)) =
            (a.str(names::STAGE_REST_API_ID), a.str(names::STAGE_NAME))
        {
            out.push((
                format!("stage:{api}/{stage}"),
                format!("stage {stage:?} of REST API {api}"),
                a.path_of(names::STAGE_NAME),
            ));
        }
    }
    for (p, v) in root.blocks(model::LAMBDA.location) {
        let l = Obj::new(v, &p);
        if let Some(f) = l.str(names::FUNCTION_NAME) {
            out.push((
                format!("lambda:{f}"),
                format!("function {f:?}"),
                l.path_of(names::FUNCTION_NAME),
            ));
        }
    }
    for (p, v) in root.blocks(model::DYNAMODB.location) {
        let d = Obj::new(v, &p);
        if let Some(t) = d.str(names::TABLE_NAME) {
            out.push((
                format!("table:{t}"),
                format!("table {t:?}"),
                d.path_of(names::TABLE_NAME),
            ));
        }
    }
    for (p, v) in root.blocks(model::QUOTA.location) {
        let q = Obj::new(v, &p);
        if let (Some(s), Some(c)) = (q.str(names::QUOTA_SERVICE_CODE), q.str(names::QUOTA_CODE)) {
            out.push((
                format!("quota:{s}/{c}"),
                format!("quota {s}/{c}"),
                q.path_of(names::QUOTA_CODE),
            ));
        }
    }
    let named: [(&dyn Described, &str); 3] = [
        (&model::CACHE_POLICY, "cache policy"),
        (&model::DASHBOARD, "dashboard"),
        (&model::ACCELERATOR, "accelerator"),
    ];
    for (block, kind) in named {
        let block = block.location();
        if let Some((p, v)) = root.single(block) {
            let o = Obj::new(v, &p);
            if let Some(n) = o.str(names::NAME) {
                out.push((
                    format!("{block}:{n}"),
                    format!("{kind} {n:?}"),
                    o.path_of(names::NAME),
                ));
            }
        }
    }
    out
}

impl Claims {
    /// Records the claims of profile `name`; reports every thing another
    /// profile already claimed.
    pub fn claim(&self, name: &str, config: &Value, diags: &mut Diagnostics) {
        let mut map = match self.0.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        for (key, what, path) in things(config) {
            match map.get(&key) {
                Some(owner) if owner != name => diags.attribute_error(
                    path,
                    "Managed by two profiles",
                    format!("The {what} is claimed by profile {owner:?} and by profile {name:?}. Only one profile may manage it: each would undo the other's changes and restore the other's earlier values on destroy."),
                ),
                Some(_) => {}
                None => {
                    map.insert(key, name.to_string());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(fns: &[&str]) -> Value {
        Value::Object(BTreeMap::from([(
            "lambda".to_string(),
            Value::List(
                fns.iter()
                    .map(|f| {
                        Value::Object(BTreeMap::from([(
                            "function_name".to_string(),
                            Value::string(*f),
                        )]))
                    })
                    .collect(),
            ),
        )]))
    }

    #[test]
    fn second_profile_claiming_a_function_is_refused_naming_both() {
        let c = Claims::default();
        let mut d = Diagnostics::new();
        c.claim("staging", &profile(&["a", "b"]), &mut d);
        assert!(d.is_empty());
        c.claim("staging", &profile(&["a", "b"]), &mut d);
        assert!(d.is_empty(), "the same profile planned again is fine");
        c.claim("prod", &profile(&["c", "b"]), &mut d);
        let msgs: Vec<String> = d.iter().map(|d| d.detail.clone()).collect();
        assert_eq!(msgs.len(), 1);
        assert!(
            msgs[0].contains("\"staging\"") && msgs[0].contains("\"prod\""),
            "{msgs:?}"
        );
        assert_eq!(
            d.iter()
                .next()
                .and_then(|d| d.attribute.clone())
                .map(|p| p.to_string()),
            Some("lambda[1].function_name".to_string())
        );
    }
}
