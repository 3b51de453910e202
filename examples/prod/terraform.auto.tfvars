# Prod: the runbook's 100,000 req/s target. CloudFront caches GET responses
# (hit ratio 0.8), API Gateway's account throttle is raised to 100,000 req/s,
# three Lambda pools reserve 3,000 + 3,000 + 4,000 = 10,000 concurrent
# executions, which needs the Lambda concurrency quota raised above
# 10,000 + 100 unreserved, and the feed table runs on demand. Provisioned
# concurrency totals the runbook's 1,000 (400 + 300 + 300), covering most of
# the ~1,100 executions 20,000 origin req/s need at 55 ms.

profile_name = "prod"

traffic = {
  peak_rps          = 100000
  latency_ms        = 55
  cache_hit_ratio   = 0.8
  reads_per_request = 1
  # Cost basis of the runbook's estimate (~$2,050/month): 100M requests a month.
  monthly_requests = 100000000
}

quota_requests = {
  api_throttle       = { service_code = "apigateway", quota_code = "L-8A5B8E43", desired_value = 100000 }
  lambda_concurrency = { service_code = "lambda", quota_code = "L-B99A9384", desired_value = 12000 }
}

api_gateway = {
  rest_api_id = "bmkd8zayee"
  stage_name  = "prod"
  rate_limit  = 100000
  burst_limit = 5000
}

lambda_pools = {
  api = {
    function_name           = "smuppy-api-handler"
    qualifier               = "prod"
    reserved_concurrency    = 3000
    provisioned_concurrency = 400
    memory_size             = 1024
    timeout                 = 29
    publish_on_change       = true
  }
  pool_2 = {
    function_name           = "smuppy-api-pool-2"
    qualifier               = "prod"
    reserved_concurrency    = 3000
    provisioned_concurrency = 300
    memory_size             = 1024
    timeout                 = 29
    publish_on_change       = true
  }
  pool_3 = {
    function_name           = "smuppy-api-pool-3"
    qualifier               = "prod"
    reserved_concurrency    = 4000
    provisioned_concurrency = 300
    memory_size             = 1024
    timeout                 = 29
    publish_on_change       = true
  }
}

dynamodb_tables = {
  feeds = {
    table_name   = "smuppy-feeds-prod"
    billing_mode = "PAY_PER_REQUEST"
  }
}

cache_policy = {
  name                          = "SmuppyAPICache"
  comment                       = "GET endpoints of the smuppy API"
  min_ttl                       = 1
  default_ttl                   = 60
  max_ttl                       = 300
  enable_accept_encoding_gzip   = true
  enable_accept_encoding_brotli = true
  header_behavior               = "whitelist"
  headers                       = ["Authorization"]
  cookie_behavior               = "none"
  query_string_behavior         = "all"
}

dashboard = {
  name = "SmuppyScaling"
}

# The runbook's ~$2,050/month leaves out provisioned concurrency, which is
# billed around the clock: 1,000 executions at 1 GB are ~$10,800/month.
budget = {
  monthly_usd = 15000
}
