//! A minimal provider served with `tfplugin`, used by the crate's
//! integration tests and as a template. Resource types keep everything in
//! state: `fixture_thing` (typed attributes and a block list, below) and
//! `fixture_nested` (nested attributes, in `nested.rs`).
//!
//! `fixture_thing`:
//! - planning a thing named `boom` panics (to exercise the panic guard);
//! - apply leaves null attributes and empty block lists out of its result:
//!   the server fills in every schema key;
//! - a `size` of 13 in apply yields a partial state with an error.
//!
//! Data source: `fixture_lookup` (in `lookup.rs`). List resource:
//! `fixture_nested` (in `listing.rs`).
//!
//! Functions: `divide(dividend number, divisor number) -> number`, whose
//! zero divisor is an error on argument 1, and `explode() -> string`, which
//! panics (the panic guard).

mod listing;
mod lookup;
mod nested;

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tfplugin::{
    ApplyRequest, ApplyResponse, Attribute, Block, ConfigureRequest, DataSource, Diagnostics,
    Function, FunctionDef, FunctionError, ImportedResource, ListResource, NestedBlock, Nesting,
    Parameter, PlanRequest, PlanResponse, Provider, ReadRequest, ReadResponse, Resource, Schema,
    ServeOptions, Type, Value,
};

struct FixtureProvider {
    configured: Arc<AtomicUsize>,
}

#[async_trait::async_trait]
impl Provider for FixtureProvider {
    fn provider_schema(&self) -> Schema {
        Schema {
            version: 0,
            block: Block::new("Fixture provider.")
                .attr(Attribute::optional("region", Type::String).describe("A region.")),
        }
    }

    fn resources(&self) -> BTreeMap<String, Arc<dyn Resource>> {
        let mut m: BTreeMap<String, Arc<dyn Resource>> = BTreeMap::new();
        m.insert("fixture_thing".to_string(), Arc::new(Thing));
        m.insert("fixture_nested".to_string(), Arc::new(nested::Nested));
        m
    }

    fn functions(&self) -> BTreeMap<String, Arc<dyn Function>> {
        let mut m: BTreeMap<String, Arc<dyn Function>> = BTreeMap::new();
        m.insert("divide".to_string(), Arc::new(Divide));
        m.insert("explode".to_string(), Arc::new(Explode));
        m
    }

    fn data_sources(&self) -> BTreeMap<String, Arc<dyn DataSource>> {
        let mut m: BTreeMap<String, Arc<dyn DataSource>> = BTreeMap::new();
        m.insert("fixture_lookup".to_string(), Arc::new(lookup::Lookup));
        m
    }

    fn list_resources(&self) -> BTreeMap<String, Arc<dyn ListResource>> {
        let mut m: BTreeMap<String, Arc<dyn ListResource>> = BTreeMap::new();
        m.insert("fixture_nested".to_string(), Arc::new(listing::Listing));
        // No managed resource of this name: listing it is an error.
        m.insert("fixture_orphan".to_string(), Arc::new(listing::Listing));
        m
    }

    async fn configure(&self, req: ConfigureRequest, diags: &mut Diagnostics) {
        let n = self.configured.fetch_add(1, Ordering::SeqCst) + 1;
        tracing::debug!(times = n, "configured");
        if req.config.get("region").and_then(Value::as_str) == Some("nowhere") {
            diags.error("Unknown region", "There is no region called nowhere.");
        }
    }
}

struct Divide;

impl Function for Divide {
    fn definition(&self) -> FunctionDef {
        FunctionDef::new(Type::Number, "Divides one number by another.")
            .describe("The quotient of `dividend` and `divisor`.")
            .param(Parameter::new("dividend", Type::Number).describe("The number divided."))
            .param(Parameter::new("divisor", Type::Number).describe("Not zero."))
    }

    fn call(&self, args: Vec<Value>) -> Result<Value, FunctionError> {
        let num = |v: &Value| v.as_number().map(|n| n.as_f64()).unwrap_or(f64::NAN);
        let (a, b) = (num(&args[0]), num(&args[1]));
        if b == 0.0 {
            return Err(FunctionError::argument(1, "divisor must not be zero"));
        }
        Ok(Value::float(a / b))
    }
}

struct Explode;

impl Function for Explode {
    fn definition(&self) -> FunctionDef {
        FunctionDef::new(Type::String, "Panics.")
    }

    fn call(&self, _args: Vec<Value>) -> Result<Value, FunctionError> {
        panic!("explode was called")
    }
}

struct Thing;

fn thing_schema() -> Schema {
    Schema {
        version: 1,
        block: Block::new("A thing kept in state.")
            .attr(Attribute::required("name", Type::String))
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::optional("size", Type::Number))
            .attr(Attribute::optional("tags", Type::map(Type::String)))
            .block(NestedBlock::new(
                "rule",
                Nesting::List,
                Block::new("A rule.").attr(Attribute::optional("n", Type::Number)),
            )),
    }
}

fn with(mut v: Value, key: &str, x: Value) -> Value {
    if let Value::Object(m) = &mut v {
        m.insert(key.to_string(), x);
    }
    v
}

#[async_trait::async_trait]
impl Resource for Thing {
    fn schema(&self) -> Schema {
        thing_schema()
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        if config.get("name").and_then(Value::as_str) == Some("") {
            diags.attribute_error(
                tfplugin::AttributePath::attr("name"),
                "Empty name",
                "A thing needs a name.",
            );
        }
    }

    async fn read(&self, req: ReadRequest, _diags: &mut Diagnostics) -> ReadResponse {
        ReadResponse {
            new_state: req.current_state,
            private: req.private,
            identity: None,
        }
    }

    async fn plan(&self, req: PlanRequest, _diags: &mut Diagnostics) -> PlanResponse {
        let name = req.config.get("name").and_then(Value::as_str).unwrap_or("");
        if name == "boom" {
            panic!("planning {name} is not possible");
        }
        let mut planned = req.proposed_new_state;
        if planned.get("id").is_none_or(Value::is_null) {
            planned = with(planned, "id", Value::unknown());
        }
        PlanResponse {
            planned_state: planned,
            requires_replace: Vec::new(),
            planned_private: b"planned".to_vec(),
            identity: None,
        }
    }

    async fn apply(&self, req: ApplyRequest, diags: &mut Diagnostics) -> ApplyResponse {
        if req.planned_state.is_null() {
            return ApplyResponse {
                new_state: Value::Null,
                private: Vec::new(),
                identity: None,
            };
        }
        let name = req
            .planned_state
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let size = req
            .planned_state
            .get("size")
            .cloned()
            .unwrap_or(Value::Null);
        if size.as_number().map(|n| n.to_string()) == Some("13".to_string()) {
            diags.error("Unlucky size", "Created the thing, but could not size it.");
        }
        // A sparse result: null attributes and empty block lists are left
        // out, and the server fills them back in from the schema.
        let mut m = BTreeMap::new();
        if let Some(planned) = req.planned_state.as_object() {
            for (k, v) in planned {
                let empty = v.is_null() || v.as_elements().is_some_and(<[Value]>::is_empty);
                if !empty {
                    m.insert(k.clone(), v.clone());
                }
            }
        }
        m.insert("id".to_string(), Value::string(format!("id-{name}")));
        ApplyResponse {
            new_state: Value::Object(m),
            private: req.planned_private,
            identity: None,
        }
    }

    async fn import(&self, id: &str, _diags: &mut Diagnostics) -> Vec<ImportedResource> {
        let mut m = BTreeMap::new();
        m.insert("id".to_string(), Value::string(id));
        m.insert("name".to_string(), Value::string(id));
        vec![ImportedResource {
            state: Value::Object(m),
            private: Vec::new(),
            identity: None,
        }]
    }
}

fn main() -> ExitCode {
    tfplugin::main_entry(
        FixtureProvider {
            configured: Arc::new(AtomicUsize::new(0)),
        },
        ServeOptions::new(
            "registry.terraform.io/example/fixture",
            "terraform-provider-fixture",
        ),
    )
}
