# Service Quotas increase requests: API Gateway's account throttle and Lambda's
# concurrent executions. A request is filed only when the applied value is
# below desired_value and no request is open; its id and status are exported.
resource "smuppy_scaling_profile" "quotas" {
  name = "prod-quotas"

  quota_requests = {
    api_throttle = {
      service_code  = "apigateway"
      quota_code    = "L-8A5B8E43"
      desired_value = 100000
    }
    lambda_concurrency = {
      service_code  = "lambda"
      quota_code    = "L-B99A9384"
      desired_value = 12000
    }
  }
}

output "quota_statuses" {
  value = { for key, q in smuppy_scaling_profile.quotas.quota_requests : key => q.status }
}
