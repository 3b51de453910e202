//! `fixture_nested`: a resource whose parts are protocol-6 nested
//! attributes, kept in state.
//!
//! - `x` (single), `m` (map), `l` (list) and `s` (set) nested attributes;
//!   `x.b` and every `m[key].b` are computed: planned unknown, set by apply
//!   to `x-b` and `b-KEY`;
//! - apply leaves null inner attributes out of its result: the server fills
//!   in every inner key;
//! - identity (version 1): `name` (required for import), `region`
//!   (optional, `r1` when not given; a version-0 identity had no region)
//!   and `parts` (a list of strings, optional, `[name]` when not given);
//!   set at create or import and returned unchanged afterwards;
//! - schema version 1; version 0 had `x` and `m` as list blocks (`m` with
//!   a `key` attribute), which `upgrade_state` turns into a single object
//!   and a map by key.

use std::collections::BTreeMap;

use tfplugin::{
    ApplyRequest, ApplyResponse, Attribute, Block, Diagnostics, IdentityAttribute, IdentitySchema,
    ImportedResource, NestedBlock, Nesting, PlanRequest, PlanResponse, ReadRequest, ReadResponse,
    Resource, Schema, Type, Value,
};

/// The region an identity names when not told otherwise.
pub const REGION: &str = "r1";

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

/// Schema version 0: `x` and `m` were list blocks.
fn schema_v0() -> Schema {
    let ab = |extra: Option<&str>| {
        let mut b = Block::new("")
            .attr(Attribute::optional("a", Type::Number))
            .attr(Attribute::computed("b", Type::String));
        if let Some(k) = extra {
            b = b.attr(Attribute::required(k, Type::String));
        }
        b
    };
    Schema {
        version: 0,
        block: Block::new("")
            .attr(Attribute::required("name", Type::String))
            .attr(Attribute::computed("id", Type::String))
            .block(NestedBlock::new("x", Nesting::List, ab(None)).max_items(1))
            .block(NestedBlock::new("m", Nesting::List, ab(Some("key")))),
    }
}

/// A version-0 state in the version-1 shape: the first `x` block as the
/// object, the `m` blocks as a map by their `key`.
fn upgrade_v0(v0: Value) -> Value {
    let Value::Object(mut m) = v0 else {
        return v0;
    };
    let x = m
        .remove("x")
        .and_then(|x| x.as_elements().and_then(|e| e.first().cloned()))
        .unwrap_or(Value::Null);
    let entries: BTreeMap<String, Value> = m
        .remove("m")
        .and_then(|l| l.as_elements().map(<[Value]>::to_vec))
        .unwrap_or_default()
        .into_iter()
        .filter_map(|mut e| {
            let Value::Object(o) = &mut e else {
                return None;
            };
            let key = o.remove("key")?.as_str()?.to_string();
            Some((key, e))
        })
        .collect();
    m.insert("x".to_string(), x);
    let map = if entries.is_empty() {
        Value::Null
    } else {
        Value::Map(entries)
    };
    m.insert("m".to_string(), map);
    Value::Object(m)
}

fn identity(name: &str, region: &str, parts: Option<Value>) -> Value {
    let mut m = BTreeMap::new();
    m.insert("name".to_string(), Value::string(name));
    m.insert("region".to_string(), Value::string(region));
    let parts = parts.unwrap_or_else(|| Value::List(vec![Value::string(name)]));
    m.insert("parts".to_string(), parts);
    Value::Object(m)
}

/// The identity of a state that has none yet: its name, in [`REGION`].
fn identity_of(state: &Value) -> Option<Value> {
    let name = state.get("name")?.as_str()?;
    Some(identity(name, REGION, None))
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

    fn schema_for_version(&self, version: i64) -> Option<Schema> {
        match version {
            0 => Some(schema_v0()),
            1 => Some(nested_schema()),
            _ => None,
        }
    }

    fn upgrade_state(&self, version: i64, state: Value, _diags: &mut Diagnostics) -> Value {
        if version == 0 {
            upgrade_v0(state)
        } else {
            state
        }
    }

    fn identity_schema(&self) -> Option<IdentitySchema> {
        Some(IdentitySchema::new(
            1,
            vec![
                IdentityAttribute::required_for_import("name", Type::String)
                    .describe("The thing's name."),
                IdentityAttribute::optional_for_import("region", Type::String)
                    .describe("Its region; `r1` when not given."),
                IdentityAttribute::optional_for_import("parts", Type::list(Type::String))
                    .describe("Its parts; `[name]` when not given."),
            ],
        ))
    }

    fn upgrade_identity(&self, version: i64, identity: Value, _diags: &mut Diagnostics) -> Value {
        let mut identity = identity;
        if version == 0 {
            let name = identity.get("name").cloned().unwrap_or(Value::Null);
            update(&mut identity, "region", |r| *r = Value::string(REGION));
            update(&mut identity, "parts", |p| *p = Value::List(vec![name]));
        }
        identity
    }

    async fn read(&self, req: ReadRequest, _diags: &mut Diagnostics) -> ReadResponse {
        let identity = req.identity.or_else(|| identity_of(&req.current_state));
        ReadResponse {
            new_state: req.current_state,
            private: req.private,
            identity,
        }
    }

    async fn plan(&self, req: PlanRequest, _diags: &mut Diagnostics) -> PlanResponse {
        let mut planned = req.proposed_new_state;
        fill_computed(&mut planned, |_| Value::unknown());
        let identity = req.identity.or_else(|| identity_of(&planned));
        PlanResponse {
            planned_state: planned,
            requires_replace: Vec::new(),
            planned_private: Vec::new(),
            identity,
        }
    }

    async fn apply(&self, req: ApplyRequest, _diags: &mut Diagnostics) -> ApplyResponse {
        if req.planned_state.is_null() {
            return ApplyResponse {
                new_state: Value::Null,
                private: Vec::new(),
                identity: None,
            };
        }
        let mut state = req.planned_state;
        let name = state
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        resolve(&mut state, &name);
        let identity = req.identity.or_else(|| identity_of(&state));
        ApplyResponse {
            new_state: sparse(state),
            private: Vec::new(),
            identity,
        }
    }

    async fn import(&self, id: &str, _diags: &mut Diagnostics) -> Vec<ImportedResource> {
        imported(id, REGION, None)
    }

    async fn import_by_identity(
        &self,
        identity: Value,
        diags: &mut Diagnostics,
    ) -> Vec<ImportedResource> {
        let Some(name) = identity.get("name").and_then(Value::as_str) else {
            diags.attribute_error(
                tfplugin::AttributePath::attr("name"),
                "Missing name",
                "An identity import needs the thing's name.",
            );
            return Vec::new();
        };
        let region = identity
            .get("region")
            .and_then(Value::as_str)
            .unwrap_or(REGION);
        let parts = identity.get("parts").cloned().filter(|p| !p.is_null());
        imported(name, region, parts)
    }
}

pub fn imported(name: &str, region: &str, parts: Option<Value>) -> Vec<ImportedResource> {
    let mut m = BTreeMap::new();
    m.insert("id".to_string(), Value::string(format!("id-{name}")));
    m.insert("name".to_string(), Value::string(name));
    vec![ImportedResource {
        state: Value::Object(m),
        private: Vec::new(),
        identity: Some(identity(name, region, parts)),
    }]
}
