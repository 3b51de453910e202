# A CloudWatch dashboard generated from the profile's components (API Gateway,
# Lambda and DynamoDB metrics).
resource "smuppy_scaling_profile" "dashboard" {
  name = "staging-dashboard"

  api_gateway = {
    rest_api_id = "bmkd8zayee"
    stage_name  = "staging"
  }

  lambda_pools = {
    api = {
      function_name = "smuppy-api-handler"
    }
  }

  dashboard = {
    name = "SmuppyScaling"
  }
}
