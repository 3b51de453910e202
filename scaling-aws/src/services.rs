//! The AWS services' own names, as AWS spells them: the key of a service's
//! endpoint in the provider block ([`crate::client::SERVICE_KEYS`]), the
//! service an [`crate::error::AwsError`] names, and Lambda's Service Quotas
//! service code. They are AWS's, not the profile's attribute names, which
//! they happen to equal.

pub const LAMBDA: &str = "lambda";
pub const DYNAMODB: &str = "dynamodb";
