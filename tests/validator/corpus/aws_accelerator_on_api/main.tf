# A Global Accelerator put in front of a REST API for its static IPs: the
# endpoint group names the API's id. Global Accelerator endpoints can only
# be load balancers, EC2 instances or Elastic IPs, so this fronts nothing
# (put an ALB or NLB in between, or use CloudFront). The accelerator is the
# only one of the run, so it is read as the stack's, and priced.

resource "aws_iam_role" "lambda" {
  name               = "orders"
  assume_role_policy = "{}"
}

resource "aws_lambda_function" "orders" {
  function_name                  = "orders-api"
  role                           = aws_iam_role.lambda.arn
  handler                        = "index.handler"
  runtime                        = "nodejs20.x"
  memory_size                    = 512
  timeout                        = 10
  reserved_concurrent_executions = 200
}

resource "aws_api_gateway_rest_api" "api" {
  name = "orders"
}

resource "aws_api_gateway_deployment" "api" {
  rest_api_id = aws_api_gateway_rest_api.api.id
}

resource "aws_api_gateway_stage" "prod" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  deployment_id = aws_api_gateway_deployment.api.id
  stage_name    = "prod"
}

resource "aws_globalaccelerator_accelerator" "edge" {
  name            = "orders-edge"
  ip_address_type = "DUAL_STACK"
  enabled         = true
}

resource "aws_globalaccelerator_listener" "https" {
  accelerator_arn = aws_globalaccelerator_accelerator.edge.arn
  protocol        = "TCP"
  port_range {
    from_port = 443
    to_port   = 443
  }
}

resource "aws_globalaccelerator_endpoint_group" "api" {
  listener_arn          = aws_globalaccelerator_listener.https.arn
  endpoint_group_region = "eu-west-1"
  endpoint_configuration {
    endpoint_id = aws_api_gateway_rest_api.api.id
    weight      = 100
  }
}
