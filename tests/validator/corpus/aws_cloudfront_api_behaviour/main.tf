# One distribution for a single-page app and its API (the common "frontend and
# backend behind one domain" layout): the S3 bucket is the default behaviour
# with an AWS managed cache policy read through a data source, the REST API is
# a second origin whose domain is built from the API's id and the region, and
# "/api/*" is an ordered cache behaviour with the team's own cache policy, after
# "/assets/*" with a long-lived one. The API's policy (the one whose behaviour
# targets the API's origin) keys on a session cookie and keeps every response
# 5 s at least.

variable "region" {
  type    = string
  default = "eu-west-1"
}

data "aws_cloudfront_cache_policy" "caching_optimized" {
  name = "Managed-CachingOptimized"
}

resource "aws_cloudfront_cache_policy" "api" {
  name        = "catalog-api"
  comment     = "short-lived API responses, per session"
  min_ttl     = 5
  default_ttl = 30
  max_ttl     = 120
  parameters_in_cache_key_and_forwarded_to_origin {
    enable_accept_encoding_gzip   = true
    enable_accept_encoding_brotli = false
    cookies_config {
      cookie_behavior = "whitelist"
      cookies {
        items = ["session"]
      }
    }
    headers_config {
      header_behavior = "none"
    }
    query_strings_config {
      query_string_behavior = "whitelist"
      query_strings {
        items = ["page", "sort"]
      }
    }
  }
}

# Fingerprinted static assets: cached for a day whatever the origin says.
resource "aws_cloudfront_cache_policy" "assets" {
  name        = "catalog-assets"
  min_ttl     = 86400
  default_ttl = 604800
  max_ttl     = 31536000
  parameters_in_cache_key_and_forwarded_to_origin {
    cookies_config {
      cookie_behavior = "none"
    }
    headers_config {
      header_behavior = "none"
    }
    query_strings_config {
      query_string_behavior = "none"
    }
  }
}

resource "aws_cloudfront_distribution" "site" {
  enabled             = true
  default_root_object = "index.html"

  origin {
    origin_id                = "frontend"
    domain_name              = aws_s3_bucket.frontend.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.frontend.id
  }

  origin {
    origin_id   = "api"
    domain_name = "${aws_api_gateway_rest_api.catalog.id}.execute-api.${var.region}.amazonaws.com"
    origin_path = "/${aws_api_gateway_stage.live.stage_name}"
    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }

  default_cache_behavior {
    target_origin_id       = "frontend"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    cache_policy_id        = data.aws_cloudfront_cache_policy.caching_optimized.id
  }

  ordered_cache_behavior {
    path_pattern           = "/assets/*"
    target_origin_id       = "frontend"
    viewer_protocol_policy = "redirect-to-https"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    cache_policy_id        = aws_cloudfront_cache_policy.assets.id
  }

  ordered_cache_behavior {
    path_pattern           = "/api/*"
    target_origin_id       = "api"
    viewer_protocol_policy = "https-only"
    allowed_methods        = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
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

resource "aws_api_gateway_rest_api" "catalog" {
  name = "catalog"
}

resource "aws_api_gateway_stage" "live" {
  rest_api_id   = aws_api_gateway_rest_api.catalog.id
  deployment_id = aws_api_gateway_deployment.catalog.id
  stage_name    = "live"
}

resource "aws_api_gateway_method_settings" "all" {
  rest_api_id = aws_api_gateway_rest_api.catalog.id
  stage_name  = aws_api_gateway_stage.live.stage_name
  method_path = "*/*"
  settings {
    throttling_rate_limit  = 3000
    throttling_burst_limit = 1500
  }
}

resource "aws_lambda_function" "catalog" {
  function_name = "catalog-api"
  role          = aws_iam_role.catalog.arn
  handler       = "app.handler"
  runtime       = "python3.12"
  memory_size   = 512
  timeout       = 10
}
