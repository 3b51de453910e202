//! The connection to AWS: one `SdkConfig`, one HTTP connection pool, and a
//! typed client per service built the first time it is needed.

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

/// Settings from the provider block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AwsSettings {
    /// Region for the regional services (API Gateway, Lambda, DynamoDB,
    /// Application Auto Scaling, CloudWatch, Service Quotas). `None` uses the
    /// standard chain (`AWS_REGION`, the shared config file).
    pub region: Option<String>,
    /// Named profile of the shared config/credentials files.
    pub profile: Option<String>,
    /// Endpoint URL per service, for emulators or private endpoints. Keys:
    /// `apigateway`, `lambda`, `dynamodb`, `applicationautoscaling`,
    /// `cloudfront`, `cloudwatch`, `servicequotas`, `globalaccelerator`.
    pub endpoints: BTreeMap<String, String>,
    /// Retries after the first attempt (standard retry mode: throttling and
    /// transient errors back off exponentially with jitter). Default
    /// [`DEFAULT_MAX_RETRIES`].
    pub max_retries: Option<u32>,
}

/// Retries after the first attempt when the provider block sets none.
pub const DEFAULT_MAX_RETRIES: u32 = 3;

/// The service keys accepted in [`AwsSettings::endpoints`].
pub const SERVICE_KEYS: [&str; 8] = [
    "apigateway",
    "lambda",
    "dynamodb",
    "applicationautoscaling",
    "cloudfront",
    "cloudwatch",
    "servicequotas",
    "globalaccelerator",
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
    /// Load the shared configuration. No AWS call is made here; credentials
    /// are resolved on the first request.
    pub async fn connect(settings: AwsSettings) -> Result<Aws, ConnectError> {
        check_endpoints(&settings.endpoints)?;
        let http = aws_smithy_http_client::Builder::new()
            .tls_provider(aws_smithy_http_client::tls::Provider::Rustls(
                aws_smithy_http_client::tls::rustls_provider::CryptoMode::AwsLc,
            ))
            .build_https();
        let attempts = settings
            .max_retries
            .unwrap_or(DEFAULT_MAX_RETRIES)
            .saturating_add(1);
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .http_client(http)
            .retry_config(RetryConfig::standard().with_max_attempts(attempts));
        if let Some(profile) = &settings.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(region) = &settings.region {
            loader = loader.region(Region::new(region.clone()));
        }
        let config = loader.load().await;
        if config.region().is_none() {
            return Err(ConnectError::NoRegion);
        }
        Ok(Aws {
            inner: Arc::new(Inner {
                config,
                endpoints: settings.endpoints,
                apigateway: OnceLock::new(),
                lambda: OnceLock::new(),
                dynamodb: OnceLock::new(),
                autoscaling: OnceLock::new(),
                cloudfront: OnceLock::new(),
                cloudwatch: OnceLock::new(),
                servicequotas: OnceLock::new(),
                globalaccelerator: OnceLock::new(),
            }),
        })
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
            if let Some(url) = self.endpoint("lambda") {
                b = b.endpoint_url(url);
            }
            aws_sdk_lambda::Client::from_conf(b.build())
        })
    }

    pub fn dynamodb(&self) -> &aws_sdk_dynamodb::Client {
        self.inner.dynamodb.get_or_init(|| {
            let mut b = aws_sdk_dynamodb::config::Builder::from(&self.inner.config);
            if let Some(url) = self.endpoint("dynamodb") {
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
