locals {
  profile = {
    traffic      = { peak_rps = 100000, latency_ms = 55, cache_hit_ratio = 0.8 }
    api_gateway  = { rest_api_id = "bmkd8zayee", stage_name = "staging", rate_limit = 10000 }
    lambda_pools = { api = { function_name = "smuppy-api-handler", reserved_concurrency = 800 } }
  }
  findings = provider::smuppy::check(local.profile)
  errors   = [for f in local.findings : f if f.severity == "error"]
}

# Fails the plan with every error the rule engine finds, e.g.
# CAP002 at lambda_pools["api"].reserved_concurrency: 20,000 rps × 0.055 s needs
# 1,100 concurrent executions; reserved concurrency is 800: ...
output "warnings" {
  value = [for f in local.findings : "${f.rule_id} ${f.location}: ${f.message}" if f.severity == "warning"]

  precondition {
    condition     = length(local.errors) == 0
    error_message = join("\n", [for f in local.errors : "${f.rule_id} at ${f.location}: ${f.message}"])
  }
}
