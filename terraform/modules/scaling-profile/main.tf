# One smuppy_scaling_profile. Every block comes from a typed variable through a
# `dynamic` block, so an environment is described entirely by its variables.

resource "smuppy_scaling_profile" "this" {
  name                 = var.name
  wait_timeout_seconds = var.wait_timeout_seconds

  dynamic "traffic" {
    for_each = var.traffic == null ? [] : [var.traffic]
    content {
      peak_rps                  = traffic.value.peak_rps
      latency_ms                = traffic.value.latency_ms
      cache_hit_ratio           = traffic.value.cache_hit_ratio
      reads_per_request         = traffic.value.reads_per_request
      writes_per_request        = traffic.value.writes_per_request
      average_to_peak_ratio     = traffic.value.average_to_peak_ratio
      monthly_requests          = traffic.value.monthly_requests
      response_bytes            = traffic.value.response_bytes
      item_size_kb              = traffic.value.item_size_kb
      strongly_consistent_reads = traffic.value.strongly_consistent_reads
      architecture              = traffic.value.architecture
    }
  }

  dynamic "quota_request" {
    for_each = var.quota_requests
    content {
      service_code  = quota_request.value.service_code
      quota_code    = quota_request.value.quota_code
      desired_value = quota_request.value.desired_value
    }
  }

  dynamic "api_gateway" {
    for_each = var.api_gateway == null ? [] : [var.api_gateway]
    content {
      rest_api_id            = api_gateway.value.rest_api_id
      stage_name             = api_gateway.value.stage_name
      rate_limit             = api_gateway.value.rate_limit
      burst_limit            = api_gateway.value.burst_limit
      integration_timeout_ms = api_gateway.value.integration_timeout_ms
    }
  }

  dynamic "lambda" {
    for_each = var.lambda_pools
    content {
      function_name           = lambda.value.function_name
      reserved_concurrency    = lambda.value.reserved_concurrency
      provisioned_concurrency = lambda.value.provisioned_concurrency
      qualifier               = lambda.value.qualifier
      memory_size             = lambda.value.memory_size
      timeout                 = lambda.value.timeout
      publish_on_change       = lambda.value.publish_on_change
    }
  }

  dynamic "dynamodb" {
    for_each = var.dynamodb_tables
    content {
      table_name     = dynamodb.value.table_name
      billing_mode   = dynamodb.value.billing_mode
      read_capacity  = dynamodb.value.read_capacity
      write_capacity = dynamodb.value.write_capacity

      dynamic "autoscaling" {
        for_each = dynamodb.value.autoscaling == null ? [] : [dynamodb.value.autoscaling]
        content {
          dynamic "read" {
            for_each = autoscaling.value.read == null ? [] : [autoscaling.value.read]
            content {
              min_capacity       = read.value.min_capacity
              max_capacity       = read.value.max_capacity
              target_utilization = read.value.target_utilization
              scale_in_cooldown  = read.value.scale_in_cooldown
              scale_out_cooldown = read.value.scale_out_cooldown
            }
          }
          dynamic "write" {
            for_each = autoscaling.value.write == null ? [] : [autoscaling.value.write]
            content {
              min_capacity       = write.value.min_capacity
              max_capacity       = write.value.max_capacity
              target_utilization = write.value.target_utilization
              scale_in_cooldown  = write.value.scale_in_cooldown
              scale_out_cooldown = write.value.scale_out_cooldown
            }
          }
        }
      }
    }
  }

  dynamic "cache_policy" {
    for_each = var.cache_policy == null ? [] : [var.cache_policy]
    content {
      name                          = cache_policy.value.name
      comment                       = cache_policy.value.comment
      min_ttl                       = cache_policy.value.min_ttl
      default_ttl                   = cache_policy.value.default_ttl
      max_ttl                       = cache_policy.value.max_ttl
      enable_accept_encoding_gzip   = cache_policy.value.enable_accept_encoding_gzip
      enable_accept_encoding_brotli = cache_policy.value.enable_accept_encoding_brotli
      header_behavior               = cache_policy.value.header_behavior
      headers                       = cache_policy.value.headers
      cookie_behavior               = cache_policy.value.cookie_behavior
      cookies                       = cache_policy.value.cookies
      query_string_behavior         = cache_policy.value.query_string_behavior
      query_strings                 = cache_policy.value.query_strings
    }
  }

  dynamic "dashboard" {
    for_each = var.dashboard == null ? [] : [var.dashboard]
    content {
      name = dashboard.value.name
    }
  }

  dynamic "global_accelerator" {
    for_each = var.global_accelerator == null ? [] : [var.global_accelerator]
    content {
      name                  = global_accelerator.value.name
      endpoint_id           = global_accelerator.value.endpoint_id
      enabled               = global_accelerator.value.enabled
      ip_address_type       = global_accelerator.value.ip_address_type
      ports                 = global_accelerator.value.ports
      protocol              = global_accelerator.value.protocol
      endpoint_group_region = global_accelerator.value.endpoint_group_region
    }
  }

  dynamic "budget" {
    for_each = var.budget == null ? [] : [var.budget]
    content {
      monthly_usd = budget.value.monthly_usd
      enforce     = budget.value.enforce
    }
  }
}
