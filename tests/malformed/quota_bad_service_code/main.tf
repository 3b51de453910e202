resource "smuppy_scaling_profile" "api" {
  name = "staging"

  quota_requests = {
    raise = {
      service_code  = "api gateway"
      quota_code    = "L-8A5B8E43"
      desired_value = 20000
    }
  }
}
