locals {
  settings = {
    traffic      = { peak_rps = 100000, latency_ms = 55, cache_hit_ratio = 0.95 }
    api_gateway  = { rest_api_id = "bmkd8zayee", stage_name = "staging", rate_limit = 10000 }
    lambda_pools = { api = { function_name = "smuppy-api-handler", reserved_concurrency = 800 } }
  }
  capacity = provider::smuppy::max_sustainable_rps(local.settings)
}

# The stage lets 10,000 req/s through; at a 95% hit ratio that carries 200,000
# req/s at the edge: rps = 200000, headroom = 2, bottleneck = "API Gateway: …".
output "capacity" {
  value = local.capacity
}

check "headroom" {
  assert {
    condition     = local.capacity.headroom >= 1
    error_message = "The stack carries ${local.capacity.rps} req/s, below the target: ${local.capacity.bottleneck}."
  }
}
