resource "smuppy_scaling_profile" "api" {
  name = "staging"

  lambda_pools = {
    api = {
      function_name        = "smuppy-api-handler"
      reserved_concurrency = 99999999999999999999
    }
  }
}
