resource "smuppy_scaling_profile" "api" {
  name = "staging"

  lambda_pools = {
    api = {
      function_name           = "smuppy-api-handler"
      qualifier               = "prod"
      reserved_concurrency    = 100
      provisioned_concurrency = 150
    }
  }
}
