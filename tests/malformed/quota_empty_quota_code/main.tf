resource "smuppy_scaling_profile" "api" {
  name = "staging"

  quota_requests = {
    raise = {
      service_code  = "apigateway"
      quota_code    = ""
      desired_value = 20000
    }
  }
}
