//! `fixture_nested`: a resource whose parts are protocol-6 nested
//! attributes, kept in state.
//!
//! - `x` (single), `m` (map), `l` (list) and `s` (set) nested attributes;
//!   `x.b` and every `m[key].b` are computed: planned unknown, set by apply
//!   to `x-b` and `b-KEY`;
//! - apply leaves null inner attributes out of its result: the server fills
//!   in every inner key.

use std::collections::BTreeMap;

use tfplugin::{
    ApplyRequest, ApplyResponse, Attribute, Block, Diagnostics, ImportedResource, PlanRequest,
    PlanResponse, ReadRequest, ReadResponse, Resource, Schema, Type, Value,
};

pub struct Nested;

pub fn nested_schema() -> Schema {
    let ab = || {
        vec![
            Attribute::optional("a", Type::Number).describe("A number."),
            Attribute::computed("b", Type::String).describe("Set by apply."),
        ]
    };
    Schema {
        version: 1,
        block: Block::new("A thing with nested attributes.")
            .attr(Attribute::required("name", Type::String))
            .attr(Attribute::computed("id", Type::String))
            .attr(Attribute::nested_single("x", ab()).describe("One object."))
            .attr(Attribute::nested_map("m", ab()).describe("Objects by a key you choose."))
            .attr(Attribute::nested_list(
                "l",
                vec![Attribute::optional("a", Type::Number)],
            ))
            .attr(Attribute::nested_set(
                "s",
                vec![Attribute::optional("a", Type::Number)],
            )),
    }
}

/// `v` with the attribute `key` of object `v` changed by `f`.
fn update(v: &mut Value, key: &str, f: impl FnOnce(&mut Value)) {
    if let Value::Object(m) | Value::Map(m) = v {
        if let Some(x) = m.get_mut(key) {
            f(x);
        }
    }
}

/// Gives each computed `b` (of `x` and of every `m` entry) a value from
/// `fill`, when it is null.
fn fill_computed(state: &mut Value, fill: impl Fn(&str) -> Value) {
    let set_b = |o: &mut Value, key: &str| {
        if let Value::Object(m) = o {
            if m.get("b").is_none_or(Value::is_null) {
                m.insert("b".to_string(), fill(key));
            }
        }
    };
    update(state, "x", |x| set_b(x, "x"));
    update(state, "m", |m| {
        if let Value::Map(entries) = m {
            for (k, e) in entries.iter_mut() {
                set_b(e, k);
            }
        }
    });
    update(state, "id", |id| {
        if id.is_null() {
            *id = fill("id");
        }
    });
}

/// Replaces unknowns in `b` and `id` with what apply decides.
fn resolve(state: &mut Value, name: &str) {
    let name = name.to_string();
    let known = |v: &mut Value, with: String| {
        if v.is_unknown() {
            *v = Value::string(with);
        }
    };
    update(state, "id", |id| known(id, format!("id-{name}")));
    update(state, "x", |x| {
        update(x, "b", |b| known(b, "x-b".to_string()))
    });
    update(state, "m", |m| {
        if let Value::Map(entries) = m {
            for (k, e) in entries.iter_mut() {
                update(e, "b", |b| known(b, format!("b-{k}")));
            }
        }
    });
}

/// Leaves out null attributes, inside nested objects too.
fn sparse(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, x)| !x.is_null())
                .map(|(k, x)| (k, sparse(x)))
                .collect(),
        ),
        Value::Map(m) => Value::Map(m.into_iter().map(|(k, x)| (k, sparse(x))).collect()),
        Value::List(items) => Value::List(items.into_iter().map(sparse).collect()),
        Value::Set(items) => Value::Set(items.into_iter().map(sparse).collect()),
        other => other,
    }
}

#[async_trait::async_trait]
impl Resource for Nested {
    fn schema(&self) -> Schema {
        nested_schema()
    }

    async fn read(&self, req: ReadRequest, _diags: &mut Diagnostics) -> ReadResponse {
        ReadResponse {
            new_state: req.current_state,
            private: req.private,
        }
    }

    async fn plan(&self, req: PlanRequest, _diags: &mut Diagnostics) -> PlanResponse {
        let mut planned = req.proposed_new_state;
        fill_computed(&mut planned, |_| Value::unknown());
        PlanResponse {
            planned_state: planned,
            requires_replace: Vec::new(),
            planned_private: Vec::new(),
        }
    }

    async fn apply(&self, req: ApplyRequest, _diags: &mut Diagnostics) -> ApplyResponse {
        if req.planned_state.is_null() {
            return ApplyResponse {
                new_state: Value::Null,
                private: Vec::new(),
            };
        }
        let mut state = req.planned_state;
        let name = state
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        resolve(&mut state, &name);
        ApplyResponse {
            new_state: sparse(state),
            private: Vec::new(),
        }
    }

    async fn import(&self, id: &str, _diags: &mut Diagnostics) -> Vec<ImportedResource> {
        let mut m = BTreeMap::new();
        m.insert("id".to_string(), Value::string(format!("id-{id}")));
        m.insert("name".to_string(), Value::string(id));
        vec![ImportedResource {
            state: Value::Object(m),
            private: Vec::new(),
        }]
    }
}
