# Settings computed with the Terraform functions configurations use are evaluated: the reservation
# max(var.floor, lookup(...)) = 950 leaves 50 unreserved in a 1,000 account.
variable "floor" {
  type    = number
  default = 100
}

variable "overrides" {
  type    = map(number)
  default = { api = 950 }
}

locals {
  base = {
    function_name = "api"
    memory_size   = ceil(1000.5)
  }
}

resource "smuppy_scaling_profile" "api" {
  name = "functions"
  traffic = {
    peak_rps        = tonumber("2000")
    latency_ms      = min(50, 60)
    cache_hit_ratio = coalesce(null, 0.5)
  }
  lambda_pools = {
    api = merge(local.base, {
      reserved_concurrency = max(var.floor, lookup(var.overrides, "api", 0))
      timeout              = try(var.overrides.timeout, floor(20.9))
    })
  }
}
