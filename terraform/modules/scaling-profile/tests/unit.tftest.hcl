# Plan-only runs against a mocked provider: how the variables render into the
# resource's blocks, and which values the variable validations reject. Needs
# the provider's schema only (no AWS, no sandbox):
#   terraform test -filter=tests/unit.tftest.hcl

mock_provider "smuppy" {}

variables {
  name = "unit"

  traffic = {
    peak_rps        = 100000
    latency_ms      = 55
    cache_hit_ratio = 0.8
  }

  quota_requests = [
    { service_code = "apigateway", quota_code = "L-8A5B8E43", desired_value = 100000 },
    { service_code = "lambda", quota_code = "L-B99A9384", desired_value = 12000 },
  ]

  api_gateway = {
    rest_api_id = "bmkd8zayee"
    stage_name  = "staging"
    rate_limit  = 100000
    burst_limit = 5000
  }

  lambda_pools = [
    { function_name = "pool-1", reserved_concurrency = 3000, provisioned_concurrency = 1000, qualifier = "prod", memory_size = 1024 },
    { function_name = "pool-2", reserved_concurrency = 3000 },
    { function_name = "pool-3", reserved_concurrency = 4000, publish_on_change = true, qualifier = "prod", timeout = 29 },
  ]

  dynamodb_tables = [
    { table_name = "feeds" },
    {
      table_name     = "sessions"
      billing_mode   = "PROVISIONED"
      write_capacity = 100
      autoscaling = {
        read = { min_capacity = 1000, max_capacity = 40000, target_utilization = 70 }
      }
    },
  ]

  cache_policy = {
    name                  = "SmuppyAPICache"
    min_ttl               = 1
    default_ttl           = 60
    max_ttl               = 300
    header_behavior       = "whitelist"
    headers               = ["Authorization"]
    query_string_behavior = "all"
  }

  dashboard = { name = "SmuppyScaling" }
}

run "renders_every_block" {
  command = plan

  assert {
    condition     = smuppy_scaling_profile.this.name == "unit"
    error_message = "name is not passed through"
  }

  assert {
    condition     = length(smuppy_scaling_profile.this.traffic) == 1 && smuppy_scaling_profile.this.traffic[0].peak_rps == 100000 && smuppy_scaling_profile.this.traffic[0].cache_hit_ratio == 0.8
    error_message = "traffic block is not rendered from var.traffic"
  }

  assert {
    condition     = [for q in smuppy_scaling_profile.this.quota_request : "${q.service_code}/${q.quota_code}=${q.desired_value}"] == ["apigateway/L-8A5B8E43=100000", "lambda/L-B99A9384=12000"]
    error_message = "quota_request blocks do not follow var.quota_requests"
  }

  assert {
    condition     = smuppy_scaling_profile.this.api_gateway[0].rate_limit == 100000 && smuppy_scaling_profile.this.api_gateway[0].burst_limit == 5000 && smuppy_scaling_profile.this.api_gateway[0].integration_timeout_ms == null
    error_message = "api_gateway block is not rendered from var.api_gateway"
  }

  assert {
    condition     = [for l in smuppy_scaling_profile.this.lambda : l.function_name] == ["pool-1", "pool-2", "pool-3"]
    error_message = "one lambda block per pool, in order"
  }

  assert {
    condition     = sum([for l in smuppy_scaling_profile.this.lambda : l.reserved_concurrency]) == 10000
    error_message = "the three pools reserve 3000 + 3000 + 4000"
  }

  assert {
    condition     = smuppy_scaling_profile.this.lambda[0].publish_on_change == false && smuppy_scaling_profile.this.lambda[2].publish_on_change == true
    error_message = "publish_on_change defaults to false and passes true through"
  }

  assert {
    condition     = smuppy_scaling_profile.this.lambda[1].qualifier == null && smuppy_scaling_profile.this.lambda[2].timeout == 29
    error_message = "optional pool settings are not passed through"
  }

  assert {
    condition     = smuppy_scaling_profile.this.dynamodb[0].billing_mode == "PAY_PER_REQUEST" && length(smuppy_scaling_profile.this.dynamodb[0].autoscaling) == 0
    error_message = "a table defaults to on-demand without auto scaling"
  }

  assert {
    condition     = smuppy_scaling_profile.this.dynamodb[1].autoscaling[0].read[0].max_capacity == 40000 && length(smuppy_scaling_profile.this.dynamodb[1].autoscaling[0].write) == 0
    error_message = "auto scaling renders the read dimension only"
  }

  assert {
    condition     = smuppy_scaling_profile.this.cache_policy[0].headers == tolist(["Authorization"])
    error_message = "cache_policy block is not rendered from var.cache_policy"
  }

  assert {
    condition     = smuppy_scaling_profile.this.dashboard[0].name == "SmuppyScaling"
    error_message = "dashboard block is not rendered"
  }

  assert {
    condition     = length(smuppy_scaling_profile.this.global_accelerator) == 0 && length(smuppy_scaling_profile.this.budget) == 0
    error_message = "null objects must render no block"
  }
}

run "null_inputs_render_no_blocks" {
  command = plan

  variables {
    traffic         = null
    quota_requests  = []
    api_gateway     = null
    lambda_pools    = []
    dynamodb_tables = []
    cache_policy    = null
    dashboard       = null
  }

  assert {
    condition = alltrue([for n in [
      length(smuppy_scaling_profile.this.traffic),
      length(smuppy_scaling_profile.this.quota_request),
      length(smuppy_scaling_profile.this.api_gateway),
      length(smuppy_scaling_profile.this.lambda),
      length(smuppy_scaling_profile.this.dynamodb),
      length(smuppy_scaling_profile.this.cache_policy),
      length(smuppy_scaling_profile.this.dashboard),
    ] : n == 0])
    error_message = "empty inputs must render no blocks"
  }
}

run "latest_qualifier_is_rejected" {
  command = plan

  variables {
    lambda_pools = [{ function_name = "pool-1", provisioned_concurrency = 10, qualifier = "$LATEST" }]
  }

  expect_failures = [var.lambda_pools]
}

run "provisioned_needs_a_qualifier" {
  command = plan

  variables {
    lambda_pools = [{ function_name = "pool-1", provisioned_concurrency = 10 }]
  }

  expect_failures = [var.lambda_pools]
}

run "provisioned_above_reserved_is_rejected" {
  command = plan

  variables {
    lambda_pools = [{ function_name = "pool-1", reserved_concurrency = 10, provisioned_concurrency = 20, qualifier = "prod" }]
  }

  expect_failures = [var.lambda_pools]
}

run "memory_out_of_range_is_rejected" {
  command = plan

  variables {
    lambda_pools = [{ function_name = "pool-1", memory_size = 64 }]
  }

  expect_failures = [var.lambda_pools]
}

run "duplicate_function_is_rejected" {
  command = plan

  variables {
    lambda_pools = [{ function_name = "pool-1" }, { function_name = "pool-1" }]
  }

  expect_failures = [var.lambda_pools]
}

run "burst_needs_rate" {
  command = plan

  variables {
    api_gateway = { rest_api_id = "bmkd8zayee", stage_name = "staging", burst_limit = 5000 }
  }

  expect_failures = [var.api_gateway]
}

run "unknown_billing_mode_is_rejected" {
  command = plan

  variables {
    dynamodb_tables = [{ table_name = "feeds", billing_mode = "ON_DEMAND" }]
  }

  expect_failures = [var.dynamodb_tables]
}

run "autoscaling_on_demand_is_rejected" {
  command = plan

  variables {
    dynamodb_tables = [{ table_name = "feeds", autoscaling = { read = { min_capacity = 1, max_capacity = 10 } } }]
  }

  expect_failures = [var.dynamodb_tables]
}

run "autoscaling_min_above_max_is_rejected" {
  command = plan

  variables {
    dynamodb_tables = [{ table_name = "feeds", billing_mode = "PROVISIONED", read_capacity = 5, write_capacity = 5, autoscaling = { write = { min_capacity = 50, max_capacity = 10 } } }]
  }

  expect_failures = [var.dynamodb_tables]
}

run "cache_ttls_out_of_order_are_rejected" {
  command = plan

  variables {
    cache_policy = { name = "c", min_ttl = 60, default_ttl = 10, max_ttl = 300 }
  }

  expect_failures = [var.cache_policy]
}

run "headers_need_whitelist" {
  command = plan

  variables {
    cache_policy = { name = "c", headers = ["Authorization"] }
  }

  expect_failures = [var.cache_policy]
}

run "cache_hit_ratio_above_one_is_rejected" {
  command = plan

  variables {
    traffic = { peak_rps = 1000, latency_ms = 55, cache_hit_ratio = 1.5 }
  }

  expect_failures = [var.traffic]
}

run "malformed_quota_code_is_rejected" {
  command = plan

  variables {
    quota_requests = [{ service_code = "apigateway", quota_code = "8A5B8E43", desired_value = 100000 }]
  }

  expect_failures = [var.quota_requests]
}

run "accelerator_cannot_front_api_gateway" {
  command = plan

  variables {
    global_accelerator = { name = "smuppy-global", endpoint_id = "bmkd8zayee" }
  }

  expect_failures = [var.global_accelerator]
}
