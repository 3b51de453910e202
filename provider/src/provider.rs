//! The provider: its configuration and the connection to AWS it hands to
//! the resource.
//!
//! Nothing AWS-related happens before ConfigureProvider: the schema and
//! validation walks start fast and never read AWS config files.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use scaling_aws::{Aws, AwsSettings, Cancel};
use tfplugin::{AttributePath, ConfigureRequest, Diagnostics, Provider, Resource, Schema, Value};

use crate::fields::{check_int, Obj};
use crate::resource::ScalingProfile;
use crate::schema::{self, ENDPOINT_SERVICES};

/// What ConfigureProvider established, shared with the resource.
#[derive(Default)]
pub struct Configured {
    aws: RwLock<Option<Aws>>,
    /// Cancelled by StopProvider; waits in apply end early.
    pub cancel: Cancel,
    /// The account's capacity (limits and applied quotas), read once per
    /// process at the first plan.
    capacity: tokio::sync::OnceCell<Result<scaling::LiveFacts, String>>,
}

impl Configured {
    /// The AWS connection, or an error diagnostic when the provider was not
    /// configured (Terraform always configures before reading or applying).
    pub fn aws(&self, diags: &mut Diagnostics) -> Option<Aws> {
        let guard = match self.aws.read() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        if guard.is_none() {
            diags.error(
                "Provider not configured",
                "The smuppy provider was asked to reach AWS before ConfigureProvider; this is a bug in the calling tool.",
            );
        }
        guard.clone()
    }

    /// The configured region, if the provider is configured.
    pub fn region(&self) -> Option<String> {
        let guard = match self.aws.read() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        guard.as_ref().map(|a| a.region().to_string())
    }

    /// The limits plans are checked against: the account's own capacity
    /// when it can be read, else AWS's defaults with a warning saying so.
    pub async fn limits(&self, diags: &mut Diagnostics) -> scaling::Limits {
        let mut limits = scaling::Limits::default();
        let Some(aws) = self.aws(&mut Diagnostics::new()) else {
            return limits;
        };
        let facts = self
            .capacity
            .get_or_init(|| async {
                scaling_aws::live::read_account_capacity(&aws)
                    .await
                    .map_err(|e| e.to_string())
            })
            .await;
        match facts {
            Ok(f) => limits.live = f.clone(),
            Err(e) => diags.warning(
                "Account limits not read: checked against AWS defaults",
                format!("The plan could not read the account's limits ({e}); capacity and limit rules use AWS's default limits instead, which may be lower or higher than this account's."),
            ),
        }
        limits
    }

    fn set(&self, aws: Aws) {
        let mut guard = match self.aws.write() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        *guard = Some(aws);
    }
}

pub struct SmuppyProvider {
    configured: Arc<Configured>,
    /// One instance for the process: it holds the claims of every profile
    /// planned here.
    profile: Arc<ScalingProfile>,
}

impl SmuppyProvider {
    pub fn new() -> Self {
        let configured = Arc::new(Configured::default());
        SmuppyProvider {
            profile: Arc::new(ScalingProfile::new(configured.clone())),
            configured,
        }
    }
}

impl Default for SmuppyProvider {
    fn default() -> Self {
        Self::new()
    }
}

/// Reads the provider block into AWS settings, reporting problems on the
/// attribute. Unknown values are reported when `require_known` (configure
/// time) and skipped otherwise (validation).
pub fn settings_from_config(
    config: &Value,
    require_known: bool,
    diags: &mut Diagnostics,
) -> AwsSettings {
    let root_path = AttributePath::root();
    let root = Obj::new(config, &root_path);
    let mut settings = AwsSettings::default();
    let unknown = |name: &str, path: AttributePath, diags: &mut Diagnostics| {
        if require_known {
            diags.attribute_error(
                path,
                format!("{name} is not known yet"),
                format!("The provider's {name} depends on a value known only after apply; the provider must be configured with known values."),
            );
        }
    };
    if root.is_unknown("region") {
        unknown("region", root.path_of("region"), diags);
    }
    if root.is_unknown("profile") {
        unknown("profile", root.path_of("profile"), diags);
    }
    settings.region = root.str("region").map(str::to_string);
    if let Some(r) = &settings.region {
        let ok = !r.is_empty()
            && r.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !ok {
            diags.attribute_error(
                root.path_of("region"),
                "Invalid region",
                format!("{r:?} is not an AWS region name such as \"us-east-1\"."),
            );
        }
    }
    settings.profile = root.str("profile").map(str::to_string);
    check_int(&root, "max_retries", 0, Some(25), "max_retries", diags);
    settings.max_retries = root.i64("max_retries").and_then(|n| u32::try_from(n).ok());
    if let Some((p, v)) = root.single("endpoints") {
        let e = Obj::new(v, &p);
        for (service, _) in ENDPOINT_SERVICES {
            if e.is_unknown(service) {
                unknown(service, e.path_of(service), diags);
            }
            let Some(url) = e.str(service) else { continue };
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                diags.attribute_error(
                    e.path_of(service),
                    "Invalid endpoint",
                    format!(
                        "The {service} endpoint must be an http:// or https:// URL, got {url:?}."
                    ),
                );
                continue;
            }
            settings
                .endpoints
                .insert(service.to_string(), url.to_string());
        }
    }
    settings
}

#[async_trait::async_trait]
impl Provider for SmuppyProvider {
    fn provider_schema(&self) -> Schema {
        schema::provider_schema()
    }

    fn resources(&self) -> BTreeMap<String, Arc<dyn Resource>> {
        let r: Arc<dyn Resource> = self.profile.clone();
        BTreeMap::from([(schema::RESOURCE_TYPE.to_string(), r)])
    }

    fn validate_provider_config(&self, config: &Value, diags: &mut Diagnostics) {
        settings_from_config(config, false, diags);
    }

    async fn configure(&self, req: ConfigureRequest, diags: &mut Diagnostics) {
        let settings = settings_from_config(&req.config, true, diags);
        if diags.has_errors() {
            return;
        }
        match Aws::connect(settings).await {
            Ok(aws) => self.configured.set(aws),
            Err(e) => diags.error("Cannot configure AWS access", e.to_string()),
        }
    }

    async fn stop(&self) {
        self.configured.cancel.cancel();
    }
}
