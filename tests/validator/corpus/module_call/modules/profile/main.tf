variable "name" {
  type = string
}

variable "reserved" {
  type = number
}

variable "provisioned" {
  type = number
}

variable "function_arn" {
  type    = string
  default = null
}

resource "smuppy_scaling_profile" "this" {
  name = var.name

  lambda_pools = {
    pool00 = {
      function_name           = "api"
      reserved_concurrency    = var.reserved
      provisioned_concurrency = var.provisioned
      qualifier               = "live"
    }
  }
}
