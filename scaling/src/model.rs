//! The model of a profile's configuration: one table per block, the single
//! source of every attribute's name, kind, mode, default, description and
//! check, with typed accessors to the [`Profile`] structs.
//!
//! Both front ends derive from it: the provider its schema, the mapping of a
//! Terraform value to a [`Profile`], the planned defaults and the checks of
//! ValidateResourceConfig; `smuppy-validate` its mapping of HCL and plan
//! JSON. A front end reads values through a [`Source`] and [`read_profile`]
//! builds the profile, so which struct field an attribute fills, and the
//! value it takes when left out, is written here only.

use crate::ids;
use crate::profile::{BillingMode, Budget, Profile};

mod blank;
mod reported;
mod tables;
pub use reported::*;
pub use tables::*;

/// What an attribute holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    /// A number that must be whole (AWS `integer`/`long` shapes).
    Int,
    Number,
    Bool,
    Strings,
    /// A list of whole numbers.
    Ints,
}

/// Who sets an attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Required,
    Optional,
    /// Set by the provider only (ids, statuses AWS reports).
    Computed,
    /// Left out: the provider shows what AWS has; set: AWS converges on it.
    OptionalComputed,
}

impl Mode {
    pub fn settable(self) -> bool {
        self != Mode::Computed
    }
}

/// A default value, as the components send it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DefaultValue {
    Bool(bool),
    Int(i64),
    Number(f64),
    Str(&'static str),
    Ints(&'static [i64]),
}

impl DefaultValue {
    pub fn to_val(self) -> Val {
        match self {
            DefaultValue::Bool(b) => Val::Bool(b),
            DefaultValue::Int(i) => Val::Int(i),
            DefaultValue::Number(n) => Val::Num(n),
            DefaultValue::Str(s) => Val::Str(s.to_string()),
            DefaultValue::Ints(v) => Val::Ints(v.to_vec()),
        }
    }

    /// As the description shows it: `60`, `true`, `` `IPV4` ``, `` `[443]` ``.
    pub fn shown(self) -> String {
        match self {
            DefaultValue::Bool(b) => b.to_string(),
            DefaultValue::Int(i) => i.to_string(),
            DefaultValue::Number(n) => n.to_string(),
            DefaultValue::Str(s) => format!("`{s}`"),
            DefaultValue::Ints(v) => format!("`{v:?}`"),
        }
    }
}

/// Where a documented default takes effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultUse {
    /// The profile takes it when the attribute is left out; apply sends it.
    Mapped,
    /// As `Mapped`, and the plan shows it (an optional+computed setting AWS
    /// would not pick by itself): a different value on AWS is drift.
    Planned,
    /// The profile keeps "unset"; the traffic model assumes the value and
    /// says so (finding TRF001).
    Modelled,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Default {
    pub value: DefaultValue,
    pub used: DefaultUse,
}

/// What a configuration value must satisfy, checked before any plan.
#[derive(Debug, Clone, Copy)]
pub enum Check {
    None,
    /// A whole number in `[min, max]` (`max` None: an AWS `long`); `what`
    /// names it in the message, with its unit.
    Int {
        min: i64,
        max: Option<i64>,
        what: &'static str,
    },
    /// A number in `[min, max]`.
    Range {
        min: f64,
        max: Option<f64>,
        what: &'static str,
    },
    /// One of these strings.
    OneOf(&'static [&'static str]),
    /// An id, name or code AWS must accept ([`crate::ids`]), refused with
    /// this summary.
    Id(ids::Rule, &'static str),
}

/// A value read from, or written to, a configuration.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// Unset, or not known yet.
    Null,
    Str(String),
    Int(i64),
    Num(f64),
    Bool(bool),
    Strs(Vec<String>),
    Ints(Vec<i64>),
}

impl Val {
    pub fn is_null(&self) -> bool {
        matches!(self, Val::Null)
    }
    pub fn str(self) -> Option<String> {
        match self {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn int(self) -> Option<i64> {
        match self {
            Val::Int(i) => Some(i),
            Val::Num(n) if n.fract() == 0.0 && n.abs() < 9.007_199_254_740_992e15 => Some(n as i64),
            _ => None,
        }
    }
    pub fn num(self) -> Option<f64> {
        match self {
            Val::Num(n) => Some(n),
            Val::Int(i) => Some(i as f64),
            _ => None,
        }
    }
    pub fn bool(self) -> Option<bool> {
        match self {
            Val::Bool(b) => Some(b),
            _ => None,
        }
    }
    pub fn strs(self) -> Vec<String> {
        match self {
            Val::Strs(v) => v,
            _ => Vec::new(),
        }
    }
    pub fn ints(self) -> Vec<i64> {
        match self {
            Val::Ints(v) => v,
            _ => Vec::new(),
        }
    }
    pub fn opt_str(s: &Option<String>) -> Val {
        s.clone().map_or(Val::Null, Val::Str)
    }
    pub fn opt_int(i: Option<i64>) -> Val {
        i.map_or(Val::Null, Val::Int)
    }
    pub fn opt_num(n: Option<f64>) -> Val {
        n.map_or(Val::Null, Val::Num)
    }
    pub fn opt_bool(b: Option<bool>) -> Val {
        b.map_or(Val::Null, Val::Bool)
    }
}

/// When a plan shows a computed attribute (what only AWS reports) as known
/// after apply. A new element's are always unknown; these say when an
/// existing element's are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Renew {
    /// Never again: known from the create on (a DNS name).
    Never,
    /// The element's identity: it is created again, with a new one, when
    /// AWS no longer has it (deleted outside Terraform).
    WhenGone,
    /// When any settable attribute of the element changes (an ETag).
    AnySetting,
    /// When one of `names` changes, and of `published` too while the
    /// element's boolean `flag` is set (a Lambda pool that publishes a new
    /// version on a code setting's change).
    With {
        names: &'static [&'static str],
        flag: &'static str,
        published: &'static [&'static str],
    },
    /// Planned as this value: the apply makes it so (the dashboard's body
    /// is put back whenever it drifted).
    Planned(DefaultValue),
}

impl Renew {
    /// Renewed when one of `names` changes.
    pub const fn with(names: &'static [&'static str]) -> Renew {
        Renew::With {
            names,
            flag: "",
            published: &[],
        }
    }
}

/// Typed access to the struct field an attribute fills.
pub struct Access<T: 'static> {
    pub get: fn(&T) -> Val,
    pub set: fn(&mut T, Val),
}

/// One attribute of a block. `R` holds what only AWS reports of the
/// block's element ([`reported`]).
pub struct Field<T: 'static, R: 'static = ()> {
    pub name: &'static str,
    pub kind: Kind,
    pub mode: Mode,
    pub default: Option<Default>,
    /// Markdown. `{default}` stands for the default as shown; without it,
    /// a documented default is appended as "Default X.".
    pub text: &'static str,
    pub check: Check,
    /// For what only AWS reports: when a plan shows it as known after apply.
    pub renew: Renew,
    /// None for what only AWS reports (ids, statuses): state fills it.
    pub access: Option<Access<T>>,
    /// For what only AWS reports: the field of `R` it is read into.
    pub report: Option<Access<R>>,
}

/// The untyped description of an attribute, what a schema needs.
#[derive(Debug, Clone, Copy)]
pub struct FieldInfo {
    pub name: &'static str,
    pub kind: Kind,
    pub mode: Mode,
    pub default: Option<Default>,
    pub text: &'static str,
    pub check: Check,
    pub renew: Renew,
}

impl FieldInfo {
    /// The description, the default included.
    pub fn description(&self) -> String {
        match self.default {
            None => self.text.to_string(),
            Some(d) if self.text.contains("{default}") => {
                self.text.replace("{default}", &d.value.shown())
            }
            Some(d) => format!("{} Default {}.", self.text, d.value.shown()),
        }
    }

    /// The value the plan shows when the configuration leaves it out.
    pub fn planned_default(&self) -> Option<DefaultValue> {
        self.default
            .filter(|d| d.used == DefaultUse::Planned)
            .map(|d| d.value)
    }
}

impl<T, R> Field<T, R> {
    pub const fn info(&self) -> FieldInfo {
        FieldInfo {
            name: self.name,
            kind: self.kind,
            mode: self.mode,
            default: self.default,
            text: self.text,
            check: self.check,
            renew: self.renew,
        }
    }
}

/// How a block nests in its parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nesting {
    /// At most one.
    Single,
    /// Any number, keyed by a name the user chooses.
    Map,
}

/// A block of the profile: its attributes and nested blocks.
pub struct Block<T: 'static, R: 'static = ()> {
    pub name: &'static str,
    /// The name the rule engine's and the AWS side's [`crate::Location`]s
    /// give the block (its 0.x block name): `lambda[1].memory_size` is the
    /// second entry of `lambda_pools` in key order.
    pub location: &'static str,
    pub nesting: Nesting,
    pub text: &'static str,
    pub fields: &'static [Field<T, R>],
    pub blocks: &'static [&'static (dyn Described + Sync)],
}

/// What every block says of itself, whatever struct it fills.
pub trait Described {
    fn name(&self) -> &'static str;
    fn location(&self) -> &'static str;
    fn nesting(&self) -> Nesting;
    fn description(&self) -> &'static str;
    fn fields(&self) -> Vec<FieldInfo>;
    fn blocks(&self) -> &'static [&'static (dyn Described + Sync)];
    /// The names a configuration of this block may use.
    fn names(&self) -> Vec<&'static str> {
        let mut n: Vec<&'static str> = self
            .fields()
            .iter()
            .filter(|f| f.mode.settable())
            .map(|f| f.name)
            .collect();
        n.extend(self.blocks().iter().map(|b| b.name()));
        n
    }
    fn field(&self, name: &str) -> Option<FieldInfo> {
        self.fields().into_iter().find(|f| f.name == name)
    }
    fn block(&self, name: &str) -> Option<&'static (dyn Described + Sync)> {
        self.blocks().iter().copied().find(|b| b.name() == name)
    }
}

impl<T, R> Described for Block<T, R> {
    fn name(&self) -> &'static str {
        self.name
    }
    fn location(&self) -> &'static str {
        self.location
    }
    fn nesting(&self) -> Nesting {
        self.nesting
    }
    fn description(&self) -> &'static str {
        self.text
    }
    fn fields(&self) -> Vec<FieldInfo> {
        self.fields.iter().map(Field::info).collect()
    }
    fn blocks(&self) -> &'static [&'static (dyn Described + Sync)] {
        self.blocks
    }
}

/// A configuration to read a profile from: a Terraform value, an HCL body,
/// a plan's JSON. `Self` is one object (the resource or a nested block).
pub trait Source: Sized {
    type Error;
    /// The value of a settable attribute, Null when unset or unknown.
    fn value(&self, field: &FieldInfo) -> Result<Val, Self::Error>;
    /// The one object of a single block, if present.
    fn single(&self, block: &dyn Described) -> Result<Option<Self>, Self::Error>;
    /// The objects of a repeated block, in the order their keys sort.
    fn entries(&self, block: &dyn Described) -> Result<Vec<Self>, Self::Error>;
}

impl<T, R> Block<T, R> {
    /// Fills `target` from one object: each settable attribute's value, or
    /// its default when left out (modelled defaults stay unset).
    pub fn fill<S: Source>(&self, src: &S, target: &mut T) -> Result<(), S::Error> {
        for f in self.fields {
            let Some(access) = &f.access else { continue };
            let mut v = src.value(&f.info())?;
            if v.is_null() {
                if let Some(d) = f.default.filter(|d| d.used != DefaultUse::Modelled) {
                    v = d.value.to_val();
                }
            }
            (access.set)(target, v);
        }
        Ok(())
    }

    /// The attribute values of `target`, by name (what apply sends).
    pub fn values(&self, target: &T) -> Vec<(&'static str, Val)> {
        self.fields
            .iter()
            .filter_map(|f| f.access.as_ref().map(|a| (f.name, (a.get)(target))))
            .collect()
    }

    /// The struct one object describes (see [`Block::fill`]).
    pub fn read<S: Source>(&self, src: &S) -> Result<T, S::Error>
    where
        T: Blank,
    {
        let mut t = T::blank();
        self.fill(src, &mut t)?;
        Ok(t)
    }

    /// What only AWS reports, as one object (a state) holds it.
    pub fn reported<S: Source>(&self, src: &S) -> Result<R, S::Error>
    where
        R: std::default::Default,
    {
        let mut r = R::default();
        for f in self.fields {
            if let Some(report) = &f.report {
                (report.set)(&mut r, src.value(&f.info())?);
            }
        }
        Ok(r)
    }

    /// The values a refresh writes into one element's state: what only AWS
    /// reports (from `reported`), and, with `settings` (the settings AWS
    /// reports, as a profile struct), every setting AWS reports back: an
    /// optional+computed one always (unset reads as null, so drift shows),
    /// a required one when AWS names it (unset keeps the configured
    /// value), an optional one never (AWS does not hold it). An empty
    /// string reads as unset.
    pub fn observed(&self, settings: Option<&T>, reported: &R) -> Vec<(FieldInfo, Val)> {
        let mut out = Vec::new();
        for f in self.fields {
            let v = match (&f.report, &f.access, settings) {
                (Some(r), _, _) => (r.get)(reported),
                (None, Some(a), Some(t)) if f.mode != Mode::Optional => (a.get)(t),
                _ => continue,
            };
            let v = match v {
                Val::Str(s) if s.is_empty() => Val::Null,
                v => v,
            };
            if f.mode == Mode::Required && v.is_null() {
                continue;
            }
            out.push((f.info(), v));
        }
        out
    }
}

fn read_one<T: Blank, R, S: Source>(block: &Block<T, R>, src: &S) -> Result<T, S::Error> {
    block.read(src)
}

/// A struct with nothing set, what a block fills (`model/blank.rs`).
pub trait Blank {
    fn blank() -> Self;
}

/// Builds the profile a configuration describes. `region` is the provider's.
pub fn read_profile<S: Source>(root: &S, region: Option<&str>) -> Result<Profile, S::Error> {
    let mut p = Profile {
        region: region.map(str::to_string),
        ..Profile::default()
    };
    RESOURCE.fill(root, &mut p)?;
    if let Some(t) = root.single(&TRAFFIC)? {
        TRAFFIC.fill(&t, &mut p.traffic)?;
    }
    for q in root.entries(&QUOTA)? {
        p.quota_requests.push(read_one(&QUOTA, &q)?);
    }
    if let Some(a) = root.single(&API_GATEWAY)? {
        p.api_gateway = Some(read_one(&API_GATEWAY, &a)?);
    }
    for l in root.entries(&LAMBDA)? {
        p.lambdas.push(read_one(&LAMBDA, &l)?);
    }
    for d in root.entries(&DYNAMODB)? {
        let mut t = read_one(&DYNAMODB, &d)?;
        if let Some(a) = d.single(&AUTOSCALING)? {
            if let Some(r) = a.single(&SCALING_READ)? {
                t.read_autoscaling = Some(read_one(&SCALING_READ, &r)?);
            }
            if let Some(w) = a.single(&SCALING_WRITE)? {
                t.write_autoscaling = Some(read_one(&SCALING_WRITE, &w)?);
            }
        }
        p.dynamodb.push(t);
    }
    if let Some(c) = root.single(&CACHE_POLICY)? {
        p.cache_policy = Some(read_one(&CACHE_POLICY, &c)?);
    }
    if let Some(d) = root.single(&DASHBOARD)? {
        let d = read_one(&DASHBOARD, &d)?;
        p.dashboard = (!d.name.is_empty()).then_some(d);
    }
    if let Some(g) = root.single(&ACCELERATOR)? {
        let mut g = read_one(&ACCELERATOR, &g)?;
        if g.endpoint_group_region.is_none() {
            g.endpoint_group_region = p.region.clone();
        }
        p.global_accelerator = Some(g);
    }
    if let Some(b) = root.single(&BUDGET)? {
        let mut budget = Budget {
            monthly_usd: f64::NAN,
            enforce: false,
        };
        BUDGET.fill(&b, &mut budget)?;
        p.budget = (!budget.monthly_usd.is_nan()).then_some(budget);
    }
    Ok(p)
}

/// Billing mode from its AWS spelling (an unknown one reads as unset; the
/// check refuses it).
fn billing(v: Val) -> Option<BillingMode> {
    v.str().as_deref().and_then(BillingMode::parse)
}

/// Every block of the resource, the resource itself first, then depth first.
pub fn all_blocks() -> Vec<(String, &'static (dyn Described + Sync))> {
    fn walk(
        prefix: &str,
        b: &'static (dyn Described + Sync),
        out: &mut Vec<(String, &'static (dyn Described + Sync))>,
    ) {
        for c in b.blocks() {
            let path = format!("{prefix}{}", c.name());
            out.push((path.clone(), *c));
            walk(&format!("{path}."), *c, out);
        }
    }
    let mut out: Vec<(String, &'static (dyn Described + Sync))> = vec![(String::new(), &RESOURCE)];
    walk("", &RESOURCE, &mut out);
    out
}

#[cfg(test)]
mod tests;
