# Stage-wide throttle of a REST API stage. Without a quota increase the stage
# rate cannot exceed the account throttle (10,000 req/s by default) and the
# burst is capped at the account burst (5,000).
resource "smuppy_scaling_profile" "stage" {
  name = "staging-stage"

  api_gateway = {
    rest_api_id = "bmkd8zayee"
    stage_name  = "staging"
    rate_limit  = 10000
    burst_limit = 5000
  }
}
