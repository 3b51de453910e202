# A 0.8 hit ratio without a cache_policy: CloudFront is not priced although only 20% reaches the origin, and the estimate says so.
resource "smuppy_scaling_profile" "api" {
  name = "no-cache-policy"
  traffic = {
    peak_rps                  = 500
    latency_ms                = 40
    cache_hit_ratio           = 0.8
    reads_per_request         = 1
    writes_per_request        = 0
    average_to_peak_ratio     = 0.3
    response_bytes            = 2048
    item_size_kb              = 2
    strongly_consistent_reads = false
    architecture              = "arm64"
  }
  api_gateway = {
    rest_api_id = "a1b2c3d4e5"
    stage_name  = "prod"
    rate_limit  = 150
    burst_limit = 100
  }
  lambda_pools = {
    api = {
      function_name        = "api"
      reserved_concurrency = 100
      memory_size          = 512
      timeout              = 10
    }
  }
}
