resource "smuppy_scaling_profile" "api" {
  name = "staging"

  lambda {
    function_name = "smuppy-api-handler"
    concurrency   = 100
  }
}
