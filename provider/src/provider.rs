//! The provider: its configuration and the connection to AWS it hands to
//! the resource.
//!
//! Nothing AWS-related happens before ConfigureProvider: the schema and
//! validation walks start fast and never read AWS config files.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use scaling_aws::{AccountCheckError, Aws, Cancel};
use tfplugin::{
    AttributePath, ConfigureRequest, DataSource, Diagnostics, Function, ListResource, Provider,
    Resource, Schema, Value,
};

pub use crate::provider_config::{early_warning_from_config, settings_from_config};
use crate::resource::ScalingProfile;
use crate::schema;

/// What ConfigureProvider established, shared with the resource.
#[derive(Default)]
pub struct Configured {
    aws: RwLock<Option<Aws>>,
    /// Cancelled by StopProvider; waits in apply end early.
    pub cancel: Cancel,
    /// The account's capacity (limits and applied quotas), read once per
    /// process at the first plan.
    capacity: tokio::sync::OnceCell<Result<scaling::LiveFacts, String>>,
    /// The provider block's `early_warning_percent`, as the share the rules
    /// use (`None`: the default).
    early_warning: RwLock<Option<f64>>,
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

    /// The rule engine's options from the provider block.
    pub fn options(&self) -> scaling::Options {
        let share = match self.early_warning.read() {
            Ok(g) => *g,
            Err(poisoned) => *poisoned.into_inner(),
        };
        scaling::Options {
            early_warning: share.unwrap_or(scaling::DEFAULT_EARLY_WARNING),
            ..scaling::Options::default()
        }
    }

    fn set_early_warning(&self, share: Option<f64>) {
        let mut guard = match self.early_warning.write() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        *guard = share;
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

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
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

    fn functions(&self) -> BTreeMap<String, Arc<dyn Function>> {
        crate::functions::all()
    }

    fn data_sources(&self) -> BTreeMap<String, Arc<dyn DataSource>> {
        crate::data_sources::all(&self.configured)
    }

    fn list_resources(&self) -> BTreeMap<String, Arc<dyn ListResource>> {
        let list = crate::list::ProfileList::new(self.configured.clone(), self.profile.clone());
        BTreeMap::from([(
            crate::list::TYPE_NAME.to_string(),
            Arc::new(list) as Arc<dyn ListResource>,
        )])
    }

    fn validate_provider_config(&self, config: &Value, diags: &mut Diagnostics) {
        settings_from_config(config, false, diags);
        early_warning_from_config(config, diags);
    }

    async fn configure(&self, req: ConfigureRequest, diags: &mut Diagnostics) {
        let settings = settings_from_config(&req.config, true, diags);
        let early_warning = early_warning_from_config(&req.config, diags);
        if diags.has_errors() {
            return;
        }
        self.configured.set_early_warning(early_warning);
        let aws = match Aws::connect(settings).await {
            Ok(aws) => aws,
            Err(e) => return diags.error("Cannot configure AWS access", e.to_string()),
        };
        // The account guard runs here, so plan, apply and destroy all stop
        // before their first AWS call when the account is the wrong one.
        match aws.check_account().await {
            Ok(()) => self.configured.set(aws),
            Err(AccountCheckError::Refused(e)) => diags.attribute_error(
                AttributePath::root().then_attr(e.attribute()),
                "Wrong AWS account",
                format!("{}.", capitalize(&e.to_string())),
            ),
            Err(e @ AccountCheckError::Read(_)) => {
                diags.error("Cannot check the AWS account", e.to_string())
            }
        }
    }

    async fn stop(&self) {
        self.configured.cancel.cancel();
    }
}
