# Pattern: several services in one account root, each a local module around
# aws_lambda_function with its own reserved concurrency (module per service,
# the layout of a monorepo), beside a scaling profile for the public API.
# 600 + 2 × 200 reserved in a 1,000-execution account: more than the 900 AWS
# lets functions reserve (100 stay unreserved).

module "billing" {
  source   = "./modules/service"
  name     = "billing"
  reserved = 200
}

module "search" {
  source   = "./modules/service"
  name     = "search"
  reserved = 200
}

resource "smuppy_scaling_profile" "api" {
  name = "api"
  traffic = {
    peak_rps   = 500
    latency_ms = 50
  }
  lambda_pools = {
    api = {
      function_name        = "public-api"
      reserved_concurrency = 600
    }
  }
}
