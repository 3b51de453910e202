//! Account facts that could not be read, and what is assumed instead.
//!
//! `smuppy-validate --live` and the provider's plan-time reads ask the
//! account several independent questions. One that fails (access denied,
//! a service that is unreachable, throttling past the retries) does not
//! stop the others: its fact falls back to AWS's published default and is
//! recorded here, and every analysis reports it as a `LIV001` warning naming
//! the call, AWS's error code and the IAM action the read needs.

use serde::{Deserialize, Serialize};

use crate::finding::Finding;
use crate::profile::Location;
use crate::rules::catalogue as rule;

/// One fact the account did not give.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnreadFact {
    /// Which fact, as [`FactKey`] writes it (e.g. `lambda.account_settings`,
    /// `quota:apigateway/L-8A5B8E43`): how the limits find out that a
    /// default they fall back to is an assumption.
    pub key: String,
    /// What could not be read, in words.
    pub fact: String,
    /// The call that failed: `service Operation`.
    pub call: String,
    /// AWS's error code, when AWS answered one.
    pub error_code: Option<String>,
    /// AWS's message, or the transport error.
    pub message: String,
    /// The IAM action the read needs.
    pub iam_action: String,
    /// What the rules use instead.
    pub assumed: String,
}

/// The facts the account reads can miss, one key each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FactKey<'a> {
    /// `lambda:GetAccountSettings`: account and unreserved concurrency.
    LambdaAccount,
    /// The reserved concurrency of functions outside the profiles.
    LambdaOthers,
    /// `apigateway:GetAccount`: the account throttle.
    ApiGatewayAccount,
    /// A quota's applied value.
    Quota(&'a str, &'a str),
    /// A quota's open increase requests.
    QuotaRequests(&'a str, &'a str),
    /// A table's capacity mode and auto scaling.
    Table(&'a str),
    /// `dynamodb:DescribeLimits`: the account's and per-table capacity
    /// quotas.
    DynamoDbLimits,
}

impl std::fmt::Display for FactKey<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FactKey::LambdaAccount => f.write_str("lambda.account_settings"),
            FactKey::LambdaOthers => f.write_str("lambda.other_functions"),
            FactKey::ApiGatewayAccount => f.write_str("apigateway.account"),
            FactKey::Quota(s, c) => write!(f, "quota:{s}/{c}"),
            FactKey::QuotaRequests(s, c) => write!(f, "quota_requests:{s}/{c}"),
            FactKey::Table(t) => write!(f, "table:{t}"),
            FactKey::DynamoDbLimits => f.write_str("dynamodb.limits"),
        }
    }
}

impl UnreadFact {
    /// Adds the `LIV001` warning for this fact to `out`.
    pub fn emit(&self, out: &mut Vec<Finding>) {
        rule::LIV001.emit(
            out,
            Location::root(),
            format!(
                "{}; assumed instead: {}. {}",
                self.what_failed(),
                self.assumed,
                self.action_needed()
            ),
        );
    }

    /// The failure where nothing is assumed in its place (a read whose
    /// value is the point, such as a data source's): what, the call, the
    /// error code and the IAM action, worded as the `LIV001` warning.
    pub fn error_text(&self) -> String {
        format!("{}. {}", self.what_failed(), self.action_needed())
    }

    fn what_failed(&self) -> String {
        let code = match &self.error_code {
            Some(c) => format!("{c}: "),
            None => String::new(),
        };
        format!(
            "{} could not be read ({}: {code}{})",
            self.fact, self.call, self.message
        )
    }

    fn action_needed(&self) -> String {
        format!("Reading it needs the IAM action {}.", self.iam_action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

    #[test]
    fn keys() {
        assert_eq!(
            FactKey::Quota("lambda", "L-B99A9384").to_string(),
            "quota:lambda/L-B99A9384"
        );
        assert_eq!(FactKey::Table("t").to_string(), "table:t");
    }

    #[test]
    fn the_warning_names_call_code_action_and_assumption() {
        let u = UnreadFact {
            key: FactKey::LambdaAccount.to_string(),
            fact: "Lambda account concurrency".into(),
            call: "lambda GetAccountSettings".into(),
            error_code: Some("AccessDeniedException".into()),
            message: "not authorized".into(),
            iam_action: "lambda:GetAccountSettings".into(),
            assumed: "AWS's published default of 1,000".into(),
        };
        let mut out = Vec::new();
        u.emit(&mut out);
        let f = &out[0];
        assert_eq!(f.rule_id, rule::LIV001.id);
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(f.message, "Lambda account concurrency could not be read (lambda GetAccountSettings: AccessDeniedException: not authorized); assumed instead: AWS's published default of 1,000. Reading it needs the IAM action lambda:GetAccountSettings.");
        assert_eq!(u.error_text(), "Lambda account concurrency could not be read (lambda GetAccountSettings: AccessDeniedException: not authorized). Reading it needs the IAM action lambda:GetAccountSettings.");
    }
}
