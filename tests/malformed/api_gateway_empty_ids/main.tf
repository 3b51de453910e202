resource "smuppy_scaling_profile" "api" {
  name = "staging"

  api_gateway = {
    rest_api_id = ""
    stage_name  = "staging/v2"
    rate_limit  = 100
  }
}
