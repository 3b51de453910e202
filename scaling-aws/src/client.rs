//! The connection to AWS: one `SdkConfig`, one HTTP connection pool, and a
//! typed client per service built the first time it is needed.

use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_http_client::{proxy::ProxyConfig, tls, Connector};
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use rustls_pki_types::pem::PemObject;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::credentials::{
    AccountGuard, AccountRefused, AssumeRole, Secret, WebIdentity, WebIdentityProvider,
    DEFAULT_ROLE_DURATION, DEFAULT_SESSION_NAME,
};
use crate::error::{sdk, AwsError};
use crate::services;

/// Settings from the provider block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AwsSettings {
    /// Region for the regional services (API Gateway, Lambda, DynamoDB,
    /// Application Auto Scaling, CloudWatch, Service Quotas). `None` uses the
    /// standard chain (`AWS_REGION`, the shared config file).
    pub region: Option<String>,
    /// Named profile of the shared config/credentials files.
    pub profile: Option<String>,
    /// Shared config files to read instead of `~/.aws/config` (empty: the
    /// default file).
    pub shared_config_files: Vec<PathBuf>,
    /// Shared credentials files to read instead of `~/.aws/credentials`.
    pub shared_credentials_files: Vec<PathBuf>,
    /// Endpoint URL per service, for emulators or private endpoints. Keys:
    /// [`SERVICE_KEYS`].
    pub endpoints: BTreeMap<String, String>,
    /// Retries after the first attempt (standard retry mode: throttling and
    /// transient errors back off exponentially with jitter). Default
    /// [`DEFAULT_MAX_RETRIES`].
    pub max_retries: Option<u32>,
    /// Retry strategy; default standard.
    pub retry_mode: RetryMode,
    /// Role assumed on top of the other credentials.
    pub assume_role: Option<AssumeRole>,
    /// Role assumed with a web identity token (replaces the standard chain).
    pub web_identity: Option<WebIdentity>,
    /// Accounts the credentials may (or must not) reach.
    pub accounts: AccountGuard,
    /// PEM file of extra trusted certificates (added to the system roots).
    pub custom_ca_bundle: Option<PathBuf>,
    /// Proxy URL for every AWS API request (may carry a password).
    pub http_proxy: Option<Secret>,
}

/// How throttled and transient failures are retried.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RetryMode {
    /// Exponential backoff with jitter.
    #[default]
    Standard,
    /// Standard, plus a client-side rate limiter that slows down while AWS
    /// throttles.
    Adaptive,
}

/// Retries after the first attempt when the provider block sets none.
pub const DEFAULT_MAX_RETRIES: u32 = 3;

/// The service keys accepted in [`AwsSettings::endpoints`].
pub const SERVICE_KEYS: [&str; 9] = [
    "apigateway",
    services::LAMBDA,
    services::DYNAMODB,
    "applicationautoscaling",
    "cloudfront",
    "cloudwatch",
    "servicequotas",
    "globalaccelerator",
    "sts",
];

/// Why [`Aws::connect`] failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectError {
    #[error("unknown service {0:?} in endpoints; expected one of: {keys}", keys = SERVICE_KEYS.join(", "))]
    UnknownEndpointService(String),
    #[error("endpoint for {service} is not an http(s) URL: {url:?}")]
    BadEndpoint { service: String, url: String },
    #[error("no AWS region: set `region` in the provider block, or AWS_REGION, or a region in the shared config profile")]
    NoRegion,
    #[error("custom_ca_bundle {path}: {reason}")]
    CaBundle { path: String, reason: String },
    /// The URL is left out: it may carry a password.
    #[error("http_proxy: {reason}")]
    Proxy { reason: String },
}

/// Global Accelerator's API is only served from us-west-2.
pub const GLOBAL_ACCELERATOR_REGION: &str = "us-west-2";
/// CloudFront's API is global, signed for us-east-1.
pub const CLOUDFRONT_REGION: &str = "us-east-1";

/// A cheap-to-clone handle to AWS. Credentials come from the standard chain
/// (environment, shared config and credentials files or `profile`, SSO, web
/// identity, container and instance metadata); clients are created lazily
/// and share one HTTP client, so connections are pooled across services.
#[derive(Clone)]
pub struct Aws {
    inner: Arc<Inner>,
}

struct Inner {
    config: SdkConfig,
    endpoints: BTreeMap<String, String>,
    apigateway: OnceLock<aws_sdk_apigateway::Client>,
    lambda: OnceLock<aws_sdk_lambda::Client>,
    dynamodb: OnceLock<aws_sdk_dynamodb::Client>,
    autoscaling: OnceLock<aws_sdk_applicationautoscaling::Client>,
    cloudfront: OnceLock<aws_sdk_cloudfront::Client>,
    cloudwatch: OnceLock<aws_sdk_cloudwatch::Client>,
    servicequotas: OnceLock<aws_sdk_servicequotas::Client>,
    globalaccelerator: OnceLock<aws_sdk_globalaccelerator::Client>,
    sts: OnceLock<aws_sdk_sts::Client>,
    /// GetCallerIdentity's answer, asked once per client: the credentials
    /// reach one account for the life of the process, and an unreachable
    /// STS costs its retries once rather than in every plan.
    account: tokio::sync::OnceCell<Result<String, AwsError>>,
    accounts: AccountGuard,
}

impl std::fmt::Debug for Aws {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Aws")
            .field("region", &self.region())
            .field("endpoints", &self.inner.endpoints)
            .finish_non_exhaustive()
    }
}

/// Validate the endpoint map (pure; used by `connect`).
pub fn check_endpoints(endpoints: &BTreeMap<String, String>) -> Result<(), ConnectError> {
    for (service, url) in endpoints {
        if !SERVICE_KEYS.contains(&service.as_str()) {
            return Err(ConnectError::UnknownEndpointService(service.clone()));
        }
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(ConnectError::BadEndpoint {
                service: service.clone(),
                url: url.clone(),
            });
        }
    }
    Ok(())
}

impl Aws {
    /// Load the shared configuration and set up the credentials (assumed
    /// roles included). No AWS call is made here; credentials are resolved
    /// on the first request (see [`Aws::check_account`]).
    pub async fn connect(settings: AwsSettings) -> Result<Aws, ConnectError> {
        check_endpoints(&settings.endpoints)?;
        let http = http_client(
            settings.custom_ca_bundle.as_deref(),
            settings.http_proxy.as_ref().map(Secret::expose),
        )?;
        let attempts = settings
            .max_retries
            .unwrap_or(DEFAULT_MAX_RETRIES)
            .saturating_add(1);
        let retry = match settings.retry_mode {
            RetryMode::Standard => RetryConfig::standard(),
            RetryMode::Adaptive => RetryConfig::adaptive(),
        };
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .http_client(http)
            .retry_config(retry.with_max_attempts(attempts));
        if !settings.shared_config_files.is_empty() || !settings.shared_credentials_files.is_empty()
        {
            loader = loader.profile_files(profile_files(&settings));
        }
        if let Some(profile) = &settings.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(region) = &settings.region {
            loader = loader.region(Region::new(region.clone()));
        }
        let mut config = loader.load().await;
        if config.region().is_none() {
            return Err(ConnectError::NoRegion);
        }
        // STS calls of the credential providers honour `endpoints { sts }`.
        let sts_config = |config: &SdkConfig| match settings.endpoints.get("sts") {
            Some(url) => config.to_builder().endpoint_url(url).build(),
            None => config.clone(),
        };
        if let Some(identity) = settings.web_identity.clone() {
            let sts = aws_sdk_sts::Client::new(&sts_config(&config));
            let provider = WebIdentityProvider { sts, identity };
            config = config
                .into_builder()
                .credentials_provider(SharedCredentialsProvider::new(provider))
                .build();
        }
        if let Some(role) = &settings.assume_role {
            let provider = assume_role_provider(role, &sts_config(&config)).await;
            config = config
                .into_builder()
                .credentials_provider(SharedCredentialsProvider::new(provider))
                .build();
        }
        Ok(Aws {
            inner: Arc::new(Inner {
                config,
                endpoints: settings.endpoints,
                accounts: settings.accounts,
                apigateway: OnceLock::new(),
                lambda: OnceLock::new(),
                dynamodb: OnceLock::new(),
                autoscaling: OnceLock::new(),
                cloudfront: OnceLock::new(),
                cloudwatch: OnceLock::new(),
                servicequotas: OnceLock::new(),
                globalaccelerator: OnceLock::new(),
                sts: OnceLock::new(),
                account: tokio::sync::OnceCell::new(),
            }),
        })
    }

    /// The account the credentials reach (STS GetCallerIdentity, asked once
    /// per client: a failure is not retried either).
    pub async fn caller_account(&self) -> Result<String, AwsError> {
        self.inner
            .account
            .get_or_init(|| async {
                let out = self
                    .sts()
                    .get_caller_identity()
                    .send()
                    .await
                    .map_err(sdk("sts", "GetCallerIdentity"))?;
                out.account.ok_or_else(|| {
                    AwsError::new(
                        "sts",
                        "GetCallerIdentity",
                        "AWS answered without an account",
                    )
                })
            })
            .await
            .clone()
    }

    /// Checks `allowed_account_ids` / `forbidden_account_ids` against the
    /// account the credentials reach. Without either list no call is made.
    pub async fn check_account(&self) -> Result<(), AccountCheckError> {
        if self.inner.accounts.is_empty() {
            return Ok(());
        }
        let account = self
            .caller_account()
            .await
            .map_err(AccountCheckError::Read)?;
        self.inner
            .accounts
            .check(&account)
            .map_err(AccountCheckError::Refused)
    }

    /// The region of the regional services.
    pub fn region(&self) -> &str {
        self.inner
            .config
            .region()
            .map(|r| r.as_ref())
            .unwrap_or_default()
    }

    fn endpoint(&self, key: &str) -> Option<&String> {
        self.inner.endpoints.get(key)
    }

    pub fn apigateway(&self) -> &aws_sdk_apigateway::Client {
        self.inner.apigateway.get_or_init(|| {
            let mut b = aws_sdk_apigateway::config::Builder::from(&self.inner.config);
            if let Some(url) = self.endpoint("apigateway") {
                b = b.endpoint_url(url);
            }
            aws_sdk_apigateway::Client::from_conf(b.build())
        })
    }

    pub fn lambda(&self) -> &aws_sdk_lambda::Client {
        self.inner.lambda.get_or_init(|| {
            let mut b = aws_sdk_lambda::config::Builder::from(&self.inner.config);
            if let Some(url) = self.endpoint(services::LAMBDA) {
                b = b.endpoint_url(url);
            }
            aws_sdk_lambda::Client::from_conf(b.build())
        })
    }

    pub fn dynamodb(&self) -> &aws_sdk_dynamodb::Client {
        self.inner.dynamodb.get_or_init(|| {
            let mut b = aws_sdk_dynamodb::config::Builder::from(&self.inner.config);
            if let Some(url) = self.endpoint(services::DYNAMODB) {
                b = b.endpoint_url(url);
            }
            aws_sdk_dynamodb::Client::from_conf(b.build())
        })
    }

    pub fn autoscaling(&self) -> &aws_sdk_applicationautoscaling::Client {
        self.inner.autoscaling.get_or_init(|| {
            let mut b = aws_sdk_applicationautoscaling::config::Builder::from(&self.inner.config);
            if let Some(url) = self.endpoint("applicationautoscaling") {
                b = b.endpoint_url(url);
            }
            aws_sdk_applicationautoscaling::Client::from_conf(b.build())
        })
    }

    /// CloudFront, always signed for us-east-1.
    pub fn cloudfront(&self) -> &aws_sdk_cloudfront::Client {
        self.inner.cloudfront.get_or_init(|| {
            let mut b = aws_sdk_cloudfront::config::Builder::from(&self.inner.config)
                .region(Region::new(CLOUDFRONT_REGION));
            if let Some(url) = self.endpoint("cloudfront") {
                b = b.endpoint_url(url);
            }
            aws_sdk_cloudfront::Client::from_conf(b.build())
        })
    }

    pub fn cloudwatch(&self) -> &aws_sdk_cloudwatch::Client {
        self.inner.cloudwatch.get_or_init(|| {
            let mut b = aws_sdk_cloudwatch::config::Builder::from(&self.inner.config);
            if let Some(url) = self.endpoint("cloudwatch") {
                b = b.endpoint_url(url);
            }
            aws_sdk_cloudwatch::Client::from_conf(b.build())
        })
    }

    pub fn servicequotas(&self) -> &aws_sdk_servicequotas::Client {
        self.inner.servicequotas.get_or_init(|| {
            let mut b = aws_sdk_servicequotas::config::Builder::from(&self.inner.config);
            if let Some(url) = self.endpoint("servicequotas") {
                b = b.endpoint_url(url);
            }
            aws_sdk_servicequotas::Client::from_conf(b.build())
        })
    }

    /// Global Accelerator, always in us-west-2.
    pub fn globalaccelerator(&self) -> &aws_sdk_globalaccelerator::Client {
        self.inner.globalaccelerator.get_or_init(|| {
            let mut b = aws_sdk_globalaccelerator::config::Builder::from(&self.inner.config)
                .region(Region::new(GLOBAL_ACCELERATOR_REGION));
            if let Some(url) = self.endpoint("globalaccelerator") {
                b = b.endpoint_url(url);
            }
            aws_sdk_globalaccelerator::Client::from_conf(b.build())
        })
    }
}

impl Aws {
    pub fn sts(&self) -> &aws_sdk_sts::Client {
        self.inner.sts.get_or_init(|| {
            let mut b = aws_sdk_sts::config::Builder::from(&self.inner.config);
            if let Some(url) = self.endpoint("sts") {
                b = b.endpoint_url(url);
            }
            aws_sdk_sts::Client::from_conf(b.build())
        })
    }
}

/// Why the account guard stopped the provider.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountCheckError {
    #[error("cannot check allowed_account_ids/forbidden_account_ids: {0}")]
    Read(AwsError),
    #[error("{0}")]
    Refused(AccountRefused),
}

// aws-config's names for aws-runtime's EnvConfigFiles (aws-runtime is not a
// direct dependency).
#[allow(deprecated)]
fn profile_files(settings: &AwsSettings) -> aws_config::profile::profile_file::ProfileFiles {
    use aws_config::profile::profile_file::{ProfileFileKind, ProfileFiles};
    let mut b = ProfileFiles::builder();
    if settings.shared_config_files.is_empty() {
        b = b.include_default_config_file(true);
    }
    if settings.shared_credentials_files.is_empty() {
        b = b.include_default_credentials_file(true);
    }
    for f in &settings.shared_config_files {
        b = b.with_file(ProfileFileKind::Config, f);
    }
    for f in &settings.shared_credentials_files {
        b = b.with_file(ProfileFileKind::Credentials, f);
    }
    b.build()
}

async fn assume_role_provider(role: &AssumeRole, config: &SdkConfig) -> AssumeRoleProvider {
    let mut b = AssumeRoleProvider::builder(role.role_arn.clone())
        .session_name(role.session_name.as_deref().unwrap_or(DEFAULT_SESSION_NAME));
    if let Some(id) = &role.external_id {
        b = b.external_id(id);
    }
    b = b.session_length(role.duration.unwrap_or(DEFAULT_ROLE_DURATION));
    if let Some(p) = &role.policy {
        b = b.policy(p);
    }
    if !role.tags.is_empty() {
        b = b.tags(role.tags.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    }
    b.configure(config).build().await
}

/// The one HTTP client (rustls with aws-lc), with the extra trusted
/// certificates and the proxy when configured.
fn http_client(
    ca_bundle: Option<&Path>,
    proxy: Option<&str>,
) -> Result<SharedHttpClient, ConnectError> {
    let provider = || tls::Provider::Rustls(tls::rustls_provider::CryptoMode::AwsLc);
    if ca_bundle.is_none() && proxy.is_none() {
        return Ok(aws_smithy_http_client::Builder::new()
            .tls_provider(provider())
            .build_https());
    }
    let mut trust = tls::TrustStore::default();
    if let Some(path) = ca_bundle {
        trust = trust.with_pem_certificate(read_ca_bundle(path)?);
    }
    let tls_context = tls::TlsContext::builder()
        .with_trust_store(trust)
        .build()
        .map_err(|e| ConnectError::CaBundle {
            path: ca_bundle
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            reason: e.to_string(),
        })?;
    let proxy = match proxy {
        Some(url) => Some(ProxyConfig::all(url).map_err(|_| ConnectError::Proxy {
            reason: "not a valid proxy URL".to_string(),
        })?),
        None => None,
    };
    Ok(
        aws_smithy_http_client::Builder::new().build_with_connector_fn(
            move |settings, components| {
                let mut b = Connector::builder();
                b.set_connector_settings(settings.cloned());
                if let Some(c) = components {
                    b.set_sleep_impl(c.sleep_impl());
                }
                if let Some(p) = &proxy {
                    b = b.proxy_config(p.clone());
                }
                b.tls_provider(provider())
                    .tls_context(tls_context.clone())
                    .build()
            },
        ),
    )
}

/// The PEM file's bytes, after checking it holds at least one certificate
/// and nothing unreadable.
fn read_ca_bundle(path: &Path) -> Result<Vec<u8>, ConnectError> {
    let err = |reason: String| ConnectError::CaBundle {
        path: path.display().to_string(),
        reason,
    };
    let bytes = std::fs::read(path).map_err(|e| err(e.to_string()))?;
    let mut count = 0;
    for cert in rustls_pki_types::CertificateDer::pem_slice_iter(&bytes) {
        cert.map_err(|e| err(format!("not a PEM certificate bundle ({e})")))?;
        count += 1;
    }
    if count == 0 {
        return Err(err("no PEM certificate in the file".to_string()));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_checked() {
        let mut m = BTreeMap::new();
        m.insert("lambda".to_string(), "http://127.0.0.1:4566".to_string());
        assert_eq!(check_endpoints(&m), Ok(()));
        m.insert("s3".to_string(), "http://x".to_string());
        assert_eq!(
            check_endpoints(&m),
            Err(ConnectError::UnknownEndpointService("s3".into()))
        );
        m.remove("s3");
        m.insert("dynamodb".to_string(), "127.0.0.1:1".to_string());
        assert!(matches!(
            check_endpoints(&m),
            Err(ConnectError::BadEndpoint { .. })
        ));
    }
}
