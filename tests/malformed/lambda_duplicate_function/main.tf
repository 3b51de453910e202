resource "smuppy_scaling_profile" "api" {
  name = "staging"

  lambda {
    function_name        = "smuppy-api-handler"
    reserved_concurrency = 100
  }

  lambda {
    function_name        = "smuppy-api-handler"
    reserved_concurrency = 200
  }
}
