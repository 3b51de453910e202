//! A test-only provider that serves a subset of the `hashicorp/aws` resource
//! schemas, so that the real Terraform core can `plan` and `show -json` the
//! `aws_*` configurations the validator reads, without the official provider.
//!
//! Launched under `dev_overrides` for `registry.terraform.io/hashicorp/aws`
//! (binary name `terraform-provider-aws`) by the validator's acceptance test
//! and the rate benchmark.
//!
//! What is real and what is not:
//! - only the attributes the validator reads, the required ones and the
//!   computed ids/arns/versions are served, with the types and
//!   required/optional/computed flags of the AWS provider's documentation;
//!   everything else of those resources is left out (a configuration using
//!   it is rejected by Terraform as an unsupported argument);
//! - plan fills the defaults the AWS provider plans for unset attributes
//!   (`memory_size` 128, `timeout` 3, `reserved_concurrent_executions` -1,
//!   `billing_mode` "PROVISIONED", `package_type` "Zip", the integration's
//!   `timeout_milliseconds` 29,000, the
//!   method settings' throttling limits -1) and leaves every other unset
//!   computed attribute unknown ("known after apply");
//! - apply always fails: the provider only plans. Read returns the state
//!   it is given; import is refused.

mod apigateway;
mod globalaccelerator;
mod schemas;

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::Arc;

use tfplugin::{
    ApplyRequest, ApplyResponse, Block, ConfigureRequest, Diagnostics, ImportedResource, Nesting,
    PlanRequest, PlanResponse, Provider, ReadRequest, ReadResponse, Resource, Schema, ServeOptions,
    Value,
};

struct AwsSchemas;

#[async_trait::async_trait]
impl Provider for AwsSchemas {
    fn provider_schema(&self) -> Schema {
        schemas::provider()
    }

    fn resources(&self) -> BTreeMap<String, Arc<dyn Resource>> {
        schemas::resources()
            .into_iter()
            .chain(apigateway::resources())
            .chain(globalaccelerator::resources())
            .map(|(name, schema, defaults)| {
                let r: Arc<dyn Resource> = Arc::new(PlanOnly { schema, defaults });
                (name.to_string(), r)
            })
            .collect()
    }

    async fn configure(&self, _req: ConfigureRequest, _diags: &mut Diagnostics) {}
}

/// A resource that plans from its schema and never applies.
struct PlanOnly {
    schema: Schema,
    /// Planned values of unset attributes: (path of block names and the
    /// attribute, value), the AWS provider's defaults.
    defaults: Vec<(&'static [&'static str], Value)>,
}

/// Fills unset computed attributes of one block object: the default for its
/// path if there is one, else unknown; recurses into list and single blocks.
fn fill(block: &Block, value: &mut Value, path: &mut Vec<String>, defaults: &[(&[&str], Value)]) {
    let Value::Object(m) = value else { return };
    for a in &block.attributes {
        if !a.computed {
            continue;
        }
        let slot = m.entry(a.name.clone()).or_insert(Value::Null);
        if slot.is_null() {
            path.push(a.name.clone());
            let default = defaults
                .iter()
                .find(|(p, _)| p.iter().copied().eq(path.iter().map(String::as_str)))
                .map(|(_, v)| v.clone());
            path.pop();
            *slot = default.unwrap_or_else(Value::unknown);
        }
    }
    for b in &block.blocks {
        if !matches!(b.nesting, Nesting::List | Nesting::Single) {
            continue;
        }
        path.push(b.type_name.clone());
        match m.get_mut(&b.type_name) {
            Some(Value::List(items)) => {
                for item in items {
                    fill(&b.block, item, path, defaults);
                }
            }
            Some(v @ Value::Object(_)) => fill(&b.block, v, path, defaults),
            _ => {}
        }
        path.pop();
    }
}

#[async_trait::async_trait]
impl Resource for PlanOnly {
    fn schema(&self) -> Schema {
        self.schema.clone()
    }

    async fn read(&self, req: ReadRequest, _diags: &mut Diagnostics) -> ReadResponse {
        ReadResponse {
            new_state: req.current_state,
            private: req.private,
            identity: None,
        }
    }

    async fn plan(&self, req: PlanRequest, _diags: &mut Diagnostics) -> PlanResponse {
        let mut planned = req.proposed_new_state;
        if !planned.is_null() {
            fill(
                &self.schema.block,
                &mut planned,
                &mut Vec::new(),
                &self.defaults,
            );
        }
        PlanResponse {
            planned_state: planned,
            requires_replace: Vec::new(),
            planned_private: Vec::new(),
            identity: None,
        }
    }

    async fn apply(&self, _req: ApplyRequest, diags: &mut Diagnostics) -> ApplyResponse {
        diags.error(
            "Plan only",
            "This test provider serves hashicorp/aws schemas for planning; it never applies.",
        );
        ApplyResponse {
            new_state: Value::Null,
            private: Vec::new(),
            identity: None,
        }
    }

    async fn import(&self, _id: &str, diags: &mut Diagnostics) -> Vec<ImportedResource> {
        diags.error("Plan only", "This test provider cannot import.");
        Vec::new()
    }
}

fn main() -> ExitCode {
    tfplugin::main_entry(
        AwsSchemas,
        ServeOptions::new(
            "registry.terraform.io/hashicorp/aws",
            "terraform-provider-aws",
        ),
    )
}
