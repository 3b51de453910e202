# A stage whose stage-wide throttle ("*/*") fits the account, and three
# methods with settings of their own: GET /items throttled above the account
# throttle and burst (CAP014), POST /orders throttled far below the 5,000 rps
# that reach API Gateway (CAP015: which share of them is POST /orders the
# traffic model does not say), GET /health with logging only (no throttle of
# its own: nothing to check).

resource "aws_iam_role" "lambda" {
  name               = "shop"
  assume_role_policy = "{}"
}

resource "aws_api_gateway_rest_api" "api" {
  name = "shop"
}

resource "aws_api_gateway_deployment" "api" {
  rest_api_id = aws_api_gateway_rest_api.api.id
}

resource "aws_api_gateway_stage" "prod" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  deployment_id = aws_api_gateway_deployment.api.id
  stage_name    = "prod"
}

resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  stage_name  = aws_api_gateway_stage.prod.stage_name
  method_path = "*/*"
  settings {
    throttling_rate_limit  = 8000
    throttling_burst_limit = 4000
  }
}

resource "aws_api_gateway_method_settings" "items_get" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  stage_name  = aws_api_gateway_stage.prod.stage_name
  method_path = "items/GET"
  settings {
    throttling_rate_limit  = 25000
    throttling_burst_limit = 9000
  }
}

resource "aws_api_gateway_method_settings" "orders_post" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  stage_name  = aws_api_gateway_stage.prod.stage_name
  method_path = "orders/POST"
  settings {
    throttling_rate_limit  = 500
    throttling_burst_limit = 100
  }
}

resource "aws_api_gateway_method_settings" "health_get" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  stage_name  = aws_api_gateway_stage.prod.stage_name
  method_path = "health/GET"
  settings {
    metrics_enabled = true
    logging_level   = "ERROR"
  }
}

resource "aws_lambda_function" "api" {
  function_name                  = "shop-api"
  role                           = aws_iam_role.lambda.arn
  memory_size                    = 1024
  timeout                        = 10
  reserved_concurrent_executions = 400
}
