# 3,000 executions needed, 100 provisioned: 30 s of ramp (account raised to 5,000 and 50,000 rps).
resource "smuppy_scaling_profile" "api" {
  name = "cap007-ramp"
  traffic = {
    peak_rps = 60000
    latency_ms = 50
    cache_hit_ratio = 0
    reads_per_request = 1
    writes_per_request = 0
    average_to_peak_ratio = 0.3
    response_bytes = 1024
    item_size_kb = 4
    strongly_consistent_reads = false
    architecture = "arm64"
  }
  api_gateway = {
    rest_api_id = "a1b2c3d4e5"
    stage_name = "prod"
    rate_limit = 70000
    burst_limit = 5000
  }
  lambda_pools = {
    pool00 = {
      function_name = "api"
      reserved_concurrency = 3500
      provisioned_concurrency = 100
      qualifier = "live"
      memory_size = 1024
      timeout = 20
      publish_on_change = true
    }
  }
}
