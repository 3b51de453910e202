# Pattern: a complete serverless API in one root, as the service templates
# lay it out: REST API, stage, stage-wide throttle on */*, a published
# function with an alias and provisioned concurrency on it, and a provisioned
# table with auto scaling on both dimensions. Sized for its traffic (from
# .smuppy-validate.hcl): nothing to report above info.

resource "aws_api_gateway_rest_api" "shop" {
  name = "shop"
}

resource "aws_api_gateway_stage" "prod" {
  rest_api_id   = aws_api_gateway_rest_api.shop.id
  deployment_id = aws_api_gateway_deployment.shop.id
  stage_name    = "prod"
}

resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.shop.id
  stage_name  = aws_api_gateway_stage.prod.stage_name
  method_path = "*/*"

  settings {
    throttling_rate_limit  = 1500
    throttling_burst_limit = 1000
  }
}

resource "aws_lambda_function" "api" {
  function_name                  = "shop-api"
  role                           = aws_iam_role.api.arn
  handler                        = "main.handler"
  runtime                        = "python3.12"
  architectures                  = ["arm64"]
  memory_size                    = 1024
  timeout                        = 20
  reserved_concurrent_executions = 200
  publish                        = true
}

resource "aws_lambda_alias" "live" {
  name             = "live"
  function_name    = aws_lambda_function.api.function_name
  function_version = aws_lambda_function.api.version
}

resource "aws_lambda_provisioned_concurrency_config" "live" {
  function_name                     = aws_lambda_alias.live.function_name
  qualifier                         = aws_lambda_alias.live.name
  provisioned_concurrent_executions = 60
}

resource "aws_dynamodb_table" "carts" {
  name           = "carts"
  billing_mode   = "PROVISIONED"
  read_capacity  = 200
  write_capacity = 50
  hash_key       = "id"

  attribute {
    name = "id"
    type = "S"
  }

  lifecycle {
    ignore_changes = [read_capacity, write_capacity]
  }
}

resource "aws_appautoscaling_target" "carts" {
  for_each = {
    read  = "dynamodb:table:ReadCapacityUnits"
    write = "dynamodb:table:WriteCapacityUnits"
  }

  service_namespace  = "dynamodb"
  resource_id        = "table/${aws_dynamodb_table.carts.name}"
  scalable_dimension = each.value
  min_capacity       = 50
  max_capacity       = 4000
}

resource "aws_appautoscaling_policy" "carts" {
  for_each = aws_appautoscaling_target.carts

  name               = "carts-${each.key}"
  policy_type        = "TargetTrackingScaling"
  resource_id        = each.value.resource_id
  scalable_dimension = each.value.scalable_dimension
  service_namespace  = each.value.service_namespace

  target_tracking_scaling_policy_configuration {
    target_value       = 70
    scale_in_cooldown  = 60
    scale_out_cooldown = 60
  }
}
