# A month of 100 req/s, half of it past the cache, through a REST API stage:
# 129.6M requests × $3.50 per million = $453.60.
output "monthly_cost" {
  value = provider::smuppy::monthly_cost({
    traffic     = { peak_rps = 100, cache_hit_ratio = 0.5 }
    api_gateway = { rest_api_id = "bmkd8zayee", stage_name = "staging" }
  })
}

# output: { per_service = { "API Gateway" = 453.6 }, total_usd = 453.6 }
