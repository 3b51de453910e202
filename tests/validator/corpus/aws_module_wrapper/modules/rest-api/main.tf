variable "name" { type = string }
variable "stage_name" { type = string }
variable "rate_limit" { type = number }
variable "burst_limit" { type = number }

locals {
  method_settings = {
    "*/*" = { rate = var.rate_limit, burst = var.burst_limit }
  }
}

resource "aws_api_gateway_rest_api" "this" {
  name = var.name
}

resource "aws_api_gateway_stage" "this" {
  rest_api_id   = aws_api_gateway_rest_api.this.id
  deployment_id = aws_api_gateway_deployment.this.id
  stage_name    = var.stage_name
}

resource "aws_api_gateway_method_settings" "this" {
  for_each = local.method_settings

  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = each.key

  dynamic "settings" {
    for_each = [each.value]
    content {
      metrics_enabled        = true
      throttling_rate_limit  = settings.value.rate
      throttling_burst_limit = settings.value.burst
    }
  }
}
