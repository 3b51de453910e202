# Pattern: one aws_lambda_function per entry of a map of function
# definitions (for_each over a local, as wrappers around several handlers
# write it), each with an alias and provisioned concurrency keyed the same
# way. "reports" asks for 64 MB, below the Lambda minimum of 128 MB, and
# "orders" has provisioned concurrency above its reservation.

locals {
  functions = {
    orders = {
      memory      = 512
      timeout     = 10
      reserved    = 50
      provisioned = 80
    }
    reports = {
      memory      = 64
      timeout     = 20
      reserved    = 20
      provisioned = 0
    }
  }
}

resource "aws_lambda_function" "fn" {
  for_each = local.functions

  function_name                  = "shop-${each.key}"
  role                           = aws_iam_role.lambda.arn
  handler                        = "index.handler"
  runtime                        = "nodejs20.x"
  memory_size                    = each.value.memory
  timeout                        = each.value.timeout
  reserved_concurrent_executions = each.value.reserved
  publish                        = true
}

resource "aws_lambda_alias" "live" {
  for_each = local.functions

  name             = "live"
  function_name    = aws_lambda_function.fn[each.key].function_name
  function_version = aws_lambda_function.fn[each.key].version
}

resource "aws_lambda_provisioned_concurrency_config" "live" {
  for_each = { for k, v in local.functions : k => v if v.provisioned > 0 }

  function_name                     = aws_lambda_alias.live[each.key].function_name
  qualifier                         = aws_lambda_alias.live[each.key].name
  provisioned_concurrent_executions = each.value.provisioned
}
