# Two profiles reserve concurrency for the same function: each apply undoes the other.
resource "smuppy_scaling_profile" "blue" {
  name = "blue"
  lambda_pools = {
    api = {
      function_name        = "shop-api"
      reserved_concurrency = 100
    }
  }
}

resource "smuppy_scaling_profile" "green" {
  name = "green"
  lambda_pools = {
    handler = {
      function_name        = "shop-api"
      reserved_concurrency = 200
    }
  }
}
