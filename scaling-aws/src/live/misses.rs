//! What the account reads could not get: each failed read names its fact,
//! the call, AWS's error code and the IAM action, and what is assumed
//! instead (`scaling::unread`).

use scaling::finding::num;
use scaling::limits::{QUOTA_APIGW_RATE, QUOTA_LAMBDA_CONCURRENCY};
use scaling::{FactKey, Limits, LiveFacts, UnreadFact};

use crate::services;
use crate::AwsError;

/// The facts a group of reads could not get, and whether any read succeeded.
/// A failed read does not stop the others: its fact falls back to AWS's
/// published default (see `scaling::unread`).
#[derive(Debug, Default)]
pub(super) struct Misses {
    pub(super) unread: Vec<UnreadFact>,
    first_error: Option<AwsError>,
    reads_ok: usize,
}

impl Misses {
    pub(super) fn ok(&mut self) {
        self.reads_ok += 1;
    }

    pub(super) fn miss(
        &mut self,
        key: FactKey,
        fact: impl Into<String>,
        assumed: impl Into<String>,
        e: AwsError,
    ) {
        self.unread.push(unread(key, fact, assumed, &e));
        self.first_error.get_or_insert(e);
    }

    pub(super) fn absorb(&mut self, other: Misses) {
        self.unread.extend(other.unread);
        self.reads_ok += other.reads_ok;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }

    /// The facts with what was not read, or the first error when no read
    /// at all succeeded (nothing to stand on: an unreachable account,
    /// missing credentials).
    pub(super) fn finish(self, mut facts: LiveFacts) -> Result<LiveFacts, AwsError> {
        if self.reads_ok == 0 {
            if let Some(e) = self.first_error {
                return Err(e);
            }
        }
        facts.unread = self.unread;
        Ok(facts)
    }
}

/// A failed read as the fact it did not get: the call, AWS's error code
/// and the IAM action the read needs.
pub(super) fn unread(
    key: FactKey,
    fact: impl Into<String>,
    assumed: impl Into<String>,
    e: &AwsError,
) -> UnreadFact {
    UnreadFact {
        key: key.to_string(),
        fact: fact.into(),
        call: format!("{} {}", e.service, e.operation),
        error_code: e.code.clone(),
        message: e.concise_message().to_string(),
        iam_action: iam_action(&e.service, &e.operation),
        assumed: assumed.into(),
    }
}

pub(super) fn published_concurrency() -> String {
    format!(
        "AWS's published default of {} concurrent executions",
        num(Limits::default().lambda_account_concurrency as f64)
    )
}

pub(super) fn published_throttle() -> String {
    let d = Limits::default();
    format!(
        "AWS's published default of {} requests per second, burst {}",
        num(d.apigw_account_rps),
        num(d.apigw_account_burst)
    )
}

/// The applied value of a quota could not be read.
pub(super) fn quota_miss(misses: &mut Misses, service: &str, code: &str, e: AwsError) {
    let assumed = if (service, code) == ("apigateway", QUOTA_APIGW_RATE) {
        format!(
            "the account throttle GetAccount reports where it was read, else {}",
            published_throttle()
        )
    } else if (service, code) == (services::LAMBDA, QUOTA_LAMBDA_CONCURRENCY) {
        format!(
            "the concurrency GetAccountSettings reports where it was read, else {}",
            published_concurrency()
        )
    } else {
        "not known: the rules that compare the request with it (LIM011) skip it".to_string()
    };
    misses.miss(
        FactKey::Quota(service, code),
        format!("The applied value of quota {service}/{code}"),
        assumed,
        e,
    );
}

/// The IAM action behind a call, for the services the account reads use.
/// API Gateway's control plane is authorised by HTTP method on a resource
/// path (`apigateway:GET` on `arn:aws:apigateway:REGION::/account`).
fn iam_action(service: &str, operation: &str) -> String {
    match service {
        "apigateway" => "apigateway:GET".to_string(),
        "applicationautoscaling" => format!("application-autoscaling:{operation}"),
        other => format!("{other}:{operation}"),
    }
}

#[cfg(test)]
mod tests {
    use super::iam_action;

    #[test]
    fn actions_of_the_calls_the_reads_make() {
        assert_eq!(
            iam_action("servicequotas", "GetServiceQuota"),
            "servicequotas:GetServiceQuota"
        );
        assert_eq!(iam_action("apigateway", "GetAccount"), "apigateway:GET");
        assert_eq!(
            iam_action("applicationautoscaling", "DescribeScalableTargets"),
            "application-autoscaling:DescribeScalableTargets"
        );
    }
}
