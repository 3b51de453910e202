# The runbook's API, function and table written with hashicorp/aws resources in one
# root module (the flat layout of a single-service repository): the stage-wide
# throttle in aws_api_gateway_method_settings on "*/*", provisioned concurrency
# on an alias, the cost table as a monthly aws_budgets_budget. The traffic
# model comes from .smuppy-validate.hcl.

resource "aws_api_gateway_rest_api" "api" {
  name = "smuppy-api"
}

resource "aws_api_gateway_stage" "staging" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  deployment_id = aws_api_gateway_deployment.api.id
  stage_name    = "staging"
}

resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  stage_name  = aws_api_gateway_stage.staging.stage_name
  method_path = "*/*"
  settings {
    throttling_rate_limit  = 100000
    throttling_burst_limit = 50000
  }
}

resource "aws_lambda_function" "api" {
  function_name                  = "smuppy-api-handler"
  role                           = aws_iam_role.lambda.arn
  memory_size                    = 1024
  timeout                        = 30
  reserved_concurrent_executions = 10000
}

resource "aws_lambda_alias" "prod" {
  name             = "prod"
  function_name    = aws_lambda_function.api.function_name
  function_version = aws_lambda_function.api.version
}

resource "aws_lambda_provisioned_concurrency_config" "prod" {
  function_name                     = aws_lambda_alias.prod.function_name
  qualifier                         = aws_lambda_alias.prod.name
  provisioned_concurrent_executions = 1000
}

resource "aws_dynamodb_table" "feeds" {
  name         = "smuppy-feeds-staging"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
}

# aws service-quotas request-service-quota-increase --service-code apigateway
#   --quota-code L-8A5B8E43 --desired-value 100000
resource "aws_servicequotas_service_quota" "api_throttle" {
  service_code = "apigateway"
  quota_code   = "L-8A5B8E43"
  value        = 100000
}

# aws cloudfront create-cache-policy: Authorization in the key, MinTTL 1.
resource "aws_cloudfront_cache_policy" "api" {
  name        = "SmuppyAPICache"
  min_ttl     = 1
  default_ttl = 60
  max_ttl     = 300
  parameters_in_cache_key_and_forwarded_to_origin {
    enable_accept_encoding_gzip   = true
    enable_accept_encoding_brotli = true
    headers_config {
      header_behavior = "whitelist"
      headers {
        items = ["Authorization"]
      }
    }
    cookies_config {
      cookie_behavior = "none"
    }
    query_strings_config {
      query_string_behavior = "all"
    }
  }
}

resource "aws_cloudfront_distribution" "api" {
  enabled = true
  origin {
    origin_id   = "api"
    domain_name = "bmkd8zayee.execute-api.us-east-1.amazonaws.com"
    origin_path = "/staging"
    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }
  default_cache_behavior {
    target_origin_id       = "api"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
    cached_methods         = ["GET", "HEAD"]
    cache_policy_id        = aws_cloudfront_cache_policy.api.id
  }
  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }
  viewer_certificate {
    cloudfront_default_certificate = true
  }
}

# The runbook's cost table: about $2,050 a month.
resource "aws_budgets_budget" "monthly" {
  name         = "smuppy-api-monthly"
  budget_type  = "COST"
  limit_amount = "2050"
  limit_unit   = "USD"
  time_unit    = "MONTHLY"
}
