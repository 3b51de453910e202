resource "smuppy_scaling_profile" "api" {
  name = "staging"

  api_gateway = {
    rest_api_id = "bmkd8zayee"
    stage_name  = "staging"
    rate_limit  = 100
  }

  lambda_pools = {
    api = {
      function_name        = "smuppy-api-handler"
      reserved_concurrency = 10
    }

    api_copy = {
      function_name = ""
      memory_size   = 512
    }
  }
}
