//! ImportResourceState: the import ID names the AWS things; the state
//! returned holds their identities only. Terraform reads the resource next,
//! and that read fills in every value AWS reports.

use std::collections::BTreeMap;

use tfplugin::{AttributePath, Diagnostics, ImportedResource, Value};

use scaling::model::{self, names, Described};

use super::empty_object;
use super::import_id;
use crate::keys::{self, Part};
use crate::schema;
use crate::shape::{Shape, Shapes};

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
    let block = schema::internal_schema().block;
    let Value::Object(mut top) = empty_object(&block) else {
        return Vec::new();
    };
    top.insert(names::ID.into(), Value::String(parsed.name.clone()));
    top.insert(names::NAME.into(), Value::String(parsed.name.clone()));
    // Each block's elements, with the attributes that name the AWS things.
    let mut put = |b: &dyn Described, elements: Vec<Vec<(&str, Value)>>| {
        let list = elements
            .into_iter()
            .map(|pairs| element(&block, b.location(), pairs))
            .collect();
        top.insert(b.location().into(), Value::List(list));
    };
    if let Some((api, stage)) = &parsed.api_gateway {
        put(
            &model::API_GATEWAY,
            vec![vec![
                (names::STAGE_REST_API_ID, Value::string(api)),
                (names::STAGE_NAME, Value::string(stage)),
            ]],
        );
    }
    let lambdas = parsed.lambdas.iter().map(|(f, q)| {
        vec![
            (names::FUNCTION_NAME, Value::string(f)),
            (names::LAMBDA_QUALIFIER, Value::opt(q.clone())),
        ]
    });
    put(&model::LAMBDA, lambdas.collect());
    let tables = parsed.tables.iter();
    put(
        &model::DYNAMODB,
        tables
            .map(|t| vec![(names::TABLE_NAME, Value::string(t))])
            .collect(),
    );
    let quotas = parsed.quotas.iter().map(|(s, q)| {
        vec![
            (names::QUOTA_SERVICE_CODE, Value::string(s)),
            (names::QUOTA_CODE, Value::string(q)),
        ]
    });
    put(&model::QUOTA, quotas.collect());
    if let Some(cp) = &parsed.cache_policy {
        put(
            &model::CACHE_POLICY,
            vec![vec![(names::CACHE_POLICY_ID, Value::string(cp))]],
        );
    }
    if let Some(d) = &parsed.dashboard {
        put(
            &model::DASHBOARD,
            vec![vec![(names::NAME, Value::string(d))]],
        );
    }
    if let Some(arn) = &parsed.global_accelerator {
        put(
            &model::ACCELERATOR,
            vec![vec![(names::ACCELERATOR_ARN, Value::string(arn))]],
        );
    }
    let shapes = match import_keys(&parsed) {
        Ok(s) => s,
        Err(why) => {
            diags.attribute_error(AttributePath::root(), "Invalid import ID", why);
            return Vec::new();
        }
    };
    vec![ImportedResource {
        state: crate::shape::from_lists(&Value::Object(top), &shapes),
        private: Vec::new(),
        identity: None,
    }]
}

/// The map key of every repeatable entry the import ID names: its `@KEY`,
/// or the default key of its AWS object. Two entries on one key are refused.
fn import_keys(id: &import_id::ImportId) -> Result<Shapes, String> {
    let lambdas: Vec<Part<'_>> = id
        .lambdas
        .iter()
        .map(|(f, q)| Part::Lambda {
            function_name: f,
            qualifier: q.as_deref(),
        })
        .collect();
    let tables: Vec<Part<'_>> = id
        .tables
        .iter()
        .map(|t| Part::Dynamodb { table_name: t })
        .collect();
    let quotas: Vec<Part<'_>> = id
        .quotas
        .iter()
        .map(|(s, q)| Part::Quota {
            service_code: s,
            quota_code: q,
        })
        .collect();
    let mut shapes = Shapes::default();
    for (block, parts, explicit) in [
        (&model::LAMBDA as &dyn Described, lambdas, &id.lambda_keys),
        (&model::DYNAMODB, tables, &id.table_keys),
        (&model::QUOTA, quotas, &id.quota_keys),
    ] {
        if parts.is_empty() {
            continue;
        }
        let keys: Vec<String> = explicit
            .iter()
            .zip(keys::default_keys(&parts))
            .map(|(e, d)| e.clone().unwrap_or(d))
            .collect();
        let mut seen = std::collections::BTreeSet::new();
        if let Some(dup) = keys.iter().find(|k| !seen.insert(*k)) {
            return Err(format!(
                "two entries of {} get the key {dup:?}: give one another key with @KEY. Expected an import ID of the form {}.",
                block.name(),
                import_id::FORMAT
            ));
        }
        shapes
            .blocks
            .insert(block.location().to_string(), Shape::Present(keys));
    }
    Ok(shapes)
}
