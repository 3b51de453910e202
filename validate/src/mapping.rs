//! Attribute tree → `Profile`. The tree is what both inputs produce: HCL
//! blocks and `terraform show -json` values, with nested blocks as lists of
//! objects and `null` for unset or unknown values. Names are the provider's
//! schema names.

use serde_json::{Map, Value};

use scaling::model::{self, Check, Described, FieldInfo, Kind, Mode, Source, Val};
use scaling::Profile;

use crate::error::InputError;

/// Placeholder for a required name that is not known yet.
pub const UNKNOWN: &str = "(known after apply)";

/// Attributes the provider computes; present in plans, never set by users.
const COMPUTED_OK: &[&str] = &[
    model::names::ID,
    "capacity",
    "estimated_monthly_cost_usd",
    "findings",
    "timeouts",
];

/// Whole numbers are read exactly up to 2^53 - 1 (what a float holds);
/// every limit the rules check is far below.
const MAX_WHOLE: f64 = 9_007_199_254_740_991.0;

/// A whole number, or what is wrong with it.
fn whole(v: f64) -> Result<i64, String> {
    if !v.is_finite() {
        return Err("the number is too large (the largest number is about 1.8e308)".into());
    }
    if v.fract() != 0.0 {
        return Err(format!("expected a whole number, got {v}"));
    }
    if v.abs() > MAX_WHOLE {
        let side = if v > 0.0 { "large" } else { "small" };
        return Err(format!(
            "the number {v} is too {side}: out of range (whole numbers from -{MAX_WHOLE} to {MAX_WHOLE})"
        ));
    }
    Ok(v as i64)
}

/// A nested block: its path (`lambda[0]`) and its attributes.
type Nested<'a> = (String, &'a Map<String, Value>);

struct Obj<'a> {
    map: &'a Map<String, Value>,
    at: String,
    strict: bool,
}

impl<'a> Obj<'a> {
    fn new(
        map: &'a Map<String, Value>,
        at: String,
        strict: bool,
        allowed: &[&str],
    ) -> Result<Self, InputError> {
        for k in map.keys() {
            let known = allowed.contains(&k.as_str()) || COMPUTED_OK.contains(&k.as_str());
            if strict && !known {
                return Err(InputError::schema(
                    &at,
                    format!(
                        "unsupported argument or block \"{k}\" (expected one of: {})",
                        allowed.join(", ")
                    ),
                ));
            }
        }
        Ok(Obj { map, at, strict })
    }

    fn here(&self, key: &str) -> String {
        format!("{}.{key}", self.at)
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        match self.map.get(key) {
            None | Some(Value::Null) => None,
            Some(v) => Some(v),
        }
    }

    fn num(&self, key: &str) -> Result<Option<f64>, InputError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_f64()
                .map(Some)
                .ok_or_else(|| InputError::schema(self.here(key), "number out of range")),
            Some(Value::String(s)) => match s.trim().parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(Some(v)),
                Ok(_) => Err(InputError::schema(
                    self.here(key),
                    format!("the number {s} is too large (the largest number is about 1.8e308)"),
                )),
                Err(_) => Err(InputError::schema(
                    self.here(key),
                    format!("expected a number, got \"{s}\""),
                )),
            },
            Some(other) => Err(InputError::schema(
                self.here(key),
                format!("expected a number, got {}", kind(other)),
            )),
        }
    }

    fn int(&self, key: &str) -> Result<Option<i64>, InputError> {
        match self.num(key)? {
            None => Ok(None),
            Some(v) => whole(v)
                .map(Some)
                .map_err(|m| InputError::schema(self.here(key), m)),
        }
    }

    fn bool(&self, key: &str) -> Result<Option<bool>, InputError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) if s == "true" || s == "false" => Ok(Some(s == "true")),
            Some(other) => Err(InputError::schema(
                self.here(key),
                format!("expected a bool, got {}", kind(other)),
            )),
        }
    }

    fn str(&self, key: &str) -> Result<Option<String>, InputError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(Value::Bool(b)) => Ok(Some(b.to_string())),
            Some(other) => Err(InputError::schema(
                self.here(key),
                format!("expected a string, got {}", kind(other)),
            )),
        }
    }

    fn strings(&self, key: &str) -> Result<Vec<String>, InputError> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .filter(|(_, v)| !v.is_null())
                .map(|(i, v)| match v {
                    Value::String(s) => Ok(s.clone()),
                    other => Err(InputError::schema(
                        format!("{}[{i}]", self.here(key)),
                        format!("expected a string, got {}", kind(other)),
                    )),
                })
                .collect(),
            Some(other) => Err(InputError::schema(
                self.here(key),
                format!("expected a list of strings, got {}", kind(other)),
            )),
        }
    }

    fn ints(&self, key: &str) -> Result<Vec<i64>, InputError> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let at = || format!("{}[{i}]", self.here(key));
                    v.as_f64()
                        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
                        .ok_or_else(|| InputError::schema(at(), "expected a whole number"))
                        .and_then(|f| whole(f).map_err(|m| InputError::schema(at(), m)))
                })
                .collect(),
            Some(other) => Err(InputError::schema(
                self.here(key),
                format!("expected a list of numbers, got {}", kind(other)),
            )),
        }
    }

    /// A nested block: a list of objects (or a single object).
    fn blocks(&self, key: &str) -> Result<Vec<Nested<'a>>, InputError> {
        let items: Vec<&Value> = match self.get(key) {
            None => return Ok(Vec::new()),
            Some(Value::Array(items)) => items.iter().collect(),
            Some(v @ Value::Object(_)) => vec![v],
            Some(other) => {
                return Err(InputError::schema(
                    self.here(key),
                    format!("expected a block, got {}", kind(other)),
                ))
            }
        };
        items
            .into_iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::Object(m) => Ok((format!("{}[{i}]", self.here(key)), m)),
                other => Err(InputError::schema(
                    format!("{}[{i}]", self.here(key)),
                    format!("expected a block, got {}", kind(other)),
                )),
            })
            .collect()
    }

    fn single(&self, key: &str) -> Result<Option<Nested<'a>>, InputError> {
        if let Some(Value::Object(m)) = self.get(key) {
            return Ok(Some((self.here(key), m)));
        }
        let mut b = self.blocks(key)?;
        if b.len() > 1 {
            return Err(InputError::schema(
                self.here(key),
                format!("at most one \"{key}\" block is allowed, found {}", b.len()),
            ));
        }
        Ok(b.pop())
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// What the resource has beside the model: how long operations wait.
const PROVIDER_ONLY: &[&str] = &["timeouts", scaling::acknowledge::ATTRIBUTE];

impl<'a> Obj<'a> {
    /// What the configuration says for one model attribute, checked as the
    /// provider checks it at validate time: allowed values always, what AWS
    /// accepts as ids, names and codes ([`scaling::ids`]) in configuration
    /// (`strict`).
    fn model_value(&self, f: &FieldInfo) -> Result<Val, InputError> {
        let key = f.name;
        let v = match f.kind {
            Kind::String => self.str(key)?.map_or(Val::Null, Val::Str),
            Kind::Int => self.int(key)?.map_or(Val::Null, Val::Int),
            Kind::Number => self.num(key)?.map_or(Val::Null, Val::Num),
            Kind::Bool => self.bool(key)?.map_or(Val::Null, Val::Bool),
            Kind::Strings => Val::Strs(self.strings(key)?),
            Kind::Ints => Val::Ints(self.ints(key)?),
        };
        if f.mode == Mode::Required {
            if self.strict && !self.map.contains_key(key) {
                return Err(InputError::schema(
                    &self.at,
                    format!("missing required argument \"{key}\""),
                ));
            }
            if v.is_null() && f.kind == Kind::String {
                return Ok(Val::Str(UNKNOWN.to_string()));
            }
        }
        // Allowed values are checked wherever a value is known: in an aws_*
        // stack too, where hashicorp/aws resources hold them. Ids only in
        // configuration: an aws_* stack names a resource not yet created
        // by its address.
        if let Val::Str(s) = &v {
            match f.check {
                Check::OneOf(allowed) if !allowed.contains(&s.as_str()) && s != UNKNOWN => {
                    return Err(InputError::schema(
                        self.here(key),
                        format!(
                            "must be one of {}, got \"{s}\"",
                            allowed
                                .iter()
                                .map(|a| format!("\"{a}\""))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ))
                }
                Check::Id(rule, summary) if self.strict => {
                    if let Err(detail) = rule(s) {
                        return Err(InputError::schema(
                            self.here(key),
                            format!("{summary}: {detail}"),
                        ));
                    }
                }
                _ => {}
            }
        }
        Ok(v)
    }

    fn child(&self, (at, map): Nested<'a>, block: &dyn Described) -> Result<Self, InputError> {
        Obj::new(map, at, self.strict, &block.names())
    }
}

impl Source for Obj<'_> {
    type Error = InputError;

    fn value(&self, field: &FieldInfo) -> Result<Val, InputError> {
        self.model_value(field)
    }

    fn single(&self, block: &dyn Described) -> Result<Option<Self>, InputError> {
        self.single(block.name())?
            .map(|n| self.child(n, block))
            .transpose()
    }

    fn entries(&self, block: &dyn Described) -> Result<Vec<Self>, InputError> {
        let key = block.name();
        let entries: Vec<Nested<'_>> = match self.get(key) {
            None => Vec::new(),
            // A map of objects, keyed by a name the user chooses, in key
            // order (serde_json's maps are sorted).
            Some(Value::Object(m)) => {
                let mut sorted: Vec<(&String, &Value)> = m.iter().collect();
                sorted.sort_by(|a, b| a.0.cmp(b.0));
                sorted
                    .into_iter()
                    .map(|(k, v)| {
                        let at = format!("{}[{k:?}]", self.here(key));
                        match v {
                            Value::Object(o) => Ok((at, o)),
                            other => Err(InputError::schema(
                                at,
                                format!("expected an object, got {}", kind(other)),
                            )),
                        }
                    })
                    .collect::<Result<_, _>>()?
            }
            Some(other) => {
                return Err(InputError::schema(
                    self.here(key),
                    format!("expected a map of objects, got {}", kind(other)),
                ))
            }
        };
        entries.into_iter().map(|n| self.child(n, block)).collect()
    }
}

/// Maps one resource's attribute tree. `address` names it in errors;
/// `strict` (configuration) rejects unknown arguments and missing required
/// ones, and values AWS or the provider would refuse.
pub fn profile_from_tree(
    address: &str,
    tree: &Map<String, Value>,
    strict: bool,
) -> Result<Profile, InputError> {
    let mut allowed = model::RESOURCE.names();
    allowed.extend_from_slice(PROVIDER_ONLY);
    let root = Obj::new(tree, address.to_string(), strict, &allowed)?;
    model::read_profile(&root, None)
}

/// The resource's `acknowledge` entries, rule id to reason, as the provider
/// reads them at plan time; entries not known yet acknowledge nothing.
pub fn acknowledgements(
    address: &str,
    tree: &Map<String, Value>,
) -> Result<Vec<scaling::Acknowledgement>, InputError> {
    let key = scaling::acknowledge::ATTRIBUTE;
    match tree.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Object(m)) => {
            let mut out = Vec::new();
            for (id, reason) in m {
                match reason {
                    Value::String(r) if r != UNKNOWN => {
                        out.push(scaling::Acknowledgement::new(id, r))
                    }
                    Value::String(_) => {}
                    Value::Null => out.push(scaling::Acknowledgement::new(id, "")),
                    other => {
                        return Err(InputError::schema(
                            address,
                            format!(
                                "{key}[{id:?}] must be a string (the reason), not {}",
                                kind(other)
                            ),
                        ))
                    }
                }
            }
            Ok(out)
        }
        Some(Value::String(s)) if s == UNKNOWN => Ok(Vec::new()),
        Some(other) => Err(InputError::schema(
            address,
            format!(
                "{key} must be a map of rule id to reason, not {}",
                kind(other)
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    #[test]
    fn maps_objects_and_keyed_maps() {
        let t = tree(serde_json::json!({
            "name": "x",
            "traffic": {"peak_rps": 1000, "latency_ms": "55"},
            "lambda_pools": {"web": {"function_name": "b"}, "api": {"function_name": "a", "reserved_concurrency": 10}},
            "dynamodb_tables": {"feeds": {"table_name": "tbl", "billing_mode": "PROVISIONED",
                          "autoscaling": {"read": {"min_capacity": 1, "max_capacity": 10}}}}
        }));
        let p = profile_from_tree("r", &t, true).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.traffic.latency_ms, Some(55.0));
        // In key order: api, web.
        let names: Vec<&str> = p.lambdas.iter().map(|l| l.function_name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(
            p.dynamodb[0]
                .read_autoscaling
                .as_ref()
                .and_then(|a| a.max_capacity),
            Some(10)
        );
    }

    #[test]
    fn rejects_unknown_arguments_and_bad_types() {
        let t = tree(
            serde_json::json!({"name": "x", "lambda_pools": {"api": {"function_name": "a", "memroy_size": 1}}}),
        );
        let e = profile_from_tree("r", &t, true)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            e.contains("r.lambda_pools[\"api\"]") && e.contains("memroy_size"),
            "{e}"
        );
        let t = tree(serde_json::json!({"name": "x", "traffic": {"peak_rps": "lots"}}));
        assert!(profile_from_tree("r", &t, true).is_err());
        let t = tree(serde_json::json!({"lambda_pools": {"a": {"function_name": "a"}}}));
        assert!(
            profile_from_tree("r", &t, true).is_err(),
            "name is required in configuration"
        );
        assert!(
            profile_from_tree("r", &t, false).is_ok(),
            "but may be unknown in a plan"
        );
    }
}
