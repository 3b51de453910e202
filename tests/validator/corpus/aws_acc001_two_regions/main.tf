# Pattern: the API in us-east-1 (a scaling profile reserving 600) and a
# search service deployed to eu-west-1 through an aliased provider passed to
# its module (reserving 600 there). Lambda's concurrency quota is per account
# and per Region: each Region's 600 is within the 900 a 1,000-execution
# account lets functions reserve, so no ACC001.

variable "search_region" {
  type    = string
  default = "eu-west-1"
}

provider "smuppy" {
  region = "us-east-1"
}

provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "eu"
  region = var.search_region
}

module "search" {
  source   = "./modules/service"
  name     = "search"
  reserved = 600
  providers = {
    aws = aws.eu
  }
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
