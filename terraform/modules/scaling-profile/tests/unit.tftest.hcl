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

  quota_requests = {
    api_throttle       = { service_code = "apigateway", quota_code = "L-8A5B8E43", desired_value = 100000 },
    lambda_concurrency = { service_code = "lambda", quota_code = "L-B99A9384", desired_value = 12000 },
  }

  api_gateway = {
    rest_api_id = "bmkd8zayee"
    stage_name  = "staging"
    rate_limit  = 100000
    burst_limit = 5000
  }

  lambda_pools = {
    one   = { function_name = "pool-1", reserved_concurrency = 3000, provisioned_concurrency = 1000, qualifier = "prod", memory_size = 1024 },
    two   = { function_name = "pool-2", reserved_concurrency = 3000 },
    three = { function_name = "pool-3", reserved_concurrency = 4000, publish_on_change = true, qualifier = "prod", timeout = 29 },
  }

  dynamodb_tables = {
    feeds = { table_name = "feeds" },
    sessions = {
      table_name     = "sessions"
      billing_mode   = "PROVISIONED"
      write_capacity = 100
      autoscaling = {
        read = { min_capacity = 1000, max_capacity = 40000, target_utilization = 70 }
      }
    },
  }

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
    condition     = smuppy_scaling_profile.this.traffic.peak_rps == 100000 && smuppy_scaling_profile.this.traffic.cache_hit_ratio == 0.8
    error_message = "traffic is not passed from var.traffic"
  }

  assert {
    condition     = { for k, q in smuppy_scaling_profile.this.quota_requests : k => "${q.service_code}/${q.quota_code}=${q.desired_value}" } == { api_throttle = "apigateway/L-8A5B8E43=100000", lambda_concurrency = "lambda/L-B99A9384=12000" }
    error_message = "quota_requests do not follow var.quota_requests, key for key"
  }

  assert {
    condition     = smuppy_scaling_profile.this.api_gateway.rate_limit == 100000 && smuppy_scaling_profile.this.api_gateway.burst_limit == 5000 && smuppy_scaling_profile.this.api_gateway.integration_timeout_ms == null
    error_message = "api_gateway is not passed from var.api_gateway"
  }

  assert {
    condition     = { for k, l in smuppy_scaling_profile.this.lambda_pools : k => l.function_name } == { one = "pool-1", two = "pool-2", three = "pool-3" }
    error_message = "one pool per key of var.lambda_pools"
  }

  assert {
    condition     = sum([for l in values(smuppy_scaling_profile.this.lambda_pools) : l.reserved_concurrency]) == 10000
    error_message = "the three pools reserve 3000 + 3000 + 4000"
  }

  assert {
    condition     = smuppy_scaling_profile.this.lambda_pools["one"].publish_on_change == false && smuppy_scaling_profile.this.lambda_pools["three"].publish_on_change == true
    error_message = "publish_on_change defaults to false and passes true through"
  }

  assert {
    condition     = smuppy_scaling_profile.this.lambda_pools["two"].qualifier == null && smuppy_scaling_profile.this.lambda_pools["three"].timeout == 29
    error_message = "optional pool settings are not passed through"
  }

  assert {
    condition     = smuppy_scaling_profile.this.dynamodb_tables["feeds"].billing_mode == "PAY_PER_REQUEST" && smuppy_scaling_profile.this.dynamodb_tables["feeds"].autoscaling == null
    error_message = "a table defaults to on-demand without auto scaling"
  }

  assert {
    condition     = smuppy_scaling_profile.this.dynamodb_tables["sessions"].autoscaling.read.max_capacity == 40000 && smuppy_scaling_profile.this.dynamodb_tables["sessions"].autoscaling.write == null
    error_message = "auto scaling renders the read dimension only"
  }

  assert {
    condition     = smuppy_scaling_profile.this.cache_policy.headers == tolist(["Authorization"])
    error_message = "cache_policy is not passed from var.cache_policy"
  }

  assert {
    condition     = smuppy_scaling_profile.this.dashboard.name == "SmuppyScaling"
    error_message = "dashboard is not passed"
  }

  assert {
    condition     = smuppy_scaling_profile.this.global_accelerator == null && smuppy_scaling_profile.this.budget == null && smuppy_scaling_profile.this.timeouts == null
    error_message = "null objects must stay null, and no timeouts block without var.timeouts"
  }
}

run "empty_inputs_render_nulls" {
  command = plan

  variables {
    traffic         = null
    quota_requests  = {}
    api_gateway     = null
    lambda_pools    = {}
    dynamodb_tables = {}
    cache_policy    = null
    dashboard       = null
  }

  assert {
    condition = alltrue([for v in [
      smuppy_scaling_profile.this.traffic,
      smuppy_scaling_profile.this.api_gateway,
      smuppy_scaling_profile.this.cache_policy,
      smuppy_scaling_profile.this.dashboard,
      smuppy_scaling_profile.this.quota_requests,
      smuppy_scaling_profile.this.lambda_pools,
      smuppy_scaling_profile.this.dynamodb_tables,
    ] : v == null])
    error_message = "empty inputs must render nulls"
  }
}

run "latest_qualifier_is_rejected" {
  command = plan

  variables {
    lambda_pools = { p = { function_name = "pool-1", provisioned_concurrency = 10, qualifier = "$LATEST" } }
  }

  expect_failures = [var.lambda_pools]
}

run "provisioned_needs_a_qualifier" {
  command = plan

  variables {
    lambda_pools = { p = { function_name = "pool-1", provisioned_concurrency = 10 } }
  }

  expect_failures = [var.lambda_pools]
}

run "provisioned_above_reserved_is_rejected" {
  command = plan

  variables {
    lambda_pools = { p = { function_name = "pool-1", reserved_concurrency = 10, provisioned_concurrency = 20, qualifier = "prod" } }
  }

  expect_failures = [var.lambda_pools]
}

run "memory_out_of_range_is_rejected" {
  command = plan

  variables {
    lambda_pools = { p = { function_name = "pool-1", memory_size = 64 } }
  }

  expect_failures = [var.lambda_pools]
}

run "same_function_on_another_qualifier_is_accepted" {
  command = plan

  variables {
    lambda_pools = { live = { function_name = "pool-1", qualifier = "prod" }, canary = { function_name = "pool-1", qualifier = "canary" } }
  }

  assert {
    condition     = length(smuppy_scaling_profile.this.lambda_pools) == 2
    error_message = "two qualifiers of one function are two pools"
  }
}

run "timeouts_render_the_block" {
  command = plan

  variables {
    timeouts = { create = "45m", delete = "10m" }
  }

  assert {
    condition     = smuppy_scaling_profile.this.timeouts.create == "45m" && smuppy_scaling_profile.this.timeouts.update == null && smuppy_scaling_profile.this.timeouts.delete == "10m"
    error_message = "var.timeouts is not rendered into the timeouts block"
  }
}

run "duplicate_function_is_rejected" {
  command = plan

  variables {
    lambda_pools = { a = { function_name = "pool-1" }, b = { function_name = "pool-1" } }
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
    dynamodb_tables = { t = { table_name = "feeds", billing_mode = "ON_DEMAND" } }
  }

  expect_failures = [var.dynamodb_tables]
}

run "autoscaling_on_demand_is_rejected" {
  command = plan

  variables {
    dynamodb_tables = { t = { table_name = "feeds", autoscaling = { read = { min_capacity = 1, max_capacity = 10 } } } }
  }

  expect_failures = [var.dynamodb_tables]
}

run "autoscaling_min_above_max_is_rejected" {
  command = plan

  variables {
    dynamodb_tables = { t = { table_name = "feeds", billing_mode = "PROVISIONED", read_capacity = 5, write_capacity = 5, autoscaling = { write = { min_capacity = 50, max_capacity = 10 } } } }
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
    quota_requests = { q = { service_code = "apigateway", quota_code = "8A5B8E43", desired_value = 100000 } }
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
