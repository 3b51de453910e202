# A 1,200 s timeout (900 s at most).
resource "smuppy_scaling_profile" "api" {
  name = "lim006-timeout-range"
  lambda_pools = {
    pool00 = {
      function_name = "api"
      reserved_concurrency = 800
      provisioned_concurrency = 400
      qualifier = "live"
      memory_size = 1024
      timeout = 1200
      publish_on_change = true
    }
  }
}
