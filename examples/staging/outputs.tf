output "capacity" {
  description = "Capacity analysis of the environment: origin rps, Lambda concurrency needed, sustainable rps, bottleneck, headroom."
  value       = module.scaling.capacity
}

output "estimated_monthly_cost_usd" {
  description = "Estimated monthly cost in US dollars."
  value       = module.scaling.estimated_monthly_cost_usd
}

output "cost_breakdown" {
  description = "Monthly cost estimate per service, in US dollars."
  value       = module.scaling.cost_breakdown
}

output "quota_request_statuses" {
  description = "Status of each quota increase request, keyed like var.quota_requests."
  value       = module.scaling.quota_request_statuses
}

output "dashboard_arn" {
  description = "ARN of the CloudWatch dashboard."
  value       = module.scaling.dashboard_arn
}
