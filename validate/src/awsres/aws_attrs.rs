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

/// `aws_api_gateway_stage`, `aws_api_gateway_integration`.
pub(super) const REST_API_ID: &str = "rest_api_id";
/// `aws_api_gateway_stage`, `aws_api_gateway_method_settings`.
pub(super) const STAGE_NAME: &str = "stage_name";

/// `aws_lambda_function`, `aws_lambda_alias`,
/// `aws_lambda_provisioned_concurrency_config`.
pub(super) const FUNCTION_NAME: &str = "function_name";
/// `aws_lambda_function`.
pub(super) const MEMORY_SIZE: &str = "memory_size";
pub(super) const TIMEOUT: &str = "timeout";
/// `aws_lambda_provisioned_concurrency_config`.
pub(super) const QUALIFIER: &str = "qualifier";

/// `aws_servicequotas_service_quota`.
pub(super) const SERVICE_CODE: &str = "service_code";
pub(super) const QUOTA_CODE: &str = "quota_code";

/// `aws_dynamodb_table`.
pub(super) const BILLING_MODE: &str = "billing_mode";
pub(super) const READ_CAPACITY: &str = "read_capacity";
pub(super) const WRITE_CAPACITY: &str = "write_capacity";
/// `aws_appautoscaling_target`.
pub(super) const MIN_CAPACITY: &str = "min_capacity";
pub(super) const MAX_CAPACITY: &str = "max_capacity";
/// `aws_appautoscaling_target`'s `service_namespace` of a table.
pub(super) const NAMESPACE_DYNAMODB: &str = "dynamodb";
/// `aws_appautoscaling_policy`'s `target_tracking_scaling_policy_configuration`.
pub(super) const SCALE_IN_COOLDOWN: &str = "scale_in_cooldown";
pub(super) const SCALE_OUT_COOLDOWN: &str = "scale_out_cooldown";

/// `aws_cloudfront_cache_policy`.
pub(super) const COMMENT: &str = "comment";
pub(super) const MIN_TTL: &str = "min_ttl";
pub(super) const DEFAULT_TTL: &str = "default_ttl";
pub(super) const MAX_TTL: &str = "max_ttl";
/// `aws_cloudfront_cache_policy`'s
/// `parameters_in_cache_key_and_forwarded_to_origin`.
pub(super) const ENABLE_GZIP: &str = "enable_accept_encoding_gzip";
pub(super) const ENABLE_BROTLI: &str = "enable_accept_encoding_brotli";
/// Its `headers_config`, `cookies_config` and `query_strings_config`.
pub(super) const HEADER_BEHAVIOR: &str = "header_behavior";
pub(super) const HEADERS: &str = "headers";
pub(super) const COOKIE_BEHAVIOR: &str = "cookie_behavior";
pub(super) const COOKIES: &str = "cookies";
pub(super) const QUERY_STRING_BEHAVIOR: &str = "query_string_behavior";
pub(super) const QUERY_STRINGS: &str = "query_strings";

/// `aws_globalaccelerator_accelerator`.
pub(super) const IP_ADDRESS_TYPE: &str = "ip_address_type";
pub(super) const ENABLED: &str = "enabled";
/// `aws_globalaccelerator_listener`.
pub(super) const PROTOCOL: &str = "protocol";
/// `aws_globalaccelerator_endpoint_group`.
pub(super) const ENDPOINT_GROUP_REGION: &str = "endpoint_group_region";
