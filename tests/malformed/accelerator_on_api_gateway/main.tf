resource "smuppy_scaling_profile" "api" {
  name = "staging"

  global_accelerator = {
    name        = "smuppy-api"
    endpoint_id = "arn:aws:apigateway:us-east-1::/restapis/bmkd8zayee"
  }
}
