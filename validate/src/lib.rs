//! `smuppy-validate`: checks scaling profiles from HCL, `terraform show
//! -json` plans or the live account, with the same rules as the provider.

pub mod aws;
mod blocks;
pub mod error;
pub mod eval;
pub mod guard;
pub mod hcl;
pub mod input;
pub mod k6;
pub mod live;
pub mod mapping;
pub mod numbers;
pub mod plan;
pub mod printer;
mod vars;

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, ValueEnum};

use scaling::{analyze_with, Budget, Limits, Options, PriceTable, DEFAULT_EXTRAPOLATION_FACTOR};

pub use error::InputError;
pub use live::LiveSource;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
}

/// Checks smuppy_scaling_profile resources for capacity, limits, security and cost.
///
/// Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 unusable input.
#[derive(Debug, Parser)]
#[command(name = "smuppy-validate", version)]
pub struct Cli {
    /// A directory of .tf/.tfvars files, a .tf file, or a `terraform show -json` file.
    pub path: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// A price table JSON laid over the built-in us-east-1 prices.
    #[arg(long, value_name = "FILE")]
    pub prices: Option<PathBuf>,
    /// A k6 summary export: its rate and average latency replace the assumed latency.
    #[arg(long, value_name = "SUMMARY_JSON")]
    pub k6: Option<PathBuf>,
    /// Warn when the target exceeds the k6 measured rate by more than this factor.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_EXTRAPOLATION_FACTOR)]
    pub extrapolation_factor: f64,
    /// A monthly budget in USD (warns when the estimate is above it); overrides budget blocks.
    #[arg(long, value_name = "USD")]
    pub budget: Option<f64>,
    /// Read limits from the live account (standard credential chain): Lambda
    /// account settings and other functions' reserved concurrency, applied
    /// quotas and open increase requests, the API Gateway account throttle,
    /// the profiles' tables.
    #[arg(long)]
    pub live: bool,
    /// With --live: the AWS Region (else AWS_REGION or the shared config).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// With --live: a named profile of the shared AWS config/credentials files.
    #[arg(long = "profile", value_name = "NAME")]
    pub aws_profile: Option<String>,
    /// With --live: an endpoint URL for one service, SERVICE=URL (repeatable).
    /// Services: apigateway, lambda, dynamodb, applicationautoscaling,
    /// cloudfront, cloudwatch, servicequotas, globalaccelerator.
    #[arg(long = "endpoint", value_name = "SERVICE=URL")]
    pub endpoints: Vec<String>,
    /// Account facts from a saved JSON snapshot instead of the live account.
    #[arg(long, value_name = "FILE")]
    pub live_facts: Option<PathBuf>,
    /// Write the account facts used (from --live or --live-facts) to FILE, as
    /// JSON that --live-facts reads back.
    #[arg(long, value_name = "FILE")]
    pub save_live_facts: Option<PathBuf>,
    /// A variables file (repeatable), after terraform.tfvars and *.auto.tfvars.
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
    /// A variable value, NAME=VALUE (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
}

/// Accepts Terraform's single-dash `-var-file` and `-var` spellings.
pub fn terraform_style_args<I: IntoIterator<Item = std::ffi::OsString>>(
    args: I,
) -> Vec<std::ffi::OsString> {
    args.into_iter()
        .map(|a| match a.to_str() {
            Some(s)
                if s == "-var-file"
                    || s.starts_with("-var-file=")
                    || s == "-var"
                    || s.starts_with("-var=") =>
            {
                format!("-{s}").into()
            }
            _ => a,
        })
        .collect()
}

/// Runs the checks and writes the report; returns the exit code.
/// `live` is the account reader `--live` uses, if this build has one.
pub fn run(
    cli: &Cli,
    live: Option<&dyn LiveSource>,
    out: &mut dyn Write,
) -> Result<i32, InputError> {
    let mut opts = input::LoadOptions {
        var_files: cli.var_files.clone(),
        vars: Vec::new(),
    };
    for v in &cli.vars {
        let (k, val) = v
            .split_once('=')
            .ok_or_else(|| InputError::Other(format!("-var {v:?}: expected NAME=VALUE")))?;
        opts.vars.push((k.trim().to_string(), val.to_string()));
    }
    let prices = match &cli.prices {
        Some(p) => PriceTable::from_json(&input::read(p)?)
            .map_err(|e| InputError::Other(format!("{}: {e}", input::display_path(p))))?,
        None => PriceTable::default(),
    };
    let measured = cli.k6.as_deref().map(k6::load_k6).transpose()?;
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
    let mut loaded = input::load(&cli.path, &opts)?;
    if let Some(b) = cli.budget {
        for l in &mut loaded {
            let enforce = l
                .profile
                .budget
                .as_ref()
                .map(|x| x.enforce)
                .unwrap_or(false);
            l.profile.budget = Some(Budget {
                monthly_usd: b,
                enforce,
            });
        }
    }
    let mut limits = Limits::default();
    let profiles: Vec<_> = loaded.iter().map(|l| l.profile.clone()).collect();
    if let Some(path) = &cli.live_facts {
        live::SnapshotSource::from_file(path)?
            .fill(&profiles, &mut limits)
            .map_err(InputError::Other)?;
    }
    if cli.live {
        let source = live.ok_or_else(|| {
            InputError::Other(
                "--live: this build has no live account reader; use --live-facts FILE".into(),
            )
        })?;
        source
            .fill(&profiles, &mut limits)
            .map_err(|e| InputError::Other(format!("--live: {e}")))?;
    }
    if let Some(path) = &cli.save_live_facts {
        if !(cli.live || cli.live_facts.is_some()) {
            return Err(InputError::Other(
                "--save-live-facts needs --live or --live-facts".into(),
            ));
        }
        let text = serde_json::to_string_pretty(&limits.live)
            .map_err(|e| InputError::Other(format!("cannot encode the account facts: {e}")))?;
        std::fs::write(path, text + "\n").map_err(|e| {
            InputError::Other(format!(
                "--save-live-facts {}: {e}",
                input::display_path(path)
            ))
        })?;
    }
    let options = Options {
        measured,
        extrapolation_factor: cli.extrapolation_factor,
        ..Options::default()
    };
    let checked: Vec<printer::Checked> = loaded
        .into_iter()
        .map(|l| {
            let analysis = analyze_with(&l.profile, &limits, &prices, &options);
            printer::Checked {
                loaded: l,
                analysis,
            }
        })
        .collect();
    let report = match cli.format {
        Format::Text => printer::text(&checked),
        Format::Json => printer::json(&checked),
        Format::Sarif => printer::sarif(&checked),
    };
    if let Err(e) = out.write_all(report.as_bytes()).and_then(|_| out.flush()) {
        // A closed pipe (`| head`) is not a failure of the check.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(InputError::Other(format!("cannot write the report: {e}")));
        }
    }
    let errors = checked.iter().map(|c| c.analysis.errors()).sum::<usize>();
    Ok(if errors > 0 { 1 } else { 0 })
}
