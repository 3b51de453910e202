# Two stages of 6,000 rps each carry 6,000 and 5,000 rps: 11,000 rps above the 10,000 account throttle.
resource "smuppy_scaling_profile" "orders" {
  name = "orders"
  traffic = {
    peak_rps        = 6000
    latency_ms      = 20
    cache_hit_ratio = 0
  }
  api_gateway = {
    rest_api_id = "orders00001"
    stage_name  = "prod"
    rate_limit  = 6000
    burst_limit = 3000
  }
}

resource "smuppy_scaling_profile" "users" {
  name = "users"
  traffic = {
    peak_rps        = 5000
    latency_ms      = 20
    cache_hit_ratio = 0
  }
  api_gateway = {
    rest_api_id = "users00002"
    stage_name  = "prod"
    rate_limit  = 6000
    burst_limit = 3000
  }
}

