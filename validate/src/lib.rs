//! `smuppy-validate`: checks scaling profiles from HCL, `terraform show
//! -json` plans or the live account, with the same rules as the provider.

mod account;
pub mod aws;
pub mod awsres;
pub mod blocks;
pub mod ci;
pub mod config;
pub mod config_file;
pub mod error;
pub mod eval;
pub mod guard;
pub mod hcl;
pub mod ignore;
pub mod input;
pub mod k6;
pub mod live;
pub mod locations;
pub mod mapping;
pub mod numbers;
pub mod plan;
pub mod policy;
pub mod printer;
mod source;
mod unevaluated;
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
    /// JUnit XML: one test case per rule and resource.
    Junit,
    /// GitHub Actions workflow commands (annotations).
    Github,
}

impl Format {
    pub const NAMES: [&'static str; 5] = ["text", "json", "sarif", "junit", "github"];
}

/// Checks smuppy_scaling_profile resources for capacity, limits, security and cost.
///
/// Settings come from the flags, then `.smuppy-validate.hcl` (in the directory
/// analysed or a parent up to the repository root; see README), then defaults.
#[derive(Debug, Parser)]
#[command(
    name = "smuppy-validate",
    version,
    after_help = "Exit codes:\n  0  no finding at or above --fail-on outside the baseline\n  1  findings at or above --fail-on (default: error) not in the baseline\n  2  unusable input or config (one line on stderr)\n\nAcknowledge a finding with a comment on or inside the resource block:\n  # smuppy:ignore CAP004 quota increase approved, ticket OPS-42\nThe error becomes a warning carrying the reason; without a reason it is itself a warning."
)]
pub struct Cli {
    /// A directory of .tf/.tfvars files, a .tf file, or a `terraform show -json` file.
    #[arg(required_unless_present = "list_rules")]
    pub path: Option<PathBuf>,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Also write the report in FORMAT to FILE (repeatable), e.g. junit=report.xml.
    #[arg(long = "output", value_name = "FORMAT=FILE")]
    pub outputs: Vec<String>,
    /// The lowest severity that fails the run (exit 1); default error, or the config file's fail_on.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<config_file::FailOn>,
    /// A previous JSON report (--format json): only findings not in it fail
    /// (matched by rule id, resource address and attribute, not by message).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// The config file to read instead of looking for .smuppy-validate.hcl.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Read no config file.
    #[arg(long)]
    pub no_config: bool,
    /// List the rules (id, severity, title; --format json for JSON) and exit.
    #[arg(long)]
    pub list_rules: bool,
    /// A price table JSON laid over the built-in us-east-1 prices.
    #[arg(long, value_name = "FILE")]
    pub prices: Option<PathBuf>,
    /// A k6 summary export: its rate and average latency replace the assumed latency.
    #[arg(long, value_name = "SUMMARY_JSON")]
    pub k6: Option<PathBuf>,
    /// Warn when the target exceeds the k6 measured rate by more than this factor.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_EXTRAPOLATION_FACTOR)]
    pub extrapolation_factor: f64,
    /// Warn (CAP013) when a need reaches this percentage of its limit
    /// (default 80; 100 turns it off). Overrides `early_warning_percent`
    /// of the config file.
    #[arg(long, value_name = "PERCENT")]
    pub early_warning: Option<f64>,
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
    /// A traffic value for what a profile leaves unset, NAME=VALUE
    /// (repeatable), e.g. peak_rps=100000: the target of aws_* stacks.
    /// Overrides the config file's traffic block.
    #[arg(long, value_name = "NAME=VALUE")]
    pub traffic: Vec<String>,
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
    if cli.list_rules {
        let text = match cli.format {
            Format::Json => printer::rules_json(config::DEFAULT_RULES_DOC_URI),
            _ => printer::rules_text(),
        };
        write_out(out, &text)?;
        return Ok(0);
    }
    run_config(&config::Config::resolve(cli)?, live, out)
}

fn write_out(out: &mut dyn Write, report: &str) -> Result<(), InputError> {
    if let Err(e) = out.write_all(report.as_bytes()).and_then(|_| out.flush()) {
        // A closed pipe (`| head`) is not a failure of the check.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(InputError::Other(format!("cannot write the report: {e}")));
        }
    }
    Ok(())
}

/// Runs the checks a resolved config asks for.
pub fn run_config(
    config: &config::Config,
    live: Option<&dyn LiveSource>,
    out: &mut dyn Write,
) -> Result<i32, InputError> {
    let prices = match &config.prices {
        Some(p) => PriceTable::from_json(&input::read(p)?)
            .map_err(|e| InputError::Other(format!("{}: {e}", input::display_path(p))))?,
        None => PriceTable::default(),
    };
    let measured = config.k6.as_deref().map(k6::load_k6).transpose()?;
    let baseline = config
        .baseline
        .as_deref()
        .map(policy::Baseline::load)
        .transpose()?;
    let mut loaded = input::load(&config.path, &config.load)?;
    for l in &mut loaded {
        config_file::default_traffic(&mut l.profile.traffic, &config.traffic);
        if let Some(b) = config.budget {
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
    if let Some(path) = &config.live_facts {
        live::SnapshotSource::from_file(path)?
            .fill(&profiles, &mut limits)
            .map_err(InputError::Other)?;
    }
    if config.live.is_some() {
        let source = live.ok_or_else(|| {
            InputError::Other(
                "--live: this build has no live account reader; use --live-facts FILE".into(),
            )
        })?;
        source
            .fill(&profiles, &mut limits)
            .map_err(|e| InputError::Other(format!("--live: {e}")))?;
    }
    if let Some(path) = &config.save_live_facts {
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
        extrapolation_factor: config.extrapolation_factor,
        early_warning: config.early_warning,
    };
    let mut analyses: Vec<scaling::Analysis> = loaded
        .iter()
        .map(|l| {
            let mut a = analyze_with(&l.profile, &limits, &prices, &options);
            unevaluated::report(l, &mut a);
            a
        })
        .collect();
    account::check(&loaded, &mut analyses, &limits);
    let checked: Vec<printer::Checked> = loaded
        .into_iter()
        .zip(analyses)
        .map(|(mut l, mut analysis)| {
            policy::decide(config, &mut l, &mut analysis);
            // From here on (baseline, reports) a location is the path the
            // configuration writes.
            for f in &mut analysis.findings {
                let shown = locations::user_location(&f.location, &l.keys);
                f.location = match awsres::aws_location(&l.aws, &shown.to_string()) {
                    Some(a) => scaling::Location::attr(&a),
                    None => shown,
                };
            }
            let baselined = analysis
                .findings
                .iter()
                .map(|f| {
                    baseline
                        .as_ref()
                        .is_some_and(|b| b.contains(&policy::key(&l.address, f)))
                })
                .collect();
            printer::Checked {
                loaded: l,
                analysis,
                baselined,
            }
        })
        .collect();
    let report = printer::Report {
        checked: &checked,
        fail_on: config.fail_on,
        rules_doc_uri: &config.rules_doc_uri,
        with_baseline: baseline.is_some(),
    };
    for (format, path) in &config.outputs {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                InputError::Other(format!("--output {}: {e}", input::display_path(path)))
            })?;
        }
        std::fs::write(path, report.render(*format)).map_err(|e| {
            InputError::Other(format!("--output {}: {e}", input::display_path(path)))
        })?;
    }
    write_out(out, &report.render(config.format))?;
    Ok(if report.failing() > 0 { 1 } else { 0 })
}
