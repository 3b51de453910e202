resource "smuppy_scaling_profile" "api" {
  name = "staging"

  api_gateway {
    rest_api_id = "bmkd8zayee"
    stage_name  = "staging"
    rate_limit  = 100
  }

  lambda {
    function_name        = "smuppy-api-handler"
    reserved_concurrency = 10
  }

  lambda {
    function_name = ""
    memory_size   = 512
  }
}
