# Pattern: a local table module called once per table, its auto scaling
# target and policy switched on by `count = var.billing_mode == "PROVISIONED"
# ? 1 : 0` (the way table modules make auto scaling optional), the policy
# indexing the target with [0]. "events" is on demand: its scaling resources
# do not exist. "profiles" is provisioned and scales reads to at most 500
# units, too few for the traffic in .smuppy-validate.hcl.

module "events" {
  source       = "./modules/table"
  name         = "events"
  billing_mode = "PAY_PER_REQUEST"
}

module "profiles" {
  source       = "./modules/table"
  name         = "profiles"
  billing_mode = "PROVISIONED"
  max_read     = 500
}
