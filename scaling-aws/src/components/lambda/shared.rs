//! What the Lambda files share: capture keys, the attribute a pool's
//! diagnostics point at, and AWS's not-found codes.

use crate::capture_key::CaptureKey;
use crate::error::AwsError;
use crate::state::ProvisionedObserved;
use scaling::model;
use scaling::Location;

pub(super) const SERVICE: &str = crate::services::LAMBDA;

/// Private-state key of a function's own settings.
pub fn function_key(function: &str) -> String {
    CaptureKey::Lambda {
        function: function.to_string(),
    }
    .to_string()
}

/// Private-state key of a qualifier's alias target and provisioned concurrency.
pub fn qualifier_key(function: &str, qualifier: &str) -> String {
    CaptureKey::Provisioned {
        function: function.to_string(),
        qualifier: qualifier.to_string(),
    }
    .to_string()
}

/// A qualifier made only of digits is a published version, anything else
/// (but `$LATEST`) an alias.
pub fn is_version(qualifier: &str) -> bool {
    !qualifier.is_empty() && qualifier.bytes().all(|b| b.is_ascii_digit())
}

pub(super) fn loc(i: usize) -> Location {
    Location::attr(model::LAMBDA.location).index(i)
}

/// What Lambda answers for a function, alias or version that does not exist.
pub(super) const NOT_FOUND: &[&str] = &["ResourceNotFoundException"];

/// What it answers for a qualifier without provisioned concurrency.
pub(super) const PC_NOT_FOUND: &[&str] = &[
    "ProvisionedConcurrencyConfigNotFoundException",
    "ResourceNotFoundException",
];

pub(super) fn aws_err<E>(
    op: &'static str,
) -> impl FnOnce(aws_sdk_lambda::error::SdkError<E, aws_smithy_runtime_api::http::Response>) -> AwsError
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata
        + std::error::Error
        + Send
        + Sync
        + 'static,
{
    crate::error::sdk(SERVICE, op)
}

/// The error of a provisioned concurrency config AWS reports FAILED, with
/// AWS's own reason.
pub fn failed_message(p: &ProvisionedObserved) -> String {
    format!(
        "provisioned concurrency FAILED: {} (allocated {} of {})",
        p.status_reason.as_deref().unwrap_or("AWS gave no reason"),
        p.allocated,
        p.requested
    )
}

/// What one step must do with a setting: leave it, set it, or remove it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target<T> {
    Keep,
    Set(T),
    Unset,
}

/// The value a field should reach: the profile's value; or, when the
/// previous profile managed the field and this one no longer does, the
/// captured prior value (`None` prior → unset); otherwise leave it alone.
pub fn target<T: Copy>(
    desired: Option<T>,
    previous: Option<T>,
    prior: Option<Option<T>>,
) -> Target<T> {
    match (desired, previous, prior) {
        (Some(v), _, _) => Target::Set(v),
        (None, Some(_), Some(Some(p))) => Target::Set(p),
        (None, Some(_), Some(None)) => Target::Unset,
        _ => Target::Keep,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::ProvisionedObserved;

    #[test]
    fn failed_provisioned_concurrency_carries_aws_reason() {
        let p = ProvisionedObserved {
            status: "FAILED".into(),
            status_reason: Some(
                "FUNCTION_ERROR_INIT_FAILURE: Function failed to initialize".into(),
            ),
            allocated: 0,
            requested: 50,
            ..ProvisionedObserved::default()
        };
        let m = failed_message(&p);
        assert!(
            m.contains("FUNCTION_ERROR_INIT_FAILURE: Function failed to initialize"),
            "{m}"
        );
        assert!(m.contains("allocated 0 of 50"), "{m}");
        let none = failed_message(&ProvisionedObserved {
            status_reason: None,
            ..p
        });
        assert!(none.contains("AWS gave no reason"), "{none}");
    }

    #[test]
    fn qualifiers() {
        assert!(is_version("12"));
        assert!(!is_version("prod"));
        assert!(!is_version("$LATEST"));
        assert!(!is_version(""));
        assert_eq!(qualifier_key("fn", "prod"), "provisioned:fn:prod");
        assert_eq!(function_key("fn"), "lambda:fn");
    }

    #[test]
    fn targets_restore_only_what_the_previous_profile_managed() {
        assert_eq!(target(Some(5), None, None), Target::Set(5));
        assert_eq!(target(Some(5), Some(3), Some(Some(1))), Target::Set(5));
        assert_eq!(target::<i64>(None, None, Some(Some(1))), Target::Keep);
        assert_eq!(target::<i64>(None, Some(3), Some(Some(1))), Target::Set(1));
        assert_eq!(target::<i64>(None, Some(3), Some(None)), Target::Unset);
        assert_eq!(target::<i64>(None, Some(3), None), Target::Keep);
    }
}
