//! `.smuppy-validate.hcl`: a team's settings beside its configuration.
//!
//! ```hcl
//! fail_on       = "error"              # error | warning | never
//! prices        = "prices.json"        # relative to this file
//! baseline      = "smuppy-baseline.json"
//! rules_doc_uri = "https://example.com/smuppy/docs/rules.md"
//! early_warning_percent = 75           # CAP013 from this share of a limit; 100 = off
//!
//! traffic {                            # defaults for traffic values a profile leaves unset
//!   peak_rps        = 2000               # the target of aws_* stacks
//!   latency_ms      = 80
//!   cache_hit_ratio = 0.5
//! }
//!
//! rule "CAP012" { enabled = false }
//! rule "SEC001" { severity = "error" }
//!
//! ignore "CAP004" {
//!   reason   = "stage quota increase approved, ticket OPS-42"
//!   resource = "module.api.smuppy_scaling_profile.main"    # optional
//! }
//! ```
//!
//! Found in the directory analysed, else in its parents up to the
//! repository root (the first directory holding `.git`); `--config FILE`
//! names one, `--no-config` reads none. Every value is a literal. Errors
//! name the file, the line and the key.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hcl::edit::structure::{Attribute, Body, Structure};
use hcl::edit::Span;

use scaling::model::{self, Field, Kind, Val};
use scaling::{Acknowledgement, Severity, Traffic};

use crate::error::InputError;
use crate::input::{display_path, read_capped};

/// The file name looked for.
pub const FILE_NAME: &str = ".smuppy-validate.hcl";

/// Largest config file read.
const MAX_BYTES: u64 = 1 << 20;

/// What `--fail-on` decides: the lowest severity that fails the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Never,
}

impl FailOn {
    /// Whether a finding of `s` fails the run.
    pub fn fails(self, s: Severity) -> bool {
        match self {
            FailOn::Error => s == Severity::Error,
            FailOn::Warning => s <= Severity::Warning,
            FailOn::Never => false,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FailOn::Error => "error",
            FailOn::Warning => "warning",
            FailOn::Never => "never",
        }
    }
}

/// A rule's settings: off, or another severity.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RulePolicy {
    pub enabled: bool,
    pub severity: Option<Severity>,
}

/// The file's settings; paths are resolved against its directory.
#[derive(Debug, Clone, Default)]
pub struct FileConfig {
    pub path: PathBuf,
    pub fail_on: Option<FailOn>,
    pub prices: Option<PathBuf>,
    pub baseline: Option<PathBuf>,
    pub rules_doc_uri: Option<String>,
    /// `CAP013` warns from this share of a limit, in percent.
    pub early_warning_percent: Option<f64>,
    pub traffic: Traffic,
    pub rules: BTreeMap<String, RulePolicy>,
    pub ignores: Vec<Acknowledgement>,
}

/// The config file that applies to `analysed` (a directory or a file), if any.
pub fn find(analysed: &Path) -> Option<PathBuf> {
    let start = if analysed.is_dir() {
        analysed.to_path_buf()
    } else {
        analysed
            .parent()
            .map(|p| {
                if p.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    p.to_path_buf()
                }
            })
            .unwrap_or_else(|| PathBuf::from("."))
    };
    let start = std::fs::canonicalize(&start).unwrap_or(start);
    let dirs: Vec<&Path> = start.ancestors().collect();
    // Parents count only inside a repository: up to the first `.git`.
    let last = dirs
        .iter()
        .position(|d| d.join(".git").exists())
        .unwrap_or(0);
    dirs[..=last]
        .iter()
        .map(|d| d.join(FILE_NAME))
        .find(|f| f.is_file())
}

struct Ctx<'a> {
    file: String,
    dir: &'a Path,
    breaks: Vec<usize>,
}

impl Ctx<'_> {
    fn line(&self, span: Option<std::ops::Range<usize>>) -> usize {
        let at = span.map(|s| s.start).unwrap_or(0);
        self.breaks.partition_point(|b| *b < at) + 1
    }

    fn err(&self, line: usize, key: &str, reason: impl Into<String>) -> InputError {
        InputError::Config {
            file: self.file.clone(),
            line,
            key: key.to_string(),
            reason: reason.into(),
        }
    }

    fn value(&self, a: &Attribute, key: &str) -> Result<hcl::Value, InputError> {
        let e: hcl::Expression = a.value.clone().into();
        match e {
            hcl::Expression::Null => Ok(hcl::Value::Null),
            hcl::Expression::Bool(b) => Ok(hcl::Value::Bool(b)),
            hcl::Expression::Number(n) => Ok(hcl::Value::Number(n)),
            hcl::Expression::String(s) => Ok(hcl::Value::String(s)),
            _ => Err(self.err(self.line(a.span()), key, "must be a literal value")),
        }
    }

    fn string(&self, a: &Attribute, key: &str) -> Result<String, InputError> {
        match self.value(a, key)? {
            hcl::Value::String(s) => Ok(s),
            _ => Err(self.err(self.line(a.span()), key, "must be a string")),
        }
    }

    fn number(&self, a: &Attribute, key: &str) -> Result<f64, InputError> {
        match self.value(a, key)? {
            hcl::Value::Number(n) => n
                .as_f64()
                .filter(|v| v.is_finite())
                .ok_or_else(|| self.err(self.line(a.span()), key, "must be a finite number")),
            _ => Err(self.err(self.line(a.span()), key, "must be a number")),
        }
    }

    fn bool(&self, a: &Attribute, key: &str) -> Result<bool, InputError> {
        match self.value(a, key)? {
            hcl::Value::Bool(b) => Ok(b),
            _ => Err(self.err(self.line(a.span()), key, "must be true or false")),
        }
    }

    fn path(&self, a: &Attribute, key: &str) -> Result<PathBuf, InputError> {
        let s = self.string(a, key)?;
        if s.trim().is_empty() {
            return Err(self.err(self.line(a.span()), key, "must not be empty"));
        }
        Ok(self.dir.join(s))
    }
}

/// Reads and checks a config file.
pub fn load(path: &Path) -> Result<FileConfig, InputError> {
    let text = read_capped(path, MAX_BYTES)?;
    let file = display_path(path);
    let body = crate::numbers::parse_body(&text).map_err(|e| InputError::Hcl {
        file: file.clone(),
        line: e.line,
        reason: e.reason,
    })?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let ctx = Ctx {
        file,
        dir,
        breaks: text
            .bytes()
            .enumerate()
            .filter(|(_, b)| *b == b'\n')
            .map(|(i, _)| i)
            .collect(),
    };
    let mut out = FileConfig {
        path: path.to_path_buf(),
        ..FileConfig::default()
    };
    read_body(&ctx, &body, &mut out)?;
    Ok(out)
}

fn read_body(ctx: &Ctx, body: &Body, out: &mut FileConfig) -> Result<(), InputError> {
    let mut traffic_seen = false;
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => {
                let key = a.key.as_str();
                // A key set twice is refused by the parser already.
                let line = ctx.line(a.span());
                match key {
                    "fail_on" => {
                        let v = ctx.string(a, key)?;
                        out.fail_on = Some(match v.as_str() {
                            "error" => FailOn::Error,
                            "warning" => FailOn::Warning,
                            "never" => FailOn::Never,
                            _ => {
                                return Err(ctx.err(
                                    line,
                                    key,
                                    format!("{v:?}: expected \"error\", \"warning\" or \"never\""),
                                ))
                            }
                        });
                    }
                    "prices" => out.prices = Some(ctx.path(a, key)?),
                    "baseline" => out.baseline = Some(ctx.path(a, key)?),
                    "rules_doc_uri" => out.rules_doc_uri = Some(ctx.string(a, key)?),
                    "early_warning_percent" => {
                        let v = ctx.number(a, key)?;
                        if let Err(why) = crate::config::early_warning_share(v) {
                            return Err(ctx.err(line, key, why));
                        }
                        out.early_warning_percent = Some(v);
                    }
                    _ => {
                        return Err(ctx.err(
                            line,
                            key,
                            "unknown setting; expected fail_on, prices, baseline, rules_doc_uri, early_warning_percent, or a traffic, rule or ignore block",
                        ))
                    }
                }
            }
            Structure::Block(b) => {
                let ident = b.ident.as_str();
                let line = ctx.line(b.span());
                let labels: Vec<&str> = b.labels.iter().map(|l| l.as_str()).collect();
                match (ident, labels.as_slice()) {
                    (traffic, []) if traffic == model::TRAFFIC.name => {
                        if std::mem::replace(&mut traffic_seen, true) {
                            return Err(ctx.err(line, traffic, "block given twice"));
                        }
                        read_traffic(ctx, &b.body, &mut out.traffic)?;
                    }
                    ("rule", [id]) => {
                        let key = format!("rule \"{id}\"");
                        known_rule(ctx, line, &key, id)?;
                        let mut policy = RulePolicy {
                            enabled: true,
                            severity: None,
                        };
                        for a in b.body.attributes() {
                            let k = format!("{key}.{}", a.key.as_str());
                            match a.key.as_str() {
                                "enabled" => policy.enabled = ctx.bool(a, &k)?,
                                "severity" => {
                                    let v = ctx.string(a, &k)?;
                                    policy.severity = Some(match v.as_str() {
                                        "error" => Severity::Error,
                                        "warning" => Severity::Warning,
                                        "info" => Severity::Info,
                                        _ => return Err(ctx.err(
                                            ctx.line(a.span()),
                                            &k,
                                            format!("{v:?}: expected \"error\", \"warning\" or \"info\""),
                                        )),
                                    });
                                }
                                _ => {
                                    return Err(ctx.err(
                                        ctx.line(a.span()),
                                        &k,
                                        "unknown setting; expected enabled or severity",
                                    ))
                                }
                            }
                        }
                        no_blocks(ctx, &b.body, &key)?;
                        if out.rules.insert(id.to_uppercase(), policy).is_some() {
                            return Err(ctx.err(line, &key, "rule given twice"));
                        }
                    }
                    ("ignore", [id]) => {
                        let key = format!("ignore \"{id}\"");
                        known_rule(ctx, line, &key, id)?;
                        let mut ack = Acknowledgement::new(id, "");
                        for a in b.body.attributes() {
                            let k = format!("{key}.{}", a.key.as_str());
                            match a.key.as_str() {
                                "reason" => ack.reason = ctx.string(a, &k)?.trim().to_string(),
                                "resource" => ack.address = Some(ctx.string(a, &k)?),
                                _ => {
                                    return Err(ctx.err(
                                        ctx.line(a.span()),
                                        &k,
                                        "unknown setting; expected reason or resource",
                                    ))
                                }
                            }
                        }
                        no_blocks(ctx, &b.body, &key)?;
                        out.ignores.push(ack);
                    }
                    ("rule" | "ignore", _) => {
                        return Err(ctx.err(line, ident, "expects one label, the rule id"));
                    }
                    _ => {
                        return Err(ctx.err(
                            line,
                            ident,
                            "unknown block; expected traffic, rule or ignore",
                        ))
                    }
                }
            }
        }
    }
    Ok(())
}

fn known_rule(ctx: &Ctx, line: usize, key: &str, id: &str) -> Result<(), InputError> {
    if scaling::acknowledge::is_known(id) {
        Ok(())
    } else {
        Err(ctx.err(
            line,
            key,
            format!("no such rule {id:?}; the rules are listed by `smuppy-validate --list-rules`"),
        ))
    }
}

fn no_blocks(ctx: &Ctx, body: &Body, key: &str) -> Result<(), InputError> {
    match body.blocks().next() {
        Some(b) => Err(ctx.err(
            ctx.line(b.span()),
            &format!("{key}.{}", b.ident.as_str()),
            "unexpected block",
        )),
        None => Ok(()),
    }
}

/// The traffic attribute `name` as a default (a config file's `traffic`
/// block, `--traffic`): any of the model's traffic block but the monthly
/// volume, which is no default.
pub(crate) fn traffic_default(name: &str) -> Result<&'static Field<Traffic>, String> {
    let defaultable = || {
        model::TRAFFIC
            .fields
            .iter()
            .filter(|f| f.name != model::names::TRAFFIC_MONTHLY_REQUESTS)
    };
    defaultable().find(|f| f.name == name).ok_or_else(|| {
        let names: Vec<&str> = defaultable().map(|f| f.name).collect();
        let (last, rest) = names.split_last().unwrap_or((&"", &[]));
        format!(
            "not a traffic default; expected {} or {last}",
            rest.join(", ")
        )
    })
}

/// Sets a traffic default read as `v`.
pub(crate) fn set_traffic(t: &mut Traffic, field: &Field<Traffic>, v: Val) {
    if let Some(access) = &field.access {
        (access.set)(t, v);
    }
}

/// The traffic values a config file may default, as the profile names them.
fn read_traffic(ctx: &Ctx, body: &Body, t: &mut Traffic) -> Result<(), InputError> {
    let block = &model::TRAFFIC;
    no_blocks(ctx, body, block.name)?;
    for a in body.attributes() {
        let name = a.key.as_str();
        let k = format!("{}.{name}", block.name);
        let field = traffic_default(name).map_err(|why| ctx.err(ctx.line(a.span()), &k, why))?;
        let v = match field.kind {
            Kind::Bool => Val::Bool(ctx.bool(a, &k)?),
            Kind::String => Val::Str(ctx.string(a, &k)?),
            _ => Val::Num(ctx.number(a, &k)?),
        };
        set_traffic(t, field, v);
    }
    Ok(())
}

/// Fills the traffic values a profile leaves unset from `defaults`.
pub fn default_traffic(t: &mut Traffic, defaults: &Traffic) {
    for access in model::TRAFFIC
        .fields
        .iter()
        .filter_map(|f| f.access.as_ref())
    {
        if (access.get)(t).is_null() {
            (access.set)(t, (access.get)(defaults));
        }
    }
}
