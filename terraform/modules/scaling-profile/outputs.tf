output "id" {
  description = "Id of the scaling profile (its name)."
  value       = smuppy_scaling_profile.this.id
}

output "quota_request_ids" {
  description = "Id of the increase request filed or adopted per quota, keyed like `var.quota_requests` (null when none was needed)."
  value       = { for k, q in coalesce(smuppy_scaling_profile.this.quota_requests, {}) : k => q.request_id }
}

output "quota_request_statuses" {
  description = "Status per quota, keyed like `var.quota_requests`: the request's status as AWS reports it (`PENDING`, `CASE_OPENED`, `APPROVED`, ...) or `APPLIED` when no request was needed."
  value       = { for k, q in coalesce(smuppy_scaling_profile.this.quota_requests, {}) : k => q.status }
}

output "quota_applied_values" {
  description = "Value in force per quota, keyed like `var.quota_requests`."
  value       = { for k, q in coalesce(smuppy_scaling_profile.this.quota_requests, {}) : k => q.applied_value }
}

output "lambda_pools" {
  description = "Per pool, keyed like `var.lambda_pools`: the version the qualifier points to and the provisioned concurrency status (`READY`, `IN_PROGRESS`, `FAILED`)."
  value = {
    for k, l in coalesce(smuppy_scaling_profile.this.lambda_pools, {}) : k => {
      qualifier_version  = l.qualifier_version
      provisioned_status = l.provisioned_status
    }
  }
}

output "cache_policy_id" {
  description = "Id of the CloudFront cache policy (null when none is managed)."
  value       = try(smuppy_scaling_profile.this.cache_policy.id, null)
}

output "cache_policy_etag" {
  description = "Current ETag of the CloudFront cache policy (null when none is managed)."
  value       = try(smuppy_scaling_profile.this.cache_policy.etag, null)
}

output "dashboard_arn" {
  description = "ARN of the CloudWatch dashboard (null when none is managed)."
  value       = try(smuppy_scaling_profile.this.dashboard.arn, null)
}

output "global_accelerator_dns_name" {
  description = "DNS name of the Global Accelerator (null when none is managed)."
  value       = try(smuppy_scaling_profile.this.global_accelerator.dns_name, null)
}

output "capacity" {
  description = "Capacity analysis: origin requests per second after the cache, Lambda concurrency needed, highest sustainable rate of the chain, its bottleneck and the headroom (sustainable / target)."
  value       = smuppy_scaling_profile.this.capacity
}

output "estimated_monthly_cost_usd" {
  description = "Estimated monthly cost of the traffic model in US dollars."
  value       = smuppy_scaling_profile.this.estimated_monthly_cost_usd
}

output "cost_breakdown" {
  description = "Monthly cost estimate per service, in US dollars."
  value       = smuppy_scaling_profile.this.cost_breakdown
}
