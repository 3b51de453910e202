resource "smuppy_scaling_profile" "api" {
  name = "staging"

  api_gateway = {
    rest_api_id = "bmkd8zayee"
    stage_name  = "staging"
    burst_limit = 5000
  }
}
