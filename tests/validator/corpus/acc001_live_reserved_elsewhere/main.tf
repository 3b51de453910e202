# Two profiles reserve 400 each (800 fits 1,000 − 100); the account facts say a function outside the run reserves 200.
resource "smuppy_scaling_profile" "web" {
  name = "web"
  lambda_pools = {
    main = {
      function_name        = "web"
      reserved_concurrency = 400
    }
  }
}

resource "smuppy_scaling_profile" "worker" {
  name = "worker"
  lambda_pools = {
    main = {
      function_name        = "worker"
      reserved_concurrency = 400
    }
  }
}

