//! The names of hashicorp/aws's `aws_*` attributes (and one value) the
//! reader uses that are spelled as one of the profile's own names. They are
//! the AWS provider's contract: they must not follow the profile's model if
//! it renames an attribute, so they are written here, apart from the
//! profile's names (`scaling::model`), which the linking code uses for the
//! side it fills. The AWS provider's other attribute names (`publish`,
//! `limit_amount`, …) equal none of the profile's and are written where
//! they are read.

/// `name` of `aws_dynamodb_table`, `aws_lambda_alias`,
/// `aws_cloudfront_cache_policy` and `aws_globalaccelerator_accelerator`.
pub(super) const NAME: &str = "name";
/// `arn` of `aws_globalaccelerator_accelerator` and `_listener`.
pub(super) const ARN: &str = "arn";

/// `aws_globalaccelerator_accelerator`.
pub(super) const IP_ADDRESS_TYPE: &str = "ip_address_type";
pub(super) const ENABLED: &str = "enabled";
/// `aws_globalaccelerator_listener`.
pub(super) const PROTOCOL: &str = "protocol";
/// `aws_globalaccelerator_endpoint_group`.
pub(super) const ENDPOINT_GROUP_REGION: &str = "endpoint_group_region";
