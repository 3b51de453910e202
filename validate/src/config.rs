//! One `Config` for a run: the command line, the config file and the
//! defaults, resolved and checked once, before anything is read. Nothing
//! after `Config::resolve` looks at the flags.

use std::collections::BTreeMap;

use scaling::finding::num;
use std::path::PathBuf;

use scaling::model::{Kind, Val};
use scaling::{Acknowledgement, Traffic};
use scaling_aws::AwsSettings;

use crate::config_file::{self, FailOn, FileConfig, RulePolicy};
use crate::error::InputError;
use crate::input::LoadOptions;
use crate::{Cli, Format};

/// Where SARIF's `helpUri` and `--list-rules` point when the config file
/// names no other base: the rules document, relative to the repository.
pub const DEFAULT_RULES_DOC_URI: &str = "docs/rules.md";

#[derive(Debug, Clone)]
pub struct Config {
    /// What is analysed: a directory, a `.tf` file or a plan JSON.
    pub path: PathBuf,
    /// The format written to stdout.
    pub format: Format,
    /// Further reports: each format to its file.
    pub outputs: Vec<(Format, PathBuf)>,
    pub load: LoadOptions,
    pub prices: Option<PathBuf>,
    pub k6: Option<PathBuf>,
    pub extrapolation_factor: f64,
    /// `CAP013` warns from this share of a limit (0–1; 1 = off).
    pub early_warning: f64,
    pub budget: Option<f64>,
    /// `--live`: the AWS settings to read the account with.
    pub live: Option<AwsSettings>,
    pub live_facts: Option<PathBuf>,
    pub save_live_facts: Option<PathBuf>,
    pub fail_on: FailOn,
    pub baseline: Option<PathBuf>,
    /// Rules switched off or given another severity (upper-case ids).
    pub rules: BTreeMap<String, RulePolicy>,
    /// Acknowledgements from the config file.
    pub ignores: Vec<Acknowledgement>,
    /// Defaults for traffic values a profile leaves unset.
    pub traffic: Traffic,
    pub rules_doc_uri: String,
    /// The config file read, if any.
    pub config_file: Option<PathBuf>,
}

/// An early-warning threshold in percent as the share the rules use: above
/// 0 and at most 100 (100 turns the warning off).
pub fn early_warning_share(percent: f64) -> Result<f64, String> {
    if percent.is_finite() && percent > 0.0 && percent <= 100.0 {
        Ok(percent / 100.0)
    } else {
        Err("a percentage above 0 and at most 100 (100 turns CAP013 off)".into())
    }
}

impl Config {
    /// Resolves the flags over the config file over the defaults.
    pub fn resolve(cli: &Cli) -> Result<Config, InputError> {
        let path = cli
            .path
            .clone()
            .ok_or_else(|| InputError::Other("no PATH given to analyse".into()))?;
        let file_path = match (&cli.config, cli.no_config) {
            (Some(_), true) => {
                return Err(InputError::Other(
                    "--config and --no-config exclude each other".into(),
                ))
            }
            (Some(f), false) => Some(f.clone()),
            (None, true) => None,
            (None, false) => config_file::find(&path),
        };
        let file = match &file_path {
            Some(f) => config_file::load(f)?,
            None => FileConfig::default(),
        };

        let mut vars = Vec::new();
        for v in &cli.vars {
            let (k, val) = v
                .split_once('=')
                .ok_or_else(|| InputError::Other(format!("-var {v:?}: expected NAME=VALUE")))?;
            vars.push((k.trim().to_string(), val.to_string()));
        }
        if !(cli.extrapolation_factor.is_finite() && cli.extrapolation_factor > 0.0) {
            return Err(InputError::Other(
                "--extrapolation-factor must be above 0".into(),
            ));
        }
        if let Some(b) = cli.budget {
            if !(b.is_finite() && b >= 0.0) {
                return Err(InputError::Other(
                    "--budget must be a non-negative amount".into(),
                ));
            }
        }
        if cli.save_live_facts.is_some() && !(cli.live || cli.live_facts.is_some()) {
            return Err(InputError::Other(
                "--save-live-facts needs --live or --live-facts".into(),
            ));
        }
        let mut outputs = Vec::new();
        for o in &cli.outputs {
            outputs.push(parse_output(o)?);
        }
        Ok(Config {
            path,
            format: cli.format,
            outputs,
            load: LoadOptions {
                var_files: cli.var_files.clone(),
                vars,
            },
            prices: cli.prices.clone().or(file.prices),
            k6: cli.k6.clone(),
            extrapolation_factor: cli.extrapolation_factor,
            early_warning: match cli.early_warning.or(file.early_warning_percent) {
                Some(p) => early_warning_share(p).map_err(|why| {
                    InputError::Other(format!("--early-warning {}: {why}", num(p)))
                })?,
                None => scaling::DEFAULT_EARLY_WARNING,
            },
            budget: cli.budget,
            live: live_settings(cli)?,
            live_facts: cli.live_facts.clone(),
            save_live_facts: cli.save_live_facts.clone(),
            fail_on: cli.fail_on.or(file.fail_on).unwrap_or(FailOn::Error),
            baseline: cli.baseline.clone().or(file.baseline),
            rules: file.rules,
            ignores: file.ignores,
            traffic: traffic(file.traffic, &cli.traffic)?,
            rules_doc_uri: file
                .rules_doc_uri
                .unwrap_or_else(|| DEFAULT_RULES_DOC_URI.to_string()),
            config_file: file_path,
        })
    }
}

/// The config file's traffic defaults with the `--traffic NAME=VALUE`
/// flags laid over them.
fn traffic(mut t: Traffic, flags: &[String]) -> Result<Traffic, InputError> {
    for a in flags {
        let bad = |why: String| InputError::Other(format!("--traffic {a:?}: {why}"));
        let (name, value) = a
            .split_once('=')
            .ok_or_else(|| bad("expected NAME=VALUE".into()))?;
        let field = config_file::traffic_default(name.trim()).map_err(bad)?;
        let value = value.trim();
        let v = match field.kind {
            Kind::Bool => match value {
                "true" => Val::Bool(true),
                "false" => Val::Bool(false),
                _ => return Err(bad("expected true or false".into())),
            },
            Kind::String => Val::Str(value.to_string()),
            _ => match value.parse::<f64>() {
                Ok(n) if n.is_finite() => Val::Num(n),
                _ => return Err(bad("expected a number".into())),
            },
        };
        config_file::set_traffic(&mut t, field, v);
    }
    Ok(t)
}

/// `FORMAT=FILE`.
fn parse_output(o: &str) -> Result<(Format, PathBuf), InputError> {
    let bad = |why: String| InputError::Other(format!("--output {o:?}: {why}"));
    let (f, file) = o
        .split_once('=')
        .ok_or_else(|| bad("expected FORMAT=FILE".into()))?;
    let format = <Format as clap::ValueEnum>::from_str(f.trim(), true).map_err(|_| {
        bad(format!(
            "unknown format {:?}; expected one of: {}",
            f.trim(),
            Format::NAMES.join(", ")
        ))
    })?;
    if file.trim().is_empty() {
        return Err(bad("no file".into()));
    }
    Ok((format, PathBuf::from(file)))
}

/// The AWS settings `--live` reads with; the AWS flags without `--live` are
/// a mistake (they would be silently ignored).
fn live_settings(cli: &Cli) -> Result<Option<AwsSettings>, InputError> {
    if !cli.live {
        let stray = [
            cli.region.as_ref().map(|_| "--region"),
            cli.aws_profile.as_ref().map(|_| "--profile"),
            (!cli.endpoints.is_empty()).then_some("--endpoint"),
        ];
        if let Some(flag) = stray.into_iter().flatten().next() {
            return Err(InputError::Other(format!(
                "{flag} only applies with --live"
            )));
        }
        return Ok(None);
    }
    let region = match &cli.region {
        Some(r) if r.trim().is_empty() => return Err(InputError::Other("--region: empty".into())),
        r => r.clone(),
    };
    Ok(Some(AwsSettings {
        region,
        profile: cli.aws_profile.clone(),
        endpoints: crate::aws::parse_endpoints(&cli.endpoints)?,
        // A validator should fail fast on an unreachable account.
        max_retries: Some(1),
        ..AwsSettings::default()
    }))
}
