resource "smuppy_scaling_profile" "api" {
  name = "staging"

  lambda_pools = {
    api = {
      function_name           = "smuppy-api-handler"
      qualifier               = "$LATEST"
      reserved_concurrency    = 800
      provisioned_concurrency = 100
    }
  }
}
