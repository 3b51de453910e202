# One reservation the validator cannot compute: the account sum says it left it out.
resource "smuppy_scaling_profile" "web" {
  name = "web"
  lambda_pools = {
    main = {
      function_name        = "web"
      reserved_concurrency = 400
    }
  }
}

resource "smuppy_scaling_profile" "batch" {
  name = "batch"
  lambda_pools = {
    main = {
      function_name        = "batch"
      reserved_concurrency = sum([300, 300])
    }
  }
}
