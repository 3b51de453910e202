# Pattern: the concurrency quota raised under the us_east_1 alias (the one
# the CloudFront certificate uses) while the function runs in eu-west-1.
# Service Quotas are per Region: the raise does not cover eu-west-1, where
# 1,200 reserved exceeds the default 1,000; the quota resource is said to be
# in another Region.

provider "aws" {
  region = "eu-west-1"
}

provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}

resource "aws_servicequotas_service_quota" "lambda_concurrency" {
  provider     = aws.us_east_1
  service_code = "lambda"
  quota_code   = "L-B99A9384"
  value        = 5000
}

resource "aws_lambda_function" "api" {
  function_name                  = "api"
  role                           = "arn:aws:iam::123456789012:role/api"
  handler                        = "index.handler"
  runtime                        = "nodejs20.x"
  reserved_concurrent_executions = 1200
}
