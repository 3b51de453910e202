//! The one evaluator of HCL expressions: locals, variable values and
//! defaults, `optional()` defaults, `-var` values, module arguments, `for`
//! expressions, templates and `dynamic` blocks all go through [`evaluate`].
//!
//! It never panics on arithmetic (division or modulo by zero, overflow and
//! results beyond the largest number are errors) and keeps to a [`Budget`]:
//! every expression node evaluated, every value node built or copied and
//! every 16 bytes of string cost one step; no value may grow past
//! [`Limits::value_nodes`] nodes or nest deeper than
//! [`Limits::value_depth`]. A configuration that asks for more is refused
//! with the limit's name, not evaluated until memory or time runs out.

use std::collections::BTreeMap;

use hcl::expr::{Expression, ForExpr, ObjectKey, TraversalOperator, UnaryOperator};
use hcl::{Map, Number, Value};

mod access;
mod arith;
mod budget;
mod funcs;
mod template;

use access::{get_attr, index, referring};
use arith::{binary, negate};

pub use budget::{group, Budget, Limits, LIMITS};
pub use funcs::EVALUATED;

/// Why an expression has no value.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// It depends on something known only after apply (another resource, a
    /// data source, an unknown variable or local) or on a function the
    /// validator does not evaluate; the text says which.
    Unknown(String),
    /// `var.NAME` or `local.NAME` that is not declared (or not yet evaluated).
    Missing(String),
    /// The expression is wrong.
    Error(String),
    /// A limit of the [`Budget`] was reached.
    Limit(String),
}

type R<T> = Result<T, Failure>;

fn err<T>(msg: impl Into<String>) -> R<T> {
    Err(Failure::Error(msg.into()))
}

/// What an expression may refer to.
pub struct Env<'a> {
    pub vars: &'a Map<String, Value>,
    pub locals: &'a Map<String, Value>,
    /// Names of variables and locals not known before apply, with why.
    pub unknown: &'a BTreeMap<String, String>,
    /// Iterator variables of enclosing `dynamic` blocks.
    pub iters: &'a [(String, Value)],
    /// The `aws_*` resources of the module the validator reads, by type then
    /// name (then instance key), with their known attributes: a reference
    /// to one (`aws_lambda_function.api.function_name`) is its value when
    /// known, else known only after apply.
    pub resources: &'a Map<String, Value>,
    pub budget: &'a Budget,
}

/// A value with its node count and nesting depth.
struct V {
    v: Value,
    nodes: u64,
    depth: u32,
}

fn string_nodes(s: &str) -> u64 {
    1 + s.len() as u64 / 16
}

/// Evaluates `expr`. The evaluation is guarded: should the evaluator itself
/// panic (a bug), the panic becomes an error, never an abort.
pub fn evaluate(expr: &Expression, env: &Env) -> R<Value> {
    crate::guard::quietly(|| {
        let mut ev = Evaluator {
            env,
            bound: Vec::new(),
        };
        ev.expr(expr).map(|v| v.v)
    })
    .unwrap_or_else(|msg| err(format!("internal error while evaluating: {msg}")))
}

/// Evaluates `expr` with no variables in scope (variable values and defaults).
pub fn evaluate_literal(expr: &Expression, budget: &Budget) -> R<Value> {
    let empty = Map::new();
    let none = BTreeMap::new();
    let env = Env {
        vars: &empty,
        locals: &empty,
        unknown: &none,
        iters: &[],
        resources: &empty,
        budget,
    };
    evaluate(expr, &env)
}

struct Evaluator<'e, 'a> {
    env: &'e Env<'a>,
    /// Variables of the enclosing `for` expressions and directives.
    bound: Vec<(String, Value)>,
}

impl Evaluator<'_, '_> {
    fn step(&self) -> R<()> {
        self.env.budget.charge(1)
    }

    /// A copy of a value already built, charged by its size.
    fn copy(&self, v: &Value) -> R<V> {
        let limits = &self.env.budget.limits;
        let (nodes, depth) = measure(v, limits.value_nodes.saturating_add(1));
        self.env.budget.charge(nodes)?;
        self.check(nodes, depth)?;
        Ok(V {
            v: v.clone(),
            nodes,
            depth,
        })
    }

    fn check(&self, nodes: u64, depth: u32) -> R<()> {
        let limits = &self.env.budget.limits;
        if nodes > limits.value_nodes {
            return Err(Failure::Limit(format!(
                "value size limit reached: a value of more than {} elements (strings count one per 16 bytes)",
                group(limits.value_nodes)
            )));
        }
        if depth > limits.value_depth {
            return Err(Failure::Limit(format!(
                "value nesting limit reached: a value nested more than {} levels deep",
                limits.value_depth
            )));
        }
        Ok(())
    }

    fn leaf(&self, v: Value) -> R<V> {
        let nodes = match &v {
            Value::String(s) => string_nodes(s),
            _ => 1,
        };
        self.env.budget.charge(nodes)?;
        self.check(nodes, 1)?;
        Ok(V { v, nodes, depth: 1 })
    }

    fn expr(&mut self, e: &Expression) -> R<V> {
        self.step()?;
        match e {
            Expression::Null => self.leaf(Value::Null),
            Expression::Bool(b) => self.leaf(Value::Bool(*b)),
            Expression::Number(n) => self.leaf(Value::Number(*n)),
            Expression::String(s) => self.leaf(Value::String(s.clone())),
            Expression::Array(items) => {
                let mut out = Collector::new();
                for item in items {
                    let v = self.expr(item)?;
                    out.add(self, &v)?;
                    out.items.push(v.v);
                }
                out.array(self)
            }
            Expression::Object(obj) => {
                let mut out = Collector::new();
                let mut map = Map::new();
                for (k, ve) in obj.iter() {
                    let key = match k {
                        ObjectKey::Identifier(id) => id.as_str().to_string(),
                        ObjectKey::Expression(ke) => {
                            let kv = self.expr(ke)?;
                            key_string(kv.v)?
                        }
                        _ => {
                            return Err(Failure::Unknown(
                                "an object key the validator does not read".into(),
                            ))
                        }
                    };
                    let v = self.expr(ve)?;
                    out.add(self, &v)?;
                    out.add_key(self, &key)?;
                    map.insert(key, v.v);
                }
                out.object(self, map)
            }
            Expression::TemplateExpr(t) => self.template_expr(t),
            Expression::Variable(name) => self.variable(name.as_str()),
            Expression::Traversal(t) => {
                let mut ops: &[TraversalOperator] = &t.operators;
                let base = match (&t.expr, ops.first()) {
                    (Expression::Variable(root), Some(TraversalOperator::GetAttr(name)))
                        if (root.as_str() == "var" || root.as_str() == "local")
                            && !self.is_bound(root.as_str()) =>
                    {
                        let (v, used) = self.named(root.as_str(), name.as_str(), &ops[1..])?;
                        ops = &ops[1 + used..];
                        v
                    }
                    (Expression::Variable(root), Some(TraversalOperator::GetAttr(name)))
                        if self.env.resources.contains_key(root.as_str())
                            && !self.is_bound(root.as_str()) =>
                    {
                        let after_apply = || {
                            Failure::Unknown(format!(
                                "refers to {}.{}, known only after apply",
                                root.as_str(),
                                name.as_str()
                            ))
                        };
                        let found = match self.env.resources.get(root.as_str()) {
                            Some(Value::Object(m)) => m.get(name.as_str()),
                            _ => None,
                        };
                        let Some(found) = found else {
                            return Err(after_apply());
                        };
                        let v = self.copy(found)?;
                        // An attribute or instance it does not hold is not known yet.
                        return self.traverse(v, &ops[1..]).map_err(|e| match e {
                            Failure::Error(_) => after_apply(),
                            e => e,
                        });
                    }
                    _ => self.expr(&t.expr).map_err(|e| referring(e, t))?,
                };
                self.traverse(base, ops)
            }
            // The functions of `funcs`; any other is unknown.
            Expression::FuncCall(f) => self.call(f),
            Expression::Parenthesis(inner) => self.expr(inner),
            Expression::Conditional(c) => {
                let cond = self.expr(&c.cond_expr)?;
                if as_bool(&cond.v, "the condition")? {
                    self.expr(&c.true_expr)
                } else {
                    self.expr(&c.false_expr)
                }
            }
            Expression::Operation(op) => match op.as_ref() {
                hcl::expr::Operation::Unary(u) => {
                    let v = self.expr(&u.expr)?;
                    let out = match u.operator {
                        UnaryOperator::Not => Value::Bool(!as_bool(&v.v, "the operand of !")?),
                        UnaryOperator::Neg => negate(&v.v)?,
                    };
                    self.leaf(out)
                }
                hcl::expr::Operation::Binary(b) => {
                    let l = self.expr(&b.lhs_expr)?;
                    let r = self.expr(&b.rhs_expr)?;
                    let out = binary(b.operator, &l.v, &r.v)?;
                    self.leaf(out)
                }
            },
            Expression::ForExpr(f) => self.for_expr(f),
            // Expression is non-exhaustive; anything new is not evaluated.
            #[allow(unreachable_patterns)]
            _ => Err(Failure::Unknown(
                "an expression the validator does not evaluate".into(),
            )),
        }
    }

    fn is_bound(&self, name: &str) -> bool {
        self.bound.iter().any(|(n, _)| n == name) || self.env.iters.iter().any(|(n, _)| n == name)
    }

    fn variable(&mut self, name: &str) -> R<V> {
        if let Some((_, v)) = self.bound.iter().rev().find(|(n, _)| n == name) {
            return self.copy(v);
        }
        if let Some((_, v)) = self.env.iters.iter().rev().find(|(n, _)| n == name) {
            return self.copy(v);
        }
        match name {
            "var" => self.copy(&Value::Object(self.env.vars.clone())),
            "local" => self.copy(&Value::Object(self.env.locals.clone())),
            // Resources, data sources, count, each, path, module outputs...
            _ => Err(Failure::Unknown(format!(
                "refers to {name}, known only after apply"
            ))),
        }
    }

    /// `var.NAME` or `local.NAME`, followed by as many of the attribute and
    /// index steps in `ops` as can be taken without copying: only the part
    /// reached is copied (and charged). Returns it and the steps taken.
    fn named(&mut self, root: &str, name: &str, ops: &[TraversalOperator]) -> R<(V, usize)> {
        let env = self.env;
        let map = if root == "var" { env.vars } else { env.locals };
        let mut cur = match map.get(name) {
            Some(v) => v,
            None => match env.unknown.get(name) {
                // The reason it is unknown is the value's own.
                Some(why) => return Err(Failure::Unknown(why.clone())),
                None => return Err(Failure::Missing(name.to_string())),
            },
        };
        let mut used = 0;
        for op in ops {
            let next = match (op, cur) {
                (TraversalOperator::GetAttr(a), Value::Object(m)) => m.get(a.as_str()),
                (TraversalOperator::LegacyIndex(i), Value::Array(items)) => {
                    usize::try_from(*i).ok().and_then(|i| items.get(i))
                }
                (TraversalOperator::Index(e), Value::Object(m)) => match self.expr(e)?.v {
                    Value::String(k) => m.get(&k),
                    _ => None,
                },
                (TraversalOperator::Index(e), Value::Array(items)) => {
                    match self.expr(e)?.v.as_u64() {
                        Some(i) => usize::try_from(i).ok().and_then(|i| items.get(i)),
                        None => None,
                    }
                }
                _ => None,
            };
            // Anything else (a splat, a missing key) goes the long way, which
            // also says what is wrong.
            let Some(next) = next else { break };
            self.step()?;
            cur = next;
            used += 1;
        }
        Ok((self.copy(cur)?, used))
    }

    fn traverse(&mut self, mut cur: V, ops: &[TraversalOperator]) -> R<V> {
        let mut i = 0;
        while i < ops.len() {
            self.step()?;
            match &ops[i] {
                TraversalOperator::GetAttr(name) => cur = get_attr(cur, name.as_str())?,
                TraversalOperator::LegacyIndex(n) => {
                    cur = index(cur, &Value::Number(Number::from(*n)))?
                }
                TraversalOperator::Index(e) => {
                    let k = self.expr(e)?;
                    cur = index(cur, &k.v)?;
                }
                TraversalOperator::AttrSplat | TraversalOperator::FullSplat => {
                    // `.*` takes the attribute accesses that follow; `[*]` all the rest.
                    let full = matches!(ops[i], TraversalOperator::FullSplat);
                    let mut end = i + 1;
                    while end < ops.len()
                        && (full || matches!(ops[end], TraversalOperator::GetAttr(_)))
                    {
                        end += 1;
                    }
                    let rest = &ops[i + 1..end];
                    cur = match cur.v {
                        Value::Null => self.leaf(Value::Array(Vec::new()))?,
                        Value::Array(items) => {
                            let mut out = Collector::new();
                            for item in items {
                                let (nodes, depth) = measure(&item, u64::MAX);
                                let v = self.traverse(
                                    V {
                                        v: item,
                                        nodes,
                                        depth,
                                    },
                                    rest,
                                )?;
                                out.add(self, &v)?;
                                out.items.push(v.v);
                            }
                            out.array(self)?
                        }
                        other => {
                            let (nodes, depth) = measure(&other, u64::MAX);
                            let v = self.traverse(
                                V {
                                    v: other,
                                    nodes,
                                    depth,
                                },
                                rest,
                            )?;
                            let mut out = Collector::new();
                            out.add(self, &v)?;
                            out.items.push(v.v);
                            out.array(self)?
                        }
                    };
                    i = end;
                    continue;
                }
            }
            i += 1;
        }
        Ok(cur)
    }

    fn for_expr(&mut self, f: &ForExpr) -> R<V> {
        let coll = self.expr(&f.collection_expr)?;
        let pairs = pairs(coll.v, "a for expression")?;
        let mut out = Collector::new();
        let mut map: Map<String, Value> = Map::new();
        for (k, v) in pairs {
            self.step()?;
            let mark = self.bound.len();
            if let Some(kv) = &f.key_var {
                self.bound.push((kv.as_str().to_string(), k));
            }
            self.bound.push((f.value_var.as_str().to_string(), v));
            let result = self.for_item(f, &mut out, &mut map);
            self.bound.truncate(mark);
            result?;
        }
        if f.key_expr.is_some() {
            out.object(self, map)
        } else {
            out.array(self)
        }
    }

    fn for_item(
        &mut self,
        f: &ForExpr,
        out: &mut Collector,
        map: &mut Map<String, Value>,
    ) -> R<()> {
        if let Some(c) = &f.cond_expr {
            let keep = self.expr(c)?;
            if !as_bool(&keep.v, "a for expression's if clause")? {
                return Ok(());
            }
        }
        let key = match &f.key_expr {
            Some(ke) => Some(key_string(self.expr(ke)?.v)?),
            None => None,
        };
        let v = self.expr(&f.value_expr)?;
        out.add(self, &v)?;
        match key {
            None => out.items.push(v.v),
            Some(key) => {
                if f.grouping {
                    match map.get_mut(&key) {
                        Some(Value::Array(group)) => group.push(v.v),
                        _ => {
                            out.add_key(self, &key)?;
                            map.insert(key, Value::Array(vec![v.v]));
                        }
                    }
                } else if map.contains_key(&key) {
                    return err(format!(
                        "a for expression produces the key \"{key}\" twice (use ... to group)"
                    ));
                } else {
                    out.add_key(self, &key)?;
                    map.insert(key, v.v);
                }
            }
        }
        Ok(())
    }
}

/// Builds a list or an object within the limits.
struct Collector {
    items: Vec<Value>,
    nodes: u64,
    depth: u32,
}

impl Collector {
    fn new() -> Collector {
        Collector {
            items: Vec::new(),
            nodes: 1,
            depth: 1,
        }
    }

    fn add(&mut self, ev: &Evaluator, v: &V) -> R<()> {
        self.nodes = self.nodes.saturating_add(v.nodes);
        self.depth = self.depth.max(v.depth + 1);
        ev.check(self.nodes, self.depth)
    }

    fn add_key(&mut self, ev: &Evaluator, key: &str) -> R<()> {
        ev.env.budget.charge(string_nodes(key))?;
        self.nodes = self.nodes.saturating_add(string_nodes(key));
        ev.check(self.nodes, self.depth)
    }

    fn array(self, ev: &Evaluator) -> R<V> {
        ev.step()?;
        Ok(V {
            v: Value::Array(self.items),
            nodes: self.nodes,
            depth: self.depth,
        })
    }

    fn object(self, ev: &Evaluator, map: Map<String, Value>) -> R<V> {
        ev.step()?;
        Ok(V {
            v: Value::Object(map),
            nodes: self.nodes,
            depth: self.depth,
        })
    }
}

/// Node count (up to `cap`) and nesting depth of a value.
fn measure(v: &Value, cap: u64) -> (u64, u32) {
    fn walk(v: &Value, cap: u64, nodes: &mut u64, level: u32, depth: &mut u32) {
        if *nodes > cap {
            return;
        }
        *depth = (*depth).max(level);
        match v {
            Value::String(s) => *nodes += string_nodes(s),
            Value::Array(items) => {
                *nodes += 1;
                for i in items {
                    walk(i, cap, nodes, level + 1, depth);
                }
            }
            Value::Object(m) => {
                *nodes += 1;
                for (k, i) in m {
                    *nodes += string_nodes(k);
                    walk(i, cap, nodes, level + 1, depth);
                }
            }
            _ => *nodes += 1,
        }
    }
    let (mut nodes, mut depth) = (0, 0);
    walk(v, cap, &mut nodes, 1, &mut depth);
    (nodes, depth)
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

fn key_string(v: Value) -> R<String> {
    match v {
        Value::String(s) => Ok(s),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        other => err(format!(
            "an object key must be a string, got {}",
            kind(&other)
        )),
    }
}

fn as_bool(v: &Value, what: &str) -> R<bool> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s == "true" || s == "false" => Ok(s == "true"),
        other => err(format!("{what} must be a bool, got {}", kind(other))),
    }
}

fn pairs(v: Value, what: &str) -> R<Vec<(Value, Value)>> {
    match v {
        Value::Array(items) => Ok(items
            .into_iter()
            .enumerate()
            .map(|(i, v)| (Value::from(i as u64), v))
            .collect()),
        Value::Object(m) => Ok(m.into_iter().map(|(k, v)| (Value::String(k), v)).collect()),
        other => err(format!(
            "{what} needs a list, set or map, got {}",
            kind(&other)
        )),
    }
}

#[cfg(test)]
mod tests;
