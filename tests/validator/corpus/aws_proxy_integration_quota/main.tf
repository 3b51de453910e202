# A REST API with one Lambda proxy integration on a greedy {proxy+} resource
# (the usual serverless layout: rest_api → resource → method → integration
# with type AWS_PROXY and uri = the function's invoke_arn → deployment →
# stage), the integration timeout lowered to 10 s, and the account throttle
# raised with aws_servicequotas_service_quota beside the stage.

resource "aws_api_gateway_rest_api" "api" {
  name = "orders"
}

resource "aws_api_gateway_resource" "proxy" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "{proxy+}"
}

resource "aws_api_gateway_method" "proxy" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_resource.proxy.id
  http_method   = "ANY"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "proxy" {
  rest_api_id             = aws_api_gateway_rest_api.api.id
  resource_id             = aws_api_gateway_resource.proxy.id
  http_method             = aws_api_gateway_method.proxy.http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.orders.invoke_arn
  timeout_milliseconds    = 10000
}

resource "aws_api_gateway_deployment" "api" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  depends_on  = [aws_api_gateway_integration.proxy]
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
    throttling_rate_limit  = 12000
    throttling_burst_limit = 5000
  }
}

# Account-level throttle for API Gateway (Service Quotas: apigateway / L-8A5B8E43).
resource "aws_servicequotas_service_quota" "apigw_throttle" {
  service_code = "apigateway"
  quota_code   = "L-8A5B8E43"
  value        = 15000
}

resource "aws_lambda_function" "orders" {
  function_name                  = "orders-api"
  role                           = aws_iam_role.lambda.arn
  handler                        = "index.handler"
  runtime                        = "nodejs20.x"
  memory_size                    = 1024
  timeout                        = 15
  reserved_concurrent_executions = 600
}

# A legacy path proxied to an HTTP backend with a short timeout: it calls no
# function, so it says nothing about how long the functions may run.
resource "aws_api_gateway_resource" "legacy" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "legacy"
}

resource "aws_api_gateway_integration" "legacy" {
  rest_api_id             = aws_api_gateway_rest_api.api.id
  resource_id             = aws_api_gateway_resource.legacy.id
  http_method             = "GET"
  integration_http_method = "GET"
  type                    = "HTTP_PROXY"
  uri                     = "https://legacy.example.com/v1"
  timeout_milliseconds    = 3000
}
