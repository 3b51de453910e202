# The profile lives in a local module; the call binds its variables.
module "api" {
  source       = "./modules/profile"
  name         = "module-call"
  reserved     = local.reserved
  provisioned  = 900
  function_arn = aws_lambda_function.api.arn
}

locals {
  reserved = 800
}
