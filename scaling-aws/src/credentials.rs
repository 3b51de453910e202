//! Credentials beyond the standard chain: a role assumed with a web identity
//! token, and the account guard (`allowed_account_ids` /
//! `forbidden_account_ids`) checked through STS GetCallerIdentity.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use aws_credential_types::provider::{self, error::CredentialsError, future, ProvideCredentials};
use aws_credential_types::Credentials;

/// A secret string: its `Debug` never shows the value, so it cannot reach a
/// log line through a `{:?}` of the settings.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself, for the one call that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "** redacted (length={}) **", self.0.len())
    }
}

/// `assume_role` of the provider block: STS AssumeRole with the credentials
/// the provider has otherwise (the standard chain, or the web identity role).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AssumeRole {
    pub role_arn: String,
    pub session_name: Option<String>,
    pub external_id: Option<String>,
    pub duration: Option<Duration>,
    /// Session policy (IAM policy JSON).
    pub policy: Option<String>,
    /// Session tags.
    pub tags: Vec<(String, String)>,
}

/// Where the web identity token comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebIdentityToken {
    Inline(Secret),
    /// Read again at every refresh (CI systems rotate the file).
    File(PathBuf),
}

/// `assume_role_with_web_identity` of the provider block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebIdentity {
    pub role_arn: String,
    pub session_name: Option<String>,
    pub token: WebIdentityToken,
    pub duration: Option<Duration>,
    pub policy: Option<String>,
}

/// Session name used when none is configured.
pub const DEFAULT_SESSION_NAME: &str = "smuppy-provider";

/// The role session's length when `duration` is left out: one hour, STS's
/// own default, sent explicitly so the documented value is the one applied.
pub const DEFAULT_ROLE_DURATION: Duration = Duration::from_secs(3600);

/// Credentials from STS AssumeRoleWithWebIdentity (an unsigned call: the
/// token is the proof). Caching is the SDK's identity cache's job.
#[derive(Debug)]
pub(crate) struct WebIdentityProvider {
    pub(crate) sts: aws_sdk_sts::Client,
    pub(crate) identity: WebIdentity,
}

impl WebIdentityProvider {
    async fn load(&self) -> provider::Result {
        let token = match &self.identity.token {
            WebIdentityToken::Inline(s) => s.expose().to_string(),
            WebIdentityToken::File(path) => std::fs::read_to_string(path)
                .map_err(|e| {
                    CredentialsError::invalid_configuration(format!(
                        "cannot read web_identity_token_file {}: {e}",
                        path.display()
                    ))
                })?
                .trim()
                .to_string(),
        };
        let out = self
            .sts
            .assume_role_with_web_identity()
            .role_arn(&self.identity.role_arn)
            .role_session_name(
                self.identity
                    .session_name
                    .as_deref()
                    .unwrap_or(DEFAULT_SESSION_NAME),
            )
            .web_identity_token(token)
            .duration_seconds(
                self.identity
                    .duration
                    .unwrap_or(DEFAULT_ROLE_DURATION)
                    .as_secs() as i32,
            )
            .set_policy(self.identity.policy.clone())
            .send()
            .await
            .map_err(|e| {
                CredentialsError::provider_error(format!(
                    "AssumeRoleWithWebIdentity for {}: {}",
                    self.identity.role_arn,
                    crate::error::AwsError::from_sdk("sts", "AssumeRoleWithWebIdentity", e)
                ))
            })?;
        let c = out.credentials.ok_or_else(|| {
            CredentialsError::unhandled("AssumeRoleWithWebIdentity answered without credentials")
        })?;
        let expiry = SystemTime::try_from(c.expiration).ok();
        Ok(Credentials::new(
            c.access_key_id,
            c.secret_access_key,
            Some(c.session_token),
            expiry,
            "smuppy-web-identity",
        ))
    }
}

impl ProvideCredentials for WebIdentityProvider {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.load())
    }
}

/// The account guard of the provider block. Empty lists allow every account.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccountGuard {
    pub allowed: Vec<String>,
    pub forbidden: Vec<String>,
}

/// Why the account the credentials reach is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountRefused {
    #[error("the credentials reach AWS account {account}, which is not in allowed_account_ids ({allowed}); nothing was changed")]
    NotAllowed { account: String, allowed: String },
    #[error("the credentials reach AWS account {account}, which is listed in forbidden_account_ids ({forbidden}); nothing was changed")]
    Forbidden { account: String, forbidden: String },
}

impl AccountRefused {
    /// The provider attribute the refusal comes from.
    pub fn attribute(&self) -> &'static str {
        match self {
            AccountRefused::NotAllowed { .. } => "allowed_account_ids",
            AccountRefused::Forbidden { .. } => "forbidden_account_ids",
        }
    }
}

impl AccountGuard {
    pub fn is_empty(&self) -> bool {
        self.allowed.is_empty() && self.forbidden.is_empty()
    }

    /// Pure check of the account GetCallerIdentity reported.
    pub fn check(&self, account: &str) -> Result<(), AccountRefused> {
        let list = |ids: &[String]| ids.join(", ");
        if !self.allowed.is_empty() && !self.allowed.iter().any(|a| a == account) {
            return Err(AccountRefused::NotAllowed {
                account: account.to_string(),
                allowed: list(&self.allowed),
            });
        }
        if self.forbidden.iter().any(|a| a == account) {
            return Err(AccountRefused::Forbidden {
                account: account.to_string(),
                forbidden: list(&self.forbidden),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_debug_hides_the_value() {
        let s = Secret::new("eyJhbGciOiJSUzI1NiJ9.token");
        let shown = format!("{s:?}");
        assert!(!shown.contains("eyJ"), "{shown}");
        assert!(shown.contains("redacted"));
    }

    #[test]
    fn guard_names_both_accounts() {
        let g = AccountGuard {
            allowed: vec!["210987654321".into()],
            forbidden: vec![],
        };
        assert_eq!(g.check("210987654321"), Ok(()));
        let e = g.check("123456789012").unwrap_err().to_string();
        assert!(
            e.contains("123456789012") && e.contains("210987654321"),
            "{e}"
        );

        let g = AccountGuard {
            allowed: vec![],
            forbidden: vec!["123456789012".into()],
        };
        assert_eq!(g.check("210987654321"), Ok(()));
        let e = g.check("123456789012").unwrap_err();
        assert!(matches!(e, AccountRefused::Forbidden { .. }));
        assert!(AccountGuard::default().check("1").is_ok());
    }
}
