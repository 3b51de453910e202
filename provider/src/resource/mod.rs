//! `smuppy_scaling_profile`: one file per verb (validate, plan, apply,
//! read, import); this file wires them to the protocol-free traits.

pub mod apply;
pub mod claims;
pub mod import;
pub mod import_id;
pub mod parts;
pub mod plan;
pub mod read;
pub mod upgrade;
pub mod validate;

use std::sync::Arc;

use tfplugin::{
    ApplyRequest, ApplyResponse, Block, Diagnostics, ImportedResource, PlanRequest, PlanResponse,
    ReadRequest, ReadResponse, Resource, Schema, Value,
};

use crate::provider::Configured;
use crate::schema;

pub struct ScalingProfile {
    configured: Arc<Configured>,
    claims: claims::Claims,
}

impl ScalingProfile {
    pub fn new(configured: Arc<Configured>) -> Self {
        ScalingProfile {
            configured,
            claims: claims::Claims::default(),
        }
    }
}

/// An object of `block` with every attribute null and every nested block
/// list empty: the skeleton Terraform expects every key of.
pub fn empty_object(block: &Block) -> Value {
    let mut m = std::collections::BTreeMap::new();
    for a in &block.attributes {
        m.insert(a.name.clone(), Value::Null);
    }
    for b in &block.blocks {
        m.insert(b.type_name.clone(), Value::List(Vec::new()));
    }
    Value::Object(m)
}

#[async_trait::async_trait]
impl Resource for ScalingProfile {
    fn schema(&self) -> Schema {
        schema::resource_schema()
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        validate::validate_config(config, diags);
    }

    async fn read(&self, req: ReadRequest, diags: &mut Diagnostics) -> ReadResponse {
        read::read(&self.configured, req, diags).await
    }

    async fn plan(&self, req: PlanRequest, diags: &mut Diagnostics) -> PlanResponse {
        let region = self.configured.region();
        if let Some(name) = req.config.get("name").and_then(Value::as_str) {
            self.claims.claim(name, &req.config, diags);
        }
        let limits = if req.proposed_new_state.is_null() {
            scaling::Limits::default()
        } else {
            self.configured.limits(diags).await
        };
        let planned = plan::plan(
            &req.config,
            &req.proposed_new_state,
            &req.prior_state,
            region.as_deref(),
            &limits,
            diags,
        );
        PlanResponse {
            planned_state: planned,
            requires_replace: Vec::new(),
            planned_private: req.prior_private,
        }
    }

    async fn apply(&self, req: ApplyRequest, diags: &mut Diagnostics) -> ApplyResponse {
        apply::apply(&self.configured, req, diags).await
    }

    async fn import(&self, id: &str, diags: &mut Diagnostics) -> Vec<ImportedResource> {
        import::import(id, diags)
    }
}
