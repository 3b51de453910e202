# 30,000 rps at 50 ms with no cache needs 1,500 executions; the account has 1,000.
resource "smuppy_scaling_profile" "api" {
  name = "cap003-account-concurrency"
  traffic = {
    peak_rps = 30000
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
  lambda_pools = {
    pool00 = {
      function_name = "api"
      memory_size = 1024
      timeout = 20
      publish_on_change = true
    }
  }
}
