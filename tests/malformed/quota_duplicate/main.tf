resource "smuppy_scaling_profile" "api" {
  name = "staging"

  quota_requests = {
    raise = {
      service_code  = "lambda"
      quota_code    = "L-B99A9384"
      desired_value = 2000
    }

    raise_copy = {
      service_code  = "lambda"
      quota_code    = "L-B99A9384"
      desired_value = 3000
    }
  }
}
