# Values through locals that refer to each other.
locals {
  mb     = 1024
  memory = local.mb * 16
  name   = "locals-${local.env}"
  env    = "test"
}

resource "smuppy_scaling_profile" "api" {
  name = local.name

  lambda_pools = {
    pool00 = {
      function_name = "api"
      memory_size   = local.memory
    }
  }
}
