# The stack is managed elsewhere (here by name); smuppy reads its settings at each plan.
variable "rest_api_id" {
  type    = string
  default = "bmkd8zayee"
}

data "smuppy_capacity" "api" {
  traffic = {
    peak_rps        = 100000
    latency_ms      = 55
    cache_hit_ratio = 0.8
  }

  api_gateway = {
    rest_api_id = var.rest_api_id
    stage_name  = "staging"
  }

  lambda_functions = {
    api = { function_name = "smuppy-api-handler", qualifier = "prod" }
  }

  dynamodb_tables = {
    feeds = { table_name = "smuppy-feeds-staging" }
  }
}

# Check blocks warn (the plan goes on) when the stack as AWS has it now cannot carry the
# target, with the rule engine's errors.
check "capacity" {
  assert {
    condition     = data.smuppy_capacity.api.headroom >= 1
    error_message = "headroom ${data.smuppy_capacity.api.headroom} (${data.smuppy_capacity.api.bottleneck}): ${join("; ", [for f in data.smuppy_capacity.api.findings : "${f.rule_id} at ${f.location}: ${f.message}" if f.severity == "error"])}"
  }
}

output "stage_rate_limit" {
  value = data.smuppy_capacity.api.api_gateway.rate_limit
}

output "monthly_cost" {
  value = data.smuppy_capacity.api.monthly_cost
}
