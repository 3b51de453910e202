# Reserved and provisioned concurrency, memory and timeout of one function.
# Repeat the block for each pool. Provisioned concurrency lives on an alias or
# a published version; publish_on_change moves the alias to a new version when
# memory or timeout change, so the alias serves the new settings.
resource "smuppy_scaling_profile" "lambda" {
  name = "staging-lambda"

  traffic = {
    peak_rps        = 27535
    latency_ms      = 55
    cache_hit_ratio = 0.7
  }

  lambda_pools = {
    api = {
      function_name           = "smuppy-api-handler"
      qualifier               = "prod"
      reserved_concurrency    = 800
      provisioned_concurrency = 50
      memory_size             = 1024
      timeout                 = 29
      publish_on_change       = true
    }
  }
}
