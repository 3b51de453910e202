//! ImportResourceState: the import ID names the AWS things; the state
//! returned holds their identities only. Terraform reads the resource next,
//! and that read fills in every value AWS reports.

use std::collections::BTreeMap;

use tfplugin::{AttributePath, Diagnostics, ImportedResource, Value};

use super::empty_object;
use super::import_id;
use crate::schema;

fn element(block: &tfplugin::Block, name: &str, pairs: Vec<(&str, Value)>) -> Value {
    let mut obj = match block.nested(name).map(|n| empty_object(&n.block)) {
        Some(Value::Object(m)) => m,
        _ => BTreeMap::new(),
    };
    for (k, v) in pairs {
        obj.insert(k.to_string(), v);
    }
    Value::Object(obj)
}

pub fn import(id: &str, diags: &mut Diagnostics) -> Vec<ImportedResource> {
    let parsed = match import_id::parse(id) {
        Ok(p) => p,
        Err(why) => {
            diags.attribute_error(AttributePath::root(), "Invalid import ID", why);
            return Vec::new();
        }
    };
    let block = schema::resource_schema().block;
    let Value::Object(mut top) = empty_object(&block) else {
        return Vec::new();
    };
    top.insert("id".into(), Value::String(parsed.name.clone()));
    top.insert("name".into(), Value::String(parsed.name.clone()));
    if let Some((api, stage)) = &parsed.api_gateway {
        top.insert(
            "api_gateway".into(),
            Value::List(vec![element(
                &block,
                "api_gateway",
                vec![
                    ("rest_api_id", Value::string(api)),
                    ("stage_name", Value::string(stage)),
                ],
            )]),
        );
    }
    top.insert(
        "lambda".into(),
        Value::List(
            parsed
                .lambdas
                .iter()
                .map(|(f, q)| {
                    element(
                        &block,
                        "lambda",
                        vec![
                            ("function_name", Value::string(f)),
                            ("qualifier", Value::opt(q.clone())),
                        ],
                    )
                })
                .collect(),
        ),
    );
    top.insert(
        "dynamodb".into(),
        Value::List(
            parsed
                .tables
                .iter()
                .map(|t| element(&block, "dynamodb", vec![("table_name", Value::string(t))]))
                .collect(),
        ),
    );
    top.insert(
        "quota_request".into(),
        Value::List(
            parsed
                .quotas
                .iter()
                .map(|(s, q)| {
                    element(
                        &block,
                        "quota_request",
                        vec![
                            ("service_code", Value::string(s)),
                            ("quota_code", Value::string(q)),
                        ],
                    )
                })
                .collect(),
        ),
    );
    if let Some(cp) = &parsed.cache_policy {
        top.insert(
            "cache_policy".into(),
            Value::List(vec![element(
                &block,
                "cache_policy",
                vec![("id", Value::string(cp))],
            )]),
        );
    }
    if let Some(d) = &parsed.dashboard {
        top.insert(
            "dashboard".into(),
            Value::List(vec![element(
                &block,
                "dashboard",
                vec![("name", Value::string(d))],
            )]),
        );
    }
    if let Some(arn) = &parsed.global_accelerator {
        top.insert(
            "global_accelerator".into(),
            Value::List(vec![element(
                &block,
                "global_accelerator",
                vec![("arn", Value::string(arn))],
            )]),
        );
    }
    vec![ImportedResource {
        state: Value::Object(top),
        private: Vec::new(),
        identity: None,
    }]
}
