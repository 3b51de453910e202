data "smuppy_account_limits" "this" {}

variable "peak_origin_rps" {
  type    = number
  default = 8000
}

# A warning in every plan (check blocks warn, they do not fail) when the stage's traffic
# would pass the account's API Gateway throttle.
check "api_gateway_throttle" {
  assert {
    condition     = var.peak_origin_rps <= data.smuppy_account_limits.this.api_gateway_throttle_rate_limit
    error_message = "${var.peak_origin_rps} rps is above the account throttle of ${data.smuppy_account_limits.this.api_gateway_throttle_rate_limit} rps (${data.smuppy_account_limits.this.sources.api_gateway_throttle_rate_limit})."
  }
}

output "lambda_unreserved" {
  value = data.smuppy_account_limits.this.lambda_unreserved_concurrent_executions
}

output "lambda_concurrency_quota" {
  value = data.smuppy_account_limits.this.service_quotas["lambda/L-B99A9384"]
}
