# Values the validator cannot compute are listed on their attribute with why: a function it does not
# evaluate, a value known only after apply, a remote module it does not read.
module "shared" {
  source  = "terraform-aws-modules/lambda/aws"
  version = "~> 7.0"
}

resource "smuppy_scaling_profile" "api" {
  name = "inp001-not-evaluated"
  traffic = {
    peak_rps   = 2000
    latency_ms = jsondecode(file("${path.module}/latency.json")).p50
  }
  lambda_pools = {
    api = {
      function_name        = aws_lambda_function.api.function_name
      reserved_concurrency = sum([100, 100])
    }
  }
}
