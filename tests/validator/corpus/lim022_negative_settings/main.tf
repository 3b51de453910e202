# Negative reserved concurrency and stage rate: refused by AWS, reported on their attributes.
resource "smuppy_scaling_profile" "api" {
  name = "negative-settings"
  api_gateway = {
    rest_api_id = "a1b2c3d4e5"
    stage_name  = "prod"
    rate_limit  = -100
  }
  lambda_pools = {
    api = {
      function_name        = "api"
      reserved_concurrency = -5
    }
  }
}
