resource "smuppy_scaling_profile" "api" {
  name = "staging"

  lambda_pools = {
    api = {
      function_name = "smuppy-api-handler"
      memory_size   = 64
      timeout       = 10
    }
  }
}
