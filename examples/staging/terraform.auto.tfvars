# Staging: today's measured scale (runbook load test, 2,000 VUs):
# 27,535 req/s at 55 ms average latency, 99.99 % success.
# Those 27,535 req/s passed an account throttle of 10,000 req/s, so CloudFront
# answered most of them: a cache hit ratio of 0.7 leaves ~8,300 req/s at the
# origin, ~455 concurrent executions at 55 ms. Everything stays within the
# account's default limits (API Gateway 10,000 req/s, burst 5,000; Lambda
# 1,000 concurrent executions with 100 kept unreserved), so no quota request.

profile_name = "staging"

traffic = {
  peak_rps          = 27535
  latency_ms        = 55
  cache_hit_ratio   = 0.7
  reads_per_request = 1
  # Cost basis (assumed, replace with the measured count): staging sees load
  # tests, not a month at peak.
  monthly_requests = 50000000
}

api_gateway = {
  rest_api_id = "bmkd8zayee"
  stage_name  = "staging"
  rate_limit  = 10000
  burst_limit = 5000
}

lambda_pools = {
  api = {
    function_name           = "smuppy-api-handler"
    qualifier               = "prod"
    reserved_concurrency    = 800
    provisioned_concurrency = 50
    memory_size             = 512
    timeout                 = 29
    publish_on_change       = true
  }
}

dynamodb_tables = {
  feeds = {
    table_name   = "smuppy-feeds-staging"
    billing_mode = "PAY_PER_REQUEST"
  }
}

dashboard = {
  name = "SmuppyScalingStaging"
}

budget = {
  monthly_usd = 500
}
