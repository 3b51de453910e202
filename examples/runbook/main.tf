# The 100k req/s runbook, as written, in one smuppy_scaling_profile.
#
# Every value below is the runbook's own. Its mistakes are kept on purpose:
# `smuppy-validate examples/runbook` reports each one with its arithmetic
# (Lambda timeout 30 s behind a 29 s integration timeout, 10,000 reserved
# executions in a 1,000-execution account, a stage rate ten times the account
# throttle, a 50,000 burst AWS does not grant, Authorization in the cache key,
# and a ~$2,050 cost table for a month that costs some $427,000).

resource "smuppy_scaling_profile" "runbook" {
  name = "staging"

  # Target: 100,000 req/s at the edge; 55 ms is the latency measured at
  # 27,535 req/s with 2,000 VUs; "80% hit" is the runbook's CloudFront claim.
  traffic = {
    peak_rps        = 100000
    latency_ms      = 55
    cache_hit_ratio = 0.8
  }

  # aws service-quotas request-service-quota-increase --service-code apigateway
  #   --quota-code L-8A5B8E43 --desired-value 100000
  quota_requests = {
    api_throttle = {
      service_code  = "apigateway"
      quota_code    = "L-8A5B8E43"
      desired_value = 100000
    }
  }

  # aws apigateway update-stage --rest-api-id bmkd8zayee --stage-name staging
  #   rateLimit=100000 burstLimit=50000
  api_gateway = {
    rest_api_id = "bmkd8zayee"
    stage_name  = "staging"
    rate_limit  = 100000
    burst_limit = 50000
  }

  # put-function-concurrency 10000; provisioned 1000 on prod; memory 1024.
  # The 30 s timeout is the runbook's "Actuel" setting.
  lambda_pools = {
    api = {
      function_name           = "smuppy-api-handler"
      reserved_concurrency    = 10000
      provisioned_concurrency = 1000
      qualifier               = "prod"
      memory_size             = 1024
      timeout                 = 30
    }
  }

  # Option A (recommended by the runbook): on-demand.
  dynamodb_tables = {
    feeds = {
      table_name   = "smuppy-feeds-staging"
      billing_mode = "PAY_PER_REQUEST"
    }
  }

  # aws cloudfront create-cache-policy SmuppyAPICache
  cache_policy = {
    name                          = "SmuppyAPICache"
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

  # aws cloudwatch put-dashboard --dashboard-name SmuppyScaling
  dashboard = {
    name = "SmuppyScaling"
  }

  # The runbook's cost table: "~$2,050/mois" at 100k req/s.
  budget = {
    monthly_usd = 2050
  }
}
