# Pattern: a local module wraps the REST API's stage and its stage-wide
# throttle; the root passes the limits as variables, and the module writes
# the settings block with `dynamic` over a list of method paths, as wrappers
# that take a map of per-path settings do. The stage asks for 20,000 rps and
# a 10,000 burst in an account with the default throttle (10,000 / 5,000).

variable "stage_limits" {
  type = object({ rate = number, burst = number })
  default = {
    rate  = 20000
    burst = 10000
  }
}

module "api" {
  source      = "./modules/rest-api"
  name        = "orders"
  stage_name  = "prod"
  rate_limit  = var.stage_limits.rate
  burst_limit = var.stage_limits.burst
}

resource "aws_dynamodb_table" "orders" {
  name         = "orders"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
}
