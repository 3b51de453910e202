//! The account reader behind `--live`: AWS settings from the flags (like the
//! provider block's `region`, `profile` and `endpoints`) and the standard
//! credential chain; the reads themselves are `scaling_aws::live`.

use std::collections::BTreeMap;
use std::time::Duration;

use scaling::{Limits, Profile};
use scaling_aws::client::SERVICE_KEYS;
use scaling_aws::{Aws, AwsSettings, ConnectError};

use crate::config::Config;
use crate::error::InputError;
use crate::live::LiveSource;

/// The whole read gives up after this long (an unreachable endpoint that
/// drops packets instead of refusing them).
pub const READ_TIMEOUT: Duration = Duration::from_secs(90);

/// Reads `LiveFacts` from the account through the AWS SDK.
#[derive(Debug, Clone)]
pub struct AwsSource {
    pub settings: AwsSettings,
}

impl AwsSource {
    /// The source `--live` asks for, `None` without `--live`.
    pub fn from_config(config: &Config) -> Option<AwsSource> {
        config.live.clone().map(|settings| AwsSource { settings })
    }

    async fn read(&self, profiles: &[Profile]) -> Result<scaling::LiveFacts, String> {
        let aws = Aws::connect(self.settings.clone())
            .await
            .map_err(|e| match e {
                ConnectError::NoRegion => "no AWS region: pass --region, or set AWS_REGION or a region in the shared config profile".to_string(),
                other => other.to_string(),
            })?;
        let region = aws.region().to_string();
        scaling_aws::live::read_live_facts(&aws, profiles)
            .await
            .map_err(|e| {
                format!(
                    "reading the account in {region}: {}",
                    concise(&e.to_string())
                )
            })
    }
}

/// The SDK's transport errors end with a debug dump of the whole error
/// chain, e.g. ` (DispatchFailure(DispatchFailure { source: ... }))`, after
/// the readable causes: keep the readable part.
pub fn concise(message: &str) -> String {
    scaling_aws::error::concise(message).to_string()
}

impl LiveSource for AwsSource {
    fn fill(&self, profiles: &[Profile], limits: &mut Limits) -> Result<(), String> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the async runtime: {e}"))?;
        let facts = rt.block_on(async {
            match tokio::time::timeout(READ_TIMEOUT, self.read(profiles)).await {
                Ok(r) => r,
                Err(_) => Err(format!(
                    "no answer from AWS within {} s",
                    READ_TIMEOUT.as_secs()
                )),
            }
        })?;
        limits.live = facts;
        Ok(())
    }
}

/// `SERVICE=URL` pairs, with the provider's service keys.
pub fn parse_endpoints(list: &[String]) -> Result<BTreeMap<String, String>, InputError> {
    let mut out = BTreeMap::new();
    for item in list {
        let (service, url) = item.split_once('=').ok_or_else(|| {
            InputError::Other(format!("--endpoint {item:?}: expected SERVICE=URL"))
        })?;
        let service = service.trim();
        let url = url.trim();
        if !SERVICE_KEYS.contains(&service) {
            return Err(InputError::Other(format!(
                "--endpoint: unknown service {service:?}; expected one of: {}",
                SERVICE_KEYS.join(", ")
            )));
        }
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(InputError::Other(format!(
                "--endpoint {service}: not an http(s) URL: {url:?}"
            )));
        }
        if out.insert(service.to_string(), url.to_string()).is_some() {
            return Err(InputError::Other(format!(
                "--endpoint: {service} given twice"
            )));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn endpoints_parse_with_the_provider_keys() {
        let m = parse_endpoints(&list(&[
            "lambda=http://127.0.0.1:4566",
            "servicequotas = https://sq.example",
        ]))
        .map_err(|e| e.to_string());
        let m = match m {
            Ok(m) => m,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(
            m.get("lambda").map(String::as_str),
            Some("http://127.0.0.1:4566")
        );
        assert_eq!(
            m.get("servicequotas").map(String::as_str),
            Some("https://sq.example")
        );
    }

    #[test]
    fn sdk_debug_dumps_are_cut() {
        let m = "lambda GetAccountSettings: dispatch failure: io error: connection refused (DispatchFailure(DispatchFailure { source: ConnectorError { kind: Io } }))";
        assert_eq!(
            concise(m),
            "lambda GetAccountSettings: dispatch failure: io error: connection refused"
        );
        assert_eq!(
            concise("apigateway GetAccount: AccessDenied: no"),
            "apigateway GetAccount: AccessDenied: no"
        );
    }

    #[test]
    fn bad_endpoints_say_why() {
        let cases = [
            ("lambda", "expected SERVICE=URL"),
            ("s3=http://x", "unknown service \"s3\""),
            ("lambda=127.0.0.1:1", "not an http(s) URL"),
        ];
        for (item, want) in cases {
            match parse_endpoints(&list(&[item])) {
                Ok(m) => panic!("{item}: accepted as {m:?}"),
                Err(e) => assert!(e.to_string().contains(want), "{item}: {e}"),
            }
        }
        match parse_endpoints(&list(&["lambda=http://a", "lambda=http://b"])) {
            Ok(m) => panic!("duplicate accepted as {m:?}"),
            Err(e) => assert!(e.to_string().contains("given twice"), "{e}"),
        }
    }
}
