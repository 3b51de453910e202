resource "smuppy_scaling_profile" "api" {
  name = "staging"

  lambda_pools = {
    api = {
      function_name        = "smuppy-api-handler"
      reserved_concurrency = 100
    }

    api_copy = {
      function_name        = "smuppy-api-handler"
      reserved_concurrency = 200
    }
  }
}
