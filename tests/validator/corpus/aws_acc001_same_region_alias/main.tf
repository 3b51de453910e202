# Pattern: the API in us-east-1 (a scaling profile reserving 600) and a
# search service deployed through an aliased provider passed to its module
# (the us_east_1 alias CloudFront-scoped resources use), reserving 600. The
# alias is in us-east-1 too: one Region, one quota; 600 + 600 exceed the 900
# a 1,000-execution account lets functions reserve, and ACC001 names both.

variable "search_region" {
  type    = string
  default = "us-east-1"
}

provider "smuppy" {
  region = "us-east-1"
}

provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "us_east_1"
  region = var.search_region
}

module "search" {
  source   = "./modules/service"
  name     = "search"
  reserved = 600
  providers = {
    aws = aws.us_east_1
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
