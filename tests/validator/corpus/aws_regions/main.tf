# Pattern: one stack deployed to two Regions with aliased aws providers.
# Lambda's concurrency quota is per account and per Region (1,000 by
# default, 900 of it reservable). eu-west-1 holds the default provider's
# function and a module's (it inherits the default provider): 600 + 600
# reserved there is LIM001 on the first. us-west-2 (an alias whose region
# is a variable, passed to a module) holds one 600: within its own quota.

variable "dr_region" {
  type    = string
  default = "us-west-2"
}

provider "aws" {
  region = "eu-west-1"
}

provider "aws" {
  alias  = "dr"
  region = var.dr_region
}

resource "aws_lambda_function" "api" {
  function_name                  = "api"
  role                           = "arn:aws:iam::123456789012:role/api"
  handler                        = "index.handler"
  runtime                        = "nodejs20.x"
  reserved_concurrent_executions = 600
}

module "worker" {
  source = "./modules/worker"
  name   = "worker"
}

module "dr" {
  source = "./modules/worker"
  name   = "api-dr"
  providers = {
    aws = aws.dr
  }
}
