resource "smuppy_scaling_profile" "api" {
  name = "staging"

  lambda_pools = {
    api = {
      function_name           = "smuppy-api-handler"
      qualifier               = "prod alias"
      provisioned_concurrency = 5
      reserved_concurrency    = 10
    }
  }
}
