//! HCL configurations: `.tf` files of a directory, their variables (from
//! `terraform.tfvars`, `*.auto.tfvars`, `-var-file`, `-var`, defaults),
//! simple locals, and module calls with a local `source`, followed with the
//! module's variables bound from the call's arguments.
//!
//! Values that depend on other resources, data sources or functions are
//! "known after apply": they become null and the rules skip them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use hcl::edit::expr::Expression as EditExpr;
use hcl::edit::structure::Structure;
use hcl::edit::Span;
use serde_json::Value as Json;

use crate::blocks::{block_tree, Found, Unevaluated};
use crate::error::InputError;
use crate::eval::{evaluate, evaluate_literal, Budget, Env, Failure};
use crate::input::{display_path, LoadOptions, LoadedProfile};
use crate::mapping::profile_from_tree;
pub(crate) use crate::source::SourceFile;
use crate::vars::{apply_type, root_values, Given};

pub use crate::guard::EVALUATING;

const RESOURCE_TYPE: &str = "smuppy_scaling_profile";

/// The evaluation scope of one module.
pub(crate) struct Scope<'b> {
    vars: hcl::Map<String, hcl::Value>,
    locals: hcl::Map<String, hcl::Value>,
    /// Names of variables and locals whose value is not known before
    /// apply, with why.
    unknown: BTreeMap<String, String>,
    /// The module's `aws_*` resources read ([`crate::eval::Env::resources`]).
    resources: hcl::Map<String, hcl::Value>,
    pub(crate) budget: &'b Budget,
}

/// Iterator variables of the `dynamic` blocks being expanded.
pub(crate) type Iters = Vec<(String, hcl::Value)>;

impl Scope<'_> {
    fn env<'a>(&'a self, iters: &'a [(String, hcl::Value)]) -> Env<'a> {
        Env {
            vars: &self.vars,
            locals: &self.locals,
            unknown: &self.unknown,
            iters,
            resources: &self.resources,
            budget: self.budget,
        }
    }
}

pub(crate) enum Eval {
    Known(hcl::Value),
    /// Not known before apply, or not evaluated; the text says why.
    Unknown(String),
}

/// An evaluation's outcome as the loader uses it: a value, unknown, or an
/// input error at `at`.
fn outcome(r: Result<hcl::Value, Failure>, at: &str) -> Result<Eval, InputError> {
    match r {
        Ok(v) => Ok(Eval::Known(v)),
        Err(Failure::Unknown(why)) => Ok(Eval::Unknown(why)),
        Err(Failure::Missing(k)) => Err(InputError::Eval {
            at: at.to_string(),
            reason: format!("reference to undeclared variable or local \"{k}\""),
        }),
        Err(Failure::Error(reason)) => Err(InputError::Eval {
            at: at.to_string(),
            reason,
        }),
        Err(Failure::Limit(reason)) => Err(InputError::Limit {
            at: at.to_string(),
            reason,
        }),
    }
}

pub(crate) fn eval(
    expr: &EditExpr,
    scope: &Scope,
    iters: &[(String, hcl::Value)],
    at: &str,
) -> Result<Eval, InputError> {
    let e: hcl::Expression = expr.clone().into();
    outcome(evaluate(&e, &scope.env(iters)), at)
}

/// A value that may not refer to anything: variable values and defaults.
pub(crate) fn literal(e: &hcl::Expression, budget: &Budget, at: &str) -> Result<Eval, InputError> {
    outcome(evaluate_literal(e, budget), at)
}

pub(crate) fn to_json(v: hcl::Value, at: &str) -> Result<Json, InputError> {
    serde_json::to_value(v).map_err(|e| InputError::Eval {
        at: at.to_string(),
        reason: e.to_string(),
    })
}

/// Loads the root module in `dir`.
pub fn load_dir(dir: &Path, opts: &LoadOptions) -> Result<Vec<LoadedProfile>, InputError> {
    load_dir_within(dir, opts, crate::eval::LIMITS)
}

/// Loads the root module in `dir` within other limits than the default.
pub fn load_dir_within(
    dir: &Path,
    opts: &LoadOptions,
    limits: crate::eval::Limits,
) -> Result<Vec<LoadedProfile>, InputError> {
    let mut files: Vec<PathBuf> = Vec::new();
    let mut tfvars: Vec<PathBuf> = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| InputError::Read {
        path: dir.to_path_buf(),
        reason: e.to_string(),
    })?;
    for entry in entries {
        let path = entry
            .map_err(|e| InputError::Read {
                path: dir.to_path_buf(),
                reason: e.to_string(),
            })?
            .path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        // Directories are passed over; any other file of these names is read
        // (and refused if it is not a regular file).
        if path.is_dir() {
            continue;
        }
        if name.ends_with(".tf") {
            files.push(path);
        } else if name.ends_with(".auto.tfvars") {
            tfvars.push(path);
        }
    }
    files.sort();
    tfvars.sort();
    let default_vars = dir.join("terraform.tfvars");
    if std::fs::symlink_metadata(&default_vars).is_ok() {
        tfvars.insert(0, default_vars);
    }
    let budget = Budget::new(limits);
    let given = root_values(&tfvars, opts, &budget)?;
    let out = load_root(&files, given, &display_path(dir), &budget)?;
    Ok(out)
}

/// Loads one `.tf` file as a module of its own.
pub fn load_file(file: &Path, opts: &LoadOptions) -> Result<Vec<LoadedProfile>, InputError> {
    let budget = Budget::default();
    let given = root_values(&[], opts, &budget)?;
    load_root(&[file.to_path_buf()], given, &display_path(file), &budget)
}

fn load_root(
    files: &[PathBuf],
    given: Given,
    what: &str,
    budget: &Budget,
) -> Result<Vec<LoadedProfile>, InputError> {
    if files.is_empty() {
        return Err(InputError::NoProfiles(format!("{what}: no .tf files")));
    }
    let mut out = Vec::new();
    let mut walk = Walk::default();
    let regions = load_module(files, given, "", 0, &mut walk, &mut out, budget)?;
    for r in &mut walk.aws {
        r.region = walk.aws_providers.region_of(&r.provider);
    }
    let traffic = out.first().map(|p| p.profile.traffic.clone());
    out.extend(crate::awsres::assemble(&walk.aws, traffic.as_ref())?);
    if out.is_empty() {
        let remote: Vec<String> = walk.remote.iter().map(|r| r.why.clone()).collect();
        return Err(InputError::NoProfiles(format!(
            "{what}: no {RESOURCE_TYPE} resource nor aws_* resource the validator reads found{}",
            if remote.is_empty() {
                String::new()
            } else {
                format!(" (not followed: {})", remote.join("; "))
            }
        )));
    }
    for p in &mut out {
        // A profile's Region is its provider configuration's.
        if p.profile.region.is_none() {
            p.profile.region = regions.get(&p.provider).cloned();
        }
        // What was not read may hold profiles that share the account.
        p.unevaluated.extend(walk.remote.iter().cloned());
    }
    Ok(out)
}

/// The walk through the module tree.
#[derive(Default)]
struct Walk {
    /// The module directories being loaded, to refuse cycles.
    visiting: Vec<PathBuf>,
    /// Module calls not followed (remote sources), with why.
    remote: Vec<Unevaluated>,
    /// The `aws_*` resources read, of every module.
    aws: Vec<crate::awsres::AwsResource>,
    /// The `aws` provider configurations, for the Region of each.
    aws_providers: crate::awsres::providers::AwsProviders,
}

/// Loads one module; returns the Region of each smuppy provider
/// configuration it declares (`smuppy`, `smuppy.west`), for the root.
fn load_module(
    files: &[PathBuf],
    given: Given,
    prefix: &str,
    depth: usize,
    walk: &mut Walk,
    out: &mut Vec<LoadedProfile>,
    budget: &Budget,
) -> Result<BTreeMap<String, String>, InputError> {
    let parsed: Vec<SourceFile> = files
        .iter()
        .map(|p| SourceFile::parse(p, budget))
        .collect::<Result<_, _>>()?;

    // Variables.
    let mut scope = Scope {
        vars: hcl::Map::new(),
        locals: hcl::Map::new(),
        unknown: given.unknown.clone(),
        resources: hcl::Map::new(),
        budget,
    };
    for f in &parsed {
        for b in f.body.get_blocks("variable") {
            let Some(name) = b.labels.first().map(|l| l.as_str().to_string()) else {
                continue;
            };
            let line = f.line(b.span());
            let declared = format!("declared at {}:{line}", f.name);
            let type_at = format!("{}:{line}: {prefix}var.{name}", f.name);
            let ty: Option<hcl::Expression> =
                b.body.get_attribute("type").map(|t| t.value.clone().into());
            let typed = |v: hcl::Value| match &ty {
                Some(t) if !v.is_null() => apply_type(t, v, budget, &type_at),
                _ => Ok(v),
            };
            if let Some(v) = given.known.get(&name) {
                let v = typed(v.clone())?;
                scope.vars.insert(name, v);
            } else if given.unknown.contains_key(&name) {
                continue;
            } else if let Some(d) = b.body.get_attribute("default") {
                let e: hcl::Expression = d.value.clone().into();
                let at = format!(
                    "{}:{}: {prefix}var.{name} default",
                    f.name,
                    f.line(d.span())
                );
                let v = match literal(&e, budget, &at)? {
                    Eval::Known(v) => v,
                    Eval::Unknown(_) => {
                        return Err(InputError::Eval {
                            at,
                            reason: "a variable default must be a literal".into(),
                        })
                    }
                };
                let v = typed(v)?;
                scope.vars.insert(name, v);
            } else {
                return Err(InputError::MissingVariable { name, declared });
            }
        }
    }

    // Locals, in as many passes as their references need.
    let mut pending: Vec<(String, &EditExpr, String)> = Vec::new();
    for f in &parsed {
        for b in f.body.get_blocks("locals") {
            for a in b.body.attributes() {
                pending.push((
                    a.key.as_str().to_string(),
                    &a.value,
                    format!("{}:{}", f.name, f.line(a.span())),
                ));
            }
        }
    }
    while !pending.is_empty() {
        let names: BTreeSet<String> = pending.iter().map(|(n, _, _)| n.clone()).collect();
        let mut next = Vec::new();
        let before = pending.len();
        for (name, expr, at) in pending {
            let e: hcl::Expression = expr.clone().into();
            let r = evaluate(&e, &scope.env(&[]));
            match r {
                Err(Failure::Missing(k)) if names.contains(&k) && k != name => {
                    next.push((name, expr, at))
                }
                Err(Failure::Error(reason)) => {
                    return Err(InputError::Eval {
                        at,
                        reason: format!("{prefix}local.{name}: {reason}"),
                    })
                }
                r => match outcome(r, &format!("{at}: {prefix}local.{name}"))? {
                    Eval::Known(v) => {
                        scope.locals.insert(name, v);
                    }
                    Eval::Unknown(why) => {
                        scope.unknown.insert(name, why);
                    }
                },
            }
        }
        if next.len() == before {
            let names: Vec<_> = next.iter().map(|(n, _, _)| n.as_str()).collect();
            return Err(InputError::Eval {
                at: next
                    .first()
                    .map(|(_, _, at)| at.clone())
                    .unwrap_or_default(),
                reason: format!(
                    "locals refer to each other in a cycle: {}",
                    names.join(", ")
                ),
            });
        }
        pending = next;
    }

    // The aws_* resources first: the others may refer to them.
    let before = walk.aws.len();
    for f in &parsed {
        for s in f.body.iter() {
            let Structure::Block(b) = s else { continue };
            let labels: Vec<&str> = b.labels.iter().map(|l| l.as_str()).collect();
            if let ("resource", [ty, name]) = (b.ident.as_str(), labels.as_slice()) {
                if crate::awsres::TYPES.contains(ty) {
                    crate::awsres::hcl::read(b, ty, name, f, &scope, prefix, &mut walk.aws)?;
                }
            }
        }
    }
    scope.resources = crate::awsres::hcl::known(&walk.aws[before..], prefix);

    // Resources, module calls and the provider's regions.
    let mut regions = BTreeMap::new();
    for f in &parsed {
        for s in f.body.iter() {
            let Structure::Block(b) = s else { continue };
            let labels: Vec<&str> = b.labels.iter().map(|l| l.as_str()).collect();
            match (b.ident.as_str(), labels.as_slice()) {
                ("resource", [ty, name]) if *ty == RESOURCE_TYPE => {
                    let address = format!("{prefix}{RESOURCE_TYPE}.{name}");
                    let mut found = Found::default();
                    found.lines.insert(String::new(), f.line(b.span()));
                    let tree = block_tree(
                        &b.body,
                        f,
                        &scope,
                        &Vec::new(),
                        "",
                        &mut found,
                        &address,
                        true,
                    )?;
                    let Found {
                        mut lines,
                        unevaluated,
                    } = found;
                    let profile = profile_from_tree(&address, &tree, true)?;
                    let (first, last) = f.lines(b.span());
                    crate::locations::location_lines(&tree, &mut lines);
                    let mut ignores = crate::ignore::around_lines(|i| f.line_text(i), first, last);
                    let ack_line = lines
                        .get(scaling::acknowledge::ATTRIBUTE)
                        .copied()
                        .unwrap_or(first);
                    ignores.extend(
                        crate::mapping::acknowledgements(&address, &tree)?
                            .into_iter()
                            .map(|ack| crate::ignore::InlineIgnore {
                                line: ack_line,
                                ack,
                                from_attribute: true,
                            }),
                    );
                    out.push(LoadedProfile {
                        address,
                        file: Some(f.name.clone()),
                        lines,
                        keys: crate::locations::map_keys(&tree),
                        profile,
                        ignores,
                        provider: provider_of(b),
                        unevaluated,
                        aws: BTreeMap::new(),
                    });
                }
                ("provider", ["smuppy"]) if depth == 0 => {
                    let mut key = crate::input::DEFAULT_PROVIDER.to_string();
                    if let Some(a) = b.body.get_attribute("alias") {
                        let at = format!("{}:{}", f.name, f.line(a.span()));
                        if let Eval::Known(hcl::Value::String(alias)) =
                            eval(&a.value, &scope, &[], &at)?
                        {
                            key = format!("{key}.{alias}");
                        }
                    }
                    if let Some(a) = b.body.get_attribute("region") {
                        let at = format!("{}:{}", f.name, f.line(a.span()));
                        if let Eval::Known(hcl::Value::String(r)) =
                            eval(&a.value, &scope, &[], &at)?
                        {
                            regions.insert(key, r);
                        }
                    }
                }
                ("provider", ["aws"]) => walk.aws_providers.declare(b, f, &scope, prefix)?,
                ("module", [name]) => {
                    module_call(b, name, f, &scope, files, prefix, depth, walk, out)?;
                }
                _ => {}
            }
        }
    }
    Ok(regions)
}

/// The resource's `provider` meta-argument as written (`smuppy.west`), or
/// the default configuration.
fn provider_of(b: &hcl::edit::structure::Block) -> String {
    b.body
        .get_attribute("provider")
        .map(|a| a.value.to_string().trim().to_string())
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| crate::input::DEFAULT_PROVIDER.to_string())
}

#[allow(clippy::too_many_arguments)]
fn module_call(
    b: &hcl::edit::structure::Block,
    name: &str,
    f: &SourceFile,
    scope: &Scope,
    files: &[PathBuf],
    prefix: &str,
    depth: usize,
    walk: &mut Walk,
    out: &mut Vec<LoadedProfile>,
) -> Result<(), InputError> {
    let at = format!("{}:{}: {prefix}module.{name}", f.name, f.line(b.span()));
    let Some(src) = b.body.get_attribute("source") else {
        return Err(InputError::Eval {
            at,
            reason: format!("module \"{name}\" has no source"),
        });
    };
    let source = match eval(&src.value, scope, &[], &at)? {
        Eval::Known(hcl::Value::String(s)) => s,
        _ => {
            return Err(InputError::Eval {
                at,
                reason: format!("module \"{name}\": source must be a literal string"),
            })
        }
    };
    if !(source.starts_with("./") || source.starts_with("../")) {
        // Registry and remote modules are not followed; each is named.
        walk.remote.push(Unevaluated {
            path: String::new(),
            why: format!(
                "{prefix}module.{name} (source \"{source}\") is a remote module, not read: the {RESOURCE_TYPE} resources in it are not checked, nor counted with this one"
            ),
        });
        return Ok(());
    }
    let budget = scope.budget;
    let max_depth = budget.limits.module_depth;
    if depth + 1 > max_depth {
        return Err(InputError::Limit {
            at,
            reason: format!("module limit reached: modules nest deeper than {max_depth} levels"),
        });
    }
    budget
        .module_instance()
        .map_err(|reason| InputError::Limit {
            at: at.clone(),
            reason,
        })?;
    let base = files
        .first()
        .and_then(|p| p.parent())
        .unwrap_or(Path::new("."));
    let dir = base.join(&source);
    let canonical = dir.canonicalize().map_err(|e| InputError::Read {
        path: dir.clone(),
        reason: e.to_string(),
    })?;
    if walk.visiting.contains(&canonical) {
        return Err(InputError::Eval {
            at,
            reason: format!("module \"{name}\" calls itself (directly or not)"),
        });
    }
    let mut given = Given::default();
    for a in b.body.attributes() {
        let key = a.key.as_str();
        if [
            "source",
            "version",
            "count",
            "for_each",
            "providers",
            "depends_on",
        ]
        .contains(&key)
        {
            continue;
        }
        let at = format!(
            "{}:{}: {prefix}module.{name}.{key}",
            f.name,
            f.line(a.span())
        );
        match eval(&a.value, scope, &[], &at)? {
            Eval::Known(v) => {
                given.known.insert(key.to_string(), v);
            }
            Eval::Unknown(why) => {
                given.unknown.insert(key.to_string(), why);
            }
        }
    }
    let mut child_files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| InputError::Read {
            path: dir.clone(),
            reason: e.to_string(),
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| !p.is_dir() && p.extension().map(|e| e == "tf").unwrap_or(false))
        .collect();
    child_files.sort();
    if child_files.is_empty() {
        return Err(InputError::Read {
            path: dir,
            reason: format!("module \"{name}\" has no .tf files"),
        });
    }
    walk.visiting.push(canonical);
    let child_prefix = format!("{prefix}module.{name}.");
    walk.aws_providers.pass(b, prefix, &child_prefix);
    load_module(
        &child_files,
        given,
        &child_prefix,
        depth + 1,
        walk,
        out,
        budget,
    )?;
    walk.visiting.pop();
    Ok(())
}
